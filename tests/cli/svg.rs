//! `table --format svg`: the grid as a heatmap, parsed as XML and drawn by a real SVG renderer
//! (`rsvg-convert`, Debian's librsvg2-bin) to a PNG whose size and colours are checked.

use std::path::Path;

use crate::support::{dis, edited, require_tool, run, stdout_of, temp_file};

/// The lowest and the highest colours of the scale (viridis' ends).
const LOWEST: &str = "#440154";
const HIGHEST: &str = "#fde725";

/// A drawn cell: where it is, its colour and the price written in it, if any.
#[derive(Debug)]
struct Cell {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    fill: String,
    text: Option<String>,
    tooltip: Option<String>,
}

/// The SVG's size and its cells, in order; panics unless it is well-formed XML with an SVG root.
fn parse(svg: &str) -> ((u32, u32), Vec<Cell>, roxmltree::Document<'_>) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML ({e}): {svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let number = |n: roxmltree::Node<'_, '_>, a: &str| -> u32 {
        n.attribute(a)
            .unwrap_or_else(|| panic!("no {a}"))
            .parse()
            .unwrap_or_else(|e| panic!("{a}: {e}"))
    };
    let size = (number(root, "width"), number(root, "height"));
    let cells = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("cell"))
        .map(|n| {
            let text = n
                .next_sibling_element()
                .filter(|t| t.has_tag_name("text"))
                .and_then(|t| t.text())
                .map(str::to_owned);
            let tooltip = n
                .children()
                .find(|t| t.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(str::to_owned);
            Cell {
                x: number(n, "x"),
                y: number(n, "y"),
                width: number(n, "width"),
                height: number(n, "height"),
                fill: n.attribute("fill").unwrap().to_owned(),
                text,
                tooltip,
            }
        })
        .collect();
    (size, cells, doc)
}

fn text_of<'a>(doc: &'a roxmltree::Document<'_>, tag: &str) -> &'a str {
    doc.descendants()
        .find(|n| n.has_tag_name(tag))
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("no <{tag}>"))
}

#[test]
fn the_default_grid_is_an_svg_with_a_coloured_cell_per_price_and_its_price_in_it() {
    let svg = stdout_of(&["table", "--format", "svg"]);
    let (_, cells, doc) = parse(&svg);
    assert_eq!(
        text_of(&doc, "title"),
        "Flux.1 [dev] (flux-dev): USD per image at 0.001206 USD per megapixel-step"
    );
    let desc = text_of(&doc, "desc");
    assert!(
        desc.contains("by steps (3 rows) and size (3 columns)")
            && desc.contains("0.0008 to 0.0204"),
        "{desc}"
    );
    // The same prices, in the same order, as the CSV's.
    let csv = stdout_of(&["table", "--format", "csv"]);
    let prices: Vec<&str> = csv
        .lines()
        .skip(1)
        .flat_map(|l| l.split(',').skip(1))
        .collect();
    let written: Vec<&str> = cells.iter().map(|c| c.text.as_deref().unwrap()).collect();
    assert_eq!(written, prices);
    // Laid out as the grid is, row by row, each cell wide enough for its price (7 px a figure).
    for (i, c) in cells.iter().enumerate() {
        assert_eq!((c.x, c.y), (cells[i % 3].x, cells[i / 3 * 3].y), "{c:?}");
        assert!(c.width >= 7 * 6 && c.height == 22, "{c:?}");
    }
    assert!(cells[0].x < cells[1].x && cells[0].y < cells[3].y);
    // Cheapest dark, dearest light; every colour a different one here, as every price differs.
    assert_eq!(cells[0].fill, LOWEST);
    assert_eq!(cells[8].fill, HIGHEST);
    let mut fills: Vec<&str> = cells.iter().map(|c| c.fill.as_str()).collect();
    fills.sort_unstable();
    fills.dedup();
    assert_eq!(fills.len(), 9);
    // Axes and legend are labelled; the provenance is in the small print.
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for label in [
        "steps",
        "size",
        "10",
        "30",
        "256x256",
        "768x768",
        "USD per image",
    ] {
        assert!(texts.contains(&label), "{label:?} not in {texts:?}");
    }
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Distribute.ai prices as of 2026-11-25, from https://")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("the built-in tariff, sha256 ")),
        "{texts:?}"
    );
}

#[test]
fn the_same_grid_gives_the_same_bytes_and_nothing_is_fetched() {
    let args = [
        "table",
        "--steps",
        "1..50:7",
        "--sizes",
        "256,512,999",
        "--format",
        "svg",
    ];
    let first = stdout_of(&args);
    assert_eq!(first, stdout_of(&args));
    // No link to anything outside the document: the only reference is the legend's gradient.
    let (_, _, doc) = parse(&first);
    for node in doc.descendants() {
        for a in node.attributes() {
            assert!(!a.name().contains("href"), "{}={}", a.name(), a.value());
            if a.value().contains("url(") {
                assert_eq!(a.value(), "url(#scale)");
            }
        }
        assert!(!node.has_tag_name("script") && !node.has_tag_name("image"));
    }
    assert!(!first.contains("@import") && !first.contains("@font-face"));
}

#[test]
fn text_from_the_tariff_is_escaped() {
    let hostile = r#"<script>alert("&")</script>"#;
    let tariff = edited(
        r#"name = "Flux.1 [dev]""#,
        &format!("name = {}", toml_string(hostile)),
    );
    let (_dir, path) = temp_file("hostile.toml", tariff.as_bytes());
    let (code, svg, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["table", "--format", "svg"]));
    assert_eq!(code, 0, "{err}");
    assert!(!svg.contains("<script"), "{svg}");
    let (_, cells, doc) = parse(&svg);
    assert_eq!(cells.len(), 9);
    assert!(text_of(&doc, "title").starts_with(hostile));
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn past_a_thousand_cells_the_cells_are_small_with_their_price_as_a_tooltip() {
    let sizes: Vec<String> = (256..=999)
        .step_by(16)
        .map(|s| format!("{s}x{s}"))
        .collect();
    let svg = stdout_of(&[
        "table",
        "--steps",
        "1..50",
        "--sizes",
        &sizes.join(","),
        "--format",
        "svg",
    ]);
    let (_, cells, doc) = parse(&svg);
    assert_eq!(cells.len(), 50 * 47);
    assert!(cells.iter().all(|c| c.text.is_none() && c.width == 8));
    // Steps 50 at 992x992: 50 x 992 x 992 / 2^20 megapixel-steps at 0.001206 USD is 0.0566.
    assert_eq!(
        cells.last().unwrap().tooltip.as_deref(),
        Some("steps 50, size 992x992: 0.0566")
    );
    assert_eq!(cells.last().unwrap().fill, HIGHEST);
    assert_eq!(cells[0].fill, LOWEST);
    assert!(
        doc.descendants().any(|n| n.text().is_some_and(
            |t| t.starts_with("2350 cells: past 1000 the prices are not written in the cells")
        )),
        "the small print does not say why the cells carry no text"
    );
}

#[test]
fn token_and_second_grids_are_drawn_too() {
    let svg = stdout_of(&["table", "--model", "Llama-3.1 8B", "--format", "svg"]);
    let (_, cells, doc) = parse(&svg);
    assert_eq!(cells.len(), 9);
    assert_eq!(text_of(&doc, "title"), "Llama-3.1 8B (Llama-3.1 8B)");
    assert_eq!(cells[0].text.as_deref(), Some("0.0001"));
    assert_eq!(cells[8].fill, HIGHEST);
    let svg = stdout_of(&[
        "table",
        "--model",
        "chatterbox",
        "--seconds",
        "1,2,3",
        "--format",
        "svg",
    ]);
    let (_, cells, _) = parse(&svg);
    let written: Vec<&str> = cells.iter().map(|c| c.text.as_deref().unwrap()).collect();
    assert_eq!(written, ["0.0030", "0.0060", "0.0090"]);
    assert_eq!(
        cells.iter().map(|c| c.fill.as_str()).collect::<Vec<_>>(),
        [LOWEST, "#21918c", HIGHEST]
    );
}

/// Decodes a PNG into (width, height, RGBA pixels).
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<[u8; 4]>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2], if channels == 4 { p[3] } else { 255 }])
        .collect();
    (info.width, info.height, pixels)
}

fn rgb(hex: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

/// Draws `svg` with rsvg-convert and checks the PNG: its size is the SVG's, and each cell is
/// painted its colour (a pixel inside each cell's corner, clear of its text).
fn drawn_as_declared(svg: &str, test: &str) {
    if !require_tool("rsvg-convert", test) {
        return;
    }
    let (size, cells, _) = parse(svg);
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("grid.svg"), dir.path().join("grid.png"));
    std::fs::write(&from, svg).unwrap();
    let status = std::process::Command::new("rsvg-convert")
        .arg(&from)
        .arg("-o")
        .arg(&to)
        .status()
        .expect("rsvg-convert runs");
    assert!(status.success());
    let (width, height, pixels) = decode(&std::fs::read(&to).unwrap());
    assert_eq!((width, height), size);
    let at = |x: u32, y: u32| pixels[(y * width + x) as usize];
    assert_eq!(at(1, 1), [255, 255, 255, 255], "the background is white");
    for c in &cells {
        let want = rgb(&c.fill);
        let got = at(c.x + 1, c.y + 1);
        let near = (0..3).all(|i| got[i].abs_diff(want[i]) <= 2);
        assert!(near && got[3] == 255, "{c:?}: drawn as {got:?}");
    }
}

#[test]
fn rsvg_convert_draws_the_grid_in_its_colours_at_its_size() {
    let svg = stdout_of(&["table", "--format", "svg"]);
    drawn_as_declared(
        &svg,
        "rsvg_convert_draws_the_grid_in_its_colours_at_its_size",
    );
    let sizes: Vec<String> = (256..=999)
        .step_by(32)
        .map(|s| format!("{s}x{s}"))
        .collect();
    let large = stdout_of(&[
        "table",
        "--steps",
        "1..50",
        "--sizes",
        &sizes.join(","),
        "--format",
        "svg",
    ]);
    drawn_as_declared(
        &large,
        "rsvg_convert_draws_the_grid_in_its_colours_at_its_size",
    );
}

/// docs/grid.svg, shown in the README, is what this build draws for the README's command.
#[test]
fn the_example_in_the_docs_is_this_builds_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/grid.svg");
    let committed = std::fs::read_to_string(&path).expect("docs/grid.svg");
    let drawn = stdout_of(&["table", "--format", "svg"]);
    assert!(
        committed == drawn,
        "docs/grid.svg differs from `dis-price table --format svg`: redraw it with \
         `DIS_PRICE_TODAY=2026-11-25 cargo run -- table --format svg > docs/grid.svg`"
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains("](docs/grid.svg)"),
        "the README does not show docs/grid.svg"
    );
    assert!(readme.contains("$ dis-price table --format svg > grid.svg"));
}
