//! Exact totals of a batch, per model and overall, rounded once at the end.

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::job::Job;
use crate::pricing::{TooLargeTotal, pixel_steps, shown};
use crate::tariff::{Model, Tariff};

use super::Priced;

/// Running sums: integers only, per slot (one rate of one model; see
/// [`Pricer`](super::Pricer)).
#[derive(Clone, Debug, Default)]
pub struct Totals {
    per_model: Vec<Running>,
    /// Rows skipped as invalid.
    pub skipped: u64,
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
    /// Jobs priced.
    pub jobs: u64,
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
}

impl Totals {
    /// Empty totals for a tariff's models.
    pub fn new(tariff: &Tariff) -> Self {
        Totals {
            per_model: vec![Running::default(); super::slots(tariff).0.len()],
            skipped: 0,
        }
    }

    /// Adds one priced row: integer sums only.
    pub fn add(&mut self, row: &Priced<'_>) -> Result<(), TooLargeTotal> {
        let at_minimum = row.quote.is_some_and(|q| q.minimum_applied);
        self.add_job(row.slot, &row.job, at_minimum)
    }

    /// Adds one job at `slot` (see [`Pricer::default_slot`](super::Pricer::default_slot)),
    /// priced by the meter or at its minimum.
    pub fn add_job(
        &mut self,
        slot: usize,
        job: &Job,
        at_minimum: bool,
    ) -> Result<(), TooLargeTotal> {
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
                jobs: model_jobs,
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
        })
    }
}
