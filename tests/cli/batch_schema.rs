//! `batch --schema`: the JSON Schema of what `batch --format json` writes. Generated workloads
//! of every line kind, CSV files with and without the chat and speech columns and with carried
//! columns, undated and dated tariffs, priced through the binary as listings, summaries and
//! comparisons, are all accepted; rows that break the layout are refused.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{BUILTIN, dis, run, stdout_of, temp_file};

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(&stdout_of(&["batch", "--schema"])).unwrap();
        jsonschema::validator_for(&schema).expect("a valid schema")
    })
}

/// The schema's complaints about `doc`, none when it is valid.
fn errors(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The shipped tariff with every model on dated rates: each changes on 2026-12-01.
fn dated() -> String {
    let text = BUILTIN
        .replace(
            "rate = \"0.001206\"",
            "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-12-01\", rate = \"0.0013\" }]",
        )
        .replace(
            "input_rate = \"0.10\"    # USD per 1M input (prompt) tokens\noutput_rate = \"0.16\"   # USD per 1M output (completion) tokens",
            "rates = [\n  { from = \"2026-06-01\", input_rate = \"0.10\", output_rate = \"0.16\" },\n  { from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" },\n]",
        )
        .replace(
            "rate = \"0.0030\"          # USD per second of generated audio",
            "rates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },\n  { from = \"2026-12-01\", rate = \"0.0036\" },\n]",
        );
    assert_eq!(text.matches("rates = [").count(), 3, "every edit applied");
    text
}

const CHAT: [&str; 2] = ["Llama-3.1 8B", "Llama-3.3 70B"];
const DAYS: [&str; 4] = ["2026-06-15", "2026-11-30", "2026-12-01", "2027-01-10"];
const SIDES: [u32; 5] = [64, 256, 512, 768, 1024];

/// A line's day, as a JSON member or a CSV cell.
fn day() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(&DAYS[..]))
}

/// Free text, with quotes, commas, line breaks and non-ASCII in it.
fn text() -> impl Strategy<Value = String> {
    "[a-z \",\\n\u{e9}\u{4e16}]{0,12}"
}

/// Free text for a CSV cell: the reader reads a record a line, so no line break.
fn cell() -> impl Strategy<Value = String> {
    "[a-z \",\u{e9}\u{4e16}]{0,12}"
}

/// One JSON Lines line of any kind.
fn json_line() -> impl Strategy<Value = Value> {
    prop_oneof![
        // An image request body, with the model named or not.
        (1u32..=50, prop::sample::select(&SIDES[..]), prop::sample::select(&SIDES[..]), prop::option::of(1u32..5), any::<bool>(), day())
            .prop_map(|(steps, w, h, n, named, day)| {
                let mut v = json!({ "num_inference_steps": steps, "size": format!("{w}x{h}") });
                if let Some(n) = n { v["n"] = json!(n); }
                if named { v["model"] = json!("flux-dev"); }
                if let Some(d) = day { v["date"] = json!(d); }
                v
            }),
        // A chat result with its usage.
        (prop::sample::select(&CHAT[..]), 0u64..5_000_000, 0u64..2_000_000, day())
            .prop_map(|(model, input, output, day)| {
                let mut v = json!({ "object": "chat.completion", "model": model, "choices": [], "usage": { "prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output } });
                if let Some(d) = day { v["date"] = json!(d); }
                v
            }),
        // A chat request, with max_tokens or under --max-output-tokens.
        (prop::sample::select(&CHAT[..]), text(), prop::option::of(1u64..100_000), day())
            .prop_map(|(model, content, max, day)| {
                let mut v = json!({ "model": model, "messages": [{ "role": "user", "content": content }] });
                if let Some(m) = max { v["max_tokens"] = json!(m); }
                if let Some(d) = day { v["date"] = json!(d); }
                v
            }),
        // Speech with its seconds, or estimated from its text (2 characters or more, as the
        // API takes).
        ("[a-z \",\\n\u{e9}\u{4e16}]{2,12}", prop::option::of((0u32..100_000, 0u32..4)), day()).prop_map(|(input, seconds, day)| {
            let mut v = json!({ "model": "Chatterbox", "input": input });
            if let Some((m, places)) = seconds {
                let s = rust_decimal::Decimal::new(i64::from(m), places);
                v["seconds"] = serde_json::from_str(&s.to_string()).unwrap();
            }
            if let Some(d) = day { v["date"] = json!(d); }
            v
        }),
    ]
}

/// A CSV row: an image, a chat row or a speech row (the last two where the columns exist).
#[derive(Debug, Clone)]
enum CsvRow {
    Image {
        steps: u32,
        side: u32,
        count: u32,
    },
    Tokens {
        model: &'static str,
        input: u64,
        output: u64,
    },
    Seconds {
        tenths: u32,
    },
}

fn csv_row() -> impl Strategy<Value = CsvRow> {
    prop_oneof![
        (1u32..=50, prop::sample::select(&SIDES[..]), 1u32..4)
            .prop_map(|(steps, side, count)| CsvRow::Image { steps, side, count }),
        (
            prop::sample::select(&CHAT[..]),
            0u64..9_000_000_000,
            0u64..9_000_000
        )
            .prop_map(|(model, input, output)| CsvRow::Tokens {
                model,
                input,
                output
            }),
        (0u32..50_000).prop_map(|tenths| CsvRow::Seconds { tenths }),
    ]
}

/// A CSV file: which of the chat and speech columns it has, a date column or not, carried
/// columns and rows of the kinds its columns hold.
fn csv_file() -> impl Strategy<Value = String> {
    let carried = prop::sample::subsequence(&["team", "note", "id"][..], 0..=3);
    (any::<bool>(), any::<bool>(), any::<bool>(), carried)
        .prop_flat_map(|(tokens, seconds, dated, carried)| {
            let rows =
                prop::collection::vec((csv_row(), day(), prop::collection::vec(cell(), 3)), 0..8);
            (Just((tokens, seconds, dated, carried)), rows)
        })
        .prop_map(|((tokens, seconds, dated, carried), rows)| {
            let mut header = vec!["model", "steps", "size", "count"];
            if tokens {
                header.extend(["input_tokens", "output_tokens"]);
            }
            if seconds {
                header.push("seconds");
            }
            if dated {
                header.push("date");
            }
            header.extend(&carried);
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(&header).unwrap();
            for (row, day, values) in rows {
                let row = match row {
                    CsvRow::Tokens { .. } if !tokens => CsvRow::Image {
                        steps: 20,
                        side: 512,
                        count: 1,
                    },
                    CsvRow::Seconds { .. } if !seconds => CsvRow::Image {
                        steps: 10,
                        side: 1024,
                        count: 2,
                    },
                    row => row,
                };
                let cells: Vec<String> = header
                    .iter()
                    .enumerate()
                    .map(|(i, &name)| match (name, &row) {
                        ("model", CsvRow::Image { .. }) => "flux-dev".to_owned(),
                        ("model", CsvRow::Tokens { model, .. }) => (*model).to_owned(),
                        ("model", CsvRow::Seconds { .. }) => "Chatterbox".to_owned(),
                        ("steps", CsvRow::Image { steps, .. }) => steps.to_string(),
                        ("size", CsvRow::Image { side, .. }) => format!("{side}x{side}"),
                        ("count", CsvRow::Image { count, .. }) => count.to_string(),
                        ("input_tokens", CsvRow::Tokens { input, .. }) => input.to_string(),
                        ("output_tokens", CsvRow::Tokens { output, .. }) => output.to_string(),
                        ("seconds", CsvRow::Seconds { tenths }) => {
                            rust_decimal::Decimal::new(i64::from(*tenths), 1).to_string()
                        }
                        ("date", _) => day.unwrap_or_default().to_owned(),
                        ("team" | "note" | "id", _) => values[i % 3].clone(),
                        _ => String::new(),
                    })
                    .collect();
                out.write_record(&cells).unwrap();
            }
            String::from_utf8(out.into_inner().unwrap()).unwrap()
        })
}

/// A workload file: JSON Lines or CSV.
fn workload() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        prop::collection::vec(json_line(), 0..10).prop_map(|lines| {
            (
                "work.jsonl",
                lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
            )
        }),
        csv_file().prop_map(|text| ("work.csv", text)),
    ]
}

/// How the JSON is asked for: rows, totals alone, or a comparison.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Rows,
    Summary,
    Baseline,
    BaselineTariff,
}

/// Prices `file` under `tariff` (the built-in one or a dated one) on `day` as `mode` asks, and
/// returns the JSON written.
fn priced(file: &Path, base: &Path, tariff: Option<&Path>, day: &str, mode: Mode) -> Value {
    let mut cmd = dis();
    if let Some(t) = tariff {
        cmd.arg("--tariff").arg(t);
    }
    cmd.args(["--as-of", day, "batch"]).arg(file).args([
        "--format",
        "json",
        "--max-output-tokens",
        "500",
        "--seconds-per-char",
        "0.06",
    ]);
    match mode {
        Mode::Rows => {}
        Mode::Summary => {
            cmd.arg("--summary");
        }
        Mode::Baseline => {
            // With gates of every kind, none of which fails: their outcomes are in the output.
            cmd.arg("--baseline").arg(base).args([
                "--warn-above",
                "0",
                "--fail-increase",
                "1000000",
                "--budget",
                "1000000",
                "--warn-at",
                "50",
            ]);
        }
        Mode::BaselineTariff => {
            cmd.arg("--baseline-tariff").arg(tariff.unwrap_or(base));
        }
    }
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_json_output_of_batch_is_valid(
        (name, text) in workload(),
        (base_name, base_text) in workload(),
        is_dated in any::<bool>(),
        day in prop::sample::select(&DAYS[..]),
        mode in prop::sample::select(&[Mode::Rows, Mode::Summary, Mode::Baseline, Mode::BaselineTariff][..]),
    ) {
        let (_d, file) = temp_file(name, text.as_bytes());
        let (_b, base) = temp_file(base_name, base_text.as_bytes());
        let (_t, tariff) = temp_file("dated.toml", dated().as_bytes());
        let tariff = is_dated.then_some(tariff.as_path());
        // Without a dated tariff, --baseline-tariff names the shipped one as a file.
        let (_s, shipped) = temp_file("shipped.toml", BUILTIN.as_bytes());
        let base = if matches!(mode, Mode::BaselineTariff) { shipped.as_path() } else { base.as_path() };
        let doc = priced(&file, base, tariff, day, mode);
        prop_assert_eq!(errors(&doc), Vec::<String>::new(), "{}", doc);
        if let Mode::Rows = mode {
            let rows = doc["jobs"].as_array().unwrap();
            prop_assert_eq!(Some(rows.len() as u64), doc["jobs_count"].as_u64());
        }
        if let Mode::Summary = mode {
            prop_assert!(doc.get("jobs").is_none());
        }
    }
}

/// One listing of every kind of row, with carried columns: what the refusals below edit.
fn listing() -> Value {
    let text = "model,steps,size,input_tokens,output_tokens,seconds,team\n\
                flux-dev,20,512x512,,,,art\n\
                Llama-3.3 70B,,,1200,300,,support\n\
                Chatterbox,,,,,0.4,voice\n";
    let (_d, file) = temp_file("usage.csv", text.as_bytes());
    let doc = priced(&file, &file, None, "2026-11-30", Mode::Rows);
    assert_eq!(errors(&doc), Vec::<String>::new(), "{doc}");
    doc
}

#[test]
fn the_printed_schema_is_the_shipped_file() {
    assert_eq!(
        stdout_of(&["batch", "--schema"]),
        include_str!("../../schemas/batch.schema.json")
    );
    let (code, _, err) = run(dis().args(["batch", "--schema", "jobs.csv"]));
    assert_eq!(code, 2);
    assert!(err.contains("'--schema' cannot be used with"), "{err}");
    // Without FILE (nor --schema), a pipe is read: here an empty one, which holds no jobs.
    let (code, _, err) = run(dis().arg("batch"));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: -: there is nothing to read"),
        "{err}"
    );
}

/// A change to one row.
type Edit = fn(&mut Value);

#[test]
fn a_row_that_breaks_the_layout_is_refused() {
    let doc = listing();
    for row in 0..3 {
        let edits: [(&str, Edit); 6] = [
            ("without kind", |r| {
                r.as_object_mut().unwrap().remove("kind");
            }),
            ("a number price", |r| r["price"] = json!(0.006)),
            ("a number exact", |r| r["exact"] = json!(0.00603)),
            ("a member of its own", |r| r["discount"] = json!("0")),
            ("a number in a carried column", |r| {
                r["columns"]["team"] = json!(1)
            }),
            ("an unknown meter", |r| r["meter"] = json!("minute")),
        ];
        for (what, edit) in edits {
            let mut bad = doc.clone();
            edit(&mut bad["jobs"][row]);
            assert!(!errors(&bad).is_empty(), "row {row} {what} was accepted");
        }
    }
    // A member of another meter filled in, or one of the row's own left null.
    for (row, key, value) in [
        (0, "input_tokens", json!(1)),
        (0, "steps", Value::Null),
        (1, "steps", json!(20)),
        (1, "input_tokens", Value::Null),
        (1, "input_tokens", json!("1200")),
        (2, "seconds", Value::Null),
        (2, "rate", Value::Null),
    ] {
        let mut bad = doc.clone();
        bad["jobs"][row][key] = value.clone();
        assert!(
            !errors(&bad).is_empty(),
            "row {row} with {key} = {value} was accepted"
        );
    }
    // The totals: every member required, counts as numbers or digit strings.
    let mut bad = doc.clone();
    bad.as_object_mut().unwrap().remove("total");
    assert!(!errors(&bad).is_empty());
    let mut bad = doc.clone();
    bad["by_model"][0].as_object_mut().unwrap().remove("units");
    assert!(!errors(&bad).is_empty());
    let mut big = doc.clone();
    big["images"] = json!("9007199254740993");
    assert_eq!(errors(&big), Vec::<String>::new());
    big["images"] = json!(-1);
    assert!(!errors(&big).is_empty());
}
