//! Reading job files: CSV with a header, or JSON Lines (including the API's own request bodies).
//!
//! Rows are read one at a time, each line taken in place from the read buffer and capped in
//! length, so memory stays bounded whatever the file holds. Fields are borrowed from the line;
//! plain digits and sizes are read byte by byte, and anything else goes through the general
//! parsers, which also write every error message. [`Rows`] tells the form and dispatches each
//! line: CSV to `csv.rs`, a plain request body to the fast path (`jsonl.rs`), any other JSON
//! line to the readers of every meter (`metered.rs`, over `json_lines.rs`).

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::ops::Range;

use super::csv::{
    carried, columns, csv_item, csv_row, header_cells, plain_in_buffer, plain_line, plain_numbers,
    split_csv, split_plain,
};
use super::keys::Column;
use super::metered::Item;
use super::row::{InputError, InputFormat, ReadOptions, Row, RowError};
use super::source::{Input, Lines, blank, choose_form, input_error, start};
use crate::job::Request;

/// Why a CSV line with a carriage return inside it is refused.
const LONE_CR: &str = "has a carriage return (\\r) that does not end the line; lines end in \\n or \\r\\n, and a \\r inside a line is refused rather than read into a field or a number (a file with \\r-only line endings is converted by tr '\\r' '\\n', which makes each \\r a line end)";

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
        let format = choose_form(format, start).map_err(|message| InputError::Refused {
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
    /// needs: rows can then be read from chunks of the input (see [`Body::rows`]).
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

    /// For CSV, which of [`super::keys::METERED_COLUMNS`] the header names; `None` for
    /// JSON Lines, whose lines may have any of them.
    pub fn metered_columns(&self) -> Option<[bool; 4]> {
        match &self.form {
            Form::Csv { columns, .. } => {
                Some([0, 1, 2, 3].map(|i| columns.contains(&Column::Metered(i))))
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
                        request: false,
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
                let defaults_ok = self.options.defaults_ok;
                let every_cell_blank = || {
                    Err(Ok(RowError::new(
                        line_no,
                        "row",
                        text,
                        "has only blank cells, so it sets no price (an empty row of a spreadsheet?); remove the row, or give --defaults-ok to price it at the model's defaults",
                    )))
                };
                if !text.contains('"') {
                    split_plain(text, delimiter, fields);
                    if !defaults_ok && fields.iter().all(|r| text[r.clone()].trim().is_empty()) {
                        return every_cell_blank();
                    }
                    return csv_row(
                        line_no,
                        columns,
                        fields.iter().map(|r| Cow::Borrowed(&text[r.clone()])),
                    )
                    .and_then(|row| csv_item(row, columns, extra, self.options.audio_base))
                    .map(Some)
                    .map_err(Ok);
                }
                let owned = split_csv(text, delimiter)
                    .map_err(|m| Ok(RowError::new(line_no, "row", text, m)))?;
                if !defaults_ok && owned.iter().all(|f| f.trim().is_empty()) {
                    return every_cell_blank();
                }
                csv_row(line_no, columns, owned.into_iter())
                    .and_then(|row| csv_item(row, columns, extra, self.options.audio_base))
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
    pub fn plain_line<'l>(&self, line: u64, rest: &'l [u8]) -> Option<(Row<'l>, usize)> {
        match self.form {
            Form::Jsonl => super::jsonl::fast_line(line, rest, self.options.defaults_ok),
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

    /// Rows of `chunk`, a run of whole lines of the input starting at line `first_line`.
    pub fn rows<'p>(&self, chunk: &'p [u8], first_line: u64) -> Rows<&'p [u8]> {
        self.rows_of(chunk, first_line)
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

/// Whether the fast path agrees with the general reader on one line (without its ending):
/// a line it takes must be valid UTF-8 and read by the general reader to the same row.
/// For tests and fuzzing.
pub fn agrees(bytes: &[u8], defaults_ok: bool) -> bool {
    let Some(fast) = super::jsonl::fast_row(7, bytes, defaults_ok) else {
        return true;
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => super::json_lines::json_row(7, text, defaults_ok, &[]).as_ref() == Ok(&fast),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod form_tests;
