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

/// Standard input, a pipe or a FIFO can be read once: at most one of the tariff (`--tariff` or
/// `DIS_PRICE_TARIFF`), `--audio`, `--baseline-tariff`, the batch FILE and `--baseline` may name it, by any
/// name (`-`, `/dev/stdin`, `/dev/fd/0`, the FIFO's path), or a second reader would see it empty
/// and price nothing (or wait for a writer that never comes).
fn refuse_read_twice(cli: &Cli, tariff: Option<&std::path::Path>) -> Result<(), Error> {
    let mut readers: Vec<(String, &std::path::Path)> = Vec::new();
    if let Some(path) = tariff {
        let how = if cli.global.tariff.is_some() {
            "--tariff"
        } else {
            "DIS_PRICE_TARIFF="
        };
        readers.push((format!("{how}{}", shown_path(path, how)), path));
    }
    if cli.command.is_none()
        && let Some(path) = cli.job.audio.as_deref()
    {
        readers.push((format!("--audio {}", path.display()), path));
    }
    if let Some(Command::Diff(args)) = &cli.command {
        readers.push((format!("diff {} (OLD)", args.old.display()), &args.old));
        if let Some(path) = args.new.as_deref() {
            readers.push((format!("{} (NEW)", path.display()), path));
        }
    }
    if let Some(Command::Batch(args)) = &cli.command {
        if let Some(path) = args.baseline_tariff.as_deref() {
            readers.push((format!("--baseline-tariff {}", path.display()), path));
        }
        readers.push((format!("batch {} (FILE)", args.file.display()), &args.file));
        if let Some(path) = args.baseline.as_deref() {
            readers.push((format!("--baseline {}", path.display()), path));
        }
    }
    let once: Vec<(&String, Option<(u64, u64)>)> = readers
        .iter()
        .map(|(name, path)| (name, read_once_identity(path)))
        .collect();
    for (at, (second, id)) in once.iter().enumerate() {
        let Some(id) = id else { continue };
        if let Some((first, _)) = once[..at].iter().find(|(_, other)| *other == Some(*id)) {
            let what = if readers[at].1.as_os_str() == "-" || is_stdin_alias(readers[at].1) {
                "standard input"
            } else {
                "a pipe"
            };
            return Err(Error::Usage(format!(
                "{what} can be read only once, and both {first} and {second} ask for it; give one of them as a file"
            )));
        }
    }
    Ok(())
}

/// How a tariff path is shown after its flag: `--tariff -`, `DIS_PRICE_TARIFF=-`.
fn shown_path(path: &std::path::Path, how: &str) -> String {
    let sep = if how.ends_with('=') { "" } else { " " };
    format!("{sep}{}", path.display())
}

/// Whether `path` is one of the names Linux gives standard input.
fn is_stdin_alias(path: &std::path::Path) -> bool {
    ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
        .iter()
        .any(|alias| path.as_os_str() == *alias)
}

/// What `path` reads, when it can be read only once (`-`, which is the one open standard input,
/// or a pipe, a FIFO or a terminal by any name): its device and inode, so two names for it are
/// told apart from two inputs. `None` for a plain file named by its path, which opens afresh
/// each time, or a path that cannot be looked at (its reader says why).
fn read_once_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    let stdin = path.as_os_str() == "-";
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let target = if stdin {
            std::path::Path::new("/dev/stdin")
        } else {
            path
        };
        match std::fs::metadata(target) {
            // `-` is the one open standard input, whatever it is: read once.
            Ok(m) if stdin || (!m.is_file() && !m.is_dir()) => return Some((m.dev(), m.ino())),
            Ok(_) => return None,
            // Standard input that cannot be looked at is still read once.
            Err(_) => {}
        }
    }
    // Without a device and inode to compare, only the name `-` is known to be read once.
    stdin.then_some((u64::MAX, u64::MAX))
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
        refuse_read_twice(&cli, None)?;
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
    refuse_read_twice(&cli, path.as_deref())?;
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
