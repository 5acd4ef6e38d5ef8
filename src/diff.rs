//! Two tariffs side by side: the same grid priced under each, cell by cell.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::grid::Grid;
use crate::pricing::TooLarge;
use crate::size::Size;
use crate::tariff::{Model, Tariff};

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
    /// New minus old.
    pub difference: Decimal,
    /// Percent change from old, to 2 places; `None` when old is 0.
    pub percent: Option<Decimal>,
}

/// A model present in both tariffs.
#[derive(Clone, Debug)]
pub struct ModelDiff<'a> {
    /// The model as it was.
    pub old: &'a Model,
    /// The model as it is.
    pub new: &'a Model,
    /// Every cell.
    pub cells: Vec<DiffCell>,
}

/// Everything that differs between two tariffs.
#[derive(Clone, Debug)]
pub struct TariffDiff<'a> {
    /// Models in both, by id.
    pub models: Vec<ModelDiff<'a>>,
    /// Models only in the new tariff.
    pub added: Vec<&'a Model>,
    /// Models only in the old tariff.
    pub removed: Vec<&'a Model>,
}

impl DiffCell {
    /// Whether the price rose by more than `percent`.
    pub fn rises_above(&self, percent: Decimal) -> bool {
        match self.percent {
            Some(p) => p > percent,
            None => self.new > self.old,
        }
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

/// Prices the same grid under both tariffs: the union of both models' published axes, unless
/// `steps` or `sizes` are given.
pub fn diff<'a>(
    old: &'a Tariff,
    new: &'a Tariff,
    steps: Option<&[u32]>,
    sizes: Option<&[Size]>,
) -> Result<TariffDiff<'a>, TooLarge> {
    let mut models = Vec::new();
    for o in &old.models {
        let Some(n) = new.models.iter().find(|n| n.id == o.id) else {
            continue;
        };
        let ((os, oz), (ns, nz)) = (axes(o), axes(n));
        let steps = steps.map_or_else(|| union(&os, &ns), <[u32]>::to_vec);
        let sizes = sizes.map_or_else(|| union(&oz, &nz), <[Size]>::to_vec);
        let before = Grid::compute(o, old.display, &steps, &sizes)?;
        let after = Grid::compute(n, new.display, &steps, &sizes)?;
        let cells = before
            .cells
            .iter()
            .zip(&after.cells)
            .map(|(b, a)| {
                let (old, new) = (b.quote.price, a.quote.price);
                let difference = new - old;
                let percent = (!old.is_zero()).then(|| {
                    (difference * Decimal::ONE_HUNDRED / old)
                        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                });
                DiffCell {
                    steps: b.job.steps,
                    size: b.job.size,
                    old,
                    new,
                    difference,
                    percent,
                }
            })
            .collect();
        models.push(ModelDiff {
            old: o,
            new: n,
            cells,
        });
    }
    let added = new
        .models
        .iter()
        .filter(|n| !old.models.iter().any(|o| o.id == n.id))
        .collect();
    let removed = old
        .models
        .iter()
        .filter(|o| !new.models.iter().any(|n| n.id == o.id))
        .collect();
    Ok(TariffDiff {
        models,
        added,
        removed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::{BUILTIN, Origin};

    #[test]
    fn a_rate_rise_shows_in_every_cell() {
        let old = Tariff::builtin().unwrap();
        let new = Tariff::parse(
            Origin::BuiltIn,
            BUILTIN.replace("rate = \"0.001206\"", "rate = \"0.002412\""),
        )
        .unwrap();
        let d = diff(&old, &new, None, None).unwrap();
        assert_eq!(d.models.len(), 1);
        assert_eq!(d.models[0].cells.len(), 9);
        let c = d.models[0].cells[4];
        assert_eq!(
            (c.steps, c.size, c.old.to_string(), c.new.to_string()),
            (20, Size::new(512, 512), "0.0060".into(), "0.0121".into())
        );
        assert_eq!(c.percent.map(|p| p.to_string()), Some("101.67".into()));
        assert!(c.rises_above(Decimal::ONE_HUNDRED));
        assert!(d.added.is_empty() && d.removed.is_empty());
    }
}
