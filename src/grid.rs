//! The steps x sizes grid computed from the model, and its check against published prices.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

use crate::job::Job;
use crate::pricing::{Meter, Quote, TooLarge};
use crate::size::Size;
use crate::tariff::{Display, Model};

/// Prices of one image for every steps (rows) and size (columns).
///
/// Every cell is priced once when the grid is made, so a cell that cannot be priced is an error
/// before anything is shown; the cells are then priced again as they are read, one at a time, so
/// a grid of a million cells holds none of them.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The rows.
    pub steps: Vec<u32>,
    /// The columns.
    pub sizes: Vec<Size>,
    meter: Meter,
    display: Display,
}

/// One priced cell.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    /// The one-image job of this cell.
    pub job: Job,
    /// Its price.
    pub quote: Quote,
}

impl Grid {
    /// Prices one image at every steps and size; the first cell, row by row, that cannot be
    /// priced exactly is the error.
    pub fn compute(
        model: &Model,
        display: Display,
        steps: &[u32],
        sizes: &[Size],
    ) -> Result<Grid, TooLarge> {
        let grid = Grid::unchecked(model, display, steps, sizes);
        for cell in grid.try_cells() {
            cell?;
        }
        Ok(grid)
    }

    /// The grid, its cells not priced yet: for a caller that prices every one through
    /// [`Grid::try_cells`] before reading any through [`Grid::rows`] or [`Grid::cells`].
    pub(crate) fn unchecked(
        model: &Model,
        display: Display,
        steps: &[u32],
        sizes: &[Size],
    ) -> Grid {
        Grid {
            steps: steps.to_vec(),
            sizes: sizes.to_vec(),
            meter: Meter::new(model),
            display,
        }
    }

    /// Every cell, row by row, or why it cannot be priced.
    pub fn try_cells(&self) -> impl Iterator<Item = Result<Cell, TooLarge>> + '_ {
        self.steps
            .iter()
            .flat_map(move |&s| self.sizes.iter().map(move |&size| self.price(s, size)))
    }

    fn price(&self, steps: u32, size: Size) -> Result<Cell, TooLarge> {
        let job = Job {
            steps,
            size,
            count: 1,
        };
        Ok(Cell {
            job,
            quote: self.meter.quote(&job, self.display)?,
        })
    }

    /// The cell at `steps` and `size`, of the grid's own axes.
    fn cell(&self, steps: u32, size: Size) -> Cell {
        // Pricing is a pure function of the job, and `compute` priced this one already.
        self.price(steps, size)
            .expect("every cell of the grid was priced when it was made")
    }

    /// Each row's steps with its cells, priced as they are read.
    pub fn rows(&self) -> impl Iterator<Item = (u32, impl Iterator<Item = Cell> + '_)> + '_ {
        self.steps
            .iter()
            .map(move |&s| (s, self.sizes.iter().map(move |&size| self.cell(s, size))))
    }

    /// Every cell, row by row, priced as it is read.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.rows().flat_map(|(_, cells)| cells)
    }

    /// How many cells it has.
    pub fn len(&self) -> usize {
        self.steps.len().saturating_mul(self.sizes.len())
    }

    /// Whether it has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a computed cell compares with the published one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The shown price equals the published one.
    Exact,
    /// Different, but by no more than the tolerance.
    WithinTolerance,
    /// Further off than the tolerance.
    Off,
}

impl Status {
    /// How output names it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Exact => "exact",
            Status::WithinTolerance => "within tolerance",
            Status::Off => "off",
        }
    }
}

/// One published cell beside the computed one.
#[derive(Clone, Copy, Debug)]
pub struct Compared {
    /// The computed cell.
    pub cell: Cell,
    /// The provider's price.
    pub published: Decimal,
    /// Shown price minus published price.
    pub difference: Decimal,
    /// The verdict.
    pub status: Status,
}

/// Why a published grid cannot be checked exactly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// A cell's price cannot be computed exactly.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// A published price so far from the computed one that their difference has more digits
    /// than can be held exactly.
    #[error(
        "published price {published} for {steps} steps at {size} is too far from the computed {computed} to compare exactly (the difference has more than 28 significant digits); check the published value"
    )]
    Difference {
        /// The row.
        steps: u32,
        /// The column.
        size: Size,
        /// The published price.
        published: Decimal,
        /// The shown computed price.
        computed: Decimal,
    },
}

/// `a - b` exactly, or `None` when the exact difference does not fit a `Decimal` (rust_decimal
/// would round it, or panic).
pub fn exact_difference(a: Decimal, b: Decimal) -> Option<Decimal> {
    let difference = a.checked_sub(b)?;
    // Rounding shows as a lost place: the exact difference has the larger scale of the two.
    (difference.scale() == a.scale().max(b.scale())).then_some(difference)
}

/// A model's computed grid held against its published one.
#[derive(Clone, Debug)]
pub struct Check {
    /// The allowed difference.
    pub tolerance: Decimal,
    /// Published sizes per row, to tell a cell's row and column.
    pub columns: usize,
    /// Every published cell, row by row.
    pub cells: Vec<Compared>,
}

impl Check {
    /// Checks `model`'s published grid; `None` when it has none.
    pub fn run(model: &Model, display: Display) -> Result<Option<Check>, CheckError> {
        let Some(published) = &model.published else {
            return Ok(None);
        };
        let steps: Vec<u32> = published.rows.iter().map(|r| r.steps).collect();
        let grid = Grid::compute(model, display, &steps, &published.sizes)?;
        let prices = published.rows.iter().flat_map(|r| r.prices.iter().copied());
        let cells = grid
            .cells()
            .zip(prices)
            .map(|(cell, published_price)| {
                let difference = exact_difference(cell.quote.price, published_price).ok_or(
                    CheckError::Difference {
                        steps: cell.job.steps,
                        size: cell.job.size,
                        published: published_price,
                        computed: cell.quote.price,
                    },
                )?;
                let status = if difference.is_zero() {
                    Status::Exact
                } else if difference.abs() <= published.tolerance {
                    Status::WithinTolerance
                } else {
                    Status::Off
                };
                Ok(Compared {
                    cell,
                    published: published_price,
                    difference,
                    status,
                })
            })
            .collect::<Result<_, CheckError>>()?;
        Ok(Some(Check {
            tolerance: published.tolerance,
            columns: published.sizes.len(),
            cells,
        }))
    }

    /// Whether every cell is within the tolerance.
    pub fn passed(&self) -> bool {
        self.cells.iter().all(|c| c.status != Status::Off)
    }

    /// How many cells have this status.
    pub fn count(&self, status: Status) -> usize {
        self.cells.iter().filter(|c| c.status == status).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rate_reproduces_eight_cells_and_the_ninth_within_tolerance() {
        let t = crate::checks::builtin().unwrap();
        let check = Check::run(t.default_model(), t.display).unwrap().unwrap();
        assert_eq!(check.cells.len(), 9);
        assert_eq!(check.count(Status::Exact), 8);
        let odd: Vec<_> = check
            .cells
            .iter()
            .filter(|c| c.status != Status::Exact)
            .collect();
        assert_eq!(odd.len(), 1);
        assert_eq!(odd[0].cell.job.steps, 20);
        assert_eq!(odd[0].cell.job.size, Size::new(256, 256));
        assert_eq!(odd[0].cell.quote.price.to_string(), "0.0015");
        assert_eq!(odd[0].status, Status::WithinTolerance);
        assert!(check.passed());
    }

    #[test]
    fn a_difference_is_exact_or_none() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            exact_difference(d("0.0015"), d("0.0016")),
            Some(d("-0.0001"))
        );
        assert_eq!(
            exact_difference(d("0.0060"), d("0.00603")),
            Some(d("-0.00003"))
        );
        // 0.0008 - 1234567890123456789012345678 needs 32 digits.
        assert_eq!(
            exact_difference(d("0.0008"), d("1234567890123456789012345678")),
            None
        );
        assert_eq!(
            exact_difference(d("10.0000"), d("0.0000000000000000000000000001")),
            None
        );
        assert_eq!(exact_difference(Decimal::MAX, Decimal::MIN), None);
    }

    #[test]
    fn rows_follow_the_steps() {
        let t = crate::checks::builtin().unwrap();
        let g = Grid::compute(
            t.default_model(),
            t.display,
            &[10, 20],
            &[Size::new(256, 256)],
        )
        .unwrap();
        let rows: Vec<(u32, usize)> = g.rows().map(|(s, c)| (s, c.count())).collect();
        assert_eq!(rows, vec![(10, 1), (20, 1)]);
    }
}
