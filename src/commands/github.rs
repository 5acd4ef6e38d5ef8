//! `--format github` for `batch`, `validate` and `check`: the command runs as it would for
//! markdown, with what it would print kept for the job summary; its warnings and errors become
//! annotations on standard output (and stay on standard error, for the log); one notice tells
//! the total or the change. With `GITHUB_STEP_SUMMARY` set, the markdown is appended to that
//! file; with `GITHUB_OUTPUT` set, the step outputs are appended to that one.

use std::io::Write;

use super::Streams;
use crate::error::{Error, Outcome};
use crate::render::github::{Annotation, Annotations, Level, outputs};

/// The most of a job summary one step may append: GitHub takes up to 1 MiB.
const SUMMARY_LIMIT: usize = 1024 * 1024 - 1024;

/// The most of standard error kept to be read for annotations; past it, the rest is in the log.
const KEPT: usize = 1024 * 1024;

/// What a command reports to GitHub besides its annotations.
#[derive(Debug, Default)]
pub(super) struct Report {
    /// The markdown for the job summary.
    pub summary: String,
    /// Step outputs, in order.
    pub outputs: Vec<(&'static str, String)>,
    /// The one notice: the total or the change.
    pub notice: Option<String>,
    /// The file rows and errors without a file of their own are placed in.
    pub file: Option<String>,
    /// Annotations the command made itself (with places the text of standard error lacks).
    pub annotations: Vec<Annotation>,
    /// Whether standard error's warnings and errors are annotations too (batch; validate and
    /// check annotate their own).
    pub read_stderr: bool,
    /// A comparison's sides as its messages name them (`base.csv`, or `base.csv under
    /// old.toml`), each with its file: a message is placed by the name it starts with, never
    /// by cutting a file name that holds ` under ` or `: error: ` itself.
    pub sides: Vec<(String, String)>,
}

/// Standard error, written through and kept (up to [`KEPT`] bytes) to be read afterwards.
struct Tee<'w> {
    inner: &'w mut dyn Write,
    kept: Vec<u8>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let room = KEPT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&buf[..n.min(room)]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `command` for GitHub: see the module's front.
pub(super) fn run(
    io: &mut Streams<'_>,
    command: impl FnOnce(&mut Streams<'_>, &mut Report) -> Result<Outcome, Error>,
) -> Result<Outcome, Error> {
    let mut report = Report::default();
    let mut tee = Tee {
        inner: &mut *io.err,
        kept: Vec::new(),
    };
    let mut ignored = Vec::new();
    let result = {
        let mut inner = Streams {
            out: &mut ignored,
            err: &mut tee,
            out_paint: crate::render::Paint { enabled: false },
            err_paint: crate::render::Paint { enabled: false },
            out_gone: io.out_gone,
        };
        command(&mut inner, &mut report)
    };
    let kept = String::from_utf8_lossy(&tee.kept).into_owned();
    let mut found = Annotations::default();
    for a in std::mem::take(&mut report.annotations) {
        found.push(a);
    }
    if report.read_stderr {
        for line in kept.lines() {
            if let Some(a) = from_stderr(line, report.file.as_deref(), &report.sides) {
                found.push(a);
            }
        }
    }
    if let Err(e) = &result {
        for a in from_error(e, report.file.as_deref(), &report.sides) {
            found.push(a);
        }
    }
    if let Some(notice) = &report.notice {
        found.push(Annotation::new(Level::Notice, "dis-price", notice.clone()));
    }
    found.write(io.out)?;
    if result.is_err() {
        // A run that stopped has no figures; the outputs still say it failed.
        report.outputs = vec![("verdict", "fail".to_owned())];
        report.summary.clear();
    }
    publish(&report)?;
    result
}

/// Appends the summary and the outputs to the files GitHub names, when it names them.
fn publish(report: &Report) -> Result<(), Error> {
    let append = |var: &str, text: &str| -> Result<(), Error> {
        let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| {
                Error::Usage(format!(
                    "cannot append to {var} ({}): {e}",
                    crate::escape::escaped(&std::path::Path::new(&path).display().to_string())
                ))
            })
    };
    if !report.summary.is_empty() {
        let mut summary = report.summary.clone();
        if summary.len() > SUMMARY_LIMIT {
            let mut cut = SUMMARY_LIMIT;
            while !summary.is_char_boundary(cut) {
                cut -= 1;
            }
            summary.truncate(cut);
            summary.push_str("\n\n(cut at GitHub's limit for a job summary)\n");
        }
        if !summary.ends_with('\n') {
            summary.push('\n');
        }
        append("GITHUB_STEP_SUMMARY", &summary)?;
    }
    if !report.outputs.is_empty() {
        append("GITHUB_OUTPUT", &outputs(&report.outputs))?;
    }
    Ok(())
}

/// The labels standard error's lines start with, and what each becomes.
const LABELS: [(&str, Level, &str); 5] = [
    ("error: ", Level::Error, "error"),
    ("cost rise: ", Level::Error, "cost rise"),
    ("over budget: ", Level::Error, "over budget"),
    ("warning: ", Level::Warning, "warning"),
    ("note: ", Level::Notice, ""),
];

/// A line of standard error as an annotation: its level from its label, its file from the
/// comparison side its line starts with (`base.csv: warning: ...`, one of `sides`) or else
/// `file`, its line from `line N:` or `skipped line N:`. Notes are no annotation (GitHub shows
/// few notices).
fn from_stderr(text: &str, file: Option<&str>, sides: &[(String, String)]) -> Option<Annotation> {
    // The side the line starts with, by its whole name, and the text after it.
    let (side, rest) = sides
        .iter()
        .filter_map(|(name, file)| {
            let rest = text.strip_prefix(name.as_str())?.strip_prefix(": ")?;
            Some((Some(file.as_str()), rest, name.len()))
        })
        .max_by_key(|found| found.2)
        .map_or((None, text), |(side, rest, _)| (side, rest));
    let (level, title, label) = LABELS
        .iter()
        .find(|(label, _, _)| rest.starts_with(label))
        .map(|&(label, level, title)| (level, title, label))?;
    if level == Level::Notice {
        return None;
    }
    let text = rest;
    let at = 0;
    let message = &text[at + label.len()..];
    let (title, rest) = match message.strip_prefix("skipped line ") {
        Some(rest) => ("skipped row", rest),
        None => (title, message.strip_prefix("line ").unwrap_or("")),
    };
    // The line goes in the annotation's place, not its text.
    let placed = rest
        .split_once(": ")
        .and_then(|(n, text)| Some((n.parse::<u64>().ok()?, text)));
    let line = placed.map(|(n, _)| n);
    let message = match placed {
        Some((_, text)) if title == "skipped row" => format!("skipped: {text}"),
        Some((_, text)) => text.to_owned(),
        None => message.to_owned(),
    };
    // A line about no row (a gate, the total) is placed in the workload's file, at no line.
    let title = if line.is_none() && level == Level::Warning {
        "cost warning"
    } else {
        title
    };
    let file = side.or(file).filter(|f| *f != "-");
    Some(Annotation::new(level, title, message).at(file, line))
}

/// An error that stopped the run as annotations: a tariff's problems each at its line and
/// column, a bad row at its line, anything else unplaced.
fn from_error(e: &Error, file: Option<&str>, sides: &[(String, String)]) -> Vec<Annotation> {
    let tariff_file = |name: &str| {
        (name != "built-in tariff" && name != "standard input").then(|| name.to_owned())
    };
    let placed = |d: &crate::tariff::Diagnostic, level: Level, title: &str| Annotation {
        level,
        file: tariff_file(&d.file),
        line: Some(d.line as u64),
        col: Some(d.column as u64),
        title: Some(title.to_owned()),
        message: format!("{}: {}", d.key, d.message),
    };
    match e {
        Error::Tariff(all) => all
            .0
            .iter()
            .map(|d| placed(d, Level::Error, "invalid tariff"))
            .collect(),
        Error::Stale(d) => vec![placed(d, Level::Error, "stale tariff")],
        Error::BadRow(row) => vec![
            Annotation::new(Level::Error, "bad row", e.to_string())
                .at(file.filter(|f| *f != "-"), Some(row.line)),
        ],
        // A comparison's side is named as its messages name it (`FILE under TARIFF` with two
        // tariffs): placed in that side's file.
        Error::InFile { file: name, source } => {
            let side = sides
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, f)| f.as_str());
            from_error(source, Some(side.unwrap_or(name)), sides)
        }
        other => vec![Annotation::new(Level::Error, "error", other.to_string()).at(file, None)],
    }
}

/// Annotations for a tariff's warnings (`validate`), each at its line and column.
pub(super) fn warnings(found: &[crate::tariff::Diagnostic]) -> Vec<Annotation> {
    found
        .iter()
        .map(|d| Annotation {
            level: Level::Warning,
            file: (d.file != "built-in tariff" && d.file != "standard input")
                .then(|| d.file.clone()),
            line: Some(d.line as u64),
            col: Some(d.column as u64),
            title: Some("tariff warning".to_owned()),
            message: format!("{}: {}", d.key, d.message),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_lines_become_placed_annotations() {
        let a = from_stderr(
            "warning: skipped line 3: steps \"1.5\": not a whole number",
            Some("jobs.csv"),
            &[],
        )
        .unwrap();
        assert_eq!(
            a.command(),
            "::warning file=jobs.csv,line=3,title=skipped row::skipped: steps \"1.5\": not a whole number\n"
        );
        let sides = [
            ("base.csv under old.toml".to_owned(), "base.csv".to_owned()),
            ("jobs.csv under new.toml".to_owned(), "jobs.csv".to_owned()),
        ];
        let a = from_stderr(
            "base.csv under old.toml: warning: line 4: steps 60 is outside",
            Some("jobs.csv"),
            &sides,
        )
        .unwrap();
        assert_eq!((a.file.as_deref(), a.line), (Some("base.csv"), Some(4)));
        // A file whose name holds ` under ` or `: error: ` is placed by its whole name, and a
        // warning stays a warning.
        let odd = [
            (
                "old under review.csv".to_owned(),
                "old under review.csv".to_owned(),
            ),
            ("x: error: y.csv".to_owned(), "x: error: y.csv".to_owned()),
        ];
        let a = from_stderr(
            "old under review.csv: warning: line 2: steps 60 is outside",
            None,
            &odd,
        )
        .unwrap();
        assert_eq!(
            (a.file.as_deref(), a.line),
            (Some("old under review.csv"), Some(2))
        );
        let a = from_stderr("x: error: y.csv: warning: line 2: steps 60", None, &odd).unwrap();
        assert_eq!(
            (a.level, a.file.as_deref()),
            (Level::Warning, Some("x: error: y.csv"))
        );
        let a = from_stderr("cost rise: the total rises by 1 USD", Some("jobs.csv"), &[]).unwrap();
        assert_eq!(
            a.command(),
            "::error file=jobs.csv,title=cost rise::the total rises by 1 USD\n"
        );
        assert_eq!(from_stderr("note: a note", None, &[]), None);
        assert_eq!(from_stderr("something else", None, &[]), None);
    }
}
