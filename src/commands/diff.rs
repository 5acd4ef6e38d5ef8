//! `diff`: what changed between two tariffs, and the `--fail-above` gate.

use super::Streams;
use super::load::load_tariff;
use crate::cli::{DiffArgs, GridFormat};
use crate::date::Day;
use crate::diff::Offence;
use crate::error::{Error, Outcome};
use crate::render::{self, DiffView};

/// `day` prices OLD, and NEW unless `--to` names another day.
pub(super) fn diff(args: &DiffArgs, day: Day, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let new_path = match (&args.new, args.to) {
        (Some(new), _) => Some(new),
        // One tariff on two days: read once.
        (None, Some(_)) => None,
        (None, None) => {
            return Err(Error::Usage(format!(
                "diff needs a second tariff, NEW, or --to YYYY-MM-DD to compare {} on two days",
                crate::escape::escaped(&args.old.display().to_string())
            )));
        }
    };
    // OLD and NEW both on standard input (or one pipe) were refused before anything was read.
    let old = load_tariff(Some(&args.old))?;
    let new = match new_path {
        Some(path) => load_tariff(Some(path))?,
        None => old.clone(),
    };
    // The day asked for, then every later day on which either tariff's prices change.
    let priced = crate::diff::priced(&old, &new, day, args.to);
    // Each side must price every model it has on its day: a model with no rate yet is not
    // "removed", and no cell of it is comparable.
    for (old, new) in &priced {
        for side in [old, new] {
            for model in &side.models {
                super::load::in_force(side, model)?;
            }
        }
    }
    let steps = args.steps.as_ref().map(|l| l.0.as_slice());
    let sizes = args.sizes.as_ref().map(|l| l.0.as_slice());
    let days = crate::diff::over_days(&priced, steps, sizes)?;
    let view = DiffView { days: &days };
    match args.format {
        GridFormat::Table => render::table::grids::diff(io.out, &view)?,
        GridFormat::Markdown => render::markdown::diff(io.out, &view)?,
        GridFormat::Csv => render::csv::diff(io.out, &view)?,
        GridFormat::Json => render::json::grids::diff(io.out, &view)?,
    }
    let Some(limit) = args.fail_above else {
        return Ok(Outcome::Success);
    };
    let mut offences = days.iter().enumerate().flat_map(|(i, d)| {
        d.diff
            .offences(limit)
            .map(move |offence| (i > 0, d, offence))
    });
    let Some((scheduled, first_day, first)) = offences.next() else {
        return Ok(Outcome::Success);
    };
    let count = offences.count().saturating_add(1);
    let (old, new) = (first_day.old, first_day.new);
    let what = match first {
        Offence::Change(c) if c.always_fails => format!(
            "{} (this has no percentage and fails any --fail-above)",
            c.describe()
        ),
        Offence::Change(c) => c.describe(),
        Offence::Cell(model, cell) => format!(
            "{} at {} steps, {}: {} -> {} ({})",
            model.new.id,
            cell.steps,
            cell.size,
            render::money(cell.old, old.display.decimals),
            render::money(cell.new, new.display.decimals),
            render::percent(cell.percent),
        ),
    };
    let when = match first_day.day() {
        Some(day) if scheduled => format!("from {day} (scheduled): "),
        _ => String::new(),
    };
    writeln!(
        io.err,
        "{} {} change(s) go past --fail-above {}%; the first: {when}{what}",
        io.err_paint.error("price rise:"),
        count,
        render::exact(limit),
    )?;
    Ok(Outcome::CheckFailed)
}
