//! The tariff's checks that price a job: at load time, a rate that cannot price its model's
//! default job or a published cell is an error ([`parse`], [`builtin`]); `validate`'s
//! [`warnings`] are findings that are not errors, a tariff that loads but deserves a second look.

use crate::grid::{Check, Status};
use crate::render::{exact, money};
use crate::tariff::{BUILTIN, Diagnostic, Diagnostics, Display, Model, Origin, Tariff, child_path};

/// The built-in tariff, read and checked.
pub fn builtin() -> Result<Tariff, Diagnostics> {
    parse(Origin::BuiltIn, BUILTIN.to_owned())
}

/// Reads a tariff from its text and checks that each image model's rates can price.
pub fn parse(origin: Origin, text: String) -> Result<Tariff, Diagnostics> {
    Tariff::parse_with(origin, text, rate_prices)
}

/// A rate that loads but cannot price the model's own default job, or a cell of its published
/// grid, at the shown places would fail every command that uses it: the problem, placed at the
/// rate by the reader.
fn rate_prices(model: &Model, display: Display) -> Option<String> {
    let job = crate::job::Request::default().resolve(model).job;
    let (e, which) = crate::pricing::quote(model, &job, display)
        .err()
        .map(|e| (e, "its default job"))
        .or_else(|| {
            // A published price too far off to compare is `check`'s to report, not the rate's.
            match crate::grid::Check::run(model, display) {
                Err(crate::grid::CheckError::TooLarge(e)) => {
                    Some((e, "a cell of its published grid"))
                }
                _ => None,
            }
        })?;
    Some(format!(
        "rate {} cannot price {which} shown to {} places: {e} ({})",
        model.rate,
        display.decimals,
        if e.is_below_one() {
            "give the rate fewer significant digits, or unit_size fewer factors of 2 and 5"
        } else {
            "lower the rate or display.decimals"
        }
    ))
}

/// Where a tariff's `as_of` is more than `max_age` days before `today`: a finding placed at
/// `as_of`, saying how old it is and where the prices came from; `None` when it is not (or
/// when `as_of` is not a day, which loading reports).
pub fn too_old(tariff: &Tariff, today: crate::date::Day, max_age: u32) -> Option<Diagnostic> {
    let read: crate::date::Day = tariff.as_of.parse().ok()?;
    let age = read.days_until(today);
    (age > i64::from(max_age)).then(|| {
        tariff.diagnostic(
            "as_of",
            format!(
                "as_of {} is {age} days before today ({today}), more than --max-age {max_age}: the prices, from {}, may have changed since; check them and update the rates and as_of",
                tariff.as_of,
                crate::escape::escaped(&tariff.source)
            ),
        )
    })
}

/// Days after which a tariff's `as_of` is old enough that its prices may have changed.
pub const STALE_DAYS: i64 = 90;

/// Every warning about a loaded tariff, in file order: published cells the model is off by more
/// than the tolerance, an `as_of` after `today` (`YYYY-MM-DD`) or more than [`STALE_DAYS`]
/// before it, models without a published grid, a default job that costs something but shows
/// as zero.
pub fn warnings(tariff: &Tariff, today: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Published grids were read on `as_of`: dated rates are checked as they were that day.
    let read_on;
    let tariff = match tariff.as_of.parse::<crate::date::Day>() {
        Ok(day) if tariff.is_dated() => {
            read_on = tariff.clone().on(day);
            &read_on
        }
        _ => tariff,
    };
    if tariff.as_of.as_str() > today {
        found.push(tariff.diagnostic(
            "as_of",
            format!("as_of {} is in the future (today is {today})", tariff.as_of),
        ));
    }
    if let (Ok(read), Ok(now)) = (
        tariff.as_of.parse::<crate::date::Day>(),
        today.parse::<crate::date::Day>(),
    ) && read.days_until(now) > STALE_DAYS
    {
        found.push(tariff.diagnostic(
            "as_of",
            format!(
                "as_of {} is {} days before today ({today}), more than {STALE_DAYS}: prices may have changed since; check the source and update the rates and as_of",
                tariff.as_of,
                read.days_until(now)
            ),
        ));
    }
    let places = tariff.display.decimals;
    for model in &tariff.models {
        // Token and second models publish no grid to check and have no default job.
        if !model.is_image() {
            continue;
        }
        let path = child_path("models", &model.id);
        // A display too coarse for the model's own prices would show a job that costs money
        // as 0: it is shown to more places instead, which deserves a look.
        let job = crate::job::Request::default().resolve(model).job;
        if let Ok(quote) = crate::pricing::quote(model, &job, tariff.display)
            && quote.price.scale() > places
        {
            found.push(tariff.diagnostic(
                "display.decimals",
                format!(
                    "model {:?}'s default job ({} steps, {}) costs {}, which is 0 at {places} place{}, so it is shown as {} (show more places)",
                    model.id,
                    job.steps,
                    job.size,
                    quote.exact,
                    if places == 1 { "" } else { "s" },
                    money(quote.price, places),
                ),
            ));
        }
        if let (Some(first), Some(_)) = (model.not_until, &model.published) {
            found.push(tariff.diagnostic(&path, no_rate_on_as_of(&model.id, &tariff.as_of, first)));
            continue;
        }
        let checked = Check::run(model, tariff.display);
        if let Err(e) = &checked {
            found.push(tariff.diagnostic(&path, e.to_string()));
        }
        let Ok(Some(check)) = checked else {
            if model.published.is_none() {
                found.push(tariff.diagnostic(
                    &path,
                    format!(
                        "model {:?} has no published table to check its rate against",
                        model.id
                    ),
                ));
            }
            continue;
        };
        let columns = check.columns.max(1);
        for (i, cell) in check.cells.iter().enumerate() {
            if cell.status != Status::Off {
                continue;
            }
            let key = format!(
                "{path}.published.rows[{}].prices[{}]",
                i / columns,
                i % columns
            );
            let message = format!(
                "published {} for {} steps at {}, but the model shows {} (off by {}, more than the tolerance {})",
                exact(cell.published),
                cell.cell.job.steps,
                cell.cell.job.size,
                money(cell.cell.quote.price, places),
                exact(cell.difference.abs()),
                exact(check.tolerance)
            );
            found.push(tariff.diagnostic(&key, message));
        }
    }
    found.sort_by_key(|d| (d.line, d.column));
    found
}

/// A model without a rate on the day its published prices were read: the grid cannot be
/// checked. `validate` warns so; `check` and `fit` refuse with the same words.
pub fn no_rate_on_as_of(model: &str, as_of: &str, first: crate::date::Day) -> String {
    format!(
        "model {model:?} has no rate on the tariff's as_of {as_of}, the day its published prices were read: its first rate takes effect on {first}, so they cannot be checked against it (add the rate in force on {as_of} to the tariff's rates, or correct as_of)"
    )
}

/// Today's date in UTC, `YYYY-MM-DD`, by the system clock.
pub fn today_utc() -> String {
    crate::date::Day::clock().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_day_counts() {
        use crate::date::civil_from_days;
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_782), (2026, 11, 25));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn the_shipped_tariff_has_no_warnings() {
        let t = builtin().unwrap();
        assert_eq!(warnings(&t, "2026-11-25"), vec![]);
        // Read before the day it says it was read: a warning on as_of.
        let w = warnings(&t, "2026-11-24");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].key, "as_of");
        assert!(w[0].line > 1);
    }

    #[test]
    fn a_default_job_shown_as_zero_is_a_warning() {
        let text = BUILTIN.replace("decimals = 4", "decimals = 1");
        let t = parse(Origin::BuiltIn, text).unwrap();
        let w = warnings(&t, "2026-11-25");
        assert_eq!(w[0].key, "display.decimals");
        assert_eq!(
            w[0].message,
            "model \"flux-dev\"'s default job (10 steps, 768x768) costs 0.00678375, which is 0 at 1 place, so it is shown as 0.01 (show more places)"
        );
        // Rounded up, it shows 0.1: no warning on the places.
        let text = BUILTIN
            .replace("decimals = 4", "decimals = 1")
            .replace("rounding = \"half-up\"", "rounding = \"up\"");
        let t = parse(Origin::BuiltIn, text).unwrap();
        assert!(
            warnings(&t, "2026-11-25")
                .iter()
                .all(|d| d.key != "display.decimals")
        );
    }

    #[test]
    fn off_cells_and_unpublished_models_are_placed() {
        let text = BUILTIN.replace("\"0.0023\", \"0.009\"", "\"0.0030\", \"0.009\"")
            + "\n[models.other]\nname = \"Other\"\nunit = \"u\"\nunit_size = \"1x1\"\nrate = \"1\"\nsteps = { min = 1, max = 2, default = 1 }\nside = { min = 1, max = 2 }\ndefault_size = \"1\"\n";
        let t = parse(Origin::BuiltIn, text.clone()).unwrap();
        let w = warnings(&t, "2026-11-25");
        let keys: Vec<&str> = w.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "models.flux-dev.published.rows[2].prices[0]",
                "models.other"
            ]
        );
        assert!(
            w[0].message
                .contains("published 0.003 for 30 steps at 256x256, but the model shows 0.0023"),
            "{}",
            w[0].message
        );
        let line = text.lines().position(|l| l.contains("\"0.0030\"")).unwrap() + 1;
        assert_eq!(w[0].line, line);
    }
}
