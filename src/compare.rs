//! A workload's cost change: two priced workloads (or one workload under two tariffs) side by
//! side, in total, per model and per image size.
//!
//! Every change and percentage is worked out from the exact totals and rounded once, for
//! display; the gates compare exact figures. A base total of 0 has no percentage: a percent gate
//! does not judge a rise from 0 (see [`crate::review`]); the money gates do.
//!
//! With two tariffs, each change is split into its two causes ([`Attribution`]): the prices
//! (the base workload under the head's prices against under the base's) and the workload (the
//! head workload against the base workload, both under the head's prices). The two add up to
//! the change exactly: nothing is rounded in between.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::batch::{Summary, Totals};
use crate::diff::{Delta, Percent};
use crate::exact::Exact;
use crate::pricing::{TooLargeTotal, shown};
use crate::size::Size;
use crate::tariff::Tariff;

/// One priced workload: its totals overall and per image size.
pub struct Side<'t> {
    /// The file as named on the command line (`-` for standard input).
    pub file: String,
    /// The tariff it was priced under.
    pub tariff: &'t Tariff,
    /// Its totals.
    pub summary: Summary<'t>,
    /// Its totals per image size.
    pub by_size: BTreeMap<Size, Summary<'t>>,
}

impl<'t> Side<'t> {
    /// Prices the sums: overall and per size.
    pub fn new(
        file: String,
        tariff: &'t Tariff,
        totals: &Totals,
        by_size: &BTreeMap<Size, Totals>,
    ) -> Result<Side<'t>, TooLargeTotal> {
        let by_size = by_size
            .iter()
            .map(|(size, totals)| Ok((*size, totals.summary(tariff)?)))
            .collect::<Result<_, TooLargeTotal>>()?;
        Ok(Side {
            file,
            tariff,
            summary: totals.summary(tariff)?,
            by_size,
        })
    }
}

/// One side's share of a line: jobs, images and money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    /// Jobs.
    pub jobs: u64,
    /// Images in them.
    pub images: u128,
    /// The exact amount.
    pub exact: Exact,
    /// The amount as shown, rounded once by its side's tariff.
    pub shown: Decimal,
}

/// A line of the comparison: the total, a model or a size, under base and head.
#[derive(Clone, Debug)]
pub struct Line {
    /// What the line is about: a model id or a size; empty for the total.
    pub name: String,
    /// The base side's share.
    pub base: Share,
    /// The head side's share.
    pub head: Share,
    /// Exact head minus base.
    pub change: Delta,
    /// `change` rounded once, half away from zero, for display.
    pub shown_change: Decimal,
    /// Exact percent change from base; `None` when the base amount is 0.
    pub percent: Option<Percent>,
    /// The change split into prices and workload; `None` when the base workload was not priced
    /// under the head's prices.
    pub attribution: Option<Attribution>,
}

/// A change split into its two causes: `prices + workload = change`, exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// The base workload under the head's prices minus under the base's prices.
    pub prices: Delta,
    /// The head workload minus the base workload, both under the head's prices.
    pub workload: Delta,
    /// `prices` rounded once for display, as [`Line::shown_change`] is.
    pub shown_prices: Decimal,
    /// `workload` rounded once for display.
    pub shown_workload: Decimal,
}

/// A change rounded once at `places`; a change that is not zero but would show as zero is shown
/// at the first place where it is not, so a gate that fails on it never points at a "0.0000".
pub fn shown_change(change: &Delta, places: u32) -> Option<Decimal> {
    let rounded = change.round(places)?;
    if !rounded.is_zero() || change.sign == Ordering::Equal {
        return Some(rounded);
    }
    (places..=28)
        .filter_map(|p| change.round(p))
        .find(|d| !d.is_zero())
        .or(Some(rounded))
}

impl Line {
    fn new(
        name: String,
        base: Share,
        head: Share,
        pivot: Option<Share>,
        places: u32,
    ) -> Result<Line, TooLargeTotal> {
        let change = Delta::between(base.exact, head.exact).ok_or(TooLargeTotal)?;
        let attribution = pivot
            .map(|pivot| {
                let prices = Delta::between(base.exact, pivot.exact)?;
                let workload = Delta::between(pivot.exact, head.exact)?;
                Some(Attribution {
                    prices,
                    workload,
                    shown_prices: shown_change(&prices, places)?,
                    shown_workload: shown_change(&workload, places)?,
                })
            })
            .map(|a| a.ok_or(TooLargeTotal))
            .transpose()?;
        Ok(Line {
            attribution,
            name,
            base,
            head,
            change,
            shown_change: shown_change(&change, places).ok_or(TooLargeTotal)?,
            percent: Percent::between(base.exact, head.exact).map_err(|_| TooLargeTotal)?,
        })
    }

    /// Whether it is a rise of more than `limit` percent, compared exactly; a rise from 0 has
    /// no percentage and is not judged by one (false).
    pub fn rises_above_percent(&self, limit: Decimal) -> bool {
        self.percent.is_some_and(|p| p.exceeds(limit))
    }

    /// Whether it is a rise of more than `limit`, compared exactly.
    pub fn rises_above(&self, limit: Exact) -> bool {
        self.change.sign == Ordering::Greater && self.change.size > limit
    }
}

/// Two workloads' costs side by side.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The whole workloads.
    pub total: Line,
    /// Per model (by id): the head tariff's order, then models only the base priced.
    pub models: Vec<Line>,
    /// Per image size, largest change first (rises and falls alike), then by size.
    pub sizes: Vec<Line>,
    /// Places changes are shown at: the more of the two tariffs'.
    pub places: u32,
}

impl Comparison {
    /// Compares `head` against `base`; with `pivot` (the base workload priced under the head's
    /// tariff), each line's change is split into prices and workload.
    pub fn new(
        base: &Side<'_>,
        head: &Side<'_>,
        pivot: Option<&Side<'_>>,
    ) -> Result<Comparison, TooLargeTotal> {
        let places = base
            .tariff
            .display
            .decimals
            .max(head.tariff.display.decimals);
        let whole = |s: &Summary<'_>| Share {
            jobs: s.jobs,
            images: s.images,
            exact: s.exact,
            shown: s.price,
        };
        let total = Line::new(
            String::new(),
            whole(&base.summary),
            whole(&head.summary),
            pivot.map(|p| whole(&p.summary)),
            places,
        )?;
        let mut model_ids: Vec<&str> = Vec::new();
        let pivot_models = pivot.map_or(&[][..], |p| &p.summary.by_model[..]);
        for m in head
            .summary
            .by_model
            .iter()
            .chain(&base.summary.by_model)
            .chain(pivot_models)
        {
            if !model_ids.contains(&m.model.id.as_str()) {
                model_ids.push(&m.model.id);
            }
        }
        let model_share = |side: &Side<'_>, id: &str| -> Result<Share, TooLargeTotal> {
            match side.summary.by_model.iter().find(|m| m.model.id == id) {
                Some(m) => Ok(Share {
                    jobs: m.jobs,
                    images: m.images,
                    exact: m.exact,
                    shown: m.price,
                }),
                None => zero(side.tariff),
            }
        };
        let models = model_ids
            .into_iter()
            .map(|id| {
                Line::new(
                    id.to_owned(),
                    model_share(base, id)?,
                    model_share(head, id)?,
                    pivot.map(|p| model_share(p, id)).transpose()?,
                    places,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut sizes: Vec<Size> = base
            .by_size
            .keys()
            .chain(head.by_size.keys())
            .chain(pivot.into_iter().flat_map(|p| p.by_size.keys()))
            .copied()
            .collect();
        sizes.sort_unstable();
        sizes.dedup();
        let size_share = |side: &Side<'_>, size: &Size| match side.by_size.get(size) {
            Some(s) => Ok(whole(s)),
            None => zero(side.tariff),
        };
        let mut sizes = sizes
            .iter()
            .map(|size| {
                Line::new(
                    size.to_string(),
                    size_share(base, size)?,
                    size_share(head, size)?,
                    pivot.map(|p| size_share(p, size)).transpose()?,
                    places,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Stable: sizes that changed alike keep their size order.
        sizes.sort_by_key(|line| std::cmp::Reverse(line.change.size));
        Ok(Comparison {
            total,
            models,
            sizes,
            places,
        })
    }
}

/// Nothing, as a side's tariff shows it.
fn zero(tariff: &Tariff) -> Result<Share, TooLargeTotal> {
    Ok(Share {
        jobs: 0,
        images: 0,
        exact: Exact::ZERO,
        shown: shown(Exact::ZERO, tariff.display).ok_or(TooLargeTotal)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Job;

    fn side<'t>(tariff: &'t Tariff, jobs: &[(u32, &str, u32)]) -> Side<'t> {
        let mut totals = Totals::new(tariff);
        let mut by_size = BTreeMap::new();
        for &(steps, size, count) in jobs {
            let job = Job {
                steps,
                size: size.parse().unwrap(),
                count,
            };
            totals.add_job(0, &job, false, false).unwrap();
            by_size
                .entry(job.size)
                .or_insert_with(|| Totals::new(tariff))
                .add_job(0, &job, false, false)
                .unwrap();
        }
        Side::new("f".into(), tariff, &totals, &by_size).unwrap()
    }

    #[test]
    fn sizes_come_largest_change_first_falls_included() {
        let tariff = crate::checks::builtin().unwrap();
        let base = side(&tariff, &[(20, "512x512", 1), (10, "1024x1024", 2)]);
        let head = side(&tariff, &[(20, "512x512", 1), (10, "768x768", 1)]);
        let c = Comparison::new(&base, &head, None).unwrap();
        let order: Vec<(&str, String)> = c
            .sizes
            .iter()
            .map(|l| (l.name.as_str(), l.change.to_string()))
            .collect();
        // 1024x1024 falls by 0.02412, 768x768 rises by 0.00678375 (5.625 units), 512x512 stays.
        assert_eq!(
            order,
            [
                ("1024x1024", "-0.02412".to_owned()),
                ("768x768", "+0.00678375".to_owned()),
                ("512x512", "0".to_owned())
            ]
        );
        assert!(!c.total.rises_above_percent(Decimal::ZERO));
        assert!(!c.total.rises_above(Exact::ZERO));
    }

    #[test]
    fn a_rise_from_zero_has_no_percentage_and_no_percent_gate_judges_it() {
        let tariff = crate::checks::builtin().unwrap();
        let (empty, head) = (side(&tariff, &[]), side(&tariff, &[(1, "512x512", 1)]));
        let rise = Comparison::new(&empty, &head, None).unwrap().total;
        assert_eq!(rise.percent, None);
        assert!(!rise.rises_above_percent(Decimal::ZERO));
        assert!(rise.rises_above(Exact::ZERO));
        let none = Comparison::new(&empty, &empty, None).unwrap().total;
        assert_eq!(none.percent, None);
        assert!(!none.rises_above_percent(Decimal::ZERO));
        assert!(!none.rises_above(Exact::ZERO));
    }
}
