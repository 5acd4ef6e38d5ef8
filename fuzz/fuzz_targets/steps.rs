//! A steps list that parses is within the value cap and prints back to the same list.
#![no_main]

use dis_price::axis::{MAX_VALUES, StepsList};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(StepsList(values)) = text.parse::<StepsList>() {
        assert!(!values.is_empty() && values.len() <= MAX_VALUES, "{text:?}");
        let printed: Vec<String> = values.iter().map(u32::to_string).collect();
        assert_eq!(printed.join(",").parse::<StepsList>(), Ok(StepsList(values)), "{text:?}");
    }
});
