//! Unknown keys and columns: refused with `--ignore-key` offered, near misses suggested, and keys
//! that set the price or the day never ignored.

use crate::support::{dis, refused, run};
use assert_cmd::Command;

/// The first line of a refusal's stderr.
fn first_line(cmd: &mut Command) -> String {
    refused(cmd).lines().next().unwrap_or_default().to_owned()
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

const KNOWN: &str = "(price keys: model, steps, num_inference_steps, size, width, height, n, count, created, date; ignored: prompt, seed, guidance_scale, style, response_format, user, quality, output_format, output_compression, background, moderation, stream, safety_identifier)";

#[test]
fn an_unknown_key_is_refused_with_the_escape_hatch_and_its_value_quoted_once() {
    let body = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"trace_id\": \"u1\"}\n";
    let (code, out, err) = batch_csv(body, &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: line 1: trace_id \"u1\": is not a key dis-price knows {KNOWN}; if it does not change the price, --ignore-key \"trace_id\" leaves it out\n"
        )
    );
    assert_eq!(
        batch_csv(body, &["--ignore-key", "trace_id"]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
    // Repeatable; a key not in the input is no error.
    let two = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"a\": 1, \"b\": [1]}\n";
    assert_eq!(
        batch_csv(
            two,
            &[
                "--ignore-key",
                "a",
                "--ignore-key",
                "b",
                "--ignore-key",
                "c"
            ]
        ),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

#[test]
fn only_near_misses_are_suggested_and_never_with_the_escape_hatch() {
    for (key, meant) in [
        ("stpes", "steps"),
        ("Steps", "steps"),
        ("sise", "size"),
        ("modle", "model"),
        ("num_inference_step", "num_inference_steps"),
        ("usr", "user"),
    ] {
        let body = format!("{{\"steps\": 20, \"{key}\": 1}}\n");
        let (code, _, err) = batch_csv(&body, &[]);
        assert_eq!(code, 2);
        assert_eq!(
            err,
            format!(
                "error: line 1: {key} \"1\": is not a key dis-price knows; did you mean {meant:?}? {KNOWN}\n"
            )
        );
    }
    for key in ["x", "note", "id", "negative_prompt", "sed_x"] {
        let body = format!("{{\"steps\": 20, \"{key}\": 1}}\n");
        let (_, _, err) = batch_csv(&body, &[]);
        assert!(!err.contains("did you mean"), "{key}: {err}");
        assert!(err.contains("--ignore-key"), "{key}: {err}");
    }
}

#[test]
fn a_price_key_cannot_be_ignored() {
    for key in [
        "steps",
        "n",
        "model",
        "size",
        "width",
        "num_inference_steps",
    ] {
        let err = refused(dis().args(["batch", "x.jsonl", "--ignore-key", key]));
        assert_eq!(
            err.lines().next().unwrap(),
            format!(
                "error: invalid value '{key}' for '--ignore-key <KEY>': {key:?} sets the price and cannot be ignored (keys that can: any but model, steps, num_inference_steps, size, width, height, n, count, created, date, messages, audio, usage, input, voice, input_tokens, output_tokens, seconds, max_tokens, max_completion_tokens, speed and names like them)"
            )
        );
    }
    assert_eq!(
        first_line(dis().args(["batch", "x.jsonl", "--ignore-key", ""])),
        "error: invalid value '' for '--ignore-key <KEY>': the key is empty (expected a JSON key, e.g. trace_id)"
    );
}

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `batch -` on `input` under the README's dated prices.toml: (status, stdout, stderr).
fn dated_batch(input: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["--tariff", &readme("prices.toml"), "batch", "-"])
        .args(args)
        .write_stdin(input.to_owned()))
}

#[test]
fn keys_that_set_the_price_or_the_day_cannot_be_ignored() {
    for (key, why) in [
        (
            "created",
            "gives the day the job ran, which picks the rate, and",
        ),
        (
            "date",
            "gives the day the job ran, which picks the rate, and",
        ),
        (
            "Steps",
            "is the price key \"steps\" in other case (JSON keys are case-sensitive, so rows with it are refused, not priced as \"steps\"), and",
        ),
        (
            "CREATED",
            "is the price key \"created\" in other case (JSON keys are case-sensitive, so rows with it are refused, not priced as \"created\"), and",
        ),
        ("stpes", "is a near miss of the price key \"steps\", and"),
        (
            "timestamp",
            "looks like the day the job ran (it has the word \"timestamp\" in it), which picks the rate, and",
        ),
        (
            "issuedAt",
            "looks like the day the job ran (it has the word \"issued\" in it), which picks the rate, and",
        ),
    ] {
        let err = refused(dis().args(["batch", "x.jsonl", "--ignore-key", key]));
        assert_eq!(
            err.lines().next().unwrap_or_default(),
            format!(
                "error: invalid value '{key}' for '--ignore-key <KEY>': {key:?} {why} cannot be ignored (keys that can: any but model, steps, num_inference_steps, size, width, height, n, count, created, date, messages, audio, usage, input, voice, input_tokens, output_tokens, seconds, max_tokens, max_completion_tokens, speed and names like them)"
            )
        );
    }
    // A key of one's own still can be.
    let (code, out, err) = dated_batch(
        "{\"steps\":20,\"size\":\"512x512\",\"trace_id\":\"a\"}\n",
        &["--ignore-key", "trace_id", "--format", "plain"],
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0060\n", ""));
}

/// A line that fits no shape names its line once: the image reader's words it quotes do not
/// repeat the line number (which would be wrong where a line is read alone).
#[test]
fn a_line_of_no_shape_names_its_line_once() {
    let (code, _, err) = crate::support::run(
        crate::support::dis()
            .args(["batch", "-", "--input", "jsonl"])
            .write_stdin("{\"steps\": 20}\n{\"foo\": 1}\n"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 2: row"), "{err}");
    assert!(
        err.contains("fits no shape dis-price prices (foo \"1\": is not a key"),
        "{err}"
    );
    assert_eq!(err.matches("line 2").count(), 1, "{err}");
    assert!(!err.contains("line 1"), "{err}");
}
