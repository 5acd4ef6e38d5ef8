//! Control characters and markup in text from tariffs, job files and arguments: refused where
//! they are never legitimate, escaped wherever text is shown, and no formula for a spreadsheet.

use std::path::Path;

use assert_cmd::Command;

use crate::support::{BUILTIN, dis, edited, temp_file};

/// Runs and returns (status, stdout, stderr) as raw bytes, nothing decoded away.
fn run_raw(cmd: &mut Command) -> (i32, Vec<u8>, Vec<u8>) {
    let out = cmd.output().expect("runs");
    (out.status.code().expect("exited"), out.stdout, out.stderr)
}

/// Asserts that `bytes` hold no control character a terminal would act on: nothing below 0x20
/// but `\n` (and a tab only where `tab` allows it), no DEL, no C1, no bidi formatting character.
fn assert_inert(bytes: &[u8], tab: bool, what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (at, c) in text.char_indices() {
        let bad = match c {
            '\n' => false,
            '\t' => !tab,
            c if c < ' ' => true,
            '\x7f'..='\u{9f}' => true,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' => true,
            '\u{2066}'..='\u{2069}' => true,
            _ => false,
        };
        assert!(!bad, "{what}: raw {c:?} at byte {at} in {text:?}");
    }
}

/// The 1-based line of the shipped tariff that `needle` is on.
fn line_of(needle: &str) -> usize {
    let at = BUILTIN.find(needle).expect("in the shipped tariff");
    BUILTIN[..at].matches('\n').count() + 1
}

fn tariff_error(path: &Path) -> (i32, String, String) {
    let (code, out, err) = run_raw(dis().arg("--tariff").arg(path));
    assert_inert(&err, false, "stderr");
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn a_model_name_with_an_escape_is_refused_at_load_with_its_position() {
    let line = line_of("name = \"Flux.1 [dev]\"");
    // (as written in TOML, as decoded, the first control character)
    for (written, decoded, code) in [
        ("\\u001b[2J", "\x1b[2J", "U+001B"),
        ("\\e[2J", "\x1b[2J", "U+001B"),
        ("\\r0.0001 USD", "\r0.0001 USD", "U+000D"),
        ("\\u202e1000.0", "\u{202e}1000.0", "U+202E"),
        ("\\u009b2J", "\u{9b}2J", "U+009B"),
        ("\\tdev", "\tdev", "U+0009"),
        ("\\u2066x", "\u{2066}x", "U+2066"),
        ("\\u0085x", "\u{85}x", "U+0085"),
    ] {
        let toml_line = format!("name = \"Flux{written}\"");
        let (_d, path) = temp_file(
            "t.toml",
            edited("name = \"Flux.1 [dev]\"", &toml_line).as_bytes(),
        );
        let (status, out, err) = tariff_error(&path);
        let p = path.display();
        let decoded = format!("Flux{decoded}");
        let gutter = " ".repeat(line.to_string().len());
        let carets = "^".repeat(toml_line.len() - "name = ".len());
        assert_eq!(status, 2, "{err}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            format!(
                "error: invalid tariff {p}: 1 problem\n\
                 {p}:{line}:8: models.flux-dev.name: the string {decoded:?} holds the control character {code}; tariff text is printable (no escapes such as \\u001b, \\r, \\t or \\u202e, and no line breaks)\n\
                 {gutter} |\n\
                 {line} | {toml_line}\n\
                 {gutter} |        {carets}\n"
            ),
            "{written}"
        );
    }
}

#[test]
fn every_tariff_string_and_model_id_refuses_control_characters() {
    for (from, to, key) in [
        (
            "provider = \"Distribute.ai\"",
            "provider = \"D\\u001b\"",
            "provider",
        ),
        ("currency = \"USD\"", "currency = \"U\\rD\"", "currency"),
        (
            "source = \"https://",
            "source = \"\\u202ehttps://",
            "source",
        ),
        (
            "aliases = [\"flux.1-dev\"",
            "aliases = [\"flux.1-dev\\u001b\"",
            "models.flux-dev.aliases[0]",
        ),
        (
            "unit = \"megapixel-step\"",
            "unit = \"mega\\npixel\"",
            "models.flux-dev.unit",
        ),
        (
            "[models.flux-dev]\n",
            "[models.\"flux\\u001b-dev\"]\n",
            "models.\"flux\\u{1b}-dev\"",
        ),
        (
            "default_model = \"flux-dev\"",
            "default_model = \"flux-dev\\u009b\"",
            "default_model",
        ),
    ] {
        let (_d, path) = temp_file("t.toml", edited(from, to).as_bytes());
        let (status, out, err) = tariff_error(&path);
        assert_eq!(status, 2, "{to}: {err}");
        assert_eq!(out, "", "{to}");
        assert!(err.starts_with("error: invalid tariff "), "{err}");
        assert!(
            err.contains(&format!(": {key}: ")) && err.contains("holds the control character U+"),
            "{to}: {err}"
        );
    }
}

#[test]
fn raw_control_characters_anywhere_in_a_tariff_are_refused_comments_too() {
    let line = line_of("decimals = 4");
    // TOML itself lets C1 and bidi characters through, in comments as in strings.
    let text = edited(
        "decimals = 4          # the published grid shows 4 places",
        "decimals = 4  # \u{202e} 0.0001 \u{9b}2J",
    );
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (status, out, err) = tariff_error(&path);
    let p = path.display();
    let gutter = " ".repeat(line.to_string().len());
    assert_eq!(status, 2, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err,
        format!(
            "error: invalid tariff {p}: 1 problem\n\
             {p}:{line}:17: the control character U+202E is written as it is here; a tariff holds printable text only (tabs and line ends aside), in comments too: delete it\n\
             {gutter} |\n\
             {line} | decimals = 4  # \\u{{202e}} 0.0001 \\u{{9b}}2J\n\
             {gutter} | {}^^^^^^^^\n",
            " ".repeat(16)
        )
    );
    // A lone `\r` (one that ends no line) draws over the line; `\r\n` is a line end.
    let (_d, path) = temp_file("t.toml", edited("schema = 2", "schema = 2 #\r0").as_bytes());
    let (status, _, err) = tariff_error(&path);
    assert_eq!(status, 2);
    let line = line_of("schema = 2");
    assert!(
        err.contains(&format!(":{line}:13: the control character U+000D")),
        "{err}"
    );
    let crlf = BUILTIN.replace('\n', "\r\n");
    let (_d, path) = temp_file("t.toml", crlf.as_bytes());
    let (status, _, err) = tariff_error(&path);
    assert_eq!(status, 0, "{err}");
}

#[test]
fn a_validate_snippet_shows_control_characters_escaped_and_the_caret_under_them() {
    // An unknown key spelled with escapes: the key, the message and the line all escaped, the
    // caret under the whole key as shown.
    let text = edited("schema = 2", "schema = 2\n\"r\\u001bate\" = 2\t# \t");
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run_raw(dis().arg("validate").arg(&path));
    assert_inert(&err, false, "stderr");
    let (out, err) = (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    );
    let p = path.display();
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    let line = line_of("schema = 2") + 1;
    let gutter = " ".repeat(line.to_string().len());
    assert!(
        err.contains(&format!(
            "{p}:{line}:1: \"r\\u{{1b}}ate\": unknown key `r\\u{{1b}}ate` (known here: "
        )),
        "{err}"
    );
    // A tab shows as four spaces, as compilers show it.
    assert!(
        err.contains(&format!(
            "{line} | \"r\\u001bate\" = 2    #     \n{gutter} | ^^^^^^^^^^^^\n"
        )),
        "{err}"
    );
}

#[test]
fn a_file_name_with_control_characters_is_shown_escaped() {
    let (_d, path) = temp_file("a\x1b[2Jb.toml", BUILTIN.as_bytes());
    let (code, out, err) = run_raw(dis().arg("validate").arg(&path));
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    assert_inert(&out, false, "stdout");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("a\\u{1b}[2Jb.toml: valid, 4 models, "),
        "{out}"
    );

    let missing = path.with_file_name("gone\r.csv");
    let (code, out, err) = run_raw(dis().arg("batch").arg(&missing));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_inert(&err, false, "stderr");
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.starts_with("error: cannot read ") && err.contains("gone\\r.csv"),
        "{err}"
    );
}

#[test]
fn bad_arguments_are_quoted_escaped_even_in_usage_errors() {
    for args in [
        &["--format", "x\x1b[2Jy"][..],
        &["--size", "5\r12"],
        &["table", "--steps", "1\u{202e}0"],
        &["batch", "-", "--input", "c\x1bsv"],
    ] {
        let (code, out, err) = run_raw(dis().args(args));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert_inert(&err, false, "stderr");
        let err = String::from_utf8(err).unwrap();
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            ["x\\u{1b}[2Jy", "5\\r12", "1\\u{202e}0", "c\\u{1b}sv"]
                .iter()
                .any(|shown| err.contains(shown)),
            "{args:?}: {err}"
        );
    }
    let (code, out, _) = run_raw(dis().arg("--help"));
    assert_eq!(code, 0);
    assert!(String::from_utf8(out).unwrap().contains("Usage:"));
}

const FORMATS: [&str; 4] = ["table", "markdown", "csv", "json"];

#[test]
fn carried_csv_text_with_control_characters_refuses_the_row_in_every_format() {
    let (_d, path) = temp_file(
        "jobs.csv",
        b"id,steps,size,note\nb,20,512x512,x\x1b[2J\x080.0001 USD\n",
    );
    let expected = "error: line 2: note \"x\\u{1b}[2J\\u{8}0.0001 USD\": column 4 holds the control character U+001B (character 2); carried text must be printable (tabs aside): remove it from the file\n";
    for format in FORMATS {
        let (code, out, err) = run_raw(dis().arg("batch").arg(&path).args(["--format", format]));
        assert_eq!(code, 2, "{format}");
        assert_eq!(String::from_utf8(out).unwrap(), "", "{format}");
        assert_eq!(String::from_utf8(err).unwrap(), expected, "{format}");
    }
    // Skipped, the row is named the same way and the totals leave it out.
    let (_d, path) = temp_file(
        "jobs.csv",
        "id,steps,size,note\na,20,512x512,ok\nb,20,512x512,\"\u{202e}quoted\"\n".as_bytes(),
    );
    let (code, out, err) =
        run_raw(
            dis()
                .arg("batch")
                .arg(&path)
                .args(["--format", "csv", "--skip-invalid"]),
        );
    assert_eq!(code, 2);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "line,model,steps,size,count,units,price,id,note\n\
         2,flux-dev,20,512x512,1,5,0.0060,a,ok\n\
         subtotal,flux-dev,,,1,5,0.0060,,\n\
         total,,,,1,,0.0060,,\n"
    );
    assert_eq!(
        String::from_utf8(err).unwrap(),
        "warning: skipped line 3: note \"\\u{202e}quoted\": column 4 holds the control character U+202E (character 1); carried text must be printable (tabs aside): remove it from the file\n\
         error: 1 invalid row(s) skipped; the totals leave them out\n"
    );
}

#[test]
fn a_column_name_with_control_characters_is_refused() {
    let (_d, path) = temp_file("jobs.csv", b"steps,size,no\x07te\n20,512,a\n");
    let (code, out, err) = run_raw(dis().arg("batch").arg(&path));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        String::from_utf8(err).unwrap(),
        format!(
            "error: {}: line 1: column 3 \"no\\u{{7}}te\" holds the control character U+0007; a column name must be printable text\n",
            path.display()
        )
    );
}

#[test]
fn an_unknown_json_key_with_an_escape_is_named_escaped() {
    let body = "{\"steps\": 20, \"st\\u001b[2Jeps\\r\": 3}\n";
    let (code, out, err) = run_raw(
        dis()
            .args(["batch", "-", "--input", "jsonl"])
            .write_stdin(body),
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        String::from_utf8(err).unwrap(),
        "error: line 1: \"st\\u{1b}[2Jeps\\r\" \"3\": is not a key dis-price knows (price keys: model, steps, num_inference_steps, size, width, height, n, count, created, date; ignored: prompt, seed, guidance_scale, style, response_format, user, quality, output_format, output_compression, background, moderation, stream, safety_identifier); if it does not change the price, --ignore-key \"st\\u{1b}[2Jeps\\r\" leaves it out\n"
    );
    // A model that is not in the tariff is quoted escaped too.
    let body = "{\"model\": \"flux\\u202e-dev\\u0085\", \"n\": 1}\n";
    let (code, _, err) = run_raw(
        dis()
            .args(["batch", "-", "--input", "jsonl"])
            .write_stdin(body),
    );
    assert_eq!(code, 2);
    assert_inert(&err, false, "stderr");
    assert!(
        String::from_utf8(err)
            .unwrap()
            .starts_with("error: line 1: model \"flux\\u{202e}-dev\": is not a model"),
    );
}

/// A field of a CSV, read back as a spreadsheet's import would split it.
fn csv_records(out: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_output_never_starts_carried_text_with_a_formula() {
    let cells = [
        // (carried text, as the CSV output holds it once read back)
        ("=1+2", "'=1+2"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("  =cmd|' /C calc'!A0", "'  =cmd|' /C calc'!A0"),
        (
            "=HYPERLINK(\"http://x\",\"y\")",
            "'=HYPERLINK(\"http://x\",\"y\")",
        ),
        // Plain numbers are numbers to a spreadsheet, in the job file as here: kept.
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("-0.25", "-0.25"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ];
    let mut file = String::from("steps,size,=note,note2\n");
    for (text, _) in cells {
        let quoted = format!("\"{}\"", text.replace('"', "\"\""));
        file.push_str(&format!("20,512x512,{quoted},{quoted}\n"));
    }
    let (_d, path) = temp_file("jobs.csv", file.as_bytes());
    let (code, out, err) = run_raw(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let out = String::from_utf8(out).unwrap();
    let records = csv_records(&out);
    assert_eq!(
        records[0],
        [
            "line", "model", "steps", "size", "count", "units", "price", "'=note", "note2"
        ]
    );
    for (i, (text, shown)) in cells.iter().enumerate() {
        let record = &records[i + 1];
        assert_eq!([&record[7], &record[8]], [shown, shown], "{text:?}");
        // dis-price's own columns are untouched numbers.
        let line = (i + 2).to_string();
        assert_eq!(
            record[..7],
            [
                line.as_str(),
                "flux-dev",
                "20",
                "512x512",
                "1",
                "5",
                "0.0060"
            ],
            "{text:?}"
        );
    }
    // A prefixed field is quoted in the file itself.
    assert!(out.contains(",\"'=1+2\",\"'=1+2\"\n"), "{out}");
    // JSON keeps every value exactly as given.
    let (code, out, _) = run_raw(dis().arg("batch").arg(&path).args(["--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for (i, (text, _)) in cells.iter().enumerate() {
        assert_eq!(v["jobs"][i]["columns"]["note2"], *text);
        assert_eq!(v["jobs"][i]["columns"]["=note"], *text);
    }
}

#[test]
fn a_model_id_a_spreadsheet_would_read_as_a_formula_is_prefixed_in_csv_only() {
    let tariff = BUILTIN
        .replace("[models.flux-dev", "[models.\"@cf/flux-dev\"")
        .replace(
            "default_model = \"flux-dev\"",
            "default_model = \"@cf/flux-dev\"",
        );
    let (_d, path) = temp_file("t.toml", tariff.as_bytes());
    let run_format = |format: &str| {
        let (code, out, err) = run_raw(
            dis()
                .arg("--tariff")
                .arg(&path)
                .args(["batch", "-", "--input", "csv", "--format", format])
                .write_stdin("steps,size\n20,512\n"),
        );
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        String::from_utf8(out).unwrap()
    };
    assert_eq!(
        run_format("csv"),
        "line,model,steps,size,count,units,price\n\
         2,\"'@cf/flux-dev\",20,512x512,1,5,0.0060\n\
         subtotal,\"'@cf/flux-dev\",,,1,5,0.0060\n\
         total,,,,1,,0.0060\n"
    );
    let v: serde_json::Value = serde_json::from_str(&run_format("json")).unwrap();
    assert_eq!(v["jobs"][0]["model"], "@cf/flux-dev");
    assert_eq!(v["by_model"][0]["model"], "@cf/flux-dev");
}

#[test]
fn markdown_cells_cannot_break_the_table_or_carry_markup() {
    let (_d, path) = temp_file(
        "jobs.csv",
        b"steps,size,a*b,note\n20,512,x|y,\"<img src=x onerror=alert(1)> `code` [l](http://e) *b* _i_ ~s~ $m$ &amp; \\\"\n",
    );
    let (code, out, err) = run_raw(dis().arg("batch").arg(&path).args(["--format", "markdown"]));
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "| line | model | steps | size | count | units | price | a\\*b | note |"
    );
    assert_eq!(
        lines[2],
        "| 2 | flux-dev | 20 | 512x512 | 1 | 5 | 0.0060 | x\\|y | \\<img src=x onerror=alert(1)\\> \\`code\\` \\[l\\](http://e) \\*b\\* \\_i\\_ \\~s\\~ \\$m\\$ \\&amp; \\\\ |"
    );
    // Every row has as many cells as the header: no `|` broke out.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    assert_eq!(cells(lines[0]), cells(lines[2]));
}

#[test]
fn a_tab_in_carried_text_is_kept_as_data_and_shown_escaped() {
    let (_d, path) = temp_file("jobs.csv", b"steps,size,note\n20,512,a\tb\n");
    let mut outputs = Vec::new();
    for format in FORMATS {
        let (code, out, err) = run_raw(dis().arg("batch").arg(&path).args(["--format", format]));
        assert_eq!(code, 0, "{format}: {}", String::from_utf8_lossy(&err));
        assert_inert(&out, matches!(format, "csv" | "json"), format);
        outputs.push(String::from_utf8(out).unwrap());
    }
    assert!(outputs[0].contains(" a\\tb "), "{}", outputs[0]);
    assert!(outputs[1].contains("| a\\\\tb |"), "{}", outputs[1]);
    assert_eq!(csv_records(&outputs[2])[1][7], "a\tb");
    let v: serde_json::Value = serde_json::from_str(&outputs[3]).unwrap();
    assert_eq!(v["jobs"][0]["columns"]["note"], "a\tb");
}

#[test]
fn nothing_raw_reaches_a_terminal_from_hostile_text() {
    // Every control character class, in a carried column, a column name, a JSON key and value,
    // a model, a tariff string and a tariff comment: each run, whatever it ends with, writes
    // nothing a terminal would act on, in any human format.
    let hostile = [
        "\x1b[2J", "\r", "\x08", "\x07", "\x7f", "\u{9b}2J", "\u{85}", "\u{202e}", "\u{2066}",
        "\u{200f}", "\u{2028}", "\0",
    ];
    for h in hostile {
        let jobs = format!("steps,size,no{h}te\n20,512,ok\n");
        let rows = format!("steps,size,note\n20,512,a{h}b\n");
        let json = format!(
            "{{\"model\": {m}, \"steps\": 20}}\n{{\"k{h}\": {m}}}\n",
            m = serde_json::Value::from(format!("flux{h}"))
        );
        let tariff = edited("name = \"Flux.1 [dev]\"", &format!("name = \"Flux{h}\""));
        let comment = edited("schema = 2", &format!("schema = 2 # {h}x"));
        let (_d1, jobs) = temp_file("jobs.csv", jobs.as_bytes());
        let (_d2, rows) = temp_file("rows.csv", rows.as_bytes());
        let (_d3, json) = temp_file("rows.jsonl", json.as_bytes());
        let (_d4, tariff) = temp_file("t.toml", tariff.as_bytes());
        let (_d5, comment) = temp_file("c.toml", comment.as_bytes());
        for format in ["table", "markdown"] {
            for file in [&jobs, &rows, &json] {
                for skip in [false, true] {
                    let mut cmd = dis();
                    cmd.arg("batch").arg(file).args(["--format", format]);
                    if skip {
                        cmd.arg("--skip-invalid");
                    }
                    let (code, out, err) = run_raw(&mut cmd);
                    assert_eq!(code, 2, "{h:?} {format} {}", file.display());
                    assert_inert(&out, false, "stdout");
                    assert_inert(&err, false, "stderr");
                }
            }
        }
        for args in [
            vec!["table"],
            vec!["check"],
            vec!["models"],
            vec!["validate"],
            vec!["table", "--format", "markdown"],
        ] {
            for file in [&tariff, &comment] {
                let (code, out, err) = run_raw(dis().arg("--tariff").arg(file).args(&args));
                assert_eq!(code, 2, "{h:?} {args:?}");
                assert!(out.is_empty());
                assert_inert(&err, false, "stderr");
            }
        }
        if h != "\0" {
            // (An argument cannot hold a NUL.)
            let (code, out, err) = run_raw(dis().args(["--model", &format!("flux{h}")]));
            assert_eq!(code, 2);
            assert!(out.is_empty());
            assert_inert(&err, false, "stderr");
        }
    }
}
