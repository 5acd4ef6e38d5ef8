//! What a budget buys: how many images, or how many steps per image.
//!
//! The rule is the budget gate's: a number of images fits when its EXACT price is at most the
//! budget (see [`crate::budget`]), so `afford` says N exactly when a job of N images passes the
//! gate and one of N+1 does not. Every comparison is exact at any size; where a figure cannot be
//! computed exactly, the answer is an error, never a smaller or capped count.
#![deny(clippy::arithmetic_side_effects)]

use crate::exact::Exact;
use crate::job::Job;
use crate::pricing::{Meter, TooLarge, quote};
use crate::size::Size;
use crate::tariff::{Display, Model};

/// The answer: the most that fits, what it costs, and what is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affordable {
    /// The most images (or steps) that fit; 0 when not even one does.
    pub most: u128,
    /// The exact cost of that many.
    pub spent: Exact,
    /// Budget minus spent, exact.
    pub leftover: Exact,
}

/// Why a budget's answer cannot be given exactly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AffordError {
    /// One image cannot be priced exactly.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// An image costs nothing, so any budget buys without end.
    #[error(
        "an image of {size} at {steps} steps costs 0, so any budget buys unlimited images; give steps of 1 or more"
    )]
    Free {
        /// Steps per image.
        steps: u32,
        /// The size.
        size: Size,
    },
    /// More images fit than a 128-bit count holds.
    #[error(
        "the budget {budget} buys more than {} images of {size} at {steps} steps: too many to count exactly",
        u128::MAX
    )]
    Uncountable {
        /// The budget.
        budget: Exact,
        /// Steps per image.
        steps: u32,
        /// The size.
        size: Size,
    },
    /// More requests fit than a 128-bit count holds.
    #[error(
        "the budget {budget} buys more than {} such requests: too many to count exactly",
        u128::MAX
    )]
    UncountableRequests {
        /// The budget.
        budget: Exact,
    },
    /// The cost of the requests that fit has more digits than can be held exactly.
    #[error("the cost of {most} request(s) has more digits than can be held exactly")]
    SpentRequests {
        /// The count found.
        most: u128,
    },
    /// The cost of the answer has more digits than can be held exactly.
    #[error(
        "the cost of {count} image(s) of {size} at {steps} steps has more digits than can be held exactly"
    )]
    Spent {
        /// Images: the count found, or the count asked for when steps were found.
        count: u128,
        /// Steps per image: given, or found.
        steps: u32,
        /// The size.
        size: Size,
    },
}

/// The largest `n` in `low..=high` with `fits(n)` (which is monotone: true, then false), or
/// `None` when not even `low` fits.
fn largest(
    low: u128,
    high: u128,
    fits: impl Fn(u128) -> Result<bool, TooLarge>,
) -> Result<Option<u128>, TooLarge> {
    if !fits(low)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (low, high);
    while lo < hi {
        // lo < hi, so the midpoint rounded up lies in (lo, hi]: no overflow, always progress.
        let mid = hi.wrapping_sub(hi.wrapping_sub(lo) / 2);
        if fits(mid)? {
            lo = mid;
        } else {
            hi = mid.wrapping_sub(1);
        }
    }
    Ok(Some(lo))
}

/// The answer `most` (images or steps), costing `spent` (`None` when that did not fit) out of
/// `budget`; `unfit` names the job that costs `spent`.
fn answer(
    most: u128,
    spent: Option<Exact>,
    budget: Exact,
    unfit: AffordError,
) -> Result<Affordable, AffordError> {
    let Some(spent) = spent else {
        return Err(unfit);
    };
    let leftover = budget.checked_sub(spent).ok_or(unfit)?;
    Ok(Affordable {
        most,
        spent,
        leftover,
    })
}

/// How many whole images of `steps` and `size` the budget buys: any count, not just one a
/// single job can ask for.
pub fn images(
    model: &Model,
    display: Display,
    steps: u32,
    size: Size,
    budget: Exact,
) -> Result<Affordable, AffordError> {
    let one = quote(
        model,
        &Job {
            steps,
            size,
            count: 1,
        },
        display,
    )?
    .exact;
    if one.is_zero() {
        return Err(AffordError::Free { steps, size });
    }
    let meter = Meter::new(model);
    let too_large = || TooLarge::new(steps, size, 1);
    let fits = |n| meter.within(steps, size, n, budget).ok_or_else(too_large);
    let most = largest(0, u128::MAX, fits)?.unwrap_or(0);
    if most == u128::MAX {
        return Err(AffordError::Uncountable {
            budget,
            steps,
            size,
        });
    }
    let unfit = AffordError::Spent {
        count: most,
        steps,
        size,
    };
    answer(most, one.checked_mul_int(most), budget, unfit)
}

/// How many requests of exact price `one` (above zero: the caller refuses a free request)
/// the budget buys: N exactly when N requests cost at most the budget and N+1 do not.
pub fn requests(one: Exact, budget: Exact) -> Result<Affordable, AffordError> {
    use std::cmp::Ordering;
    let fits = |n: u128| {
        Ok(Exact::cmp_products(&[Exact::from_int(n), one], &[budget]) != Ordering::Greater)
    };
    let most = largest(0, u128::MAX, fits)?.unwrap_or(0);
    if most == u128::MAX {
        return Err(AffordError::UncountableRequests { budget });
    }
    let spent = one
        .checked_mul_int(most)
        .ok_or(AffordError::SpentRequests { most })?;
    Ok(Affordable {
        most,
        spent,
        leftover: budget
            .checked_sub(spent)
            .ok_or(AffordError::SpentRequests { most })?,
    })
}

/// The most steps per image at which `count` images of `size` fit the budget, from `min_steps`
/// to `max_steps`.
pub fn steps(
    model: &Model,
    display: Display,
    size: Size,
    count: u32,
    budget: Exact,
    min_steps: u32,
    max_steps: u32,
) -> Result<Affordable, AffordError> {
    let meter = Meter::new(model);
    let fits = |steps: u128| {
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        meter
            .within(steps, size, u128::from(count), budget)
            .ok_or_else(|| TooLarge::new(steps, size, count))
    };
    let Some(most) = largest(u128::from(min_steps), u128::from(max_steps), fits)? else {
        return Ok(Affordable {
            most: 0,
            spent: Exact::ZERO,
            leftover: budget,
        });
    };
    let steps = u32::try_from(most).unwrap_or(u32::MAX);
    // A cost that cannot be shown at the tariff's places is the pricing's error, which names
    // the job: `count` images at the steps found.
    let spent = quote(model, &Job { steps, size, count }, display)?.exact;
    let unfit = AffordError::Spent {
        count: u128::from(count),
        steps,
        size,
    };
    answer(most, Some(spent), budget, unfit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Exact {
        Exact::from_decimal(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_budget_of_exactly_n_images_buys_n() {
        let t = crate::checks::builtin().unwrap();
        let m = t.default_model();
        // 512x512 at 20 steps is 0.00603 exactly.
        let a = images(m, t.display, 20, Size::new(512, 512), e("0.0603")).unwrap();
        assert_eq!((a.most, a.leftover), (10, Exact::ZERO));
        let b = images(m, t.display, 20, Size::new(512, 512), e("0.06029999")).unwrap();
        assert_eq!(b.most, 9);
        assert_eq!(b.leftover, e("0.00602999"));
        assert_eq!(
            images(m, t.display, 20, Size::new(512, 512), e("0"))
                .unwrap()
                .most,
            0
        );
        // Shown as 0.0060, but 0.00603 exactly: 0.006 buys none.
        assert_eq!(
            images(m, t.display, 20, Size::new(512, 512), e("0.006"))
                .unwrap()
                .most,
            0
        );
    }

    #[test]
    fn counts_past_a_jobs_u32_exactly() {
        let t = crate::checks::builtin().unwrap();
        let m = t.default_model();
        let a = images(m, t.display, 20, Size::new(512, 512), e("1e28")).unwrap();
        // 1e28 / 0.00603 = 1658374792703150912106135986733.003...
        assert_eq!(a.most, 1_658_374_792_703_150_912_106_135_986_733);
        assert!(a.leftover < e("0.00603"));
        assert_eq!(
            images(m, t.display, 0, Size::new(512, 512), e("1")),
            Err(AffordError::Free {
                steps: 0,
                size: Size::new(512, 512)
            })
        );
    }

    #[test]
    fn the_most_steps_that_fit() {
        let t = crate::checks::builtin().unwrap();
        let m = t.default_model();
        // Four 1024x1024 images cost 4 x 0.001206 = 0.004824 per step.
        let a = steps(m, t.display, Size::new(1024, 1024), 4, e("0.04824"), 1, 50).unwrap();
        assert_eq!((a.most, a.leftover), (10, Exact::ZERO));
        assert_eq!(
            steps(m, t.display, Size::new(1024, 1024), 4, e("0.048239"), 1, 50)
                .unwrap()
                .most,
            9
        );
        assert_eq!(
            steps(m, t.display, Size::new(1024, 1024), 4, e("1000"), 1, 50)
                .unwrap()
                .most,
            50
        );
        assert_eq!(
            steps(m, t.display, Size::new(1024, 1024), 4, e("0.001"), 1, 50)
                .unwrap()
                .most,
            0
        );
    }
}
