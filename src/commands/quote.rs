//! The default command: the price of one job.

use super::Streams;
use super::gate::{gate, judge, within_limits};
use super::load::pick_model;
use crate::cli::{JobArgs, QuoteFormat};
use crate::error::{Error, Outcome};
use crate::job::Request;
use crate::pricing::quote;
use crate::render::{self, QuoteView};
use crate::tariff::Tariff;

pub(super) fn price_one(
    tariff: &Tariff,
    args: &JobArgs,
    format: QuoteFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
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
    }
    gate(judged, tariff, io)
}
