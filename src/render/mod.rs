//! One renderer per output format, each writing to any `io::Write`. Renderers format figures the
//! pricer made; they never price.

pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod plain;
pub mod review;
pub mod rows;
pub mod schema;
pub mod svg;
pub mod table;
pub mod text;

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::batch::{MeteredRow, Priced, Summary};

use crate::grid::{Check, Grid};
use crate::job::Resolved;
use crate::pricing::Quote;
use crate::tariff::{Model, Tariff};

/// One priced job with what produced it.
pub struct QuoteView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// The job and which parts were defaults.
    pub resolved: Resolved,
    /// Its price.
    pub quote: Quote,
}

/// The price of one chat or speech request, with what produced it.
pub struct MeteredView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// Its price.
    pub charge: crate::pricing::Charge,
}

/// The grid of a token or second model, with what produced it.
pub struct MeterGridView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// Its priced cells.
    pub grid: &'a crate::meter_grid::MeterGrid,
}

impl MeterGridView<'_> {
    /// The header and the rows, as text: `input tokens` then one column per output count, or
    /// `seconds` and `price`; each price shown (see [`crate::pricing::shown`]).
    pub fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        use crate::meter_grid::MeterGrid;
        let places = self.tariff.display.decimals;
        match self.grid {
            MeterGrid::Tokens {
                inputs,
                outputs,
                cells,
            } => {
                let header = std::iter::once("input \\ output tokens".to_owned())
                    .chain(outputs.iter().map(grouped))
                    .collect();
                let rows = inputs
                    .iter()
                    .zip(cells.chunks(outputs.len().max(1)))
                    .map(|(input, row)| {
                        std::iter::once(grouped(input))
                            .chain(row.iter().map(|c| money(c.price, places)))
                            .collect()
                    })
                    .collect();
                (header, rows)
            }
            MeterGrid::Seconds { seconds, cells } => {
                let header = vec!["seconds".to_owned(), "price".to_owned()];
                let rows = seconds
                    .iter()
                    .zip(cells)
                    .map(|(s, c)| vec![exact(*s), money(c.price, places)])
                    .collect();
                (header, rows)
            }
        }
    }

    /// The line under a grid: the rates it was priced at, and the per-request minimum.
    pub fn note(&self) -> String {
        use crate::tariff::Metering;
        let currency = crate::escape::escaped(&self.tariff.currency).into_owned();
        match self.model.metering {
            Metering::Token(t) => format!(
                "{} bills per token: {} {currency} per {} input tokens, {} {currency} per {} output tokens; one request per cell",
                crate::escape::escaped(&self.model.name),
                exact(t.input),
                grouped(t.per),
                exact(t.output),
                grouped(t.per)
            ),
            Metering::Second(s) => format!(
                "{} bills per second: {} {currency} per second of audio, at least {} s charged per request; one request per row",
                crate::escape::escaped(&self.model.name),
                exact(s.rate),
                exact(s.minimum_seconds)
            ),
            Metering::MegapixelStep => String::new(),
        }
    }
}

/// The footnote of a human format whose shown figures do not add up: each is rounded once from
/// its exact value, never summed from rounded parts.
pub const ROUNDED_ONCE: &str =
    "note: each figure is rounded once from its exact value, so the shown figures need not add up";

/// A number as people read it: a whole part of five digits or more in groups of three
/// (`8,671,069`, `10,000`, `214,748,364.75`, `+191,233`; `1500` stays as it is, as style guides
/// keep four digits whole), the fraction as it is. For the human formats only (text, table,
/// markdown, HTML); scripts' formats keep plain digits.
pub fn grouped(n: impl std::fmt::Display) -> String {
    let text = n.to_string();
    let (sign, rest) = match text.strip_prefix(['-', '+']) {
        Some(rest) => (&text[..1], rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match rest.find('.') {
        Some(dot) => rest.split_at(dot),
        None => (rest, ""),
    };
    if whole.len() < 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (k, d) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out.push_str(fraction);
    out
}

/// How a shown amount relates to its exact value: rounded to the tariff's places, or shown at more
/// places so that it does not show as zero; `None` for an amount shown exactly at its places.
pub fn shown_note(price: Decimal, exact: crate::exact::Exact, tariff: &Tariff) -> Option<String> {
    let (places, mode) = (tariff.display.decimals, tariff.display.rounding.name());
    let unrounded = crate::exact::Exact::from_decimal(price) == Some(exact);
    // An amount shown at more places than the tariff's is always said to be, rounded or not.
    if price.scale() > places {
        let how = if unrounded {
            "at".to_owned()
        } else {
            format!("rounded {mode} to")
        };
        return Some(format!(
            "{how} {} places, not {places}, so that it does not show as zero",
            price.scale()
        ));
    }
    (!unrounded).then(|| format!("rounded {mode} to {places} places"))
}

/// A grid with what produced it.
pub struct GridView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// The priced cells.
    pub grid: &'a Grid,
}

/// The checks of every model that has a published grid.
pub struct CheckView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// Each checked model with its result.
    pub checks: Vec<(&'a Model, Check)>,
    /// Models without a published grid.
    pub unpublished: Vec<&'a Model>,
}

/// What a budget buys.
pub struct AffordView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// The budget as given.
    pub budget: crate::exact::Exact,
    /// The image size.
    pub size: crate::size::Size,
    /// Steps per image, when the question was how many images.
    pub steps: Option<u32>,
    /// Images, when the question was how many steps.
    pub count: Option<u32>,
    /// The answer.
    pub answer: crate::afford::Affordable,
    /// For a token or second model, the price of one request; `None` for images.
    pub request: Option<crate::pricing::Charge>,
}

/// A fit with what produced it.
pub struct FitView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model fitted.
    pub model: &'a Model,
    /// The fit.
    pub fit: &'a crate::fit::Fit,
    /// The file rewritten with the suggested rate, if any.
    pub written: Option<std::path::PathBuf>,
}

/// Two tariffs' prices side by side: on the day asked for, then on each later day on which
/// either one's prices change and something is judged differently (only what is new that day).
pub struct DiffView<'a> {
    /// The comparisons, the day asked for first; never empty.
    pub days: &'a [crate::diff::DayDiff<'a>],
}

impl<'a> DiffView<'a> {
    /// The comparison on the day asked for.
    pub fn first(&self) -> &'a crate::diff::DayDiff<'a> {
        &self.days[0]
    }

    /// The comparisons on later days, each with the day it holds from.
    pub fn scheduled(
        &self,
    ) -> impl Iterator<Item = (crate::date::Day, &'a crate::diff::DayDiff<'a>)> {
        self.days[1..]
            .iter()
            .filter_map(|d| d.day().map(|day| (day, d)))
    }
}

/// Writes `view`'s first day with `write`, then each later day after its heading, `From DAY
/// (scheduled)` between the two parts of `around`.
pub fn each_day(
    out: &mut dyn std::io::Write,
    view: &DiffView<'_>,
    (before, after): (&str, &str),
    write: impl Fn(&mut dyn std::io::Write, &crate::diff::DayDiff<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write(out, view.first())?;
    for (day, scheduled) in view.scheduled() {
        writeln!(out, "{before}From {day} (scheduled){after}")?;
        write(out, scheduled)?;
    }
    Ok(())
}

/// A workload's cost change with what produced it.
pub struct CompareView<'a> {
    /// The base side.
    pub base: &'a crate::compare::Side<'a>,
    /// The head side.
    pub head: &'a crate::compare::Side<'a>,
    /// The change.
    pub comparison: &'a crate::compare::Comparison,
    /// Its gates.
    pub review: &'a crate::review::Review,
    /// The base side's name as the user gave it (`--base-label`).
    pub base_label: Option<&'a str>,
    /// The head side's name as the user gave it (`--head-label`).
    pub head_label: Option<&'a str>,
}

/// What a row of a comparison's totals holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotalRow {
    /// The total cost.
    Total,
    /// A part of the total's change: `prices` or `workload` (with two tariffs they add up to
    /// it).
    Part(&'static str),
    /// A count: `jobs` or `images`.
    Count(&'static str),
}

impl CompareView<'_> {
    /// A line's base, head, change and percent, as every human format shows them.
    pub fn line_cells(&self, line: &crate::compare::Line) -> [String; 4] {
        [
            money(line.base.shown, self.base.tariff.display.decimals),
            money(line.head.shown, self.head.tariff.display.decimals),
            signed(line.shown_change, self.comparison.places),
            line_percent(line),
        ]
    }

    /// The rows of the comparison's totals, each with its base, head, change and percent
    /// cells: the total; with two tariffs, what moved it (prices + workload = change); then the
    /// jobs and images.
    pub fn total_rows(&self) -> Vec<(TotalRow, [String; 4])> {
        let t = &self.comparison.total;
        let mut rows = vec![(TotalRow::Total, self.line_cells(t))];
        if self.two_tariffs()
            && let Some(a) = t.attribution
        {
            for (name, shown) in [("prices", a.shown_prices), ("workload", a.shown_workload)] {
                let change = signed(shown, self.comparison.places);
                rows.push((
                    TotalRow::Part(name),
                    [String::new(), String::new(), change, String::new()],
                ));
            }
        }
        for (name, b, h) in [
            ("jobs", u128::from(t.base.jobs), u128::from(t.head.jobs)),
            ("images", t.base.images, t.head.images),
        ] {
            rows.push((
                TotalRow::Count(name),
                [
                    grouped(b),
                    grouped(h),
                    grouped(count_change(b, h)),
                    String::new(),
                ],
            ));
        }
        rows
    }

    /// The currency both sides price in.
    pub fn currency(&self) -> &str {
        &self.head.tariff.currency
    }

    /// The sides' names, base then head: their labels, or else their files.
    pub fn labels(&self) -> (&str, &str) {
        (
            self.base_label.unwrap_or(&self.base.file),
            self.head_label.unwrap_or(&self.head.file),
        )
    }

    /// Whether either side was given a label.
    pub fn labelled(&self) -> bool {
        self.base_label.is_some() || self.head_label.is_some()
    }

    /// Whether the two sides were priced under different tariffs.
    pub fn two_tariffs(&self) -> bool {
        !std::ptr::eq(self.base.tariff, self.head.tariff)
    }

    /// Whether some line's shown base and head do not differ by its shown change (`0.1501 ->
    /// 0.1517`, change `+0.0015`): each is rounded once from its exact value, and the human
    /// formats then say so under the figures ([`ROUNDED_ONCE`]).
    pub fn parts_disagree(&self) -> bool {
        let (sizes, _) = self.top_sizes();
        std::iter::once(&self.comparison.total)
            .chain(&self.comparison.models)
            .chain(sizes)
            .any(|l| l.head.shown.checked_sub(l.base.shown) != Some(l.shown_change))
    }

    /// The note of the human formats when a side's total is not exact (a chat request's
    /// upper bound, a speech estimate): the change is only as sure as its sides.
    pub fn kinds_note(&self) -> Option<String> {
        use crate::batch::Kind;
        let (base, head) = (self.base.summary.kind(), self.head.summary.kind());
        if (base, head) == (Kind::Exact, Kind::Exact) {
            return None;
        }
        let word = |kind: Kind| match kind {
            Kind::Exact => "exact",
            Kind::Bound => "an upper bound",
            Kind::Estimate => "an estimate",
        };
        Some(format!(
            "note: the base's total is {}, the head's {}; the change is only as sure as they are",
            word(base),
            word(head)
        ))
    }

    /// The sizes shown by the drawn and markdown formats: those that changed most, at most
    /// [`TOP_SIZES`]; and how many other sizes changed.
    pub fn top_sizes(&self) -> (&[crate::compare::Line], usize) {
        let changed = self
            .comparison
            .sizes
            .iter()
            .take_while(|l| !l.change.size.is_zero())
            .count();
        let shown = changed.min(TOP_SIZES);
        (&self.comparison.sizes[..shown], changed - shown)
    }
}

/// How many sizes the drawn and markdown comparisons show; csv and json show every size.
pub const TOP_SIZES: usize = 5;

/// A comparison line's percent change for output: `+10.00%`, `-3.33%`, `from 0` for a rise
/// from nothing, `n/a` when both sides are 0.
pub fn line_percent(line: &crate::compare::Line) -> String {
    match line.percent {
        Some(p) => format!("{p}%"),
        None if line.change.sign == std::cmp::Ordering::Greater => "from 0".to_owned(),
        None => "n/a".to_owned(),
    }
}

/// The change between two counts, signed: `+2`, `-1`, `0`.
pub fn count_change(base: u128, head: u128) -> String {
    match head.cmp(&base) {
        std::cmp::Ordering::Greater => format!("+{}", head - base),
        std::cmp::Ordering::Less => format!("-{}", base - head),
        std::cmp::Ordering::Equal => "0".to_owned(),
    }
}

/// Which dated rate a figure uses, after the rate: ` (the rate from 2026-12-01, in force on
/// 2026-12-05)`; empty for a model with one undated rate.
pub fn dated(tariff: &Tariff, model: &Model) -> String {
    match (model.rate_from, tariff.priced_on) {
        (Some(from), Some(day)) => format!(" (the rate from {from}, in force on {day})"),
        (Some(from), None) => format!(" (the rate from {from})"),
        (None, _) => String::new(),
    }
}

/// [`dated`] for a check of published prices: says whether the day is the tariff's `as_of`
/// (when the prices were read, the day checked by default) or another day asked for.
pub fn checked_dated(tariff: &Tariff, model: &Model) -> String {
    match (model.rate_from, tariff.priced_on) {
        (Some(from), Some(day)) if day.to_string() == tariff.as_of => format!(
            " (the rate from {from}, in force on {day}, the tariff's as_of, when its published prices were read)"
        ),
        (Some(from), Some(day)) => format!(
            " (the rate from {from}, in force on {day} as --as-of asks; the published prices were read on {})",
            crate::escape::escaped(&tariff.as_of)
        ),
        _ => dated(tariff, model),
    }
}

/// The days two priced tariffs compare, when either has dated rates or the days differ:
/// ` (on 2026-11-30 -> on 2026-12-01)`; empty otherwise.
pub fn diff_days(old: &Tariff, new: &Tariff) -> String {
    diff_day_pair(old, new).map_or_else(String::new, |(a, b)| format!(" (on {a} -> on {b})"))
}

/// The days two priced tariffs compare, when either has dated rates or the days differ.
pub fn diff_day_pair(old: &Tariff, new: &Tariff) -> Option<(crate::date::Day, crate::date::Day)> {
    match (old.priced_on, new.priced_on) {
        (Some(a), Some(b)) if a != b || old.is_dated() || new.is_dated() => Some((a, b)),
        _ => None,
    }
}

/// A cell's percent change for output: `+10.00%`, `-3.33%`, or `from 0` from a price of 0.
pub fn percent(change: Option<crate::diff::Percent>) -> String {
    change.map_or_else(|| "from 0".to_owned(), |p| format!("{p}%"))
}

/// A change's row for the drawn and markdown formats, under [`DIFF_CHANGE_COLUMNS`].
pub fn change_row(change: &crate::diff::Change) -> [String; 7] {
    [
        change.kind.name().to_owned(),
        change.model.clone().unwrap_or_default(),
        change.old.clone(),
        change.new.clone(),
        change.percent.map(|p| format!("{p}%")).unwrap_or_default(),
        if change.always_fails { "yes" } else { "" }.to_owned(),
        change.effect.clone(),
    ]
}

/// What every batch renderer is told before the first row.
pub struct BatchHeader<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// Names of the carried-through CSV columns.
    pub extra: &'a [String],
    /// Only totals are written.
    pub summary_only: bool,
    /// Rows show the day each is priced on and the rates applied
    /// ([`rows::dated_columns`], after the price): the tariff has dated rates, or the input
    /// a date column.
    pub dated: bool,
    /// Which meters' columns the rows carry.
    pub layout: rows::Layout,
}

/// A batch renderer: rows are written as they come, so memory does not grow with the input
/// (the drawn table is the exception: it must see every row to size its columns).
///
/// `begin` writes what goes before the rows, and is called once, before the first row's output
/// reaches the stream; `job` must not rely on `begin` having run (rows may be rendered into a
/// buffer first).
pub trait BatchSink: Send {
    /// Before the first row.
    fn begin(&mut self, out: &mut dyn Write, header: &BatchHeader<'_>) -> io::Result<()>;
    /// Bytes every rendered job starts with that the first job written must not (a JSON
    /// separator): the runner drops them there, so a job renders the same wherever it falls.
    fn lead(&self) -> &'static [u8] {
        b""
    }
    /// One priced image job; `row.quote` is present.
    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        row: &Priced<'_>,
    ) -> io::Result<()>;
    /// One priced chat or speech row.
    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &BatchHeader<'_>,
        row: &MeteredRow<'_>,
    ) -> io::Result<()>;
    /// After the last row.
    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &BatchHeader<'_>,
        summary: &Summary<'_>,
    ) -> io::Result<()>;
}

/// [`money`], appended to a byte buffer.
pub fn push_money(out: &mut Vec<u8>, rounded: Decimal, places: u32) {
    let mut figures = crate::digits::Figures::new(out);
    money_figures(&mut figures, rounded, places);
    figures.finish();
}

/// [`push_money`] into a row's figures.
#[inline]
pub fn money_figures(figures: &mut crate::digits::Figures<'_>, rounded: Decimal, places: u32) {
    if rounded.scale() == places
        && let Ok(digits) = u64::try_from(rounded.mantissa())
        && figures.point(digits, places, false)
    {
        return;
    }
    let out = figures.out();
    match u128::try_from(rounded.mantissa()) {
        Ok(digits) if rounded.scale() == places => {
            crate::exact::push_point(out, digits, places, false)
        }
        _ => out.extend_from_slice(money(rounded, places).as_bytes()),
    }
}

/// Column names of a tariff diff.
pub const DIFF_COLUMNS: [&str; 6] = ["steps", "size", "old", "new", "difference", "change"];
/// Column names of a tariff diff's changes beyond the cells.
pub const DIFF_CHANGE_COLUMNS: [&str; 7] = [
    "change",
    "model",
    "old",
    "new",
    "percent",
    "always fails",
    "effect",
];
/// Column names of a tariff diff as CSV: one row per cell (`kind` is `cell`) or other change.
pub const DIFF_CSV_COLUMNS: [&str; 12] = [
    "kind",
    "model",
    "steps",
    "size",
    "old",
    "new",
    "difference",
    "percent",
    "always_fails",
    "effect",
    "old_day",
    "new_day",
];

/// A rounded amount at exactly `places` places: `0.0060`, not `0.006`.
pub fn money(rounded: Decimal, places: u32) -> String {
    let mut text = String::new();
    let _ = write_money(&mut text, rounded, places);
    text
}

/// [`money`], written straight into `out`. Never rounds and never panics: a value with more
/// places than `places` (a difference against a published price with more places) is written
/// with all of its own, so no figure is shown other than it is.
pub fn write_money(
    out: &mut dyn std::fmt::Write,
    rounded: Decimal,
    places: u32,
) -> std::fmt::Result {
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.write_str("-")?;
    }
    // A mantissa is at most 96 bits: its digits always fit a u128.
    let digits = rounded.mantissa().unsigned_abs();
    let scale = rounded.scale();
    crate::exact::write_point(out, digits, scale, false)?;
    if scale < places {
        if scale == 0 {
            out.write_str(".")?;
        }
        for _ in scale..places {
            out.write_str("0")?;
        }
    }
    Ok(())
}

/// An exact figure with no trailing zeros: `0.00603`, `5`, `0.5625`.
pub fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A signed difference at `places` places: `+0.0001`, `-0.0001`, `0.0000`.
pub fn signed(value: Decimal, places: u32) -> String {
    if value > Decimal::ZERO {
        format!("+{}", money(value, places))
    } else {
        money(value, places)
    }
}

/// ANSI styling, on only when colour was chosen (see [`crate::paint_for`]).
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Paint {
    fn wrap(self, style: anstyle::Style, text: &str) -> String {
        if self.enabled {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.wrap(anstyle::Style::new().bold(), text)
    }

    /// Dimmed, for secondary detail.
    pub fn dim(self, text: &str) -> String {
        self.wrap(anstyle::Style::new().dimmed(), text)
    }

    /// Red and bold, for `error:`.
    pub fn error(self, text: &str) -> String {
        self.wrap(anstyle::AnsiColor::Red.on_default().bold(), text)
    }

    /// Yellow and bold, for `warning:`.
    pub fn warning(self, text: &str) -> String {
        self.wrap(anstyle::AnsiColor::Yellow.on_default().bold(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn grouped_splits_a_whole_part_of_five_digits_or_more() {
        assert_eq!(grouped(1500), "1500");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(8_671_069_u64), "8,671,069");
        assert_eq!(grouped("214748364.75"), "214,748,364.75");
        assert_eq!(grouped("1234.56789"), "1234.56789");
        assert_eq!(grouped("-12345"), "-12,345");
        assert_eq!(grouped("+191233"), "+191,233");
        assert_eq!(grouped("n/a"), "n/a");
    }

    #[test]
    fn money_pads_to_the_places() {
        assert_eq!(money(Decimal::from_str("0.006").unwrap(), 4), "0.0060");
        assert_eq!(money(Decimal::from_str("12").unwrap(), 2), "12.00");
        assert_eq!(money(Decimal::from_str("3").unwrap(), 0), "3");
        assert_eq!(signed(Decimal::from_str("0.0001").unwrap(), 4), "+0.0001");
        assert_eq!(signed(Decimal::from_str("-0.0001").unwrap(), 4), "-0.0001");
        assert_eq!(exact(Decimal::from_str("0.0060300").unwrap()), "0.00603");
        // Never rounded, never a negative zero, never a panic at the decimal limit.
        assert_eq!(
            signed(Decimal::from_str("-0.00005").unwrap(), 4),
            "-0.00005"
        );
        assert_eq!(money(Decimal::from_str("-0.003").unwrap(), 0), "-0.003");
        assert_eq!(money(Decimal::from_str("-0.0000").unwrap(), 4), "0.0000");
        assert_eq!(
            money(Decimal::MIN, 4),
            "-79228162514264337593543950335.0000"
        );
        assert_eq!(money(Decimal::MAX, 0), "79228162514264337593543950335");
        assert_eq!(
            money(
                Decimal::from_str("-1234567890123456789012345.6772").unwrap(),
                4
            ),
            "-1234567890123456789012345.6772"
        );
    }

    #[test]
    fn paint_off_is_plain() {
        assert_eq!(Paint { enabled: false }.bold("x"), "x");
        assert_eq!(Paint { enabled: true }.bold("x"), "\x1b[1mx\x1b[0m");
    }
}
