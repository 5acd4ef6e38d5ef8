//! `--format svg` of the grids: a heatmap, one self-contained SVG.
//!
//! A cell per price, coloured by its shown price on viridis (perceptual and colour-blind safe),
//! with a legend, the axes labelled, a `<title>` and `<desc>` for screen readers and the tariff's
//! provenance in small print. The same grid gives the same bytes: every position is a whole
//! number of pixels and every colour comes from a fixed table; nothing is fetched (no fonts, no
//! images). Up to [`TEXT_CELLS`] cells each carries its price as text; a larger grid is drawn in
//! small cells without text, each with its price as a tooltip, and says so under the legend. The
//! cells are priced twice as they are drawn (once for the range and the widths, once to draw)
//! and never held, so memory stays flat however large the grid.

pub mod bars;

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::render::{GridView, MeterGridView, exact, grouped, push_money};
use crate::tariff::Tariff;

/// The most cells whose prices are written in them; past this the cells are small and plain.
pub const TEXT_CELLS: usize = 1_000;

/// Viridis at eleven evenly spaced points, from the lowest price to the highest; colours between
/// are interpolated.
const VIRIDIS: [[u8; 3]; 11] = [
    [0x44, 0x01, 0x54],
    [0x48, 0x24, 0x75],
    [0x41, 0x44, 0x87],
    [0x35, 0x5f, 0x8d],
    [0x2a, 0x78, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x22, 0xa8, 0x84],
    [0x44, 0xbf, 0x70],
    [0x7a, 0xd1, 0x51],
    [0xbd, 0xdf, 0x26],
    [0xfd, 0xe7, 0x25],
];

/// Output gathered for one `write_all` at a time.
const CHUNK: usize = 1 << 16;
/// Pixels per character of the cells' monospaced text (11 px DejaVu Sans Mono is 6.6 px).
const CHAR: usize = 7;
/// Pixels per character of the small print (9 px sans-serif; wide enough for digits and caps).
const SMALL_CHAR: usize = 6;
const MARGIN: usize = 16;
/// A cell's height with its price written in it.
const TEXT_CELL_HEIGHT: usize = 22;
/// A side of a cell without text.
const SWATCH: usize = 8;
/// The least distance between two axis labels.
const LABEL_GAP: usize = 14;
const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";

/// The colour of a price `per_mille` of the way from the lowest price to the highest.
pub fn colour(per_mille: u32) -> [u8; 3] {
    let at = per_mille.min(1000);
    let (segment, within) = ((at / 100) as usize, at % 100);
    let from = VIRIDIS[segment];
    let to = VIRIDIS[(segment + 1).min(10)];
    let mut rgb = [0u8; 3];
    for (i, c) in rgb.iter_mut().enumerate() {
        let (a, b) = (u32::from(from[i]), u32::from(to[i]));
        // Rounded to the nearest, in whole numbers: the same bytes on every machine.
        let mixed = (a * (100 - within) + b * within + 50) / 100;
        *c = u8::try_from(mixed).unwrap_or(u8::MAX);
    }
    rgb
}

/// How far `price` lies from `low` to `high`, in thousandths, exactly and rounded once; 0 when
/// every price is the same.
pub fn per_mille(price: Decimal, low: Decimal, high: Decimal) -> u32 {
    let span = high.checked_sub(low).unwrap_or_default();
    if span <= Decimal::ZERO {
        return 0;
    }
    price
        .checked_sub(low)
        .and_then(|d| d.checked_div(span))
        .and_then(|share| share.checked_mul(Decimal::ONE_THOUSAND))
        .map(|m| m.round())
        .and_then(|m| u32::try_from(m.mantissa()).ok())
        .unwrap_or(0)
        .min(1000)
}

/// `text` for XML: control characters written as the other formats write them, then the five
/// markup characters as entities.
pub fn xml(text: &str) -> String {
    let shown = crate::escape::escaped(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// What a heatmap shows besides its cells: every text is as the tariff wrote it, unescaped.
struct Heatmap<'a> {
    tariff: &'a Tariff,
    /// The line at the top.
    title: String,
    /// What is drawn, in words, for screen readers.
    about: String,
    /// The rows' and the columns' names.
    axes: [&'a str; 2],
    rows: Vec<String>,
    columns: Vec<String>,
    /// What a price is: `USD per image`.
    per: String,
}

/// An image grid's title, as the drawn table's: the model, the currency and the rate.
pub fn grid_title(view: &GridView<'_>) -> String {
    let (model, tariff) = (view.model, view.tariff);
    format!(
        "{} ({}): {} per image at {} {} per {}{}",
        model.name,
        model.id,
        tariff.currency,
        exact(model.rate),
        tariff.currency,
        model.unit,
        crate::render::dated(tariff, model)
    )
}

/// The steps x sizes grid of an image model.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let (model, tariff) = (view.model, view.tariff);
    let rows: Vec<String> = view.grid.steps.iter().map(ToString::to_string).collect();
    let columns: Vec<String> = view.grid.sizes.iter().map(ToString::to_string).collect();
    let map = Heatmap {
        tariff,
        title: grid_title(view),
        about: format!(
            "The price of one image with {}, by steps ({} rows) and size ({} columns)",
            model.name,
            rows.len(),
            columns.len()
        ),
        axes: ["steps", "size"],
        rows,
        columns,
        per: format!("{} per image", tariff.currency),
    };
    draw(out, &map, &|| {
        Box::new(view.grid.cells().map(|c| c.quote.price))
    })
}

/// The grid of a token model (input x output tokens) or a second model (a column of seconds).
pub fn meter_grid(out: &mut dyn Write, view: &MeterGridView<'_>) -> io::Result<()> {
    use crate::meter_grid::MeterGrid;
    let (model, tariff) = (view.model, view.tariff);
    let (axes, rows, columns, cells) = match view.grid {
        MeterGrid::Tokens {
            inputs,
            outputs,
            cells,
        } => (
            ["input tokens", "output tokens"],
            inputs.iter().map(grouped).collect::<Vec<_>>(),
            outputs.iter().map(grouped).collect::<Vec<_>>(),
            cells,
        ),
        MeterGrid::Seconds { seconds, cells } => (
            ["seconds", "price"],
            seconds.iter().map(|s| exact(*s)).collect(),
            vec!["one request".to_owned()],
            cells,
        ),
    };
    let map = Heatmap {
        tariff,
        title: format!("{} ({})", model.name, model.id),
        about: format!(
            "The price of one request to {}, by {} ({} rows) and {} ({} columns). {}",
            model.name,
            axes[0],
            rows.len(),
            axes[1],
            columns.len(),
            view.note()
        ),
        axes,
        rows,
        columns,
        per: format!("{} per request", tariff.currency),
    };
    draw(out, &map, &|| Box::new(cells.iter().map(|c| c.price)))
}

/// The cells' prices, row by row, afresh each time it is called.
type Prices<'a> = dyn Fn() -> Box<dyn Iterator<Item = Decimal> + 'a> + 'a;

fn draw(out: &mut dyn Write, map: &Heatmap<'_>, prices: &Prices<'_>) -> io::Result<()> {
    let places = map.tariff.display.decimals;
    // First pass: the range of prices and the widest one.
    let (mut low, mut high, mut count, mut widest) = (None::<Decimal>, None::<Decimal>, 0, 0);
    let mut text = Vec::new();
    for p in prices() {
        low = Some(low.map_or(p, |l| l.min(p)));
        high = Some(high.map_or(p, |h| h.max(p)));
        count += 1;
        text.clear();
        push_money(&mut text, p, places);
        widest = widest.max(text.len());
    }
    let (low, high) = (low.unwrap_or_default(), high.unwrap_or_default());
    let written = count <= TEXT_CELLS;
    let longest = |labels: &[String]| labels.iter().map(|l| l.chars().count()).max();
    let row_chars = longest(&map.rows).unwrap_or(0);
    let column_chars = longest(&map.columns).unwrap_or(0);
    let (cell_w, cell_h) = if written {
        (widest.max(column_chars) * CHAR + 12, TEXT_CELL_HEIGHT)
    } else {
        (SWATCH, SWATCH)
    };
    // Labels on every row and column with room for them, else on every k-th.
    let row_every = LABEL_GAP.div_ceil(cell_h);
    let column_every = if written {
        1
    } else {
        LABEL_GAP.div_ceil(cell_w)
    };
    // Column labels run across above text cells, and upwards above small ones.
    let column_band = if written { 18 } else { column_chars * CHAR + 8 };
    let left = MARGIN + 18 + row_chars * CHAR + 8;
    let top = 60 + 16 + column_band;
    let grid_w = map.columns.len() * cell_w;
    let grid_h = map.rows.len() * cell_h;
    let legend_w = grid_w.clamp(200, 400);
    let legend_top = top + grid_h + 20;
    let mut small = provenance(map.tariff).to_vec();
    if !written {
        small.push(format!(
            "{} cells: past {} the prices are not written in the cells; each cell's price is its tooltip, and --format csv lists them",
            grouped(count),
            grouped(TEXT_CELLS)
        ));
    }
    let small_top = legend_top + 12 + 30;
    let height = small_top + small.len() * 12 + MARGIN;
    let wide_text = [map.title.chars().count() * 8 + 2 * MARGIN]
        .into_iter()
        .chain(
            small
                .iter()
                .map(|s| s.chars().count() * SMALL_CHAR + 2 * MARGIN),
        );
    let width = wide_text
        .chain([
            left + grid_w + MARGIN,
            left + legend_w + 8 + map.per.chars().count() * CHAR + MARGIN,
        ])
        .max()
        .unwrap_or(0);

    let mut b: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    let money = |p: Decimal| {
        let mut t = Vec::new();
        push_money(&mut t, p, places);
        String::from_utf8(t).unwrap_or_default()
    };
    let (low_text, high_text) = (money(low), money(high));
    writeln!(
        b,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc">"#
    )?;
    writeln!(b, r#"<title id="title">{}</title>"#, xml(&map.title))?;
    writeln!(
        b,
        r#"<desc id="desc">{}. From {} to {} {}: the lowest dark purple, the highest yellow (viridis).</desc>"#,
        xml(&map.about),
        xml(&low_text),
        xml(&high_text),
        xml(&map.per)
    )?;
    writeln!(b, r#"<defs><linearGradient id="scale">"#)?;
    for (i, rgb) in VIRIDIS.iter().enumerate() {
        writeln!(
            b,
            r#"<stop offset="{}%" stop-color="{}"/>"#,
            i * 10,
            hex(*rgb)
        )?;
    }
    writeln!(b, "</linearGradient></defs>")?;
    writeln!(
        b,
        r##"<rect width="{width}" height="{height}" fill="#ffffff"/>"##
    )?;
    writeln!(
        b,
        r##"<g font-family="{FONT}" fill="#000000"><text x="{MARGIN}" y="28" font-size="14" font-weight="bold">{}</text>"##,
        xml(&map.title)
    )?;
    writeln!(
        b,
        r#"<text x="{MARGIN}" y="48" font-size="11">{}, from {} (dark) to {} (light)</text>"#,
        xml(&map.per),
        xml(&low_text),
        xml(&high_text)
    )?;
    // Axis names: the columns' above their labels, the rows' upwards at the left.
    writeln!(
        b,
        r#"<text x="{}" y="{}" font-size="12" text-anchor="middle" font-weight="bold">{}</text>"#,
        left + grid_w / 2,
        60 + 10,
        xml(map.axes[1])
    )?;
    let (name_x, name_y) = (MARGIN + 12, top + grid_h / 2);
    writeln!(
        b,
        r#"<text x="{name_x}" y="{name_y}" font-size="12" text-anchor="middle" font-weight="bold" transform="rotate(-90 {name_x} {name_y})">{}</text>"#,
        xml(map.axes[0])
    )?;
    for (i, label) in map.columns.iter().enumerate() {
        if i % column_every != 0 {
            continue;
        }
        let x = left + i * cell_w + cell_w / 2;
        if written {
            writeln!(
                b,
                r#"<text x="{x}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
                top - 6,
                xml(label)
            )?;
        } else {
            let y = top - 4;
            writeln!(
                b,
                r#"<text x="{x}" y="{y}" font-size="11" transform="rotate(-90 {x} {y})" dominant-baseline="middle">{}</text>"#,
                xml(label)
            )?;
        }
    }
    for (i, label) in map.rows.iter().enumerate() {
        if i % row_every != 0 {
            continue;
        }
        writeln!(
            b,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            left - 6,
            top + i * cell_h + cell_h / 2,
            xml(label)
        )?;
    }
    writeln!(b, "</g>")?;
    // Second pass: the cells, a row at a time, written out as the buffer fills.
    writeln!(
        b,
        r#"<g font-family="{FONT}" font-size="11" text-anchor="middle">"#
    )?;
    let columns = map.columns.len().max(1);
    for (k, p) in prices().enumerate() {
        let (r, c) = (k / columns, k % columns);
        let (x, y) = (left + c * cell_w, top + r * cell_h);
        let shade = per_mille(p, low, high);
        let fill = hex(colour(shade));
        text.clear();
        push_money(&mut text, p, places);
        let figure = std::str::from_utf8(&text).unwrap_or_default();
        if written {
            // Dark text on the light half of the scale, white on the dark half.
            let ink = if shade >= 500 { "#000000" } else { "#ffffff" };
            writeln!(
                b,
                r#"<rect class="cell" x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}"/><text x="{}" y="{}" fill="{ink}">{figure}</text>"#,
                x + cell_w / 2,
                y + cell_h / 2 + 4,
            )?;
        } else {
            writeln!(
                b,
                r#"<rect class="cell" x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}"><title>{} {}, {} {}: {figure}</title></rect>"#,
                xml(map.axes[0]),
                xml(&map.rows[r]),
                xml(map.axes[1]),
                xml(&map.columns[c]),
            )?;
        }
        if b.len() >= CHUNK {
            out.write_all(&b)?;
            b.clear();
        }
    }
    writeln!(b, "</g>")?;
    // The legend: the scale from the lowest price to the highest.
    writeln!(
        b,
        r##"<g font-family="{FONT}" font-size="11" fill="#000000"><rect x="{left}" y="{legend_top}" width="{legend_w}" height="12" fill="url(#scale)"/>"##
    )?;
    let label_y = legend_top + 12 + 14;
    writeln!(
        b,
        r#"<text x="{left}" y="{label_y}">{}</text><text x="{}" y="{label_y}" text-anchor="end">{}</text><text x="{}" y="{}">{}</text></g>"#,
        xml(&low_text),
        left + legend_w,
        xml(&high_text),
        left + legend_w + 8,
        legend_top + 10,
        xml(&map.per)
    )?;
    writeln!(
        b,
        r##"<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="9" fill="#555555">"##
    )?;
    for (i, line) in small.iter().enumerate() {
        writeln!(
            b,
            r#"<text x="{MARGIN}" y="{}">{}</text>"#,
            small_top + i * 12,
            xml(line)
        )?;
    }
    writeln!(b, "</g>\n</svg>")?;
    out.write_all(&b)
}

/// Where the prices come from, in two lines of small print.
pub(crate) fn provenance(tariff: &Tariff) -> [String; 2] {
    use crate::tariff::Origin;
    let origin = match &tariff.origin {
        Origin::BuiltIn => "the built-in tariff".to_owned(),
        Origin::File(path) => format!("tariff {}", path.display()),
        Origin::Stdin => "a tariff from standard input".to_owned(),
    };
    let day = tariff
        .priced_on
        .map_or_else(String::new, |d| format!(", priced on {d}"));
    [
        format!(
            "{} prices as of {}, from {}",
            tariff.provider, tariff.as_of, tariff.source
        ),
        format!("{origin}, sha256 {}{day}", tariff.sha256),
    ]
}

pub(crate) fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_scale_runs_from_viridis_purple_to_yellow_through_its_stops() {
        assert_eq!(colour(0), VIRIDIS[0]);
        assert_eq!(colour(500), VIRIDIS[5]);
        assert_eq!(colour(1000), VIRIDIS[10]);
        assert_eq!(colour(5000), VIRIDIS[10]);
        // Halfway between the first two stops, rounded to the nearest.
        assert_eq!(colour(50), [0x46, 0x13, 0x65]);
    }

    #[test]
    fn a_price_is_placed_on_the_scale_exactly() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(per_mille(d("0.0010"), d("0.0010"), d("0.0030")), 0);
        assert_eq!(per_mille(d("0.0020"), d("0.0010"), d("0.0030")), 500);
        assert_eq!(per_mille(d("0.0030"), d("0.0010"), d("0.0030")), 1000);
        // One third is 333.33..., rounded once.
        assert_eq!(per_mille(d("0.0020"), d("0.0010"), d("0.0040")), 333);
        assert_eq!(per_mille(d("5"), d("5"), d("5")), 0);
        assert_eq!(per_mille(Decimal::MAX, Decimal::ZERO, Decimal::MAX), 1000);
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            xml("<a href=\"x\">&'</a>\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;\\u{1b}"
        );
    }
}
