//! One whole-program case for the `run` fuzz target, shared with the test suite
//! (`tests/cli/fuzz_cases.rs` includes this file), so a saved case is replayed with exactly the
//! property the fuzzer checked.
//!
//! A case is text, so seeds and crashes can be read and written by hand:
//!
//! ```text
//! batch            <- one argument per line, up to the first section
//! @rows
//! --format
//! json
//! ==== rows.csv    <- a job file; @rows names it (its extension is the header's)
//! steps,size
//! 20,512
//! ==== A           <- a tariff file; @A names it (the built-in text when absent); also B
//! ...
//! ==== out 40 pipe <- stdout fails after 40 bytes (other | pipe | zero); also `err`
//! ```
//!
//! Arguments may also say `@dir` (the work directory) and `@missing` (a file that does not
//! exist). An argument that is `-` (standard input), holds a `/`, or names an existing path is
//! dropped, so a case reads and writes only the work directory.
//!
//! The property: `dis_price::run` never panics; the result maps to exit status 0, 1 or 2; an
//! error has a message and, outside `batch` (which streams rows), leaves stdout empty; a success
//! writes something; JSON output parses, CSV output is rectangular, `plain` output is one
//! number; the same case run again writes the same bytes; and a write that fails ends the run
//! with that write error, never a success.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use dis_price::axis::{SizeList, StepsList};
use dis_price::cli::{
    AffordArgs, AffordFormat, BatchFormat, CheckFormat, Cli, Command, FitFormat, GridFormat,
    ModelsFormat, QuoteFormat, TableFormat,
};
use dis_price::render::Paint;
use dis_price::{Error, Outcome, Streams};

/// The most grid cells a case may ask for, so one execution stays in milliseconds.
pub const MAX_CELLS: usize = 10_000;

/// How a failing stream fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An error of kind `Other` (a full disk).
    Other,
    /// A closed pipe: the run must end quietly with 0.
    Pipe,
    /// `Ok(0)` from `write`: nothing taken.
    Zero,
}

/// A case as read from its text.
#[derive(Debug, Default)]
pub struct Case {
    /// The arguments after the program name, before placeholders are filled in.
    pub args: Vec<String>,
    /// Tariff file A (`None`: the built-in text).
    pub tariff_a: Option<Vec<u8>>,
    /// Tariff file B.
    pub tariff_b: Option<Vec<u8>>,
    /// The job file's extension (without the dot; empty for none) and bytes.
    pub rows: Option<(String, Vec<u8>)>,
    /// Standard output fails after this many bytes.
    pub out_fails: Option<(usize, Failure)>,
    /// Standard error fails after this many bytes.
    pub err_fails: Option<(usize, Failure)>,
}

impl Case {
    /// Reads a case; every byte string is some case.
    pub fn parse(bytes: &[u8]) -> Case {
        let mut case = Case::default();
        let mut sections = split(bytes, b"\n==== ");
        let args = sections.next().unwrap_or_default();
        if !args.is_empty() {
            case.args = args
                .split(|&b| b == b'\n')
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
        }
        for section in sections {
            let (head, body) = match section.iter().position(|&b| b == b'\n') {
                Some(at) => (&section[..at], section[at + 1..].to_vec()),
                None => (section, Vec::new()),
            };
            let head = String::from_utf8_lossy(head);
            let words: Vec<&str> = head.split_whitespace().collect();
            match words.as_slice() {
                ["A"] => case.tariff_a = Some(body),
                ["B"] => case.tariff_b = Some(body),
                [name, ..] if name.starts_with("rows") => {
                    let ext: String = name
                        .strip_prefix("rows")
                        .and_then(|e| e.strip_prefix('.'))
                        .unwrap_or("")
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .take(8)
                        .collect();
                    case.rows = Some((ext, body));
                }
                [stream @ ("out" | "err"), after, how @ ..] => {
                    let Ok(after) = after.parse::<u16>() else {
                        continue;
                    };
                    let how = match how.first() {
                        Some(&"pipe") => Failure::Pipe,
                        Some(&"zero") => Failure::Zero,
                        _ => Failure::Other,
                    };
                    let fails = Some((usize::from(after), how));
                    if *stream == "out" {
                        case.out_fails = fails;
                    } else {
                        case.err_fails = fails;
                    }
                }
                _ => {}
            }
        }
        case
    }
}

/// `bytes` cut at each `separator` (which is dropped).
fn split<'a>(bytes: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let now = rest?;
        match now.windows(separator.len()).position(|w| w == separator) {
            Some(at) => {
                rest = Some(&now[at + separator.len()..]);
                Some(&now[..at])
            }
            None => {
                rest = None;
                Some(now)
            }
        }
    })
}

/// The directory a case's files are written to, reused from case to case.
pub struct Workspace {
    dir: PathBuf,
    /// The built-in tariff's text, for a tariff file the case does not give.
    builtin: String,
    /// What each file holds now, so an unchanged file is not written again.
    written: HashMap<PathBuf, Vec<u8>>,
}

impl Workspace {
    /// Uses `dir`, which must exist and belong to this process.
    pub fn new(dir: PathBuf) -> Workspace {
        Workspace {
            dir,
            builtin: dis_price::checks::builtin()
                .expect("the built-in tariff loads")
                .text,
            written: HashMap::new(),
        }
    }

    fn put(&mut self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        if self.written.get(&path).map(Vec::as_slice) != Some(bytes) {
            std::fs::write(&path, bytes).expect("the work directory is writable");
            self.written.insert(path.clone(), bytes.to_vec());
        }
        path
    }

    /// Writes the case's files; returns the placeholders and what they stand for.
    fn lay_out(&mut self, case: &Case) -> Vec<(&'static str, String)> {
        let builtin = self.builtin.clone().into_bytes();
        let a = self.put("a.toml", case.tariff_a.as_deref().unwrap_or(&builtin));
        let b = self.put("b.toml", case.tariff_b.as_deref().unwrap_or(&builtin));
        let (ext, rows) = case.rows.as_ref().map_or(("csv", &[][..]), |(e, r)| (e, r));
        let name = if ext.is_empty() {
            "jobs".to_owned()
        } else {
            format!("jobs.{ext}")
        };
        let rows = self.put(&name, rows);
        let show = |p: &Path| p.display().to_string();
        vec![
            ("@rows", show(&rows)),
            ("@A", show(&a)),
            ("@B", show(&b)),
            ("@dir", show(&self.dir)),
            ("@missing", show(&self.dir.join("missing.toml"))),
        ]
    }

    /// Forgets what the files hold (a command may have rewritten one).
    fn forget(&mut self) {
        self.written.clear();
    }
}

/// The command line for a case: placeholders filled in, unsafe arguments dropped.
fn command_line(case: &Case, places: &[(&'static str, String)]) -> Vec<String> {
    let mut argv = vec!["dis-price".to_owned()];
    for arg in &case.args {
        let value = match arg.split_once('=') {
            Some((_, v)) if arg.starts_with('-') => v,
            _ => arg.as_str(),
        };
        let names_a_path =
            !value.is_empty() && !value.starts_with('@') && Path::new(value).exists();
        if value == "-" || value.contains('/') || names_a_path {
            continue;
        }
        let mut arg = arg.clone();
        for (place, path) in places {
            arg = arg.replace(place, path);
        }
        argv.push(arg);
    }
    argv
}

/// What form standard output takes, where that can be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Json,
    Csv,
    /// One decimal amount.
    Amount,
    /// One whole number.
    Whole,
    Other,
}

fn form_of(cli: &Cli) -> Form {
    let grid = |f: GridFormat| match f {
        GridFormat::Json => Form::Json,
        GridFormat::Csv => Form::Csv,
        GridFormat::Table | GridFormat::Markdown => Form::Other,
    };
    match &cli.command {
        None => match cli.format {
            Some(QuoteFormat::Json) => Form::Json,
            Some(QuoteFormat::Plain) => Form::Amount,
            _ => Form::Other,
        },
        Some(Command::Table(a)) => match a.format {
            TableFormat::Json => Form::Json,
            TableFormat::Csv => Form::Csv,
            TableFormat::Table
            | TableFormat::Markdown
            | TableFormat::Plain
            | TableFormat::Svg
            | TableFormat::Html => Form::Other,
        },
        Some(Command::Diff(a)) => grid(a.format),
        Some(Command::Check(a)) if a.format == CheckFormat::Json => Form::Json,
        Some(Command::Batch(a)) => match a.format {
            BatchFormat::Json => Form::Json,
            BatchFormat::Csv => Form::Csv,
            _ => Form::Other,
        },
        Some(Command::Afford(AffordArgs { format, .. })) => match format {
            AffordFormat::Json => Form::Json,
            AffordFormat::Plain => Form::Whole,
            AffordFormat::Text => Form::Other,
        },
        Some(Command::Models(a)) if a.format == ModelsFormat::Json => Form::Json,
        Some(Command::Fit(a)) if a.format == FitFormat::Json => Form::Json,
        Some(Command::Tariff(a)) if a.schema => Form::Json,
        _ => Form::Other,
    }
}

/// Grid cells the command line asks for; an axis left to the tariff counts as 100.
fn cells(cli: &Cli) -> usize {
    let (steps, sizes): (Option<&StepsList>, Option<&SizeList>) = match &cli.command {
        Some(Command::Table(a)) => (a.steps.as_ref(), a.sizes.as_ref()),
        Some(Command::Diff(a)) => (a.steps.as_ref(), a.sizes.as_ref()),
        _ => return 1,
    };
    steps.map_or(100, |l| l.0.len()) * sizes.map_or(100, |l| l.0.len())
}

/// A stream that takes `left` bytes (a few at a time), then fails.
struct Failing {
    taken: Vec<u8>,
    left: usize,
    how: Failure,
    failed: bool,
}

impl Failing {
    fn new(fails: Option<(usize, Failure)>) -> Failing {
        let (left, how) = fails.unwrap_or((usize::MAX, Failure::Other));
        Failing {
            taken: Vec::new(),
            left,
            how,
            failed: false,
        }
    }
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            self.failed = true;
            return match self.how {
                Failure::Other => Err(io::Error::other("no space left (fuzz)")),
                Failure::Pipe => Err(ErrorKind::BrokenPipe.into()),
                Failure::Zero => Ok(0),
            };
        }
        // Short writes: a caller that ignores how much was taken loses bytes.
        let n = buf.len().min(self.left).min(7);
        self.taken.extend_from_slice(&buf[..n]);
        self.left -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One run: (result, stdout, stderr, whether a stream failed).
fn run_once(
    argv: &[String],
    out_fails: Option<(usize, Failure)>,
    err_fails: Option<(usize, Failure)>,
) -> (Result<Outcome, Error>, Vec<u8>, Vec<u8>, bool) {
    let cli = Cli::try_parse_from(argv).expect("parsed once already");
    let (mut out, mut err) = (Failing::new(out_fails), Failing::new(err_fails));
    let gone = std::cell::Cell::new(false);
    let mut streams = Streams {
        out: &mut out,
        err: &mut err,
        out_paint: Paint { enabled: false },
        err_paint: Paint { enabled: false },
        out_gone: &gone,
    };
    let result = dis_price::run(cli, &mut streams);
    let failed = out.failed || err.failed;
    (result, out.taken, err.taken, failed)
}

/// How far a case went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reached {
    /// Clap (or the one-job flag check) ended it with this status: a usage error, or help.
    Usage(i32),
    /// It asks for more than [`MAX_CELLS`] grid cells and was not run.
    TooLarge,
    /// It ran and would exit with this status.
    Exit(u8),
}

/// Runs `bytes` as a case in `space`, asserting the property (module docs).
pub fn check(bytes: &[u8], space: &mut Workspace) -> Reached {
    let case = Case::parse(bytes);
    let places = space.lay_out(&case);
    let argv = command_line(&case, &places);
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return usage(&argv, &e),
    };
    if let Err(e) = cli.check_job_flags() {
        return usage(&argv, &e);
    }
    if cells(&cli) > MAX_CELLS {
        return Reached::TooLarge;
    }
    let form = form_of(&cli);
    let streams_rows = matches!(cli.command, Some(Command::Batch(_)));
    let rewrites = matches!(&cli.command, Some(Command::Fit(a)) if a.write);
    drop(cli);

    let (result, out, err, _) = run_once(&argv, None, None);
    let shown = || {
        format!(
            "{argv:?}\nresult: {result:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        )
    };
    let code = match &result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => e.exit_code(),
    };
    assert!(code <= 2, "exit status {code}: {}", shown());
    match &result {
        Err(e) => {
            assert!(
                !e.to_string().trim().is_empty(),
                "an error without a message: {}",
                shown()
            );
            assert!(
                !matches!(e, Error::Output(_)),
                "a write to a buffer failed: {}",
                shown()
            );
            if !streams_rows {
                assert!(out.is_empty(), "an error after output: {}", shown());
            }
        }
        Ok(outcome) => {
            assert!(!out.is_empty(), "a success that wrote nothing: {}", shown());
            if *outcome == Outcome::Incomplete {
                assert!(!err.is_empty(), "rows skipped without a word: {}", shown());
            }
            output_has_its_form(form, &out, &shown);
        }
    }

    // The same case again, into streams that fail (or, without a failure asked for, into
    // streams that take a few bytes at a time): the same bytes, up to the failure.
    if rewrites {
        space.forget();
        space.lay_out(&case);
    }
    let (again, out2, err2, failed) = run_once(&argv, case.out_fails, case.err_fails);
    if rewrites {
        space.forget();
    }
    let shown2 = || format!("{}\nagain: {again:?}", shown());
    assert!(
        out.starts_with(&out2),
        "stdout differs on a second run: {}",
        shown2()
    );
    assert!(
        err.starts_with(&err2),
        "stderr differs on a second run: {}",
        shown2()
    );
    if failed {
        match &again {
            Err(Error::Output(_)) => {}
            _ => panic!("a failed write did not end the run with it: {}", shown2()),
        }
    } else {
        assert_eq!(
            format!("{result:?}"),
            format!("{again:?}"),
            "a second run ended otherwise: {}",
            shown2()
        );
        assert_eq!(
            (out.len(), err.len()),
            (out2.len(), err2.len()),
            "{}",
            shown2()
        );
    }
    Reached::Exit(code)
}

/// A command line clap refuses (or help): status 2 (0 for help and version), with text.
fn usage(argv: &[String], e: &clap::Error) -> Reached {
    let code = e.exit_code();
    assert!(code == 0 || code == 2, "{argv:?}: clap exit status {code}");
    assert!(
        !e.to_string().trim().is_empty(),
        "{argv:?}: a usage error without text"
    );
    Reached::Usage(code)
}

fn output_has_its_form(form: Form, out: &[u8], shown: &dyn Fn() -> String) {
    let text = std::str::from_utf8(out).unwrap_or_else(|_| panic!("output not UTF-8: {}", shown()));
    match form {
        Form::Json => {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(text);
            assert!(
                parsed.is_ok(),
                "JSON output does not parse ({parsed:?}): {}",
                shown()
            );
        }
        Form::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(out);
            for record in reader.records() {
                assert!(
                    record.is_ok(),
                    "CSV output does not read ({record:?}): {}",
                    shown()
                );
            }
        }
        Form::Amount | Form::Whole => {
            let line = text
                .strip_suffix('\n')
                .unwrap_or_else(|| panic!("no newline: {}", shown()));
            let ok = if form == Form::Amount {
                line.parse::<rust_decimal::Decimal>()
                    .is_ok_and(|d| !d.is_sign_negative() && line == d.to_string())
            } else {
                line.parse::<u64>().is_ok_and(|n| line == n.to_string())
            };
            assert!(ok, "plain output is not one number: {}", shown());
        }
        Form::Other => {}
    }
}
