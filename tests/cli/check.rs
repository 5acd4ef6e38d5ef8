//! `dis-price check` against the published grid.

use crate::{dis, edited, run, stdout_of, temp_file};

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
