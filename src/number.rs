//! Numbers as people type them: whole counts for flags, exact decimals for money.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

/// Reads a whole number from 0 to 4294967295: digits only, never wrapped, rounded or truncated.
pub fn parse_u32(text: &str) -> Result<u32, String> {
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{text:?} is not a whole number (expected digits 0 to {})",
            u32::MAX
        ));
    }
    digits
        .parse::<u32>()
        .map_err(|_| format!("{text:?} is larger than {}, the largest accepted", u32::MAX))
}

/// Reads an exact decimal: `0.001206`, `-1.5`, `1_000`, `1.206e-3`.
///
/// The value is never rounded: a literal with more digits than a `Decimal` holds (28 places,
/// 96 bits) is an error, as are `NaN`, `inf` and anything else that is not a plain number. A
/// zero is zero at any exponent; any other value whose exponent puts it above
/// 79228162514264337593543950335 or below 28 places is refused at once, without working
/// through the exponent.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let bad = || format!("{text:?} is not a decimal number (expected e.g. 0.001206)");
    let cleaned: String = strip_underscores(text.trim()).ok_or_else(bad)?;
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(at) => (&cleaned[..at], cleaned.get(at.saturating_add(1)..)),
        None => (cleaned.as_str(), None),
    };
    if !is_plain_decimal(mantissa) {
        return Err(bad());
    }
    let too_precise = || {
        format!("{text:?} has more digits than can be held exactly (at most 28 significant digits)")
    };
    let too_large = || {
        format!(
            "{text:?} is too large: the largest amount is {} (about 7.9e28)",
            Decimal::MAX
        )
    };
    let value = Decimal::from_str_exact(mantissa).map_err(|_| {
        let whole = mantissa.trim_start_matches(['+', '-']);
        let whole = whole.split('.').next().unwrap_or(whole);
        if whole.trim_start_matches('0').len() > 28 {
            too_large()
        } else {
            too_precise()
        }
    })?;
    let Some(exponent) = exponent else {
        return Ok(value);
    };
    let (negative, digits) = match exponent.as_bytes().first() {
        Some(b'-') => (true, &exponent[1..]),
        Some(b'+') => (false, &exponent[1..]),
        _ => (false, exponent),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if value.is_zero() {
        return Ok(Decimal::ZERO);
    }
    // Any exponent past a few digits is out of range for a non-zero value; a cap keeps the
    // arithmetic below small whatever was typed.
    let magnitude = digits
        .trim_start_matches('0')
        .parse::<u32>()
        .unwrap_or(u32::MAX)
        .min(MAX_SHIFT);
    let exponent = if negative {
        i64::from(magnitude).wrapping_neg()
    } else {
        i64::from(magnitude)
    };
    shift(value, exponent).map_err(|problem| match problem {
        Shift::TooLarge => too_large(),
        Shift::TooPrecise => format!(
            "{text:?} has more decimal places than can be held exactly (at most 28 places, 28 significant digits)"
        ),
    })
}

/// The most an exponent can move a non-zero value and still leave something a `Decimal`
/// holds: 28 places one way, 28 digits the other, and the digits already there.
const MAX_SHIFT: u32 = 64;

/// Why a shifted value does not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shift {
    TooLarge,
    TooPrecise,
}

/// `value` x 10^exponent, exactly, for a non-zero `value` and `|exponent| <= MAX_SHIFT`.
fn shift(value: Decimal, exponent: i64) -> Result<Decimal, Shift> {
    let value = value.normalize();
    let scale = i64::from(value.scale())
        .checked_sub(exponent)
        .ok_or(Shift::TooLarge)?;
    if scale >= 0 {
        let scale = u32::try_from(scale).map_err(|_| Shift::TooPrecise)?;
        return Decimal::try_from_i128_with_scale(value.mantissa(), scale)
            .map_err(|_| Shift::TooPrecise);
    }
    let power = u32::try_from(scale.unsigned_abs()).map_err(|_| Shift::TooLarge)?;
    let mantissa = 10i128
        .checked_pow(power)
        .and_then(|p| value.mantissa().checked_mul(p))
        .ok_or(Shift::TooLarge)?;
    Decimal::try_from_i128_with_scale(mantissa, 0).map_err(|_| Shift::TooLarge)
}

/// `[+-]digits[.digits]` or `[+-].digits`-free forms like `1.` are refused: TOML's own number
/// syntax needs a digit on both sides of the point.
fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// TOML allows `_` between digits; anywhere else it is an error (returns `None`).
fn strip_underscores(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i.wrapping_add(1)).copied();
            if !(before.is_some_and(|c| c.is_ascii_digit())
                && after.is_some_and(|c| c.is_ascii_digit()))
            {
                return None;
            }
        }
    }
    Some(text.replace('_', ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn whole_numbers_never_wrap() {
        assert_eq!(parse_u32("20"), Ok(20));
        assert_eq!(parse_u32("4294967295"), Ok(u32::MAX));
        for bad in [
            "",
            "-1",
            "1.5",
            "NaN",
            "4294967296",
            "99999999999999999999",
            "+3",
            "1e3",
            "２",
        ] {
            let err = parse_u32(bad).expect_err(bad);
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("0.001206"), Ok(d("0.001206")));
        assert_eq!(parse_decimal("1.206e-3"), Ok(d("0.001206")));
        assert_eq!(parse_decimal("1.206E+3"), Ok(d("1206")));
        assert_eq!(parse_decimal("12e2"), Ok(d("1200")));
        assert_eq!(parse_decimal("1_000.000_1"), Ok(d("1000.0001")));
        assert_eq!(parse_decimal("-0"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal("-2.5"), Ok(d("-2.5")));
        assert_eq!(
            parse_decimal("1e28"),
            Ok(d("10000000000000000000000000000"))
        );
        assert_eq!(
            parse_decimal("1e-28"),
            Ok(d("0.0000000000000000000000000001"))
        );
        assert_eq!(
            parse_decimal("0.01e30"),
            Ok(d("10000000000000000000000000000"))
        );
        assert_eq!(parse_decimal("120e-2"), Ok(d("1.2")));
        assert_eq!(parse_decimal("1e0000000000000000000003"), Ok(d("1000")));
    }

    #[test]
    fn a_zero_is_zero_at_any_exponent_at_once() {
        for zero in [
            "0e2147483647",
            "0e-2147483648",
            "0.000e99999999999999999999",
            "-0e5",
        ] {
            assert_eq!(parse_decimal(zero), Ok(Decimal::ZERO), "{zero}");
        }
    }

    #[test]
    fn an_exponent_out_of_range_says_which_way() {
        for large in [
            "1e29",
            "8e28",
            "1e2147483647",
            "1e99999999999999999999",
            "79228162514264337593543950336",
        ] {
            let err = parse_decimal(large).expect_err(large);
            assert!(err.contains("too large"), "{large}: {err}");
        }
        for small in [
            "1e-29",
            "1e-2147483648",
            "1.5e-28",
            "1e-99999999999999999999",
        ] {
            let err = parse_decimal(small).expect_err(small);
            assert!(err.contains("more decimal places"), "{small}: {err}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        for bad in [
            "",
            "abc",
            "NaN",
            "inf",
            "-inf",
            "1e",
            "e3",
            "1.",
            ".5",
            "1__0",
            "_1",
            "1_",
            "0x10",
            "1e30",
            "1e",
            "1e+",
            "1e-",
            "1e--1",
            "1e1.5",
            "0.0000000000000000000000000000001",
            "1e-29",
            "1234567890123456789012345678901234567890",
            "0.0012060000000000000000000000000000000001",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
