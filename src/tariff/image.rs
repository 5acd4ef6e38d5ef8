//! Reading an image model's side limits and its published grid.

use super::*;

/// `side = { min, max, refused }`, with the refused ranges checked so that `describe` is true:
/// each runs upward inside min to max, no two overlap or touch, and some side stays accepted.
/// Returns the ranges as read too (in order, with where each is), to place later findings.
pub(super) fn read_side(
    r: &mut Reader,
    field: Field<'_, '_>,
) -> Option<(SideLimits, Vec<RefusedRange>)> {
    let mut st = r.table(field)?;
    let min = r
        .required(&mut st, "min")
        .and_then(|(v, p)| r.whole(field!(v, p), 1));
    let max = r
        .required(&mut st, "max")
        .and_then(|(v, p)| r.whole(field!(v, p), 1));
    let refused = match r.optional(&mut st, "refused") {
        None => Some(Vec::new()),
        Some((rv, rpath)) => r.array(field!(rv, rpath)).and_then(|items| {
            let read: Vec<Option<RefusedRange>> = items
                .into_iter()
                .map(|(item, p)| {
                    let pair = r.array(field!(item, p))?;
                    if pair.len() != 2 {
                        r.problem(
                            item.span(),
                            &p,
                            "a refused range is [FROM, TO], two whole numbers",
                        );
                        return None;
                    }
                    let a = r.whole(field!(pair[0].0, pair[0].1), 1);
                    let b = r.whole(field!(pair[1].0, pair[1].1), 1);
                    Some((a?, b?, item.span(), p))
                })
                .collect();
            read.into_iter().collect::<Option<Vec<_>>>()
        }),
    };
    r.finish(st);
    let (min, max, mut refused) = (min?, max?, refused?);
    if min > max {
        r.problem(
            field.value.span(),
            field.path,
            format!("min {min} is greater than max {max}"),
        );
        return None;
    }
    let before = r.problems.len();
    for (a, b, span, p) in &refused {
        let (a, b) = (*a, *b);
        if a > b {
            r.problem(
                span.clone(),
                p,
                format!("refused range [{a}, {b}] runs downward; write it [{b}, {a}]"),
            );
        } else if a < min || b > max {
            r.problem(
                span.clone(),
                p,
                format!(
                    "refused range [{a}, {b}] is not inside the side limits, min {min} to max {max}"
                ),
            );
        } else if a == min && b == max {
            r.problem(
                span.clone(),
                p,
                format!("refused range [{a}, {b}] refuses every side from min {min} to max {max}, so no size would be accepted"),
            );
        }
    }
    if r.problems.len() > before {
        return None;
    }
    // In order of their start, each range must begin past the furthest end so far, with at least
    // one accepted side between: a range inside, across or against another is one range written
    // twice, and the described gaps would not be the accepted sides.
    let mut order: Vec<usize> = (0..refused.len()).collect();
    order.sort_by_key(|&i| (refused[i].0, refused[i].1));
    let mut reach: Option<usize> = None;
    for &i in &order {
        if let Some(j) = reach {
            let (a, b) = (refused[i].0, refused[i].1);
            let (c, d) = (refused[j].0, refused[j].1);
            let touching = d.checked_add(1).is_none_or(|next| a <= next);
            if touching {
                // Placed at whichever comes later in the file, naming the other.
                let (here, other) = if i > j { (i, j) } else { (j, i) };
                let (ha, hb, span, p) = &refused[here];
                let (oa, ob, _, op) = &refused[other];
                let how = if a <= d { "overlaps" } else { "touches" };
                r.problem(
                    span.clone(),
                    p,
                    format!(
                        "refused range [{ha}, {hb}] {how} [{oa}, {ob}] ({}); write them as one range, [{}, {}]",
                        last_key(op),
                        c.min(a),
                        d.max(b)
                    ),
                );
            }
            if b <= d {
                continue;
            }
        }
        reach = Some(i);
    }
    if r.problems.len() > before {
        return None;
    }
    refused.sort_by_key(|&(a, b, _, _)| (a, b));
    let side = SideLimits {
        min,
        max,
        refused: refused.iter().map(|&(a, b, _, _)| (a, b)).collect(),
    };
    Some((side, refused))
}

/// The last part of a key path, `refused[0]` of `models.flux-dev.side.refused[0]`: enough to
/// name a sibling in a message placed at its neighbour.
pub(super) fn last_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Dividing by the unit's pixels gives an exact decimal only when they are 2^a x 5^b; at most 28
/// places keeps every price's denominator within what exact arithmetic holds.
pub(super) fn exact_unit(pixels: u64) -> bool {
    crate::exact::two_five_factors(pixels).is_some_and(|(twos, fives)| twos.max(fives) <= 28)
}

/// `[models.ID.published]`. Each column and each row once, every price above 0, and (when the
/// model's limits loaded) every cell a job the model accepts: `check` prices each cell as a job.
pub(super) fn read_published(
    r: &mut Reader,
    mut t: Table<'_, '_>,
    steps: Option<StepLimits>,
    side: Option<&SideLimits>,
) -> Option<Published> {
    let tolerance = r.required(&mut t, "tolerance").and_then(|(v, path)| {
        let tol = r.decimal(field!(v, path))?;
        if tol.is_sign_negative() && !tol.is_zero() {
            r.problem(
                v.span(),
                &path,
                format!("the tolerance must be 0 or more, got {tol}"),
            );
            return None;
        }
        Some(tol.abs())
    });
    let sizes = r.required(&mut t, "sizes").and_then(|(v, path)| {
        let items = r.array(field!(v, path))?;
        if items.is_empty() {
            r.problem(v.span(), &path, "the published sizes are empty");
        }
        let mut seen: Vec<(Size, String)> = Vec::new();
        let mut complete = true;
        for (item, p) in items {
            let Some(size) = read_size(r, field!(item, p)) else {
                complete = false;
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == size) {
                r.problem(
                    item.span(),
                    &p,
                    format!(
                        "size {size} is published twice (also {}); give each column once",
                        last_key(first)
                    ),
                );
                complete = false;
            } else if let Some(side) = side
                && !(side.accepts(size.width) && side.accepts(size.height))
            {
                r.problem(
                    item.span(),
                    &p,
                    format!(
                        "published size {size} is outside the model's side limits (each side {} pixels)",
                        side.describe()
                    ),
                );
                complete = false;
            }
            seen.push((size, p));
        }
        complete.then(|| seen.into_iter().map(|(s, _)| s).collect::<Vec<Size>>())
    });
    let rows = r.required(&mut t, "rows").and_then(|(v, path)| {
        let items = r.array(field!(v, path))?;
        if items.is_empty() {
            r.problem(
                v.span(),
                &path,
                "the published rows are empty (add { steps = N, prices = [...] })",
            );
            return None;
        }
        let mut rows = Vec::new();
        let mut seen: Vec<(u32, String)> = Vec::new();
        let mut complete = true;
        for (item, p) in items {
            let Some(mut row) = r.table(field!(item, p)) else {
                complete = false;
                continue;
            };
            let row_path = p.clone();
            let row_steps = r.required(&mut row, "steps").and_then(|(v, p)| {
                let n = r.whole(field!(v, p), 1)?;
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == n) {
                    r.problem(
                        v.span(),
                        &p,
                        format!(
                            "a row for {n} steps is published twice (also {first}); give each row once"
                        ),
                    );
                    return None;
                }
                seen.push((n, last_key(&row_path).to_owned()));
                if let Some(limits) = steps
                    && !(limits.min..=limits.max).contains(&n)
                {
                    r.problem(
                        v.span(),
                        &p,
                        format!(
                            "published row for {n} steps is outside the model's steps, {} to {}",
                            limits.min, limits.max
                        ),
                    );
                    return None;
                }
                Some(n)
            });
            let prices = r.required(&mut row, "prices").and_then(|(v, p)| {
                let items = r.array(field!(v, p))?;
                let count = items.len();
                let read: Vec<Option<Decimal>> = items
                    .into_iter()
                    .map(|(item, p)| {
                        let price = r.decimal(field!(item, p))?;
                        if price > Decimal::ZERO {
                            Some(price)
                        } else {
                            r.problem(
                                item.span(),
                                &p,
                                format!("a published price must be greater than 0, got {price}"),
                            );
                            None
                        }
                    })
                    .collect();
                Some((
                    read.into_iter().collect::<Option<Vec<Decimal>>>()?,
                    count,
                    v.span(),
                    p,
                ))
            });
            r.finish(row);
            match (row_steps, prices) {
                (Some(steps), Some((prices, count, span, p))) => {
                    rows.push((PublishedRow { steps, prices }, count, span, p))
                }
                _ => complete = false,
            }
        }
        complete.then_some(rows)
    });
    r.finish(t);
    let sizes = sizes?;
    let mut checked = Vec::new();
    for (row, count, span, path) in rows? {
        if count != sizes.len() {
            r.problem(
                span,
                &path,
                format!(
                    "the row for {} steps has {count} price{} but there are {} published sizes",
                    row.steps,
                    if count == 1 { "" } else { "s" },
                    sizes.len()
                ),
            );
        } else {
            checked.push(row);
        }
    }
    Some(Published {
        tolerance: tolerance?,
        sizes,
        rows: checked,
    })
}
