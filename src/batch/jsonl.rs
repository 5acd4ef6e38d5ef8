//! The fast path for JSON Lines: one strict pass over the common line, an object of the known
//! keys with plain values (an API request body), read in place with nothing allocated.
//!
//! It accepts a strict subset of what the general reader (`json_row` in `json_lines.rs`, over
//! `serde_json`) accepts, and gives the same row for it. Anything else (an unknown or repeated
//! key, a number with a sign, fraction, exponent or ten digits, a string with a `\u` escape or
//! a control character, bytes that are not UTF-8, nesting, `null`, whitespace other than spaces
//! and tabs, a row that sets no price, ...) returns `None`, and the general reader then reads
//! the line and writes the exact error, if there is one. This file never calls the general
//! reader: `rows.rs` chooses between the two, and holds the check that they agree (`agrees`).

use std::borrow::Cow;

use super::row::{MAX_LINE_BYTES, Row, size_text};
use crate::size::Size;

/// Which known key a member is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Model,
    Steps,
    Count,
    Size,
    Width,
    Height,
    /// A key that does not affect the price (`prompt`, `seed`, ...).
    Ignored,
}

/// The key a quoted name stands for; `None` for any other (the general reader names it, or
/// reads it: a date, `partial_images`, a key given with `--ignore-key`). [`Scan::known_key`]
/// reads the same names in place; a test holds the two together.
#[cfg(test)]
fn key(name: &[u8]) -> Option<(Key, u32)> {
    // The bit keeps each written key apart, so a repeat is seen.
    Some(match name {
        b"model" => (Key::Model, 1),
        b"steps" => (Key::Steps, 1 << 1),
        b"num_inference_steps" => (Key::Steps, 1 << 2),
        b"size" => (Key::Size, 1 << 3),
        b"width" => (Key::Width, 1 << 4),
        b"height" => (Key::Height, 1 << 5),
        b"n" => (Key::Count, 1 << 6),
        b"count" => (Key::Count, 1 << 7),
        // `IGNORED_KEYS`, which the general reader passes whatever they hold.
        b"prompt" => (Key::Ignored, 1 << 8),
        b"seed" => (Key::Ignored, 1 << 9),
        b"guidance_scale" => (Key::Ignored, 1 << 10),
        b"style" => (Key::Ignored, 1 << 11),
        b"response_format" => (Key::Ignored, 1 << 12),
        b"user" => (Key::Ignored, 1 << 13),
        b"quality" => (Key::Ignored, 1 << 14),
        b"output_format" => (Key::Ignored, 1 << 15),
        b"output_compression" => (Key::Ignored, 1 << 16),
        b"background" => (Key::Ignored, 1 << 17),
        b"moderation" => (Key::Ignored, 1 << 18),
        b"stream" => (Key::Ignored, 1 << 19),
        b"safety_identifier" => (Key::Ignored, 1 << 20),
        _ => return None,
    })
}

/// A cursor over one line.
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// The key `quoted` (a name with its quotes) stands for, with its length, when `rest` starts
/// with it: a comparison of a length known when compiling, done in place without a call.
#[inline(always)]
fn quoted<const N: usize>(
    rest: &[u8],
    quoted: &[u8; N],
    key: Key,
    bit: u32,
) -> Option<(usize, Key, u32)> {
    (rest.first_chunk::<N>() == Some(quoted)).then_some((N, key, bit))
}

impl<'a> Scan<'a> {
    /// A member's name when it is one of [`key`]'s, written plainly, compared in place with
    /// its quotes, at the cursor (blanks before it already passed); the cursor is then past
    /// the closing quote. `None` for any other name (the general reader reads it, or names it).
    #[inline(always)]
    fn known_key(&mut self) -> Option<(Key, u32)> {
        use Key::*;
        let r = self.bytes.get(self.at..)?;
        // The name's first letter picks the few names it can be; each as in `key`.
        let (length, key, bit) = match *r.get(1)? {
            b'm' => quoted(r, b"\"model\"", Model, 1)
                .or_else(|| quoted(r, b"\"moderation\"", Ignored, 1 << 18)),
            b's' => quoted(r, b"\"steps\"", Steps, 1 << 1)
                .or_else(|| quoted(r, b"\"size\"", Size, 1 << 3))
                .or_else(|| quoted(r, b"\"seed\"", Ignored, 1 << 9))
                .or_else(|| quoted(r, b"\"style\"", Ignored, 1 << 11))
                .or_else(|| quoted(r, b"\"stream\"", Ignored, 1 << 19))
                .or_else(|| quoted(r, b"\"safety_identifier\"", Ignored, 1 << 20)),
            b'n' => quoted(r, b"\"n\"", Count, 1 << 6)
                .or_else(|| quoted(r, b"\"num_inference_steps\"", Steps, 1 << 2)),
            b'w' => quoted(r, b"\"width\"", Width, 1 << 4),
            b'h' => quoted(r, b"\"height\"", Height, 1 << 5),
            b'c' => quoted(r, b"\"count\"", Count, 1 << 7),
            b'p' => quoted(r, b"\"prompt\"", Ignored, 1 << 8),
            b'g' => quoted(r, b"\"guidance_scale\"", Ignored, 1 << 10),
            b'r' => quoted(r, b"\"response_format\"", Ignored, 1 << 12),
            b'u' => quoted(r, b"\"user\"", Ignored, 1 << 13),
            b'q' => quoted(r, b"\"quality\"", Ignored, 1 << 14),
            b'o' => quoted(r, b"\"output_format\"", Ignored, 1 << 15)
                .or_else(|| quoted(r, b"\"output_compression\"", Ignored, 1 << 16)),
            b'b' => quoted(r, b"\"background\"", Ignored, 1 << 17),
            _ => None,
        }?;
        self.at += length;
        Some((key, bit))
    }

    #[inline(always)]
    fn spaces(&mut self) {
        while let Some(b' ' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Passes `byte` at the cursor; `None` if another byte is there.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// Passes the colon after a member's name and the blanks around it: the cursor is then
    /// at the value. A colon and one space, as most writers put them, are passed at once.
    #[inline(always)]
    fn colon(&mut self) -> Option<()> {
        match self.bytes.get(self.at..self.at + 2) {
            Some(b": ") => self.at += 2,
            Some([b':', _]) => self.at += 1,
            _ => {
                self.spaces();
                self.eat(b':')?;
            }
        }
        self.spaces();
        Some(())
    }

    /// Passes the comma between members and the blanks after it; a comma and one space, as
    /// most writers put them, at once. The cursor is at the comma.
    #[inline(always)]
    fn comma(&mut self) {
        if self.bytes.get(self.at + 1) == Some(&b' ') {
            self.at += 2;
        } else {
            self.at += 1;
        }
        self.spaces();
    }

    /// The content of the string at the cursor. Escapes other than `\u` are checked but not decoded: the flag
    /// tells whether there were any. One pass: [`plain::skip_plain`] goes straight to the next byte
    /// that is not a plain character. A quote ends the string, an escape is checked, a control character
    /// is refused (JSON requires it escaped), and a byte past ASCII starts a character that
    /// must be UTF-8.
    #[inline(always)]
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let bytes = self.bytes;
        let start = self.at;
        let mut at = start;
        let mut escaped = false;
        loop {
            at = plain::skip_plain(bytes, at);
            // Past the line's end (a string not closed), `get` gives `None`.
            match *bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    return Some((&bytes[start..at], escaped));
                }
                // One of the short escapes; `\u` and anything else go to the general reader.
                b'\\' => match bytes.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                        escaped = true;
                        at += 2;
                    }
                    _ => return None,
                },
                0x80.. => at += utf8_char(&bytes[at..])?,
                // A control character.
                _ => return None,
            }
        }
    }

    /// The whole number at the cursor, from 0 to 999,999,999, written plainly: no sign, no
    /// leading zero, no fraction or exponent.
    #[inline(always)]
    fn number(&mut self) -> Option<u32> {
        let digits = &self.bytes[self.at..];
        let (value, count) = leading_number(digits);
        if count == 0 || count > 9 || (count > 1 && digits[0] == b'0') {
            return None;
        }
        // What follows a number must end it (a `.`, `e` or another character is not plain).
        match digits.get(count) {
            Some(b' ' | b'\t' | b',' | b'}') => {}
            _ => return None,
        }
        self.at += count;
        Some(value)
    }

    /// The value at the cursor of a key that does not affect the price: a string, a number
    /// in JSON's grammar (a seed may be long or negative, a guidance scale a fraction),
    /// `true`, `false` or `null`. Arrays and objects go to the general reader.
    #[inline(always)]
    fn ignored(&mut self) -> Option<()> {
        let rest = &self.bytes[self.at..];
        match rest.first()? {
            b'"' => self.string().map(|_| ()),
            b't' if rest.starts_with(b"true") => self.literal(4),
            b'f' if rest.starts_with(b"false") => self.literal(5),
            b'n' if rest.starts_with(b"null") => self.literal(4),
            // A whole number (a seed), the usual case: its digits, then what ends a value.
            b'1'..=b'9' => match digit_run(rest, 1) {
                end if matches!(rest.get(end), Some(b' ' | b'\t' | b',' | b'}')) => {
                    self.at += end;
                    Some(())
                }
                _ => {
                    let length = json_number(rest)?;
                    self.literal(length)
                }
            },
            _ => {
                let length = json_number(rest)?;
                self.literal(length)
            }
        }
    }

    /// Passes `length` bytes that must be followed by what may end a value.
    #[inline(always)]
    fn literal(&mut self, length: usize) -> Option<()> {
        self.at += length;
        matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b',' | b'}')).then_some(())
    }
}

/// The length of the UTF-8 character `bytes` starts with (its first byte is past ASCII);
/// `None` when it is not one (the well-formed sequences of the Unicode standard, table 3-7:
/// no overlong forms, no surrogates, nothing past U+10FFFF). Checking each character so is
/// checking the whole text, as `std::str::from_utf8` does.
#[inline(always)]
fn utf8_char(bytes: &[u8]) -> Option<usize> {
    let next =
        |i: usize, low: u8, high: u8| matches!(bytes.get(i), Some(&b) if (low..=high).contains(&b));
    let tail = |i: usize| next(i, 0x80, 0xbf);
    let ok = match bytes[0] {
        0xc2..=0xdf => return tail(1).then_some(2),
        0xe0 => next(1, 0xa0, 0xbf) && tail(2),
        0xe1..=0xec | 0xee..=0xef => tail(1) && tail(2),
        0xed => next(1, 0x80, 0x9f) && tail(2),
        0xf0 => return (next(1, 0x90, 0xbf) && tail(2) && tail(3)).then_some(4),
        0xf1..=0xf3 => return (tail(1) && tail(2) && tail(3)).then_some(4),
        0xf4 => return (next(1, 0x80, 0x8f) && tail(2) && tail(3)).then_some(4),
        _ => false,
    };
    ok.then_some(3)
}

/// The ASCII digits `bytes` starts with, up to ten: their value (when there are at most nine)
/// and how many there are (ten meaning ten or more).
#[inline(always)]
fn leading_number(bytes: &[u8]) -> (u32, usize) {
    let mut value = 0u32;
    for (count, &b) in bytes.iter().take(10).enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return (value, count);
        }
        // Ten digits may not fit: their value is never used.
        value = value.wrapping_mul(10).wrapping_add(u32::from(digit));
    }
    (value, bytes.len().min(10))
}

/// How many ASCII digits `bytes` has from `at`: eight at a time in a `u64`, then one at a time.
#[inline(always)]
fn digit_run(bytes: &[u8], at: usize) -> usize {
    const ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0xf0; 8]);
    const SIXES: u64 = u64::from_ne_bytes([0x06; 8]);
    let mut end = at;
    // A byte is a digit when its high half is 3 and adding 6 to it keeps it so.
    while let Some(block) = bytes.get(end..end + 8) {
        let word = u64::from_le_bytes(block.try_into().unwrap_or_default());
        if word & HIGH != ZEROS || word.wrapping_add(SIXES) & HIGH != ZEROS {
            break;
        }
        end += 8;
    }
    end + bytes[end..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// The length of the JSON number `bytes` starts with: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn json_number(bytes: &[u8]) -> Option<usize> {
    let digits = |from: usize| digit_run(bytes, from) - from;
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    match (bytes.get(at), digits(at)) {
        (Some(b'0'), _) => at += 1,
        (_, 0) => return None,
        (_, n) => at += n,
    }
    if bytes.get(at) == Some(&b'.') {
        let n = digits(at + 1);
        if n == 0 {
            return None;
        }
        at += 1 + n;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        let n = digits(at);
        if n == 0 {
            return None;
        }
        at += n;
    }
    Some(at)
}

/// The row of a plain request body, as the general reader would read it; `None` for any line
/// that is not plain (which the general reader then reads, and reports if it is wrong).
pub fn fast_row(line: u64, bytes: &[u8], defaults_ok: bool) -> Option<Row<'_>> {
    let mut scan = Scan { bytes, at: 0 };
    let row = object(&mut scan, line, defaults_ok)?;
    (scan.at == bytes.len()).then_some(row)
}

/// A size written `WxH` (or `WXH`) in plain digits, as [`size_text`] reads it; anything else
/// by [`size_text`] itself.
#[inline(always)]
fn size_bytes(text: &[u8]) -> Option<Size> {
    // Each side one to nine digits, not zero.
    let side = |digits: &[u8]| {
        let (value, count) = leading_number(digits);
        ((1..=9).contains(&count) && value > 0).then_some((value, count))
    };
    if let Some((w, at)) = side(text)
        && let Some(b'x' | b'X') = text.get(at)
        && let Some((h, count)) = side(&text[at + 1..])
        && at + 1 + count == text.len()
    {
        return Some(Size::new(w, h));
    }
    size_text(std::str::from_utf8(text).ok()?)
}

/// The row of the plain request body that `rest` starts with, and the length of its line
/// with its ending: the line ends at the first line end (`\n`, or `\r\n`), or at the end of
/// `rest`. `None` for a line that is not plain, or longer than the line cap: it is the
/// general reader's. No part of the body's grammar reads past a line end (a line end inside
/// a string is a control character, and ends nothing else), so `rest` can be the rest of a
/// whole chunk, and the line is found by reading it.
#[inline]
pub fn fast_line<'a>(line: u64, rest: &'a [u8], defaults_ok: bool) -> Option<(Row<'a>, usize)> {
    let mut scan = Scan { bytes: rest, at: 0 };
    let row = object(&mut scan, line, defaults_ok)?;
    let mut end = scan.at;
    if rest.get(end) == Some(&b'\r') {
        end += 1;
    }
    let (content, whole) = match rest.get(end) {
        None => (end, end),
        Some(b'\n') => (end, end + 1),
        Some(_) => return None,
    };
    (content <= MAX_LINE_BYTES).then_some((row, whole))
}

/// Reads one object of known keys with plain values, and the spaces after it; the row it
/// prices, if it sets a price (or `defaults_ok`).
#[inline(always)]
fn object<'a>(scan: &mut Scan<'a>, line: u64, defaults_ok: bool) -> Option<Row<'a>> {
    let bytes = scan.bytes;
    let mut row = Row {
        line,
        ..Row::default()
    };
    let (mut width, mut height) = (None, None);
    let mut seen = 0u32;
    let mut steps_seen = false;
    let mut count_seen = false;
    let mut first = true;
    loop {
        // The bytes before the value. A name `known_key` does not take is not one of `key`'s
        // as written (escaped, or another name): the general reader reads the line.
        scan.spaces();
        if first {
            scan.eat(b'{')?;
            scan.spaces();
            if bytes.get(scan.at) == Some(&b'}') {
                break;
            }
        } else {
            // Each value reader ends at a byte that may follow a value.
            match *bytes.get(scan.at)? {
                b',' => scan.comma(),
                b'}' => break,
                _ => return None,
            }
        }
        let (key, bit) = scan.known_key()?;
        scan.colon()?;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        match key {
            Key::Ignored => scan.ignored()?,
            Key::Model => {
                let (text, escaped) = scan.string()?;
                if escaped {
                    return None;
                }
                row.model = Some(Cow::Borrowed(std::str::from_utf8(text).ok()?.trim()));
            }
            Key::Steps => {
                if std::mem::replace(&mut steps_seen, true) {
                    return None;
                }
                row.steps = Some(scan.number()?);
            }
            Key::Count => {
                if std::mem::replace(&mut count_seen, true) {
                    return None;
                }
                row.count = Some(scan.number()?);
            }
            Key::Size => {
                let (text, escaped) = scan.string()?;
                if escaped {
                    return None;
                }
                row.size = Some(size_bytes(text)?);
            }
            Key::Width => width = Some(scan.number()?),
            Key::Height => height = Some(scan.number()?),
        }
        first = false;
    }
    // At the closing brace: past it and the spaces after it.
    scan.at += 1;
    scan.spaces();
    match (row.size, width, height) {
        (_, None, None) => {}
        (None, Some(w), Some(h)) if w > 0 && h > 0 => row.size = Some(Size::new(w, h)),
        _ => return None,
    }
    row.request = seen & (1 << 8) != 0;
    let priced = row.steps.is_some() || row.size.is_some() || row.count.is_some();
    (priced || defaults_ok).then_some(row)
}

mod plain;
#[cfg(test)]
mod tests;
