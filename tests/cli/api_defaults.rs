//! What the API bills for what a client leaves out: an image request body priced at the
//! model's defaults and marked so in every format, and chat results as the OpenAI SDK logs
//! them (tests/fixtures/openai).

use crate::support::{assert_bad_input, dis, run};

fn batch(text: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["batch", "-"])
        .args(args)
        .env("DIS_PRICE_TODAY", "2026-12-06")
        .write_stdin(text.to_owned()))
}

#[test]
fn a_request_body_takes_the_apis_defaults_and_every_format_says_so() {
    let text = "{\"model\": \"flux-dev\", \"prompt\": \"a cat\"}\n{\"model\": \"flux-dev\", \"prompt\": \"a dog\", \"size\": \"512x512\", \"n\": 2}\n{\"steps\": 20, \"size\": \"512x512\"}\n";
    // 10 steps, 768x768, one image: 0.0068; 10 steps, 512x512, two images: 0.0060.
    let (code, out, err) = batch(text, &["--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\n1,flux-dev,exact,10,768x768,1,5.625,,,,,0.00678375,0.0068\n"),
        "{out}"
    );
    assert!(
        out.contains("\n2,flux-dev,exact,10,512x512,2,5,,,,,0.00603,0.0060\n"),
        "{out}"
    );
    assert_eq!(
        err,
        "note: 2 job(s) priced at the API's default for a key they left out (--format json lists them per job)\n"
    );
    let (code, json, _) = batch(text, &["--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let defaults: Vec<_> = json["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["defaults"].clone())
        .collect();
    assert_eq!(
        defaults,
        [
            serde_json::json!(["steps", "size", "n"]),
            serde_json::json!(["steps"]),
            // A job row, not a request body: as before, nothing is marked.
            serde_json::json!([]),
        ]
    );
    assert_eq!(json["defaulted"], 2);
    let (_, summary, _) = batch(text, &["--format", "json", "--summary"]);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["defaulted"], 2);
    let (_, table, _) = batch(text, &["--format", "table"]);
    // The drawn table names what each row left to the API's default under its usage.
    assert!(
        table.contains(
            "│    1 ┆ flux-dev ┆ exact ┆ 10 steps, 768x768           ┆ 0.0068 │\n\
             │      ┆          ┆       ┆ 1 image, 5.625 units        ┆        │\n\
             │      ┆          ┆       ┆ default: steps, size, count ┆        │\n\
             │    2 ┆ flux-dev ┆ exact ┆ 10 steps, 512x512           ┆ 0.0060 │\n\
             │      ┆          ┆       ┆ 2 images, 5 units           ┆        │\n\
             │      ┆          ┆       ┆ default: steps              ┆        │\n\
             │    3 ┆ flux-dev ┆ exact ┆ 20 steps, 512x512           ┆ 0.0060 │\n\
             │      ┆          ┆       ┆ 1 image, 5 units            ┆        │\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("2 job(s) priced at the API's default"),
        "{table}"
    );
    let (_, markdown, _) = batch(text, &["--format", "markdown"]);
    assert!(
        markdown.contains("| 10 (default) | 768x768 (default) | 1 (default) |"),
        "{markdown}"
    );
    let (_, plain, _) = batch(text, &["--format", "plain"]);
    assert_eq!(plain, "0.0188\n");
}

#[test]
fn lines_with_no_prompt_and_no_price_key_stay_refused() {
    for line in [
        "{}",
        "{\"model\": \"flux-dev\"}",
        "{\"model\": \"flux-dev\", \"seed\": 3}",
    ] {
        let err = assert_bad_input(
            dis().args(["batch", "-"]).write_stdin(format!("{line}\n")),
            &["line 1", "no key sets the price", "--defaults-ok"],
        );
        assert!(!err.contains("note:"), "{err}");
    }
}

#[test]
fn chat_results_logged_by_the_openai_sdk_are_priced_from_usage() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/openai/chat_results.jsonl"
    );
    let (code, out, err) = run(dis().args(["batch", path, "--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\n1,Llama-3.1 8B,exact,,,,,12,40,,,0.0000076,0.00001"),
        "{out}"
    );
    assert!(
        out.contains("\n2,Llama-3.3 70B,exact,,,,,1000,250,,,0.0009,0.0009"),
        "{out}"
    );
    // A field that could change the price and is not understood stays an error.
    let line = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    for (from, to, said) in [
        (
            "\"moderation\":null",
            "\"moderation\":{\"flagged\":true}",
            "moderation",
        ),
        (
            "\"metadata\":null",
            "\"metadata\":null,\"billing\":1",
            "billing",
        ),
        (
            "\"total_tokens\":52",
            "\"total_tokens\":53",
            "does not add up",
        ),
    ] {
        assert!(line.contains(from), "{from}");
        let bad = line.replace(from, to);
        assert_bad_input(
            dis().args(["batch", "-"]).write_stdin(format!("{bad}\n")),
            &["line 1", said],
        );
    }
    // --ignore-key moderation prices the usage alone, as the message says.
    let flagged = line.replace("\"moderation\":null", "\"moderation\":{\"flagged\":true}");
    let (code, out, err) = run(dis()
        .args([
            "batch",
            "-",
            "--ignore-key",
            "moderation",
            "--format",
            "plain",
        ])
        .write_stdin(format!("{flagged}\n")));
    assert_eq!((code, out.as_str()), (0, "0.00001\n"), "{err}");
}

#[test]
fn the_default_cap_is_tariff_data_that_validate_checks_and_models_shows() {
    let builtin = include_str!("../../tariffs/distribute.toml");
    let models: serde_json::Value =
        serde_json::from_str(&crate::support::stdout_of(&["models", "--format", "json"])).unwrap();
    let caps: Vec<_> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["default_max_completion_tokens"].clone(),
            )
        })
        .collect();
    assert!(
        caps.contains(&("Llama-3.1 8B".to_owned(), 128.into())),
        "{caps:?}"
    );
    assert!(
        caps.contains(&("Llama-3.3 70B".to_owned(), 128.into())),
        "{caps:?}"
    );
    for (from, to, said) in [
        (
            "default_max_completion_tokens = 128\n",
            "default_max_completion_tokens = 0\n",
            "0 is not a whole number from 1",
        ),
        (
            "minimum_seconds = \"1\"",
            "minimum_seconds = \"1\"\ndefault_max_completion_tokens = 128",
            "unknown key `default_max_completion_tokens`",
        ),
    ] {
        assert!(builtin.contains(from), "{from}");
        let (_dir, path) =
            crate::support::temp_file("t.toml", builtin.replacen(from, to, 1).as_bytes());
        assert_bad_input(dis().arg("validate").arg(&path), &[said]);
    }
}
