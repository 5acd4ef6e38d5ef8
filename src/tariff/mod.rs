//! The tariff: a provider's price list, read from TOML and checked once.
//!
//! `Tariff::parse` turns text into checked types or a list of positioned problems; nothing past
//! this module sees an unchecked value.

mod diagnostic;
pub mod edit;
pub mod lint;
mod read;
pub mod schema;
pub mod write;

use std::path::PathBuf;

use rust_decimal::Decimal;
use toml::de::DeTable;

pub use diagnostic::{Diagnostic, Diagnostics};
use read::{Field, Reader, Table};

use crate::date::Day;
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

/// How shown amounts are rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    /// Decimal places shown, 0 to 28.
    pub decimals: u32,
    /// The rounding mode.
    pub rounding: Rounding,
}

/// A rounding mode for shown amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Half away from zero.
    HalfUp,
    /// Half to the even neighbour (banker's rounding).
    HalfEven,
    /// Away from zero.
    Up,
    /// Toward zero.
    Down,
}

impl Rounding {
    /// Every mode, in the order the docs list them.
    pub const ALL: [Rounding; 4] = [
        Rounding::HalfUp,
        Rounding::HalfEven,
        Rounding::Up,
        Rounding::Down,
    ];

    /// The name used in tariffs.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half-up",
            Rounding::HalfEven => "half-even",
            Rounding::Up => "up",
            Rounding::Down => "down",
        }
    }
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
    /// The built-in tariff.
    pub fn builtin() -> Result<Tariff, Diagnostics> {
        Tariff::parse(Origin::BuiltIn, BUILTIN.to_owned())
    }

    /// Reads and checks a tariff from its text.
    pub fn parse(origin: Origin, text: String) -> Result<Tariff, Diagnostics> {
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
        let checked = read_tariff(&mut reader, root);
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

/// A refused side range as read: from, to, and where it is.
type RefusedRange = (u32, u32, std::ops::Range<usize>, String);

struct Parts {
    provider: String,
    currency: String,
    source: String,
    as_of: String,
    display: Display,
    models: Vec<Model>,
    default_model: usize,
}

macro_rules! field {
    ($value:expr, $path:expr) => {
        Field {
            value: $value,
            path: &$path,
        }
    };
}

fn read_tariff(r: &mut Reader, mut root: Table<'_, '_>) -> Option<Parts> {
    let schema = r.required(&mut root, "schema");
    if let Some((value, path)) = &schema
        && let Some(n) = r.whole(field!(value, *path), 0)
        && !(OLDEST_SCHEMA..=SCHEMA).contains(&n)
    {
        r.problem(
            value.span(),
            path,
            format!(
                "schema {n} is not one this dis-price reads (it reads schema {OLDEST_SCHEMA} and {SCHEMA})"
            ),
        );
    }
    let schema = schema
        .and_then(|(value, _)| match value.get_ref() {
            toml::de::DeValue::Integer(i) => i.as_str().parse::<u32>().ok(),
            _ => None,
        })
        .unwrap_or(SCHEMA);
    let provider = required_string(r, &mut root, "provider", false);
    let currency = r.required(&mut root, "currency").and_then(|(v, path)| {
        let code = r.string(field!(v, path))?;
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(code)
        } else {
            r.problem(
                v.span(),
                &path,
                format!(
                    "currency {code:?} is not an ISO 4217 code (three capital letters, e.g. USD)"
                ),
            );
            None
        }
    });
    let source = required_string(r, &mut root, "source", false);
    let as_of = r
        .required(&mut root, "as_of")
        .and_then(|(v, path)| read_date(r, field!(v, path)));
    let default_model = r
        .required(&mut root, "default_model")
        .and_then(|(v, path)| Some((r.string(field!(v, path))?, v.span(), path)));
    let display = r.required(&mut root, "display").and_then(|(v, path)| {
        let table = r.table(field!(v, path))?;
        read_display(r, table)
    });
    let models = r.required(&mut root, "models").and_then(|(v, path)| {
        let table = r.table(field!(v, path))?;
        read_models(r, table, schema)
    });
    r.finish(root);

    let models = models?;
    let (wanted, span, path) = default_model?;
    let lowered = wanted.to_lowercase();
    let Some(default_model) = models.iter().position(|m| m.id.to_lowercase() == lowered) else {
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        r.problem(
            span,
            &path,
            format!(
                "default_model {wanted:?} is not a model of this tariff (models: {})",
                ids.join(", ")
            ),
        );
        return None;
    };
    if !models[default_model].is_image() {
        r.problem(
            span,
            &path,
            format!(
                "default_model {wanted:?} bills per {}; the default model is the one an image job without --model uses, so it must be a megapixel-step model",
                models[default_model].metering.name()
            ),
        );
        return None;
    }
    if let Some(display) = display {
        for model in &models {
            check_priceable(r, model, display);
        }
    }
    Some(Parts {
        provider: provider?,
        currency: currency?,
        source: source?,
        as_of: as_of?,
        display: display?,
        models,
        default_model,
    })
}

/// A rate that loads but cannot price the model's own default job, or a cell of its published
/// grid, at the shown places would fail every command that uses it; it is placed at the rate.
fn check_priceable(r: &mut Reader, model: &Model, display: Display) {
    if !model.is_image() {
        return;
    }
    if model.rates.is_empty() {
        let path = format!("{}.rate", read::child_path("models", &model.id));
        check_rate(r, model, display, &path);
    }
    for (i, change) in model.rates.iter().enumerate() {
        let path = format!("{}.rates[{i}].rate", read::child_path("models", &model.id));
        let mut dated = model.clone();
        dated.rate = change.rate;
        check_rate(r, &dated, display, &path);
    }
}

/// [`check_priceable`] for the model's `rate`, found at `path`.
fn check_rate(r: &mut Reader, model: &Model, display: Display, path: &str) {
    let job = crate::job::Request::default().resolve(model).job;
    let failed = crate::pricing::quote(model, &job, display)
        .err()
        .map(|e| (e, "its default job"))
        .or_else(|| {
            // A published price too far off to compare is `check`'s to report, not the rate's.
            match crate::grid::Check::run(model, display) {
                Err(crate::grid::CheckError::TooLarge(e)) => {
                    Some((e, "a cell of its published grid"))
                }
                _ => None,
            }
        });
    if let Some((e, which)) = failed {
        let span = r
            .spans
            .iter()
            .find(|(k, _)| k == path)
            .map_or(0..0, |(_, s)| s.clone());
        r.problem(
            span,
            path,
            format!(
                "rate {} cannot price {which} shown to {} places: {e} (lower the rate or display.decimals)",
                model.rate, display.decimals
            ),
        );
    }
}

fn required_string(
    r: &mut Reader,
    table: &mut Table<'_, '_>,
    key: &'static str,
    allow_empty: bool,
) -> Option<String> {
    let (v, path) = r.required(table, key)?;
    let s = r.string(field!(v, path))?;
    if !allow_empty && s.trim().is_empty() {
        r.problem(v.span(), &path, format!("`{key}` is empty"));
        return None;
    }
    Some(s)
}

/// `YYYY-MM-DD`, as a string or a TOML local date.
fn read_date(r: &mut Reader, field: Field<'_, '_>) -> Option<String> {
    let text = match field.value.get_ref() {
        toml::de::DeValue::Datetime(d) => d.to_string(),
        toml::de::DeValue::String(s) => s.to_string(),
        _ => {
            r.problem(
                field.value.span(),
                field.path,
                "expected a date like \"2026-11-25\"",
            );
            return None;
        }
    };
    match check_date(&text) {
        Ok(()) => Some(text),
        Err(why) => {
            r.problem(
                field.value.span(),
                field.path,
                format!("{text:?} is not a date: {why}"),
            );
            None
        }
    }
}

/// Why `text` is not a calendar day `YYYY-MM-DD` (proleptic Gregorian, years 0000 to 9999).
fn check_date(text: &str) -> Result<(), String> {
    text.parse::<crate::date::Day>().map(drop)
}

fn read_display(r: &mut Reader, mut table: Table<'_, '_>) -> Option<Display> {
    let decimals = r.required(&mut table, "decimals").and_then(|(v, path)| {
        let n = r.whole(field!(v, path), 0)?;
        if n <= 28 {
            Some(n)
        } else {
            r.problem(
                v.span(),
                &path,
                format!("{n} decimal places is more than 28, the most a decimal holds"),
            );
            None
        }
    });
    let rounding = r.required(&mut table, "rounding").and_then(|(v, path)| {
        let name = r.string(field!(v, path))?;
        let found = Rounding::ALL.into_iter().find(|m| m.name() == name);
        if found.is_none() {
            let names: Vec<&str> = Rounding::ALL.iter().map(|m| m.name()).collect();
            r.problem(
                v.span(),
                &path,
                format!(
                    "unknown rounding mode {name:?} (expected one of: {})",
                    names.join(", ")
                ),
            );
        }
        found
    });
    r.finish(table);
    Some(Display {
        decimals: decimals?,
        rounding: rounding?,
    })
}

fn read_models(r: &mut Reader, table: Table<'_, '_>, schema: u32) -> Option<Vec<Model>> {
    let mut models = Vec::new();
    let mut complete = true;
    // Every id and alias, lowercased, with where it was defined: a name must mean one model.
    let mut names: Vec<(String, String)> = Vec::new();
    let entries = table.entries();
    if entries.is_empty() {
        r.problem(
            table.span.clone(),
            &table.path,
            "the tariff defines no models (add a [models.ID] table)",
        );
        return None;
    }
    for (key, value) in entries {
        let id: &str = key.get_ref();
        let path = table.child(id);
        r.spans.push((path.clone(), value.span()));
        if let Some((_, c)) = crate::escape::find_control(id, &[]) {
            r.problem(
                key.span(),
                &path,
                format!(
                    "the model id {id:?} holds the control character {}; ids are printable text (e.g. \"flux-dev\")",
                    crate::escape::code_point(c)
                ),
            );
            complete = false;
            continue;
        }
        let Some(model_table) = r.table(field!(value, path)) else {
            complete = false;
            continue;
        };
        let Some(model) = read_model(r, id, model_table, schema) else {
            complete = false;
            continue;
        };
        for name in model.names() {
            let lowered = name.trim().to_lowercase();
            if let Some((_, owner)) = names.iter().find(|(n, _)| *n == lowered) {
                r.problem(
                    value.span(),
                    &path,
                    format!("the name {name:?} is already used by model {owner:?}; an id, alias or display name must mean one model, ignoring case"),
                );
                complete = false;
            }
            names.push((lowered, id.to_owned()));
        }
        // Jobs may name a model by its display name too ("Flux.1 [dev]"), so it must not mean
        // another model; the model's own id or alias spelled the same way is no clash.
        let lowered = model.name.trim().to_lowercase();
        match names.iter().find(|(n, _)| *n == lowered) {
            Some((_, owner)) if owner != id => {
                let name_path = format!("{path}.name");
                let span = r
                    .spans
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == name_path)
                    .map_or_else(|| value.span(), |(_, s)| s.clone());
                r.problem(
                    span,
                    &name_path,
                    format!(
                        "the display name {:?} is also a name of model {owner:?}, ignoring case; jobs may name a model by its display name, so each must mean one model: rename one of them",
                        model.name
                    ),
                );
                complete = false;
            }
            Some(_) => {}
            None => names.push((lowered, id.to_owned())),
        }
        models.push(model);
    }
    complete.then_some(models)
}

fn read_size(r: &mut Reader, field: Field<'_, '_>) -> Option<Size> {
    let text = r.string(field)?;
    match text.parse::<Size>() {
        Ok(size) => Some(size),
        Err(e) => {
            r.problem(field.value.span(), field.path, e.to_string());
            None
        }
    }
}

fn read_model(r: &mut Reader, id: &str, mut t: Table<'_, '_>, schema: u32) -> Option<Model> {
    if id.trim().is_empty() {
        r.problem(t.span.clone(), &t.path, "a model id is empty");
    }
    let name = required_string(r, &mut t, "name", false);
    let aliases = match r.optional(&mut t, "aliases") {
        None => Some(Vec::new()),
        Some((v, path)) => r.array(field!(v, path)).and_then(|items| {
            let read: Vec<Option<String>> = items
                .into_iter()
                .map(|(item, path)| {
                    let alias = r.string(field!(item, path))?;
                    if alias.trim().is_empty() {
                        r.problem(item.span(), &path, "an alias is empty");
                        return None;
                    }
                    Some(alias)
                })
                .collect();
            read.into_iter().collect()
        }),
    };
    let (meter, source, as_of) = read_provenance(r, &mut t, schema);
    let meter = meter?;
    if meter != "megapixel-step" {
        let metering = read_other_meter(r, &mut t, id, &meter);
        r.finish(t);
        return Some(placeholder_model(
            id, name?, aliases?, metering?, source?, as_of?,
        ));
    }
    let (source, as_of) = (source?, as_of?);
    let unit = required_string(r, &mut t, "unit", false);
    let unit_size = r.required(&mut t, "unit_size").and_then(|(v, path)| {
        let size = read_size(r, field!(v, path))?;
        if exact_unit(size.pixels()) {
            Some(size)
        } else {
            r.problem(
                v.span(),
                &path,
                format!(
                    "unit_size {size} has {} pixels, which is not a product of 2s and 5s up to 10^28, so units would not be exact decimals (use e.g. 1024x1024 or 1000x1000)",
                    size.pixels()
                ),
            );
            None
        }
    });
    let rate = r
        .optional(&mut t, "rate")
        .map(|(v, path)| positive_rate(r, field!(v, path)));
    let rates = r.optional(&mut t, "rates").map(|(v, path)| {
        read_rates(r, field!(v, path), "rate = \"...\"", |r, entry| {
            let rate = r
                .required(entry, "rate")
                .and_then(|(v, p)| positive_rate(r, field!(v, p)))?;
            Some((rate, Metering::MegapixelStep))
        })
    });
    let rates = match (rate, rates) {
        (Some(rate), None) => rate.map(|rate| (rate, Vec::new())),
        (None, Some(rates)) => rates.and_then(|rates| Some((rates.last()?.rate, rates))),
        (Some(_), Some(_)) => {
            r.problem(
                t.span.clone(),
                &t.path,
                format!(
                    "model {id:?} has both `rate` and `rates`; give one: `rate` for one price, or `rates` for dated prices (put the old rate in `rates` with the day it took effect)"
                ),
            );
            None
        }
        (None, None) => {
            r.problem(
                t.span.clone(),
                &t.child("rate"),
                format!(
                    "model {id:?} has no rate: give `rate = \"0.0012\"` (currency per unit), or `rates = [{{ from = \"2026-12-01\", rate = \"0.0013\" }}]` for rates that change on given days"
                ),
            );
            None
        }
    };
    let minimum = match r.optional(&mut t, "minimum") {
        None => Some(Decimal::ZERO),
        Some((v, path)) => r.decimal(field!(v, path)).and_then(|m| {
            if m.is_sign_negative() && !m.is_zero() {
                r.problem(
                    v.span(),
                    &path,
                    format!("the minimum must be 0 or more, got {m}"),
                );
                None
            } else {
                Some(m.abs())
            }
        }),
    };
    let steps = r.required(&mut t, "steps").and_then(|(v, path)| {
        let mut st = r.table(field!(v, path))?;
        let min = r
            .required(&mut st, "min")
            .and_then(|(v, p)| r.whole(field!(v, p), 1));
        let max = r
            .required(&mut st, "max")
            .and_then(|(v, p)| r.whole(field!(v, p), 1));
        let default = r
            .required(&mut st, "default")
            .and_then(|(v, p)| Some((r.whole(field!(v, p), 1)?, v.span(), p)));
        r.finish(st);
        let (min, max, (default, span, dpath)) = (min?, max?, default?);
        if min > max {
            r.problem(
                v.span(),
                &path,
                format!("min {min} is greater than max {max}"),
            );
            return None;
        }
        if !(min..=max).contains(&default) {
            r.problem(
                span,
                &dpath,
                format!("default {default} is outside min {min} to max {max}"),
            );
            return None;
        }
        Some(StepLimits { min, max, default })
    });
    let side = r
        .required(&mut t, "side")
        .and_then(|(v, path)| read_side(r, field!(v, path)));
    let default_size = r.required(&mut t, "default_size").and_then(|(v, path)| {
        let size = read_size(r, field!(v, path))?;
        let (side, ranges) = side.as_ref()?;
        if side.accepts(size.width) && side.accepts(size.height) {
            return Some(size);
        }
        let within = |n: u32| (side.min..=side.max).contains(&n);
        let refusing = [size.width, size.height].into_iter().find_map(|n| {
            ranges
                .iter()
                .find(|(a, b, _, _)| (*a..=*b).contains(&n))
                .map(|range| (n, range))
        });
        match refusing {
            // Both sides inside min to max, one refused: the range is what to look at.
            Some((n, (a, b, span, p))) if within(size.width) && within(size.height) => r.problem(
                span.clone(),
                p,
                format!(
                    "refused range [{a}, {b}] covers {n}, a side of default_size {size}; the default must be a size the model accepts"
                ),
            ),
            _ => r.problem(
                v.span(),
                &path,
                format!(
                    "default_size {size} is outside the side limits: each side {} pixels",
                    side.describe()
                ),
            ),
        }
        None
    });
    let published = match r.optional(&mut t, "published") {
        None => Some(None),
        Some((v, path)) => r
            .table(field!(v, path))
            .and_then(|pt| read_published(r, pt, steps, side.as_ref().map(|(s, _)| s)))
            .map(Some),
    };
    r.finish(t);
    Some(Model {
        id: id.to_owned(),
        metering: Metering::MegapixelStep,
        source,
        as_of,
        name: name?,
        aliases: aliases?,
        unit: unit?,
        unit_size: unit_size?,
        rate_from: rates.as_ref()?.1.last().map(|c| c.from),
        rate: rates.as_ref()?.0,
        rates: rates?.1,
        not_until: None,
        minimum: minimum?,
        steps: steps?,
        side: side?.0,
        default_size: default_size?,
        published: published?,
    })
}

/// The image keys, which a token or second model does not take.
const IMAGE_KEYS: [&str; 9] = [
    "unit",
    "unit_size",
    "rate",
    "rates",
    "minimum",
    "steps",
    "side",
    "default_size",
    "published",
];

/// `meter` (schema 2; `megapixel-step` when absent), and the model's own `source` and `as_of`
/// (schema 2), each `None` when it is wrong.
#[allow(clippy::type_complexity)]
fn read_provenance(
    r: &mut Reader,
    t: &mut Table<'_, '_>,
    schema: u32,
) -> (
    Option<String>,
    Option<Option<String>>,
    Option<Option<String>>,
) {
    let newer = |r: &mut Reader,
                 key: &'static str,
                 v: &toml::Spanned<toml::de::DeValue<'_>>,
                 path: &str| {
        if schema < 2 {
            r.problem(
                v.span(),
                path,
                format!("`{key}` is a schema 2 key; this tariff says schema = {schema}: write `schema = 2` at its top (schema 1 tariffs need no other change)"),
            );
            false
        } else {
            true
        }
    };
    let meter = match r.optional(t, "meter") {
        None => Some("megapixel-step".to_owned()),
        Some((v, path)) => {
            let ok = newer(r, "meter", v, &path);
            r.string(field!(v, path)).filter(|_| ok).and_then(|name| {
                if METER_NAMES.contains(&name.as_str()) {
                    Some(name)
                } else {
                    r.problem(
                        v.span(),
                        &path,
                        format!(
                            "unknown meter {name:?} (expected one of: {})",
                            METER_NAMES.join(", ")
                        ),
                    );
                    None
                }
            })
        }
    };
    let source = match r.optional(t, "source") {
        None => Some(None),
        Some((v, path)) => {
            let ok = newer(r, "source", v, &path);
            r.string(field!(v, path.clone()))
                .filter(|_| ok)
                .and_then(|s| {
                    if s.trim().is_empty() {
                        r.problem(v.span(), &path, "`source` is empty");
                        None
                    } else {
                        Some(Some(s))
                    }
                })
        }
    };
    let as_of = match r.optional(t, "as_of") {
        None => Some(None),
        Some((v, path)) => {
            let ok = newer(r, "as_of", v, &path);
            read_date(r, field!(v, path)).filter(|_| ok).map(Some)
        }
    };
    (meter, source, as_of)
}

/// The keys of a `token` or `second` model; an image key there is named as such. Returns the
/// meter with its rates in force (the newest, for dated rates) and the dated rates, oldest
/// first (empty for one undated set of rates).
fn read_other_meter(
    r: &mut Reader,
    t: &mut Table<'_, '_>,
    id: &str,
    meter: &str,
) -> Option<(Metering, Vec<RateChange>)> {
    let takes = if meter == "token" {
        "per, and input_rate and output_rate or dated rates"
    } else {
        "rate or dated rates, and minimum_seconds"
    };
    for key in IMAGE_KEYS {
        if key == "rates" || (meter == "second" && key == "rate") {
            continue;
        }
        if let Some((v, path)) = r.optional(t, key) {
            r.problem(
                v.span(),
                &path,
                format!(
                    "`{key}` is not a key of {meter} models (it belongs to megapixel-step models); a {meter} model takes: {takes} (with name, aliases, source, as_of)"
                ),
            );
        }
    }
    for key in IMAGE_KEYS {
        if key != "rates" {
            t.forget_absent(key);
        }
    }
    // One undated set of rates, or dated `rates`: exactly one of the two.
    let one_or_dated = |r: &mut Reader,
                        t: &Table<'_, '_>,
                        undated: Option<Option<Metering>>,
                        dated: Option<Option<Vec<RateChange>>>,
                        keys: &str,
                        example: &str|
     -> Option<(Metering, Vec<RateChange>)> {
        match (undated, dated) {
            (Some(one), None) => one.map(|m| (m, Vec::new())),
            (None, Some(rates)) => rates.and_then(|rates| Some((rates.last()?.metering, rates))),
            (Some(_), Some(_)) => {
                r.problem(
                    t.span.clone(),
                    &t.path,
                    format!(
                        "model {id:?} has both {keys} and `rates`; give one: {keys} for one price, or `rates` for dated prices (put the old rates in `rates` with the day they took effect)"
                    ),
                );
                None
            }
            (None, None) => {
                r.problem(
                    t.span.clone(),
                    &t.path,
                    format!(
                        "model {id:?} has no rate: give {example}, or `rates = [{{ from = \"2026-12-01\", {example} }}]` for rates that change on given days"
                    ),
                );
                None
            }
        }
    };
    if meter == "token" {
        let per = r.required(t, "per").and_then(|(v, path)| {
            let per = r.whole(field!(v, path), 1)?;
            if exact_unit(u64::from(per)) {
                Some(per)
            } else {
                r.problem(
                    v.span(),
                    &path,
                    format!(
                        "per {per} is not a product of 2s and 5s, so prices per token would not be exact decimals (use e.g. 1000000 or 1000)"
                    ),
                );
                None
            }
        });
        let input = r
            .optional(t, "input_rate")
            .map(|(v, path)| positive_rate(r, field!(v, path)));
        let output = r
            .optional(t, "output_rate")
            .map(|(v, path)| positive_rate(r, field!(v, path)));
        let rates = r.optional(t, "rates").map(|(v, path)| {
            read_rates(
                r,
                field!(v, path),
                "input_rate = \"...\", output_rate = \"...\"",
                |r, entry| {
                    let input = r
                        .required(entry, "input_rate")
                        .and_then(|(v, p)| positive_rate(r, field!(v, p)));
                    let output = r
                        .required(entry, "output_rate")
                        .and_then(|(v, p)| positive_rate(r, field!(v, p)));
                    let (input, output) = (input?, output?);
                    Some((
                        input,
                        Metering::Token(TokenRates {
                            per: per?,
                            input,
                            output,
                        }),
                    ))
                },
            )
        });
        let undated = match (input, output, &rates) {
            (None, None, Some(_)) => None,
            (input, output, _) => {
                // One of the two without the other, and no `rates`: name what is missing.
                for (key, got) in [("input_rate", &input), ("output_rate", &output)] {
                    if got.is_none() && rates.is_none() && (input.is_some() || output.is_some()) {
                        r.problem(
                            t.span.clone(),
                            &t.child(key),
                            format!("missing required key `{key}` in [{}]", t.path),
                        );
                    }
                }
                if input.is_none() && output.is_none() {
                    None
                } else {
                    Some((|| {
                        Some(Metering::Token(TokenRates {
                            per: per?,
                            input: input??,
                            output: output??,
                        }))
                    })())
                }
            }
        };
        return one_or_dated(
            r,
            t,
            undated,
            rates,
            "`input_rate` and `output_rate`",
            "input_rate = \"0.10\", output_rate = \"0.16\"",
        );
    }
    let minimum_seconds = match r.optional(t, "minimum_seconds") {
        None => Some(Decimal::ZERO),
        Some((v, path)) => r.decimal(field!(v, path)).and_then(|m| {
            if m.is_sign_negative() && !m.is_zero() {
                r.problem(
                    v.span(),
                    &path,
                    format!("minimum_seconds must be 0 or more, got {m}"),
                );
                None
            } else {
                Some(m.abs().normalize())
            }
        }),
    };
    let second = |rate: Decimal| {
        Some(Metering::Second(SecondRates {
            rate,
            minimum_seconds: minimum_seconds?,
        }))
    };
    let undated = r
        .optional(t, "rate")
        .map(|(v, path)| positive_rate(r, field!(v, path)).and_then(second));
    let rates = r.optional(t, "rates").map(|(v, path)| {
        read_rates(r, field!(v, path), "rate = \"...\"", |r, entry| {
            let rate = r
                .required(entry, "rate")
                .and_then(|(v, p)| positive_rate(r, field!(v, p)))?;
            Some((rate, second(rate)?))
        })
    });
    one_or_dated(r, t, undated, rates, "`rate`", "rate = \"0.0030\"")
}

/// A token or second model: its image fields hold placeholders that no image path prices,
/// since every such path asks [`Model::is_image`] first. `metering` is the newest of `rates`
/// when there are dated rates, until [`Model::on`] picks the one in force.
fn placeholder_model(
    id: &str,
    name: String,
    aliases: Vec<String>,
    (metering, rates): (Metering, Vec<RateChange>),
    source: Option<String>,
    as_of: Option<String>,
) -> Model {
    let rate = meter_rate(metering);
    Model {
        id: id.to_owned(),
        metering,
        source,
        as_of,
        name,
        aliases,
        unit: metering.name().to_owned(),
        unit_size: Size::new(1, 1),
        rate,
        rate_from: rates.last().map(|c| c.from),
        rates,
        not_until: None,
        minimum: Decimal::ZERO,
        steps: StepLimits {
            min: 1,
            max: 1,
            default: 1,
        },
        side: SideLimits {
            min: 1,
            max: 1,
            refused: Vec::new(),
        },
        default_size: Size::new(1, 1),
        published: None,
    }
}

/// The rate a token or second model keeps in [`Model::rate`]: the input rate, or the rate
/// per second.
fn meter_rate(metering: Metering) -> Decimal {
    match metering {
        Metering::Token(t) => t.input,
        Metering::Second(s) => s.rate,
        Metering::MegapixelStep => Decimal::ONE,
    }
}

/// A rate above zero.
fn positive_rate(r: &mut Reader, field: Field<'_, '_>) -> Option<Decimal> {
    let rate = r.decimal(field)?;
    if rate > Decimal::ZERO {
        Some(rate)
    } else {
        r.problem(
            field.value.span(),
            field.path,
            format!("the rate must be greater than 0, got {rate}"),
        );
        None
    }
}

/// `rates = [{ from = "YYYY-MM-DD", <the meter's rate keys> }, ...]`: at least one, each day a
/// real one, oldest first, no two on one day. `entry` reads one change's rate keys (`example`
/// shows them, for the message about an empty list) into its rate and meter.
fn read_rates(
    r: &mut Reader,
    field: Field<'_, '_>,
    example: &str,
    entry: impl Fn(&mut Reader, &mut Table<'_, '_>) -> Option<(Decimal, Metering)>,
) -> Option<Vec<RateChange>> {
    let items = r.array(field)?;
    if items.is_empty() {
        r.problem(
            field.value.span(),
            field.path,
            format!("`rates` is empty; list at least one {{ from = \"YYYY-MM-DD\", {example} }}"),
        );
        return None;
    }
    let mut read: Vec<Option<(RateChange, std::ops::Range<usize>, String)>> = Vec::new();
    for (item, path) in items {
        let Some(mut table) = r.table(field!(item, path)) else {
            read.push(None);
            continue;
        };
        let from = r.required(&mut table, "from").and_then(|(v, p)| {
            let text = read_date(r, field!(v, p.clone()))?;
            Some((text.parse::<Day>().ok()?, v.span(), p))
        });
        let rates = entry(r, &mut table);
        r.finish(table);
        read.push(match (from, rates) {
            (Some((from, span, p)), Some((rate, metering))) => Some((
                RateChange {
                    from,
                    rate,
                    metering,
                },
                span,
                p,
            )),
            _ => None,
        });
    }
    let read: Vec<_> = read.into_iter().collect::<Option<_>>()?;
    let before = r.problems.len();
    for pair in read.windows(2) {
        let ((earlier, _, earlier_path), (later, span, path)) = (&pair[0], &pair[1]);
        let how = if later.from == earlier.from {
            "is the same day as"
        } else if later.from < earlier.from {
            "comes before"
        } else {
            continue;
        };
        r.problem(
            span.clone(),
            path,
            format!(
                "from {} {how} the change above it ({earlier_path} = {}); list rate changes oldest first, one per day",
                later.from, earlier.from
            ),
        );
    }
    (r.problems.len() == before).then(|| read.into_iter().map(|(c, _, _)| c).collect())
}

/// `side = { min, max, refused }`, with the refused ranges checked so that `describe` is true:
/// each runs upward inside min to max, no two overlap or touch, and some side stays accepted.
/// Returns the ranges as read too (in order, with where each is), to place later findings.
fn read_side(r: &mut Reader, field: Field<'_, '_>) -> Option<(SideLimits, Vec<RefusedRange>)> {
    let mut st = r.table(field)?;
    let min = r
        .required(&mut st, "min")
        .and_then(|(v, p)| r.whole(field!(v, p), 1));
    let max = r
        .required(&mut st, "max")
        .and_then(|(v, p)| r.whole(field!(v, p), 1));
    let refused = match r.optional(&mut st, "refused") {
        None => Some(Vec::new()),
        Some((rv, rpath)) => r.array(field!(rv, rpath)).and_then(|items| {
            let read: Vec<Option<RefusedRange>> = items
                .into_iter()
                .map(|(item, p)| {
                    let pair = r.array(field!(item, p))?;
                    if pair.len() != 2 {
                        r.problem(
                            item.span(),
                            &p,
                            "a refused range is [FROM, TO], two whole numbers",
                        );
                        return None;
                    }
                    let a = r.whole(field!(pair[0].0, pair[0].1), 1);
                    let b = r.whole(field!(pair[1].0, pair[1].1), 1);
                    Some((a?, b?, item.span(), p))
                })
                .collect();
            read.into_iter().collect::<Option<Vec<_>>>()
        }),
    };
    r.finish(st);
    let (min, max, mut refused) = (min?, max?, refused?);
    if min > max {
        r.problem(
            field.value.span(),
            field.path,
            format!("min {min} is greater than max {max}"),
        );
        return None;
    }
    let before = r.problems.len();
    for (a, b, span, p) in &refused {
        let (a, b) = (*a, *b);
        if a > b {
            r.problem(
                span.clone(),
                p,
                format!("refused range [{a}, {b}] runs downward; write it [{b}, {a}]"),
            );
        } else if a < min || b > max {
            r.problem(
                span.clone(),
                p,
                format!(
                    "refused range [{a}, {b}] is not inside the side limits, min {min} to max {max}"
                ),
            );
        } else if a == min && b == max {
            r.problem(
                span.clone(),
                p,
                format!("refused range [{a}, {b}] refuses every side from min {min} to max {max}, so no size would be accepted"),
            );
        }
    }
    if r.problems.len() > before {
        return None;
    }
    // In order of their start, each range must begin past the furthest end so far, with at least
    // one accepted side between: a range inside, across or against another is one range written
    // twice, and the described gaps would not be the accepted sides.
    let mut order: Vec<usize> = (0..refused.len()).collect();
    order.sort_by_key(|&i| (refused[i].0, refused[i].1));
    let mut reach: Option<usize> = None;
    for &i in &order {
        if let Some(j) = reach {
            let (a, b) = (refused[i].0, refused[i].1);
            let (c, d) = (refused[j].0, refused[j].1);
            let touching = d.checked_add(1).is_none_or(|next| a <= next);
            if touching {
                // Placed at whichever comes later in the file, naming the other.
                let (here, other) = if i > j { (i, j) } else { (j, i) };
                let (ha, hb, span, p) = &refused[here];
                let (oa, ob, _, op) = &refused[other];
                let how = if a <= d { "overlaps" } else { "touches" };
                r.problem(
                    span.clone(),
                    p,
                    format!(
                        "refused range [{ha}, {hb}] {how} [{oa}, {ob}] ({}); write them as one range, [{}, {}]",
                        last_key(op),
                        c.min(a),
                        d.max(b)
                    ),
                );
            }
            if b <= d {
                continue;
            }
        }
        reach = Some(i);
    }
    if r.problems.len() > before {
        return None;
    }
    refused.sort_by_key(|&(a, b, _, _)| (a, b));
    let side = SideLimits {
        min,
        max,
        refused: refused.iter().map(|&(a, b, _, _)| (a, b)).collect(),
    };
    Some((side, refused))
}

/// The last part of a key path, `refused[0]` of `models.flux-dev.side.refused[0]`: enough to
/// name a sibling in a message placed at its neighbour.
fn last_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Dividing by the unit's pixels gives an exact decimal only when they are 2^a x 5^b; at most 28
/// places keeps every price's denominator within what exact arithmetic holds.
fn exact_unit(pixels: u64) -> bool {
    crate::exact::two_five_factors(pixels).is_some_and(|(twos, fives)| twos.max(fives) <= 28)
}

/// `[models.ID.published]`. Each column and each row once, every price above 0, and (when the
/// model's limits loaded) every cell a job the model accepts: `check` prices each cell as a job.
fn read_published(
    r: &mut Reader,
    mut t: Table<'_, '_>,
    steps: Option<StepLimits>,
    side: Option<&SideLimits>,
) -> Option<Published> {
    let tolerance = r.required(&mut t, "tolerance").and_then(|(v, path)| {
        let tol = r.decimal(field!(v, path))?;
        if tol.is_sign_negative() && !tol.is_zero() {
            r.problem(
                v.span(),
                &path,
                format!("the tolerance must be 0 or more, got {tol}"),
            );
            return None;
        }
        Some(tol.abs())
    });
    let sizes = r.required(&mut t, "sizes").and_then(|(v, path)| {
        let items = r.array(field!(v, path))?;
        if items.is_empty() {
            r.problem(v.span(), &path, "the published sizes are empty");
        }
        let mut seen: Vec<(Size, String)> = Vec::new();
        let mut complete = true;
        for (item, p) in items {
            let Some(size) = read_size(r, field!(item, p)) else {
                complete = false;
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == size) {
                r.problem(
                    item.span(),
                    &p,
                    format!(
                        "size {size} is published twice (also {}); give each column once",
                        last_key(first)
                    ),
                );
                complete = false;
            } else if let Some(side) = side
                && !(side.accepts(size.width) && side.accepts(size.height))
            {
                r.problem(
                    item.span(),
                    &p,
                    format!(
                        "published size {size} is outside the model's side limits (each side {} pixels)",
                        side.describe()
                    ),
                );
                complete = false;
            }
            seen.push((size, p));
        }
        complete.then(|| seen.into_iter().map(|(s, _)| s).collect::<Vec<Size>>())
    });
    let rows = r.required(&mut t, "rows").and_then(|(v, path)| {
        let items = r.array(field!(v, path))?;
        if items.is_empty() {
            r.problem(
                v.span(),
                &path,
                "the published rows are empty (add { steps = N, prices = [...] })",
            );
            return None;
        }
        let mut rows = Vec::new();
        let mut seen: Vec<(u32, String)> = Vec::new();
        let mut complete = true;
        for (item, p) in items {
            let Some(mut row) = r.table(field!(item, p)) else {
                complete = false;
                continue;
            };
            let row_path = p.clone();
            let row_steps = r.required(&mut row, "steps").and_then(|(v, p)| {
                let n = r.whole(field!(v, p), 1)?;
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == n) {
                    r.problem(
                        v.span(),
                        &p,
                        format!(
                            "a row for {n} steps is published twice (also {first}); give each row once"
                        ),
                    );
                    return None;
                }
                seen.push((n, last_key(&row_path).to_owned()));
                if let Some(limits) = steps
                    && !(limits.min..=limits.max).contains(&n)
                {
                    r.problem(
                        v.span(),
                        &p,
                        format!(
                            "published row for {n} steps is outside the model's steps, {} to {}",
                            limits.min, limits.max
                        ),
                    );
                    return None;
                }
                Some(n)
            });
            let prices = r.required(&mut row, "prices").and_then(|(v, p)| {
                let items = r.array(field!(v, p))?;
                let count = items.len();
                let read: Vec<Option<Decimal>> = items
                    .into_iter()
                    .map(|(item, p)| {
                        let price = r.decimal(field!(item, p))?;
                        if price > Decimal::ZERO {
                            Some(price)
                        } else {
                            r.problem(
                                item.span(),
                                &p,
                                format!("a published price must be greater than 0, got {price}"),
                            );
                            None
                        }
                    })
                    .collect();
                Some((
                    read.into_iter().collect::<Option<Vec<Decimal>>>()?,
                    count,
                    v.span(),
                    p,
                ))
            });
            r.finish(row);
            match (row_steps, prices) {
                (Some(steps), Some((prices, count, span, p))) => {
                    rows.push((PublishedRow { steps, prices }, count, span, p))
                }
                _ => complete = false,
            }
        }
        complete.then_some(rows)
    });
    r.finish(t);
    let sizes = sizes?;
    let mut checked = Vec::new();
    for (row, count, span, path) in rows? {
        if count != sizes.len() {
            r.problem(
                span,
                &path,
                format!(
                    "the row for {} steps has {count} price{} but there are {} published sizes",
                    row.steps,
                    if count == 1 { "" } else { "s" },
                    sizes.len()
                ),
            );
        } else {
            checked.push(row);
        }
    }
    Some(Published {
        tolerance: tolerance?,
        sizes,
        rows: checked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Job;

    #[test]
    fn sha256_of_known_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_builtin_tariff_loads() {
        let t = Tariff::builtin().unwrap();
        let m = t.default_model();
        assert_eq!(m.id, "flux-dev");
        assert_eq!(m.rate, Decimal::new(1206, 6));
        assert_eq!(
            m.steps,
            StepLimits {
                min: 1,
                max: 50,
                default: 10
            }
        );
        assert_eq!(m.default_size, Size::new(768, 768));
        assert_eq!(m.published.as_ref().unwrap().rows.len(), 3);
        assert_eq!(
            t.display,
            Display {
                decimals: 4,
                rounding: Rounding::HalfUp
            }
        );
    }

    #[test]
    fn refused_sides() {
        let side = SideLimits {
            min: 1,
            max: 1024,
            refused: vec![(1000, 1023)],
        };
        assert!(
            side.accepts(999)
                && side.accepts(1024)
                && !side.accepts(1000)
                && !side.accepts(1023)
                && !side.accepts(0)
        );
        assert_eq!(side.describe(), "1 to 999 or 1024");
        assert_eq!(
            SideLimits {
                min: 1,
                max: 1024,
                refused: vec![]
            }
            .describe(),
            "1 to 1024"
        );
        assert_eq!(
            SideLimits {
                min: 1,
                max: 9,
                refused: vec![(3, 4), (7, 9)]
            }
            .describe(),
            "1 to 2 or 5 to 6"
        );
        assert_eq!(
            SideLimits {
                min: 1,
                max: 1,
                refused: vec![(1, 1)]
            }
            .describe(),
            "none"
        );
        // Overlapping refused ranges, one reaching the largest side.
        let overlapping = SideLimits {
            min: 1,
            max: u32::MAX,
            refused: vec![(3, 5), (4, 4), (10, u32::MAX), (11, 12)],
        };
        assert_eq!(overlapping.accepted(), vec![(1, 2), (6, 9)]);
        assert!(
            !overlapping.accepts(5) && overlapping.accepts(6) && !overlapping.accepts(u32::MAX)
        );
    }

    /// The sides a limit message names: `1 to 999 or 1024`, `1, 3 to 4 or 9`, `none`.
    fn sides_named(words: &str) -> Vec<(u32, u32)> {
        if words == "none" {
            return Vec::new();
        }
        let (rest, last) = words.rsplit_once(" or ").unwrap_or(("", words));
        rest.split(", ")
            .filter(|w| !w.is_empty())
            .chain([last])
            .map(|w| {
                let (a, b) = w.split_once(" to ").unwrap_or((w, w));
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect()
    }

    /// The sides named by the width limit a job breaking it is told.
    fn sides_told(model: &Model, width: u32) -> Vec<(u32, u32)> {
        let job = Job {
            steps: model.steps.default,
            size: Size::new(width, model.default_size.height),
            count: 1,
        };
        let breaches = job.breaches(model);
        let told = breaches
            .iter()
            .find(|b| b.what() == "width")
            .unwrap_or_else(|| panic!("width {width} was accepted"))
            .to_string();
        let limit = told
            .split_once("(each side ")
            .and_then(|(_, l)| l.strip_suffix(')'))
            .unwrap_or_else(|| panic!("{told}"));
        let limit = limit.strip_prefix("exactly ").unwrap_or(limit);
        let limit = limit
            .strip_suffix(" pixels")
            .or_else(|| limit.strip_suffix(" pixel"))
            .unwrap_or_else(|| panic!("{told}"));
        sides_named(limit)
    }

    fn named_accepts(spans: &[(u32, u32)], n: u32) -> bool {
        spans.iter().any(|&(a, b)| (a..=b).contains(&n))
    }

    /// A tariff of one model with these side limits and a default size of `default`.
    fn side_tariff(min: u32, max: u32, refused: &[(u32, u32)], default: u32) -> String {
        let refused: Vec<String> = refused.iter().map(|(a, b)| format!("[{a}, {b}]")).collect();
        format!(
            "schema = 1\nprovider = \"P\"\ncurrency = \"USD\"\nsource = \"s\"\nas_of = \"2026-01-01\"\ndefault_model = \"m\"\n[display]\ndecimals = 4\nrounding = \"half-up\"\n[models.m]\nname = \"M\"\nunit = \"u\"\nunit_size = \"1x1\"\nrate = \"1\"\nsteps = {{ min = 1, max = 1, default = 1 }}\nside = {{ min = {min}, max = {max}, refused = [{}] }}\ndefault_size = \"{default}\"\n",
            refused.join(", ")
        )
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Every generated side limit either loads, and then the message a refused side is
        /// given names exactly the sides accepted, or is refused for a reason worked out here
        /// independently, side by side.
        #[test]
        fn a_side_limit_message_is_always_true(
            min in 1u32..30,
            extra in 0u32..40,
            (refused, after) in proptest::prop_oneof![
                // Anything at all, mostly refused.
                proptest::collection::vec((0u32..80, 0u32..80), 0..6).prop_map(|r| (r, None)),
                // Ranges one after another from the min: apart, now and then touching, the last
                // at the max or a little before it.
                (
                    0u32..3,
                    proptest::collection::vec((proptest::prop_oneof![6 => 1u32..4, 1 => proptest::strategy::Just(0u32)], 0u32..4), 1..7),
                    0u32..3,
                ).prop_map(|(skip, steps, after)| {
                    let mut at = skip;
                    let ranges = steps.into_iter().map(|(gap, len)| {
                        let range = (at + gap, at + gap + len);
                        at = range.1 + 1;
                        range
                    }).collect::<Vec<_>>();
                    (ranges, Some(after))
                }),
            ],
        ) {
            // Sequential ranges start from the min and set the max.
            let (refused, max) = match after {
                None => (refused, min + extra),
                Some(after) => {
                    let shifted: Vec<(u32, u32)> = refused.iter().map(|&(a, b)| (a + min, b + min)).collect();
                    let end = shifted.last().map_or(min, |r| r.1);
                    (shifted, end + after)
                }
            };
            let accepted: Vec<u32> = (min..=max)
                .filter(|n| !refused.iter().any(|&(a, b)| (a..=b).contains(n)))
                .collect();
            let overlapping_or_touching = refused.iter().enumerate().any(|(i, &(a, b))| {
                refused.iter().enumerate().any(|(j, &(c, d))| i != j && a <= d + 1 && c <= b + 1)
            });
            let valid = refused.iter().all(|&(a, b)| min <= a && a <= b && b <= max)
                && !overlapping_or_touching
                && !accepted.is_empty();
            let default = accepted.first().copied().unwrap_or(min);
            let loaded = Tariff::parse(Origin::BuiltIn, side_tariff(min, max, &refused, default));
            proptest::prop_assert_eq!(loaded.is_ok(), valid, "{:?}", loaded.as_ref().err().map(ToString::to_string));
            let Ok(tariff) = loaded else { return Ok(()) };
            let model = tariff.default_model();
            proptest::prop_assert_eq!(sides_named(&model.side.describe()), model.side.accepted());
            let mut told = None;
            for n in 0..=max + 2 {
                proptest::prop_assert_eq!(model.side.accepts(n), accepted.contains(&n), "side {}", n);
                if !model.side.accepts(n) {
                    let spans = told.get_or_insert_with(|| sides_told(model, n)).clone();
                    for m in 0..=max + 2 {
                        proptest::prop_assert_eq!(named_accepts(&spans, m), model.side.accepts(m), "side {} in {:?}", m, spans);
                    }
                }
            }
        }

        /// The words agree with `accepts` for any limits at all, checked or not, near 0 and
        /// near u32::MAX.
        #[test]
        fn described_sides_are_the_accepted_ones_for_any_limits(
            high in proptest::bool::ANY,
            min in 0u32..40,
            max in 0u32..40,
            refused in proptest::collection::vec((0u32..40, 0u32..40), 0..6),
        ) {
            let base = if high { u32::MAX - 39 } else { 0 };
            let side = SideLimits {
                min: base + min,
                max: base + max,
                refused: refused.iter().map(|&(a, b)| (base + a, base + b)).collect(),
            };
            let named = sides_named(&side.describe());
            proptest::prop_assert_eq!(&named, &side.accepted());
            for n in (0..40).map(|i| base + i) {
                proptest::prop_assert_eq!(named_accepts(&named, n), side.accepts(n), "side {}", n);
            }
            // Spans in order, apart, inside the limits.
            for pair in named.windows(2) {
                proptest::prop_assert!(pair[0].1 < pair[1].0 && pair[1].0 - pair[0].1 >= 2);
            }
            proptest::prop_assert!(named.iter().all(|&(a, b)| side.min <= a && a <= b && b <= side.max));
        }
    }

    #[test]
    fn models_are_found_by_id_or_alias_in_any_case() {
        let t = Tariff::builtin().unwrap();
        for q in [
            "flux-dev",
            "FLUX-DEV",
            "Flux.1-Dev",
            "flux-1-dev",
            " flux-dev ",
            "Flux.1 [dev]",
            "FLUX.1 [DEV]",
            " flux.1 [dev]\t",
        ] {
            assert_eq!(
                t.find_model(q).map(|m| m.id.as_str()),
                Some("flux-dev"),
                "{q}"
            );
        }
        assert!(t.find_model("flux-pro").is_none());
        assert_eq!(t.nearest_model("flux-de"), Some("flux-dev"));
        assert_eq!(t.nearest_model("Flux.1 [pro]"), Some("Flux.1 [dev]"));
        assert!(t.find_model("Flux.1  [dev]").is_none());
        assert_eq!(t.nearest_model("llama"), None);
    }

    #[test]
    fn a_number_rate_is_as_exact_as_a_string() {
        let text = BUILTIN.replace("rate = \"0.001206\"", "rate = 0.001206");
        let t = Tariff::parse(Origin::BuiltIn, text).unwrap();
        assert_eq!(t.default_model().rate.to_string(), "0.001206");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let text = BUILTIN
            .replace("rate = \"0.001206\"", "rat = \"0.001206\"")
            .replace("rounding = \"half-up\"", "rounding = \"nearest\"");
        let err = Tariff::parse(Origin::BuiltIn, text).unwrap_err();
        let keys: Vec<&str> = err.0.iter().map(|d| d.key.as_str()).collect();
        assert!(keys.contains(&"display.rounding"), "{keys:?}");
        assert!(keys.contains(&"models.flux-dev.rate"), "{keys:?}");
        assert!(keys.contains(&"models.flux-dev.rat"), "{keys:?}");
    }
}
