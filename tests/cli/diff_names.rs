//! `diff` and the names jobs give models: a display name selects a model as an id or alias
//! does (in any case, blanks around it ignored), so one that names another model now, or none,
//! is reported and fails any `--fail-above`; one only spelled in another case is no change.

use crate::support::{BUILTIN, dis, run, temp_file};

/// A dearer model, named `name` for jobs.
fn pro(name: &str) -> String {
    format!(
        "
[models.flux-pro]
name = {name:?}
unit = \"megapixel-step\"
unit_size = \"1024x1024\"
rate = \"0.01206\"
steps = {{ min = 1, max = 50, default = 10 }}
side = {{ min = 1, max = 1024 }}
default_size = \"768x768\"
"
    )
}

/// The shipped tariff with flux-dev's display name `dev` and a dearer model named `pro`.
fn tariff(dev: &str, pro_name: &str) -> String {
    let from = "name = \"Flux.1 [dev]\"";
    assert!(BUILTIN.contains(from));
    let text = BUILTIN.replacen(from, &format!("name = {dev:?}"), 1);
    // The new model goes before the chat models, which follow flux-dev's published grid.
    let at = text.find("[models.\"Llama-3.1 8B\"]").expect("chat model");
    format!("{}{}\n{}", &text[..at], pro(pro_name), &text[at..])
}

/// The price of 20 steps at 512x512 for a job naming `model`, under `path`.
fn price(path: &std::path::Path, model: &str) -> String {
    let (code, out, err) = run(dis().arg("--tariff").arg(path).args([
        "--model", model, "--steps", "20", "--size", "512", "--format", "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    v["price"].as_str().expect("price").to_owned()
}

#[test]
fn a_display_name_given_to_a_dearer_model_fails_the_gate() {
    let old = tariff("Flux.1 [dev]", "Flux.1 [pro]");
    // NEW gives "Flux.1 [dev]" to flux-pro, in another case: the same name to a job.
    for taken in ["Flux.1 [dev]", "FLUX.1 [DEV]"] {
        let new = tariff("Flux.1 [dev] (2024)", taken);
        let (_a, old_path) = temp_file("old.toml", old.as_bytes());
        let (_b, new_path) = temp_file("new.toml", new.as_bytes());
        assert_eq!(price(&old_path, " flux.1 [dev]"), "0.0060");
        assert_eq!(price(&new_path, " flux.1 [dev]"), "0.0603");
        let (code, out, err) = run(dis().arg("diff").arg(&old_path).arg(&new_path).args([
            "--fail-above",
            "0",
            "--format",
            "csv",
        ]));
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("name-moved,flux-dev,,,flux-dev,flux-pro,,,true,\"jobs that name \"\"Flux.1 [dev]\"\" get model flux-pro instead of flux-dev\",,\n"),
            "{out}"
        );
        assert!(err.contains("the first: flux-dev name-moved flux-dev -> flux-pro: jobs that name \"Flux.1 [dev]\" get model flux-pro instead of flux-dev (this has no percentage and fails any --fail-above)"), "{err}");
    }
}

#[test]
fn a_display_name_dropped_fails_the_gate_and_one_respelled_is_no_change() {
    let old = tariff("Flux.1 [dev]", "Flux.1 [pro]");
    let (_a, old_path) = temp_file("old.toml", old.as_bytes());
    let gate = |new: &str| {
        let (_b, new_path) = temp_file("new.toml", new.as_bytes());
        run(dis().arg("diff").arg(&old_path).arg(&new_path).args([
            "--fail-above",
            "0",
            "--format",
            "json",
        ]))
    };
    let (code, out, _) = gate(&tariff("Flux.1 [dev] (2024)", "Flux.1 [pro]"));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["changes"][0]["kind"], "name-removed");
    assert_eq!(v["changes"][0]["old"], "Flux.1 [dev]");
    // Another case, blanks around it: the lookup takes it as the same name.
    let (code, out, err) = gate(&tariff(" FLUX.1 [Dev] ", "Flux.1 [pro]"));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["changes"], serde_json::json!([]));
}
