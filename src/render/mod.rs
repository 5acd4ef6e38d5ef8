//! One renderer per output format, each writing to any `io::Write`. Renderers format figures the
//! pricer made; they never price.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod plain;
pub mod table;
pub mod text;

use rust_decimal::Decimal;

use crate::grid::{Check, Grid};
use crate::job::Resolved;
use crate::pricing::Quote;
use crate::tariff::{Model, Tariff};

/// One priced job with what produced it.
pub struct QuoteView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// The job and which parts were defaults.
    pub resolved: Resolved,
    /// Its price.
    pub quote: Quote,
}

/// A grid with what produced it.
pub struct GridView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// The model.
    pub model: &'a Model,
    /// The priced cells.
    pub grid: &'a Grid,
}

/// The checks of every model that has a published grid.
pub struct CheckView<'a> {
    /// The tariff.
    pub tariff: &'a Tariff,
    /// Each checked model with its result.
    pub checks: Vec<(&'a Model, Check)>,
    /// Models without a published grid.
    pub unpublished: Vec<&'a Model>,
}

/// A rounded amount at exactly `places` places: `0.0060`, not `0.006`.
pub fn money(rounded: Decimal, places: u32) -> String {
    format!("{:.*}", places as usize, rounded)
}

/// An exact figure with no trailing zeros: `0.00603`, `5`, `0.5625`.
pub fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A signed difference at `places` places: `+0.0001`, `-0.0001`, `0.0000`.
pub fn signed(value: Decimal, places: u32) -> String {
    if value > Decimal::ZERO {
        format!("+{}", money(value, places))
    } else {
        money(value, places)
    }
}

/// ANSI styling, on only when colour was chosen for a terminal.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// Dimmed, for secondary detail.
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }

    /// Red and bold, for `error:`.
    pub fn error(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    /// Yellow and bold, for `warning:`.
    pub fn warning(self, text: &str) -> String {
        self.wrap("1;33", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_pads_to_the_places() {
        assert_eq!(money(Decimal::from_str("0.006").unwrap(), 4), "0.0060");
        assert_eq!(money(Decimal::from_str("12").unwrap(), 2), "12.00");
        assert_eq!(money(Decimal::from_str("3").unwrap(), 0), "3");
        assert_eq!(signed(Decimal::from_str("0.0001").unwrap(), 4), "+0.0001");
        assert_eq!(signed(Decimal::from_str("-0.0001").unwrap(), 4), "-0.0001");
        assert_eq!(exact(Decimal::from_str("0.0060300").unwrap()), "0.00603");
    }

    #[test]
    fn paint_off_is_plain() {
        assert_eq!(Paint { enabled: false }.bold("x"), "x");
        assert_eq!(Paint { enabled: true }.bold("x"), "\x1b[1mx\x1b[0m");
    }
}
