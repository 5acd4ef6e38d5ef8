//! Chat and speech rows of a dated mixed batch show the day they were priced on and the rates
//! they were priced with, in every format.

use crate::support::{BUILTIN, assert_bad_input, dis, run, temp_file};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The shipped tariff with Llama-3.1 8B and Chatterbox given dated rates, up on 2026-12-01
/// (as in the meterextra tests); flux-dev and Llama-3.3 70B keep one undated rate.
fn dated() -> String {
    let text = BUILTIN
        .replace(
            "input_rate = \"0.10\"    # USD per 1M input (prompt) tokens\noutput_rate = \"0.16\"   # USD per 1M output (completion) tokens",
            "rates = [\n  { from = \"2026-06-01\", input_rate = \"0.10\", output_rate = \"0.16\" },\n  { from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" },\n]",
        )
        .replace(
            "rate = \"0.0030\"          # USD per second of generated audio",
            "rates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },\n  { from = \"2026-12-01\", rate = \"0.0036\" },\n]",
        );
    assert_eq!(text.matches("rates = [").count(), 2, "both edits applied");
    text
}

fn dated_tariff() -> (tempfile::TempDir, PathBuf) {
    temp_file("dated.toml", dated().as_bytes())
}

/// `batch FILE ARGS` under `tariff`, priced on `day`.
fn batch(tariff: &Path, day: &str, file: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = dis();
    cmd.arg("--tariff")
        .arg(tariff)
        .args(["--as-of", day, "batch"])
        .arg(file)
        .args(args);
    cmd
}

/// Standard output of a successful run with nothing on standard error.
fn ok(cmd: &mut assert_cmd::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    out
}

/// Chat results the second before and the first second of the change (1796083200 is
/// 2026-12-01T00:00:00Z), a chat result of an undated model, speech the day before and the
/// day of the change (the second under the minimum), a chat request (a bound) and an image,
/// the last three without a day: priced on --as-of.
const WORK: &str = concat!(
    "{\"model\":\"Llama-3.1 8B\",\"created\":1796083199,\"usage\":{\"prompt_tokens\":1000000,\"completion_tokens\":500000}}\n",
    "{\"model\":\"Llama-3.1 8B\",\"created\":1796083200,\"usage\":{\"prompt_tokens\":1000000,\"completion_tokens\":500000}}\n",
    "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300}}\n",
    "{\"model\":\"chatterbox\",\"seconds\":10,\"date\":\"2026-11-30\"}\n",
    "{\"model\":\"chatterbox\",\"seconds\":0.5,\"date\":\"2026-12-01\"}\n",
    "{\"model\":\"Llama-3.1 8B\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1000}\n",
    "{\"num_inference_steps\": 20, \"size\": \"512x512\"}\n",
);

const TABLE: &str = "\
┌──────┬───────────────┬───────┬─────────────────────┬────────┬───────────────┐
│ line ┆ model         ┆ kind  ┆ usage               ┆  price ┆ date, rate    │
╞══════╪═══════════════╪═══════╪═════════════════════╪════════╪═══════════════╡
│    1 ┆ Llama-3.1 8B  ┆ exact ┆ 1,000,000 tokens in ┆ 0.1800 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 500,000 tokens out  ┆        ┆ 0.1 in        │
│      ┆               ┆       ┆                     ┆        ┆ 0.16 out      │
│      ┆               ┆       ┆                     ┆        ┆ per 1,000,000 │
│    2 ┆ Llama-3.1 8B  ┆ exact ┆ 1,000,000 tokens in ┆ 0.2200 ┆ 2026-12-01    │
│      ┆               ┆       ┆ 500,000 tokens out  ┆        ┆ 0.12 in       │
│      ┆               ┆       ┆                     ┆        ┆ 0.2 out       │
│      ┆               ┆       ┆                     ┆        ┆ per 1,000,000 │
│    3 ┆ Llama-3.3 70B ┆ exact ┆ 1200 tokens in      ┆ 0.0011 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 300 tokens out      ┆        ┆ 0.7 in        │
│      ┆               ┆       ┆                     ┆        ┆ 0.8 out       │
│      ┆               ┆       ┆                     ┆        ┆ per 1,000,000 │
│    4 ┆ Chatterbox    ┆ exact ┆ 10 s                ┆ 0.0300 ┆ 2026-11-30    │
│      ┆               ┆       ┆                     ┆        ┆ 0.003         │
│    5 ┆ Chatterbox    ┆ exact ┆ 0.5 s               ┆ 0.0036 ┆ 2026-12-01    │
│      ┆               ┆       ┆ minimum 1 s         ┆        ┆ 0.0036        │
│    6 ┆ Llama-3.1 8B  ┆ bound ┆ 99 tokens in        ┆ 0.0002 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 1000 tokens out     ┆        ┆ 0.1 in        │
│      ┆               ┆       ┆                     ┆        ┆ 0.16 out      │
│      ┆               ┆       ┆                     ┆        ┆ per 1,000,000 │
│    7 ┆ flux-dev      ┆ exact ┆ 20 steps, 512x512   ┆ 0.0060 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 1 image, 5 units    ┆        ┆ 0.001206      │
└──────┴───────────────┴───────┴─────────────────────┴────────┴───────────────┘
┌───────────────┬───────┬──────┬──────────────────────┬────────┐
│ model         ┆ kind  ┆ jobs ┆ usage                ┆  total │
╞═══════════════╪═══════╪══════╪══════════════════════╪════════╡
│ flux-dev      ┆ exact ┆    1 ┆ 1 image              ┆ 0.0060 │
│               ┆       ┆      ┆ 5 units              ┆        │
│ Llama-3.1 8B  ┆ bound ┆    3 ┆ 2,000,099 tokens in  ┆ 0.4002 │
│               ┆       ┆      ┆ 1,001,000 tokens out ┆        │
│ Llama-3.3 70B ┆ exact ┆    1 ┆ 1200 tokens in       ┆ 0.0011 │
│               ┆       ┆      ┆ 300 tokens out       ┆        │
│ Chatterbox    ┆ exact ┆    2 ┆ 11 s charged         ┆ 0.0336 │
│ at most       ┆ bound ┆    7 ┆                      ┆ 0.4409 │
└───────────────┴───────┴──────┴──────────────────────┴────────┘
at most 0.4409 USD for 7 job(s) (1 of them upper bounds)
";

const CSV: &str = "\
line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per
1,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.18,0.1800,2026-11-30,,0.1,0.16,1000000
2,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.22,0.2200,2026-12-01,,0.12,0.2,1000000
3,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,2026-11-30,,0.7,0.8,1000000
4,Chatterbox,exact,,,,,,,10,10,0.03,0.0300,2026-11-30,0.003,,,
5,Chatterbox,exact,,,,,,,0.5,1,0.0036,0.0036,2026-12-01,0.0036,,,
6,Llama-3.1 8B,bound,,,,,99,1000,,,0.0001699,0.0002,2026-11-30,,0.1,0.16,1000000
7,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,2026-11-30,0.001206,,,
subtotal,flux-dev,exact,,,1,5,,,,,0.00603,0.0060,,,,,
subtotal,Llama-3.1 8B,bound,,,,,2000099,1001000,,,0.4001699,0.4002,,,,,
subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,,,,,
subtotal,Chatterbox,exact,,,,,,,,11,0.0336,0.0336,,,,,
total,,bound,,,1,,,,,,0.4408799,0.4409,,,,,
";

const MARKDOWN: &str = "\
| line | model | kind | steps | size | count | units | input_tokens | output_tokens | seconds | seconds_charged | exact | price | date | rate | input_rate | output_rate | per |
| ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |
| 1 | Llama-3.1 8B | exact |  |  |  |  | 1,000,000 | 500,000 |  |  | 0.18 | 0.1800 | 2026-11-30 |  | 0.1 | 0.16 | 1000000 |
| 2 | Llama-3.1 8B | exact |  |  |  |  | 1,000,000 | 500,000 |  |  | 0.22 | 0.2200 | 2026-12-01 |  | 0.12 | 0.2 | 1000000 |
| 3 | Llama-3.3 70B | exact |  |  |  |  | 1200 | 300 |  |  | 0.00108 | 0.0011 | 2026-11-30 |  | 0.7 | 0.8 | 1000000 |
| 4 | Chatterbox | exact |  |  |  |  |  |  | 10 | 10 | 0.03 | 0.0300 | 2026-11-30 | 0.003 |  |  |  |
| 5 | Chatterbox | exact |  |  |  |  |  |  | 0.5 | 1 (minimum) | 0.0036 | 0.0036 | 2026-12-01 | 0.0036 |  |  |  |
| 6 | Llama-3.1 8B | bound |  |  |  |  | 99 | 1000 |  |  | 0.0001699 | 0.0002 | 2026-11-30 |  | 0.1 | 0.16 | 1000000 |
| 7 | flux-dev | exact | 20 | 512x512 | 1 | 5 |  |  |  |  | 0.00603 | 0.0060 | 2026-11-30 | 0.001206 |  |  |  |

| model | meter | kind | jobs | images | units | total |
| --- | --- | --- | ---: | ---: | --- | ---: |
| flux-dev | megapixel-step | exact | 1 | 1 | 5 | 0.0060 |
| Llama-3.1 8B | token | bound | 3 |  | 2,000,099 in + 1,001,000 out tokens | 0.4002 |
| Llama-3.3 70B | token | exact | 1 |  | 1200 in + 300 out tokens | 0.0011 |
| Chatterbox | second | exact | 2 |  | 11 s | 0.0336 |
| **at most** |  | bound | 7 | 1 |  | **0.4409 USD** |
";

/// Every member of a job row, in order (schema 2): `null` where a row's meter has none.
const ROW_MEMBERS: [&str; 23] = [
    "line",
    "model",
    "meter",
    "kind",
    "steps",
    "size",
    "width",
    "height",
    "count",
    "units",
    "input_tokens",
    "output_tokens",
    "seconds",
    "seconds_charged",
    "exact",
    "price",
    "date",
    "rate",
    "input_rate",
    "output_rate",
    "per",
    "rate_from",
    "defaults",
];

/// `json` as the batch writes it: the tree pretty-printed, but each job row on one compact
/// line.
fn laid_out(json: &serde_json::Value) -> String {
    let mut outline = json.clone();
    outline["jobs"] = json!([]);
    let rows = json["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| format!("    {}", serde_json::to_string(row).unwrap()))
        .collect::<Vec<_>>()
        .join(",\n");
    serde_json::to_string_pretty(&outline).unwrap().replacen(
        "\"jobs\": []",
        &format!("\"jobs\": [\n{rows}\n  ]"),
        1,
    ) + "\n"
}

#[test]
fn chat_and_speech_rows_show_their_day_and_rates_in_every_format() {
    let (_t, tariff) = dated_tariff();
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let day = "2026-11-30";
    assert_eq!(ok(&mut batch(&tariff, day, &file, &[])), TABLE);
    assert_eq!(
        ok(&mut batch(&tariff, day, &file, &["--format", "csv"])),
        CSV
    );
    assert_eq!(
        ok(&mut batch(&tariff, day, &file, &["--format", "markdown"])),
        MARKDOWN
    );
    // The total alone: nothing about rates.
    let (code, out, err) = run(&mut batch(&tariff, day, &file, &["--format", "plain"]));
    assert_eq!((code, out.as_str()), (0, "0.4409\n"), "{err}");
    assert_eq!(
        err,
        "note: the total is an upper bound: 1 row(s) are upper bounds, 0 estimates\n"
    );

    let out = ok(&mut batch(&tariff, day, &file, &["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let chat = |line: u64,
                model: &str,
                kind: &str,
                tokens: (u64, u64),
                exact: &str,
                price: &str,
                date: &str,
                rates: (&str, &str),
                from: Option<&str>| {
        json!({"line": line, "model": model, "meter": "token", "kind": kind,
               "steps": null, "size": null, "width": null, "height": null, "count": null,
               "units": null, "input_tokens": tokens.0, "output_tokens": tokens.1,
               "seconds": null, "seconds_charged": null, "exact": exact, "price": price,
               "date": date, "rate": null, "input_rate": rates.0, "output_rate": rates.1,
               "per": 1_000_000, "rate_from": from, "defaults": []})
    };
    let speech = |line: u64,
                  seconds: (&str, &str),
                  exact: &str,
                  price: &str,
                  date: &str,
                  rate: &str,
                  from: &str| {
        json!({"line": line, "model": "Chatterbox", "meter": "second", "kind": "exact",
               "steps": null, "size": null, "width": null, "height": null, "count": null,
               "units": null, "input_tokens": null, "output_tokens": null,
               "seconds": seconds.0, "seconds_charged": seconds.1, "exact": exact,
               "price": price, "date": date, "rate": rate, "input_rate": null,
               "output_rate": null, "per": null, "rate_from": from, "defaults": []})
    };
    let tokens = (1_000_000, 500_000);
    let (old, new) = (("0.1", "0.16"), ("0.12", "0.2"));
    assert_eq!(
        v["jobs"],
        json!([
            chat(1, "Llama-3.1 8B", "exact", tokens, "0.18", "0.1800", "2026-11-30", old, Some("2026-06-01")),
            chat(2, "Llama-3.1 8B", "exact", tokens, "0.22", "0.2200", "2026-12-01", new, Some("2026-12-01")),
            chat(3, "Llama-3.3 70B", "exact", (1200, 300), "0.00108", "0.0011", "2026-11-30", ("0.7", "0.8"), None),
            speech(4, ("10", "10"), "0.03", "0.0300", "2026-11-30", "0.003", "2026-06-01"),
            speech(5, ("0.5", "1"), "0.0036", "0.0036", "2026-12-01", "0.0036", "2026-12-01"),
            chat(6, "Llama-3.1 8B", "bound", (99, 1000), "0.0001699", "0.0002", "2026-11-30", old, Some("2026-06-01")),
            {"line": 7, "model": "flux-dev", "meter": "megapixel-step", "kind": "exact",
             "steps": 20, "size": "512x512", "width": 512, "height": 512, "count": 1,
             "units": "5", "input_tokens": null, "output_tokens": null, "seconds": null,
             "seconds_charged": null, "exact": "0.00603", "price": "0.0060",
             "date": "2026-11-30", "rate": "0.001206", "input_rate": null,
             "output_rate": null, "per": null, "rate_from": null, "defaults": []},
        ])
    );
    // Every row, whatever its meter, has every member in one order: the figures, then the
    // day and the rates.
    let keys = |row: &serde_json::Value| -> Vec<String> {
        row.as_object().unwrap().keys().cloned().collect()
    };
    for row in v["jobs"].as_array().unwrap() {
        assert_eq!(keys(row), ROW_MEMBERS, "{row}");
    }
    assert_eq!(
        (&v["exact"], &v["total"]),
        (&json!("0.4408799"), &json!("0.4409"))
    );
    assert_eq!(v["tariff"]["priced_on"], "2026-11-30");
    assert_eq!(out, laid_out(&v));
}

#[test]
fn rows_without_a_day_take_the_rates_of_the_as_of_day() {
    let (_t, tariff) = dated_tariff();
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let out = ok(&mut batch(
        &tariff,
        "2026-12-05",
        &file,
        &["--format", "csv"],
    ));
    let rows: Vec<&str> = out.lines().skip(1).take(7).collect();
    assert_eq!(
        rows,
        [
            // Dated lines keep their own day.
            "1,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.18,0.1800,2026-11-30,,0.1,0.16,1000000",
            "2,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.22,0.2200,2026-12-01,,0.12,0.2,1000000",
            "3,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,2026-12-05,,0.7,0.8,1000000",
            "4,Chatterbox,exact,,,,,,,10,10,0.03,0.0300,2026-11-30,0.003,,,",
            "5,Chatterbox,exact,,,,,,,0.5,1,0.0036,0.0036,2026-12-01,0.0036,,,",
            // The bound is priced on --as-of, past the change: 99 x 0.12 + 1000 x 0.2 per 1M.
            "6,Llama-3.1 8B,bound,,,,,99,1000,,,0.00021188,0.0002,2026-12-05,,0.12,0.2,1000000",
            "7,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,2026-12-05,0.001206,,,",
        ]
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&mut batch(
        &tariff,
        "2026-12-05",
        &file,
        &["--format", "json"],
    )))
    .unwrap();
    assert_eq!(
        (
            &v["jobs"][5]["date"],
            &v["jobs"][5]["input_rate"],
            &v["jobs"][5]["rate_from"]
        ),
        (&json!("2026-12-05"), &json!("0.12"), &json!("2026-12-01"))
    );
}

/// A CSV of chat and speech rows with a date column (a day, an RFC 3339 time, a Unix
/// timestamp, none) and a carried column.
const WORK_CSV: &str = "model,input_tokens,output_tokens,seconds,date,team\n\
    Llama-3.1 8B,1000000,500000,,2026-11-30,a\n\
    Llama-3.1 8B,1000000,500000,,2026-12-01T00:00:00Z,b\n\
    chatterbox,,,0.5,1796083199,c\n\
    chatterbox,,,0.5,2026-12-01,d\n\
    chatterbox,,,2,,e\n";

#[test]
fn a_csv_rows_date_cell_is_the_day_shown_and_carried_cells_follow_the_rates() {
    let (_t, tariff) = dated_tariff();
    let (_d, file) = temp_file("work.csv", WORK_CSV.as_bytes());
    assert_eq!(
        ok(&mut batch(&tariff, "2026-12-05", &file, &["--format", "csv"])),
        "\
line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per,team
2,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.18,0.1800,2026-11-30,,0.1,0.16,1000000,a
3,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.22,0.2200,2026-12-01,,0.12,0.2,1000000,b
4,Chatterbox,exact,,,,,,,0.5,1,0.003,0.0030,2026-11-30,0.003,,,,c
5,Chatterbox,exact,,,,,,,0.5,1,0.0036,0.0036,2026-12-01,0.0036,,,,d
6,Chatterbox,exact,,,,,,,2,2,0.0072,0.0072,2026-12-05,0.0036,,,,e
subtotal,Llama-3.1 8B,exact,,,,,2000000,1000000,,,0.4,0.4000,,,,,,
subtotal,Chatterbox,exact,,,,,,,,4,0.0138,0.0138,,,,,,
total,,exact,,,0,,,,,,0.4138,0.4138,,,,,,
"
    );
    assert_eq!(
        ok(&mut batch(&tariff, "2026-12-05", &file, &[])),
        "\
┌──────┬──────────────┬───────┬────────────────┬────────┬───────────────┬──────┐
│ line ┆ model        ┆ kind  ┆ usage          ┆  price ┆ date, rate    ┆ team │
╞══════╪══════════════╪═══════╪════════════════╪════════╪═══════════════╪══════╡
│    2 ┆ Llama-3.1 8B ┆ exact ┆ 1,000,000      ┆ 0.1800 ┆ 2026-11-30    ┆ a    │
│      ┆              ┆       ┆ tokens in      ┆        ┆ 0.1 in        ┆      │
│      ┆              ┆       ┆ 500,000 tokens ┆        ┆ 0.16 out      ┆      │
│      ┆              ┆       ┆ out            ┆        ┆ per 1,000,000 ┆      │
│    3 ┆ Llama-3.1 8B ┆ exact ┆ 1,000,000      ┆ 0.2200 ┆ 2026-12-01    ┆ b    │
│      ┆              ┆       ┆ tokens in      ┆        ┆ 0.12 in       ┆      │
│      ┆              ┆       ┆ 500,000 tokens ┆        ┆ 0.2 out       ┆      │
│      ┆              ┆       ┆ out            ┆        ┆ per 1,000,000 ┆      │
│    4 ┆ Chatterbox   ┆ exact ┆ 0.5 s          ┆ 0.0030 ┆ 2026-11-30    ┆ c    │
│      ┆              ┆       ┆ minimum 1 s    ┆        ┆ 0.003         ┆      │
│    5 ┆ Chatterbox   ┆ exact ┆ 0.5 s          ┆ 0.0036 ┆ 2026-12-01    ┆ d    │
│      ┆              ┆       ┆ minimum 1 s    ┆        ┆ 0.0036        ┆      │
│    6 ┆ Chatterbox   ┆ exact ┆ 2 s            ┆ 0.0072 ┆ 2026-12-05    ┆ e    │
│      ┆              ┆       ┆                ┆        ┆ 0.0036        ┆      │
└──────┴──────────────┴───────┴────────────────┴────────┴───────────────┴──────┘
┌──────────────┬───────┬──────┬──────────────────────┬────────┐
│ model        ┆ kind  ┆ jobs ┆ usage                ┆  total │
╞══════════════╪═══════╪══════╪══════════════════════╪════════╡
│ Llama-3.1 8B ┆ exact ┆    2 ┆ 2,000,000 tokens in  ┆ 0.4000 │
│              ┆       ┆      ┆ 1,000,000 tokens out ┆        │
│ Chatterbox   ┆ exact ┆    3 ┆ 4 s charged          ┆ 0.0138 │
│ total        ┆ exact ┆    5 ┆                      ┆ 0.4138 │
└──────────────┴───────┴──────┴──────────────────────┴────────┘
0.4138 USD for 5 job(s)
"
    );
    // The JSON row's carried cells come after its rates.
    let v: serde_json::Value = serde_json::from_str(&ok(&mut batch(
        &tariff,
        "2026-12-05",
        &file,
        &["--format", "json"],
    )))
    .unwrap();
    assert_eq!(
        v["jobs"][0],
        json!({"line": 2, "model": "Llama-3.1 8B", "meter": "token", "kind": "exact",
               "steps": null, "size": null, "width": null, "height": null, "count": null,
               "units": null, "input_tokens": 1_000_000, "output_tokens": 500_000,
               "seconds": null, "seconds_charged": null, "exact": "0.18", "price": "0.1800",
               "date": "2026-11-30", "rate": null, "input_rate": "0.1", "output_rate": "0.16",
               "per": 1_000_000, "rate_from": "2026-06-01", "defaults": [], "columns": {"team": "a"}})
    );
    let keys: Vec<&String> = v["jobs"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys[..ROW_MEMBERS.len()], ROW_MEMBERS);
    assert_eq!(keys[ROW_MEMBERS.len()..], ["columns"]);
}

#[test]
fn a_chat_models_per_is_its_own_and_each_row_says_it() {
    // Llama-3.3 70B priced per 1000 tokens (the same money): its rows say 1000.
    let text = dated().replacen(
        "per = 1000000\ninput_rate = \"0.70\"\noutput_rate = \"0.80\"",
        "per = 1000\ninput_rate = \"0.0007\"\noutput_rate = \"0.0008\"",
        1,
    );
    assert!(text.contains("per = 1000\n"), "edit applied");
    let (_t, tariff) = temp_file("per.toml", text.as_bytes());
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let out = ok(&mut batch(
        &tariff,
        "2026-11-30",
        &file,
        &["--format", "csv"],
    ));
    assert_eq!(
        out.lines().nth(3).unwrap(),
        "3,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,2026-11-30,,0.0007,0.0008,1000"
    );
    assert_eq!(
        out.lines().nth(1).unwrap(),
        "1,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.18,0.1800,2026-11-30,,0.1,0.16,1000000"
    );
}

#[test]
fn totals_alone_and_the_plain_total_show_no_rates() {
    let (_t, tariff) = dated_tariff();
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    // The CSV keeps one header whether or not rows are listed; subtotals leave the dated
    // cells blank.
    assert_eq!(
        ok(&mut batch(&tariff, "2026-11-30", &file, &["--format", "csv", "--summary"])),
        "\
line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per
subtotal,flux-dev,exact,,,1,5,,,,,0.00603,0.0060,,,,,
subtotal,Llama-3.1 8B,bound,,,,,2000099,1001000,,,0.4001699,0.4002,,,,,
subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,,,,,
subtotal,Chatterbox,exact,,,,,,,,11,0.0336,0.0336,,,,,
total,,bound,,,1,,,,,,0.4408799,0.4409,,,,,
"
    );
    assert_eq!(
        ok(&mut batch(&tariff, "2026-11-30", &file, &["--summary"])),
        "\
┌───────────────┬───────┬──────┬──────────────────────┬────────┐
│ model         ┆ kind  ┆ jobs ┆ usage                ┆  total │
╞═══════════════╪═══════╪══════╪══════════════════════╪════════╡
│ flux-dev      ┆ exact ┆    1 ┆ 1 image              ┆ 0.0060 │
│               ┆       ┆      ┆ 5 units              ┆        │
│ Llama-3.1 8B  ┆ bound ┆    3 ┆ 2,000,099 tokens in  ┆ 0.4002 │
│               ┆       ┆      ┆ 1,001,000 tokens out ┆        │
│ Llama-3.3 70B ┆ exact ┆    1 ┆ 1200 tokens in       ┆ 0.0011 │
│               ┆       ┆      ┆ 300 tokens out       ┆        │
│ Chatterbox    ┆ exact ┆    2 ┆ 11 s charged         ┆ 0.0336 │
│ at most       ┆ bound ┆    7 ┆                      ┆ 0.4409 │
└───────────────┴───────┴──────┴──────────────────────┴────────┘
at most 0.4409 USD for 7 job(s) (1 of them upper bounds)
"
    );
}

#[test]
fn an_undated_output_has_no_rate_columns_but_its_json_rows_name_their_rates() {
    // The shipped tariff has no dated rates and JSON Lines no date column: the CSV is as
    // before; the JSON rows still say which day and rates priced them, as image rows do.
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let mut cmd = dis();
    cmd.args(["--as-of", "2026-11-30", "batch"]).arg(&file);
    let csv = ok(cmd.args(["--format", "csv"]));
    assert_eq!(
        csv.lines().take(2).collect::<Vec<_>>(),
        [
            "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price",
            "1,Llama-3.1 8B,exact,,,,,1000000,500000,,,0.18,0.1800",
        ]
    );
    let mut cmd = dis();
    cmd.args(["--as-of", "2026-11-30", "batch"]).arg(&file);
    let v: serde_json::Value = serde_json::from_str(&ok(cmd.args(["--format", "json"]))).unwrap();
    let row = &v["jobs"][4];
    assert_eq!(
        (&row["date"], &row["rate"], &row["rate_from"]),
        (
            &json!("2026-12-01"),
            &json!("0.003"),
            &serde_json::Value::Null
        )
    );
    let row = &v["jobs"][1];
    assert_eq!(
        (
            &row["date"],
            &row["input_rate"],
            &row["output_rate"],
            &row["per"]
        ),
        (
            &json!("2026-12-01"),
            &json!("0.1"),
            &json!("0.16"),
            &json!(1_000_000)
        )
    );
}

#[test]
fn a_carried_column_named_like_a_rate_column_is_refused_only_when_rows_are_dated() {
    let (_t, tariff) = dated_tariff();
    for (column, key) in [
        ("input_rate", "input_rate"),
        ("Output_Rate", "output_rate"),
        (" PER ", "per"),
    ] {
        let text = format!("model,input_tokens,output_tokens,{column}\nLlama-3.3 70B,1,2,x\n");
        let (_d, file) = temp_file("work.csv", text.as_bytes());
        let err = assert_bad_input(&mut batch(&tariff, "2026-11-30", &file, &[]), &[]);
        assert_eq!(
            err,
            format!(
                "error: {}: line 1: column {column:?} has the name of the output's column {key:?} (output columns: line, model, kind, steps, size, count, units, input_tokens, output_tokens, exact, price, date, rate, input_rate, output_rate, per); rename it (names are compared ignoring case and surrounding spaces)\n",
                file.display()
            )
        );
        // Under the undated shipped tariff, with no date column, it is carried.
        let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
        assert_eq!(
            out.lines().take(2).collect::<Vec<_>>(),
            [
                format!(
                    "line,model,kind,steps,size,count,units,input_tokens,output_tokens,exact,price,{column}"
                ),
                "2,Llama-3.3 70B,exact,,,,,1,2,0.0000023,0.000002,x".to_owned(),
            ]
        );
    }
}
