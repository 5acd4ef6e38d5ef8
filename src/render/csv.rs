//! `--format csv`: a header row and one row per steps, prices at the shown places.

use std::io::{self, Write};

use super::{GridView, money};
use crate::digits::Figures;

/// Writes `steps,256x256,...` and a row per steps.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    let mut w = csv::Writer::from_writer(out);
    let header =
        std::iter::once("steps".to_owned()).chain(view.grid.sizes.iter().map(ToString::to_string));
    w.write_record(header).map_err(io_error)?;
    for (steps, cells) in view.grid.rows() {
        let row =
            std::iter::once(steps.to_string()).chain(cells.map(|c| money(c.quote.price, places)));
        w.write_record(row).map_err(io_error)?;
    }
    w.flush()
}

/// The underlying I/O error, so a closed pipe is still recognised as one.
fn io_error(e: csv::Error) -> io::Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other(text),
    }
}

/// Batch output: a row per job (with the carried-through columns), then a `subtotal` row per
/// model and a `total` row, all under one header.
#[derive(Default)]
pub struct Batch;

/// Whether a spreadsheet opening the file would take `text` for a formula: it starts (after any
/// spaces) with `=`, `+`, `-`, `@`, a tab or a `\r`, OWASP's list. A plain number such as `-5` or
/// `+1.5` is not: a spreadsheet reads it as that number, as it would in the job file itself.
fn formula_like(text: &str) -> bool {
    let text = text.trim_start_matches(' ');
    match text.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !plain_number(&text[1..]),
        _ => false,
    }
}

/// Digits, with at most one `.` between digits: `5`, `1.25`.
fn plain_number(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "1"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// Text from a job file or a tariff as a CSV field: one a spreadsheet would take for a formula
/// gets a leading `'`, which spreadsheets read as "this cell is text" (quoted, so it is kept).
/// dis-price's own figures never pass here: a negative difference stays a number.
fn text_field(text: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Appends a [`text_field`], quoted when it needs it (always when it was prefixed).
pub(super) fn push_text(line: &mut Vec<u8>, text: &str) {
    if formula_like(text) {
        line.extend_from_slice(b"\"'");
        line.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        line.push(b'"');
    } else {
        push_field(line, text);
    }
}

/// Appends one CSV field, quoted only when it needs it.
fn push_field(line: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        line.push(b'"');
        line.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        line.push(b'"');
    } else {
        line.extend_from_slice(text.as_bytes());
    }
}

/// One CSV field, quoted only when it needs it.
fn field(out: &mut dyn Write, text: &str) -> io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with('\'') {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

/// One CSV record.
fn record(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    for (i, text) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        field(out, text)?;
    }
    out.write_all(b"\n")
}

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &super::BatchHeader<'_>) -> io::Result<()> {
        let extra: Vec<_> = header.extra.iter().map(|e| text_field(e)).collect();
        let mut fields = super::rows::output_columns(header);
        fields.extend(extra.iter().map(AsRef::as_ref));
        record(out, &fields)
    }

    /// The hot path: integers and figures written straight into `out`.
    fn job(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        row: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let mut figures = Figures::new(out);
        figures.u64(row.line);
        figures.byte(b',');
        push_text(figures.out(), &row.model.id);
        let layout = header.layout;
        if layout.metered() {
            figures.literal(b",exact");
        }
        for (separator, n) in [
            (b',', row.job.steps),
            (b',', row.job.size.width),
            (b'x', row.job.size.height),
            (b',', row.job.count),
        ] {
            figures.byte(separator);
            figures.u64(u64::from(n));
        }
        figures.byte(b',');
        // The separator after the units, and the blank chat and speech cells of an image row.
        let blanks = |figures: &mut Figures<'_>| match (layout.tokens, layout.seconds) {
            (false, false) => figures.byte(b','),
            (true, true) => figures.literal(b",,,,,"),
            _ => figures.literal(b",,,"),
        };
        if let Some(quote) = row.quote {
            quote.units.write_to(&mut figures);
            blanks(&mut figures);
            if layout.metered() {
                quote.exact.write_to(&mut figures);
                figures.byte(b',');
            }
            super::money_figures(&mut figures, quote.price, header.tariff.display.decimals);
        } else {
            blanks(&mut figures);
            if layout.metered() {
                figures.byte(b',');
            }
        }
        let out = figures.out();
        if header.dated {
            out.push(b',');
            if let Some(day) = row.day {
                out.extend_from_slice(day.to_string().as_bytes());
            }
            out.push(b',');
            out.extend_from_slice(super::exact(row.rate).as_bytes());
            if layout.tokens {
                out.extend_from_slice(b",,,");
            }
        }
        for extra in &row.extra {
            out.push(b',');
            push_text(out, extra);
        }
        out.push(b'\n');
        Ok(())
    }

    fn metered(
        &mut self,
        out: &mut Vec<u8>,
        header: &super::BatchHeader<'_>,
        row: &crate::batch::MeteredRow<'_>,
    ) -> io::Result<()> {
        // The columns of `rows::metered_cells`, written straight into `out`.
        let layout = header.layout;
        let mut number = itoa::Buffer::new();
        out.extend_from_slice(number.format(row.line).as_bytes());
        out.push(b',');
        push_text(out, &row.model.id);
        out.push(b',');
        out.extend_from_slice(row.kind.name().as_bytes());
        // steps, size, count and units are an image's.
        out.extend_from_slice(b",,,,");
        let tokens = |out: &mut Vec<u8>, a: u64, b: u64| {
            for n in [a, b] {
                out.push(b',');
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
        };
        let rate = match row.used {
            crate::batch::Used::Tokens { input, output, .. } => {
                if layout.tokens {
                    tokens(out, input, output);
                }
                if layout.seconds {
                    out.extend_from_slice(b",,");
                }
                None
            }
            crate::batch::Used::Seconds {
                given,
                charged,
                rate,
            } => {
                if layout.tokens {
                    out.extend_from_slice(b",,");
                }
                if layout.seconds {
                    for s in [given, charged] {
                        out.push(b',');
                        out.extend_from_slice(super::exact(s).as_bytes());
                    }
                }
                Some(rate)
            }
        };
        out.push(b',');
        row.exact.push_to(out);
        out.push(b',');
        super::push_money(out, row.price, header.tariff.display.decimals);
        if header.dated {
            out.push(b',');
            if let Some(day) = row.day {
                out.extend_from_slice(day.to_string().as_bytes());
            }
            out.push(b',');
            if let Some(rate) = rate {
                out.extend_from_slice(super::exact(rate).as_bytes());
            }
            if layout.tokens {
                match row.used {
                    crate::batch::Used::Tokens {
                        input_rate,
                        output_rate,
                        per,
                        ..
                    } => {
                        for r in [input_rate, output_rate] {
                            out.push(b',');
                            out.extend_from_slice(super::exact(r).as_bytes());
                        }
                        out.push(b',');
                        out.extend_from_slice(number.format(per).as_bytes());
                    }
                    crate::batch::Used::Seconds { .. } => out.extend_from_slice(b",,,"),
                }
            }
        }
        for extra in &row.extra {
            out.push(b',');
            push_text(out, extra);
        }
        out.push(b'\n');
        Ok(())
    }

    /// A `subtotal` row per model and a `total` row, in the rows' columns: a model's units
    /// (megapixel-steps), tokens or seconds charged where its rows have them.
    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let names = super::rows::output_columns(header);
        let width = names.len() + header.extra.len();
        let at = |name: &str| names.iter().position(|c| *c == name);
        let mut line = |label: &str,
                        model: Option<&crate::batch::ModelTotal<'_>>,
                        kind,
                        images: String,
                        exact: String,
                        price: String| {
            let mut fields = vec![String::new(); width];
            fields[0] = label.to_owned();
            if let Some(i) = at("kind") {
                fields[i] = kind;
            }
            if let Some(i) = at("count") {
                fields[i] = images;
            }
            if let Some(i) = at("price") {
                fields[i] = price;
            }
            if let Some(i) = at("exact") {
                fields[i] = exact;
            }
            if let Some(m) = model {
                fields[1] = text_field(&m.model.id).into_owned();
                let mut set = |name: &str, value: String| {
                    if let Some(i) = at(name) {
                        fields[i] = value;
                    }
                };
                match m.model.metering {
                    crate::tariff::Metering::Token(_) => {
                        set("count", String::new());
                        set("input_tokens", m.input_tokens.to_string());
                        set("output_tokens", m.output_tokens.to_string());
                    }
                    crate::tariff::Metering::Second(_) => {
                        set("count", String::new());
                        set("seconds_charged", super::exact(m.seconds));
                    }
                    crate::tariff::Metering::MegapixelStep => set("units", m.units.to_string()),
                }
            }
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            record(out, &fields)
        };
        for m in &summary.by_model {
            line(
                "subtotal",
                Some(m),
                m.kind.name().to_owned(),
                m.images.to_string(),
                m.exact.to_string(),
                money(m.price, places),
            )?;
        }
        line(
            "total",
            None,
            summary.kind().name().to_owned(),
            summary.images.to_string(),
            summary.exact.to_string(),
            money(summary.price, places),
        )
    }
}

/// One table: a row per cell of every model in both tariffs (`kind` is `cell`), then a row per
/// other change (`kind` names it), so a consumer sees every change in one valid CSV; then the
/// same for each later day on which either tariff's prices change. `old_day` and `new_day` say
/// which days a row compares, wherever days matter (a dated tariff, or two days).
pub fn diff(out: &mut dyn Write, view: &super::DiffView<'_>) -> io::Result<()> {
    record(out, &super::DIFF_CSV_COLUMNS)?;
    for day in view.days {
        diff_day(out, day)?;
    }
    Ok(())
}

/// One day's cells, then its other changes.
fn diff_day(out: &mut dyn Write, day: &crate::diff::DayDiff<'_>) -> io::Result<()> {
    let days = super::diff_day_pair(day.old, day.new)
        .map_or_else(|| ",".to_owned(), |(a, b)| format!("{a},{b}"));
    // A row per cell, built in one reused buffer: every field but the model id is a figure.
    let mut line = Vec::new();
    for m in &day.diff.models {
        for c in m.cells() {
            line.clear();
            line.extend_from_slice(b"cell,");
            field(&mut line, &m.new.id)?;
            write!(line, ",{},{},", c.steps, c.size)?;
            super::push_money(&mut line, c.old, day.old.display.decimals);
            line.push(b',');
            super::push_money(&mut line, c.new, day.new.display.decimals);
            write!(line, ",{},", c.delta)?;
            if let Some(p) = c.percent {
                write!(line, "{p}")?;
            }
            let from_zero = c.percent.is_none();
            writeln!(
                line,
                ",{},{},{days}",
                from_zero && c.new_exact > c.old_exact,
                if from_zero { "from 0" } else { "" }
            )?;
            out.write_all(&line)?;
        }
    }
    let (old_day, new_day) = days.split_once(',').unwrap_or_default();
    for c in &day.diff.changes {
        let fields = [
            c.kind.name(),
            c.model.as_deref().unwrap_or_default(),
            "",
            "",
            &c.old,
            &c.new,
            "",
            &c.percent.map(|p| p.to_string()).unwrap_or_default(),
            if c.always_fails { "true" } else { "false" },
            &c.effect,
            old_day,
            new_day,
        ];
        record(out, &fields)?;
    }
    Ok(())
}

/// Column names of a workload's cost change as CSV: one `total` row, a `model` row per model,
/// a `size` row per size (largest change first).
pub const COMPARE_COLUMNS: [&str; 10] = [
    "kind",
    "name",
    "base_jobs",
    "head_jobs",
    "base_images",
    "head_images",
    "base",
    "head",
    "change",
    "percent",
];

/// A workload's cost change: every model and every size.
pub fn compare(out: &mut dyn Write, view: &super::CompareView<'_>) -> io::Result<()> {
    let (base, head, c) = (view.base, view.head, view.comparison);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COMPARE_COLUMNS).map_err(io_error)?;
    let lines = std::iter::once(("total", &c.total))
        .chain(c.models.iter().map(|l| ("model", l)))
        .chain(c.sizes.iter().map(|l| ("size", l)));
    for (kind, line) in lines {
        w.write_record([
            kind.to_owned(),
            text_field(&line.name).into_owned(),
            line.base.jobs.to_string(),
            line.head.jobs.to_string(),
            line.base.images.to_string(),
            line.head.images.to_string(),
            money(line.base.shown, base.tariff.display.decimals),
            money(line.head.shown, head.tariff.display.decimals),
            super::signed(line.shown_change, c.places),
            line.percent.map(|p| p.to_string()).unwrap_or_default(),
        ])
        .map_err(io_error)?;
    }
    w.flush()
}

/// A token or second model's grid, one line per cell: `input_tokens,output_tokens,exact,price`
/// or `seconds,seconds_charged,exact,price`.
pub fn meter_grid(out: &mut dyn Write, view: &super::MeterGridView<'_>) -> io::Result<()> {
    use crate::meter_grid::MeterGrid;
    use crate::pricing::Detail;
    let places = view.tariff.display.decimals;
    match view.grid {
        MeterGrid::Tokens { cells, .. } => {
            writeln!(out, "input_tokens,output_tokens,exact,price")?;
            for c in cells {
                if let Detail::Tokens { input, output, .. } = c.detail {
                    writeln!(
                        out,
                        "{input},{output},{},{}",
                        c.exact,
                        money(c.price, places)
                    )?;
                }
            }
        }
        MeterGrid::Seconds { cells, .. } => {
            writeln!(out, "seconds,seconds_charged,exact,price")?;
            for c in cells {
                if let Detail::Seconds { given, charged, .. } = c.detail {
                    writeln!(
                        out,
                        "{},{},{},{}",
                        super::exact(given),
                        super::exact(charged),
                        c.exact,
                        money(c.price, places)
                    )?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_leading_text_is_prefixed_and_numbers_are_not() {
        for text in [
            "=1", "+A1", "-A1", "@x", "\tx", "\rx", "  =x", "-", "+", "-1.", "-.5", "-1e3",
        ] {
            assert!(formula_like(text), "{text:?}");
            assert_eq!(text_field(text), format!("'{text}"));
        }
        for text in ["", "x", "a=b", "-5", "+1.5", "-0.25", "'=x", " x"] {
            assert!(!formula_like(text), "{text:?}");
        }
        let mut line = Vec::new();
        push_text(&mut line, "=\"a\"");
        assert_eq!(line, b"\"'=\"\"a\"\"\"");
    }
}
