//! `batch` of a mixed workload: image jobs, chat tokens and speech seconds in one file. Taken
//! when a JSON Lines input holds a chat or speech key, or a CSV header names a token or
//! seconds column; image-only inputs never come here.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use rust_decimal::Decimal;

use super::Streams;
use super::gate::{gate, judge};
use crate::batch::input::{InputError, MAX_LINE_BYTES};
use crate::batch::mixed::{Item, KeyScan, Kind, Metered, MixedOptions, csv_item, json_item, owned};
use crate::batch::{InputFormat, Pricer, RowError, Rows};
use crate::cli::{BatchArgs, BatchFormat};
use crate::error::{Error, Outcome};
use crate::exact::Exact;
use crate::pricing::{Detail, TooLargeTotal, Usage, price};
use crate::render::mixed::{Form, Listing, MixedHeader, MixedRow, MixedTotal, ModelSum, Used};
use crate::tariff::{Metering, Model, Tariff};

/// Standard input, when it may be JSON Lines, kept in a temporary file: a mixed input is told
/// from all of it before anything is written, and the image reader then reads the same bytes
/// from the file, so memory does not grow with the input. The file is removed when dropped.
/// A named pipe (`<(command)`, `/dev/stdin`) is kept the same way: it can be read only once.
pub(super) fn spool(args: &BatchArgs) -> Result<Option<tempfile::NamedTempFile>, Error> {
    if args.input == Some(InputFormat::Csv) {
        return Ok(None);
    }
    if args.file.as_os_str() == "-" {
        return copy_to_temporary(&mut std::io::stdin().lock(), "-").map(Some);
    }
    let jsonl = args.input == Some(InputFormat::Jsonl)
        || has_extension(&args.file, "jsonl")
        || has_extension(&args.file, "ndjson");
    if !jsonl || !read_once(&args.file) {
        return Ok(None);
    }
    let name = args.file.display().to_string();
    let mut input = std::fs::File::open(&args.file).map_err(|source| InputError::Io {
        name: name.clone(),
        source,
    })?;
    copy_to_temporary(&mut input, &name).map(Some)
}

/// Whether `file` names something that is read once, such as a pipe: it exists and is neither
/// a regular file nor a folder.
fn read_once(file: &Path) -> bool {
    std::fs::metadata(file).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn has_extension(file: &Path, extension: &str) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// The rest of `input` (named `name` in errors) in a temporary file, copied a piece at a time.
fn copy_to_temporary(input: &mut dyn Read, name: &str) -> Result<tempfile::NamedTempFile, Error> {
    let failed = |doing: &str, source: std::io::Error| {
        Error::Input(InputError::Io {
            name: name.to_owned(),
            source: std::io::Error::new(source.kind(), format!("{doing}: {source}")),
        })
    };
    let keep = if name == "-" {
        "cannot keep standard input in a temporary file".to_owned()
    } else {
        "cannot keep it in a temporary file".to_owned()
    };
    let mut file = tempfile::NamedTempFile::new().map_err(|e| failed(&keep, e))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, file.as_file_mut());
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed("cannot read it", e)),
        };
        writer
            .write_all(&buffer[..n])
            .map_err(|e| failed("cannot keep it in a temporary file", e))?;
    }
    writer
        .flush()
        .map_err(|e| failed("cannot keep it in a temporary file", e))?;
    drop(writer);
    Ok(file)
}

/// Where the line that holds byte `at` of `file` starts: just after the last newline
/// among the [`MAX_LINE_BYTES`] bytes before it, else that far back.
fn line_start(file: &mut std::fs::File, at: u64) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let from = at.saturating_sub(MAX_LINE_BYTES as u64 + 1);
    file.seek(SeekFrom::Start(from))?;
    let mut before = Vec::new();
    file.take(at - from).read_to_end(&mut before)?;
    Ok(memchr::memrchr(b'\n', &before).map_or(from, |n| from + n as u64 + 1))
}

/// Whether a file holds a metered key in the lines from byte `start` on (from the start of
/// the line that byte is in): read in pieces (no more than a piece per core in memory), its
/// parts scanned on every core at once.
pub(super) fn file_has_metered_key(file: &Path, start: u64) -> Result<bool, Error> {
    let Some(scan) = KeyScan::new() else {
        return Ok(true);
    };
    let cannot = |source| {
        Error::Input(InputError::Io {
            name: file.display().to_string(),
            source,
        })
    };
    let length = std::fs::metadata(file).map_err(cannot)?.len();
    let span = length.saturating_sub(start);
    if span == 0 {
        return Ok(false);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    // Parts of at least 8 MiB: a small file is one part.
    let parts = cores.min(span / (8 << 20)).max(1);
    let part = span.div_ceil(parts);
    let found = std::sync::atomic::AtomicBool::new(false);
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let (scan, found) = (&scan, &found);
                s.spawn(move || -> std::io::Result<()> {
                    use std::io::{Seek, SeekFrom};
                    let mut input = std::fs::File::open(file)?;
                    // A part starts at the start of the line its first byte is in, so a key
                    // before a colon in the part is seen whole, however many blanks lie
                    // between them (a line is at most MAX_LINE_BYTES long).
                    let end = (start + (i + 1) * part).min(length);
                    let start = line_start(&mut input, start + i * part)?;
                    input.seek(SeekFrom::Start(start))?;
                    let mut input = input.take(end - start);
                    let mut buffer = vec![0u8; 1 << 20];
                    let mut kept = 0;
                    loop {
                        if found.load(std::sync::atomic::Ordering::Relaxed) {
                            return Ok(());
                        }
                        let n = input.read(&mut buffer[kept..])?;
                        if n == 0 {
                            return Ok(());
                        }
                        let filled = kept + n;
                        if scan.found(&buffer[..filled]) {
                            found.store(true, std::sync::atomic::Ordering::Relaxed);
                            return Ok(());
                        }
                        let tail = KeyScan::keep(&buffer[..filled]);
                        kept = tail.len();
                        buffer[..kept].copy_from_slice(&tail);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a scan failed")))
            })
            .collect()
    });
    for result in results {
        result.map_err(cannot)?;
    }
    Ok(found.into_inner())
}

/// The indices among a CSV's carried columns of [`METERED_COLUMNS`].
fn metered_columns(extra: &[String]) -> [Option<usize>; 3] {
    let mut at = [None; 3];
    for (i, e) in extra.iter().enumerate() {
        if let Some(c) = crate::batch::input::metered_column(e) {
            at[c].get_or_insert(i);
        }
    }
    at
}

/// Output columns of a mixed batch a carried column may not share.
const MIXED_OUTPUT: [&str; 5] = ["kind", "meter", "exact", "seconds_charged", "price"];

/// Refuses a header naming a metered column twice, or a carried column named like an output
/// column of a mixed batch (with `dated`, also the dated columns `date` and `rate`).
fn check_header(name: &str, extra: &[String], dated: bool) -> Result<(), Error> {
    let header_error = |message: String| {
        Error::Input(InputError::Header {
            name: name.to_owned(),
            line: 1,
            message,
        })
    };
    for (i, e) in extra.iter().enumerate() {
        if let Some(c) = crate::batch::input::metered_column(e)
            && let Some(first) = extra[..i]
                .iter()
                .find(|f| crate::batch::input::metered_column(f) == Some(c))
        {
            return Err(header_error(format!(
                "columns {first:?} and {e:?} are both the metered column {:?}; give it once",
                crate::batch::mixed::METERED_COLUMNS[c]
            )));
        }
        let key = e.trim().to_lowercase();
        if MIXED_OUTPUT.contains(&key.as_str()) {
            return Err(header_error(format!(
                "column {e:?} has the name of an output column of a batch with chat or speech rows ({}); rename it",
                crate::render::mixed::COLUMNS.join(", ")
            )));
        }
        if dated && crate::render::mixed::DATED_COLUMNS.contains(&key.as_str()) {
            return Err(header_error(format!(
                "column {:?} has the name of the output's column {key:?}, which dated rows add (output columns: {}, {}); rename it (names are compared ignoring case and surrounding spaces)",
                crate::escape::escaped(e),
                crate::render::mixed::COLUMNS.join(", "),
                crate::render::mixed::DATED_COLUMNS.join(", ")
            )));
        }
    }
    Ok(())
}

/// Whether the input opened as `rows` is a mixed workload.
pub(super) fn is_mixed<R: BufRead>(rows: &Rows<R>, from: &Path) -> Result<bool, Error> {
    if rows.is_jsonl() {
        return file_has_metered_key(from, 0);
    }
    Ok(metered_columns(rows.extra_columns())
        .iter()
        .any(Option::is_some))
}

/// Sums of one model.
struct Sum {
    rows: u64,
    kind: Kind,
    images: u128,
    units: Exact,
    input: u128,
    output: u128,
    seconds: Decimal,
    exact: Exact,
}

/// What a read of the input met: rows priced, rows skipped, and a digest of every priced row
/// in order, so the read that writes the rows can tell it met the same ones.
#[derive(Debug, PartialEq, Eq)]
struct Tally {
    rows: u64,
    skipped: u64,
    digest: u64,
}

/// Counts a read's rows into a [`Tally`].
/// Counts a read's rows into a [`Tally`]; the digest only when `digest` (a read that is
/// followed by another).
struct Counter {
    rows: u64,
    skipped: u64,
    digest: Option<std::hash::DefaultHasher>,
}

impl Counter {
    fn new(digest: bool) -> Self {
        Counter {
            rows: 0,
            skipped: 0,
            digest: digest.then(std::hash::DefaultHasher::new),
        }
    }

    fn priced(&mut self, row: &MixedRow) {
        use std::hash::Hash;
        self.rows += 1;
        if let Some(digest) = &mut self.digest {
            // Everything a row shows; the model's id and the shown price follow from these.
            (
                row.line,
                row.model_index,
                row.kind,
                &row.used,
                row.exact,
                &row.extra,
            )
                .hash(digest);
        }
    }

    fn tally(&self) -> Tally {
        use std::hash::Hasher;
        Tally {
            rows: self.rows,
            skipped: self.skipped,
            digest: self.digest.as_ref().map_or(0, Hasher::finish),
        }
    }
}

/// Out-of-range breaches reported by the first read: each distinct one (model, part, value) is
/// written once, with its line; how many later rows had it is written at the end of the read,
/// as the image path does.
#[derive(Default)]
struct Breaches {
    seen: std::collections::HashMap<(usize, &'static str, u32), usize>,
    reported: Vec<((usize, &'static str, u32), u64, u64)>,
}

struct Run<'t> {
    tariff: &'t Tariff,
    pricer: Pricer<'t>,
    /// See [`Breaches`]; filled by the first read only.
    breaches: std::cell::RefCell<Breaches>,
    sums: Vec<Option<Sum>>,
    count: u64,
    bounds: u64,
    estimates: u64,
    skipped: u64,
    total: Exact,
}

impl<'t> Run<'t> {
    fn model(&self, line: u64, query: &str) -> Result<(usize, &'t Model), RowError> {
        let tariff = self.tariff;
        let index = tariff.model_index(query).ok_or_else(|| {
            let known: Vec<String> = tariff.models.iter().map(Model::known_as).collect();
            let hint = tariff
                .nearest_model(query)
                .map(|n| format!("did you mean {n:?}? "))
                .unwrap_or_default();
            RowError::new(
                line,
                "model",
                query,
                format!(
                    "is not a model of the tariff; {hint}(models: {})",
                    known.join(", ")
                ),
            )
        })?;
        Ok((index, &tariff.models[index]))
    }

    /// Adds a priced row to the totals.
    fn add(&mut self, row: &MixedRow) -> Result<(), Error> {
        let too_large = || Error::TotalTooLarge(TooLargeTotal);
        let sum = self.sums[row.model_index].get_or_insert(Sum {
            rows: 0,
            kind: Kind::Exact,
            images: 0,
            units: Exact::ZERO,
            input: 0,
            output: 0,
            seconds: Decimal::ZERO,
            exact: Exact::ZERO,
        });
        sum.rows = sum.rows.checked_add(1).ok_or_else(too_large)?;
        sum.kind = sum.kind.max(row.kind);
        match &row.used {
            Used::Image { count, units, .. } => {
                sum.images = sum
                    .images
                    .checked_add(u128::from(*count))
                    .ok_or_else(too_large)?;
                sum.units = sum.units.checked_add(*units).ok_or_else(too_large)?;
            }
            Used::Tokens { input, output, .. } => {
                sum.input = sum
                    .input
                    .checked_add(u128::from(*input))
                    .ok_or_else(too_large)?;
                sum.output = sum
                    .output
                    .checked_add(u128::from(*output))
                    .ok_or_else(too_large)?;
            }
            Used::Seconds { charged, .. } => {
                sum.seconds = sum.seconds.checked_add(*charged).ok_or_else(too_large)?;
            }
        }
        sum.exact = sum.exact.checked_add(row.exact).ok_or_else(too_large)?;
        self.total = self.total.checked_add(row.exact).ok_or_else(too_large)?;
        self.count += 1;
        match row.kind {
            Kind::Exact => {}
            Kind::Bound => self.bounds += 1,
            Kind::Estimate => self.estimates += 1,
        }
        Ok(())
    }

    /// Prices one item; with `report` (the first read), the first row of each distinct
    /// out-of-range breach is reported to `err` and later ones are counted.
    fn price(
        &self,
        item: Item<'_>,
        extra: Vec<String>,
        err: &mut dyn Write,
        warn: &str,
        report: bool,
    ) -> Result<Result<MixedRow, RowError>, Error> {
        let display = self.tariff.display;
        match item {
            Item::Image(row) => {
                let (priced, breaches) = match self.pricer.price(row) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(e)),
                };
                for (what, value) in breaches.into_iter().filter(|_| report) {
                    let key = (priced.model_index, what, value);
                    let mut seen = self.breaches.borrow_mut();
                    if let Some(&at) = seen.seen.get(&key) {
                        seen.reported[at].2 += 1;
                        continue;
                    }
                    let at = seen.reported.len();
                    seen.seen.insert(key, at);
                    seen.reported.push((key, priced.line, 0));
                    let breach = crate::job::Breach::new(priced.model, what, value);
                    writeln!(
                        err,
                        "{warn} line {}: {breach}; the API would refuse it, priced anyway",
                        priced.line
                    )?;
                }
                let Some(quote) = priced.quote else {
                    return Ok(Err(RowError::new(
                        priced.line,
                        "row",
                        "",
                        "could not be priced",
                    )));
                };
                Ok(Ok(MixedRow {
                    line: priced.line,
                    model_index: priced.model_index,
                    model: priced.model.id.clone(),
                    kind: Kind::Exact,
                    used: Used::Image {
                        steps: priced.job.steps,
                        size: priced.job.size,
                        count: priced.job.count,
                        units: quote.units,
                        day: priced.day,
                        rate: priced.rate,
                        rate_from: priced.rate_from,
                    },
                    exact: quote.exact,
                    price: quote.price,
                    extra,
                }))
            }
            Item::Metered(Metered {
                line,
                model,
                usage,
                kind,
                shape,
                date,
            }) => {
                let (index, model) = match self.model(line, &model) {
                    Ok(m) => m,
                    Err(e) => return Ok(Err(e)),
                };
                // Priced at the rate of the line's own day, or of --as-of.
                let on_day = date
                    .filter(|_| !model.rates.is_empty())
                    .map(|day| model.on(day));
                let model = on_day.as_ref().unwrap_or(model);
                if let Some(e) =
                    crate::batch::mixed::no_rate(line, model, date, self.tariff.priced_on)
                {
                    return Ok(Err(e));
                }
                let fits = matches!(
                    (model.metering, usage),
                    (Metering::Token(_), Usage::Tokens { .. })
                        | (Metering::Second(_), Usage::Seconds(_))
                );
                if !fits {
                    return Ok(Err(RowError::new(
                        line,
                        "model",
                        &model.id,
                        format!(
                            "bills per {}, but the line is a {shape} of {}; name a model that bills per {} (see dis-price models)",
                            model.metering.name(),
                            usage.kind(),
                            match usage {
                                Usage::Tokens { .. } => "token",
                                Usage::Seconds(_) => "second",
                                Usage::Image(_) => "megapixel-step",
                            }
                        ),
                    )));
                }
                let charge = match price(model, &usage, display) {
                    Ok(c) => c,
                    Err(e) => return Ok(Err(RowError::new(line, "row", shape, e.to_string()))),
                };
                // The day priced on and the rates in force then, as an image row shows them.
                let day = date.or(self.tariff.priced_on);
                let rate_from = model.rate_from;
                let used = match (charge.detail, model.metering) {
                    (Detail::Tokens { input, output, .. }, Metering::Token(rates)) => {
                        Used::Tokens {
                            input,
                            output,
                            day,
                            input_rate: rates.input,
                            output_rate: rates.output,
                            per: rates.per,
                            rate_from,
                        }
                    }
                    (Detail::Seconds { given, charged, .. }, Metering::Second(rates)) => {
                        Used::Seconds {
                            given,
                            charged,
                            day,
                            rate: rates.rate,
                            rate_from,
                        }
                    }
                    _ => unreachable!("a metered row is priced by its model's own meter"),
                };
                Ok(Ok(MixedRow {
                    line,
                    model_index: index,
                    model: model.id.clone(),
                    kind,
                    used,
                    exact: charge.exact,
                    price: charge.price,
                    extra,
                }))
            }
        }
    }
}

/// A line of a JSON Lines input as read: its bytes, or its length when it is longer than a
/// line may be (its bytes are then passed over, not kept).
enum Piece<'a> {
    Line(&'a [u8]),
    TooLong(usize),
}

/// Every line of a JSON Lines input, with its number, read a piece at a time: a leading
/// byte-order mark dropped, blank lines skipped, `\r\n` read as `\n`. At most
/// [`MAX_LINE_BYTES`] and a byte of a line are kept, so memory does not grow with the input.
struct JsonLines<R> {
    inner: R,
    line: u64,
    kept: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    fn new(mut inner: R) -> std::io::Result<Self> {
        if inner.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            inner.consume(3);
        }
        Ok(JsonLines {
            inner,
            line: 0,
            kept: Vec::new(),
        })
    }

    /// The next line that is not blank, `None` at the end.
    fn next_line(&mut self) -> std::io::Result<Option<(u64, Piece<'_>)>> {
        loop {
            self.kept.clear();
            let (mut length, mut blank, mut any, mut last) = (0usize, true, false, None);
            loop {
                let available = match self.inner.fill_buf() {
                    Ok(a) => a,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if available.is_empty() {
                    break;
                }
                any = true;
                let (take, done) = match memchr::memchr(b'\n', available) {
                    Some(at) => (at, true),
                    None => (available.len(), false),
                };
                let part = &available[..take];
                blank = blank && part.iter().all(u8::is_ascii_whitespace);
                if let Some(&b) = part.last() {
                    last = Some(b);
                }
                let room = (MAX_LINE_BYTES + 1).saturating_sub(self.kept.len());
                self.kept.extend_from_slice(&part[..take.min(room)]);
                length = length.saturating_add(take);
                self.inner.consume(take + usize::from(done));
                if done {
                    break;
                }
            }
            if !any {
                return Ok(None);
            }
            self.line += 1;
            if blank {
                continue;
            }
            if last == Some(b'\r') {
                length -= 1;
            }
            if length > MAX_LINE_BYTES {
                return Ok(Some((self.line, Piece::TooLong(length))));
            }
            self.kept.truncate(length);
            return Ok(Some((self.line, Piece::Line(&self.kept))));
        }
    }
}

fn json_line_item(
    line: u64,
    piece: Piece<'_>,
    options: MixedOptions<'_>,
) -> Result<Item<'static>, RowError> {
    let bytes = match piece {
        Piece::Line(bytes) => bytes,
        Piece::TooLong(length) => {
            return Err(RowError::new(
                line,
                "row",
                &format!("{length} bytes"),
                format!("is longer than {MAX_LINE_BYTES} bytes, the most a line may hold"),
            ));
        }
    };
    if memchr::memchr(b'\r', bytes).is_some() {
        return Err(RowError::new(
            line,
            "row",
            &String::from_utf8_lossy(bytes),
            "has a carriage return (\\r) that does not end the line; lines end in \\n or \\r\\n",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        RowError::new(
            line,
            "row",
            &String::from_utf8_lossy(bytes),
            format!(
                "is not UTF-8 (invalid byte at column {})",
                e.valid_up_to() + 1
            ),
        )
    })?;
    json_item(line, text, options)
}

/// Whether a read goes on after a line.
type Step = std::ops::ControlFlow<()>;

/// A line read: an item to price with its carried cells, or why it cannot be one.
type Line<'a> = Result<(Item<'a>, Vec<String>), RowError>;

/// What a read does with each line.
type Each<'f> = dyn FnMut(Line<'_>) -> Result<Step, Error> + 'f;

/// Reads every line of a JSON Lines file.
fn jsonl_read(
    file: &Path,
    name: &str,
    options: MixedOptions<'_>,
    each: &mut Each<'_>,
) -> Result<(), Error> {
    let cannot = |source| {
        Error::Input(InputError::Io {
            name: name.to_owned(),
            source,
        })
    };
    let input = std::fs::File::open(file).map_err(cannot)?;
    let mut lines =
        JsonLines::new(std::io::BufReader::with_capacity(1 << 16, input)).map_err(cannot)?;
    while let Some((line, piece)) = lines.next_line().map_err(cannot)? {
        let item = json_line_item(line, piece, options).map(|i| (i, Vec::new()));
        if each(item)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// Reads every row of a CSV input whose header has been read; `at` are the metered columns
/// among its carried ones.
fn csv_read<R: BufRead>(
    rows: &mut Rows<R>,
    at: [Option<usize>; 3],
    each: &mut Each<'_>,
) -> Result<(), Error> {
    loop {
        let result = match rows.next_row() {
            Ok(None) => break,
            Ok(Some(row)) => {
                let cell = |i: Option<usize>| {
                    i.and_then(|i| row.extra.get(i))
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                };
                let cells = at.map(cell);
                let kept: Vec<String> = owned(row.extra.clone())
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| !at.contains(&Some(*i)))
                    .map(|(_, e)| e)
                    .collect();
                let [a, b, c] = &cells;
                csv_item(row, [a.as_deref(), b.as_deref(), c.as_deref()]).map(|item| (item, kept))
            }
            Err(Ok(bad)) => Err(bad),
            Err(Err(fatal)) => return Err(fatal.into()),
        };
        if each(result)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// Where a second read of the input finds it.
enum Again {
    /// A JSON Lines file (standard input's temporary copy, when it was spooled).
    Jsonl,
    /// A CSV file (or standard input's temporary copy), opened again, header and all.
    CsvFile,
    /// CSV from standard input after its header, copied to a temporary file as it was read.
    CsvCopy(tempfile::NamedTempFile, crate::batch::input::Body),
}

/// The error for an input that read differently the second time.
fn changed(name: &str, what: String) -> Error {
    Error::Input(InputError::changed(name, &what))
}

/// Prices a mixed workload: `rows` is the input as opened (its header read), `from` the file
/// its bytes are in (standard input's temporary copy, when it was spooled; `-` for CSV on
/// standard input, which is copied to a temporary file here).
///
/// Memory stays flat: a first read prices every row, reports what is wrong and sums the
/// totals (and the drawn table's column widths), writing nothing to standard output, so a bad
/// row leaves it empty; a second read prices the rows again and writes each as it comes, then
/// the totals of the first. A second read that meets other rows is an error.
pub(super) fn run<R: BufRead>(
    tariff: &Tariff,
    args: &BatchArgs,
    mut rows: Rows<R>,
    from: &Path,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    if args.baseline.is_some() || args.baseline_tariff.is_some() {
        return Err(Error::Usage(
            "--baseline and --baseline-tariff compare image workloads only; this input has chat or speech rows (compare their totals with two runs of --format json instead)".to_owned(),
        ));
    }
    super::compare::refuse_gates_without_baseline(args)?;
    let name = args.file.display().to_string();
    let summary_only = args.summary || args.format == BatchFormat::Plain;
    let options = MixedOptions {
        max_output_tokens: args.max_output_tokens,
        seconds_per_char: args.seconds_per_char,
        defaults_ok: args.defaults_ok,
        ignore_keys: &args.ignore_key,
    };
    let mut run = Run {
        tariff,
        pricer: Pricer::new(tariff, args.allow_out_of_range, true),
        breaches: std::cell::RefCell::default(),
        sums: (0..tariff.models.len()).map(|_| None).collect(),
        count: 0,
        bounds: 0,
        estimates: 0,
        skipped: 0,
        total: Exact::ZERO,
    };
    let warn = io.err_paint.warning("warning:").to_string();
    let jsonl = rows.is_jsonl();
    let has_date = rows.has_date_column();
    let dated = tariff.is_dated() || has_date;
    let columns = rows.extra_columns().to_vec();
    let mut carried = Vec::new();
    let mut at = [None; 3];
    if !jsonl {
        let extra = &columns;
        check_header(&name, extra, dated)?;
        at = metered_columns(extra);
        carried = extra
            .iter()
            .enumerate()
            .filter(|(i, _)| !at.contains(&Some(*i)))
            .map(|(_, e)| e.clone())
            .collect();
    }
    let header = MixedHeader {
        tariff,
        extra: &carried,
        dated,
    };
    let form = match args.format {
        BatchFormat::Table => Form::Table,
        BatchFormat::Markdown => Form::Markdown,
        BatchFormat::Csv => Form::Csv,
        BatchFormat::Json | BatchFormat::Plain => Form::Json,
    };
    let mut widths =
        (form == Form::Table && !summary_only).then(|| crate::render::mixed::table_widths(&header));

    // The first read: price, report, sum; nothing to standard output.
    let mut first = Counter::new(!summary_only);
    let mut read_one = |result: Line<'_>, err: &mut dyn Write| -> Result<Step, Error> {
        let priced = match result {
            Ok((item, extra)) => run.price(item, extra, err, &warn, true)?,
            Err(bad) => Err(bad),
        };
        match priced {
            Ok(row) => {
                run.add(&row)?;
                first.priced(&row);
                if let Some(widths) = &mut widths {
                    crate::render::mixed::widen_table(&header, widths, &row);
                }
            }
            Err(bad) if args.skip_invalid => {
                run.skipped += 1;
                first.skipped += 1;
                writeln!(err, "{warn} skipped {bad}")?;
            }
            Err(bad) => return Err(bad.into()),
        }
        Ok(Step::Continue(()))
    };
    let again = if jsonl {
        jsonl_read(from, &name, options, &mut |r| read_one(r, io.err))?;
        Again::Jsonl
    } else if from.as_os_str() == "-" || read_once(from) {
        // CSV on standard input or a pipe: the rest after the header is kept in a temporary
        // file, to be read twice.
        let (mut input, body) = rows.into_body();
        let copy = copy_to_temporary(&mut input, &name)?;
        let reopen = || -> Result<_, Error> {
            let file = copy.reopen().map_err(|source| InputError::Io {
                name: name.clone(),
                source,
            })?;
            Ok(std::io::BufReader::with_capacity(1 << 16, file))
        };
        let mut again = body.rows_of(reopen()?, body.next_line());
        csv_read(&mut again, at, &mut |r| read_one(r, io.err))?;
        Again::CsvCopy(copy, body)
    } else {
        csv_read(&mut rows, at, &mut |r| read_one(r, io.err))?;
        Again::CsvFile
    };
    let first = first.tally();
    let mut more = String::new();
    for &((model, what, value), line, rows) in &run.breaches.borrow().reported {
        if rows > 0 {
            let breach = crate::job::Breach::new(&tariff.models[model], what, value);
            let noun = if rows == 1 { "row" } else { "rows" };
            more.push_str(&format!(
                "{warn} {breach} in {rows} more {noun} after line {line}; the API would refuse them, priced anyway\n"
            ));
        }
    }
    io.err.write_all(more.as_bytes())?;

    let places = tariff.display;
    let shown = |e: Exact| crate::pricing::shown(e, places).ok_or(TooLargeTotal);
    let mut by_model = Vec::new();
    for (index, (model, sum)) in tariff.models.iter().zip(&run.sums).enumerate() {
        let Some(s) = sum else { continue };
        by_model.push(ModelSum {
            model_index: index,
            model: model.id.clone(),
            meter: model.metering.name(),
            rows: s.rows,
            kind: s.kind,
            images: s.images,
            units: s.units,
            input: s.input,
            output: s.output,
            seconds: s.seconds,
            exact: s.exact,
            price: shown(s.exact)?,
        });
    }
    let total = MixedTotal {
        by_model,
        rows: run.count,
        skipped: run.skipped,
        bounds: run.bounds,
        estimates: run.estimates,
        exact: run.total,
        price: shown(run.total)?,
    };
    let judged = judge(args.budget.budget(), total.exact, total.price);

    if args.format == BatchFormat::Plain {
        crate::render::mixed::plain(io.out, tariff, &total)?;
    } else {
        let mut listing = Listing::new(&header, form, !summary_only, widths.unwrap_or_default());
        listing.begin(io.out)?;
        if !summary_only {
            // The second read: each row written as it comes.
            let mut second = Counter::new(true);
            let gone = io.out_gone;
            let out = &mut *io.out;
            let mut sink = std::io::sink();
            let mut write_one = |result: Line<'_>| -> Result<Step, Error> {
                let priced = match result {
                    Ok((item, extra)) => run.price(item, extra, &mut sink, &warn, false)?,
                    Err(bad) => Err(bad),
                };
                match priced {
                    Ok(row) => {
                        second.priced(&row);
                        listing.row(out, &row)?;
                    }
                    Err(_) if args.skip_invalid => second.skipped += 1,
                    Err(bad) => {
                        return Err(changed(
                            &name,
                            format!("the second read, which writes the rows, found {bad}"),
                        ));
                    }
                }
                // Once the reader of the rows has gone, the rest would go nowhere.
                Ok(if gone.get() {
                    Step::Break(())
                } else {
                    Step::Continue(())
                })
            };
            match &again {
                Again::Jsonl => jsonl_read(from, &name, options, &mut write_one)?,
                Again::CsvFile => {
                    let input = std::fs::File::open(from).map_err(|source| InputError::Io {
                        name: name.clone(),
                        source,
                    })?;
                    let mut rows = super::batch::rows_from(
                        args,
                        &args.file,
                        Box::new(std::io::BufReader::with_capacity(1 << 16, input)),
                    )?;
                    if rows.is_jsonl()
                        || rows.extra_columns() != columns.as_slice()
                        || rows.has_date_column() != has_date
                    {
                        return Err(changed(
                            &name,
                            "its header is not the one the first read found".to_owned(),
                        ));
                    }
                    csv_read(&mut rows, at, &mut write_one)?;
                }
                Again::CsvCopy(copy, body) => {
                    let file = copy.reopen().map_err(|source| InputError::Io {
                        name: name.clone(),
                        source,
                    })?;
                    let mut rows = body.rows_of(
                        std::io::BufReader::with_capacity(1 << 16, file),
                        body.next_line(),
                    );
                    csv_read(&mut rows, at, &mut write_one)?;
                }
            }
            let second = second.tally();
            if !gone.get() && second != first {
                return Err(changed(
                    &name,
                    format!(
                        "the first read priced {} row(s) and skipped {}, the second, which writes the rows, priced {} and skipped {}{}",
                        first.rows,
                        first.skipped,
                        second.rows,
                        second.skipped,
                        if (first.rows, first.skipped) == (second.rows, second.skipped) {
                            ", with other figures"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        listing.end(io.out, &total)?;
    }
    if args.format == BatchFormat::Plain && total.kind() != Kind::Exact {
        writeln!(
            io.err,
            "{} the total is {}: {} row(s) are upper bounds, {} estimates",
            io.err_paint.bold("note:"),
            if total.kind() == Kind::Bound {
                "an upper bound"
            } else {
                "an estimate"
            },
            total.bounds,
            total.estimates
        )?;
    }
    if total.skipped > 0 {
        writeln!(
            io.err,
            "{} {} invalid row(s) skipped; the totals leave them out",
            io.err_paint.error("error:"),
            total.skipped
        )?;
    }
    if judged.is_some() && total.estimates > 0 {
        writeln!(
            io.err,
            "{} {} row(s) are estimates from --seconds-per-char or a line's seconds: the budget verdict is only as good as they are",
            io.err_paint.bold("note:"),
            total.estimates
        )?;
    }
    let gated = gate(judged, tariff, io)?;
    Ok(if total.skipped > 0 {
        Outcome::Incomplete
    } else {
        gated
    })
}
