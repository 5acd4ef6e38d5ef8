//! `--format table`: drawn tables (comfy-table) with a title line.
//!
//! The grids (`table`, `check`, `diff`) are drawn in `grids.rs`; the models, batch rows and
//! totals, and `compare` here.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::{exact, money, rows, signed};
use crate::escape::escaped as esc;
use crate::tariff::Tariff;

pub mod grids;

pub(super) fn new_table(header: Vec<String>, right_aligned: &[usize]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for &i in right_aligned {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// Width the model list is laid out in: it wraps cells to fit, whatever the terminal.
pub const MODELS_WIDTH: u16 = 80;

/// The tariff's models, fitted to [`MODELS_WIDTH`] columns; the source URL, which cannot be
/// wrapped, goes below the table.
pub fn models(out: &mut dyn Write, tariff: &Tariff) -> io::Result<()> {
    writeln!(
        out,
        "{} prices in {}, as of {}",
        esc(&tariff.provider),
        esc(&tariff.currency),
        esc(&tariff.as_of),
    )?;
    let header = ["model", "rate", "limits and defaults", "published"]
        .map(String::from)
        .to_vec();
    let mut table = new_table(header, &[]);
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(MODELS_WIDTH);
    let default = tariff.default_model().id.as_str();
    for m in &tariff.models {
        let mut model = esc(&m.id).into_owned();
        if m.id == default {
            model.push_str(" (default)");
        }
        if m.name != m.id {
            model.push_str(&format!("\n{}", esc(&m.name)));
        }
        for alias in &m.aliases {
            model.push_str(&format!("\nalias {}", esc(alias)));
        }
        if !m.is_image() {
            let (mut rate, takes) = metered_rates(m, &tariff.currency);
            match (m.not_until, m.rate_from) {
                (Some(first), _) => rate = format!("none yet\nfirst from {first}"),
                (None, Some(from)) => rate.push_str(&format!("\nfrom {from}")),
                (None, None) => {}
            }
            let read = m
                .as_of
                .as_ref()
                .map(|d| format!("\nread {}", esc(d)))
                .unwrap_or_default();
            table.add_row(vec![model, rate, format!("{takes}{read}"), "no".to_owned()]);
            continue;
        }
        let mut rate = format!(
            "{} {}\nper {}\n({})",
            exact(m.rate),
            esc(&tariff.currency),
            esc(&m.unit),
            m.unit_size
        );
        match (m.not_until, m.rate_from) {
            (Some(first), _) => rate = format!("none yet\nfirst from {first}"),
            (None, Some(from)) => rate.push_str(&format!("\nfrom {from}")),
            (None, None) => {}
        }
        if !m.minimum.is_zero() {
            rate.push_str(&format!("\nmin {}/image", exact(m.minimum)));
        }
        let limits = format!(
            "steps {}-{}, default {}\nsides {}\ndefault size {}",
            m.steps.min,
            m.steps.max,
            m.steps.default,
            m.side.describe(),
            m.default_size
        );
        table.add_row(vec![
            model,
            rate,
            limits,
            if m.published.is_some() { "yes" } else { "no" }.to_owned(),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "source: {}", esc(&tariff.source))
}

/// A token or second model's grid, then the rates it was priced at.
pub fn meter_grid(out: &mut dyn Write, view: &super::MeterGridView<'_>) -> io::Result<()> {
    let (header, rows) = view.rows();
    let right: Vec<usize> = (0..header.len()).collect();
    let mut table = new_table(header, &right);
    for row in rows {
        table.add_row(row);
    }
    // The caption above the table, as the image grid's title is.
    writeln!(out, "{}", view.note())?;
    writeln!(out, "{table}")
}

/// A token or second model's rates, and what one request of it is priced by, for `models`.
fn metered_rates(m: &crate::tariff::Model, currency: &str) -> (String, String) {
    use crate::tariff::Metering;
    let currency = esc(currency);
    match m.metering {
        Metering::Token(t) => (
            format!(
                "{} {currency} in\n{} {currency} out\nper {} tokens",
                exact(t.input),
                exact(t.output),
                t.per,
            ),
            format!(
                "chat: --input-tokens\nand --output-tokens{}",
                m.default_max_completion_tokens
                    .map(|cap| format!("\ndefault cap {cap} out"))
                    .unwrap_or_default()
            ),
        ),
        Metering::Second(s) => {
            let mut rate = format!("{} {currency}\nper second", exact(s.rate));
            if !s.minimum_seconds.is_zero() {
                rate.push_str(&format!("\nmin {} s/request", exact(s.minimum_seconds)));
            }
            (rate, "speech: --seconds".to_owned())
        }
        Metering::MegapixelStep => (String::new(), String::new()),
    }
}

/// Rows the drawn batch table holds to size its columns: an input of up to this many jobs is
/// drawn as one table sized to its content; a longer one streams (see [`Batch`]).
pub const HELD_ROWS: usize = 10_000;

/// Columns of the job table aligned right: the figures.
fn right_columns(header: &super::BatchHeader<'_>) -> Vec<usize> {
    rows::output_columns(header)
        .iter()
        .enumerate()
        .filter(|(_, c)| rows::is_figure(c))
        .map(|(i, _)| i)
        .collect()
}

/// Batch output: the job table, then the totals.
///
/// Up to [`HELD_ROWS`] jobs are held and drawn as one table sized to their content. Past that
/// the rows stream, so memory stays flat: the columns keep the widths the held rows gave them,
/// and a later row too wide for them ends the table and starts another, header and all, with
/// the columns widened (a line number gaining a digit, say). Nothing is cut or wrapped.
#[derive(Default)]
pub struct Batch {
    held: Vec<Vec<String>>,
    /// The column widths, once rows stream.
    widths: Option<Vec<usize>>,
}

/// A rule of the drawn table: `left`, then each column's `fill` joined by `join`, then `right`.
fn rule(out: &mut dyn Write, widths: &[usize], chars: [char; 4]) -> io::Result<()> {
    let [left, fill, join, right] = chars;
    let mut line = String::new();
    line.push(left);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            line.push(join);
        }
        line.extend(std::iter::repeat_n(fill, w + 2));
    }
    line.push(right);
    writeln!(out, "{line}")
}

/// One row of cells padded to the widths, numbers to the right.
pub(super) fn draw_row(
    out: &mut dyn Write,
    widths: &[usize],
    cells: &[String],
    right: &[usize],
) -> io::Result<()> {
    let mut line = String::from("│");
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str(" ┆");
        }
        let pad = w.saturating_sub(unicode_width::UnicodeWidthStr::width(cell.as_str()));
        line.push(' ');
        if right.contains(&i) {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    line.push_str(" │");
    writeln!(out, "{line}")
}

/// The job table's header cells.
fn job_names(header: &super::BatchHeader<'_>) -> Vec<String> {
    rows::output_columns(header)
        .iter()
        .map(|c| c.replace('_', " "))
        .chain(header.extra.iter().map(|e| esc(e).into_owned()))
        .collect()
}

/// Starts a streamed table: top rule, header, header rule.
pub(super) fn open_table(
    out: &mut dyn Write,
    widths: &[usize],
    names: &[String],
    right: &[usize],
) -> io::Result<()> {
    rule(out, widths, ['┌', '─', '┬', '┐'])?;
    draw_row(out, widths, names, right)?;
    rule(out, widths, ['╞', '═', '╪', '╡'])
}

pub(super) fn close_table(out: &mut dyn Write, widths: &[usize]) -> io::Result<()> {
    rule(out, widths, ['└', '─', '┴', '┘'])
}

pub(super) fn widen(widths: &mut [usize], cells: &[String]) -> bool {
    let mut wider = false;
    for (w, cell) in widths.iter_mut().zip(cells) {
        let need = unicode_width::UnicodeWidthStr::width(cell.as_str());
        if need > *w {
            *w = need;
            wider = true;
        }
    }
    wider
}

impl super::BatchSink for Batch {
    fn begin(&mut self, _out: &mut dyn Write, _header: &super::BatchHeader<'_>) -> io::Result<()> {
        Ok(())
    }

    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let cells = rows::image_cells(header, r, esc(&r.model.id).into_owned());
        self.draw(out, header, cells, &r.extra)
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        let cells = rows::metered_cells(header, r, esc(&r.model.id).into_owned());
        self.draw(out, header, cells, &r.extra)
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let layout = header.layout;
        let currency = esc(&header.tariff.currency);
        if let Some(widths) = &self.widths {
            close_table(out, widths)?;
        } else if !self.held.is_empty() {
            let mut table = new_table(job_names(header), &right_columns(header));
            for row in std::mem::take(&mut self.held) {
                table.add_row(row);
            }
            writeln!(out, "{table}")?;
        }
        let names: Vec<String> = rows::total_columns(layout)
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        let right: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !(matches!(c.as_str(), "model" | "meter" | "kind")
                    || (c.as_str() == "units" && layout.metered()))
            })
            .map(|(i, _)| i)
            .collect();
        let mut totals = new_table(names, &right);
        for m in &summary.by_model {
            totals.add_row(rows::total_cells(
                layout,
                m,
                places,
                esc(&m.model.id).into_owned(),
            ));
        }
        totals.add_row(rows::grand_total_cells(
            layout,
            summary,
            money(summary.price, places),
        ));
        writeln!(out, "{totals}")?;
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
        header: &super::BatchHeader<'_>,
        mut cells: Vec<String>,
        extra: &[std::borrow::Cow<'_, str>],
    ) -> io::Result<()> {
        cells.extend(extra.iter().map(|e| esc(e).into_owned()));
        let right = &right_columns(header);
        if let Some(widths) = &mut self.widths {
            let before = widths.clone();
            if widen(widths, &cells) {
                close_table(out, &before)?;
                open_table(out, widths, &job_names(header), right)?;
            }
            return draw_row(out, widths, &cells, right);
        }
        self.held.push(cells);
        if self.held.len() > HELD_ROWS {
            let names = job_names(header);
            let mut widths = vec![0; names.len()];
            widen(&mut widths, &names);
            for row in &self.held {
                widen(&mut widths, row);
            }
            open_table(out, &widths, &names, right)?;
            for row in std::mem::take(&mut self.held) {
                draw_row(out, &widths, &row, right)?;
            }
            self.widths = Some(widths);
        }
        Ok(())
    }
}

/// A workload's cost change: a title, the totals, per model, and the sizes that changed most.
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
    use super::{count_change, line_percent};
    let (base, head, c) = (view.base, view.head, view.comparison);
    let currency = esc(view.currency());
    if base.file == head.file && view.two_tariffs() && !view.labelled() {
        write!(out, "Cost change in {currency} of {}", esc(&head.file))?;
    } else {
        let (b, h) = view.labels();
        write!(
            out,
            "Cost change in {currency}: {} against {}",
            esc(h),
            esc(b)
        )?;
    }
    if view.two_tariffs() {
        write!(
            out,
            ", priced under {} against {}",
            head.tariff.origin.name(),
            base.tariff.origin.name()
        )?;
    }
    writeln!(out)?;
    let header = ["", "base", "head", "change", "percent"].map(String::from);
    let money_row = |line: &crate::compare::Line, name: String| {
        vec![
            name,
            money(line.base.shown, base.tariff.display.decimals),
            money(line.head.shown, head.tariff.display.decimals),
            signed(line.shown_change, c.places),
            line_percent(line),
        ]
    };
    let t = &c.total;
    let mut table = new_table(header.to_vec(), &[1, 2, 3, 4]);
    table.add_row(money_row(t, "total".to_owned()));
    // What moved the total, with two tariffs: prices + workload = change.
    if view.two_tariffs()
        && let Some(a) = t.attribution
    {
        for (name, shown) in [("prices", a.shown_prices), ("workload", a.shown_workload)] {
            table.add_row(vec![
                format!("  {name}"),
                String::new(),
                String::new(),
                signed(shown, c.places),
                String::new(),
            ]);
        }
    }
    for (name, b, h) in [
        ("jobs", u128::from(t.base.jobs), u128::from(t.head.jobs)),
        ("images", t.base.images, t.head.images),
    ] {
        table.add_row(vec![
            name.to_owned(),
            b.to_string(),
            h.to_string(),
            count_change(b, h),
            String::new(),
        ]);
    }
    writeln!(out, "{table}")?;
    let mut header = header.to_vec();
    header[0] = "model".to_owned();
    if !c.models.is_empty() {
        let mut table = new_table(header.clone(), &[1, 2, 3, 4]);
        for line in &c.models {
            table.add_row(money_row(line, esc(&line.name).into_owned()));
        }
        writeln!(out, "{table}")?;
    }
    let (sizes, more) = view.top_sizes();
    if sizes.is_empty() {
        writeln!(out, "No size changed in cost.")?;
    } else {
        header[0] = "size".to_owned();
        let mut table = new_table(header, &[1, 2, 3, 4]);
        for line in sizes {
            table.add_row(money_row(line, line.name.clone()));
        }
        writeln!(out, "{table}")?;
        if more > 0 {
            writeln!(
                out,
                "{more} more size(s) changed less; --format csv or json lists every size."
            )?;
        }
    }
    if view.parts_disagree() {
        writeln!(out, "{}", super::ROUNDED_ONCE)?;
    }
    if let Some(note) = view.kinds_note() {
        writeln!(out, "{note}")?;
    }
    Ok(())
}
