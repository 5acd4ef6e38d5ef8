//! `--format html` for `table` and `batch` (with and without a baseline): one self-contained
//! page, parsed as a browser parses it (html5ever through `scraper`) and, where Debian's
//! chromium is installed, opened in it headless (`--dump-dom`).

use std::path::Path;

use scraper::{Html, Selector};

use crate::support::{dis, require_tool, run, stdout_of};

fn select<'a>(page: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect()
}

/// Parses `html` and checks what every page must be: a whole document with a title, its style
/// inline, no script, nothing fetched (no `src`, no `href`, no `<link>`, no `url(` but the
/// heatmap's own gradient) and one or more inline SVG pictures.
fn parse_page(html: &str) -> Html {
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
    let page = Html::parse_document(html);
    assert!(page.errors.is_empty(), "{:?}\n{html}", page.errors);
    assert_eq!(select(&page, "head > title").len(), 1);
    assert_eq!(select(&page, "head > style").len(), 1);
    assert!(select(&page, "script, link, img, iframe, object").is_empty());
    for e in select(&page, "*") {
        for (name, value) in e.value().attrs() {
            assert!(
                name != "src" && !name.ends_with("href"),
                "{name}={value} fetches"
            );
            if value.contains("url(") {
                assert_eq!(value, "url(#scale)");
            }
        }
    }
    assert!(!select(&page, "figure > svg").is_empty(), "{html}");
    page
}

/// Each row of the `n`th table, as its cells' text.
fn table(page: &Html, n: usize) -> Vec<Vec<String>> {
    let tables = select(page, "table");
    let rows = Selector::parse("tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();
    tables[n]
        .select(&rows)
        .map(|r| r.select(&cells).map(|c| text(&c)).collect())
        .collect()
}

fn readme_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readme")
}

fn in_readme(args: &[&str]) -> String {
    let (code, out, err) = run(dis().current_dir(readme_dir()).args(args));
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn the_grid_page_has_the_heatmap_and_the_grid_as_a_table() {
    let html = stdout_of(&["table", "--format", "html"]);
    let page = parse_page(&html);
    let title = "Flux.1 [dev] (flux-dev): USD per image at 0.001206 USD per megapixel-step";
    assert_eq!(text(&select(&page, "title")[0]), title);
    assert_eq!(text(&select(&page, "h1")[0]), title);
    // The heatmap is the SVG format's own output, inline.
    assert_eq!(select(&page, "figure > svg rect.cell").len(), 9);
    // The table holds what the CSV holds.
    let csv = stdout_of(&["table", "--format", "csv"]);
    let want: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    assert_eq!(table(&page, 0), want);
    let footer = text(&select(&page, "footer")[0]);
    assert!(
        footer.contains("Distribute.ai prices as of 2026-11-25"),
        "{footer}"
    );
    // Token grids too.
    let html = stdout_of(&["table", "--model", "Llama-3.1 8B", "--format", "html"]);
    let page = parse_page(&html);
    assert_eq!(table(&page, 0)[1][1], "0.0001");
}

#[test]
fn a_batch_page_lists_the_rows_then_the_totals_and_a_chart_per_model() {
    let html = in_readme(&["batch", "jobs.csv", "--format", "html"]);
    let page = parse_page(&html);
    let csv = in_readme(&["batch", "jobs.csv", "--format", "csv"]);
    // The rows as the CSV's, before its totals.
    let rows: Vec<Vec<String>> = csv
        .lines()
        .take_while(|l| !l.starts_with("total") && !l.starts_with("model,"))
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let listed = table(&page, 0);
    assert_eq!(listed[0], rows[0], "the header");
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert_eq!(&listed[..], &rows[..listed.len()]);
    let totals = table(&page, 1);
    assert_eq!(totals.last().unwrap().last().unwrap(), "0.1539 USD");
    assert_eq!(select(&page, "figure svg rect.bar").len(), 1);
    assert!(
        html.contains("0.1539 USD for 7 image(s) in 3 job(s)"),
        "{html}"
    );
}

#[test]
fn a_review_page_has_the_headline_gates_chart_and_figures() {
    let html = in_readme(&[
        "batch",
        "jobs.csv",
        "--baseline",
        "base.csv",
        "--fail-above",
        "50",
        "--format",
        "html",
    ]);
    let page = parse_page(&html);
    assert_eq!(
        text(&select(&page, "h1")[0]),
        "Cost up by 0.0378 USD (+32.60%)"
    );
    let gates: Vec<String> = select(&page, "li").iter().map(text).collect();
    assert_eq!(gates.len(), 1);
    assert!(gates[0].starts_with("passed --fail-above: "), "{gates:?}");
    // Base and head bars per size, as the markdown review's chart.
    assert_eq!(select(&page, "figure svg rect.bar").len(), 6);
    let figures = table(&page, 0);
    assert_eq!(figures[0], ["", "base", "head", "change", "percent"]);
    assert_eq!(
        figures[1],
        ["total", "0.1161", "0.1539", "+0.0378", "+32.60%"]
    );
    assert!(
        figures.iter().any(|r| r[0] == "size 512x512"),
        "{figures:?}"
    );
}

const HOSTILE: &str = "<script>alert('x')</script> & <b>bold</b>";

#[test]
fn hostile_text_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("steps,size,note\n20,512x512,\"{HOSTILE}\"\n");
    std::fs::write(dir.path().join("jobs.csv"), &csv).unwrap();
    std::fs::write(
        dir.path().join("base.csv"),
        "steps,size,note\n10,512x512,x\n",
    )
    .unwrap();
    let go = |args: &[&str]| {
        let (code, out, err) = run(dis().current_dir(dir.path()).args(args));
        assert_eq!(code, 0, "{err}");
        out
    };
    let html = go(&["batch", "jobs.csv", "--format", "html"]);
    let parsed = parse_page(&html);
    assert!(select(&parsed, "b").is_empty());
    let cells: Vec<String> = select(&parsed, "td").iter().map(text).collect();
    assert!(cells.iter().any(|c| c == HOSTILE), "{cells:?}");
    let html = go(&[
        "batch",
        "jobs.csv",
        "--baseline",
        "base.csv",
        "--head-label",
        HOSTILE,
        "--format",
        "html",
    ]);
    let parsed = parse_page(&html);
    assert!(select(&parsed, "b").is_empty());
    let intro = text(&select(&parsed, "p")[0]);
    assert!(
        intro.contains(&format!("{HOSTILE} against base.csv")),
        "{intro}"
    );
}

/// Opens `html` in headless chromium and returns the DOM it built.
fn chromium_dom(html: &str) -> Option<String> {
    let test = "pages_open_in_headless_chromium";
    if !require_tool("chromium", test) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.html");
    std::fs::write(&path, html).unwrap();
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", dir.path().join("profile").display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn pages_open_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("steps,size,note\n20,512x512,\"{HOSTILE}\"\n");
    std::fs::write(dir.path().join("jobs.csv"), &csv).unwrap();
    let (code, html, err) = run(dis()
        .current_dir(dir.path())
        .args(["batch", "jobs.csv", "--format", "html"]));
    assert_eq!(code, 0, "{err}");
    let Some(dom) = chromium_dom(&html) else {
        return;
    };
    let page = Html::parse_document(&dom);
    // The page rendered: its chart and its tables are in the DOM the browser built, and the
    // hostile text is a cell's text, not markup.
    assert_eq!(select(&page, "figure svg rect.bar").len(), 1, "{dom}");
    assert!(select(&page, "script, b").is_empty(), "{dom}");
    let cells: Vec<String> = select(&page, "td").iter().map(text).collect();
    assert!(cells.iter().any(|c| c == HOSTILE), "{cells:?}");
    let grid = stdout_of(&["table", "--format", "html"]);
    let dom = chromium_dom(&grid).unwrap();
    let page = Html::parse_document(&dom);
    assert_eq!(select(&page, "figure svg rect.cell").len(), 9, "{dom}");
    assert_eq!(select(&page, "tbody tr").len(), 3);
}
