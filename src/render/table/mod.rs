//! `--format table`: drawn tables (comfy-table) with a title line.
//!
//! The grids (`table`, `check`, `diff`) are drawn in `grids.rs`, a batch's jobs and totals in
//! `batch.rs`; the models and `compare` here.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::exact;
use crate::escape::escaped as esc;
use crate::tariff::Tariff;

mod batch;
mod frame;
pub mod grids;

pub use batch::{Batch, WIDTH};

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

/// The tariff's models, fitted to [`WIDTH`] columns (whatever the terminal); the source URL, which cannot be
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
        .set_width(WIDTH as u16);
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
                "{} {currency} in\n{} {currency} out\nper {}\ntokens",
                exact(t.input),
                exact(t.output),
                super::grouped(t.per),
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
            let input = m
                .input_chars
                .map(|l| format!("\ninput {} to {} chars", l.min, l.max))
                .unwrap_or_default();
            (rate, format!("speech: --seconds{input}"))
        }
        Metering::MegapixelStep => (String::new(), String::new()),
    }
}

/// A workload's cost change: a title, the totals, per model, and the sizes that changed most.
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
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
        std::iter::once(name)
            .chain(view.line_cells(line))
            .collect::<Vec<_>>()
    };
    let mut table = new_table(header.to_vec(), &[1, 2, 3, 4]);
    for (what, cells) in view.total_rows() {
        let name = match what {
            super::TotalRow::Total => "total".to_owned(),
            super::TotalRow::Part(name) => format!("  {name}"),
            super::TotalRow::Count(name) => name.to_owned(),
        };
        table.add_row(std::iter::once(name).chain(cells).collect::<Vec<_>>());
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
