//! Pricing whole workloads: rows read one at a time, priced, and summed exactly.

pub mod input;
pub mod totals;

pub use input::{InputFormat, Row, RowError, Rows};
pub use totals::{ModelTotal, Summary, Totals};

use std::borrow::Cow;

use crate::job::{Job, Request};
use crate::pricing::{Quote, quote};
use crate::tariff::{Model, Tariff};

/// One priced row.
pub struct Priced<'a> {
    /// The input line.
    pub line: u64,
    /// Index of the model in the tariff.
    pub model_index: usize,
    /// The model.
    pub model: &'a Model,
    /// The checked job.
    pub job: Job,
    /// Its price, or `None` when only totals are wanted and the total needs no per-row price.
    pub quote: Option<Quote>,
    /// Carried-through CSV columns.
    pub extra: Vec<Cow<'a, str>>,
}

/// Fills a row from the model's defaults, checks the limits and prices it.
///
/// With `need_quote` false (a summary) and a model without a minimum, no per-row arithmetic is
/// done: the totals sum integer pixel-steps.
pub fn price_row<'a>(
    tariff: &'a Tariff,
    row: Row<'a>,
    allow_out_of_range: bool,
    need_quote: bool,
) -> Result<(Priced<'a>, Vec<String>), RowError> {
    let (model_index, model) = match &row.model {
        None => {
            let m = tariff.default_model();
            (
                tariff
                    .models
                    .iter()
                    .position(|x| std::ptr::eq(x, m))
                    .unwrap_or(0),
                m,
            )
        }
        Some(query) => {
            let found = tariff
                .models
                .iter()
                .enumerate()
                .find(|(_, m)| m.names().any(|n| n.eq_ignore_ascii_case(query)));
            match found.or_else(|| {
                let m = tariff.find_model(query)?;
                tariff
                    .models
                    .iter()
                    .position(|x| std::ptr::eq(x, m))
                    .map(|i| (i, m))
            }) {
                Some(found) => found,
                None => {
                    let known: Vec<&str> = tariff.models.iter().flat_map(Model::names).collect();
                    let hint = tariff
                        .nearest_model(query)
                        .map(|n| format!("did you mean {n:?}? "))
                        .unwrap_or_default();
                    return Err(RowError::new(
                        row.line,
                        "model",
                        query,
                        format!(
                            "is not a model of the tariff; {hint}(models: {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
    };
    let resolved = Request {
        steps: row.steps,
        size: row.size,
        count: row.count,
    }
    .resolve(model);
    let job = resolved.job;
    let mut warnings = Vec::new();
    for breach in job.breaches(model) {
        if !allow_out_of_range {
            return Err(RowError::new(
                row.line,
                breach.what(),
                &breach.value().to_string(),
                format!(
                    "{breach}; the API would refuse it (--allow-out-of-range prices it anyway)"
                ),
            ));
        }
        warnings.push(format!(
            "line {}: {breach}; the API would refuse it, priced anyway",
            row.line
        ));
    }
    let quote = if need_quote || !model.minimum.is_zero() {
        Some(quote(model, &job, tariff.display).map_err(|e| {
            RowError::new(
                row.line,
                "row",
                &format!("{} steps, {}, {} images", job.steps, job.size, job.count),
                e.to_string(),
            )
        })?)
    } else {
        None
    };
    Ok((
        Priced {
            line: row.line,
            model_index,
            model,
            job,
            quote,
            extra: row.extra,
        },
        warnings,
    ))
}
