//! A changed least charge in words: a speech request's `minimum_seconds` and an image's
//! `minimum`. Each of the four moves (from none, to none, up, down) says what is charged now and
//! what was, and never speaks of a minimum of 0.

use rust_decimal::Decimal;

use super::Percent;

/// What a least charge applies to, and how its amounts are written.
pub(super) enum Least<'a> {
    /// Seconds per speech request.
    Seconds,
    /// An amount of `currency` per image.
    Image {
        /// The tariff's currency.
        currency: &'a str,
    },
}

impl Least<'_> {
    /// An amount as the tariff charges it: `1 s`, `0.001 USD`.
    fn amount(&self, x: Decimal) -> String {
        match self {
            Least::Seconds => format!("{} s", x.normalize()),
            Least::Image { currency } => format!("{} {currency}", x.normalize()),
        }
    }

    /// What is charged the least charge: `a request shorter than 1 s`.
    fn below(&self, x: Decimal) -> String {
        match self {
            Least::Seconds => format!("a request shorter than {}", self.amount(x)),
            Least::Image { .. } => format!("an image metered below {}", self.amount(x)),
        }
    }

    /// What pays the change in full: `one of 1 s or less`.
    fn at_most(&self, x: Decimal) -> String {
        match self {
            Least::Seconds => format!("one of {} or less", self.amount(x)),
            Least::Image { .. } => format!("one metered at {} or less", self.amount(x)),
        }
    }

    /// What is charged without a least charge.
    fn own(&self) -> &'static str {
        match self {
            Least::Seconds => "its own length",
            Least::Image { .. } => "its metered price",
        }
    }

    /// The effect of the least charge going from `old` to `new` (they differ), with `percent`,
    /// the change of what is charged at the least (`None` from 0).
    pub(super) fn effect(&self, old: Decimal, new: Decimal, percent: Option<Percent>) -> String {
        if old <= Decimal::ZERO {
            return format!(
                "{} is charged {} now; there was no minimum",
                self.below(new),
                self.amount(new)
            );
        }
        if new <= Decimal::ZERO {
            return format!(
                "no minimum now: {} is charged {}, not {}",
                self.below(old),
                self.own(),
                self.amount(old)
            );
        }
        // What was charged the old least and is charged the new one now.
        let pays = |least: Decimal| {
            percent.map_or_else(String::new, |p| {
                format!(": {} pays {p}%", self.at_most(least))
            })
        };
        if new > old {
            format!(
                "{} is charged {} (was at least {}){}",
                self.below(new),
                self.amount(new),
                self.amount(old),
                pays(old)
            )
        } else {
            format!(
                "{} is charged at least {} (was {}){}",
                self.below(old),
                self.amount(new),
                self.amount(old),
                pays(new)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::Exact;
    use std::str::FromStr;

    fn effect(least: &Least<'_>, old: &str, new: &str) -> String {
        let (old, new) = (
            Decimal::from_str(old).unwrap(),
            Decimal::from_str(new).unwrap(),
        );
        let p = Percent::between(
            Exact::from_decimal(old).unwrap(),
            Exact::from_decimal(new).unwrap(),
        )
        .unwrap();
        least.effect(old, new, p)
    }

    #[test]
    fn every_move_of_a_least_charge_in_words() {
        let s = Least::Seconds;
        assert_eq!(
            effect(&s, "0", "1"),
            "a request shorter than 1 s is charged 1 s now; there was no minimum"
        );
        assert_eq!(
            effect(&s, "1", "0"),
            "no minimum now: a request shorter than 1 s is charged its own length, not 1 s"
        );
        assert_eq!(
            effect(&s, "1", "2.5"),
            "a request shorter than 2.5 s is charged 2.5 s (was at least 1 s): one of 1 s or less pays +150.00%"
        );
        assert_eq!(
            effect(&s, "2", "1"),
            "a request shorter than 2 s is charged at least 1 s (was 2 s): one of 1 s or less pays -50.00%"
        );
        let i = Least::Image { currency: "USD" };
        assert_eq!(
            effect(&i, "0", "0.0010"),
            "an image metered below 0.001 USD is charged 0.001 USD now; there was no minimum"
        );
        assert_eq!(
            effect(&i, "0.001", "0"),
            "no minimum now: an image metered below 0.001 USD is charged its metered price, not 0.001 USD"
        );
        assert_eq!(
            effect(&i, "0.002", "0.001"),
            "an image metered below 0.002 USD is charged at least 0.001 USD (was 0.002 USD): one metered at 0.001 USD or less pays -50.00%"
        );
    }
}
