//! The value parsers of the command line's flags: token counts, seconds, amounts, percents,
//! steps, days, sizes and CSV separators, each refusing with the value and what would be
//! accepted.

use rust_decimal::Decimal;

use super::{looks_like_range, parse_decimal, parse_u32};
use crate::date::Day;
use crate::exact::Exact;
use crate::size::Size;

/// A token count: digits only, 0 to 18446744073709551615 (blank space around them aside,
/// as a list item or a CSV cell may have it; see [`parse_token_flag`] for a flag).
pub fn parse_tokens(text: &str) -> Result<u64, String> {
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(why) = not_plain_digits(digits, "a token count", Plain::Whole) {
            return Err(why);
        }
        return Err(format!(
            "{text:?} is not a token count (expected a whole number of tokens, 0 or more, e.g. 1500)"
        ));
    }
    digits.parse::<u64>().map_err(|_| {
        format!(
            "{text:?} is larger than {}, the most tokens accepted",
            u64::MAX
        )
    })
}

/// A token count given as a flag: [`parse_tokens`], with no blank space around the digits.
pub fn parse_token_flag(text: &str) -> Result<u64, String> {
    if let Some(why) = blank_around(text, "a token count") {
        return Err(why);
    }
    parse_tokens(text)
}

/// Seconds of audio given as a flag or a grid's list item: plain digits with an optional
/// fraction (`12`, `12.5`), 0 or more. A sign, an exponent, digit separators or another base
/// are refused, each naming the plain digits to write instead, so what is priced is what was
/// written.
pub fn parse_seconds_flag(text: &str) -> Result<Decimal, String> {
    if let Some(why) =
        blank_around(text, "seconds").or_else(|| not_plain_digits(text, "seconds", Plain::Decimal))
    {
        return Err(why);
    }
    parse_seconds(text)
}

/// What a count may be written as: whole digits, or digits with a fraction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plain {
    Whole,
    Decimal,
}

/// Blank space around a flag's value, which the other number flags would not silently drop.
fn blank_around(text: &str, what: &str) -> Option<String> {
    let trimmed = text.trim();
    (trimmed != text && !trimmed.is_empty()).then(|| {
        format!("{text:?} has blank space around it; write {what} as plain digits: {trimmed}")
    })
}

/// Why `text` is not written as plain digits, when it is a number in some other form (a sign,
/// an exponent, digit separators, another base, a bare decimal point), naming the plain digits
/// to write where there are some; `None` when it is plain, or not a number at all. `what` is
/// the value's name in a sentence (`seconds`, `a token count`).
fn not_plain_digits(text: &str, what: &str, plain: Plain) -> Option<String> {
    let whole_only = plain == Plain::Whole;
    let (is, example, most) = if whole_only {
        (
            "is",
            "1500",
            format!("more than {}, the most tokens accepted", u64::MAX),
        )
    } else {
        (
            "are",
            "12.5",
            format!(
                "more seconds than can be held exactly (at most {}, to 28 decimal places)",
                Decimal::MAX
            ),
        )
    };
    let is_plain = |t: &str| {
        let (w, f) = t.split_once('.').map_or((t, None), |(w, f)| (w, Some(f)));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(w) && f.is_none_or(|f| !whole_only && digits(f))
    };
    // What to write instead: the plain digits of the value, when it is one `what` can be.
    let write = |value: Option<Decimal>| -> String {
        let value = value.map(|v| v.normalize()).filter(|v| {
            !v.is_sign_negative()
                && (!whole_only || (v.fract().is_zero() && u64::try_from(*v).is_ok()))
        });
        match value {
            Some(v) => format!("write {what} as plain digits: {v}"),
            None => format!("write {what} as plain digits, e.g. {example}"),
        }
    };
    if let Some(rest) = text.strip_prefix('+')
        && is_plain(rest)
    {
        return Some(format!(
            "{text:?} has a plus sign; {}",
            write(parse_decimal(rest).ok())
        ));
    }
    if let Some(rest) = text.strip_prefix('-')
        && (is_plain(rest) || parse_decimal(rest).is_ok())
    {
        return Some(if parse_decimal(rest).is_ok_and(|v| v.is_zero()) {
            format!("{text:?} has a minus sign; {what} {is} 0 or more: write 0")
        } else if whole_only {
            format!("{text:?} is negative; {what} {is} 0 or more (e.g. {example})")
        } else {
            format!("{text:?} is negative; seconds of audio are 0 or more (e.g. {example})")
        });
    }
    let lower = text.to_ascii_lowercase();
    for (prefix, radix, base) in [
        ("0x", 16, "hexadecimal"),
        ("0o", 8, "octal"),
        ("0b", 2, "binary"),
    ] {
        if let Some(digits) = lower.strip_prefix(prefix)
            && !digits.is_empty()
            && digits.chars().all(|c| c.is_digit(radix))
        {
            let value = u128::from_str_radix(digits, radix)
                .ok()
                .and_then(|v| Decimal::try_from_i128_with_scale(i128::try_from(v).ok()?, 0).ok());
            return Some(match value {
                Some(_) if !whole_only || value.and_then(|v| u64::try_from(v).ok()).is_some() => {
                    format!("{text:?} is a {base} number; {}", write(value))
                }
                _ => format!("{text:?} is a {base} number, and is {most}"),
            });
        }
    }
    let separated = text.replace(['_', ','], "");
    if separated != text && is_plain(&separated) {
        return Some(format!(
            "{text:?} has digit separators; {}",
            write(parse_decimal(&separated).ok())
        ));
    }
    if let Some((mantissa, exponent)) = lower.split_once('e')
        && is_plain(&mantissa.replacen('.', "", 1))
        && let Some(digits) = Some(exponent.strip_prefix(['+', '-']).unwrap_or(exponent))
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        let value = parse_decimal(text).ok();
        let fits =
            value.is_some_and(|v| !whole_only || (v.fract().is_zero() && u64::try_from(v).is_ok()));
        let fraction = match value {
            Some(v) => !v.fract().is_zero(),
            None => exponent.starts_with('-'),
        };
        let why = if fits {
            String::new()
        } else if fraction && whole_only {
            " and is not a whole number of tokens".to_owned()
        } else if fraction {
            " and has more decimal places than can be held exactly (at most 28)".to_owned()
        } else {
            format!(" and is {most}")
        };
        let value = if fits { value } else { None };
        return Some(format!(
            "{text:?} is written with an exponent{why}; {}",
            write(value)
        ));
    }
    if !whole_only && (text.starts_with('.') || text.ends_with('.')) {
        let fixed = format!(
            "{}{}",
            if text.starts_with('.') { "0" } else { "" },
            text.trim_end_matches('.')
        );
        if is_plain(&fixed) {
            return Some(format!(
                "{text:?} has a bare decimal point; {}",
                write(parse_decimal(&fixed).ok())
            ));
        }
    }
    if !whole_only && is_plain(text) && parse_decimal(text).is_err() {
        let whole = text.split('.').next().unwrap_or(text);
        return Some(if whole.trim_start_matches('0').len() > 28 {
            format!("{text:?} is {most}")
        } else {
            format!(
                "{text:?} has more digits than can be held exactly (at most 28 significant digits and 28 decimal places)"
            )
        });
    }
    None
}

/// Seconds of audio: an exact decimal, 0 or more.
pub fn parse_seconds(text: &str) -> Result<Decimal, String> {
    let seconds = parse_decimal(text).map_err(|_| {
        not_plain_digits(text.trim(), "seconds", Plain::Decimal).unwrap_or_else(|| {
            format!("{text:?} is not a number of seconds (expected e.g. 12 or 12.5)")
        })
    })?;
    if seconds.is_sign_negative() && !seconds.is_zero() {
        return Err(format!(
            "{text:?} is negative; seconds of audio are 0 or more (e.g. 12.5)"
        ));
    }
    Ok(seconds.abs())
}

/// A budget: an amount of 0 or more, in the tariff's currency.
pub fn parse_amount(text: &str) -> Result<Exact, String> {
    let amount = parse_decimal(text).map_err(|e| plain_number_hint(text, "amount").unwrap_or(e))?;
    Exact::from_decimal(amount).ok_or_else(|| {
        format!("{text:?} is negative; a budget is an amount of 0 or more (e.g. 25)")
    })
}

/// A warning share: above 0 and below 100 percent.
pub fn parse_percent(text: &str) -> Result<Exact, String> {
    let percent =
        parse_decimal(text).map_err(|e| plain_number_hint(text, "percent").unwrap_or(e))?;
    if percent >= Decimal::ONE_HUNDRED {
        return Err(format!(
            "{text:?} would never warn: a total past 100% of the budget is over it and fails; give a percent above 0 and below 100 (e.g. 80)"
        ));
    }
    match Exact::from_decimal(percent) {
        Some(p) if !p.is_zero() => Ok(p),
        _ => Err(format!(
            "{text:?} is not a percent above 0 and below 100 (e.g. 80)"
        )),
    }
}

/// The largest rise allowed, as an amount: 0 or more.
pub fn parse_increase(text: &str) -> Result<Exact, String> {
    let amount = parse_decimal(text)?;
    Exact::from_decimal(amount).ok_or_else(|| {
        format!(
            "{text:?} is negative; give the largest rise allowed, an amount of 0 or more (e.g. 5)"
        )
    })
}

/// The largest rise allowed, in percent: 0 or more.
pub fn parse_change(text: &str) -> Result<Decimal, String> {
    let percent =
        parse_decimal(text).map_err(|e| plain_number_hint(text, "percent").unwrap_or(e))?;
    if percent.is_sign_negative() && !percent.is_zero() {
        return Err(format!(
            "{text:?} is negative; give the largest rise allowed, in percent (e.g. 10)"
        ));
    }
    Ok(percent.abs())
}

/// What a number typed with a currency, a percent sign or thousands separators was meant to
/// be: `$10`, `10 USD`, `80%` or `1,000` gets "write 10" (a `what`, amount or percent, is a
/// plain number); `None` when the text is not such a number.
fn plain_number_hint(text: &str, what: &str) -> Option<String> {
    let trimmed = text.trim();
    let mut core = trimmed
        .trim_start_matches(['$', '€', '£', '¥'])
        .trim_end_matches(['$', '€', '£', '¥', '%'])
        .trim();
    // A three-letter currency code before or after the number: USD 10, 10usd.
    let code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
    if let Some((head, tail)) = core.split_at_checked(3)
        && code(head)
    {
        core = tail.trim_start();
    }
    if let Some((head, tail)) = core.split_at_checked(core.len().saturating_sub(3))
        && code(tail)
    {
        core = head.trim_end();
    }
    // 1,000 or 1,000,000.50: commas between groups of three digits.
    let grouped = core.contains(',') && {
        let whole = core.split('.').next().unwrap_or(core);
        let mut groups = whole.split(',');
        groups.next().is_some_and(|g| (1..=3).contains(&g.len())) && groups.all(|g| g.len() == 3)
    };
    let number: String = if grouped {
        core.replace(',', "")
    } else {
        core.to_owned()
    };
    if number == trimmed || parse_decimal(&number).is_err() {
        return None;
    }
    let kind = match what {
        "percent" => "a percent is written without % or thousands separators",
        _ => {
            "an amount is written without a currency sign, code or thousands separators, and is in the tariff's currency"
        }
    };
    Some(format!(
        "{text:?} is not a plain number: {kind} (write {number})"
    ))
}

/// Steps per image: one whole number; a range gets pointed to `table`, which takes one.
pub fn parse_steps(text: &str) -> Result<u32, String> {
    parse_u32(text).map_err(|e| match looks_like_range(text) {
        Some((from, to)) => format!(
            "{text:?} is a range; --steps here is one number of steps per image (e.g. {from}); for a grid over a range: dis-price table --steps {from}..{to}"
        ),
        None => e,
    })
}

/// A day, `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Result<Day, String> {
    text.parse::<Day>()
        .map_err(|why| format!("{text:?} is not a day: {why}"))
}

/// An image size, `WIDTHxHEIGHT`.
pub fn parse_size(text: &str) -> Result<Size, String> {
    text.parse::<Size>().map_err(|e| e.to_string())
}

/// A CSV separator: one ASCII character other than a quote or a line end, or `tab`.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    let byte = match text {
        "tab" | "\\t" | "\t" => b'\t',
        _ if text.len() == 1 => text.as_bytes()[0],
        _ => {
            return Err(format!(
                "{text:?} is not one character (expected e.g. , or ; or tab)"
            ));
        }
    };
    if !byte.is_ascii() || matches!(byte, b'"' | b'\n' | b'\r') || byte.is_ascii_alphanumeric() {
        return Err(format!(
            "{text:?} cannot separate fields (expected e.g. , or ; or | or tab)"
        ));
    }
    Ok(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorated_numbers_get_the_plain_one() {
        let plain = |text| {
            plain_number_hint(text, "amount")
                .map(|m| m.rsplit("(write ").next().unwrap().to_owned())
        };
        for (text, number) in [
            ("$10", "10)"),
            ("10 usd", "10)"),
            ("EUR 2.5", "2.5)"),
            ("1,000,000.25", "1000000.25)"),
            ("£1,000", "1000)"),
        ] {
            assert_eq!(plain(text).as_deref(), Some(number), "{text}");
        }
        for text in ["10", "ten", "$", "1,00", "12,3456", "10 dollars", "-"] {
            assert_eq!(plain(text), None, "{text}");
        }
    }
}
