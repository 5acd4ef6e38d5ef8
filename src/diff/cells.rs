//! The grid's cells priced under both tariffs.

use rust_decimal::Decimal;

use super::{Delta, DiffError, Overflow, Percent};
use crate::exact::Exact;
use crate::grid::{Cell, Grid};
use crate::size::Size;
use crate::tariff::Model;

/// One cell under both tariffs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiffCell {
    /// Steps.
    pub steps: u32,
    /// Size.
    pub size: Size,
    /// Shown price under the old tariff.
    pub old: Decimal,
    /// Shown price under the new tariff.
    pub new: Decimal,
    /// Exact price under the old tariff.
    pub old_exact: Exact,
    /// Exact price under the new tariff.
    pub new_exact: Exact,
    /// Exact new minus old.
    pub delta: Delta,
    /// `delta` rounded once, half away from zero, to the more places of the two tariffs (the
    /// new tariff's, if that does not fit a decimal).
    pub difference: Decimal,
    /// Exact percent change from old; `None` when the old price is 0.
    pub percent: Option<Percent>,
}

impl DiffCell {
    /// Whether the price rose by more than `limit` percent; a rise from 0 always does.
    pub fn rises_above(&self, limit: Decimal) -> bool {
        match self.percent {
            Some(p) => p.exceeds(limit),
            None => self.new_exact > self.old_exact,
        }
    }
}

/// A model present in both tariffs.
#[derive(Clone, Debug)]
pub struct ModelDiff<'a> {
    /// The model as it was.
    pub old: &'a Model,
    /// The model as it is.
    pub new: &'a Model,
    /// The grid priced under the old tariff.
    pub(super) before: Grid,
    /// The same grid priced under the new tariff.
    pub(super) after: Grid,
    /// Places of a cell's difference: the more of the two tariffs'.
    pub(super) places: u32,
    /// The new tariff's places, where the more do not fit a decimal.
    pub(super) new_places: u32,
}

impl ModelDiff<'_> {
    /// Every cell, row by row, worked out as it is read: `diff` worked out each one already,
    /// so this holds none of them.
    pub fn cells(&self) -> impl Iterator<Item = DiffCell> + '_ {
        self.before.cells().zip(self.after.cells()).map(|(b, a)| {
            self.cell(b, a)
                .expect("every cell was worked out when the diff was made")
        })
    }

    /// How many cells it has.
    pub fn len(&self) -> usize {
        self.before.len()
    }

    /// Whether it has no cells.
    pub fn is_empty(&self) -> bool {
        self.before.is_empty()
    }

    /// One cell from its prices under both tariffs.
    pub(super) fn cell(&self, b: Cell, a: Cell) -> Result<DiffCell, DiffError> {
        let (old_exact, new_exact) = (b.quote.exact, a.quote.exact);
        let too_large = || {
            DiffError::TooLarge(format!(
                "the change of {} at {} steps, {} ({} to {})",
                self.old.id, b.job.steps, b.job.size, b.quote.price, a.quote.price
            ))
        };
        let delta = Delta::between(old_exact, new_exact).ok_or_else(too_large)?;
        Ok(DiffCell {
            steps: b.job.steps,
            size: b.job.size,
            old: b.quote.price,
            new: a.quote.price,
            old_exact,
            new_exact,
            delta,
            // At the new tariff's places where the more places do not fit a decimal.
            difference: delta
                .round(self.places)
                .or_else(|| delta.round(self.new_places))
                .ok_or_else(too_large)?,
            percent: Percent::between(old_exact, new_exact).map_err(|Overflow| too_large())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn e(s: &str) -> Exact {
        Exact::from_decimal(d(s)).unwrap()
    }

    #[test]
    fn a_rise_from_zero_fails_any_gate() {
        let cell = |old: Exact, new: Exact| DiffCell {
            steps: 1,
            size: Size::new(1, 1),
            old: Decimal::ZERO,
            new: Decimal::ZERO,
            old_exact: old,
            new_exact: new,
            delta: Delta::between(old, new).unwrap(),
            difference: Decimal::ZERO,
            percent: Percent::between(old, new).unwrap(),
        };
        let from_zero = cell(Exact::ZERO, e("0.00001"));
        assert_eq!(from_zero.percent, None);
        assert!(from_zero.rises_above(d("79228162514264337593543950335")));
        assert!(!cell(Exact::ZERO, Exact::ZERO).rises_above(Decimal::ZERO));
        assert_eq!(from_zero.delta.to_string(), "+0.00001");
        assert_eq!(cell(e("2"), e("1.5")).delta.to_string(), "-0.5");
        assert_eq!(cell(e("2"), e("1.5")).delta.round(0), Some(d("-1")));
    }
}
