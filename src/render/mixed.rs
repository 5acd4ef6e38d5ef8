//! A mixed workload's rows and totals (images, chat tokens, speech seconds), one function per
//! format. Every row says whether its figure is exact, an upper bound or an estimate; a total
//! with a bound in it says "at most".

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::money;
use crate::batch::mixed::Kind;
use crate::escape::escaped as esc;
use crate::exact::Exact;
use crate::size::Size;
use crate::tariff::Tariff;

/// What a row used, per meter.
#[derive(Clone, Debug)]
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
    },
    /// Tokens.
    Tokens {
        /// Input tokens.
        input: u64,
        /// Output tokens.
        output: u64,
    },
    /// Seconds of audio.
    Seconds {
        /// As given.
        given: Decimal,
        /// As charged (the per-request minimum when more).
        charged: Decimal,
    },
}

/// One priced row.
#[derive(Clone, Debug)]
pub struct MixedRow {
    /// Input line.
    pub line: u64,
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

fn cells(row: &MixedRow, places: u32) -> Vec<String> {
    let blank = String::new;
    let (steps, size, count, input, output, seconds) = match &row.used {
        Used::Image {
            steps, size, count, ..
        } => (
            steps.to_string(),
            size.to_string(),
            count.to_string(),
            blank(),
            blank(),
            blank(),
        ),
        Used::Tokens { input, output } => (
            blank(),
            blank(),
            blank(),
            input.to_string(),
            output.to_string(),
            blank(),
        ),
        Used::Seconds { given, charged } => (
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
            if given == charged {
                super::exact(*given)
            } else {
                format!(
                    "{} (minimum {} charged)",
                    super::exact(*given),
                    super::exact(*charged)
                )
            },
        ),
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

/// `--format table`.
pub fn table(
    out: &mut dyn Write,
    tariff: &Tariff,
    extra: &[String],
    rows: Option<&[MixedRow]>,
    total: &MixedTotal,
) -> io::Result<()> {
    let places = tariff.display.decimals;
    let new = super::table::new_table;
    if let Some(rows) = rows {
        let mut header: Vec<String> = COLUMNS.iter().map(|c| c.replace('_', " ")).collect();
        header.extend(extra.iter().map(|e| esc(e).into_owned()));
        let mut t = new(header, &[0, 3, 5, 6, 7, 8, 9]);
        for row in rows {
            t.add_row(cells(row, places));
        }
        writeln!(out, "{t}")?;
    }
    let mut t = new(
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

/// `--format markdown`.
pub fn markdown(
    out: &mut dyn Write,
    tariff: &Tariff,
    extra: &[String],
    rows: Option<&[MixedRow]>,
    total: &MixedTotal,
) -> io::Result<()> {
    let places = tariff.display.decimals;
    let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
        // Markup in carried text is shown literally, as in every markdown output.
        let joined: Vec<String> = cells.iter().map(|c| super::markdown::cell(c)).collect();
        writeln!(out, "| {} |", joined.join(" | "))
    };
    if let Some(rows) = rows {
        let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        header.extend(extra.iter().map(|e| esc(e).into_owned()));
        line(out, &header)?;
        let rule: Vec<String> = (0..header.len())
            .map(|i| {
                if [0, 3, 5, 6, 7, 8, 9].contains(&i) {
                    "---:".to_owned()
                } else {
                    "---".to_owned()
                }
            })
            .collect();
        writeln!(out, "| {} |", rule.join(" | "))?;
        for row in rows {
            line(out, &cells(row, places))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "| {} |", SUM_COLUMNS.join(" | "))?;
    writeln!(out, "| --- | --- | --- | ---: | --- | ---: |")?;
    for sum in &total.by_model {
        line(out, &sum_cells(sum, places))?;
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

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `--format csv`: rows, a subtotal per model and the total; `units` is megapixel-steps for
/// images, tokens in + out for chat, seconds charged for speech.
pub fn csv(
    out: &mut dyn Write,
    tariff: &Tariff,
    extra: &[String],
    rows: Option<&[MixedRow]>,
    total: &MixedTotal,
) -> io::Result<()> {
    let places = tariff.display.decimals;
    let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    header.insert(9, "seconds_charged".to_owned());
    header.insert(10, "exact".to_owned());
    header.extend(extra.iter().cloned());
    let write = |out: &mut dyn Write, cells: Vec<String>| -> io::Result<()> {
        let joined: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        writeln!(out, "{}", joined.join(","))
    };
    write(out, header.clone())?;
    for row in rows.unwrap_or(&[]) {
        let mut c = cells(row, places);
        // Raw cells, not the table's words.
        let (given, charged) = match &row.used {
            Used::Seconds { given, charged } => (super::exact(*given), super::exact(*charged)),
            _ => (String::new(), String::new()),
        };
        c[2] = row.kind.name().to_owned();
        c[8] = given;
        c.insert(9, charged);
        c.insert(10, row.exact.to_string());
        c[1] = row.model.clone();
        for (i, e) in row.extra.iter().enumerate() {
            c[12 + i] = e.clone();
        }
        write(out, c)?;
    }
    let pad = |mut c: Vec<String>| {
        c.resize(header.len(), String::new());
        c
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
            pad(vec![
                "subtotal".into(),
                sum.model.clone(),
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
            ]),
        )?;
    }
    let mut c = pad(vec![
        "total".into(),
        String::new(),
        total.kind().name().into(),
    ]);
    c[10] = total.exact.to_string();
    c[11] = money(total.price, places);
    write(out, c)
}

fn row_json(row: &MixedRow, places: u32) -> Value {
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
        } => {
            o.insert("meter".into(), json!("megapixel-step"));
            o.insert("steps".into(), json!(steps));
            o.insert("size".into(), json!(size.to_string()));
            o.insert("count".into(), json!(count));
            o.insert("units".into(), json!(units.to_string()));
        }
        Used::Tokens { input, output } => {
            o.insert("meter".into(), json!("token"));
            o.insert("input_tokens".into(), json!(input));
            o.insert("output_tokens".into(), json!(output));
        }
        Used::Seconds { given, charged } => {
            o.insert("meter".into(), json!("second"));
            o.insert("seconds".into(), json!(super::exact(*given)));
            o.insert("seconds_charged".into(), json!(super::exact(*charged)));
        }
    }
    o.insert("exact".into(), json!(row.exact.to_string()));
    o.insert("price".into(), json!(money(row.price, places)));
    if !row.extra.is_empty() {
        o.insert("extra".into(), json!(row.extra));
    }
    v
}

/// `--format json`: `bound` is true when any row is an upper bound (the total is then one),
/// `estimated` when any row is an estimate.
pub fn json(
    out: &mut dyn Write,
    tariff: &Tariff,
    rows: Option<&[MixedRow]>,
    total: &MixedTotal,
) -> io::Result<()> {
    let places = tariff.display.decimals;
    let by_model: Vec<Value> = total
        .by_model
        .iter()
        .map(|s| {
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
            v
        })
        .collect();
    let mut doc = json!({
        "schema_version": 1,
        "currency": tariff.currency,
    });
    let o = doc.as_object_mut().expect("an object");
    if let Some(rows) = rows {
        o.insert(
            "jobs".into(),
            Value::Array(rows.iter().map(|r| row_json(r, places)).collect()),
        );
    }
    o.insert("by_model".into(), Value::Array(by_model));
    o.insert("jobs_count".into(), json!(total.rows));
    o.insert("skipped".into(), json!(total.skipped));
    o.insert("kind".into(), json!(total.kind().name()));
    o.insert("bound".into(), json!(total.bounds > 0));
    o.insert("estimated".into(), json!(total.estimates > 0));
    o.insert("exact".into(), json!(total.exact.to_string()));
    o.insert("total".into(), json!(money(total.price, places)));
    o.insert("tariff".into(), super::json::provenance(tariff));
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `--format plain`: the total alone (an upper bound when any row is one; the caller notes it
/// on standard error).
pub fn plain(out: &mut dyn Write, tariff: &Tariff, total: &MixedTotal) -> io::Result<()> {
    writeln!(out, "{}", money(total.price, tariff.display.decimals))
}
