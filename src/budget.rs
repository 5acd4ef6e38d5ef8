//! Budget gates: is a total within a budget, and has it passed the warning share?
//!
//! The rule, the same in every gate and in `afford`: the EXACT total is held against the budget,
//! never the rounded figure shown. A total of 0.00603 is above a budget of 0.006 although it is
//! shown as 0.0060; with 0 places, 10.49 is above a budget of 10 although it is shown as 10.
#![deny(clippy::arithmetic_side_effects)]

use std::cmp::Ordering;

use crate::exact::Exact;

/// A budget and the share of it that earns a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The most the exact total may be.
    pub limit: Exact,
    /// Warn when the exact total passes this percent of the limit (above 0, below 100).
    pub warn_at: Option<Exact>,
}

/// What a total means against a budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within the budget and under any warning share.
    Within,
    /// Within the budget but past the warning share.
    Warn {
        /// The warning share, in percent.
        percent: Exact,
    },
    /// Above the budget.
    Over {
        /// Total minus budget, exact; `None` only if that difference has more digits than can
        /// be held (the verdict itself is exact either way).
        overrun: Option<Exact>,
    },
}

impl Budget {
    /// Judges an exact total. Never overflows: every comparison is exact at any size.
    pub fn judge(&self, total: Exact) -> Verdict {
        if total > self.limit {
            return Verdict::Over {
                overrun: total.checked_sub(self.limit),
            };
        }
        match self.warn_at {
            // total > limit x percent / 100, without dividing.
            Some(percent)
                if Exact::cmp_products(&[total, HUNDRED], &[self.limit, percent])
                    == Ordering::Greater =>
            {
                Verdict::Warn { percent }
            }
            _ => Verdict::Within,
        }
    }
}

const HUNDRED: Exact = Exact::from_int(100);

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Exact {
        Exact::from_decimal(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn over_at_and_under() {
        let b = Budget {
            limit: e("10"),
            warn_at: Some(e("80")),
        };
        assert_eq!(
            b.judge(e("10.0001")),
            Verdict::Over {
                overrun: Some(e("0.0001"))
            }
        );
        assert_eq!(b.judge(e("10")), Verdict::Warn { percent: e("80") });
        assert_eq!(b.judge(e("8.0001")), Verdict::Warn { percent: e("80") });
        assert_eq!(b.judge(e("8")), Verdict::Within);
        assert_eq!(
            Budget {
                limit: e("0"),
                warn_at: None
            }
            .judge(e("0")),
            Verdict::Within
        );
    }

    #[test]
    fn the_exact_total_is_judged_not_the_shown_one() {
        let b = Budget {
            limit: e("0.006"),
            warn_at: None,
        };
        assert_eq!(
            b.judge(e("0.00603")),
            Verdict::Over {
                overrun: Some(e("0.00003"))
            }
        );
    }

    #[test]
    fn the_largest_budgets_and_shares_never_overflow() {
        let max = e("79228162514264337593543950335");
        let b = Budget {
            limit: max,
            warn_at: Some(e("99.9999999999999999999999999")),
        };
        assert_eq!(b.judge(e("0.0136")), Verdict::Within);
        assert_eq!(
            b.judge(max),
            Verdict::Warn {
                percent: e("99.9999999999999999999999999")
            }
        );
        let over = Exact::from_int(u128::MAX);
        assert!(matches!(b.judge(over), Verdict::Over { overrun: Some(_) }));
        let tiny = Budget {
            limit: e("0.0000000000000000000000000001"),
            warn_at: Some(e("0.0000000000000000000000000001")),
        };
        assert!(matches!(tiny.judge(e("0.0136")), Verdict::Over { .. }));
        assert_eq!(tiny.judge(Exact::ZERO), Verdict::Within);
    }
}
