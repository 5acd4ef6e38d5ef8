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
use crate::review::{Judgement, Limit, Review, Tier, Verdict};
use crate::size::Size;
use crate::tariff::Tariff;
use crate::workload;

/// The gates of a cost change make no sense without one.
pub(super) fn refuse_gates_without_baseline(args: &BatchArgs) -> Result<(), Error> {
    let given = [
        ("--fail-above", args.fail_above.is_some()),
        ("--warn-above", args.warn_above.is_some()),
        ("--fail-increase", args.fail_increase.is_some()),
        ("--warn-increase", args.warn_increase.is_some()),
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
    report: &mut super::github::Report,
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
    // reads the same again (standard input, a pipe or a FIFO does not). So is a base read under
    // both tariffs, for the attribution.
    let held = match args.baseline {
        // A directory is left to the reader, which says so.
        None if !is_plain_file(&args.file) && !args.file.is_dir() => Some(read_all(&args.file)?),
        _ => None,
    };
    let two_tariffs = old.is_some();
    // Each side's messages start with its name: `--format github` places them by it.
    for (path, side_tariff) in [(base_file, base_tariff), (args.file.as_path(), tariff)] {
        let name = path.display().to_string();
        let label = side_label(&name, side_tariff, two_tariffs);
        report.sides.push((label, name));
    }
    let held_base = match args.baseline.as_deref() {
        Some(b) if two_tariffs && !is_plain_file(b) && !b.is_dir() => Some(read_all(b)?),
        _ => held.clone(),
    };
    let base = price_side(
        base_tariff,
        two_tariffs,
        args,
        base_file,
        held_base.clone(),
        io,
    )?;
    let head = price_side(tariff, two_tariffs, args, &args.file, held, io)?;
    // The base workload under the head's prices splits the change into prices and workload.
    let priced_again = match (two_tariffs, args.baseline.is_some()) {
        (true, true) => pivot_side(tariff, args, base_file, held_base, io),
        _ => None,
    };
    let pivot = match (two_tariffs, &priced_again) {
        (true, Some(p)) => Some(p),
        // One workload under two tariffs: the head is the base workload at the head's prices.
        (true, None) if args.baseline.is_none() => Some(&head),
        (true, None) => None,
        // One tariff: the base is already at the head's prices.
        (false, _) => Some(&base),
    };
    let comparison = Comparison::new(&base, &head, pivot)?;
    let review = Review::judge(&comparison.total, &args.thresholds(), args.budget.budget());
    let view = CompareView {
        base: &base,
        head: &head,
        comparison: &comparison,
        review: &review,
        base_label: args.base_label.as_deref(),
        head_label: args.head_label.as_deref(),
    };
    let mut out = Vec::new();
    match args.format {
        BatchFormat::Table => render::table::compare(&mut out, &view)?,
        BatchFormat::Markdown => render::review::markdown(&mut out, &view)?,
        BatchFormat::Csv => render::csv::compare(&mut out, &view)?,
        BatchFormat::Json => render::json::compare(&mut out, &view)?,
        BatchFormat::Plain => render::plain::compare(&mut out, &view)?,
        BatchFormat::Github => github_report(&view, report),
        BatchFormat::Html => render::html::compare(&mut out, &view)?,
    }
    io.out.write_all(&out)?;
    report_gates(&view, args.budget.budget(), io)?;
    Ok(match review.verdict() {
        Verdict::Fail => Outcome::CheckFailed,
        Verdict::Warn | Verdict::Pass => Outcome::Success,
    })
}

/// The base workload priced under the head's tariff, for the attribution; `None` (with a note)
/// when it cannot be, e.g. a base row names a model only the base tariff has. Its warnings were
/// given when the base was priced.
fn pivot_side<'t>(
    tariff: &'t Tariff,
    args: &BatchArgs,
    file: &Path,
    held: Option<Arc<[u8]>>,
    io: &mut Streams<'_>,
) -> Option<Side<'t>> {
    let gone = std::cell::Cell::new(false);
    let mut quiet = Streams {
        out: &mut std::io::sink(),
        err: &mut std::io::sink(),
        out_paint: io.out_paint,
        err_paint: io.err_paint,
        out_gone: &gone,
    };
    match price_side(tariff, true, args, file, held, &mut quiet) {
        Ok(side) => Some(side),
        Err(e) => {
            let _ = writeln!(
                io.err,
                "{} the change is not split into prices and workload: the base workload cannot be priced under {} ({e})",
                io.err_paint.bold("note:"),
                tariff.origin.name()
            );
            None
        }
    }
}

/// Reports each breached gate on standard error: `cost rise:` for a failed rise gate,
/// `warning:` for a warning, unless a failing gate on the same measure already failed (fail
/// wins), and a note for a percent gate that a rise from 0 leaves unjudged; then the budget, as
/// every command reports it.
fn report_gates(
    view: &CompareView<'_>,
    budget: Option<crate::budget::Budget>,
    io: &mut Streams<'_>,
) -> Result<(), Error> {
    let gates = &view.review.gates;
    let same = |a: &Limit, b: &Limit| {
        matches!(
            (a, b),
            (Limit::Percent(_), Limit::Percent(_))
                | (Limit::Increase(_), Limit::Increase(_))
                | (Limit::Budget(_), Limit::BudgetShare { .. })
        )
    };
    let failed = |limit: &Limit| {
        gates
            .iter()
            .any(|g| g.tier == Tier::Fail && g.breached() && same(&g.limit, limit))
    };
    for gate in gates {
        let label = match (gate.judgement, gate.tier, gate.limit) {
            // The budget speaks as it does in every command, below.
            (_, _, Limit::Budget(_) | Limit::BudgetShare { .. }) | (Judgement::Passed, _, _) => {
                continue;
            }
            (Judgement::NoPercentage, _, _) => io.err_paint.bold("note:"),
            (Judgement::Breached, Tier::Fail, _) => io.err_paint.error("cost rise:"),
            (Judgement::Breached, Tier::Warn, limit) if failed(&limit) => continue,
            (Judgement::Breached, Tier::Warn, _) => io.err_paint.warning("warning:"),
        };
        let sentence = render::review::gate_sentence(gate, view);
        writeln!(io.err, "{label} {sentence}")?;
    }
    let head = &view.head.summary;
    gate(judge(budget, head.exact, head.price), view.head.tariff, io)?;
    Ok(())
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

/// How a side's messages name it: its file, and with two tariffs the tariff too.
fn side_label(name: &str, tariff: &Tariff, two_tariffs: bool) -> String {
    if two_tariffs {
        format!("{name} under {}", tariff.origin.name())
    } else {
        name.to_owned()
    }
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
    let label = side_label(&name, tariff, two_tariffs);
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
        // Each row reaches the per-size sums through the sink, one chunk after another.
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

/// What `--format github` reports of a comparison: the markdown review for the job summary,
/// one notice with the change and the verdict, and the figures as step outputs.
fn github_report(view: &CompareView<'_>, report: &mut super::github::Report) {
    let c = view.comparison;
    let t = &c.total;
    let verdict = view.review.verdict();
    let currency = crate::escape::escaped(view.currency());
    let (base_label, head_label) = view.labels();
    let percent = t.percent.map_or_else(String::new, |p| p.to_string());
    let change = render::signed(t.shown_change, c.places);
    report.summary = render::review::markdown_text(view);
    report.notice = Some(format!(
        "cost change {change} {currency} ({}): {} -> {} {currency}, {} against {}; verdict {verdict}",
        render::line_percent(t),
        render::money(t.base.shown, view.base.tariff.display.decimals),
        render::money(t.head.shown, view.head.tariff.display.decimals),
        crate::escape::escaped(head_label),
        crate::escape::escaped(base_label),
    ));
    let mut outputs = vec![
        (
            "total",
            render::money(t.head.shown, view.head.tariff.display.decimals),
        ),
        ("change", change),
        ("percent", percent),
        ("verdict", verdict.to_string()),
        ("total_exact", t.head.exact.to_string()),
        (
            "base_total",
            render::money(t.base.shown, view.base.tariff.display.decimals),
        ),
        ("base_total_exact", t.base.exact.to_string()),
        ("change_exact", t.change.to_string()),
    ];
    if let Some(a) = t.attribution {
        outputs.push(("prices_exact", a.prices.to_string()));
        outputs.push(("workload_exact", a.workload.to_string()));
    }
    outputs.push(("currency", view.currency().to_owned()));
    report.outputs = outputs;
}
