//! A JSON Lines summary is read once, with no scan for chat or speech keys first: whatever
//! makes the run stop early (a chat line, a bad line, a warning, a skipped line) must leave the
//! result exactly as a run that scanned first, with every message written once.

use crate::{dis, run, temp_file};

const IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;
const CHAT: &str = r#"{"id":"c1","object":"chat.completion","created":1764115200,"model":"Llama-3.3 70B","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}"#;

/// `count` image bodies with `at` lines put in at their line numbers (1-based).
fn lines(count: usize, at: &[(usize, &str)]) -> String {
    let mut text = String::new();
    for line in 1..=count {
        match at.iter().find(|(n, _)| *n == line) {
            Some((_, put)) => text.push_str(put),
            None => text.push_str(IMAGE),
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
    // Far past the first pieces read (about 190 bytes a line, pieces of 256 KiB).
    for at in [1, 2, 5000, 20000] {
        let text = lines(20000, &[(at, CHAT)]);
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
    for extra in [vec![], vec![(19000, CHAT)]] {
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
    for extra in [vec![], vec![(15000, CHAT)]] {
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
    let text = lines(5000, &[(4999, CHAT)]);
    let (code, out, err) = run(dis()
        .args(["batch", "-", "--summary", "--format", "json"])
        .write_stdin(text.clone()));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json, total_of_rows(&text, &[]));
}
