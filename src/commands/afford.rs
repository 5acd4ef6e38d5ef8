//! `afford`: how many images, or how many steps, a budget buys.

use super::Streams;
use super::gate::within_limits;
use super::load::pick_model;
use crate::cli::{AffordArgs, AffordFormat};
use crate::error::{Error, Outcome};
use crate::job::Job;
use crate::render::{self, AffordView};
use crate::tariff::Tariff;

pub(super) fn afford(
    tariff: &Tariff,
    args: &AffordArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = super::load::image_only(pick_model(tariff, args.model.as_deref())?, "afford")?;
    let size = args.size.unwrap_or(model.default_size);
    let budget = args.budget;
    let (answer, steps) = match args.count {
        None => {
            let steps = args.steps.unwrap_or(model.steps.default);
            within_limits(
                model,
                &Job {
                    steps,
                    size,
                    count: 1,
                },
                args.allow_out_of_range,
                io,
            )?;
            (
                crate::afford::images(model, tariff.display, steps, size, budget)?,
                Some(steps),
            )
        }
        Some(count) => {
            within_limits(
                model,
                &Job {
                    steps: model.steps.min,
                    size,
                    count,
                },
                args.allow_out_of_range,
                io,
            )?;
            let (low, high) = if args.allow_out_of_range {
                (1, u32::MAX)
            } else {
                (model.steps.min, model.steps.max)
            };
            (
                crate::afford::steps(model, tariff.display, size, count, budget, low, high)?,
                None,
            )
        }
    };
    let view = AffordView {
        tariff,
        model,
        budget,
        size,
        steps,
        count: args.count,
        answer,
    };
    match args.format {
        AffordFormat::Text => render::text::afford(io.out, &view, io.out_paint)?,
        AffordFormat::Plain => render::plain::afford(io.out, &view)?,
        AffordFormat::Json => render::json::afford(io.out, &view)?,
    }
    Ok(Outcome::Success)
}
