//! `batch --format table`: the job table, then the totals, drawn line by line.
//!
//! An image-only listing has a column per part of a job (steps, size, count, units). A listing
//! whose rows may be chat or speech ([`rows::Layout::metered`]) would need a column for every
//! meter's parts, most of them blank in any row; it folds them into one `usage` cell of a few
//! short lines instead (and, with dated rates, the day and rates into one `date, rate` cell).
//! Both tables are then fitted to [`WIDTH`] columns where they can be: the cells that hold words
//! (usage, a day and rates, the parts marked as defaults, carried columns) break at spaces onto
//! more lines, never inside a word. CSV, JSON and Markdown keep a column per part.
//!
//! Both tables are drawn by [`Frame`]: held jobs and streamed ones, jobs and totals, go
//! through the same code, so a long listing looks as a short one does.

use std::io::{self, Write};

use super::super::{BatchHeader, exact, grouped, money, rows};
use super::frame::Frame;
use crate::batch::{Defaults, MeteredRow, ModelTotal, Priced, Summary, Used};
use crate::escape::escaped as esc;
use crate::tariff::Metering;

/// Rows the drawn batch table holds to size its columns: an input of up to this many jobs is
/// drawn as one table sized to its content; a longer one streams (see [`Batch`]).
const HELD_ROWS: usize = 10_000;

/// The width the tables are fitted to: a terminal's.
pub const WIDTH: usize = 80;

/// Batch output: the job table, then the totals.
///
/// Up to 10,000 jobs (`HELD_ROWS`) are held and drawn as one table sized to their content.
/// From then on the rows stream, so memory stays flat: the columns keep the widths the held
/// rows gave them (a cell of words breaks onto more lines to stay in its column), and a later
/// row too wide for them ends the table and starts another, header and all, with the columns
/// widened (a line number gaining a digit, say). Nothing is cut.
#[derive(Default)]
pub struct Batch {
    held: Vec<Vec<String>>,
    /// The frame, once rows stream.
    streaming: Option<Frame>,
}

/// `word` after `n`, with an `s` unless `n` is 1: `1 image`, `2 images`.
fn counted(n: impl std::fmt::Display, word: &str) -> String {
    let n = grouped(n);
    if n == "1" {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The line naming what a row left to the API's default, in the table's words; `None` when
/// nothing was.
fn defaults_line(defaults: Defaults) -> Option<String> {
    let names: Vec<&str> = [
        (Defaults::STEPS, "steps"),
        (Defaults::SIZE, "size"),
        (Defaults::COUNT, "count"),
        (Defaults::OUTPUT_CAP, "output cap"),
    ]
    .into_iter()
    .filter(|(part, _)| defaults.has(*part))
    .map(|(_, name)| name)
    .collect();
    (!names.is_empty()).then(|| format!("default: {}", names.join(", ")))
}

/// Lines joined into one cell, a missing one left out.
fn lines(lines: impl IntoIterator<Item = Option<String>>) -> String {
    lines.into_iter().flatten().collect::<Vec<_>>().join("\n")
}

/// The job table's frame: its columns, which hold figures (aligned right) and which hold
/// words (broken at spaces to fit).
fn job_frame(header: &BatchHeader<'_>) -> Frame {
    type Holds = fn(&str) -> bool;
    let (own, right, wrap): (Vec<String>, Holds, Holds) = if header.layout.metered() {
        let mut names = ["line", "model", "kind", "usage", "price"]
            .map(String::from)
            .to_vec();
        if header.dated {
            names.push("date, rate".to_owned());
        }
        (
            names,
            |c| matches!(c, "line" | "price"),
            |c| matches!(c, "model" | "usage" | "date, rate"),
        )
    } else {
        // A row's day and rate share one cell, as in a listing with chat or speech columns.
        let mut names: Vec<String> = rows::output_columns(header)
            .iter()
            .map(|c| c.replace('_', " "))
            .collect();
        if header.dated {
            names.truncate(names.len() - 2);
            names.push("date, rate".to_owned());
        }
        (
            names,
            |c| rows::is_figure(c) && c != "date, rate",
            |c| matches!(c, "model" | "steps" | "size" | "count" | "date, rate"),
        )
    };
    let count = own.len();
    let names: Vec<String> = own
        .into_iter()
        .chain(header.extra.iter().map(|e| esc(e).into_owned()))
        .collect();
    // Carried columns are text: left, and broken at spaces.
    Frame::new(names.iter().map(String::as_str), |i| {
        i < count && right(&names[i])
    })
    .wrapping(|i| i >= count || wrap(&names[i]))
}

/// An image job's cells in a listing that may hold chat or speech rows.
fn image_usage_cells(header: &BatchHeader<'_>, r: &Priced<'_>) -> Vec<String> {
    let places = header.tariff.display.decimals;
    let units = r.quote.map(|q| format!(", {} units", grouped(q.units)));
    let usage = lines([
        Some(format!("{}, {}", counted(r.job.steps, "step"), r.job.size)),
        Some(counted(r.job.count, "image") + &units.unwrap_or_default()),
        defaults_line(r.defaults),
    ]);
    let mut cells = vec![
        r.line.to_string(),
        esc(&r.model.id).into_owned(),
        "exact".to_owned(),
        usage,
        r.quote.map(|q| money(q.price, places)).unwrap_or_default(),
    ];
    if header.dated {
        cells.push(lines([r.day.map(|d| d.to_string()), Some(exact(r.rate))]));
    }
    cells
}

/// A chat or speech row's cells.
fn metered_usage_cells(header: &BatchHeader<'_>, r: &MeteredRow<'_>) -> Vec<String> {
    let (usage, rate) = match r.used {
        Used::Tokens {
            input,
            output,
            input_rate,
            output_rate,
            per,
        } => (
            lines([
                Some(format!("{} in", counted(input, "token"))),
                Some(format!("{} out", counted(output, "token"))),
                defaults_line(r.defaults),
            ]),
            lines([
                Some(format!("{} in", exact(input_rate))),
                Some(format!("{} out", exact(output_rate))),
                Some(format!("per {}", grouped(per))),
            ]),
        ),
        Used::Seconds {
            given,
            charged,
            rate,
        } => (
            lines([
                Some(format!("{} s", grouped(exact(given)))),
                (given != charged).then(|| format!("minimum {} s", grouped(exact(charged)))),
            ]),
            exact(rate),
        ),
    };
    let mut cells = vec![
        r.line.to_string(),
        esc(&r.model.id).into_owned(),
        r.kind.name().to_owned(),
        usage,
        money(r.price, header.tariff.display.decimals),
    ];
    if header.dated {
        cells.push(lines([r.day.map(|d| d.to_string()), Some(rate)]));
    }
    cells
}

/// What a model's jobs used, for the totals of a listing that may hold chat or speech rows.
fn total_usage(m: &ModelTotal<'_>) -> String {
    match m.model.metering {
        Metering::Token(_) => format!(
            "{} in\n{} out",
            counted(m.input_tokens, "token"),
            counted(m.output_tokens, "token")
        ),
        Metering::Second(_) => format!("{} s charged", grouped(exact(m.seconds))),
        Metering::MegapixelStep => {
            format!("{}\n{} units", counted(m.images, "image"), grouped(m.units))
        }
    }
}

/// The totals table: a row per model, then the grand total.
fn totals(out: &mut dyn Write, header: &BatchHeader<'_>, summary: &Summary<'_>) -> io::Result<()> {
    let places = header.tariff.display.decimals;
    let layout = header.layout;
    let total = money(summary.price, places);
    if !layout.metered() {
        let mut cells: Vec<Vec<String>> = summary
            .by_model
            .iter()
            .map(|m| rows::total_cells(layout, m, places, esc(&m.model.id).into_owned()))
            .collect();
        cells.push(rows::grand_total_cells(layout, summary, total));
        let names = rows::total_columns(layout);
        // Model ids break between words, as in the job table.
        return Frame::new(names.into_iter(), |i| i > 0)
            .wrapping(|i| i == 0)
            .table(out, &cells, WIDTH);
    }
    let names = ["model", "kind", "jobs", "usage", "total"];
    let mut cells: Vec<Vec<String>> = summary
        .by_model
        .iter()
        .map(|m| {
            vec![
                esc(&m.model.id).into_owned(),
                m.kind.name().to_owned(),
                grouped(m.jobs),
                total_usage(m),
                money(m.price, places),
            ]
        })
        .collect();
    // The models' usages are of different things: the total row gives none.
    cells.push(vec![
        summary.label().to_owned(),
        summary.kind().name().to_owned(),
        grouped(summary.jobs),
        String::new(),
        total,
    ]);
    Frame::new(names.into_iter(), |i| matches!(names[i], "jobs" | "total"))
        .wrapping(|i| matches!(names[i], "model" | "usage"))
        .table(out, &cells, WIDTH)
}

impl super::super::BatchSink for Batch {
    fn begin(&mut self, _out: &mut dyn Write, _header: &BatchHeader<'_>) -> io::Result<()> {
        Ok(())
    }

    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        r: &Priced<'_>,
    ) -> io::Result<()> {
        let cells = if header.layout.metered() {
            image_usage_cells(header, r)
        } else {
            let mut cells = rows::image_cells(header, r, esc(&r.model.id).into_owned());
            if header.dated {
                let (rate, day) = (cells.pop(), cells.pop());
                cells.push(lines([day.filter(|d| !d.is_empty()), rate]));
            }
            cells
        };
        self.draw(out, header, cells, &r.extra)
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        r: &MeteredRow<'_>,
    ) -> io::Result<()> {
        self.draw(out, header, metered_usage_cells(header, r), &r.extra)
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &BatchHeader<'_>,
        summary: &Summary<'_>,
    ) -> io::Result<()> {
        if self.streaming.is_none() && !self.held.is_empty() {
            self.stream(out, header)?;
        }
        if let Some(frame) = &self.streaming {
            frame.bottom(out)?;
        }
        totals(out, header, summary)?;
        let currency = esc(&header.tariff.currency);
        write!(
            out,
            "{}",
            rows::closing(summary, header.tariff, &currency, !header.summary_only)
        )?;
        if summary.skipped > 0 {
            write!(out, "; {} invalid row(s) skipped", summary.skipped)?;
        }
        writeln!(out)
    }
}

impl Batch {
    /// Draws one row of cells (and its carried ones), or holds it while the table is sized.
    fn draw(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        mut cells: Vec<String>,
        extra: &[std::borrow::Cow<'_, str>],
    ) -> io::Result<()> {
        cells.extend(extra.iter().map(|e| esc(e).into_owned()));
        if let Some(frame) = &mut self.streaming {
            if !frame.fits(&cells) {
                frame.bottom(out)?;
                frame.restart(&cells);
                frame.narrow_to(WIDTH);
                frame.top(out)?;
            }
            return frame.row(out, &cells);
        }
        self.held.push(cells);
        if self.held.len() >= HELD_ROWS {
            self.stream(out, header)?;
        }
        Ok(())
    }

    /// Sizes the columns to the held rows, draws them, and streams from then on.
    fn stream(&mut self, out: &mut dyn Write, header: &BatchHeader<'_>) -> io::Result<()> {
        let mut frame = job_frame(header);
        frame.begin(out, &std::mem::take(&mut self.held), WIDTH)?;
        self.streaming = Some(frame);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_cell_names_the_parts_left_to_the_default() {
        assert_eq!(defaults_line(Defaults::NONE), None);
        assert_eq!(
            defaults_line(Defaults::of_image(true, false, true)).as_deref(),
            Some("default: steps, count")
        );
        assert_eq!(
            defaults_line(Defaults::OUTPUT_CAP).as_deref(),
            Some("default: output cap")
        );
        assert_eq!(counted(1, "image"), "1 image");
        assert_eq!(counted(0, "image"), "0 images");
        assert_eq!(counted(12_000, "token"), "12,000 tokens");
    }
}
