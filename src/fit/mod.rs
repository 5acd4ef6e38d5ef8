//! Fitting a rate to a published grid: for each published cell, the exact interval of rates
//! that shows its price as `check` prices it (the per-image minimum, the tariff's places and
//! rounding mode, and an amount that would show as zero shown to its first significant place);
//! where most intervals overlap; and the shortest decimal there.
//!
//! A cell's price is `shown(max(minimum, units x rate))`, which never falls as the rate rises,
//! so the rates showing any one value, or any values in a range, are one interval.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::exact::wide_mul;
use crate::job::Job;
use crate::pricing::{TooLarge, pixel_steps, quote};
use crate::size::Size;
use crate::tariff::{Display, Model};

mod shown;
use shown::{rates_for, shown_as, shown_between};

/// A non-negative fraction in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    num: u128,
    den: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Arithmetic past what `u128` fractions hold.
#[derive(Clone, Copy, Debug)]
struct Overflow;

/// The most places a shown amount has (a `Decimal`'s scale).
const MAX_PLACES: u32 = 28;

const ZERO: Ratio = Ratio { num: 0, den: 1 };

impl Ratio {
    fn new(num: u128, den: u128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Ratio {
            num: num / g,
            den: den / g,
        })
    }

    /// A non-negative decimal, exactly.
    fn from_decimal(d: Decimal) -> Option<Ratio> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        Ratio::new(d.mantissa().unsigned_abs(), 10u128.checked_pow(d.scale())?)
    }

    /// `k / 10^places`.
    fn decimal(k: u128, places: u32) -> Result<Ratio, Overflow> {
        Ratio::new(k, 10u128.checked_pow(places).ok_or(Overflow)?).ok_or(Overflow)
    }

    fn is_zero(self) -> bool {
        self.num == 0
    }

    /// `self + other`.
    fn add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.den, other.den).max(1);
        let num = self
            .num
            .checked_mul(other.den / g)?
            .checked_add(other.num.checked_mul(self.den / g)?)?;
        Ratio::new(num, (self.den / g).checked_mul(other.den)?)
    }

    /// `self - other`; `None` below zero.
    fn sub(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.den, other.den).max(1);
        let num = self
            .num
            .checked_mul(other.den / g)?
            .checked_sub(other.num.checked_mul(self.den / g)?)?;
        Ratio::new(num, (self.den / g).checked_mul(other.den)?)
    }

    /// `k` when it is `k / 10^places` exactly.
    fn at_places(self, places: u32) -> Result<Option<u128>, Overflow> {
        let scale = 10u128.checked_pow(places).ok_or(Overflow)?;
        if !scale.is_multiple_of(self.den) {
            return Ok(None);
        }
        self.num
            .checked_mul(scale / self.den)
            .map(Some)
            .ok_or(Overflow)
    }

    /// `self x 10^places`, rounded down, and whether that was exact.
    fn scaled(self, places: u32) -> Result<(u128, bool), Overflow> {
        let scale = 10u128.checked_pow(places).ok_or(Overflow)?;
        let g = gcd(scale, self.den).max(1);
        let num = self.num.checked_mul(scale / g).ok_or(Overflow)?;
        let den = self.den / g;
        Ok((num / den, num.is_multiple_of(den)))
    }

    /// `self / (n / m)` = `self x m / n`.
    fn div_by(self, n: u128, m: u128) -> Option<Ratio> {
        let (g1, g2) = (gcd(self.num, n).max(1), gcd(m, self.den).max(1));
        Ratio::new(
            (self.num / g1).checked_mul(m / g2)?,
            (self.den / g2).checked_mul(n / g1)?,
        )
    }

    /// The smallest multiple of 10^-places above (or, with `inclusive`, at or above) it.
    fn ceil_at(self, places: u32, inclusive: bool) -> Option<u128> {
        let (q, exact) = self.scaled(places).ok()?;
        if exact && inclusive {
            Some(q)
        } else {
            q.checked_add(1)
        }
    }

    /// The decimal value, to at most `digits` significant digits, with `...` when cut.
    fn approx(self, digits: usize) -> String {
        let whole = self.num / self.den;
        let mut rest = self.num % self.den;
        let mut text = whole.to_string();
        if rest == 0 {
            return text;
        }
        text.push('.');
        let mut significant = if whole == 0 { 0 } else { text.len() - 1 };
        while rest != 0 && significant < digits {
            let Some(tens) = rest.checked_mul(10) else {
                break;
            };
            let digit = tens / self.den;
            rest = tens % self.den;
            text.push(char::from(b'0' + digit as u8));
            if significant > 0 || digit > 0 {
                significant += 1;
            }
        }
        if rest != 0 {
            text.push_str("...");
        }
        text
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        wide_mul(self.num, other.den).cmp(&wide_mul(other.num, self.den))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// An interval of rates, each end open or closed; `None` ends are unbounded above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The lower end.
    pub lo: Ratio,
    /// Whether the lower end is in it.
    pub lo_closed: bool,
    /// The upper end.
    pub hi: Ratio,
    /// Whether the upper end is in it.
    pub hi_closed: bool,
}

impl Interval {
    fn point(r: Ratio) -> Interval {
        Interval {
            lo: r,
            lo_closed: true,
            hi: r,
            hi_closed: true,
        }
    }

    /// Whether `rate` is in it.
    pub fn contains_rate(&self, rate: Decimal) -> bool {
        Ratio::from_decimal(rate).is_some_and(|r| self.contains(r))
    }

    /// The interval, or `None` when it is empty.
    fn nonempty(self) -> Option<Interval> {
        (!self.is_empty()).then_some(self)
    }

    /// What both hold; `None` when nothing.
    fn intersect(&self, other: &Interval) -> Option<Interval> {
        let (lo, lo_closed) = match self.lo.cmp(&other.lo) {
            Ordering::Greater => (self.lo, self.lo_closed),
            Ordering::Less => (other.lo, other.lo_closed),
            Ordering::Equal => (self.lo, self.lo_closed && other.lo_closed),
        };
        let (hi, hi_closed) = match self.hi.cmp(&other.hi) {
            Ordering::Less => (self.hi, self.hi_closed),
            Ordering::Greater => (other.hi, other.hi_closed),
            Ordering::Equal => (self.hi, self.hi_closed && other.hi_closed),
        };
        Interval {
            lo,
            lo_closed,
            hi,
            hi_closed,
        }
        .nonempty()
    }

    /// The least interval holding both (their union, when they touch).
    fn hull(&self, other: &Interval) -> Interval {
        let (lo, lo_closed) = match self.lo.cmp(&other.lo) {
            Ordering::Less => (self.lo, self.lo_closed),
            Ordering::Greater => (other.lo, other.lo_closed),
            Ordering::Equal => (self.lo, self.lo_closed || other.lo_closed),
        };
        let (hi, hi_closed) = match self.hi.cmp(&other.hi) {
            Ordering::Greater => (self.hi, self.hi_closed),
            Ordering::Less => (other.hi, other.hi_closed),
            Ordering::Equal => (self.hi, self.hi_closed || other.hi_closed),
        };
        Interval {
            lo,
            lo_closed,
            hi,
            hi_closed,
        }
    }

    /// Whether every point of it is above `r`.
    fn above(&self, r: Ratio) -> bool {
        r < self.lo || (r == self.lo && !self.lo_closed)
    }

    fn contains(&self, r: Ratio) -> bool {
        let above = match r.cmp(&self.lo) {
            Ordering::Greater => true,
            Ordering::Equal => self.lo_closed,
            Ordering::Less => false,
        };
        let below = match r.cmp(&self.hi) {
            Ordering::Less => true,
            Ordering::Equal => self.hi_closed,
            Ordering::Greater => false,
        };
        above && below
    }

    fn is_empty(&self) -> bool {
        match self.lo.cmp(&self.hi) {
            Ordering::Less => false,
            Ordering::Equal => !(self.lo_closed && self.hi_closed),
            Ordering::Greater => true,
        }
    }

    /// The decimal with the fewest places inside, the lowest such.
    pub fn shortest_decimal(&self) -> Option<Decimal> {
        for places in 0..=28 {
            let Some(m) = self.lo.ceil_at(places, self.lo_closed) else {
                break;
            };
            let candidate = Ratio::new(m, 10u128.pow(places))?;
            if self.contains(candidate) {
                return Decimal::try_from_i128_with_scale(i128::try_from(m).ok()?, places).ok();
            }
        }
        None
    }

    /// `[a, b)` with approximate decimals.
    pub fn approx(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.lo_closed { '[' } else { '(' },
            self.lo.approx(11),
            self.hi.approx(11),
            if self.hi_closed { ']' } else { ')' }
        )
    }

    /// `[a, b)` as exact fractions.
    pub fn exact(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.lo_closed { '[' } else { '(' },
            self.lo,
            self.hi,
            if self.hi_closed { ']' } else { ')' }
        )
    }
}

/// One published cell with the rates that reproduce it.
#[derive(Clone, Debug)]
pub struct CellFit {
    /// Steps of the cell.
    pub steps: u32,
    /// Size of the cell.
    pub size: Size,
    /// The published price.
    pub published: Decimal,
    /// Rates that show exactly the published price; `None` when none can.
    pub exact: Option<Interval>,
    /// Rates that show a price within the tolerance.
    pub within: Option<Interval>,
}

/// The outcome of fitting a model's rate to its published grid.
#[derive(Clone, Debug)]
pub struct Fit {
    /// Every published cell.
    pub cells: Vec<CellFit>,
    /// The most cells any single rate a tariff can hold (a decimal above zero) reproduces
    /// exactly.
    pub best_count: usize,
    /// Every interval of rates reproducing `best_count` cells (more than one is a tie).
    pub best: Vec<Interval>,
    /// The shortest decimal in the best intervals.
    pub suggested: Option<Decimal>,
    /// Cells the suggested rate does not reproduce, with what it shows instead.
    pub misses: Vec<(usize, Decimal)>,
    /// Whether the tariff's current rate is in a best interval.
    pub current_is_best: bool,
    /// Whether some rate shows every cell within the tolerance.
    pub all_within_tolerance: bool,
}

/// Why a fit could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// The model has no published grid.
    #[error("model {0:?} has no published grid to fit")]
    Unpublished(String),
    /// The numbers are past what exact fractions here hold.
    #[error("the published grid of {0:?} has figures too large to fit exactly")]
    TooLarge(String),
    /// Pricing at the suggested rate failed.
    #[error(transparent)]
    Price(#[from] TooLarge),
}

/// The intervals where the most of `intervals` overlap at a rate a tariff can hold (a decimal of
/// at most 28 places), and how many that is. Where intervals only touch, at a point no decimal
/// is, no rate reproduces them all: `check` would find none.
fn most_overlap(intervals: &[Interval]) -> (usize, Vec<Interval>) {
    let mut points: Vec<Ratio> = intervals.iter().flat_map(|i| [i.lo, i.hi]).collect();
    points.sort();
    points.dedup();
    // Candidates, in order: each point, and the open gap after it.
    let mut candidates: Vec<(usize, Interval)> = Vec::new();
    for (n, &p) in points.iter().enumerate() {
        let at = Interval {
            lo: p,
            lo_closed: true,
            hi: p,
            hi_closed: true,
        };
        candidates.push((intervals.iter().filter(|i| i.contains(p)).count(), at));
        if let Some(&next) = points.get(n + 1) {
            let gap = Interval {
                lo: p,
                lo_closed: false,
                hi: next,
                hi_closed: false,
            };
            let count = intervals
                .iter()
                .filter(|i| i.lo <= p && i.hi >= next && !i.is_empty())
                .count();
            candidates.push((count, gap));
        }
    }
    let best = candidates
        .iter()
        .filter(|(_, piece)| piece.shortest_decimal().is_some())
        .map(|(c, _)| *c)
        .max()
        .unwrap_or(0);
    let mut merged: Vec<Interval> = Vec::new();
    let mut run: Option<Interval> = None;
    for (count, piece) in candidates {
        if count == best && best > 0 {
            run = Some(match run {
                Some(r) => Interval {
                    hi: piece.hi,
                    hi_closed: piece.hi_closed,
                    ..r
                },
                None => piece,
            });
        } else if let Some(r) = run.take() {
            merged.push(r);
        }
    }
    merged.extend(run);
    merged.retain(|i| i.shortest_decimal().is_some());
    (best, merged)
}

/// Fits `model`'s rate to its published grid under `display`.
pub fn fit(model: &Model, display: Display) -> Result<Fit, FitError> {
    let published = model
        .published
        .as_ref()
        .ok_or_else(|| FitError::Unpublished(model.id.clone()))?;
    let too_large = || FitError::TooLarge(model.id.clone());
    let unit = u128::from(model.unit_size.pixels());
    let tolerance = Ratio::from_decimal(published.tolerance).ok_or_else(too_large)?;
    let minimum = Ratio::from_decimal(model.minimum).ok_or_else(too_large)?;
    let mut cells = Vec::new();
    for row in &published.rows {
        for (&size, &price) in published.sizes.iter().zip(&row.prices) {
            let steps = pixel_steps(row.steps, size);
            let p = Ratio::from_decimal(price).ok_or_else(too_large)?;
            let rates = |amounts: Option<Interval>| match amounts {
                Some(a) => rates_for(a, minimum, steps, unit),
                None => Ok(None),
            };
            let exact = shown_as(p, display).and_then(rates);
            // Shown within the tolerance: from published - tolerance (or zero) to published + it.
            let low = if tolerance < p {
                p.sub(tolerance).map(Some)
            } else {
                Some(None)
            };
            let within = match (low, p.add(tolerance)) {
                (Some(low), Some(high)) => shown_between(low, high, display).and_then(rates),
                _ => Err(Overflow),
            };
            let (Ok(exact), Ok(within)) = (exact, within) else {
                return Err(too_large());
            };
            cells.push(CellFit {
                steps: row.steps,
                size,
                published: price,
                exact,
                within,
            });
        }
    }
    let exact: Vec<Interval> = cells.iter().filter_map(|c| c.exact).collect();
    let (best_count, best) = most_overlap(&exact);
    let within: Vec<Interval> = cells.iter().filter_map(|c| c.within).collect();
    let all_within_tolerance =
        within.len() == cells.len() && most_overlap(&within).0 == cells.len();
    let current = Ratio::from_decimal(model.rate).ok_or_else(too_large)?;
    let current_is_best = best.iter().any(|i| i.contains(current));
    // A best interval's ends may be past what the shortest-decimal search can scale; the
    // current rate, when it is in one, is a decimal there all the same.
    let suggested = best
        .iter()
        .filter_map(Interval::shortest_decimal)
        .min_by_key(|d| (d.scale(), *d))
        .or(current_is_best.then_some(model.rate));
    let mut misses = Vec::new();
    if let Some(rate) = suggested {
        let mut at = model.clone();
        at.rate = rate;
        for (n, cell) in cells.iter().enumerate() {
            let shown = quote(
                &at,
                &Job {
                    steps: cell.steps,
                    size: cell.size,
                    count: 1,
                },
                display,
            )?
            .price;
            if shown != cell.published {
                misses.push((n, shown));
            }
        }
    }
    Ok(Fit {
        cells,
        best_count,
        best,
        suggested,
        misses,
        current_is_best,
        all_within_tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_grid() {
        let t = crate::checks::builtin().unwrap();
        let f = fit(t.default_model(), t.display).unwrap();
        assert_eq!(f.best_count, 8);
        assert_eq!(f.best.len(), 1);
        // [2035/1687500, 905/750000) in lowest terms.
        assert_eq!(f.best[0].exact(), "[407/337500, 181/150000)");
        assert_eq!(
            f.best[0].approx(),
            "[0.0012059259259..., 0.0012066666666...)"
        );
        assert_eq!(f.suggested, Some(Decimal::new(1206, 6)));
        assert_eq!(f.misses.len(), 1);
        let (n, shown) = f.misses[0];
        assert_eq!(
            (f.cells[n].steps, f.cells[n].size),
            (20, Size::new(256, 256))
        );
        assert_eq!(shown, Decimal::new(15, 4));
        assert!(f.current_is_best);
        assert!(f.all_within_tolerance);
    }

    #[test]
    fn shortest_decimals() {
        let i = Interval {
            lo: Ratio::new(2035, 1_687_500).unwrap(),
            lo_closed: true,
            hi: Ratio::new(905, 750_000).unwrap(),
            hi_closed: false,
        };
        assert_eq!(i.shortest_decimal(), Some(Decimal::new(1206, 6)));
        let wide = Interval {
            lo: Ratio::new(1, 10).unwrap(),
            lo_closed: false,
            hi: Ratio::new(9, 10).unwrap(),
            hi_closed: false,
        };
        assert_eq!(wide.shortest_decimal(), Some(Decimal::new(2, 1)));
        let one = Interval {
            lo: Ratio::new(1, 3).unwrap(),
            lo_closed: true,
            hi: Ratio::new(1, 3).unwrap(),
            hi_closed: true,
        };
        assert_eq!(one.shortest_decimal(), None);
    }

    #[test]
    fn overlaps_and_ties() {
        let r = |n, d| Ratio::new(n, d).unwrap();
        let iv = |a, b| Interval {
            lo: r(a, 1),
            lo_closed: true,
            hi: r(b, 1),
            hi_closed: false,
        };
        let (n, best) = most_overlap(&[iv(0, 2), iv(1, 3), iv(5, 7), iv(6, 8)]);
        assert_eq!(n, 2);
        assert_eq!(
            best.iter().map(Interval::exact).collect::<Vec<_>>(),
            vec!["[1, 2)", "[6, 7)"]
        );
        // Touching at a third, which no decimal is: no rate holds both.
        let closed = |lo, hi| Interval {
            lo,
            lo_closed: true,
            hi,
            hi_closed: true,
        };
        let (n, best) = most_overlap(&[closed(r(0, 1), r(1, 3)), closed(r(1, 3), r(1, 1))]);
        assert_eq!(
            (n, best.iter().map(Interval::exact).collect::<Vec<_>>()),
            (1, vec!["[0, 1/3)".to_owned(), "(1/3, 1]".to_owned()])
        );
        let (n, best) = most_overlap(&[iv(0, 1), iv(1, 2)]);
        assert_eq!(
            (n, best.iter().map(Interval::exact).collect::<Vec<_>>()),
            (1, vec!["[0, 2)".to_owned()])
        );
    }
}
