//! Two tariffs side by side: the same grid priced under each, cell by cell, and every other
//! change that alters what some job pays or whether it can be priced at all.
//!
//! Every change and percentage is worked out from exact prices and rounded once, for display;
//! the `--fail-above` gate compares exact percentages. A change whose effect has no percentage
//! (a removed model, a changed default model, narrower limits, a minimum from 0, a rounding that
//! can show more) fails any gate.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::exact::{Exact, wide_mul, write_point};
use crate::grid::{Cell, Grid};
use crate::pricing::TooLarge;
use crate::size::Size;
use crate::tariff::{Display, Metering, Model, Rounding, Tariff, describe_spans};

/// Why two tariffs cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The tariffs price in different currencies.
    #[error(
        "the tariffs price in different currencies: {old_file} in {old}, {new_file} in {new}; diff compares prices in one currency only"
    )]
    Currency {
        /// The old tariff's name.
        old_file: String,
        /// Its currency.
        old: String,
        /// The new tariff's name.
        new_file: String,
        /// Its currency.
        new: String,
    },
    /// A cell cannot be priced exactly under one tariff.
    #[error("{file}: model {model}: {source}")]
    Price {
        /// The tariff's name.
        file: String,
        /// The model.
        model: String,
        /// What is too large.
        source: TooLarge,
    },
    /// A change whose size does not fit exact arithmetic.
    #[error("{0} is too large to compute exactly")]
    TooLarge(String),
}

/// A figure that does not fit exact arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// An exact percent change, `100 x (new - old) / old`, with its display rounded once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Percent {
    /// Rise, fall or none.
    sign: Ordering,
    /// `|new - old| / old` as `numer / denom`, in lowest terms.
    numer: u128,
    denom: u128,
    /// `|percent|` in hundredths, rounded half away from zero.
    hundredths: u128,
}

impl Percent {
    /// The change from `old` to `new`: `Ok(None)` when `old` is 0 (a rise from nothing has no
    /// percentage).
    pub fn between(old: Exact, new: Exact) -> Result<Option<Percent>, Overflow> {
        if old.is_zero() {
            return Ok(None);
        }
        let (o, n) = old.numerators(new).ok_or(Overflow)?;
        let sign = n.cmp(&o);
        let change = n.abs_diff(o);
        let common = gcd(change, o);
        let (numer, denom) = (change / common, o / common);
        // Four decimal places of the fraction by long division, then round half away from 0.
        let mut hundredths = (numer / denom).checked_mul(10_000).ok_or(Overflow)?;
        let mut rest = numer % denom;
        let mut fraction = 0u128;
        for _ in 0..4 {
            rest = rest.checked_mul(10).ok_or(Overflow)?;
            fraction = fraction * 10 + rest / denom;
            rest %= denom;
        }
        hundredths = hundredths.checked_add(fraction).ok_or(Overflow)?;
        if rest > 0 && rest >= denom - rest {
            hundredths = hundredths.checked_add(1).ok_or(Overflow)?;
        }
        Ok(Some(Percent {
            sign,
            numer,
            denom,
            hundredths,
        }))
    }

    /// Whether it is a rise, a fall, or no change.
    pub fn sign(&self) -> Ordering {
        self.sign
    }

    /// The percent as a gate message shows it beside `limit`: signed to two places, or, where
    /// those would not show it above the limit (`+10.00%` for 10.004% above 10%), with as many
    /// more places as it takes, cut (not rounded) and ending in `...` if more digits follow:
    /// `+10.004...`. `None` on overflow.
    pub fn beside(&self, limit: Decimal) -> Option<String> {
        let (m, s) = (limit.mantissa().unsigned_abs(), limit.scale());
        let shown_above = |value: u128, places: u32| -> Option<bool> {
            // value / 10^places > m / 10^s, in integers at the larger scale.
            let top = places.max(s);
            let left = value.checked_mul(10u128.checked_pow(top - places)?)?;
            let right = m.checked_mul(10u128.checked_pow(top - s)?)?;
            Some(left > right)
        };
        if self.sign != Ordering::Greater || shown_above(self.hundredths, 2)? {
            return Some(self.to_string());
        }
        let whole = self.numer.checked_mul(100)?;
        let (mut value, mut rest) = (whole / self.denom, whole % self.denom);
        for places in 1..=30u32 {
            rest = rest.checked_mul(10)?;
            value = value.checked_mul(10)?.checked_add(rest / self.denom)?;
            rest %= self.denom;
            if places >= 2 && shown_above(value, places)? {
                let mut text = String::from("+");
                let digits = value.to_string();
                let digits = format!("{digits:0>width$}", width = places as usize + 1);
                let (int, frac) = digits.split_at(digits.len() - places as usize);
                text.push_str(int);
                text.push('.');
                text.push_str(frac);
                if rest != 0 {
                    text.push_str("...");
                }
                return Some(text);
            }
        }
        Some(self.to_string())
    }

    /// Whether it is a rise of more than `limit` percent, compared exactly.
    pub fn exceeds(&self, limit: Decimal) -> bool {
        if self.sign != Ordering::Greater {
            return false;
        }
        // 100 x numer / denom > m / 10^s  <=>  numer x 100 x 10^s > m x denom, in 256 bits.
        let (m, s) = (limit.mantissa().unsigned_abs(), limit.scale());
        let scale = 100 * 10u128.pow(s);
        wide_mul(self.numer, scale) > wide_mul(self.denom, m)
    }
}

/// `+10.00`, `-3.33`, `0.00`: the sign says rise or fall even where the two places show 0.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sign {
            Ordering::Greater => f.write_str("+")?,
            Ordering::Less => f.write_str("-")?,
            Ordering::Equal => {}
        }
        write_point(f, self.hundredths, 2, false)
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// An exact signed amount: new minus old.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    /// Rise, fall or none.
    pub sign: Ordering,
    /// How much.
    pub size: Exact,
}

impl Delta {
    /// `new - old`, exactly; `None` if that does not fit.
    pub fn between(old: Exact, new: Exact) -> Option<Delta> {
        let sign = new.cmp(&old);
        let size = match sign {
            Ordering::Less => old.checked_sub(new)?,
            _ => new.checked_sub(old)?,
        };
        Some(Delta { sign, size })
    }

    /// Rounded once, half away from zero, to `places`; `None` if that does not fit a decimal.
    pub fn round(&self, places: u32) -> Option<Decimal> {
        let size = self.size.round(places, Rounding::HalfUp)?;
        Some(if self.sign == Ordering::Less {
            -size
        } else {
            size
        })
    }
}

/// The exact expansion with its sign: `+0.00015075`, `-0.0001`, `0`.
impl fmt::Display for Delta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sign {
            Ordering::Greater => write!(f, "+{}", self.size),
            Ordering::Less => write!(f, "-{}", self.size),
            Ordering::Equal => f.write_str("0"),
        }
    }
}

/// One cell under both tariffs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiffCell {
    /// Steps.
    pub steps: u32,
    /// Size.
    pub size: Size,
    /// Shown price under the old tariff.
    pub old: Decimal,
    /// Shown price under the new tariff.
    pub new: Decimal,
    /// Exact price under the old tariff.
    pub old_exact: Exact,
    /// Exact price under the new tariff.
    pub new_exact: Exact,
    /// Exact new minus old.
    pub delta: Delta,
    /// `delta` rounded once, half away from zero, to the more places of the two tariffs (the
    /// new tariff's, if that does not fit a decimal).
    pub difference: Decimal,
    /// Exact percent change from old; `None` when the old price is 0.
    pub percent: Option<Percent>,
}

impl DiffCell {
    /// Whether the price rose by more than `limit` percent; a rise from 0 always does.
    pub fn rises_above(&self, limit: Decimal) -> bool {
        match self.percent {
            Some(p) => p.exceeds(limit),
            None => self.new_exact > self.old_exact,
        }
    }
}

/// A model present in both tariffs.
#[derive(Clone, Debug)]
pub struct ModelDiff<'a> {
    /// The model as it was.
    pub old: &'a Model,
    /// The model as it is.
    pub new: &'a Model,
    /// The grid priced under the old tariff.
    before: Grid,
    /// The same grid priced under the new tariff.
    after: Grid,
    /// Places of a cell's difference: the more of the two tariffs'.
    places: u32,
    /// The new tariff's places, where the more do not fit a decimal.
    new_places: u32,
}

impl ModelDiff<'_> {
    /// Every cell, row by row, worked out as it is read: `diff` worked out each one already,
    /// so this holds none of them.
    pub fn cells(&self) -> impl Iterator<Item = DiffCell> + '_ {
        self.before.cells().zip(self.after.cells()).map(|(b, a)| {
            self.cell(b, a)
                .expect("every cell was worked out when the diff was made")
        })
    }

    /// How many cells it has.
    pub fn len(&self) -> usize {
        self.before.len()
    }

    /// Whether it has no cells.
    pub fn is_empty(&self) -> bool {
        self.before.is_empty()
    }

    /// One cell from its prices under both tariffs.
    fn cell(&self, b: Cell, a: Cell) -> Result<DiffCell, DiffError> {
        let (old_exact, new_exact) = (b.quote.exact, a.quote.exact);
        let too_large = || {
            DiffError::TooLarge(format!(
                "the change of {} at {} steps, {} ({} to {})",
                self.old.id, b.job.steps, b.job.size, b.quote.price, a.quote.price
            ))
        };
        let delta = Delta::between(old_exact, new_exact).ok_or_else(too_large)?;
        Ok(DiffCell {
            steps: b.job.steps,
            size: b.job.size,
            old: b.quote.price,
            new: a.quote.price,
            old_exact,
            new_exact,
            delta,
            // At the new tariff's places where the more places do not fit a decimal.
            difference: delta
                .round(self.places)
                .or_else(|| delta.round(self.new_places))
                .ok_or_else(too_large)?,
            percent: Percent::between(old_exact, new_exact).map_err(|Overflow| too_large())?,
        })
    }
}

/// What changed beyond the grid's cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The model of jobs that name none.
    DefaultModel,
    /// Decimal places or rounding mode of shown prices.
    Display,
    /// A model id that names no model any more.
    ModelRemoved,
    /// An alias that names no model any more.
    AliasRemoved,
    /// An id or alias that names another model now.
    NameMoved,
    /// A new model.
    ModelAdded,
    /// The rate or the unit it is charged per.
    Rate,
    /// The least charge per image.
    Minimum,
    /// The accepted steps.
    Steps,
    /// The accepted sides.
    Sides,
    /// Steps of jobs that give none.
    DefaultSteps,
    /// Size of jobs that give none.
    DefaultSize,
    /// Steps and size of jobs that give neither.
    DefaultJob,
    /// What the model bills by (megapixel-step, token, second).
    Meter,
    /// The rate per input token.
    InputRate,
    /// The rate per output token.
    OutputRate,
    /// The seconds charged at least per speech request.
    MinimumSeconds,
}

impl Kind {
    /// How output names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DefaultModel => "default-model",
            Kind::Display => "display",
            Kind::ModelRemoved => "model-removed",
            Kind::AliasRemoved => "alias-removed",
            Kind::NameMoved => "name-moved",
            Kind::ModelAdded => "model-added",
            Kind::Rate => "rate",
            Kind::Minimum => "minimum",
            Kind::Steps => "steps",
            Kind::Sides => "sides",
            Kind::DefaultSteps => "default-steps",
            Kind::DefaultSize => "default-size",
            Kind::DefaultJob => "default-job",
            Kind::Meter => "meter",
            Kind::InputRate => "input-rate",
            Kind::OutputRate => "output-rate",
            Kind::MinimumSeconds => "minimum-seconds",
        }
    }
}

/// A change to the tariff beyond the cells shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// The model it belongs to; `None` for the whole tariff.
    pub model: Option<String>,
    /// The value as it was; empty for something added.
    pub old: String,
    /// The value as it is; empty for something removed.
    pub new: String,
    /// How much a job it touches pays now against before, at most, when that is a percentage.
    pub percent: Option<Percent>,
    /// Whether some job can pay more, or no longer be priced, by an amount with no percentage:
    /// it fails any `--fail-above`.
    pub always_fails: bool,
    /// What it does to a job, in words.
    pub effect: String,
}

impl Change {
    /// Whether it fails `--fail-above limit`.
    pub fn fails(&self, limit: Decimal) -> bool {
        self.always_fails || self.percent.is_some_and(|p| p.exceeds(limit))
    }

    /// The change in words: `flux-dev rate 0.001206 -> 0.0013266: a metered image pays +10.00%`.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        if let Some(model) = &self.model {
            text.push_str(model);
            text.push(' ');
        }
        text.push_str(self.kind.name());
        if !self.old.is_empty() && !self.new.is_empty() {
            text.push_str(&format!(" {} -> {}", self.old, self.new));
        }
        text.push_str(": ");
        text.push_str(&self.effect);
        text
    }
}

/// Everything that differs between two tariffs.
#[derive(Clone, Debug)]
pub struct TariffDiff<'a> {
    /// The currency both tariffs price in.
    pub currency: &'a str,
    /// Models in both, by id.
    pub models: Vec<ModelDiff<'a>>,
    /// Changes beyond the cells, tariff-wide first, then model by model in the old file's order.
    pub changes: Vec<Change>,
    /// Models only in the new tariff.
    pub added: Vec<&'a Model>,
    /// Models only in the old tariff.
    pub removed: Vec<&'a Model>,
}

/// Something that fails `--fail-above`.
// A cell is worked out as it is read, so it is carried by value; offences are counted as they
// stream by, never held.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug)]
pub enum Offence<'d, 'a> {
    /// A change beyond the cells.
    Change(&'d Change),
    /// A cell of a model.
    Cell(&'d ModelDiff<'a>, DiffCell),
}

impl<'a> TariffDiff<'a> {
    /// Every change and cell that fails `--fail-above limit`: changes first, then cells, as they
    /// are found (cells are worked out as they are read).
    pub fn offences(&self, limit: Decimal) -> impl Iterator<Item = Offence<'_, 'a>> + '_ {
        let changes = self
            .changes
            .iter()
            .filter(move |c| c.fails(limit))
            .map(Offence::Change);
        let cells = self.models.iter().flat_map(move |m| {
            m.cells()
                .filter(move |c| c.rises_above(limit))
                .map(move |c| Offence::Cell(m, c))
        });
        changes.chain(cells)
    }
}

/// The union of two lists, first's order then the second's new values.
fn union<T: PartialEq + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let mut all = a.to_vec();
    all.extend(b.iter().filter(|x| !a.contains(x)));
    all
}

fn axes(model: &Model) -> (Vec<u32>, Vec<Size>) {
    match &model.published {
        Some(p) => (p.rows.iter().map(|r| r.steps).collect(), p.sizes.clone()),
        None => (vec![model.steps.default], vec![model.default_size]),
    }
}

/// Prices the same grid under both tariffs (the union of both models' published axes, unless
/// `steps` or `sizes` are given) and finds every other change that alters what a job pays or
/// whether it can be priced. Tariffs in different currencies are an error.
pub fn diff<'a>(
    old: &'a Tariff,
    new: &'a Tariff,
    steps: Option<&[u32]>,
    sizes: Option<&[Size]>,
) -> Result<TariffDiff<'a>, DiffError> {
    if old.currency != new.currency {
        return Err(DiffError::Currency {
            old_file: old.origin.name(),
            old: old.currency.clone(),
            new_file: new.origin.name(),
            new: new.currency.clone(),
        });
    }
    let mut changes = tariff_changes(old, new);
    let mut models = Vec::new();
    for o in &old.models {
        changes.extend(name_changes(o, new));
        let Some(n) = new.models.iter().find(|n| n.id == o.id) else {
            continue;
        };
        // Token and second models have no image grid: their rates are compared per meter.
        if !o.is_image() || !n.is_image() {
            changes.extend(meter_changes(o, n)?);
            continue;
        }
        changes.extend(model_changes(o, n, &old.currency)?);
        let ((os, oz), (ns, nz)) = (axes(o), axes(n));
        let steps = steps.map_or_else(|| union(&os, &ns), <[u32]>::to_vec);
        let sizes = sizes.map_or_else(|| union(&oz, &nz), <[Size]>::to_vec);
        let model = ModelDiff {
            old: o,
            new: n,
            before: Grid::unchecked(o, old.display, &steps, &sizes),
            after: Grid::unchecked(n, new.display, &steps, &sizes),
            places: old.display.decimals.max(new.display.decimals),
            new_places: new.display.decimals,
        };
        // Every cell worked out once here, so one that cannot be is an error before any output,
        // in one pass; as ever, a cell the old tariff cannot price is the error, else one the
        // new tariff cannot, else the first change too large.
        let price_error = |tariff: &Tariff, model: &Model, source| DiffError::Price {
            file: tariff.origin.name(),
            model: model.id.clone(),
            source,
        };
        let (mut old_error, mut new_error, mut cell_error) = (None, None, None);
        for (b, a) in model.before.try_cells().zip(model.after.try_cells()) {
            match (b, a) {
                (Ok(b), Ok(a)) => {
                    if cell_error.is_none() {
                        cell_error = model.cell(b, a).err();
                    }
                }
                (b, a) => {
                    if let (Err(e), None) = (b, &old_error) {
                        old_error = Some(price_error(old, o, e));
                    }
                    if let (Err(e), None) = (a, &new_error) {
                        new_error = Some(price_error(new, n, e));
                    }
                }
            }
        }
        if let Some(e) = old_error.or(new_error).or(cell_error) {
            return Err(e);
        }
        models.push(model);
    }
    let added: Vec<&Model> = new
        .models
        .iter()
        .filter(|n| !old.models.iter().any(|o| o.id == n.id))
        .collect();
    changes.extend(added.iter().map(|n| Change {
        kind: Kind::ModelAdded,
        model: Some(n.id.clone()),
        old: String::new(),
        new: n.id.clone(),
        percent: None,
        always_fails: false,
        effect: format!(
            "a new model, {}, at {}",
            n.name,
            rates_in_words(n, &new.currency)
        ),
    }));
    let removed = old
        .models
        .iter()
        .filter(|o| !new.models.iter().any(|n| n.id == o.id))
        .collect();
    Ok(TariffDiff {
        currency: &new.currency,
        models,
        changes,
        added,
        removed,
    })
}

/// A model's rates in words, whatever its meter.
fn rates_in_words(m: &Model, currency: &str) -> String {
    match m.metering {
        Metering::MegapixelStep => format!("{} {currency} per {}", m.rate.normalize(), m.unit),
        Metering::Token(t) => format!(
            "{} {currency} per {} input tokens and {} {currency} per {} output tokens",
            t.input.normalize(),
            t.per,
            t.output.normalize(),
            t.per
        ),
        Metering::Second(s) => format!(
            "{} {currency} per second of audio, at least {} s per request",
            s.rate.normalize(),
            s.minimum_seconds.normalize()
        ),
    }
}

/// The changes of a model that bills tokens or seconds on either side: a change of meter
/// always fails a `--fail-above` gate (its prices cannot be compared); rates of one meter are
/// compared per token or per second, exactly.
fn meter_changes(o: &Model, n: &Model) -> Result<Vec<Change>, DiffError> {
    let too_large = |what: &str| DiffError::TooLarge(format!("the {what} change of {}", o.id));
    let change = |kind, old: String, new: String| Change {
        kind,
        model: Some(o.id.clone()),
        old,
        new,
        percent: None,
        always_fails: false,
        effect: String::new(),
    };
    let per = |rate: Decimal, per: u32| {
        Exact::from_decimal(rate)?.checked_mul(Exact::ratio(1, u64::from(per))?)
    };
    let rise = |what: &str, old: Option<Exact>, new: Option<Exact>| match (old, new) {
        (Some(old), Some(new)) => Percent::between(old, new).map_err(|Overflow| too_large(what)),
        _ => Err(too_large(what)),
    };
    let words = |rate: Decimal, per: u32| format!("{} per {per}", rate.normalize());
    let mut changes = Vec::new();
    match (o.metering, n.metering) {
        (Metering::Token(a), Metering::Token(b)) => {
            for (kind, what, (ra, rb)) in [
                (Kind::InputRate, "input", (a.input, b.input)),
                (Kind::OutputRate, "output", (a.output, b.output)),
            ] {
                if (ra, a.per) == (rb, b.per) {
                    continue;
                }
                let p = rise(what, per(ra, a.per), per(rb, b.per))?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: p.map_or_else(
                        || format!("{what} tokens cost something now"),
                        |p| format!("an {what} token pays {p}%"),
                    ),
                    ..change(kind, words(ra, a.per), words(rb, b.per))
                });
            }
        }
        (Metering::Second(a), Metering::Second(b)) => {
            if a.rate != b.rate {
                let p = rise(
                    "rate",
                    Exact::from_decimal(a.rate),
                    Exact::from_decimal(b.rate),
                )?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: p.map_or_else(String::new, |p| format!("a second of audio pays {p}%")),
                    ..change(
                        Kind::Rate,
                        a.rate.normalize().to_string(),
                        b.rate.normalize().to_string(),
                    )
                });
            }
            if a.minimum_seconds != b.minimum_seconds {
                let p = rise(
                    "minimum_seconds",
                    Exact::from_decimal(a.minimum_seconds),
                    Exact::from_decimal(b.minimum_seconds),
                )?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: format!(
                        "a request shorter than {} s is charged {} s",
                        b.minimum_seconds.normalize(),
                        b.minimum_seconds.normalize()
                    ),
                    ..change(
                        Kind::MinimumSeconds,
                        a.minimum_seconds.normalize().to_string(),
                        b.minimum_seconds.normalize().to_string(),
                    )
                });
            }
        }
        (a, b) => changes.push(Change {
            always_fails: true,
            effect: format!(
                "the model bills per {} now, not per {}: its prices cannot be compared",
                b.name(),
                a.name()
            ),
            ..change(Kind::Meter, a.name().to_owned(), b.name().to_owned())
        }),
    }
    Ok(changes)
}

/// The default model and the display.
fn tariff_changes(old: &Tariff, new: &Tariff) -> Vec<Change> {
    let mut changes = Vec::new();
    let (od, nd) = (old.default_model(), new.default_model());
    if od.id != nd.id {
        changes.push(Change {
            kind: Kind::DefaultModel,
            model: None,
            old: od.id.clone(),
            new: nd.id.clone(),
            percent: None,
            always_fails: true,
            effect: format!("jobs that name no model get {} instead of {}", nd.id, od.id),
        });
    }
    if old.display != new.display {
        let words = |d: Display| format!("{} places, {}", d.decimals, d.rounding.name());
        let rises = !never_shows_more(old.display, new.display);
        changes.push(Change {
            kind: Kind::Display,
            model: None,
            old: words(old.display),
            new: words(new.display),
            percent: None,
            always_fails: rises,
            effect: if rises {
                "some shown prices can be higher for the same exact price".to_owned()
            } else {
                "no shown price is higher for the same exact price".to_owned()
            },
        });
    }
    changes
}

/// Whether rounding with `new` never shows more than rounding with `old`, for every amount.
fn never_shows_more(old: Display, new: Display) -> bool {
    use Rounding::{Down, HalfEven, HalfUp, Up};
    // Same places: down <= half-even <= half-up <= up, amount by amount.
    let rank = |r: Rounding| match r {
        Down => 0,
        HalfEven => 1,
        HalfUp => 2,
        Up => 3,
    };
    match (old.rounding, new.rounding) {
        _ if old.decimals == new.decimals => rank(new.rounding) <= rank(old.rounding),
        // Down to no more places is at most down at the old places, which is at most any mode.
        (_, Down) if new.decimals < old.decimals => true,
        // Old rounds up, so it is at least the amount; the new one, at more places, is at most
        // the old one's grid point above it (Down: at most the amount itself).
        (Up, _) => new.decimals > old.decimals,
        _ => false,
    }
}

/// What jobs naming each of `old`'s id and aliases get now.
fn name_changes(old: &Model, new: &Tariff) -> Vec<Change> {
    let mut changes = Vec::new();
    for name in old.names() {
        let is_id = name == old.id;
        match new.find_model(name) {
            None => changes.push(Change {
                kind: if is_id {
                    Kind::ModelRemoved
                } else {
                    Kind::AliasRemoved
                },
                model: Some(old.id.clone()),
                old: name.to_owned(),
                new: String::new(),
                percent: None,
                always_fails: true,
                effect: format!("jobs that name {name:?} can no longer be priced"),
            }),
            Some(n) if n.id != old.id => changes.push(Change {
                kind: Kind::NameMoved,
                model: Some(old.id.clone()),
                old: old.id.clone(),
                new: n.id.clone(),
                percent: None,
                always_fails: true,
                effect: format!(
                    "jobs that name {name:?} get model {} instead of {}",
                    n.id, old.id
                ),
            }),
            Some(_) => {}
        }
    }
    changes
}

/// Price per pixel-step of a model, exactly.
fn per_pixel_step(model: &Model) -> Option<Exact> {
    Exact::from_decimal(model.rate)?.checked_mul(Exact::ratio(1, model.unit_size.pixels())?)
}

/// Every change to one model (same id in both) beyond the cells.
fn model_changes(o: &Model, n: &Model, currency: &str) -> Result<Vec<Change>, DiffError> {
    let mut changes = Vec::new();
    let too_large = |what: &str| DiffError::TooLarge(format!("the {what} change of {}", o.id));
    let change = |kind, old: String, new: String| Change {
        kind,
        model: Some(o.id.clone()),
        old,
        new,
        percent: None,
        always_fails: false,
        effect: String::new(),
    };
    // A metered image (priced by its rate, not at the minimum) pays rate x pixel-steps / unit.
    let (old_rate, new_rate) = (
        per_pixel_step(o).ok_or_else(|| too_large("rate"))?,
        per_pixel_step(n).ok_or_else(|| too_large("rate"))?,
    );
    let metered = |what: &str, old_factor: u128, new_factor: u128| {
        let old = old_rate.checked_mul_int(old_factor);
        let new = new_rate.checked_mul_int(new_factor);
        match (old, new) {
            (Some(old), Some(new)) => Percent::between(old, new)
                .ok()
                .flatten()
                .ok_or_else(|| too_large(what)),
            _ => Err(too_large(what)),
        }
    };
    let with_rate = if old_rate == new_rate {
        ""
    } else {
        " (with the rate change)"
    };
    if o.rate != n.rate || o.unit_size != n.unit_size {
        let words = |m: &Model| {
            if o.unit_size == n.unit_size {
                m.rate.normalize().to_string()
            } else {
                format!("{} per {}", m.rate.normalize(), m.unit_size)
            }
        };
        let p = metered("rate", 1, 1)?;
        changes.push(Change {
            percent: Some(p),
            effect: format!("a metered image pays {p}%"),
            ..change(Kind::Rate, words(o), words(n))
        });
    }
    if o.minimum != n.minimum {
        let (old, new) = (
            Exact::from_decimal(o.minimum).ok_or_else(|| too_large("minimum"))?,
            Exact::from_decimal(n.minimum).ok_or_else(|| too_large("minimum"))?,
        );
        let p = Percent::between(old, new).map_err(|Overflow| too_large("minimum"))?;
        let shown = |d: Decimal| d.normalize().to_string();
        let effect = match p {
            None => format!(
                "images that cost less than {} {currency} now cost {} {currency}",
                shown(n.minimum),
                shown(n.minimum)
            ),
            Some(p) if new.is_zero() => {
                format!("no minimum now; an image priced at the minimum pays {p}% or less")
            }
            Some(p) => format!("an image priced at the minimum pays {p}%"),
        };
        changes.push(Change {
            percent: p,
            always_fails: p.is_none(),
            effect,
            ..change(Kind::Minimum, shown(o.minimum), shown(n.minimum))
        });
    }
    let steps = |m: &Model| vec![(m.steps.min, m.steps.max)];
    if steps(o) != steps(n) {
        changes.push(limits(
            change(
                Kind::Steps,
                describe_spans(&steps(o)),
                describe_spans(&steps(n)),
            ),
            &steps(o),
            &steps(n),
            |spans| format!("jobs with {spans} steps"),
        ));
    }
    let (old_sides, new_sides) = (o.side.accepted(), n.side.accepted());
    if old_sides != new_sides {
        changes.push(limits(
            change(
                Kind::Sides,
                describe_spans(&old_sides),
                describe_spans(&new_sides),
            ),
            &old_sides,
            &new_sides,
            |spans| format!("sides of {spans} pixels"),
        ));
    }
    let (od, nd) = (o.steps.default, n.steps.default);
    let (oz, nz) = (o.default_size, n.default_size);
    if od != nd {
        let p = metered("default steps", u128::from(od), u128::from(nd))?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give no steps run {nd} steps instead of {od}; a metered image pays {p}%{with_rate}"
            ),
            ..change(Kind::DefaultSteps, od.to_string(), nd.to_string())
        });
    }
    if oz != nz {
        let p = metered(
            "default size",
            u128::from(oz.pixels()),
            u128::from(nz.pixels()),
        )?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give no size get {nz} instead of {oz}; a metered image pays {p}%{with_rate}"
            ),
            ..change(Kind::DefaultSize, oz.to_string(), nz.to_string())
        });
    }
    if od != nd && oz != nz {
        let p = metered(
            "default job",
            crate::pricing::pixel_steps(od, oz),
            crate::pricing::pixel_steps(nd, nz),
        )?;
        changes.push(Change {
            percent: Some(p),
            effect: format!(
                "jobs that give neither steps nor size get {nd} steps at {nz} instead of {od} steps at {oz}; a metered image pays {p}%{with_rate}"
            ),
            ..change(
                Kind::DefaultJob,
                format!("{od} steps, {oz}"),
                format!("{nd} steps, {nz}"),
            )
        });
    }
    Ok(changes)
}

/// A limit change: what was accepted and is refused now fails any gate; what is newly
/// accepted does not.
fn limits(
    mut change: Change,
    old: &[(u32, u32)],
    new: &[(u32, u32)],
    what: impl Fn(&str) -> String,
) -> Change {
    let (refused, accepted) = (minus(old, new), minus(new, old));
    let mut effect = Vec::new();
    if !refused.is_empty() {
        effect.push(format!(
            "{} were accepted and are refused now",
            what(&describe_spans(&refused))
        ));
    }
    if !accepted.is_empty() {
        effect.push(format!(
            "{} are accepted now",
            what(&describe_spans(&accepted))
        ));
    }
    change.always_fails = !refused.is_empty();
    change.effect = effect.join("; ");
    change
}

/// The values in `a`'s ranges and in none of `b`'s; both ascending and disjoint.
fn minus(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(start, end) in a {
        let mut from = Some(start);
        for &(x, y) in b {
            let Some(f) = from else { break };
            if y < f || x > end {
                continue;
            }
            if x > f {
                out.push((f, x - 1));
            }
            from = y.checked_add(1);
        }
        if let Some(f) = from
            && f <= end
        {
            out.push((f, end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::{BUILTIN, Origin};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn e(s: &str) -> Exact {
        Exact::from_decimal(d(s)).unwrap()
    }

    fn edited(from: &str, to: &str) -> Tariff {
        assert!(BUILTIN.contains(from), "{from}");
        Tariff::parse(Origin::BuiltIn, BUILTIN.replacen(from, to, 1)).unwrap()
    }

    #[test]
    fn a_rate_rise_shows_in_every_cell() {
        let old = Tariff::builtin().unwrap();
        let new = edited("rate = \"0.001206\"", "rate = \"0.002412\"");
        let t = diff(&old, &new, None, None).unwrap();
        assert_eq!(t.models.len(), 1);
        assert_eq!(t.models[0].len(), 9);
        let c = t.models[0].cells().nth(4).unwrap();
        assert_eq!(
            (c.steps, c.size, c.old.to_string(), c.new.to_string()),
            (20, Size::new(512, 512), "0.0060".into(), "0.0121".into())
        );
        // Exact: the rate doubled, so every price did.
        assert_eq!(c.percent.map(|p| p.to_string()), Some("+100.00".into()));
        assert_eq!(c.delta.to_string(), "+0.00603");
        assert!(c.rises_above(d("99.99")) && !c.rises_above(Decimal::ONE_HUNDRED));
        assert_eq!(t.changes.len(), 1);
        assert_eq!(t.changes[0].kind, Kind::Rate);
        assert!(t.added.is_empty() && t.removed.is_empty());
    }

    #[test]
    fn percent_is_exact_and_rounds_once() {
        let p = |old: &str, new: &str| Percent::between(e(old), e(new)).unwrap().unwrap();
        assert_eq!(p("3", "4").to_string(), "+33.33");
        assert_eq!(p("3", "5").to_string(), "+66.67");
        assert_eq!(p("3", "2").to_string(), "-33.33");
        assert_eq!(p("1", "1").to_string(), "0.00");
        assert_eq!(p("100000", "100000.001").to_string(), "+0.00");
        assert_eq!(p("0.0008", "0.0016").to_string(), "+100.00");
        // 1/3 rise: above 33.33, not above 33.34; 10% exactly is not above 10.
        assert!(p("3", "4").exceeds(d("33.33")) && !p("3", "4").exceeds(d("33.34")));
        assert!(!p("10", "11").exceeds(d("10")) && p("10", "11").exceeds(d("9.9999999")));
        assert!(!p("3", "2").exceeds(Decimal::ZERO));
        assert!(p("100000", "100000.001").exceeds(Decimal::ZERO));
        assert_eq!(Percent::between(Exact::ZERO, e("1")), Ok(None));
    }

    #[test]
    fn a_rise_from_zero_fails_any_gate() {
        let cell = |old: Exact, new: Exact| DiffCell {
            steps: 1,
            size: Size::new(1, 1),
            old: Decimal::ZERO,
            new: Decimal::ZERO,
            old_exact: old,
            new_exact: new,
            delta: Delta::between(old, new).unwrap(),
            difference: Decimal::ZERO,
            percent: Percent::between(old, new).unwrap(),
        };
        let from_zero = cell(Exact::ZERO, e("0.00001"));
        assert_eq!(from_zero.percent, None);
        assert!(from_zero.rises_above(d("79228162514264337593543950335")));
        assert!(!cell(Exact::ZERO, Exact::ZERO).rises_above(Decimal::ZERO));
        assert_eq!(from_zero.delta.to_string(), "+0.00001");
        assert_eq!(cell(e("2"), e("1.5")).delta.to_string(), "-0.5");
        assert_eq!(cell(e("2"), e("1.5")).delta.round(0), Some(d("-1")));
    }

    #[test]
    fn rounding_that_never_shows_more() {
        use Rounding::*;
        let at = |decimals, rounding| Display { decimals, rounding };
        let modes = [Down, HalfEven, HalfUp, Up];
        // Brute force: a claim of "never more" must hold for every amount. Rounding looks the
        // same at every scale, so places 3 to 5 over amounts to 0.003 at 7 places cover it.
        for od in 3..=5 {
            for nd in 3..=5 {
                for om in modes {
                    for nm in modes {
                        let (old, new) = (at(od, om), at(nd, nm));
                        let more = (0..30_000u128).any(|n| {
                            let x = Exact::over(n, 7, 7);
                            x.round(nd, nm) > x.round(od, om)
                        });
                        assert_eq!(never_shows_more(old, new), !more, "{old:?} -> {new:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn ranges_minus_ranges() {
        assert_eq!(minus(&[(1, 50)], &[(5, 50)]), vec![(1, 4)]);
        assert_eq!(minus(&[(1, 50)], &[(1, 100)]), vec![]);
        assert_eq!(
            minus(&[(1, 999), (1024, 1024)], &[(1, 768)]),
            vec![(769, 999), (1024, 1024)]
        );
        assert_eq!(
            minus(&[(1, u32::MAX)], &[(2, 3), (5, u32::MAX)]),
            vec![(1, 1), (4, 4)]
        );
        assert_eq!(minus(&[(7, 9)], &[]), vec![(7, 9)]);
    }
}
