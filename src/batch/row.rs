//! One job as read, and what stops a row or a whole input: [`Row`], [`RowError`],
//! [`InputError`], how to read ([`ReadOptions`], [`InputFormat`]), and the field parsers that
//! the CSV and JSON readers share (plain digits first, the general parsers for the rest and
//! for every message).

use std::borrow::Cow;
use std::io;

use crate::number::parse_u32;
use crate::size::Size;

/// The longest line read: a job is a few dozen bytes, and a request body with a 1000-character
/// prompt well under 8 KiB, so 1 MiB only stops files that are not job lists.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The two input forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// CSV with a header row.
    Csv,
    /// JSON Lines: one object per line.
    Jsonl,
}

/// How to read a job file, beyond its form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// The CSV field separator (a comma unless the user names another).
    pub delimiter: u8,
    /// Accept input in which nothing affects the price, so every job is the model's defaults.
    pub defaults_ok: bool,
    /// JSON Lines keys to leave out of the price besides
    /// [`IGNORED_KEYS`](super::keys::IGNORED_KEYS) (`--ignore-key`); `'static` so the options
    /// stay `Copy` for the chunks read in parallel.
    pub ignore_keys: &'static [String],
    /// Output tokens of a chat request that names no maximum (`--max-output-tokens`).
    pub max_output_tokens: Option<u64>,
    /// Seconds per character of a speech request that gives no seconds
    /// (`--seconds-per-char`).
    pub seconds_per_char: Option<rust_decimal::Decimal>,
    /// The folder an `audio` file is named from: the job file's; `None` for the current
    /// folder (standard input).
    pub audio_base: Option<&'static std::path::Path>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: b',',
            defaults_ok: false,
            ignore_keys: &[],
            max_output_tokens: None,
            seconds_per_char: None,
            audio_base: None,
        }
    }
}

/// One job as read, before the tariff fills it in and checks it; borrowed from the input line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row<'a> {
    /// 1-based line in the input.
    pub line: u64,
    /// Model id or alias, if given.
    pub model: Option<Cow<'a, str>>,
    /// Steps, if given.
    pub steps: Option<u32>,
    /// Size, if given.
    pub size: Option<Size>,
    /// Images, if given.
    pub count: Option<u32>,
    /// The day the job ran, if given: it is priced at the rate of that day.
    pub date: Option<crate::date::Day>,
    /// The date as written when that is not `date` as shown (a time, a timestamp): messages
    /// about the day quote what the user gave.
    pub date_given: Option<Box<str>>,
    /// CSV columns that do not affect the price, carried through in header order.
    pub extra: Vec<Cow<'a, str>>,
    /// A request body as sent to the API (a JSON line with `prompt`): what it leaves out is
    /// the API's default, and the output marks each such part.
    pub request: bool,
}

/// A row that cannot be priced: where, which field, what it held, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}: {} {value:?}: {}",
    shown_field(field),
    crate::escape::escaped(message)
)]
pub struct RowError {
    /// 1-based line.
    pub line: u64,
    /// The field (or `row` for the row as a whole).
    pub field: String,
    /// The offending value, shortened if long.
    pub value: String,
    /// Why, and what would be accepted.
    pub message: String,
}

impl RowError {
    /// An error about `field` holding `value` on `line`.
    pub fn new(line: u64, field: &str, value: &str, message: impl Into<String>) -> Self {
        let mut shown: String = value.chars().take(80).collect();
        if shown.len() < value.len() {
            shown.push('…');
        }
        RowError {
            line,
            field: field.to_owned(),
            value: shown,
            message: message.into(),
        }
    }
}

/// A field's name as an error shows it: bare when it is a plain name (`steps`), quoted and
/// escaped otherwise (an unknown JSON key or a column name can hold anything).
fn shown_field(field: &str) -> std::borrow::Cow<'_, str> {
    let plain = !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        std::borrow::Cow::Borrowed(field)
    } else {
        std::borrow::Cow::Owned(format!("{field:?}"))
    }
}

/// What stops reading altogether (the file, not one row, is wrong).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("cannot read {name}: {source}")]
    Io {
        /// The input's name.
        name: String,
        /// Why.
        source: io::Error,
    },
    /// A line longer than [`MAX_LINE_BYTES`].
    #[error(
        "{name}: line {line} is longer than {MAX_LINE_BYTES} bytes, the most a job line may be; is this a job file?{}",
        if *.carriage_returns { CR_ONLY_HINT } else { "" }
    )]
    LineTooLong {
        /// The input's name.
        name: String,
        /// The line.
        line: u64,
        /// Whether it holds carriage returns, as a file with `\r`-only line endings does.
        carriage_returns: bool,
    },
    /// A CSV header that cannot be read as job columns.
    #[error("{name}: line {line}: {message}")]
    Header {
        /// The input's name.
        name: String,
        /// The header's line (1 unless blank lines come first).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An input refused as a whole: its start shows it is not a job file dis-price can read
    /// (UTF-16, a JSON array, JSON where CSV was asked for, nothing at all), or it changed
    /// while it was read.
    #[error("{name}: {message}")]
    Refused {
        /// The input's name.
        name: String,
        /// What it is, and what would be accepted.
        message: String,
    },
}

impl InputError {
    /// An input that read differently the second time (or grew after it was scanned): the
    /// rows written so far are not to be trusted.
    pub fn changed(name: &str, what: &str) -> InputError {
        InputError::Refused {
            name: name.to_owned(),
            message: format!(
                "changed while it was read: {what}; the rows written are not to be trusted and no total is written (price a file that does not change while dis-price reads it)"
            ),
        }
    }
}

/// What a line too long to be a job line, holding carriage returns, most likely is.
const CR_ONLY_HINT: &str = " (it holds carriage returns: if the file ends its lines in \\r alone, convert them first: tr '\\r' '\\n' makes each \\r a line end)";

/// Plain ASCII digits, read without the general parser; `None` sends the field there.
pub(super) fn digits(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

pub(super) fn whole(line: u64, field: &str, text: &str) -> Result<Option<u32>, RowError> {
    if let Some(n) = digits(text) {
        return Ok(Some(n));
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_u32(text)
        .map(Some)
        .map_err(|m| RowError::new(line, field, text, m))
}

/// A size as the general reader reads a `size` field; `None` where it reports an error.
pub(super) fn size_text(text: &str) -> Option<Size> {
    size(0, "size", text).ok()
}

pub(super) fn size(line: u64, field: &str, text: &str) -> Result<Size, RowError> {
    // The common `512x512`, byte by byte; everything else (and every error) by the parser.
    if let Some(at) = text.bytes().position(|b| b == b'x' || b == b'X')
        && let (Some(w), Some(h)) = (digits(&text[..at]), digits(&text[at + 1..]))
        && w > 0
        && h > 0
    {
        return Ok(Size::new(w, h));
    }
    text.parse::<Size>()
        .map_err(|e| RowError::new(line, field, text, e.to_string()))
}

pub(super) fn date(line: u64, field: &str, text: &str) -> Result<crate::date::Day, RowError> {
    crate::date::Day::parse_row(text).map_err(|m| RowError::new(line, field, text, m))
}

/// A row's date and, when it was not written as that day, the text as written.
pub(super) fn dated(
    line: u64,
    field: &str,
    text: &str,
) -> Result<(crate::date::Day, Option<Box<str>>), RowError> {
    let day = date(line, field, text)?;
    let text = text.trim();
    let given = (text != day.to_string()).then(|| text.into());
    Ok((day, given))
}

/// A size from width and height: both or neither.
pub(super) fn sides(
    line: u64,
    width: Option<u32>,
    height: Option<u32>,
) -> Result<Option<Size>, RowError> {
    match (width, height) {
        (None, None) => Ok(None),
        (Some(w), Some(h)) if w > 0 && h > 0 => Ok(Some(Size::new(w, h))),
        (Some(0), _) => Err(RowError::new(
            line,
            "width",
            "0",
            "a side is at least 1 pixel",
        )),
        (_, Some(0)) => Err(RowError::new(
            line,
            "height",
            "0",
            "a side is at least 1 pixel",
        )),
        (Some(w), None) => Err(RowError::new(
            line,
            "height",
            "",
            format!("is missing; width {w} needs a height"),
        )),
        (None, Some(h)) => Err(RowError::new(
            line,
            "width",
            "",
            format!("is missing; height {h} needs a width"),
        )),
        (Some(_), Some(_)) => unreachable!("both sides are above zero here"),
    }
}
