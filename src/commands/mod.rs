//! Runs a parsed command line: load the tariff, check the input, compute, render.
//!
//! One file per command; `load` finds the tariff and model, `gate` holds the limits and budget
//! checks the pricing commands share.

mod afford;
mod batch;
mod check;
mod compare;
mod diff;
mod fit;
mod gate;
mod github;
mod input;
mod load;
mod man;
mod quote;
mod table;
mod validate;

use std::io::Write;

use crate::cli::{
    BatchFormat, CheckFormat, Cli, Command, ModelsFormat, QuoteFormat, ValidateFormat,
};
use crate::error::{Error, Outcome};
use crate::render::{self, Paint};

pub use load::{MAX_TARIFF_BYTES, TARIFF_ENV, load_tariff, pick_model};

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

/// Standard input can be read once: at most one of the tariff (`--tariff -` or
/// `DIS_PRICE_TARIFF=-`), `--baseline-tariff -`, the batch FILE `-` and `--baseline -` may name it,
/// or a second reader would see it empty and price nothing.
fn refuse_stdin_twice(cli: &Cli, tariff: Option<&std::path::Path>) -> Result<(), Error> {
    let mut readers: Vec<&str> = Vec::new();
    if tariff.is_some_and(load::is_stdin) {
        readers.push(if cli.global.tariff.is_some() {
            "--tariff -"
        } else {
            "DIS_PRICE_TARIFF=-"
        });
    }
    if let Some(Command::Batch(args)) = &cli.command {
        if args.baseline_tariff.as_deref().is_some_and(load::is_stdin) {
            readers.push("--baseline-tariff -");
        }
        if load::is_stdin(&args.file) {
            readers.push("batch - (FILE)");
        }
        if args.baseline.as_deref().is_some_and(load::is_stdin) {
            readers.push("--baseline -");
        }
    }
    match readers.as_slice() {
        [first, second, ..] => Err(Error::Usage(format!(
            "standard input can be read only once, and both {first} and {second} ask for it; give one of them as a file"
        ))),
        _ => Ok(()),
    }
}

/// `--max-age` is for commands that read a tariff to price with or check: not for those that
/// read none, nor for `diff`, whose OLD tariff is old by design.
fn refuse_max_age(cli: &Cli) -> Result<(), Error> {
    let Some(days) = cli.global.max_age else {
        return Ok(());
    };
    let refused = match &cli.command {
        Some(Command::Batch(args)) if args.schema => Some("batch --schema"),
        Some(Command::Tariff(args)) if args.schema => Some("tariff --schema"),
        Some(c @ (Command::Completions { .. } | Command::Man(_) | Command::Diff(_))) => {
            Some(c.name())
        }
        _ => None,
    };
    match refused {
        Some(command) => Err(Error::Usage(format!(
            "--max-age {days} judges the age of the tariff a command prices with, and {command} prices with none; use it with validate or a pricing command"
        ))),
        None => Ok(()),
    }
}

/// Fails a tariff older than `--max-age` days on `today`.
fn check_age(
    tariff: &crate::tariff::Tariff,
    max_age: Option<u32>,
    today: crate::date::Day,
) -> Result<(), Error> {
    match max_age.and_then(|days| crate::checks::too_old(tariff, today, days)) {
        Some(found) => Err(Error::Stale(Box::new(found))),
        None => Ok(()),
    }
}

/// Runs one command. Everything is checked and computed before the first byte is written, so an
/// error leaves standard output empty.
pub fn run(cli: Cli, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let github = match &cli.command {
        Some(Command::Batch(args)) => args.format == BatchFormat::Github && !args.schema,
        Some(Command::Check(args)) => args.format == CheckFormat::Github,
        Some(Command::Validate(args)) => args.format == ValidateFormat::Github,
        _ => false,
    };
    if github {
        github::run(io, |io, report| run_reporting(cli, io, report))
    } else {
        run_reporting(cli, io, &mut github::Report::default())
    }
}

/// [`run`], with what `--format github` reports gathered in `report`.
fn run_reporting(
    cli: Cli,
    io: &mut Streams<'_>,
    report: &mut github::Report,
) -> Result<Outcome, Error> {
    refuse_max_age(&cli)?;
    // Commands that need no tariff, or name their own.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            // clap_complete panics on a write error: generate in memory, then write with checks.
            io.out.write_all(&crate::completions::script(*shell))?;
            return Ok(Outcome::Success);
        }
        Some(Command::Man(args)) => return man::man(args, io),
        Some(Command::Batch(args)) if args.schema => {
            io.out.write_all(crate::render::schema::BATCH.as_bytes())?;
            return Ok(Outcome::Success);
        }
        Some(Command::Tariff(args)) if args.schema => {
            serde_json::to_writer_pretty(&mut *io.out, &crate::tariff::schema::json_schema())
                .map_err(std::io::Error::from)?;
            writeln!(io.out)?;
            return Ok(Outcome::Success);
        }
        _ => {}
    }
    // Today is read only when needed: an explicit --as-of wins, and a bad DIS_PRICE_TODAY is
    // then not even looked at.
    let today = || crate::date::Day::today().map_err(Error::Usage);
    if let Some(Command::Diff(args)) = &cli.command {
        // Accepted and ignored, it would let a reader think diff compared that file.
        if let Some(tariff) = &cli.global.tariff {
            return Err(Error::Usage(format!(
                "diff compares the two tariffs it is given (dis-price diff OLD NEW) and takes no --tariff; drop --tariff {}, or give it as OLD or NEW",
                crate::escape::escaped(&tariff.display().to_string())
            )));
        }
        let day = match cli.global.as_of {
            Some(day) => day,
            None => today()?,
        };
        return diff::diff(args, day, io);
    }
    let path = cli.global.tariff.clone().or_else(|| {
        std::env::var_os(TARIFF_ENV)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    });
    if let Some(Command::Validate(args)) = &cli.command {
        if let (Some(given), Some(flag)) = (&args.path, &cli.global.tariff) {
            return Err(Error::Usage(format!(
                "validate checks one tariff; give it as PATH or as --tariff, not both ({} and --tariff {})",
                crate::escape::escaped(&given.display().to_string()),
                crate::escape::escaped(&flag.display().to_string())
            )));
        }
        return validate::validate(
            args.path.as_deref().or(path.as_deref()),
            args,
            cli.global.max_age,
            today()?,
            io,
            report,
        );
    }
    refuse_stdin_twice(&cli, path.as_deref())?;
    let tariff = load_tariff(path.as_deref())?;
    if cli.global.max_age.is_some() {
        check_age(&tariff, cli.global.max_age, today()?)?;
    }
    let day = match (cli.global.as_of, &cli.command) {
        (Some(day), _) => day,
        // A published grid was read on the tariff's as_of: check it (and fit to it) against the
        // rate in force that day, not today's.
        (None, Some(Command::Check(_) | Command::Fit(_))) if tariff.is_dated() => {
            tariff.as_of.parse().map_err(Error::Usage)?
        }
        (None, _) => today()?,
    };
    let tariff = tariff.on(day);
    match cli.command {
        None => quote::price_one(
            &tariff,
            &cli.job,
            cli.format.unwrap_or(QuoteFormat::Text),
            io,
        ),
        Some(Command::Table(args)) => table::table(&tariff, &args, io),
        Some(Command::Check(args)) => {
            check::check(&tariff, args.model.as_deref(), args.format, io, report)
        }
        Some(Command::Batch(args)) => batch::batch(&tariff, &args, io, report),
        Some(Command::Afford(args)) => afford::afford(&tariff, &args, io),
        Some(Command::Fit(args)) => fit::fit(&tariff, &args, io),
        Some(Command::Models(args)) => {
            match args.format {
                ModelsFormat::Table => render::table::models(io.out, &tariff)?,
                ModelsFormat::Json => render::json::models(io.out, &tariff)?,
                ModelsFormat::Plain => render::plain::models(io.out, &tariff)?,
            }
            Ok(Outcome::Success)
        }
        Some(Command::Tariff(_)) => {
            io.out.write_all(tariff.text.as_bytes())?;
            Ok(Outcome::Success)
        }
        Some(
            Command::Completions { .. } | Command::Man(_) | Command::Diff(_) | Command::Validate(_),
        ) => Ok(Outcome::Success),
    }
}
