//! The tariff: a provider's price list, read from TOML and checked once.
//!
//! `Tariff::parse_with` turns text into checked types or a list of positioned problems; nothing
//! past this module sees an unchecked value. The checks that price a job live above pricing, in
//! `crate::checks`, which passes them in (`crate::checks::parse`, `crate::checks::builtin`).

/// A field to read: its value and its path, for `Reader`'s methods.
macro_rules! field {
    ($value:expr, $path:expr) => {
        Field {
            value: $value,
            path: &$path,
        }
    };
}

mod diagnostic;
pub mod edit;
mod image;
mod meters;
mod parse;
mod read;
pub mod schema;
#[cfg(test)]
mod tests;
pub mod write;

use std::path::PathBuf;

use rust_decimal::Decimal;
use toml::de::DeTable;

pub use diagnostic::{Diagnostic, Diagnostics};
use image::*;
use meters::*;
use parse::*;
pub(crate) use read::child_path;
use read::{Field, Reader, Table};

use crate::date::Day;
use crate::exact::Rounding;
use crate::size::Size;

/// The tariff compiled into the binary, from `tariffs/distribute.toml`.
pub const BUILTIN: &str = include_str!("../../tariffs/distribute.toml");

/// The newest tariff format version this build reads; schema 1 (image models only) still loads
/// unchanged, and schema 2 adds `meter` (tokens and seconds beside megapixel-steps) and a
/// source page and day per model.
pub const SCHEMA: u32 = 2;

/// The oldest tariff format version this build reads.
pub const OLDEST_SCHEMA: u32 = 1;

/// Where a tariff came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The tariff compiled into the binary.
    BuiltIn,
    /// A file the user named.
    File(PathBuf),
    /// Standard input (`--tariff -`).
    Stdin,
}

impl Origin {
    /// How errors name it.
    pub fn name(&self) -> String {
        match self {
            Origin::BuiltIn => "built-in tariff".to_owned(),
            Origin::Stdin => "standard input".to_owned(),
            // A file name is shown escaped: it may hold control characters too.
            Origin::File(path) => crate::escape::escaped(&path.display().to_string()).into_owned(),
        }
    }
}

/// A checked tariff.
#[derive(Clone, Debug)]
pub struct Tariff {
    /// Where it came from.
    pub origin: Origin,
    /// Its text, as read.
    pub text: String,
    /// SHA-256 of its bytes, in hex: which price list produced a number.
    pub sha256: String,
    /// Where each value is, by key path.
    spans: Vec<(String, std::ops::Range<usize>)>,
    /// Who sells at these prices.
    pub provider: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Where the prices were read.
    pub source: String,
    /// The day they were read, `YYYY-MM-DD`.
    pub as_of: String,
    /// How amounts are shown.
    pub display: Display,
    /// The models, in file order; at least one.
    pub models: Vec<Model>,
    default_model: usize,
    /// Every id, alias and display name, lowercased, with its model's index.
    lookup: Vec<(Box<str>, usize)>,
    /// The day the tariff prices, which picks each model's dated rate (see [`Tariff::on`]);
    /// `None` until one is chosen.
    pub priced_on: Option<Day>,
}

/// A check of an image model's rate that the tariff cannot make itself, since it prices a job:
/// given the model at the rate to check and the display, the problem's message, if any.
pub type RateCheck = fn(&Model, Display) -> Option<String>;

/// How shown amounts are rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    /// Decimal places shown, 0 to 28.
    pub decimals: u32,
    /// The rounding mode.
    pub rounding: Rounding,
}

/// What a model bills by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metering {
    /// Megapixel-steps of images: `unit_size`, `rate`, `minimum`, `steps`, `side` and
    /// `default_size` of the model apply.
    MegapixelStep,
    /// Tokens of a chat request: the model's image fields are placeholders, never priced.
    Token(TokenRates),
    /// Seconds of generated audio: the model's image fields are placeholders, never priced.
    Second(SecondRates),
}

/// Rates per `per` tokens, input and output apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRates {
    /// How many tokens each rate is for (e.g. 1,000,000), at least 1.
    pub per: u32,
    /// Currency per `per` input (prompt) tokens, above zero.
    pub input: Decimal,
    /// Currency per `per` output (completion) tokens, above zero.
    pub output: Decimal,
}

/// A rate per second of audio, and the seconds charged at least per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecondRates {
    /// Currency per second, above zero.
    pub rate: Decimal,
    /// Seconds charged at least per request, zero or more.
    pub minimum_seconds: Decimal,
}

impl Metering {
    /// Its name in tariffs and output.
    pub fn name(self) -> &'static str {
        match self {
            Metering::MegapixelStep => "megapixel-step",
            Metering::Token(_) => "token",
            Metering::Second(_) => "second",
        }
    }

    /// The job flags a model with this meter takes, for messages.
    pub fn flags(self) -> &'static str {
        match self {
            Metering::MegapixelStep => "--steps, --size and --count",
            Metering::Token(_) => "--input-tokens and --output-tokens",
            Metering::Second(_) => "--seconds",
        }
    }
}

/// The meters a tariff may name, in the order the docs list them.
pub const METER_NAMES: [&str; 3] = ["megapixel-step", "token", "second"];

/// One priced model.
#[derive(Clone, Debug)]
pub struct Model {
    /// The key under `[models]`.
    pub id: String,
    /// What it bills by; the image fields below apply to `MegapixelStep` only.
    pub metering: Metering,
    /// The page its prices were read from, when the tariff names one for it.
    pub source: Option<String>,
    /// The day its prices were read, `YYYY-MM-DD`, when the tariff names one for it.
    pub as_of: Option<String>,
    /// Its display name.
    pub name: String,
    /// Other names it answers to (case-insensitively).
    pub aliases: Vec<String>,
    /// The name of the billing unit.
    pub unit: String,
    /// One unit is one step on an image of this size.
    pub unit_size: Size,
    /// Currency per unit, above zero: for dated rates, the one in force on the day the tariff
    /// prices (see [`Tariff::on`]; the newest until then).
    pub rate: Decimal,
    /// The day `rate` took effect; `None` for a model with one undated rate.
    pub rate_from: Option<Day>,
    /// Dated rates, oldest first, each from its day until the next one's; empty for a model
    /// with one undated rate.
    pub rates: Vec<RateChange>,
    /// The day of the model's first rate, when that is after the day the tariff prices: the
    /// model has no price that day.
    pub not_until: Option<Day>,
    /// Least charge per image, zero or more.
    pub minimum: Decimal,
    /// Accepted steps and the default.
    pub steps: StepLimits,
    /// Accepted width and height.
    pub side: SideLimits,
    /// Size used when none is given.
    pub default_size: Size,
    /// The provider's own price grid, if known.
    pub published: Option<Published>,
    /// A chat model's cap on completion tokens per choice when a request sets none (the API's
    /// default `max_completion_tokens`); `None` for a model that names none (every image and
    /// speech model).
    pub default_max_completion_tokens: Option<u32>,
    /// A speech model's accepted length of a request's `input` text, in characters; `None`
    /// for a model that names none (every image and chat model).
    pub input_chars: Option<CharLimits>,
}

/// The lengths of text, in characters, a speech request may give: `min` to `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CharLimits {
    /// Fewest characters, 0 or more.
    pub min: u32,
    /// Most characters, at least `min` and 1.
    pub max: u32,
}

/// A rate and the day it takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateChange {
    /// The first day it is in force (UTC).
    pub from: Day,
    /// Currency per unit, above zero: an image model's rate; for a token model its input
    /// rate and for a second model its rate per second, as in [`Model::rate`].
    pub rate: Decimal,
    /// The model's meter with the rates in force from `from`: `MegapixelStep` for an image
    /// model (whose rate is `rate`), the token or second rates otherwise.
    pub metering: Metering,
}

impl Model {
    /// Which of `rates` is in force on `day`: its index (0 for a model with one undated rate),
    /// or the day of the first rate when `day` is before it.
    #[inline]
    pub fn period_on(&self, day: Day) -> Result<usize, Day> {
        match self.rates.first() {
            None => Ok(0),
            Some(first) if day < first.from => Err(first.from),
            Some(_) => Ok(self.rates.partition_point(|c| c.from <= day) - 1),
        }
    }

    /// This model as it prices on `day`: `rate` and `rate_from` are the ones in force then, or
    /// `not_until` is set when `day` is before its first rate.
    pub fn on(&self, day: Day) -> Model {
        let mut model = self.clone();
        match self.period_on(day) {
            Ok(_) if self.rates.is_empty() => {}
            Ok(i) => {
                model.rate = self.rates[i].rate;
                model.metering = self.rates[i].metering;
                model.rate_from = Some(self.rates[i].from);
                model.not_until = None;
            }
            Err(first) => model.not_until = Some(first),
        }
        model
    }
}

/// The steps a model accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepLimits {
    /// Fewest steps, at least 1.
    pub min: u32,
    /// Most steps.
    pub max: u32,
    /// Steps when none are given.
    pub default: u32,
}

/// The width and height a model accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideLimits {
    /// Smallest side, at least 1.
    pub min: u32,
    /// Largest side.
    pub max: u32,
    /// Inclusive ranges inside `min..=max` that the API refuses nonetheless, in order.
    pub refused: Vec<(u32, u32)>,
}

impl SideLimits {
    /// Whether a side of `n` pixels is accepted.
    #[inline]
    pub fn accepts(&self, n: u32) -> bool {
        (self.min..=self.max).contains(&n)
            && !self.refused.iter().any(|&(a, b)| (a..=b).contains(&n))
    }

    /// The accepted sides as inclusive spans, in order, none empty, none touching another.
    ///
    /// Worked out from `min`, `max` and the refused ranges as they are, in any order, overlapping
    /// or not, so that it agrees with [`SideLimits::accepts`] for every side.
    pub fn accepted(&self) -> Vec<(u32, u32)> {
        let mut refused = self.refused.clone();
        refused.sort_unstable();
        let mut spans = Vec::new();
        // The first side not yet accounted for; u64 so that it can pass u32::MAX.
        let mut from = u64::from(self.min);
        let max = u64::from(self.max);
        for (a, b) in refused {
            let (a, b) = (u64::from(a), u64::from(b));
            if from > max {
                break;
            }
            if b < from || a > b {
                continue;
            }
            if a > from {
                spans.push((from, (a - 1).min(max)));
            }
            from = from.max(b + 1);
        }
        if from <= max {
            spans.push((from, max));
        }
        // Every bound lies in min..=max, so it fits a u32.
        spans
            .into_iter()
            .filter_map(|(a, b)| Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?)))
            .collect()
    }

    /// The accepted sides in words: `1 to 1024`, or `1 to 999 or 1024`, or `none`.
    pub fn describe(&self) -> String {
        describe_spans(&self.accepted())
    }
}

/// Inclusive ranges in words: `1 to 999 or 1024`, `none` when there are none.
pub fn describe_spans(spans: &[(u32, u32)]) -> String {
    let words: Vec<String> = spans
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} to {b}")
            }
        })
        .collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "none".to_owned(),
    }
}

/// Prices as the provider publishes them.
#[derive(Clone, Debug)]
pub struct Published {
    /// How far a shown price may be from a published one.
    pub tolerance: Decimal,
    /// The columns.
    pub sizes: Vec<Size>,
    /// The rows; each has one price per size.
    pub rows: Vec<PublishedRow>,
}

/// One published row.
#[derive(Clone, Debug)]
pub struct PublishedRow {
    /// Steps of the row.
    pub steps: u32,
    /// One price per published size.
    pub prices: Vec<Decimal>,
}

impl Tariff {
    /// Reads and checks a tariff from its text; `check` is asked about each rate of each image
    /// model, and its findings are placed at the rate like the reader's own.
    pub fn parse_with(
        origin: Origin,
        text: String,
        check: RateCheck,
    ) -> Result<Tariff, Diagnostics> {
        let file = origin.name();
        let place = |p: read::Problem| Diagnostic::new(&file, &text, p.span, &p.key, p.message);
        let raw = raw_controls(&text);
        if !raw.is_empty() {
            return Err(Diagnostics(raw.into_iter().map(place).collect()));
        }
        let document = match DeTable::parse(&text) {
            Ok(document) => document,
            Err(e) => {
                let message = e.message().trim_end().replace('\n', "; ");
                let span = e.span().unwrap_or(0..0);
                return Err(Diagnostics(vec![Diagnostic::new(
                    &file,
                    &text,
                    span,
                    "",
                    format!("not valid TOML: {message}"),
                )]));
            }
        };
        if document.get_ref().is_empty() {
            // One finding, not one per missing key.
            return Err(Diagnostics(vec![Diagnostic::new(
                &file,
                &text,
                0..0,
                "",
                "the tariff is empty (no keys, only blank lines or comments); `dis-price tariff > mine.toml` writes one to start from".to_owned(),
            )]));
        }
        let mut reader = Reader::default();
        let root = Table::new(String::new(), 0..0, document.get_ref());
        let checked = read_tariff(&mut reader, root, check);
        match checked {
            Some(parts) if reader.problems.is_empty() => Ok(Tariff {
                origin,
                provider: parts.provider,
                currency: parts.currency,
                source: parts.source,
                as_of: parts.as_of,
                display: parts.display,
                lookup: lookup(&parts.models),
                models: parts.models,
                default_model: parts.default_model,
                priced_on: None,
                sha256: sha256_hex(text.as_bytes()),
                spans: reader.spans,
                text,
            }),
            _ => {
                let mut problems = reader.problems;
                problems.sort_by_key(|p| p.span.start);
                Err(Diagnostics(problems.into_iter().map(place).collect()))
            }
        }
    }

    /// A finding about the value at `key` (a dotted path such as `models.flux-dev.as_of`),
    /// placed at its line and column.
    pub fn diagnostic(&self, key: &str, message: String) -> Diagnostic {
        let span = self
            .spans
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0..0, |(_, s)| s.clone());
        Diagnostic::new(&self.origin.name(), &self.text, span, key, message)
    }

    /// The tariff as it prices on `day`: each model's rate is the one in force then.
    pub fn on(mut self, day: Day) -> Tariff {
        for model in &mut self.models {
            *model = model.on(day);
        }
        self.priced_on = Some(day);
        self
    }

    /// Whether any model's rate changes on given days.
    pub fn is_dated(&self) -> bool {
        self.models.iter().any(|m| !m.rates.is_empty())
    }

    /// The model used when none is named.
    pub fn default_model(&self) -> &Model {
        &self.models[self.default_model]
    }

    /// The model with this id, alias or display name, in any case.
    pub fn find_model(&self, query: &str) -> Option<&Model> {
        self.model_index(query).map(|i| &self.models[i])
    }

    /// Where in `models` the model with this id, alias or display name is, in any case
    /// (Unicode lowercase; blank space around the query is ignored).
    ///
    /// The names are lowercased once, when the tariff is read: an ASCII query, the usual
    /// case, is compared without allocating.
    pub fn model_index(&self, query: &str) -> Option<usize> {
        let query = query.trim();
        let found = if query.is_ascii() {
            self.lookup
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(query))
        } else {
            let lowered = query.to_lowercase();
            self.lookup.iter().find(|(name, _)| **name == *lowered)
        };
        found.map(|&(_, index)| index)
    }

    /// Where in `models` the default model is.
    pub fn default_model_index(&self) -> usize {
        self.default_model
    }

    /// The id, alias or display name nearest to `query`, to suggest when it matches none.
    pub fn nearest_model(&self, query: &str) -> Option<&str> {
        let wanted = query.trim().to_lowercase();
        self.models
            .iter()
            .flat_map(Model::job_names)
            .map(|n| (strsim::levenshtein(&n.to_lowercase(), &wanted), n))
            .min_by_key(|(d, _)| *d)
            .filter(|(d, n)| *d <= (n.len() / 2).max(2))
            .map(|(_, n)| n)
    }
}

/// Every name a job may give a model (id, aliases, display name), lowercased, with the model's
/// index; `read_models` has made sure no name means two models.
fn lookup(models: &[Model]) -> Vec<(Box<str>, usize)> {
    let mut names: Vec<(Box<str>, usize)> = Vec::new();
    for (index, model) in models.iter().enumerate() {
        for name in model.job_names() {
            let lowered: Box<str> = name.trim().to_lowercase().into();
            if !names.iter().any(|(n, _)| *n == lowered) {
                names.push((lowered, index));
            }
        }
    }
    names
}

/// The most control characters reported in a tariff's text, one per line.
const MOST_RAW_CONTROLS: usize = 20;

/// Control characters written as they are anywhere in a tariff, comments included: TOML refuses
/// most C0 ones itself, but lets C1 and bidirectional formatting characters through, and a
/// U+202E in a comment can make the line after it read differently from what it says. A tab and
/// a line end (`\n`, `\r\n`) are the only ones a tariff needs. Reported first on each line.
fn raw_controls(text: &str) -> Vec<read::Problem> {
    let mut found: Vec<read::Problem> = Vec::new();
    let mut from = 0;
    for line in text.split_inclusive('\n') {
        let body = line
            .strip_suffix('\n')
            .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
        if let Some((at, c)) = crate::escape::find_control(body, &['\t']) {
            if found.len() == MOST_RAW_CONTROLS {
                let last = found.last_mut().expect("found is full");
                last.message.push_str(" (and more on later lines)");
                break;
            }
            let start = from + at;
            found.push(read::Problem {
                span: start..start + c.len_utf8(),
                key: String::new(),
                message: format!(
                    "the control character {} is written as it is here; a tariff holds printable text only (tabs and line ends aside), in comments too: delete it",
                    crate::escape::code_point(c)
                ),
            });
        }
        from += line.len();
    }
    found
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

impl Model {
    /// Whether it bills megapixel-steps of images.
    pub fn is_image(&self) -> bool {
        self.metering == Metering::MegapixelStep
    }

    /// Its id and then its aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Every name a job may give it, as written: its id, its aliases, then its display name
    /// (a job's name matches one of them trimmed and in any case; see [`Tariff::model_index`]).
    pub fn job_names(&self) -> impl Iterator<Item = &str> {
        self.names().chain(std::iter::once(self.name.as_str()))
    }

    /// Every name a job may use, for a message: `flux-dev (or "Flux.1 [dev]", flux.1-dev)`;
    /// the display name is quoted, as it may hold spaces.
    pub fn known_as(&self) -> String {
        let mut others: Vec<String> = Vec::new();
        if self.name.trim().to_lowercase() != self.id.to_lowercase() {
            others.push(format!("{:?}", self.name.trim()));
        }
        others.extend(self.aliases.iter().cloned());
        if others.is_empty() {
            self.id.clone()
        } else {
            format!("{} (or {})", self.id, others.join(", "))
        }
    }
}
