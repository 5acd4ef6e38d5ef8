//! Calendar days: `YYYY-MM-DD` in UTC, read from text, Unix timestamps and RFC 3339 times, and
//! today's date, which `DIS_PRICE_TODAY` can fix for reproducible runs.

use std::fmt;

/// The environment variable that fixes "today" (`YYYY-MM-DD`), for reproducible runs and tests.
pub const TODAY_ENV: &str = "DIS_PRICE_TODAY";

/// What a date in a job file may be, for messages.
pub const ROW_FORMS: &str = "a date YYYY-MM-DD (e.g. 2026-11-25), a time with its offset (e.g. 2026-11-25T14:30:00Z), or a Unix timestamp in whole seconds (e.g. 1796083200)";

/// A day of the proleptic Gregorian calendar, years 0000 to 9999, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Day {
    type Err = String;

    /// `YYYY-MM-DD`; the error says why not (without the value, which callers name).
    fn from_str(text: &str) -> Result<Day, String> {
        const FORM: &str = "expected YYYY-MM-DD, e.g. \"2026-11-25\"";
        let b = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(range)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0')))
        };
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(FORM.to_owned());
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(FORM.to_owned());
        }
        let Some(last) = days_in_month(year, month) else {
            return Err(format!("month {month:02} is not 01 to 12"));
        };
        if !(1..=last).contains(&day) {
            return Err(format!(
                "day {day:02} is not 01 to {last} ({year:04}-{month:02} has {last} days)"
            ));
        }
        // Four digits, a month of 1 to 12 and a day of 1 to 31 fit their fields.
        Ok(Day {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }
}

/// Days in `month` (1 to 12) of `year`, or `None` for a month that does not exist.
pub fn days_in_month(year: u32, month: u32) -> Option<u32> {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 => Some(if leap { 29 } else { 28 }),
        _ => None,
    }
}

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

impl Day {
    /// The earliest day a job file's Unix timestamp may give, 2000-01-01: smaller numbers are
    /// refused as implausible (a compact date 20261201 is 1970-08-23 in seconds).
    pub const EARLIEST_TIMESTAMP: Day = Day {
        year: 2000,
        month: 1,
        day: 1,
    };

    /// The first day a `Day` can be, 0000-01-01.
    const FIRST: i64 = -719_528;
    /// The last, 9999-12-31.
    const LAST: i64 = 2_932_896;

    /// The day `days` after 1970-01-01 (negative: before), if it is in years 0000 to 9999.
    pub fn from_days(days: i64) -> Option<Day> {
        if !(Day::FIRST..=Day::LAST).contains(&days) {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Some(Day {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        })
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn days(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The UTC day of a Unix timestamp in seconds.
    pub fn from_unix(seconds: i64) -> Option<Day> {
        Day::from_days(seconds.div_euclid(DAY_SECONDS))
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        later.days() - self.days()
    }

    /// A job file's date: `YYYY-MM-DD`, an RFC 3339 time with its offset (the UTC day is
    /// taken), or a Unix timestamp in whole seconds. The error says why, and what is accepted.
    pub fn parse_row(text: &str) -> Result<Day, String> {
        let text = text.trim();
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let seconds: Option<i64> = text.parse().ok();
            let day = seconds.and_then(Day::from_unix).ok_or_else(|| {
                format!(
                    "is a timestamp past the year 9999 (if it is in milliseconds, divide by 1000); expected {ROW_FORMS}"
                )
            })?;
            // An API's `created` is recent: a smaller number is most likely something else,
            // such as a compact date (20261201), and is not guessed at.
            if day < Day::EARLIEST_TIMESTAMP {
                let compact = match (text.len(), text.get(..4), text.get(4..6), text.get(6..)) {
                    (8, Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}").parse::<Day>().ok(),
                    _ => None,
                };
                let hint = match compact {
                    Some(day) => format!("if it is the date {day}, write it as {day}"),
                    None => "if it is a date, write it as YYYY-MM-DD".to_owned(),
                };
                return Err(format!(
                    "is a Unix timestamp of {day}, before {}, which no priced job has; {hint}; expected {ROW_FORMS}",
                    Day::EARLIEST_TIMESTAMP
                ));
            }
            return Ok(day);
        }
        if text.len() > 10 {
            return parse_time(text)
                .map_err(|why| format!("is not a date: {why}; expected {ROW_FORMS}"));
        }
        text.parse()
            .map_err(|why| format!("is not a date: {why}; expected {ROW_FORMS}"))
    }

    /// Today's UTC date: `DIS_PRICE_TODAY` when set (it must be a date), else the clock.
    pub fn today() -> Result<Day, String> {
        match std::env::var(TODAY_ENV) {
            Ok(text) if !text.is_empty() => text.parse().map_err(|why| {
                format!(
                    "{TODAY_ENV} is \"{}\", not a date: {why} (unset it to use the clock)",
                    crate::escape::escaped(&text)
                )
            }),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                "{TODAY_ENV} is not UTF-8 text; set it to a date YYYY-MM-DD or unset it"
            )),
            _ => Ok(Day::clock()),
        }
    }

    /// Today's UTC date by the system clock.
    pub fn clock() -> Day {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX)).unwrap_or(Day {
            year: 9999,
            month: 12,
            day: 31,
        })
    }
}

/// The UTC day of an RFC 3339 time: `YYYY-MM-DDTHH:MM:SS[.fraction]` then `Z` or `+HH:MM` /
/// `-HH:MM` (a space may stand for the `T`).
fn parse_time(text: &str) -> Result<Day, String> {
    let date: Day = text.get(..10).ok_or("expected YYYY-MM-DD first")?.parse()?;
    let rest = &text.as_bytes()[10..];
    if !matches!(rest.first(), Some(b'T' | b't' | b' ')) {
        return Err("expected YYYY-MM-DD, or a time after it with T".to_owned());
    }
    let two = |at: usize, most: i64| -> Option<i64> {
        let d = rest.get(at..at + 2)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = i64::from(d[0] - b'0') * 10 + i64::from(d[1] - b'0');
        (n <= most).then_some(n)
    };
    const TIME: &str = "the time is not HH:MM:SS with an offset (Z or +HH:MM)";
    let (Some(hour), Some(minute), Some(second)) = (two(1, 23), two(4, 59), two(7, 60)) else {
        return Err(TIME.to_owned());
    };
    if rest.get(3) != Some(&b':') || rest.get(6) != Some(&b':') {
        return Err(TIME.to_owned());
    }
    let mut at = 9;
    if rest.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while rest.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return Err(TIME.to_owned());
        }
    }
    let offset = match rest.get(at) {
        Some(b'Z' | b'z') if rest.len() == at + 1 => 0,
        Some(&sign @ (b'+' | b'-')) if rest.len() == at + 6 && rest[at + 3] == b':' => {
            let (Some(h), Some(m)) = (two(at + 1, 23), two(at + 4, 59)) else {
                return Err(TIME.to_owned());
            };
            let minutes = h * 60 + m;
            if sign == b'+' { minutes } else { -minutes }
        }
        None => {
            return Err(
                "the time has no offset, so its UTC day is unknown (add Z for UTC, or +HH:MM)"
                    .to_owned(),
            );
        }
        _ => return Err(TIME.to_owned()),
    };
    // A leap second (:60) is the last second of a UTC day and belongs to it: it is counted
    // as that day's 23:59:59, and refused anywhere else.
    let seconds =
        date.days() * DAY_SECONDS + hour * 3600 + minute * 60 + second.min(59) - offset * 60;
    if second == 60 && seconds.rem_euclid(DAY_SECONDS) != DAY_SECONDS - 1 {
        return Err(
            "second 60 is a leap second, which can only be the last second of a UTC day (23:59:60Z)"
                .to_owned(),
        );
    }
    Day::from_unix(seconds)
        .ok_or_else(|| "its UTC day is outside the years 0000 to 9999".to_owned())
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        text.parse().unwrap()
    }

    #[test]
    fn day_counts_round_trip_over_the_whole_range() {
        assert_eq!(day("1970-01-01").days(), 0);
        assert_eq!(day("2026-11-25").days(), 20_782);
        assert_eq!(day("0000-01-01").days(), Day::FIRST);
        assert_eq!(day("9999-12-31").days(), Day::LAST);
        for n in (Day::FIRST..=Day::LAST).step_by(997).chain([Day::LAST]) {
            assert_eq!(Day::from_days(n).unwrap().days(), n);
        }
        assert_eq!(Day::from_days(Day::FIRST - 1), None);
        assert_eq!(Day::from_days(Day::LAST + 1), None);
        assert_eq!(day("2026-02-28").days_until(day("2026-03-01")), 1);
        assert_eq!(day("2024-02-28").days_until(day("2024-03-01")), 2);
    }

    #[test]
    fn row_dates_in_every_form() {
        let ok = |text: &str| Day::parse_row(text).map(|d| d.to_string());
        assert_eq!(ok("2026-11-25").unwrap(), "2026-11-25");
        assert_eq!(ok(" 2026-11-25 ").unwrap(), "2026-11-25");
        assert_eq!(ok("946684800").unwrap(), "2000-01-01");
        assert_eq!(ok("2026-11-30T23:59:60Z").unwrap(), "2026-11-30");
        // 2026-11-30T23:59:59Z, and the second after it.
        assert_eq!(ok("1796083199").unwrap(), "2026-11-30");
        assert_eq!(ok("1796083200").unwrap(), "2026-12-01");
        assert_eq!(ok("2026-11-30T23:59:59Z").unwrap(), "2026-11-30");
        assert_eq!(ok("2026-11-30T23:30:00-02:00").unwrap(), "2026-12-01");
        assert_eq!(ok("2026-12-01 01:00:00.123+02:00").unwrap(), "2026-11-30");
        for bad in [
            "",
            "2026-11-31",
            "2026/11/25",
            "25.11.2026",
            "1764547200000",
            "99999999999999999999",
            "-5",
            "1.5",
            "2026-11-25T10:00:00",
            "2026-11-25T25:00:00Z",
            "2026-11-25T10:00Z",
            "2026-11-25X10:00:00Z",
            "2026-11-25T10:00:00+2",
            "0",
            "946684799",
            "20261201",
            "2026-11-30T23:58:60Z",
        ] {
            let e = Day::parse_row(bad).unwrap_err();
            assert!(e.contains("Unix timestamp in whole seconds"), "{bad}: {e}");
        }
        assert!(
            Day::parse_row("1764547200000")
                .unwrap_err()
                .contains("milliseconds")
        );
        assert!(
            Day::parse_row("2026-11-25T10:00:00")
                .unwrap_err()
                .contains("no offset")
        );
    }
}
