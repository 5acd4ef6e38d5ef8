//! Dated rates for token and second models, `afford` for chat and speech requests, and the
//! token and second flags written in forms other than plain digits.

use crate::{BUILTIN, assert_bad_input, dis, run, temp_file};

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

#[test]
fn a_token_model_prices_at_the_rate_of_the_day_asked() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    let one = |day: &str| {
        ok(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--model", "Llama-3.1 8B", "--input-tokens", "1000"])
            .args(["--output-tokens", "500", "--as-of", day]))
    };
    assert_eq!(
        one("2026-11-30"),
        "0.0002 USD  for 1 chat request with Llama-3.1 8B
  rates   from 2026-06-01, in force on 2026-11-30
  input   1000 tokens x 0.1 USD per 1000000 = 0.0001 USD
  output  500 tokens x 0.16 USD per 1000000 = 0.00008 USD
  price   0.0001 + 0.00008 = 0.00018 USD
  shown   rounded half-up to 4 places
"
    );
    assert_eq!(
        one("2026-12-01"),
        "0.0002 USD  for 1 chat request with Llama-3.1 8B
  rates   from 2026-12-01, in force on 2026-12-01
  input   1000 tokens x 0.12 USD per 1000000 = 0.00012 USD
  output  500 tokens x 0.2 USD per 1000000 = 0.0001 USD
  price   0.00012 + 0.0001 = 0.00022 USD
  shown   rounded half-up to 4 places
"
    );
    // One request in JSON says which rates it used, and since when.
    let json: serde_json::Value = serde_json::from_str(&ok(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["--model", "Llama-3.1 8B", "--input-tokens", "1000000"])
        .args(["--output-tokens", "1000000", "--as-of", "2026-12-01"])
        .args(["--format", "json"])))
    .unwrap();
    assert_eq!(json["input_rate"], "0.12");
    assert_eq!(json["output_rate"], "0.2");
    assert_eq!(json["rate_from"], "2026-12-01");
    assert_eq!(json["exact"], "0.32");
    assert_eq!(json["tariff"]["priced_on"], "2026-12-01");
    // An undated model says so.
    let json: serde_json::Value = serde_json::from_str(&ok(dis().args([
        "--model",
        "Llama-3.3 70B",
        "--input-tokens",
        "1",
        "--output-tokens",
        "1",
        "--format",
        "json",
    ])))
    .unwrap();
    assert!(json["rate_from"].is_null(), "{json}");
    // A day before the first rate has no price.
    assert_bad_input(
        dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--model", "llama-3.1 8b", "--input-tokens", "1"])
            .args(["--output-tokens", "1", "--as-of", "2026-05-31"]),
        &[
            "error: model \"Llama-3.1 8B\" has no rate on 2026-05-31: its first rate takes effect on 2026-06-01",
        ],
    );
}

#[test]
fn a_second_model_prices_at_the_rate_of_the_day_asked() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    let one = |day: &str| {
        ok(dis().arg("--tariff").arg(&path).args([
            "--model",
            "chatterbox",
            "--seconds",
            "0.5",
            "--as-of",
            day,
        ]))
    };
    assert_eq!(
        one("2026-11-30"),
        "0.0030 USD  for 0.5 seconds of audio with Chatterbox
  rate     from 2026-06-01, in force on 2026-11-30
  seconds  0.5, below the minimum of 1 s per request: 1 s charged
  price    1 s x 0.003 USD/s = 0.003 USD
"
    );
    assert_eq!(
        one("2026-12-01"),
        "0.0036 USD  for 0.5 seconds of audio with Chatterbox
  rate     from 2026-12-01, in force on 2026-12-01
  seconds  0.5, below the minimum of 1 s per request: 1 s charged
  price    1 s x 0.0036 USD/s = 0.0036 USD
"
    );
    assert_bad_input(
        dis().arg("--tariff").arg(&path).args([
            "--model",
            "chatterbox",
            "--seconds",
            "2",
            "--as-of",
            "2026-05-31",
        ]),
        &["model \"Chatterbox\" has no rate on 2026-05-31"],
    );
}

#[test]
fn models_and_validate_show_dated_token_and_second_rates() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    assert_eq!(
        ok(dis().arg("validate").arg(&path)),
        format!("{}: valid, 4 models, 0 warnings\n", path.display())
    );
    let table = ok(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["models", "--as-of", "2026-12-01"]));
    assert!(
        table.contains(
            "│ Llama-3.1 8B       ┆ 0.12 USD in        ┆ chat: --input-tokens   ┆ no        │\n│                    ┆ 0.2 USD out        ┆ and --output-tokens    ┆           │\n│                    ┆ per 1000000 tokens ┆ read 2026-11-25        ┆           │\n│                    ┆ from 2026-12-01    ┆                        ┆           │"
        ) && table.contains("│                    ┆ min 1 s/request    ┆                        ┆           │\n│                    ┆ from 2026-12-01    ┆"),
        "{table}"
    );
    let before = ok(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["models", "--as-of", "2026-05-01"]));
    // Both dated models have no rate that day; the undated chat model keeps its own.
    assert_eq!(before.matches("┆ none yet ").count(), 2, "{before}");
    assert_eq!(before.matches("2026-06-01").count(), 2, "{before}");
    assert!(before.contains("0.7 USD in"), "{before}");
    let json: serde_json::Value = serde_json::from_str(&ok(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["models", "--format", "json", "--as-of", "2026-11-30"])))
    .unwrap();
    let llama = &json["models"][1];
    assert_eq!(llama["input_rate"], "0.1");
    assert_eq!(llama["rate_from"], "2026-06-01");
    assert_eq!(
        llama["rates"],
        serde_json::json!([
            { "from": "2026-06-01", "input_rate": "0.1", "output_rate": "0.16" },
            { "from": "2026-12-01", "input_rate": "0.12", "output_rate": "0.2" },
        ])
    );
    assert_eq!(
        json["models"][3]["rates"],
        serde_json::json!([
            { "from": "2026-06-01", "rate": "0.003" },
            { "from": "2026-12-01", "rate": "0.0036" },
        ])
    );
    // Before the first rate, no rate is shown as if it were in force.
    let json: serde_json::Value = serde_json::from_str(&ok(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["models", "--format", "json", "--as-of", "2026-05-01"])))
    .unwrap();
    assert!(
        json["models"][1]["input_rate"].is_null() && json["models"][3]["rate"].is_null(),
        "{json}"
    );
}

#[test]
fn bad_dated_token_and_second_rates_are_placed_errors() {
    let text = dated()
        .replace(
            "{ from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" }",
            "{ from = \"2026-05-01\", input_rate = \"0\", output_rate = \"0.20\" },\n  { from = \"2026-05-01\", input_rate = \"0.1\" },\n  { from = \"2026-02-30\", input_rate = \"0.1\", output_rate = \"0.2\", rate = \"1\" }",
        )
        .replace(
            "rates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },",
            "rate = \"0.003\"\nrates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },",
        );
    let (_d, path) = temp_file("bad.toml", text.as_bytes());
    let err = assert_bad_input(
        dis().arg("validate").arg(&path),
        &[
            "bad.toml:60:39: models.\"Llama-3.1 8B\".rates[1].input_rate: the rate must be greater than 0, got 0",
            "bad.toml:61:3: models.\"Llama-3.1 8B\".rates[2].output_rate: missing required key `output_rate` in [models.\"Llama-3.1 8B\".rates[2]]",
            "bad.toml:62:12: models.\"Llama-3.1 8B\".rates[3].from: \"2026-02-30\" is not a date: day 30 is not 01 to 28 (2026-02 has 28 days)",
            "bad.toml:62:67: models.\"Llama-3.1 8B\".rates[3].rate: unknown key `rate` (known here: from, input_rate, output_rate)",
            "models.Chatterbox: model \"Chatterbox\" has both `rate` and `rates`; give one",
        ],
    );
    assert!(err.contains("5 problems"), "{err}");
    // Oldest first, one per day.
    let text = dated().replace(
        "{ from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" }",
        "{ from = \"2026-05-01\", input_rate = \"0.12\", output_rate = \"0.20\" },\n  { from = \"2026-05-01\", input_rate = \"0.13\", output_rate = \"0.20\" }",
    );
    let (_e, path) = temp_file("order.toml", text.as_bytes());
    assert_bad_input(
        dis().arg("validate").arg(&path),
        &[
            "order.toml:60:12: models.\"Llama-3.1 8B\".rates[1].from: from 2026-05-01 comes before the change above it (models.\"Llama-3.1 8B\".rates[0].from = 2026-06-01); list rate changes oldest first, one per day",
            "order.toml:61:12: models.\"Llama-3.1 8B\".rates[2].from: from 2026-05-01 is the same day as the change above it",
        ],
    );
    // Both kinds of rate, neither, or an empty list.
    for (from, to, needle) in [
        (
            "rates = [\n  { from = \"2026-06-01\", input_rate",
            "input_rate = \"1\"\nrates = [\n  { from = \"2026-06-01\", input_rate",
            "model \"Llama-3.1 8B\" has both `input_rate` and `output_rate` and `rates`",
        ),
        (
            "rates = [\n  { from = \"2026-06-01\", input_rate = \"0.10\", output_rate = \"0.16\" },\n  { from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" },\n]",
            "",
            "model \"Llama-3.1 8B\" has no rate: give input_rate = \"0.10\", output_rate = \"0.16\", or `rates = [{ from = \"2026-12-01\", input_rate = \"0.10\", output_rate = \"0.16\" }]`",
        ),
        (
            "rates = [\n  { from = \"2026-06-01\", rate = \"0.0030\" },\n  { from = \"2026-12-01\", rate = \"0.0036\" },\n]",
            "rates = []",
            "models.Chatterbox.rates: `rates` is empty; list at least one { from = \"YYYY-MM-DD\", rate = \"...\" }",
        ),
    ] {
        let text = dated().replace(from, to);
        assert_ne!(text, dated(), "{from}");
        let (_f, path) = temp_file("t.toml", text.as_bytes());
        assert_bad_input(dis().arg("validate").arg(&path), &[needle]);
    }
}

#[test]
fn the_schema_accepts_dated_token_and_second_rates() {
    let schema: serde_json::Value =
        serde_json::from_str(&ok(dis().args(["tariff", "--schema"]))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let as_json =
        |text: &str| serde_json::to_value(toml::from_str::<toml::Value>(text).unwrap()).unwrap();
    let good = as_json(&dated());
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(validator.is_valid(&as_json(BUILTIN)));
    // What the loader refuses, the schema refuses: both forms, an entry missing a key, an
    // image key in an entry.
    for (from, to) in [
        (
            "rates = [\n  { from = \"2026-06-01\", input_rate",
            "input_rate = \"1\"\nrates = [\n  { from = \"2026-06-01\", input_rate",
        ),
        (
            "{ from = \"2026-12-01\", input_rate = \"0.12\", output_rate = \"0.20\" }",
            "{ from = \"2026-12-01\", input_rate = \"0.12\" }",
        ),
        (
            "{ from = \"2026-12-01\", rate = \"0.0036\" }",
            "{ from = \"2026-12-01\", rate = \"0.0036\", minimum = \"1\" }",
        ),
        (
            "{ from = \"2026-12-01\", rate = \"0.0036\" }",
            "{ from = \"2026-12-01\", rate = \"0\" }",
        ),
    ] {
        let text = dated().replace(from, to);
        assert_ne!(text, dated(), "{from}");
        assert!(!validator.is_valid(&as_json(&text)), "accepted: {to}");
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        assert_eq!(run(dis().arg("validate").arg(&path)).0, 2, "{to}");
    }
}

#[test]
fn diff_lists_and_gates_a_token_rate_change() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    let (code, out, err) = run(dis()
        .arg("diff")
        .arg(&path)
        .args(["--as-of", "2026-11-30", "--to", "2026-12-01"])
        .args(["--steps", "10", "--sizes", "256", "--format", "csv"])
        .args(["--fail-above", "20"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "kind,model,steps,size,old,new,difference,percent,always_fails,effect,old_day,new_day
cell,flux-dev,10,256x256,0.0008,0.0008,0,0.00,false,,2026-11-30,2026-12-01
input-rate,Llama-3.1 8B,,,0.1 per 1000000,0.12 per 1000000,,+20.00,false,an input token pays +20.00%,2026-11-30,2026-12-01
output-rate,Llama-3.1 8B,,,0.16 per 1000000,0.2 per 1000000,,+25.00,false,an output token pays +25.00%,2026-11-30,2026-12-01
rate,Chatterbox,,,0.003,0.0036,,+20.00,false,a second of audio pays +20.00%,2026-11-30,2026-12-01
"
    );
    assert_eq!(
        err,
        "price rise: 1 change(s) go past --fail-above 20%; the first: Llama-3.1 8B output-rate 0.16 per 1000000 -> 0.2 per 1000000: an output token pays +25.00%\n"
    );
    // Within one rate's days nothing changed.
    let (code, out, _) = run(dis()
        .arg("diff")
        .arg(&path)
        .args(["--as-of", "2026-11-01", "--to", "2026-11-30"])
        .args(["--steps", "10", "--sizes", "256", "--format", "csv"])
        .args(["--fail-above", "0"]));
    assert_eq!(code, 0);
    assert!(!out.contains("rate,"), "{out}");
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
        "0.000246 USD buys 3 request(s) of 500 input and 200 output tokens with Llama-3.1 8B at 0.000082 USD each: 0.0002 USD, 0.0000 USD left (rounded down)\n"
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
fn token_and_second_flags_take_plain_digits_and_say_what_to_write() {
    let seconds: [(&str, &str); 12] = [
        (
            "1e30",
            "\"1e30\" is written with an exponent and is more seconds than can be held exactly (at most 79228162514264337593543950335, to 28 decimal places); write seconds as plain digits, e.g. 12.5",
        ),
        (
            "1e3",
            "\"1e3\" is written with an exponent; write seconds as plain digits: 1000",
        ),
        (
            "1e-30",
            "\"1e-30\" is written with an exponent and has more decimal places than can be held exactly (at most 28); write seconds as plain digits, e.g. 12.5",
        ),
        (
            "-0",
            "\"-0\" has a minus sign; seconds are 0 or more: write 0",
        ),
        (
            "-1",
            "\"-1\" is negative; seconds of audio are 0 or more (e.g. 12.5)",
        ),
        (
            "0x10",
            "\"0x10\" is a hexadecimal number; write seconds as plain digits: 16",
        ),
        (
            "1_000",
            "\"1_000\" has digit separators; write seconds as plain digits: 1000",
        ),
        (
            "+5",
            "\"+5\" has a plus sign; write seconds as plain digits: 5",
        ),
        (
            " 5",
            "\" 5\" has blank space around it; write seconds as plain digits: 5",
        ),
        (
            ".5",
            "\".5\" has a bare decimal point; write seconds as plain digits: 0.5",
        ),
        (
            "99999999999999999999999999999999",
            "\"99999999999999999999999999999999\" is more seconds than can be held exactly (at most 79228162514264337593543950335, to 28 decimal places)",
        ),
        (
            "12.5s",
            "\"12.5s\" is not a number of seconds (expected e.g. 12 or 12.5)",
        ),
    ];
    for (given, said) in seconds {
        let (code, out, err) = run(dis().args(["--model", "chatterbox", "--seconds", given]));
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                2,
                "",
                format!("error: invalid value '{given}' for '--seconds <S>': {said}\n\nFor more information, try '--help'.\n").as_str()
            ),
            "{given}"
        );
    }
    let tokens: [(&str, &str); 9] = [
        (
            "1e30",
            "\"1e30\" is written with an exponent and is more than 18446744073709551615, the most tokens accepted; write a token count as plain digits, e.g. 1500",
        ),
        (
            "1e3",
            "\"1e3\" is written with an exponent; write a token count as plain digits: 1000",
        ),
        (
            "1e-3",
            "\"1e-3\" is written with an exponent and is not a whole number of tokens; write a token count as plain digits, e.g. 1500",
        ),
        (
            "-0",
            "\"-0\" has a minus sign; a token count is 0 or more: write 0",
        ),
        (
            "0x10",
            "\"0x10\" is a hexadecimal number; write a token count as plain digits: 16",
        ),
        (
            "1,000",
            "\"1,000\" has digit separators; write a token count as plain digits: 1000",
        ),
        (
            "+5",
            "\"+5\" has a plus sign; write a token count as plain digits: 5",
        ),
        (
            "5 ",
            "\"5 \" has blank space around it; write a token count as plain digits: 5",
        ),
        (
            "18446744073709551616",
            "\"18446744073709551616\" is larger than 18446744073709551615, the most tokens accepted",
        ),
    ];
    for (given, said) in tokens {
        for flag in ["--input-tokens", "--output-tokens"] {
            let other = if flag == "--input-tokens" {
                "--output-tokens"
            } else {
                "--input-tokens"
            };
            let (code, out, err) =
                run(dis().args(["--model", "Llama-3.1 8B", other, "1", flag, given]));
            assert_eq!(
                (code, out.as_str(), err.as_str()),
                (
                    2,
                    "",
                    format!("error: invalid value '{given}' for '{flag} <N>': {said}\n\nFor more information, try '--help'.\n").as_str()
                ),
                "{flag} {given}"
            );
        }
    }
    // afford reads the same flags the same way.
    let (code, _, err) = run(dis().args([
        "afford",
        "--budget",
        "1",
        "--model",
        "chatterbox",
        "--seconds",
        "1e30",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("\"1e30\" is written with an exponent"),
        "{err}"
    );
    // A grid's list of seconds too.
    let (code, _, err) = run(dis().args(["table", "--model", "chatterbox", "--seconds", "1, 1e3"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--seconds \"1, 1e3\": \"1e3\" is written with an exponent; write seconds as plain digits: 1000"),
        "{err}"
    );
}

#[test]
fn a_batch_prices_chat_and_speech_lines_at_the_rate_of_their_day() {
    let (_d, path) = temp_file("dated.toml", dated().as_bytes());
    // Chat results carry the API's `created` (1796083200 is 2026-12-01T00:00:00Z); other
    // metered lines may give `date`; a line without one is priced on --as-of.
    let lines = r#"{"id":"c1","object":"chat.completion","created":1796083199,"model":"Llama-3.1 8B","choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}}
{"id":"c2","object":"chat.completion","created":1796083200,"model":"Llama-3.1 8B","choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}}
{"model":"chatterbox","seconds":10,"date":"2026-11-30"}
{"model":"chatterbox","seconds":10,"date":"2026-12-01"}
{"model":"chatterbox","seconds":10}
"#;
    let (_e, file) = temp_file("m.jsonl", lines.as_bytes());
    let batch = |day: &str| {
        run(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["batch", "--format", "csv", "--as-of", day])
            .arg(&file))
    };
    // The named columns of the first five rows (the jobs), found by the header's names.
    let columns = |out: &str, names: &[&str]| -> Vec<Vec<String>> {
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at: Vec<usize> = names
            .iter()
            .map(|n| {
                header
                    .iter()
                    .position(|h| h == n)
                    .unwrap_or_else(|| panic!("{n}: {out}"))
            })
            .collect();
        lines
            .take(5)
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                at.iter().map(|&i| cells[i].to_owned()).collect()
            })
            .collect()
    };
    let names = ["price", "date", "rate", "input_rate", "output_rate", "per"];
    // 0.1 + 0.16 the second before the change, then 0.12 + 0.2 from its first second; 10 s
    // at 0.003 the day before, at 0.0036 on the day, then on --as-of.
    let (code, out, err) = batch("2026-11-25");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        columns(&out, &names),
        [
            ["0.2600", "2026-11-30", "", "0.1", "0.16", "1000000"],
            ["0.3200", "2026-12-01", "", "0.12", "0.2", "1000000"],
            ["0.0300", "2026-11-30", "0.003", "", "", ""],
            ["0.0360", "2026-12-01", "0.0036", "", "", ""],
            ["0.0300", "2026-11-25", "0.003", "", "", ""],
        ],
        "{out}"
    );
    let (code, out, err) = batch("2026-12-05");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        columns(&out, &names)[4],
        ["0.0360", "2026-12-05", "0.0036", "", "", ""],
        "{out}"
    );
    // A line's day before the model's first rate is an error naming the line, as is an
    // undated line on such a day. Rows stream: the four before it are written, with no total.
    let (code, out, err) = batch("2026-05-01");
    assert_eq!(code, 2);
    assert_eq!(
        columns(&out, &names)[..4],
        [
            ["0.2600", "2026-11-30", "", "0.1", "0.16", "1000000"],
            ["0.3200", "2026-12-01", "", "0.12", "0.2", "1000000"],
            ["0.0300", "2026-11-30", "0.003", "", "", ""],
            ["0.0360", "2026-12-01", "0.0036", "", "", ""],
        ],
        "{out}"
    );
    assert_eq!(out.lines().count(), 5, "{out}");
    assert_eq!(
        err,
        "error: line 5: date \"2026-05-01\": is before the first rate of model \"Chatterbox\", which takes effect on 2026-06-01 (the line has no date, so it is priced on --as-of, or today); the tariff has no price for that day\n"
    );
    let early = r#"{"model":"Llama-3.1 8B","input_tokens":1,"output_tokens":1,"created":"2026-05-31T23:00:00Z"}
"#;
    let (_f, file) = temp_file("early.jsonl", early.as_bytes());
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).arg("batch").arg(&file));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: line 1: date \"2026-05-31\": is before the first rate of model \"Llama-3.1 8B\", which takes effect on 2026-06-01; the tariff has no price for that day\n"
    );
    // Two days on one line, or one that is not a day, are errors.
    for (line, needle) in [
        (
            r#"{"model":"chatterbox","seconds":1,"created":1796083200,"date":"2026-12-01"}"#,
            "error: line 1: date \"2026-12-01\": is given beside created; a line gives its day once (created or date)",
        ),
        (
            r#"{"model":"chatterbox","seconds":1,"date":"2026-02-30"}"#,
            "error: line 1: date \"2026-02-30\":",
        ),
        (
            r#"{"model":"chatterbox","seconds":1,"date":true}"#,
            "error: line 1: date \"true\": is not a day",
        ),
    ] {
        let (_g, file) = temp_file("bad.jsonl", format!("{line}\n").as_bytes());
        assert_bad_input(
            dis().arg("--tariff").arg(&path).arg("batch").arg(&file),
            &[needle],
        );
    }
    // A CSV row of tokens or seconds may carry its date too.
    let csv = "model,input_tokens,output_tokens,seconds,date\nLlama-3.1 8B,1000000,0,,2026-11-30\nLlama-3.1 8B,1000000,0,,2026-12-01\n";
    let (_h, file) = temp_file("m.csv", csv.as_bytes());
    assert_eq!(
        ok(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["batch", "--format", "plain"])
            .arg(&file)),
        "0.2200\n"
    );
}
