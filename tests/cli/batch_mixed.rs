//! A whole workload in one batch file: image jobs, chat results, chat request bounds, speech
//! estimates and token or seconds rows, in JSON Lines and CSV.

use crate::support::{assert_bad_input, dis, run, temp_file};
use rust_decimal::Decimal;

const IMAGE: &str = r#"{"num_inference_steps": 20, "size": "512x512"}"#;

const RESULT: &str = r#"{"id":"c1","object":"chat.completion","created":1764115200,"model":"Llama-3.3 70B","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}"#;

const REQUEST: &str = r#"{"model":"Llama-3.1 8B","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Name three primes."}],"max_tokens":64,"temperature":0.2}"#;

const SPEECH: &str =
    r#"{"model":"Chatterbox","input":"Hello there, world.","voice":"alloy","seconds":0.4}"#;

const TOKENS: &str = r#"{"model":"Llama-3.1 8B","input_tokens":100,"output_tokens":0}"#;

/// Runs `batch` on a JSON Lines file of `lines` with `args`.
fn batch(lines: &[&str], args: &[&str]) -> (i32, String, String) {
    let text = lines.join("\n") + "\n";
    let (_dir, path) = temp_file("work.jsonl", text.as_bytes());
    run(dis()
        .arg("batch")
        .arg(&path)
        .args(args)
        .env("DIS_PRICE_TODAY", "2026-11-26"))
}

fn ok(lines: &[&str], args: &[&str]) -> String {
    let (code, out, err) = batch(lines, args);
    assert_eq!(code, 0, "{err}");
    out
}

fn bad(lines: &[&str], args: &[&str], needles: &[&str]) -> String {
    let text = lines.join("\n") + "\n";
    let (_dir, path) = temp_file("work.jsonl", text.as_bytes());
    assert_bad_input(dis().arg("batch").arg(&path).args(args), needles)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn every_line_kind_in_one_file_as_csv() {
    let out = ok(
        &[IMAGE, RESULT, REQUEST, SPEECH, TOKENS],
        &["--format", "csv"],
    );
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
         1,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060\n\
         2,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011\n\
         3,Llama-3.1 8B,bound,,,,,140,64,,,0.00002424,0.00002\n\
         4,Chatterbox,estimate,,,,,,,0.4,1,0.003,0.0030\n\
         5,Llama-3.1 8B,exact,,,,,100,0,,,0.00001,0.00001\n\
         subtotal,flux-dev,exact,,,1,5,,,,,0.00603,0.0060\n\
         subtotal,Llama-3.1 8B,bound,,,,,240,64,,,0.00003424,0.00003\n\
         subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011\n\
         subtotal,Chatterbox,estimate,,,,,,,,1,0.003,0.0030\n\
         total,,estimate,,,1,,,,,,0.01014424,0.0101\n"
    );
}

#[test]
fn a_mixed_total_is_the_sum_worked_out_apart() {
    // Rates of the built-in tariff: flux-dev 0.001206 per megapixel-step (1024x1024 unit),
    // Llama-3.1 8B 0.10 / 0.16 and Llama-3.3 70B 0.70 / 0.80 per 1M tokens, Chatterbox
    // 0.0030 per second, at least 1 s.
    let million = dec("1000000");
    let image = dec("20") * dec("512") * dec("512") / dec("1048576") * dec("0.001206");
    let result = (dec("1200") * dec("0.70") + dec("300") * dec("0.80")) / million;
    // 140 = template 88 + two messages of 5 + role bytes (6, 4) + content bytes (14, 18).
    assert_eq!(88 + (5 + 6 + 14) + (5 + 4 + 18), 140);
    let request = (dec("140") * dec("0.10") + dec("64") * dec("0.16")) / million;
    let speech = dec("1") * dec("0.0030");
    let tokens = dec("100") * dec("0.10") / million;
    let sum = image + result + request + speech + tokens;
    let out = ok(
        &[IMAGE, RESULT, REQUEST, SPEECH, TOKENS],
        &["--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(dec(v["exact"].as_str().unwrap()), sum);
    assert_eq!(v["total"], "0.0101");
    assert_eq!(v["bounds"], 1);
    assert_eq!(v["estimates"], 1);
    assert_eq!(v["kind"], "estimate");
    assert_eq!(v["jobs"][2]["kind"], "bound");
    assert_eq!(v["jobs"][3]["seconds_charged"], "1");
    assert_eq!(v["by_model"][1]["input_tokens"], 240);
    assert_eq!(v["tariff"]["provider"], "Distribute.ai");
}

#[test]
fn bounds_make_the_total_at_most_in_every_format() {
    let lines = [IMAGE, REQUEST];
    let table = ok(&lines, &[]);
    assert!(table.contains("│ at most "), "{table}");
    assert!(
        table.ends_with("at most 0.0061 USD for 2 job(s) (1 of them upper bounds)\n"),
        "{table}"
    );
    let md = ok(&lines, &["--format", "markdown"]);
    assert!(
        md.contains("| **at most** |  | bound | 2 | 1 |  | **0.0061 USD** |"),
        "{md}"
    );
    let (code, out, err) = batch(&lines, &["--format", "plain"]);
    assert_eq!((code, out.as_str()), (0, "0.0061\n"));
    assert_eq!(
        err,
        "note: the total is an upper bound: 1 row(s) are upper bounds, 0 estimates\n"
    );
    let exact = ok(&[IMAGE, RESULT], &["--summary"]);
    assert!(exact.ends_with("0.0071 USD for 2 job(s)\n"), "{exact}");
    assert!(!exact.contains("at most"));
}

#[test]
fn the_budget_gate_compares_the_upper_bound() {
    // The bound's exact price is 0.00002424: a budget of it passes, one unit below fails.
    let (code, _, err) = batch(&[REQUEST], &["--budget", "0.00002424", "--format", "plain"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = batch(&[REQUEST], &["--budget", "0.00002423", "--format", "plain"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "0.00002\n");
    assert!(err.contains("over budget"), "{err}");
}

#[test]
fn the_minimum_second_and_the_zero_that_is_not_zero() {
    let out = ok(
        &[
            r#"{"model":"Chatterbox","seconds":0.25}"#,
            r#"{"model":"Chatterbox","seconds":2.5}"#,
            r#"{"model":"Llama-3.1 8B","input_tokens":1,"output_tokens":0}"#,
        ],
        &["--format", "csv"],
    );
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
         1,Chatterbox,exact,,,,,,,0.25,1,0.003,0.0030\n\
         2,Chatterbox,exact,,,,,,,2.5,2.5,0.0075,0.0075\n\
         3,Llama-3.1 8B,exact,,,,,1,0,,,0.0000001,0.0000001\n\
         subtotal,Llama-3.1 8B,exact,,,,,1,0,,,0.0000001,0.0000001\n\
         subtotal,Chatterbox,exact,,,,,,,,3.5,0.0105,0.0105\n\
         total,,exact,,,0,,,,,,0.0105001,0.0105\n"
    );
    // The table shows the seconds given and, under them, the minimum charged.
    let table = ok(&[r#"{"model":"Chatterbox","seconds":0.25}"#], &[]);
    assert!(
        table.contains(
            "│    1 ┆ Chatterbox ┆ exact ┆ 0.25 s      ┆ 0.0030 │\n\
             │      ┆            ┆       ┆ minimum 1 s ┆        │\n"
        ),
        "{table}"
    );
    let table = ok(&[r#"{"model":"Chatterbox","seconds":2.5}"#], &[]);
    assert!(
        table.contains("│    1 ┆ Chatterbox ┆ exact ┆ 2.5 s ┆ 0.0075 │\n└"),
        "{table}"
    );
}

#[test]
fn speech_requests_are_estimates_from_a_rate() {
    // 19 characters x 0.06 s = 1.14 s.
    let line = r#"{"model":"Chatterbox","input":"Hello there, world.","voice":"alloy"}"#;
    let out = ok(&[line], &["--seconds-per-char", "0.06", "--format", "csv"]);
    assert!(
        out.contains("\n1,Chatterbox,estimate,,,,,,,1.14,1.14,0.00342,0.0034\n"),
        "{out}"
    );
    bad(
        &[line],
        &[],
        &[
            "line 1",
            "seconds",
            "--seconds-per-char RATE",
            "\"seconds\"",
        ],
    );
    bad(
        &[r#"{"model":"Chatterbox","input":"Hi","voice":"a","speed":2}"#],
        &["--seconds-per-char", "0.06"],
        &["line 1", "speed", "2"],
    );
    // A speed of null or 1 is the API's default: priced from the text as if none were given.
    for speed in ["null", "1", "1.0"] {
        let line = format!(r#"{{"model":"Chatterbox","input":"Hi","voice":"a","speed":{speed}}}"#);
        let plain = r#"{"model":"Chatterbox","input":"Hi","voice":"a"}"#;
        let args = ["--seconds-per-char", "0.6", "--format", "csv"];
        assert_eq!(ok(&[&line], &args), ok(&[plain], &args), "{speed}");
    }
}

#[test]
fn a_chat_request_without_a_cap_is_bounded_by_the_models_default_cap() {
    let line =
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}],"stream":true}"#;
    // The API caps it at its default, 128 completion tokens (tariff data), marked as such.
    let out = ok(&[line], &["--format", "csv"]);
    assert!(
        out.contains("\n1,Llama-3.1 8B,bound,,,,,99,128,,,"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&[line], &["--format", "json"])).unwrap();
    assert_eq!(
        json["jobs"][0]["defaults"],
        serde_json::json!(["max_completion_tokens"])
    );
    assert_eq!(json["jobs"][0]["kind"], "bound");
    assert_eq!(json["defaulted"], 1);
    let table = ok(&[line], &[]);
    assert!(
        table.contains(
            "│    1 ┆ Llama-3.1 8B ┆ bound ┆ 99 tokens in        ┆ 0.00003 │\n\
             │      ┆              ┆       ┆ 128 tokens out      ┆         │\n\
             │      ┆              ┆       ┆ default: output cap ┆         │\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("1 job(s) priced at the API's default"),
        "{table}"
    );
    // n choices, each up to the cap.
    let two = r#"{"model":"llama-3.1-8b","messages":[{"role":"user","content":"Hi"}],"n":2}"#;
    let out = ok(&[two], &["--format", "csv"]);
    assert!(
        out.contains("\n1,Llama-3.1 8B,bound,,,,,99,256,,,"),
        "{out}"
    );
    let capped = r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":7,"n":3}"#;
    let out = ok(&[capped], &["--format", "csv"]);
    assert!(out.contains("\n1,Llama-3.1 8B,bound,,,,,99,21,,,"), "{out}");
    // --max-output-tokens is the user's own cap for such requests, over the default.
    let out = ok(&[line], &["--max-output-tokens", "1000", "--format", "csv"]);
    // 88 + 5 + 4 + 2 input tokens at most.
    assert!(
        out.contains("\n1,Llama-3.1 8B,bound,,,,,99,1000,,,"),
        "{out}"
    );
    // The request's own max_completion_tokens wins over the flag.
    let own = r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":7}"#;
    let out = ok(&[own], &["--max-output-tokens", "1000", "--format", "csv"]);
    assert!(out.contains("\n1,Llama-3.1 8B,bound,,,,,99,7,,,"), "{out}");
}

#[test]
fn no_cap_at_all_is_refused_unless_the_flag_prices_it() {
    for key in ["max_tokens", "max_completion_tokens"] {
        let line = format!(
            r#"{{"model":"Llama-3.1 8B","messages":[{{"role":"user","content":"Hi"}}],"{key}":-1}}"#
        );
        let err = bad(
            &[&line],
            &[],
            &["line 1", key, "\"-1\"", "--max-output-tokens N"],
        );
        assert!(!err.contains("whole number"), "{err}");
        let out = ok(&[&line], &["--max-output-tokens", "50", "--format", "csv"]);
        assert!(out.contains("\n1,Llama-3.1 8B,bound,,,,,99,50,,,"), "{out}");
    }
    // A tariff that names no default cap cannot bound a request that sets none.
    let tariff = include_str!("../../tariffs/distribute.toml")
        .replace("default_max_completion_tokens = 128\n", "");
    let (_dir, path) = temp_file("t.toml", tariff.as_bytes());
    let line = r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}]}"#;
    let err = bad(
        &[line],
        &["--tariff", path.to_str().unwrap()],
        &[
            "line 1",
            "max_completion_tokens",
            "no default cap",
            "--max-output-tokens N",
        ],
    );
    assert!(err.contains("Llama-3.1 8B"), "{err}");
}

#[test]
fn documented_chat_fields_are_requests_and_unknown_keys_stay_errors() {
    let line = r#"{"model":"llama-3.3-70b","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":10,"metadata":{"team":"a"},"store":false,"service_tier":"auto","tool_choice":"none","parallel_tool_calls":true,"reasoning_effort":"low","frequency_penalty":0,"presence_penalty":0,"stop":["x"],"stream_options":{"include_usage":true},"modalities":["text"],"seed":1,"temperature":0.5,"top_p":1,"tools":[]}"#;
    let out = ok(&[line], &["--format", "csv"]);
    assert!(
        out.contains("\n1,Llama-3.3 70B,bound,,,,,99,10,,,"),
        "{out}"
    );
    let unknown = r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}],"max_tokens":1,"web_search_options":{}}"#;
    bad(
        &[unknown],
        &[],
        &[
            "line 1",
            "web_search_options",
            "is not a key of a chat request",
        ],
    );
}

/// Requests with the usage a result would state for them: prompt counts worked out by hand
/// from Llama 3.1's chat template (its system block, headers and generation prompt) and its
/// tokenizer's pre-split rules, not captured from the API. The bound is never below them.
const PAIRS: &[(&str, u64, u64)] = &[
    (
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hello"}],"max_tokens":16}"#,
        36,
        9,
    ),
    (
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France?"}],"max_tokens":32}"#,
        49,
        8,
    ),
    (
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"日本の首都はどこですか？"}],"max_tokens":20}"#,
        39,
        12,
    ),
];

#[test]
fn a_bound_is_never_below_the_stated_usage_of_the_same_request() {
    for &(request, prompt, completion) in PAIRS {
        let result = format!(
            r#"{{"model":"Llama-3.1 8B","usage":{{"prompt_tokens":{prompt},"completion_tokens":{completion}}}}}"#
        );
        let out = ok(&[request, &result], &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let (bound, real) = (&v["jobs"][0], &v["jobs"][1]);
        assert_eq!(
            (bound["kind"].as_str(), real["kind"].as_str()),
            (Some("bound"), Some("exact"))
        );
        assert!(
            bound["input_tokens"].as_u64() >= real["input_tokens"].as_u64(),
            "{request}"
        );
        assert!(
            bound["output_tokens"].as_u64() >= real["output_tokens"].as_u64(),
            "{request}"
        );
        assert!(dec(bound["exact"].as_str().unwrap()) >= dec(real["exact"].as_str().unwrap()));
    }
}

#[test]
fn csv_rows_carry_tokens_and_seconds_beside_image_columns() {
    let text = "model,steps,size,Input Tokens,output_tokens,seconds,team\n\
                flux-dev,20,512x512,,,,art\n\
                Llama-3.3 70B,,,1200,300,,chat\n\
                Chatterbox,,,,,0.25,voice\n";
    let (_dir, path) = temp_file("work.csv", text.as_bytes());
    let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price,team\n\
         2,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060,art\n\
         3,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,chat\n\
         4,Chatterbox,exact,,,,,,,0.25,1,0.003,0.0030,voice\n\
         subtotal,flux-dev,exact,,,1,5,,,,,0.00603,0.0060,\n\
         subtotal,Llama-3.3 70B,exact,,,,,1200,300,,,0.00108,0.0011,\n\
         subtotal,Chatterbox,exact,,,,,,,,1,0.003,0.0030,\n\
         total,,exact,,,1,,,,,,0.01011,0.0101,\n"
    );
}

fn bad_csv(text: &str, needles: &[&str]) {
    let (_dir, path) = temp_file("work.csv", text.as_bytes());
    assert_bad_input(dis().arg("batch").arg(&path), needles);
}

#[test]
fn csv_errors() {
    bad_csv(
        "model,input_tokns,output_tokens\nx,1,2\n",
        &["input_tokns", "did you mean \"input_tokens\""],
    );
    bad_csv(
        "model,prompt_tokens,output_tokens\nx,1,2\n",
        &["prompt_tokens", "\"input_tokens\""],
    );
    bad_csv(
        "model,seconds,kind\nChatterbox,1,a\n",
        &["\"kind\"", "rename it"],
    );
    bad_csv(
        "model,steps,input_tokens,output_tokens\nLlama-3.1 8B,20,1,2\n",
        &["line 2", "image cells", "one meter"],
    );
    bad_csv(
        "model,input_tokens,output_tokens\nLlama-3.1 8B,1,\n",
        &["line 2", "output_tokens", "both"],
    );
    bad_csv(
        "model,input_tokens,output_tokens\nLlama-3.1 8B,-1,2\n",
        &["line 2", "input_tokens", "\"-1\""],
    );
    bad_csv(
        "model,seconds\nChatterbox,soon\n",
        &["line 2", "seconds", "\"soon\""],
    );
    bad_csv(
        "model,seconds\nflux-dev,3\n",
        &["line 2", "flux-dev", "bills per megapixel-step"],
    );
    bad_csv(
        "model,input_tokens,output_tokens,seconds\nLlama-3.1 8B,1,2,3\n",
        &["line 2", "seconds", "beside tokens"],
    );
    // Last, so the checks above run while this one fails: the one-pipeline build says only
    // `column 3 "Input Tokens" repeats a column already given (...)`, naming neither the
    // column it repeats nor what to do.
    bad_csv(
        "model,input_tokens,Input Tokens,output_tokens\nx,1,2,3\n",
        &["\"input_tokens\" and \"Input Tokens\"", "give it once"],
    );
}

#[test]
fn json_line_errors() {
    bad(
        &[RESULT, r#"{"foo":1}"#],
        &[],
        &["line 2", "fits no shape", "a chat request"],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":4}}"#,
        ],
        &[],
        &["line 1", "total_tokens", "\"4\"", "does not add up"],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","usage":{"prompt_tokens":1,"prompt_tokens":900,"completion_tokens":2}}"#,
        ],
        &[],
        &["line 1", "repeats the key \"prompt_tokens\""],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"a","content":"bbbbbbbb"}],"max_tokens":1}"#,
        ],
        &[],
        &["line 1", "repeats the key \"content\""],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"a"}],"max_tokens":1,"tools":[{"type":"function","function":{"name":"f"}}]}"#,
        ],
        &[],
        &["line 1", "tools", "writes into the prompt"],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"a"}],"max_tokens":1,"n":0}"#,
        ],
        &[],
        &["line 1", "n \"0\"", "not a number of completions"],
    );
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}],"max_tokens":1}"#,
        ],
        &[],
        &["line 1", "content", "text part"],
    );
    bad(
        &[r#"{"model":"Llama-3.1 8B","messages":[{"role":"robot","content":"a"}],"max_tokens":1}"#],
        &[],
        &["line 1", "role", "\"robot\"", "system, user, assistant"],
    );
    bad(
        &[r#"{"model":"flux-dev","usage":{"prompt_tokens":1,"completion_tokens":2}}"#],
        &[],
        &[
            "line 1",
            "flux-dev",
            "bills per megapixel-step",
            "chat result",
        ],
    );
    bad(
        &[r#"{"model":"Llama-3.1 8B","input":"hi","voice":"a","seconds":1}"#],
        &[],
        &["line 1", "bills per token", "speech request"],
    );
    bad(
        &[r#"{"model":"Llama-3.9 1B","input_tokens":1,"output_tokens":1}"#],
        &[],
        &["line 1", "Llama-3.9 1B", "not a model of the tariff"],
    );
    bad(
        &[r#"{"model":"Chatterbox","seconds":-1}"#],
        &[],
        &["line 1", "seconds", "negative"],
    );
    bad(
        &[r#"{"model":"Llama-3.1 8B","input_tokens":1.5,"output_tokens":1}"#],
        &[],
        &["line 1", "input_tokens", "1.5", "whole number"],
    );
    bad(
        &[r#"{"usage":{"prompt_tokens":1,"completion_tokens":2}}"#],
        &[],
        &["line 1", "model", "must name its model"],
    );
}

#[test]
fn skipped_lines_are_reported_and_the_rest_priced() {
    let (code, out, err) = batch(
        &[RESULT, r#"{"model":"Chatterbox","input":"x","voice":"a"}"#],
        &["--skip-invalid", "--format", "csv"],
    );
    assert_eq!(code, 2, "{err}");
    let total = out.lines().last().unwrap_or_default();
    assert!(
        total.starts_with("total,") && total.ends_with(",0.0011"),
        "{out}"
    );
    assert!(err.contains("skipped line 2: seconds"), "{err}");
    assert!(err.contains("1 invalid row(s) skipped"), "{err}");
}

/// A baseline compares chat and speech workloads as it does image ones: the chat model's
/// line and the total change.
#[test]
fn baselines_compare_chat_and_mixed_workloads() {
    let (_c, base_chat) = temp_file("base.jsonl", format!("{RESULT}\n").as_bytes());
    let (_w, chat) = temp_file("work.jsonl", format!("{RESULT}\n{RESULT}\n").as_bytes());
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&chat)
        .arg("--baseline")
        .arg(&base_chat)
        .args(["--format", "csv"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "kind,name,base_jobs,head_jobs,base_images,head_images,base,head,change,percent\n\
         total,,1,2,0,0,0.0011,0.0022,+0.0011,+100.00\n\
         model,Llama-3.3 70B,1,2,0,0,0.0011,0.0022,+0.0011,+100.00\n"
    );
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&chat)
        .arg("--baseline")
        .arg(&base_chat)
        .args(["--format", "plain"]));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "+0.0011\n", ""));
    // An image base against an image and chat head: the chat model comes from nothing.
    let (_d, base) = temp_file("base.jsonl", format!("{IMAGE}\n").as_bytes());
    let (_m, mixed) = temp_file("work.jsonl", format!("{IMAGE}\n{RESULT}\n").as_bytes());
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&mixed)
        .arg("--baseline")
        .arg(&base)
        .args(["--format", "csv"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with(
            "kind,name,base_jobs,head_jobs,base_images,head_images,base,head,change,percent\n\
             total,,1,2,1,1,0.0060,0.0071,+0.0011,+17.91\n\
             model,flux-dev,1,1,1,1,0.0060,0.0060,0.0000,0.00\n\
             model,Llama-3.3 70B,0,1,0,0,0.0000,0.0011,+0.0011,\n"
        ),
        "{out}"
    );
    // The same chat file against itself under a base tariff of the same rates: no change.
    let (code, out, err) = run(dis()
        .arg("batch")
        .arg(&chat)
        .arg("--baseline-tariff")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tariffs/distribute.toml"
        ))
        .args(["--format", "csv"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("\nmodel,Llama-3.3 70B,2,2,0,0,0.0022,0.0022,0.0000,0.00\n"),
        "{out}"
    );
}

#[test]
fn standard_input_is_read_the_same_and_a_prompt_saying_usage_is_an_image_job() {
    let text = format!("{RESULT}\n{IMAGE}\n");
    let (code, out, _) = run(dis()
        .args(["batch", "-", "--format", "plain"])
        .write_stdin(text));
    assert_eq!((code, out.as_str()), (0, "0.0071\n"));
    // An image-only file whose prompt says "usage" is read as an image job (the built-in
    // tariff has token and second models, so its JSON Lines rows have every column).
    let image_only = ok(
        &[r#"{"prompt":"usage","num_inference_steps":20,"size":"512x512"}"#],
        &["--format", "csv"],
    );
    assert_eq!(
        image_only,
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
         1,flux-dev,exact,20,512x512,1,5,,,,,0.00603,0.0060\n\
         subtotal,flux-dev,exact,,,1,5,,,,,0.00603,0.0060\n\
         total,,exact,,,1,,,,,,0.00603,0.0060\n"
    );
}

/// The input tokens column of the first row of `lines` priced as CSV.
fn input_tokens(lines: &[&str]) -> u64 {
    let out = ok(lines, &["--format", "csv"]);
    let row = out.lines().nth(1).expect("a row");
    row.split(',')
        .nth(7)
        .expect("input_tokens")
        .parse()
        .expect("a count")
}

/// Text parts are joined with a newline by the server, and a tool result is written by the
/// template as `tojson` under the `ipython` header: the bound counts both, so it is never
/// below the rendered prompt's bytes (worked out by hand from the Llama 3.1 template: 88 per
/// request, 5 per message plus its role).
#[test]
fn a_bound_counts_part_separators_and_tool_results_as_the_template_writes_them() {
    let parts = r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],"max_tokens":1}"#;
    // "a\nb": 3 bytes.
    assert_eq!(input_tokens(&[parts]), 88 + 5 + 4 + 3);
    let control = "\\u0001".repeat(100);
    let tool = format!(
        r#"{{"model":"Llama-3.1 8B","messages":[{{"role":"user","content":"hi"}},{{"role":"tool","content":"{control}"}}],"max_tokens":10}}"#
    );
    // The tool result renders as "\u0001" x 100 in quotes: 602 bytes, under "ipython" (7).
    assert_eq!(input_tokens(&[&tool]), 88 + (5 + 4 + 2) + (5 + 7 + 602));
    let quoted = r#"{"model":"Llama-3.1 8B","messages":[{"role":"tool","content":"{\"temp_c\": 17}"}],"max_tokens":1}"#;
    // "{\"temp_c\": 17}" with its quotes: 2 + 14 characters + 2 escaped quotes.
    assert_eq!(input_tokens(&[quoted]), 88 + 5 + 7 + 2 + 14 + 2);
    bad(
        &[
            r#"{"model":"Llama-3.1 8B","messages":[{"role":"tool","content":[{"type":"text","text":"x"}]}],"max_tokens":1}"#,
        ],
        &[],
        &["line 1", "content", "tool result"],
    );
}

/// Seconds given as a string are refused as image counts are, saying how to write them.
#[test]
fn seconds_as_a_string_say_to_write_a_number() {
    bad(
        &[r#"{"model":"Chatterbox","seconds":"1.68"}"#],
        &[],
        &[
            "line 1",
            "seconds",
            "is a string",
            "write 1.68, not \"1.68\"",
        ],
    );
}

/// Markup in a carried column of a mixed file is shown literally in markdown, as in every other
/// markdown output.
#[test]
fn mixed_markdown_shows_carried_markup_literally() {
    let (_dir, path) = temp_file(
        "m.csv",
        b"input_tokens,output_tokens,model,note\n1,2,Llama-3.1 8B,*x* <b>|y\n",
    );
    let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "markdown"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(r"| \*x\* \<b\>\|y |"), "{out}");
}

/// The lines of the drawn tables in `out` (the closing sentence is prose, which a terminal
/// wraps), and the display width of the widest.
fn drawn(out: &str) -> (Vec<&str>, usize) {
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
        .collect();
    let widest = lines
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .max()
        .unwrap_or(0);
    (lines, widest)
}

/// A drawn table of any mix of rows fits an 80-column terminal: each row's usage is one cell
/// of short lines, whatever its meter, defaults, bound or minimum, with or without dates.
#[test]
fn a_mixed_drawn_table_fits_80_columns() {
    let lines = [
        IMAGE,
        r#"{"model": "flux-dev", "prompt": "a cat"}"#,
        r#"{"model": "flux-dev", "prompt": "a dog", "num_inference_steps": 50, "size": "1024x1024", "n": 4}"#,
        RESULT,
        r#"{"model":"Llama-3.3 70B","usage":{"prompt_tokens":128000,"completion_tokens":4096}}"#,
        REQUEST,
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"Hi"}],"n":4}"#,
        SPEECH,
        r#"{"model":"Chatterbox","input":"A longer answer, read aloud.","voice":"alloy"}"#,
        TOKENS,
        r#"{"model":"Chatterbox","seconds":12.25}"#,
    ];
    let args = ["--seconds-per-char", "0.06"];
    let out = ok(&lines, &args);
    let (table, widest) = drawn(&out);
    assert!(widest <= 80, "{out}");
    // Every row is there, with its price.
    for (line, price) in [
        ("1", "0.0060"),
        ("3", "0.2412"),
        ("5", "0.0929"),
        ("11", "0.0368"),
    ] {
        assert!(
            table
                .iter()
                .any(|l| l.starts_with(&format!("│ {line:>4} ┆")) && l.contains(price)),
            "line {line} at {price}: {out}"
        );
    }
    let out = ok(&lines, &[&args[..], &["--summary"]].concat());
    let (totals, widest) = drawn(&out);
    assert!(totals.len() > 10 && widest <= 80, "{out}");

    // A CSV with a date column adds each row's day and rates, and still fits.
    let csv = "model,steps,size,input_tokens,output_tokens,seconds,date\n\
               flux-dev,20,1024x1024,,,,2026-11-30\n\
               Llama-3.3 70B,,,1000000,500000,,2026-11-30\n\
               Chatterbox,,,,,0.4,2026-11-30\n";
    let (_d, file) = temp_file("work.csv", csv.as_bytes());
    let (code, out, err) = run(dis().arg("batch").arg(&file));
    assert_eq!(code, 0, "{err}");
    let (table, widest) = drawn(&out);
    assert!(table[1].contains("┆ date, rate"), "{out}");
    assert!(widest <= 80, "{out}");

    // Dated rates with an estimate, a bound and an image at the API's defaults; and an
    // image-only tariff's listing of request bodies, each part marked as a default: the cells
    // of words break to fit.
    let fixture = |name: &str| format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"));
    let defaults = format!(
        "{}\n{RESULT}\n{REQUEST}\n",
        r#"{"model":"flux-dev","prompt":"a cat"}"#
    );
    let (_w, bodies) = temp_file("bodies.jsonl", defaults.as_bytes());
    let image_only = "{\"prompt\":\"a cat\"}\n{\"prompt\":\"a dog\",\"n\":2}\n";
    let (_i, images) = temp_file("images.jsonl", image_only.as_bytes());
    for (tariff, file, args) in [
        ("chat-prices.toml", fixture("workload.jsonl"), &args[..]),
        ("chat-prices.toml", bodies.display().to_string(), &[][..]),
        ("old.toml", images.display().to_string(), &[][..]),
    ] {
        let (code, out, err) = run(dis()
            .arg("--tariff")
            .arg(fixture(tariff))
            .arg("batch")
            .arg(&file)
            .args(args));
        assert_eq!(code, 0, "{err}");
        let (table, widest) = drawn(&out);
        assert!(table.len() > 8 && widest <= 80, "{tariff} {file}: {out}");
        assert!(
            out.contains("(default)") || out.contains("default: "),
            "{out}"
        );
    }
}

/// An image-only listing fits too: a dated row's day and rate share a cell, a long model id
/// breaks between its words; and a streamed table that restarts for a long word narrows again
/// to 80 at the next restart, its columns sized by their own rows' words.
#[test]
fn image_only_and_streamed_tables_fit_80_columns_where_words_allow() {
    let (_d, dated) = temp_file("dated.csv", b"steps,size,date\n20,512x512,2026-11-20\n");
    let (code, out, err) = run(dis().arg("batch").arg(&dated));
    assert_eq!(code, 0, "{err}");
    let (table, widest) = drawn(&out);
    assert!(
        table[1].ends_with("┆ date, rate │") && widest <= 80,
        "{out}"
    );
    assert!(
        out.contains("┆ 2026-11-20 │\n") && out.contains("┆ 0.001206   │\n"),
        "{out}"
    );

    let long = "Stable Diffusion XL Turbo Large Edition";
    let tariff = crate::support::BUILTIN
        .replace("[models.flux-dev", &format!("[models.\"{long}\""))
        .replace(
            "default_model = \"flux-dev\"",
            &format!("default_model = \"{long}\""),
        );
    let (_t, tariff) = temp_file("long.toml", tariff.as_bytes());
    let (_j, jobs) = temp_file("jobs.csv", b"steps,size,count\n20,1024x1024,12345\n");
    let (code, out, err) = run(dis().arg("--tariff").arg(&tariff).arg("batch").arg(&jobs));
    assert_eq!(code, 0, "{err}");
    let (_, widest) = drawn(&out);
    assert!(widest <= 80 && out.contains("┆ Stable Diffusion"), "{out}");

    // The largest token counts: the totals' model ids break too, and every figure is whole.
    let (_m, max) = temp_file(
        "max.csv",
        b"model,input_tokens,output_tokens\nLlama-3.3 70B,18446744073709551615,18446744073709551615\n",
    );
    let (code, out, err) = run(dis().arg("batch").arg(&max));
    assert_eq!(code, 0, "{err}");
    let (_, widest) = drawn(&out);
    assert!(widest <= 80, "{out}");
    assert!(
        out.contains("┆ 18,446,744,073,709,551,615 ┆ 27670116110564.3274 │")
            && out.ends_with("\n27670116110564.3274 USD for 1 job(s)\n"),
        "{out}"
    );

    // 10,005 short rows, one with a long word, then one with a wider count, then short ones.
    let mut text = String::from("steps,size,count,note\n");
    for _ in 0..10_005 {
        text.push_str("20,512x512,1,short words here\n");
    }
    text.push_str("20,512x512,1,supercalifragilisticexpialidocious-and-then-some-more\n");
    text.push_str("20,512x512,100000,ok\n");
    text.push_str("20,512x512,1,short\n");
    let (_s, stream) = temp_file("stream.csv", text.as_bytes());
    let (code, out, err) = run(dis().arg("batch").arg(&stream));
    assert_eq!(code, 0, "{err}");
    let tables: Vec<&str> = out.split('┌').skip(1).collect();
    assert_eq!(tables.len(), 4, "{out}");
    let width = |t: &str| {
        t.lines()
            .map(unicode_width::UnicodeWidthStr::width)
            .max()
            .unwrap_or(0)
    };
    assert!(
        width(tables[1]) > 80,
        "the long word is whole: {}",
        tables[1]
    );
    assert!(width(tables[2]) <= 80, "{}", tables[2]);
}
