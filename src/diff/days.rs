//! Changes over days. A tariff with dated rates prices differently from one day to the next, so
//! two tariffs are compared on the day asked for and again on every later day on which either
//! one's prices change, both priced on that day: a rise that NEW schedules for next month is a
//! rise all the same. With `--to`, the two days named are compared and no other: that is the
//! question asked.

use std::collections::BTreeSet;

use super::{Change, DiffCell, DiffError, TariffDiff};
use crate::date::Day;
use crate::size::Size;
use crate::tariff::Tariff;

/// The pairs of days to compare, `(OLD's day, NEW's day)`: first the one asked for (`day`, and
/// `to` or `day`); then, without `to`, each later day on which either tariff's prices change,
/// in order.
fn days(old: &Tariff, new: &Tariff, day: Day, to: Option<Day>) -> Vec<(Day, Day)> {
    if let Some(to) = to {
        return vec![(day, to)];
    }
    let later: BTreeSet<Day> = change_days(old)
        .chain(change_days(new))
        .filter(|&d| d > day)
        .collect();
    std::iter::once((day, day))
        .chain(later.into_iter().map(|d| (d, d)))
        .collect()
}

/// OLD and NEW priced on each pair of days to compare: `day` (NEW on `to`, if given); then,
/// without `to`, each later day on which either tariff's prices change, both on that day.
pub fn priced(old: &Tariff, new: &Tariff, day: Day, to: Option<Day>) -> Vec<(Tariff, Tariff)> {
    days(old, new, day, to)
        .into_iter()
        .map(|(old_day, new_day)| (old.clone().on(old_day), new.clone().on(new_day)))
        .collect()
}

/// Each pair of [`priced`] compared (see [`super::diff`]): the first in full; each later one
/// with only what is new since the one before it, and left out when nothing is.
pub fn over_days<'a>(
    priced: &'a [(Tariff, Tariff)],
    steps: Option<&[u32]>,
    sizes: Option<&[Size]>,
) -> Result<Vec<DayDiff<'a>>, DiffError> {
    let mut days = Vec::with_capacity(priced.len());
    for (old, new) in priced {
        days.push(DayDiff {
            old,
            new,
            diff: super::diff(old, new, steps, sizes)?,
        });
    }
    // From the last, so that each is compared with the one before it while that is whole.
    for i in (1..days.len()).rev() {
        let (before, later) = days.split_at_mut(i);
        keep_new(&before[i - 1].diff, &mut later[0].diff);
    }
    let mut first = true;
    days.retain(|d| {
        std::mem::take(&mut first) || !d.diff.models.is_empty() || !d.diff.changes.is_empty()
    });
    Ok(days)
}

/// Every day on which some model's rate takes effect.
fn change_days(tariff: &Tariff) -> impl Iterator<Item = Day> + '_ {
    tariff
        .models
        .iter()
        .flat_map(|m| m.rates.iter().map(|r| r.from))
}

/// One comparison of the schedule: OLD and NEW each priced on its day, and what differs.
#[derive(Clone, Debug)]
pub struct DayDiff<'a> {
    /// OLD, priced on its day.
    pub old: &'a Tariff,
    /// NEW, priced on its day.
    pub new: &'a Tariff,
    /// What differs; for a later day, only what was not so on the day compared before it.
    pub diff: TariffDiff<'a>,
}

impl DayDiff<'_> {
    /// The day NEW is priced on, from which this comparison holds.
    pub fn day(&self) -> Option<Day> {
        self.new.priced_on
    }
}

/// Keeps of `later` (the comparison on a later day) only what is judged differently from
/// `before` (the comparison on the day before it in the schedule): a model, with every cell,
/// when some cell's change differs from that day's (a rise the two tariffs share is not new),
/// and the changes whose kind, model or percent were not listed that day (a new model at its
/// new rate is not listed again). The lists of added and removed models are not dated, so
/// they are given once, on the first day.
fn keep_new(before: &TariffDiff<'_>, later: &mut TariffDiff<'_>) {
    let judged = |c: &DiffCell| (c.percent, c.delta.sign);
    later.models.retain(|m| {
        before
            .models
            .iter()
            .find(|b| b.new.id == m.new.id)
            .is_none_or(|b| {
                b.len() != m.len()
                    || b.cells()
                        .zip(m.cells())
                        .any(|(x, y)| judged(&x) != judged(&y))
            })
    });
    let judged = |c: &Change| (c.kind, c.model.clone(), c.percent, c.always_fails);
    later
        .changes
        .retain(|c| !before.changes.iter().any(|b| judged(b) == judged(c)));
    later.added.clear();
    later.removed.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::{BUILTIN, Origin};

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn dated(rates: &str) -> Tariff {
        let from = "rate = \"0.001206\"";
        assert!(BUILTIN.contains(from));
        crate::checks::parse(
            Origin::BuiltIn,
            BUILTIN.replacen(from, &format!("rates = [{rates}]"), 1),
        )
        .unwrap()
    }

    #[test]
    fn every_later_day_of_either_tariff_is_compared() {
        let plain = crate::checks::builtin().unwrap();
        let new = dated(
            r#"{ from = "2026-01-01", rate = "0.001206" }, { from = "2027-01-01", rate = "0.002" }"#,
        );
        let old = dated(
            r#"{ from = "2026-01-01", rate = "0.001206" }, { from = "2026-12-01", rate = "0.0013" }"#,
        );
        let today = day("2026-11-25");
        assert_eq!(days(&plain, &plain, today, None), [(today, today)]);
        let (dec, jan) = (day("2026-12-01"), day("2027-01-01"));
        assert_eq!(
            days(&old, &new, today, None),
            [(today, today), (dec, dec), (jan, jan)]
        );
        // Days before the one asked for are not compared.
        assert_eq!(days(&old, &new, day("2026-12-15"), None).len(), 2);
        // With --to, the two days named and no other.
        assert_eq!(days(&new, &old, today, Some(today)), [(today, today)]);
        assert_eq!(days(&old, &old, today, Some(dec)), [(today, dec)]);
    }
}
