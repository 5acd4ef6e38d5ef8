//! The command line, as clap definitions and nothing else: completions and the man page come
//! from here too.
//!
//! The doc comments below are the `--help` text, written for a terminal: a bracket in them is
//! text (`Flux.1 [dev]`, `[default: ...]`), never a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use rust_decimal::Decimal;

use crate::axis::{SizeList, StepsList};
use crate::budget::Budget;
use crate::date::Day;
use crate::exact::Exact;
use crate::number::flags::{
    parse_amount, parse_change, parse_day, parse_percent, parse_seconds_flag, parse_size,
    parse_steps, parse_token_flag,
};
use crate::number::parse_u32;
use crate::size::Size;

mod batch;
mod help;
mod parse;

pub use batch::BatchArgs;

/// Know what a Distribute.ai job will cost before you run it: images, chat and speech.
///
/// dis-price prices jobs exactly from a tariff: an image per megapixel-step (steps x width x
/// height / 1024^2), a chat request per input and output token, speech per second of audio. A
/// tariff of Distribute.ai's models (Flux.1 [dev], Llama-3.1 8B, Llama-3.3 70B, Chatterbox) is
/// built in; --tariff or DIS_PRICE_TARIFF replaces it.
#[derive(Debug, Parser)]
#[command(
    name = "dis-price",
    version,
    after_help = help::MAIN,
    max_term_width = 100
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,

    /// The job to price when no command is given.
    #[command(flatten)]
    pub job: JobArgs,

    /// Output format of the price [default: text].
    #[arg(long, value_enum)]
    pub format: Option<QuoteFormat>,

    /// A command other than pricing one job.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Read prices from this tariff file instead of the built-in one, or - for standard input
    /// [env: DIS_PRICE_TARIFF].
    #[arg(long, global = true, value_name = "PATH")]
    pub tariff: Option<PathBuf>,

    /// Price with the rates in force on this day, YYYY-MM-DD (UTC) [default: today, or
    /// DIS_PRICE_TODAY when set].
    ///
    /// A tariff may list a model's rate changes, each with the day it takes effect; this picks
    /// the one in force. A day before a model's first rate is an error, not a guess. Batch rows
    /// with their own date are priced on that date instead.
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_day, value_hint = clap::ValueHint::Other)]
    pub as_of: Option<Day>,

    /// Exit 1 when the tariff's as_of is more than DAYS before today (UTC, or DIS_PRICE_TODAY):
    /// prices that old may have changed. For validate and every command that prices; not for a
    /// --baseline-tariff, which is old by design.
    #[arg(long, global = true, value_name = "DAYS", value_parser = parse_u32)]
    pub max_age: Option<u32>,

    /// When to use colour: auto uses it on a terminal whose TERM is not dumb, unless NO_COLOR is
    /// set (CLICOLOR_FORCE, unless empty or 0, asks for it anywhere); always and never override both.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// One job.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// Inference steps per image [default: the model's, 10 for Flux.1 [dev]].
    #[arg(long, value_parser = parse_steps, allow_negative_numbers = true)]
    pub steps: Option<u32>,

    /// Image size: 512x512, 512X512, 512×512, "768 × 768", or 512 for a square [default: the
    /// model's, 768x768 for Flux.1 [dev]].
    #[arg(long, value_parser = parse_size, allow_negative_numbers = true)]
    pub size: Option<Size>,

    /// Number of images [default: 1].
    #[arg(short = 'n', long, value_parser = parse_u32, value_name = "N", allow_negative_numbers = true)]
    pub count: Option<u32>,

    /// Model id, alias or display name, in any case [default: the tariff's default_model].
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    /// Input (prompt) tokens of one chat request, for a model billed per token.
    #[arg(long, value_name = "N", value_parser = parse_token_flag, allow_negative_numbers = true)]
    pub input_tokens: Option<u64>,

    /// Output (completion) tokens of one chat request, for a model billed per token.
    #[arg(long, value_name = "N", value_parser = parse_token_flag, allow_negative_numbers = true)]
    pub output_tokens: Option<u64>,

    /// Seconds of generated audio of one request (exact, e.g. 12.5), for a model billed per
    /// second; below the model's minimum, the minimum is charged.
    #[arg(long, value_name = "S", value_parser = parse_seconds_flag, allow_negative_numbers = true)]
    pub seconds: Option<Decimal>,

    /// A WAV file of one speech request's audio (- reads standard input): priced at its length,
    /// sample frames / sample rate, exactly; below the model's minimum, the minimum is charged.
    /// Without --model, the tariff's speech model.
    #[arg(long, value_name = "FILE", conflicts_with = "seconds")]
    pub audio: Option<std::path::PathBuf>,

    /// Price a job outside the model's limits (which the API would refuse), with a warning.
    #[arg(long)]
    pub allow_out_of_range: bool,

    /// Budget gate for CI.
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// A budget gate.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Exit 1, saying why on stderr, when the EXACT total is above AMOUNT (0 or more).
    ///
    /// The exact total is judged, not the rounded one shown: 0.00603 (shown 0.0060) is above a
    /// budget of 0.006, and `afford` counts by the same rule. The normal output is still printed.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub budget: Option<Exact>,

    /// Warn on stderr, without failing, when the exact total passes PERCENT of the budget: above
    /// 0 and below 100 (e.g. 80).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, requires = "budget", allow_hyphen_values = true)]
    pub warn_at: Option<Exact>,
}

impl BudgetArgs {
    /// The checked budget, if one was given.
    pub fn budget(&self) -> Option<Budget> {
        self.budget.map(|limit| Budget {
            limit,
            warn_at: self.warn_at,
        })
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "one Command is parsed per run; boxing would only move the bytes"
)]
pub enum Command {
    /// Print the steps x sizes price grid computed from the model.
    #[command(after_help = help::TABLE)]
    Table(TableArgs),

    /// Hold each model's computed grid against its published prices.
    ///
    /// Shows every published cell: the computed price, the published one, their difference and
    /// whether it is exact, within the tariff's tolerance, or off. Exits 1 when any cell is off.
    #[command(after_help = help::CHECK)]
    Check(CheckArgs),

    /// Price a file of jobs: CSV, or JSON Lines such as the API's own request bodies.
    ///
    /// One row per job in input order, then the total (the sum of exact prices, rounded once),
    /// the number of jobs and images, and per-model subtotals. A bad row stops the run with exit
    /// 2 naming its line, field and value; with --skip-invalid each bad row is reported on
    /// stderr, the rest are priced, and the exit status is still 2.
    #[command(after_help = help::BATCH)]
    Batch(BatchArgs),

    /// How many images a budget buys, or with --count, the most steps that still fit.
    ///
    /// Counts by the rule of every budget gate: N images fit when their EXACT price, not the
    /// rounded one shown, is at most the budget; so `afford` says N exactly when a job of N
    /// images passes `--budget` and one of N+1 does not. What is left is rounded down, whatever the
    /// tariff's rounding (which the prices shown follow), so it never shows more money than
    /// there is; JSON gives it exact too (`leftover`). A price of 0 (e.g. 0 steps with
    /// --allow-out-of-range) buys unlimited images: that is refused with exit 2.
    #[command(after_help = help::AFFORD)]
    Afford(AffordArgs),

    /// List the tariff's models: id, name, rate, unit, limits and defaults.
    #[command(after_help = help::MODELS)]
    Models(ModelsArgs),

    /// Print the tariff in use as TOML, to start a custom one, or its format as a JSON Schema.
    #[command(after_help = help::TARIFF)]
    Tariff(TariffArgs),

    /// Find the rates that reproduce a model's published grid best, and suggest the shortest.
    ///
    /// Each published cell allows an exact interval of rates under the tariff's rounding; fit
    /// finds where the most intervals overlap, the cells no rate there reproduces, and the
    /// shortest decimal in that interval. Exits 1 when no rate shows every cell within the
    /// tolerance.
    #[command(after_help = help::FIT)]
    Fit(FitArgs),

    /// Price the same grid under two tariffs and show what changed.
    #[command(after_help = help::DIFF)]
    Diff(DiffArgs),

    /// Check a tariff against every rule of schema 2 without pricing anything: every error at
    /// once, then warnings.
    #[command(after_help = help::VALIDATE)]
    Validate(ValidateArgs),

    /// Print a shell completion script.
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print a man page (roff), or write every page into a folder with --dir.
    #[command(
        override_usage = "dis-price man [COMMAND]\n       dis-price man --dir <DIR>",
        after_help = help::MAN
    )]
    Man(ManArgs),
}

impl Command {
    /// The command's name on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Table(_) => "table",
            Command::Check(_) => "check",
            Command::Batch(_) => "batch",
            Command::Afford(_) => "afford",
            Command::Models(_) => "models",
            Command::Tariff(_) => "tariff",
            Command::Fit(_) => "fit",
            Command::Diff(_) => "diff",
            Command::Validate(_) => "validate",
            Command::Completions { .. } => "completions",
            Command::Man(_) => "man",
        }
    }
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print [default: the main page, dis-price(1)].
    #[arg(value_enum, value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Option<ManPage>,

    /// Write every page into DIR instead (dis-price.1, dis-price-table.1, ...), creating DIR if
    /// needed; each page replaces its file whole or not at all.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

/// The commands with a man page of their own: one per command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ManPage {
    /// dis-price-table(1).
    Table,
    /// dis-price-check(1).
    Check,
    /// dis-price-batch(1).
    Batch,
    /// dis-price-afford(1).
    Afford,
    /// dis-price-models(1).
    Models,
    /// dis-price-tariff(1).
    Tariff,
    /// dis-price-fit(1).
    Fit,
    /// dis-price-diff(1).
    Diff,
    /// dis-price-validate(1).
    Validate,
    /// dis-price-completions(1).
    Completions,
    /// dis-price-man(1).
    Man,
}

/// `afford`.
#[derive(Debug, Args)]
pub struct AffordArgs {
    /// The money to spend, 0 or more; held against EXACT prices, not the rounded ones shown.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_hyphen_values = true)]
    pub budget: Exact,

    /// Steps per image [default: the model's]; not with --count.
    #[arg(long, value_parser = parse_steps, conflicts_with = "count", allow_negative_numbers = true)]
    pub steps: Option<u32>,

    /// Image size [default: the model's].
    #[arg(long, value_parser = parse_size, allow_negative_numbers = true)]
    pub size: Option<Size>,

    /// Images wanted: answer the most steps per image that fit instead.
    #[arg(short = 'n', long, value_parser = parse_u32, value_name = "N", allow_negative_numbers = true)]
    pub count: Option<u32>,

    /// Model id, alias or display name, in any case [default: the tariff's default_model].
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    /// Input (prompt) tokens of each chat request, for a model billed per token.
    #[arg(long, value_name = "N", value_parser = parse_token_flag, allow_negative_numbers = true)]
    pub input_tokens: Option<u64>,

    /// Output (completion) tokens of each chat request, for a model billed per token.
    #[arg(long, value_name = "N", value_parser = parse_token_flag, allow_negative_numbers = true)]
    pub output_tokens: Option<u64>,

    /// Seconds of audio of each speech request, for a model billed per second (below the
    /// model's minimum, the minimum is charged).
    #[arg(long, value_name = "S", value_parser = parse_seconds_flag, allow_negative_numbers = true)]
    pub seconds: Option<Decimal>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AffordFormat::Text)]
    pub format: AffordFormat,

    /// Allow steps and sizes outside the model's limits, with a warning.
    #[arg(long)]
    pub allow_out_of_range: bool,
}

/// Formats of an `afford` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AffordFormat {
    /// A short human answer: the count, what it costs, what is left (rounded down).
    Text,
    /// The count alone (images, or steps per image with --count), for $(...).
    Plain,
    /// One JSON object; decimals are strings, the count a number.
    Json,
}

/// Formats of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// Drawn tables (holds the rows to size the columns; use csv or json for large files).
    Table,
    /// Markdown.
    Markdown,
    /// CSV: one row per job, then subtotal and total rows.
    Csv,
    /// JSON; decimals are strings.
    Json,
    /// The total alone (with a baseline, the change alone), for $(...).
    Plain,
    /// GitHub Actions: annotations and one notice on stdout; the markdown review appended to
    /// GITHUB_STEP_SUMMARY and the figures to GITHUB_OUTPUT, where set.
    Github,
    /// One self-contained HTML page: a chart, the rows, the totals (with a baseline, the change).
    Html,
}

/// `tariff`.
#[derive(Debug, Args)]
pub struct TariffArgs {
    /// Print a JSON Schema of the tariff format instead, for editors (taplo, Even Better TOML).
    #[arg(long)]
    pub schema: bool,
}

/// `fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Model id, alias or display name, in any case [default: the tariff's default_model].
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    /// Rewrite the tariff file's rate to the suggested one, changing nothing else in it.
    #[arg(long)]
    pub write: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FitFormat::Text)]
    pub format: FitFormat,
}

/// `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The tariff as it was (- for standard input, for one side only).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The tariff as it is (- for standard input, for one side only) [default: OLD, to compare
    /// two days of one tariff with --to].
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,

    /// Price NEW on this day, YYYY-MM-DD, and OLD on --as-of (default today): what a tariff's
    /// dated rate changes do between two days.
    ///
    /// Without --to, both tariffs are compared on --as-of and again on every later day on which
    /// either one's prices change; with it, on the two days named only.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day, value_hint = clap::ValueHint::Other)]
    pub to: Option<Day>,

    /// Rows, as for `table` [default: both tariffs' published steps].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub steps: Option<StepsList>,

    /// Columns, as for `table` [default: both tariffs' published sizes].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub sizes: Option<SizeList>,

    /// Exit 1 when a cell or other change raises a price by more than PERCENT, compared exactly.
    ///
    /// A change with no percentage (a removed model, alias or display name, a changed default
    /// model, narrower limits, a minimum from 0, a rounding that can show more) fails any
    /// PERCENT; a price that falls never does. Without --to, a rise scheduled for a later day
    /// (dated rates) counts as well, named with its day.
    #[arg(long, value_name = "PERCENT", value_parser = parse_change, allow_negative_numbers = true)]
    pub fail_above: Option<Decimal>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = GridFormat::Table)]
    pub format: GridFormat,
}

/// `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The tariff to check, or - for standard input [default: --tariff, DIS_PRICE_TARIFF, or
    /// the built-in one].
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Exit 1 when there are warnings.
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

/// Formats of a fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FitFormat {
    /// A report for a person.
    Text,
    /// JSON; rates as decimal strings and exact fractions.
    Json,
}

/// `table`.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Model id, alias or display name, in any case [default: the tariff's default_model].
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    /// Rows: steps as a list and inclusive ranges, e.g. 10,20,30 or 10..50:10 [default: the
    /// published rows].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub steps: Option<StepsList>,

    /// Columns: sizes, e.g. 256x256,512x512,1024 [default: the published sizes].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub sizes: Option<SizeList>,

    /// Rows of a token model: input tokens, e.g. 1000,10000 [default: 1000,10000,100000].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub input_tokens: Option<String>,

    /// Columns of a token model: output tokens, e.g. 100,1000 [default: 100,1000,10000].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub output_tokens: Option<String>,

    /// Rows of a second model: seconds of audio, e.g. 1,2.5,60 [default: 1,10,30,60,300].
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub seconds: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,

    /// Allow steps and sizes outside the model's limits, with a warning.
    #[arg(long)]
    pub allow_out_of_range: bool,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only this model [default: every model with a published grid].
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

/// `models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ModelsFormat::Table)]
    pub format: ModelsFormat,
}

/// Formats of one job's price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QuoteFormat {
    /// A short human answer.
    Text,
    /// The rounded amount alone, for $(...).
    Plain,
    /// One JSON object; decimals are strings.
    Json,
    /// The text answer as a Markdown line and table, e.g. for a pull-request comment.
    Markdown,
}

/// Formats of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GridFormat {
    /// A drawn table with a title.
    Table,
    /// A Markdown table, e.g. for a pull-request comment.
    Markdown,
    /// CSV with a header row.
    Csv,
    /// JSON with every cell.
    Json,
}

/// Formats of `table`: those of a grid, and the prices alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// A drawn table with a title.
    Table,
    /// A Markdown table, e.g. for a pull-request comment.
    Markdown,
    /// CSV with a header row.
    Csv,
    /// JSON with every cell.
    Json,
    /// The prices alone, a line per row, for scripts.
    Plain,
    /// An SVG heatmap: a cell per price, coloured by price, with a legend (past 1,000 cells
    /// the prices are tooltips, not text).
    Svg,
    /// One self-contained HTML page: the heatmap, then the grid as a table.
    Html,
}

/// Formats of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A drawn table per model.
    Table,
    /// Markdown.
    Markdown,
    /// JSON.
    Json,
    /// GitHub Actions: an annotation per cell off, one notice; the markdown to
    /// GITHUB_STEP_SUMMARY and the verdict to GITHUB_OUTPUT, where set.
    Github,
}

/// Formats of a validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// A line on stdout, warnings on stderr.
    Text,
    /// GitHub Actions: an annotation per error and warning at its line, one notice; the
    /// verdict to GITHUB_OUTPUT, where set.
    Github,
}

/// Formats of the model list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelsFormat {
    /// A drawn table.
    Table,
    /// JSON.
    Json,
    /// The model ids alone, one a line.
    Plain,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb; anywhere with CLICOLOR_FORCE (unless empty or 0).
    Auto,
    /// Always, even with NO_COLOR set.
    Always,
    /// Never.
    Never,
}

/// A JSON Lines key to leave out of the price: any key but one that sets a price of any meter
/// or picks the rate (see [`crate::batch::keys::ignorable`]).
pub(crate) fn parse_ignore_key(text: &str) -> Result<String, String> {
    crate::batch::keys::ignorable(text).map(|()| text.to_owned())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
