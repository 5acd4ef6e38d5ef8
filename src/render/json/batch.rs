//! `batch --format json`: the rows of every meter and the totals, written by [`super::Batch`].

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Alike, BATCH_SCHEMA_VERSION, Batch, count, provenance};
use crate::digits::{Figures, Text};
use crate::render::{exact, money};

/// Appends `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_str(out: &mut Vec<u8>, text: &str) {
    let plain = text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

impl crate::render::BatchSink for Batch {
    fn begin(
        &mut self,
        out: &mut dyn Write,
        header: &crate::render::BatchHeader<'_>,
    ) -> io::Result<()> {
        write!(
            out,
            "{{\n  \"schema_version\": {BATCH_SCHEMA_VERSION},\n  \"currency\": "
        )?;
        serde_json::to_writer(&mut *out, &header.tariff.currency)?;
        if !header.summary_only {
            write!(out, ",\n  \"jobs\": [")?;
        }
        Ok(())
    }

    fn lead(&self) -> &'static [u8] {
        b","
    }

    /// The hot path: the object is written straight into `out`, members in the order the
    /// schema gives.
    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &crate::render::BatchHeader<'_>,
        row: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let mut figures = Figures::new(out);
        figures.literal(b",\n    {\"line\":");
        figures.u64(row.line);
        let alike = Alike {
            model: std::ptr::from_ref(row.model) as usize,
            day: row.day,
            rate: row.rate.serialize(),
            rate_from: row.rate_from,
        };
        let (model, dated) = match &mut self.alike {
            Some((known, model, dated)) if *known == alike => (&*model, &*dated),
            slot => {
                let (mut model, mut dated) = (Vec::new(), Vec::new());
                model.extend_from_slice(b",\"model\":");
                push_str(&mut model, &row.model.id);
                model.extend_from_slice(b",\"meter\":\"megapixel-step\",\"kind\":\"exact\"");
                dated.extend_from_slice(b",\"date\":");
                match row.day {
                    Some(day) => push_str(&mut dated, &day.to_string()),
                    None => dated.extend_from_slice(b"null"),
                }
                dated.extend_from_slice(b",\"rate\":");
                push_str(&mut dated, &exact(row.rate));
                dated.extend_from_slice(b",\"input_rate\":null,\"output_rate\":null,\"per\":null");
                dated.extend_from_slice(b",\"rate_from\":");
                match row.rate_from {
                    Some(day) => push_str(&mut dated, &day.to_string()),
                    None => dated.extend_from_slice(b"null"),
                }
                let (_, model, dated) = slot.insert((alike, Text::new(&model), Text::new(&dated)));
                (&*model, &*dated)
            }
        };
        figures.text(model);
        let size = row.job.size;
        figures.literal(b",\"steps\":");
        figures.u64(u64::from(row.job.steps));
        figures.literal(b",\"size\":\"");
        figures.u64(u64::from(size.width));
        figures.byte(b'x');
        figures.u64(u64::from(size.height));
        figures.literal(b"\",\"width\":");
        figures.u64(u64::from(size.width));
        figures.literal(b",\"height\":");
        figures.u64(u64::from(size.height));
        figures.literal(b",\"count\":");
        figures.u64(u64::from(row.job.count));
        match row.quote {
            Some(quote) => {
                figures.literal(b",\"units\":\"");
                quote.units.write_to(&mut figures);
                figures.literal(NO_METERED);
                figures.literal(b",\"exact\":\"");
                quote.exact.write_to(&mut figures);
                figures.literal(b"\",\"price\":\"");
                crate::render::money_figures(
                    &mut figures,
                    quote.price,
                    header.tariff.display.decimals,
                );
                figures.byte(b'"');
            }
            None => {
                figures.literal(b",\"units\":\"");
                figures.literal(NO_METERED);
                figures.literal(b",\"exact\":null,\"price\":\"\"");
            }
        }
        figures.text(dated);
        let out = figures.out();
        push_defaults(out, row.defaults);
        push_columns(out, header, &row.extra);
        out.push(b'}');
        Ok(())
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &crate::render::BatchHeader<'_>,
        row: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        use crate::batch::Used;
        let places = header.tariff.display.decimals;
        let day = |d: Option<crate::date::Day>| d.map(|d| d.to_string());
        let (tokens, seconds, rate, rates) = match row.used {
            Used::Tokens {
                input,
                output,
                input_rate,
                output_rate,
                per,
            } => (
                Some((input, output)),
                None,
                None,
                Some((exact(input_rate), exact(output_rate), per)),
            ),
            Used::Seconds {
                given,
                charged,
                rate,
            } => (
                None,
                Some((exact(given), exact(charged))),
                Some(exact(rate)),
                None,
            ),
        };
        let value = json!({
            "line": row.line,
            "model": row.model.id,
            "meter": row.model.metering.name(),
            "kind": row.kind.name(),
            "steps": null,
            "size": null,
            "width": null,
            "height": null,
            "count": null,
            "units": null,
            "input_tokens": tokens.map(|t| t.0),
            "output_tokens": tokens.map(|t| t.1),
            "seconds": seconds.as_ref().map(|s| &s.0),
            "seconds_charged": seconds.as_ref().map(|s| &s.1),
            "exact": row.exact.to_string(),
            "price": money(row.price, places),
            "date": day(row.day),
            "rate": rate,
            "input_rate": rates.as_ref().map(|r| &r.0),
            "output_rate": rates.as_ref().map(|r| &r.1),
            "per": rates.as_ref().map(|r| r.2),
            "rate_from": day(row.rate_from),
        });
        out.extend_from_slice(b",\n    ");
        let text = serde_json::to_string(&value)?;
        // Without its closing brace: the carried columns go before it, as on an image row.
        out.extend_from_slice(&text.as_bytes()[..text.len() - 1]);
        push_defaults(out, row.defaults);
        push_columns(out, header, &row.extra);
        out.push(b'}');
        Ok(())
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &crate::render::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        if !header.summary_only {
            write!(out, "{}],", if summary.jobs > 0 { "\n  " } else { "" })?;
        } else {
            write!(out, ",")?;
        }
        let by_model: Vec<Value> = summary
            .by_model
            .iter()
            .map(|m| {
                use crate::tariff::Metering;
                let (image, tokens, second) = match m.model.metering {
                    Metering::MegapixelStep => (true, false, false),
                    Metering::Token(_) => (false, true, false),
                    Metering::Second(_) => (false, false, true),
                };
                json!({
                    "model": m.model.id,
                    "meter": m.model.metering.name(),
                    "kind": m.kind.name(),
                    "jobs": m.jobs,
                    "images": image.then(|| count(m.images)),
                    "units": image.then(|| m.units.to_string()),
                    "input_tokens": tokens.then(|| count(m.input_tokens)),
                    "output_tokens": tokens.then(|| count(m.output_tokens)),
                    "seconds_charged": second.then(|| exact(m.seconds)),
                    "exact": m.exact.to_string(),
                    "total": money(m.price, places),
                    "rate": (image && m.by_rate.is_empty()).then(|| exact(m.model.rate)),
                    "by_rate": m.by_rate.iter().map(|r| json!({
                        "from": r.from.to_string(),
                        "rate": exact(r.rate),
                        "jobs": r.jobs,
                        "images": count(r.images),
                        "exact": r.exact.to_string(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let rest = json!({
            "by_model": by_model,
            "jobs_count": summary.jobs,
            "images": count(summary.images),
            "skipped": summary.skipped,
            "kind": summary.kind().name(),
            "bounds": summary.bounds,
            "estimates": summary.estimates,
            "defaulted": summary.defaulted,
            "exact": summary.exact.to_string(),
            "total": money(summary.price, places),
            "tariff": provenance(header.tariff),
        });
        // Splice the remaining members into the object already opened.
        let text = serde_json::to_string_pretty(&rest)?;
        let inner = text
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim_end();
        writeln!(out, "{inner}\n}}")
    }
}

/// The end of an image row's units, and the members for the meters it does not use.
const NO_METERED: &[u8; 80] =
    b"\",\"input_tokens\":null,\"output_tokens\":null,\"seconds\":null,\"seconds_charged\":null";

/// The request keys a row left to the API's default, as the member `defaults` (`[]` when
/// none).
fn push_defaults(out: &mut Vec<u8>, defaults: crate::batch::Defaults) {
    out.extend_from_slice(b",\"defaults\":[");
    for (i, name) in defaults.names().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, name);
    }
    out.push(b']');
}

/// A row's carried CSV columns, as the member `columns` (none when the file has none).
fn push_columns(
    out: &mut Vec<u8>,
    header: &crate::render::BatchHeader<'_>,
    extra: &[std::borrow::Cow<'_, str>],
) {
    if header.extra.is_empty() {
        return;
    }
    out.extend_from_slice(b",\"columns\":{");
    // As a map keeps them: a repeated column name holds its last value, in the place the name
    // first had.
    let mut columns: Vec<(&str, &str)> = Vec::with_capacity(header.extra.len());
    for (name, value) in header.extra.iter().zip(extra) {
        match columns.iter_mut().find(|(n, _)| *n == name.as_str()) {
            Some(column) => column.1 = value,
            None => columns.push((name, value)),
        }
    }
    for (i, (name, value)) in columns.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, name);
        out.push(b':');
        push_str(out, value);
    }
    out.push(b'}');
}
