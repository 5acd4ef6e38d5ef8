//! A size that parses prints back to text that parses to the same size.
#![no_main]

use dis_price::size::Size;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match text.parse::<Size>() {
        Ok(size) => {
            assert!(size.width >= 1 && size.height >= 1);
            assert_eq!(size.to_string().parse::<Size>(), Ok(size), "{text:?}");
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("size \""), "{message}");
            assert!(message.len() < 400, "an error message grew with its input: {}", message.len());
        }
    }
});
