//! `afford`: how many images or requests a budget buys, at exact boundaries, for every meter,
//! at the dated rate, and what it prints.

use crate::support::{BUILTIN, assert_bad_input, dis, edited, json, run, temp_file};

/// The shipped tariff with both Llama-3.1 8B and Chatterbox given dated rates: up on
/// 2026-12-01.
fn dated() -> String {
    let text = BUILTIN
        .replace(
            "input_rate = \"0.10\"    # USD per 1M input (prompt) tokens\noutput_rate = \"0.16\"   # USD per 1M output (completion) tokens",
            "rates = [\n  { from = \"2026-06-01\", input_rate = \"0.10\", output_rate = \"0.16\" },\n  { from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" },\n]",
        )
        .replace(
            "rate = \"0.0030\"          # USD per second of generated audio",
            "rates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },\n  { from = \"2026-12-01\", rate = \"0.0036\" },\n]",
        );
    assert_eq!(text.matches("rates = [").count(), 2, "both edits applied");
    text
}

/// Standard output of a successful run, checked for an empty standard error.
fn ok(cmd: &mut assert_cmd::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    out
}

/// `afford` on a token model: N fits exactly when N requests cost at most the budget.
#[test]
fn afford_counts_chat_requests_at_every_boundary() {
    let afford = |budget: &str, format: &str| {
        ok(dis().args([
            "afford",
            "--budget",
            budget,
            "--model",
            "Llama-3.1 8B",
            "--input-tokens",
            "500",
            "--output-tokens",
            "200",
            "--format",
            format,
        ]))
    };
    // One request: 500 x 0.10 / 1M + 200 x 0.16 / 1M = 0.000082 exactly.
    for (budget, most) in [
        ("0", "0\n"),
        ("0.000081999", "0\n"),
        ("0.000082", "1\n"),
        ("0.000245999", "2\n"),
        ("0.000246", "3\n"),
        ("0.000246001", "3\n"),
        ("10", "121951\n"),
    ] {
        assert_eq!(afford(budget, "plain"), most, "budget {budget}");
    }
    assert_eq!(
        afford("0.000246", "text"),
        "0.000246 USD buys 3 request(s) of 500 input and 200 output tokens with Llama-3.1 8B at 0.000082 USD each: 0.0002 USD, 0.0000 USD left (rounded down)\nnote: each figure is rounded once from its exact value, so the shown figures need not add up\n"
    );
    let json: serde_json::Value = serde_json::from_str(&afford("0.0003", "json")).unwrap();
    assert_eq!(json["requests"], 3);
    assert_eq!(json["per_request"], "0.000082");
    assert_eq!(json["spent"], "0.000246");
    assert_eq!(json["leftover"], "0.000054");
    assert_eq!(json["meter"], "token");
    assert_eq!(json["input_tokens"], 500);
    assert!(
        json.get("size").is_none() && json.get("steps").is_none(),
        "{json}"
    );
}

/// `afford` on a second model, the minimum second included.
#[test]
fn afford_counts_speech_requests_at_every_boundary() {
    let afford = |budget: &str, seconds: &str| {
        ok(dis().args([
            "afford",
            "--budget",
            budget,
            "--model",
            "chatterbox",
            "--seconds",
            seconds,
            "--format",
            "plain",
        ]))
    };
    // 12.5 s x 0.003 = 0.0375.
    for (budget, most) in [
        ("0.0374999", "0\n"),
        ("0.0375", "1\n"),
        ("0.0749999", "1\n"),
        ("0.075", "2\n"),
        ("10", "266\n"),
    ] {
        assert_eq!(afford(budget, "12.5"), most, "budget {budget}");
    }
    // Below the minimum of 1 s, a request is charged 1 s: 0.003.
    for seconds in ["0", "0.5", "1"] {
        assert_eq!(afford("0.0029999", seconds), "0\n", "{seconds}");
        assert_eq!(afford("0.003", seconds), "1\n", "{seconds}");
        assert_eq!(afford("0.006", seconds), "2\n", "{seconds}");
    }
    // Just past the minimum costs more: 0.0030003.
    assert_eq!(afford("0.003", "1.0001"), "0\n");
    assert_eq!(afford("0.0060006", "1.0001"), "2\n");
    assert_eq!(
        ok(dis().args([
            "afford",
            "--budget",
            "0.006",
            "--model",
            "chatterbox",
            "--seconds",
            "0.5"
        ])),
        "0.006 USD buys 2 request(s) of 0.5 seconds of audio (1 s charged, the minimum) with Chatterbox at 0.003 USD each: 0.0060 USD, 0.0000 USD left (rounded down)\n"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(dis().args([
        "afford",
        "--budget",
        "0.0061",
        "--model",
        "chatterbox",
        "--seconds",
        "0.5",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["requests"], 2);
    assert_eq!(json["seconds_charged"], "1");
    assert_eq!(json["minimum_applied"], true);
    assert_eq!(json["leftover"], "0.0001");
}

#[test]
fn afford_uses_the_dated_rate_of_the_day() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    let afford = |day: &str| {
        ok(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["afford", "--budget", "1", "--model", "chatterbox"])
            .args(["--seconds", "10", "--format", "plain", "--as-of", day]))
    };
    // 1 / 0.03 = 33.3; 1 / 0.036 = 27.7.
    assert_eq!(afford("2026-11-30"), "33\n");
    assert_eq!(afford("2026-12-01"), "27\n");
}

#[test]
fn afford_refuses_what_a_meter_does_not_take_and_a_free_request() {
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "--model",
                "Llama-3.1 8B",
                "--input-tokens",
                "1",
                "--output-tokens",
                "1",
                "--steps",
                "3",
            ],
            "error: --steps is not for model \"Llama-3.1 8B\", which bills per token; afford takes --input-tokens and --output-tokens for it\n",
        ),
        (
            &[
                "--model",
                "Llama-3.1 8B",
                "--input-tokens",
                "1",
                "--output-tokens",
                "1",
                "--count",
                "3",
            ],
            "error: --count is not for model \"Llama-3.1 8B\", which bills per token; afford takes --input-tokens and --output-tokens for it; --count asks how many steps per image a budget buys, and a request of this model has no steps: afford answers how many requests it buys\n",
        ),
        (
            &[
                "--model",
                "chatterbox",
                "--seconds",
                "1",
                "--input-tokens",
                "1",
                "--size",
                "512",
            ],
            "error: --size, --input-tokens are not for model \"Chatterbox\", which bills per second; afford takes --seconds for it\n",
        ),
        (
            &["--seconds", "3"],
            "error: --seconds is not for model \"Flux.1 [dev]\", which bills per megapixel-step; afford takes --steps, --size and --count for it\n",
        ),
        (
            &["--model", "Llama-3.1 8B", "--input-tokens", "1"],
            "error: model \"Llama-3.1 8B\" bills per token: give --output-tokens of each request (0 is a count too), e.g. --input-tokens 500 --output-tokens 200\n",
        ),
        (
            &["--model", "chatterbox"],
            "error: model \"Chatterbox\" bills per second of audio: give --seconds of each request, e.g. --seconds 12.5\n",
        ),
        (
            &[
                "--model",
                "Llama-3.1 8B",
                "--input-tokens",
                "0",
                "--output-tokens",
                "0",
            ],
            "error: a request of 0 input and 0 output tokens costs 0 with model \"Llama-3.1 8B\", so any budget buys unlimited requests; give --input-tokens or --output-tokens above 0\n",
        ),
    ];
    for (args, said) in cases {
        let (code, out, err) = run(dis().args(["afford", "--budget", "10"]).args(args));
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (2, "", said),
            "{args:?}"
        );
    }
    // 0 seconds of a model with no minimum costs 0 too.
    let text = BUILTIN.replace(
        "minimum_seconds = \"1\"    # each request is charged at least one second\n",
        "",
    );
    assert_ne!(text, BUILTIN);
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).args([
        "afford",
        "--budget",
        "10",
        "--model",
        "chatterbox",
        "--seconds",
        "0",
    ]));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "error: a request of 0 seconds costs 0 with model \"Chatterbox\" (it has no minimum), so any budget buys unlimited requests; give --seconds above 0\n"
        )
    );
}

#[test]
fn afford_images_and_steps_at_exact_boundaries() {
    let plain = |args: &[&str]| {
        let (code, out, err) = run(dis().arg("afford").args(args).args(["--format", "plain"]));
        assert_eq!(code, 0, "{err}");
        out.trim().parse::<u32>().unwrap()
    };
    // 512x512 at 20 steps is exactly 0.00603: 0.0603 buys 10, a hair less buys 9.
    assert_eq!(
        plain(&["--budget", "0.0603", "--steps", "20", "--size", "512"]),
        10
    );
    assert_eq!(
        plain(&["--budget", "0.06029999", "--steps", "20", "--size", "512"]),
        9
    );
    assert_eq!(
        plain(&["--budget", "0", "--steps", "20", "--size", "512"]),
        0
    );
    // Four 1024x1024 images cost 0.004824 per step: 0.04824 buys 10 steps.
    assert_eq!(
        plain(&["--budget", "0.04824", "--count", "4", "--size", "1024"]),
        10
    );
    assert_eq!(
        plain(&["--budget", "0.048239", "--count", "4", "--size", "1024"]),
        9
    );
    assert_eq!(
        plain(&["--budget", "1000", "--count", "4", "--size", "1024"]),
        50
    );
    let (_, out, _) = run(dis().args([
        "afford",
        "--budget",
        "10",
        "--steps",
        "28",
        "--size",
        "1024x1024",
        "--format",
        "json",
    ]));
    let v = json(&out);
    assert_eq!(
        (v["images"].as_u64(), v["leftover"].as_str()),
        (Some(296), Some("0.004672"))
    );
    let (_, text, _) = run(dis().args([
        "afford",
        "--budget",
        "10",
        "--steps",
        "28",
        "--size",
        "1024x1024",
    ]));
    assert!(text.contains("buys 296 image(s)"), "{text}");
}

#[test]
fn afford_text_says_left_is_rounded_down() {
    let (code, out, _) = run(dis().args([
        "afford", "--budget", "0.01", "--steps", "20", "--size", "512",
    ]));
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "0.01 USD buys 1 image(s) of 512x512 at 20 steps with Flux.1 [dev]: 0.0060 USD, 0.0039 USD left (rounded down)\nnote: each figure is rounded once from its exact value, so the shown figures need not add up\n"
        )
    );
}

fn with_tariff(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    temp_file("t.toml", text.as_bytes())
}

#[test]
fn afford_with_a_count_names_the_count_and_the_steps_it_found() {
    // At 28 places a price above 7.9 cannot be shown; 10000 images fit 100 at 14 steps.
    let (_dir, path) = with_tariff(&edited("decimals = 4 ", "decimals = 28 "));
    let err = assert_bad_input(
        dis()
            .arg("--tariff")
            .arg(&path)
            .args(["afford", "--count", "10000", "--budget", "100"]),
        &["10000 image(s) of 768x768 at 14 steps"],
    );
    assert!(!err.contains("14 image(s)"), "{err}");
}

// afford.

#[test]
fn afford_plain_prints_the_count_and_help_says_so_and_how_left_is_rounded() {
    let (code, out, _) = run(dis().args([
        "afford", "--budget", "1", "--steps", "20", "--size", "512", "--format", "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "165\n"));
    let help =
        String::from_utf8(dis().args(["afford", "--help"]).output().unwrap().stdout).unwrap();
    assert!(
        help.contains("- plain: The count alone (images, or steps per image with --count)"),
        "{help}"
    );
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("What is left is rounded down, whatever the tariff's rounding"),
        "{help}"
    );
    // 0.00505 left: shown rounded down, where half-up would show 0.0051.
    let (_, out, _) =
        run(dis().args(["afford", "--budget", "1", "--steps", "20", "--size", "512"]));
    assert_eq!(
        out,
        "1 USD buys 165 image(s) of 512x512 at 20 steps with Flux.1 [dev]: 0.9950 USD, 0.0050 USD left (rounded down)\n"
    );
}

/// Where what was spent and what is left, as shown, do not add up to the budget, a footnote
/// says why; where they do, there is none.
#[test]
fn a_footnote_where_the_shown_parts_do_not_add_up() {
    let note = "note: each figure is rounded once from its exact value, so the shown figures need not add up\n";
    let (code, out, _) = run(dis().args([
        "afford",
        "--budget",
        "10",
        "--steps",
        "28",
        "--size",
        "1024x1024",
    ]));
    assert_eq!(code, 0);
    // 9.9953 + 0.0046 is 9.9999, not 10.
    assert!(
        out.contains(": 9.9953 USD, 0.0046 USD left (rounded down)\n") && out.ends_with(note),
        "{out}"
    );
    let (_, out, _) =
        run(dis().args(["afford", "--budget", "5", "--steps", "28", "--size", "1024"]));
    assert!(
        out.contains(": 4.9977 USD, 0.0023 USD left") && !out.contains("note:"),
        "{out}"
    );
    // Scripts' formats carry no footnote.
    let (_, plain, _) = run(dis().args([
        "afford", "--budget", "10", "--steps", "28", "--size", "1024", "--format", "plain",
    ]));
    assert_eq!(plain, "296\n");
}
