//! `batch --baseline` and `batch --baseline-tariff`: a workload's cost change, and its gates.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::Arc;

use super::Streams;
use super::gate::{gate, judge};
use super::input::open_rows;
use super::load::load_tariff;
use crate::batch::row::InputError;
use crate::batch::{MeteredRow, Priced, Pricer, Summary, Totals};
use crate::cli::{BatchArgs, BatchFormat};
use crate::compare::{Comparison, Side};
use crate::error::{Error, Outcome};
use crate::pricing::TooLargeTotal;
use crate::render::{self, BatchHeader, BatchSink, CompareView};
use crate::size::Size;
use crate::tariff::Tariff;
use crate::workload;

/// The gates of a cost change make no sense without one.
pub(super) fn refuse_gates_without_baseline(args: &BatchArgs) -> Result<(), Error> {
    let given = [
        ("--fail-above", args.fail_above.is_some()),
        ("--fail-increase", args.fail_increase.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((flag, _)) => Err(Error::Usage(format!(
            "{flag} gates a cost change: give --baseline BASE (the workload to compare with) or --baseline-tariff OLD.toml (the prices to compare with); for a limit on the total alone, use --budget"
        ))),
        None => Ok(()),
    }
}

/// Prices both sides in full, then writes the comparison and judges the gates.
pub(super) fn compare(
    tariff: &Tariff,
    args: &BatchArgs,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    if args.skip_invalid {
        return Err(Error::Usage(
            "--skip-invalid cannot be used with a baseline: a cost change with rows left out would compare parts of the workloads; fix the rows (batch FILE --skip-invalid --summary lists every bad one)".to_owned(),
        ));
    }
    let old = args
        .baseline_tariff
        .as_deref()
        .map(|path| {
            // Priced on the same day as the head, so a comparison is of tariffs, not of days.
            load_tariff(Some(path)).map(|t| match tariff.priced_on {
                Some(day) => t.on(day),
                None => t,
            })
        })
        .transpose()?;
    let base_tariff = old.as_ref().unwrap_or(tariff);
    if base_tariff.currency != tariff.currency {
        return Err(Error::Usage(format!(
            "the tariffs price in different currencies: {} in {}, {} in {}; a cost change is compared in one currency only",
            base_tariff.origin.name(),
            crate::escape::escaped(&base_tariff.currency),
            tariff.origin.name(),
            crate::escape::escaped(&tariff.currency),
        )));
    }
    // Standard input named twice was refused before the tariff was read.
    let base_file = args.baseline.as_deref().unwrap_or(&args.file);
    // One workload under two tariffs: read twice, from memory unless it is a plain file that
    // reads the same again (standard input, a pipe or a FIFO does not).
    let held = match args.baseline {
        // A directory is left to the reader, which says so.
        None if !is_plain_file(&args.file) && !args.file.is_dir() => Some(read_all(&args.file)?),
        _ => None,
    };
    let two_tariffs = old.is_some();
    let base = price_side(base_tariff, two_tariffs, args, base_file, held.clone(), io)?;
    let head = price_side(tariff, two_tariffs, args, &args.file, held, io)?;
    let comparison = Comparison::new(&base, &head)?;
    let view = CompareView {
        base: &base,
        head: &head,
        comparison: &comparison,
    };
    let mut out = Vec::new();
    match args.format {
        BatchFormat::Table => render::table::compare(&mut out, &view)?,
        BatchFormat::Markdown => render::markdown::compare(&mut out, &view)?,
        BatchFormat::Csv => render::csv::compare(&mut out, &view)?,
        BatchFormat::Json => render::json::compare(&mut out, &view)?,
        BatchFormat::Plain => render::plain::compare(&mut out, &view)?,
    }
    io.out.write_all(&out)?;
    let rose = gates(args, &view, io)?;
    let judged = judge(args.budget.budget(), head.summary.exact, head.summary.price);
    let budget = gate(judged, tariff, io)?;
    Ok(if rose { Outcome::CheckFailed } else { budget })
}

/// Reports each rise gate passed; true when one was.
fn gates(args: &BatchArgs, view: &CompareView<'_>, io: &mut Streams<'_>) -> Result<bool, Error> {
    let total = &view.comparison.total;
    let currency = crate::escape::escaped(view.currency());
    let mut change = format!(
        "{} {currency}",
        render::money(total.shown_change.abs(), view.comparison.places)
    );
    if crate::exact::Exact::from_decimal(total.shown_change.abs()) != Some(total.change.size) {
        change.push_str(&format!(" (exactly {} {currency})", total.change.size));
    }
    let label = io.err_paint.error("cost rise:");
    let mut rose = false;
    if let Some(limit) = args.fail_above
        && total.rises_above_percent(limit)
    {
        let limit = render::exact(limit);
        match total.percent {
            Some(p) => writeln!(
                io.err,
                "{label} the total rises by {change}, {}%, above --fail-above {limit}%",
                p.beside(args.fail_above.unwrap_or_default())
                    .unwrap_or_else(|| p.to_string())
            )?,
            None => writeln!(
                io.err,
                "{label} the total rises from 0 by {change}; a rise from 0 has no percentage and fails any --fail-above ({limit}%)"
            )?,
        }
        rose = true;
    }
    if let Some(limit) = args.fail_increase
        && total.rises_above(limit)
    {
        writeln!(
            io.err,
            "{label} the total rises by {change}, above --fail-increase {limit} {currency}"
        )?;
        rose = true;
    }
    Ok(rose)
}

fn is_plain_file(path: &Path) -> bool {
    path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The whole of standard input (for `-`) or of a file that cannot be read twice.
fn read_all(path: &Path) -> Result<Arc<[u8]>, Error> {
    let name = path.display().to_string();
    let cannot_read = |source| InputError::Io {
        name: name.clone(),
        source,
    };
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(cannot_read)?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(cannot_read)?;
    }
    Ok(Arc::from(bytes))
}

/// Reads and prices one side in full: its totals, overall and per size. Its errors and
/// warnings name its file, and with two tariffs, the tariff too.
fn price_side<'t>(
    tariff: &'t Tariff,
    two_tariffs: bool,
    args: &BatchArgs,
    file: &Path,
    held: Option<Arc<[u8]>>,
    io: &mut Streams<'_>,
) -> Result<Side<'t>, Error> {
    let name = file.display().to_string();
    let label = if two_tariffs {
        format!("{name} under {}", tariff.origin.name())
    } else {
        name.clone()
    };
    let in_file = |e: Error| match e {
        Error::BadRow(_) | Error::TotalTooLarge(_) => Error::InFile {
            file: label.clone(),
            source: Box::new(e),
        },
        other => other,
    };
    let rows = open_rows(args, file, held)?;
    let extra = rows.extra_columns().to_vec();
    let (input, body) = rows.into_body();
    let header = BatchHeader {
        tariff,
        extra: &extra,
        summary_only: true,
        dated: false,
        layout: render::rows::Layout::default(),
    };
    let pricer = Pricer::new(tariff, args.allow_out_of_range, false);
    let settings = workload::Settings {
        skip_invalid: false,
        // Each row reaches the per-size sums through the sink, one piece after another.
        rows: true,
        parallel: false,
        err_paint: io.err_paint,
    };
    let run = workload::Batch {
        body: &body,
        name: &name,
        pricer: &pricer,
        header: &header,
        settings,
        worker_sink: || Box::<render::plain::Batch>::default(),
    };
    let mut sizes = BySize {
        tariff,
        totals: BTreeMap::new(),
        overflow: false,
    };
    let mut warnings = Prefixed {
        prefix: format!("{}: ", crate::escape::escaped(&label)),
        inner: &mut *io.err,
        at_start: true,
    };
    let input: Box<dyn BufRead> = Box::new(input);
    let (totals, _) = workload::run(&run, input, &mut sizes, &mut std::io::sink(), &mut warnings)
        .map_err(in_file)?;
    if sizes.overflow {
        return Err(in_file(TooLargeTotal.into()));
    }
    Side::new(name.clone(), tariff, &totals, &sizes.totals).map_err(|e| in_file(e.into()))
}

/// Sums a side's rows per image size, as the batch sums them per model.
struct BySize<'t> {
    tariff: &'t Tariff,
    totals: BTreeMap<Size, Totals>,
    overflow: bool,
}

impl BatchSink for BySize<'_> {
    fn begin(&mut self, _: &mut dyn Write, _: &BatchHeader<'_>) -> std::io::Result<()> {
        Ok(())
    }

    fn job(
        &mut self,
        _: &mut Vec<u8>,
        _: &BatchHeader<'_>,
        row: &Priced<'_>,
    ) -> std::io::Result<()> {
        let totals = self
            .totals
            .entry(row.job.size)
            .or_insert_with(|| Totals::new(self.tariff));
        if totals.add(row).is_err() {
            self.overflow = true;
        }
        Ok(())
    }

    /// A chat or speech row has no size: it counts in its model's line and the total.
    fn metered(
        &mut self,
        _: &mut Vec<u8>,
        _: &BatchHeader<'_>,
        _: &MeteredRow<'_>,
    ) -> std::io::Result<()> {
        Ok(())
    }

    fn end(
        &mut self,
        _: &mut dyn Write,
        _: &BatchHeader<'_>,
        _: &Summary<'_>,
    ) -> std::io::Result<()> {
        Ok(())
    }
}

/// Standard error for one side: each line starts with the side's file name, so a warning says
/// which of the two files it is about.
struct Prefixed<'w> {
    prefix: String,
    inner: &'w mut dyn Write,
    at_start: bool,
}

impl Write for Prefixed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            if self.at_start {
                self.inner.write_all(self.prefix.as_bytes())?;
                self.at_start = false;
            }
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
            self.inner.write_all(&rest[..end])?;
            self.at_start = rest[end - 1] == b'\n';
            rest = &rest[end..];
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
