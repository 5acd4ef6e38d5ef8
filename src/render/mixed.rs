//! A mixed workload's rows and totals (images, chat tokens, speech seconds), one function per
//! format. Every row says whether its figure is exact, an upper bound or an estimate; a total
//! with a bound in it says "at most".

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::money;
use crate::batch::mixed::Kind;
use crate::date::Day;
use crate::escape::escaped as esc;
use crate::exact::Exact;
use crate::size::Size;
use crate::tariff::Tariff;

/// What a row used, per meter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Used {
    /// Images.
    Image {
        /// Steps.
        steps: u32,
        /// Size.
        size: Size,
        /// Images.
        count: u32,
        /// Megapixel-steps.
        units: Exact,
        /// The day the row is priced on (its own date, else the tariff's day), if any.
        day: Option<Day>,
        /// The rate applied.
        rate: Decimal,
        /// The day that rate took effect; `None` for an undated rate.
        rate_from: Option<Day>,
    },
    /// Tokens.
    Tokens {
        /// Input tokens.
        input: u64,
        /// Output tokens.
        output: u64,
        /// The day the row is priced on (its own date, else the tariff's day), if any.
        day: Option<Day>,
        /// The input rate applied, per `per` tokens.
        input_rate: Decimal,
        /// The output rate applied, per `per` tokens.
        output_rate: Decimal,
        /// How many tokens each rate is for.
        per: u32,
        /// The day those rates took effect; `None` for undated rates.
        rate_from: Option<Day>,
    },
    /// Seconds of audio.
    Seconds {
        /// As given.
        given: Decimal,
        /// As charged (the per-request minimum when more).
        charged: Decimal,
        /// The day the row is priced on (its own date, else the tariff's day), if any.
        day: Option<Day>,
        /// The rate per second applied.
        rate: Decimal,
        /// The day that rate took effect; `None` for an undated rate.
        rate_from: Option<Day>,
    },
}

/// One priced row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MixedRow {
    /// Input line.
    pub line: u64,
    /// The model's index in the tariff.
    pub model_index: usize,
    /// Model id.
    pub model: String,
    /// Exact, bound or estimate.
    pub kind: Kind,
    /// What it used.
    pub used: Used,
    /// Exact price.
    pub exact: Exact,
    /// Price as shown.
    pub price: Decimal,
    /// Carried CSV cells.
    pub extra: Vec<String>,
}

/// One model's subtotal.
#[derive(Clone, Debug)]
pub struct ModelSum {
    /// The model's index in the tariff.
    pub model_index: usize,
    /// Model id.
    pub model: String,
    /// Its meter's name.
    pub meter: &'static str,
    /// Rows.
    pub rows: u64,
    /// The least sure of its rows.
    pub kind: Kind,
    /// Images (image models).
    pub images: u128,
    /// Megapixel-steps (image models).
    pub units: Exact,
    /// Input tokens (token models).
    pub input: u128,
    /// Output tokens (token models).
    pub output: u128,
    /// Seconds charged (second models).
    pub seconds: Decimal,
    /// Exact subtotal.
    pub exact: Exact,
    /// Subtotal as shown.
    pub price: Decimal,
}

/// The totals of a mixed workload.
#[derive(Clone, Debug)]
pub struct MixedTotal {
    /// Per model, in tariff order.
    pub by_model: Vec<ModelSum>,
    /// Rows priced.
    pub rows: u64,
    /// Rows skipped with `--skip-invalid`.
    pub skipped: u64,
    /// Rows that are bounds, and estimates.
    pub bounds: u64,
    /// Rows that are estimates.
    pub estimates: u64,
    /// Exact total.
    pub exact: Exact,
    /// Total as shown.
    pub price: Decimal,
}

impl MixedTotal {
    /// How the total reads: exact, "at most" (a bound in it), or an estimate.
    pub fn kind(&self) -> Kind {
        if self.estimates > 0 {
            Kind::Estimate
        } else if self.bounds > 0 {
            Kind::Bound
        } else {
            Kind::Exact
        }
    }

    /// The total's label.
    pub fn label(&self) -> &'static str {
        match self.kind() {
            Kind::Exact => "total",
            Kind::Bound => "at most",
            Kind::Estimate => "estimated total",
        }
    }
}

/// Row columns, for every format.
pub const COLUMNS: [&str; 10] = [
    "line",
    "model",
    "kind",
    "steps",
    "size",
    "count",
    "input_tokens",
    "output_tokens",
    "seconds",
    "price",
];

/// Columns a dated output adds after the price: the day each row is priced on; `rate`, the
/// rate applied per unit of an image row (megapixel-step) or a speech row (second), blank on
/// a chat row, which has two: `input_rate` and `output_rate`, each per `per` tokens (blank on
/// other rows). Every rate cell is a plain decimal, so a script can read it as a number.
pub const DATED_COLUMNS: [&str; 5] = ["date", "rate", "input_rate", "output_rate", "per"];

/// What every mixed renderer is told before the first row.
pub struct MixedHeader<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// Names of the carried-through CSV columns.
    pub extra: &'a [String],
    /// Rows show the day each is priced on and the rates applied ([`DATED_COLUMNS`], after
    /// the price): the tariff has dated rates, or the input a date column.
    pub dated: bool,
}

/// A row's [`DATED_COLUMNS`] when the header asks for them, else nothing.
fn dated_cells(header: &MixedHeader<'_>, row: &MixedRow) -> Vec<String> {
    if !header.dated {
        return Vec::new();
    }
    let day = |day: &Option<Day>| day.map(|d| d.to_string()).unwrap_or_default();
    let blank = String::new;
    match &row.used {
        Used::Image { day: d, rate, .. } | Used::Seconds { day: d, rate, .. } => {
            vec![day(d), super::exact(*rate), blank(), blank(), blank()]
        }
        Used::Tokens {
            day: d,
            input_rate,
            output_rate,
            per,
            ..
        } => vec![
            day(d),
            blank(),
            super::exact(*input_rate),
            super::exact(*output_rate),
            per.to_string(),
        ],
    }
}

/// The dated columns' names when the header asks for them.
fn dated_names(header: &MixedHeader<'_>) -> &'static [&'static str] {
    if header.dated { &DATED_COLUMNS } else { &[] }
}

/// What a row used, as raw cells: steps, size, count, input tokens, output tokens, seconds
/// given and seconds charged; blank where the row's meter has none.
fn used_cells(used: &Used) -> [String; 7] {
    let blank = String::new;
    match used {
        Used::Image {
            steps, size, count, ..
        } => [
            steps.to_string(),
            size.to_string(),
            count.to_string(),
            blank(),
            blank(),
            blank(),
            blank(),
        ],
        Used::Tokens { input, output, .. } => [
            blank(),
            blank(),
            blank(),
            input.to_string(),
            output.to_string(),
            blank(),
            blank(),
        ],
        Used::Seconds { given, charged, .. } => [
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
            super::exact(*given),
            super::exact(*charged),
        ],
    }
}

fn cells(header: &MixedHeader<'_>, row: &MixedRow) -> Vec<String> {
    let places = header.tariff.display.decimals;
    let [steps, size, count, input, output, given, charged] = used_cells(&row.used);
    // The table shows the seconds given, and what was charged when the minimum applied.
    let seconds = if given == charged {
        given
    } else {
        format!("{given} (minimum {charged} charged)")
    };
    let mut out = vec![
        row.line.to_string(),
        esc(&row.model).into_owned(),
        row.kind.name().to_owned(),
        steps,
        size,
        count,
        input,
        output,
        seconds,
        money(row.price, places),
    ];
    out.extend(dated_cells(header, row));
    out.extend(row.extra.iter().map(|e| esc(e).into_owned()));
    out
}

fn units(sum: &ModelSum) -> String {
    match sum.meter {
        "token" => format!("{} in + {} out tokens", sum.input, sum.output),
        "second" => format!("{} s", super::exact(sum.seconds)),
        _ => format!("{} megapixel-steps ({} image(s))", sum.units, sum.images),
    }
}

fn closing(total: &MixedTotal, tariff: &Tariff) -> String {
    let amount = format!(
        "{} {}",
        money(total.price, tariff.display.decimals),
        tariff.currency
    );
    let what = format!("{} row(s)", total.rows);
    match total.kind() {
        Kind::Exact => format!("{amount} for {what}"),
        Kind::Bound => format!(
            "at most {amount} for {what} ({} of them upper bounds)",
            total.bounds
        ),
        Kind::Estimate => format!(
            "about {amount} for {what} ({} estimated, {} upper bounds)",
            total.estimates, total.bounds
        ),
    }
}

fn sum_cells(sum: &ModelSum, places: u32) -> Vec<String> {
    vec![
        esc(&sum.model).into_owned(),
        sum.meter.to_owned(),
        sum.kind.name().to_owned(),
        sum.rows.to_string(),
        units(sum),
        money(sum.price, places),
    ]
}

const SUM_COLUMNS: [&str; 6] = ["model", "meter", "kind", "rows", "units", "total"];

/// The drawn job table's column names.
fn table_names(header: &MixedHeader<'_>) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| c.replace('_', " "))
        .chain(dated_names(header).iter().map(|c| c.replace('_', " ")))
        .chain(header.extra.iter().map(|e| esc(e).into_owned()))
        .collect()
}

/// The drawn job table's columns aligned right: the numbers, and the rates of dated rows.
fn table_right(header: &MixedHeader<'_>) -> Vec<usize> {
    let mut right = vec![0, 3, 5, 6, 7, 8, 9];
    if header.dated {
        // After the date: rate, input rate, output rate, per.
        right.extend(COLUMNS.len() + 1..COLUMNS.len() + DATED_COLUMNS.len());
    }
    right
}

/// The drawn job table's column widths before any row: its column names.
pub fn table_widths(header: &MixedHeader<'_>) -> Vec<usize> {
    let names = table_names(header);
    let mut widths = vec![0; names.len()];
    super::table::widen(&mut widths, &names);
    widths
}

/// Widens `widths` to hold `row` in the drawn job table.
pub fn widen_table(header: &MixedHeader<'_>, widths: &mut [usize], row: &MixedRow) {
    super::table::widen(widths, &cells(header, row));
}

/// The format a [`Listing`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `--format table`.
    Table,
    /// `--format markdown`.
    Markdown,
    /// `--format csv`: rows, a subtotal per model and the total; `units` is megapixel-steps
    /// for images, tokens in + out for chat, seconds charged for speech.
    Csv,
    /// `--format json`: `bound` is true when any row is an upper bound (the total is then
    /// one), `estimated` when any row is an estimate.
    Json,
}

/// A mixed workload's output, written as it goes: [`Listing::begin`], a [`Listing::row`] per
/// row (none for totals alone), then [`Listing::end`] with the totals. Nothing is held but the
/// drawn table's column widths, which the caller finds first ([`table_widths`],
/// [`widen_table`]) over the same rows.
pub struct Listing<'h> {
    header: &'h MixedHeader<'h>,
    form: Form,
    listed: bool,
    written: u64,
    widths: Vec<usize>,
    json: Option<(super::json::Open, Option<super::json::Open>)>,
    line: Vec<u8>,
}

impl<'h> Listing<'h> {
    /// A listing in `form`; `listed` when rows are written (else the totals alone); `widths`
    /// the drawn table's, found over every row to be written.
    pub fn new(header: &'h MixedHeader<'h>, form: Form, listed: bool, widths: Vec<usize>) -> Self {
        Listing {
            header,
            form,
            listed,
            written: 0,
            widths,
            json: None,
            line: Vec::new(),
        }
    }

    /// What goes before the first row.
    pub fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let header = self.header;
        match self.form {
            Form::Table => Ok(()),
            Form::Markdown => {
                if !self.listed {
                    return Ok(());
                }
                let names: Vec<String> = COLUMNS
                    .iter()
                    .chain(dated_names(header))
                    .map(|c| (*c).to_owned())
                    .chain(header.extra.iter().map(|e| esc(e).into_owned()))
                    .collect();
                markdown_line(out, &names)?;
                let right = table_right(header);
                let rule: Vec<&str> = (0..names.len())
                    .map(|i| if right.contains(&i) { "---:" } else { "---" })
                    .collect();
                writeln!(out, "| {} |", rule.join(" | "))
            }
            Form::Csv => {
                let mut line = Vec::new();
                for (i, name) in csv_names(header).iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    line.extend_from_slice(name.as_bytes());
                }
                for name in header.extra {
                    line.push(b',');
                    super::csv::push_text(&mut line, name);
                }
                line.push(b'\n');
                out.write_all(&line)
            }
            Form::Json => {
                let mut doc = super::json::Open::object(out, 0)?;
                doc.member(out, "schema_version", &json!(1))?;
                doc.member(out, "currency", &json!(header.tariff.currency))?;
                let jobs = if self.listed {
                    doc.key(out, "jobs")?;
                    Some(super::json::Open::array(out, 1)?)
                } else {
                    None
                };
                self.json = Some((doc, jobs));
                Ok(())
            }
        }
    }

    /// One row.
    pub fn row(&mut self, out: &mut dyn Write, row: &MixedRow) -> io::Result<()> {
        let header = self.header;
        let first = self.written == 0;
        self.written += 1;
        match self.form {
            Form::Table => {
                let right = table_right(header);
                if first {
                    super::table::open_table(out, &self.widths, &table_names(header), &right)?;
                }
                super::table::draw_row(out, &self.widths, &cells(header, row), &right)
            }
            Form::Markdown => markdown_line(out, &cells(header, row)),
            Form::Csv => {
                csv_row(&mut self.line, header, row);
                out.write_all(&self.line)
            }
            Form::Json => {
                let Some((_, Some(jobs))) = &mut self.json else {
                    return Ok(());
                };
                jobs.next(out)?;
                super::json::pretty(out, 2, &row_json(header, row))
            }
        }
    }

    /// The totals, after the last row.
    pub fn end(self, out: &mut dyn Write, total: &MixedTotal) -> io::Result<()> {
        let header = self.header;
        let tariff = header.tariff;
        let places = tariff.display.decimals;
        match self.form {
            Form::Table => {
                if self.listed {
                    if self.written > 0 {
                        super::table::close_table(out, &self.widths)?;
                    } else {
                        let t = super::table::new_table(table_names(header), &table_right(header));
                        writeln!(out, "{t}")?;
                    }
                }
                let mut t = super::table::new_table(
                    SUM_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
                    &[3, 5],
                );
                for sum in &total.by_model {
                    t.add_row(sum_cells(sum, places));
                }
                t.add_row(vec![
                    total.label().to_owned(),
                    String::new(),
                    total.kind().name().to_owned(),
                    total.rows.to_string(),
                    String::new(),
                    money(total.price, places),
                ]);
                writeln!(out, "{t}")?;
                writeln!(out, "{}", closing(total, tariff))
            }
            Form::Markdown => {
                if self.listed {
                    writeln!(out)?;
                }
                writeln!(out, "| {} |", SUM_COLUMNS.join(" | "))?;
                writeln!(out, "| --- | --- | --- | ---: | --- | ---: |")?;
                for sum in &total.by_model {
                    markdown_line(out, &sum_cells(sum, places))?;
                }
                writeln!(
                    out,
                    "| **{}** |  | {} | {} |  | **{} {}** |",
                    total.label(),
                    total.kind().name(),
                    total.rows,
                    money(total.price, places),
                    tariff.currency
                )
            }
            Form::Csv => csv_totals(out, header, total),
            Form::Json => {
                let Some((mut doc, jobs)) = self.json else {
                    return Ok(());
                };
                if let Some(jobs) = jobs {
                    jobs.close(out)?;
                }
                let by_model: Vec<Value> =
                    total.by_model.iter().map(|s| sum_json(tariff, s)).collect();
                doc.member(out, "by_model", &Value::Array(by_model))?;
                doc.member(out, "jobs_count", &json!(total.rows))?;
                doc.member(out, "skipped", &json!(total.skipped))?;
                doc.member(out, "kind", &json!(total.kind().name()))?;
                doc.member(out, "bound", &json!(total.bounds > 0))?;
                doc.member(out, "estimated", &json!(total.estimates > 0))?;
                doc.member(out, "exact", &json!(total.exact.to_string()))?;
                doc.member(out, "total", &json!(money(total.price, places)))?;
                doc.member(out, "tariff", &super::json::provenance(tariff))?;
                doc.close(out)?;
                writeln!(out)
            }
        }
    }
}

/// One markdown table line; markup in carried text is shown literally, as in every markdown
/// output.
fn markdown_line(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let joined: Vec<String> = cells.iter().map(|c| super::markdown::cell(c)).collect();
    writeln!(out, "| {} |", joined.join(" | "))
}

/// The CSV header's own columns (carried ones follow).
fn csv_names(header: &MixedHeader<'_>) -> Vec<&'static str> {
    let mut names = COLUMNS.to_vec();
    names.insert(9, "seconds_charged");
    names.insert(10, "exact");
    names.extend(dated_names(header));
    names
}

/// One CSV row into `line` (cleared first): raw cells, not the table's words; text from the
/// input (the model, carried cells) as every CSV output writes it.
fn csv_row(line: &mut Vec<u8>, header: &MixedHeader<'_>, row: &MixedRow) {
    line.clear();
    let places = header.tariff.display.decimals;
    let [steps, size, count, input, output, given, charged] = used_cells(&row.used);
    line.extend_from_slice(row.line.to_string().as_bytes());
    line.push(b',');
    super::csv::push_text(line, &row.model);
    let figures = [
        row.kind.name().to_owned(),
        steps,
        size,
        count,
        input,
        output,
        given,
        charged,
        row.exact.to_string(),
        money(row.price, places),
    ];
    for cell in figures.iter().chain(&dated_cells(header, row)) {
        line.push(b',');
        line.extend_from_slice(cell.as_bytes());
    }
    for extra in &row.extra {
        line.push(b',');
        super::csv::push_text(line, extra);
    }
    line.push(b'\n');
}

/// The CSV subtotals and total.
fn csv_totals(out: &mut dyn Write, header: &MixedHeader<'_>, total: &MixedTotal) -> io::Result<()> {
    let places = header.tariff.display.decimals;
    let width = csv_names(header).len() + header.extra.len();
    let write = |out: &mut dyn Write, mut cells: Vec<String>, model: &str| -> io::Result<()> {
        cells.resize(width, String::new());
        let mut line = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            if i == 1 {
                super::csv::push_text(&mut line, model);
            } else {
                line.extend_from_slice(cell.as_bytes());
            }
        }
        line.push(b'\n');
        out.write_all(&line)
    };
    for sum in &total.by_model {
        let (images, input, output, charged) = match sum.meter {
            "token" => (
                String::new(),
                sum.input.to_string(),
                sum.output.to_string(),
                String::new(),
            ),
            "second" => (
                String::new(),
                String::new(),
                String::new(),
                super::exact(sum.seconds),
            ),
            _ => (
                sum.images.to_string(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        write(
            out,
            vec![
                "subtotal".into(),
                String::new(),
                sum.kind.name().into(),
                String::new(),
                String::new(),
                images,
                input,
                output,
                String::new(),
                charged,
                sum.exact.to_string(),
                money(sum.price, places),
            ],
            &sum.model,
        )?;
    }
    let mut c = vec!["total".into(), String::new(), total.kind().name().into()];
    c.resize(12, String::new());
    c[10] = total.exact.to_string();
    c[11] = money(total.price, places);
    write(out, c, "")
}

/// The page a model's prices were read from and the day they were read: the model's own
/// `source` and `as_of` where the tariff gives them, else the tariff's (which then covers the
/// model), so every row and subtotal names one.
fn source_members(o: &mut serde_json::Map<String, Value>, tariff: &Tariff, index: usize) {
    let model = tariff.models.get(index);
    let source = model
        .and_then(|m| m.source.as_deref())
        .unwrap_or(&tariff.source);
    let as_of = model
        .and_then(|m| m.as_of.as_deref())
        .unwrap_or(&tariff.as_of);
    o.insert("model_source".into(), json!(source));
    o.insert("model_as_of".into(), json!(as_of));
}

fn row_json(header: &MixedHeader<'_>, row: &MixedRow) -> Value {
    let places = header.tariff.display.decimals;
    let mut v = json!({
        "line": row.line,
        "model": row.model,
        "kind": row.kind.name(),
    });
    let o = v.as_object_mut().expect("an object");
    match &row.used {
        Used::Image {
            steps,
            size,
            count,
            units,
            ..
        } => {
            o.insert("meter".into(), json!("megapixel-step"));
            o.insert("steps".into(), json!(steps));
            o.insert("size".into(), json!(size.to_string()));
            o.insert("count".into(), json!(count));
            o.insert("units".into(), json!(units.to_string()));
        }
        Used::Tokens { input, output, .. } => {
            o.insert("meter".into(), json!("token"));
            o.insert("input_tokens".into(), json!(input));
            o.insert("output_tokens".into(), json!(output));
        }
        Used::Seconds { given, charged, .. } => {
            o.insert("meter".into(), json!("second"));
            o.insert("seconds".into(), json!(super::exact(*given)));
            o.insert("seconds_charged".into(), json!(super::exact(*charged)));
        }
    }
    o.insert("exact".into(), json!(row.exact.to_string()));
    o.insert("price".into(), json!(money(row.price, places)));
    // As in an image-only batch: the day priced on, the rates applied and since when (a chat
    // row's two, each per `per` tokens, as `models` names them).
    let day = |day: &Option<Day>| json!(day.map(|d| d.to_string()));
    match &row.used {
        Used::Image {
            day: d,
            rate,
            rate_from,
            ..
        }
        | Used::Seconds {
            day: d,
            rate,
            rate_from,
            ..
        } => {
            o.insert("date".into(), day(d));
            o.insert("rate".into(), json!(super::exact(*rate)));
            o.insert("rate_from".into(), day(rate_from));
        }
        Used::Tokens {
            day: d,
            input_rate,
            output_rate,
            per,
            rate_from,
            ..
        } => {
            o.insert("date".into(), day(d));
            o.insert("input_rate".into(), json!(super::exact(*input_rate)));
            o.insert("output_rate".into(), json!(super::exact(*output_rate)));
            o.insert("per".into(), json!(per));
            o.insert("rate_from".into(), day(rate_from));
        }
    }
    source_members(o, header.tariff, row.model_index);
    if !row.extra.is_empty() {
        o.insert("extra".into(), json!(row.extra));
    }
    v
}

fn sum_json(tariff: &Tariff, s: &ModelSum) -> Value {
    let places = tariff.display.decimals;
    let mut v = json!({
        "model": s.model,
        "meter": s.meter,
        "kind": s.kind.name(),
        "rows": s.rows,
    });
    let o = v.as_object_mut().expect("an object");
    match s.meter {
        "token" => {
            o.insert("input_tokens".into(), json!(s.input.to_string()));
            o.insert("output_tokens".into(), json!(s.output.to_string()));
        }
        "second" => {
            o.insert("seconds_charged".into(), json!(super::exact(s.seconds)));
        }
        _ => {
            o.insert("images".into(), json!(s.images.to_string()));
            o.insert("units".into(), json!(s.units.to_string()));
        }
    }
    o.insert("exact".into(), json!(s.exact.to_string()));
    o.insert("total".into(), json!(money(s.price, places)));
    source_members(o, tariff, s.model_index);
    v
}

/// `--format plain`: the total alone (an upper bound when any row is one; the caller notes it
/// on standard error).
pub fn plain(out: &mut dyn Write, tariff: &Tariff, total: &MixedTotal) -> io::Result<()> {
    writeln!(out, "{}", money(total.price, tariff.display.decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, model: &str, used: Used, extra: &[&str]) -> MixedRow {
        MixedRow {
            line,
            model_index: 0,
            model: model.to_owned(),
            kind: Kind::Exact,
            used,
            exact: Exact::ZERO,
            price: Decimal::new(12, 4),
            extra: extra.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    /// The streamed job table is the table comfy-table draws over the same rows, wide
    /// characters, dated columns and carried cells included.
    #[test]
    fn the_streamed_table_is_what_comfy_table_draws() {
        let tariff = crate::tariff::Tariff::builtin().unwrap();
        let image = Used::Image {
            steps: 20,
            size: Size {
                width: 512,
                height: 512,
            },
            count: 1,
            units: Exact::from_int(5),
            day: Some("2026-12-02".parse().unwrap()),
            rate: Decimal::new(13, 4),
            rate_from: None,
        };
        let rows = [
            row(1, "flux-dev", image, &["日本語 note"]),
            row(
                12345,
                "Llama-3.3 70B",
                Used::Tokens {
                    input: 1200,
                    output: 300,
                    day: Some("2026-12-02".parse().unwrap()),
                    input_rate: Decimal::new(7, 1),
                    output_rate: Decimal::new(8, 1),
                    per: 1_000_000,
                    rate_from: None,
                },
                &["x"],
            ),
            row(
                7,
                "Chatterbox",
                Used::Seconds {
                    given: Decimal::new(4, 1),
                    charged: Decimal::ONE,
                    day: None,
                    rate: Decimal::new(30, 4),
                    rate_from: None,
                },
                &["héllo"],
            ),
        ];
        let extra = ["team ✓".to_owned()];
        for dated in [false, true] {
            let header = MixedHeader {
                tariff: &tariff,
                extra: &extra,
                dated,
            };
            let mut comfy =
                super::super::table::new_table(table_names(&header), &table_right(&header));
            let mut widths = table_widths(&header);
            for r in &rows {
                comfy.add_row(cells(&header, r));
                widen_table(&header, &mut widths, r);
            }
            let mut streamed = Vec::new();
            let mut listing = Listing::new(&header, Form::Table, true, widths.clone());
            listing.begin(&mut streamed).unwrap();
            for r in &rows {
                listing.row(&mut streamed, r).unwrap();
            }
            super::super::table::close_table(&mut streamed, &widths).unwrap();
            let streamed = String::from_utf8(streamed).unwrap();
            assert_eq!(streamed, format!("{comfy}\n"), "dated: {dated}");
        }
    }
}
