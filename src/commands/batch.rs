//! `batch`: price a job file row by row, with totals and the budget gate.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use super::Streams;
use super::gate::{gate, judge};
use crate::batch::input::InputError;
use crate::batch::{InputFormat, Pricer, ReadOptions, Rows};
use crate::cli::{BatchArgs, BatchFormat};
use crate::error::{Error, Outcome};
use crate::render::{self, BatchHeader, BatchSink};
use crate::tariff::Tariff;
use crate::workload;

/// The form of a batch input: `--input`, else the extension; `None` for standard input
/// without `--input`, whose form the reader tells from its first bytes.
fn input_form(args: &BatchArgs, file: &Path) -> Result<Option<InputFormat>, Error> {
    if let Some(form) = args.input {
        return Ok(Some(form));
    }
    if file.as_os_str() == "-" {
        return Ok(None);
    }
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Some(InputFormat::Csv)),
        Some("jsonl" | "ndjson") => Ok(Some(InputFormat::Jsonl)),
        _ => Err(Error::Usage(format!(
            "cannot tell the form of {}: its extension is not .csv, .jsonl or .ndjson (give --input csv or --input jsonl)",
            file.display()
        ))),
    }
}

/// Opens a job file, or standard input for `-`, and reads its header (a CSV's columns).
/// `held` is the whole input when it was read ahead, to be read again.
pub(super) fn open_rows(
    args: &BatchArgs,
    file: &Path,
    held: Option<std::sync::Arc<[u8]>>,
) -> Result<Rows<Box<dyn BufRead>>, Error> {
    let name = file.display().to_string();
    let cannot_read = |source: std::io::Error| InputError::Io {
        name: name.clone(),
        source,
    };
    let input: Box<dyn BufRead> = if let Some(bytes) = held {
        Box::new(std::io::Cursor::new(bytes))
    } else if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        if file.is_dir() {
            return Err(cannot_read(std::io::Error::other(
                "it is a directory; expected a job file",
            ))
            .into());
        }
        Box::new(BufReader::with_capacity(
            64 * 1024,
            std::fs::File::open(file).map_err(cannot_read)?,
        ))
    };
    rows_from(args, file, input)
}

/// The rows of `input`, named and formed as `file` (a path, or `-`).
pub(super) fn rows_from(
    args: &BatchArgs,
    file: &Path,
    input: Box<dyn BufRead>,
) -> Result<Rows<Box<dyn BufRead>>, Error> {
    let name = file.display().to_string();
    let form = input_form(args, file)?;
    let options = ReadOptions {
        delimiter: args.delimiter,
        defaults_ok: args.defaults_ok,
        // Kept for the rest of the run, which is the rest of the process.
        ignore_keys: Box::leak(args.ignore_key.clone().into_boxed_slice()),
    };
    Ok(Rows::open(name, input, form, options)?)
}

pub(super) fn batch(
    tariff: &Tariff,
    args: &BatchArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    if args.baseline.is_some() || args.baseline_tariff.is_some() {
        // A mixed workload is refused before any comparison (standard input is left to the
        // comparison, which refuses a chat or speech line as it reads it).
        if args.file.as_os_str() != "-" {
            let rows = open_rows(args, &args.file, None)?;
            if super::mixed::is_mixed(&rows, &args.file)? {
                return super::mixed::run(tariff, args, rows, &args.file, io);
            }
        }
        return super::compare::compare(tariff, args, io);
    }
    super::compare::refuse_gates_without_baseline(args)?;
    if args.skip_invalid && args.format == BatchFormat::Plain {
        // The number alone is read by scripts as the total; one that leaves rows out is not.
        return Err(Error::Usage(
            "--skip-invalid cannot be used with --format plain: the number alone would be a total that leaves the bad rows out; fix the rows, or use --format csv or json with --skip-invalid (rows and a total that says it leaves them out)".to_owned(),
        ));
    }
    let name = args.file.display().to_string();
    // Kept until the run ends: the temporary file goes with it.
    let spool = super::mixed::spool(args)?;
    let open = || match &spool {
        Some(copy) => {
            let file = copy.reopen().map_err(|source| InputError::Io {
                name: name.clone(),
                source,
            })?;
            rows_from(
                args,
                &args.file,
                Box::new(BufReader::with_capacity(64 * 1024, file)),
            )
        }
        None => open_rows(args, &args.file, None),
    };
    let from = spool
        .as_ref()
        .map_or(args.file.as_path(), |copy| copy.path());
    let rows = open()?;
    // JSON Lines is not scanned for chat or speech keys first: the image run stops, with
    // nothing written, at the first line that has one (or a row that stops the run; or, for
    // a summary, its first message), and only then is the input looked at as a whole.
    // Per-job output is held meanwhile; past `workload::HELD_BYTES` of it, the rest of the
    // input is scanned before any is written. An image-only file with nothing to stop it (the
    // usual one) is read once, or once and its end scanned.
    if rows.is_jsonl() {
        let rest_is_image_only = |start: u64| Ok(!super::mixed::file_has_metered_key(from, start)?);
        if let Some(outcome) = image_batch(tariff, args, rows, io, Some(&rest_is_image_only))? {
            return Ok(outcome);
        }
        let rows = open()?;
        if super::mixed::is_mixed(&rows, from)? {
            return super::mixed::run(tariff, args, rows, from, io);
        }
        return image_batch(tariff, args, rows, io, None)?.ok_or_else(undecided);
    }
    if super::mixed::is_mixed(&rows, from)? {
        return super::mixed::run(tariff, args, rows, from, io);
    }
    image_batch(tariff, args, rows, io, None)?.ok_or_else(undecided)
}

/// A run that is not provisional always ends with an outcome or an error.
pub(super) fn undecided() -> Error {
    Error::Usage("a batch run stopped without an outcome".to_owned())
}

/// Prices an input known, or provisionally taken (see [`workload::Settings::provisional`]),
/// to hold image jobs only: provisionally when `verify` tells whether the input from a byte
/// offset on holds image jobs only (see [`workload::Batch::verify`]); `None` when a
/// provisional run stopped with nothing written.
fn image_batch(
    tariff: &Tariff,
    args: &BatchArgs,
    rows: Rows<Box<dyn BufRead>>,
    io: &mut Streams<'_>,
    verify: Option<workload::Verify<'_>>,
) -> Result<Option<Outcome>, Error> {
    let provisional = verify.is_some();
    let name = args.file.display().to_string();
    let summary_only = args.summary || args.format == BatchFormat::Plain;
    let extra = rows.extra_columns().to_vec();
    let (input, body) = rows.into_body();
    let dated = tariff.is_dated() || body.has_date_column();
    // Dated rows gain the output columns `date` and `rate`: a carried column may not share one.
    if dated
        && let Some(column) = extra.iter().find(|e| {
            let key = e.trim().to_lowercase();
            render::DATED_COLUMNS.contains(&key.as_str())
        })
    {
        return Err(Error::Input(InputError::Header {
            name: name.clone(),
            line: body.next_line().saturating_sub(1).max(1),
            message: format!(
                "column {:?} has the name of the output's column {:?}, which dated rows add (output columns: {}, {}); rename it (names are compared ignoring case and surrounding spaces)",
                crate::escape::escaped(column),
                column.trim().to_lowercase(),
                render::JOB_COLUMNS.join(", "),
                render::DATED_COLUMNS.join(", ")
            ),
        }));
    }
    let header = BatchHeader {
        tariff,
        extra: &extra,
        summary_only,
        dated,
    };
    let mut sink: Box<dyn BatchSink> = match args.format {
        BatchFormat::Table => Box::<render::table::Batch>::default(),
        BatchFormat::Markdown => Box::<render::markdown::Batch>::default(),
        BatchFormat::Csv => Box::<render::csv::Batch>::default(),
        BatchFormat::Json => Box::<render::json::Batch>::default(),
        BatchFormat::Plain => Box::<render::plain::Batch>::default(),
    };
    let pricer = Pricer::new(tariff, args.allow_out_of_range, !summary_only);
    let settings = workload::Settings {
        skip_invalid: args.skip_invalid,
        rows: !summary_only,
        // CSV, JSON and Markdown rows and totals keep no renderer state between rows, so
        // pieces can go to every core.
        parallel: summary_only || args.format != BatchFormat::Table,
        err_paint: io.err_paint,
        provisional,
    };
    let run = workload::Batch {
        body: &body,
        name: &name,
        pricer: &pricer,
        header: &header,
        settings,
        // Such rows keep no renderer state: each worker renders its own.
        worker_sink: match args.format {
            BatchFormat::Json => || Box::<render::json::Batch>::default(),
            BatchFormat::Markdown => || Box::<render::markdown::Batch>::default(),
            _ => || Box::<render::csv::Batch>::default(),
        },
        verify,
        held_bytes: workload::HELD_BYTES,
    };
    // Totals alone are held until the whole input is read and priced: an error leaves standard
    // output empty. Rows stream; once their reader has gone away they stop, unless a verdict
    // (a budget, skipped rows) is still to be reached.
    let mut held = Vec::new();
    let mut rows = crate::output::Streamed {
        out: &mut *io.out,
        gone: io.out_gone,
        stop: args.budget.budget().is_none() && !args.skip_invalid,
    };
    let out: &mut dyn Write = if summary_only { &mut held } else { &mut rows };
    let Some((totals, started)) = workload::run(&run, Box::new(input), sink.as_mut(), out, io.err)?
    else {
        return Ok(None);
    };
    let summary = totals.summary(tariff)?;
    let judged = judge(args.budget.budget(), summary.exact, summary.price);
    if !started {
        sink.begin(out, &header)?;
    }
    sink.end(out, &header, &summary)?;
    io.out.write_all(&held)?;
    if summary.skipped > 0 {
        writeln!(
            io.err,
            "{} {} invalid row(s) skipped; the totals leave them out",
            io.err_paint.error("error:"),
            summary.skipped
        )?;
    }
    let gated = gate(judged, tariff, io)?;
    Ok(Some(if summary.skipped > 0 {
        Outcome::Incomplete
    } else {
        gated
    }))
}
