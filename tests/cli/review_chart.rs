//! The Mermaid chart under the markdown review: base and head cost per model or per size, held
//! to the grammar Mermaid's `xychart-beta` parser applies (mermaid-cli needs a browser, so the
//! checks are written here: see [`parse`]).

use rust_decimal::Decimal;

use crate::support::{dis, readme_fixture, run};

/// A parsed `xychart-beta` block.
#[derive(Debug, PartialEq)]
struct Chart {
    title: String,
    labels: Vec<String>,
    y_title: String,
    y_range: (Decimal, Decimal),
    bars: Vec<Decimal>,
    line: Vec<Decimal>,
}

/// A quoted Mermaid string at the start of `rest`: its text with the entity codes Mermaid
/// decodes (`#quot;`, `#35;`, ...) decoded, and what follows it. Mermaid's lexer ends a string
/// at the next `"`, so a string can never hold one.
fn string(rest: &str) -> Result<(String, &str), String> {
    let rest = rest
        .strip_prefix('"')
        .ok_or_else(|| format!("expected a quoted string at {rest:?}"))?;
    let end = rest.find('"').ok_or("an unterminated string")?;
    let raw = &rest[..end];
    assert!(!raw.contains('\n') && !raw.contains('`'), "{raw:?}");
    // Entity codes, as Mermaid's encodeEntities and decodeEntities read them.
    let mut text = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '#'
            && let Some(len) = raw[i + 1..].find(';')
            && raw[i + 1..i + 1 + len]
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
            && len > 0
        {
            let code = &raw[i + 1..i + 1 + len];
            let decoded = match code {
                "quot" => '"',
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                n => n
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity #{n};"))?,
            };
            text.push(decoded);
            for _ in 0..len + 1 {
                chars.next();
            }
        } else {
            text.push(c);
        }
    }
    Ok((text, &rest[end + 1..]))
}

/// A number as Mermaid's xychart lexer reads one: digits with an optional fraction.
fn number(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let (whole, fraction) = t.split_once('.').unwrap_or((t, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(format!("{t:?} is not a number"));
    }
    t.parse().map_err(|e| format!("{t:?}: {e}"))
}

/// `[a, b, c]` of `item`s.
fn list<T>(rest: &str, item: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    let inner = rest
        .trim()
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| format!("expected a bracketed list: {rest:?}"))?;
    if inner.trim().is_empty() {
        return Err("an empty list".to_owned());
    }
    inner.split(',').map(|i| item(i.trim())).collect()
}

fn or_fail<T>(result: Result<T, String>, statement: &str) -> T {
    result.unwrap_or_else(|e| panic!("{statement}: {e}"))
}

/// The chart in `markdown`'s one fenced `mermaid` block, held to xychart-beta's grammar: the
/// `xychart-beta` line, a quoted `title`, an `x-axis` of quoted labels in brackets, a
/// `y-axis "name" MIN --> MAX`, then a `bar` and a `line` series with one number per label,
/// each within the y range; nothing else.
fn parse(markdown: &str) -> Chart {
    let start = markdown.find("```mermaid\n").expect("a mermaid block");
    let body = &markdown[start + "```mermaid\n".len()..];
    let end = body.find("\n```\n").expect("the block is closed");
    assert_eq!(
        markdown.matches("```mermaid").count(),
        1,
        "one chart: {markdown}"
    );
    let mut lines = body[..end].lines();
    assert_eq!(lines.next(), Some("xychart-beta"));
    let mut chart = Chart {
        title: String::new(),
        labels: Vec::new(),
        y_title: String::new(),
        y_range: (Decimal::ZERO, Decimal::ZERO),
        bars: Vec::new(),
        line: Vec::new(),
    };
    let mut seen = Vec::new();
    for line in lines {
        let line = line.trim_start();
        let (keyword, rest) = line.split_once(' ').expect("a keyword and its value");
        seen.push(keyword.to_owned());
        match keyword {
            "title" => {
                let (t, after) = or_fail(string(rest), keyword);
                assert!(after.trim().is_empty(), "after the title: {after:?}");
                chart.title = t;
            }
            "x-axis" => {
                chart.labels = or_fail(
                    list(rest, |i| {
                        let (t, after) = string(i)?;
                        if after.trim().is_empty() {
                            Ok(t)
                        } else {
                            Err(format!("after a label: {after:?}"))
                        }
                    }),
                    keyword,
                );
            }
            "y-axis" => {
                let (t, after) = or_fail(string(rest), keyword);
                let (min, max) = after.split_once("-->").expect("MIN --> MAX");
                chart.y_title = t;
                chart.y_range = (or_fail(number(min), keyword), or_fail(number(max), keyword));
                assert!(chart.y_range.0 < chart.y_range.1, "{:?}", chart.y_range);
            }
            "bar" => chart.bars = or_fail(list(rest, number), keyword),
            "line" => chart.line = or_fail(list(rest, number), keyword),
            other => panic!("{other:?} is not an xychart-beta statement\n{markdown}"),
        }
    }
    assert_eq!(seen, ["title", "x-axis", "y-axis", "bar", "line"]);
    for series in [&chart.bars, &chart.line] {
        assert_eq!(series.len(), chart.labels.len(), "{chart:?}");
        assert!(
            series
                .iter()
                .all(|v| (chart.y_range.0..=chart.y_range.1).contains(v)),
            "{chart:?}"
        );
    }
    chart
}

/// `dis-price batch HEAD --baseline BASE --format markdown` in a folder holding `files`.
fn review(files: &[(&str, &str)], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let (code, out, err) = run(dis()
        .current_dir(dir.path())
        .args([
            "batch",
            files[1].0,
            "--baseline",
            files[0].0,
            "--format",
            "markdown",
        ])
        .args(extra));
    assert_eq!(code, 0, "{err}");
    out
}

/// The table's rows naming `prefix` (`size `, `model `): name, base, head.
fn rows<'a>(markdown: &'a str, prefix: &str) -> Vec<(&'a str, Decimal, Decimal)> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.strip_prefix(prefix))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            (
                cells[0],
                cells[1].parse().unwrap(),
                cells[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn one_models_change_is_charted_per_size_after_the_table() {
    let out = review(
        &[
            ("base.csv", &readme_fixture("base.csv")),
            ("jobs.csv", &readme_fixture("jobs.csv")),
        ],
        &[],
    );
    let chart = parse(&out);
    // After the table and its note.
    let table_end = out.rfind("| size ").unwrap();
    assert!(out.find("```mermaid").unwrap() > table_end);
    assert!(out.ends_with("```\n"));
    // The sizes the table shows, in its order; bars head, line base, as the title says.
    let sizes = rows(&out, "size ");
    assert_eq!(chart.labels, sizes.iter().map(|s| s.0).collect::<Vec<_>>());
    assert_eq!(chart.bars, sizes.iter().map(|s| s.2).collect::<Vec<_>>());
    assert_eq!(chart.line, sizes.iter().map(|s| s.1).collect::<Vec<_>>());
    assert_eq!(chart.title, "USD per size: bars jobs.csv, line base.csv");
    assert_eq!(chart.y_title, "USD");
    let top = sizes.iter().flat_map(|s| [s.1, s.2]).max().unwrap();
    assert_eq!(chart.y_range, (Decimal::ZERO, top));
}

const BASE: &str = r#"{"model": "Llama-3.1 8B", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}
{"model": "Llama-3.3 70B", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}
{"prompt": "x", "num_inference_steps": 20, "size": "512x512"}
"#;
const HEAD: &str = r#"{"model": "Llama-3.1 8B", "usage": {"prompt_tokens": 3000, "completion_tokens": 100}}
{"model": "Llama-3.3 70B", "usage": {"prompt_tokens": 9000, "completion_tokens": 100}}
{"prompt": "x", "num_inference_steps": 30, "size": "512x512"}
"#;

#[test]
fn several_models_changes_are_charted_per_model_largest_first() {
    let out = review(&[("base.jsonl", BASE), ("head.jsonl", HEAD)], &[]);
    let chart = parse(&out);
    assert_eq!(chart.labels, ["Llama-3.3 70B", "flux-dev", "Llama-3.1 8B"]);
    let models = rows(&out, "model ");
    for (i, label) in chart.labels.iter().enumerate() {
        let (_, base, head) = models.iter().find(|m| m.0 == label).unwrap();
        assert_eq!((chart.line[i], chart.bars[i]), (*base, *head), "{label}");
    }
    assert_eq!(
        chart.title,
        "USD per model: bars head.jsonl, line base.jsonl"
    );
}

#[test]
fn labels_are_escaped_so_mermaid_reads_them_as_given() {
    let hostile = r#"a "quoted" #1; `tick` <b>"#;
    let out = review(
        &[("base.jsonl", BASE), ("head.jsonl", HEAD)],
        &["--head-label", hostile, "--base-label", "main"],
    );
    let chart = parse(&out);
    assert_eq!(
        chart.title,
        format!("USD per model: bars {hostile}, line main")
    );
    // A label past 40 characters is cut, so no name crowds the chart out.
    let long = "x".repeat(60);
    let out = review(
        &[("base.jsonl", BASE), ("head.jsonl", HEAD)],
        &["--head-label", &long],
    );
    assert_eq!(
        parse(&out).title,
        format!("USD per model: bars {}..., line base.jsonl", "x".repeat(40))
    );
}

#[test]
fn no_change_has_no_chart() {
    let out = review(&[("base.jsonl", BASE), ("head.jsonl", BASE)], &[]);
    assert!(out.starts_with("**No cost change**"), "{out}");
    assert!(!out.contains("mermaid"), "{out}");
}

#[test]
fn the_checker_refuses_what_mermaid_would_refuse() {
    let good = "```mermaid\nxychart-beta\n    title \"t\"\n    x-axis [\"a\", \"b\"]\n    y-axis \"USD\" 0 --> 2\n    bar [1, 2]\n    line [0.5, 1]\n```\n";
    assert_eq!(parse(good).labels, ["a", "b"]);
    for bad in [
        good.replace("[\"a\", \"b\"]", "[\"a\"b\", \"b\"]"),
        good.replace("bar [1, 2]", "bar [1]"),
        good.replace("bar [1, 2]", "bar [1, 2.]"),
        good.replace("bar [1, 2]", "bar [1, 3]"),
        good.replace("0 --> 2", "2 --> 0"),
        good.replace("title \"t\"", "title \"t"),
        good.replace("    line [0.5, 1]\n", ""),
        good.replace("[\"a\", \"b\"]", "[]"),
    ]
    .into_iter()
    .filter(|b| b != good)
    {
        let refused = std::panic::catch_unwind(|| parse(&bad)).is_err();
        assert!(refused, "accepted: {bad}");
    }
}
