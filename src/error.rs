//! The error type, and the one place that maps an outcome or an error to an exit status.

use std::io;
use std::path::PathBuf;

use crate::batch::RowError;
use crate::batch::row::InputError;
use crate::job::Breach;
use crate::pricing::{TooLarge, TooLargeTotal};
use crate::tariff::Diagnostics;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a check failed (a published cell is off).
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit status: bad usage or bad input.
pub const EXIT_BAD_INPUT: u8 = 2;

/// How a command that did not fail ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// All well.
    Success,
    /// The command ran, and what it checked did not pass (a published cell off, over budget).
    CheckFailed,
    /// The command ran to the end but skipped bad input it reported.
    Incomplete,
}

impl Outcome {
    /// The exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => EXIT_OK,
            Outcome::CheckFailed => EXIT_CHECK_FAILED,
            Outcome::Incomplete => EXIT_BAD_INPUT,
        }
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tariff that does not pass its checks.
    #[error("{0}")]
    Tariff(Diagnostics),

    /// A tariff file that cannot be read.
    #[error("cannot read tariff {}: {reason}", crate::escape::escaped(&path.display().to_string()))]
    ReadTariff {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// A tariff file that cannot be rewritten (`fit --write`); it is left as it was.
    #[error("cannot write tariff {}: {reason}", path.display())]
    WriteTariff {
        /// The file named.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// Man pages that cannot be written (`man --dir`).
    #[error("cannot write man pages to {}: {reason}", crate::escape::escaped(&dir.display().to_string()))]
    WritePages {
        /// The folder named.
        dir: PathBuf,
        /// Why, and what was written before it.
        reason: String,
    },

    /// A model that the tariff does not have.
    #[error("unknown model {given:?}{}; the tariff has: {}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default(), known.join(", "))]
    UnknownModel {
        /// What was asked for.
        given: String,
        /// The nearest id or alias.
        suggestion: Option<String>,
        /// Every model, as `id (aliases)`.
        known: Vec<String>,
    },

    /// A day before a model's first dated rate.
    #[error(
        "model {model:?} has no rate on {day}: its first rate takes effect on {first} (price a day from {first} on with --as-of, or add the rate in force before it to the tariff)"
    )]
    NoRateYet {
        /// The model's id.
        model: String,
        /// The day asked for.
        day: crate::date::Day,
        /// Its first rate's day.
        first: crate::date::Day,
    },

    /// A job the API would refuse.
    #[error("{}; the API would refuse this job (--allow-out-of-range prices it anyway)", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    OutOfRange(Vec<Breach>),

    /// A bad row in a batch, when bad rows stop the run.
    #[error("{0}")]
    BadRow(#[from] RowError),

    /// A batch input that cannot be read.
    #[error(transparent)]
    Input(#[from] InputError),

    /// A batch whose input form cannot be told.
    #[error("{0}")]
    Usage(String),

    /// A batch total too large to compute exactly.
    #[error(transparent)]
    TotalTooLarge(#[from] TooLargeTotal),

    /// A fit that cannot be made.
    #[error(transparent)]
    Fit(#[from] crate::fit::FitError),

    /// A budget's answer that cannot be given exactly.
    #[error(transparent)]
    Afford(#[from] crate::afford::AffordError),

    /// A published price too far from the computed one to compare exactly.
    #[error(transparent)]
    Check(#[from] crate::grid::CheckError),

    /// A price too large to compute exactly.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),

    /// Two tariffs that cannot be compared.
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),

    /// An error in one of two job files being compared, named by the file.
    #[error("{}: {source}", crate::escape::escaped(file))]
    InFile {
        /// The file as named on the command line.
        file: String,
        /// What went wrong in it.
        source: Box<Error>,
    },

    /// A tariff older than `--max-age` allows: exit 1, as a failed check.
    #[error("stale tariff: {0}")]
    Stale(Box<crate::tariff::Diagnostic>),

    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
}

impl Error {
    /// The exit status: 2 for every error but a stale tariff (1, a failed check) and a closed
    /// output pipe, which ends quietly with 0.
    pub fn exit_code(&self) -> u8 {
        if self.is_broken_pipe() {
            EXIT_OK
        } else if matches!(self, Error::Stale(_)) {
            EXIT_CHECK_FAILED
        } else {
            EXIT_BAD_INPUT
        }
    }

    /// Whether the reader of the output went away (`dis-price table | head -n 1`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Tariff(d)
    }
}
