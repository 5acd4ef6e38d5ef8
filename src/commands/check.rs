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
    report: &mut super::github::Report,
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
        CheckFormat::Github => {
            let mut summary = Vec::new();
            render::markdown::check(&mut summary, &view)?;
            report.summary = String::from_utf8_lossy(&summary).into_owned();
        }
    }
    let passed = view.checks.iter().all(|(_, c)| c.passed());
    if format == CheckFormat::Github {
        github_report(tariff, &view, passed, report);
    }
    Ok(if passed {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

/// What `check --format github` reports: an error annotation at each published cell that is
/// off, one notice with the count, the verdict.
fn github_report(
    tariff: &Tariff,
    view: &CheckView<'_>,
    passed: bool,
    report: &mut super::github::Report,
) {
    use crate::grid::Status;
    // The same findings `validate` warns of, placed at each cell in the tariff, for the models
    // checked whose cells are off.
    let off: Vec<&str> = view
        .checks
        .iter()
        .filter(|(_, c)| !c.passed())
        .map(|(m, _)| m.id.as_str())
        .collect();
    let cells = crate::checks::warnings(tariff, &tariff.as_of)
        .into_iter()
        .filter(|d| {
            d.key.contains(".published.rows[")
                && off.iter().any(|id| {
                    d.key.starts_with(&format!("models.{id}."))
                        || d.key.starts_with(&format!("models.\"{id}\"."))
                })
        })
        .collect::<Vec<_>>();
    report.annotations = super::github::warnings(&cells)
        .into_iter()
        .map(|mut a| {
            a.level = crate::render::github::Level::Error;
            a.title = Some("published price off".to_owned());
            a
        })
        .collect();
    let (mut total, mut bad) = (0, 0);
    for (_, c) in &view.checks {
        total += c.cells.len();
        bad += c.count(Status::Off);
    }
    report.notice = Some(format!(
        "{}: {total} published cell(s) checked, {bad} off by more than the tolerance",
        tariff.origin.name()
    ));
    let verdict = if passed { "pass" } else { "fail" };
    report.outputs = vec![("verdict", verdict.to_owned())];
}
