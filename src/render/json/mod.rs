//! `--format json`: one object per command; every decimal is a string, so nothing is lost.
//!
//! The grids (`table`, `check`, `diff`) are written in `grids.rs`; batch rows and totals by
//! [`Batch`], in `batch.rs`; the other commands' documents and the shared helpers here.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{QuoteView, exact, money};
use crate::digits::Text;
use crate::tariff::{Model, Origin, Tariff};

mod batch;
pub mod grids;

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
            "default_max_completion_tokens": model.default_max_completion_tokens,
        }),
        Metering::Second(s) => json!({
            "meter": "second",
            "rate": exact(s.rate),
            "minimum_seconds": exact(s.minimum_seconds),
            "input_chars": model.input_chars.map(|l| json!({ "min": l.min, "max": l.max })),
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
/// it writes ([`super::BatchSink::lead`]), so rows keep no state and chunks of rows can be
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
    // prices + workload = change, exactly: both as exact signed decimal strings.
    let attribution = |l: &Line| {
        l.attribution.map(|a| {
            json!({
                "prices": a.prices.to_string(),
                "workload": a.workload.to_string(),
            })
        })
    };
    let line = |key: &str, l: &Line| {
        json!({
            key: l.name,
            "base": share(&l.base, base.tariff),
            "head": share(&l.head, head.tariff),
            "change": change(l),
            "attribution": attribution(l),
        })
    };
    let side = |s: &crate::compare::Side<'_>, l: &Share| {
        json!({
            "file": s.file,
            "tariff": provenance(s.tariff),
            "kind": s.summary.kind().name(),
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
            "attribution": attribution(&c.total),
            "verdict": view.review.verdict().to_string(),
            "gates": view.review.gates.iter().map(|g| json!({
                "flag": g.flag,
                "tier": match g.tier {
                    crate::review::Tier::Fail => "fail",
                    crate::review::Tier::Warn => "warn",
                },
                "outcome": super::review::outcome_word(g),
                "reason": super::review::gate_sentence(g, view),
            })).collect::<Vec<_>>(),
            "by_model": c.models.iter().map(|l| line("model", l)).collect::<Vec<_>>(),
            "by_size": c.sizes.iter().map(|l| line("size", l)).collect::<Vec<_>>(),
        }),
    )
}
