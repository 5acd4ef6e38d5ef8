//! `table`: the steps x sizes grid computed from the model.

use super::Streams;
use super::gate::ManyJobs;
use super::load::pick_model;
use crate::cli::{GridFormat, TableArgs};
use crate::error::{Error, Outcome};
use crate::grid::Grid;
use crate::job::Job;
use crate::render::{self, GridView};
use crate::tariff::Tariff;

pub(super) fn table(
    tariff: &Tariff,
    args: &TableArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    let published = model.published.as_ref();
    let steps = match (&args.steps, published) {
        (Some(list), _) => list.0.clone(),
        (None, Some(p)) => p.rows.iter().map(|r| r.steps).collect(),
        (None, None) => vec![model.steps.default],
    };
    let sizes = match (&args.sizes, published) {
        (Some(list), _) => list.0.clone(),
        (None, Some(p)) => p.sizes.clone(),
        (None, None) => vec![model.default_size],
    };
    // Every cell is a one-image job: the same limits apply as to one job.
    let mut limits = ManyJobs::default();
    for &s in &steps {
        for &size in &sizes {
            let job = Job {
                steps: s,
                size,
                count: 1,
            };
            limits.check(model, &job, args.allow_out_of_range)?;
        }
    }
    limits.warn("cell", io)?;
    let grid = Grid::compute(model, tariff.display, &steps, &sizes)?;
    let view = GridView {
        tariff,
        model,
        grid: &grid,
    };
    match args.format {
        GridFormat::Table => render::table::grid(io.out, &view)?,
        GridFormat::Markdown => render::markdown::grid(io.out, &view)?,
        GridFormat::Csv => render::csv::grid(io.out, &view)?,
        GridFormat::Json => render::json::grid(io.out, &view)?,
    }
    Ok(Outcome::Success)
}
