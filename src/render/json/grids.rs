//! `--format json` of the grids: the price grid, its check against the published prices, and
//! two tariffs' grids compared (`diff`).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Open, SCHEMA_VERSION, provenance, rate_from, write};
use crate::grid::Cell;
use crate::render::{CheckView, GridView, exact, money};
use crate::tariff::{Model, Tariff};

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
        crate::render::push_money(b, c.quote.price, places);
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
                    v["difference"] =
                        json!(crate::render::signed(c.difference, c.difference.scale()));
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

/// Two tariffs compared: every cell, exact and shown, then every other change; the cells are
/// written as they are worked out. Then `scheduled`: each later day on which either tariff's
/// prices change, with its days and what is new that day, in the same shape.
pub fn diff(out: &mut dyn Write, view: &crate::render::DiffView<'_>) -> io::Result<()> {
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
            crate::render::push_money(b, c.old, old_places);
            b.push(b'"');
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(b"new\": \"");
            crate::render::push_money(b, c.new, new_places);
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
