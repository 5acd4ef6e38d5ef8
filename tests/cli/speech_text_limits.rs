//! A speech request's text length against the model's `input_chars`: refused outside it unless
//! `--allow-out-of-range`, which warns once per distinct length; read and checked from the
//! tariff; compared by `diff`.

use crate::support::{assert_bad_input, dis, edited, run, temp_file};

const LIMIT: &str =
    "input_chars = { min = 2, max = 4096 }   # the text to speak, as the speech API accepts it";

/// A speech request line with `text` and the seconds given.
fn speech(text: &str) -> String {
    serde_json::json!({ "model": "Chatterbox", "input": text, "voice": "leo", "seconds": 2 })
        .to_string()
}

fn batch_of(lines: &[String], args: &[&str]) -> (i32, String, String) {
    let (_d, file) = temp_file("speech.jsonl", (lines.join("\n") + "\n").as_bytes());
    run(dis()
        .arg("batch")
        .arg(&file)
        .args(["--format", "csv"])
        .args(args))
}

#[test]
fn a_text_outside_the_limit_is_refused_naming_its_length_and_the_limit() {
    for (text, length) in [
        ("x".to_owned(), "1 character"),
        ("é".repeat(4097), "4097 characters"),
        (String::new(), "0 characters"),
    ] {
        let lines = [speech("fine"), speech(&text)];
        let (_d, file) = temp_file("speech.jsonl", (lines.join("\n") + "\n").as_bytes());
        assert_bad_input(
            dis().arg("batch").arg(&file),
            &[&format!(
                "line 2: input \"{length}\": is outside Chatterbox's limit (2 to 4096 characters); the API would refuse it (--allow-out-of-range prices it anyway)"
            )],
        );
    }
    // The limits themselves pass, counted in characters, not bytes; so does an estimate from
    // the text.
    let (code, out, err) = batch_of(&[speech("hi"), speech(&"日".repeat(4096))], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("total,,estimate,,,0,,,,,,0.012,0.0120\n"),
        "{out}"
    );
    let line = serde_json::json!({ "model": "Chatterbox", "input": "ok", "voice": "leo" });
    let (code, _, err) = batch_of(&[line.to_string()], &["--seconds-per-char", "0.5"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn allow_out_of_range_prices_it_with_one_warning_per_side_of_the_limit() {
    let lines = [
        speech("x"),
        speech(""),
        speech(&"z".repeat(5000)),
        speech("ok"),
        speech(&"z".repeat(6000)),
    ];
    let (code, out, err) = batch_of(&lines, &["--allow-out-of-range"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("total,,estimate,,,0,,,,,,0.03,0.0300\n"),
        "{out}"
    );
    // Every length on one side of the limit is one breach: its first row, then a count.
    assert_eq!(
        err,
        "warning: line 1: input shorter than 2 characters is outside Chatterbox's limit (2 to 4096 characters); the API would refuse it, priced anyway\n\
         warning: line 3: input longer than 4096 characters is outside Chatterbox's limit (2 to 4096 characters); the API would refuse it, priced anyway\n\
         warning: input shorter than 2 characters is outside Chatterbox's limit (2 to 4096 characters) in 1 more row after line 1; the API would refuse them, priced anyway\n\
         warning: input longer than 4096 characters is outside Chatterbox's limit (2 to 4096 characters) in 1 more row after line 3; the API would refuse them, priced anyway\n"
    );
}

#[test]
fn a_tariff_without_the_limit_accepts_any_length() {
    let (_t, tariff) = temp_file("t.toml", edited(&format!("{LIMIT}\n"), "").as_bytes());
    let (_d, file) = temp_file("speech.jsonl", (speech("x") + "\n").as_bytes());
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&tariff)
        .args(["batch", "--format", "plain"])
        .arg(&file));
    assert_eq!((code, out.as_str()), (0, "0.0060\n"), "{err}");
}

#[test]
fn the_limit_is_read_and_checked_from_the_tariff() {
    for (limit, needles) in [
        (
            "input_chars = { min = 5, max = 4 }",
            &[
                "models.Chatterbox.input_chars",
                "min 5 is greater than max 4",
            ][..],
        ),
        (
            "input_chars = { min = -1, max = 4 }",
            &["models.Chatterbox.input_chars.min", "-1"][..],
        ),
        (
            "input_chars = { min = 2 }",
            &["models.Chatterbox.input_chars", "max"][..],
        ),
        (
            "input_chars = { min = 2, max = 9, most = 3 }",
            &["models.Chatterbox.input_chars.most", "unknown key"][..],
        ),
    ] {
        let (_t, tariff) = temp_file("t.toml", edited(LIMIT, limit).as_bytes());
        assert_bad_input(dis().arg("validate").arg(&tariff), needles);
    }
    // Only a second model takes it.
    let on_chat = edited(
        "default_max_completion_tokens = 128\n",
        "default_max_completion_tokens = 128\ninput_chars = { min = 1, max = 9 }\n",
    );
    let (_t, tariff) = temp_file("t.toml", on_chat.as_bytes());
    assert_bad_input(
        dis().arg("validate").arg(&tariff),
        &["input_chars", "unknown key"],
    );
}

#[test]
fn diff_shows_a_changed_limit_and_a_narrower_one_fails_the_gate() {
    let (_o, old) = temp_file("old.toml", edited(LIMIT, LIMIT).as_bytes());
    let narrower = edited(LIMIT, "input_chars = { min = 2, max = 1000 }");
    let (_n, new) = temp_file("new.toml", narrower.as_bytes());
    let (code, out, err) = run(dis()
        .args(["diff", "--format", "csv", "--fail-above", "50"])
        .arg(&old)
        .arg(&new));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("\ninput-chars,Chatterbox,,,2 to 4096,2 to 1000,,,true,speech requests of 1001 to 4096 characters were accepted and are refused now,,\n"),
        "{out}"
    );
    // Wider passes the gate; no limit at all accepts any length.
    let (code, out, err) = run(dis()
        .args(["diff", "--format", "csv", "--fail-above", "50"])
        .arg(&new)
        .arg(&old));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(",2 to 1000,2 to 4096,,,false,speech requests of 1001 to 4096 characters are accepted now,,\n"),
        "{out}"
    );
    let (_a, any) = temp_file("any.toml", edited(&format!("{LIMIT}\n"), "").as_bytes());
    let (code, out, _) = run(dis()
        .args(["diff", "--format", "csv", "--fail-above", "50"])
        .arg(&any)
        .arg(&old));
    assert_eq!(code, 1);
    assert!(
        out.contains(",any,2 to 4096,,,true,speech requests outside 2 to 4096 characters were accepted and are refused now,,\n"),
        "{out}"
    );
}
