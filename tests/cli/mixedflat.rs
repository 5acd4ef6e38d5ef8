//! A mixed workload read twice, a line at a time: exact output in every format (dated rates
//! included), a bad row anywhere leaves standard output empty, messages appear once, standard
//! input and pipes read as files do, and a file that changes between the reads is an error.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::{assert_bad_input, dis, edited, run, temp_file};

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
┌──────┬───────────────┬───────┬───────┬─────────┬───────┬──────────────┬───────────────┬─────────────────────────┬────────┬────────────┬──────────┬────────────┬─────────────┬─────────┐
│ line ┆ model         ┆ kind  ┆ steps ┆ size    ┆ count ┆ input tokens ┆ output tokens ┆                 seconds ┆  price ┆ date       ┆     rate ┆ input rate ┆ output rate ┆     per │
╞══════╪═══════════════╪═══════╪═══════╪═════════╪═══════╪══════════════╪═══════════════╪═════════════════════════╪════════╪════════════╪══════════╪════════════╪═════════════╪═════════╡
│    1 ┆ flux-dev      ┆ exact ┆    20 ┆ 512x512 ┆     1 ┆              ┆               ┆                         ┆ 0.0060 ┆ 2026-11-30 ┆ 0.001206 ┆            ┆             ┆         │
│    2 ┆ Llama-3.3 70B ┆ exact ┆       ┆         ┆       ┆         1200 ┆           300 ┆                         ┆ 0.0011 ┆ 2026-11-30 ┆          ┆        0.7 ┆         0.8 ┆ 1000000 │
│    3 ┆ flux-dev      ┆ exact ┆    20 ┆ 512x512 ┆     1 ┆              ┆               ┆                         ┆ 0.0065 ┆ 2026-12-02 ┆   0.0013 ┆            ┆             ┆         │
│    4 ┆ Chatterbox    ┆ exact ┆       ┆         ┆       ┆              ┆               ┆ 0.4 (minimum 1 charged) ┆ 0.0030 ┆ 2026-11-30 ┆    0.003 ┆            ┆             ┆         │
└──────┴───────────────┴───────┴───────┴─────────┴───────┴──────────────┴───────────────┴─────────────────────────┴────────┴────────────┴──────────┴────────────┴─────────────┴─────────┘
┌───────────────┬────────────────┬───────┬──────┬─────────────────────────────────┬────────┐
│ model         ┆ meter          ┆ kind  ┆ rows ┆ units                           ┆  total │
╞═══════════════╪════════════════╪═══════╪══════╪═════════════════════════════════╪════════╡
│ flux-dev      ┆ megapixel-step ┆ exact ┆    2 ┆ 10 megapixel-steps (2 image(s)) ┆ 0.0125 │
│ Llama-3.3 70B ┆ token          ┆ exact ┆    1 ┆ 1200 in + 300 out tokens        ┆ 0.0011 │
│ Chatterbox    ┆ second         ┆ exact ┆    1 ┆ 1 s                             ┆ 0.0030 │
│ total         ┆                ┆ exact ┆    4 ┆                                 ┆ 0.0166 │
└───────────────┴────────────────┴───────┴──────┴─────────────────────────────────┴────────┘
0.0166 USD for 4 row(s)
";

const DATED_CSV: &str = "\
line,model,kind,steps,size,count,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per
1,flux-dev,exact,20,512x512,1,,,,,0.00603,0.0060,2026-11-30,0.001206,,,
2,Llama-3.3 70B,exact,,,,1200,300,,,0.00108,0.0011,2026-11-30,,0.7,0.8,1000000
3,flux-dev,exact,20,512x512,1,,,,,0.0065,0.0065,2026-12-02,0.0013,,,
4,Chatterbox,exact,,,,,,0.4,1,0.003,0.0030,2026-11-30,0.003,,,
subtotal,flux-dev,exact,,,2,,,,,0.01253,0.0125,,,,,
subtotal,Llama-3.3 70B,exact,,,,1200,300,,,0.00108,0.0011,,,,,
subtotal,Chatterbox,exact,,,,,,,1,0.003,0.0030,,,,,
total,,exact,,,,,,,,0.01661,0.0166,,,,,
";

const DATED_MARKDOWN: &str = "\
| line | model | kind | steps | size | count | input\\_tokens | output\\_tokens | seconds | price | date | rate | input\\_rate | output\\_rate | per |
| ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |
| 1 | flux-dev | exact | 20 | 512x512 | 1 |  |  |  | 0.0060 | 2026-11-30 | 0.001206 |  |  |  |
| 2 | Llama-3.3 70B | exact |  |  |  | 1200 | 300 |  | 0.0011 | 2026-11-30 |  | 0.7 | 0.8 | 1000000 |
| 3 | flux-dev | exact | 20 | 512x512 | 1 |  |  |  | 0.0065 | 2026-12-02 | 0.0013 |  |  |  |
| 4 | Chatterbox | exact |  |  |  |  |  | 0.4 (minimum 1 charged) | 0.0030 | 2026-11-30 | 0.003 |  |  |  |

| model | meter | kind | rows | units | total |
| --- | --- | --- | ---: | --- | ---: |
| flux-dev | megapixel-step | exact | 2 | 10 megapixel-steps (2 image(s)) | 0.0125 |
| Llama-3.3 70B | token | exact | 1 | 1200 in + 300 out tokens | 0.0011 |
| Chatterbox | second | exact | 1 | 1 s | 0.0030 |
| **total** |  | exact | 4 |  | **0.0166 USD** |
";

const TEXT_TO_IMAGE: &str = "https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-image";
const TEXT_TO_TEXT: &str = "https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-text";
const TEXT_TO_SPEECH: &str = "https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-speech";

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
    assert_eq!(
        v["jobs"],
        serde_json::json!([
            {"line": 1, "model": "flux-dev", "kind": "exact", "meter": "megapixel-step",
             "steps": 20, "size": "512x512", "count": 1, "units": "5", "exact": "0.00603",
             "price": "0.0060", "date": "2026-11-30", "rate": "0.001206",
             "rate_from": "2026-06-01", "model_source": TEXT_TO_IMAGE,
             "model_as_of": "2026-11-25"},
            {"line": 2, "model": "Llama-3.3 70B", "kind": "exact", "meter": "token",
             "input_tokens": 1200, "output_tokens": 300, "exact": "0.00108", "price": "0.0011",
             "date": "2026-11-30", "input_rate": "0.7", "output_rate": "0.8", "per": 1000000,
             "rate_from": null, "model_source": TEXT_TO_TEXT, "model_as_of": "2026-11-25"},
            {"line": 3, "model": "flux-dev", "kind": "exact", "meter": "megapixel-step",
             "steps": 20, "size": "512x512", "count": 1, "units": "5", "exact": "0.0065",
             "price": "0.0065", "date": "2026-12-02", "rate": "0.0013",
             "rate_from": "2026-12-01", "model_source": TEXT_TO_IMAGE,
             "model_as_of": "2026-11-25"},
            {"line": 4, "model": "Chatterbox", "kind": "exact", "meter": "second",
             "seconds": "0.4", "seconds_charged": "1", "exact": "0.003", "price": "0.0030",
             "date": "2026-11-30", "rate": "0.003", "rate_from": null, "model_source": TEXT_TO_SPEECH, "model_as_of": "2026-11-25"},
        ])
    );
    assert_eq!(v["exact"], "0.01661");
    assert_eq!(v["tariff"]["priced_on"], "2026-11-30");
    // The document is laid out as a whole tree pretty-printed would be.
    assert_eq!(json, serde_json::to_string_pretty(&v).unwrap() + "\n");
}

#[test]
fn every_json_row_and_subtotal_names_its_model_source_totals_alone_too() {
    let (_d, file) = temp_file("work.jsonl", WORK.as_bytes());
    let out = ok(dis()
        .arg("batch")
        .arg(&file)
        .args(["--format", "json", "--summary"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.get("jobs").is_none(), "{out}");
    let sources: Vec<(&str, &str)> = v["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap(),
                m["model_source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("flux-dev", TEXT_TO_IMAGE),
            ("Llama-3.3 70B", TEXT_TO_TEXT),
            ("Chatterbox", TEXT_TO_SPEECH)
        ]
    );
}

#[test]
fn a_csv_date_column_shows_dated_columns_under_an_undated_tariff_too() {
    let (_d, file) = temp_file("work.csv", WORK_CSV.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,input_tokens,output_tokens,seconds,seconds_charged,exact,price,date,rate,input_rate,output_rate,per,team\n\
         2,flux-dev,exact,20,512x512,1,,,,,0.00603,0.0060,2026-11-25,0.001206,,,,art\n\
         3,Llama-3.3 70B,exact,,,,1200,300,,,0.00108,0.0011,2026-11-25,,0.7,0.8,1000000,support\n\
         4,flux-dev,exact,20,512x512,1,,,,,0.00603,0.0060,2026-12-02,0.001206,,,,art\n\
         5,Chatterbox,exact,,,,,,0.4,1,0.003,0.0030,2026-11-25,0.003,,,,voice\n\
         subtotal,flux-dev,exact,,,2,,,,,0.01206,0.0121,,,,,,\n\
         subtotal,Llama-3.3 70B,exact,,,,1200,300,,,0.00108,0.0011,,,,,,\n\
         subtotal,Chatterbox,exact,,,,,,,1,0.003,0.0030,,,,,,\n\
         total,,exact,,,,,,,,0.01614,0.0161,,,,,,\n"
    );
    // Without dated rates or a date column, no dated columns.
    let undated = WORK_CSV
        .replace("date,", "")
        .replace("\n,", "\n")
        .replace("2026-12-02,", "");
    let (_u, file) = temp_file("work.csv", undated.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert!(
        out.starts_with("line,model,kind,steps,size,count,input_tokens,output_tokens,seconds,seconds_charged,exact,price,team\n2,flux-dev,exact,20,512x512,1,,,,,0.00603,0.0060,art\n"),
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
            "error: {}: line 1: column \"Rate\" has the name of the output's column \"rate\", which dated rows add",
            file.display()
        )),
        "{err}"
    );
    // Under the undated shipped tariff it is carried.
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert!(out.starts_with("line,model,kind,steps,size,count,input_tokens,output_tokens,seconds,seconds_charged,exact,price,Rate\n2,Llama-3.3 70B,exact,,,,1,2,,,0.0000023,0.000002,x\n"), "{out}");
}

/// A chat result on each of `n` lines.
fn many_results(n: usize) -> String {
    "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100}}\n"
        .repeat(n)
}

#[test]
fn a_bad_row_late_in_a_long_file_leaves_standard_output_empty_in_every_format() {
    let mut text = WORK.to_owned() + &many_results(3000);
    text.push_str(
        "{\"model\":\"Llama-3.3 70B\",\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":1}}\n",
    );
    text.push_str(&many_results(10));
    let (_d, file) = temp_file("work.jsonl", text.as_bytes());
    for format in ["table", "csv", "json", "markdown", "plain"] {
        for summary in [&[][..], &["--summary"]] {
            if format == "plain" && !summary.is_empty() {
                continue;
            }
            let err = assert_bad_input(
                dis()
                    .arg("batch")
                    .arg(&file)
                    .args(["--format", format])
                    .args(summary),
                &[],
            );
            assert_eq!(
                err,
                "error: line 3005: prompt_tokens \"-1\": is not a whole number of tokens from 0 to 18446744073709551615\n",
                "{format}"
            );
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
            let err = assert_bad_input(cmd.args(["--format", format]), &["line 3002"]);
            assert!(
                err.starts_with("error: line 3002: output_tokens \"lots\""),
                "{err}"
            );
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

#[test]
fn the_drawn_table_is_sized_by_every_row_of_a_long_file() {
    let mut text = many_results(12_000);
    text.push_str("{\"num_inference_steps\": 20, \"size\": \"512x512\"}\n");
    let (_d, file) = temp_file("work.jsonl", text.as_bytes());
    let out = ok(dis().arg("batch").arg(&file));
    let lines: Vec<&str> = out.lines().collect();
    // The first row is as wide as the last: line numbers take five places, sizes seven.
    assert_eq!(
        lines[3],
        "│     1 ┆ Llama-3.3 70B ┆ exact ┆       ┆         ┆       ┆         1000 ┆           100 ┆         ┆ 0.0008 │"
    );
    assert_eq!(
        lines[12_003],
        "│ 12001 ┆ flux-dev      ┆ exact ┆    20 ┆ 512x512 ┆     1 ┆              ┆               ┆         ┆ 0.0060 │"
    );
    assert!(out.ends_with("9.3660 USD for 12001 row(s)\n"), "{out}");
}

#[test]
fn text_a_spreadsheet_would_run_is_written_as_text_in_mixed_csv() {
    let text = "model,input_tokens,output_tokens,=note\nLlama-3.3 70B,1,2,=HYPERLINK(\"x\")\nLlama-3.3 70B,1,2,-5\n";
    let (_d, file) = temp_file("work.csv", text.as_bytes());
    let out = ok(dis().arg("batch").arg(&file).args(["--format", "csv"]));
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,input_tokens,output_tokens,seconds,seconds_charged,exact,price,\"'=note\"\n\
         2,Llama-3.3 70B,exact,,,,1,2,,,0.0000023,0.000002,\"'=HYPERLINK(\"\"x\"\")\"\n\
         3,Llama-3.3 70B,exact,,,,1,2,,,0.0000023,0.000002,-5\n\
         subtotal,Llama-3.3 70B,exact,,,,2,4,,,0.0000046,0.000005,\n\
         total,,exact,,,,,,,,0.0000046,0.000005,\n"
    );
}

#[test]
fn a_line_too_long_is_passed_over_not_held() {
    // A byte-order mark, a line of 2 MiB, a CRLF line: the long line is named with its
    // length, and skipped with --skip-invalid.
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(WORK.lines().next().unwrap().as_bytes());
    text.extend_from_slice(b"\r\n{\"model\":\"Chatterbox\",\"input\":\"");
    text.extend(std::iter::repeat_n(b'a', 2 << 20));
    text.extend_from_slice(b"\",\"seconds\":1}\r\n");
    text.extend_from_slice(b"{\"model\":\"Chatterbox\",\"seconds\":2}\r\n");
    let (_d, file) = temp_file("work.jsonl", &text);
    let length = (2 << 20) + 45;
    assert_bad_input(
        dis().arg("batch").arg(&file),
        &[&format!(
            "error: line 2: row \"{length} bytes\": is longer than 1048576 bytes"
        )],
    );
    let (code, out, err) =
        run(dis()
            .arg("batch")
            .arg(&file)
            .args(["--format", "csv", "--skip-invalid"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "warning: skipped line 2: row \"{length} bytes\": is longer than 1048576 bytes, the most a line may hold\nerror: 1 invalid row(s) skipped; the totals leave them out\n"
        )
    );
    assert!(out.contains("\n1,flux-dev,exact,20,512x512,1,"), "{out}");
    assert!(
        out.contains("\n3,Chatterbox,exact,,,,,,2,2,0.006,0.0060\n"),
        "{out}"
    );
}

#[test]
fn a_file_that_changes_between_the_reads_is_an_error_not_a_wrong_total() {
    // Long enough that the rows fill the pipe to the test long before the second read nears
    // the end: dis-price is then held writing until the test reads, so the change is in
    // place before the second read reaches it.
    let rows = 40_000;
    let text = many_results(rows);
    let (_d, file) = temp_file("work.jsonl", text.as_bytes());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .env_remove("DIS_PRICE_TARIFF")
        .env("DIS_PRICE_TODAY", crate::TODAY)
        .args(["batch", "--format", "csv"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    // Output starts only once the first read is done.
    stdout.read_exact(&mut first).unwrap();
    // The last line now holds other figures, the file the same length.
    let mut f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    let last = text.len() - many_results(1).len();
    f.seek(std::io::SeekFrom::Start(last as u64)).unwrap();
    f.write_all(many_results(1).replace("1000", "9000").as_bytes())
        .unwrap();
    drop(f);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "error: {}: changed while it was read: the first read priced {rows} row(s) and skipped 0, the second, which writes the rows, priced {rows} and skipped 0, with other figures; the rows written are not to be trusted and no total is written (price a file that does not change while dis-price reads it)\n",
            file.display()
        )
    );
    let out = String::from_utf8(rest).unwrap();
    assert!(!out.contains("total"), "no total is written");
}
