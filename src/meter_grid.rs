//! The grid of a token or second model: input x output token counts, or one column of seconds.
//! Every cell is priced before anything is shown, so a cell that cannot be priced is an error
//! with nothing on standard output.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

use crate::pricing::{Charge, PriceError, Usage, price};
use crate::tariff::{Display, Metering, Model};

/// Input tokens of the rows when none are given.
pub const INPUT_TOKENS: [u64; 3] = [1_000, 10_000, 100_000];
/// Output tokens of the columns when none are given.
pub const OUTPUT_TOKENS: [u64; 3] = [100, 1_000, 10_000];
/// Seconds of the rows when none are given.
pub const SECONDS: [u64; 5] = [1, 10, 30, 60, 300];
/// The most values one axis takes: a grid is for reading at a glance.
pub const MOST_VALUES: usize = 100;

/// A priced grid of a token or second model.
#[derive(Clone, Debug)]
pub enum MeterGrid {
    /// Rows of input tokens, columns of output tokens; `cells` row by row.
    Tokens {
        /// Input tokens, one per row.
        inputs: Vec<u64>,
        /// Output tokens, one per column.
        outputs: Vec<u64>,
        /// The prices, row by row.
        cells: Vec<Charge>,
    },
    /// One row per number of seconds of one request.
    Seconds {
        /// Seconds, one per row.
        seconds: Vec<Decimal>,
        /// The prices, one per row.
        cells: Vec<Charge>,
    },
}

impl MeterGrid {
    /// Prices every cell of `model`'s grid: tokens from `inputs` x `outputs`, or `seconds`.
    pub fn compute(
        model: &Model,
        display: Display,
        inputs: &[u64],
        outputs: &[u64],
        seconds: &[Decimal],
    ) -> Result<MeterGrid, PriceError> {
        match model.metering {
            Metering::Token(_) => {
                let mut cells = Vec::new();
                for &input in inputs {
                    for &output in outputs {
                        cells.push(price(model, &Usage::Tokens { input, output }, display)?);
                    }
                }
                Ok(MeterGrid::Tokens {
                    inputs: inputs.to_vec(),
                    outputs: outputs.to_vec(),
                    cells,
                })
            }
            _ => {
                let cells = seconds
                    .iter()
                    .map(|&s| price(model, &Usage::Seconds(s), display))
                    .collect::<Result<_, _>>()?;
                Ok(MeterGrid::Seconds {
                    seconds: seconds.to_vec(),
                    cells,
                })
            }
        }
    }
}

/// A comma-separated list of token counts, e.g. `1000,10000`: each a whole number, at most
/// [`MOST_VALUES`] of them.
pub fn parse_tokens_list(flag: &str, text: &str) -> Result<Vec<u64>, String> {
    let values: Vec<u64> = text
        .split(',')
        .map(|part| {
            crate::number::flags::parse_tokens(part).map_err(|e| format!("{flag} {text:?}: {e}"))
        })
        .collect::<Result<_, _>>()?;
    check_len(flag, text, values)
}

/// A comma-separated list of seconds, e.g. `1,2.5,60`: each an exact decimal, 0 or more.
pub fn parse_seconds_list(text: &str) -> Result<Vec<Decimal>, String> {
    let values: Vec<Decimal> = text
        .split(',')
        .map(|part| {
            crate::number::flags::parse_seconds_flag(part.trim())
                .map_err(|e| format!("--seconds {text:?}: {e}"))
        })
        .collect::<Result<_, _>>()?;
    check_len("--seconds", text, values)
}

fn check_len<T>(flag: &str, text: &str, values: Vec<T>) -> Result<Vec<T>, String> {
    if values.len() > MOST_VALUES {
        return Err(format!(
            "{flag} {text:?} has {} values; a grid takes at most {MOST_VALUES} per axis",
            values.len()
        ));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_checked() {
        assert_eq!(
            parse_tokens_list("--input-tokens", "1000, 20").unwrap(),
            vec![1000, 20]
        );
        assert!(parse_tokens_list("--input-tokens", "1000,x").is_err());
        assert!(parse_seconds_list("1,-2").is_err());
        let many = vec!["1"; MOST_VALUES + 1].join(",");
        assert!(parse_seconds_list(&many).is_err());
    }

    #[test]
    fn a_token_grid_is_row_by_row() {
        let t = crate::checks::builtin().unwrap();
        let m = t.find_model("Llama-3.3 70B").unwrap();
        let MeterGrid::Tokens { cells, .. } =
            MeterGrid::compute(m, t.display, &[1000, 2000], &[0, 1000], &[]).unwrap()
        else {
            panic!("a token grid");
        };
        let shown: Vec<String> = cells.iter().map(|c| c.exact.to_string()).collect();
        assert_eq!(shown, ["0.0007", "0.0015", "0.0014", "0.0022"]);
    }
}
