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
        "{} ({}): {} per image at {} {} per {}{}",
        esc(&model.name),
        esc(&model.id),
        esc(&tariff.currency),
        exact(model.rate),
        esc(&tariff.currency),
        esc(&model.unit),
        super::dated(tariff, model)
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
            "{} ({}) against its published prices, {currency} per image at {} {currency} per {}{}",
            esc(&model.name),
            esc(&model.id),
            exact(model.rate),
            esc(&model.unit),
            super::dated(view.tariff, model)
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
        model.push_str(&format!("\n{}", esc(&m.name)));
        for alias in &m.aliases {
            model.push_str(&format!("\nalias {}", esc(alias)));
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

/// Batch output: the job table (held until the end to size its columns), then the totals.
#[derive(Default)]
pub struct Batch {
    jobs: Option<Table>,
}

impl super::BatchSink for Batch {
    fn begin(&mut self, _out: &mut dyn Write, _header: &super::BatchHeader<'_>) -> io::Result<()> {
        Ok(())
    }

    fn job(
        &mut self,
        _out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let table = self.jobs.get_or_insert_with(|| {
            let names = super::JOB_COLUMNS.map(String::from);
            new_table(
                names
                    .into_iter()
                    .chain(super::dated_columns(header).iter().map(|c| (*c).to_owned()))
                    .chain(header.extra.iter().map(|e| esc(e).into_owned()))
                    .collect(),
                if header.dated {
                    &[0, 2, 4, 5, 6, 8]
                } else {
                    &[0, 2, 4, 5, 6]
                },
            )
        });
        {
            let fields = [
                r.line.to_string(),
                esc(&r.model.id).into_owned(),
                r.job.steps.to_string(),
                r.job.size.to_string(),
                r.job.count.to_string(),
                super::row_units(r),
                super::row_price(r, header.tariff.display.decimals),
            ];
            table.add_row(
                fields
                    .into_iter()
                    .chain(super::row_dated(header, r))
                    .chain(r.extra.iter().map(|e| esc(e).into_owned()))
                    .collect::<Vec<_>>(),
            );
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
        if let Some(table) = self.jobs.take() {
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
            "{} ({}): rate {} -> {} {} per {}{}",
            m.new.name,
            m.new.id,
            exact(m.old.rate),
            exact(m.new.rate),
            new.currency,
            m.new.unit,
            super::diff_days(old, new)
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

/// A workload's cost change: a title, the totals, per model, and the sizes that changed most.
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
    use super::{count_change, line_percent};
    let (base, head, c) = (view.base, view.head, view.comparison);
    let currency = esc(view.currency());
    if base.file == head.file && view.two_tariffs() {
        write!(out, "Cost change in {currency} of {}", esc(&head.file))?;
    } else {
        write!(
            out,
            "Cost change in {currency}: {} against {}",
            esc(&head.file),
            esc(&base.file)
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
        return writeln!(out, "No size changed in cost.");
    }
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
    Ok(())
}
