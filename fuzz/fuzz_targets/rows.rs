//! Any bytes as a CSV or JSON Lines job file: the JSON Lines fast path agrees with the general
//! reader on every line it takes, and reads each line after the lines before it as it reads it
//! alone; every row is an error or prices to a
//! non-negative amount equal to its exact price rounded once; and the batch runner's summary
//! (which takes plain lines straight to integer totals) equals the totals of those rows.
#![no_main]

use std::io::BufReader;

use dis_price::batch::{jsonl, mixed, rows, InputFormat, Pricer, ReadOptions, Rows, Totals};
use dis_price::pricing::shown;
use dis_price::render::{BatchHeader, Paint, csv};
use dis_price::tariff::Tariff;
use dis_price::workload::{self, Settings};
use libfuzzer_sys::fuzz_target;

static TARIFF: std::sync::OnceLock<Tariff> = std::sync::OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let tariff = TARIFF.get_or_init(|| dis_price::checks::builtin().expect("the built-in tariff loads"));
    // The JSON Lines fast path takes only lines the general reader reads to the same row.
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for defaults_ok in [false, true] {
            assert!(rows::agrees(line, defaults_ok), "fast and general JSON paths differ on {line:?}");
        }
    }
    // Read in turn, each line's leads kept for the next, a line reads as it reads alone.
    for defaults_ok in [false, true] {
        assert!(jsonl::agrees_in_turn(bytes, defaults_ok), "a line reads otherwise after the lines before it");
    }
    // The mixed reader: any line is an error or a row that prices to its exact price shown
    // once; a chat request's bound covers at least its text's bytes.
    let options = mixed::MixedOptions {
        max_output_tokens: Some(100),
        seconds_per_char: Some(rust_decimal::Decimal::new(6, 2)),
        defaults_ok: false,
        ignore_keys: &[],
    };
    for (at, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let Ok(text) = std::str::from_utf8(line) else { continue };
        match mixed::json_item(at as u64 + 1, text, options) {
            Ok(mixed::Item::Metered(m)) => {
                if let Some(model) = tariff.model_index(&m.model).map(|i| &tariff.models[i]) {
                    if let Ok(charge) = dis_price::pricing::price(model, &m.usage, tariff.display) {
                        assert_eq!(shown(charge.exact, tariff.display), Some(charge.price));
                        assert!(charge.price >= rust_decimal::Decimal::ZERO);
                    }
                }
                if let (mixed::Kind::Bound, dis_price::pricing::Usage::Tokens { input, .. }) = (m.kind, m.usage) {
                    assert!(input >= mixed::TEMPLATE_TOKENS, "a bound below the template");
                }
            }
            Ok(mixed::Item::Image(_)) | Err(_) => {}
        }
    }
    for form in [InputFormat::Csv, InputFormat::Jsonl] {
        let Ok(mut rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, ReadOptions::default()) else { continue };
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
        summary_agrees(tariff, bytes, form);
    }
});

/// The runner's summary, skipping bad rows, against row-by-row totals of the same rows.
fn summary_agrees(tariff: &Tariff, bytes: &[u8], form: InputFormat) {
    let pricer = Pricer::new(tariff, false, false);
    // Row by row.
    let Ok(mut rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, ReadOptions::default()) else { return };
    let mut expected = Totals::new(tariff);
    let mut fatal = false;
    loop {
        match rows.next_row() {
            Ok(None) => break,
            Err(Err(_)) => {
                fatal = true;
                break;
            }
            Err(Ok(_)) => expected.skipped += 1,
            Ok(Some(row)) => match pricer.price(row) {
                Ok((priced, _)) => {
                    if expected.add(&priced).is_err() {
                        return;
                    }
                }
                Err(_) => expected.skipped += 1,
            },
        }
    }
    // The runner.
    let Ok(rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, ReadOptions::default()) else { return };
    let extra = rows.extra_columns().to_vec();
    let (input, body) = rows.into_body();
    let header = BatchHeader { tariff, extra: &extra, summary_only: true, dated: false };
    let settings = Settings { skip_invalid: true, rows: false, parallel: false, err_paint: Paint { enabled: false }, provisional: false };
    let batch = workload::Batch { body: &body, name: "fuzz", pricer: &pricer, header: &header, settings, worker_sink: || Box::<csv::Batch>::default(), verify: None, held_bytes: workload::HELD_BYTES };
    let mut sink = csv::Batch::default();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    // A provisional run over the same bytes: when it ends, it ends with the same totals and
    // nothing written to standard error.
    let provisional = {
        let Ok(rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, ReadOptions::default()) else { return };
        let (input, body) = rows.into_body();
        let settings = Settings { provisional: true, ..settings };
        let batch = workload::Batch { body: &body, name: "fuzz", pricer: &pricer, header: &header, settings, worker_sink: || Box::<csv::Batch>::default(), verify: None, held_bytes: workload::HELD_BYTES };
        let mut err = Vec::new();
        let ran = workload::run(&batch, Box::new(input), &mut csv::Batch::default(), &mut Vec::new(), &mut err);
        if let Ok(Some(_)) = &ran {
            assert!(err.is_empty(), "a provisional run that ended wrote to standard error");
        }
        ran.ok().flatten()
    };
    // Per-job rows, held with a cap of 64 bytes and the rest looked at for chat or speech keys
    // past it: when the run ends, it wrote what a run that was not provisional writes.
    if form == InputFormat::Jsonl {
        let per_job = |provisional: bool| {
            let rows = Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, ReadOptions::default()).ok()?;
            let (input, body) = rows.into_body();
            let header = BatchHeader { tariff, extra: &[], summary_only: false, dated: false };
            let settings = Settings { skip_invalid: true, rows: true, parallel: false, err_paint: Paint { enabled: false }, provisional };
            let rest_is_image_only = |from: u64| Ok(!mixed::has_metered_key(bytes.get(from as usize..).unwrap_or_default()));
            let verify: Option<workload::Verify<'_>> = provisional.then_some(&rest_is_image_only);
            let batch = workload::Batch { body: &body, name: "fuzz", pricer: &pricer, header: &header, settings, worker_sink: || Box::<csv::Batch>::default(), verify, held_bytes: 64 };
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let ran = workload::run(&batch, Box::new(input), &mut csv::Batch::default(), &mut out, &mut err);
            Some((ran.map(|r| r.is_some()).map_err(|e| e.to_string()), out, err))
        };
        if let (Some(held), Some(known)) = (per_job(true), per_job(false)) {
            if held.0 == Ok(true) {
                assert!(!mixed::has_metered_key(bytes), "a held run wrote a file with a chat or speech key");
                assert_eq!(held, known, "a held run wrote other than a run that knew");
            }
        }
    }
    let ran = workload::run(&batch, Box::new(input), &mut sink, &mut out, &mut err);
    match ran {
        Ok(None) => panic!("a run that is not provisional stopped undecided"),
        Ok(Some((totals, _))) => {
            assert!(!fatal, "the runner read past an input the rows could not");
            if let Some((early, _)) = &provisional {
                let (a, b) = (early.summary(tariff), totals.summary(tariff));
                if let (Ok(a), Ok(b)) = (a, b) {
                    assert_eq!((a.exact, a.jobs, a.images, a.skipped), (b.exact, b.jobs, b.images, b.skipped));
                }
            }
            let (got, want) = (totals.summary(tariff), expected.summary(tariff));
            if let (Ok(got), Ok(want)) = (got, want) {
                assert_eq!(got.exact, want.exact);
                assert_eq!((got.jobs, got.images, got.skipped), (want.jobs, want.images, want.skipped));
            }
        }
        Err(_) => assert!(fatal, "the runner stopped where the rows did not"),
    }
}
