//! The default command: the price of one job.

use super::Streams;
use super::gate::{gate, judge, within_limits};
use super::load::{GivenFlags, pick_model, refuse_other_meter};
use crate::cli::{JobArgs, QuoteFormat};
use crate::error::{Error, Outcome};
use crate::job::Request;
use crate::pricing::quote;
use crate::pricing::{Usage, price};
use crate::render::{self, QuoteView};
use crate::tariff::{Metering, Model, Tariff};

pub(super) fn price_one(
    tariff: &Tariff,
    args: &JobArgs,
    format: QuoteFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = match (&args.audio, args.model.as_deref()) {
        (Some(_), None) => speech_model(tariff)?,
        (_, query) => pick_model(tariff, query)?,
    };
    if !model.is_image() {
        return price_metered(tariff, model, args, format, io);
    }
    refuse_flags(
        model,
        args,
        &["--input-tokens", "--output-tokens", "--seconds", "--audio"],
    )?;
    let request = Request {
        steps: args.steps,
        size: args.size,
        count: args.count,
    };
    let resolved = request.resolve(model);
    within_limits(model, &resolved.job, args.allow_out_of_range, io)?;
    let quote = quote(model, &resolved.job, tariff.display)?;
    let judged = judge(args.budget.budget(), quote.exact, quote.price);
    let view = QuoteView {
        tariff,
        model,
        resolved,
        quote,
    };
    match format {
        QuoteFormat::Text => render::text::quote(io.out, &view, io.out_paint)?,
        QuoteFormat::Plain => render::plain::quote(io.out, &view)?,
        QuoteFormat::Json => render::json::quote(io.out, &view)?,
        QuoteFormat::Markdown => {
            let mut text = Vec::new();
            render::text::quote(&mut text, &view, render::Paint { enabled: false })?;
            render::markdown::answer(io.out, &String::from_utf8_lossy(&text))?;
        }
    }
    gate(judged, tariff, io)
}

/// Which of the job flags were given.
fn given(args: &JobArgs) -> GivenFlags {
    [
        ("--steps", args.steps.is_some()),
        ("--size", args.size.is_some()),
        ("--count", args.count.is_some()),
        ("--allow-out-of-range", args.allow_out_of_range),
        ("--input-tokens", args.input_tokens.is_some()),
        ("--output-tokens", args.output_tokens.is_some()),
        ("--seconds", args.seconds.is_some()),
        ("--audio", args.audio.is_some()),
    ]
}

/// The model `--audio` prices without `--model`: the tariff's one model billed per second.
fn speech_model(tariff: &Tariff) -> Result<&Model, Error> {
    let speech: Vec<&Model> = tariff
        .models
        .iter()
        .filter(|m| matches!(m.metering, Metering::Second(_)))
        .collect();
    match speech.as_slice() {
        [one] => pick_model(tariff, Some(&one.id)),
        [] => Err(Error::Usage(
            "--audio prices a speech request, and the tariff has no model billed per second"
                .to_owned(),
        )),
        many => Err(Error::Usage(format!(
            "--audio prices a speech request, and the tariff has {} models billed per second; name one with --model ({})",
            many.len(),
            many.iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The seconds of audio in the WAV file `path` (`-`: standard input).
fn audio_seconds(path: &std::path::Path) -> Result<rust_decimal::Decimal, Error> {
    let (name, read) = if super::load::is_stdin(path) {
        (
            "standard input".to_owned(),
            crate::wav::read(std::io::stdin().lock()),
        )
    } else {
        let name = path.display().to_string();
        let read = std::fs::File::open(path)
            .map_err(crate::wav::WavError::Io)
            .and_then(|f| crate::wav::read(std::io::BufReader::new(f)));
        (name, read)
    };
    read.map(|audio| audio.seconds())
        .map_err(|e| Error::Usage(format!("--audio {name:?}: {e}")))
}

/// A flag for another meter is an error naming the flags the model takes.
fn refuse_flags(model: &Model, args: &JobArgs, others: &[&str]) -> Result<(), Error> {
    refuse_other_meter(model, given(args), others, "it takes", "")
}

/// One chat request or one speech request.
fn price_metered(
    tariff: &Tariff,
    model: &Model,
    args: &JobArgs,
    format: QuoteFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let usage = match model.metering {
        Metering::Token(_) => {
            refuse_flags(
                model,
                args,
                &[
                    "--steps",
                    "--size",
                    "--count",
                    "--allow-out-of-range",
                    "--seconds",
                    "--audio",
                ],
            )?;
            let missing: Vec<&str> = [
                ("--input-tokens", args.input_tokens.is_none()),
                ("--output-tokens", args.output_tokens.is_none()),
            ]
            .into_iter()
            .filter_map(|(flag, absent)| absent.then_some(flag))
            .collect();
            let (Some(input), Some(output)) = (args.input_tokens, args.output_tokens) else {
                return Err(Error::Usage(format!(
                    "model {:?} bills per token: give {} (0 is a count too), e.g. --input-tokens 1500 --output-tokens 400",
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
                &[
                    "--steps",
                    "--size",
                    "--count",
                    "--allow-out-of-range",
                    "--input-tokens",
                    "--output-tokens",
                ],
            )?;
            let seconds = match (&args.audio, args.seconds) {
                (Some(path), _) => audio_seconds(path)?,
                (None, Some(seconds)) => seconds,
                (None, None) => {
                    return Err(Error::Usage(format!(
                        "model {:?} bills per second of audio: give --seconds, e.g. --seconds 12.5, or --audio FILE.wav",
                        model.name
                    )));
                }
            };
            Usage::Seconds(seconds)
        }
        Metering::MegapixelStep => {
            return Err(Error::Usage(format!(
                "model {:?} bills per megapixel-step: give {}",
                model.name,
                model.metering.flags()
            )));
        }
    };
    let charge = price(model, &usage, tariff.display).map_err(|e| Error::Usage(e.to_string()))?;
    let judged = judge(args.budget.budget(), charge.exact, charge.price);
    let view = render::MeteredView {
        tariff,
        model,
        charge,
    };
    match format {
        QuoteFormat::Text => render::text::metered(io.out, &view, io.out_paint)?,
        QuoteFormat::Plain => render::plain::metered(io.out, &view)?,
        QuoteFormat::Json => render::json::metered(io.out, &view)?,
        QuoteFormat::Markdown => {
            let mut text = Vec::new();
            render::text::metered(&mut text, &view, render::Paint { enabled: false })?;
            render::markdown::answer(io.out, &String::from_utf8_lossy(&text))?;
        }
    }
    gate(judged, tariff, io)
}
