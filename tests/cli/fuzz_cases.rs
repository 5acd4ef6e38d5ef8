//! The fuzz targets' seeds and every crash they found, replayed as normal tests with the same
//! properties (`fuzz/fuzz_targets/`), so a fixed crash stays fixed without a fuzzer.

use std::io::BufReader;
use std::path::Path;

use dis_price::axis::{MAX_VALUES, StepsList};
use dis_price::batch::{InputFormat, Pricer, ReadOptions, Rows};
use dis_price::pricing::shown;
use dis_price::size::Size;
use dis_price::tariff::{Origin, Tariff};

fn cases(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut found = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            found.push((
                entry.path().display().to_string(),
                std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    assert!(!found.is_empty(), "no seeds for {target}");
    found
}

#[test]
fn size_cases() {
    for (name, bytes) in cases("size") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        match text.parse::<Size>() {
            Ok(size) => assert_eq!(size.to_string().parse::<Size>(), Ok(size), "{name}"),
            Err(e) => assert!(e.to_string().len() < 1200, "{name}"),
        }
    }
}

#[test]
fn steps_cases() {
    for (name, bytes) in cases("steps") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if let Ok(StepsList(values)) = text.parse::<StepsList>() {
            assert!(!values.is_empty() && values.len() <= MAX_VALUES, "{name}");
            let printed: Vec<String> = values.iter().map(u32::to_string).collect();
            assert_eq!(
                printed.join(",").parse::<StepsList>(),
                Ok(StepsList(values)),
                "{name}"
            );
        }
    }
}

#[test]
fn tariff_cases() {
    for (name, bytes) in cases("tariff") {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Ok(tariff) = Tariff::parse(Origin::BuiltIn, text) else {
            continue;
        };
        for model in &tariff.models {
            let check = dis_price::grid::Check::run(model, tariff.display);
            assert!(check.is_ok(), "{name}: {}", model.id);
        }
    }
}

#[test]
fn rows_cases() {
    let tariff = Tariff::builtin().unwrap();
    for (name, bytes) in cases("rows") {
        for form in [InputFormat::Csv, InputFormat::Jsonl] {
            let Ok(mut rows) = Rows::new(
                "case".into(),
                BufReader::with_capacity(16, &bytes[..]),
                form,
                ReadOptions::default(),
            ) else {
                continue;
            };
            let pricer = Pricer::new(&tariff, true, true);
            loop {
                match rows.next_row() {
                    Ok(None) | Err(Err(_)) => break,
                    Err(Ok(_)) => {}
                    Ok(Some(row)) => {
                        if let Ok((priced, _)) = pricer.price(row) {
                            let quote = priced.quote.unwrap();
                            assert!(quote.price >= rust_decimal::Decimal::ZERO, "{name}");
                            assert_eq!(
                                shown(quote.exact, tariff.display),
                                Some(quote.price),
                                "{name}"
                            );
                        }
                    }
                }
            }
        }
    }
}
