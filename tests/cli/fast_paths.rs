//! The fast batch paths held to the general reader: request bodies read in one pass, chunks of
//! any size, lines at the line cap, late bad rows, lines written alike, JSON rows rendered on
//! every core, and the drawn table streaming past the rows it holds.

use crate::support::{assert_bad_input, dis, run, stdout_of, temp_file};

/// Request bodies as a client sends them: a prompt with escapes and non-ASCII text, a seed.
const BODIES: &str = concat!(
    r#"{"model": "flux-dev", "prompt": "a \"red\" fox\\n, café 猫", "num_inference_steps": 20, "size": "999x7", "n": 3, "seed": 4294967295}"#,
    "\n",
    r#"{"model":"flux-dev","prompt":"x","num_inference_steps":7,"size":"333x999","n":1,"seed":-6,"guidance_scale":7.5,"style":null}"#,
    "\n",
);

#[test]
fn request_bodies_price_exactly() {
    let (_dir, path) = temp_file("bodies.jsonl", BODIES.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    assert_eq!(
        stdout_of(&["batch", path, "--format", "csv"]),
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
         1,flux-dev,exact,20,999x7,3,0.400142669677734375,,,,,0.00048257205963134765625,0.0005\n\
         2,flux-dev,exact,7,333x999,1,2.22079181671142578125,,,,,0.0026782749309539794921875,0.0027\n\
         subtotal,flux-dev,exact,,,4,2.62093448638916015625,,,,,0.0031608469905853271484375,0.0032\n\
         total,,exact,,,4,,,,,,0.0031608469905853271484375,0.0032\n"
    );
}

/// Each line the one-pass reader does not take is read by the general reader, whose message
/// names the line, the field and the value.
#[test]
fn lines_the_fast_path_declines_get_the_general_readers_error() {
    let good = r#"{"num_inference_steps": 20, "size": "512x512"}"#;
    for (bad, needles) in [
        (
            r#"{"num_inference_steps": 20, "stepz": 1}"#,
            &[
                "line 2: stepz \"1\": is not a key",
                "did you mean \"steps\"?",
            ][..],
        ),
        (
            r#"{"num_inference_steps": 20, "num_inference_steps": 20}"#,
            &["line 2: num_inference_steps \"20\": repeats the key"],
        ),
        (
            r#"{"num_inference_steps": 20, "steps": 20}"#,
            &["line 2: steps \"20\": repeats \"num_inference_steps\""],
        ),
        (
            r#"{"num_inference_steps": 020}"#,
            &["line 2: row", "is not JSON: invalid number"],
        ),
        (
            r#"{"num_inference_steps": 4294967296}"#,
            &[
                "line 2: num_inference_steps \"4294967296\": is not a whole number from 0 to 4294967295",
            ],
        ),
        (
            r#"{"num_inference_steps": "20"}"#,
            &[
                "line 2: num_inference_steps \"20\": is not a whole number",
                "(it is a string: write 20, not \"20\")",
            ],
        ),
        (
            "{\"prompt\": \"tab\there\", \"n\": 1}",
            &["line 2: row", "is not JSON: control character"],
        ),
        (
            r#"{"prompt": "\ud800", "n": 1}"#,
            &["line 2: row", "is not JSON"],
        ),
        (
            r#"{"n": 1}{"n": 2}"#,
            &["line 2: row", "is not JSON: trailing characters"],
        ),
        (
            r#"{"size": "512x512", "width": 5, "height": 5}"#,
            &[
                "line 2: size",
                "give either size or width and height, not both",
            ],
        ),
        (
            r#"{"width": 512}"#,
            &["line 2: height \"\": is missing; width 512 needs a height"],
        ),
        (
            r#"{"model": "flux-dev", "seed": 1}"#,
            &["line 2: row", "no key sets the price"],
        ),
    ] {
        let text = format!("{good}\n{bad}\n");
        let (_dir, path) = temp_file("jobs.jsonl", text.as_bytes());
        assert_bad_input(
            dis()
                .arg("batch")
                .arg(&path)
                .args(["--summary", "--format", "csv"]),
            needles,
        );
    }
}

/// `n` CSV jobs with sizes and counts that vary, so every row prices differently.
fn many_jobs(n: usize) -> String {
    let mut text = String::from("steps,size,n\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},{}x{},{}\n",
            1 + i % 50,
            1 + i % 999,
            1 + (i * 7) % 999,
            1 + i % 8
        ));
    }
    text
}

/// JSON rows rendered in chunks on every core come out in input order, the first without a
/// separator, each the same job as the CSV row.
#[test]
fn json_rows_in_parallel_pieces_are_whole_and_in_order() {
    let n = 30_000;
    let (_dir, path) = temp_file("jobs.csv", many_jobs(n).as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let json = stdout_of(&["batch", path, "--format", "json"]);
    assert!(
        json.contains("\"jobs\": [\n    {\"line\":2,"),
        "{}",
        &json[..200]
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    let jobs = doc["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), n);
    let csv = stdout_of(&["batch", path, "--format", "csv"]);
    for (i, (job, row)) in jobs.iter().zip(csv.lines().skip(1)).enumerate() {
        let row: Vec<&str> = row.split(',').collect();
        assert_eq!(job["line"], serde_json::json!(i + 2));
        assert_eq!(job["line"].to_string(), row[0]);
        assert_eq!(job["size"], row[3]);
        assert_eq!(job["units"], row[5]);
        assert_eq!(job["price"], row[6]);
    }
    // No job at all: an empty list, as before.
    let (_dir, path) = temp_file("bad.csv", b"steps,size,n\n900,512x512,1\n");
    let (code, out, _) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--format", "json", "--skip-invalid"]));
    assert_eq!(code, 2);
    assert!(out.contains("\"jobs\": [],\n"), "{out}");
}

/// Past the rows it holds, the drawn table streams: each table drawn is rectangular, every
/// job appears once and in order, and a line number gaining a digit starts a wider table.
#[test]
fn the_drawn_table_streams_past_the_rows_it_holds() {
    let n = 100_050;
    let (_dir, path) = temp_file("jobs.csv", many_jobs(n).as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let out = stdout_of(&["batch", path]);
    let lines: Vec<&str> = out.lines().collect();
    let tops: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('┌'))
        .collect();
    // Two job tables (lines 2 to 99,999, then 100,000 on) and the totals.
    assert_eq!(tops.len(), 3, "{tops:?}");
    let mut next = 2u64;
    for pair in tops.windows(2) {
        let table = &lines[pair[0]..pair[1]];
        let width = table[0].chars().count();
        assert!(table.iter().all(|l| l.chars().count() == width));
        assert!(
            table[1]
                .trim_start_matches(['│', ' '])
                .starts_with("line ┆")
        );
        assert!(table.last().expect("rows").starts_with('└'));
        for row in &table[3..table.len() - 1] {
            let line: u64 = row
                .trim_start_matches(['│', ' '])
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(line, next);
            next += 1;
        }
    }
    assert_eq!(next, n as u64 + 2);
    assert!(
        lines[tops[1] + 3].starts_with("│ 100000 ┆"),
        "{}",
        lines[tops[1] + 3]
    );
}

/// One line of a mixed file: plain bodies (some from an OpenAI SDK, some out of range, some
/// ending in `\r\n`) and lines the one-pass reader declines: escapes it does not decode, an
/// ignored array, blank lines, an unknown model, a negative step count, not JSON.
fn line(i: usize) -> String {
    let side = |k: usize| [1 + k % 999, 1024, 512][k % 3];
    match i % 13 {
        0..=5 => format!(
            r#"{{"model": "flux-dev", "prompt": "p{i} café 猫 \"q\" \\n", "num_inference_steps": {}, "size": "{}x{}", "n": {}, "seed": {i}}}"#,
            1 + i % 50,
            side(i),
            side(i / 3),
            1 + i % 8
        ),
        6 => format!(
            r#"{{"prompt": "x", "user": "u{i}", "quality": "hd", "size": "1024x1024", "n": 1, "stream": false}}"#
        ),
        7 => format!(r#"{{"steps": {}, "size": "64x64"}}"#, 51 + i % 3),
        8 => format!("{{\"steps\": {}, \"count\": 2}}\r", 1 + i % 9),
        9 => format!(r#"{{"prompt": "\u00e9 {i}", "size": "10x10"}}"#),
        10 => format!(r#"{{"prompt": ["a", {i}], "steps": 3, "width": 8, "height": 9}}"#),
        11 => [
            "",
            "   ",
            r#"{"model": "nope", "steps": 3}"#,
            r#"{"steps": -1}"#,
            "steps=3",
        ][i / 13 % 5]
            .to_owned(),
        _ => r#"{ "size" : "1000x8" , "steps" : 2 }"#.to_owned(),
    }
}

/// The same line, but one the one-pass reader never takes and the general reader reads to
/// the same row (with `--ignore-key trace`): a key it does not know.
fn general(line: &str) -> String {
    match line.strip_prefix('{') {
        Some(rest) => format!("{{\"trace\": 1, {rest}"),
        None => line.to_owned(),
    }
}

/// Runs `args` on `text` as a `.jsonl` file: (status, stdout, stderr).
fn batch(text: &str, args: &[&str]) -> (i32, String, String) {
    let (_dir, path) = temp_file("bodies.jsonl", text.as_bytes());
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&path)
        .args(args)
        .args(["--ignore-key", "trace"]));
    let name = path.display().to_string();
    (code, out, err.replace(&name, "FILE"))
}

fn file(lines: impl Iterator<Item = String>) -> (String, String) {
    let lines: Vec<String> = lines.collect();
    let general: Vec<String> = lines.iter().map(|l| general(l)).collect();
    (lines.join("\n") + "\n", general.join("\n") + "\n")
}

#[test]
fn pieces_of_mixed_bodies_read_as_the_general_reader_reads_them() {
    // Several chunks of 64 KiB, priced on both cores.
    let (fast, slow) = file((0..6000).map(line));
    assert!(fast.len() > 4 * 64 * 1024, "{}", fast.len());
    for format in ["csv", "json", "markdown", "table"] {
        for extra in [
            &["--allow-out-of-range", "--skip-invalid"][..],
            &["--allow-out-of-range", "--skip-invalid", "--summary"],
            &["--skip-invalid"],
            &["--allow-out-of-range"],
            &[],
        ] {
            let args: Vec<&str> = ["--format", format].iter().chain(extra).copied().collect();
            let got = batch(&fast, &args);
            let want = batch(&slow, &args);
            assert_eq!(got, want, "{args:?}");
            if extra.contains(&"--skip-invalid") {
                // Rows were priced, warnings written, bad rows skipped and counted: the
                // totals are incomplete, exit 2.
                assert_eq!(got.0, 2, "{args:?}: {}", got.2);
                assert!(got.2.contains("invalid row(s) skipped"), "{}", got.2);
                assert!(got.1.contains("flux-dev"), "{args:?}");
            } else {
                // Stopped at the first bad line (rows before it have streamed out).
                assert_eq!(got.0, 2, "{args:?}");
                let last = got.2.lines().last().unwrap_or_default();
                assert!(last.starts_with("error: line "), "{}", got.2);
            }
        }
    }
    // A file of plain and declined lines only, nothing wrong: exit 0, same rows and warnings.
    let (fast, slow) = file((0..3000).filter(|i| i % 13 != 11).map(line));
    for args in [
        &["--format", "csv", "--allow-out-of-range"][..],
        &["--summary", "--format", "json", "--allow-out-of-range"],
    ] {
        let got = batch(&fast, args);
        assert_eq!(got, batch(&slow, args), "{args:?}");
        assert_eq!(got.0, 0, "{}", got.2);
        assert!(got.2.contains("priced anyway"), "{}", got.2);
    }
}

/// A plain body longer than the line cap is refused as too long, as the general reader
/// refuses it, not read by the one-pass reader.
#[test]
fn a_plain_body_over_the_line_cap_is_refused() {
    let long = format!(
        "{}\n{{\"prompt\": \"{}\", \"steps\": 3}}\n",
        line(0),
        "a".repeat(1024 * 1024)
    );
    for args in [&["--format", "csv"][..], &["--summary"]] {
        let (code, out, err) = batch(&long, args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains("line 2"),
            "{err}"
        );
        assert_eq!((code, out, err), batch(&general(&long), args));
    }
}

const MIB: usize = 1 << 20;

#[test]
fn pieces_that_shrink_read_no_stale_bytes() {
    // Two lines just under the cap fill whole chunks; the short lines after them are read into
    // the same buffers, the last with no line end.
    let long = |steps: u32| {
        let mut line = format!(r#"{{"steps":{steps},"prompt":""#).into_bytes();
        line.resize(MIB - 3, b'a');
        line.extend_from_slice(b"\"}\n");
        line
    };
    let mut bytes = [long(7), long(9)].concat();
    bytes.extend_from_slice(b"{\"steps\":3}\r\n{\"steps\":4}\n{\"steps\":5}");
    // The built-in tariff has token and second models: JSON Lines rows have every column.
    let expected = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
        1,flux-dev,exact,7,768x768,1,3.9375,,,,,0.004748625,0.0047\n\
        2,flux-dev,exact,9,768x768,1,5.0625,,,,,0.006105375,0.0061\n\
        3,flux-dev,exact,3,768x768,1,1.6875,,,,,0.002035125,0.0020\n\
        4,flux-dev,exact,4,768x768,1,2.25,,,,,0.0027135,0.0027\n\
        5,flux-dev,exact,5,768x768,1,2.8125,,,,,0.003391875,0.0034\n\
        subtotal,flux-dev,exact,,,5,15.75,,,,,0.0189945,0.0190\n\
        total,,exact,,,5,,,,,,0.0189945,0.0190\n";
    // The two long lines are request bodies (with a prompt) that leave size and n out.
    let note = "note: 2 job(s) priced at the API's default for a key they left out (--format json lists them per job)\n";
    let (_dir, path) = temp_file("work.jsonl", &bytes);
    let from_file = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(from_file, (0, expected.to_owned(), note.to_owned()));
    let from_stdin = run(dis()
        .args(["batch", "-", "--input", "jsonl", "--format", "csv"])
        .write_stdin(bytes));
    assert_eq!(from_stdin, (0, expected.to_owned(), note.to_owned()));
}

#[test]
fn a_line_at_the_cap_is_read_and_one_byte_more_is_refused_with_every_ending() {
    let line = |content: usize| {
        let mut line = br#"{"steps":20,"prompt":""#.to_vec();
        line.resize(content - 2, b'a');
        line.extend_from_slice(b"\"}");
        line
    };
    let row = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
        1,flux-dev,exact,20,768x768,1,11.25,,,,,0.0135675,0.0136\n\
        2,flux-dev,exact,3,768x768,1,1.6875,,,,,0.002035125,0.0020\n\
        subtotal,flux-dev,exact,,,2,12.9375,,,,,0.015602625,0.0156\n\
        total,,exact,,,2,,,,,,0.015602625,0.0156\n";
    for ending in [&b"\n"[..], b""] {
        for (content, ok) in [(MIB, true), (MIB + 1, false)] {
            let mut bytes = line(content);
            bytes.extend_from_slice(ending);
            if !ending.is_empty() {
                bytes.extend_from_slice(b"{\"steps\":3}");
            }
            let (_dir, path) = temp_file("work.jsonl", &bytes);
            let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
            // The long line is a request body (with a prompt) that leaves size and n out.
            let note = "note: 1 job(s) priced at the API's default for a key they left out (--format json lists them per job)\n";
            if ok && !ending.is_empty() {
                assert_eq!((code, out.as_str(), err.as_str()), (0, row, note));
            } else if ok {
                assert_eq!(code, 0, "{err}");
                assert!(
                    out.ends_with("total,,exact,,,1,,,,,,0.0135675,0.0136\n"),
                    "{out}"
                );
            } else {
                assert_eq!((code, out.as_str()), (2, ""), "{ending:?}");
                assert!(
                    err.starts_with("error: ")
                        && err.contains("line 1 is longer than 1048576 bytes"),
                    "{err}"
                );
            }
        }
    }
}

const IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;

/// 200,000 image bodies (per-job JSON rows of them pass 32 MiB near line 156,000), with
/// `lines` put in at their line numbers.
fn bodies(lines: &[(usize, &str)]) -> Vec<u8> {
    let mut text = String::with_capacity(200_000 * 106);
    for n in 1..=200_000 {
        text.push_str(lines.iter().find(|(at, _)| *at == n).map_or(IMAGE, |l| l.1));
        text.push('\n');
    }
    text.into_bytes()
}

/// A bad row stops the run there: rows stream as they are read, so the rows before it are
/// written, then its error, exit 2; with --skip-invalid every other row is written and the
/// run still exits 2.
#[test]
fn a_bad_row_late_in_a_long_file_stops_the_run_there() {
    let bad = r#"{"model": "flux-dev", "num_inference_steps": "abc", "size": "512x512"}"#;
    let (_dir, path) = temp_file("bad.jsonl", &bodies(&[(180_000, bad)]));
    let message = "error: line 180000: num_inference_steps \"abc\": is not a whole number from 0 to 4294967295\n";
    let (code, out, err) = run(dis().args(["batch", "--format", "json"]).arg(&path));
    assert_eq!((code, err.as_str()), (2, message));
    assert!(out.contains("{\"line\":179999,") && !out.contains("{\"line\":180000,"));
    assert_eq!(out.matches("{\"line\":").count(), 179_999);
    let (code, out, err) = run(dis().args(["batch", "--format", "csv"]).arg(&path));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: line 180000: num_inference_steps \"abc\": is not a whole number from 0 to 4294967295\n"
    );
    assert!(
        out.ends_with("\n179999,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060\n"),
        "{}",
        &out[out.len() - 200..]
    );
    assert_eq!(out.lines().count(), 180_000);
    let (code, out, err) = run(dis()
        .args(["batch", "--format", "csv", "--skip-invalid"])
        .arg(&path));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("warning: skipped line 180000: num_inference_steps \"abc\""),
        "{err}"
    );
    assert!(
        out.ends_with("\ntotal,,exact,,,199999,,,,,,1205.99397,1205.9940\n"),
        "{}",
        &out[out.len() - 200..]
    );
}

/// A request body with `steps` written after `lead` (the bytes from the prompt's value to
/// the steps' value) and `tail` after the steps' value.
fn body(lead: &str, steps: &str, tail: &str) -> String {
    format!(r#"{{"model": "flux-dev", "prompt": "a cat"{lead}{steps}{tail}"#)
}

/// Lines that each differ from the line before them a little, as a program's output might.
fn alike_lines() -> Vec<String> {
    let tail = r#", "size": "512x512", "n": 2, "seed": 42}"#;
    let plain = ", \"num_inference_steps\": ";
    vec![
        body(plain, "20", tail),
        body(plain, "4", tail),
        // One blank more, or a tab, after the colon.
        body(", \"num_inference_steps\":  ", "20", tail),
        body(", \"num_inference_steps\":\t", "21", tail),
        // No blank after the colon, then a blank before the comma.
        body(", \"num_inference_steps\":", "22", tail),
        body(" , \"num_inference_steps\": ", "23", tail),
        // The same lead, then a bad value, a value with a leading zero, a fraction.
        body(plain, "2x0", tail),
        body(plain, "020", tail),
        body(plain, "20.5", tail),
        body(plain, "20", tail),
        // A repeated key after its lead was passed, an escaped key, another name.
        body(plain, "20", r#", "num_inference_steps": 30, "size": "512x512"}"#),
        body(", \"num_inference_st\\u0065ps\": ", "24", tail),
        body(", \"Num_inference_steps\": ", "25", tail),
        body(plain, "26", tail),
        // Keys in another order; the size before the steps.
        r#"{"model": "flux-dev", "size": "512x512", "prompt": "a cat", "num_inference_steps": 27, "n": 2}"#.to_owned(),
        body(plain, "28", tail),
        // Short lines, an empty object, a line of blanks, width and height.
        r#"{"n":3}"#.to_owned(),
        "{}".to_owned(),
        r#"{"steps":5}"#.to_owned(),
        body(plain, "29", r#", "width": 640, "height": 480, "n": 2}"#),
        body(plain, "30", r#", "width": 640, "height": 480, "n": 2, "width": 8}"#),
        body(plain, "31", tail),
        // A line ending \r\n, then the line again ending \n.
        format!("{}\r", body(plain, "32", tail)),
        body(plain, "32", tail),
        // Trailing blanks after the object; a repeated ignored key.
        format!("{}  \t", body(plain, "33", tail)),
        body(plain, "34", r#", "size": "512x512", "n": 2, "seed": 42, "seed": 43}"#),
        // The model written another way, then as before.
        r#"{"model": "FLUX.1-DEV", "prompt": "a cat", "num_inference_steps": 35, "size": "512x512", "n": 2, "seed": 42}"#.to_owned(),
        body(plain, "36", tail),
    ]
}

/// The row lines (those starting with a line number) of CSV output.
fn rows(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The warnings of a run's standard error (the closing count of skipped rows left out).
fn warnings(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("warning:")).collect()
}

/// Each line of a file of lines written alike gives the row (or the message) it gives when it
/// is the only line of its file, at the same line number.
#[test]
fn lines_written_alike_read_as_each_alone() {
    let lines = alike_lines();
    let file = lines.join("\n") + "\n";
    let (_dir, path) = temp_file("alike.jsonl", file.as_bytes());
    for flags in [
        &["--skip-invalid"][..],
        &["--skip-invalid", "--allow-out-of-range", "--defaults-ok"],
    ] {
        let (code, out, err) = run(dis()
            .args(["batch", "--format", "csv"])
            .args(flags)
            .arg(&path));
        assert_eq!(code, 2, "{err}");
        let (mut want_rows, mut want_warnings) = (Vec::new(), Vec::new());
        for (at, line) in lines.iter().enumerate() {
            // Blank lines before it keep its line number.
            let alone = format!("{}{line}\n", "\n".repeat(at));
            let (_alone_dir, alone_path) = temp_file("alone.jsonl", alone.as_bytes());
            let (_, out, err) = run(dis()
                .args(["batch", "--format", "csv"])
                .args(flags)
                .arg(&alone_path));
            want_rows.extend(rows(&out).into_iter().map(str::to_owned));
            want_warnings.extend(warnings(&err).into_iter().map(str::to_owned));
        }
        assert_eq!(rows(&out), want_rows, "{flags:?}");
        assert_eq!(warnings(&err), want_warnings, "{flags:?}");
        // Both kinds were met: rows priced and lines refused.
        assert!(
            want_rows.len() > 10 && want_warnings.len() > 5,
            "{out}{err}"
        );
    }
    // The values read, on a few lines: the extra blank and the tab pass as one space does,
    // the escaped key reads as the key, the \r\n ending as \n.
    let (_, out, _) = run(dis()
        .args(["batch", "--format", "csv", "--skip-invalid"])
        .arg(&path));
    for row in [
        "2,flux-dev,exact,4,512x512,2,",
        "3,flux-dev,exact,20,512x512,2,",
        "4,flux-dev,exact,21,512x512,2,",
        "12,flux-dev,exact,24,512x512,2,",
        "23,flux-dev,exact,32,512x512,2,",
        "24,flux-dev,exact,32,512x512,2,",
    ] {
        assert!(out.lines().any(|l| l.starts_with(row)), "{row} in {out}");
    }
}
