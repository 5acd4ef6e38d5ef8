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
            // Quoted excerpts are at most 40 characters, each escaping to at most 10 bytes.
            assert!(message.len() < 1200, "an error message grew with its input: {}", message.len());
        }
    }
});
