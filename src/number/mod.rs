//! Numbers as people type them: whole counts for flags, exact decimals for money.
#![deny(clippy::arithmetic_side_effects)]

pub mod flags;

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

/// Reads an exact decimal: `0.001206`, `-1.5`, `1.206e-3`, `1.206E+0`. Digit separators (`1_000`)
/// are refused: a `_` where a point was meant would change the value tenfold; a TOML number's
/// separators are read by [`parse_toml_decimal`].
///
/// The value is never rounded: a literal with more digits than a `Decimal` holds (28 places,
/// 96 bits) is an error, as are `NaN`, `inf` and anything else that is not a plain number. An
/// exponent moves the point and nothing else, so `12.50e-1`, `1.250e0`, `1250e-3` and `1.250`
/// are one value with the same places; a zero exponent in any spelling (`e0`, `E+00`,
/// `e-000`) moves nothing. A zero is zero at any exponent; any other value whose exponent puts
/// it above 79228162514264337593543950335 or below 28 places is refused at once, without
/// working through the exponent.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let bad = || format!("{text:?} is not a decimal number (expected e.g. 0.001206)");
    if text.contains('_') {
        return Err(format!(
            "{text:?} holds a '_': write the number alone, in digits with a point where one is meant (e.g. 0.001206); a '_' typed for the point would change the value"
        ));
    }
    let cleaned = text.trim();
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(at) => (
            &cleaned[..at],
            Some(cleaned.get(at.saturating_add(1)..).unwrap_or("")),
        ),
        None => (cleaned, None),
    };
    if !is_plain_decimal(mantissa) {
        return Err(bad());
    }
    let exponent = match exponent {
        None => 0,
        Some(exponent) => read_exponent(exponent).ok_or_else(bad)?,
    };
    let negative = mantissa.starts_with('-');
    let unsigned = mantissa.trim_start_matches(['+', '-']);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    // The value is digits x 10^-scale, digits being every digit written, point removed.
    let places = i64::try_from(fraction.len()).unwrap_or(i64::MAX);
    let scale = places.saturating_sub(exponent);
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        let scale = u32::try_from(scale.clamp(0, i64::from(MAX_PLACES))).unwrap_or(0);
        return Ok(Decimal::new(0, scale));
    }
    exact(digits, scale, negative).map_err(|problem| match problem {
        Unfit::Large => format!(
            "{text:?} is too large: the largest amount is {} (about 7.9e28)",
            Decimal::MAX
        ),
        Unfit::Places => format!(
            "{text:?} has more decimal places than can be held exactly (at most 28 places, 28 significant digits)"
        ),
        Unfit::Digits => format!(
            "{text:?} has more digits than can be held exactly (at most 28 significant digits)"
        ),
    })
}

/// The most places a `Decimal` holds.
const MAX_PLACES: u32 = 28;

/// An exponent's digits with an optional sign (`3`, `-03`, `+0`, `000`) as a number, held at
/// a million either way: no value that fits moves further than a few dozen places, so past
/// that it only needs to stay out of range. `None` when it is not digits.
fn read_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    const CAP: i64 = 1_000_000;
    let significant = digits.trim_start_matches('0');
    let magnitude = if significant.len() > 7 {
        CAP
    } else {
        significant.parse::<i64>().unwrap_or(0).min(CAP)
    };
    Some(if negative {
        magnitude.saturating_neg()
    } else {
        magnitude
    })
}

/// Why digits and a scale do not make a `Decimal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unfit {
    /// Above `Decimal::MAX`.
    Large,
    /// More than 28 places, even without the zeros at the end.
    Places,
    /// Within range and 28 places, but more significant digits than 96 bits hold.
    Digits,
}

/// `digits` (ASCII, no leading zero, not empty) x 10^-`scale`, exactly, keeping the places
/// written where they fit; zeros at the end are dropped only where the places or the 96 bits
/// would not hold them.
fn exact(digits: &str, scale: i64, negative: bool) -> Result<Decimal, Unfit> {
    let mut digits = digits.to_owned();
    let mut scale = scale;
    // Places past 28 that are zeros go; others cannot.
    while scale > i64::from(MAX_PLACES) && digits.ends_with('0') {
        digits.pop();
        scale = scale.saturating_sub(1);
    }
    if scale > i64::from(MAX_PLACES) {
        return Err(Unfit::Places);
    }
    // A negative scale is zeros to write after the digits: past 29 digits in all it is out of
    // range whatever they are.
    if scale < 0 {
        let zeros = usize::try_from(scale.unsigned_abs()).unwrap_or(usize::MAX);
        if digits.len().saturating_add(zeros) > 29 {
            return Err(Unfit::Large);
        }
        digits.extend(std::iter::repeat_n('0', zeros));
        scale = 0;
    }
    // Too many digits for 96 bits: drop zeros at the end of the fraction while there are any.
    let fits = |d: &str| d.len() <= 29 && d.parse::<i128>().is_ok_and(|m| m <= MAX_MANTISSA);
    while !fits(&digits) && scale > 0 && digits.ends_with('0') {
        digits.pop();
        scale = scale.saturating_sub(1);
    }
    if !fits(&digits) {
        let whole_digits = digits
            .len()
            .saturating_sub(usize::try_from(scale).unwrap_or(0));
        let whole = &digits[..whole_digits];
        let too_large = whole.len() > 29 || whole.parse::<i128>().is_ok_and(|w| w > MAX_MANTISSA);
        return Err(if too_large {
            Unfit::Large
        } else {
            Unfit::Digits
        });
    }
    let mantissa = digits.parse::<i128>().map_err(|_| Unfit::Digits)?;
    let mantissa = if negative {
        mantissa.saturating_neg()
    } else {
        mantissa
    };
    let scale = u32::try_from(scale).map_err(|_| Unfit::Places)?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| Unfit::Digits)
}

/// The largest mantissa a `Decimal` holds, 2^96 - 1.
const MAX_MANTISSA: i128 = 79_228_162_514_264_337_593_543_950_335;

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

/// Reads a TOML number's text as [`parse_decimal`] does, its digit separators (`0.001_206`,
/// `1_000`) dropped first: TOML allows them between digits.
pub fn parse_toml_decimal(text: &str) -> Result<Decimal, String> {
    match strip_underscores(text.trim()) {
        Some(plain) => parse_decimal(&plain),
        None => Err(format!(
            "{text:?} is not a decimal number (expected e.g. 0.001206)"
        )),
    }
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

/// The two ends of text that looks like a range written another way (`10-50`, `10–50`,
/// `10...50`, `10 to 50`), to suggest `10..50`; `None` for anything else.
pub fn looks_like_range(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    ["...", "..", "-", "–", "—", " to "]
        .iter()
        .filter_map(|sep| text.split_once(sep))
        .map(|(from, to)| (from.trim(), to.trim()))
        .find(|&(from, to)| digits(from) && digits(to))
}

#[cfg(test)]
mod tests {
    // Test arithmetic on small numbers of places.
    #![allow(clippy::arithmetic_side_effects)]
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
        assert_eq!(parse_toml_decimal("1_000.000_1"), Ok(d("1000.0001")));
        assert!(
            parse_decimal("1_000.000_1")
                .unwrap_err()
                .contains("holds a '_'")
        );
        assert!(parse_decimal("0_1").unwrap_err().contains("holds a '_'"));
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
    fn a_zero_exponent_moves_nothing_in_any_spelling() {
        for (text, plain) in [
            ("0.001206e0", "0.001206"),
            ("1e0", "1"),
            ("5e0", "5"),
            ("6.03e-0", "6.03"),
            ("2.5E+00", "2.5"),
            ("1e000", "1"),
            ("1.50e-000", "1.50"),
            ("-7e+0", "-7"),
            (
                "79228162514264337593543950335e0",
                "79228162514264337593543950335",
            ),
            (
                "0.0000000000000000000000000001e-0",
                "0.0000000000000000000000000001",
            ),
        ] {
            let value = parse_decimal(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(value, d(plain), "{text}");
            assert_eq!(value.to_string(), plain, "{text} keeps its places");
        }
    }

    /// A plain decimal and its digits: sign, whole part, fraction.
    fn plain() -> impl proptest::strategy::Strategy<Value = (bool, String, String)> {
        use proptest::prelude::*;
        (any::<bool>(), "[0-9]{1,16}", "[0-9]{0,16}")
    }

    /// How an exponent is spelled: the letter, its sign and zeros before its digits.
    fn spelling() -> impl proptest::strategy::Strategy<Value = (char, u8, usize)> {
        use proptest::prelude::*;
        (prop::sample::select(vec!['e', 'E']), 0u8..3, 0usize..4)
    }

    /// `digits` with the point after `point` digits (which may be before the first digit or
    /// past the last), as a mantissa TOML and the flags read.
    fn with_point(digits: &str, point: i64) -> String {
        let len = i64::try_from(digits.len()).unwrap();
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(usize::try_from(-point).unwrap()))
        } else if point >= len {
            format!(
                "{digits}{}",
                "0".repeat(usize::try_from(point - len).unwrap())
            )
        } else {
            let (w, f) = digits.split_at(usize::try_from(point).unwrap());
            format!("{w}.{f}")
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Written as `m x 10^k` with the point moved k places, in any spelling of k (e0, e-0,
        /// E+00, e000, and nonzero ones), a number reads as the same exact value as its plain
        /// form, with the same places where the point stays among the digits written; and the
        /// plain form reads as rust_decimal's own exact reader reads it.
        #[test]
        fn an_exponent_only_moves_the_point(
            (negative, whole, fraction) in plain(),
            k in -40i64..=40,
            (letter, sign, zeros) in spelling(),
        ) {
            let sign_text = if negative { "-" } else { "" };
            let plain = if fraction.is_empty() {
                format!("{sign_text}{whole}")
            } else {
                format!("{sign_text}{whole}.{fraction}")
            };
            let digits = format!("{whole}{fraction}");
            let point = i64::try_from(whole.len()).unwrap() - k;
            let mantissa = with_point(&digits, point);
            let exponent_sign = match (k.signum(), sign) {
                (-1, _) => "-",
                (0, 1) => "-",
                (_, 2) => "+",
                _ => "",
            };
            let written = format!(
                "{sign_text}{mantissa}{letter}{exponent_sign}{}{}",
                "0".repeat(zeros),
                k.unsigned_abs()
            );
            let read_plain = parse_decimal(&plain);
            let read = parse_decimal(&written);
            if let Ok(oracle) = Decimal::from_str_exact(&plain) {
                proptest::prop_assert_eq!(read_plain.clone(), Ok(oracle), "{}", plain);
            }
            match (&read_plain, &read) {
                (Ok(p), Ok(r)) => {
                    proptest::prop_assert_eq!(p, r, "{} vs {}", plain, written);
                    if point <= i64::try_from(digits.len()).unwrap() {
                        proptest::prop_assert_eq!(p.scale(), r.scale(), "{} vs {}", plain, written);
                    }
                }
                (Err(_), Err(_)) => {}
                _ => proptest::prop_assert!(false, "{plain} -> {read_plain:?}, {written} -> {read:?}"),
            }
        }
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
