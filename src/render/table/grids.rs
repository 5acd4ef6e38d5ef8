//! `--format table` of the grids: the price grid, its check against the published prices, and
//! two tariffs' grids compared (`diff`), drawn row by row in a `Frame` where a grid may be too
//! large to hold.

use std::io::{self, Write};

use super::frame::Frame;
use super::new_table;
use crate::escape::escaped as esc;
use crate::render::{CheckView, GridView, exact, money, signed};

/// The grid: rows are steps, columns are sizes.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let (model, tariff) = (view.model, view.tariff);
    writeln!(
        out,
        "{} ({}): {} per image at {} {} per {}{}",
        esc(&model.name),
        esc(&model.id),
        esc(&tariff.currency),
        exact(model.rate),
        esc(&tariff.currency),
        esc(&model.unit),
        crate::render::dated(tariff, model)
    )?;
    let sizes: Vec<String> = view.grid.sizes.iter().map(ToString::to_string).collect();
    let places = tariff.display.decimals;
    let mut ints = itoa::Buffer::new();
    let mut price = Vec::new();
    // First pass: each column as wide as its widest value, as comfy-table would size it.
    let mut frame = Frame::new(
        std::iter::once("steps").chain(sizes.iter().map(String::as_str)),
        |_| true,
    );
    for (steps, cells) in view.grid.rows() {
        frame.fit(0, ints.format(steps).len());
        for (i, c) in cells.enumerate() {
            price.clear();
            crate::render::push_money(&mut price, c.quote.price, places);
            frame.fit(i + 1, price.len());
        }
    }
    // Second pass: draw, a row at a time.
    frame.top(out)?;
    let mut line = Vec::new();
    for (steps, cells) in view.grid.rows() {
        line.clear();
        frame.start(&mut line);
        frame.cell(&mut line, 0, ints.format(steps).as_bytes());
        for (i, c) in cells.enumerate() {
            price.clear();
            crate::render::push_money(&mut price, c.quote.price, places);
            frame.cell(&mut line, i + 1, &price);
        }
        frame.end(&mut line);
        out.write_all(&line)?;
    }
    frame.bottom(out)
}

/// Every model's check, with a verdict line each.
pub fn check(out: &mut dyn Write, view: &CheckView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    let currency = esc(&view.tariff.currency);
    for (i, (model, check)) in view.checks.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} ({}) against its published prices, {currency} per image at {} {currency} per {}{}",
            esc(&model.name),
            esc(&model.id),
            exact(model.rate),
            esc(&model.unit),
            crate::render::checked_dated(view.tariff, model)
        )?;
        let header = [
            "steps",
            "size",
            "computed",
            "published",
            "difference",
            "status",
        ]
        .map(String::from)
        .to_vec();
        let mut table = new_table(header, &[0, 2, 3, 4]);
        for c in &check.cells {
            table.add_row(vec![
                c.cell.job.steps.to_string(),
                c.cell.job.size.to_string(),
                money(c.cell.quote.price, places),
                exact(c.published),
                signed(c.difference, c.difference.scale()),
                c.status.name().to_owned(),
            ]);
        }
        writeln!(out, "{table}")?;
        use crate::grid::Status;
        writeln!(
            out,
            "{} exact, {} within tolerance ({} {currency}), {} off: {}",
            check.count(Status::Exact),
            check.count(Status::WithinTolerance),
            exact(check.tolerance),
            check.count(Status::Off),
            if check.passed() { "passes" } else { "FAILS" }
        )?;
    }
    let skipped: Vec<String> = view
        .unpublished
        .iter()
        .filter(|m| !m.is_image())
        .map(|m| format!("{} (per {})", esc(&m.id), m.metering.name()))
        .collect();
    if !skipped.is_empty() {
        writeln!(
            out,
            "skipped, as check compares image prices only: {}",
            skipped.join(", ")
        )?;
    }
    for model in view.unpublished.iter().filter(|m| m.is_image()) {
        writeln!(
            out,
            "{} ({}) has no published grid to check",
            esc(&model.name),
            esc(&model.id)
        )?;
    }
    Ok(())
}

/// The day asked for, then each later day with something new under `From DAY (scheduled):`.
pub fn diff(out: &mut dyn Write, view: &crate::render::DiffView<'_>) -> io::Result<()> {
    crate::render::each_day(out, view, ("\n", ":"), diff_day)
}

/// One day: each model's cells under both tariffs, then every other change.
fn diff_day(out: &mut dyn Write, day: &crate::diff::DayDiff<'_>) -> io::Result<()> {
    let (old, new) = (day.old, day.new);
    for (i, m) in day.diff.models.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} ({}): rate {} -> {} {} per {}{}",
            m.new.name,
            m.new.id,
            exact(m.old.rate),
            exact(m.new.rate),
            new.currency,
            m.new.unit,
            crate::render::diff_days(old, new)
        )?;
        // The cells are worked out twice, to size the columns and to draw them, and never held;
        // each cell's fields are written into one reused buffer, `ends` marking where each ends.
        let mut text = Vec::new();
        let mut ends = [0usize; 6];
        let mut fields = |c: &crate::diff::DiffCell, text: &mut Vec<u8>| {
            text.clear();
            let mut ints = itoa::Buffer::new();
            text.extend_from_slice(ints.format(c.steps).as_bytes());
            ends[0] = text.len();
            text.extend_from_slice(ints.format(c.size.width).as_bytes());
            text.push(b'x');
            text.extend_from_slice(ints.format(c.size.height).as_bytes());
            ends[1] = text.len();
            crate::render::push_money(text, c.old, old.display.decimals);
            ends[2] = text.len();
            crate::render::push_money(text, c.new, new.display.decimals);
            ends[3] = text.len();
            if c.difference > rust_decimal::Decimal::ZERO {
                text.push(b'+');
            }
            crate::render::push_money(text, c.difference, c.difference.scale());
            ends[4] = text.len();
            match c.percent {
                Some(p) => {
                    let _ = write!(text, "{p}%");
                }
                None => text.extend_from_slice(b"from 0"),
            }
            ends[5] = text.len();
            ends
        };
        let mut frame = Frame::new(crate::render::DIFF_COLUMNS.into_iter(), |i| i != 1);
        for c in m.cells() {
            let ends = fields(&c, &mut text);
            let mut from = 0;
            for (i, &end) in ends.iter().enumerate() {
                frame.fit(i, end - from);
                from = end;
            }
        }
        frame.top(out)?;
        let mut line = Vec::new();
        for c in m.cells() {
            let ends = fields(&c, &mut text);
            line.clear();
            frame.start(&mut line);
            let mut from = 0;
            for (i, &end) in ends.iter().enumerate() {
                frame.cell(&mut line, i, &text[from..end]);
                from = end;
            }
            frame.end(&mut line);
            out.write_all(&line)?;
        }
        frame.bottom(out)?;
    }
    if !day.diff.changes.is_empty() {
        if !day.diff.models.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "Other changes:")?;
        let header = crate::render::DIFF_CHANGE_COLUMNS
            .map(String::from)
            .to_vec();
        let mut table = new_table(header, &[4]);
        for c in &day.diff.changes {
            table.add_row(crate::render::change_row(c).to_vec());
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}
