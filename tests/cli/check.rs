//! `dis-price check` against the published grid.

use crate::support::{dis, edited, refused, run, stdout_of, temp_file};

#[test]
fn the_shipped_tariff_passes_with_one_cell_within_tolerance() {
    let out = stdout_of(&["check"]);
    insta::assert_snapshot!("check_table", out);
    assert!(
        out.contains("8 exact, 1 within tolerance (0.0001 USD), 0 off: passes"),
        "{out}"
    );
}

#[test]
fn json_shows_every_cell_and_the_odd_one() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&["check", "--format", "json"])).unwrap();
    assert_eq!(v["passed"], true);
    let cells = v["models"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 9);
    let exact = cells.iter().filter(|c| c["status"] == "exact").count();
    assert_eq!(exact, 8);
    let odd = cells.iter().find(|c| c["status"] != "exact").unwrap();
    assert_eq!(
        (odd["steps"].as_u64(), odd["size"].as_str()),
        (Some(20), Some("256x256"))
    );
    assert_eq!(
        (odd["price"].as_str(), odd["published"].as_str()),
        (Some("0.0015"), Some("0.0016"))
    );
    assert_eq!(odd["difference"], "-0.0001");
    assert_eq!(odd["status"], "within tolerance");
}

#[test]
fn markdown_check() {
    insta::assert_snapshot!(
        "check_markdown",
        stdout_of(&["check", "--format", "markdown"])
    );
}

#[test]
fn a_cell_beyond_the_tolerance_fails_with_status_1() {
    let text = edited(
        "prices = [\"0.0023\", \"0.009\", \"0.0204\"]",
        "prices = [\"0.0025\", \"0.009\", \"0.0204\"]",
    );
    let (_dir, path) = temp_file("off.toml", text.as_bytes());
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).arg("check"));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("| off") || out.contains("┆ off"), "{out}");
    assert!(out.contains("1 off: FAILS"), "{out}");
    let (code, out, _) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["check", "--format", "json"]));
    assert_eq!(code, 1);
    assert!(out.contains("\"passed\": false"));
}

#[test]
fn a_zero_tolerance_fails_the_shipped_grid() {
    let text = edited("tolerance = \"0.0001\"", "tolerance = \"0\"");
    let (_dir, path) = temp_file("strict.toml", text.as_bytes());
    let (code, _, _) = run(dis().arg("--tariff").arg(&path).arg("check"));
    assert_eq!(code, 1);
}

/// The difference column of `check --format FORMAT` under `path`, cell by cell, and the status.
fn differences(path: &std::path::Path, format: &str) -> (Vec<String>, i32) {
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(path)
        .args(["check", "--format", format]));
    assert!(code == 0 || code == 1, "{err}");
    let column = match format {
        "json" => {
            let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
            v["models"][0]["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .map(|c| c["difference"].as_str().expect("a string").to_owned())
                .collect()
        }
        // Rows of the markdown table: `| steps | size | computed | published | difference |`.
        _ => out
            .lines()
            .filter(|l| l.starts_with("| ") && l.as_bytes()[2].is_ascii_digit())
            .map(|l| l.split(" | ").nth(4).expect("a difference").to_owned())
            .collect(),
    };
    (column, code)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 16, ..Default::default() })]

    /// Whatever the rate, JSON writes each difference as the table does: signed when it is not
    /// 0 (`+0.0001`, `-0.0001`), `0.0000` when it is.
    #[test]
    fn json_signs_each_difference_as_the_table_does(millionths in 1000u32..=1400) {
        let text = edited("rate = \"0.001206\"", &format!("rate = \"0.{millionths:06}\""));
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        let (json, code) = differences(&path, "json");
        let (markdown, _) = differences(&path, "markdown");
        proptest::prop_assert_eq!(json.len(), 9);
        proptest::prop_assert_eq!(&json, &markdown);
        for d in &json {
            let zero = d.trim_start_matches(['0', '.']).is_empty();
            proptest::prop_assert!(zero || d.starts_with('+') || d.starts_with('-'), "{}", d);
        }
        // A check that passes has no cell off by more than the tolerance, 0.0001.
        if code == 0 {
            proptest::prop_assert!(json.iter().all(|d| matches!(d.as_str(), "0.0000" | "+0.0001" | "-0.0001")));
        }
    }
}

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The README's prices.toml with its first rate moved to `from`.
fn first_rate_from(from: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(readme("prices.toml")).expect("fixture");
    assert!(text.contains("from = \"2026-06-01\""));
    crate::support::temp_file(
        "prices.toml",
        text.replace("from = \"2026-06-01\"", &format!("from = \"{from}\""))
            .as_bytes(),
    )
}

#[test]
fn check_and_fit_compare_the_published_grid_on_the_tariff_as_of() {
    let prices = readme("prices.toml");
    // Later than the second rate's day, with nothing changed: still the rate of as_of.
    let (code, out, err) = run(dis()
        .env("DIS_PRICE_TODAY", "2026-12-02")
        .args(["--tariff", &prices, "check"]));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.starts_with("Flux.1 [dev] (flux-dev) against its published prices, USD per image at 0.001206 USD per megapixel-step (the rate from 2026-06-01, in force on 2026-11-25, the tariff's as_of, when its published prices were read)\n"), "{out}");
    let (code, out, _) = run(dis()
        .env("DIS_PRICE_TODAY", "2026-12-02")
        .args(["--tariff", &prices, "fit"]));
    assert_eq!(code, 0);
    assert!(out.contains("  current rate:   0.001206 USD (the rate from 2026-06-01, in force on 2026-11-25, the tariff's as_of, when its published prices were read), inside the best interval\n"), "{out}");
    // An explicit --as-of is that day, and the heading says so; a bad DIS_PRICE_TODAY is not read.
    let (code, out, _) = run(dis().env("DIS_PRICE_TODAY", "garbage").args([
        "--tariff",
        &prices,
        "check",
        "--as-of",
        "2026-12-02",
    ]));
    assert_eq!(code, 1);
    assert!(out.starts_with("Flux.1 [dev] (flux-dev) against its published prices, USD per image at 0.0013 USD per megapixel-step (the rate from 2026-12-01, in force on 2026-12-02 as --as-of asks; the published prices were read on 2026-11-25)\n"), "{out}");
    // The first rate after as_of: check, fit and validate say the same thing.
    let (_dir, later) = first_rate_from("2026-11-26");
    let later = later.to_str().expect("UTF-8 path");
    let said = "model \"flux-dev\" has no rate on the tariff's as_of 2026-11-25, the day its published prices were read: its first rate takes effect on 2026-11-26, so they cannot be checked against it (add the rate in force on 2026-11-25 to the tariff's rates, or correct as_of)";
    for command in ["check", "fit"] {
        assert_eq!(
            refused(dis().args(["--tariff", later, command])),
            format!("error: {said}; or check another day with --as-of\n")
        );
    }
    let (code, out, err) = run(dis().args(["validate", later]));
    assert_eq!(code, 0);
    assert!(out.ends_with("valid, 1 model, 1 warning\n"), "{out}");
    assert!(
        err.starts_with("warning: ") && err.contains(&format!("models.flux-dev: {said}\n")),
        "{err}"
    );
}
