//! Dated rates for token and second models: one request, batches, `diff`, `models`, `validate`
//! and the schema.

use crate::support::{BUILTIN, assert_bad_input, dis, run, temp_file};

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
  input   1000 tokens x 0.1 USD per 1,000,000 = 0.0001 USD
  output  500 tokens x 0.16 USD per 1,000,000 = 0.00008 USD
  price   0.0001 + 0.00008 = 0.00018 USD
  shown   rounded half-up to 4 places
"
    );
    assert_eq!(
        one("2026-12-01"),
        "0.0002 USD  for 1 chat request with Llama-3.1 8B
  rates   from 2026-12-01, in force on 2026-12-01
  input   1000 tokens x 0.12 USD per 1,000,000 = 0.00012 USD
  output  500 tokens x 0.2 USD per 1,000,000 = 0.0001 USD
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
            "│ Llama-3.1 8B        ┆ 0.12 USD in        ┆ chat: --input-tokens  ┆ no        │\n│ alias llama-3.1-8b  ┆ 0.2 USD out        ┆ and --output-tokens   ┆           │\n│                     ┆ per 1,000,000      ┆ default cap 128 out   ┆           │\n│                     ┆ tokens             ┆ read 2026-11-25       ┆           │\n│                     ┆ from 2026-12-01    ┆                       ┆           │"
        ) && table.contains("│                     ┆ min 1 s/request    ┆ read 2026-11-25       ┆           │\n│                     ┆ from 2026-12-01    ┆"),
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
            "bad.toml:61:39: models.\"Llama-3.1 8B\".rates[1].input_rate: the rate must be greater than 0, got 0",
            "bad.toml:62:3: models.\"Llama-3.1 8B\".rates[2].output_rate: missing required key `output_rate` in [models.\"Llama-3.1 8B\".rates[2]]",
            "bad.toml:63:12: models.\"Llama-3.1 8B\".rates[3].from: \"2026-02-30\" is not a date: day 30 is not 01 to 28 (2026-02 has 28 days)",
            "bad.toml:63:67: models.\"Llama-3.1 8B\".rates[3].rate: unknown key `rate` (known here: from, input_rate, output_rate)",
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
            "order.toml:61:12: models.\"Llama-3.1 8B\".rates[1].from: from 2026-05-01 comes before the change above it (models.\"Llama-3.1 8B\".rates[0].from = 2026-06-01); list rate changes oldest first, one per day",
            "order.toml:62:12: models.\"Llama-3.1 8B\".rates[2].from: from 2026-05-01 is the same day as the change above it",
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
