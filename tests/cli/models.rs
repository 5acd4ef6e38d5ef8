//! Finding a model (by id, alias or display name, in any case), the suggestions for an unknown
//! one, and `dis-price models`.

use crate::support::{BUILTIN, assert_bad_input, dis, refused, run, stdout_of, temp_file};

#[test]
fn models_by_alias_in_any_case() {
    for model in ["flux-dev", "FLUX-DEV", "Flux.1-Dev", "flux-1-dev"] {
        assert_eq!(
            stdout_of(&["--model", model, "--format", "plain"]),
            "0.0068\n",
            "{model}"
        );
    }
}

#[test]
fn an_unknown_model_lists_the_models_and_suggests_the_nearest() {
    assert_bad_input(
        dis().args(["--model", "flux-de"]),
        &[
            "\"flux-de\"",
            "did you mean \"flux-dev\"",
            "flux-dev (or \"Flux.1 [dev]\", flux.1-dev, flux-1-dev)",
        ],
    );
    let err = assert_bad_input(
        dis().args(["--model", "stable-diffusion"]),
        &["\"stable-diffusion\"", "flux-dev"],
    );
    assert!(!err.contains("did you mean"), "{err}");
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

// Model names.

#[test]
fn a_model_is_found_by_its_display_name_in_any_case() {
    for name in [
        "Flux.1 [dev]",
        "flux.1 [DEV]",
        " FLUX.1 [Dev] ",
        "flux-dev",
        "FLUX-1-DEV",
    ] {
        let (code, out, err) = run(dis().args([
            "--model", name, "--steps", "20", "--size", "512", "--format", "plain",
        ]));
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "0.0060\n", ""),
            "{name:?}"
        );
    }
    for command in ["table", "check", "fit"] {
        let (code, _, err) = run(dis().args([command, "--model", "flux.1 [dev]"]));
        assert_eq!(code, 0, "{command}: {err}");
    }
}

#[test]
fn a_request_body_naming_the_display_name_prices_in_json_lines_and_csv() {
    let body = "{\"model\": \"Flux.1 [dev]\", \"num_inference_steps\": 20, \"size\": \"512x512\", \"n\": 2}\n";
    assert_eq!(
        batch_csv(body, &[]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
    let csv = "model,steps,size,n\nflux.1 [DEV],20,512x512,2\n";
    let (code, out, err) = batch_csv(csv, &[]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("2,flux-dev,20,512x512,2,10,0.0121\n"), "{out}");
}

#[test]
fn an_unknown_model_lists_display_names_and_suggests_the_nearest_name() {
    assert_eq!(
        refused(dis().args(["--model", "Flux.1 [pro]"])),
        "error: unknown model \"Flux.1 [pro]\" (did you mean \"Flux.1 [dev]\"?); the tariff has: flux-dev (or \"Flux.1 [dev]\", flux.1-dev, flux-1-dev), Llama-3.1 8B (or llama-3.1-8b), Llama-3.3 70B (or llama-3.3-70b), Chatterbox\n"
    );
    let (code, _, err) = batch_csv("{\"model\": \"gpt-image-1\", \"steps\": 2}\n", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: line 1: model \"gpt-image-1\": is not a model of the tariff (models: flux-dev (or \"Flux.1 [dev]\", flux.1-dev, flux-1-dev), Llama-3.1 8B (or llama-3.1-8b), Llama-3.3 70B (or llama-3.3-70b), Chatterbox)\n"
    );
}

/// The shipped tariff plus a second model whose display name is `name`.
fn with_second_model(name: &str) -> String {
    let start = BUILTIN.find("[models.flux-dev]").unwrap();
    let end = BUILTIN.find("[models.flux-dev.published]").unwrap();
    let block = BUILTIN[start..end]
        .replace("[models.flux-dev]", "[models.other]")
        .replace("name = \"Flux.1 [dev]\"", &format!("name = {name:?}"))
        .replace("aliases = [\"flux.1-dev\", \"flux-1-dev\"]\n", "");
    format!("{BUILTIN}\n{block}")
}

#[test]
fn a_display_name_that_names_another_model_is_refused_with_its_place() {
    for clash in ["FLUX-DEV", "Flux-1-Dev", "flux.1 [DEV]"] {
        let text = with_second_model(clash);
        let (_dir, path) = temp_file("t.toml", text.as_bytes());
        let at = text.find(&format!("name = {clash:?}")).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let owner_names = "flux-dev";
        let expected = format!(
            "error: invalid tariff {file}: 1 problem\n{file}:{line}:8: models.other.name: the display name {clash:?} is also a name of model {owner_names:?}, ignoring case; jobs may name a model by its display name, so each must mean one model: rename one of them\n   |\n{line} | name = {clash:?}\n   |        {carets}\n",
            file = path.display(),
            carets = "^".repeat(clash.len() + 2),
        );
        for args in [vec!["validate"], vec!["models", "--tariff"]] {
            assert_eq!(refused(dis().args(&args).arg(&path)), expected, "{args:?}");
        }
    }
    // Its own id or alias spelled as the display name is no clash.
    let text = BUILTIN.replacen("name = \"Flux.1 [dev]\"", "name = \"FLUX-1-DEV\"", 1);
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run(dis().arg("validate").arg(&path));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
}

#[test]
fn models_lists_ids_rates_limits_and_defaults() {
    let out = stdout_of(&["models"]);
    insta::assert_snapshot!("models_table", out);
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&["models", "--format", "json"])).unwrap();
    let m = &v["models"][0];
    assert_eq!(m["id"], "flux-dev");
    assert_eq!(m["rate"], "0.001206");
    assert_eq!(m["steps"]["max"], 50);
    assert_eq!(m["side"]["max"], 1024);
    assert_eq!(m["default_size"], "768x768");
    assert_eq!(m["default"], true);
}
