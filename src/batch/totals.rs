//! Exact totals of a batch, per model and overall, rounded once at the end.

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::job::Job;
use crate::pricing::{TooLargeTotal, pixel_steps, shown};
use crate::tariff::{Model, Tariff};

use super::{Kind, MeteredRow, Priced, Used};

/// Running sums: integers only, per slot (one rate of one model; see
/// [`Pricer`](super::Pricer)).
#[derive(Clone, Debug, Default)]
pub struct Totals {
    per_model: Vec<Running>,
    /// Chat and speech rows, per model (by index in the tariff).
    metered: Vec<MeteredSum>,
    /// Rows that are upper bounds.
    bounds: u64,
    /// Rows that are estimates.
    estimates: u64,
    /// Rows that left a part of the request to the API's default.
    defaulted: u64,
    /// Rows skipped as invalid.
    pub skipped: u64,
}

/// Running sums of one chat or speech model.
#[derive(Clone, Copy, Debug)]
struct MeteredSum {
    rows: u64,
    /// The least sure of its rows.
    kind: Option<Kind>,
    input: u128,
    output: u128,
    seconds: Decimal,
    exact: Exact,
}

impl Default for MeteredSum {
    fn default() -> Self {
        MeteredSum {
            rows: 0,
            kind: None,
            input: 0,
            output: 0,
            seconds: Decimal::ZERO,
            exact: Exact::ZERO,
        }
    }
}

impl MeteredSum {
    fn merge(&mut self, other: &MeteredSum) -> Result<(), TooLargeTotal> {
        self.rows += other.rows;
        self.kind = self.kind.max(other.kind);
        self.input = self.input.checked_add(other.input).ok_or(TooLargeTotal)?;
        self.output = self.output.checked_add(other.output).ok_or(TooLargeTotal)?;
        self.seconds = self
            .seconds
            .checked_add(other.seconds)
            .ok_or(TooLargeTotal)?;
        self.exact = self.exact.checked_add(other.exact).ok_or(TooLargeTotal)?;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Running {
    jobs: u64,
    images: u128,
    /// Pixel-steps of every image priced by the meter.
    metered: u128,
    /// Images priced at the model's minimum instead.
    at_minimum: u128,
}

/// One model's share of a batch.
#[derive(Clone, Debug)]
pub struct ModelTotal<'a> {
    /// The model.
    pub model: &'a Model,
    /// The least sure of its rows: exact, bound or estimate.
    pub kind: Kind,
    /// Jobs priced (rows, for a chat or speech model).
    pub jobs: u64,
    /// Input tokens (a chat model).
    pub input_tokens: u128,
    /// Output tokens (a chat model).
    pub output_tokens: u128,
    /// Seconds charged (a speech model).
    pub seconds: Decimal,
    /// Images in them.
    pub images: u128,
    /// Units of the metered images.
    pub units: Exact,
    /// The exact subtotal.
    pub exact: Exact,
    /// The subtotal rounded once.
    pub price: Decimal,
    /// For a model with dated rates, its share at each rate that priced a job, oldest first;
    /// empty for a model with one undated rate.
    pub by_rate: Vec<RateTotal>,
}

/// A dated model's share of a batch at one of its rates.
#[derive(Clone, Debug)]
pub struct RateTotal {
    /// The day the rate took effect.
    pub from: crate::date::Day,
    /// The rate.
    pub rate: Decimal,
    /// Jobs priced at it.
    pub jobs: u64,
    /// Images in them.
    pub images: u128,
    /// The exact subtotal.
    pub exact: Exact,
}

/// A batch's totals.
#[derive(Clone, Debug)]
pub struct Summary<'a> {
    /// Per model, in tariff order, only models with jobs.
    pub by_model: Vec<ModelTotal<'a>>,
    /// Jobs priced.
    pub jobs: u64,
    /// Images priced.
    pub images: u128,
    /// The exact total.
    pub exact: Exact,
    /// The total, rounded once.
    pub price: Decimal,
    /// Rows skipped as invalid.
    pub skipped: u64,
    /// Rows that are upper bounds.
    pub bounds: u64,
    /// Rows that are estimates.
    pub estimates: u64,
    /// Rows that left a part of the request to the API's default (an image's steps, size or
    /// count, a chat request's cap).
    pub defaulted: u64,
}

impl Summary<'_> {
    /// How the total reads: exact, an upper bound (a bound in it), or an estimate.
    pub fn kind(&self) -> Kind {
        if self.estimates > 0 {
            Kind::Estimate
        } else if self.bounds > 0 {
            Kind::Bound
        } else {
            Kind::Exact
        }
    }

    /// The total's label: `total`, `at most` or `estimated total`.
    pub fn label(&self) -> &'static str {
        match self.kind() {
            Kind::Exact => "total",
            Kind::Bound => "at most",
            Kind::Estimate => "estimated total",
        }
    }
}

impl Totals {
    /// Empty totals for a tariff's models.
    pub fn new(tariff: &Tariff) -> Self {
        Totals {
            per_model: vec![Running::default(); super::slots(tariff).0.len()],
            metered: vec![MeteredSum::default(); tariff.models.len()],
            bounds: 0,
            estimates: 0,
            defaulted: 0,
            skipped: 0,
        }
    }

    /// Adds one priced chat or speech row.
    pub fn add_metered(&mut self, row: &MeteredRow<'_>) -> Result<(), TooLargeTotal> {
        let mut one = MeteredSum {
            rows: 1,
            kind: Some(row.kind),
            exact: row.exact,
            ..MeteredSum::default()
        };
        match row.used {
            Used::Tokens { input, output, .. } => {
                (one.input, one.output) = (u128::from(input), u128::from(output));
            }
            Used::Seconds { charged, .. } => one.seconds = charged,
        }
        self.metered[row.model_index].merge(&one)?;
        self.defaulted += u64::from(!row.defaults.is_empty());
        match row.kind {
            Kind::Exact => {}
            Kind::Bound => self.bounds += 1,
            Kind::Estimate => self.estimates += 1,
        }
        Ok(())
    }

    /// Adds one priced row: integer sums only.
    pub fn add(&mut self, row: &Priced<'_>) -> Result<(), TooLargeTotal> {
        let at_minimum = row.quote.is_some_and(|q| q.minimum_applied);
        self.add_job(row.slot, &row.job, at_minimum, !row.defaults.is_empty())
    }

    /// Adds one job at `slot` (see [`Pricer::default_slot`](super::Pricer::default_slot)),
    /// priced by the meter or at its minimum.
    pub fn add_job(
        &mut self,
        slot: usize,
        job: &Job,
        at_minimum: bool,
        defaulted: bool,
    ) -> Result<(), TooLargeTotal> {
        self.defaulted += u64::from(defaulted);
        let sums = &mut self.per_model[slot];
        let images = u128::from(job.count);
        sums.jobs += 1;
        sums.images = sums.images.checked_add(images).ok_or(TooLargeTotal)?;
        if at_minimum {
            sums.at_minimum = sums.at_minimum.checked_add(images).ok_or(TooLargeTotal)?;
        } else {
            let steps = pixel_steps(job.steps, job.size)
                .checked_mul(images)
                .ok_or(TooLargeTotal)?;
            sums.metered = sums.metered.checked_add(steps).ok_or(TooLargeTotal)?;
        }
        Ok(())
    }

    /// Adds another part's sums, as if its rows had been added here.
    pub fn merge(&mut self, other: &Totals) -> Result<(), TooLargeTotal> {
        for (mine, theirs) in self.per_model.iter_mut().zip(&other.per_model) {
            mine.jobs += theirs.jobs;
            mine.images = mine
                .images
                .checked_add(theirs.images)
                .ok_or(TooLargeTotal)?;
            mine.metered = mine
                .metered
                .checked_add(theirs.metered)
                .ok_or(TooLargeTotal)?;
            mine.at_minimum = mine
                .at_minimum
                .checked_add(theirs.at_minimum)
                .ok_or(TooLargeTotal)?;
        }
        for (mine, theirs) in self.metered.iter_mut().zip(&other.metered) {
            mine.merge(theirs)?;
        }
        self.bounds += other.bounds;
        self.estimates += other.estimates;
        self.defaulted += other.defaulted;
        self.skipped += other.skipped;
        Ok(())
    }

    /// Prices the sums: rate times units once per model, then rounds once.
    pub fn summary<'a>(&self, tariff: &'a Tariff) -> Result<Summary<'a>, TooLargeTotal> {
        let mut by_model = Vec::new();
        let mut exact = Exact::ZERO;
        let (mut jobs, mut images) = (0u64, 0u128);
        let (rates, first) = super::slots(tariff);
        for (n, model) in tariff.models.iter().enumerate() {
            let sum = &self.metered[n];
            if sum.rows > 0 {
                exact = exact.checked_add(sum.exact).ok_or(TooLargeTotal)?;
                jobs += sum.rows;
                by_model.push(ModelTotal {
                    model,
                    kind: sum.kind.unwrap_or(Kind::Exact),
                    jobs: sum.rows,
                    input_tokens: sum.input,
                    output_tokens: sum.output,
                    seconds: sum.seconds,
                    images: 0,
                    units: Exact::ZERO,
                    exact: sum.exact,
                    price: shown(sum.exact, tariff.display).ok_or(TooLargeTotal)?,
                    by_rate: Vec::new(),
                });
                continue;
            }
            let end = first.get(n + 1).copied().unwrap_or(rates.len());
            let slots = &self.per_model[first[n]..end];
            let minimum = Exact::from_decimal(model.minimum).ok_or(TooLargeTotal)?;
            let (mut model_jobs, mut model_images) = (0u64, 0u128);
            let (mut metered, mut subtotal) = (0u128, Exact::ZERO);
            let mut by_rate = Vec::new();
            for (i, (sums, rate)) in slots.iter().zip(&rates[first[n]..end]).enumerate() {
                if sums.jobs == 0 {
                    continue;
                }
                let units =
                    Exact::ratio(sums.metered, model.unit_size.pixels()).ok_or(TooLargeTotal)?;
                let rate_exact = Exact::from_decimal(*rate).ok_or(TooLargeTotal)?;
                let part = units
                    .checked_mul(rate_exact)
                    .and_then(|m| m.checked_add(minimum.checked_mul_int(sums.at_minimum)?))
                    .ok_or(TooLargeTotal)?;
                subtotal = subtotal.checked_add(part).ok_or(TooLargeTotal)?;
                metered = metered.checked_add(sums.metered).ok_or(TooLargeTotal)?;
                model_jobs += sums.jobs;
                model_images = model_images.checked_add(sums.images).ok_or(TooLargeTotal)?;
                if let Some(change) = model.rates.get(i) {
                    by_rate.push(RateTotal {
                        from: change.from,
                        rate: change.rate,
                        jobs: sums.jobs,
                        images: sums.images,
                        exact: part,
                    });
                }
            }
            if model_jobs == 0 {
                continue;
            }
            let units = Exact::ratio(metered, model.unit_size.pixels()).ok_or(TooLargeTotal)?;
            exact = exact.checked_add(subtotal).ok_or(TooLargeTotal)?;
            jobs += model_jobs;
            images = images.checked_add(model_images).ok_or(TooLargeTotal)?;
            by_model.push(ModelTotal {
                model,
                kind: Kind::Exact,
                jobs: model_jobs,
                input_tokens: 0,
                output_tokens: 0,
                seconds: Decimal::ZERO,
                images: model_images,
                units,
                exact: subtotal,
                price: shown(subtotal, tariff.display).ok_or(TooLargeTotal)?,
                by_rate,
            });
        }
        Ok(Summary {
            by_model,
            jobs,
            images,
            exact,
            price: shown(exact, tariff.display).ok_or(TooLargeTotal)?,
            skipped: self.skipped,
            bounds: self.bounds,
            estimates: self.estimates,
            defaulted: self.defaulted,
        })
    }
}
