//! A horizontal bar chart as SVG, for the HTML page of a batch: cost per model, or base and
//! head cost per model or size. Bar lengths are worked out exactly from the decimals and
//! rounded once to whole pixels; the figure is written beside each bar.

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::{CHAR, FONT, MARGIN, colour, hex, per_mille, xml};

/// One series of a chart: its name and one figure per label, with its text as shown.
pub struct Series<'a> {
    /// What the series is (`base`, `head`, `total`).
    pub name: &'a str,
    /// One figure per label.
    pub values: Vec<(Decimal, String)>,
}

/// The length of the longest bar, in pixels.
const LONGEST: usize = 360;
/// A bar's thickness.
const BAR: usize = 14;

/// Each series' colour: the scale's dark third for the first (base), its light third for the
/// second (head); one series alone takes the first.
fn series_colour(i: usize) -> [u8; 3] {
    colour(if i == 0 { 300 } else { 750 })
}

/// Draws `series` against `labels`, a group of bars per label; `title` is the chart's name for
/// screen readers and its heading.
pub fn bars(
    out: &mut dyn Write,
    title: &str,
    labels: &[String],
    series: &[Series<'_>],
) -> io::Result<()> {
    let top_value = series
        .iter()
        .flat_map(|s| s.values.iter().map(|v| v.0))
        .max()
        .unwrap_or_default();
    let label_chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let figure_chars = series
        .iter()
        .flat_map(|s| s.values.iter().map(|v| v.1.len()))
        .max()
        .unwrap_or(0);
    let left = MARGIN + label_chars * CHAR + 8;
    let group = series.len() * BAR + 10;
    let top = 56;
    let width = (left + LONGEST + 8 + figure_chars * CHAR + MARGIN)
        .max(title.chars().count() * 8 + 2 * MARGIN);
    let height = top + labels.len() * group + MARGIN;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="bars-title">"#
    )?;
    writeln!(out, r#"<title id="bars-title">{}</title>"#, xml(title))?;
    writeln!(
        out,
        r##"<rect width="{width}" height="{height}" fill="#ffffff"/><g font-family="{FONT}" font-size="11" fill="#000000">"##
    )?;
    writeln!(
        out,
        r#"<text x="{MARGIN}" y="24" font-size="13" font-weight="bold">{}</text>"#,
        xml(title)
    )?;
    // The key: one swatch per series.
    let mut x = MARGIN;
    for (i, s) in series.iter().enumerate() {
        writeln!(
            out,
            r#"<rect x="{x}" y="34" width="10" height="10" fill="{}"/><text x="{}" y="43">{}</text>"#,
            hex(series_colour(i)),
            x + 14,
            xml(s.name)
        )?;
        x += 14 + s.name.chars().count() * CHAR + 16;
    }
    for (k, label) in labels.iter().enumerate() {
        let y = top + k * group;
        writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            left - 6,
            y + series.len() * BAR / 2,
            xml(label)
        )?;
        for (i, s) in series.iter().enumerate() {
            let Some((value, text)) = s.values.get(k) else {
                continue;
            };
            let length = usize::try_from(per_mille(*value, Decimal::ZERO, top_value)).unwrap_or(0)
                * LONGEST
                / 1000;
            let bar_y = y + i * BAR;
            writeln!(
                out,
                r#"<rect class="bar" x="{left}" y="{bar_y}" width="{length}" height="{}" fill="{}"><title>{} {}: {}</title></rect><text x="{}" y="{}" dominant-baseline="middle">{}</text>"#,
                BAR - 2,
                hex(series_colour(i)),
                xml(label),
                xml(s.name),
                xml(text),
                left + length + 6,
                bar_y + BAR / 2,
                xml(text)
            )?;
        }
    }
    writeln!(out, "</g>\n</svg>")
}
