//! Any bytes as a CSV or JSON Lines job file: every row is an error or prices to a
//! non-negative amount equal to its exact price rounded once.
#![no_main]

use std::io::BufReader;

use dis_price::batch::{InputFormat, Pricer, Rows, Totals};
use dis_price::pricing::shown;
use dis_price::tariff::Tariff;
use libfuzzer_sys::fuzz_target;

static TARIFF: std::sync::OnceLock<Tariff> = std::sync::OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let tariff = TARIFF.get_or_init(|| Tariff::builtin().expect("the built-in tariff loads"));
    for form in [InputFormat::Csv, InputFormat::Jsonl] {
        let Ok(mut rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form) else { continue };
        let pricer = Pricer::new(tariff, true, true);
        let mut totals = Totals::new(tariff);
        let mut read = 0;
        loop {
            match rows.next_row() {
                Ok(None) | Err(Err(_)) => break,
                Err(Ok(_)) => {}
                Ok(Some(row)) => {
                    if let Ok((priced, _)) = pricer.price(row) {
                        let quote = priced.quote.expect("a quote was asked for");
                        assert!(quote.price >= rust_decimal::Decimal::ZERO);
                        assert_eq!(shown(quote.exact, tariff.display), Some(quote.price));
                        let _ = totals.add(&priced);
                    }
                }
            }
            read += 1;
            assert!(read <= bytes.len() + 1, "more rows than lines");
        }
        let _ = totals.summary(tariff);
    }
});
