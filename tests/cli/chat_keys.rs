//! A chat or speech key is found however it is written (escapes in its name, blanks before its
//! colon, cut by the key scan's reads, late in a long file), and the line priced as the request
//! it is.

use crate::support::{dis, run, temp_file};

const MIB: usize = 1 << 20;

/// Image lines of exactly `n` bytes in all (`n` at least 60), each under the line cap.
fn image_lines(mut n: usize) -> Vec<u8> {
    assert!(n >= 60);
    let (head, tail) = (br#"{"steps":20,"size":"512x512","prompt":""#, b"\"}\n");
    let mut out = Vec::with_capacity(n);
    while n > 0 {
        let mut take = n.min(200_000);
        if n - take > 0 && n - take < 60 {
            take = n - 60;
        }
        out.extend_from_slice(head);
        out.resize(out.len() + take - head.len() - tail.len(), b'a');
        out.extend_from_slice(tail);
        n -= take;
    }
    out
}

/// The plain total and status of a run over `bytes` as a file.
fn plain_total(bytes: &[u8]) -> (i32, String, String) {
    let (_dir, path) = temp_file("work.jsonl", bytes);
    run(dis()
        .arg("batch")
        .arg(&path)
        .args(["--summary", "--format", "plain"]))
}

#[test]
fn an_escaped_speech_key_cut_by_the_scans_reads_is_found() {
    for name in [
        r"\u0069np\u0075t",
        r"\u0069\u006E\u0070\u0075\u0074",
        r"inpu\u0074",
    ] {
        for d in [-130isize, -127, -7, -3, -2, -1, 0, 1, 3] {
            // The byte before the name's first escape falls `d` bytes from the end of the scan's
            // first 1 MiB read.
            let key_at = speech(name).iter().position(|&b| b == b'\\').unwrap() - 1;
            let before = (MIB as isize + d) as usize - key_at;
            let mut bytes = image_lines(before);
            bytes.extend_from_slice(&speech(name));
            bytes.extend_from_slice(&image_lines(1000));
            // The same file with the key written plainly: the line priced as speech.
            let plain = String::from_utf8(bytes.clone())
                .unwrap()
                .replacen(name, "input", 1);
            let expected = plain_total(plain.as_bytes());
            assert_eq!(expected.0, 0, "{}", expected.2);
            assert_eq!(plain_total(&bytes), expected, "{name} at {d}");
        }
    }
}

/// A speech line whose input text is under `name` (as written in the file).
fn speech(name: &str) -> Vec<u8> {
    format!(r#"{{"{name}" :"Hi","model":"Chatterbox","voice":"a","seconds":1}}"#)
        .into_bytes()
        .into_iter()
        .chain(*b"\n")
        .collect()
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

/// Exit status, plain total and standard error of every form of a run over `text`; the
/// summary's total and the per-job run's total must be the plain one.
fn totals(text: &str) -> (i32, String, String) {
    let (_dir, path) = temp_file("work.jsonl", text.as_bytes());
    let (code, plain, err) = run(dis().arg("batch").arg(&path).args(["--format", "plain"]));
    for args in [
        &["--format", "json"][..],
        &["--summary", "--format", "json"],
    ] {
        let (c, out, e) = run(dis().arg("batch").arg(&path).args(args));
        if code != 0 {
            // Refused alike. Rows stream as they are read, so the rows before the bad one may
            // be written already, but no total is: a summary writes nothing.
            assert_eq!((c, e.as_str()), (code, err.as_str()), "{args:?}");
            if args.contains(&"--summary") {
                assert_eq!(out, "", "{args:?}");
            } else {
                assert!(!out.contains("\"total\""), "{args:?}: {out}");
            }
            continue;
        }
        // JSON says a total is a bound in its own fields: no note.
        assert_eq!((c, e.as_str()), (0, ""), "{args:?}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            format!("{}\n", json["total"].as_str().unwrap()),
            plain,
            "{args:?}"
        );
    }
    let (c, out, e) = run(dis()
        .args(["batch", "-", "--format", "plain"])
        .write_stdin(text.as_bytes().to_vec()));
    assert_eq!(
        (c, out.as_str(), e.as_str()),
        (code, plain.as_str(), err.as_str()),
        "stdin"
    );
    (code, plain, err)
}

const BOUND: &str = "note: the total is an upper bound: 1 row(s) are upper bounds, 0 estimates\n";

#[test]
fn a_chat_key_written_with_escapes_is_a_chat_line() {
    let plain =
        r#"{"model":"Llama-3.3 70B","messages":[{"role":"user","content":"hi"}],"max_tokens":10}"#;
    let expected = totals(&format!("{IMAGE}\n{plain}\n"));
    assert_eq!(expected, (0, "0.0061\n".to_owned(), BOUND.to_owned()));
    for escaped in [
        r#"{"model":"Llama-3.3 70B","mess\u0061ges":[{"role":"user","content":"hi"}],"max_tokens":10}"#,
        r#"{"model":"Llama-3.3 70B","mess\u0061ges":[{"role":"user","content":"hi"}],"m\u0061x_tokens":10}"#,
        r#"{"model":"Llama-3.3 70B","\u006d\u0065\u0073\u0073\u0061\u0067\u0065\u0073" :[{"role":"user","content":"hi"}],"max_tokens":10}"#,
    ] {
        assert_eq!(
            totals(&format!("{IMAGE}\n{escaped}\n")),
            expected,
            "{escaped}"
        );
    }
    // Without a bound (-1: no cap) the escaped request is refused as a chat request, not as an
    // image key to be left out with --ignore-key (which would drop it from the total).
    let (code, out, err) = totals(&format!(
        "{IMAGE}\n{}\n",
        r#"{"model":"Llama-3.3 70B","mess\u0061ges":[{"role":"user","content":"hi"}],"max_tokens":-1}"#
    ));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(
            "error: line 2: max_tokens \"-1\": asks for no cap on the output, so nothing bounds its price"
        ),
        "{err}"
    );
}

#[test]
fn text_that_only_looks_like_an_escaped_key_is_an_image_line() {
    // An escaped quote before the colon is inside a string: the line is an image body.
    let text = format!(
        "{}\n",
        r#"{"model": "flux-dev", "prompt": "say \"mess\u0061ges\": hi", "steps": 20, "size": "512x512"}"#
    );
    assert_eq!(totals(&text), (0, "0.0060\n".to_owned(), String::new()));
}

#[test]
fn blanks_before_a_chat_key_colon_across_a_piece_boundary() {
    let head = r#"{"model":"Llama-3.3 70B","messages""#;
    // The key ends just before the first MiB of the file; its colon comes 2000 blanks later.
    let lines = ((1 << 20) - 100 - head.len()) / (IMAGE.len() + 1);
    let mut text = format!("{IMAGE}\n").repeat(lines);
    text.push_str(head);
    text.push_str(&" ".repeat(2000));
    text.push_str(":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10}\n");
    text.push_str(IMAGE);
    text.push('\n');
    assert_eq!(totals(&text), (0, "60.2157\n".to_owned(), BOUND.to_owned()));
}
