//! `table`: the steps x sizes grid computed from the model.

use super::Streams;
use super::gate::ManyJobs;
use super::load::pick_model;
use crate::cli::{TableArgs, TableFormat};
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
    if !model.is_image() {
        return metered(tariff, model, args, io);
    }
    for (flag, given) in [
        ("--input-tokens", args.input_tokens.is_some()),
        ("--output-tokens", args.output_tokens.is_some()),
        ("--seconds", args.seconds.is_some()),
    ] {
        if given {
            return Err(Error::Usage(format!(
                "{flag} is not for model {:?}, which bills per megapixel-step; its grid takes --steps and --sizes",
                model.name
            )));
        }
    }
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
        TableFormat::Table => render::table::grids::grid(io.out, &view)?,
        TableFormat::Markdown => render::markdown::grid(io.out, &view)?,
        TableFormat::Csv => render::csv::grid(io.out, &view)?,
        TableFormat::Json => render::json::grids::grid(io.out, &view)?,
        TableFormat::Plain => render::plain::grid(io.out, &view)?,
        TableFormat::Svg => render::svg::grid(io.out, &view)?,
        TableFormat::Html => render::html::grid(io.out, &view)?,
    }
    Ok(Outcome::Success)
}

/// The grid of a token model (input x output tokens) or a second model (seconds).
fn metered(
    tariff: &Tariff,
    model: &crate::tariff::Model,
    args: &TableArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    use crate::meter_grid::{self as mg, MeterGrid};
    use crate::tariff::Metering;
    let is_token = matches!(model.metering, Metering::Token(_));
    let takes = if is_token {
        "--input-tokens and --output-tokens"
    } else {
        "--seconds"
    };
    let wrong: Vec<&str> = [
        ("--steps", args.steps.is_some()),
        ("--sizes", args.sizes.is_some()),
        ("--allow-out-of-range", args.allow_out_of_range),
        ("--input-tokens", !is_token && args.input_tokens.is_some()),
        ("--output-tokens", !is_token && args.output_tokens.is_some()),
        ("--seconds", is_token && args.seconds.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect();
    if !wrong.is_empty() {
        return Err(Error::Usage(format!(
            "{} {} not for model {:?}, which bills per {}; its grid takes {takes}",
            wrong.join(", "),
            if wrong.len() == 1 { "is" } else { "are" },
            model.name,
            model.metering.name()
        )));
    }
    let inputs = match &args.input_tokens {
        Some(text) => mg::parse_tokens_list("--input-tokens", text).map_err(Error::Usage)?,
        None => mg::INPUT_TOKENS.to_vec(),
    };
    let outputs = match &args.output_tokens {
        Some(text) => mg::parse_tokens_list("--output-tokens", text).map_err(Error::Usage)?,
        None => mg::OUTPUT_TOKENS.to_vec(),
    };
    let seconds = match &args.seconds {
        Some(text) => mg::parse_seconds_list(text).map_err(Error::Usage)?,
        None => mg::SECONDS.iter().map(|&s| s.into()).collect(),
    };
    let grid = MeterGrid::compute(model, tariff.display, &inputs, &outputs, &seconds)
        .map_err(|e| Error::Usage(e.to_string()))?;
    let view = render::MeterGridView {
        tariff,
        model,
        grid: &grid,
    };
    match args.format {
        TableFormat::Table => render::table::meter_grid(io.out, &view)?,
        TableFormat::Markdown => render::markdown::meter_grid(io.out, &view)?,
        TableFormat::Csv => render::csv::meter_grid(io.out, &view)?,
        TableFormat::Json => render::json::meter_grid(io.out, &view)?,
        TableFormat::Plain => render::plain::meter_grid(io.out, &view)?,
        TableFormat::Svg => render::svg::meter_grid(io.out, &view)?,
        TableFormat::Html => render::html::meter_grid(io.out, &view)?,
    }
    Ok(Outcome::Success)
}
