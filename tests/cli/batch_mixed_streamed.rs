//! A mixed workload read a line at a time: exact output in every format (dated rates
//! included), a bad row anywhere stops the run with its error and no total, messages appear
//! once, and standard input and pipes read as files do.

use crate::support::{assert_bad_input, dis, edited, run, temp_file};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The shipped rate line.
const RATE: &str = "rate = \"0.001206\"     # USD per megapixel-step; see the note at the top";

/// The rate 0.001206 from 2026-06-01, then 0.0013 from 2026-12-01.
const RATES: &str = "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-12-01\", rate = \"0.0013\" }]";

/// An image on the tariff's day, a chat result, an image dated past the rate change, and a
/// speech row under the minimum second.
const WORK: &str = concat!(
    "{\"num_inference_steps\": 20, \"size\": \"512x512\"}\n",
    "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300}}\n",
    "{\"num_inference_steps\": 20, \"size\": \"512x512\", \"date\": \"2026-12-02\"}\n",
    "{\"model\":\"Chatterbox\",\"seconds\":0.4}\n",
);

/// The same rows as CSV, with a carried column.
const WORK_CSV: &str = "date,model,steps,size,input_tokens,output_tokens,seconds,team\n\
    ,flux-dev,20,512x512,,,,art\n\
    ,Llama-3.3 70B,,,1200,300,,support\n\
    2026-12-02,flux-dev,20,512x512,,,,art\n\
    ,Chatterbox,,,,,0.4,voice\n";

fn dated_tariff() -> (tempfile::TempDir, PathBuf) {
    temp_file("dated.toml", edited(RATE, RATES).as_bytes())
}

/// `batch FILE` priced on 2026-11-30 under `tariff`, with `args`.
fn batch(tariff: &Path, file: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = dis();
    cmd.arg("--tariff")
        .arg(tariff)
        .args(["--as-of", "2026-11-30", "batch"])
        .arg(file)
        .args(args);
    cmd
}

fn ok(cmd: &mut assert_cmd::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    out
}

const DATED_TABLE: &str = "\
┌──────┬───────────────┬───────┬───────────────────┬────────┬───────────────┐
│ line ┆ model         ┆ kind  ┆ usage             ┆  price ┆ date, rate    │
╞══════╪═══════════════╪═══════╪═══════════════════╪════════╪═══════════════╡
│    1 ┆ flux-dev      ┆ exact ┆ 20 steps, 512x512 ┆ 0.0060 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 1 image, 5 units  ┆        ┆ 0.001206      │
│    2 ┆ Llama-3.3 70B ┆ exact ┆ 1200 tokens in    ┆ 0.0011 ┆ 2026-11-30    │
│      ┆               ┆       ┆ 300 tokens out    ┆        ┆ 0.7 in        │
│      ┆               ┆       ┆                   ┆        ┆ 0.8 out       │
│      ┆               ┆       ┆                   ┆        ┆ per 1,000,000 │
│    3 ┆ flux-dev      ┆ exact ┆ 20 steps, 512x512 ┆ 0.0065 ┆ 2026-12-02    │
│      ┆               ┆       ┆ 1 image, 5 units  ┆        ┆ 0.0013        │
│    4 ┆ Chatterbox    ┆ exact ┆ 0.4 s             ┆ 0.0030 ┆ 2026-11-30    │
│      ┆               ┆       ┆ minimum 1 s       ┆        ┆ 0.003         │
└──────┴───────────────┴───────┴───────────────────┴────────┴───────────────┘
┌───────────────┬───────┬──────┬────────────────┬────────┐
│ model         ┆ kind  ┆ jobs ┆ usage          ┆  total │
╞═══════════════╪═══════╪══════╪════════════════╪════════╡
│ flux-dev      ┆ exact ┆    2 ┆ 2 images       ┆ 0.0125 │
│               ┆       ┆      ┆ 10 units       ┆        │
│ Llama-3.3 70B ┆ exact ┆    1 ┆ 1200 tokens in ┆ 0.0011 │
│               ┆       ┆      ┆ 300 tokens out ┆        │
│ Chatterbox    ┆ exact ┆    1 ┆ 1 s charged    ┆ 0.0030 │
│ total         ┆ exact ┆    4 ┆                ┆ 0.0166 │
└───────────────┴───────┴──────┴────────────────┴────────┘
0.0166 USD for 4 job(s)
";

const DATED_CSV: &str = "\
line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per
1,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,2026-11-30,0.001206,,,
2,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,2026-11-30,,0.7,0.8,1000000
3,flux-dev,exact,20,512x512,1,5,,,,,0.0065,0.0065,2026-12-02,0.0013,,,
4,Chatterbox,exact,,,,,,,0.4,1,0.003,0.0030,2026-11-30,0.003,,,
subtotal,flux-dev,exact,,,2,10,,,,,0.01253,0.0125,,,,,
subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,,,,,
subtotal,Chatterbox,exact,,,,,,,,1,0.003,0.0030,,,,,
total,,exact,,,2,,,,,,0.01661,0.0166,,,,,
";

const DATED_MARKDOWN: &str = "\
| line | model | kind | steps | size | count | units | input_tokens | output_tokens | seconds | seconds_charged | exact | price | date | rate | input_rate | output_rate | per |
| ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |
| 1 | flux-dev | exact | 20 | 512x512 | 1 | 5 |  |  |  |  | 0.00603 | 0.0060 | 2026-11-30 | 0.001206 |  |  |  |
| 2 | Llama-3.3 70B | exact |  |  |  |  | 1200 | 300 |  |  | 0.00108 | 0.0011 | 2026-11-30 |  | 0.7 | 0.8 | 1000000 |
| 3 | flux-dev | exact | 20 | 512x512 | 1 | 5 |  |  |  |  | 0.0065 | 0.0065 | 2026-12-02 | 0.0013 |  |  |  |
| 4 | Chatterbox | exact |  |  |  |  |  |  | 0.4 | 1 (minimum) | 0.003 | 0.0030 | 2026-11-30 | 0.003 |  |  |  |

| model | meter | kind | jobs | images | units | total |
| --- | --- | --- | ---: | ---: | --- | ---: |
| flux-dev | megapixel-step | exact | 2 | 2 | 10 | 0.0125 |
| Llama-3.3 70B | token | exact | 1 |  | 1200 in + 300 out tokens | 0.0011 |
| Chatterbox | second | exact | 1 |  | 1 s | 0.0030 |
| **total** |  | exact | 4 | 2 |  | **0.0166 USD** |
";

/// The JSON rows of [`WORK`] under the dated tariff: every member, in order, one line each.
const DATED_JSON_ROWS: [&str; 4] = [
    r#"{"line":1,"model":"flux-dev","meter":"megapixel-step","kind":"exact","steps":20,"size":"512x512","width":512,"height":512,"count":1,"units":"5","input_tokens":null,"output_tokens":null,"seconds":null,"seconds_charged":null,"exact":"0.00603","price":"0.0060","date":"2026-11-30","rate":"0.001206","input_rate":null,"output_rate":null,"per":null,"rate_from":"2026-06-01","defaults":[]}"#,
    r#"{"line":2,"model":"Llama-3.3 70B","meter":"token","kind":"exact","steps":null,"size":null,"width":null,"height":null,"count":null,"units":null,"input_tokens":1200,"output_tokens":300,"seconds":null,"seconds_charged":null,"exact":"0.00108","price":"0.0011","date":"2026-11-30","rate":null,"input_rate":"0.7","output_rate":"0.8","per":1000000,"rate_from":null,"defaults":[]}"#,
    r#"{"line":3,"model":"flux-dev","meter":"megapixel-step","kind":"exact","steps":20,"size":"512x512","width":512,"height":512,"count":1,"units":"5","input_tokens":null,"output_tokens":null,"seconds":null,"seconds_charged":null,"exact":"0.0065","price":"0.0065","date":"2026-12-02","rate":"0.0013","input_rate":null,"output_rate":null,"per":null,"rate_from":"2026-12-01","defaults":[]}"#,
    r#"{"line":4,"model":"Chatterbox","meter":"second","kind":"exact","steps":null,"size":null,"width":null,"height":null,"count":null,"units":null,"input_tokens":null,"output_tokens":null,"seconds":"0.4","seconds_charged":"1","exact":"0.003","price":"0.0030","date":"2026-11-30","rate":"0.003","input_rate":null,"output_rate":null,"per":null,"rate_from":null,"defaults":[]}"#,
];

#[test]
fn image_rows_of_a_mixed_file_show_their_day_and_rate_in_every_format() {
    let (_t, tariff) = dated_tariff();
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    assert_eq!(ok(&mut batch(&tariff, &file, &[])), DATED_TABLE);
    assert_eq!(
        ok(&mut batch(&tariff, &file, &["--format", "csv"])),
        DATED_CSV
    );
    assert_eq!(
        ok(&mut batch(&tariff, &file, &["--format", "markdown"])),
        DATED_MARKDOWN
    );
    assert_eq!(
        ok(&mut batch(&tariff, &file, &["--format", "plain"])),
        "0.0166\n"
    );
    let json = ok(&mut batch(&tariff, &file, &["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows: Vec<String> = v["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| serde_json::to_string(row).unwrap())
        .collect();
    assert_eq!(rows, DATED_JSON_ROWS);
    assert_eq!(v["exact"], "0.01661");
    assert_eq!(v["tariff"]["priced_on"], "2026-11-30");
    // The document is laid out as the whole tree pretty-printed would be, but for the job rows:
    // each of them is one compact line.
    let mut outline = v.clone();
    outline["jobs"] = serde_json::json!([]);
    let jobs = DATED_JSON_ROWS.map(|row| format!("    {row}")).join(",\n");
    assert_eq!(
        json,
        serde_json::to_string_pretty(&outline).unwrap().replacen(
            "\"jobs\": []",
            &format!("\"jobs\": [\n{jobs}\n  ]"),
            1
        ) + "\n"
    );
}

/// Per-model `model_source` is gone from the JSON (schema 2); each subtotal names its meter,
/// totals alone (`--summary`) too.
#[test]
fn every_json_subtotal_names_its_meter_totals_alone_too() {
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let out = ok(dis()
        .arg("batch")
        .arg(&file)
        .args(["--format", "json", "--summary"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.get("jobs").is_none(), "{out}");
    let meters: Vec<(&str, &str)> = v["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["model"].as_str().unwrap(), m["meter"].as_str().unwrap()))
        .collect();
    assert_eq!(
        meters,
        [
            ("flux-dev", "megapixel-step"),
            ("Llama-3.3 70B", "token"),
            ("Chatterbox", "second")
        ]
    );
}

#[test]
fn a_csv_date_column_shows_dated_columns_under_an_undated_tariff_too() {
    let (_d, file) = temp_file("work.csv", WORK_CSV.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per,team\n\
         2,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,2026-11-25,0.001206,,,,art\n\
         3,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,2026-11-25,,0.7,0.8,1000000,support\n\
         4,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,2026-12-02,0.001206,,,,art\n\
         5,Chatterbox,exact,,,,,,,0.4,1,0.003,0.0030,2026-11-25,0.003,,,,voice\n\
         subtotal,flux-dev,exact,,,2,10,,,,,0.01206,0.0121,,,,,,\n\
         subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,,,,,,\n\
         subtotal,Chatterbox,exact,,,,,,,,1,0.003,0.0030,,,,,,\n\
         total,,exact,,,2,,,,,,0.01614,0.0161,,,,,,\n"
    );
    // Without dated rates or a date column, no dated columns.
    let undated = WORK_CSV
        .replace("date,", "")
        .replace("\n,", "\n")
        .replace("2026-12-02,", "");
    let (_u, file) = temp_file("work.csv", undated.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert!(
        out.starts_with("line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,team\n2,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,art\n"),
        "{out}"
    );
}

#[test]
fn a_carried_column_named_like_a_dated_column_is_refused_only_when_rows_are_dated() {
    let (_t, tariff) = dated_tariff();
    let text = "model,input_tokens,output_tokens,Rate\nLlama-3.3 70B,1,2,x\n";
    let (_d, file) = temp_file("work.csv", text.as_bytes());
    let err = assert_bad_input(&mut batch(&tariff, &file, &[]), &[]);
    assert!(
        err.starts_with(&format!(
            "error: {}: line 1: column \"Rate\" has the name of the output's column \"rate\" \
             (output columns: line, model, kind, steps, size, count, units, input_tokens, \
             output_tokens, exact, price, date, rate, input_rate, output_rate, per); rename it \
             (names are compared ignoring case and surrounding spaces)\n",
            file.display()
        )),
        "{err}"
    );
    // Under the undated shipped tariff it is carried.
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert!(out.starts_with("line,model,kind,steps,size,count,units,input_tokens,output_tokens,exact,price,Rate\n2,Llama-3.3 70B,exact,,,,,1,2,0.0000023,0.000002,x\n"), "{out}");
}

/// A chat result on each of `n` lines.
fn many_results(n: usize) -> String {
    "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100}}\n"
        .repeat(n)
}

/// What a run stopped by a bad row may have written: the rows before it (in the formats that
/// stream rows), never a row from it on, and no total.
fn stopped_before(out: &str, format: &str, summary: bool, bad_line: usize) {
    let first = |line: usize| match format {
        "csv" => format!("\n{line},"),
        "json" => format!("{{\"line\":{line},"),
        _ => format!("| {line} |"),
    };
    if summary || matches!(format, "table" | "plain") {
        // Nothing streams: a summary, the plain total and a drawn table of under 10,000 rows
        // are written at the end.
        assert_eq!(out, "", "{format} {summary}");
        return;
    }
    // Every row before the bad one, none from it on.
    assert!(out.contains(&first(bad_line - 1)), "{format}");
    assert!(!out.contains(&first(bad_line)), "{format}");
    assert!(!out.contains(&first(bad_line + 1)), "{format}");
    assert!(
        !out.contains("total") && !out.contains("by_model"),
        "{format}: {}",
        &out[out.len().saturating_sub(300)..]
    );
}

#[test]
fn a_bad_row_late_in_a_long_file_stops_the_run_with_no_total_in_every_format() {
    let mut text = WORK.to_owned() + &many_results(3000);
    text.push_str(
        "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":1}}\n",
    );
    text.push_str(&many_results(10));
    let (_d, file) = temp_file("work.jsonl", text.as_bytes());
    for format in ["table", "csv", "json", "markdown", "plain"] {
        for summary in [false, true] {
            if format == "plain" && summary {
                continue;
            }
            let mut cmd = dis();
            cmd.arg("batch").arg(&file).args(["--format", format]);
            if summary {
                cmd.arg("--summary");
            }
            let (code, out, err) = run(&mut cmd);
            assert_eq!(
                (code, err.as_str()),
                (
                    2,
                    "error: line 3005: prompt_tokens \"-1\": is not a whole number of tokens from 0 to 18446744073709551615\n"
                ),
                "{format}"
            );
            stopped_before(&out, format, summary, 3005);
        }
    }
    // The same in CSV, from a file and from standard input.
    let mut csv = "model,input_tokens,output_tokens\n".to_owned();
    csv.push_str(&"Llama-3.3 70B,1000,100\n".repeat(3000));
    csv.push_str("Llama-3.3 70B,1000,lots\n");
    let (_c, file) = temp_file("work.csv", csv.as_bytes());
    for format in ["table", "csv", "json", "markdown"] {
        for stdin in [false, true] {
            let mut cmd = dis();
            cmd.arg("batch");
            if stdin {
                cmd.args(["-", "--input", "csv"]).write_stdin(csv.clone());
            } else {
                cmd.arg(&file);
            }
            let (code, out, err) = run(cmd.args(["--format", format]));
            assert_eq!(code, 2, "{format}: {err}");
            assert!(
                err.starts_with("error: line 3002: output_tokens \"lots\"")
                    && err.lines().count() == 1,
                "{err}"
            );
            stopped_before(&out, format, false, 3002);
        }
    }
}

/// Lines 2 and 4 bad, one image row out of range.
const FLAWED: &str = concat!(
    "{\"num_inference_steps\": 20, \"size\": \"512x512\"}\n",
    "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":\"x\"}}\n",
    "{\"num_inference_steps\": 80, \"size\": \"512x512\"}\n",
    "{\"model\":\"Nope\",\"seconds\":2}\n",
    "{\"model\":\"Chatterbox\",\"seconds\":2}\n",
);

#[test]
fn skipped_rows_and_warnings_are_reported_once_in_every_format() {
    let (_d, file) = temp_file("work.jsonl", FLAWED.as_bytes());
    for format in ["table", "csv", "json", "markdown"] {
        for summary in [false, true] {
            let mut cmd = dis();
            cmd.arg("batch").arg(&file).args([
                "--format",
                format,
                "--skip-invalid",
                "--allow-out-of-range",
            ]);
            if summary {
                cmd.arg("--summary");
            }
            let (code, out, err) = run(&mut cmd);
            assert_eq!(code, 2, "{format}: {err}");
            let lines: Vec<&str> = err.lines().collect();
            assert_eq!(lines.len(), 4, "{format}: {err}");
            assert!(
                lines[0].starts_with("warning: skipped line 2: completion_tokens \"x\""),
                "{err}"
            );
            assert!(
                lines[1].starts_with("warning: line 3: steps 80 ")
                    && lines[1].ends_with("; the API would refuse it, priced anyway"),
                "{err}"
            );
            assert!(
                lines[2].starts_with("warning: skipped line 4: model \"Nope\": is not a model"),
                "{err}"
            );
            assert_eq!(
                lines[3],
                "error: 2 invalid row(s) skipped; the totals leave them out"
            );
            // Rows 1, 3 and 5 are priced: 0.0060 + 0.0241 + 0.0060.
            if format == "csv" {
                assert!(out.ends_with(",0.03615,0.0362\n"), "{out}");
                assert_eq!(out.lines().count(), if summary { 4 } else { 7 }, "{out}");
            }
        }
    }
}

#[test]
fn standard_input_and_pipes_read_as_the_file_does() {
    let (_d, jsonl) = temp_file("work.jsonl", WORK.as_bytes());
    let (_c, csv) = temp_file("work.csv", WORK_CSV.as_bytes());
    for format in ["table", "csv", "json", "markdown"] {
        let args = ["--format", format];
        let from_file = ok(dis().arg("batch").arg(&jsonl).args(args));
        let from_stdin = ok(dis().args(["batch", "-"]).args(args).write_stdin(WORK));
        assert_eq!(from_stdin, from_file, "{format}");
        let told = ok(dis()
            .args(["batch", "-", "--input", "jsonl"])
            .args(args)
            .write_stdin(WORK));
        assert_eq!(told, from_file, "{format}");
        let from_file = ok(dis().arg("batch").arg(&csv).args(args));
        for input in [&[][..], &["--input", "csv"]] {
            let from_stdin = ok(dis()
                .args(["batch", "-"])
                .args(input)
                .args(args)
                .write_stdin(WORK_CSV));
            assert_eq!(from_stdin, from_file, "{format} {input:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_once_and_priced_as_the_file_is() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("work.jsonl", WORK), ("work.csv", WORK_CSV)] {
        let (_d, file) = temp_file(name, text.as_bytes());
        let expected = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
        let pipe = dir.path().join(name);
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        let writer = {
            let pipe = pipe.clone();
            std::thread::spawn(move || {
                // Opening blocks until dis-price opens the pipe to read it.
                let mut w = std::fs::OpenOptions::new().write(true).open(pipe).unwrap();
                w.write_all(text.as_bytes()).unwrap();
            })
        };
        let out = ok(dis().arg("batch").arg(&pipe).args(["--format", "csv"]));
        writer.join().unwrap();
        assert_eq!(out, expected, "{name}");
    }
}

/// A drawn table of a long mixed file follows the rule of every batch: the first 10,000 rows
/// size it; a later cell of words too wide for its column breaks onto more lines, and a later
/// row with a word or figure too wide for it starts a new table, with its own header.
#[test]
fn a_long_drawn_table_is_sized_by_its_first_rows_and_a_wider_row_starts_another() {
    let mut text = many_results(12_000);
    text.push_str("{\"num_inference_steps\": 20, \"size\": \"512x512\"}\n");
    text.push_str(
        "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":123456789012,\"completion_tokens\":100}}\n",
    );
    let (_d, file) = temp_file("work.jsonl", text.as_bytes());
    let out = ok(dis().arg("batch").arg(&file));
    let lines: Vec<&str> = out.lines().collect();
    // The first row is as wide as the 10,000th: line numbers take five places; no image yet.
    // Each chat row takes two lines, its tokens in and out.
    assert_eq!(
        lines[3..5],
        [
            "│     1 ┆ Llama-3.3 70B ┆ exact ┆ 1000 tokens in ┆ 0.0008 │",
            "│       ┆               ┆       ┆ 100 tokens out ┆        │",
        ]
    );
    let last_chat = 3 + 2 * 11_999;
    // The image row's usage breaks between its phrases to stay in the column; the next
    // row's token count is wider than the column, and its price too: a new table.
    assert_eq!(
        lines[last_chat..last_chat + 14],
        [
            "│ 12000 ┆ Llama-3.3 70B ┆ exact ┆ 1000 tokens in ┆ 0.0008 │",
            "│       ┆               ┆       ┆ 100 tokens out ┆        │",
            "│ 12001 ┆ flux-dev      ┆ exact ┆ 20 steps,      ┆ 0.0060 │",
            "│       ┆               ┆       ┆ 512x512        ┆        │",
            "│       ┆               ┆       ┆ 1 image,       ┆        │",
            "│       ┆               ┆       ┆ 5 units        ┆        │",
            "└───────┴───────────────┴───────┴────────────────┴────────┘",
            "┌───────┬───────────────┬───────┬───────────────────────────┬────────────┐",
            "│  line ┆ model         ┆ kind  ┆ usage                     ┆      price │",
            "╞═══════╪═══════════════╪═══════╪═══════════════════════════╪════════════╡",
            "│ 12002 ┆ Llama-3.3 70B ┆ exact ┆ 123,456,789,012 tokens in ┆ 86419.7524 │",
            "│       ┆               ┆       ┆ 100 tokens out            ┆            │",
            "└───────┴───────────────┴───────┴───────────────────────────┴────────────┘",
            "┌───────────────┬───────┬────────┬───────────────────────────┬────────────┐",
        ]
    );
    assert!(out.ends_with("86429.1184 USD for 12,002 job(s)\n"), "{out}");
}

#[test]
fn text_a_spreadsheet_would_run_is_written_as_text_in_mixed_csv() {
    let text = "model,input_tokens,output_tokens,=note\nLlama-3.3 70B,1,2,=HYPERLINK(\"x\")\nLlama-3.3 70B,1,2,-5\n";
    let (_d, file) = temp_file("work.csv", text.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,exact,price,\"'=note\"\n\
         2,Llama-3.3 70B,exact,,,,,1,2,0.0000023,0.000002,\"'=HYPERLINK(\"\"x\"\")\"\n\
         3,Llama-3.3 70B,exact,,,,,1,2,0.0000023,0.000002,-5\n\
         subtotal,Llama-3.3 70B,exact,,,,,2,4,0.0000046,0.000005,\n\
         total,,exact,,,0,,,,0.0000046,0.000005,\n"
    );
}

#[test]
fn a_line_too_long_is_named_and_stops_the_run_even_with_skip_invalid() {
    // A byte-order mark, a line of 2 MiB, a CRLF line: the long line is named, and stops the
    // run whatever the flags (no job line is that long: the file is not a job list).
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(WORK.lines().next().unwrap().as_bytes());
    text.extend_from_slice(b"\r\n{\"model\":\"Chatterbox\",\"input\":\"");
    text.extend(std::iter::repeat_n(b'a', 2 << 20));
    text.extend_from_slice(b"\",\"seconds\":1}\r\n");
    text.extend_from_slice(b"{\"model\":\"Chatterbox\",\"seconds\":2}\r\n");
    let (_d, file) = temp_file("work.jsonl", &text);
    let named = format!(
        "error: {}: line 2 is longer than 1048576 bytes, the most a job line may be",
        file.display()
    );
    assert_bad_input(dis().arg("batch").arg(&file), &[&named]);
    let (code, out, err) =
        run(dis()
            .arg("batch")
            .arg(&file)
            .args(["--format", "csv", "--skip-invalid"]));
    assert_eq!(code, 2);
    assert!(err.starts_with(&named), "{err}");
    assert!(out.contains("\n1,flux-dev,exact,20,512x512,1,"), "{out}");
    assert!(!out.contains("\n3,") && !out.contains("total"), "{out}");
}

/// The job rows of `--format markdown`, cell by cell (no model name here holds a `|`).
fn markdown_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The job rows of `--format csv`, read by a CSV reader: subtotal and total rows left out.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .filter(|r| !matches!(r[0].as_str(), "subtotal" | "total"))
        .collect()
}

use proptest::prelude::{ProptestConfig, Strategy, prop_assert_eq};

proptest::proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// CSV rows are written straight to bytes for speed; markdown's come from the cell list
    /// every drawn format shares. Both say the same, cell for cell, for any mix of meters, with
    /// and without dated rates.
    #[test]
    fn csv_rows_say_what_the_shared_cells_say(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                (1u32..51, 1u32..1000, 1u32..1000, 1u32..5).prop_map(|(s, w, h, n)| format!(
                    "{{\"num_inference_steps\": {s}, \"size\": \"{w}x{h}\", \"n\": {n}}}"
                )),
                (0u64..u64::MAX / 4, 0u64..5_000_000, proptest::bool::ANY).prop_map(|(i, o, big)| format!(
                    "{{\"model\":\"{}\",\"usage\":{{\"prompt_tokens\":{i},\"completion_tokens\":{o}}}}}",
                    if big { "Llama-3.3 70B" } else { "Llama-3.1 8B" }
                )),
                (0u64..10_000_000, 0u32..6, 0u32..40).prop_map(|(m, scale, day)| format!(
                    "{{\"model\":\"Chatterbox\",\"seconds\":{},\"date\":\"2026-11-{:02}\"}}",
                    rust_decimal::Decimal::new(i64::try_from(m).unwrap(), scale),
                    1 + day % 30
                )),
            ],
            1..12,
        ),
        dated in proptest::bool::ANY,
    ) {
        let (_t, tariff) = if dated {
            dated_tariff()
        } else {
            temp_file("tariff.toml", edited(RATE, RATE).as_bytes())
        };
        let (_d, file) = temp_file("work.jsonl", (lines.join("\n") + "\n").as_bytes());
        let csv = csv_rows(&ok(&mut batch(&tariff, &file, &["--format", "csv"])));
        let mut markdown =
            markdown_rows(&ok(&mut batch(&tariff, &file, &["--format", "markdown"])));
        prop_assert_eq!(csv.len(), lines.len());
        // Markdown marks the seconds the minimum raised, and only those; CSV holds the number.
        let (given, charged) = (9, 10);
        for (c, m) in csv.iter().zip(&mut markdown) {
            let raised = !c[given].is_empty() && c[given] != c[charged];
            let marked = m[charged].strip_suffix(" (minimum)").map(str::to_owned);
            prop_assert_eq!(marked.is_some(), raised, "{:?} {:?}", c, m);
            if let Some(number) = marked {
                m[charged] = number;
            }
            // Markdown, a human format, groups the digits of counts and seconds (10,000); CSV
            // does not.
            let (count, units, input, output) = (5, 6, 7, 8);
            for grouped in [count, units, input, output, given, charged] {
                m[grouped] = m[grouped].replace(',', "");
            }
        }
        prop_assert_eq!(csv, markdown);
    }
}
