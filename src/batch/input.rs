//! Reading job files: CSV with a header, or JSON Lines (including the API's own request bodies).
//!
//! Rows are read one at a time, each line taken in place from the read buffer and capped in
//! length, so memory stays bounded whatever the file holds. Fields are borrowed from the line;
//! plain digits and sizes are read byte by byte, and anything else goes through the general
//! parsers, which also write every error message.

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::metered::Item;
use crate::job::Request;
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
    /// JSON Lines keys to leave out of the price besides [`IGNORED_KEYS`] (`--ignore-key`);
    /// `'static` so the options stay `Copy` for the pieces read in parallel.
    pub ignore_keys: &'static [String],
    /// Output tokens of a chat request that names no maximum (`--max-output-tokens`).
    pub max_output_tokens: Option<u64>,
    /// Seconds per character of a speech request that gives no seconds
    /// (`--seconds-per-char`).
    pub seconds_per_char: Option<rust_decimal::Decimal>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: b',',
            defaults_ok: false,
            ignore_keys: &[],
            max_output_tokens: None,
            seconds_per_char: None,
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
    /// An input whose start shows it is not a job file dis-price can read: UTF-16, a JSON
    /// array, JSON where CSV was asked for, nothing at all.
    #[error("{name}: {message}")]
    Form {
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
        InputError::Form {
            name: name.to_owned(),
            message: format!(
                "changed while it was read: {what}; the rows written are not to be trusted and no total is written (price a file that does not change while dis-price reads it)"
            ),
        }
    }
}

/// An input whose start has been read to tell its form: the bytes read put back in front of
/// the rest (a leading UTF-8 byte order mark left out), so nothing is lost.
pub type Input<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why text that starts with `start` (its first bytes) is not UTF-8, when its start shows it:
/// a UTF-16 or UTF-32 byte order mark, or a NUL byte among the first four (UTF-16 or UTF-32
/// without a mark; no job file or tariff has one there). `None` for anything else.
pub fn not_utf8_start(start: &[u8]) -> Option<String> {
    let (form, mark) = match start {
        [0xFF, 0xFE, 0, 0, ..] => ("UTF-32 (little-endian)", "FF FE 00 00"),
        [0, 0, 0xFE, 0xFF, ..] => ("UTF-32 (big-endian)", "00 00 FE FF"),
        [0xFF, 0xFE, ..] => ("UTF-16 (little-endian)", "FF FE"),
        [0xFE, 0xFF, ..] => ("UTF-16 (big-endian)", "FE FF"),
        _ if start.iter().take(4).any(|&b| b == 0) => {
            return Some(
                "it has a NUL byte among its first bytes, so it is likely UTF-16 or UTF-32 without a byte order mark; save it as UTF-8".to_owned(),
            );
        }
        _ => return None,
    };
    Some(format!(
        "it is {form} text (it starts with the byte order mark {mark}); save it as UTF-8"
    ))
}

/// The first byte of an input that is not blank space, and its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Start {
    first: Option<u8>,
    line: u64,
}

/// Reads the start of `input`: drops one leading UTF-8 byte order mark, refuses UTF-16 and
/// UTF-32, and finds the first byte that is not blank space, however the reads fall (a byte
/// order mark split across two reads is still one). Returns the input from just past the
/// mark, every byte read put back.
fn start<R: BufRead>(name: &str, mut input: R) -> Result<(Input<R>, Start), InputError> {
    let cannot_read = |source| InputError::Io {
        name: name.to_owned(),
        source,
    };
    let refuse = |message: String| InputError::Form {
        name: name.to_owned(),
        message,
    };
    let mut head = Vec::new();
    // At least `n` bytes in `head`, unless the input ends first.
    let mut gather = |head: &mut Vec<u8>, n: usize| -> Result<(), InputError> {
        while head.len() < n {
            let available = input.fill_buf().map_err(cannot_read)?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(n - head.len());
            head.extend_from_slice(&available[..take]);
            input.consume(take);
        }
        Ok(())
    };
    gather(&mut head, 4)?;
    if let Some(message) = not_utf8_start(&head) {
        return Err(refuse(message));
    }
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
        gather(&mut head, 4)?;
        if head.starts_with(UTF8_BOM) {
            return Err(refuse(
                "it starts with two byte order marks (EF BB BF); one is read as UTF-8's, a second is not: remove it".to_owned(),
            ));
        }
        if let Some(message) = not_utf8_start(&head) {
            return Err(refuse(message));
        }
    }
    let mut line = 1;
    let mut first = None;
    match head.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(at) => {
            first = Some(head[at]);
            line += memchr::memchr_iter(b'\n', &head[..at]).count() as u64;
        }
        None => {
            line += memchr::memchr_iter(b'\n', &head).count() as u64;
            // Blank so far: look further, keeping what is read.
            loop {
                let available = input.fill_buf().map_err(cannot_read)?;
                if available.is_empty() {
                    break;
                }
                if let Some(at) = available.iter().position(|b| !b.is_ascii_whitespace()) {
                    first = Some(available[at]);
                    line += memchr::memchr_iter(b'\n', &available[..at]).count() as u64;
                    break;
                }
                line += memchr::memchr_iter(b'\n', available).count() as u64;
                head.extend_from_slice(available);
                let n = available.len();
                input.consume(n);
                if head.len() > MAX_LINE_BYTES {
                    return Err(refuse(format!(
                        "its first {MAX_LINE_BYTES} bytes are blank; is this a job file?"
                    )));
                }
            }
        }
    }
    Ok((
        io::Read::chain(io::Cursor::new(head), input),
        Start { first, line },
    ))
}

/// The form of an input from its first byte that is not blank space, or why it has none
/// dis-price reads: `given` is the form the user or the file's extension named.
fn choose_form(given: Option<InputFormat>, start: Start) -> Result<InputFormat, String> {
    let Start { first, line } = start;
    let shown = first.map(|b| (b as char).escape_default().to_string());
    match (given, first) {
        (Some(InputFormat::Jsonl) | None, Some(b'[')) => Err(format!(
            "line {line} is an array: JSON Lines is one job object per line, such as {{\"steps\": 20, \"size\": \"512x512\"}}, not a JSON array of them (jq -c '.[]' turns an array into lines)"
        )),
        (Some(InputFormat::Csv), Some(b'{' | b'[')) => Err(format!(
            "line {line} starts with \"{}\", which is JSON, not a CSV header such as steps,size,count (for JSON Lines, give --input jsonl)",
            shown.unwrap_or_default()
        )),
        (Some(form), _) => Ok(form),
        (None, Some(b'{')) => Ok(InputFormat::Jsonl),
        (None, None) => Err(
            "there is nothing to read: give JSON Lines (one object per line) or CSV with a header such as steps,size,count (with --input jsonl an empty input is no jobs)".to_owned(),
        ),
        (None, Some(b'0'..=b'9' | b'-')) => Err(format!(
            "line {line} starts with \"{}\", which begins neither a JSON object ({{) nor a CSV header such as steps,size,count; is the header missing? (--input csv reads the first line as the header anyway)",
            shown.unwrap_or_default()
        )),
        (None, Some(_)) => Ok(InputFormat::Csv),
    }
}

/// Lines of at most [`MAX_LINE_BYTES`], counted, taken in place from the reader's buffer when
/// they lie whole in it and copied only when they straddle two reads.
struct Lines<R> {
    inner: R,
    line: u64,
    /// Bytes of the reader's buffer handed out last time, to consume before reading on.
    pending: usize,
    /// A line that straddled two reads.
    spill: Vec<u8>,
}

enum LineError {
    Io(io::Error),
    /// The line, and whether it holds a `\r`.
    TooLong(u64, bool),
}

impl<R: BufRead> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            line: 0,
            pending: 0,
            spill: Vec::new(),
        }
    }

    /// The next line without its ending; `Ok(None)` at the end.
    fn next_line(&mut self) -> Result<Option<&[u8]>, LineError> {
        self.inner.consume(std::mem::take(&mut self.pending));
        self.spill.clear();
        let available = self.inner.fill_buf().map_err(LineError::Io)?;
        if available.is_empty() {
            return Ok(None);
        }
        self.line += 1;
        if let Some(at) = memchr::memchr(b'\n', available) {
            if at > MAX_LINE_BYTES {
                let cr = memchr::memchr(b'\r', &available[..at]).is_some();
                return Err(LineError::TooLong(self.line, cr));
            }
            self.pending = at + 1;
            let available = self.inner.fill_buf().map_err(LineError::Io)?;
            return Ok(Some(trim_cr(&available[..at])));
        }
        // The line goes past this read: gather it, up to the cap.
        loop {
            let available = self.inner.fill_buf().map_err(LineError::Io)?;
            if available.is_empty() {
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            self.spill.extend_from_slice(&available[..take]);
            self.inner.consume(take);
            if self.spill.len() > MAX_LINE_BYTES + 1 {
                return Err(self.too_long());
            }
            if done {
                self.spill.pop();
                break;
            }
        }
        if self.spill.len() > MAX_LINE_BYTES {
            return Err(self.too_long());
        }
        Ok(Some(trim_cr(&self.spill)))
    }
}

impl<R> Lines<R> {
    /// The error for the line gathered in `spill`, which is too long.
    fn too_long(&self) -> LineError {
        LineError::TooLong(self.line, memchr::memchr(b'\r', &self.spill).is_some())
    }
}

impl<R: BufRead> Lines<R> {
    /// Lets `take` read the next line where it lies in the buffer: when it returns a value and
    /// the bytes it used (a whole line, its end included), that counts as the next line;
    /// when it returns `None`, nothing is used.
    fn take_if<T>(
        &mut self,
        take: impl FnOnce(&[u8]) -> Option<(T, usize)>,
    ) -> Result<Option<T>, LineError> {
        self.inner.consume(std::mem::take(&mut self.pending));
        self.spill.clear();
        let available = self.inner.fill_buf().map_err(LineError::Io)?;
        Ok(take(available).map(|(value, used)| {
            self.pending = used;
            self.line += 1;
            value
        }))
    }

    /// The line the last `next_line` returned (a loop cannot hand that borrow out directly).
    fn current(&mut self) -> &[u8] {
        if self.pending == 0 {
            return trim_cr(&self.spill);
        }
        let end = self.pending - 1;
        // Nothing was consumed since, so this is the same buffer, without reading.
        match self.inner.fill_buf() {
            Ok(available) if available.len() > end => trim_cr(&available[..end]),
            _ => &[],
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether a line is blank: only whitespace, and (in CSV) no separator, so a line of tabs in a
/// tab-separated file is a row of blank fields, as `,,` is in a comma-separated one.
fn blank(line: &[u8], separator: Option<u8>) -> bool {
    line.iter()
        .all(|&b| b.is_ascii_whitespace() && Some(b) != separator)
}

/// Why a CSV line with a carriage return inside it is refused.
const LONE_CR: &str = "has a carriage return (\\r) that does not end the line; lines end in \\n or \\r\\n, and a \\r inside a line is refused rather than read into a field or a number (convert a file with \\r-only line endings: tr '\\r' '\\n' < old.csv > new.csv)";

/// What a line too long to be a job line, holding carriage returns, most likely is.
const CR_ONLY_HINT: &str = " (it holds carriage returns: if the file ends its lines in \\r alone, convert them first, e.g. tr '\\r' '\\n' < old.csv > new.csv)";

/// Reads jobs one at a time.
pub struct Rows<R> {
    name: String,
    lines: Lines<Input<R>>,
    form: Form,
    options: ReadOptions,
}

#[derive(Clone)]
enum Form {
    Csv {
        columns: Vec<Column>,
        extra: Vec<String>,
        /// Field boundaries of the current line, reused.
        fields: Vec<Range<usize>>,
    },
    Jsonl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Steps,
    Size,
    Count,
    Model,
    Width,
    Height,
    /// The day the job ran: an ISO date, an RFC 3339 time or a Unix timestamp.
    Date,
    /// One of [`super::metered::METERED_COLUMNS`], by its index there.
    Metered(usize),
    Extra,
}

impl<R: BufRead> Rows<R> {
    /// Starts reading `input` (named `name` in errors) in the form `format`; a CSV header is
    /// read at once. See [`Rows::open`].
    pub fn new(
        name: String,
        input: R,
        format: InputFormat,
        options: ReadOptions,
    ) -> Result<Self, InputError> {
        Rows::open(name, input, Some(format), options)
    }

    /// Starts reading `input` (named `name` in errors): one leading UTF-8 byte order mark is
    /// dropped, and UTF-16 or UTF-32 refused. With `format` `None` the form is told from the
    /// first byte that is not blank space: `{` is JSON Lines, what may begin a CSV header is
    /// CSV, and what can only be wrong (a JSON array, a number, nothing at all) is refused.
    /// A JSON array is refused as JSON Lines, and JSON as CSV. A CSV header is read at once.
    pub fn open(
        name: String,
        input: R,
        format: Option<InputFormat>,
        options: ReadOptions,
    ) -> Result<Self, InputError> {
        let (input, start) = start(&name, input)?;
        let format = choose_form(format, start).map_err(|message| InputError::Form {
            name: name.clone(),
            message,
        })?;
        let mut rows = Rows {
            name,
            lines: Lines::new(input),
            form: Form::Jsonl,
            options,
        };
        if format == InputFormat::Csv {
            // Blank lines before the header are skipped, as they are between rows.
            let header = loop {
                match rows.lines.next_line() {
                    Ok(Some(line)) if blank(line, Some(options.delimiter)) => {}
                    Ok(Some(line)) => {
                        break Some(
                            header_cells(line, options.delimiter)
                                .and_then(|cells| columns(&cells, options)),
                        );
                    }
                    Ok(None) => break None,
                    Err(e) => return Err(input_error(&rows.name, e)),
                }
            };
            let at = rows.lines.line;
            let read = match header {
                Some(read) => read,
                None if at == 0 => Err(
                    "the file is empty; a CSV job file starts with a header such as steps,size,count"
                        .into(),
                ),
                None => Err(
                    "the file has only blank lines; a CSV job file starts with a header such as steps,size,count"
                        .into(),
                ),
            };
            let (columns, extra) = read.map_err(|message| InputError::Header {
                name: rows.name.clone(),
                line: at.max(1),
                message,
            })?;
            rows.form = Form::Csv {
                columns,
                extra,
                fields: Vec::new(),
            };
        }
        Ok(rows)
    }

    /// Splits into the reader, just past the lines read so far, and what reading the rest
    /// needs: rows can then be read from pieces of the input (see [`Body::rows`]).
    pub fn into_body(mut self) -> (Input<R>, Body) {
        self.lines
            .inner
            .consume(std::mem::take(&mut self.lines.pending));
        let body = Body {
            name: self.name,
            form: self.form,
            options: self.options,
            next_line: self.lines.line + 1,
        };
        (self.lines.inner, body)
    }

    /// The names of the carried-through CSV columns.
    pub fn extra_columns(&self) -> &[String] {
        match &self.form {
            Form::Csv { extra, .. } => extra,
            Form::Jsonl => &[],
        }
    }

    /// For CSV, which of [`super::metered::METERED_COLUMNS`] the header names; `None` for
    /// JSON Lines, whose lines may have any of them.
    pub fn metered_columns(&self) -> Option<[bool; 3]> {
        match &self.form {
            Form::Csv { columns, .. } => {
                Some([0, 1, 2].map(|i| columns.contains(&Column::Metered(i))))
            }
            Form::Jsonl => None,
        }
    }

    /// Whether the input is JSON Lines.
    pub fn is_jsonl(&self) -> bool {
        matches!(self.form, Form::Jsonl)
    }

    /// Whether this is CSV with a date column.
    pub fn has_date_column(&self) -> bool {
        matches!(&self.form, Form::Csv { columns, .. } if columns.contains(&Column::Date))
    }

    /// The next row, `Ok(None)` at the end, `Err(Ok(row error))` for a bad row (reading goes
    /// on), `Err(Err(input error))` when reading cannot go on.
    #[allow(clippy::type_complexity)]
    pub fn next_row(&mut self) -> Result<Option<Item<'_>>, Result<RowError, InputError>> {
        // The common line of a file with no text columns, parsed where it lies in the read
        // buffer: no line split, no copy. (Its row borrows nothing, so the general path can
        // still take the line when this declines.)
        let delimiter = self.options.delimiter;
        if let Form::Csv { columns, extra, .. } = &self.form
            && extra.is_empty()
            && !columns.contains(&Column::Model)
        {
            let line = self.lines.line + 1;
            let plain = self.lines.take_if(|buffer| {
                let (row, used) = plain_in_buffer(line, columns, delimiter, buffer)?;
                let Row {
                    line,
                    steps,
                    size,
                    count,
                    date,
                    ..
                } = row;
                Some((
                    Row {
                        line,
                        steps,
                        size,
                        count,
                        date,
                        date_given: None,
                        model: None,
                        extra: Vec::new(),
                    },
                    used,
                ))
            });
            match plain {
                Ok(Some(row)) => return Ok(Some(Item::Image(row))),
                Ok(None) => {}
                Err(e) => return Err(Err(input_error(&self.name, e))),
            }
        }
        // A CSV line holding the separator is a row (of blank fields, perhaps), even when the
        // separator is a tab or a space.
        let separator = match self.form {
            Form::Csv { .. } => Some(delimiter),
            Form::Jsonl => None,
        };
        loop {
            match self.lines.next_line() {
                Ok(None) => return Ok(None),
                Ok(Some(line)) if blank(line, separator) => {}
                Ok(Some(_)) => break,
                Err(e) => return Err(Err(input_error(&self.name, e))),
            }
        }
        let line_no = self.lines.line;
        let bytes = self.lines.current();
        if let Form::Csv { columns, extra, .. } = &self.form {
            if let Some(row) = plain_line(line_no, columns, delimiter, bytes) {
                return carried(row, columns, extra)
                    .map(|row| Some(Item::Image(row)))
                    .map_err(Ok);
            }
            // The line's own `\r\n` is gone by now: any `\r` left would end up in a field,
            // or be trimmed off a number unseen.
            if memchr::memchr(b'\r', bytes).is_some() {
                return Err(Ok(RowError::new(
                    line_no,
                    "row",
                    &String::from_utf8_lossy(bytes),
                    LONE_CR,
                )));
            }
        }
        // A `\r` inside a JSON line would be read as blank space between values, or reported
        // as something else: said as what it is, for every meter.
        if let Form::Jsonl = self.form
            && memchr::memchr(b'\r', bytes).is_some()
        {
            return Err(Ok(RowError::new(
                line_no,
                "row",
                &String::from_utf8_lossy(bytes),
                LONE_CR,
            )));
        }
        // The common JSON line (a plain request body) in one strict pass; any other line is
        // read by the general reader below, which also writes every error.
        if let Form::Jsonl = self.form
            && let Some(row) = super::jsonl::fast_row(line_no, bytes, self.options.defaults_ok)
        {
            return Ok(Some(Item::Image(row)));
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let message = format!(
                    "is not UTF-8 (invalid byte at column {})",
                    e.valid_up_to() + 1
                );
                return Err(Ok(RowError::new(
                    line_no,
                    "row",
                    &String::from_utf8_lossy(bytes),
                    message,
                )));
            }
        };
        match &mut self.form {
            Form::Jsonl => super::metered::json_item(line_no, text, self.options)
                .map(Some)
                .map_err(Ok),
            Form::Csv {
                columns,
                fields,
                extra,
            } => {
                if !text.contains('"') {
                    split_plain(text, delimiter, fields);
                    return csv_row(
                        line_no,
                        columns,
                        fields.iter().map(|r| Cow::Borrowed(&text[r.clone()])),
                    )
                    .and_then(|row| csv_item(row, columns, extra))
                    .map(Some)
                    .map_err(Ok);
                }
                let owned = split_csv(text, delimiter)
                    .map_err(|m| Ok(RowError::new(line_no, "row", text, m)))?;
                csv_row(line_no, columns, owned.into_iter())
                    .and_then(|row| csv_item(row, columns, extra))
                    .map(Some)
                    .map_err(Ok)
            }
        }
    }
}

/// The rest of an input after its header: the columns, and the next line's number.
#[derive(Clone)]
pub struct Body {
    name: String,
    form: Form,
    options: ReadOptions,
    next_line: u64,
}

impl Body {
    /// The line number of the input's first unread line.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// The job of a plain line of a CSV file whose columns are all numbers (steps, size,
    /// count, width, height), decoded in one pass with nothing built; `None` for anything
    /// else, which the general path (`rows`) then reads and, if need be, reports.
    pub fn plain_request(&self, line: &[u8]) -> Option<Request> {
        let Form::Csv { columns, .. } = &self.form else {
            return None;
        };
        plain_numbers(columns, self.options.delimiter, line)
    }

    /// The row of the plain request body that `rest` starts with, and the length of its
    /// line with its ending (see [`super::jsonl::fast_line`]); `None` for CSV, or for any
    /// other line, which [`Body::rows`] then reads and, if need be, reports.
    pub fn plain_line<'l>(
        &self,
        line: u64,
        rest: &'l [u8],
        before: &mut super::jsonl::LinesBefore<'l>,
    ) -> Option<(Row<'l>, usize)> {
        match self.form {
            Form::Jsonl => super::jsonl::fast_line(line, rest, self.options.defaults_ok, before),
            Form::Csv { .. } => None,
        }
    }

    /// Whether this is JSON Lines.
    pub fn is_jsonl(&self) -> bool {
        matches!(self.form, Form::Jsonl)
    }

    /// Whether this is CSV with a date column.
    pub fn has_date_column(&self) -> bool {
        matches!(&self.form, Form::Csv { columns, .. } if columns.contains(&Column::Date))
    }

    /// Whether this is CSV whose columns are all numbers (no model, no date, no carried
    /// columns).
    pub fn numeric_only(&self) -> bool {
        matches!(&self.form, Form::Csv { columns, extra, .. } if extra.is_empty() && !columns.contains(&Column::Model) && !columns.contains(&Column::Date))
    }

    /// Rows of `piece`, a run of whole lines of the input starting at line `first_line`.
    pub fn rows<'p>(&self, piece: &'p [u8], first_line: u64) -> Rows<&'p [u8]> {
        self.rows_of(piece, first_line)
    }

    /// Rows read from `input`, whole lines of the input starting at line `first_line` (the
    /// rest of an input after its header, kept elsewhere to be read again).
    pub fn rows_of<R: BufRead>(&self, input: R, first_line: u64) -> Rows<R> {
        let mut lines = Lines::new(io::Read::chain(io::Cursor::new(Vec::new()), input));
        lines.line = first_line.saturating_sub(1);
        Rows {
            name: self.name.clone(),
            lines,
            form: self.form.clone(),
            options: self.options,
        }
    }
}

fn input_error(name: &str, e: LineError) -> InputError {
    match e {
        LineError::Io(source) => InputError::Io {
            name: name.to_owned(),
            source,
        },
        LineError::TooLong(line, carriage_returns) => InputError::LineTooLong {
            name: name.to_owned(),
            line,
            carriage_returns,
        },
    }
}

/// One pass over a plain CSV line: no quotes, every number plain digits, every size a plain
/// `WxH`, fields separated by `delimiter`. Numbers and sizes are decoded as they are crossed;
/// text fields (model, carried columns) are handed to `text`, which may decline them. Returns
/// the job and where the fields end; `None` hands the line to the general path, which also
/// writes every error message. A text field stops at a `\r`, so a line with a carriage return
/// anywhere but at its end never passes here.
#[inline(always)]
fn decode_plain<'a>(
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
    mut text: impl FnMut(Column, &'a str) -> Option<()>,
) -> Option<(Request, usize)> {
    let mut request = Request::default();
    let (mut width, mut height) = (None, None);
    let mut at = 0;
    for (n, &column) in columns.iter().enumerate() {
        if n > 0 {
            if bytes.get(at) != Some(&delimiter) {
                return None;
            }
            at += 1;
        }
        match column {
            Column::Steps | Column::Count | Column::Width | Column::Height => {
                let (value, end) = scan_digits(bytes, at)?;
                at = end;
                match column {
                    Column::Steps => request.steps = value,
                    Column::Count => request.count = value,
                    Column::Width => width = value,
                    _ => height = value,
                }
            }
            Column::Size => {
                let (w, end) = scan_digits(bytes, at)?;
                at = end;
                let Some(w) = w else { continue };
                if !matches!(bytes.get(at), Some(b'x' | b'X')) {
                    return None;
                }
                let (h, end) = scan_digits(bytes, at + 1)?;
                at = end;
                match h {
                    Some(h) if w > 0 && h > 0 => request.size = Some(Size::new(w, h)),
                    _ => return None,
                }
            }
            // A row of a file with tokens or seconds is read by the general path.
            Column::Metered(_) => return None,
            Column::Model | Column::Extra | Column::Date => {
                let start = at;
                while let Some(&b) = bytes.get(at) {
                    match b {
                        b'\n' | b'\r' => break,
                        _ if b == delimiter => break,
                        b'"' => return None,
                        _ => at += 1,
                    }
                }
                // Only text fields need checking as UTF-8; digits and sizes are ASCII by now.
                text(column, std::str::from_utf8(&bytes[start..at]).ok()?)?;
            }
        }
    }
    // An empty line is blank, not a job of defaults: the general path skips it.
    if at == 0 {
        return None;
    }
    match (width, height) {
        (None, None) => {}
        (Some(w), Some(h)) if w > 0 && h > 0 && request.size.is_none() => {
            request.size = Some(Size::new(w, h))
        }
        _ => return None,
    }
    Some((request, at))
}

/// The common line as a row borrowing its text fields, and where its fields end.
fn plain_row<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
) -> Option<(Row<'a>, usize)> {
    let mut model = None;
    let mut date = None;
    let mut extra = Vec::new();
    let (request, at) = decode_plain(columns, delimiter, bytes, |column, field| {
        match column {
            Column::Extra => extra.push(Cow::Borrowed(field)),
            _ if field.trim().is_empty() => {}
            // A bad date declines the line: the general path reports it, as it keeps a time or
            // a timestamp as written.
            Column::Date if field.trim().len() != 10 => return None,
            Column::Date => date = Some(crate::date::Day::parse_row(field).ok()?),
            _ => model = Some(Cow::Borrowed(field.trim())),
        }
        Some(())
    })?;
    let Request { steps, size, count } = request;
    Some((
        Row {
            line,
            model,
            steps,
            size,
            count,
            date,
            date_given: None,
            extra,
        },
        at,
    ))
}

/// The job of a plain line whose columns are all numbers, with nothing built: a text column
/// declines the line.
fn plain_numbers(columns: &[Column], delimiter: u8, bytes: &[u8]) -> Option<Request> {
    let (request, at) = decode_plain(columns, delimiter, bytes, |_, _| None)?;
    (at == bytes.len()).then_some(request)
}

/// [`plain_row`] over a whole line: it must end where the line does.
fn plain_line<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
) -> Option<Row<'a>> {
    plain_row(line, columns, delimiter, bytes)
        .and_then(|(row, end)| (end == bytes.len()).then_some(row))
}

/// [`plain_row`] at the start of the reader's buffer, straight from it: the line must end
/// there (`\n` or `\r\n`). Returns the row and the bytes it took, line end included.
fn plain_in_buffer<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    buffer: &'a [u8],
) -> Option<(Row<'a>, usize)> {
    let (row, end) = plain_row(line, columns, delimiter, buffer)?;
    match buffer.get(end..)? {
        [b'\n', ..] => Some((row, end + 1)),
        [b'\r', b'\n', ..] => Some((row, end + 2)),
        _ => None,
    }
}

/// Up to nine ASCII digits from `at`: the value (`None` when there are none) and where they end.
/// More digits go to the general parser, which knows the 32-bit limit and its message.
#[inline(always)]
fn scan_digits(bytes: &[u8], at: usize) -> Option<(Option<u32>, usize)> {
    let mut value = 0u32;
    let mut count = 0;
    for &b in bytes.get(at..)? {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        if count == 9 {
            return None;
        }
        value = value * 10 + u32::from(digit);
        count += 1;
    }
    Some(((count > 0).then_some(value), at + count))
}

/// Field boundaries of a line without quotes.
fn split_plain(line: &str, delimiter: u8, fields: &mut Vec<Range<usize>>) {
    fields.clear();
    let mut start = 0;
    for at in memchr::memchr_iter(delimiter, line.as_bytes()) {
        fields.push(start..at);
        start = at + 1;
    }
    fields.push(start..line.len());
}

/// Splits one CSV line with quoted fields: fields separated by `delimiter` (an ASCII byte),
/// and double-quoted fields with `""` for a quote. A job file has no line breaks inside fields.
fn split_csv(line: &str, delimiter: u8) -> Result<Vec<Cow<'_, str>>, String> {
    let delimiter = char::from(delimiter);
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("has a quoted field that is not closed".into()),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(Cow::Owned(field));
            match chars.next() {
                None => return Ok(fields),
                Some(c) if c == delimiter => continue,
                Some(c) => {
                    return Err(format!(
                        "has {c:?} after a closing quote; expected the separator {delimiter:?}"
                    ));
                }
            }
        }
        loop {
            match chars.next() {
                None => {
                    fields.push(Cow::Owned(field));
                    return Ok(fields);
                }
                Some(c) if c == delimiter => break,
                Some(c) => field.push(c),
            }
        }
        fields.push(Cow::Owned(field));
    }
}

/// The columns a CSV header may name, as compared: see [`normal`].
const PRICE_COLUMNS: [(&str, Column); 10] = [
    ("model", Column::Model),
    ("steps", Column::Steps),
    ("num_inference_steps", Column::Steps),
    ("size", Column::Size),
    ("width", Column::Width),
    ("height", Column::Height),
    ("count", Column::Count),
    ("n", Column::Count),
    ("date", Column::Date),
    ("created", Column::Date),
];

/// Whole names that mean a price column under another name (compared as [`normal`] writes
/// them): a column so named would otherwise be carried and its jobs priced at the defaults.
const SYNONYMS: [(&str, &str); 22] = [
    ("w", "width"),
    ("h", "height"),
    ("images", "count"),
    ("qty", "count"),
    ("quantity", "count"),
    ("cnt", "count"),
    ("samples", "count"),
    ("num_samples", "count"),
    ("batch_size", "count"),
    ("resolution", "size"),
    ("dimensions", "size"),
    ("dims", "size"),
    ("iterations", "steps"),
    ("model_id", "model"),
    ("day", "date"),
    ("dates", "date"),
    ("timestamp", "date"),
    ("time", "date"),
    ("datetime", "date"),
    ("created_at", "date"),
    ("created_on", "date"),
    ("billed_at", "date"),
];

/// Words that, inside a longer name (`image_size`, `num_steps`, `size (px)`), say the column
/// sets a price column.
const PRICE_WORDS: [(&str, &str); 16] = [
    ("step", "steps"),
    ("steps", "steps"),
    ("size", "size"),
    ("sizes", "size"),
    ("width", "width"),
    ("widths", "width"),
    ("height", "height"),
    ("heights", "height"),
    ("count", "count"),
    ("counts", "count"),
    ("model", "model"),
    ("models", "model"),
    ("images", "count"),
    ("date", "date"),
    ("dates", "date"),
    ("timestamp", "date"),
];

/// Characters that separate fields in CSV-like exports, tried when a header does not split.
const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A header name as compared with the price columns: trimmed, lower case, with `-` and spaces
/// written as `_` (so `Num Inference Steps` and `num-inference-steps` are `num_inference_steps`).
fn normal(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '-' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Which of [`super::metered::METERED_COLUMNS`] a header name is, compared as `normal`
/// writes it (`Input Tokens` is `input_tokens`).
pub fn metered_column(name: &str) -> Option<usize> {
    let name = normal(name);
    super::metered::METERED_COLUMNS
        .iter()
        .position(|c| *c == name)
}

/// Other names of the metered columns, refused rather than carried.
const METERED_SYNONYMS: [(&str, &str); 6] = [
    ("prompt_tokens", "input_tokens"),
    ("completion_tokens", "output_tokens"),
    ("tokens_in", "input_tokens"),
    ("tokens_out", "output_tokens"),
    ("secs", "seconds"),
    ("duration_seconds", "seconds"),
];

/// The metered column a header name seems to mean without naming it: within two edits of
/// `input_tokens` or `output_tokens`, one of `seconds`, or another name for one; `None` when
/// the header names that column outright.
fn metered_near_miss(normal_name: &str, header: &[String]) -> Option<&'static str> {
    let named = |c: &str| header.iter().any(|h| normal(h) == c);
    let nearest = super::metered::METERED_COLUMNS
        .iter()
        .map(|&c| (strsim::osa_distance(normal_name, c), c))
        .filter(|&(edits, c)| edits > 0 && edits <= if c.len() > 8 { 2 } else { 1 })
        .min()
        .map(|(_, c)| c)
        .or_else(|| {
            METERED_SYNONYMS
                .iter()
                .find(|(other, _)| *other == normal_name)
                .map(|&(_, c)| c)
        })?;
    (!named(nearest)).then_some(nearest)
}

/// The price column a header name seems to mean without naming it, if any.
///
/// The rule, on names compared as [`normal`] writes them: a name is a near-miss of a price
/// column when it is
/// - within one edit of `model`, `steps`, `size`, `width`, `height` or `count`, or within three
///   of `num_inference_steps` (an edit adds, drops or changes a letter, or swaps two neighbours:
///   `stesp`, `Step`, `sizes`, `widht`, `modle`, `cout`, `num_inference_step`); `n` is too
///   short for any edit to be a slip rather than another name, so only `n` itself is `n`;
/// - a known other name for one (`w`, `h`, `images`, `qty`, `resolution`, `iterations`, ... in
///   [`SYNONYMS`]);
/// - or a longer name with one of the words `step(s)`, `size(s)`, `width(s)`, `height(s)`,
///   `count(s)`, `model(s)` or `images` in it (`image_size`, `num_steps`, `size (px)`).
///
/// Only price columns the header does not name (`named`) are looked for: beside a `size`
/// column, `site` is another column, not a slip for `size`; without one it is refused.
/// Such a name is refused rather than carried, since carrying it would price every job at the
/// model's defaults. Names such as `id`, `note`, `prompt`, `seed`, `user` or `x` are carried.
/// Returns the column and how the name comes near it, for the message.
fn near_miss(name: &str, normal: &str, named: &[Column]) -> Option<(&'static str, String)> {
    let missing = |name: &str| {
        PRICE_COLUMNS
            .iter()
            .any(|(p, column)| *p == name && !named.contains(column))
    };
    let nearest = PRICE_COLUMNS
        .iter()
        // `date` is one edit from `data` and `rate`, columns of their own: its other names
        // and its word are looked for instead.
        .filter(|(name, column)| name.len() > 1 && *column != Column::Date && missing(name))
        .map(|&(name, _)| (strsim::osa_distance(normal, name), name))
        .filter(|&(edits, name)| edits <= if name.len() > 8 { 3 } else { 1 })
        .min();
    if let Some((edits, name)) = nearest {
        let plural = if edits == 1 { "" } else { "s" };
        return Some((name, format!("{edits} edit{plural} away")));
    }
    if let Some(&(_, name)) = SYNONYMS
        .iter()
        .find(|(other, name)| *other == normal && missing(name))
    {
        return Some((name, "another name for it".into()));
    }
    normal
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|word| {
            PRICE_WORDS
                .iter()
                .find(|(w, name)| *w == word && missing(name))
        })
        .map(|&(word, name)| (name, format!("it has the word {word:?} in it")))
        .or_else(|| {
            if missing("date") {
                date_like(name).map(|how| ("date", how))
            } else {
                None
            }
        })
}

/// Words that, as a word of a longer name, say it holds the day a job ran.
const DATE_WORDS: [&str; 14] = [
    "date",
    "dates",
    "day",
    "time",
    "timestamp",
    "datetime",
    "ts",
    "created",
    "creation",
    "issued",
    "submitted",
    "requested",
    "billed",
    "when",
];

/// Words beside `time` that make it a duration or a zone rather than a moment (`time_ms`,
/// `gpu_time`, `elapsed_time`, `time_zone`).
const NOT_A_MOMENT: [&str; 20] = [
    "ms", "s", "sec", "secs", "second", "seconds", "millis", "msec", "us", "ns", "min", "mins",
    "minutes", "elapsed", "duration", "gpu", "cpu", "wall", "run", "zone",
];

/// The words of a name: split at anything not a letter or digit and where a lower-case letter
/// or digit meets an upper-case one (`createdAt` is `created`, `at`), in lower case.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_numeric();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// How a CSV column or JSON key name looks like the day a job ran, if it does: the day picks
/// the rate, so such a name is never carried or ignored, which would price its jobs on
/// another day.
///
/// The rule, on the name's words (`words`: `created_utc`, `createdAt`, `Created-Time` all
/// start with `created`): a name is date-like when one of its words is `date`, `dates`, `day`,
/// `time`, `timestamp`, `datetime`, `ts`, `created`, `creation`, `issued`, `submitted`,
/// `requested`, `billed` or `when`, or when it has two words or more and the last is `at` or
/// `on` (`updated_at`, `paidOn`). `time` beside a unit or a duration word (`time_ms`,
/// `gpu_time`, `elapsed_time`, `time_zone`: `NOT_A_MOMENT`) is not a moment. Whole words
/// only: `runtime`, `uptime`, `timeout`, `daytime`, `update`, `candidate` are other names.
pub fn date_like(name: &str) -> Option<String> {
    let words = words(name);
    let duration = words.iter().any(|w| NOT_A_MOMENT.contains(&w.as_str()));
    if let Some(word) = words
        .iter()
        .find(|w| DATE_WORDS.contains(&w.as_str()) && !(w.as_str() == "time" && duration))
    {
        return Some(format!("it has the word {word:?} in it"));
    }
    match words.as_slice() {
        [_, .., last] if last == "at" || last == "on" => Some(format!(
            "it ends in the word {last:?}, as names of a moment do"
        )),
        _ => None,
    }
}

/// Whether a header cell is a value (a number, a size) rather than a name: then the first line
/// is data and the header is missing.
fn looks_like_data(cell: &str) -> bool {
    let cell = cell.trim();
    !cell.is_empty() && (cell.parse::<Size>().is_ok() || crate::number::parse_decimal(cell).is_ok())
}

/// How a separator is written on the command line.
fn separator_flag(separator: u8) -> String {
    match separator {
        b'\t' => "tab".into(),
        b => format!("'{}'", char::from(b)),
    }
}

/// A separator as messages name it.
fn separator_name(separator: u8) -> String {
    match separator {
        b'\t' => "a tab".into(),
        b' ' => "a space".into(),
        b => format!("'{}'", char::from(b)),
    }
}

/// The cells of a header line: UTF-8, no stray carriage return, split on `delimiter` with quotes.
fn header_cells(line: &[u8], delimiter: u8) -> Result<Vec<String>, String> {
    if memchr::memchr(b'\r', line).is_some() {
        return Err("the header has a carriage return (\\r) that does not end the line: the file seems to end its lines in \\r alone (old Mac line endings), which are not read; convert them first, e.g. tr '\\r' '\\n' < old.csv > new.csv".into());
    }
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "the header is not UTF-8 (invalid byte at column {}); save the file as UTF-8",
            e.valid_up_to() + 1
        )
    })?;
    split_csv(text, delimiter)
        .map(|fields| fields.into_iter().map(Cow::into_owned).collect())
        .map_err(|message| format!("the header {message}"))
}

/// The columns a header names, checked: what it must not be is stated in each error.
///
/// - at least one cell is not blank, no cell holds another separator (`;`, tab, `|`, `,`) or
///   the separator itself (inside quotes), and no cell is a number or a size (the first line
///   is then data, not a header);
/// - every column has a name, and no name is a near-miss of a price column ([`near_miss`]);
/// - a price column is named once (`count` and `n` are one, as are `steps` and
///   `num_inference_steps`), and a size is either `size` or `width` and `height`;
/// - carried names are unique among themselves and against the batch output's own columns
///   ([`JOB_COLUMNS`](crate::render::JOB_COLUMNS)), compared ignoring case and surrounding
///   spaces, so every output format can hold them;
/// - some column affects the price, unless `defaults_ok`.
fn columns(header: &[String], options: ReadOptions) -> Result<(Vec<Column>, Vec<String>), String> {
    let delimiter = options.delimiter;
    let example = format!(
        "a header such as {}",
        ["steps", "size", "count"].join(&char::from(delimiter).to_string())
    );
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(format!(
            "the header has no column names, only blank cells; a CSV job file starts with {example}"
        ));
    }
    for (at, name) in header.iter().enumerate() {
        let position = at + 1;
        if let Some(&found) = SEPARATORS
            .iter()
            .find(|&&s| s != delimiter && name.as_bytes().contains(&s))
        {
            let advice = if found == b',' {
                "leave out --delimiter".to_owned()
            } else {
                format!("give --delimiter {}", separator_flag(found))
            };
            return Err(format!(
                "column {position} {name:?} holds {}, but fields are separated by {}: if the file is separated by {0}, {advice}",
                separator_name(found),
                separator_name(delimiter),
            ));
        }
        if name.as_bytes().contains(&delimiter) {
            return Err(format!(
                "column {position} {name:?} holds the separator {} inside quotes; a column name cannot (was the whole line quoted?)",
                separator_name(delimiter)
            ));
        }
        if delimiter != b' ' && header.len() == 1 {
            let words: Vec<&str> = name.split_whitespace().collect();
            let priced = words
                .iter()
                .filter(|w| PRICE_COLUMNS.iter().any(|(p, _)| normal(w) == *p))
                .count();
            if words.len() > 1 && priced > 1 {
                return Err(format!(
                    "column 1 {name:?} holds several column names separated by spaces: if the file is separated by spaces, give --delimiter ' '"
                ));
            }
        }
    }
    if let Some((at, cell)) = header.iter().enumerate().find(|(_, h)| looks_like_data(h)) {
        return Err(format!(
            "column {} {cell:?} is a value, not a column name: the first line must be {example}, naming the columns of the rows below it",
            at + 1
        ));
    }
    // The price columns named outright, so near-misses of them can be told from other columns.
    let named: Vec<Column> = header
        .iter()
        .filter_map(|h| {
            let h = normal(h);
            PRICE_COLUMNS.iter().find(|(p, _)| *p == h).map(|&(_, c)| c)
        })
        .collect();
    let mut columns = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    // Carried names as compared for uniqueness, with their 1-based columns.
    let mut carried: Vec<(String, usize)> = Vec::new();
    for (at, name) in header.iter().enumerate() {
        let position = at + 1;
        // Column names are written back out as headers; see `carried`.
        if let Some((_, c)) = crate::escape::find_control(name, &[]) {
            return Err(format!(
                "column {position} {name:?} holds the control character {}; a column name must be printable text",
                crate::escape::code_point(c)
            ));
        }
        let normal = normal(name);
        if normal.is_empty() {
            let hint = if position == header.len() {
                format!(
                    " (a {} at the end of the line adds a blank column)",
                    separator_name(delimiter)
                )
            } else {
                String::new()
            };
            return Err(format!(
                "column {position} has no name; every column needs one, so it can be read or carried through{hint}"
            ));
        }
        let column = match PRICE_COLUMNS.iter().find(|(p, _)| *p == normal) {
            Some(&(_, column)) => column,
            None if metered_column(name).is_some() => {
                Column::Metered(metered_column(name).unwrap_or_default())
            }
            None => {
                if let Some((meant, how)) = near_miss(name, &normal, &named) {
                    return Err(format!(
                        "column {position} {name:?} looks like the price column {meant:?} ({how}): did you mean {meant:?}? A name this close to a price column the header does not name is refused rather than carried through (compared ignoring case, with -, _ and space alike: one edit away, three for num_inference_steps, another name for it, or one of its words); rename the column if it is something else (price columns: {})",
                        price_column_list()
                    ));
                }
                if let Some(meant) = metered_near_miss(&normal, header) {
                    return Err(format!(
                        "column {position} {name:?} looks like the metered column {meant:?}: did you mean {meant:?}? It is refused rather than carried through, which would leave the rows unpriced; rename the column if it is something else (metered columns: {})",
                        super::metered::METERED_COLUMNS.join(", ")
                    ));
                }
                let key = name.trim().to_lowercase();
                if let Some((_, first)) = carried.iter().find(|(k, _)| *k == key) {
                    return Err(format!(
                        "columns {first} {:?} and {position} {name:?} have the same name; rename one (names are compared ignoring case and surrounding spaces)",
                        header[first - 1]
                    ));
                }
                carried.push((key, position));
                extra.push(name.clone());
                Column::Extra
            }
        };
        if let Column::Metered(i) = column
            && let Some(first) = columns.iter().position(|c| *c == column)
        {
            return Err(format!(
                "columns {:?} and {name:?} are both the metered column {:?}; give it once",
                header[first],
                super::metered::METERED_COLUMNS[i]
            ));
        }
        if column != Column::Extra && columns.contains(&column) {
            return Err(format!(
                "column {position} {name:?} repeats a column already given (count and n are the same column, as are steps and num_inference_steps)"
            ));
        }
        columns.push(column);
    }
    let has = |c| columns.contains(&c);
    if has(Column::Size) && (has(Column::Width) || has(Column::Height)) {
        return Err("give either a size column or width and height columns, not both".into());
    }
    if has(Column::Width) != has(Column::Height) {
        return Err("width and height columns go together".into());
    }
    // A date alone picks the rate, not the job.
    let priced = columns
        .iter()
        .any(|c| !matches!(c, Column::Extra | Column::Date));
    if !options.defaults_ok && !priced {
        return Err(format!(
            "no column sets the price ({} {} carried through), so every job would be priced at the model's defaults; name the price columns ({}), or give --defaults-ok to price the defaults",
            header
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            if header.len() == 1 { "is" } else { "are all" },
            price_column_list()
        ));
    }
    Ok((columns, extra))
}

/// The price columns' names, for messages.
fn price_column_list() -> String {
    PRICE_COLUMNS.map(|(name, _)| name).join(", ")
}

/// Plain ASCII digits, read without the general parser; `None` sends the field there.
fn digits(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn whole(line: u64, field: &str, text: &str) -> Result<Option<u32>, RowError> {
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

fn size(line: u64, field: &str, text: &str) -> Result<Size, RowError> {
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

fn date(line: u64, field: &str, text: &str) -> Result<crate::date::Day, RowError> {
    crate::date::Day::parse_row(text).map_err(|m| RowError::new(line, field, text, m))
}

/// A row's date and, when it was not written as that day, the text as written.
fn dated(
    line: u64,
    field: &str,
    text: &str,
) -> Result<(crate::date::Day, Option<Box<str>>), RowError> {
    let day = date(line, field, text)?;
    let text = text.trim();
    let given = (text != day.to_string()).then(|| text.into());
    Ok((day, given))
}

/// A CSV row as read: the image job's cells, and its non-blank cells of
/// [`super::metered::METERED_COLUMNS`] (by index there).
type CsvRow<'a> = (Row<'a>, [Option<Cow<'a, str>>; 3]);

fn csv_row<'a>(
    line: u64,
    columns: &[Column],
    fields: impl ExactSizeIterator<Item = Cow<'a, str>>,
) -> Result<CsvRow<'a>, RowError> {
    if fields.len() != columns.len() {
        let found = fields.len();
        let text: Vec<Cow<'a, str>> = fields.collect();
        return Err(RowError::new(
            line,
            "row",
            &text.join(","),
            format!("has {found} fields but the header has {}", columns.len()),
        ));
    }
    let mut row = Row {
        line,
        ..Row::default()
    };
    let (mut width, mut height) = (None, None);
    let mut metered = [None, None, None];
    for (column, text) in columns.iter().zip(fields) {
        let blank = || text.trim().is_empty();
        match column {
            Column::Steps => row.steps = whole(line, "steps", &text)?,
            Column::Count => row.count = whole(line, "count", &text)?,
            Column::Size if !blank() => row.size = Some(size(line, "size", &text)?),
            Column::Model if !blank() => {
                row.model = Some(match text {
                    Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
                    Cow::Owned(t) => Cow::Owned(t.trim().to_owned()),
                });
            }
            Column::Width => width = whole(line, "width", &text)?,
            Column::Height => height = whole(line, "height", &text)?,
            Column::Date if !blank() => {
                let (day, given) = dated(line, "date", &text)?;
                row.date = Some(day);
                row.date_given = given;
            }
            Column::Metered(i) if !blank() => metered[*i] = Some(text),
            Column::Extra => row.extra.push(text),
            Column::Size | Column::Model | Column::Date | Column::Metered(_) => {}
        }
    }
    if row.size.is_none() {
        row.size = sides(line, width, height)?;
    }
    Ok((row, metered))
}

/// The item of a CSV row whose carried text is printable: an image job, or tokens or seconds.
fn csv_item<'a>(
    (row, metered): CsvRow<'a>,
    columns: &[Column],
    names: &[String],
) -> Result<Item<'a>, RowError> {
    let row = carried(row, columns, names)?;
    let [a, b, c] = &metered;
    let cells = [
        a.as_deref().map(str::trim),
        b.as_deref().map(str::trim),
        c.as_deref().map(str::trim),
    ];
    super::metered::csv_item(row, cells)
}

/// The row, if its carried text is printable. Carried columns are written back out as they
/// are (table, markdown, CSV), so a control character in one (an escape sequence, a `\r` that
/// would draw over the price before it, a bidi override) refuses the row rather than reaching a
/// terminal or being changed; a tab is ordinary text in a spreadsheet's cell and is kept.
fn carried<'a>(row: Row<'a>, columns: &[Column], names: &[String]) -> Result<Row<'a>, RowError> {
    let places = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Column::Extra);
    for ((text, name), (at, _)) in row.extra.iter().zip(names).zip(places) {
        if let Some((offset, c)) = crate::escape::find_control(text, &['\t']) {
            return Err(RowError::new(
                row.line,
                name,
                text,
                format!(
                    "column {} holds the control character {} (character {}); carried text must be printable (tabs aside): remove it from the file",
                    at + 1,
                    crate::escape::code_point(c),
                    text[..offset].chars().count() + 1
                ),
            ));
        }
    }
    Ok(row)
}

/// A size from width and height: both or neither.
fn sides(line: u64, width: Option<u32>, height: Option<u32>) -> Result<Option<Size>, RowError> {
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

/// Keys of the API's request bodies that do not affect the price: Distribute's own (`prompt`,
/// `seed`, `guidance_scale`, `style`, `response_format`) and the rest of the OpenAI-compatible
/// image request, which Distribute prices per megapixel-step whatever they say. Not here:
/// `partial_images` (streamed partial images may be billed: only 0 passes, see
/// `ignored_key`) and anything else, which stays an error so a typo cannot hide a price key.
pub const IGNORED_KEYS: [&str; 13] = [
    "prompt",
    "seed",
    "guidance_scale",
    "style",
    "response_format",
    "user",
    "quality",
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "stream",
    "safety_identifier",
];

/// Whether `key` holding `value` is left out of the price: one of [`IGNORED_KEYS`], one the user
/// named with `--ignore-key`, or `partial_images` asking for none.
fn ignored_key(key: &str, value: &Value, extra: &[String]) -> bool {
    IGNORED_KEYS.contains(&key)
        || extra.iter().any(|k| k == key)
        || (key == "partial_images" && (value.is_null() || value.as_u64() == Some(0)))
}

/// The known key `key` may be a misspelling of: one within a third of its length in edits
/// (a swap of two letters is one), so `stpes` finds `steps` and `user` finds nothing.
pub fn plausible_key<'k>(key: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(k, key), k))
        .filter(|&(d, k)| d > 0 && d * 3 <= k.chars().count().max(key.chars().count()))
        .min()
        .map(|(_, k)| k)
}

/// A JSON value as a message quotes it: a string by its text (the message adds the quotes),
/// anything else as JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
/// Keys of a JSON Lines job that set the price.
pub const PRICE_KEYS: [&str; 8] = [
    "model",
    "steps",
    "num_inference_steps",
    "size",
    "width",
    "height",
    "n",
    "count",
];
/// Keys giving the day a job ran, which picks its dated rate: `created` as the API returns it.
pub const DATE_KEYS: [&str; 2] = ["created", "date"];

/// Every key that changes a job's price, for messages: [`PRICE_KEYS`] and [`DATE_KEYS`].
pub fn price_key_list() -> String {
    PRICE_KEYS
        .iter()
        .chain(&DATE_KEYS)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The members of one JSON object in the order written, repeats kept, keys borrowed from the
/// line where they hold no escapes: no map is built, and a repeated key can be told.
struct Members<'a>(Vec<(Cow<'a, str>, Value)>);

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8).min(16));
                while let Some(Key(key)) = map.next_key()? {
                    members.push((key, map.next_value::<Value>()?));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// Why a line that is not one JSON object cannot be a job, in the words used since lines were
/// read whole as values: only lines that fail go this slower way.
fn not_an_object(line: u64, text: &str) -> RowError {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return RowError::new(line, "row", text, format!("is not JSON: {e}")),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => {
            // Not reached: an object read as a value is read as members too.
            let why = serde_json::from_str::<Members<'_>>(text)
                .err()
                .map_or_else(String::new, |e| e.to_string());
            return RowError::new(line, "row", text, format!("is not JSON: {why}"));
        }
    };
    RowError::new(
        line,
        "row",
        text,
        format!(
            "is {kind}; expected an object like {{\"num_inference_steps\": 20, \"size\": \"512x512\"}}"
        ),
    )
}

/// A JSON value as messages show it, cut short when long.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

pub(super) fn json_row(
    line: u64,
    text: &str,
    defaults_ok: bool,
    ignore_keys: &[String],
) -> Result<Row<'static>, RowError> {
    let members = match serde_json::from_str::<Members<'_>>(text) {
        Ok(Members(members)) => members,
        Err(_) => return Err(not_an_object(line, text)),
    };
    let mut row = Row {
        line,
        ..Row::default()
    };
    let (mut width, mut height) = (None, None);
    let mut seen_steps = None;
    let mut seen_count = None;
    let mut seen_date = None;
    // At most one pass per distinct known key: a repeat or an unknown key ends the loop, so
    // the search for repeats stays short whatever the line holds.
    for (at, (key, value)) in members.iter().enumerate() {
        let key = key.as_ref();
        if let Some((_, first)) = members[..at].iter().find(|(k, _)| k == key) {
            return Err(RowError::new(
                line,
                key,
                &value_text(value),
                format!(
                    "repeats the key {key:?} (first given as {}); give each key once",
                    short(first)
                ),
            ));
        }
        if ignored_key(key, value, ignore_keys) {
            continue;
        }
        let shown = || value_text(value);
        if value.is_null() && (PRICE_KEYS.contains(&key) || DATE_KEYS.contains(&key)) {
            return Err(RowError::new(
                line,
                key,
                "null",
                "is null; give a value, or leave the key out to price the model's default",
            ));
        }
        let number = |field: &str| -> Result<u32, RowError> {
            value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    let quoted = value
                        .as_str()
                        .filter(|s| parse_u32(s).is_ok())
                        .map(|s| format!(" (it is a string: write {}, not \"{s}\")", s.trim()))
                        .unwrap_or_default();
                    RowError::new(
                        line,
                        field,
                        &shown(),
                        format!("is not a whole number from 0 to {}{quoted}", u32::MAX),
                    )
                })
        };
        let string = |field: &str| -> Result<&str, RowError> {
            value
                .as_str()
                .ok_or_else(|| RowError::new(line, field, &shown(), "is not a string"))
        };
        let once = |seen: Option<&str>| -> Result<(), RowError> {
            match seen {
                Some(first) => Err(RowError::new(
                    line,
                    key,
                    &shown(),
                    format!("repeats {first:?}; give one of them"),
                )),
                None => Ok(()),
            }
        };
        match key {
            "model" => row.model = Some(Cow::Owned(string("model")?.trim().to_owned())),
            "steps" | "num_inference_steps" => {
                once(seen_steps.replace(key))?;
                row.steps = Some(number(key)?);
            }
            "n" | "count" => {
                once(seen_count.replace(key))?;
                row.count = Some(number(key)?);
            }
            "size" => row.size = Some(size(line, "size", string("size")?)?),
            "created" | "date" => {
                once(seen_date.replace(key))?;
                let (day, given) = match value {
                    Value::String(text) => dated(line, key, text)?,
                    // Whole seconds, as the API's `created` is; a fraction or a sign is not.
                    Value::Number(n) if n.is_u64() => dated(line, key, &n.to_string())?,
                    _ => {
                        return Err(RowError::new(
                            line,
                            key,
                            &shown(),
                            format!("is not a date; expected {}", crate::date::ROW_FORMS),
                        ));
                    }
                };
                row.date = Some(day);
                row.date_given = given;
            }
            "width" => width = Some(number("width")?),
            "height" => height = Some(number("height")?),
            "partial_images" => {
                return Err(RowError::new(
                    line,
                    key,
                    &shown(),
                    "asks for streamed partial images, which may be billed as images and are not in the tariff; only the number 0 or null is priced (--ignore-key partial_images prices the final images alone)",
                ));
            }
            other => {
                let known = format!(
                    "(price keys: {}; ignored: {})",
                    price_key_list(),
                    IGNORED_KEYS.join(", ")
                );
                // A near miss is most likely a typo of a price key: no escape hatch offered.
                let message = match plausible_key(
                    other,
                    PRICE_KEYS
                        .iter()
                        .chain(&DATE_KEYS)
                        .chain(&IGNORED_KEYS)
                        .copied(),
                ) {
                    Some(k) => format!("is not a key dis-price knows; did you mean {k:?}? {known}"),
                    None if date_like(other).is_some() => format!(
                        "looks like the day the job ran ({}), which picks the rate and cannot be left out: give it as \"created\" (Unix seconds or RFC 3339) or \"date\" (YYYY-MM-DD), or drop it to price on --as-of {known}",
                        date_like(other).unwrap_or_default()
                    ),
                    None => match super::keys::ignore_hint(other) {
                        Some(hint) => format!("is not a key dis-price knows {known}; {hint}"),
                        None => format!("is not a key dis-price knows {known}"),
                    },
                };
                return Err(RowError::new(line, other, &shown(), message));
            }
        }
    }
    if row.size.is_some() && (width.is_some() || height.is_some()) {
        return Err(RowError::new(
            line,
            "size",
            &row.size.map(|s| s.to_string()).unwrap_or_default(),
            "give either size or width and height, not both",
        ));
    }
    if row.size.is_none() {
        row.size = sides(line, width, height)?;
    }
    // The model alone prices nothing: steps, size and count would all be its defaults, which
    // is what a request body that lost its parameters looks like.
    let priced = row.steps.is_some() || row.size.is_some() || row.count.is_some();
    if !priced && !defaults_ok {
        return Err(RowError::new(
            line,
            "row",
            text,
            "no key sets the price (steps or num_inference_steps, size or width and height, n or count; model alone only picks the model); give them, or --defaults-ok to price every missing one at the model's defaults",
        ));
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plausible_near_misses_are_suggested() {
        let known = || PRICE_KEYS.iter().chain(&IGNORED_KEYS).copied();
        for (typo, meant) in [
            ("stpes", "steps"),
            ("Steps", "steps"),
            ("sise", "size"),
            ("heigth", "height"),
            ("usr", "user"),
            ("num_inference_step", "num_inference_steps"),
        ] {
            assert_eq!(plausible_key(typo, known()), Some(meant), "{typo}");
        }
        for far in [
            "x",
            "m",
            "id",
            "note",
            "trace_id",
            "negative_prompt",
            "steps_total",
        ] {
            assert_eq!(plausible_key(far, known()), None, "{far}");
        }
        // A known key is no near miss of itself.
        assert_eq!(plausible_key("steps", ["steps"]), None);
    }

    #[test]
    fn ignored_keys_and_partial_images() {
        assert!(ignored_key("user", &Value::from("u1"), &[]));
        assert!(ignored_key("trace", &Value::from(1), &["trace".to_owned()]));
        assert!(!ignored_key("trace", &Value::from(1), &[]));
        assert!(ignored_key("partial_images", &Value::from(0), &[]));
        assert!(ignored_key("partial_images", &Value::Null, &[]));
        assert!(!ignored_key("partial_images", &Value::from(2), &[]));
        for key in PRICE_KEYS {
            assert!(!IGNORED_KEYS.contains(&key), "{key}");
        }
    }

    use super::*;

    fn read(format: InputFormat, text: &str) -> Vec<Result<Row<'static>, String>> {
        read_with(format, text, 8192)
    }

    /// Reads through a buffer of `capacity` bytes, so lines straddle reads.
    fn read_with(
        format: InputFormat,
        text: &str,
        capacity: usize,
    ) -> Vec<Result<Row<'static>, String>> {
        read_opts(format, text, capacity, ReadOptions::default())
    }

    /// The image job an item must be.
    fn image(item: Item<'_>) -> Row<'_> {
        match item {
            Item::Image(row) => row,
            Item::Metered(m) => panic!("not an image job: {m:?}"),
        }
    }

    /// Reads with `options`, through a buffer of `capacity` bytes.
    fn read_opts(
        format: InputFormat,
        text: &str,
        capacity: usize,
        options: ReadOptions,
    ) -> Vec<Result<Row<'static>, String>> {
        let input = io::BufReader::with_capacity(capacity, text.as_bytes());
        let mut rows = Rows::new("t".into(), input, format, options).unwrap();
        let mut out = Vec::new();
        loop {
            match rows.next_row() {
                Ok(None) => return out,
                Ok(Some(item)) => out.push(Ok({
                    let row = image(item);
                    Row {
                        model: row.model.map(|m| Cow::Owned(m.into_owned())),
                        extra: row
                            .extra
                            .into_iter()
                            .map(|e| Cow::Owned(e.into_owned()))
                            .collect(),
                        ..row
                    }
                })),
                Err(Ok(e)) => out.push(Err(e.to_string())),
                Err(Err(e)) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn csv_columns_defaults_and_extras() {
        let rows = read(
            InputFormat::Csv,
            "id,steps,size,n\r\na,20,512x512,2\n\nb,,,\n",
        );
        let a = rows[0].as_ref().unwrap();
        assert_eq!(
            (a.line, a.steps, a.size, a.count),
            (2, Some(20), Some(Size::new(512, 512)), Some(2))
        );
        assert_eq!(a.extra, vec!["a"]);
        let b = rows[1].as_ref().unwrap();
        assert_eq!((b.line, b.steps, b.size, b.count), (4, None, None, None));
    }

    #[test]
    fn csv_width_and_height() {
        let rows = read(InputFormat::Csv, "width,height,steps\n640,480,5\n640,,5\n");
        assert_eq!(rows[0].as_ref().unwrap().size, Some(Size::new(640, 480)));
        assert!(rows[1].as_ref().unwrap_err().contains("line 3: height"));
    }

    #[test]
    fn csv_bad_rows_name_line_field_and_value() {
        let rows = read(InputFormat::Csv, "steps,size\n1.5,512\n20,512x\n20\n");
        assert!(
            rows[0]
                .as_ref()
                .unwrap_err()
                .starts_with("line 2: steps \"1.5\"")
        );
        assert!(
            rows[1]
                .as_ref()
                .unwrap_err()
                .starts_with("line 3: size \"512x\"")
        );
        assert!(
            rows[2]
                .as_ref()
                .unwrap_err()
                .contains("has 1 fields but the header has 2")
        );
    }

    #[test]
    fn quoted_csv_fields() {
        let fields = split_csv(r#"a,"b,c","say ""hi""",,"#, b',').unwrap();
        assert_eq!(fields, vec!["a", "b,c", "say \"hi\"", "", ""]);
        assert_eq!(split_csv("x", b',').unwrap(), vec!["x"]);
        assert!(split_csv(r#""open"#, b',').is_err());
        assert!(split_csv(r#""a"b"#, b',').is_err());
        let rows = read(
            InputFormat::Csv,
            "note,steps,size\n\"a, b\",20,\"512x256\"\n",
        );
        let row = rows[0].as_ref().unwrap();
        assert_eq!(
            (row.extra[0].as_ref(), row.steps, row.size),
            ("a, b", Some(20), Some(Size::new(512, 256)))
        );
    }

    #[test]
    fn lines_that_straddle_reads_are_whole() {
        let text = "steps,size,note\n20,512x512,aaaaaaaaaaaaaaaaaaaa\n30,256,b\r\n\n  \n10,1024,c";
        for capacity in [1, 2, 3, 7, 16, 64, 8192] {
            let rows = read_with(InputFormat::Csv, text, capacity);
            let got: Vec<(u64, Option<u32>, String)> = rows
                .into_iter()
                .map(|r| r.unwrap())
                .map(|r| (r.line, r.steps, r.extra[0].to_string()))
                .collect();
            assert_eq!(
                got,
                vec![
                    (2, Some(20), "a".repeat(20)),
                    (3, Some(30), "b".into()),
                    (6, Some(10), "c".into())
                ],
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn the_plain_path_agrees_with_the_general_one() {
        let columns = [
            Column::Steps,
            Column::Size,
            Column::Count,
            Column::Model,
            Column::Extra,
        ];
        for line in [
            "20,512x512,2,flux-dev,a",
            ",,,,",
            "20,512X256,, Flux-Dev ,b c",
            "1,1x1,999999999,m,",
        ] {
            let plain =
                plain_line(1, &columns, b',', line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
            let general = csv_row(1, &columns, split_csv(line, b',').unwrap().into_iter())
                .unwrap()
                .0;
            assert_eq!(plain, general, "{line}");
        }
        // Anything unusual goes the general way.
        for line in [
            "20,512,2,m,a",
            "1,1x1,4294967295,m,",
            " 20,512x512,2,m,a",
            "20,0x5,2,m,a",
            "20,512x512,2,m",
            "20,512x512,2,m,a,b",
            "1e3,512x512,,,",
            "20,5×5,,,",
        ] {
            assert!(
                plain_line(1, &columns, b',', line.as_bytes()).is_none(),
                "{line}"
            );
        }
        let sides = [Column::Width, Column::Height];
        assert_eq!(
            plain_line(1, &sides, b',', b"640,480").unwrap().size,
            Some(Size::new(640, 480))
        );
        assert!(plain_line(1, &sides, b',', b"640,").is_none());
        // Invalid UTF-8 in a text field goes the general way, which reports it.
        assert!(plain_line(1, &columns, b',', b"20,512x512,2,m\xff,a").is_none());
        // Under another separator the same lines agree, and a comma is just a character.
        for delimiter in [b';', b'\t', b'|', b' '] {
            let sep = char::from(delimiter).to_string();
            for (line, plain) in [
                ("20,512x512,2,flux-dev,a", true),
                (",,,,", true),
                ("20,512X256,,Flux-Dev,b-c", true),
                ("20,512x512,2,m,a,b", false),
                ("20,512,2,m,a", false),
            ] {
                let line = line.replace(',', &sep);
                let general = csv_row(
                    1,
                    &columns,
                    split_csv(&line, delimiter).unwrap().into_iter(),
                )
                .map(|(row, _)| row);
                let read = plain_line(1, &columns, delimiter, line.as_bytes());
                assert_eq!(read.is_some(), plain, "{line:?}");
                if let Some(read) = read {
                    assert_eq!(Ok(read), general, "{line:?}");
                }
                assert_eq!(
                    plain_line(1, &columns, b',', line.as_bytes()),
                    None,
                    "{line:?} read with commas"
                );
            }
            assert_eq!(
                plain_numbers(&sides, delimiter, format!("640{sep}480").as_bytes()),
                Some(Request {
                    steps: None,
                    count: None,
                    size: Some(Size::new(640, 480))
                })
            );
            assert_eq!(plain_numbers(&sides, delimiter, b"640,480"), None);
        }
    }

    #[test]
    fn plain_numbers_agree_with_plain_rows() {
        let layouts: [&[Column]; 3] = [
            &[Column::Steps, Column::Size, Column::Count],
            &[Column::Width, Column::Height, Column::Steps],
            &[Column::Count, Column::Size],
        ];
        let lines = [
            "20,512x512,2",
            ",,",
            "1,1024X7,",
            "20,512,2",
            "20,0x5,1",
            "640,480,5",
            "640,,5",
            "5,5",
            "9,9x9,9,",
            "x,1,1",
            "1,2x3",
        ];
        for columns in layouts {
            for line in lines {
                let row = plain_line(1, columns, b',', line.as_bytes()).map(|r| Request {
                    steps: r.steps,
                    size: r.size,
                    count: r.count,
                });
                assert_eq!(
                    plain_numbers(columns, b',', line.as_bytes()),
                    row,
                    "{columns:?} {line}"
                );
            }
        }
        assert_eq!(
            plain_numbers(&[Column::Steps, Column::Model], b',', b"20,flux"),
            None
        );
    }

    #[test]
    fn numeric_files_read_in_place_agree_with_line_reading() {
        // No text columns: lines are parsed where they lie in the buffer when they can be.
        let text = "steps,size,n\r\n20,512x512,2\r\n\n  \n30,256,\n5,7x9,1\n10,1024,3";
        for capacity in [1, 2, 5, 13, 64, 8192] {
            let got: Vec<_> = read_with(InputFormat::Csv, text, capacity)
                .into_iter()
                .map(|r| r.unwrap())
                .map(|r| (r.line, r.steps, r.size, r.count))
                .collect();
            assert_eq!(
                got,
                vec![
                    (2, Some(20), Some(Size::new(512, 512)), Some(2)),
                    (5, Some(30), Some(Size::new(256, 256)), None),
                    (6, Some(5), Some(Size::new(7, 9)), Some(1)),
                    (7, Some(10), Some(Size::new(1024, 1024)), Some(3)),
                ],
                "capacity {capacity}"
            );
        }
        let errors: Vec<String> = read(InputFormat::Csv, "steps,size\n20,512\nx,512\n20,0x5\n")
            .into_iter()
            .filter_map(Result::err)
            .collect();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("line 3: steps \"x\"")
                && errors[1].starts_with("line 4: size \"0x5\""),
            "{errors:?}"
        );
    }

    #[test]
    fn the_byte_path_agrees_with_the_parsers() {
        for text in [
            "0",
            "7",
            "512",
            "999999999",
            "4294967295",
            "1000000000",
            " 5",
            "5 ",
            "+5",
            "",
            "x",
        ] {
            let general = if text.trim().is_empty() {
                Ok(None)
            } else {
                parse_u32(text).map(Some)
            };
            assert_eq!(
                whole(1, "steps", text).map_err(|e| e.message),
                general,
                "{text:?}"
            );
        }
        for text in [
            "512x512",
            "1X2",
            "0x5",
            "5x0",
            "512",
            " 512 x 512",
            "512×512",
            "4294967296x1",
            "1x",
        ] {
            let general = text.parse::<Size>().map_err(|e| e.to_string());
            assert_eq!(
                size(1, "size", text).map_err(|e| e.message),
                general,
                "{text:?}"
            );
        }
    }

    /// The header error for `text` read with `options`, or `None` when it is read.
    fn header_error(text: &str, options: ReadOptions) -> Option<String> {
        Rows::new("t".into(), text.as_bytes(), InputFormat::Csv, options)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn bad_headers() {
        for header in ["count,n\n", "size,width,height\n", "width\n", ""] {
            assert!(
                header_error(header, ReadOptions::default()).is_some(),
                "{header:?}"
            );
        }
    }

    #[test]
    fn near_misses_of_price_columns_are_refused_and_other_names_carried() {
        let options = ReadOptions::default();
        for (name, meant) in [
            ("stesp", "steps"),
            ("Step", "steps"),
            (" STEPS_ ", "steps"),
            ("sizes", "size"),
            ("szie", "size"),
            ("widht,height", "width"),
            ("width,heigth", "height"),
            ("num_inference_step", "num_inference_steps"),
            ("num-inference-step", "num_inference_steps"),
            ("numinferencesteps", "num_inference_steps"),
            ("modle", "model"),
            ("Models", "model"),
            ("cout", "count"),
            ("conut", "count"),
            ("qty", "count"),
            ("w,h", "width"),
            ("resolution", "size"),
            ("image_size", "size"),
            ("num_steps", "steps"),
            ("Size (px)", "size"),
            ("model_id", "model"),
        ] {
            let error = header_error(&format!("id,{name}\n"), options)
                .unwrap_or_else(|| panic!("{name:?} was read"));
            assert!(
                error.contains(&format!("looks like the price column {meant:?}")),
                "{name:?}: {error}"
            );
        }
        // Names far from every price column are carried; so is a near-miss of a price column
        // the header names outright, and `n` matches only itself.
        for header in [
            "id,note,prompt,x,user,seed,steps",
            "a,b,n",
            "steps,size,site",
            "width,height,weight",
            "model,mode",
            "Num Inference Steps,N",
        ] {
            assert_eq!(header_error(header, options), None, "{header:?}");
        }
        let rows = read(InputFormat::Csv, "Num Inference Steps, N ,a\n20,2,b\n");
        let row = rows[0].as_ref().unwrap();
        assert_eq!(
            (row.steps, row.count, row.extra.clone()),
            (Some(20), Some(2), vec!["b".into()])
        );
    }

    #[test]
    fn headers_that_are_not_headers() {
        let options = ReadOptions::default();
        let expect = |text: &str, options: ReadOptions, needle: &str| {
            let error = header_error(text, options).unwrap_or_else(|| panic!("{text:?} was read"));
            assert!(error.contains(needle), "{text:?}: {error}");
        };
        expect("20,512x512,4\n", options, "column 1 \"20\" is a value");
        expect("steps,1024\n", options, "column 2 \"1024\" is a value");
        expect("model,1.5\n", options, "is a value");
        expect(",,\n", options, "only blank cells");
        expect("\"\",\" \"\n", options, "only blank cells");
        expect("steps,,size\n", options, "column 2 has no name");
        expect("steps,size,\n", options, "column 3 has no name");
        expect("steps;size\n", options, "give --delimiter ';'");
        expect("steps\tsize\n", options, "give --delimiter tab");
        expect("steps|size\n", options, "give --delimiter '|'");
        expect("steps,size;count\n", options, "give --delimiter ';'");
        expect("steps size count\n", options, "give --delimiter ' '");
        expect("\"steps,size\"\n", options, "inside quotes");
        expect("steps,size\r20,512\r", options, "tr '\\r' '\\n'");
        expect("steps,size\r\r\n", options, "carriage return");
        expect("id,note\n", options, "--defaults-ok");
        expect("id,steps,ID \n", options, "columns 1 \"id\" and 3 \"ID \"");
        let semicolon = ReadOptions {
            delimiter: b';',
            ..options
        };
        expect("steps,size\n", semicolon, "leave out --delimiter");
        expect("steps;size;count,n\n", semicolon, "leave out --delimiter");
        // Given what they need, the same headers read.
        for (text, options) in [
            (
                "id,note\n",
                ReadOptions {
                    defaults_ok: true,
                    ..options
                },
            ),
            ("steps;size\n", semicolon),
            ("\n \n\"steps\",\"size\"\n", options),
        ] {
            assert_eq!(header_error(text, options), None, "{text:?}");
        }
        // Blank lines before the header are skipped, and errors name the header's line.
        assert_eq!(
            header_error("\n\nstesp\n", options)
                .unwrap()
                .split(": ")
                .nth(1),
            Some("line 3")
        );
    }

    #[test]
    fn every_separator_reads_like_the_comma() {
        let text =
            "id,steps,size,n,model\na,20,512x512,2,flux-dev\n\nb,,,,\n\"c\",5,7X9,,m\r\n,1,1,1,\n";
        let comma = read_with(InputFormat::Csv, text, 8192);
        assert_eq!(comma.len(), 4);
        let numbers = "steps,size,n\n20,512x512,2\n\n,,\n5,7X9,\r\n1,1,1\n";
        let comma_numbers = read_with(InputFormat::Csv, numbers, 8192);
        assert_eq!(comma_numbers.len(), 4);
        for delimiter in [b';', b'\t', b'|', b' '] {
            let options = ReadOptions {
                delimiter,
                ..ReadOptions::default()
            };
            let separated = text.replace(',', &char::from(delimiter).to_string());
            let separated_numbers = numbers.replace(',', &char::from(delimiter).to_string());
            for capacity in [1, 3, 16, 8192] {
                assert_eq!(
                    read_opts(InputFormat::Csv, &separated, capacity, options),
                    comma,
                    "{delimiter} {capacity}"
                );
                assert_eq!(
                    read_opts(InputFormat::Csv, &separated_numbers, capacity, options),
                    comma_numbers,
                    "{delimiter} {capacity}"
                );
            }
        }
    }

    #[test]
    fn a_carriage_return_inside_a_line_is_never_read_into_a_row() {
        let columns = [Column::Steps, Column::Size, Column::Model, Column::Extra];
        for line in [
            &b"20\r,512,m,a"[..],
            b"20,512\r,m,a",
            b"20,512,m\r,a",
            b"20,512,m,a\r",
            b"20,512,m,a\rb",
        ] {
            assert!(plain_line(1, &columns, b',', line).is_none(), "{line:?}");
        }
        assert!(plain_in_buffer(1, &columns, b',', b"20,512x512,m,a\r\r\n").is_none());
        assert!(plain_in_buffer(1, &columns, b',', b"20,512x512,m,a\r\n").is_some());
        for capacity in [1, 4, 8192] {
            let rows = read_with(
                InputFormat::Csv,
                "steps,size,note\n20\r,512,a\n20,512,a\rb\n20,512,a\r\r\n\r\n20,512,ok\r\n",
                capacity,
            );
            let got: Vec<Result<u64, bool>> = rows
                .iter()
                .map(|r| match r {
                    Ok(row) => Ok(row.line),
                    Err(e) => Err(e.contains("carriage return")),
                })
                .collect();
            assert_eq!(
                got,
                vec![Err(true), Err(true), Err(true), Ok(6)],
                "{capacity}"
            );
            let rows = read_with(
                InputFormat::Csv,
                "steps,size\n20\r,512\n20,512\r30,1\n",
                capacity,
            );
            assert!(
                rows.iter()
                    .all(|r| r.as_ref().is_err_and(|e| e.contains("carriage return")))
            );
        }
    }

    #[test]
    fn api_request_bodies() {
        let rows = read(
            InputFormat::Jsonl,
            r#"{"model": "flux-dev", "prompt": "a cat", "num_inference_steps": 20, "size": "512x512", "n": 2, "seed": 1}
{"steps": 5, "width": 300, "height": 200, "guidance_scale": 3.5, "style": null}
"#,
        );
        let a = rows[0].as_ref().unwrap();
        assert_eq!(
            (a.model.as_deref(), a.steps, a.size, a.count),
            (
                Some("flux-dev"),
                Some(20),
                Some(Size::new(512, 512)),
                Some(2)
            )
        );
        assert_eq!(rows[1].as_ref().unwrap().size, Some(Size::new(300, 200)));
    }

    #[test]
    fn bad_json_lines() {
        let rows = read(
            InputFormat::Jsonl,
            concat!(
                "{\"steps\": 1}\n[1]\nnull\n3\n{\"steps\": 20.5}\n{\"stesp\": 20}\n",
                "{\"steps\": 1, \"num_inference_steps\": 2}\n{\n",
                "{\"n\": 1, \"n\": 1000}\n",
                "{\"steps\": 2, \"prompt\": \"a\", \"prompt\": \"b\"}\n",
                "{\"steps\": 2, \"st\\u0065ps\": 3}\n",
                "{\"prompt\": \"a cat\"}\n{}\n{\"model\": \"flux-dev\"}\n",
                "{\"steps\": 2, \"n\": null}\n{\"n\": \"2\"}\n{\"steps\": {\"a\": 1}}\n",
                "{\"Steps\": 20}\n{\"stesp\": null}\n{\"n\": 2.50}\n",
                "\u{feff}{\"steps\": 1}\n",
            ),
        );
        assert_eq!(rows[0].as_ref().unwrap().steps, Some(1));
        let errors: Vec<String> = rows[1..].iter().map(|r| r.clone().unwrap_err()).collect();
        let want = [
            "line 2: row \"[1]\": is an array; expected an object",
            "line 3: row \"null\": is null",
            "line 4: row \"3\": is a number",
            "line 5: steps \"20.5\"",
            "did you mean \"steps\"",
            "line 7: num_inference_steps \"2\": repeats \"steps\"; give one of them",
            "line 8: row \"{\": is not JSON: EOF while parsing an object",
            "line 9: n \"1000\": repeats the key \"n\" (first given as 1); give each key once",
            "line 10: prompt \"b\": repeats the key \"prompt\" (first given as \"a\")",
            "line 11: steps \"3\": repeats the key \"steps\" (first given as 2)",
            "line 12: row \"{\\\"prompt\\\": \\\"a cat\\\"}\": no key sets the price",
            "line 13: row \"{}\": no key sets the price",
            "line 14: row \"{\\\"model\\\": \\\"flux-dev\\\"}\": no key sets the price",
            "line 15: n \"null\": is null; give a value, or leave the key out",
            "line 16: n \"2\": is not a whole number from 0 to 4294967295 (it is a string: write 2, not \"2\")",
            "line 17: steps \"{\\\"a\\\":1}\": is not a whole number",
            "line 18: Steps \"20\": is not a key dis-price knows; did you mean \"steps\"?",
            "line 19: stesp \"null\": is not a key dis-price knows",
            "line 20: n \"2.50\": is not a whole number",
            "line 21: row \"\\u{feff}{\\\"steps\\\": 1}\": is not JSON",
        ];
        assert_eq!(errors.len(), want.len(), "{errors:#?}");
        for (got, want) in errors.iter().zip(want) {
            assert!(got.contains(want), "{got:?} does not contain {want:?}");
        }
    }

    #[test]
    fn rows_with_no_price_key_need_defaults_ok() {
        let text = "{\"prompt\": \"a cat\"}\n{}\n{\"model\": \"flux-dev\", \"seed\": null}\n";
        let options = ReadOptions {
            defaults_ok: true,
            ..ReadOptions::default()
        };
        let mut rows = Rows::new("t".into(), text.as_bytes(), InputFormat::Jsonl, options).unwrap();
        let mut models = Vec::new();
        while let Some(item) = rows.next_row().unwrap() {
            let row = image(item);
            assert_eq!((row.steps, row.size, row.count), (None, None, None));
            models.push(row.model.map(Cow::into_owned));
        }
        assert_eq!(models, vec![None, None, Some("flux-dev".to_owned())]);
    }

    /// The form told, and each row's line and steps.
    type Read = (InputFormat, Vec<(u64, Option<u32>)>);

    /// Reads `bytes` through a buffer of `capacity`, telling the form when `form` is `None`:
    /// the form and the lines' steps, or the error.
    fn open(bytes: &[u8], form: Option<InputFormat>, capacity: usize) -> Result<Read, String> {
        let input = io::BufReader::with_capacity(capacity, bytes);
        let mut rows = Rows::open("t".into(), input, form, ReadOptions::default())
            .map_err(|e| e.to_string())?;
        let told = match rows.form {
            Form::Csv { .. } => InputFormat::Csv,
            Form::Jsonl => InputFormat::Jsonl,
        };
        let mut steps = Vec::new();
        loop {
            match rows.next_row() {
                Ok(Some(item)) => {
                    let row = image(item);
                    steps.push((row.line, row.steps));
                }
                Ok(None) => return Ok((told, steps)),
                Err(Ok(e)) => return Err(e.to_string()),
                Err(Err(e)) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn one_byte_order_mark_goes_however_the_reads_fall() {
        let jsonl = (InputFormat::Jsonl, vec![(1, Some(20)), (3, Some(5))]);
        let csv = (InputFormat::Csv, vec![(2, Some(20)), (4, Some(5))]);
        for capacity in [1, 2, 3, 4, 5, 8192] {
            for form in [None, Some(InputFormat::Jsonl)] {
                for text in [
                    &b"\xEF\xBB\xBF{\"steps\": 20}\n\n{\"steps\": 5}"[..],
                    b"{\"steps\": 20}\n\n{\"steps\": 5}\n",
                ] {
                    assert_eq!(
                        open(text, form, capacity),
                        Ok(jsonl.clone()),
                        "{capacity} {form:?}"
                    );
                }
            }
            for form in [None, Some(InputFormat::Csv)] {
                for text in [&b"\xEF\xBB\xBFsteps\n20\n\n5\n"[..], b"steps\n20\n\n5"] {
                    assert_eq!(
                        open(text, form, capacity),
                        Ok(csv.clone()),
                        "{capacity} {form:?}"
                    );
                }
            }
            // Blank lines before the first job keep their numbers, when the form is told too.
            assert_eq!(
                open(b"\n \r\n\t\n{\"steps\": 7}\n", None, capacity),
                Ok((InputFormat::Jsonl, vec![(4, Some(7))]))
            );
            // Bytes that only begin like a mark are data.
            let err = open(
                "\u{FEC0}steps\n20\n".as_bytes(),
                Some(InputFormat::Jsonl),
                capacity,
            )
            .unwrap_err();
            assert!(
                err.starts_with("line 1: row \"\u{FEC0}steps\": is not JSON"),
                "{err}"
            );
            assert_eq!(
                open(b"", Some(InputFormat::Jsonl), capacity),
                Ok((InputFormat::Jsonl, vec![]))
            );
            assert_eq!(
                open(b"\xEF\xBB\xBF\n", Some(InputFormat::Jsonl), capacity),
                Ok((InputFormat::Jsonl, vec![]))
            );
        }
    }

    #[test]
    fn starts_that_can_only_be_wrong_are_refused() {
        let cases: [(&[u8], Option<InputFormat>, &str); 14] = [
            (
                b"\xFF\xFEs\x00",
                None,
                "t: it is UTF-16 (little-endian) text (it starts with the byte order mark FF FE); save it as UTF-8",
            ),
            (
                b"\xFE\xFF\x00s",
                Some(InputFormat::Csv),
                "UTF-16 (big-endian)",
            ),
            (
                b"\xFF\xFE\x00\x00s\x00\x00\x00",
                Some(InputFormat::Jsonl),
                "UTF-32 (little-endian)",
            ),
            (b"\x00\x00\xFE\xFF", None, "UTF-32 (big-endian)"),
            (b"{\x00\"\x00", None, "NUL byte"),
            (b"\xEF\xBB\xBF\xFF\xFE{\x00", None, "UTF-16 (little-endian)"),
            (
                b"\xEF\xBB\xBF\xEF\xBB\xBFsteps\n20\n",
                Some(InputFormat::Csv),
                "two byte order marks",
            ),
            (
                b"[{\"steps\": 20}]\n",
                None,
                "t: line 1 is an array: JSON Lines is one job object per line",
            ),
            (
                b"\n\n  [\n{\"steps\": 20}\n]\n",
                Some(InputFormat::Jsonl),
                "t: line 3 is an array",
            ),
            (b"\xEF\xBB\xBF[{\"steps\": 20}]", None, "line 1 is an array"),
            (
                b"{\"steps\": 20}\n",
                Some(InputFormat::Csv),
                "t: line 1 starts with \"{\", which is JSON, not a CSV header",
            ),
            (
                b"20,512\n",
                None,
                "t: line 1 starts with \"2\", which begins neither a JSON object",
            ),
            (b"", None, "t: there is nothing to read"),
            (b"\xEF\xBB\xBF \n\n", None, "t: there is nothing to read"),
        ];
        for (text, form, want) in cases {
            for capacity in [1, 2, 3, 8192] {
                let got = open(text, form, capacity).unwrap_err();
                assert!(
                    got.contains(want),
                    "{text:?} {capacity}: {got:?} does not contain {want:?}"
                );
            }
        }
        // Forms the user named are read as named: the CSV header check then refuses a value.
        assert!(
            open(b"20,512\n", Some(InputFormat::Csv), 8)
                .unwrap_err()
                .contains("is a value")
        );
        assert!(open(b"\"steps\"\n20\n", None, 8).is_ok());
    }

    #[test]
    fn a_line_too_long_stops_reading() {
        let long = format!("{{\"prompt\": \"{}\"}}\n", "a".repeat(MAX_LINE_BYTES));
        let mut rows = Rows::new(
            "t".into(),
            io::BufReader::new(long.as_bytes()),
            InputFormat::Jsonl,
            ReadOptions::default(),
        )
        .unwrap();
        assert!(matches!(
            rows.next_row(),
            Err(Err(InputError::LineTooLong { line: 1, .. }))
        ));
        let long = format!("steps,size\n20,512\n20,{}\n", "5".repeat(MAX_LINE_BYTES));
        let mut rows = Rows::new(
            "t".into(),
            io::BufReader::new(long.as_bytes()),
            InputFormat::Csv,
            ReadOptions::default(),
        )
        .unwrap();
        assert!(rows.next_row().unwrap().is_some());
        assert!(matches!(
            rows.next_row(),
            Err(Err(InputError::LineTooLong { line: 3, .. }))
        ));
    }
}
