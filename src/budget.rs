//! Budget gates: is a total within a budget, and has it passed the warning share?

use rust_decimal::Decimal;

/// A budget and the share of it that earns a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The most the total may be.
    pub limit: Decimal,
    /// Warn when the total passes this percent of the limit.
    pub warn_at: Option<Decimal>,
}

/// What a total means against a budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within the budget and under any warning share.
    Within,
    /// Within the budget but past the warning share.
    Warn {
        /// The warning share, in percent.
        percent: Decimal,
    },
    /// Above the budget.
    Over {
        /// Total minus budget.
        overrun: Decimal,
    },
}

impl Budget {
    /// Judges a total that was rounded once, as shown.
    pub fn judge(&self, total: Decimal) -> Verdict {
        if total > self.limit {
            return Verdict::Over {
                overrun: total - self.limit,
            };
        }
        match self.warn_at {
            // total > limit x percent / 100, without dividing.
            Some(percent) if total * Decimal::ONE_HUNDRED > self.limit * percent => {
                Verdict::Warn { percent }
            }
            _ => Verdict::Within,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn over_at_and_under() {
        let b = Budget {
            limit: d("10"),
            warn_at: Some(d("80")),
        };
        assert_eq!(
            b.judge(d("10.0001")),
            Verdict::Over {
                overrun: d("0.0001")
            }
        );
        assert_eq!(b.judge(d("10")), Verdict::Warn { percent: d("80") });
        assert_eq!(b.judge(d("8.0001")), Verdict::Warn { percent: d("80") });
        assert_eq!(b.judge(d("8")), Verdict::Within);
        assert_eq!(
            Budget {
                limit: d("0"),
                warn_at: None
            }
            .judge(d("0")),
            Verdict::Within
        );
    }
}
