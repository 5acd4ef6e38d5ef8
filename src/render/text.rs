//! `--format text`: a short answer for a person.

use std::io::{self, Write};

use super::{Paint, QuoteView, exact, money};
use crate::escape::escaped;

/// Writes the amount and currency, then what made it.
pub fn quote(out: &mut dyn Write, view: &QuoteView<'_>, paint: Paint) -> io::Result<()> {
    let QuoteView {
        tariff,
        model,
        resolved,
        quote,
    } = view;
    let job = resolved.job;
    let currency = escaped(&tariff.currency);
    let places = tariff.display.decimals;
    let images = if job.count == 1 { "image" } else { "images" };
    writeln!(
        out,
        "{} {currency}  for {} {images} with {}",
        paint.bold(&money(quote.price, places)),
        super::grouped(job.count),
        escaped(&model.name)
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
    writeln!(out, "  count  {}", super::grouped(job.count))?;
    let unit = escaped(&model.unit);
    if let (Some(from), Some(day)) = (model.rate_from, tariff.priced_on) {
        writeln!(
            out,
            "  rate   {} {currency}/{unit} from {from}, in force on {day}",
            exact(model.rate)
        )?;
    }
    if quote.minimum_applied {
        writeln!(
            out,
            "  price  minimum {} {currency} per image x {} = {} {currency} ({} {unit} per image x {} would be less)",
            exact(model.minimum),
            super::grouped(job.count),
            quote.exact,
            super::grouped(quote.units_per_image),
            exact(model.rate),
        )?;
    } else {
        writeln!(
            out,
            "  price  {} {unit} x {} {currency}/{unit} = {} {currency}",
            super::grouped(quote.units),
            exact(model.rate),
            quote.exact,
        )?;
    }
    if let Some(note) = super::shown_note(quote.price, quote.exact, tariff) {
        writeln!(out, "  shown  {note}")?;
    }
    Ok(())
}

/// Writes a chat or speech request's amount, then what made it.
pub fn metered(out: &mut dyn Write, view: &super::MeteredView<'_>, paint: Paint) -> io::Result<()> {
    use crate::pricing::Detail;
    use crate::tariff::Metering;
    let super::MeteredView {
        tariff,
        model,
        charge,
    } = view;
    let currency = escaped(&tariff.currency);
    let amount = paint.bold(&money(charge.price, tariff.display.decimals));
    let name = escaped(&model.name);
    // Each request's labels are one column wide: "output" for chat, "seconds" for speech.
    let mut label_width = "output".len();
    match (charge.detail, model.metering) {
        (
            Detail::Tokens {
                input,
                output,
                input_price,
                output_price,
            },
            Metering::Token(rates),
        ) => {
            writeln!(out, "{amount} {currency}  for 1 chat request with {name}")?;
            if let (Some(from), Some(day)) = (model.rate_from, tariff.priced_on) {
                writeln!(out, "  rates   from {from}, in force on {day}")?;
            }
            let per = super::grouped(rates.per);
            writeln!(
                out,
                "  input   {} token{} x {} {currency} per {per} = {input_price} {currency}",
                super::grouped(input),
                if input == 1 { "" } else { "s" },
                exact(rates.input)
            )?;
            writeln!(
                out,
                "  output  {} token{} x {} {currency} per {per} = {output_price} {currency}",
                super::grouped(output),
                if output == 1 { "" } else { "s" },
                exact(rates.output)
            )?;
            writeln!(
                out,
                "  price   {input_price} + {output_price} = {} {currency}",
                charge.exact
            )?;
        }
        (
            Detail::Seconds {
                given,
                charged,
                minimum_applied,
            },
            Metering::Second(rates),
        ) => {
            let (given, charged) = (super::grouped(exact(given)), super::grouped(exact(charged)));
            label_width = "seconds".len();
            writeln!(
                out,
                "{amount} {currency}  for {given} second{} of audio with {name}",
                if given == "1" { "" } else { "s" }
            )?;
            if let (Some(from), Some(day)) = (model.rate_from, tariff.priced_on) {
                writeln!(out, "  rate     from {from}, in force on {day}")?;
            }
            if minimum_applied {
                writeln!(
                    out,
                    "  seconds  {given}, below the minimum of {charged} s per request: {charged} s charged"
                )?;
            }
            writeln!(
                out,
                "  price    {charged} s x {} {currency}/s = {} {currency}",
                exact(rates.rate),
                charge.exact
            )?;
        }
        _ => {
            writeln!(out, "{amount} {currency}  with {name}")?;
        }
    }
    if let Some(note) = super::shown_note(charge.price, charge.exact, tariff) {
        writeln!(out, "  {:<w$}  {note}", "shown", w = label_width)?;
    }
    Ok(())
}

/// What a budget buys, and what is left.
pub fn afford(out: &mut dyn Write, view: &super::AffordView<'_>, paint: Paint) -> io::Result<()> {
    let super::AffordView {
        tariff,
        model,
        budget,
        size,
        steps,
        count,
        answer,
        request,
    } = view;
    let currency = &tariff.currency;
    let places = tariff.display.decimals;
    let spent = crate::pricing::shown(answer.spent, tariff.display)
        .map_or_else(|| answer.spent.to_string(), |d| money(d, places));
    let left = crate::pricing::shown_left(answer.leftover, tariff.display)
        .map_or_else(|| answer.leftover.to_string(), |d| money(d, places));
    let budget = budget.to_string();
    // What was spent and what is left, as shown, may not add up to the budget.
    let disagree = match (
        crate::pricing::shown(answer.spent, tariff.display),
        crate::pricing::shown_left(answer.leftover, tariff.display),
        budget.parse::<rust_decimal::Decimal>(),
    ) {
        (Some(spent), Some(left), Ok(whole)) => spent.checked_add(left) != Some(whole),
        _ => false,
    };
    let footnote = |out: &mut dyn Write| {
        if disagree && answer.most > 0 {
            writeln!(out, "{}", super::ROUNDED_ONCE)
        } else {
            Ok(())
        }
    };
    if let Some(charge) = request {
        use crate::pricing::Detail;
        let what = match charge.detail {
            Detail::Tokens { input, output, .. } => {
                format!(
                    "{} input and {} output tokens",
                    super::grouped(input),
                    super::grouped(output)
                )
            }
            Detail::Seconds {
                given,
                charged,
                minimum_applied,
            } => {
                let (given, charged) =
                    (super::grouped(exact(given)), super::grouped(exact(charged)));
                let s = if given == "1" { "" } else { "s" };
                if minimum_applied {
                    format!("{given} second{s} of audio ({charged} s charged, the minimum)")
                } else {
                    format!("{given} second{s} of audio")
                }
            }
            Detail::Image(_) => String::new(),
        };
        writeln!(
            out,
            "{budget} {currency} buys {} request(s) of {what} with {} at {} {currency} each: {spent} {currency}, {left} {currency} left (rounded down)",
            paint.bold(&super::grouped(answer.most)),
            escaped(&model.name),
            charge.exact,
        )?;
        return footnote(out);
    }
    let written = match (steps, count) {
        (Some(steps), _) => writeln!(
            out,
            "{budget} {currency} buys {} image(s) of {size} at {steps} steps with {}: {spent} {currency}, {left} {currency} left (rounded down)",
            paint.bold(&super::grouped(answer.most)),
            model.name
        ),
        (None, Some(count)) if answer.most == 0 => writeln!(
            out,
            "{budget} {currency} does not buy {} image(s) of {size} with {} even at the fewest steps",
            super::grouped(count),
            model.name
        ),
        (None, Some(count)) => writeln!(
            out,
            "{budget} {currency} buys {} image(s) of {size} at up to {} steps with {}: {spent} {currency}, {left} {currency} left (rounded down)",
            super::grouped(count),
            paint.bold(&super::grouped(answer.most)),
            model.name
        ),
        (None, None) => Ok(()),
    };
    written?;
    footnote(out)
}

/// A fit: the best interval, the cells outside it, the suggested rate.
pub fn fit(out: &mut dyn Write, view: &super::FitView<'_>) -> io::Result<()> {
    let super::FitView {
        tariff,
        model,
        fit,
        written,
    } = view;
    let display = tariff.display;
    let places = display.decimals;
    let currency = escaped(&tariff.currency);
    writeln!(
        out,
        "{} ({}): fitting a rate to {} published cells ({}, {places} places)",
        escaped(&model.name),
        escaped(&model.id),
        fit.cells.len(),
        display.rounding.name()
    )?;
    if fit.best.is_empty() {
        writeln!(out, "  no rate reproduces any published cell exactly")?;
    } else {
        let tie = if fit.best.len() > 1 {
            format!(" (a tie: {} intervals)", fit.best.len())
        } else {
            String::new()
        };
        writeln!(
            out,
            "  best: {} of {} cells exactly{tie}, for every rate in",
            fit.best_count,
            fit.cells.len()
        )?;
        for interval in &fit.best {
            writeln!(
                out,
                "        {}  =  {}",
                interval.approx(),
                interval.exact()
            )?;
        }
    }
    if !fit.misses.is_empty() {
        writeln!(out, "  not reproduced at the suggested rate:")?;
        for (n, shown) in &fit.misses {
            let cell = &fit.cells[*n];
            writeln!(
                out,
                "        {} steps, {}: published {}, the model shows {}",
                cell.steps,
                cell.size,
                exact(cell.published),
                money(*shown, places)
            )?;
        }
    }
    match fit.suggested {
        Some(rate) => writeln!(
            out,
            "  suggested rate: {} {currency} per {} (the shortest decimal there)",
            exact(rate),
            escaped(&model.unit)
        )?,
        None => writeln!(out, "  suggested rate: none")?,
    }
    writeln!(
        out,
        "  current rate:   {} {currency}{}, {}",
        exact(model.rate),
        super::checked_dated(tariff, model),
        if fit.current_is_best {
            "inside the best interval"
        } else {
            "outside the best interval"
        }
    )?;
    let tolerance = model
        .published
        .as_ref()
        .map(|p| exact(p.tolerance))
        .unwrap_or_default();
    writeln!(
        out,
        "  within tolerance ({tolerance} {currency}): {}",
        if fit.all_within_tolerance {
            "some rate shows every cell within it"
        } else {
            "no rate shows every cell within it"
        }
    )?;
    if let Some(path) = written {
        writeln!(
            out,
            "  wrote rate = {} to {}",
            fit.suggested.map(exact).unwrap_or_default(),
            escaped(&path.display().to_string())
        )?;
    }
    Ok(())
}
