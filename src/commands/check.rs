//! `check`: the model's grid against the published prices.

use super::Streams;
use super::load::pick_checked;
use crate::cli::CheckFormat;
use crate::error::{Error, Outcome};
use crate::grid::Check;
use crate::render::{self, CheckView};
use crate::tariff::{Model, Tariff};

pub(super) fn check(
    tariff: &Tariff,
    model: Option<&str>,
    format: CheckFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let models: Vec<&Model> = match model {
        Some(query) => vec![super::load::image_only(
            pick_checked(tariff, Some(query))?,
            "check",
        )?],
        None => tariff
            .models
            .iter()
            .map(|m| pick_checked(tariff, Some(&m.id)))
            .collect::<Result<_, _>>()?,
    };
    let mut view = CheckView {
        tariff,
        checks: Vec::new(),
        unpublished: Vec::new(),
    };
    for model in models {
        // Token and second models publish no grid: listed as skipped, saying why.
        if !model.is_image() {
            view.unpublished.push(model);
            continue;
        }
        match Check::run(model, tariff.display)? {
            Some(check) => view.checks.push((model, check)),
            None => view.unpublished.push(model),
        }
    }
    match format {
        CheckFormat::Table => render::table::grids::check(io.out, &view)?,
        CheckFormat::Markdown => render::markdown::check(io.out, &view)?,
        CheckFormat::Json => render::json::grids::check(io.out, &view)?,
    }
    let passed = view.checks.iter().all(|(_, c)| c.passed());
    Ok(if passed {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
