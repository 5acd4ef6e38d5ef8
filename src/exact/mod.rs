//! Exact non-negative amounts: `numer / (2^twos x 5^fives)`.
//!
//! Every figure dis-price computes is a tariff decimal (a power of ten below) times a whole number
//! of pixel-steps divided by the unit's pixels (2^a x 5^b, checked when the tariff loads), so
//! its denominator only ever has factors 2 and 5 and its decimal expansion terminates. Holding
//! the numerator in a `u128` keeps such amounts exact well past the 28 significant digits a
//! `Decimal` holds (a batch total of odd-sized images easily needs 33), without allocating.
//! Every operation is checked: where a result would not fit, it returns `None`, never a
//! rounded value.

mod rounding;

pub use rounding::Rounding;

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::digits::Figures;

/// An exact amount, at least zero, kept reduced so that equal amounts compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Exact {
    numer: u128,
    twos: u32,
    fives: u32,
}

impl Exact {
    /// Zero.
    pub const ZERO: Exact = Exact {
        numer: 0,
        twos: 0,
        fives: 0,
    };

    /// A whole number.
    pub const fn from_int(n: u128) -> Exact {
        Exact {
            numer: n,
            twos: 0,
            fives: 0,
        }
    }

    /// A non-negative decimal, exactly; `None` for a negative one.
    pub fn from_decimal(d: Decimal) -> Option<Exact> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        let scale = d.scale();
        Some(
            Exact {
                numer: d.mantissa().unsigned_abs(),
                twos: scale,
                fives: scale,
            }
            .reduced(),
        )
    }

    /// `n / denom`, where `denom` must be 2^a x 5^b.
    pub fn ratio(n: u128, denom: u64) -> Option<Exact> {
        let (twos, fives) = two_five_factors(denom)?;
        Some(Exact::over(n, twos, fives))
    }

    /// `n / (2^twos x 5^fives)`.
    pub fn over(n: u128, twos: u32, fives: u32) -> Exact {
        Exact {
            numer: n,
            twos,
            fives,
        }
        .reduced()
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.numer == 0
    }

    #[inline]
    fn reduced(mut self) -> Exact {
        // Most figures fit 64 bits: shifts, compares and divisions by 5 in 64-bit registers.
        if let Ok(mut n) = u64::try_from(self.numer) {
            if n == 0 {
                return Exact::ZERO;
            }
            let twos = n.trailing_zeros().min(self.twos);
            n >>= twos;
            let mut fives = self.fives;
            while fives > 0 && n % 5 == 0 {
                n /= 5;
                fives -= 1;
            }
            return Exact {
                numer: u128::from(n),
                twos: self.twos - twos,
                fives,
            };
        }
        if self.numer == 0 {
            return Exact::ZERO;
        }
        let twos = self.numer.trailing_zeros().min(self.twos);
        self.numer >>= twos;
        self.twos -= twos;
        // Division by 5 in 64 bits where the figure allows (most do): a 128-bit one is a
        // library call.
        while self.fives > 0 {
            let (quotient, rest) = match u64::try_from(self.numer) {
                Ok(n) => (u128::from(n / 5), n % 5),
                Err(_) => (self.numer / 5, (self.numer % 5) as u64),
            };
            if rest != 0 {
                break;
            }
            self.numer = quotient;
            self.fives -= 1;
        }
        self
    }

    /// `self x other`, or `None` if it does not fit.
    #[inline]
    pub fn checked_mul(self, other: Exact) -> Option<Exact> {
        // Two 64-bit numerators: their product always fits 128 bits.
        let numer = match (u64::try_from(self.numer), u64::try_from(other.numer)) {
            (Ok(a), Ok(b)) => u128::from(a) * u128::from(b),
            _ => self.numer.checked_mul(other.numer)?,
        };
        Some(
            Exact {
                numer,
                twos: self.twos.checked_add(other.twos)?,
                fives: self.fives.checked_add(other.fives)?,
            }
            .reduced(),
        )
    }

    /// `self x k`, or `None` if it does not fit.
    pub fn checked_mul_int(self, k: u128) -> Option<Exact> {
        self.checked_mul(Exact::from_int(k))
    }

    /// `self + other`, or `None` if it does not fit.
    pub fn checked_add(self, other: Exact) -> Option<Exact> {
        let (twos, fives) = (self.twos.max(other.twos), self.fives.max(other.fives));
        let sum = self
            .widened(twos, fives)?
            .checked_add(other.widened(twos, fives)?)?;
        Some(
            Exact {
                numer: sum,
                twos,
                fives,
            }
            .reduced(),
        )
    }

    /// `self - other`, or `None` if that would be negative or does not fit.
    pub fn checked_sub(self, other: Exact) -> Option<Exact> {
        let (twos, fives) = (self.twos.max(other.twos), self.fives.max(other.fives));
        let difference = self
            .widened(twos, fives)?
            .checked_sub(other.widened(twos, fives)?)?;
        Some(
            Exact {
                numer: difference,
                twos,
                fives,
            }
            .reduced(),
        )
    }

    /// The numerators of `self` and `other` over their least common denominator, so that
    /// `self / other` is their ratio; `None` if either does not fit a `u128`.
    pub fn numerators(self, other: Exact) -> Option<(u128, u128)> {
        let (twos, fives) = (self.twos.max(other.twos), self.fives.max(other.fives));
        Some((self.widened(twos, fives)?, other.widened(twos, fives)?))
    }

    /// The numerator over the larger denominator 2^twos x 5^fives.
    fn widened(self, twos: u32, fives: u32) -> Option<u128> {
        self.numer
            .checked_mul(factor(twos - self.twos, fives - self.fives)?)
    }

    fn denom(self) -> Option<u128> {
        factor(self.twos, self.fives)
    }

    /// Appends the exact expansion (as `Display` writes it) to a byte buffer.
    pub fn push_to(self, out: &mut Vec<u8>) {
        let mut figures = Figures::new(out);
        self.write_to(&mut figures);
        figures.finish();
    }

    /// Writes the exact expansion (as `Display` writes it) to a row's figures.
    #[inline]
    pub fn write_to(self, figures: &mut Figures<'_>) {
        // A denominator that is a power of two (units of a 1024x1024 image are) and a numerator
        // of 64 bits: the whole part, then the fraction digit by digit, with no division.
        if self.fives == 0
            && self.twos <= 60
            && let Ok(numer) = u64::try_from(self.numer)
        {
            figures.binary(
                numer >> self.twos,
                numer & ((1u64 << self.twos) - 1),
                self.twos,
            );
            return;
        }
        let out = figures.out();
        match self.scaled() {
            Some((digits, places)) => push_point(out, digits, places, true),
            None => out.extend_from_slice(self.to_string().as_bytes()),
        }
    }

    /// The decimal places of its exact expansion.
    pub fn places(self) -> u32 {
        self.twos.max(self.fives)
    }

    /// The value as `digits / 10^places()`, when `digits` fits a `u128`.
    fn scaled(self) -> Option<(u128, u32)> {
        let places = self.places();
        let by = factor(places - self.twos, places - self.fives)?;
        Some((self.numer.checked_mul(by)?, places))
    }

    /// Rounded once to `places` places with `mode`, as a `Decimal`; `None` if that does not fit.
    pub fn round(self, places: u32, mode: Rounding) -> Option<Decimal> {
        // Fastest: the value times 10^places is numer x 2^(places - twos) x 5^(places - fives);
        // the factors of a negative power divide, and where numerator and divisor fit 64 bits
        // that is one 64-bit division (rounding looks only at the remainder against the
        // divisor, so any divisor giving the same fraction rounds the same).
        if let Ok(numer) = u64::try_from(self.numer)
            && let Some(up) = factor64(
                places.saturating_sub(self.twos),
                places.saturating_sub(self.fives),
            )
            && let Some(down) = factor64(
                self.twos.saturating_sub(places),
                self.fives.saturating_sub(places),
            )
            && let Some(numer) = numer.checked_mul(up)
        {
            return finish(
                u128::from(numer / down),
                u128::from(numer % down),
                u128::from(down),
                places,
                mode,
            );
        }
        // Else one multiplication and one division when the digits and the divisor fit a
        // u128; else long division.
        if let Some((digits, exact_places)) = self.scaled() {
            if exact_places <= places {
                let kept = 10u128
                    .checked_pow(places - exact_places)
                    .and_then(|f| digits.checked_mul(f));
                if let Some(kept) = kept {
                    return finish(kept, 0, 1, places, mode);
                }
            } else if let Some(unit) = 10u128.checked_pow(exact_places - places) {
                return finish(digits / unit, digits % unit, unit, places, mode);
            }
        }
        self.round_long(places, mode)
    }

    /// [`Exact::round`] by long division, a place at a time: for any value whose denominator
    /// fits a `u128`.
    fn round_long(self, places: u32, mode: Rounding) -> Option<Decimal> {
        let denom = self.denom()?;
        let whole = self.numer / denom;
        let mut rest = self.numer % denom;
        let mut mantissa = whole;
        for _ in 0..places {
            rest = rest.checked_mul(10)?;
            mantissa = mantissa.checked_mul(10)?.checked_add(rest / denom)?;
            rest %= denom;
        }
        finish(mantissa, rest, denom, places, mode)
    }

    /// The exact value as a `Decimal`, when it fits one.
    pub fn to_decimal(self) -> Option<Decimal> {
        self.round(self.places(), Rounding::Down)
    }
}

/// 5^0 to 5^55, the powers of five a `u128` holds.
const POWERS_OF_FIVE: [u128; 56] = {
    let mut table = [1u128; 56];
    let mut i = 1;
    while i < 56 {
        table[i] = table[i - 1] * 5;
        i += 1;
    }
    table
};

/// 2^twos x 5^fives, or `None` past a `u64`: [`factor`] in 64-bit registers.
fn factor64(twos: u32, fives: u32) -> Option<u64> {
    let five = u64::try_from(*POWERS_OF_FIVE.get(fives as usize)?).ok()?;
    if twos >= 64 || five.leading_zeros() < twos {
        return None;
    }
    Some(five << twos)
}

/// 2^twos x 5^fives, or `None` past a `u128`; a table look-up and a shift, no loop.
fn factor(twos: u32, fives: u32) -> Option<u128> {
    let five = *POWERS_OF_FIVE.get(fives as usize)?;
    if twos >= 128 || five.leading_zeros() < twos {
        return None;
    }
    Some(five << twos)
}

/// Rounds `kept + rest / denom` (in units of the last kept place) to a whole number of them.
fn finish(mut kept: u128, rest: u128, denom: u128, places: u32, mode: Rounding) -> Option<Decimal> {
    // `rest / denom` is what lies below the last kept place: compare it with a half.
    let other_half = denom - rest;
    let up = match mode {
        Rounding::Down => false,
        Rounding::Up => rest > 0,
        Rounding::HalfUp => rest >= other_half,
        Rounding::HalfEven => rest > other_half || (rest == other_half && kept % 2 == 1),
    };
    if up {
        kept = kept.checked_add(1)?;
    }
    Decimal::try_from_i128_with_scale(i128::try_from(kept).ok()?, places).ok()
}

/// `a x b` as a 256-bit (high, low) pair, for comparisons that must not overflow.
pub(crate) fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a_hi, a_lo, b_hi, b_lo) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & LOW) + (lo_hi & LOW);
    let low = (middle << 64) | (lo_lo & LOW);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        // a / 2^i5^j against b / 2^k5^l: multiply each side by the factors the other lacks.
        let (twos, fives) = (self.twos.max(other.twos), self.fives.max(other.fives));
        let widened = |e: &Exact| e.widened(twos, fives);
        if let (Some(a), Some(b)) = (widened(self), widened(other)) {
            return a.cmp(&b);
        }
        Exact::cmp_products(&[*self], &[*other])
    }
}

impl Exact {
    /// Compares the product of `left` with the product of `right`, exactly, whatever their
    /// size: `total x 100` against `budget x percent`, `n x price` against a budget.
    pub fn cmp_products(left: &[Exact], right: &[Exact]) -> Ordering {
        // Each side is numer / (2^twos 5^fives); bring both over 2^T 5^F, T and F the larger.
        let exponents = |side: &[Exact]| {
            side.iter().fold((0u64, 0u64), |(t, f), e| {
                (
                    t.saturating_add(u64::from(e.twos)),
                    f.saturating_add(u64::from(e.fives)),
                )
            })
        };
        let (left_twos, left_fives) = exponents(left);
        let (right_twos, right_fives) = exponents(right);
        let (twos, fives) = (left_twos.max(right_twos), left_fives.max(right_fives));
        let scaled = |side: &[Exact], own_twos: u64, own_fives: u64| {
            let mut n = big::one();
            for e in side {
                n = big::mul(&n, &big::from_u128(e.numer));
            }
            big::mul_pow5(&mut n, fives.saturating_sub(own_fives));
            big::shl(&mut n, twos.saturating_sub(own_twos));
            n
        };
        big::cmp(
            &scaled(left, left_twos, left_fives),
            &scaled(right, right_twos, right_fives),
        )
    }
}

/// Whole numbers of any size as little-endian 64-bit limbs, for comparisons that must never
/// overflow. Only the few operations the comparisons need; the rare slow path.
mod big {
    use std::cmp::Ordering;

    /// A whole number, least significant limb first.
    pub type Big = Vec<u64>;

    /// One.
    pub fn one() -> Big {
        vec![1]
    }

    /// From a `u128`.
    pub fn from_u128(n: u128) -> Big {
        // Truncation is intended: the low and the high 64 bits.
        #[allow(clippy::cast_possible_truncation)]
        let limbs = vec![n as u64, (n >> 64) as u64];
        limbs
    }

    /// `a x b`, schoolbook.
    pub fn mul(a: &[u64], b: &[u64]) -> Big {
        let mut out = vec![0u64; a.len().saturating_add(b.len())];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in b.iter().enumerate() {
                let at = i.wrapping_add(j);
                // (2^64-1)^2 + 2 x (2^64-1) = 2^128 - 1: a limb product with two limbs added
                // never overflows a u128.
                let t = u128::from(x)
                    .wrapping_mul(u128::from(y))
                    .wrapping_add(u128::from(out[at]))
                    .wrapping_add(carry);
                out[at] = low(t);
                carry = t >> 64;
            }
            out[i.wrapping_add(b.len())] = low(carry);
        }
        out
    }

    /// `a x 5^k`, in steps of 5^27, the largest power of five in a `u64`.
    pub fn mul_pow5(a: &mut Big, mut k: u64) {
        while k > 0 {
            let step = k.min(27);
            k = k.saturating_sub(step);
            // 5^27 < 2^64.
            let factor = 5u64.pow(u32::try_from(step).unwrap_or(27));
            let mut carry = 0u128;
            for limb in a.iter_mut() {
                let t = u128::from(*limb)
                    .wrapping_mul(u128::from(factor))
                    .wrapping_add(carry);
                *limb = low(t);
                carry = t >> 64;
            }
            if carry > 0 {
                a.push(low(carry));
            }
        }
    }

    /// `a x 2^bits`.
    pub fn shl(a: &mut Big, bits: u64) {
        let limbs = usize::try_from(bits / 64).unwrap_or(usize::MAX);
        let rest = u32::try_from(bits % 64).unwrap_or(0);
        if rest > 0 {
            let mut carry = 0u64;
            for limb in a.iter_mut() {
                let next = *limb >> (64u32.wrapping_sub(rest));
                *limb = (*limb << rest) | carry;
                carry = next;
            }
            if carry > 0 {
                a.push(carry);
            }
        }
        if limbs > 0 && a.iter().any(|&l| l != 0) {
            a.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    /// Compares two whole numbers.
    pub fn cmp(a: &[u64], b: &[u64]) -> Ordering {
        let significant = |n: &[u64]| {
            n.iter()
                .rposition(|&l| l != 0)
                .map_or(0, |i| i.wrapping_add(1))
        };
        let (la, lb) = (significant(a), significant(b));
        la.cmp(&lb)
            .then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
    }

    fn low(t: u128) -> u64 {
        // Truncation is intended: the low 64 bits.
        #[allow(clippy::cast_possible_truncation)]
        let l = t as u64;
        l
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The exact decimal expansion, without trailing zeros: `0.00603`, `5`, `0.5625`.
impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // numer / (2^twos 5^fives) = numer x 2^(p - twos) x 5^(p - fives) / 10^p, p = places:
        // produce its digits by long division so no intermediate overflows.
        if let Some((digits, places)) = self.scaled() {
            return write_point(f, digits, places, true);
        }
        let places = self.places();
        let Some(denom) = self.denom() else {
            return write!(f, "{}/(2^{} x 5^{})", self.numer, self.twos, self.fives);
        };
        write!(f, "{}", self.numer / denom)?;
        let mut rest = self.numer % denom;
        if rest == 0 {
            return Ok(());
        }
        f.write_str(".")?;
        for _ in 0..places {
            if rest == 0 {
                break;
            }
            let Some(tens) = rest.checked_mul(10) else {
                return write!(f, "…");
            };
            write!(f, "{}", tens / denom)?;
            rest = tens % denom;
        }
        Ok(())
    }
}

/// `digits / 10^places` in plain notation, in parts: the whole digits, the zeros after the
/// point, the remaining fraction digits, and whether there is a point at all.
struct Point<'a> {
    whole: &'a str,
    zeros: usize,
    fraction: &'a str,
    point: bool,
}

impl<'a> Point<'a> {
    /// From the decimal digits of `digits`; `trim` drops trailing zeros of the fraction (and
    /// the point, if nothing is left). No division.
    fn new(digits: &'a str, places: u32, trim: bool) -> Self {
        let places = places as usize;
        let (whole, fraction) = if digits.len() > places {
            digits.split_at(digits.len() - places)
        } else {
            ("0", digits)
        };
        let zeros = places - fraction.len();
        let fraction = if trim {
            fraction.trim_end_matches('0')
        } else {
            fraction
        };
        let point = places > 0 && !(trim && fraction.is_empty());
        Point {
            whole,
            zeros,
            fraction,
            point,
        }
    }
}

/// The decimal digits of `n`, through 64-bit formatting when it fits (most figures do).
fn format_digits(buffer: &mut itoa::Buffer, n: u128) -> &str {
    match u64::try_from(n) {
        Ok(small) => buffer.format(small),
        Err(_) => buffer.format(n),
    }
}

/// Appends `digits / 10^places` in plain notation to a byte buffer, as [`write_point`] writes it.
pub fn push_point(out: &mut Vec<u8>, digits: u128, places: u32, trim: bool) {
    if let Ok(small) = u64::try_from(digits)
        && crate::digits::push_point_u64(out, small, places, trim)
    {
        return;
    }
    let mut buffer = itoa::Buffer::new();
    let p = Point::new(format_digits(&mut buffer, digits), places, trim);
    out.extend_from_slice(p.whole.as_bytes());
    if p.point {
        out.push(b'.');
        out.extend(std::iter::repeat_n(b'0', p.zeros));
        out.extend_from_slice(p.fraction.as_bytes());
    }
}

/// Writes `digits / 10^places` in plain notation: `trim` drops trailing zeros of the fraction
/// (and the point, if nothing is left).
pub fn write_point(f: &mut dyn fmt::Write, digits: u128, places: u32, trim: bool) -> fmt::Result {
    let mut buffer = itoa::Buffer::new();
    let p = Point::new(format_digits(&mut buffer, digits), places, trim);
    f.write_str(p.whole)?;
    if p.point {
        f.write_str(".")?;
        for _ in 0..p.zeros {
            f.write_str("0")?;
        }
        f.write_str(p.fraction)?;
    }
    Ok(())
}

/// `n` as 2^a x 5^b, or `None` if it has another factor.
pub fn two_five_factors(n: u64) -> Option<(u32, u32)> {
    if n == 0 {
        return None;
    }
    let twos = n.trailing_zeros();
    let mut rest = n >> twos;
    let mut fives = 0;
    while rest.is_multiple_of(5) {
        rest /= 5;
        fives += 1;
    }
    (rest == 1).then_some((twos, fives))
}

#[cfg(test)]
mod tests;
