//! The amounts a tariff shows as a given value, and the rates that charge them: what `check`
//! computes, turned around.

use super::{Interval, MAX_PLACES, Overflow, Ratio, ZERO};
use crate::exact::Rounding;
use crate::tariff::Display;

/// The amounts that round to `k / 10^places` at `places` under `mode` (for `k = 0`, those
/// that round to zero).
pub(super) fn rounds_to(k: u128, places: u32, mode: Rounding) -> Result<Interval, Overflow> {
    let scale = 10u128.checked_pow(places).ok_or(Overflow)?;
    let step = Ratio::new(1, scale).ok_or(Overflow)?;
    let half = Ratio::new(1, scale.checked_mul(2).ok_or(Overflow)?).ok_or(Overflow)?;
    let shown = Ratio::new(k, scale).ok_or(Overflow)?;
    let add = |a: Ratio, b: Ratio| a.add(b).ok_or(Overflow);
    // Below zero is no amount: the lower end of the zero's interval is zero itself.
    let sub = |a: Ratio, b: Ratio| Ok(a.sub(b).unwrap_or(ZERO));
    Ok(match mode {
        Rounding::HalfUp => Interval {
            lo: sub(shown, half)?,
            lo_closed: true,
            hi: add(shown, half)?,
            hi_closed: false,
        },
        Rounding::HalfEven => {
            let even = k.is_multiple_of(2);
            Interval {
                lo: sub(shown, half)?,
                lo_closed: even,
                hi: add(shown, half)?,
                hi_closed: even,
            }
        }
        Rounding::Up if k == 0 => Interval::point(ZERO),
        Rounding::Up => Interval {
            lo: sub(shown, step)?,
            lo_closed: false,
            hi: shown,
            hi_closed: true,
        },
        Rounding::Down => Interval {
            lo: shown,
            lo_closed: true,
            hi: add(shown, step)?,
            hi_closed: false,
        },
    })
}

/// The amounts [`crate::pricing::shown`] shows as `v`: rounded at the tariff's places, or, for
/// an amount that would show as zero there, at the first place where it does not (down to the
/// 28th, below which it rounds up to it). `None` when no amount shows as `v`.
pub(super) fn shown_as(v: Ratio, display: Display) -> Result<Option<Interval>, Overflow> {
    if v.is_zero() {
        return Ok(Some(Interval::point(ZERO)));
    }
    let Display { decimals, rounding } = display;
    let mut pieces = Vec::new();
    if let Some(k) = v.at_places(decimals)? {
        pieces.push(rounds_to(k, decimals, rounding)?);
    }
    for places in decimals.saturating_add(1)..=MAX_PLACES {
        if let Some(k) = v.at_places(places)? {
            // Shown at `places` only when zero at every place before it.
            let zero_before = rounds_to(0, places - 1, rounding)?;
            pieces.extend(rounds_to(k, places, rounding)?.intersect(&zero_before));
        }
    }
    if v == Ratio::decimal(1, MAX_PLACES)? {
        let zero = rounds_to(0, MAX_PLACES, rounding)?;
        pieces.extend(
            Interval {
                lo_closed: false,
                ..zero
            }
            .nonempty(),
        );
    }
    // Showing never falls as the amount rises, so the pieces touch: their hull is their union.
    Ok(pieces.into_iter().reduce(|a, b| a.hull(&b)))
}

/// The amounts [`crate::pricing::shown`] shows as a value from `low` (`None`: zero) to `high`,
/// both included; `None` when none.
pub(super) fn shown_between(
    low: Option<Ratio>,
    high: Ratio,
    display: Display,
) -> Result<Option<Interval>, Overflow> {
    let Display { decimals, .. } = display;
    let shows = |v: Ratio| -> Result<bool, Overflow> { Ok(shown_as(v, display)?.is_some()) };
    let tiny = Ratio::decimal(1, MAX_PLACES)?;
    // Every k / 10^decimals above zero is shown; at a deeper place only the first few are (an
    // amount shown there rounds to zero a place before), and at least 1 / 10^places.
    let least = match low.filter(|l| !l.is_zero()) {
        None => ZERO,
        Some(low) => {
            let ceil = |places| -> Result<u128, Overflow> {
                let (floor, exact) = low.scaled(places)?;
                Ok((floor + u128::from(!exact)).max(1))
            };
            let mut least = Ratio::decimal(ceil(decimals)?, decimals)?;
            for places in decimals.saturating_add(1)..=MAX_PLACES {
                if low > Ratio::decimal(10, places)? {
                    break;
                }
                let v = Ratio::decimal(ceil(places)?, places)?;
                if v < least && shows(v)? {
                    least = v;
                }
            }
            if low <= tiny && tiny < least && shows(tiny)? {
                least = tiny;
            }
            least
        }
    };
    let mut most = ZERO;
    let whole = high.scaled(decimals)?.0;
    if whole > 0 {
        most = Ratio::decimal(whole, decimals)?;
    }
    for places in decimals.saturating_add(1)..=MAX_PLACES {
        let ten = Ratio::decimal(10, places)?;
        let top = if high >= ten {
            10
        } else {
            high.scaled(places)?.0
        };
        for k in (1..=top).rev() {
            let v = Ratio::decimal(k, places)?;
            if v <= most {
                break;
            }
            if shows(v)? {
                most = v;
                break;
            }
        }
    }
    if tiny <= high && most < tiny && shows(tiny)? {
        most = tiny;
    }
    if least > most {
        return Ok(None);
    }
    let (Some(from), Some(to)) = (shown_as(least, display)?, shown_as(most, display)?) else {
        return Err(Overflow);
    };
    Ok(Some(Interval {
        hi: to.hi,
        hi_closed: to.hi_closed,
        ..from
    }))
}

/// The rates above zero at which an image of `pixel_steps` (a `unit`-pixel unit) shows an
/// amount in `amounts`, its price being the `minimum` where it meters less.
pub(super) fn rates_for(
    amounts: Interval,
    minimum: Ratio,
    pixel_steps: u128,
    unit: u128,
) -> Result<Option<Interval>, Overflow> {
    let per_rate = |r: Ratio| r.div_by(pixel_steps, unit).ok_or(Overflow);
    let mut rates = Interval {
        lo: per_rate(amounts.lo)?,
        hi: per_rate(amounts.hi)?,
        ..amounts
    };
    if amounts.contains(minimum) {
        // Every rate metering below the minimum charges it.
        rates.lo = ZERO;
        rates.lo_closed = true;
    } else if !amounts.above(minimum) {
        // Every rate charges at least the minimum, more than any of `amounts`.
        return Ok(None);
    }
    if rates.lo.is_zero() {
        rates.lo_closed = false;
    }
    Ok(rates.nonempty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_per_rounding_mode() {
        let at = |k, mode| rounds_to(k, 3, mode).unwrap().exact();
        assert_eq!(at(3, Rounding::Up), "(1/500, 3/1000]");
        assert_eq!(at(3, Rounding::Down), "[3/1000, 1/250)");
        assert_eq!(at(3, Rounding::HalfEven), "(1/400, 7/2000)");
        assert_eq!(at(4, Rounding::HalfEven), "[7/2000, 9/2000]");
        assert_eq!(at(0, Rounding::HalfUp), "[0, 1/2000)");
        assert_eq!(at(0, Rounding::HalfEven), "[0, 1/2000]");
        assert_eq!(at(0, Rounding::Up), "[0, 0]");
        assert_eq!(at(0, Rounding::Down), "[0, 1/1000)");
    }

    fn display(decimals: u32, rounding: Rounding) -> Display {
        Display { decimals, rounding }
    }

    #[test]
    fn amounts_shown_below_the_places() {
        let r = |n, d| Ratio::new(n, d).unwrap();
        let shows = |v, d: Display| shown_as(v, d).unwrap().map(|i| i.exact());
        // 0.003 at 2 places: the amounts that round to 0.00 there and to 0.003 at 3.
        let half_up = display(2, Rounding::HalfUp);
        assert_eq!(
            shows(r(3, 1000), half_up).as_deref(),
            Some("[1/400, 7/2000)")
        );
        // 0.0008 at 2 places: whatever rounds to it at 4 places shows 0.001 at 3.
        assert_eq!(shows(r(8, 10_000), half_up), None);
        // Shown at the places as usual, and zero only for zero.
        assert_eq!(shows(r(1, 100), half_up).as_deref(), Some("[1/200, 3/200)"));
        assert_eq!(shows(ZERO, half_up).as_deref(), Some("[0, 0]"));
        // Rounding up, nothing shows as zero at the places: below them, nothing is shown.
        assert_eq!(shows(r(3, 1000), display(2, Rounding::Up)), None);
        assert_eq!(
            shows(r(1, 100), display(2, Rounding::Up)).as_deref(),
            Some("(0, 1/100]")
        );
        // Rounding down, 0.009 is what [0.009, 0.01) shows.
        assert_eq!(
            shows(r(9, 1000), display(2, Rounding::Down)).as_deref(),
            Some("[9/1000, 1/100)")
        );
        // Below the 28th place, an amount rounds up to it: down to 0 places, 0.0...01 (28
        // places) is what (0, 2/10^28) shows.
        let deepest = shows(r(1, 10u128.pow(28)), display(0, Rounding::Down)).unwrap();
        assert_eq!(deepest, format!("(0, 1/{})", 5 * 10u128.pow(27)));
    }

    #[test]
    fn amounts_shown_within_a_range() {
        let r = |n, d| Ratio::new(n, d).unwrap();
        let between = |lo, hi, d| shown_between(lo, hi, d).unwrap().map(|i| i.exact());
        let half_up = display(2, Rounding::HalfUp);
        // 0.0025 to 0.0035 at 2 places: only 0.003 is shown there (what rounds to 0.0025 at 4
        // places is 0.002 or 0.003 at 3).
        assert_eq!(
            between(Some(r(25, 10_000)), r(35, 10_000), half_up).as_deref(),
            Some("[1/400, 7/2000)")
        );
        // 0 to 0.01: everything up to what shows 0.01.
        assert_eq!(
            between(None, r(1, 100), half_up).as_deref(),
            Some("[0, 3/200)")
        );
        // 0.011 to 0.014 at 2 places: no shown value lies there.
        assert_eq!(between(Some(r(11, 1000)), r(14, 1000), half_up), None);
    }
}
