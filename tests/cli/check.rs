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
