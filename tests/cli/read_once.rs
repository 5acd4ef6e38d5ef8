//! Every input is read once, whatever it is (a file, standard input, `/dev/stdin`, a named
//! pipe), on both sides of a comparison; and a file's rows are priced by their own meter on
//! either side.

use std::process::Stdio;

use crate::support::{dis, run, temp_file};

const IMAGE: &str =
    "{\"model\": \"flux-dev\", \"num_inference_steps\": 20, \"size\": \"512x512\"}\n";
const CHAT: &str = "{\"model\": \"Llama-3.1 8B\", \"usage\": {\"prompt_tokens\": 1000, \"completion_tokens\": 500}}\n";

/// Runs `args` with `input` on standard input.
fn with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    run(dis().args(args).write_stdin(input.to_owned()))
}

/// A head read from standard input (as `-` and as `/dev/stdin`) is compared whole: twice the
/// base's jobs are a 100% rise, which fails a 10% gate, for image, chat and mixed files.
#[test]
fn a_piped_head_is_read_once_and_compared_whole() {
    for one in [IMAGE.to_owned(), CHAT.to_owned(), format!("{IMAGE}{CHAT}")] {
        let (_dir, base) = temp_file("base.jsonl", one.as_bytes());
        let base = base.to_str().unwrap();
        let twice = one.repeat(2);
        for head in ["-", "/dev/stdin"] {
            let (code, out, err) = with_stdin(
                &[
                    "batch",
                    head,
                    "--input",
                    "jsonl",
                    "--baseline",
                    base,
                    "--fail-above",
                    "10",
                    "--format",
                    "json",
                ],
                &twice,
            );
            assert_eq!(code, 1, "{head}: {err}");
            let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
            assert_eq!(json["head"]["file"], head, "{out}");
            let jobs = |side: &str| json[side]["jobs"].as_u64().expect("a count");
            assert_eq!(2 * jobs("base"), jobs("head"), "{out}");
            assert!(err.contains("+100"), "{head}: {err}");
        }
    }
}

/// Under `--baseline-tariff`, one workload from standard input is priced under both tariffs:
/// neither side is empty.
#[test]
fn a_piped_workload_under_two_tariffs_is_priced_on_both_sides() {
    let dearer = crate::support::edited("rate = \"0.001206\"", "rate = \"0.002412\"");
    let (_dir, old) = temp_file("old.toml", crate::support::BUILTIN.as_bytes());
    let (_dir2, new) = temp_file("new.toml", dearer.as_bytes());
    let input = format!("{IMAGE}{CHAT}");
    let (code, out, err) = with_stdin(
        &[
            "batch",
            "-",
            "--input",
            "jsonl",
            "--tariff",
            new.to_str().unwrap(),
            "--baseline-tariff",
            old.to_str().unwrap(),
            "--format",
            "plain",
        ],
        &input,
    );
    assert_eq!(code, 0, "{err}");
    // The image job doubles (0.0060 more); the chat row's price is the same.
    assert_eq!(out.trim(), "+0.0060");
}

/// A CSV head from a pipe has its header and rows: it is not "empty".
#[test]
fn a_piped_csv_head_is_read_with_its_header() {
    let (_dir, base) = temp_file("base.csv", b"steps,size\n20,512x512\n");
    let (code, out, err) = with_stdin(
        &[
            "batch",
            "-",
            "--input",
            "csv",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "plain",
        ],
        "steps,size\n20,512x512\n20,512x512\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "+0.0060");
}

/// A named pipe as the head is read once: the run ends with the whole comparison.
#[cfg(unix)]
#[test]
fn a_named_pipe_head_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("head.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (_d, base) = temp_file("base.jsonl", IMAGE.as_bytes());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .env("DIS_PRICE_TODAY", crate::support::TODAY)
        .args(["batch", fifo.to_str().unwrap(), "--baseline"])
        .arg(&base)
        .args(["--format", "plain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::fs::write(&fifo, IMAGE.repeat(3)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "+0.0121");
}

/// A stream whose name tells nothing (`/dev/stdin`, a named pipe without an extension, `<(...)`)
/// has its form told from its first line, as `-` has; a regular file still needs an extension
/// or `--input`, and an `audio` file is named from the current folder, as from `-`.
#[cfg(unix)]
#[test]
fn a_stream_without_an_extension_is_told_by_its_first_line() {
    for (text, total) in [
        ("steps,size\n20,512x512\n20,512x512\n", "0.0121"),
        (IMAGE, "0.0060"),
        (CHAT, "0.0002"),
    ] {
        let (code, out, err) = with_stdin(&["batch", "/dev/stdin", "--format", "plain"], text);
        assert_eq!((code, out.trim()), (0, total), "{text}: {err}");
        // As bash's process substitution gives it.
        let (code, out, err) = run(assert_cmd::Command::new("bash")
            .arg("-c")
            .arg("\"$BIN\" batch <(printf %s \"$TEXT\") --format plain")
            .env("BIN", env!("CARGO_BIN_EXE_dis-price"))
            .env("TEXT", text)
            .env_remove("DIS_PRICE_TARIFF"));
        assert_eq!((code, out.trim()), (0, total), "{text}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("jobs");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .args(["batch", fifo.to_str().unwrap(), "--format", "plain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::fs::write(&fifo, IMAGE).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0.0060");
    // A regular file's name must tell.
    let (_d, file) = temp_file("jobs.txt", b"steps,size\n20,512x512\n");
    let (code, _, err) = run(dis().arg("batch").arg(&file));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "its extension is not .csv, .jsonl or .ndjson (give --input csv or --input jsonl)"
        ),
        "{err}"
    );
    // An audio file named by a stream's row is looked for in the current folder.
    let here = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dis()
        .current_dir(here.path())
        .args(["batch", "/dev/stdin"])
        .write_stdin("model,audio\nChatterbox,missing.wav\n"));
    assert_eq!(code, 2);
    assert!(
        err.contains("audio \"missing.wav\": missing.wav: cannot be read"),
        "{err}"
    );
}

/// Standard input named twice by any of its names, or one named pipe on both sides, is refused
/// before anything is read (the second reader would see it empty and pass every gate, or wait
/// for a writer that never comes); a plain file on standard input may be named again by
/// `/dev/stdin`, which opens it afresh.
#[cfg(unix)]
#[test]
fn an_input_read_once_is_refused_when_named_twice() {
    for (head, base) in [("-", "/dev/stdin"), ("/dev/stdin", "-"), ("/dev/fd/0", "-")] {
        let (code, out, err) = with_stdin(
            &[
                "batch",
                head,
                "--baseline",
                base,
                "--input",
                "jsonl",
                "--fail-above",
                "1",
            ],
            IMAGE,
        );
        assert_eq!((code, out.as_str()), (2, ""), "{head} {base}: {err}");
        assert!(
            err.contains("standard input can be read only once"),
            "{err}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("jobs.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Nothing writes to the pipe: the refusal comes before any read, or the run would hang.
    let (code, _, err) = run(dis().arg("batch").arg(&fifo).arg("--baseline").arg(&fifo));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a pipe can be read only once"), "{err}");
    // A plain file on standard input reads again through /dev/stdin.
    let (_d, file) = temp_file("jobs.jsonl", IMAGE.as_bytes());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .env("DIS_PRICE_TODAY", crate::support::TODAY)
        .args(["batch", "-", "--baseline", "/dev/stdin", "--input", "jsonl"])
        .args(["--format", "plain"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref()
        ),
        (Some(0), "0.0000\n"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CSV of tokens without a model (or with a blank one) is refused on either side of a
/// comparison and alone, never priced as default images.
#[test]
fn token_rows_without_a_model_are_refused_on_every_side() {
    let tokens = "input_tokens,output_tokens\n1000,500\n";
    let blank = "model,input_tokens,output_tokens\n,1000,500\n";
    let named = "model,input_tokens,output_tokens\nLlama-3.1 8B,1000,500\n";
    for bad in [tokens, blank] {
        let (_d, bad_file) = temp_file("bad.csv", bad.as_bytes());
        let (_e, good_file) = temp_file("good.csv", named.as_bytes());
        let bad_path = bad_file.to_str().unwrap();
        let good_path = good_file.to_str().unwrap();
        for args in [
            vec!["batch", bad_path],
            vec!["batch", good_path, "--baseline", bad_path],
            vec!["batch", bad_path, "--baseline", good_path],
        ] {
            let (code, out, err) = run(dis().args(&args));
            assert_eq!(code, 2, "{args:?}: {out}");
            assert!(err.contains("must name its model"), "{args:?}: {err}");
        }
        let (code, _, err) = with_stdin(
            &["batch", "-", "--input", "csv", "--baseline", good_path],
            bad,
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("must name its model"), "{err}");
    }
}

/// An image CSV whose chat and speech columns are blank on every row is priced as images, and
/// its rows say so.
#[test]
fn blank_token_and_second_cells_leave_an_image_row() {
    let (_d, file) = temp_file(
        "jobs.csv",
        b"steps,size,input_tokens,output_tokens,seconds\n20,512x512,,,\n",
    );
    let (code, out, err) = run(dis().args(["batch", file.to_str().unwrap(), "--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(
        (
            cell("kind"),
            cell("steps"),
            cell("input_tokens"),
            cell("price")
        ),
        ("exact", "20", "", "0.0060")
    );
}

const BODY_IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;

const BODY_CHAT: &str = r#"{"id":"c1","object":"chat.completion","created":1764115200,"model":"Llama-3.3 70B","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}"#;

/// `count` image bodies with `at` lines put in at their line numbers (1-based).
fn lines(count: usize, at: &[(usize, &str)]) -> String {
    let mut text = String::new();
    for line in 1..=count {
        match at.iter().find(|(n, _)| *n == line) {
            Some((_, put)) => text.push_str(put),
            None => text.push_str(BODY_IMAGE),
        }
        text.push('\n');
    }
    text
}

fn batch(text: &str, args: &[&str]) -> (i32, String, String) {
    let (_dir, path) = temp_file("work.jsonl", text.as_bytes());
    run(dis().arg("batch").arg(&path).args(args))
}

/// What a per-job JSON run (which scans first) says besides its rows: a summary must say
/// exactly that.
fn total_of_rows(text: &str, args: &[&str]) -> serde_json::Value {
    let (_, out, err) = batch(text, &[&["--format", "json"], args].concat());
    let mut json: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    json.as_object_mut().unwrap().remove("jobs").expect("rows");
    json
}

#[test]
fn a_chat_line_far_into_a_file_makes_the_summary_a_mixed_one() {
    // Far past the first chunks read (about 190 bytes a line, chunks of 256 KiB).
    for at in [1, 2, 5000, 20000] {
        let text = lines(20000, &[(at, BODY_CHAT)]);
        let (code, out, err) = batch(&text, &["--summary", "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "{err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json, total_of_rows(&text, &[]), "chat line at {at}");
        let models: Vec<&str> = json["by_model"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["model"].as_str().unwrap())
            .collect();
        assert_eq!(models, ["flux-dev", "Llama-3.3 70B"], "chat line at {at}");
        // The plain total is the same sum.
        let (code, plain, err) = batch(&text, &["--format", "plain"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(plain.trim(), json["total"].as_str().unwrap());
    }
}

#[test]
fn an_image_only_summary_is_the_sum_of_its_rows() {
    let text = lines(30000, &[]);
    let (code, out, err) = batch(&text, &["--summary", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json, total_of_rows(&text, &[]));
    // 30000 x 20 steps x 512 x 512 / 1024^2 = 150000 megapixel-steps, at 0.001206.
    assert_eq!(json["total"], "180.9000");
}

#[test]
fn a_bad_line_is_reported_once_with_the_message_of_a_scanned_run() {
    let bad = r#"{"model": "flux-dev", "num_inference_steps": "20", "size": "512x512"}"#;
    for extra in [vec![], vec![(19000, BODY_CHAT)]] {
        let mut at = vec![(9000, bad)];
        at.extend(extra.iter().copied());
        let text = lines(20000, &at);
        let (code, out, summary_err) = batch(&text, &["--summary"]);
        assert_eq!(code, 2, "{summary_err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(summary_err.matches("error:").count(), 1, "{summary_err}");
        assert!(summary_err.contains("line 9000"), "{summary_err}");
        // A per-job run scans first: the same message.
        let (code, _, rows_err) = batch(&text, &["--format", "csv"]);
        assert_eq!(code, 2);
        assert_eq!(summary_err, rows_err);
    }
}

#[test]
fn warnings_and_skipped_lines_are_written_once() {
    let wide = r#"{"model": "flux-dev", "num_inference_steps": 60, "size": "512x512"}"#;
    let broken = r#"{"model": "flux-dev", "num_inference_steps": 20, "size": "512x512""#;
    for extra in [vec![], vec![(15000, BODY_CHAT)]] {
        let mut at = vec![(100, wide), (200, wide), (300, broken)];
        at.extend(extra.iter().copied());
        let text = lines(20000, &at);
        let args = [
            "--summary",
            "--format",
            "json",
            "--allow-out-of-range",
            "--skip-invalid",
        ];
        let (code, out, err) = batch(&text, &args);
        // A skipped line makes the run incomplete.
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.matches("warning: line 100:").count(), 1, "{err}");
        assert_eq!(
            err.matches("in 1 more row after line 100").count(),
            1,
            "{err}"
        );
        assert_eq!(err.matches("skipped line 300").count(), 1, "{err}");
        assert_eq!(err.matches("invalid row(s) skipped").count(), 1, "{err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            json,
            total_of_rows(&text, &["--allow-out-of-range", "--skip-invalid"])
        );
    }
}

#[test]
fn standard_input_is_read_once_too() {
    let text = lines(5000, &[(4999, BODY_CHAT)]);
    let (code, out, err) = run(dis()
        .args(["batch", "-", "--summary", "--format", "json"])
        .write_stdin(text.clone()));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json, total_of_rows(&text, &[]));
}
