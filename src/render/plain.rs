//! `--format plain`: the rounded amount alone, for `$(...)` in scripts.

use std::io::{self, Write};

use super::{QuoteView, money};

/// Writes the job's shown price and a newline.
pub fn quote(out: &mut dyn Write, view: &QuoteView<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        money(view.quote.price, view.tariff.display.decimals)
    )
}

/// A grid's prices alone, laid out as its drawn table: a line per row (steps), the cells (sizes)
/// separated by a space; no title, no axes.
pub fn grid(out: &mut dyn Write, view: &super::GridView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    for (_, cells) in view.grid.rows() {
        let line: Vec<String> = cells.map(|c| money(c.quote.price, places)).collect();
        writeln!(out, "{}", line.join(" "))?;
    }
    Ok(())
}

/// A chat or speech grid's prices alone, as [`grid`]: a line per input-token count with a
/// price per output-token count, or a price per line for each number of seconds.
pub fn meter_grid(out: &mut dyn Write, view: &super::MeterGridView<'_>) -> io::Result<()> {
    use crate::meter_grid::MeterGrid;
    let places = view.tariff.display.decimals;
    let (cells, width) = match view.grid {
        MeterGrid::Tokens { outputs, cells, .. } => (cells, outputs.len().max(1)),
        MeterGrid::Seconds { cells, .. } => (cells, 1),
    };
    for row in cells.chunks(width) {
        let line: Vec<String> = row.iter().map(|c| money(c.price, places)).collect();
        writeln!(out, "{}", line.join(" "))?;
    }
    Ok(())
}

/// The model ids alone, one a line, as `--model` takes them (shell completion reads them).
pub fn models(out: &mut dyn Write, tariff: &crate::tariff::Tariff) -> io::Result<()> {
    for model in &tariff.models {
        writeln!(out, "{}", model.id)?;
    }
    Ok(())
}

/// The number alone: images, or steps per image.
pub fn afford(out: &mut dyn Write, view: &super::AffordView<'_>) -> io::Result<()> {
    writeln!(out, "{}", view.answer.most)
}

/// Batch output: the total alone, rounded once, after every row is read.
#[derive(Default)]
pub struct Batch;

impl super::BatchSink for Batch {
    fn begin(&mut self, _: &mut dyn Write, _: &super::BatchHeader<'_>) -> io::Result<()> {
        Ok(())
    }

    fn job(
        &mut self,
        _: &mut Vec<u8>,
        _: &super::BatchHeader<'_>,
        _: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        Ok(())
    }

    fn metered(
        &mut self,
        _: &mut Vec<u8>,
        _: &super::BatchHeader<'_>,
        _: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        Ok(())
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            money(summary.price, header.tariff.display.decimals)
        )
    }
}

/// A comparison: the change in total alone, signed (`+0.0121`, `-0.0121`, `0.0000`).
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
    let c = view.comparison;
    writeln!(out, "{}", super::signed(c.total.shown_change, c.places))
}

/// Writes a chat or speech request's shown price and a newline.
pub fn metered(out: &mut dyn Write, view: &super::MeteredView<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        money(view.charge.price, view.tariff.display.decimals)
    )
}
