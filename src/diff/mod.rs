//! Two tariffs side by side: the same grid priced under each, cell by cell, and every other
//! change that alters what some job pays or whether it can be priced at all.
//!
//! Every change and percentage is worked out from exact prices and rounded once, for display;
//! the `--fail-above` gate compares exact percentages. A change whose effect has no percentage
//! (a removed model, or a name a job may give that names another model or none, a changed
//! default model, narrower limits, a minimum from 0, a rounding that can show more) fails any
//! gate. Tariffs with dated rates are compared on every later day on which a price changes
//! too ([`over_days`]).
//!
//! One concern a file: `percent` (exact percentages and signed amounts), `cells` (the grid
//! under both), `change` (what a change is), `names` (which model a job's name gets),
//! `display` (rounding), `image` and `meters` (a model's own changes), `minimum` (a least
//! charge in words), `days` (changes over days).

mod cells;
mod change;
mod days;
mod display;
mod image;
mod meters;
mod minimum;
mod names;
mod percent;

use rust_decimal::Decimal;

pub use cells::{DiffCell, ModelDiff};
pub use change::{Change, ChangeKind};
pub use days::{DayDiff, over_days, priced};
pub use percent::{Delta, Overflow, Percent};

use crate::grid::Grid;
use crate::pricing::TooLarge;
use crate::size::Size;
use crate::tariff::{Model, Tariff};

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
    let mut changes: Vec<Change> = names::default_model(old, new)
        .into_iter()
        .chain(display::change(old, new))
        .collect();
    let mut models = Vec::new();
    for o in &old.models {
        changes.extend(names::name_changes(o, new));
        let Some(n) = new.models.iter().find(|n| n.id == o.id) else {
            continue;
        };
        // Token and second models have no image grid: their rates are compared per meter.
        if !o.is_image() || !n.is_image() {
            changes.extend(meters::meter_changes(o, n)?);
            continue;
        }
        changes.extend(image::model_changes(o, n, &old.currency)?);
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
        kind: ChangeKind::ModelAdded,
        model: Some(n.id.clone()),
        old: String::new(),
        new: n.id.clone(),
        percent: None,
        always_fails: false,
        effect: format!(
            "a new model, {}, at {}",
            n.name,
            meters::rates_in_words(n, &new.currency)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::{BUILTIN, Origin};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn edited(from: &str, to: &str) -> Tariff {
        assert!(BUILTIN.contains(from), "{from}");
        crate::checks::parse(Origin::BuiltIn, BUILTIN.replacen(from, to, 1)).unwrap()
    }

    #[test]
    fn a_rate_rise_shows_in_every_cell() {
        let old = crate::checks::builtin().unwrap();
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
        assert_eq!(t.changes[0].kind, ChangeKind::Rate);
        assert!(t.added.is_empty() && t.removed.is_empty());
    }
}
