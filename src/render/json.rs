//! `--format json`: one object per command; every decimal is a string, so nothing is lost.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{CheckView, GridView, QuoteView, exact, money};
use crate::digits::{Block, Text};
use crate::grid::Cell;
use crate::tariff::{Model, Origin, Tariff};

/// The version of every JSON document dis-price writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The version of a batch's JSON output (`batch --format json`): 2 since rows of every meter
/// share one shape (every member on every row, `null` where a row's meter has none).
pub const BATCH_SCHEMA_VERSION: u32 = 2;

/// Which price list produced the numbers: provider, date, source, and the SHA-256 of the
/// tariff's bytes, so a CI log can tell one list from another.
pub fn provenance(tariff: &Tariff) -> Value {
    let origin = match &tariff.origin {
        Origin::BuiltIn => "built-in".to_owned(),
        Origin::File(path) => path.display().to_string(),
        Origin::Stdin => "-".to_owned(),
    };
    json!({
        "provider": tariff.provider,
        "as_of": tariff.as_of,
        "source": tariff.source,
        "origin": origin,
        "sha256": tariff.sha256,
        "priced_on": tariff.priced_on.map(|d| d.to_string()),
    })
}

/// The day a model's rate took effect, `null` for an undated rate.
fn rate_from(model: &Model) -> Value {
    json!(model.rate_from.map(|d| d.to_string()))
}

fn write(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// One job's price.
pub fn quote(out: &mut dyn Write, view: &QuoteView<'_>) -> io::Result<()> {
    let QuoteView {
        tariff,
        model,
        resolved,
        quote,
    } = view;
    let job = resolved.job;
    write(
        out,
        &json!({
            "schema_version": SCHEMA_VERSION,
            "model": model.id,
            "model_name": model.name,
            "steps": job.steps,
            "width": job.size.width,
            "height": job.size.height,
            "size": job.size.to_string(),
            "count": job.count,
            "defaults": { "steps": resolved.default_steps, "size": resolved.default_size },
            "unit": model.unit,
            "units_per_image": quote.units_per_image.to_string(),
            "units": quote.units.to_string(),
            "rate": exact(model.rate),
            "rate_from": rate_from(model),
            "minimum": exact(model.minimum),
            "minimum_applied": quote.minimum_applied,
            "currency": tariff.currency,
            "exact": quote.exact.to_string(),
            "price": money(quote.price, tariff.display.decimals),
            "decimals": tariff.display.decimals,
            "rounding": tariff.display.rounding.name(),
            "tariff": provenance(tariff),
        }),
    )
}

/// What a model bills by, and its rates, as JSON: for `models` and one request's price.
pub fn metering(model: &Model) -> Value {
    use crate::tariff::Metering;
    match model.metering {
        Metering::MegapixelStep => json!({
            "meter": "megapixel-step",
            "unit": model.unit,
            "unit_size": model.unit_size.to_string(),
            "rate": exact(model.rate),
            "minimum": exact(model.minimum),
        }),
        Metering::Token(t) => json!({
            "meter": "token",
            "per": t.per,
            "input_rate": exact(t.input),
            "output_rate": exact(t.output),
        }),
        Metering::Second(s) => json!({
            "meter": "second",
            "rate": exact(s.rate),
            "minimum_seconds": exact(s.minimum_seconds),
        }),
    }
}

/// One chat or speech request's price.
pub fn metered(out: &mut dyn Write, view: &super::MeteredView<'_>) -> io::Result<()> {
    use crate::pricing::Detail;
    let super::MeteredView {
        tariff,
        model,
        charge,
    } = view;
    let mut doc = json!({
        "schema_version": SCHEMA_VERSION,
        "model": model.id,
        "model_name": model.name,
    });
    let usage = match charge.detail {
        Detail::Tokens {
            input,
            output,
            input_price,
            output_price,
        } => json!({
            "input_tokens": input,
            "output_tokens": output,
            "input_exact": input_price.to_string(),
            "output_exact": output_price.to_string(),
        }),
        Detail::Seconds {
            given,
            charged,
            minimum_applied,
        } => json!({
            "seconds": exact(given),
            "seconds_charged": exact(charged),
            "minimum_applied": minimum_applied,
        }),
        Detail::Image(_) => json!({}),
    };
    let rest = json!({
        "currency": tariff.currency,
        "exact": charge.exact.to_string(),
        "price": money(charge.price, tariff.display.decimals),
        "decimals": tariff.display.decimals,
        "rounding": tariff.display.rounding.name(),
        // The day the rates used took effect, `null` for undated rates.
        "rate_from": rate_from(model),
        // The model's own price page and date, where the tariff gives them.
        "model_source": model.source,
        "model_as_of": model.as_of,
        "tariff": provenance(tariff),
    });
    for part in [metering(model), usage, rest] {
        if let (Value::Object(doc), Value::Object(part)) = (&mut doc, part) {
            doc.extend(part);
        }
    }
    write(out, &doc)
}

/// A token or second model's grid: every cell with its exact and shown price.
pub fn meter_grid(out: &mut dyn Write, view: &super::MeterGridView<'_>) -> io::Result<()> {
    use crate::pricing::Detail;
    let places = view.tariff.display.decimals;
    let cells: Vec<Value> = match view.grid {
        crate::meter_grid::MeterGrid::Tokens { cells, .. }
        | crate::meter_grid::MeterGrid::Seconds { cells, .. } => cells
            .iter()
            .map(|c| {
                let mut v = match c.detail {
                    Detail::Tokens { input, output, .. } => {
                        json!({ "input_tokens": input, "output_tokens": output })
                    }
                    Detail::Seconds {
                        given,
                        charged,
                        minimum_applied,
                    } => json!({
                        "seconds": exact(given),
                        "seconds_charged": exact(charged),
                        "minimum_applied": minimum_applied,
                    }),
                    Detail::Image(_) => json!({}),
                };
                if let Value::Object(v) = &mut v {
                    v.insert("exact".to_owned(), json!(c.exact.to_string()));
                    v.insert("price".to_owned(), json!(money(c.price, places)));
                }
                v
            })
            .collect(),
    };
    let mut doc = json!({
        "schema_version": SCHEMA_VERSION,
        "model": view.model.id,
        "model_name": view.model.name,
    });
    let rest = json!({
        "currency": view.tariff.currency,
        "decimals": places,
        "rounding": view.tariff.display.rounding.name(),
        "cells": cells,
        "tariff": provenance(view.tariff),
    });
    for part in [metering(view.model), rest] {
        if let (Value::Object(doc), Value::Object(part)) = (&mut doc, part) {
            doc.extend(part);
        }
    }
    write(out, &doc)
}

fn cell(c: &Cell, places: u32) -> Value {
    json!({
        "steps": c.job.steps,
        "size": c.job.size.to_string(),
        "width": c.job.size.width,
        "height": c.job.size.height,
        "units": c.quote.units.to_string(),
        "exact": c.quote.exact.to_string(),
        "price": money(c.quote.price, places),
    })
}

fn model_header(model: &Model, tariff: &Tariff) -> Value {
    json!({
        "id": model.id,
        "name": model.name,
        "unit": model.unit,
        "rate": exact(model.rate),
        "rate_from": rate_from(model),
        "currency": tariff.currency,
    })
}

/// A JSON object or array written a member at a time, laid out byte for byte as serde_json's
/// pretty printer lays out a whole tree (two spaces a level), so a document of a million cells
/// streams instead of being built first.
pub(super) struct Open {
    /// Nesting of the object or array itself: 0 for the document.
    depth: usize,
    first: bool,
    close: &'static [u8],
}

/// A line break and the indent of `depth`.
fn newline(out: &mut dyn Write, depth: usize) -> io::Result<()> {
    out.write_all(b"\n")?;
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// `value` pretty-printed as it would be at `depth` inside a larger tree.
pub(super) fn pretty(out: &mut dyn Write, depth: usize, value: &Value) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    // A line break inside a JSON string is written `\n`: every one here is layout.
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            newline(out, depth)?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

impl Open {
    pub(super) fn object(out: &mut dyn Write, depth: usize) -> io::Result<Open> {
        out.write_all(b"{")?;
        Ok(Open {
            depth,
            first: true,
            close: b"}",
        })
    }

    pub(super) fn array(out: &mut dyn Write, depth: usize) -> io::Result<Open> {
        out.write_all(b"[")?;
        Ok(Open {
            depth,
            first: true,
            close: b"]",
        })
    }

    /// The separator and indent before the next member or item.
    pub(super) fn next(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !std::mem::replace(&mut self.first, false) {
            out.write_all(b",")?;
        }
        newline(out, self.depth + 1)
    }

    /// The next member's key; its value follows.
    pub(super) fn key(&mut self, out: &mut dyn Write, key: &str) -> io::Result<()> {
        self.next(out)?;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b": ")
    }

    pub(super) fn member(
        &mut self,
        out: &mut dyn Write,
        key: &str,
        value: &Value,
    ) -> io::Result<()> {
        self.key(out, key)?;
        pretty(out, self.depth + 1, value)
    }

    pub(super) fn close(self, out: &mut dyn Write) -> io::Result<()> {
        if !self.first {
            newline(out, self.depth)?;
        }
        out.write_all(self.close)
    }
}

/// Output gathered for one `write_all` at a time: each cell is a few small pieces.
const CHUNK: usize = 1 << 16;

/// A grid, every cell with its figures; the cells are written as they are priced.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    let mut doc = Open::object(out, 0)?;
    doc.member(out, "schema_version", &json!(SCHEMA_VERSION))?;
    doc.member(out, "model", &model_header(view.model, view.tariff))?;
    doc.member(out, "currency", &json!(view.tariff.currency))?;
    doc.member(out, "decimals", &json!(places))?;
    doc.member(out, "rounding", &json!(view.tariff.display.rounding.name()))?;
    doc.member(out, "steps", &json!(view.grid.steps))?;
    let sizes: Vec<String> = view.grid.sizes.iter().map(ToString::to_string).collect();
    doc.member(out, "sizes", &json!(sizes))?;
    doc.key(out, "cells")?;
    let mut cells = Open::array(out, 1)?;
    let mut buffer = Vec::with_capacity(CHUNK + 512);
    let mut ints = itoa::Buffer::new();
    for c in view.grid.cells() {
        cells.next(&mut buffer)?;
        let b = &mut buffer;
        b.extend_from_slice(b"{\n      \"steps\": ");
        b.extend_from_slice(ints.format(c.job.steps).as_bytes());
        b.extend_from_slice(b",\n      \"size\": \"");
        b.extend_from_slice(ints.format(c.job.size.width).as_bytes());
        b.push(b'x');
        b.extend_from_slice(ints.format(c.job.size.height).as_bytes());
        b.extend_from_slice(b"\",\n      \"width\": ");
        b.extend_from_slice(ints.format(c.job.size.width).as_bytes());
        b.extend_from_slice(b",\n      \"height\": ");
        b.extend_from_slice(ints.format(c.job.size.height).as_bytes());
        b.extend_from_slice(b",\n      \"units\": \"");
        c.quote.units.push_to(b);
        b.extend_from_slice(b"\",\n      \"exact\": \"");
        c.quote.exact.push_to(b);
        b.extend_from_slice(b"\",\n      \"price\": \"");
        super::push_money(b, c.quote.price, places);
        b.extend_from_slice(b"\"\n    }");
        if buffer.len() >= CHUNK {
            out.write_all(&buffer)?;
            buffer.clear();
        }
    }
    out.write_all(&buffer)?;
    cells.close(out)?;
    doc.member(out, "tariff", &provenance(view.tariff))?;
    doc.close(out)?;
    writeln!(out)
}

/// Every model's check.
pub fn check(out: &mut dyn Write, view: &CheckView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    let models: Vec<Value> = view
        .checks
        .iter()
        .map(|(model, check)| {
            let mut header = model_header(model, view.tariff);
            header["tolerance"] = json!(exact(check.tolerance));
            header["passed"] = json!(check.passed());
            header["cells"] = check
                .cells
                .iter()
                .map(|c| {
                    let mut v = cell(&c.cell, places);
                    v["published"] = json!(exact(c.published));
                    // Signed as the table and markdown write it: `+0.0001`, `-0.0001`, `0.0000`.
                    v["difference"] = json!(super::signed(c.difference, c.difference.scale()));
                    v["status"] = json!(c.status.name());
                    v
                })
                .collect();
            header
        })
        .collect();
    write(
        out,
        &json!({
            "schema_version": SCHEMA_VERSION,
            "passed": view.checks.iter().all(|(_, c)| c.passed()),
            "currency": view.tariff.currency,
            "decimals": places,
            "models": models,
            "unpublished": view.unpublished.iter().filter(|m| m.is_image()).map(|m| m.id.as_str()).collect::<Vec<_>>(),
            "skipped": view.unpublished.iter().filter(|m| !m.is_image()).map(|m| json!({ "model": m.id, "meter": m.metering.name() })).collect::<Vec<_>>(),
            "tariff": provenance(view.tariff),
        }),
    )
}

/// The tariff's models.
pub fn models(out: &mut dyn Write, tariff: &Tariff) -> io::Result<()> {
    let default = tariff.default_model().id.as_str();
    let models: Vec<Value> = tariff
        .models
        .iter()
        .map(|m| {
            if !m.is_image() {
                let mut v = json!({
                    "id": m.id,
                    "name": m.name,
                    "aliases": m.aliases,
                    "default": false,
                    "source": m.source,
                    "as_of": m.as_of,
                });
                if let (Value::Object(v), Value::Object(rates)) = (&mut v, metering(m)) {
                    v.extend(rates);
                }
                if let Value::Object(v) = &mut v {
                    if m.not_until.is_some() {
                        // No rate in force on the day priced: none is shown as if it were.
                        for key in ["input_rate", "output_rate", "rate"] {
                            if let Some(rate) = v.get_mut(key) {
                                *rate = Value::Null;
                            }
                        }
                    }
                    let from = if m.not_until.is_some() { Value::Null } else { rate_from(m) };
                    v.insert("rate_from".to_owned(), from);
                    let dated = m.rates.iter().map(|c| {
                        let mut change = json!({ "from": c.from.to_string() });
                        if let (Value::Object(change), Value::Object(mut rates)) = (&mut change, metering(&Model { metering: c.metering, ..m.clone() })) {
                            rates.retain(|k, _| k.ends_with("rate"));
                            change.extend(rates);
                        }
                        change
                    });
                    v.insert("rates".to_owned(), Value::Array(dated.collect()));
                }
                return v;
            }
            json!({
                "id": m.id,
                "name": m.name,
                "aliases": m.aliases,
                "default": m.id == default,
                "meter": "megapixel-step",
                "source": m.source,
                "as_of": m.as_of,
                "unit": m.unit,
                "unit_size": m.unit_size.to_string(),
                "rate": (m.not_until.is_none()).then(|| exact(m.rate)),
                "rate_from": rate_from(m),
                "rates": m.rates.iter().map(|c| json!({ "from": c.from.to_string(), "rate": exact(c.rate) })).collect::<Vec<_>>(),
                "minimum": exact(m.minimum),
                "steps": { "min": m.steps.min, "max": m.steps.max, "default": m.steps.default },
                "side": { "min": m.side.min, "max": m.side.max, "refused": m.side.refused.iter().map(|&(a, b)| [a, b]).collect::<Vec<_>>() },
                "default_size": m.default_size.to_string(),
                "published": m.published.is_some(),
            })
        })
        .collect();
    write(
        out,
        &json!({
            "schema_version": SCHEMA_VERSION,
            "provider": tariff.provider,
            "currency": tariff.currency,
            "as_of": tariff.as_of,
            "models": models,
            "tariff": provenance(tariff),
        }),
    )
}

/// A count as a JSON number, or a string past what JSON readers hold exactly (2^53).
fn count(n: u128) -> Value {
    match u64::try_from(n) {
        Ok(n) if n < 1 << 53 => json!(n),
        _ => json!(n.to_string()),
    }
}

/// Batch output: one object, with `jobs` streamed one per line.
///
/// Every job is written as `,\n    {...}`: the runner drops the comma before the first job
/// it writes ([`super::BatchSink::lead`]), so rows keep no state and pieces of rows can be
/// rendered on every core.
#[derive(Default)]
pub struct Batch {
    /// The last row's model (its place in the tariff, which does not move while rows are
    /// rendered), day, rate (as its exact bytes: the scale is written too) and rate's first
    /// day, with the members they were written as: rows priced alike (most are) copy them
    /// instead of formatting them again.
    alike: Option<(Alike, Text, Text)>,
}

/// What a row shares with the rows priced like it (see [`Batch`]).
#[derive(PartialEq)]
struct Alike {
    model: usize,
    day: Option<crate::date::Day>,
    rate: [u8; 16],
    rate_from: Option<crate::date::Day>,
}

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

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &super::BatchHeader<'_>) -> io::Result<()> {
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
        header: &super::BatchHeader<'_>,
        row: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let mut block = Block::new(out);
        block.literal(b",\n    {\"line\":");
        block.u64(row.line);
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
        block.text(model);
        let size = row.job.size;
        block.literal(b",\"steps\":");
        block.u64(u64::from(row.job.steps));
        block.literal(b",\"size\":\"");
        block.u64(u64::from(size.width));
        block.byte(b'x');
        block.u64(u64::from(size.height));
        block.literal(b"\",\"width\":");
        block.u64(u64::from(size.width));
        block.literal(b",\"height\":");
        block.u64(u64::from(size.height));
        block.literal(b",\"count\":");
        block.u64(u64::from(row.job.count));
        match row.quote {
            Some(quote) => {
                block.literal(b",\"units\":\"");
                quote.units.write_to(&mut block);
                block.literal(NO_METERED);
                block.literal(b",\"exact\":\"");
                quote.exact.write_to(&mut block);
                block.literal(b"\",\"price\":\"");
                super::block_money(&mut block, quote.price, header.tariff.display.decimals);
                block.byte(b'"');
            }
            None => {
                block.literal(b",\"units\":\"");
                block.literal(NO_METERED);
                block.literal(b",\"exact\":null,\"price\":\"\"");
            }
        }
        block.text(dated);
        let out = block.out();
        push_columns(out, header, &row.extra);
        out.push(b'}');
        Ok(())
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
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
        push_columns(out, header, &row.extra);
        out.push(b'}');
        Ok(())
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
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

/// A row's carried CSV columns, as the member `columns` (none when the file has none).
fn push_columns(
    out: &mut Vec<u8>,
    header: &super::BatchHeader<'_>,
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

/// What a budget buys, with exact figures.
pub fn afford(out: &mut dyn Write, view: &super::AffordView<'_>) -> io::Result<()> {
    let a = &view.answer;
    let places = view.tariff.display.decimals;
    let mut v = json!({
        "schema_version": SCHEMA_VERSION,
        "model": view.model.id,
        "rate": exact(view.model.rate),
        "rate_from": rate_from(view.model),
        "budget": view.budget.to_string(),
        "currency": view.tariff.currency,
        "size": view.size.to_string(),
        "spent": a.spent.to_string(),
        "leftover": a.leftover.to_string(),
        "leftover_shown": crate::pricing::shown_left(a.leftover, view.tariff.display).map(|d| money(d, places)),
        "tariff": provenance(view.tariff),
    });
    if let Some(charge) = &view.request {
        use crate::pricing::Detail;
        if let Value::Object(doc) = &mut v {
            doc.remove("size");
            doc.remove("rate");
            if let Value::Object(rates) = metering(view.model) {
                doc.extend(rates);
            }
        }
        match charge.detail {
            Detail::Tokens { input, output, .. } => {
                v["input_tokens"] = json!(input);
                v["output_tokens"] = json!(output);
            }
            Detail::Seconds {
                given,
                charged,
                minimum_applied,
            } => {
                v["seconds"] = json!(exact(given));
                v["seconds_charged"] = json!(exact(charged));
                v["minimum_applied"] = json!(minimum_applied);
            }
            Detail::Image(_) => {}
        }
        v["per_request"] = json!(charge.exact.to_string());
        v["requests"] = json!(a.most);
        return write(out, &v);
    }
    match (view.steps, view.count) {
        (Some(steps), _) => {
            v["steps"] = json!(steps);
            v["images"] = json!(a.most);
        }
        (None, Some(count)) => {
            v["count"] = json!(count);
            v["steps"] = json!(a.most);
        }
        (None, None) => {}
    }
    write(out, &v)
}

/// A fit, with intervals as approximate decimals and exact fractions.
pub fn fit(out: &mut dyn Write, view: &super::FitView<'_>) -> io::Result<()> {
    let super::FitView {
        tariff,
        model,
        fit,
        written,
    } = view;
    let places = tariff.display.decimals;
    let interval = |i: &crate::fit::Interval| json!({ "approx": i.approx(), "exact": i.exact() });
    let cells: Vec<Value> = fit
        .cells
        .iter()
        .enumerate()
        .map(|(n, c)| {
            json!({
                "steps": c.steps,
                "size": c.size.to_string(),
                "published": exact(c.published),
                "rates": c.exact.as_ref().map(interval),
                "shown_at_suggested": fit.misses.iter().find(|(m, _)| *m == n).map(|(_, shown)| money(*shown, places)),
            })
        })
        .collect();
    write(
        out,
        &json!({
            "schema_version": SCHEMA_VERSION,
            "model": model.id,
            "cells": cells,
            "best_count": fit.best_count,
            "best": fit.best.iter().map(interval).collect::<Vec<_>>(),
            "suggested": fit.suggested.map(exact),
            "current": exact(model.rate),
            "current_from": rate_from(model),
            "current_is_best": fit.current_is_best,
            "all_within_tolerance": fit.all_within_tolerance,
            "misses": fit.misses.len(),
            "written": written.as_ref().map(|p| p.display().to_string()),
            "tariff": provenance(tariff),
        }),
    )
}

/// Two tariffs compared: every cell, exact and shown, then every other change; the cells are
/// written as they are worked out. Then `scheduled`: each later day on which either tariff's
/// prices change, with its days and what is new that day, in the same shape.
pub fn diff(out: &mut dyn Write, view: &super::DiffView<'_>) -> io::Result<()> {
    let first = view.first();
    let mut doc = Open::object(out, 0)?;
    doc.member(out, "schema_version", &json!(SCHEMA_VERSION))?;
    doc.member(out, "currency", &json!(first.diff.currency))?;
    diff_day(out, &mut doc, first)?;
    let ids = |models: &[&Model]| json!(models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>());
    doc.member(out, "added", &ids(&first.diff.added))?;
    doc.member(out, "removed", &ids(&first.diff.removed))?;
    doc.key(out, "scheduled")?;
    let mut scheduled = Open::array(out, 1)?;
    for (_, day) in view.scheduled() {
        scheduled.next(out)?;
        let mut entry = Open::object(out, 2)?;
        entry.member(
            out,
            "old_day",
            &json!(day.old.priced_on.map(|d| d.to_string())),
        )?;
        entry.member(
            out,
            "new_day",
            &json!(day.new.priced_on.map(|d| d.to_string())),
        )?;
        diff_day(out, &mut entry, day)?;
        entry.close(out)?;
    }
    scheduled.close(out)?;
    doc.member(
        out,
        "tariff",
        &json!({ "old": provenance(first.old), "new": provenance(first.new) }),
    )?;
    doc.close(out)?;
    writeln!(out)
}

/// One day's `models` (every cell, streamed) and `changes`, as members of `doc`.
fn diff_day(out: &mut dyn Write, doc: &mut Open, day: &crate::diff::DayDiff<'_>) -> io::Result<()> {
    let (old_places, new_places) = (day.old.display.decimals, day.new.display.decimals);
    let depth = doc.depth + 1;
    // A cell's members and its closing brace, indented as serde_json's pretty printer would.
    let member = format!(",\n{}\"", "  ".repeat(depth + 4));
    let close = format!("\n{}}}", "  ".repeat(depth + 3));
    doc.key(out, "models")?;
    let mut models = Open::array(out, depth)?;
    let mut buffer = Vec::with_capacity(CHUNK + 512);
    let mut ints = itoa::Buffer::new();
    for m in &day.diff.models {
        models.next(out)?;
        let mut model = Open::object(out, depth + 1)?;
        model.member(out, "model", &json!(m.new.id))?;
        model.member(out, "old_rate", &json!(exact(m.old.rate)))?;
        model.member(out, "old_rate_from", &rate_from(m.old))?;
        model.member(out, "new_rate", &json!(exact(m.new.rate)))?;
        model.member(out, "new_rate_from", &rate_from(m.new))?;
        model.key(out, "cells")?;
        let mut cells = Open::array(out, depth + 2)?;
        for c in m.cells() {
            cells.next(&mut buffer)?;
            let b = &mut buffer;
            b.push(b'{');
            b.extend_from_slice(&member.as_bytes()[1..]);
            b.extend_from_slice(b"steps\": ");
            b.extend_from_slice(ints.format(c.steps).as_bytes());
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"size\": \"");
            b.extend_from_slice(ints.format(c.size.width).as_bytes());
            b.push(b'x');
            b.extend_from_slice(ints.format(c.size.height).as_bytes());
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"old\": \"");
            super::push_money(b, c.old, old_places);
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"new\": \"");
            super::push_money(b, c.new, new_places);
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"old_exact\": \"");
            c.old_exact.push_to(b);
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"new_exact\": \"");
            c.new_exact.push_to(b);
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            write!(b, "difference\": \"{}\"", c.delta)?;
            b.extend_from_slice(member.as_bytes());
            match c.percent {
                Some(p) => write!(b, "percent\": \"{p}\"")?,
                None => b.extend_from_slice(b"percent\": null"),
            }
            b.extend_from_slice(close.as_bytes());
            if buffer.len() >= CHUNK {
                out.write_all(&buffer)?;
                buffer.clear();
            }
        }
        out.write_all(&buffer)?;
        buffer.clear();
        cells.close(out)?;
        model.close(out)?;
    }
    models.close(out)?;
    let changes: Vec<Value> = day
        .diff
        .changes
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind.name(),
                "model": c.model,
                "old": c.old,
                "new": c.new,
                "percent": c.percent.map(|p| p.to_string()),
                "always_fails": c.always_fails,
                "effect": c.effect,
            })
        })
        .collect();
    doc.member(out, "changes", &json!(changes))
}

/// A workload's cost change: both sides with their provenance (file, tariff, rows), the change
/// in total, per model and per size (largest change first). `percent` is `null` where the
/// base is 0.
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
    use crate::compare::{Line, Share};
    let (base, head, c) = (view.base, view.head, view.comparison);
    let share = |s: &Share, tariff: &Tariff| {
        json!({
            "jobs": s.jobs,
            "images": count(s.images),
            "exact": s.exact.to_string(),
            "total": money(s.shown, tariff.display.decimals),
        })
    };
    let change = |l: &Line| {
        json!({
            "exact": l.change.to_string(),
            "amount": super::signed(l.shown_change, c.places),
            "percent": l.percent.map(|p| p.to_string()),
        })
    };
    let line = |key: &str, l: &Line| {
        json!({
            key: l.name,
            "base": share(&l.base, base.tariff),
            "head": share(&l.head, head.tariff),
            "change": change(l),
        })
    };
    let side = |s: &crate::compare::Side<'_>, l: &Share| {
        json!({
            "file": s.file,
            "tariff": provenance(s.tariff),
            "jobs": l.jobs,
            "images": count(l.images),
            "exact": l.exact.to_string(),
            "total": money(l.shown, s.tariff.display.decimals),
        })
    };
    write(
        out,
        &json!({
            "schema_version": SCHEMA_VERSION,
            "currency": view.currency(),
            "base": side(base, &c.total.base),
            "head": side(head, &c.total.head),
            "change": change(&c.total),
            "by_model": c.models.iter().map(|l| line("model", l)).collect::<Vec<_>>(),
            "by_size": c.sizes.iter().map(|l| line("size", l)).collect::<Vec<_>>(),
        }),
    )
}
