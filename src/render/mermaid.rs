//! Mermaid `xychart-beta` charts, which GitHub draws from a fenced `mermaid` block in a comment
//! or a job summary: the markdown review's base and head cost per model or per size.

use std::cmp::Reverse;
use std::fmt::Write as _;

use super::{CompareView, money};
use crate::compare::Line;

/// The most bars a chart shows: the largest changes.
pub const MOST_BARS: usize = 10;

/// The most characters of a label the chart shows.
pub const LABEL_LIMIT: usize = 40;

/// A chart's figures as text, one per label.
pub enum Series {
    /// Drawn as bars.
    Bar(Vec<String>),
    /// Drawn as a line through the bars.
    Line(Vec<String>),
}

/// An `xychart-beta` block, fenced: `title`, the `labels` along the x axis, the y axis from 0
/// to `top` named `unit`, then each series. Every text is escaped for Mermaid ([`text`]).
pub fn xychart(title: &str, labels: &[String], unit: &str, top: &str, series: &[Series]) -> String {
    let mut out = String::from("```mermaid\nxychart-beta\n");
    let _ = writeln!(out, "    title \"{}\"", text(title));
    let quoted: Vec<String> = labels.iter().map(|l| format!("\"{}\"", text(l))).collect();
    let _ = writeln!(out, "    x-axis [{}]", quoted.join(", "));
    let _ = writeln!(out, "    y-axis \"{}\" 0 --> {top}", text(unit));
    for s in series {
        let (kind, figures) = match s {
            Series::Bar(f) => ("bar", f),
            Series::Line(f) => ("line", f),
        };
        let _ = writeln!(out, "    {kind} [{}]", figures.join(", "));
    }
    out.push_str("```\n");
    out
}

/// A name as a chart shows it: cut past [`LABEL_LIMIT`] characters.
pub fn cut(name: &str) -> String {
    let mut cut: String = name.chars().take(LABEL_LIMIT).collect();
    if cut.len() < name.len() {
        cut.push_str("...");
    }
    cut
}

/// Text inside a Mermaid string: control characters as the other formats write them, and each
/// character Mermaid would read as markup written as its entity code (`#quot;`; Mermaid decodes
/// `#...;` itself, so `#` is written `#35;` too).
pub fn text(raw: &str) -> String {
    let shown = crate::escape::escaped(raw);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// What the review's charts show: base and head cost per model when more than one model's
/// cost changed, else per size (those the table shows), else for the one model; the largest
/// changes first, at most [`MOST_BARS`]. `None` when nothing changed or every figure is 0.
pub fn chart_lines<'a>(view: &'a CompareView<'a>) -> Option<(&'static str, Vec<&'a Line>)> {
    let c = view.comparison;
    let mut models: Vec<&Line> = c
        .models
        .iter()
        .filter(|l| !l.change.size.is_zero())
        .collect();
    models.sort_by_key(|l| Reverse(l.change.size));
    models.truncate(MOST_BARS);
    let (sizes, _) = view.top_sizes();
    let (what, lines): (&str, Vec<&Line>) = if models.len() < 2 && !sizes.is_empty() {
        ("size", sizes.iter().take(MOST_BARS).collect())
    } else {
        ("model", models)
    };
    let any = lines
        .iter()
        .any(|l| !l.base.shown.is_zero() || !l.head.shown.is_zero());
    any.then_some((what, lines))
}

/// The sides' names for a chart, head then base: their labels, else their files' names, else
/// (one file under two tariffs) the tariffs'; each cut past [`LABEL_LIMIT`] characters.
pub fn side_names(view: &CompareView<'_>) -> (String, String) {
    let same = view.base.file == view.head.file && view.two_tariffs() && !view.labelled();
    let name = |label: Option<&str>, side: &crate::compare::Side<'_>| {
        cut(&label.map_or_else(
            || {
                if same {
                    side.tariff.origin.name()
                } else {
                    short(&side.file).to_owned()
                }
            },
            str::to_owned,
        ))
    };
    (
        name(view.head_label, view.head),
        name(view.base_label, view.base),
    )
}

/// The review's chart: head as bars, base as a line, over [`chart_lines`].
pub fn review_chart(view: &CompareView<'_>) -> Option<String> {
    let (what, lines) = chart_lines(view)?;
    let (base_places, head_places) = (
        view.base.tariff.display.decimals,
        view.head.tariff.display.decimals,
    );
    let top = lines
        .iter()
        .flat_map(|l| [l.base.shown, l.head.shown])
        .max()?;
    let places = base_places.max(head_places);
    let labels: Vec<String> = lines.iter().map(|l| cut(&l.name)).collect();
    let (head, base) = side_names(view);
    let title = format!("{} per {what}: bars {head}, line {base}", view.currency());
    Some(xychart(
        &title,
        &labels,
        view.currency(),
        &money(top, places),
        &[
            Series::Bar(
                lines
                    .iter()
                    .map(|l| money(l.head.shown, head_places))
                    .collect(),
            ),
            Series::Line(
                lines
                    .iter()
                    .map(|l| money(l.base.shown, base_places))
                    .collect(),
            ),
        ],
    ))
}

/// A file's name for the title: its last path part, so a long path does not crowd the chart.
fn short(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_written_as_mermaid_entity_codes() {
        assert_eq!(
            text(r#"a "b" #1; `c` <d>"#),
            "a #quot;b#quot; #35;1; #96;c#96; #lt;d#gt;"
        );
        assert_eq!(text("x\u{1b}"), "x\\u{1b}");
        assert_eq!(cut(&"m".repeat(50)), format!("{}...", "m".repeat(40)));
        assert_eq!(cut(&"m".repeat(40)), "m".repeat(40));
    }

    #[test]
    fn a_chart_is_one_fenced_block() {
        let chart = xychart(
            "t",
            &["a".to_owned(), "b".to_owned()],
            "USD",
            "2",
            &[
                Series::Bar(vec!["1".into(), "2".into()]),
                Series::Line(vec!["0.5".into(), "1".into()]),
            ],
        );
        assert_eq!(
            chart,
            "```mermaid\nxychart-beta\n    title \"t\"\n    x-axis [\"a\", \"b\"]\n    y-axis \"USD\" 0 --> 2\n    bar [1, 2]\n    line [0.5, 1]\n```\n"
        );
    }
}
