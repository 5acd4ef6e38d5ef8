//! A cost change as a pull-request review: each gate's sentence (for standard error, the
//! annotations and the markdown alike) and the markdown review itself, which always fits one
//! GitHub comment.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::markdown::cell;
use super::{CompareView, TotalRow, line_percent, money};
use crate::compare::Line;
use crate::review::{Gate, Judgement, Limit, Tier, Verdict};

/// The most characters a GitHub comment holds; the markdown review never has more.
pub const COMMENT_LIMIT: usize = 65_536;

/// The most characters of a side's label the review shows.
const LABEL_LIMIT: usize = 200;

/// The total's change in money, unsigned, with the exact figure where the shown one is rounded:
/// `0.0378 USD (exactly 0.03783825 USD)`.
pub fn change_amount(view: &CompareView<'_>) -> String {
    let total = &view.comparison.total;
    let currency = crate::escape::escaped(view.currency());
    let mut change = format!(
        "{} {currency}",
        money(total.shown_change.abs(), view.comparison.places)
    );
    if crate::exact::Exact::from_decimal(total.shown_change.abs()) != Some(total.change.size) {
        let _ = write!(change, " (exactly {} {currency})", total.change.size);
    }
    change
}

/// What a gate found, as a sentence without its verdict word: `the total rises by 0.0378 USD,
/// +32.60%, above --fail-above 10%`.
pub fn gate_sentence(gate: &Gate, view: &CompareView<'_>) -> String {
    let total = &view.comparison.total;
    let currency = crate::escape::escaped(view.currency());
    let flag = gate.flag;
    let head = format!(
        "{} {currency}",
        money(total.head.shown, view.head.tariff.display.decimals)
    );
    let change = change_amount(view);
    let moves = match total.change.sign {
        Ordering::Greater => format!("rises by {change}"),
        Ordering::Less => format!("falls by {change}"),
        Ordering::Equal => "does not change".to_owned(),
    };
    match (gate.limit, gate.judgement) {
        (Limit::Percent(limit), Judgement::NoPercentage) => format!(
            "the total rises from 0 by {change}; a base of 0 has no percentage, so {flag} {}% does not judge it (--fail-increase and --budget do)",
            super::exact(limit)
        ),
        (Limit::Percent(limit), judgement) => {
            let percent = total.percent.map_or_else(
                || line_percent(total),
                |p| format!("{}%", p.beside(limit).unwrap_or_else(|| p.to_string())),
            );
            let place = if judgement == Judgement::Breached {
                "above"
            } else {
                "within"
            };
            format!(
                "the total {moves}, {percent}, {place} {flag} {}%",
                super::exact(limit)
            )
        }
        (Limit::Increase(limit), judgement) => {
            let place = if judgement == Judgement::Breached {
                "above"
            } else {
                "within"
            };
            format!("the total {moves}, {place} {flag} {limit} {currency}")
        }
        (Limit::Budget(limit), Judgement::Breached) => {
            let by = total
                .head
                .exact
                .checked_sub(limit)
                .map_or_else(String::new, |o| format!(" by {o} {currency}"));
            format!("the total {head} is above --budget {limit} {currency}{by}")
        }
        (Limit::Budget(limit), _) => {
            format!("the total {head} is within --budget {limit} {currency}")
        }
        (Limit::BudgetShare { percent, budget }, judgement) => {
            let place = if judgement == Judgement::Breached {
                "past"
            } else {
                "within"
            };
            format!(
                "the total {head} is {place} {percent}% of the budget {budget} {currency} ({flag} {percent})"
            )
        }
    }
}

/// The word a gate's outcome goes by: `passed`, `warned`, `failed`, `not judged`.
pub fn outcome_word(gate: &Gate) -> &'static str {
    match (gate.judgement, gate.tier) {
        (Judgement::Passed, _) => "passed",
        (Judgement::NoPercentage, _) => "not judged",
        (Judgement::Breached, Tier::Warn) => "warned",
        (Judgement::Breached, Tier::Fail) => "failed",
    }
}

/// A label as the review shows it: escaped for markdown, and cut past [`LABEL_LIMIT`]
/// characters so that no label can push the review past a comment's size.
fn label(text: &str) -> String {
    let mut shown: String = text.chars().take(LABEL_LIMIT).collect();
    if shown.len() < text.len() {
        shown.push_str("...");
    }
    cell(&shown)
}

/// The sides as the headline names them: `feature against main`, or the one file priced under
/// two tariffs.
fn sides(view: &CompareView<'_>) -> String {
    let (base, head) = (view.base, view.head);
    let mut text = if base.file == head.file && view.two_tariffs() && !view.labelled() {
        cell(&head.file)
    } else {
        let (b, h) = view.labels();
        format!("{} against {}", label(h), label(b))
    };
    if view.two_tariffs() {
        let _ = write!(
            text,
            ", priced under {} against {}",
            cell(&head.tariff.origin.name()),
            cell(&base.tariff.origin.name())
        );
    }
    text
}

/// The total's change in a few words: `Cost up by 0.0378 USD (+32.60%)`, with `currency` as
/// the format writes it.
pub fn headline(view: &CompareView<'_>, currency: &str) -> String {
    let t = &view.comparison.total;
    let amount = money(t.shown_change.abs(), view.comparison.places);
    match (t.change.sign, t.percent) {
        (Ordering::Equal, _) => "No cost change".to_owned(),
        (Ordering::Greater, None) => format!("Cost up by {amount} {currency} (from 0)"),
        (Ordering::Greater, Some(p)) => format!("Cost up by {amount} {currency} ({p}%)"),
        (Ordering::Less, Some(p)) => format!("Cost down by {amount} {currency} ({p}%)"),
        (Ordering::Less, None) => format!("Cost down by {amount} {currency}"),
    }
}

/// A workload's cost change as a pull-request comment: a one-line headline with the total
/// change; with gates, the verdict and each gate's outcome with its limit; then one small table
/// (totals, what moved them with two tariffs, models, and the sizes that changed most). With
/// nothing changed and no gate breached, the headline alone. Never more than
/// [`COMMENT_LIMIT`] characters: past that, the models and sizes that changed most, then how
/// many more.
pub fn markdown(out: &mut dyn Write, view: &CompareView<'_>) -> io::Result<()> {
    out.write_all(markdown_text(view).as_bytes())
}

/// [`markdown`], as text.
pub fn markdown_text(view: &CompareView<'_>) -> String {
    let (base, head, c) = (view.base, view.head, view.comparison);
    let currency = cell(view.currency());
    let t = &c.total;
    let verdict = view.review.verdict();
    let gated = !view.review.gates.is_empty();
    let mut text = String::new();
    if t.change.sign == Ordering::Equal && verdict == Verdict::Pass {
        let _ = write!(
            text,
            "**No cost change**: {} {currency}, {}.",
            money(t.head.shown, head.tariff.display.decimals),
            sides(view)
        );
        if gated {
            text.push_str(" Verdict: **pass**.");
        }
        text.push('\n');
        return text;
    }
    let headline = headline(view, &currency);
    let _ = writeln!(
        text,
        "**{headline}**: {} → {} {currency}, {}.\n",
        money(t.base.shown, base.tariff.display.decimals),
        money(t.head.shown, head.tariff.display.decimals),
        sides(view)
    );
    if gated {
        let _ = writeln!(text, "Verdict: **{verdict}**\n");
        for gate in &view.review.gates {
            let word = outcome_word(gate);
            let word = if gate.breached() {
                format!("**{word}**")
            } else {
                word.to_owned()
            };
            let _ = writeln!(
                text,
                "- {word} {}: {}",
                cell(gate.flag),
                cell(&gate_sentence(gate, view))
            );
        }
        text.push('\n');
    }
    let row = |cells: [String; 5]| format!("| {} |\n", cells.join(" | "));
    text.push_str(&row(
        ["", "base", "head", "change", "percent"].map(String::from)
    ));
    text.push_str("| --- | ---: | ---: | ---: | ---: |\n");
    let money_row = |line: &Line, name: String| {
        let [b, h, change, percent] = view.line_cells(line);
        row([name, b, h, change, percent])
    };
    for (what, [b, h, change, percent]) in view.total_rows() {
        let name = match what {
            TotalRow::Total => "**total**".to_owned(),
            TotalRow::Part(name) => format!("of which {name}"),
            TotalRow::Count(name) => name.to_owned(),
        };
        text.push_str(&row([name, b, h, change, percent]));
    }
    let (sizes, more) = view.top_sizes();
    // Models and sizes: each row with the size of its change, for the cut.
    let lines: Vec<(String, &Line)> = c
        .models
        .iter()
        .map(|l| (money_row(l, format!("model {}", cell(&l.name))), l))
        .chain(
            sizes
                .iter()
                .map(|l| (money_row(l, format!("size {}", l.name)), l)),
        )
        .collect();
    // Where shown parts do not add up, the comment says why, under the figures.
    let rounded = if view.parts_disagree() {
        format!("\n{}\n", super::ROUNDED_ONCE)
    } else {
        String::new()
    };
    let mut footer = if more > 0 {
        format!("\n{more} more size(s) changed less; --format csv or json lists every size.\n")
    } else {
        String::new()
    };
    footer.push_str(&rounded);
    if let Some(note) = view.kinds_note() {
        footer.push_str(&format!("\n{note}\n"));
    }
    // The chart, after the table and its notes.
    let chart = super::mermaid::review_chart(view).map_or_else(String::new, |c| format!("\n{c}"));
    footer.push_str(&chart);
    let room = COMMENT_LIMIT.saturating_sub(text.len() + footer.len());
    let whole: usize = lines.iter().map(|(r, _)| r.len()).sum();
    if whole <= room {
        for (r, _) in &lines {
            text.push_str(r);
        }
        text.push_str(&footer);
        return text;
    }
    // Too long for one comment: the largest changes that fit, in their order, then how many
    // more. Room is kept for that line.
    let note_room = 160;
    let mut by_change: Vec<usize> = (0..lines.len()).collect();
    by_change.sort_by_key(|&i| std::cmp::Reverse(lines[i].1.change.size));
    let mut kept = vec![false; lines.len()];
    let mut used = 0;
    for i in by_change {
        let len = lines[i].0.len();
        if used + len + note_room > room {
            break;
        }
        used += len;
        kept[i] = true;
    }
    let left = kept.iter().filter(|k| !**k).count();
    for ((r, _), keep) in lines.iter().zip(&kept) {
        if *keep {
            text.push_str(r);
        }
    }
    let _ = writeln!(
        text,
        "\nand {left} more model and size line(s) that changed less; --format json lists every one."
    );
    text.push_str(&rounded);
    text.push_str(&chart);
    text
}
