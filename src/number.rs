//! Numbers as people type them: whole counts for flags, exact decimals for money.

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
/// 96 bits) is an error, as are `NaN`, `inf` and anything else that is not a plain number.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let bad = || format!("{text:?} is not a decimal number (expected e.g. 0.001206)");
    let cleaned: String = strip_underscores(text.trim()).ok_or_else(bad)?;
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(at) => (&cleaned[..at], Some(&cleaned[at + 1..])),
        None => (cleaned.as_str(), None),
    };
    if !is_plain_decimal(mantissa) {
        return Err(bad());
    }
    let too_precise = || {
        format!("{text:?} has more digits than can be held exactly (at most 28 significant digits)")
    };
    let value = Decimal::from_str_exact(mantissa).map_err(|_| too_precise())?;
    let Some(exponent) = exponent else {
        return Ok(value);
    };
    let exponent: i32 = match exponent.strip_prefix(['+', '-']) {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            exponent.parse().map_err(|_| too_precise())?
        }
        None if !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit()) => {
            exponent.parse().map_err(|_| too_precise())?
        }
        _ => return Err(bad()),
    };
    shift(value, exponent).ok_or_else(too_precise)
}

/// `value` x 10^exponent, exactly, or `None` when that does not fit.
fn shift(value: Decimal, exponent: i32) -> Option<Decimal> {
    let value = value.normalize();
    let scale = i64::from(value.scale()) - i64::from(exponent);
    if scale >= 0 {
        Decimal::try_from_i128_with_scale(value.mantissa(), u32::try_from(scale).ok()?).ok()
    } else {
        let mut result = Decimal::from_i128_with_scale(value.mantissa(), 0);
        for _ in 0..(-scale) {
            result = result.checked_mul(Decimal::TEN)?;
        }
        Some(result)
    }
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
            let after = bytes.get(i + 1).copied();
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
            "0.0000000000000000000000000000001",
            "1e-29",
            "1234567890123456789012345678901234567890",
            "0.0012060000000000000000000000000000000001",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
