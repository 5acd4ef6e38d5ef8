//! A chat or speech key is found however it is written: with escapes in its name
//! (`"mess\u0061ges"`), or with any number of blanks before its colon wherever the file's
//! pieces are cut. Every form of the run (per-job rows, a summary, the plain total, standard
//! input) then prices the line as the chat request it is.

use crate::{dis, run, temp_file};

const IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;

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
    // Without its bound the escaped request is refused as a chat request, not as an image
    // key to be left out with --ignore-key (which would drop it from the total).
    let (code, out, err) = totals(&format!(
        "{IMAGE}\n{}\n",
        r#"{"model":"Llama-3.3 70B","mess\u0061ges":[{"role":"user","content":"hi"}]}"#
    ));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(
            "error: line 2: max_tokens \"\": is missing, so the request's output has no upper bound"
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
