//! `batch` of a mixed workload: image jobs, chat tokens and speech seconds in one file. Taken
//! when a JSON Lines input holds a chat or speech key, or a CSV header names a token or
//! seconds column; image-only inputs never come here.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::Arc;

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
use crate::render::mixed::{MixedRow, MixedTotal, ModelSum, Used};
use crate::tariff::{Metering, Model, Tariff};

/// Standard input, when it may be JSON Lines, kept in a temporary file: a mixed input is told
/// from all of it before anything is written, and the image reader then reads the same bytes
/// from the file, so memory does not grow with the input. The file is removed when dropped.
pub(super) fn spool(args: &BatchArgs) -> Result<Option<tempfile::NamedTempFile>, Error> {
    if args.file.as_os_str() != "-" || args.input == Some(InputFormat::Csv) {
        return Ok(None);
    }
    let failed = |what: &str, source: std::io::Error| {
        Error::Input(InputError::Io {
            name: "-".to_owned(),
            source: std::io::Error::new(source.kind(), format!("{what}: {source}")),
        })
    };
    let mut file = tempfile::NamedTempFile::new()
        .map_err(|e| failed("cannot keep standard input in a temporary file", e))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, file.as_file_mut());
    let mut stdin = std::io::stdin().lock();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = match stdin.read(&mut buffer) {
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
    Ok(Some(file))
}

/// Whether a file holds a metered key: read in pieces (no more than a piece per core in
/// memory), its parts scanned on every core at once.
fn file_has_metered_key(file: &Path) -> Result<bool, Error> {
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
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    // Parts of at least 8 MiB: a small file is one part.
    let parts = cores.min(length / (8 << 20)).max(1);
    let part = length.div_ceil(parts);
    let found = std::sync::atomic::AtomicBool::new(false);
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let (scan, found) = (&scan, &found);
                s.spawn(move || -> std::io::Result<()> {
                    use std::io::{Seek, SeekFrom};
                    let start = (i * part).saturating_sub(KeyScan::OVERLAP as u64);
                    let end = ((i + 1) * part).min(length);
                    let mut input = std::fs::File::open(file)?;
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
                        kept = KeyScan::OVERLAP.min(filled);
                        buffer.copy_within(filled - kept..filled, 0);
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
/// column of a mixed batch.
fn check_header(name: &str, extra: &[String]) -> Result<(), Error> {
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
    }
    Ok(())
}

/// Whether the input opened as `rows` is a mixed workload.
pub(super) fn is_mixed<R: BufRead>(rows: &Rows<R>, from: &Path) -> Result<bool, Error> {
    if rows.is_jsonl() {
        return file_has_metered_key(from);
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

struct Run<'t> {
    tariff: &'t Tariff,
    pricer: Pricer<'t>,
    keep_rows: bool,
    rows: Vec<MixedRow>,
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

    fn add(&mut self, index: usize, row: MixedRow) -> Result<(), Error> {
        let too_large = || Error::TotalTooLarge(TooLargeTotal);
        let sum = self.sums[index].get_or_insert(Sum {
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
            Used::Tokens { input, output } => {
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
        if self.keep_rows {
            self.rows.push(row);
        }
        Ok(())
    }

    /// Prices one item; warnings of rows priced out of range go to `err`.
    fn item(
        &mut self,
        item: Item<'_>,
        extra: Vec<String>,
        err: &mut dyn Write,
        warn: &str,
    ) -> Result<Result<(), RowError>, Error> {
        let display = self.tariff.display;
        match item {
            Item::Image(row) => {
                let (priced, breaches) = match self.pricer.price(row) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(e)),
                };
                for (what, value) in breaches {
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
                let row = MixedRow {
                    line: priced.line,
                    model: priced.model.id.clone(),
                    kind: Kind::Exact,
                    used: Used::Image {
                        steps: priced.job.steps,
                        size: priced.job.size,
                        count: priced.job.count,
                        units: quote.units,
                    },
                    exact: quote.exact,
                    price: quote.price,
                    extra,
                };
                self.add(priced.model_index, row)?;
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
                let used = match charge.detail {
                    Detail::Tokens { input, output, .. } => Used::Tokens { input, output },
                    Detail::Seconds { given, charged, .. } => Used::Seconds { given, charged },
                    Detail::Image(_) => unreachable!("a metered row is never an image"),
                };
                let row = MixedRow {
                    line,
                    model: model.id.clone(),
                    kind,
                    used,
                    exact: charge.exact,
                    price: charge.price,
                    extra,
                };
                self.add(index, row)?;
            }
        }
        Ok(Ok(()))
    }
}

/// Every line of a JSON Lines input, with its number: a leading byte-order mark dropped, blank
/// lines skipped, `\r\n` read as `\n`.
fn json_lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
}

fn json_line_item(
    line: u64,
    bytes: &[u8],
    options: MixedOptions<'_>,
) -> Result<Item<'static>, RowError> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(RowError::new(
            line,
            "row",
            &format!("{} bytes", bytes.len()),
            format!("is longer than {MAX_LINE_BYTES} bytes, the most a line may hold"),
        ));
    }
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

/// Prices a mixed workload: `rows` is the input as opened (its header read), `from` the file
/// its bytes are in (standard input's temporary copy, when it was spooled).
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
        keep_rows: !summary_only,
        rows: Vec::new(),
        sums: (0..tariff.models.len()).map(|_| None).collect(),
        count: 0,
        bounds: 0,
        estimates: 0,
        skipped: 0,
        total: Exact::ZERO,
    };
    let warn = io.err_paint.warning("warning:").to_string();
    let mut carried = Vec::new();
    let outcome = |run: &mut Run<'_>,
                   result: Result<(Item<'_>, Vec<String>), RowError>,
                   err: &mut dyn Write|
     -> Result<(), Error> {
        let bad = match result {
            Ok((item, extra)) => match run.item(item, extra, err, &warn)? {
                Ok(()) => return Ok(()),
                Err(bad) => bad,
            },
            Err(bad) => bad,
        };
        if !args.skip_invalid {
            return Err(bad.into());
        }
        run.skipped += 1;
        writeln!(err, "{warn} skipped {bad}")?;
        Ok(())
    };
    if rows.is_jsonl() {
        let bytes: Arc<[u8]> = std::fs::read(from)
            .map_err(|source| InputError::Io {
                name: args.file.display().to_string(),
                source,
            })?
            .into();
        for (line, text) in json_lines(&bytes) {
            let item = json_line_item(line, text, options).map(|i| (i, Vec::new()));
            outcome(&mut run, item, io.err)?;
        }
    } else {
        let extra = rows.extra_columns().to_vec();
        check_header(&args.file.display().to_string(), &extra)?;
        let at = metered_columns(&extra);
        carried = extra
            .iter()
            .enumerate()
            .filter(|(i, _)| !at.contains(&Some(*i)))
            .map(|(_, e)| e.clone())
            .collect();
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
                    csv_item(row, [a.as_deref(), b.as_deref(), c.as_deref()])
                        .map(|item| (item, kept))
                }
                Err(Ok(bad)) => Err(bad),
                Err(Err(fatal)) => return Err(fatal.into()),
            };
            outcome(&mut run, result, io.err)?;
        }
    }
    let places = tariff.display;
    let shown = |e: Exact| crate::pricing::shown(e, places).ok_or(TooLargeTotal);
    let mut by_model = Vec::new();
    for (model, sum) in tariff.models.iter().zip(&run.sums) {
        let Some(s) = sum else { continue };
        by_model.push(ModelSum {
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
    let listed = (!summary_only).then_some(run.rows.as_slice());
    let mut out = Vec::new();
    match args.format {
        BatchFormat::Table => {
            crate::render::mixed::table(&mut out, tariff, &carried, listed, &total)?
        }
        BatchFormat::Markdown => {
            crate::render::mixed::markdown(&mut out, tariff, &carried, listed, &total)?
        }
        BatchFormat::Csv => crate::render::mixed::csv(&mut out, tariff, &carried, listed, &total)?,
        BatchFormat::Json => crate::render::mixed::json(&mut out, tariff, listed, &total)?,
        BatchFormat::Plain => crate::render::mixed::plain(&mut out, tariff, &total)?,
    }
    io.out.write_all(&out)?;
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
    let judged = judge(args.budget.budget(), total.exact, total.price);
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
