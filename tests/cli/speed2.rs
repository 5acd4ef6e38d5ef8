//! Request bodies priced piece by piece (the one-pass reader for plain bodies, the general
//! reader for every other line) give exactly what the general reader alone gives: the same
//! rows, totals, warnings, errors and exit status, in every format, across many pieces.

use crate::{dis, run, temp_file};

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
    // Several pieces of 64 KiB, priced on both cores.
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
