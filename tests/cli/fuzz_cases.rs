//! The fuzz targets' seeds and every crash they found, replayed as normal tests with the same
//! properties (`fuzz/fuzz_targets/`), so a fixed crash stays fixed without a fuzzer.

use std::io::BufReader;
use std::path::Path;

use dis_price::axis::{MAX_VALUES, StepsList};
use dis_price::batch::{InputFormat, PricedItem, Pricer, ReadOptions, Rows};
use dis_price::pricing::shown;
use dis_price::size::Size;
use dis_price::tariff::{Origin, Tariff};

#[path = "../../fuzz/run_case.rs"]
mod run_case;

use run_case::Reached::{self, Exit, Usage};

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
        let Ok(tariff) = dis_price::checks::parse(Origin::BuiltIn, text) else {
            continue;
        };
        for model in &tariff.models {
            let check = dis_price::grid::Check::run(model, tariff.display);
            assert!(check.is_ok(), "{name}: {}", model.id);
        }
    }
}

/// The CSV header the `rows` target also reads every case under (see its docs).
const EVERY_COLUMN: &[u8] = b"model,steps,size,count,input_tokens,output_tokens,seconds,date\n";

#[test]
fn rows_cases() {
    let tariff = dis_price::checks::builtin().unwrap();
    let estimates = ReadOptions {
        max_output_tokens: Some(100),
        seconds_per_char: Some(rust_decimal::Decimal::new(6, 2)),
        ..ReadOptions::default()
    };
    for (name, bytes) in cases("rows") {
        let headed = [EVERY_COLUMN, &bytes[..]].concat();
        let forms = [
            (&bytes[..], InputFormat::Csv),
            (&headed[..], InputFormat::Csv),
            (&bytes[..], InputFormat::Jsonl),
        ];
        for options in [ReadOptions::default(), estimates] {
            for (input, form) in forms {
                rows_case(&tariff, &name, input, form, options);
            }
        }
    }
}

/// Every item of `input` prices to a non-negative price shown as its exact price rounded once,
/// and a 16-byte buffer reads what a large one reads.
fn rows_case(tariff: &Tariff, name: &str, input: &[u8], form: InputFormat, options: ReadOptions) {
    let open = |capacity| {
        Rows::new(
            "case".into(),
            BufReader::with_capacity(capacity, input),
            form,
            options,
        )
    };
    let (Ok(mut small), Ok(mut large)) = (open(16), open(1 << 20)) else {
        assert_eq!(open(16).is_ok(), open(1 << 20).is_ok(), "{name}");
        return;
    };
    let pricer = Pricer::new(tariff, true, true);
    loop {
        let (a, b) = (small.next_row(), large.next_row());
        match (a, b) {
            (Ok(None), Ok(None)) | (Err(Err(_)), Err(Err(_))) => break,
            (Err(Ok(a)), Err(Ok(b))) => assert_eq!(a, b, "{name}"),
            (Ok(Some(row)), Ok(Some(other))) => {
                assert_eq!(row, other, "{name}");
                match pricer.price_item(row) {
                    Ok((PricedItem::Image(priced), _)) => {
                        let quote = priced.quote.unwrap();
                        assert!(quote.price >= rust_decimal::Decimal::ZERO, "{name}");
                        assert_eq!(
                            shown(quote.exact, tariff.display),
                            Some(quote.price),
                            "{name}"
                        );
                    }
                    Ok((PricedItem::Metered(row), _)) => {
                        assert!(row.price >= rust_decimal::Decimal::ZERO, "{name}");
                        assert_eq!(shown(row.exact, tariff.display), Some(row.price), "{name}");
                    }
                    Err(_) => {}
                }
            }
            (a, b) => panic!(
                "{name}: a 16-byte buffer read otherwise ({}, {})",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }
}

/// Replays `run` cases through the target's property, each in the same work directory; panics
/// naming every case that failed, and returns how far each went.
fn replay_run(cases: &[(String, Vec<u8>)]) -> Vec<(String, run_case::Reached)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut space = run_case::Workspace::new(dir.path().to_owned());
    let mut failed = Vec::new();
    let mut reached = Vec::new();
    for (name, bytes) in cases {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_case::check(bytes, &mut space)
        }));
        match ran {
            Ok(r) => reached.push((name.clone(), r)),
            Err(_) => failed.push(name.clone()),
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
    reached
}

/// Every `run` seed, and the status it ends with: each command, success and failure.
const RUN_SEEDS: &[(&str, Reached)] = &[
    ("afford-count-json", Exit(0)),
    ("afford-plain", Exit(0)),
    ("afford-text", Exit(0)),
    ("batch-csv", Exit(0)),
    ("batch-delimiter", Exit(1)),
    ("batch-jsonl-summary", Exit(0)),
    ("batch-mixed-csv", Exit(0)),
    ("batch-mixed-jsonl", Exit(0)),
    ("batch-no-extension", Exit(2)),
    ("batch-skip-invalid", Exit(2)),
    ("batch-summary-csv", Exit(0)),
    ("check-json-off", Exit(1)),
    ("check-markdown", Exit(0)),
    ("check-table", Exit(0)),
    ("completions", Exit(0)),
    ("conflict", Usage(2)),
    ("diff-csv", Exit(1)),
    ("diff-json-lists", Exit(0)),
    ("err-fails", Exit(2)),
    ("fit-text", Exit(0)),
    ("fit-write-json", Exit(0)),
    ("help", Usage(0)),
    ("job-bad-size", Usage(2)),
    ("job-json-tariff", Exit(0)),
    ("job-plain-budget", Exit(1)),
    ("job-text", Exit(0)),
    ("man", Exit(0)),
    ("models-json", Exit(0)),
    ("models-table", Exit(0)),
    ("out-fails-full", Exit(0)),
    ("out-fails-pipe", Exit(0)),
    ("out-zero", Exit(0)),
    ("table-csv", Exit(0)),
    ("table-json", Exit(0)),
    ("table-markdown", Exit(0)),
    ("tariff-directory", Exit(2)),
    ("tariff-schema", Exit(0)),
    ("tariff-text", Exit(0)),
    ("validate-broken", Exit(2)),
    ("validate-missing", Exit(2)),
    ("validate-strict", Exit(1)),
];

/// The files in `fuzz/DIR/run`, by name.
fn run_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(dir)
        .join("run");
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("readable"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn run_seeds_end_as_listed() {
    let reached = replay_run(&run_files("seeds"));
    let mut want: Vec<(String, Reached)> =
        RUN_SEEDS.iter().map(|&(n, r)| (n.to_owned(), r)).collect();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(reached, want);
}

#[test]
fn run_regressions() {
    let cases = run_files("regressions");
    assert!(!cases.is_empty(), "no run regressions found");
    replay_run(&cases);
}
