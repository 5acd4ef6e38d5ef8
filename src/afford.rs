//! What a budget buys: how many images, or how many steps per image.

use crate::exact::Exact;
use crate::job::Job;
use crate::pricing::{TooLarge, quote};
use crate::size::Size;
use crate::tariff::{Display, Model};

/// The answer: the most that fits, what it costs, and what is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affordable {
    /// The most images (or steps) that fit; 0 when not even one does.
    pub most: u32,
    /// The exact cost of that many.
    pub spent: Exact,
    /// Budget minus spent, exact.
    pub leftover: Exact,
}

/// The largest `n` in `low..=high` with `cost(n) <= budget`, by bisection (cost rises with n).
fn largest(
    low: u32,
    high: u32,
    budget: Exact,
    cost: impl Fn(u32) -> Result<Option<Exact>, TooLarge>,
) -> Result<Option<(u32, Exact)>, TooLarge> {
    let fits = |n| -> Result<Option<Exact>, TooLarge> { Ok(cost(n)?.filter(|c| *c <= budget)) };
    let Some(mut best) = fits(low)? else {
        return Ok(None);
    };
    let (mut lo, mut hi) = (low, high);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        match fits(mid)? {
            Some(c) => {
                lo = mid;
                best = c;
            }
            None => hi = mid - 1,
        }
    }
    Ok(Some((lo, best)))
}

fn answer(found: Option<(u32, Exact)>, budget: Exact) -> Affordable {
    let (most, spent) = found.unwrap_or((0, Exact::ZERO));
    Affordable {
        most,
        spent,
        leftover: budget.checked_sub(spent).unwrap_or(Exact::ZERO),
    }
}

/// How many whole images of `steps` and `size` the budget buys.
pub fn images(
    model: &Model,
    display: Display,
    steps: u32,
    size: Size,
    budget: Exact,
) -> Result<Affordable, TooLarge> {
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
    let found = largest(0, u32::MAX, budget, |n| {
        Ok(one.checked_mul_int(u128::from(n)))
    })?;
    Ok(answer(found, budget))
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
) -> Result<Affordable, TooLarge> {
    let cost = |steps| match quote(model, &Job { steps, size, count }, display) {
        Ok(q) => Ok(Some(q.exact)),
        // Past what can be priced exactly is past any budget a decimal can state.
        Err(_) if steps > min_steps => Ok(None),
        Err(e) => Err(e),
    };
    Ok(answer(largest(min_steps, max_steps, budget, cost)?, budget))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::Tariff;

    fn e(s: &str) -> Exact {
        Exact::from_decimal(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_budget_of_exactly_n_images_buys_n() {
        let t = Tariff::builtin().unwrap();
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
    }

    #[test]
    fn the_most_steps_that_fit() {
        let t = Tariff::builtin().unwrap();
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
