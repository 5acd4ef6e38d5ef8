//! `diff`: what changed between two tariffs, and the `--fail-above` gate.

use super::Streams;
use super::load::load_tariff;
use crate::cli::{DiffArgs, GridFormat};
use crate::date::Day;
use crate::error::{Error, Outcome};
use crate::render::{self, DiffView};

/// `day` prices OLD, and NEW unless `--to` names another day.
pub(super) fn diff(args: &DiffArgs, day: Day, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let new_path = match (&args.new, args.to) {
        (Some(new), _) => new,
        (None, Some(_)) => &args.old,
        (None, None) => {
            return Err(Error::Usage(format!(
                "diff needs a second tariff, NEW, or --to YYYY-MM-DD to compare {} on two days",
                crate::escape::escaped(&args.old.display().to_string())
            )));
        }
    };
    if super::load::is_stdin(&args.old) && super::load::is_stdin(new_path) {
        return Err(Error::Usage(
            "diff reads at most one tariff from standard input (-); give the other as a file"
                .to_owned(),
        ));
    }
    let old = load_tariff(Some(&args.old))?.on(day);
    let new = load_tariff(Some(new_path))?.on(args.to.unwrap_or(day));
    // Each side must price every model it has on its day: a model with no rate yet is not
    // "removed", and no cell of it is comparable.
    for side in [&old, &new] {
        for model in &side.models {
            super::load::in_force(side, model)?;
        }
    }
    let steps = args.steps.as_ref().map(|l| l.0.as_slice());
    let sizes = args.sizes.as_ref().map(|l| l.0.as_slice());
    let changes = crate::diff::diff(&old, &new, steps, sizes)?;
    let view = DiffView {
        old: &old,
        new: &new,
        diff: &changes,
    };
    match args.format {
        GridFormat::Table => render::table::diff(io.out, &view)?,
        GridFormat::Markdown => render::markdown::diff(io.out, &view)?,
        GridFormat::Csv => render::csv::diff(io.out, &view)?,
        GridFormat::Json => render::json::diff(io.out, &view)?,
    }
    let Some(limit) = args.fail_above else {
        return Ok(Outcome::Success);
    };
    let mut offences = changes.offences(limit);
    let Some(first) = offences.next() else {
        return Ok(Outcome::Success);
    };
    let count = offences.count().saturating_add(1);
    let what = match first {
        crate::diff::Offence::Change(c) if c.always_fails => format!(
            "{} (this has no percentage and fails any --fail-above)",
            c.describe()
        ),
        crate::diff::Offence::Change(c) => c.describe(),
        crate::diff::Offence::Cell(model, cell) => format!(
            "{} at {} steps, {}: {} -> {} ({})",
            model.new.id,
            cell.steps,
            cell.size,
            render::money(cell.old, old.display.decimals),
            render::money(cell.new, new.display.decimals),
            render::percent(cell.percent),
        ),
    };
    writeln!(
        io.err,
        "{} {} change(s) go past --fail-above {}%; the first: {what}",
        io.err_paint.error("price rise:"),
        count,
        render::exact(limit),
    )?;
    Ok(Outcome::CheckFailed)
}
