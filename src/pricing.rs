//! Pure, exact pricing: units, prices, the per-image minimum, rounding once. No I/O, no
//! formatting, no floats.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::job::Job;
use crate::size::Size;
use crate::tariff::{Display, Metering, Model};

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

/// A job's units and price, exact and as shown: what a batch row shows (a [`Quote`] without
/// the per-image figures, which a row never shows and which cost as much again to work out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobPrice {
    /// Units of the whole job.
    pub units: Exact,
    /// The exact price of the whole job.
    pub exact: Exact,
    /// `exact` rounded once to the tariff's places and mode.
    pub price: Decimal,
    /// Whether the model's per-image minimum set the price.
    pub minimum_applied: bool,
}

/// A job whose price cannot be computed exactly: too large, or (below 1) with more digits than
/// the arithmetic holds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the price of {count} image(s) of {size} at {steps} steps {}",
    if *below_one {
        "is below 1 with more digits than can be computed exactly"
    } else {
        "is too large to compute exactly"
    }
)]
pub struct TooLarge {
    steps: u32,
    size: Size,
    count: u32,
    below_one: bool,
}

impl TooLarge {
    /// The job that could not be priced, for a price too large.
    pub fn new(steps: u32, size: Size, count: u32) -> TooLarge {
        TooLarge {
            steps,
            size,
            count,
            below_one: false,
        }
    }

    /// Whether the price is below 1 (too many digits, not too large).
    pub fn is_below_one(&self) -> bool {
        self.below_one
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

    /// Prices a job, rounding with `display`, with its per-image figures.
    pub fn quote(&self, job: &Job, display: Display) -> Result<Quote, TooLarge> {
        let priced = self.job_price(job, display)?;
        let too_large = || self.unfit(job);
        let (twos, fives) = self.unit.ok_or_else(too_large)?;
        let units_per_image = Exact::over(pixel_steps(job.steps, job.size), twos, fives);
        let per_image = match (priced.minimum_applied, self.minimum) {
            (true, Some(minimum)) => minimum,
            _ => units_per_image
                .checked_mul(self.rate.ok_or_else(too_large)?)
                .ok_or_else(too_large)?,
        };
        Ok(Quote {
            units_per_image,
            units: priced.units,
            per_image,
            exact: priced.exact,
            price: priced.price,
            minimum_applied: priced.minimum_applied,
        })
    }

    /// Prices a job, rounding with `display`: its units and price only.
    #[inline]
    pub fn job_price(&self, job: &Job, display: Display) -> Result<JobPrice, TooLarge> {
        let too_large = || self.unfit(job);
        let per_image_steps = pixel_steps(job.steps, job.size);
        let (twos, fives) = self.unit.ok_or_else(too_large)?;
        let job_steps = per_image_steps
            .checked_mul(u128::from(job.count))
            .ok_or_else(too_large)?;
        let units = Exact::over(job_steps, twos, fives);
        let rate = self.rate.ok_or_else(too_large)?;
        // The minimum is per image: it applies where one image's metered price is below it.
        let minimum = match self.minimum {
            Some(minimum) => {
                let metered = Exact::over(per_image_steps, twos, fives)
                    .checked_mul(rate)
                    .ok_or_else(too_large)?;
                (metered < minimum).then_some(minimum)
            }
            None => None,
        };
        let exact = match minimum {
            Some(minimum) => minimum.checked_mul_int(u128::from(job.count)),
            None => units.checked_mul(rate),
        }
        .ok_or_else(too_large)?;
        Ok(JobPrice {
            units,
            exact,
            price: shown(exact, display).ok_or_else(too_large)?,
            minimum_applied: minimum.is_some(),
        })
    }
}

impl Meter {
    /// Why `job` cannot be priced exactly: its price is too large, or below 1 with too many
    /// digits (told apart by a comparison that never overflows).
    #[cold]
    fn unfit(&self, job: &Job) -> TooLarge {
        let below_one = self.within(
            job.steps,
            job.size,
            u128::from(job.count),
            Exact::from_int(1),
        ) == Some(true);
        TooLarge {
            below_one,
            ..TooLarge::new(job.steps, job.size, job.count)
        }
    }

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

/// An exact amount rounded once, as shown: the tariff's places and mode; but never zero when it
/// is not: an amount that would show as zero at those places is shown to the place of its first
/// significant digit instead (100 input tokens of a 0.10-per-million model show `0.00001`, not
/// `0.0000`), rounded the same way. Below 28 places, the most a decimal holds, it rounds up.
pub fn shown(exact: Exact, display: Display) -> Option<Decimal> {
    let rounded = exact.round(display.decimals, display.rounding)?;
    if !rounded.is_zero() || exact.is_zero() {
        return Some(rounded);
    }
    for places in display.decimals..=28 {
        let deeper = exact.round(places, display.rounding)?;
        if !deeper.is_zero() {
            return Some(deeper);
        }
    }
    exact.round(28, crate::exact::Rounding::Up)
}

/// An amount of money left, as shown: rounded down to the tariff's places, so it never shows
/// more money than there is, and, like [`shown`], never zero when it is not: an amount below
/// the last place is shown to the place of its first significant digit, rounded down. `None`
/// when that is past 28 places (the caller shows the exact figure).
pub fn shown_left(exact: Exact, display: Display) -> Option<Decimal> {
    let down = crate::exact::Rounding::Down;
    (display.decimals..=28).find_map(|places| {
        let rounded = exact.round(places, down)?;
        (!rounded.is_zero() || exact.is_zero()).then_some(rounded)
    })
}

/// What is priced, whatever the model's meter: the type every reader produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// Images, priced per megapixel-step.
    Image(Job),
    /// A chat request's tokens.
    Tokens {
        /// Input (prompt) tokens.
        input: u64,
        /// Output (completion) tokens.
        output: u64,
    },
    /// Seconds of generated audio of one request, exact, 0 or more.
    Seconds(Decimal),
}

/// The price of a [`Usage`], exact and as shown, with how it was worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charge {
    /// The exact price.
    pub exact: Exact,
    /// `exact` as shown (see [`shown`]).
    pub price: Decimal,
    /// The parts of the price.
    pub detail: Detail,
}

/// How a [`Charge`] was worked out, per meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Images: the image quote.
    Image(Quote),
    /// Tokens: the exact price of each side.
    Tokens {
        /// Input tokens priced.
        input: u64,
        /// Output tokens priced.
        output: u64,
        /// The input tokens' exact price.
        input_price: Exact,
        /// The output tokens' exact price.
        output_price: Exact,
    },
    /// Seconds: as given and as charged.
    Seconds {
        /// The seconds given.
        given: Decimal,
        /// The seconds charged: the given ones, or the per-request minimum when more.
        charged: Decimal,
        /// Whether the minimum set the seconds charged.
        minimum_applied: bool,
    },
}

/// Why a [`Usage`] cannot be priced under a model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// The usage is not what the model's meter counts.
    #[error("model {model:?} bills per {meter}; {usage} cannot be priced with it")]
    WrongMeter {
        /// The model's id.
        model: String,
        /// Its meter's name.
        meter: &'static str,
        /// What was given, in words.
        usage: &'static str,
    },
    /// An image job too large to price exactly.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// A token or second price too large to compute exactly.
    #[error("the price of {0} is too large to compute exactly")]
    Overflow(String),
}

impl Usage {
    /// What it is, in words, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Usage::Image(_) => "an image job",
            Usage::Tokens { .. } => "a token count",
            Usage::Seconds(_) => "seconds of audio",
        }
    }
}

/// Prices `usage` under `model`, rounding with `display`: exact, checked, whatever the meter.
pub fn price(model: &Model, usage: &Usage, display: Display) -> Result<Charge, PriceError> {
    let wrong = || PriceError::WrongMeter {
        model: model.id.clone(),
        meter: model.metering.name(),
        usage: usage.kind(),
    };
    let (exact, detail) = match (model.metering, *usage) {
        (Metering::MegapixelStep, Usage::Image(job)) => {
            let q = quote(model, &job, display)?;
            return Ok(Charge {
                exact: q.exact,
                price: q.price,
                detail: Detail::Image(q),
            });
        }
        (Metering::Token(rates), Usage::Tokens { input, output }) => {
            let overflow =
                || PriceError::Overflow(format!("{input} input and {output} output tokens"));
            let side = |tokens: u64, rate: Decimal| {
                Exact::from_int(u128::from(tokens))
                    .checked_mul(Exact::from_decimal(rate)?)?
                    .checked_mul(Exact::ratio(1, u64::from(rates.per))?)
            };
            let input_price = side(input, rates.input).ok_or_else(overflow)?;
            let output_price = side(output, rates.output).ok_or_else(overflow)?;
            let exact = input_price.checked_add(output_price).ok_or_else(overflow)?;
            (
                exact,
                Detail::Tokens {
                    input,
                    output,
                    input_price,
                    output_price,
                },
            )
        }
        (Metering::Second(rates), Usage::Seconds(given)) => {
            let overflow = || PriceError::Overflow(format!("{given} seconds of audio"));
            let minimum_applied = given < rates.minimum_seconds;
            let charged = if minimum_applied {
                rates.minimum_seconds
            } else {
                given
            };
            let exact = Exact::from_decimal(charged)
                .and_then(|s| s.checked_mul(Exact::from_decimal(rates.rate)?))
                .ok_or_else(overflow)?;
            (
                exact,
                Detail::Seconds {
                    given,
                    charged,
                    minimum_applied,
                },
            )
        }
        _ => return Err(wrong()),
    };
    let price =
        shown(exact, display).ok_or_else(|| PriceError::Overflow(usage.kind().to_owned()))?;
    Ok(Charge {
        exact,
        price,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(steps: u32, width: u32, height: u32, count: u32) -> Quote {
        let t = crate::checks::builtin().unwrap();
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
        let t = crate::checks::builtin().unwrap();
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
    fn tokens_and_seconds_are_exact() {
        let t = crate::checks::builtin().unwrap();
        let llama = t.find_model("llama-3.1 8b").unwrap();
        let p = super::price(
            llama,
            &Usage::Tokens {
                input: 100,
                output: 0,
            },
            t.display,
        )
        .unwrap();
        assert_eq!(p.exact.to_string(), "0.00001");
        assert_eq!(p.price.to_string(), "0.00001");
        let speech = t.find_model("chatterbox").unwrap();
        let short = super::price(speech, &Usage::Seconds(Decimal::new(5, 1)), t.display).unwrap();
        assert_eq!(short.exact.to_string(), "0.003");
        assert!(matches!(
            short.detail,
            Detail::Seconds {
                minimum_applied: true,
                ..
            }
        ));
        assert!(
            super::price(
                speech,
                &Usage::Tokens {
                    input: 1,
                    output: 1
                },
                t.display
            )
            .is_err()
        );
    }

    #[test]
    fn never_shown_as_zero_unless_zero() {
        let t = crate::checks::builtin().unwrap();
        let tiny = Exact::from_decimal(Decimal::new(14, 6)).unwrap();
        assert_eq!(shown(tiny, t.display).unwrap().to_string(), "0.00001");
        assert_eq!(shown(Exact::ZERO, t.display).unwrap().to_string(), "0.0000");
        let more = Exact::from_decimal(Decimal::new(12345, 4)).unwrap();
        assert_eq!(shown(more, t.display).unwrap().to_string(), "1.2345");
    }

    #[test]
    fn an_overflow_is_an_error() {
        let t = crate::checks::builtin().unwrap();
        let job = Job {
            steps: u32::MAX,
            size: Size::new(u32::MAX, u32::MAX),
            count: u32::MAX,
        };
        assert!(quote(t.default_model(), &job, t.display).is_err());
    }
}
