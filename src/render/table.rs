//! `--format table`: drawn tables (comfy-table) with a title line.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::{CheckView, GridView, exact, money, signed};
use crate::escape::escaped as esc;
use crate::tariff::Tariff;

fn new_table(header: Vec<String>, right_aligned: &[usize]) -> Table {
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

/// The grid: rows are steps, columns are sizes.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let (model, tariff) = (view.model, view.tariff);
    writeln!(
        out,
        "{} ({}): {} per image at {} {} per {}",
        esc(&model.name),
        esc(&model.id),
        esc(&tariff.currency),
        exact(model.rate),
        esc(&tariff.currency),
        esc(&model.unit)
    )?;
    let sizes = &view.grid.sizes;
    let header = std::iter::once("steps".to_owned())
        .chain(sizes.iter().map(ToString::to_string))
        .collect();
    let mut table = new_table(header, &(0..=sizes.len()).collect::<Vec<_>>());
    let places = tariff.display.decimals;
    for (steps, cells) in view.grid.rows() {
        table.add_row(
            std::iter::once(steps.to_string())
                .chain(cells.iter().map(|c| money(c.quote.price, places))),
        );
    }
    writeln!(out, "{table}")
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
            "{} ({}) against its published prices, {currency} per image at {} {currency} per {}",
            esc(&model.name),
            esc(&model.id),
            exact(model.rate),
            esc(&model.unit)
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
    for model in &view.unpublished {
        writeln!(
            out,
            "{} ({}) has no published grid to check",
            esc(&model.name),
            esc(&model.id)
        )?;
    }
    Ok(())
}

/// The tariff's models.
pub fn models(out: &mut dyn Write, tariff: &Tariff) -> io::Result<()> {
    writeln!(
        out,
        "{} prices in {}, as of {} ({})",
        esc(&tariff.provider),
        esc(&tariff.currency),
        esc(&tariff.as_of),
        esc(&tariff.source)
    )?;
    let header = [
        "id",
        "name",
        "rate",
        "unit",
        "steps",
        "sides",
        "default size",
        "published",
    ]
    .map(String::from)
    .to_vec();
    let mut table = new_table(header, &[2]);
    let default = tariff.default_model().id.as_str();
    for m in &tariff.models {
        let mut id = esc(&m.id).into_owned();
        if m.id == default {
            id.push_str(" (default)");
        }
        for alias in &m.aliases {
            id.push_str(&format!("\n  alias {}", esc(alias)));
        }
        let mut rate = exact(m.rate);
        if !m.minimum.is_zero() {
            rate.push_str(&format!("\nmin {}/image", exact(m.minimum)));
        }
        table.add_row(vec![
            id,
            esc(&m.name).into_owned(),
            rate,
            format!("{} ({})", esc(&m.unit), m.unit_size),
            format!(
                "{}-{}, default {}",
                m.steps.min, m.steps.max, m.steps.default
            ),
            m.side.describe(),
            m.default_size.to_string(),
            if m.published.is_some() { "yes" } else { "no" }.to_owned(),
        ]);
    }
    writeln!(out, "{table}")
}

/// Rows the drawn batch table holds to size its columns: an input of up to this many jobs is
/// drawn as one table sized to its content; a longer one streams (see [`Batch`]).
pub const HELD_ROWS: usize = 10_000;

/// Columns of the job table aligned right (the numbers).
const RIGHT: [usize; 5] = [0, 2, 4, 5, 6];

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
fn draw_row(out: &mut dyn Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::from("│");
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str(" ┆");
        }
        let pad = w.saturating_sub(unicode_width::UnicodeWidthStr::width(cell.as_str()));
        line.push(' ');
        if RIGHT.contains(&i) {
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
    super::JOB_COLUMNS
        .map(String::from)
        .into_iter()
        .chain(header.extra.iter().map(|e| esc(e).into_owned()))
        .collect()
}

/// Starts a streamed table: top rule, header, header rule.
fn open_table(out: &mut dyn Write, widths: &[usize], names: &[String]) -> io::Result<()> {
    rule(out, widths, ['┌', '─', '┬', '┐'])?;
    draw_row(out, widths, names)?;
    rule(out, widths, ['╞', '═', '╪', '╡'])
}

fn close_table(out: &mut dyn Write, widths: &[usize]) -> io::Result<()> {
    rule(out, widths, ['└', '─', '┴', '┘'])
}

fn widen(widths: &mut [usize], cells: &[String]) -> bool {
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
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let fields = [
            r.line.to_string(),
            esc(&r.model.id).into_owned(),
            r.job.steps.to_string(),
            r.job.size.to_string(),
            r.job.count.to_string(),
            super::row_units(r),
            super::row_price(r, header.tariff.display.decimals),
        ];
        let cells: Vec<String> = fields
            .into_iter()
            .chain(r.extra.iter().map(|e| esc(e).into_owned()))
            .collect();
        if let Some(widths) = &mut self.widths {
            let before = widths.clone();
            if widen(widths, &cells) {
                close_table(out, &before)?;
                open_table(out, widths, &job_names(header))?;
            }
            return draw_row(out, widths, &cells);
        }
        self.held.push(cells);
        if self.held.len() > HELD_ROWS {
            let names = job_names(header);
            let mut widths = vec![0; names.len()];
            widen(&mut widths, &names);
            for row in &self.held {
                widen(&mut widths, row);
            }
            open_table(out, &widths, &names)?;
            for row in std::mem::take(&mut self.held) {
                draw_row(out, &widths, &row)?;
            }
            self.widths = Some(widths);
        }
        Ok(())
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let currency = esc(&header.tariff.currency);
        if let Some(widths) = &self.widths {
            close_table(out, widths)?;
        } else if !self.held.is_empty() {
            let mut table = new_table(job_names(header), &RIGHT);
            for row in std::mem::take(&mut self.held) {
                table.add_row(row);
            }
            writeln!(out, "{table}")?;
        }
        let names = super::TOTAL_COLUMNS.map(String::from).to_vec();
        let mut totals = new_table(names, &[1, 2, 3, 4]);
        for m in &summary.by_model {
            totals.add_row(vec![
                esc(&m.model.id).into_owned(),
                m.jobs.to_string(),
                m.images.to_string(),
                m.units.to_string(),
                money(m.price, places),
            ]);
        }
        totals.add_row(vec![
            "total".to_owned(),
            summary.jobs.to_string(),
            summary.images.to_string(),
            String::new(),
            money(summary.price, places),
        ]);
        writeln!(out, "{totals}")?;
        write!(
            out,
            "{} {currency} for {} image(s) in {} job(s)",
            money(summary.price, places),
            summary.images,
            summary.jobs
        )?;
        if summary.skipped > 0 {
            write!(out, "; {} invalid row(s) skipped", summary.skipped)?;
        }
        writeln!(out)
    }
}

/// Each model's cells under both tariffs, then every other change.
pub fn diff(out: &mut dyn Write, view: &super::DiffView<'_>) -> io::Result<()> {
    let (old, new) = (view.old, view.new);
    for (i, m) in view.diff.models.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} ({}): rate {} -> {} {} per {}",
            m.new.name,
            m.new.id,
            exact(m.old.rate),
            exact(m.new.rate),
            new.currency,
            m.new.unit
        )?;
        let header = super::DIFF_COLUMNS.map(String::from).to_vec();
        let mut table = new_table(header, &[0, 2, 3, 4, 5]);
        for c in &m.cells {
            table.add_row(vec![
                c.steps.to_string(),
                c.size.to_string(),
                money(c.old, old.display.decimals),
                money(c.new, new.display.decimals),
                signed(c.difference, c.difference.scale()),
                super::percent(c.percent),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    if !view.diff.changes.is_empty() {
        if !view.diff.models.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "Other changes:")?;
        let header = super::DIFF_CHANGE_COLUMNS.map(String::from).to_vec();
        let mut table = new_table(header, &[4]);
        for c in &view.diff.changes {
            table.add_row(super::change_row(c).to_vec());
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}
