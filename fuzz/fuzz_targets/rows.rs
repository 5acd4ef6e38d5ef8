//! Any bytes as a job file of any meter: as CSV (with its own header, and under a header naming
//! every image and metered column), and as JSON Lines, each read with and without
//! `--max-output-tokens` and `--seconds-per-char`. The properties:
//!
//! - every line is an error or an item that prices to a non-negative amount whose shown price is
//!   its exact price rounded once (`pricing::shown`); a chat request's bound covers at least
//!   the chat template;
//! - reading through a 16-byte buffer and through a large one gives the same items and errors;
//! - a line read in a file reads as it does alone (JSON Lines, and CSV under the known header);
//! - the JSON Lines fast path agrees with the general reader on every line it takes;
//! - the batch runner's summary equals the row-by-row totals of the same items, skipped rows
//!   included.
#![no_main]

use std::io::BufReader;

use dis_price::batch::{InputFormat, Item, PricedItem, Pricer, ReadOptions, RowError, Rows, Totals};
use dis_price::batch::{chat_bound::TEMPLATE_TOKENS, rows};
use dis_price::pricing::{Usage, shown};
use dis_price::render::rows::Layout;
use dis_price::render::{BatchHeader, Paint, csv};
use dis_price::tariff::Tariff;
use dis_price::workload::{self, Settings};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

static TARIFF: std::sync::OnceLock<Tariff> = std::sync::OnceLock::new();

/// A CSV header naming every column a row of any meter may have, put before the bytes so that
/// any line is read as a CSV row with token and seconds columns.
const EVERY_COLUMN: &[u8] = b"model,steps,size,count,input_tokens,output_tokens,seconds,date\n";

/// A buffer larger than any input the fuzzer makes (4096 bytes unless told otherwise).
const LARGE: usize = 1 << 16;

fuzz_target!(|bytes: &[u8]| {
    let tariff = TARIFF.get_or_init(|| dis_price::checks::builtin().expect("the built-in tariff loads"));
    // The JSON Lines fast path takes only lines the general reader reads to the same row.
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for defaults_ok in [false, true] {
            assert!(rows::agrees(line, defaults_ok), "fast and general JSON paths differ on {line:?}");
        }
    }
    let mut headed = EVERY_COLUMN.to_vec();
    headed.extend_from_slice(bytes);
    let estimates = ReadOptions {
        max_output_tokens: Some(100),
        seconds_per_char: Some(Decimal::new(6, 2)),
        ..ReadOptions::default()
    };
    for options in [ReadOptions::default(), estimates] {
        for (input, form) in [(bytes, InputFormat::Csv), (&headed[..], InputFormat::Csv), (bytes, InputFormat::Jsonl)] {
            let read = read_all(tariff, input, form, options);
            match form {
                InputFormat::Jsonl => alone_as_in_file(&read, bytes, 1, b"\n", form, options),
                InputFormat::Csv if input.len() > bytes.len() => {
                    alone_as_in_file(&read, bytes, 2, EVERY_COLUMN, form, options)
                }
                InputFormat::Csv => {}
            }
            summary_agrees(tariff, input, form, options);
        }
    }
});

/// What one read of a line gave, its line number set to 0 (in its message too) so a line read
/// alone compares.
#[derive(Debug, PartialEq)]
enum Read {
    Item(String),
    Error(String),
}

/// Reads `input` through a 16-byte buffer and a large one in step, asserting they give the same
/// items and errors, and prices each item (see the module docs). Returns each line's number and
/// what it read to, up to a stop.
fn read_all(tariff: &Tariff, input: &[u8], form: InputFormat, options: ReadOptions) -> Vec<(u64, Read)> {
    let open = |capacity| Rows::new("fuzz".into(), BufReader::with_capacity(capacity, input), form, options);
    let (small, large) = (open(16), open(LARGE));
    let (mut small, mut large) = match (small, large) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(s), Err(l)) => {
            assert_eq!(s.to_string(), l.to_string(), "the buffer size changed the header's error");
            return Vec::new();
        }
        (s, l) => panic!("the buffer size changed whether the input opens: {:?} / {:?}", s.err(), l.err()),
    };
    assert_eq!(small.extra_columns(), large.extra_columns());
    let pricer = Pricer::new(tariff, true, true);
    let mut totals = Totals::new(tariff);
    let mut read = Vec::new();
    loop {
        let (a, b) = (small.next_row(), large.next_row());
        match (a, b) {
            (Ok(None), Ok(None)) => break,
            (Err(Err(a)), Err(Err(b))) => {
                assert_eq!(a.to_string(), b.to_string(), "the buffer size changed the input error");
                break;
            }
            (Err(Ok(a)), Err(Ok(b))) => {
                assert_eq!(a, b, "the buffer size changed a row error");
                let line = a.line;
                read.push((line, Read::Error(unnumbered(a))));
            }
            (Ok(Some(a)), Ok(Some(b))) => {
                assert_eq!(a, b, "the buffer size changed an item");
                let line = renumbered(&a).0;
                read.push((line, Read::Item(renumbered(&a).1)));
                prices_as_shown(tariff, &pricer, &mut totals, a);
            }
            (a, b) => panic!(
                "the buffer size changed what a line reads to: {:?} / {:?}",
                a.map(|i| i.map(|i| format!("{i:?}"))).map_err(|e| e.map_err(|e| e.to_string())),
                b.map(|i| i.map(|i| format!("{i:?}"))).map_err(|e| e.map_err(|e| e.to_string())),
            ),
        }
        assert!(read.len() <= input.len() + 1, "more rows than lines");
    }
    let _ = totals.summary(tariff);
    read
}

/// A row error shown with its line set to 0, also where its message names it (a message
/// may quote an inner reader's error, which names the line).
fn unnumbered(mut e: RowError) -> String {
    let line = std::mem::take(&mut e.line);
    format!("{e:?}").replace(&format!("line {line}:"), "line 0:")
}

/// An item's line, and the item shown with its line set to 0.
fn renumbered(item: &Item<'_>) -> (u64, String) {
    let mut item = item.clone();
    let line = match &mut item {
        Item::Image(row) => std::mem::take(&mut row.line),
        Item::Metered(row) => std::mem::take(&mut row.line),
    };
    (line, format!("{item:?}"))
}

/// Prices an item: an error, or a non-negative price shown as its exact price rounded once.
fn prices_as_shown<'t>(tariff: &'t Tariff, pricer: &Pricer<'t>, totals: &mut Totals, item: Item<'_>) {
    let bound = match &item {
        Item::Metered(m) if m.kind.name() == "bound" => match m.usage {
            Usage::Tokens { input, .. } => Some(input),
            _ => None,
        },
        _ => None,
    };
    if let Some(input) = bound {
        assert!(input >= TEMPLATE_TOKENS, "a chat bound of {input} input tokens, below the template");
    }
    let shown_item = format!("{item:?}");
    match pricer.price_item(item) {
        Ok((PricedItem::Image(priced), _)) => {
            let quote = priced.quote.expect("a quote was asked for");
            assert!(quote.price >= Decimal::ZERO, "a negative price for {shown_item}");
            assert_eq!(shown(quote.exact, tariff.display), Some(quote.price), "{shown_item}");
            let _ = totals.add(&priced);
        }
        Ok((PricedItem::Metered(row), _)) => {
            assert!(row.price >= Decimal::ZERO, "a negative price for {shown_item}");
            assert_eq!(shown(row.exact, tariff.display), Some(row.price), "{shown_item}");
            let _ = totals.add_metered(&row);
        }
        Err(_) => {}
    }
}

/// Each line that read to an item or an error in the file (where `bytes` begins at line
/// `first`) reads to the same alone, after `before` (a blank line, or the header), which keeps
/// it off the input's first byte.
fn alone_as_in_file(read: &[(u64, Read)], bytes: &[u8], first: u64, before: &[u8], form: InputFormat, options: ReadOptions) {
    // Where each line of `bytes` starts, with its `\n` kept.
    let mut lines = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr(bytes, at).map_or(bytes.len(), |n| n + 1);
        lines.push(&bytes[at..end]);
        at = end;
    }
    for (line, in_file) in read {
        let Some(text) = line.checked_sub(first).and_then(|i| lines.get(i as usize)) else { continue };
        // A byte order mark is dropped where the file starts, and read as text anywhere else.
        let text = if *line == 1 { text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text) } else { text };
        let mut input = before.to_vec();
        input.extend_from_slice(text);
        // What the file starts with may refuse it (as UTF-16, say) where the line alone starts.
        let Ok(mut rows) = Rows::new("fuzz".into(), BufReader::with_capacity(16, &input[..]), form, options) else {
            continue;
        };
        let alone = match rows.next_row() {
            Ok(Some(item)) => Read::Item(renumbered(&item).1),
            Err(Ok(e)) => Read::Error(unnumbered(e)),
            Err(Err(_)) => continue,
            Ok(None) => panic!("line {line} read to {in_file:?} in the file, and to nothing alone"),
        };
        assert_eq!(&alone, in_file, "line {line} reads otherwise alone: {:?}", String::from_utf8_lossy(text));
    }
}

fn memchr(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..].iter().position(|&b| b == b'\n').map(|n| from + n)
}

/// The runner's summary, skipping bad rows, against row-by-row totals of the same items.
fn summary_agrees(tariff: &Tariff, bytes: &[u8], form: InputFormat, options: ReadOptions) {
    let pricer = Pricer::new(tariff, false, false);
    let open = || Rows::new("fuzz".into(), BufReader::with_capacity(16, bytes), form, options);
    // Row by row.
    let Ok(mut rows) = open() else { return };
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
            Ok(Some(item)) => match pricer.price_item(item) {
                Ok((PricedItem::Image(priced), _)) => {
                    if expected.add(&priced).is_err() {
                        return;
                    }
                }
                Ok((PricedItem::Metered(row), _)) => {
                    if expected.add_metered(&row).is_err() {
                        return;
                    }
                }
                Err(_) => expected.skipped += 1,
            },
        }
    }
    // The runner.
    let Ok(rows) = open() else { return };
    let extra = rows.extra_columns().to_vec();
    let (input, body) = rows.into_body();
    let layout = Layout { tokens: true, seconds: true };
    let header = BatchHeader { tariff, extra: &extra, summary_only: true, dated: false, layout };
    let settings = Settings { skip_invalid: true, rows: false, parallel: false, err_paint: Paint { enabled: false } };
    let batch = workload::Batch { body: &body, name: "fuzz", pricer: &pricer, header: &header, settings, worker_sink: || Box::<csv::Batch>::default() };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    match workload::run(&batch, Box::new(input), &mut csv::Batch, &mut out, &mut err) {
        Ok((totals, _)) => {
            assert!(!fatal, "the runner read past an input the rows could not");
            let (got, want) = (totals.summary(tariff), expected.summary(tariff));
            if let (Ok(got), Ok(want)) = (got, want) {
                assert_eq!(got.exact, want.exact);
                assert_eq!(
                    (got.jobs, got.images, got.skipped, got.bounds, got.estimates),
                    (want.jobs, want.images, want.skipped, want.bounds, want.estimates)
                );
            }
        }
        Err(_) => assert!(fatal, "the runner stopped where the rows did not"),
    }
}
