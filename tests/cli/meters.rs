//! Token and second meters: the tariff, one request, the grid, and the image-only commands.

use crate::support::{BUILTIN, assert_bad_input, dis, run, stdout_of, temp_file};

/// One request's output in `format`.
fn priced(args: &[&str]) -> (i32, String, String) {
    run(dis().args(args))
}

#[test]
fn a_chat_request_is_priced_exactly_in_every_format() {
    let args = [
        "--model",
        "Llama-3.3 70B",
        "--input-tokens",
        "1500",
        "--output-tokens",
        "400",
    ];
    assert_eq!(
        priced(&args),
        (
            0,
            "0.0014 USD  for 1 chat request with Llama-3.3 70B\n  \
             input   1500 tokens x 0.7 USD per 1,000,000 = 0.00105 USD\n  \
             output  400 tokens x 0.8 USD per 1,000,000 = 0.00032 USD\n  \
             price   0.00105 + 0.00032 = 0.00137 USD\n  \
             shown   rounded half-up to 4 places\n"
                .to_owned(),
            String::new()
        )
    );
    let plain = [&args[..], &["--format", "plain"]].concat();
    assert_eq!(stdout_of(&plain), "0.0014\n");
    let json = [&args[..], &["--format", "json"]].concat();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&json)).unwrap();
    assert_eq!(v["meter"], "token");
    assert_eq!(v["exact"], "0.00137");
    assert_eq!(v["price"], "0.0014");
    assert_eq!(v["input_exact"], "0.00105");
    assert_eq!(v["output_exact"], "0.00032");
    assert_eq!(v["per"], 1_000_000);
    // The id is matched ignoring case, spaces included.
    let lower = [
        "--model",
        "llama-3.3 70b",
        "--input-tokens",
        "1500",
        "--output-tokens",
        "400",
        "--format",
        "plain",
    ];
    assert_eq!(stdout_of(&lower), "0.0014\n");
}

#[test]
fn a_cost_that_is_not_zero_is_never_shown_as_zero() {
    let args = [
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "100",
        "--output-tokens",
        "0",
    ];
    let plain = [&args[..], &["--format", "plain"]].concat();
    assert_eq!(stdout_of(&plain), "0.00001\n");
    let text = stdout_of(&args);
    // Exactly 0.00001: not rounded, but shown at a place past the tariff's 4, and said so.
    assert!(
        text.starts_with("0.00001 USD  for 1 chat request with Llama-3.1 8B\n")
            && text.ends_with("  shown   at 5 places, not 4, so that it does not show as zero\n"),
        "{text}"
    );
    // 0.000015 exactly: rounded once, at the first place where it is not zero, and said so.
    let text = stdout_of(&[
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "150",
        "--output-tokens",
        "0",
    ]);
    assert!(
        text.starts_with("0.00002 USD  for 1 chat request with Llama-3.1 8B\n")
            && text.ends_with(
                "  shown   rounded half-up to 5 places, not 4, so that it does not show as zero\n"
            ),
        "{text}"
    );
    let json = [&args[..], &["--format", "json"]].concat();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&json)).unwrap();
    assert_eq!(
        (v["exact"].as_str(), v["price"].as_str()),
        (Some("0.00001"), Some("0.00001"))
    );
    // A true zero stays zero, at the tariff's places.
    let zero = [
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "0",
        "--output-tokens",
        "0",
        "--format",
        "plain",
    ];
    assert_eq!(stdout_of(&zero), "0.0000\n");
}

#[test]
fn the_budget_gate_compares_exact_amounts() {
    // 0.00001 exactly: a budget of 0.00001 passes, one of 0.000009 fails.
    let args = [
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "100",
        "--output-tokens",
        "0",
        "--format",
        "plain",
    ];
    let (code, out, _) = run(dis().args(args).args(["--budget", "0.00001"]));
    assert_eq!((code, out.as_str()), (0, "0.00001\n"));
    let (code, out, err) = run(dis().args(args).args(["--budget", "0.000009"]));
    assert_eq!((code, out.as_str()), (1, "0.00001\n"));
    assert!(err.contains("over budget"), "{err}");
}

#[test]
fn speech_is_priced_per_second_with_a_minimum_per_request() {
    assert_eq!(
        stdout_of(&["--model", "chatterbox", "--seconds", "0.5"]),
        "0.0030 USD  for 0.5 seconds of audio with Chatterbox\n  \
         seconds  0.5, below the minimum of 1 s per request: 1 s charged\n  \
         price    1 s x 0.003 USD/s = 0.003 USD\n"
    );
    assert_eq!(
        stdout_of(&[
            "--model",
            "Chatterbox",
            "--seconds",
            "12.25",
            "--format",
            "plain"
        ]),
        "0.0368\n"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "--model",
        "Chatterbox",
        "--seconds",
        "12.25",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        (
            v["exact"].as_str(),
            v["seconds_charged"].as_str(),
            v["minimum_applied"].as_bool()
        ),
        (Some("0.03675"), Some("12.25"), Some(false))
    );
    let (code, out, err) = run(dis().args([
        "--model",
        "chatterbox",
        "--seconds",
        "100",
        "--budget",
        "0.29",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("0.3000 USD"), "{out}");
}

#[test]
fn flags_of_another_meter_name_the_flags_the_model_takes() {
    assert_bad_input(
        dis().args(["--model", "chatterbox", "--steps", "3"]),
        &["--steps is not for model \"Chatterbox\", which bills per second; it takes --seconds"],
    );
    assert_bad_input(
        dis().args([
            "--model",
            "Llama-3.1 8B",
            "--size",
            "512",
            "--input-tokens",
            "1",
            "--output-tokens",
            "1",
        ]),
        &[
            "--size is not for model \"Llama-3.1 8B\", which bills per token; it takes --input-tokens and --output-tokens",
        ],
    );
    assert_bad_input(
        dis().args(["--input-tokens", "4", "--seconds", "2"]),
        &[
            "--input-tokens, --seconds are not for model \"Flux.1 [dev]\", which bills per megapixel-step; it takes --steps, --size and --count",
        ],
    );
    assert_bad_input(
        dis().args(["--model", "Llama-3.1 8B", "--input-tokens", "5"]),
        &["bills per token: give --output-tokens"],
    );
    assert_bad_input(dis().args(["--model", "chatterbox"]), &["give --seconds"]);
    assert_bad_input(
        dis().args(["--model", "chatterbox", "--seconds", "-1"]),
        &["\"-1\" is negative; seconds of audio are 0 or more"],
    );
    assert_bad_input(
        dis().args([
            "--model",
            "Llama-3.1 8B",
            "--input-tokens",
            "1.5",
            "--output-tokens",
            "1",
        ]),
        &["\"1.5\" is not a token count"],
    );
}

#[test]
fn a_token_grid_and_a_seconds_grid() {
    assert_eq!(
        stdout_of(&["table", "--model", "Llama-3.1 8B"]),
        "\
Llama-3.1 8B bills per token: 0.1 USD per 1,000,000 input tokens, 0.16 USD per 1,000,000 output tokens; one request per cell
┌───────────────────────┬────────┬────────┬────────┐
│ input \\ output tokens ┆    100 ┆   1000 ┆ 10,000 │
╞═══════════════════════╪════════╪════════╪════════╡
│                  1000 ┆ 0.0001 ┆ 0.0003 ┆ 0.0017 │
│                10,000 ┆ 0.0010 ┆ 0.0012 ┆ 0.0026 │
│               100,000 ┆ 0.0100 ┆ 0.0102 ┆ 0.0116 │
└───────────────────────┴────────┴────────┴────────┘
"
    );
    assert_eq!(
        stdout_of(&[
            "table",
            "--model",
            "chatterbox",
            "--format",
            "csv",
            "--seconds",
            "0.5,12.25"
        ]),
        "seconds,seconds_charged,exact,price\n0.5,1,0.003,0.0030\n12.25,12.25,0.03675,0.0368\n"
    );
    assert_eq!(
        stdout_of(&[
            "table",
            "--model",
            "llama-3.3 70b",
            "--format",
            "csv",
            "--input-tokens",
            "10",
            "--output-tokens",
            "0,10"
        ]),
        "input_tokens,output_tokens,exact,price\n10,0,0.000007,0.00001\n10,10,0.000015,0.00002\n"
    );
    let md = stdout_of(&["table", "--model", "chatterbox", "--format", "markdown"]);
    assert!(
        md.starts_with("Chatterbox bills per second: ")
            && md.contains("\n\n| seconds | price |\n|---:|---:|\n| 1 | 0.0030 |\n"),
        "{md}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "table",
        "--model",
        "chatterbox",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["cells"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["cells"][4]["exact"], "0.9");
    assert_bad_input(
        dis().args(["table", "--model", "chatterbox", "--input-tokens", "5"]),
        &[
            "--input-tokens is not for model \"Chatterbox\", which bills per second; its grid takes --seconds",
        ],
    );
    assert_bad_input(
        dis().args(["table", "--model", "Llama-3.1 8B", "--steps", "5"]),
        &["--steps is not for model"],
    );
    assert_bad_input(
        dis().args(["table", "--seconds", "3"]),
        &["its grid takes --steps and --sizes"],
    );
    assert_bad_input(
        dis().args(["table", "--model", "Llama-3.1 8B", "--input-tokens", "1,x"]),
        &["--input-tokens \"1,x\": \"x\" is not a token count"],
    );
}

#[test]
fn image_only_commands_refuse_or_skip_other_meters() {
    // `afford` counts chat and speech requests (tests/cli/meterextra.rs): without a token
    // count it asks for one.
    assert_bad_input(
        dis().args(["afford", "--model", "Llama-3.3 70B", "--budget", "1"]),
        &["model \"Llama-3.3 70B\" bills per token: give --input-tokens and --output-tokens"],
    );
    for command in ["fit", "check"] {
        let mut cmd = dis();
        cmd.args([command, "--model", "Llama-3.3 70B"]);
        assert_bad_input(
            &mut cmd,
            &[&format!(
                "`{command}` works on megapixel-step (image) models only; model \"Llama-3.3 70B\" bills per token"
            )],
        );
    }
    let out = stdout_of(&["check"]);
    assert!(
        out.ends_with("skipped, as check compares image prices only: Llama-3.1 8B (per token), Llama-3.3 70B (per token), Chatterbox (per second)\n"),
        "{out}"
    );
    // A second model with image cells only: a batch prices it from seconds.
    let (_d, jobs) = temp_file("jobs.csv", b"model,steps\nchatterbox,3\n");
    assert_bad_input(
        dis().args(["batch"]).arg(&jobs),
        &[
            "line 2",
            "bills per second, not per image; give the row's seconds",
        ],
    );
}

/// The built-in tariff with `extra` appended.
fn with(extra: &str) -> String {
    format!("{BUILTIN}\n{extra}\n")
}

#[test]
fn bad_meter_definitions_are_placed_errors() {
    let cases: [(&str, &[&str]); 7] = [
        (
            "[models.x]\nmeter = \"pixel\"\nname = \"X\"",
            &[
                "models.x.meter: unknown meter \"pixel\" (expected one of: megapixel-step, token, second)",
            ],
        ),
        (
            "[models.x]\nmeter = \"token\"\nname = \"X\"\nper = 3\ninput_rate = \"1\"\noutput_rate = \"1\"",
            &["models.x.per: per 3 is not a product of 2s and 5s"],
        ),
        (
            "[models.x]\nmeter = \"token\"\nname = \"X\"\nper = 1000\ninput_rate = \"0\"\noutput_rate = \"1\"",
            &["models.x.input_rate: the rate must be greater than 0, got 0"],
        ),
        (
            "[models.x]\nmeter = \"token\"\nname = \"X\"\ninput_rate = \"1\"",
            &[
                "missing required key `per`",
                "missing required key `output_rate`",
            ],
        ),
        (
            "[models.x]\nmeter = \"second\"\nname = \"X\"\nrate = \"1\"\nminimum_seconds = \"-1\"",
            &["models.x.minimum_seconds: minimum_seconds must be 0 or more, got -1"],
        ),
        (
            "[models.x]\nmeter = \"second\"\nname = \"X\"\nrate = \"1\"\nsteps = { min = 1, max = 2, default = 1 }",
            &["models.x.steps: `steps` is not a key of second models"],
        ),
        (
            "[models.x]\nmeter = \"second\"\nname = \"X\"\nrate = \"1\"\nrates = [{ from = \"2026-12-01\", rate = \"1\" }]",
            &["models.x: model \"x\" has both `rate` and `rates`; give one"],
        ),
    ];
    for (extra, needles) in cases {
        let text = with(extra);
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        let err = assert_bad_input(dis().arg("validate").arg(&path), needles);
        // Every error is placed at a line and column.
        assert!(err.contains("t.toml:"), "{err}");
    }
    // A token model cannot be the default: image jobs without --model use it.
    let text = BUILTIN.replace(
        "default_model = \"flux-dev\"",
        "default_model = \"Chatterbox\"",
    );
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    assert_bad_input(
        dis().arg("validate").arg(&path),
        &[
            "default_model \"Chatterbox\" bills per second",
            "must be a megapixel-step model",
        ],
    );
}

#[test]
fn schema_1_tariffs_load_unchanged_and_refuse_schema_2_keys() {
    // The shipped image model alone, as schema 1, prices as before.
    let end = BUILTIN.find("\n# Chat models").expect("the chat section");
    let old = BUILTIN[..end].replace("schema = 2", "schema = 1");
    let (_d, path) = temp_file("old.toml", old.as_bytes());
    assert_eq!(
        stdout_of(&[
            "--tariff",
            path.to_str().unwrap(),
            "--steps",
            "20",
            "--size",
            "512",
            "--format",
            "plain"
        ]),
        "0.0060\n"
    );
    let (_e, newer) = temp_file(
        "newer.toml",
        format!("{old}\n[models.x]\nmeter = \"second\"\nname = \"X\"\nrate = \"1\"\n").as_bytes(),
    );
    assert_bad_input(
        dis().arg("validate").arg(&newer),
        &["`meter` is a schema 2 key; this tariff says schema = 1: write `schema = 2` at its top"],
    );
}

#[test]
fn models_lists_every_meter() {
    let out = stdout_of(&["models"]);
    assert!(
        out.contains(
            "│ Llama-3.1 8B        ┆ 0.1 USD in         ┆ chat: --input-tokens  ┆ no        │\n│ alias llama-3.1-8b  ┆ 0.16 USD out       ┆ and --output-tokens   ┆           │\n│                     ┆ per 1,000,000      ┆ default cap 128 out   ┆           │\n│                     ┆ tokens             ┆ read 2026-11-25       ┆           │"
        ) && out.contains(
            "│ Chatterbox          ┆ 0.003 USD          ┆ speech: --seconds     ┆ no        │"
        ) && out.contains("min 1 s/request"),
        "{out}"
    );
    assert!(
        out.lines()
            .all(|l| l.chars().count() <= 80 || l.starts_with("source:")),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&["models", "--format", "json"])).unwrap();
    let meters: Vec<&str> = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["meter"].as_str().unwrap())
        .collect();
    assert_eq!(meters, ["megapixel-step", "token", "token", "second"]);
    assert_eq!(v["models"][2]["output_rate"], "0.8");
    assert_eq!(
        v["models"][3]["source"],
        "https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-speech"
    );
}

#[test]
fn diff_compares_rates_per_meter_and_a_changed_meter_always_fails() {
    let new = BUILTIN
        .replace("input_rate = \"0.70\"", "input_rate = \"0.77\"")
        .replace("rate = \"0.0030\"", "rate = \"0.0033\"");
    let (_a, old_path) = temp_file("old.toml", BUILTIN.as_bytes());
    let (_b, new_path) = temp_file("new.toml", new.as_bytes());
    let (code, out, err) = run(dis()
        .args(["diff", "--format", "csv", "--steps", "10", "--sizes", "256"])
        .arg(&old_path)
        .arg(&new_path)
        .args(["--fail-above", "10"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("input-rate,Llama-3.3 70B,,,0.7 per 1000000,0.77 per 1000000,,+10.00,false,an input token pays +10.00%,,\n")
            && out.contains("rate,Chatterbox,,,0.003,0.0033,,+10.00,false,a second of audio pays +10.00%,,\n"),
        "{out}"
    );
    let (code, _, _) = run(dis()
        .args(["diff", "--format", "csv"])
        .arg(&old_path)
        .arg(&new_path)
        .args(["--fail-above", "9.99"]));
    assert_eq!(code, 1);
    // Chatterbox billed per token now: always fails, however high the gate.
    let switched = BUILTIN.replace(
        "meter = \"second\"\nname = \"Chatterbox\"",
        "meter = \"token\"\nname = \"Chatterbox\"\nper = 1000\ninput_rate = \"1\"\noutput_rate = \"1\"",
    );
    let switched = switched
        .replace(
            "rate = \"0.0030\"          # USD per second of generated audio\n",
            "",
        )
        .replace(
            "minimum_seconds = \"1\"    # each request is charged at least one second\n",
            "",
        )
        .replace(
            "input_chars = { min = 2, max = 4096 }   # the text to speak, as the speech API accepts it\n",
            "",
        );
    let (_c, switched_path) = temp_file("switched.toml", switched.as_bytes());
    let (code, out, err) = run(dis()
        .args(["diff", "--format", "csv"])
        .arg(&old_path)
        .arg(&switched_path)
        .args(["--fail-above", "1000"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("meter,Chatterbox,,,second,token,,,true,\"the model bills per token now, not per second: its prices cannot be compared\",,\n"),
        "{out}"
    );
}

/// An unknown key on a token model suggests the keys a token model takes, not the image keys
/// it would refuse.
#[test]
fn a_token_models_unknown_key_lists_only_its_own_keys() {
    let tariff = r#"schema = 2
provider = "X"
currency = "USD"
source = "https://example.com"
as_of = "2026-11-25"
default_model = "img"

[display]
decimals = 4
rounding = "half-up"

[models.img]
name = "Img"
unit = "megapixel-step"
unit_size = "1024x1024"
rate = "0.001"
steps = { min = 1, max = 50, default = 10 }
side = { min = 1, max = 1024 }
default_size = "512x512"

[models.chat]
meter = "token"
name = "Chat"
per = 1000000
input_rate = "0.1"
output_rate = "0.2"
minimum_seconds = "1"
"#;
    let (_dir, path) = crate::support::temp_file("t.toml", tariff.as_bytes());
    let out = crate::support::dis()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown key `minimum_seconds` (known here: aliases, as_of, default_max_completion_tokens, input_rate, meter, name, output_rate, per, rates, source)"),
        "{err}"
    );
}

/// One chat or speech request in JSON names the model's own price page and date.
#[test]
fn a_metered_request_names_its_models_own_source() {
    let out = crate::support::dis()
        .args([
            "--model",
            "chatterbox",
            "--seconds",
            "2",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        doc["model_source"]
            .as_str()
            .is_some_and(|s| s.ends_with("/billing/text-to-speech")),
        "{doc}"
    );
    assert_eq!(doc["model_as_of"], "2026-11-25");
}

/// The labels of a speech request's text line up in one column, as a chat request's do.
#[test]
fn a_speech_request_s_labels_line_up() {
    let text = stdout_of(&["--model", "chatterbox", "--seconds", "12.25"]);
    assert_eq!(
        text,
        "0.0368 USD  for 12.25 seconds of audio with Chatterbox\n  \
         price    12.25 s x 0.003 USD/s = 0.03675 USD\n  \
         shown    rounded half-up to 4 places\n"
    );
    let text = stdout_of(&["--model", "chatterbox", "--seconds", "0.5"]);
    let columns: Vec<usize> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.len()
                - l[2..]
                    .trim_start_matches(|c: char| c.is_ascii_lowercase())
                    .trim_start()
                    .len()
        })
        .collect();
    assert_eq!(columns, [11, 11], "{text}");
}

/// People's formats group the digits of counts, units and seconds of five whole digits or more;
/// scripts' formats keep plain digits.
#[test]
fn human_formats_group_large_counts_and_seconds() {
    let text = stdout_of(&["--model", "chatterbox", "--seconds", "12345.5"]);
    assert!(
        text.starts_with("37.0365 USD  for 12,345.5 seconds of audio with Chatterbox\n")
            && text.contains("  price    12,345.5 s x 0.003 USD/s = 37.0365 USD\n"),
        "{text}"
    );
    let json = stdout_of(&[
        "--model",
        "chatterbox",
        "--seconds",
        "12345.5",
        "--format",
        "json",
    ]);
    assert!(json.contains("\"12345.5\""), "{json}");
    let (_h, head) = temp_file("head.csv", b"steps,size,count\n20,1024x1024,100000\n");
    let (_b, base) = temp_file("base.csv", b"steps,size,count\n20,1024x1024,10000\n");
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&head)
        .arg("--baseline")
        .arg(&base)
        .args(["--format", "markdown"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\n| images | 10,000 | 100,000 | +90,000 |  |\n"),
        "{out}"
    );
    let (code, out, _) = run(dis()
        .arg("batch")
        .arg(&head)
        .arg("--baseline")
        .arg(&base)
        .args(["--format", "json"]));
    assert_eq!(code, 0);
    assert!(out.contains("\"images\": 100000"), "{out}");
}
