//! JSON Lines per-job runs over a long file (per-job JSON rows of it pass 32 MiB): a chat
//! line with an escaped chat key, or a bad row, late in the file.

use crate::{dis, run, temp_file};

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

/// A chat line late in the file (its key written with escapes) makes the
/// whole file a mixed workload: every row is written, the chat row priced by tokens, and the
/// total holds both.
#[test]
fn a_chat_line_late_in_a_long_file_is_priced_as_chat() {
    // The key `usage` with every letter escaped: the plain key is found the same way.
    let chat = r#"{"model":"Llama-3.3 70B","\u0075\u0073\u0061\u0067\u0065":{"prompt_tokens":1200,"completion_tokens":300}}"#;
    let (_dir, path) = temp_file("held.jsonl", &bodies(&[(170_000, chat)]));
    let (code, out, err) = run(dis().args(["batch", "--format", "json"]).arg(&path));
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["jobs"].as_array().unwrap().len(), 200_000);
    assert_eq!(v["jobs"][169_999]["model"], "Llama-3.3 70B");
    assert_eq!(v["jobs"][169_999]["meter"], "token");
    assert_eq!(v["exact"], "1205.99505");
    assert_eq!(v["total"], "1205.9951");
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
