//! JSON Lines and API request bodies: byte order marks, the form of a job input, repeated keys,
//! fields that do not change the price.

use crate::support::{BUILTIN, assert_bad_input, dis, run, temp_file};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header of a JSON Lines batch under the built-in tariff: it has token and second models,
/// so every line could be chat or speech, and every column is there even for image lines alone.
const JSONL_HEADER: &str = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n";

/// Two images of 20 steps at 512x512, as JSON Lines read it.
const JSONL_OUT: &str = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n1,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121\nsubtotal,flux-dev,exact,,,2,10,,,,,0.01206,0.0121\ntotal,,exact,,,2,,,,,,0.01206,0.0121\n";

/// An empty JSON Lines input: no jobs, every column.
const JSONL_EMPTY: &str = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\ntotal,,exact,,,0,,,,,,0,0.0000\n";

/// The same job as CSV read it: its row is line 2, and a header without token or second columns
/// keeps the image columns alone.
const CSV_OUT: &str = "line,model,steps,size,count,units,price\n2,flux-dev,20,512x512,2,10,0.0121\nsubtotal,flux-dev,,,2,10,0.0121\ntotal,,,,2,,0.0121\n";

const JSONL: &[u8] = b"{\"steps\": 20, \"size\": \"512x512\", \"n\": 2}\n";

const CSV: &[u8] = b"steps,size,n\n20,512x512,2\n";

fn with_bom(text: &[u8]) -> Vec<u8> {
    [BOM, text].concat()
}

/// Runs `batch` on standard input with `args` (CSV output) and returns (status, stdout, stderr).
fn stdin(bytes: &[u8], args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["batch", "-", "--format", "csv"])
        .args(args)
        .write_stdin(bytes.to_vec()))
}

#[test]
fn a_byte_order_mark_is_dropped_on_standard_input_whatever_the_form() {
    for (text, out) in [(JSONL, JSONL_OUT), (CSV, CSV_OUT)] {
        for args in [&[][..], &["--input", "jsonl"], &["--input", "csv"]] {
            let given = args.get(1).copied();
            if (given == Some("jsonl") && text == CSV) || (given == Some("csv") && text == JSONL) {
                continue;
            }
            for bytes in [text.to_vec(), with_bom(text)] {
                assert_eq!(
                    stdin(&bytes, args),
                    (0, out.to_owned(), String::new()),
                    "{args:?} {bytes:?}"
                );
            }
        }
    }
}

#[test]
fn a_byte_order_mark_is_dropped_in_files() {
    for (name, text, out) in [
        ("jobs.jsonl", JSONL, JSONL_OUT),
        ("jobs.ndjson", JSONL, JSONL_OUT),
        ("jobs.csv", CSV, CSV_OUT),
    ] {
        let (_d, path) = temp_file(name, &with_bom(text));
        let got = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
        assert_eq!(got, (0, out.to_owned(), String::new()), "{name}");
    }
    // A file that is only a byte order mark is an empty JSON Lines file: no jobs.
    let (_d, path) = temp_file("empty.jsonl", BOM);
    assert_eq!(
        run(dis().arg("batch").arg(&path).args(["--format", "csv"])),
        (0, JSONL_EMPTY.to_owned(), String::new())
    );
}

#[test]
fn only_one_leading_byte_order_mark_is_dropped() {
    // A second one at the start is refused, not read into the first column's name.
    let err = assert_bad_input(
        dis()
            .args(["batch", "-"])
            .write_stdin([BOM, BOM, CSV].concat()),
        &["two byte order marks"],
    );
    assert_eq!(
        err,
        "error: -: it starts with two byte order marks (EF BB BF); one is read as UTF-8's, a second is not: remove it\n"
    );
    // Further in, it is data: an error where it lands.
    let (code, out, err) = stdin(&[CSV, BOM, b"30,512,1\n"].concat(), &[]);
    assert_eq!(
        (code, out.as_str()),
        (
            2,
            "line,model,steps,size,count,units,price\n2,flux-dev,20,512x512,2,10,0.0121\n"
        )
    );
    assert!(
        err.starts_with("error: line 3: steps \"\\u{feff}30\":"),
        "{err}"
    );
    let (code, out, err) = stdin(&[JSONL, BOM, JSONL].concat(), &[]);
    assert_eq!(
        (code, out),
        (
            2,
            format!("{JSONL_HEADER}1,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121\n")
        )
    );
    assert_eq!(
        err,
        "error: line 2: row \"\\u{feff}{\\\"steps\\\": 20, \\\"size\\\": \\\"512x512\\\", \\\"n\\\": 2}\": is not JSON: expected value at line 1 column 1\n"
    );
}

#[test]
fn utf16_and_utf32_are_refused_with_how_to_fix_them() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"\xFF\xFEs\x00t\x00",
            "it is UTF-16 (little-endian) text (it starts with the byte order mark FF FE); save it as UTF-8",
        ),
        (
            b"\xFE\xFF\x00s\x00t",
            "it is UTF-16 (big-endian) text (it starts with the byte order mark FE FF); save it as UTF-8",
        ),
        (
            b"\xFF\xFE\x00\x00s\x00\x00\x00",
            "it is UTF-32 (little-endian) text (it starts with the byte order mark FF FE 00 00); save it as UTF-8",
        ),
        (
            b"\x00\x00\xFE\xFF\x00\x00\x00s",
            "it is UTF-32 (big-endian) text (it starts with the byte order mark 00 00 FE FF); save it as UTF-8",
        ),
        (
            b"s\x00t\x00e\x00p\x00",
            "it has a NUL byte among its first bytes, so it is likely UTF-16 or UTF-32 without a byte order mark; save it as UTF-8",
        ),
    ];
    for (bytes, why) in cases {
        let err = assert_bad_input(dis().args(["batch", "-"]).write_stdin(bytes.to_vec()), &[]);
        assert_eq!(err, format!("error: -: {why}\n"));
        for name in ["jobs.csv", "jobs.jsonl"] {
            let (_d, path) = temp_file(name, bytes);
            let err = assert_bad_input(dis().arg("batch").arg(&path), &[]);
            assert_eq!(err, format!("error: {}: {why}\n", path.display()));
        }
        let (_d, path) = temp_file("t.toml", bytes);
        let err = assert_bad_input(dis().arg("--tariff").arg(&path).arg("models"), &[]);
        assert_eq!(
            err,
            format!("error: cannot read tariff {}: {why}\n", path.display())
        );
    }
}

#[test]
fn a_tariff_with_a_byte_order_mark_loads_and_keeps_it() {
    let (_d, path) = temp_file("bom.toml", &with_bom(BUILTIN.as_bytes()));
    let job = ["--steps", "20", "--size", "512x512", "--format", "plain"];
    assert_eq!(
        run(dis().arg("--tariff").arg(&path).args(job)),
        run(dis().args(job))
    );
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["batch", "-", "--format", "csv"])
        .write_stdin(JSONL));
    assert_eq!((code, out.as_str(), err.as_str()), (0, JSONL_OUT, ""));
    // The text is kept as read, mark and all.
    let out = dis()
        .arg("--tariff")
        .arg(&path)
        .arg("tariff")
        .output()
        .unwrap();
    assert_eq!(out.stdout, with_bom(BUILTIN.as_bytes()));
    // Columns of the first line do not count the mark.
    let (_d, bad) = temp_file("bad.toml", &with_bom(b"schema = \"x\"\n"));
    let err = assert_bad_input(dis().arg("--tariff").arg(&bad).arg("models"), &[]);
    assert!(
        err.contains(&format!(
            "{}:1:10: schema: expected a whole number, found the string \"x\"\n  |\n1 | schema = \"x\"\n  |          ^^^\n",
            bad.display()
        )),
        "{err}"
    );
}

#[test]
fn a_json_array_is_refused_with_how_to_convert_it() {
    let array = b"[{\"steps\": 20}, {\"steps\": 30}]\n";
    let why = "line 1 is an array: JSON Lines is one job object per line, such as {\"steps\": 20, \"size\": \"512x512\"}, not a JSON array of them (jq -c '.[]' turns an array into lines)";
    for args in [&[][..], &["--input", "jsonl"]] {
        for bytes in [array.to_vec(), with_bom(array)] {
            let err = assert_bad_input(
                dis().args(["batch", "-"]).args(args).write_stdin(bytes),
                &[],
            );
            assert_eq!(err, format!("error: -: {why}\n"));
        }
    }
    // Pretty-printed, after blank lines, in a file: named at its line, even with --skip-invalid.
    let (_d, path) = temp_file(
        "jobs.jsonl",
        b"\n\n  [\n  {\"steps\": 20},\n  {\"steps\": 30}\n]\n",
    );
    let err = assert_bad_input(dis().arg("batch").arg(&path).arg("--skip-invalid"), &[]);
    assert_eq!(
        err,
        format!(
            "error: {}: {}\n",
            path.display(),
            why.replace("line 1", "line 3")
        )
    );
    // Later in a file, an array is one bad row.
    let (_d, path) = temp_file("jobs.jsonl", &[JSONL, b"[1]\n"].concat());
    let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(
        (code, out),
        (
            2,
            format!("{JSONL_HEADER}1,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121\n")
        )
    );
    assert!(
        err.starts_with("error: line 2: row \"[1]\": is an array;"),
        "{err}"
    );
}

#[test]
fn json_where_csv_was_named_is_refused() {
    let why = "line 1 starts with \"{\", which is JSON, not a CSV header such as steps,size,count (for JSON Lines, give --input jsonl)";
    let err = assert_bad_input(
        dis()
            .args(["batch", "-", "--input", "csv"])
            .write_stdin(JSONL),
        &[],
    );
    assert_eq!(err, format!("error: -: {why}\n"));
    let (_d, path) = temp_file("jobs.csv", &with_bom(JSONL));
    let err = assert_bad_input(dis().arg("batch").arg(&path), &[]);
    assert_eq!(err, format!("error: {}: {why}\n", path.display()));
}

#[test]
fn standard_input_that_begins_no_form_is_refused() {
    let err = assert_bad_input(dis().args(["batch", "-"]).write_stdin("20,512x512\n"), &[]);
    assert_eq!(
        err,
        "error: -: line 1 starts with \"2\", which begins neither a JSON object ({) nor a CSV header such as steps,size,count; is the header missing? (--input csv reads the first line as the header anyway)\n"
    );
    let err = assert_bad_input(dis().args(["batch", "-"]).write_stdin("\n-1\n"), &[]);
    assert!(
        err.starts_with("error: -: line 2 starts with \"-\""),
        "{err}"
    );
    // Nothing, or only blank space: no form to tell.
    for bytes in [&b""[..], b"\n  \r\n", BOM] {
        let err = assert_bad_input(dis().args(["batch", "-"]).write_stdin(bytes.to_vec()), &[]);
        assert_eq!(
            err,
            "error: -: there is nothing to read: give JSON Lines (one object per line) or CSV with a header such as steps,size,count (with --input jsonl an empty input is no jobs)\n"
        );
    }
    // Named as JSON Lines, an empty input is no jobs.
    assert_eq!(
        stdin(b"\n", &["--input", "jsonl"]),
        (0, JSONL_EMPTY.to_owned(), String::new())
    );
    // Blank lines before the first object keep their numbers.
    let (code, out, _) = stdin(&[b"\n\n", JSONL].concat(), &[]);
    assert_eq!(
        (code, out.lines().nth(1)),
        (
            0,
            Some("3,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121")
        )
    );
}

#[test]
fn a_repeated_key_is_an_error_naming_it_and_its_line() {
    let cases: [(&str, &str); 4] = [
        (
            "{\"n\": 1, \"n\": 1000}",
            "error: line 2: n \"1000\": repeats the key \"n\" (first given as 1); give each key once\n",
        ),
        (
            "{\"steps\": 20, \"size\": \"512x512\", \"size\": \"1024x1024\"}",
            "error: line 2: size \"1024x1024\": repeats the key \"size\" (first given as \"512x512\"); give each key once\n",
        ),
        (
            "{\"steps\": 20, \"prompt\": \"a cat\", \"prompt\": \"a dog\"}",
            "error: line 2: prompt \"a dog\": repeats the key \"prompt\" (first given as \"a cat\"); give each key once\n",
        ),
        (
            "{\"steps\": 20, \"st\\u0065ps\": 30}",
            "error: line 2: steps \"30\": repeats the key \"steps\" (first given as 20); give each key once\n",
        ),
    ];
    for (line, want) in cases {
        let (code, out, err) = stdin(format!("{{\"steps\": 5}}\n{line}\n").as_bytes(), &[]);
        assert_eq!((code, err.as_str()), (2, want), "{line}");
        assert_eq!(
            out,
            format!("{JSONL_HEADER}1,flux-dev,exact,5,768x768,1,2.8125,,,,,0.003391875,0.0034\n")
        );
    }
}

#[test]
fn a_row_that_sets_no_price_needs_defaults_ok() {
    // A request body (with a prompt) is priced at the API's defaults: see
    // `a_request_body_takes_the_apis_defaults`; these are not request bodies.
    let rows = "{\"seed\": 1}\n{}\n{\"model\": \"flux-dev\", \"seed\": 7}\n";
    let err = assert_bad_input(
        dis()
            .args(["batch", "-", "--format", "csv"])
            .write_stdin(rows),
        &[],
    );
    assert_eq!(
        err,
        "error: line 1: row \"{\\\"seed\\\": 1}\": no key sets the price (steps or num_inference_steps, size or width and height, n or count; model alone only picks the model); give them, or --defaults-ok to price every missing one at the model's defaults\n"
    );
    let (code, _, err) = stdin(rows.as_bytes(), &["--skip-invalid", "--summary"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("skipped line 2: row \"{}\": no key sets the price")
            && err.contains("skipped line 3: row \"{\\\"model\\\": \\\"flux-dev\\\", \\\"seed\\\": 7}\": no key sets the price")
            && err.contains("3 invalid row(s) skipped"),
        "{err}"
    );
    // With --defaults-ok each is the model's defaults: 10 steps, 768x768, one image.
    let row = "flux-dev,exact,10,768x768,1,5.625,,,,,0.00678375,0.0068";
    assert_eq!(
        stdin(rows.as_bytes(), &["--defaults-ok"]),
        (
            0,
            format!(
                "{JSONL_HEADER}1,{row}\n2,{row}\n3,{row}\nsubtotal,flux-dev,exact,,,3,16.875,,,,,0.02035125,0.0204\ntotal,,exact,,,3,,,,,,0.02035125,0.0204\n"
            ),
            String::new()
        )
    );
    // One price key is enough; the rest are the model's defaults.
    let (code, out, _) = stdin(b"{\"n\": 2, \"prompt\": \"a cat\"}\n", &[]);
    assert_eq!(
        (code, out.lines().nth(1)),
        (
            0,
            Some("1,flux-dev,exact,10,768x768,2,11.25,,,,,0.0135675,0.0136")
        )
    );
}

#[test]
fn price_keys_hold_numbers_and_strings_not_null_or_look_alikes() {
    let cases: [(&str, &str); 6] = [
        (
            "{\"steps\": 20, \"n\": null}",
            "error: line 1: n \"null\": is null; give a value, or leave the key out to price the model's default\n",
        ),
        (
            "{\"steps\": 20, \"n\": \"2\"}",
            "error: line 1: n \"2\": is not a whole number from 0 to 4294967295 (it is a string: write 2, not \"2\")\n",
        ),
        (
            "{\"steps\": {\"value\": 20}}",
            "error: line 1: steps \"{\\\"value\\\": 20}\": is not a whole number from 0 to 4294967295\n",
        ),
        (
            "{\"steps\": 20.0}",
            "error: line 1: steps \"20.0\": is not a whole number from 0 to 4294967295 (a count is plain digits: write 20)\n",
        ),
        (
            "{\"Steps\": 20}",
            "error: line 1: Steps \"20\": is not a key dis-price knows; did you mean \"steps\"? (price keys: model, steps, num_inference_steps, size, width, height, n, count, created, date; ignored: prompt, seed, guidance_scale, style, response_format, user, quality, output_format, output_compression, background, moderation, stream, safety_identifier)\n",
        ),
        (
            "{\"steps\": 20, \"sizes\": null}",
            "error: line 1: sizes \"null\": is not a key dis-price knows; did you mean \"size\"? (price keys: model, steps, num_inference_steps, size, width, height, n, count, created, date; ignored: prompt, seed, guidance_scale, style, response_format, user, quality, output_format, output_compression, background, moderation, stream, safety_identifier)\n",
        ),
    ];
    for (line, want) in cases {
        let (code, out, err) = stdin(format!("{line}\n").as_bytes(), &["--defaults-ok"]);
        assert_eq!((code, out.as_str(), err.as_str()), (2, "", want), "{line}");
    }
    // Null is fine where the key does not affect the price.
    let (code, out, _) = stdin(
        b"{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"style\": null}\n",
        &[],
    );
    assert_eq!((code, out.as_str()), (0, JSONL_OUT));
}

/// A value in a message is the value as written, never Rust's debug text.
#[test]
fn size_beside_width_names_the_size_as_written() {
    let err = crate::support::assert_bad_input(
        crate::support::dis()
            .args(["batch", "-", "--input", "jsonl"])
            .write_stdin("{\"prompt\":\"x\",\"size\":\"512x512\",\"width\":512}\n"),
        &["size \"512x512\": give either size or width and height, not both"],
    );
    assert!(!err.contains("Some("), "{err}");
}

#[test]
fn api_request_bodies_from_stdin() {
    let body = r#"{"model": "flux-dev", "prompt": "a red fox", "num_inference_steps": 20, "size": "512x512", "n": 2, "seed": 7, "guidance_scale": 3.5, "response_format": "url"}
{"prompt": "defaults"}
"#;
    let (code, out, err) = run(dis()
        .args([
            "batch",
            "-",
            "--format",
            "csv",
            "--summary",
            "--defaults-ok",
        ])
        .write_stdin(body));
    assert_eq!(code, 0, "{err}");
    // 2 x 0.00603 + 0.00678375 = 0.01884375.
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\nsubtotal,flux-dev,exact,,,3,15.625,,,,,0.01884375,0.0188\ntotal,,exact,,,3,,,,,,0.01884375,0.0188\n"
    );
}

/// A job file's CSV output from `batch - --format csv` with `args`, on `input`.
fn batch_csv(input: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["batch", "-", "--format", "csv"])
        .args(args)
        .write_stdin(input.to_owned()))
}

/// Under the built-in tariff, which has token and second models, a JSON Lines batch has every
/// column (with `exact` beside `price`), even for image rows alone.
const PRICED_512_20_X2: &str = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n1,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121\nsubtotal,flux-dev,exact,,,2,10,,,,,0.01206,0.0121\ntotal,,exact,,,2,,,,,,0.01206,0.0121\n";

// Request bodies.

#[test]
fn openai_image_fields_that_do_not_change_the_price_are_ignored() {
    let body = "{\"model\": \"flux-dev\", \"prompt\": \"a cat\", \"num_inference_steps\": 20, \"size\": \"512x512\", \"n\": 2, \"user\": \"u1\", \"quality\": \"hd\", \"output_format\": \"png\", \"output_compression\": 80, \"background\": \"auto\", \"moderation\": \"low\", \"response_format\": \"b64_json\", \"style\": \"vivid\", \"stream\": false, \"partial_images\": 0, \"safety_identifier\": \"s\", \"seed\": 7, \"guidance_scale\": 3.5}\n";
    assert_eq!(
        batch_csv(body, &[]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

#[test]
fn partial_images_above_zero_are_refused_not_ignored() {
    let body = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"partial_images\": 2}\n";
    let (code, out, err) = batch_csv(body, &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: line 1: partial_images \"2\": asks for streamed partial images, which may be billed as images and are not in the tariff; only the number 0 or null is priced (--ignore-key partial_images prices the final images alone)\n"
    );
    assert_eq!(
        batch_csv(body, &["--ignore-key", "partial_images"]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

/// A key repeated inside a value of an image line, even one whose key does not change the
/// price (`prompt`, `seed`), is refused as a repeat at the top is, as chat and speech lines
/// refuse it: docs/batch.md says a repeated key anywhere in a line is an error.
#[test]
fn a_key_repeated_inside_an_ignored_value_is_refused() {
    for (line, key) in [
        (
            r#"{"num_inference_steps": 20, "size": "512x512", "prompt": {"a": 1, "a": 2}}"#,
            "a",
        ),
        (
            r#"{"steps": 20, "seed": [{"b": 1}, {"b": 1, "c": {"d": 0, "d": 0}}]}"#,
            "d",
        ),
    ] {
        let (code, out, err) = stdin(format!("{line}\n").as_bytes(), &[]);
        assert_eq!((code, out.as_str()), (2, ""), "{line}");
        assert!(
            err.contains(&format!("repeats the key \"{key}\"; give each key once")),
            "{line}: {err}"
        );
    }
    // The same key in two objects side by side is no repeat.
    let line = r#"{"steps": 20, "seed": [{"b": 1}, {"b": 2}]}"#;
    let (code, _, err) = stdin(format!("{line}\n").as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
}
