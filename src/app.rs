//! Runs a parsed command line: load the tariff, check the input, compute, render.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use clap::CommandFactory;

use rust_decimal::Decimal;

use crate::afford;
use crate::batch::input::InputError;
use crate::batch::{InputFormat, Pricer, ReadOptions, Rows};
use crate::budget::{Budget, Verdict};
use crate::cli::{
    AffordArgs, AffordFormat, BatchArgs, BatchFormat, CheckFormat, Cli, Command, DiffArgs, FitArgs,
    FitFormat, GridFormat, JobArgs, ModelsFormat, QuoteFormat, TableArgs,
};
use crate::error::{Error, Outcome};
use crate::exact::Exact;
use crate::grid::{Check, Grid};
use crate::job::{Job, Request};
use crate::pricing::quote;
use crate::render::{
    self, AffordView, BatchHeader, BatchSink, CheckView, DiffView, FitView, GridView, Paint,
    QuoteView,
};
use crate::tariff::{Model, Origin, Tariff};
use crate::workload;

/// The environment variable naming a tariff file; `--tariff` wins over it, and empty means unset.
pub const TARIFF_ENV: &str = "DIS_PRICE_TARIFF";

/// The largest tariff file read, so a wrong path (a disk image, a log) fails fast.
pub const MAX_TARIFF_BYTES: u64 = 1024 * 1024;

/// Where output goes, and whether each stream gets colour.
pub struct Streams<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error, for warnings.
    pub err: &'a mut dyn Write,
    /// Styling for text written to `out`.
    pub out_paint: Paint,
    /// Styling for `err`.
    pub err_paint: Paint,
    /// Set once the reader of `out` has gone away (a closed pipe): `out` then drops what it is
    /// given, so a command still reaches its verdict; one with none to reach may stop early.
    pub out_gone: &'a std::cell::Cell<bool>,
}

/// Runs one command. Everything is checked and computed before the first byte is written, so an
/// error leaves standard output empty.
pub fn run(cli: Cli, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    // Commands that need no tariff, or name their own.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            // clap_complete panics on a write error: generate in memory, then write with checks.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "dis-price", &mut script);
            io.out.write_all(&script)?;
            return Ok(Outcome::Success);
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            io.out.write_all(&page)?;
            return Ok(Outcome::Success);
        }
        Some(Command::Tariff(args)) if args.schema => {
            serde_json::to_writer_pretty(&mut *io.out, &crate::tariff::schema::json_schema())
                .map_err(std::io::Error::from)?;
            writeln!(io.out)?;
            return Ok(Outcome::Success);
        }
        Some(Command::Diff(args)) => return diff(args, io),
        _ => {}
    }
    let path = cli.global.tariff.clone().or_else(|| {
        std::env::var_os(TARIFF_ENV)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    });
    if let Some(Command::Validate(args)) = &cli.command {
        return validate(args.path.as_deref().or(path.as_deref()), args.strict, io);
    }
    let tariff = load_tariff(path.as_deref())?;
    match cli.command {
        None => price_one(
            &tariff,
            &cli.job,
            cli.format.unwrap_or(QuoteFormat::Text),
            io,
        ),
        Some(Command::Table(args)) => table(&tariff, &args, io),
        Some(Command::Check(args)) => check(&tariff, args.model.as_deref(), args.format, io),
        Some(Command::Batch(args)) => batch(&tariff, &args, io),
        Some(Command::Afford(args)) => afford(&tariff, &args, io),
        Some(Command::Fit(args)) => fit(&tariff, &args, io),
        Some(Command::Models(args)) => {
            match args.format {
                ModelsFormat::Table => render::table::models(io.out, &tariff)?,
                ModelsFormat::Json => render::json::models(io.out, &tariff)?,
            }
            Ok(Outcome::Success)
        }
        Some(Command::Tariff(_)) => {
            io.out.write_all(tariff.text.as_bytes())?;
            Ok(Outcome::Success)
        }
        Some(
            Command::Completions { .. } | Command::Man | Command::Diff(_) | Command::Validate(_),
        ) => Ok(Outcome::Success),
    }
}

/// `validate`: errors end the run (all of them, placed); warnings are listed and, with
/// `strict`, fail it.
fn validate(path: Option<&Path>, strict: bool, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let tariff = load_tariff(path)?;
    let warnings = crate::tariff::lint::warnings(&tariff, &crate::tariff::lint::today_utc());
    for w in &warnings {
        writeln!(io.err, "{} {w}", io.err_paint.warning("warning:"))?;
    }
    let models = tariff.models.len();
    writeln!(
        io.out,
        "{}: valid, {models} model{}, {} warning{}",
        tariff.origin.name(),
        if models == 1 { "" } else { "s" },
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    )?;
    Ok(if strict && !warnings.is_empty() {
        Outcome::CheckFailed
    } else {
        Outcome::Success
    })
}

fn fit(tariff: &Tariff, args: &FitArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    let found = crate::fit::fit(model, tariff.display)?;
    let mut written = None;
    if args.write {
        let Origin::File(file) = &tariff.origin else {
            return Err(Error::Usage(
                "fit --write rewrites a tariff file; name one with --tariff PATH".to_owned(),
            ));
        };
        let Some(rate) = found.suggested else {
            return Err(Error::Usage(format!(
                "no rate to write: no rate reproduces any published cell of {:?}",
                model.id
            )));
        };
        crate::tariff::write::write_rate(file, &tariff.text, &model.id, rate).map_err(
            |reason| Error::WriteTariff {
                path: file.clone(),
                reason,
            },
        )?;
        written = Some(file.clone());
    }
    let view = FitView {
        tariff,
        model,
        fit: &found,
        written,
    };
    match args.format {
        FitFormat::Text => render::text::fit(io.out, &view)?,
        FitFormat::Json => render::json::fit(io.out, &view)?,
    }
    Ok(if found.all_within_tolerance {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

fn diff(args: &DiffArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let old = load_tariff(Some(&args.old))?;
    let new = load_tariff(Some(&args.new))?;
    let steps = args.steps.as_ref().map(|l| l.0.as_slice());
    let sizes = args.sizes.as_ref().map(|l| l.0.as_slice());
    let changes = crate::diff::diff(&old, &new, steps, sizes)?;
    let view = DiffView {
        old: &old,
        new: &new,
        diff: &changes,
    };
    match args.format {
        GridFormat::Table => render::table::diff(io.out, &view)?,
        GridFormat::Markdown => render::markdown::diff(io.out, &view)?,
        GridFormat::Csv => render::csv::diff(io.out, &view)?,
        GridFormat::Json => render::json::diff(io.out, &view)?,
    }
    let Some(limit) = args.fail_above else {
        return Ok(Outcome::Success);
    };
    let offences = changes.offences(limit);
    let Some(first) = offences.first() else {
        return Ok(Outcome::Success);
    };
    let what = match first {
        crate::diff::Offence::Change(c) if c.always_fails => format!(
            "{} (this has no percentage and fails any --fail-above)",
            c.describe()
        ),
        crate::diff::Offence::Change(c) => c.describe(),
        crate::diff::Offence::Cell(model, cell) => format!(
            "{} at {} steps, {}: {} -> {} ({})",
            model.new.id,
            cell.steps,
            cell.size,
            render::money(cell.old, old.display.decimals),
            render::money(cell.new, new.display.decimals),
            render::percent(cell.percent),
        ),
    };
    writeln!(
        io.err,
        "{} {} change(s) go past --fail-above {}%; the first: {what}",
        io.err_paint.error("price rise:"),
        offences.len(),
        render::exact(limit),
    )?;
    Ok(Outcome::CheckFailed)
}

/// The built-in tariff, or the file at `path`.
pub fn load_tariff(path: Option<&Path>) -> Result<Tariff, Error> {
    let Some(path) = path else {
        return Ok(Tariff::builtin()?);
    };
    let fail = |reason: String| Error::ReadTariff {
        path: path.to_owned(),
        reason,
    };
    let bytes = read_capped(path, MAX_TARIFF_BYTES).map_err(fail)?;
    // A UTF-8 byte order mark is kept: the TOML reader accepts it, and `text` stays the file
    // as written, so a rewrite keeps it.
    if let Some(reason) = crate::batch::input::not_utf8_start(&bytes) {
        return Err(fail(reason));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {}); a tariff is a TOML file",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Tariff::parse(Origin::File(path.to_owned()), text)?)
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if path.is_dir() {
        return Err("it is a directory; expected a TOML file".to_owned());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "it is larger than {limit} bytes, the most a tariff may be"
        ));
    }
    Ok(bytes)
}

/// The model named by `query`, or the default one.
pub fn pick_model<'t>(tariff: &'t Tariff, query: Option<&str>) -> Result<&'t Model, Error> {
    let Some(query) = query else {
        return Ok(tariff.default_model());
    };
    tariff.find_model(query).ok_or_else(|| Error::UnknownModel {
        given: query.to_owned(),
        suggestion: tariff.nearest_model(query).map(str::to_owned),
        known: tariff
            .models
            .iter()
            .map(|m| {
                if m.aliases.is_empty() {
                    m.id.clone()
                } else {
                    format!("{} (or {})", m.id, m.aliases.join(", "))
                }
            })
            .collect(),
    })
}

/// Refuses a job outside the model's limits, or warns when that is allowed.
fn within_limits(model: &Model, job: &Job, allow: bool, io: &mut Streams<'_>) -> Result<(), Error> {
    let breaches = job.breaches(model);
    if breaches.is_empty() {
        return Ok(());
    }
    if !allow {
        return Err(Error::OutOfRange(breaches));
    }
    for b in breaches {
        writeln!(
            io.err,
            "{} {b}; the API would refuse it, priced anyway",
            io.err_paint.warning("warning:")
        )?;
    }
    Ok(())
}

fn price_one(
    tariff: &Tariff,
    args: &JobArgs,
    format: QuoteFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    let request = Request {
        steps: args.steps,
        size: args.size,
        count: args.count,
    };
    let resolved = request.resolve(model);
    within_limits(model, &resolved.job, args.allow_out_of_range, io)?;
    let quote = quote(model, &resolved.job, tariff.display)?;
    let judged = judge(args.budget.budget(), quote.exact, quote.price);
    let view = QuoteView {
        tariff,
        model,
        resolved,
        quote,
    };
    match format {
        QuoteFormat::Text => render::text::quote(io.out, &view, io.out_paint)?,
        QuoteFormat::Plain => render::plain::quote(io.out, &view)?,
        QuoteFormat::Json => render::json::quote(io.out, &view)?,
    }
    gate(judged, tariff, io)
}

/// A budget's verdict on a total, reached before any output is written.
struct Judged {
    budget: Budget,
    verdict: Verdict,
    /// The exact total, which the verdict is on.
    exact: Exact,
    /// The total as shown, rounded once.
    shown: Decimal,
}

/// Judges the EXACT total against the budget (the one rule, shared with `afford`).
fn judge(budget: Option<Budget>, exact: Exact, shown: Decimal) -> Option<Judged> {
    budget.map(|budget| Judged {
        budget,
        verdict: budget.judge(exact),
        exact,
        shown,
    })
}

/// Reports a verdict: a warning past the share, exit 1 above the budget. Where the shown total
/// is not the exact one, the exact one is printed too, so a total shown equal to the budget but
/// above it (or shown above it but within it) is visible as such.
fn gate(judged: Option<Judged>, tariff: &Tariff, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let Some(Judged {
        budget,
        verdict,
        exact,
        shown,
    }) = judged
    else {
        return Ok(Outcome::Success);
    };
    let currency = &tariff.currency;
    let mut total = format!(
        "{} {currency}",
        render::money(shown, tariff.display.decimals)
    );
    let rounded = Exact::from_decimal(shown) != Some(exact);
    if rounded {
        total.push_str(&format!(" (exactly {exact} {currency})"));
    }
    let limit = budget.limit;
    match verdict {
        Verdict::Within => {
            if rounded && Exact::from_decimal(shown).is_none_or(|s| s > limit) {
                writeln!(
                    io.err,
                    "{} total {total} is shown rounded above the budget {limit} {currency}, but is within it",
                    io.err_paint.bold("note:"),
                )?;
            }
            Ok(Outcome::Success)
        }
        Verdict::Warn { percent } => {
            writeln!(
                io.err,
                "{} total {total} is past {percent}% of the budget {limit} {currency}",
                io.err_paint.warning("warning:"),
            )?;
            Ok(Outcome::Success)
        }
        Verdict::Over { overrun } => {
            let by = overrun.map_or_else(String::new, |o| format!(" by {o} {currency}"));
            writeln!(
                io.err,
                "{} total {total} is above the budget {limit} {currency}{by}",
                io.err_paint.error("over budget:"),
            )?;
            Ok(Outcome::CheckFailed)
        }
    }
}

/// The form of a batch input: `--input`, else the extension; `None` for standard input
/// without `--input`, whose form the reader tells from its first bytes.
fn input_form(args: &BatchArgs) -> Result<Option<InputFormat>, Error> {
    if let Some(form) = args.input {
        return Ok(Some(form));
    }
    if args.file.as_os_str() == "-" {
        return Ok(None);
    }
    let ext = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Some(InputFormat::Csv)),
        Some("jsonl" | "ndjson") => Ok(Some(InputFormat::Jsonl)),
        _ => Err(Error::Usage(format!(
            "cannot tell the form of {}: its extension is not .csv, .jsonl or .ndjson (give --input csv or --input jsonl)",
            args.file.display()
        ))),
    }
}

fn batch(tariff: &Tariff, args: &BatchArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let name = args.file.display().to_string();
    let cannot_read = |source: std::io::Error| InputError::Io {
        name: name.clone(),
        source,
    };
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        if args.file.is_dir() {
            return Err(cannot_read(std::io::Error::other(
                "it is a directory; expected a job file",
            ))
            .into());
        }
        Box::new(BufReader::with_capacity(
            64 * 1024,
            std::fs::File::open(&args.file).map_err(cannot_read)?,
        ))
    };
    let form = input_form(args)?;
    let options = ReadOptions {
        delimiter: args.delimiter,
        defaults_ok: args.defaults_ok,
    };
    let rows = Rows::open(name.clone(), input, form, options)?;
    let extra = rows.extra_columns().to_vec();
    let (input, body) = rows.into_body();
    let header = BatchHeader {
        tariff,
        extra: &extra,
        summary_only: args.summary,
    };
    let mut sink: Box<dyn BatchSink> = match args.format {
        BatchFormat::Table => Box::<render::table::Batch>::default(),
        BatchFormat::Markdown => Box::<render::markdown::Batch>::default(),
        BatchFormat::Csv => Box::<render::csv::Batch>::default(),
        BatchFormat::Json => Box::<render::json::Batch>::default(),
    };
    let pricer = Pricer::new(tariff, args.allow_out_of_range, !args.summary);
    let settings = workload::Settings {
        skip_invalid: args.skip_invalid,
        rows: !args.summary,
        // CSV rows and totals keep no renderer state between rows, so pieces can go to every core.
        parallel: args.summary || args.format == BatchFormat::Csv,
        err_paint: io.err_paint,
    };
    let run = workload::Batch {
        body: &body,
        name: &name,
        pricer: &pricer,
        header: &header,
        settings,
        // CSV rows keep no renderer state between rows: each worker can render its own.
        worker_sink: || Box::<render::csv::Batch>::default(),
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
    let out: &mut dyn Write = if args.summary { &mut held } else { &mut rows };
    let (totals, started) = workload::run(&run, Box::new(input), sink.as_mut(), out, io.err)?;
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
    Ok(if summary.skipped > 0 {
        Outcome::Incomplete
    } else {
        gated
    })
}

fn afford(tariff: &Tariff, args: &AffordArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    let size = args.size.unwrap_or(model.default_size);
    let budget = args.budget;
    let (answer, steps) = match args.count {
        None => {
            let steps = args.steps.unwrap_or(model.steps.default);
            within_limits(
                model,
                &Job {
                    steps,
                    size,
                    count: 1,
                },
                args.allow_out_of_range,
                io,
            )?;
            (
                afford::images(model, tariff.display, steps, size, budget)?,
                Some(steps),
            )
        }
        Some(count) => {
            within_limits(
                model,
                &Job {
                    steps: model.steps.min,
                    size,
                    count,
                },
                args.allow_out_of_range,
                io,
            )?;
            let (low, high) = if args.allow_out_of_range {
                (1, u32::MAX)
            } else {
                (model.steps.min, model.steps.max)
            };
            (
                afford::steps(model, tariff.display, size, count, budget, low, high)?,
                None,
            )
        }
    };
    let view = AffordView {
        tariff,
        model,
        budget,
        size,
        steps,
        count: args.count,
        answer,
    };
    match args.format {
        AffordFormat::Text => render::text::afford(io.out, &view, io.out_paint)?,
        AffordFormat::Plain => render::plain::afford(io.out, &view)?,
        AffordFormat::Json => render::json::afford(io.out, &view)?,
    }
    Ok(Outcome::Success)
}

fn table(tariff: &Tariff, args: &TableArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let model = pick_model(tariff, args.model.as_deref())?;
    let published = model.published.as_ref();
    let steps = match (&args.steps, published) {
        (Some(list), _) => list.0.clone(),
        (None, Some(p)) => p.rows.iter().map(|r| r.steps).collect(),
        (None, None) => vec![model.steps.default],
    };
    let sizes = match (&args.sizes, published) {
        (Some(list), _) => list.0.clone(),
        (None, Some(p)) => p.sizes.clone(),
        (None, None) => vec![model.default_size],
    };
    // Every cell is a one-image job: the same limits apply as to one job.
    for &s in &steps {
        for &size in &sizes {
            within_limits(
                model,
                &Job {
                    steps: s,
                    size,
                    count: 1,
                },
                args.allow_out_of_range,
                io,
            )?;
        }
    }
    let grid = Grid::compute(model, tariff.display, &steps, &sizes)?;
    let view = GridView {
        tariff,
        model,
        grid: &grid,
    };
    match args.format {
        GridFormat::Table => render::table::grid(io.out, &view)?,
        GridFormat::Markdown => render::markdown::grid(io.out, &view)?,
        GridFormat::Csv => render::csv::grid(io.out, &view)?,
        GridFormat::Json => render::json::grid(io.out, &view)?,
    }
    Ok(Outcome::Success)
}

fn check(
    tariff: &Tariff,
    model: Option<&str>,
    format: CheckFormat,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let models: Vec<&Model> = match model {
        Some(query) => vec![pick_model(tariff, Some(query))?],
        None => tariff.models.iter().collect(),
    };
    let mut view = CheckView {
        tariff,
        checks: Vec::new(),
        unpublished: Vec::new(),
    };
    for model in models {
        match Check::run(model, tariff.display)? {
            Some(check) => view.checks.push((model, check)),
            None => view.unpublished.push(model),
        }
    }
    match format {
        CheckFormat::Table => render::table::check(io.out, &view)?,
        CheckFormat::Markdown => render::markdown::check(io.out, &view)?,
        CheckFormat::Json => render::json::check(io.out, &view)?,
    }
    let passed = view.checks.iter().all(|(_, c)| c.passed());
    Ok(if passed {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
