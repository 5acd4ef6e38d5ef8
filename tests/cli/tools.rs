//! Keeping the tariff honest: `fit`, `diff`, `validate`, `tariff --schema`, and provenance.

use crate::{BUILTIN, assert_bad_input, dis, edited, run, stdout_of, temp_file};

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The shipped tariff with its published grid replaced.
fn with_grid(sizes: &str, rows: &str, tolerance: &str) -> String {
    let start = BUILTIN.find("tolerance = ").unwrap();
    format!(
        "{}tolerance = \"{tolerance}\"\nsizes = {sizes}\nrows = [\n{rows}]\n",
        &BUILTIN[..start]
    )
}

fn fit_json(text: &str) -> (i32, serde_json::Value) {
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["fit", "--format", "json"]));
    assert!(code == 0 || code == 1, "{err}");
    (code, json(&out))
}

#[test]
fn fit_finds_the_shipped_interval_and_odd_cell() {
    let out = stdout_of(&["fit"]);
    assert!(out.contains("best: 8 of 9 cells exactly"), "{out}");
    assert!(
        out.contains("[0.0012059259259..., 0.0012066666666...)"),
        "{out}"
    );
    assert!(
        out.contains("20 steps, 256x256: published 0.0016, the model shows 0.0015"),
        "{out}"
    );
    assert!(out.contains("suggested rate: 0.001206"), "{out}");
    assert!(out.contains("inside the best interval"), "{out}");
    let v = json(&stdout_of(&["fit", "--format", "json"]));
    assert_eq!(v["best"][0]["exact"], "[407/337500, 181/150000)");
    assert_eq!(
        (
            v["best_count"].as_u64(),
            v["suggested"].as_str(),
            v["misses"].as_u64()
        ),
        (Some(8), Some("0.001206"), Some(1))
    );
    assert_eq!(v["all_within_tolerance"], true);
}

#[test]
fn fit_a_grid_every_cell_of_which_fits() {
    // Prices of rate 0.001 at 4 places, half-up.
    let rows = "  { steps = 10, prices = [\"0.0006\", \"0.0025\", \"0.0056\"] },\n  { steps = 20, prices = [\"0.0013\", \"0.005\", \"0.0113\"] },\n  { steps = 30, prices = [\"0.0019\", \"0.0075\", \"0.0169\"] },\n";
    let text = with_grid("[\"256x256\", \"512x512\", \"768x768\"]", rows, "0");
    let (code, v) = fit_json(&text);
    assert_eq!(code, 0);
    assert_eq!(
        (v["best_count"].as_u64(), v["misses"].as_u64()),
        (Some(9), Some(0))
    );
    // The suggested rate passes a check with no tolerance at all.
    let suggested = v["suggested"].as_str().unwrap().to_owned();
    let fitted = text.replace("rate = \"0.001206\"", &format!("rate = \"{suggested}\""));
    let (_d, path) = temp_file("fitted.toml", fitted.as_bytes());
    let (code, out, _) = run(dis().arg("--tariff").arg(&path).arg("check"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("9 exact"), "{out}");
}

#[test]
fn fit_a_grid_no_cell_of_which_fits() {
    // Five places under a 4-place display: no rate shows any of them.
    let rows = "  { steps = 10, prices = [\"0.00081\", \"0.00301\"] },\n";
    let (code, v) = fit_json(&with_grid("[\"256x256\", \"512x512\"]", rows, "0"));
    assert_eq!(code, 1);
    assert_eq!(v["best_count"], 0);
    assert!(v["suggested"].is_null());
    assert!(v["cells"][0]["rates"].is_null());
}

#[test]
fn fit_reports_ties() {
    // 10 steps at 1024x1024 for 0.0100 wants a rate near 0.001; 20 steps for 0.0300 near 0.0015.
    let rows =
        "  { steps = 10, prices = [\"0.0100\"] },\n  { steps = 20, prices = [\"0.0300\"] },\n";
    let (code, v) = fit_json(&with_grid("[\"1024x1024\"]", rows, "0"));
    assert_eq!(code, 1, "no single rate shows both within a tolerance of 0");
    assert_eq!(v["best_count"], 1);
    let best: Vec<&str> = v["best"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["exact"].as_str().unwrap())
        .collect();
    assert_eq!(
        best,
        vec!["[199/200000, 201/200000)", "[599/400000, 601/400000)"]
    );
    assert_eq!(v["suggested"], "0.001");
}

#[test]
fn fit_write_changes_the_rate_and_nothing_else() {
    let (_d, path) = temp_file(
        "mine.toml",
        edited("rate = \"0.001206\"", "rate = \"0.0012\"").as_bytes(),
    );
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).args(["fit", "--write"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote rate = 0.001206"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BUILTIN);
    // The built-in tariff is not a file to write.
    assert_bad_input(dis().args(["fit", "--write"]), &["--tariff PATH"]);
}

#[test]
fn diff_lists_changes_added_and_removed_models_and_gates_rises() {
    let extra = |id: &str| {
        format!(
            "\n[models.{id}]\nname = \"{id}\"\nunit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nrate = \"0.0005\"\nsteps = {{ min = 1, max = 4, default = 4 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"1024x1024\"\n"
        )
    };
    let old = format!("{BUILTIN}{}", extra("legacy"));
    let new = format!(
        "{}{}",
        edited("rate = \"0.001206\"", "rate = \"0.0013266\""),
        extra("flux-schnell")
    );
    let (_a, old) = temp_file("old.toml", old.as_bytes());
    let (_b, new) = temp_file("new.toml", new.as_bytes());
    let diff = |args: &[&str]| run(dis().arg("diff").arg(&old).arg(&new).args(args));
    let (code, out, _) = diff(&["--format", "json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(
        (v["added"][0].as_str(), v["removed"][0].as_str()),
        (Some("flux-schnell"), Some("legacy"))
    );
    let cells = v["models"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 9);
    // 768x768 at 30 steps: 0.0204 -> 0.0224 shown, exactly +10%.
    let last = &cells[8];
    assert_eq!(
        (
            last["old"].as_str(),
            last["new"].as_str(),
            last["percent"].as_str()
        ),
        (Some("0.0204"), Some("0.0224"), Some("+10.00"))
    );
    assert_eq!(
        v["tariff"]["old"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    let (code, _, err) = diff(&["--fail-above", "5"]);
    assert_eq!(code, 1);
    assert!(err.contains("11 change(s) go past --fail-above 5%; the first: flux-dev rate 0.001206 -> 0.0013266: a metered image pays +10.00%"), "{err}");
    // Above every rise, the removed model still fails the gate: its jobs cannot be priced.
    let (code, _, err) = diff(&["--fail-above", "15"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("1 change(s) go past --fail-above 15%; the first: legacy model-removed"),
        "{err}"
    );
    let (_, md, _) = diff(&["--format", "markdown"]);
    assert!(
        md.contains("| model-added | flux-schnell |") && md.contains("| model-removed | legacy |"),
        "{md}"
    );
    let (_, csv, _) = diff(&["--format", "csv", "--steps", "10", "--sizes", "1024"]);
    assert_eq!(
        csv,
        "kind,model,steps,size,old,new,difference,percent,always_fails,effect,old_day,new_day\n\
         cell,flux-dev,10,1024x1024,0.0121,0.0133,+0.001206,+10.00,false,,,\n\
         rate,flux-dev,,,0.001206,0.0013266,,+10.00,false,a metered image pays +10.00%,,\n\
         model-removed,legacy,,,legacy,,,,true,\"jobs that name \"\"legacy\"\" can no longer be priced\",,\n\
         model-added,flux-schnell,,,,flux-schnell,,,false,\"a new model, flux-schnell, at 0.0005 USD per megapixel-step\",,\n"
    );
}

#[test]
fn validate_errors_warnings_and_strictness() {
    assert_eq!(
        stdout_of(&["validate"]),
        "built-in tariff: valid, 4 models, 0 warnings\n"
    );
    let broken =
        edited("rate = \"0.001206\"", "rate = \"0\"").replace("decimals = 4", "decimals = 40");
    let (_d, path) = temp_file("broken.toml", broken.as_bytes());
    let err = assert_bad_input(
        dis().arg("validate").arg(&path),
        &["2 problems", "display.decimals", "models.flux-dev.rate"],
    );
    assert!(
        err.contains("broken.toml:23:12:") && err.contains("broken.toml:31:8:"),
        "{err}"
    );
    let warned = format!(
        "{}\n[models.other]\nname = \"Other\"\nunit = \"u\"\nunit_size = \"1x1\"\nrate = \"1\"\nsteps = {{ min = 1, max = 2, default = 1 }}\nside = {{ min = 1, max = 2 }}\ndefault_size = \"1\"\n",
        edited("as_of = \"2026-11-25\"", "as_of = \"2999-01-01\"")
    );
    let (_w, path) = temp_file("warned.toml", warned.as_bytes());
    let (code, out, err) = run(dis().arg("validate").arg(&path));
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("valid, 5 models, 2 warnings\n"), "{out}");
    assert!(
        err.contains("as_of 2999-01-01 is in the future")
            && err.contains("models.other: model \"other\" has no published table"),
        "{err}"
    );
    assert_eq!(run(dis().arg("validate").arg("--strict").arg(&path)).0, 1);
}

/// The tariff as JSON, for the schema validator.
fn as_json(text: &str) -> serde_json::Value {
    serde_json::to_value(toml::from_str::<toml::Value>(text).unwrap()).unwrap()
}

#[test]
fn the_schema_accepts_the_shipped_tariff_and_rejects_what_the_loader_rejects() {
    let schema = json(&stdout_of(&["tariff", "--schema"]));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    assert!(
        validator.is_valid(&as_json(BUILTIN)),
        "{:?}",
        validator
            .iter_errors(&as_json(BUILTIN))
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(validator.is_valid(&as_json(&edited("rate = \"0.001206\"", "rate = 0.001206"))));
    // What the loader accepts, the schema accepts: leap days, positive prices in any form.
    for (from, to) in [
        ("as_of = \"2026-11-25\"", "as_of = \"2024-02-29\""),
        ("as_of = \"2026-11-25\"", "as_of = \"2000-02-29\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", 6e-3"),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", \"+0.0060\""),
        ("rate = \"0.001206\"", "rate = \"1206e-6\""),
    ] {
        let text = edited(from, to);
        assert!(
            validator.is_valid(&as_json(&text)),
            "the schema refused {to:?}"
        );
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        assert_eq!(
            run(dis().arg("--tariff").arg(&path).arg("validate")).0,
            0,
            "the loader refused {to:?}"
        );
    }
    for (from, to) in [
        ("rate = \"0.001206\"", "rat = \"0.001206\""),
        ("schema = 2", "schema = 2\nextra = true"),
        ("rate = \"0.001206\"", "rate = true"),
        ("decimals = 4", "decimals = \"4\""),
        ("rounding = \"half-up\"", "rounding = \"nearest\""),
        ("currency = \"USD\"", "currency = \"usd\""),
        (
            "steps = { min = 1, max = 50, default = 10 }",
            "steps = { min = 1, max = 50 }",
        ),
        ("unit = \"megapixel-step\"\n", ""),
        ("as_of = \"2026-11-25\"", "as_of = \"2026-02-29\""),
        ("as_of = \"2026-11-25\"", "as_of = \"2026-04-31\""),
        ("rate = \"0.001206\"", "rate = 0"),
        ("rate = \"0.001206\"", "rate = \"-0.001206\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", \"0.000\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", -0.006"),
        (
            "sizes = [\"256x256\", \"512x512\", \"768x768\"]",
            "sizes = [\"256x256\", \"512x512\", \"512x512\"]",
        ),
        (
            "rows = [\n  { steps = 10, prices = [\"0.0008\", \"0.003\", \"0.0068\"] },\n  { steps = 20, prices = [\"0.0016\", \"0.006\", \"0.0136\"] },\n  { steps = 30, prices = [\"0.0023\", \"0.009\", \"0.0204\"] },\n]",
            "rows = []",
        ),
    ] {
        let text = edited(from, to);
        assert!(
            !validator.is_valid(&as_json(&text)),
            "the schema accepted {to:?}"
        );
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        assert_eq!(
            run(dis().arg("--tariff").arg(&path).arg("validate")).0,
            2,
            "the loader accepted {to:?}"
        );
    }
}

#[test]
fn every_json_output_names_the_tariff_that_made_it() {
    let sha = dis_price::tariff::sha256_hex(BUILTIN.as_bytes());
    let (_d, jobs) = temp_file("jobs.csv", b"steps,size\n20,512\n");
    let jobs = jobs.to_str().unwrap().to_owned();
    for args in [
        vec!["--format", "json"],
        vec!["table", "--format", "json"],
        vec!["check", "--format", "json"],
        vec!["models", "--format", "json"],
        vec!["fit", "--format", "json"],
        vec!["afford", "--budget", "1", "--format", "json"],
        vec!["batch", &jobs, "--format", "json"],
        vec!["batch", &jobs, "--format", "json", "--summary"],
    ] {
        let v = json(&stdout_of(&args));
        let t = &v["tariff"];
        assert_eq!(t["sha256"], sha.as_str(), "{args:?}");
        assert_eq!(
            (
                t["provider"].as_str(),
                t["as_of"].as_str(),
                t["origin"].as_str()
            ),
            (Some("Distribute.ai"), Some("2026-11-25"), Some("built-in")),
            "{args:?}"
        );
        assert!(
            t["source"]
                .as_str()
                .unwrap()
                .starts_with("https://docs.distribute.ai/")
        );
    }
    let (_d, path) = temp_file("mine.toml", BUILTIN.as_bytes());
    let v = json(&run(dis().arg("--tariff").arg(&path).args(["--format", "json"])).1);
    assert_eq!(v["tariff"]["origin"], path.to_str().unwrap());
}
