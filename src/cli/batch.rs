//! `batch`'s flags: the job file, its reading, and a cost change's baseline, gates and labels.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::Args;
use rust_decimal::Decimal;

use super::{BatchFormat, BudgetArgs, parse_ignore_key};
use crate::batch::InputFormat;
use crate::exact::Exact;
use crate::number::flags::{
    parse_change, parse_delimiter, parse_increase, parse_seconds, parse_tokens,
};
use crate::review::Thresholds;

/// `batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The job file, or - for standard input [default: standard input, when it is not a
    /// terminal].
    // Empty (and so never a file) only with --schema, which reads no file; see
    // `Cli::batch_from_a_pipe` for a FILE left out.
    #[arg(
        value_name = "FILE",
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from),
        default_value = "",
        hide_default_value = true,
        value_hint = clap::ValueHint::FilePath
    )]
    pub file: PathBuf,

    /// The input form [default: from the extension; a stream's from its first line].
    #[arg(long, value_enum, value_name = "FORM")]
    pub input: Option<InputFormat>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = BatchFormat::Table)]
    pub format: BatchFormat,

    /// Print only the totals: no per-job rows.
    #[arg(long)]
    pub summary: bool,

    /// Cap on output tokens per choice for chat request lines that give no max_tokens (instead of
    /// the model's default cap), or -1 (no cap): their price is then an upper bound at this
    /// many output tokens per choice.
    #[arg(long, value_name = "N", value_parser = parse_tokens)]
    pub max_output_tokens: Option<u64>,

    /// Estimate the audio of speech request lines that give no seconds: this many seconds
    /// per character of their input text (an exact decimal, e.g. 0.06). Marked as estimates.
    #[arg(long, value_name = "RATE", value_parser = parse_seconds)]
    pub seconds_per_char: Option<Decimal>,

    /// Report bad rows on stderr and price the rest (the exit status is still 2).
    #[arg(long)]
    pub skip_invalid: bool,

    /// The CSV field separator: one ASCII character, or `tab`.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, default_value = ",")]
    pub delimiter: u8,

    /// Accept input in which nothing affects the price: every job is then the model's defaults.
    #[arg(long)]
    pub defaults_ok: bool,

    /// Leave this JSON Lines key out of the price, besides those always left out (repeatable).
    ///
    /// For a key of your own in request bodies (`"trace_id"`). A key that sets the price
    /// (model, steps, size, n, ...) cannot be ignored. CSV needs none: columns that are not
    /// price columns are carried through.
    #[arg(long, value_name = "KEY", value_parser = parse_ignore_key)]
    pub ignore_key: Vec<String>,

    /// Price rows outside the model's limits, with a warning each.
    #[arg(long)]
    pub allow_out_of_range: bool,

    /// Budget gate for CI; with a baseline, on the head total.
    #[command(flatten)]
    pub budget: BudgetArgs,

    /// Compare with this workload (a job file in any form FILE may take, or - when FILE is not):
    /// show the cost change from BASE to FILE instead of the jobs.
    ///
    /// BASE is read like FILE (--input, --delimiter, --defaults-ok and --allow-out-of-range apply
    /// to both), and both are read in full before anything is written. --summary changes
    /// nothing (a comparison is a summary); --skip-invalid is refused.
    #[arg(long, value_name = "BASE")]
    pub baseline: Option<PathBuf>,

    /// Price the base under this tariff: the change from FILE (or BASE, with --baseline) under
    /// OLD.toml to FILE under --tariff, DIS_PRICE_TARIFF or the built-in one. Currencies must
    /// match.
    #[arg(long, value_name = "OLD.toml")]
    pub baseline_tariff: Option<PathBuf>,

    /// With a baseline: exit 1 when the total rises by more than PERCENT, compared exactly.
    ///
    /// A base total of 0 has no percentage: a new workload is not judged by percent (give
    /// --fail-increase or --budget to judge it); a fall never fails.
    #[arg(long, value_name = "PERCENT", value_parser = parse_change, allow_hyphen_values = true)]
    pub fail_above: Option<Decimal>,

    /// With a baseline: warn (exit 0, verdict warn) when the total rises by more than PERCENT,
    /// compared exactly; as --fail-above, a base of 0 is not judged by percent.
    #[arg(long, value_name = "PERCENT", value_parser = parse_change, allow_hyphen_values = true)]
    pub warn_above: Option<Decimal>,

    /// With a baseline: exit 1 when the total rises by more than AMOUNT (0 or more), compared
    /// exactly; a fall never fails.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_increase, allow_hyphen_values = true)]
    pub fail_increase: Option<Exact>,

    /// With a baseline: warn (exit 0, verdict warn) when the total rises by more than AMOUNT
    /// (0 or more), compared exactly.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_increase, allow_hyphen_values = true)]
    pub warn_increase: Option<Exact>,

    /// With a baseline: the name the base side goes by in the review (e.g. main) [default: its
    /// file name].
    #[arg(long, value_name = "NAME")]
    pub base_label: Option<String>,

    /// With a baseline: the name the head side goes by in the review (e.g. the branch)
    /// [default: its file name].
    #[arg(long, value_name = "NAME")]
    pub head_label: Option<String>,

    /// Print a JSON Schema (draft 2020-12) of what --format json writes instead, and read no
    /// file: the listing, with or without --summary, and the comparison.
    #[arg(long, conflicts_with = "file")]
    pub schema: bool,
}

impl BatchArgs {
    /// The cost change's thresholds, as given.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            fail_above: self.fail_above,
            warn_above: self.warn_above,
            fail_increase: self.fail_increase,
            warn_increase: self.warn_increase,
        }
    }
}
