//! Where rows come from: a job file or standard input opened, its start read to tell its form (a UTF-8 byte order mark
//! dropped, UTF-16 and UTF-32 refused, CSV or JSON Lines told from the first byte), and the
//! one capped line reader, which takes lines in place from the read buffer.

use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use super::row::{InputError, InputFormat, MAX_LINE_BYTES};

/// The form of a job file: `given` (`--input`), else the extension; `None` for a stream without
/// `given`, whose form the reader tells from its first bytes: standard input (`-`), and any
/// path that is not a regular file (`/dev/stdin`, a named pipe, `<(...)`), whose name tells
/// nothing. The error says why the form cannot be told, and what would tell it.
pub fn input_form(given: Option<InputFormat>, file: &Path) -> Result<Option<InputFormat>, String> {
    if let Some(form) = given {
        return Ok(Some(form));
    }
    if is_stream(file) {
        return Ok(None);
    }
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Some(InputFormat::Csv)),
        Some("jsonl" | "ndjson") => Ok(Some(InputFormat::Jsonl)),
        _ => Err(format!(
            "cannot tell the form of {}: its extension is not .csv, .jsonl or .ndjson (give --input csv or --input jsonl)",
            file.display()
        )),
    }
}

/// Whether `file` is standard input (`-`) or another stream rather than a file in a folder
/// (`/dev/stdin`, a named pipe, `<(...)`): its name tells neither its form nor a folder.
pub fn is_stream(file: &Path) -> bool {
    file.as_os_str() == "-" || std::fs::metadata(file).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Opens a job file, or standard input for `-`; a directory is refused. `held` is the whole
/// input when it was read ahead, to be read again.
pub fn open(file: &Path, held: Option<Arc<[u8]>>) -> Result<Box<dyn BufRead>, InputError> {
    let cannot_read = |source: io::Error| InputError::Io {
        name: file.display().to_string(),
        source,
    };
    Ok(if let Some(bytes) = held {
        Box::new(io::Cursor::new(bytes))
    } else if file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        if file.is_dir() {
            return Err(cannot_read(io::Error::other(
                "it is a directory; expected a job file",
            )));
        }
        Box::new(BufReader::with_capacity(
            64 * 1024,
            std::fs::File::open(file).map_err(cannot_read)?,
        ))
    })
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
pub(super) struct Start {
    first: Option<u8>,
    line: u64,
}

/// Reads the start of `input`: drops one leading UTF-8 byte order mark, refuses UTF-16 and
/// UTF-32, and finds the first byte that is not blank space, however the reads fall (a byte
/// order mark split across two reads is still one). Returns the input from just past the
/// mark, every byte read put back.
pub(super) fn start<R: BufRead>(name: &str, mut input: R) -> Result<(Input<R>, Start), InputError> {
    let cannot_read = |source| InputError::Io {
        name: name.to_owned(),
        source,
    };
    let refuse = |message: String| InputError::Refused {
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
pub(super) fn choose_form(given: Option<InputFormat>, start: Start) -> Result<InputFormat, String> {
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
pub(super) struct Lines<R> {
    pub(super) inner: R,
    pub(super) line: u64,
    /// Bytes of the reader's buffer handed out last time, to consume before reading on.
    pub(super) pending: usize,
    /// A line that straddled two reads.
    spill: Vec<u8>,
}

pub(super) enum LineError {
    Io(io::Error),
    /// The line, and whether it holds a `\r`.
    TooLong(u64, bool),
}

impl<R: BufRead> Lines<R> {
    pub(super) fn new(inner: R) -> Self {
        Lines {
            inner,
            line: 0,
            pending: 0,
            spill: Vec::new(),
        }
    }

    /// The next line without its ending; `Ok(None)` at the end.
    pub(super) fn next_line(&mut self) -> Result<Option<&[u8]>, LineError> {
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
    pub(super) fn take_if<T>(
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
    pub(super) fn current(&mut self) -> &[u8] {
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

pub(super) fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether a line is blank: only whitespace, and (in CSV) no separator, so a line of tabs in a
/// tab-separated file is a row of blank fields, as `,,` is in a comma-separated one.
pub(super) fn blank(line: &[u8], separator: Option<u8>) -> bool {
    line.iter()
        .all(|&b| b.is_ascii_whitespace() && Some(b) != separator)
}

pub(super) fn input_error(name: &str, e: LineError) -> InputError {
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
