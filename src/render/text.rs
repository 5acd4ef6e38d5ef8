//! `--format text`: a short answer for a person.

use std::io::{self, Write};

use super::{Paint, QuoteView, exact, money};

/// Writes the amount and currency, then what made it.
pub fn quote(out: &mut dyn Write, view: &QuoteView<'_>, paint: Paint) -> io::Result<()> {
    let QuoteView {
        tariff,
        model,
        resolved,
        quote,
    } = view;
    let job = resolved.job;
    let currency = &tariff.currency;
    let places = tariff.display.decimals;
    let images = if job.count == 1 { "image" } else { "images" };
    writeln!(
        out,
        "{} {currency}  for {} {images} with {}",
        paint.bold(&money(quote.price, places)),
        job.count,
        model.name
    )?;
    let default = |used: bool| {
        if used {
            paint.dim(" (model default)")
        } else {
            String::new()
        }
    };
    writeln!(
        out,
        "  size   {}{}",
        job.size,
        default(resolved.default_size)
    )?;
    writeln!(
        out,
        "  steps  {}{}",
        job.steps,
        default(resolved.default_steps)
    )?;
    writeln!(out, "  count  {}", job.count)?;
    let unit = &model.unit;
    if quote.minimum_applied {
        writeln!(
            out,
            "  price  minimum {} {currency} per image x {} = {} {currency} ({} {unit} per image x {} would be less)",
            exact(model.minimum),
            job.count,
            quote.exact,
            quote.units_per_image,
            exact(model.rate),
        )?;
    } else {
        writeln!(
            out,
            "  price  {} {unit} x {} {currency}/{unit} = {} {currency}",
            quote.units,
            exact(model.rate),
            quote.exact,
        )?;
    }
    if crate::exact::Exact::from_decimal(quote.price) != Some(quote.exact) {
        writeln!(
            out,
            "  shown  rounded {} to {places} places",
            tariff.display.rounding.name()
        )?;
    }
    Ok(())
}
