//! `--format markdown`: GitHub-flavoured tables, e.g. for a pull-request comment.

use std::io::{self, Write};

use super::{CheckView, GridView, exact, money, rows, signed};

/// Text from a tariff or a job file as markdown shows it, literally: control characters escaped
/// (a line break would end the table row), then a backslash before every character markdown
/// would read as markup: `|` (a new cell), `` ` `` (code), `*` and `_` (emphasis), `~`
/// (strike-through), `[` and `]` (links, images), `<`, `>` and `&` (HTML and entities, such as
/// `<img src=x onerror=...>` in a pull-request comment), `$` (maths), and the backslash itself.
pub(crate) fn cell(text: &str) -> String {
    let text = crate::escape::escaped(text);
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '&' | '|' | '$'
        ) {
            shown.push('\\');
        }
        shown.push(c);
    }
    shown
}

fn row(out: &mut dyn Write, cells: impl IntoIterator<Item = String>) -> io::Result<()> {
    let cells: Vec<String> = cells.into_iter().collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

/// One job or request, from its text answer (written without colour): the amount and what it
/// buys as a bold line, then what made it as a two-column table.
pub fn answer(out: &mut dyn Write, text: &str) -> io::Result<()> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let (amount, what) = first.split_once("  ").unwrap_or((first, ""));
    writeln!(out, "**{}** {}\n", cell(amount), cell(what.trim_start()))?;
    writeln!(out, "|  |  |\n| --- | --- |")?;
    for line in lines {
        let line = line.trim_start();
        let (label, value) = line.split_once(' ').unwrap_or((line, ""));
        row(out, [cell(label), cell(value.trim_start())])?;
    }
    Ok(())
}

/// The grid with a title line.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let (model, tariff) = (view.model, view.tariff);
    writeln!(
        out,
        "**{}**: {} per image at {} {} per {}{}\n",
        cell(&model.name),
        tariff.currency,
        exact(model.rate),
        tariff.currency,
        cell(&model.unit),
        super::dated(tariff, model)
    )?;
    let sizes = &view.grid.sizes;
    row(
        out,
        std::iter::once("steps".to_owned()).chain(sizes.iter().map(ToString::to_string)),
    )?;
    row(out, std::iter::repeat_n("---:".to_owned(), sizes.len() + 1))?;
    let places = tariff.display.decimals;
    for (steps, cells) in view.grid.rows() {
        row(
            out,
            std::iter::once(steps.to_string()).chain(cells.map(|c| money(c.quote.price, places))),
        )?;
    }
    Ok(())
}

/// Every model's check, one table each.
pub fn check(out: &mut dyn Write, view: &CheckView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    for (i, (model, check)) in view.checks.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "**{}** against its published prices (tolerance {} {}): {}{}\n",
            cell(&model.name),
            exact(check.tolerance),
            view.tariff.currency,
            if check.passed() { "passes" } else { "fails" },
            if model.rate_from.is_some() {
                format!(
                    ", at {} {} per {}{}",
                    exact(model.rate),
                    view.tariff.currency,
                    cell(&model.unit),
                    super::checked_dated(view.tariff, model)
                )
            } else {
                String::new()
            }
        )?;
        row(
            out,
            [
                "steps",
                "size",
                "computed",
                "published",
                "difference",
                "status",
            ]
            .map(String::from),
        )?;
        row(
            out,
            ["---:", "---", "---:", "---:", "---:", "---"].map(String::from),
        )?;
        for c in &check.cells {
            row(
                out,
                [
                    c.cell.job.steps.to_string(),
                    c.cell.job.size.to_string(),
                    money(c.cell.quote.price, places),
                    exact(c.published),
                    signed(c.difference, c.difference.scale()),
                    c.status.name().to_owned(),
                ],
            )?;
        }
    }
    Ok(())
}

/// Batch output: a job table, then a totals table.
#[derive(Default)]
pub struct Batch;

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &super::BatchHeader<'_>) -> io::Result<()> {
        if header.summary_only {
            return Ok(());
        }
        let names = rows::output_columns(header);
        row(
            out,
            names
                .iter()
                .map(|c| (*c).to_owned())
                .chain(header.extra.iter().map(|e| cell(e))),
        )?;
        row(
            out,
            names
                .iter()
                .map(|c| if rows::is_figure(c) { "---:" } else { "---" }.to_owned())
                .chain(header.extra.iter().map(|_| "---".to_owned())),
        )
    }

    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let cells = rows::image_cells(header, r, cell(&r.model.id));
        row(
            out,
            cells.into_iter().chain(r.extra.iter().map(|e| cell(e))),
        )
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        r: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        let cells = rows::metered_cells(header, r, cell(&r.model.id));
        row(
            out,
            cells.into_iter().chain(r.extra.iter().map(|e| cell(e))),
        )
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let layout = header.layout;
        if !header.summary_only {
            writeln!(out)?;
        }
        let names = rows::total_columns(layout);
        row(out, names.iter().map(|c| (*c).to_owned()))?;
        row(
            out,
            names.iter().map(|c| {
                let text =
                    matches!(*c, "model" | "meter" | "kind") || (*c == "units" && layout.metered());
                if text { "---" } else { "---:" }.to_owned()
            }),
        )?;
        for m in &summary.by_model {
            row(out, rows::total_cells(layout, m, places, cell(&m.model.id)))?;
        }
        let mut total = rows::grand_total_cells(
            layout,
            summary,
            format!(
                "**{} {}**",
                money(summary.price, places),
                cell(&header.tariff.currency)
            ),
        );
        total[0] = format!("**{}**", total[0]);
        row(out, total)?;
        if summary.skipped > 0 {
            writeln!(out, "\n{} invalid row(s) skipped.", summary.skipped)?;
        }
        Ok(())
    }
}

/// A pull-request comment for a tariff change: each model's cells, then every other change;
/// then, under a heading with its day, what a later day's scheduled prices change.
pub fn diff(out: &mut dyn Write, view: &super::DiffView<'_>) -> io::Result<()> {
    let (old, new) = (view.first().old, view.first().new);
    writeln!(
        out,
        "**Tariff change**: {} as of {} → {} as of {}\n",
        cell(&old.provider),
        old.as_of,
        cell(&new.provider),
        new.as_of
    )?;
    diff_day(out, view.first())?;
    let mut before = view.first();
    for (day, scheduled) in view.scheduled() {
        // The models' tables end in a blank line, the other changes' table does not.
        if !before.diff.changes.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "### From {day} (scheduled)\n")?;
        diff_day(out, scheduled)?;
        before = scheduled;
    }
    Ok(())
}

/// One day's comparison: each model's cells, then every other change.
fn diff_day(out: &mut dyn Write, day: &crate::diff::DayDiff<'_>) -> io::Result<()> {
    let (old, new) = (day.old, day.new);
    for m in &day.diff.models {
        writeln!(
            out,
            "**{}**: rate {} → {} {} per {}{}\n",
            cell(&m.new.name),
            exact(m.old.rate),
            exact(m.new.rate),
            new.currency,
            cell(&m.new.unit),
            super::diff_days(old, new).replace("->", "→")
        )?;
        row(out, super::DIFF_COLUMNS.map(String::from))?;
        row(
            out,
            ["---:", "---", "---:", "---:", "---:", "---:"].map(String::from),
        )?;
        // A row per cell, built in one reused buffer: every field is a figure.
        let mut line = Vec::new();
        for c in m.cells() {
            line.clear();
            write!(line, "| {} | {} | ", c.steps, c.size)?;
            super::push_money(&mut line, c.old, old.display.decimals);
            line.extend_from_slice(b" | ");
            super::push_money(&mut line, c.new, new.display.decimals);
            line.extend_from_slice(b" | ");
            if c.difference > rust_decimal::Decimal::ZERO {
                line.push(b'+');
            }
            super::push_money(&mut line, c.difference, c.difference.scale());
            match c.percent {
                Some(p) => writeln!(line, " | {p}% |")?,
                None => line.extend_from_slice(b" | from 0 |\n"),
            }
            out.write_all(&line)?;
        }
        writeln!(out)?;
    }
    if !day.diff.changes.is_empty() {
        writeln!(out, "**Other changes**\n")?;
        row(out, super::DIFF_CHANGE_COLUMNS.map(String::from))?;
        row(
            out,
            ["---", "---", "---", "---", "---:", "---", "---"].map(String::from),
        )?;
        for c in &day.diff.changes {
            row(out, super::change_row(c).map(|text| cell(&text)))?;
        }
    }
    Ok(())
}

/// A token or second model's grid as a Markdown table, then the rates it was priced at.
pub fn meter_grid(out: &mut dyn Write, view: &super::MeterGridView<'_>) -> io::Result<()> {
    let (header, rows) = view.rows();
    // The caption above the table, as the image grid's title line is.
    writeln!(out, "{}\n", view.note())?;
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---:|".repeat(header.len()))?;
    for row in rows {
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_show_markup_and_control_characters_literally() {
        assert_eq!(cell("flux-dev 1.5"), "flux-dev 1.5");
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<b>*x*</b>"), "\\<b\\>\\*x\\*\\</b\\>");
        assert_eq!(cell("a\nb\x1b"), "a\\\\nb\\\\u{1b}");
    }
}
