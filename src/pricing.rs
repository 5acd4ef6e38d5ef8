//! Pure, exact pricing: units, prices, the per-image minimum, rounding once. No I/O, no
//! formatting, no floats.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::job::Job;
use crate::size::Size;
use crate::tariff::{Display, Model};

/// The price of one job, exact, and as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Units of one image.
    pub units_per_image: Exact,
    /// Units of the whole job.
    pub units: Exact,
    /// The exact price of one image (after the minimum).
    pub per_image: Exact,
    /// The exact price of the whole job.
    pub exact: Exact,
    /// `exact` rounded once to the tariff's places and mode.
    pub price: Decimal,
    /// Whether the model's per-image minimum set the price.
    pub minimum_applied: bool,
}

/// A job whose price is too large to compute exactly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the price of {count} image(s) of {size} at {steps} steps is too large to compute exactly")]
pub struct TooLarge {
    steps: u32,
    size: Size,
    count: u32,
}

impl TooLarge {
    /// The job that could not be priced.
    pub fn new(steps: u32, size: Size, count: u32) -> TooLarge {
        TooLarge { steps, size, count }
    }
}

/// A batch total too large to compute exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the batch total is too large to compute exactly")]
pub struct TooLargeTotal;

/// Prices a job under a model, rounding with `display`.
pub fn quote(model: &Model, job: &Job, display: Display) -> Result<Quote, TooLarge> {
    Meter::new(model).quote(job, display)
}

/// A model's prices in exact form, worked out once to price many jobs.
#[derive(Clone, Copy, Debug)]
pub struct Meter {
    /// The unit's pixels as 2^twos x 5^fives (checked when the tariff loads).
    unit: Option<(u32, u32)>,
    rate: Option<Exact>,
    minimum: Option<Exact>,
}

impl Meter {
    /// The meter of a model.
    pub fn new(model: &Model) -> Meter {
        Meter {
            unit: crate::exact::two_five_factors(model.unit_size.pixels()),
            rate: Exact::from_decimal(model.rate),
            minimum: Exact::from_decimal(model.minimum).filter(|m| !m.is_zero()),
        }
    }

    /// Prices a job, rounding with `display`.
    pub fn quote(&self, job: &Job, display: Display) -> Result<Quote, TooLarge> {
        let too_large = || TooLarge {
            steps: job.steps,
            size: job.size,
            count: job.count,
        };
        let per_image_steps = pixel_steps(job.steps, job.size);
        let (twos, fives) = self.unit.ok_or_else(too_large)?;
        let units_per_image = Exact::over(per_image_steps, twos, fives);
        let job_steps = per_image_steps
            .checked_mul(u128::from(job.count))
            .ok_or_else(too_large)?;
        let units = Exact::over(job_steps, twos, fives);
        let rate = self.rate.ok_or_else(too_large)?;
        let metered = units_per_image.checked_mul(rate).ok_or_else(too_large)?;
        let minimum = self.minimum.filter(|m| metered < *m);
        let (per_image, exact) = match minimum {
            Some(minimum) => (minimum, minimum.checked_mul_int(u128::from(job.count))),
            None => (metered, units.checked_mul(rate)),
        };
        let exact = exact.ok_or_else(too_large)?;
        Ok(Quote {
            units_per_image,
            units,
            per_image,
            exact,
            price: shown(exact, display).ok_or_else(too_large)?,
            minimum_applied: minimum.is_some(),
        })
    }
}

impl Meter {
    /// Whether `count` images of `size` at `steps` cost at most `budget`, EXACTLY: the same
    /// figure [`Meter::quote`] computes, compared without ever overflowing, at any count (even
    /// past a job's `u32`). `None` when the model cannot be priced exactly at all.
    pub fn within(&self, steps: u32, size: Size, count: u128, budget: Exact) -> Option<bool> {
        use std::cmp::Ordering;
        let (twos, fives) = self.unit?;
        let rate = self.rate?;
        let units_per_image = Exact::over(pixel_steps(steps, size), twos, fives);
        let count = Exact::from_int(count);
        let fits = |left: &[Exact]| Exact::cmp_products(left, &[budget]) != Ordering::Greater;
        Some(match self.minimum {
            Some(minimum)
                if Exact::cmp_products(&[units_per_image, rate], &[minimum]) == Ordering::Less =>
            {
                fits(&[count, minimum])
            }
            _ => fits(&[count, units_per_image, rate]),
        })
    }
}

/// Steps x width x height, which always fits a `u128`.
pub fn pixel_steps(steps: u32, size: Size) -> u128 {
    // (2^32 - 1) x (2^64 - 1) < 2^128.
    u128::from(steps).wrapping_mul(u128::from(size.pixels()))
}

/// An exact amount rounded once, as shown: the tariff's places and mode.
pub fn shown(exact: Exact, display: Display) -> Option<Decimal> {
    exact.round(display.decimals, display.rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::Tariff;

    fn price(steps: u32, width: u32, height: u32, count: u32) -> Quote {
        let t = Tariff::builtin().unwrap();
        let job = Job {
            steps,
            size: Size::new(width, height),
            count,
        };
        quote(t.default_model(), &job, t.display).unwrap()
    }

    #[test]
    fn units_are_megapixel_steps() {
        assert_eq!(price(20, 512, 512, 1).units.to_string(), "5");
        assert_eq!(price(10, 768, 768, 1).units.to_string(), "5.625");
        assert_eq!(
            price(1, 1, 1, 1).units.to_string(),
            "0.00000095367431640625"
        );
        assert_eq!(price(10, 768, 768, 3).units.to_string(), "16.875");
    }

    #[test]
    fn prices_the_published_cells() {
        let q = price(20, 256, 256, 1);
        assert_eq!(q.exact.to_string(), "0.0015075");
        assert_eq!(q.price.to_string(), "0.0015");
        assert_eq!(price(20, 512, 512, 10).price.to_string(), "0.0603");
    }

    #[test]
    fn the_minimum_is_per_image() {
        let t = Tariff::builtin().unwrap();
        let mut model = t.default_model().clone();
        model.minimum = Decimal::new(1, 2);
        let job = Job {
            steps: 1,
            size: Size::new(64, 64),
            count: 3,
        };
        let q = quote(&model, &job, t.display).unwrap();
        assert!(q.minimum_applied);
        assert_eq!(q.exact.to_string(), "0.03");
        let big = Job {
            steps: 50,
            size: Size::new(1024, 1024),
            count: 3,
        };
        assert!(!quote(&model, &big, t.display).unwrap().minimum_applied);
    }

    #[test]
    fn an_overflow_is_an_error() {
        let t = Tariff::builtin().unwrap();
        let job = Job {
            steps: u32::MAX,
            size: Size::new(u32::MAX, u32::MAX),
            count: u32::MAX,
        };
        assert!(quote(t.default_model(), &job, t.display).is_err());
    }
}
