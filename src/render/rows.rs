//! The one layout of a batch's rows and totals, for every item kind: which columns a listing
//! has, decided before the first row from the tariff's meters and the input's columns, and
//! each row's cells as text (the drawn table and Markdown write these; CSV and JSON write the
//! same columns straight into bytes).

use super::{BatchHeader, exact, money};
use crate::batch::{Defaults, MeteredRow, ModelTotal, Priced, Summary, Used};
use crate::tariff::{Metering, Tariff};

/// Which meters' columns a batch's rows carry besides the image ones: decided before reading,
/// from what the input can hold (a CSV's columns; for JSON Lines, the tariff's meters), so a
/// listing has the same columns whatever mix of rows it meets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// `input_tokens` and `output_tokens` (and with dated rows, `input_rate`, `output_rate`
    /// and `per`).
    pub tokens: bool,
    /// `seconds` and `seconds_charged`.
    pub seconds: bool,
}

impl Layout {
    /// The layout of JSON Lines under `tariff`: a column for each meter it has.
    pub fn of_tariff(tariff: &Tariff) -> Layout {
        let has = |f: fn(&Metering) -> bool| tariff.models.iter().any(|m| f(&m.metering));
        Layout {
            tokens: has(|m| matches!(m, Metering::Token(_))),
            seconds: has(|m| matches!(m, Metering::Second(_))),
        }
    }

    /// Whether rows carry chat or speech columns, and so a `kind` column.
    pub fn metered(self) -> bool {
        self.tokens || self.seconds
    }
}

/// The columns of a batch's rows, in order, before the dated and the carried ones.
pub fn job_columns(layout: Layout) -> Vec<&'static str> {
    let mut names = vec!["line", "model"];
    if layout.metered() {
        names.push("kind");
    }
    names.extend(["steps", "size", "count", "units"]);
    if layout.tokens {
        names.extend(["input_tokens", "output_tokens"]);
    }
    if layout.seconds {
        names.extend(["seconds", "seconds_charged"]);
    }
    // A chat or speech price may be shown below the tariff's places; its exact figure beside it.
    if layout.metered() {
        names.push("exact");
    }
    names.push("price");
    names
}

/// The columns dated rows add after the price: the day each row is priced on and the rate
/// applied (per unit of an image or speech row; a chat row's two rates are `input_rate` and
/// `output_rate`, each per `per` tokens).
pub fn dated_columns(header: &BatchHeader<'_>) -> &'static [&'static str] {
    match (header.dated, header.layout.tokens) {
        (false, _) => &[],
        (true, false) => &["date", "rate"],
        (true, true) => &["date", "rate", "input_rate", "output_rate", "per"],
    }
}

/// Every output column of a batch's rows, carried ones aside: what a carried column may not
/// be named.
pub fn output_columns(header: &BatchHeader<'_>) -> Vec<&'static str> {
    let mut names = job_columns(header.layout);
    names.extend(dated_columns(header));
    names
}

/// Which of [`output_columns`] hold figures (aligned right where columns are drawn).
pub fn is_figure(column: &str) -> bool {
    !matches!(column, "model" | "kind" | "size" | "date")
}

/// An image job's cells, in [`output_columns`] order.
pub fn image_cells(header: &BatchHeader<'_>, row: &Priced<'_>, model: String) -> Vec<String> {
    let layout = header.layout;
    let mut cells = vec![row.line.to_string(), model];
    if layout.metered() {
        cells.push("exact".to_owned());
    }
    // A part the row left out is the model's default, and says so.
    let marked = |text: String, part: Defaults| {
        if row.defaults.has(part) {
            format!("{text} (default)")
        } else {
            text
        }
    };
    cells.extend([
        marked(row.job.steps.to_string(), Defaults::STEPS),
        marked(row.job.size.to_string(), Defaults::SIZE),
        marked(super::grouped(row.job.count), Defaults::COUNT),
        row.quote
            .map(|q| super::grouped(q.units))
            .unwrap_or_default(),
    ]);
    let blanks = 2 * usize::from(layout.tokens) + 2 * usize::from(layout.seconds);
    cells.extend(std::iter::repeat_n(String::new(), blanks));
    if layout.metered() {
        cells.push(row.quote.map(|q| q.exact.to_string()).unwrap_or_default());
    }
    cells.push(
        row.quote
            .map(|q| money(q.price, header.tariff.display.decimals))
            .unwrap_or_default(),
    );
    if header.dated {
        cells.push(row.day.map(|d| d.to_string()).unwrap_or_default());
        cells.push(exact(row.rate));
        if layout.tokens {
            cells.extend([String::new(), String::new(), String::new()]);
        }
    }
    cells
}

/// A chat or speech row's cells, in [`output_columns`] order.
pub fn metered_cells(header: &BatchHeader<'_>, row: &MeteredRow<'_>, model: String) -> Vec<String> {
    let layout = header.layout;
    let blank = String::new;
    let mut cells = vec![
        row.line.to_string(),
        model,
        row.kind.name().to_owned(),
        blank(),
        blank(),
        blank(),
        blank(),
    ];
    let (tokens, seconds, rate) = match row.used {
        Used::Tokens { input, output, .. } => (
            [
                super::grouped(input),
                if row.defaults.has(Defaults::OUTPUT_CAP) {
                    format!("{} (default cap)", super::grouped(output))
                } else {
                    super::grouped(output)
                },
            ],
            [blank(), blank()],
            None,
        ),
        Used::Seconds {
            given,
            charged,
            rate,
        } => (
            [blank(), blank()],
            // What was charged is marked where the minimum raised it.
            [
                super::grouped(exact(given)),
                if given == charged {
                    super::grouped(exact(charged))
                } else {
                    format!("{} (minimum)", super::grouped(exact(charged)))
                },
            ],
            Some(rate),
        ),
    };
    if layout.tokens {
        cells.extend(tokens);
    }
    if layout.seconds {
        cells.extend(seconds);
    }
    cells.push(row.exact.to_string());
    cells.push(money(row.price, header.tariff.display.decimals));
    if header.dated {
        cells.push(row.day.map(|d| d.to_string()).unwrap_or_default());
        cells.push(rate.map(exact).unwrap_or_default());
        if layout.tokens {
            match row.used {
                Used::Tokens {
                    input_rate,
                    output_rate,
                    per,
                    ..
                } => cells.extend([exact(input_rate), exact(output_rate), per.to_string()]),
                Used::Seconds { .. } => cells.extend([blank(), blank(), blank()]),
            }
        }
    }
    cells
}

/// The columns of a batch's totals.
pub fn total_columns(layout: Layout) -> Vec<&'static str> {
    if layout.metered() {
        vec!["model", "meter", "kind", "jobs", "images", "units", "total"]
    } else {
        vec!["model", "jobs", "images", "units", "total"]
    }
}

/// What a model's jobs used, in words where they are not images.
pub fn model_units(total: &ModelTotal<'_>) -> String {
    match total.model.metering {
        Metering::Token(_) => format!(
            "{} in + {} out tokens",
            super::grouped(total.input_tokens),
            super::grouped(total.output_tokens)
        ),
        Metering::Second(_) => format!("{} s", super::grouped(exact(total.seconds))),
        Metering::MegapixelStep => super::grouped(total.units),
    }
}

/// A model's totals cells, in [`total_columns`] order.
pub fn total_cells(
    layout: Layout,
    total: &ModelTotal<'_>,
    places: u32,
    model: String,
) -> Vec<String> {
    let mut cells = vec![model];
    if layout.metered() {
        cells.push(total.model.metering.name().to_owned());
        cells.push(total.kind.name().to_owned());
    }
    let images = match total.model.metering {
        Metering::MegapixelStep => super::grouped(total.images),
        _ => String::new(),
    };
    cells.extend([
        super::grouped(total.jobs),
        images,
        model_units(total),
        money(total.price, places),
    ]);
    cells
}

/// The last row of the totals: the label, then the job and image counts and the total.
pub fn grand_total_cells(layout: Layout, summary: &Summary<'_>, total: String) -> Vec<String> {
    let mut cells = vec![summary.label().to_owned()];
    if layout.metered() {
        cells.push(String::new());
        cells.push(summary.kind().name().to_owned());
    }
    cells.extend([
        super::grouped(summary.jobs),
        super::grouped(summary.images),
        String::new(),
        total,
    ]);
    cells
}

/// The sentence under the totals: how much, for what, and how sure; and how many jobs took the
/// API's default, marked in their rows when `rows_shown`.
pub fn closing(summary: &Summary<'_>, tariff: &Tariff, currency: &str, rows_shown: bool) -> String {
    let amount = format!(
        "{} {currency}",
        money(summary.price, tariff.display.decimals)
    );
    let (images, jobs) = (super::grouped(summary.images), super::grouped(summary.jobs));
    let what = if summary.by_model.iter().all(|m| m.model.is_image()) {
        format!("{images} image(s) in {jobs} job(s)")
    } else {
        format!("{jobs} job(s)")
    };
    let sentence = match summary.kind() {
        crate::batch::Kind::Exact => format!("{amount} for {what}"),
        crate::batch::Kind::Bound => format!(
            "at most {amount} for {what} ({} of them upper bounds)",
            summary.bounds
        ),
        crate::batch::Kind::Estimate => format!(
            "about {amount} for {what} ({} estimated, {} upper bounds)",
            summary.estimates, summary.bounds
        ),
    };
    let marks = if rows_shown {
        "marked default in their rows"
    } else {
        "--format json lists them per job"
    };
    match defaulted(summary, marks) {
        Some(note) => format!("{sentence}; {note}"),
        None => sentence,
    }
}

/// How many jobs left a part of the request to the API's default, in words; `None` when none.
/// `marks` says where the output shows which.
pub fn defaulted(summary: &Summary<'_>, marks: &str) -> Option<String> {
    (summary.defaulted > 0).then(|| {
        format!(
            "{} job(s) priced at the API's default for a key they left out ({marks})",
            summary.defaulted
        )
    })
}
