//! Exact percent changes and signed amounts, worked out from exact prices and rounded once,
//! for display; the `--fail-above` gate compares the exact fractions.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::exact::Rounding;
use crate::exact::{Exact, wide_mul, write_point};

/// A figure that does not fit exact arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// An exact percent change, `100 x (new - old) / old`, with its display rounded once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Percent {
    /// Rise, fall or none.
    sign: Ordering,
    /// `|new - old| / old` as `numer / denom`, in lowest terms.
    numer: u128,
    denom: u128,
    /// `|percent|` in hundredths, rounded half away from zero.
    hundredths: u128,
}

impl Percent {
    /// The change from `old` to `new`: `Ok(None)` when `old` is 0 (a rise from nothing has no
    /// percentage).
    pub fn between(old: Exact, new: Exact) -> Result<Option<Percent>, Overflow> {
        if old.is_zero() {
            return Ok(None);
        }
        let (o, n) = old.numerators(new).ok_or(Overflow)?;
        let sign = n.cmp(&o);
        let change = n.abs_diff(o);
        let common = gcd(change, o);
        let (numer, denom) = (change / common, o / common);
        // Four decimal places of the fraction by long division, then round half away from 0.
        let mut hundredths = (numer / denom).checked_mul(10_000).ok_or(Overflow)?;
        let mut rest = numer % denom;
        let mut fraction = 0u128;
        for _ in 0..4 {
            rest = rest.checked_mul(10).ok_or(Overflow)?;
            fraction = fraction * 10 + rest / denom;
            rest %= denom;
        }
        hundredths = hundredths.checked_add(fraction).ok_or(Overflow)?;
        if rest > 0 && rest >= denom - rest {
            hundredths = hundredths.checked_add(1).ok_or(Overflow)?;
        }
        Ok(Some(Percent {
            sign,
            numer,
            denom,
            hundredths,
        }))
    }

    /// Whether it is a rise, a fall, or no change.
    pub fn sign(&self) -> Ordering {
        self.sign
    }

    /// The percent as a gate message shows it beside `limit`: signed to two places, or, where
    /// those would put it on the other side of the limit than it is (`+10.00%` for 10.004%
    /// above 10%, or for 9.99999% within 9.9999%), with as many more places as it takes, cut
    /// (not rounded) and ending in `...` if more digits follow: `+10.004...`, `+9.99999...`.
    /// `None` on overflow.
    pub fn beside(&self, limit: Decimal) -> Option<String> {
        let (m, s) = (limit.mantissa().unsigned_abs(), limit.scale());
        let shown_above = |value: u128, places: u32| -> Option<bool> {
            // value / 10^places > m / 10^s, in integers at the larger scale.
            let top = places.max(s);
            let left = value.checked_mul(10u128.checked_pow(top - places)?)?;
            let right = m.checked_mul(10u128.checked_pow(top - s)?)?;
            Some(left > right)
        };
        let above = self.exceeds(limit);
        if self.sign != Ordering::Greater || shown_above(self.hundredths, 2)? == above {
            return Some(self.to_string());
        }
        let whole = self.numer.checked_mul(100)?;
        let (mut value, mut rest) = (whole / self.denom, whole % self.denom);
        for places in 1..=30u32 {
            rest = rest.checked_mul(10)?;
            value = value.checked_mul(10)?.checked_add(rest / self.denom)?;
            rest %= self.denom;
            // Within the limit, to the limit's own places at least: `+9.9999%` beside 9.9999.
            if places >= 2 && (above || places >= s) && shown_above(value, places)? == above {
                let mut text = String::from("+");
                let digits = value.to_string();
                let digits = format!("{digits:0>width$}", width = places as usize + 1);
                let (int, frac) = digits.split_at(digits.len() - places as usize);
                text.push_str(int);
                text.push('.');
                text.push_str(frac);
                if rest != 0 {
                    text.push_str("...");
                }
                return Some(text);
            }
        }
        Some(self.to_string())
    }

    /// Whether it is a rise of more than `limit` percent, compared exactly.
    pub fn exceeds(&self, limit: Decimal) -> bool {
        if self.sign != Ordering::Greater {
            return false;
        }
        // 100 x numer / denom > m / 10^s  <=>  numer x 100 x 10^s > m x denom, in 256 bits.
        let (m, s) = (limit.mantissa().unsigned_abs(), limit.scale());
        let scale = 100 * 10u128.pow(s);
        wide_mul(self.numer, scale) > wide_mul(self.denom, m)
    }
}

/// `+10.00`, `-3.33`, `0.00`: the sign says rise or fall even where the two places show 0.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sign {
            Ordering::Greater => f.write_str("+")?,
            Ordering::Less => f.write_str("-")?,
            Ordering::Equal => {}
        }
        write_point(f, self.hundredths, 2, false)
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// An exact signed amount: new minus old.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    /// Rise, fall or none.
    pub sign: Ordering,
    /// How much.
    pub size: Exact,
}

impl Delta {
    /// `new - old`, exactly; `None` if that does not fit.
    pub fn between(old: Exact, new: Exact) -> Option<Delta> {
        let sign = new.cmp(&old);
        let size = match sign {
            Ordering::Less => old.checked_sub(new)?,
            _ => new.checked_sub(old)?,
        };
        Some(Delta { sign, size })
    }

    /// Rounded once, half away from zero, to `places`; `None` if that does not fit a decimal.
    pub fn round(&self, places: u32) -> Option<Decimal> {
        let size = self.size.round(places, Rounding::HalfUp)?;
        Some(if self.sign == Ordering::Less {
            -size
        } else {
            size
        })
    }
}

/// The exact expansion with its sign: `+0.00015075`, `-0.0001`, `0`.
impl fmt::Display for Delta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sign {
            Ordering::Greater => write!(f, "+{}", self.size),
            Ordering::Less => write!(f, "-{}", self.size),
            Ordering::Equal => f.write_str("0"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_beside_a_limit_is_shown_on_its_own_side_of_it() {
        let percent = |old: &str, new: &str| Percent::between(e(old), e(new)).unwrap().unwrap();
        // 9.9999% exactly: within 9.9999, though two places round it to 10.00.
        assert_eq!(
            percent("1000000", "1099999").beside(d("9.9999")).as_deref(),
            Some("+9.9999")
        );
        // 10.004%: above 10, though two places round it to 10.00.
        assert_eq!(
            percent("100000", "110004").beside(d("10")).as_deref(),
            Some("+10.004")
        );
        // Two places on the right side stay two places.
        assert_eq!(
            percent("100", "105").beside(d("10")).as_deref(),
            Some("+5.00")
        );
    }
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn e(s: &str) -> Exact {
        Exact::from_decimal(d(s)).unwrap()
    }

    #[test]
    fn percent_is_exact_and_rounds_once() {
        let p = |old: &str, new: &str| Percent::between(e(old), e(new)).unwrap().unwrap();
        assert_eq!(p("3", "4").to_string(), "+33.33");
        assert_eq!(p("3", "5").to_string(), "+66.67");
        assert_eq!(p("3", "2").to_string(), "-33.33");
        assert_eq!(p("1", "1").to_string(), "0.00");
        assert_eq!(p("100000", "100000.001").to_string(), "+0.00");
        assert_eq!(p("0.0008", "0.0016").to_string(), "+100.00");
        // 1/3 rise: above 33.33, not above 33.34; 10% exactly is not above 10.
        assert!(p("3", "4").exceeds(d("33.33")) && !p("3", "4").exceeds(d("33.34")));
        assert!(!p("10", "11").exceeds(d("10")) && p("10", "11").exceeds(d("9.9999999")));
        assert!(!p("3", "2").exceeds(Decimal::ZERO));
        assert!(p("100000", "100000.001").exceeds(Decimal::ZERO));
        assert_eq!(Percent::between(Exact::ZERO, e("1")), Ok(None));
    }
}
