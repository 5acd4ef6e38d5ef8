//! `afford`: how many images, or how many steps, a budget buys.

use super::Streams;
use super::gate::within_limits;
use super::load::{GivenFlags, pick_model, refuse_other_meter};
use crate::cli::{AffordArgs, AffordFormat};
use crate::error::{Error, Outcome};
use crate::job::Job;
use crate::pricing::{Usage, price};
use crate::render::{self, AffordView};
use crate::tariff::{Metering, Model, Tariff};

pub(super) fn afford(
    tariff: &Tariff,
    args: &AffordArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    if !model.is_image() {
        return afford_requests(tariff, model, args, io);
    }
    refuse_flags(
        model,
        args,
        &["--input-tokens", "--output-tokens", "--seconds"],
    )?;
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
        request: None,
    };
    render_afford(&view, args, io)
}

fn render_afford(
    view: &AffordView<'_>,
    args: &AffordArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    match args.format {
        AffordFormat::Text => render::text::afford(io.out, view, io.out_paint)?,
        AffordFormat::Plain => render::plain::afford(io.out, view)?,
        AffordFormat::Json => render::json::afford(io.out, view)?,
    }
    Ok(Outcome::Success)
}

/// Which of the job flags were given.
fn given(args: &AffordArgs) -> GivenFlags {
    [
        ("--steps", args.steps.is_some()),
        ("--size", args.size.is_some()),
        ("--count", args.count.is_some()),
        ("--allow-out-of-range", args.allow_out_of_range),
        ("--input-tokens", args.input_tokens.is_some()),
        ("--output-tokens", args.output_tokens.is_some()),
        ("--seconds", args.seconds.is_some()),
        // Not a flag of afford: a file's audio is one request, not a rate to divide by.
        ("--audio", false),
    ]
}

/// A flag for another meter is an error naming the flags the model takes, as for one job;
/// `--count` on a token or second model is named apart, since it asks a question (the most
/// steps per image) that only an image has.
fn refuse_flags(model: &Model, args: &AffordArgs, others: &[&str]) -> Result<(), Error> {
    let count = if !model.is_image() && args.count.is_some() && others.contains(&"--count") {
        "; --count asks how many steps per image a budget buys, and a request of this model has no steps: afford answers how many requests it buys"
    } else {
        ""
    };
    refuse_other_meter(
        model,
        given(args),
        others,
        "afford takes",
        &format!(" for it{count}"),
    )
}

/// How many chat or speech requests of one usage the budget buys.
fn afford_requests(
    tariff: &Tariff,
    model: &Model,
    args: &AffordArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let image = ["--steps", "--size", "--count", "--allow-out-of-range"];
    let usage = match model.metering {
        Metering::Token(_) => {
            refuse_flags(model, args, &[&image[..], &["--seconds"]].concat())?;
            let (Some(input), Some(output)) = (args.input_tokens, args.output_tokens) else {
                let missing: Vec<&str> = [
                    ("--input-tokens", args.input_tokens.is_none()),
                    ("--output-tokens", args.output_tokens.is_none()),
                ]
                .into_iter()
                .filter_map(|(flag, absent)| absent.then_some(flag))
                .collect();
                return Err(Error::Usage(format!(
                    "model {:?} bills per token: give {} of each request (0 is a count too), e.g. --input-tokens 500 --output-tokens 200",
                    model.name,
                    missing.join(" and ")
                )));
            };
            Usage::Tokens { input, output }
        }
        Metering::Second(_) => {
            refuse_flags(
                model,
                args,
                &[&image[..], &["--input-tokens", "--output-tokens"]].concat(),
            )?;
            let Some(seconds) = args.seconds else {
                return Err(Error::Usage(format!(
                    "model {:?} bills per second of audio: give --seconds of each request, e.g. --seconds 12.5",
                    model.name
                )));
            };
            Usage::Seconds(seconds)
        }
        Metering::MegapixelStep => unreachable!("an image model is afforded by images"),
    };
    let charge = price(model, &usage, tariff.display).map_err(|e| Error::Usage(e.to_string()))?;
    if charge.exact.is_zero() {
        // Rates are above 0, so only a request of nothing costs 0.
        return Err(Error::Usage(match usage {
            Usage::Tokens { .. } => format!(
                "a request of 0 input and 0 output tokens costs 0 with model {:?}, so any budget buys unlimited requests; give --input-tokens or --output-tokens above 0",
                model.name
            ),
            _ => format!(
                "a request of 0 seconds costs 0 with model {:?} (it has no minimum), so any budget buys unlimited requests; give --seconds above 0",
                model.name
            ),
        }));
    }
    let answer = crate::afford::requests(charge.exact, args.budget)?;
    let view = AffordView {
        tariff,
        model,
        budget: args.budget,
        size: model.default_size,
        steps: None,
        count: None,
        answer,
        request: Some(charge),
    };
    render_afford(&view, args, io)
}
