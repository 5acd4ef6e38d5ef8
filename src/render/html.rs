//! `--format html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) for
//! a CI artifact or an email. A picture, and the figures as HTML tables, so they can be read and
//! copied; every text from a file, a label or the tariff escaped. A grid's and a review's picture
//! comes first; a batch's rows are written as they come, so its chart follows its totals.

use std::io::{self, Write};

use super::svg::{self, bars};
use super::{BatchHeader, CompareView, GridView, MeterGridView, TotalRow, money, rows};
use crate::compare::Line;
use crate::tariff::Tariff;

/// The page's style: readable on a phone and in an email client, figures right-aligned.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#111;background:#fff}\
h1{font-size:1.25rem}figure{margin:1rem 0;overflow-x:auto}svg{max-width:none}\
table{border-collapse:collapse;margin:1rem 0;font-variant-numeric:tabular-nums}\
th,td{border:1px solid #ccc;padding:.25rem .5rem}th{background:#f3f3f3}td.n,th.n{text-align:right}\
footer{color:#555;font-size:.8rem}ul{padding-left:1.25rem}";

/// `text` for HTML: control characters as the other formats write them, then the five markup
/// characters as entities.
pub fn esc(text: &str) -> String {
    svg::xml(text)
}

/// The page up to its body's first element.
fn open(out: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>",
        esc(title),
        esc(title)
    )
}

/// The small print with each tariff's provenance, and the page's end.
fn close(out: &mut dyn Write, tariffs: &[&Tariff], notes: &[String]) -> io::Result<()> {
    writeln!(out, "<footer>")?;
    for note in notes {
        writeln!(out, "<p>{}</p>", esc(note))?;
    }
    for t in tariffs {
        let [from, file] = svg::provenance(t);
        writeln!(out, "<p>{}<br>{}</p>", esc(&from), esc(&file))?;
    }
    writeln!(out, "</footer>\n</body>\n</html>")
}

/// One table row; `header` cells are `<th>`. Cells are escaped here; figures right-aligned.
fn row(
    out: &mut dyn Write,
    cells: &[String],
    figure: impl Fn(usize) -> bool,
    header: bool,
) -> io::Result<()> {
    let tag = if header { "th" } else { "td" };
    let mut line = String::from("<tr>");
    for (i, c) in cells.iter().enumerate() {
        let class = if figure(i) { " class=\"n\"" } else { "" };
        let scope = if header { " scope=\"col\"" } else { "" };
        line.push_str(&format!("<{tag}{class}{scope}>{}</{tag}>", esc(c)));
    }
    line.push_str("</tr>\n");
    out.write_all(line.as_bytes())
}

/// A job's row: its cells in the layout's columns, then the carried columns as given.
fn job_row(
    out: &mut dyn Write,
    header: &BatchHeader<'_>,
    cells: Vec<String>,
    extra: &[std::borrow::Cow<'_, str>],
) -> io::Result<()> {
    let cells: Vec<String> = cells
        .into_iter()
        .chain(extra.iter().map(|e| e.to_string()))
        .collect();
    let figures = rows::output_columns(header);
    row(
        out,
        &cells,
        |i| figures.get(i).is_some_and(|c| rows::is_figure(c)),
        false,
    )
}

/// The grid of an image model: the heatmap, then the grid as a table, streamed.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let tariff = view.tariff;
    open(out, &svg::grid_title(view))?;
    writeln!(out, "<figure>")?;
    svg::grid(out, view)?;
    writeln!(out, "</figure>\n<table>\n<thead>")?;
    let header: Vec<String> = std::iter::once("steps".to_owned())
        .chain(view.grid.sizes.iter().map(ToString::to_string))
        .collect();
    row(out, &header, |_| true, true)?;
    writeln!(out, "</thead>\n<tbody>")?;
    let places = tariff.display.decimals;
    let mut buffer = Vec::new();
    for (steps, cells) in view.grid.rows() {
        let cells: Vec<String> = std::iter::once(steps.to_string())
            .chain(cells.map(|c| money(c.quote.price, places)))
            .collect();
        row(&mut buffer, &cells, |_| true, false)?;
        if buffer.len() >= 1 << 16 {
            out.write_all(&buffer)?;
            buffer.clear();
        }
    }
    out.write_all(&buffer)?;
    writeln!(out, "</tbody>\n</table>")?;
    close(out, &[tariff], &[])
}

/// The grid of a token or second model: the heatmap, then the grid as a table.
pub fn meter_grid(out: &mut dyn Write, view: &MeterGridView<'_>) -> io::Result<()> {
    open(out, &format!("{} ({})", view.model.name, view.model.id))?;
    writeln!(out, "<figure>")?;
    svg::meter_grid(out, view)?;
    writeln!(out, "</figure>\n<table>\n<thead>")?;
    let (header, cells) = view.rows();
    row(out, &header, |_| true, true)?;
    writeln!(out, "</thead>\n<tbody>")?;
    for r in &cells {
        row(out, r, |_| true, false)?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    close(out, &[view.tariff], &[view.note()])
}

/// A batch's page: its rows as a table as they come, then the totals, a chart of the cost per
/// model, and the provenance.
#[derive(Default)]
pub struct Batch;

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &BatchHeader<'_>) -> io::Result<()> {
        open(out, &format!("{} batch", header.tariff.provider))?;
        if header.summary_only {
            return Ok(());
        }
        let names: Vec<String> = rows::output_columns(header)
            .iter()
            .map(|c| (*c).to_owned())
            .chain(header.extra.iter().cloned())
            .collect();
        let figure: Vec<bool> = names.iter().map(|c| rows::is_figure(c)).collect();
        writeln!(out, "<table>\n<thead>")?;
        row(out, &names, |i| figure[i], true)?;
        writeln!(out, "</thead>\n<tbody>")
    }

    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        r: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let cells = rows::image_cells(header, r, r.model.id.clone());
        job_row(out, header, cells, &r.extra)
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        r: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        let cells = rows::metered_cells(header, r, r.model.id.clone());
        job_row(out, header, cells, &r.extra)
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let (tariff, layout) = (header.tariff, header.layout);
        let places = tariff.display.decimals;
        if !header.summary_only {
            writeln!(out, "</tbody>\n</table>")?;
        }
        writeln!(
            out,
            "<p><strong>{}</strong></p>",
            esc(&rows::closing(
                summary,
                tariff,
                &tariff.currency,
                !header.summary_only
            ))
        )?;
        let names = rows::total_columns(layout);
        let text =
            |c: &str| matches!(c, "model" | "meter" | "kind") || (c == "units" && layout.metered());
        writeln!(out, "<table>\n<thead>")?;
        let header_cells: Vec<String> = names.iter().map(|c| (*c).to_owned()).collect();
        row(out, &header_cells, |i| !text(names[i]), true)?;
        writeln!(out, "</thead>\n<tbody>")?;
        for m in &summary.by_model {
            let cells = rows::total_cells(layout, m, places, m.model.id.clone());
            row(out, &cells, |i| !text(names[i]), false)?;
        }
        let total = rows::grand_total_cells(
            layout,
            summary,
            format!("{} {}", money(summary.price, places), tariff.currency),
        );
        row(out, &total, |i| !text(names[i]), false)?;
        writeln!(out, "</tbody>\n</table>")?;
        if !summary.by_model.is_empty() {
            writeln!(out, "<figure>")?;
            let labels: Vec<String> = summary
                .by_model
                .iter()
                .map(|m| super::mermaid::cut(&m.model.id))
                .collect();
            let series = [bars::Series {
                name: "total",
                values: summary
                    .by_model
                    .iter()
                    .map(|m| (m.price, money(m.price, places)))
                    .collect(),
            }];
            bars::bars(
                out,
                &format!("{} per model", tariff.currency),
                &labels,
                &series,
            )?;
            writeln!(out, "</figure>")?;
        }
        let mut notes = Vec::new();
        if summary.skipped > 0 {
            notes.push(format!("{} invalid row(s) skipped.", summary.skipped));
        }
        close(out, &[tariff], &notes)
    }
}

/// A cost change: the headline, the verdict and each gate, a chart of base and head cost, then
/// the figures as a table.
pub fn compare(out: &mut dyn Write, view: &CompareView<'_>) -> io::Result<()> {
    let (base, head, c) = (view.base, view.head, view.comparison);
    let t = &c.total;
    let currency = view.currency();
    open(out, &super::review::headline(view, currency))?;
    let (head_name, base_name) = super::mermaid::side_names(view);
    let (base_label, head_label) = view.labels();
    let under = if view.two_tariffs() {
        format!(
            ", priced under {} against {}",
            head.tariff.origin.name(),
            base.tariff.origin.name()
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "<p>{} → {} {}, {} against {}{}.</p>",
        money(t.base.shown, base.tariff.display.decimals),
        money(t.head.shown, head.tariff.display.decimals),
        esc(currency),
        esc(head_label),
        esc(base_label),
        esc(&under)
    )?;
    if !view.review.gates.is_empty() {
        writeln!(
            out,
            "<p>Verdict: <strong>{}</strong></p>\n<ul>",
            view.review.verdict()
        )?;
        for gate in &view.review.gates {
            writeln!(
                out,
                "<li>{} {}: {}</li>",
                super::review::outcome_word(gate),
                esc(gate.flag),
                esc(&super::review::gate_sentence(gate, view))
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    if let Some((what, lines)) = super::mermaid::chart_lines(view) {
        let labels: Vec<String> = lines.iter().map(|l| super::mermaid::cut(&l.name)).collect();
        let (bp, hp) = (base.tariff.display.decimals, head.tariff.display.decimals);
        let series = [
            bars::Series {
                name: &base_name,
                values: lines
                    .iter()
                    .map(|l| (l.base.shown, money(l.base.shown, bp)))
                    .collect(),
            },
            bars::Series {
                name: &head_name,
                values: lines
                    .iter()
                    .map(|l| (l.head.shown, money(l.head.shown, hp)))
                    .collect(),
            },
        ];
        writeln!(out, "<figure>")?;
        bars::bars(out, &format!("{currency} per {what}"), &labels, &series)?;
        writeln!(out, "</figure>")?;
    }
    writeln!(out, "<table>\n<thead>")?;
    let header = ["", "base", "head", "change", "percent"].map(String::from);
    row(out, &header, |i| i > 0, true)?;
    writeln!(out, "</thead>\n<tbody>")?;
    let line_row = |out: &mut dyn Write, l: &Line, name: String| {
        let cells: Vec<String> = std::iter::once(name).chain(view.line_cells(l)).collect();
        row(out, &cells, |i| i > 0, false)
    };
    for (what, cells) in view.total_rows() {
        let name = match what {
            TotalRow::Total => "total".to_owned(),
            TotalRow::Part(name) => format!("of which {name}"),
            TotalRow::Count(name) => name.to_owned(),
        };
        let cells: Vec<String> = std::iter::once(name).chain(cells).collect();
        row(out, &cells, |i| i > 0, false)?;
    }
    for l in &c.models {
        line_row(out, l, format!("model {}", l.name))?;
    }
    let (sizes, more) = view.top_sizes();
    for l in sizes {
        line_row(out, l, format!("size {}", l.name))?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    let mut notes = Vec::new();
    if more > 0 {
        notes.push(format!(
            "{more} more size(s) changed less; --format csv or json lists every size."
        ));
    }
    if view.parts_disagree() {
        notes.push(super::ROUNDED_ONCE.to_owned());
    }
    notes.extend(view.kinds_note());
    let tariffs: Vec<&Tariff> = if view.two_tariffs() {
        vec![base.tariff, head.tariff]
    } else {
        vec![head.tariff]
    };
    close(out, &tariffs, &notes)
}
