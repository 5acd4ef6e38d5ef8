//! Changes of an image model beyond its cells: rate, minimum, limits and defaults.

use rust_decimal::Decimal;

use super::minimum::Least;
use super::{Change, ChangeKind, DiffError, Overflow, Percent};
use crate::exact::Exact;
use crate::tariff::{Model, describe_spans};

/// Price per pixel-step of a model, exactly.
fn per_pixel_step(model: &Model) -> Option<Exact> {
    Exact::from_decimal(model.rate)?.checked_mul(Exact::ratio(1, model.unit_size.pixels())?)
}

/// Every change to one model (same id in both) beyond the cells.
pub(super) fn model_changes(
    o: &Model,
    n: &Model,
    currency: &str,
) -> Result<Vec<Change>, DiffError> {
    let mut changes = Vec::new();
    let too_large = |what: &str| DiffError::TooLarge(format!("the {what} change of {}", o.id));
    let change = |kind, old: String, new: String| Change {
        kind,
        model: Some(o.id.clone()),
        old,
        new,
        percent: None,
        always_fails: false,
        effect: String::new(),
    };
    // A metered image (priced by its rate, not at the minimum) pays rate x pixel-steps / unit.
    let (old_rate, new_rate) = (
        per_pixel_step(o).ok_or_else(|| too_large("rate"))?,
        per_pixel_step(n).ok_or_else(|| too_large("rate"))?,
    );
    let metered = |what: &str, old_factor: u128, new_factor: u128| {
        let old = old_rate.checked_mul_int(old_factor);
        let new = new_rate.checked_mul_int(new_factor);
        match (old, new) {
            (Some(old), Some(new)) => Percent::between(old, new)
                .ok()
                .flatten()
                .ok_or_else(|| too_large(what)),
            _ => Err(too_large(what)),
        }
    };
    let with_rate = if old_rate == new_rate {
        ""
    } else {
        " (with the rate change)"
    };
    if o.rate != n.rate || o.unit_size != n.unit_size {
        let words = |m: &Model| {
            if o.unit_size == n.unit_size {
                m.rate.normalize().to_string()
            } else {
                format!("{} per {}", m.rate.normalize(), m.unit_size)
            }
        };
        let p = metered("rate", 1, 1)?;
        changes.push(Change {
            percent: Some(p),
            effect: format!("a metered image pays {p}%"),
            ..change(ChangeKind::Rate, words(o), words(n))
        });
    }
    if o.minimum != n.minimum {
        let (old, new) = (
            Exact::from_decimal(o.minimum).ok_or_else(|| too_large("minimum"))?,
            Exact::from_decimal(n.minimum).ok_or_else(|| too_large("minimum"))?,
        );
        let p = Percent::between(old, new).map_err(|Overflow| too_large("minimum"))?;
        let shown = |d: Decimal| d.normalize().to_string();
        let effect = Least::Image { currency }.effect(o.minimum, n.minimum, p);
        changes.push(Change {
            percent: p,
            always_fails: p.is_none(),
            effect,
            ..change(ChangeKind::Minimum, shown(o.minimum), shown(n.minimum))
        });
    }
    let steps = |m: &Model| vec![(m.steps.min, m.steps.max)];
    if steps(o) != steps(n) {
        changes.push(limits(
            change(
                ChangeKind::Steps,
                describe_spans(&steps(o)),
                describe_spans(&steps(n)),
            ),
            &steps(o),
            &steps(n),
            |spans| format!("jobs with {spans} steps"),
        ));
    }
    let (old_sides, new_sides) = (o.side.accepted(), n.side.accepted());
    if old_sides != new_sides {
        changes.push(limits(
            change(
                ChangeKind::Sides,
                describe_spans(&old_sides),
                describe_spans(&new_sides),
            ),
            &old_sides,
            &new_sides,
            |spans| format!("sides of {spans} pixels"),
        ));
    }
    let (od, nd) = (o.steps.default, n.steps.default);
    let (oz, nz) = (o.default_size, n.default_size);
    if od != nd {
        let p = metered("default steps", u128::from(od), u128::from(nd))?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give no steps run {nd} steps instead of {od}; a metered image pays {p}%{with_rate}"
            ),
            ..change(ChangeKind::DefaultSteps, od.to_string(), nd.to_string())
        });
    }
    if oz != nz {
        let p = metered(
            "default size",
            u128::from(oz.pixels()),
            u128::from(nz.pixels()),
        )?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give no size get {nz} instead of {oz}; a metered image pays {p}%{with_rate}"
            ),
            ..change(ChangeKind::DefaultSize, oz.to_string(), nz.to_string())
        });
    }
    if od != nd && oz != nz {
        let p = metered(
            "default job",
            crate::pricing::pixel_steps(od, oz),
            crate::pricing::pixel_steps(nd, nz),
        )?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give neither steps nor size get {nd} steps at {nz} instead of {od} steps at {oz}; a metered image pays {p}%{with_rate}"
            ),
            ..change(
                ChangeKind::DefaultJob,
                format!("{od} steps, {oz}"),
                format!("{nd} steps, {nz}"),
            )
        });
    }
    Ok(changes)
}

/// A limit change: what was accepted and is refused now fails any gate; what is newly
/// accepted does not.
pub(super) fn limits(
    mut change: Change,
    old: &[(u32, u32)],
    new: &[(u32, u32)],
    what: impl Fn(&str) -> String,
) -> Change {
    let (refused, accepted) = (minus(old, new), minus(new, old));
    let mut effect = Vec::new();
    if !refused.is_empty() {
        effect.push(format!(
            "{} were accepted and are refused now",
            what(&describe_spans(&refused))
        ));
    }
    if !accepted.is_empty() {
        effect.push(format!(
            "{} are accepted now",
            what(&describe_spans(&accepted))
        ));
    }
    change.always_fails = !refused.is_empty();
    change.effect = effect.join("; ");
    change
}

/// The values in `a`'s ranges and in none of `b`'s; both ascending and disjoint.
fn minus(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(start, end) in a {
        let mut from = Some(start);
        for &(x, y) in b {
            let Some(f) = from else { break };
            if y < f || x > end {
                continue;
            }
            if x > f {
                out.push((f, x - 1));
            }
            from = y.checked_add(1);
        }
        if let Some(f) = from
            && f <= end
        {
            out.push((f, end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_minus_ranges() {
        assert_eq!(minus(&[(1, 50)], &[(5, 50)]), vec![(1, 4)]);
        assert_eq!(minus(&[(1, 50)], &[(1, 100)]), vec![]);
        assert_eq!(
            minus(&[(1, 999), (1024, 1024)], &[(1, 768)]),
            vec![(769, 999), (1024, 1024)]
        );
        assert_eq!(
            minus(&[(1, u32::MAX)], &[(2, 3), (5, u32::MAX)]),
            vec![(1, 1), (4, 4)]
        );
        assert_eq!(minus(&[(7, 9)], &[]), vec![(7, 9)]);
    }
}
