//! A cost change under review: every gate given, judged on the exact figures, and the verdict
//! they add up to (`pass`, `warn` or `fail`; a failed gate wins over a warning).
//!
//! The percent gates (`--fail-above`, `--warn-above`) need a percentage, and a base total of 0
//! has none: a new workload is not judged by percent at all. `--fail-increase`,
//! `--warn-increase` and `--budget` judge it, in money.

use std::fmt;

use rust_decimal::Decimal;

use crate::budget::{Budget, Verdict as BudgetVerdict};
use crate::compare::Line;
use crate::exact::Exact;

/// The thresholds of a cost change, as given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Thresholds {
    /// `--fail-above PERCENT`.
    pub fail_above: Option<Decimal>,
    /// `--warn-above PERCENT`.
    pub warn_above: Option<Decimal>,
    /// `--fail-increase AMOUNT`.
    pub fail_increase: Option<Exact>,
    /// `--warn-increase AMOUNT`.
    pub warn_increase: Option<Exact>,
}

/// Whether a breach of a gate fails the run or only warns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// A breach prints a warning; the exit status stays 0.
    Warn,
    /// A breach fails the run: exit 1.
    Fail,
}

/// What a gate measures, and its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The total's rise in percent (`--fail-above`, `--warn-above`).
    Percent(Decimal),
    /// The total's rise in money (`--fail-increase`, `--warn-increase`).
    Increase(Exact),
    /// The head total itself (`--budget`).
    Budget(Exact),
    /// A share of the budget, in percent (`--warn-at`), with the budget.
    BudgetShare {
        /// The share.
        percent: Exact,
        /// The budget.
        budget: Exact,
    },
}

/// How a gate came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Within its limit.
    Passed,
    /// Past its limit.
    Breached,
    /// A percent gate on a rise from 0, which has no percentage: not judged (it passes).
    NoPercentage,
}

/// One gate of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// The flag that set it, e.g. `--fail-above`.
    pub flag: &'static str,
    /// Fail or warn.
    pub tier: Tier,
    /// What it measures and its limit.
    pub limit: Limit,
    /// How it came out.
    pub judgement: Judgement,
}

impl Gate {
    /// Whether it breached.
    pub fn breached(&self) -> bool {
        self.judgement == Judgement::Breached
    }
}

/// The verdict of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Every gate passed (or none was given).
    Pass,
    /// A warning gate breached, no failing one did.
    Warn,
    /// A failing gate breached.
    Fail,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        })
    }
}

/// Every gate given, in the order the verdict is told: percent, increase, budget; each failing
/// gate before its warning twin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    /// The gates.
    pub gates: Vec<Gate>,
}

impl Review {
    /// Judges the change in `total` (base to head) and the head's exact total against every
    /// threshold and the budget.
    pub fn judge(total: &Line, thresholds: &Thresholds, budget: Option<Budget>) -> Review {
        let mut gates = Vec::new();
        let percent = |flag, tier, limit: Decimal| Gate {
            flag,
            tier,
            limit: Limit::Percent(limit),
            judgement: match total.percent {
                Some(p) if p.exceeds(limit) && total.change.sign.is_gt() => Judgement::Breached,
                Some(_) => Judgement::Passed,
                None if total.change.sign.is_gt() => Judgement::NoPercentage,
                None => Judgement::Passed,
            },
        };
        let increase = |flag, tier, limit: Exact| Gate {
            flag,
            tier,
            limit: Limit::Increase(limit),
            judgement: if total.rises_above(limit) {
                Judgement::Breached
            } else {
                Judgement::Passed
            },
        };
        if let Some(limit) = thresholds.fail_above {
            gates.push(percent("--fail-above", Tier::Fail, limit));
        }
        if let Some(limit) = thresholds.warn_above {
            gates.push(percent("--warn-above", Tier::Warn, limit));
        }
        if let Some(limit) = thresholds.fail_increase {
            gates.push(increase("--fail-increase", Tier::Fail, limit));
        }
        if let Some(limit) = thresholds.warn_increase {
            gates.push(increase("--warn-increase", Tier::Warn, limit));
        }
        if let Some(budget) = budget {
            let verdict = budget.judge(total.head.exact);
            gates.push(Gate {
                flag: "--budget",
                tier: Tier::Fail,
                limit: Limit::Budget(budget.limit),
                judgement: if matches!(verdict, BudgetVerdict::Over { .. }) {
                    Judgement::Breached
                } else {
                    Judgement::Passed
                },
            });
            if let Some(percent) = budget.warn_at {
                gates.push(Gate {
                    flag: "--warn-at",
                    tier: Tier::Warn,
                    limit: Limit::BudgetShare {
                        percent,
                        budget: budget.limit,
                    },
                    // Over the budget is past any share of it.
                    judgement: if verdict == BudgetVerdict::Within {
                        Judgement::Passed
                    } else {
                        Judgement::Breached
                    },
                });
            }
        }
        Review { gates }
    }

    /// Fail when a failing gate breached, else warn when a warning one did, else pass.
    pub fn verdict(&self) -> Verdict {
        self.gates
            .iter()
            .filter(|g| g.breached())
            .map(|g| match g.tier {
                Tier::Fail => Verdict::Fail,
                Tier::Warn => Verdict::Warn,
            })
            .max()
            .unwrap_or(Verdict::Pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Share;
    use crate::diff::{Delta, Percent};

    fn e(s: &str) -> Exact {
        Exact::from_decimal(s.parse().unwrap()).unwrap()
    }

    fn line(base: &str, head: &str) -> Line {
        let share = |x: &str| Share {
            jobs: 1,
            images: 1,
            exact: e(x),
            shown: x.parse().unwrap(),
        };
        let change = Delta::between(e(base), e(head)).unwrap();
        Line {
            name: String::new(),
            base: share(base),
            head: share(head),
            change,
            shown_change: change.round(4).unwrap(),
            percent: Percent::between(e(base), e(head)).unwrap(),
            attribution: None,
        }
    }

    fn all() -> Thresholds {
        Thresholds {
            fail_above: Some(Decimal::from(20)),
            warn_above: Some(Decimal::from(10)),
            fail_increase: Some(e("5")),
            warn_increase: Some(e("1")),
        }
    }

    #[test]
    fn warn_below_fail_and_fail_wins() {
        let judge = |base, head| Review::judge(&line(base, head), &all(), None).verdict();
        assert_eq!(judge("100", "100"), Verdict::Pass);
        assert_eq!(judge("100", "101"), Verdict::Pass);
        // +1.5: past --warn-increase 1, within every other gate.
        assert_eq!(judge("100", "101.5"), Verdict::Warn);
        // +10% exactly is within --warn-above 10; +10.0001% is past it.
        assert_eq!(judge("10", "11"), Verdict::Pass);
        assert_eq!(judge("10", "11.00001"), Verdict::Warn);
        assert_eq!(judge("10", "12.00001"), Verdict::Fail);
        assert_eq!(judge("100", "105.0001"), Verdict::Fail);
        assert_eq!(judge("100", "50"), Verdict::Pass);
    }

    #[test]
    fn a_rise_from_zero_is_judged_by_money_not_percent() {
        let review = Review::judge(&line("0", "0.5"), &all(), None);
        let judgements: Vec<_> = review.gates.iter().map(|g| g.judgement).collect();
        assert_eq!(
            judgements,
            [
                Judgement::NoPercentage,
                Judgement::NoPercentage,
                Judgement::Passed,
                Judgement::Passed
            ]
        );
        assert_eq!(review.verdict(), Verdict::Pass);
        let review = Review::judge(&line("0", "6"), &all(), None);
        assert_eq!(review.verdict(), Verdict::Fail);
        assert_eq!(
            Review::judge(&line("0", "0"), &all(), None).gates[0].judgement,
            Judgement::Passed
        );
    }

    #[test]
    fn the_budget_and_its_share_are_gates_too() {
        let budget = Some(Budget {
            limit: e("10"),
            warn_at: Some(e("80")),
        });
        let none = Thresholds::default();
        let judge = |head| Review::judge(&line("1", head), &none, budget).verdict();
        assert_eq!(judge("8"), Verdict::Pass);
        assert_eq!(judge("8.01"), Verdict::Warn);
        assert_eq!(judge("10"), Verdict::Warn);
        assert_eq!(judge("10.0000001"), Verdict::Fail);
        assert_eq!(Review::default().verdict(), Verdict::Pass);
    }
}
