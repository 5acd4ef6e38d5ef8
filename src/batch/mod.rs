//! Pricing whole workloads: rows read one at a time, priced, and summed exactly.

pub mod audio;
pub mod chat_bound;
pub mod chunks;
pub mod csv;
pub mod defaults;
pub mod json_lines;
pub mod json_object;
pub mod jsonl;
pub mod keys;
pub mod metered;
pub mod row;
pub mod rows;
pub mod source;
pub mod totals;

pub use defaults::Defaults;
pub use metered::{Item, Kind, Metered};
pub use row::{InputFormat, ReadOptions, Row, RowError};
pub use rows::Rows;
pub use totals::{ModelTotal, RateTotal, Summary, Totals};

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::date::Day;
use crate::exact::Exact;
use crate::job::{Job, Request};
use crate::pricing::{Detail, JobPrice, Meter, Usage};
use crate::tariff::{Metering, Model, Tariff};

/// A limit a row passed with `--allow-out-of-range`: the part and its value, for the row's
/// model.
pub type OutOfRange = (&'static str, u32);

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
    pub quote: Option<JobPrice>,
    /// Carried-through CSV columns.
    pub extra: Vec<Cow<'a, str>>,
    /// Which rate of which model priced it (a slot; see [`Pricer`]), for the totals.
    pub slot: usize,
    /// The day it is priced on: its own date, else the tariff's; `None` only when neither is
    /// known (a tariff never set to a day prices with each model's newest rate).
    pub day: Option<Day>,
    /// The rate in force that day.
    pub rate: Decimal,
    /// The day that rate took effect; `None` for a model with one undated rate.
    pub rate_from: Option<Day>,
    /// The parts the row left to the model's defaults.
    pub defaults: Defaults,
}

/// What a chat or speech row used, and the rates that priced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Used {
    /// Tokens.
    Tokens {
        /// Input tokens.
        input: u64,
        /// Output tokens.
        output: u64,
        /// The input rate applied, per `per` tokens.
        input_rate: Decimal,
        /// The output rate applied, per `per` tokens.
        output_rate: Decimal,
        /// How many tokens each rate is for.
        per: u32,
    },
    /// Seconds of audio.
    Seconds {
        /// As given.
        given: Decimal,
        /// As charged (the per-request minimum when more).
        charged: Decimal,
        /// The rate per second applied.
        rate: Decimal,
    },
}

/// One priced chat or speech row.
#[derive(Clone, Debug)]
pub struct MeteredRow<'a> {
    /// The input line.
    pub line: u64,
    /// Index of the model in the tariff.
    pub model_index: usize,
    /// The model.
    pub model: &'a Model,
    /// Exact, bound or estimate.
    pub kind: Kind,
    /// What it used.
    pub used: Used,
    /// The exact price.
    pub exact: Exact,
    /// The price as shown.
    pub price: Decimal,
    /// The day it is priced on: its own date, else the tariff's.
    pub day: Option<Day>,
    /// The day its rates took effect; `None` for undated rates.
    pub rate_from: Option<Day>,
    /// The request's keys that took the API's default (a chat request's cap).
    pub defaults: Defaults,
    /// Carried-through CSV columns.
    pub extra: Vec<Cow<'a, str>>,
}

/// One priced item of a workload, of any meter.
pub enum PricedItem<'a> {
    /// An image job.
    Image(Priced<'a>),
    /// A chat or speech row.
    Metered(MeteredRow<'a>),
}

impl PricedItem<'_> {
    /// The input line.
    pub fn line(&self) -> u64 {
        match self {
            PricedItem::Image(p) => p.line,
            PricedItem::Metered(m) => m.line,
        }
    }
}

/// Prices rows under a tariff: the models' meters worked out once.
pub struct Pricer<'t> {
    tariff: &'t Tariff,
    /// One meter per slot: a slot is one rate of one model, models in tariff order, each
    /// model's rates oldest first (one slot for an undated rate).
    meters: Vec<Meter>,
    /// Each model's first slot.
    first_slot: Vec<usize>,
    /// Each model's rate on the tariff's day, as an index into its rates, or the day of its
    /// first rate when that is later.
    default_period: Vec<Result<usize, Day>>,
    allow_out_of_range: bool,
    need_quote: bool,
}

/// Slots for every rate of every model of `tariff`, and each model's first one; see [`Pricer`].
pub fn slots(tariff: &Tariff) -> (Vec<Decimal>, Vec<usize>) {
    let mut rates = Vec::new();
    let mut first = Vec::with_capacity(tariff.models.len());
    for model in &tariff.models {
        first.push(rates.len());
        if model.rates.is_empty() {
            rates.push(model.rate);
        } else {
            rates.extend(model.rates.iter().map(|c| c.rate));
        }
    }
    (rates, first)
}

impl<'t> Pricer<'t> {
    /// A pricer; with `need_quote` false (a summary) rows of models without a minimum get no
    /// per-row arithmetic at all: the totals sum integer pixel-steps.
    pub fn new(tariff: &'t Tariff, allow_out_of_range: bool, need_quote: bool) -> Self {
        let mut meters = Vec::new();
        for model in &tariff.models {
            if model.rates.is_empty() {
                meters.push(Meter::new(model));
            }
            for change in &model.rates {
                let mut at = model.clone();
                at.rate = change.rate;
                meters.push(Meter::new(&at));
            }
        }
        let default_period = tariff
            .models
            .iter()
            .map(|m| match tariff.priced_on {
                Some(day) => m.period_on(day),
                None => Ok(m.rates.len().saturating_sub(1)),
            })
            .collect();
        Pricer {
            tariff,
            meters,
            first_slot: slots(tariff).1,
            default_period,
            allow_out_of_range,
            need_quote,
        }
    }

    /// The slot of the model at `model_index` for a row without a date, when the model has a
    /// rate on the tariff's day.
    pub fn default_slot(&self, model_index: usize) -> Option<usize> {
        let period = self.default_period.get(model_index)?.as_ref().ok()?;
        Some(self.first_slot[model_index] + period)
    }

    /// Fills a row from the model's defaults, checks the limits and prices it; returns the
    /// limits passed with `--allow-out-of-range`, as `(part, value)` of the row's model (see
    /// [`crate::job::Breach::new`] to describe one).
    #[inline]
    pub fn price<'a>(&self, row: Row<'a>) -> Result<(Priced<'a>, Vec<OutOfRange>), RowError>
    where
        't: 'a,
    {
        let model_index = self.model_index(&row)?;
        self.price_at(row, model_index)
    }

    /// The index of the model a row names (the default model when it names none).
    #[inline]
    pub fn model_index(&self, row: &Row<'_>) -> Result<usize, RowError> {
        let tariff = self.tariff;
        match &row.model {
            None => Ok(tariff.default_model_index()),
            Some(query) => self.named(row.line, query),
        }
    }

    /// Prices an item of any meter; for an image job, also returns the limits passed with
    /// `--allow-out-of-range` (see [`Pricer::price`]).
    pub fn price_item<'a>(
        &self,
        item: Item<'a>,
    ) -> Result<(PricedItem<'a>, Vec<OutOfRange>), RowError>
    where
        't: 'a,
    {
        match item {
            Item::Image(row) => self
                .price(row)
                .map(|(priced, breaches)| (PricedItem::Image(priced), breaches)),
            Item::Metered(row) => self
                .price_metered(row)
                .map(|(row, breaches)| (PricedItem::Metered(row), breaches)),
        }
    }

    /// Prices a chat or speech row at the rates of its own day, or of the tariff's; also
    /// returns the limit passed with `--allow-out-of-range` (a speech request's text length).
    pub fn price_metered<'a>(
        &self,
        row: Metered<'a>,
    ) -> Result<(MeteredRow<'a>, Vec<OutOfRange>), RowError>
    where
        't: 'a,
    {
        let Metered {
            line,
            model,
            usage,
            kind,
            shape,
            date,
            default_cap,
            input_chars,
            extra,
        } = row;
        let tariff = self.tariff;
        let index = self.named(line, &model)?;
        let named = &tariff.models[index];
        let on_day = date
            .filter(|_| !named.rates.is_empty())
            .map(|day| named.on(day));
        let model = on_day.as_ref().unwrap_or(named);
        if let Some(e) = metered::no_rate(line, model, date, tariff.priced_on) {
            return Err(e);
        }
        let fits = matches!(
            (model.metering, usage),
            (Metering::Token(_), Usage::Tokens { .. }) | (Metering::Second(_), Usage::Seconds(_))
        );
        if !fits {
            return Err(RowError::new(
                line,
                "model",
                &model.id,
                format!(
                    "bills per {}, but the line is a {shape} of {}; name a model that bills per {} (see dis-price models)",
                    model.metering.name(),
                    usage.kind(),
                    match usage {
                        Usage::Tokens { .. } => "token",
                        Usage::Seconds(_) => "second",
                        Usage::Image(_) => "megapixel-step",
                    }
                ),
            ));
        }
        // A speech request's text outside the length the API accepts would be refused.
        let mut breaches = Vec::new();
        if let (Some(length), Some(limit)) = (input_chars, named.input_chars)
            && !(limit.min..=limit.max).contains(&length)
        {
            if !self.allow_out_of_range {
                return Err(RowError::new(
                    line,
                    "input",
                    &format!("{length} character{}", if length == 1 { "" } else { "s" }),
                    format!(
                        "is outside {}'s limit ({}); the API would refuse it (--allow-out-of-range prices it anyway)",
                        named.name,
                        crate::job::char_limit(limit)
                    ),
                ));
            }
            let side = if length < limit.min {
                crate::job::TEXT_TOO_SHORT
            } else {
                crate::job::TEXT_TOO_LONG
            };
            breaches.push(("input", side));
        }
        // A chat request that set no cap is bounded by the model's default cap, per choice.
        let (usage, defaults) = match (default_cap, usage) {
            (Some(choices), Usage::Tokens { input, .. }) => {
                let Some(cap) = named.default_max_completion_tokens else {
                    return Err(RowError::new(
                        line,
                        "max_completion_tokens",
                        "",
                        format!(
                            "is missing, and the tariff names no default cap for model {:?} (default_max_completion_tokens), so the request's output has no upper bound; give max_completion_tokens (or max_tokens) in the request, or --max-output-tokens N to price every such request at N output tokens at most",
                            named.id
                        ),
                    ));
                };
                let output = u64::from(cap).checked_mul(choices).ok_or_else(|| {
                    RowError::new(
                        line,
                        "n",
                        &choices.to_string(),
                        format!("times the default cap {cap} is too many tokens to count"),
                    )
                })?;
                (Usage::Tokens { input, output }, Defaults::OUTPUT_CAP)
            }
            (_, usage) => (usage, Defaults::NONE),
        };
        let charge = crate::pricing::price(model, &usage, tariff.display)
            .map_err(|e| RowError::new(line, "row", shape, e.to_string()))?;
        let used = match (charge.detail, model.metering) {
            (Detail::Tokens { input, output, .. }, Metering::Token(rates)) => Used::Tokens {
                input,
                output,
                input_rate: rates.input,
                output_rate: rates.output,
                per: rates.per,
            },
            (Detail::Seconds { given, charged, .. }, Metering::Second(rates)) => Used::Seconds {
                given,
                charged,
                rate: rates.rate,
            },
            _ => unreachable!("a metered row is priced by its model's own meter"),
        };
        let row = MeteredRow {
            line,
            model_index: index,
            model: named,
            kind,
            used,
            exact: charge.exact,
            price: charge.price,
            day: date.or(tariff.priced_on),
            rate_from: model.rate_from,
            defaults,
            extra,
        };
        Ok((row, breaches))
    }

    /// The index of the model `query` names, or the error that lists the models.
    fn named(&self, line: u64, query: &str) -> Result<usize, RowError> {
        let tariff = self.tariff;
        tariff.model_index(query).ok_or_else(|| {
            let known: Vec<String> = tariff.models.iter().map(Model::known_as).collect();
            let hint = tariff
                .nearest_model(query)
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            RowError::new(
                line,
                "model",
                query,
                format!(
                    "is not a model of the tariff{hint} (models: {})",
                    known.join(", ")
                ),
            )
        })
    }

    /// [`Pricer::price`] for a row whose model is at `model_index` (see [`Pricer::model_index`]).
    #[inline(always)]
    pub fn price_at<'a>(
        &self,
        row: Row<'a>,
        model_index: usize,
    ) -> Result<(Priced<'a>, Vec<OutOfRange>), RowError>
    where
        't: 'a,
    {
        let tariff = self.tariff;
        let model = &tariff.models[model_index];
        if !model.is_image() {
            return Err(RowError::new(
                row.line,
                "model",
                row.model.as_deref().unwrap_or_default(),
                format!(
                    "bills per {}, not per image; give the row's {} instead of image steps and sizes (CSV columns or JSON keys; --baseline compares image jobs only)",
                    model.metering.name(),
                    match model.metering {
                        crate::tariff::Metering::Token(_) => "input_tokens and output_tokens",
                        _ => "seconds",
                    },
                ),
            ));
        }
        let day = row.date.or(tariff.priced_on);
        let period = match row.date {
            None => self.default_period[model_index],
            Some(date) => model.period_on(date),
        };
        let period = period.map_err(|first| {
            let shown = day.map(|d| d.to_string()).unwrap_or_default();
            let (given, whose) = match (&row.date_given, day) {
                // A time or a timestamp is quoted as written, with the UTC day it falls on.
                (Some(given), Some(day)) => (given.to_string(), format!(" (its UTC day is {day})")),
                _ if row.date.is_some() => (shown, String::new()),
                _ => (
                    shown,
                    " (the row has no date, so it is priced on --as-of, or today)".to_owned(),
                ),
            };
            RowError::new(
                row.line,
                "date",
                &given,
                format!(
                    "is before the first rate of model {:?}, which takes effect on {first}{whose}; the tariff has no price for that day",
                    model.id
                ),
            )
        })?;
        let slot = self.first_slot[model_index] + period;
        let (rate, rate_from) = match model.rates.get(period) {
            Some(change) => (change.rate, Some(change.from)),
            None => (model.rate, None),
        };
        // Only a request body's missing parts are marked: a job row's blank cells were always
        // the model's defaults, and say so in the file's own columns.
        let defaults = if row.request {
            Defaults::of_image(row.steps.is_none(), row.size.is_none(), row.count.is_none())
        } else {
            Defaults::NONE
        };
        let job = Request {
            steps: row.steps,
            size: row.size,
            count: row.count,
        }
        .resolve(model)
        .job;
        let mut warnings = Vec::new();
        // The usual row is within the limits: four comparisons, nothing built.
        if !job.within(model) {
            if !self.allow_out_of_range
                && let Some(breach) = job.breaches(model).into_iter().next()
            {
                return Err(RowError::new(
                    row.line,
                    breach.what(),
                    &breach.value().to_string(),
                    format!(
                        "{breach}; the API would refuse it (--allow-out-of-range prices it anyway)"
                    ),
                ));
            }
            // Described by the caller, once per distinct breach.
            warnings.extend(job.breached(model));
        }
        let quote = if self.need_quote || !model.minimum.is_zero() {
            let quote = self.meters[slot]
                .job_price(&job, tariff.display)
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
                slot,
                day,
                rate,
                rate_from,
                defaults,
            },
            warnings,
        ))
    }
}
