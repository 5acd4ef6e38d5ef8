//! The axes of a grid as typed on the command line: `10,20,30`, `10..50:10`, `256x256,512`.

use std::str::FromStr;

use crate::number::{looks_like_range, parse_u32};
use crate::size::Size;

/// The most values one axis may have, so a typo like `1..4000000000` cannot exhaust memory.
pub const MAX_VALUES: usize = 1000;

/// A list of steps: numbers and inclusive ranges `FROM..TO` or `FROM..TO:STEP`, comma-separated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepsList(pub Vec<u32>);

/// A list of sizes, comma-separated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeList(pub Vec<Size>);

impl FromStr for StepsList {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut values = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            match item.split_once("..") {
                None => values.push(parse_u32(item).map_err(|e| {
                    match looks_like_range(item) {
                        Some((from, to)) => format!(
                            "{item:?} is not a step count or a range; a range is written {from}..{to} (or {from}..{to}:STEP, e.g. 10..50:10)"
                        ),
                        None => e,
                    }
                })?),
                Some((from, rest)) => {
                    let (to, by) = match rest.split_once(':') {
                        Some((to, by)) => (to, parse_u32(by)?),
                        None => (rest, 1),
                    };
                    let (from, to) = (parse_u32(from)?, parse_u32(to)?);
                    if by == 0 {
                        return Err(format!(
                            "range {item:?} has a step of 0 (expected e.g. 10..50:10)"
                        ));
                    }
                    if from > to {
                        return Err(format!(
                            "range {item:?} runs backwards: {from} is above {to} (expected e.g. 10..50:10)"
                        ));
                    }
                    // In u64: 0..4294967295 has 2^32 values, one more than a u32 counts.
                    let len = u64::from((to - from) / by) + 1;
                    if len > (MAX_VALUES - values.len().min(MAX_VALUES)) as u64 {
                        return Err(too_many(text));
                    }
                    values.extend((0..len as u32).map(|i| from + i * by));
                }
            }
            if values.len() > MAX_VALUES {
                return Err(too_many(text));
            }
        }
        Ok(StepsList(values))
    }
}

impl FromStr for SizeList {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let sizes = text
            .split(',')
            .map(|s| s.parse::<Size>().map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        if sizes.len() > MAX_VALUES {
            return Err(too_many(text));
        }
        Ok(SizeList(sizes))
    }
}

fn too_many(text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    format!("{shown:?} has more than {MAX_VALUES} values, the most one axis may have")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_written_another_way_are_told() {
        for text in [
            "10-50",
            " 10 - 50 ",
            "10–50",
            "10—50",
            "10...50",
            "10 to 50",
            "10..50",
        ] {
            assert_eq!(looks_like_range(text), Some(("10", "50")), "{text}");
        }
        for text in ["10", "-10", "10-", "a-b", "10-50-60", "10,50"] {
            assert_eq!(looks_like_range(text), None, "{text}");
        }
    }

    fn steps(s: &str) -> Result<Vec<u32>, String> {
        s.parse::<StepsList>().map(|l| l.0)
    }

    #[test]
    fn lists_and_ranges() {
        assert_eq!(steps("10,20,30"), Ok(vec![10, 20, 30]));
        assert_eq!(steps("10..50:10"), Ok(vec![10, 20, 30, 40, 50]));
        assert_eq!(steps("10..45:10"), Ok(vec![10, 20, 30, 40]));
        assert_eq!(steps("1..3, 7"), Ok(vec![1, 2, 3, 7]));
        assert_eq!(steps("5..5"), Ok(vec![5]));
        assert_eq!(
            steps("4294967290..4294967295:5"),
            Ok(vec![4294967290, 4294967295])
        );
    }

    #[test]
    fn refuses_bad_lists_naming_the_value() {
        for bad in [
            "",
            "10,",
            "10..",
            "..10",
            "50..10",
            "10..50:0",
            "1.5",
            "10..50:x",
            "0..4000000000",
        ] {
            let err = steps(bad).expect_err(bad);
            assert!(!err.is_empty());
        }
        assert!(steps("50..10").unwrap_err().contains("\"50..10\""));
        assert!(
            steps("0..4000000000")
                .unwrap_err()
                .contains("more than 1000")
        );
    }

    #[test]
    fn sizes() {
        let l: SizeList = "256x256, 512 ,768 × 768".parse().unwrap();
        assert_eq!(
            l.0,
            vec![
                Size::new(256, 256),
                Size::new(512, 512),
                Size::new(768, 768)
            ]
        );
        assert!("256x256,,512".parse::<SizeList>().is_err());
    }
}
