//! `batch`: price a job file row by row, with totals and the budget gate.

use std::io::Write;

use super::Streams;
use super::gate::{gate, judge};
use super::input::open_rows;
use crate::batch::row::InputError;
use crate::batch::{Kind, Pricer};
use crate::cli::{BatchArgs, BatchFormat};
use crate::error::{Error, Outcome};
use crate::render::{self, BatchHeader, BatchSink};
use crate::tariff::Tariff;
use crate::workload;

pub(super) fn batch(
    tariff: &Tariff,
    args: &BatchArgs,
    io: &mut Streams<'_>,
    report: &mut super::github::Report,
) -> Result<Outcome, Error> {
    let github = args.format == BatchFormat::Github;
    report.read_stderr = true;
    report.file = Some(args.file.display().to_string());
    if args.baseline.is_some() || args.baseline_tariff.is_some() {
        return super::compare::compare(tariff, args, io, report);
    }
    super::compare::refuse_gates_without_baseline(args)?;
    if args.skip_invalid && args.format == BatchFormat::Plain {
        // The number alone is read by scripts as the total; one that leaves rows out is not.
        return Err(Error::Usage(
            "--skip-invalid cannot be used with --format plain: the number alone would be a total that leaves the bad rows out; fix the rows, or use --format csv or json with --skip-invalid (rows and a total that says it leaves them out)".to_owned(),
        ));
    }
    let rows = open_rows(args, &args.file, None)?;
    let name = args.file.display().to_string();
    // GitHub's summary is the markdown totals: no rows.
    let summary_only = args.summary || args.format == BatchFormat::Plain || github;
    let extra = rows.extra_columns().to_vec();
    // The columns are known before the first row: a CSV's own, or every meter of the tariff
    // for JSON Lines, whose lines may be of any meter.
    let layout = match rows.metered_columns() {
        None => render::rows::Layout::of_tariff(tariff),
        Some([input, output, seconds, audio]) => render::rows::Layout {
            tokens: input || output,
            seconds: seconds || audio,
        },
    };
    let (input, body) = rows.into_body();
    let dated = tariff.is_dated() || body.has_date_column();
    let header = BatchHeader {
        tariff,
        extra: &extra,
        summary_only,
        dated,
        layout,
    };
    // A carried column may not share a name with a column of the output.
    let output = render::rows::output_columns(&header);
    if let Some(column) = extra
        .iter()
        .find(|e| output.contains(&e.trim().to_lowercase().as_str()))
    {
        return Err(Error::Input(InputError::Header {
            name: name.clone(),
            line: body.next_line().saturating_sub(1).max(1),
            message: format!(
                "column {:?} has the name of the output's column {:?} (output columns: {}); rename it (names are compared ignoring case and surrounding spaces)",
                crate::escape::escaped(column),
                column.trim().to_lowercase(),
                output.join(", ")
            ),
        }));
    }
    let mut sink: Box<dyn BatchSink> = match args.format {
        BatchFormat::Table => Box::<render::table::Batch>::default(),
        BatchFormat::Markdown | BatchFormat::Github => Box::<render::markdown::Batch>::default(),
        BatchFormat::Csv => Box::<render::csv::Batch>::default(),
        BatchFormat::Json => Box::<render::json::Batch>::default(),
        BatchFormat::Plain => Box::<render::plain::Batch>::default(),
        BatchFormat::Html => Box::<render::html::Batch>::default(),
    };
    let pricer = Pricer::new(tariff, args.allow_out_of_range, !summary_only);
    let settings = workload::Settings {
        skip_invalid: args.skip_invalid,
        rows: !summary_only,
        // CSV, JSON and Markdown rows and totals keep no renderer state between rows, so
        // chunks can go to every core.
        parallel: summary_only || args.format != BatchFormat::Table,
        err_paint: io.err_paint,
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
            BatchFormat::Html => || Box::<render::html::Batch>::default(),
            _ => || Box::<render::csv::Batch>::default(),
        },
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
    let (totals, started) = workload::run(&run, Box::new(input), sink.as_mut(), out, io.err)?;
    let summary = totals.summary(tariff)?;
    let judged = judge(args.budget.budget(), summary.exact, summary.price);
    if !started {
        sink.begin(out, &header)?;
    }
    sink.end(out, &header, &summary)?;
    if github {
        report.summary = String::from_utf8_lossy(&held).into_owned();
        let verdict = match judged.as_ref().map(super::gate::verdict_of) {
            _ if summary.skipped > 0 => "fail",
            Some(crate::budget::Verdict::Over { .. }) => "fail",
            Some(crate::budget::Verdict::Warn { .. }) => "warn",
            _ => "pass",
        };
        let total = render::money(summary.price, tariff.display.decimals);
        report.notice = Some(format!(
            "total {total} {}: {} job(s), {} image(s)",
            crate::escape::escaped(&tariff.currency),
            render::grouped(summary.jobs),
            render::grouped(summary.images)
        ));
        report.outputs = vec![
            ("total", total),
            ("total_exact", summary.exact.to_string()),
            ("verdict", verdict.to_owned()),
        ];
    } else {
        io.out.write_all(&held)?;
    }
    if summary.skipped > 0 {
        writeln!(
            io.err,
            "{} {} invalid row(s) skipped; the totals leave them out",
            io.err_paint.error("error:"),
            summary.skipped
        )?;
    }
    if args.format == BatchFormat::Plain && summary.kind() != Kind::Exact {
        writeln!(
            io.err,
            "{} the total is {}: {} row(s) are upper bounds, {} estimates",
            io.err_paint.bold("note:"),
            if summary.kind() == Kind::Bound {
                "an upper bound"
            } else {
                "an estimate"
            },
            summary.bounds,
            summary.estimates
        )?;
    }
    // The drawn table says it under its totals and JSON lists them per row; CSV's cells are
    // figures alone and Markdown's totals have no sentence, so it is said here (plain is the
    // total alone).
    if matches!(args.format, BatchFormat::Csv | BatchFormat::Markdown)
        && let Some(note) = render::rows::defaulted(&summary, "--format json lists them per job")
    {
        writeln!(io.err, "{} {note}", io.err_paint.bold("note:"))?;
    }
    if judged.is_some() && summary.estimates > 0 {
        writeln!(
            io.err,
            "{} {} row(s) are estimates from --seconds-per-char or a line's seconds: the budget verdict is only as good as they are",
            io.err_paint.bold("note:"),
            summary.estimates
        )?;
    }
    let gated = gate(judged, tariff, io)?;
    Ok(if summary.skipped > 0 {
        Outcome::Incomplete
    } else {
        gated
    })
}
