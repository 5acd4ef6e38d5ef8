//! Pricing whole workloads: rows read one at a time, priced, and summed exactly.

pub mod chunks;
pub mod input;
pub mod jsonl;
pub mod totals;

pub use input::{InputFormat, ReadOptions, Row, RowError, Rows};
pub use totals::{ModelTotal, Summary, Totals};

use std::borrow::Cow;

use crate::job::{Job, Request};
use crate::pricing::{Meter, Quote};
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

/// Prices rows under a tariff: the models' meters worked out once.
pub struct Pricer<'t> {
    tariff: &'t Tariff,
    meters: Vec<Meter>,
    allow_out_of_range: bool,
    need_quote: bool,
}

impl<'t> Pricer<'t> {
    /// A pricer; with `need_quote` false (a summary) rows of models without a minimum get no
    /// per-row arithmetic at all: the totals sum integer pixel-steps.
    pub fn new(tariff: &'t Tariff, allow_out_of_range: bool, need_quote: bool) -> Self {
        let meters = tariff.models.iter().map(Meter::new).collect();
        Pricer {
            tariff,
            meters,
            allow_out_of_range,
            need_quote,
        }
    }

    /// Fills a row from the model's defaults, checks the limits and prices it; returns the
    /// warnings for limits passed with `--allow-out-of-range`.
    #[inline]
    pub fn price<'a>(&self, row: Row<'a>) -> Result<(Priced<'a>, Vec<String>), RowError>
    where
        't: 'a,
    {
        let tariff = self.tariff;
        let model_index = match &row.model {
            None => tariff.default_model_index(),
            Some(query) => tariff.model_index(query).ok_or_else(|| {
                let known: Vec<&str> = tariff.models.iter().flat_map(Model::names).collect();
                let hint = tariff
                    .nearest_model(query)
                    .map(|n| format!("did you mean {n:?}? "))
                    .unwrap_or_default();
                RowError::new(
                    row.line,
                    "model",
                    query,
                    format!(
                        "is not a model of the tariff; {hint}(models: {})",
                        known.join(", ")
                    ),
                )
            })?,
        };
        let model = &tariff.models[model_index];
        let job = Request {
            steps: row.steps,
            size: row.size,
            count: row.count,
        }
        .resolve(model)
        .job;
        let mut warnings = Vec::new();
        // The usual row is within the limits: four comparisons, nothing built.
        let breaches = if job.within(model) {
            Vec::new()
        } else {
            job.breaches(model)
        };
        for breach in breaches {
            if !self.allow_out_of_range {
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
        let quote = if self.need_quote || !model.minimum.is_zero() {
            let quote = self.meters[model_index]
                .quote(&job, tariff.display)
                .map_err(|e| {
                    RowError::new(
                        row.line,
                        "row",
                        &format!("{} steps, {}, {} images", job.steps, job.size, job.count),
                        e.to_string(),
                    )
                })?;
            Some(quote)
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
}
