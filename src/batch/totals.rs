//! Exact totals of a batch, per model and overall, rounded once at the end.

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::job::Job;
use crate::pricing::{TooLargeTotal, pixel_steps, shown};
use crate::tariff::{Model, Tariff};

use super::Priced;

/// Running sums: integers only, per model.
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
            per_model: vec![Running::default(); tariff.models.len()],
            skipped: 0,
        }
    }

    /// Adds one priced row: integer sums only.
    pub fn add(&mut self, row: &Priced<'_>) -> Result<(), TooLargeTotal> {
        let at_minimum = row.quote.is_some_and(|q| q.minimum_applied);
        self.add_job(row.model_index, &row.job, at_minimum)
    }

    /// Adds one job of the model at `model_index`, priced by the meter or at its minimum.
    pub fn add_job(
        &mut self,
        model_index: usize,
        job: &Job,
        at_minimum: bool,
    ) -> Result<(), TooLargeTotal> {
        let sums = &mut self.per_model[model_index];
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
        for (model, sums) in tariff.models.iter().zip(&self.per_model) {
            if sums.jobs == 0 {
                continue;
            }
            let units =
                Exact::ratio(sums.metered, model.unit_size.pixels()).ok_or(TooLargeTotal)?;
            let rate = Exact::from_decimal(model.rate).ok_or(TooLargeTotal)?;
            let minimum = Exact::from_decimal(model.minimum).ok_or(TooLargeTotal)?;
            let subtotal = units
                .checked_mul(rate)
                .and_then(|m| m.checked_add(minimum.checked_mul_int(sums.at_minimum)?))
                .ok_or(TooLargeTotal)?;
            exact = exact.checked_add(subtotal).ok_or(TooLargeTotal)?;
            jobs += sums.jobs;
            images = images.checked_add(sums.images).ok_or(TooLargeTotal)?;
            by_model.push(ModelTotal {
                model,
                jobs: sums.jobs,
                images: sums.images,
                units,
                exact: subtotal,
                price: shown(subtotal, tariff.display).ok_or(TooLargeTotal)?,
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
