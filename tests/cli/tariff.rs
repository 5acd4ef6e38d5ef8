//! Loading tariffs: the file, the environment, and every validation rule with its position.

use crate::{BUILTIN, assert_bad_input, dis, edited, run, stdout_of, temp_file};

/// 1-based line and character column of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let line = text[..at].lines().count() + usize::from(text[..at].ends_with('\n') || at == 0);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

/// Each rule: (replace this, with this, the key named, where the error points, a word of the message).
const RULES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "rate = \"0.001206\"",
        "rat = \"0.001206\"",
        "models.flux-dev.rat",
        "rat =",
        "unknown key `rat`",
    ),
    (
        "unit = \"megapixel-step\"\n",
        "",
        "models.flux-dev.unit",
        "[models.flux-dev]",
        "missing required key `unit`",
    ),
    (
        "rate = \"0.001206\"",
        "rate = \"0\"",
        "models.flux-dev.rate",
        "\"0\"",
        "greater than 0",
    ),
    (
        "rate = \"0.001206\"",
        "rate = -0.5",
        "models.flux-dev.rate",
        "-0.5",
        "greater than 0",
    ),
    (
        "rate = \"0.001206\"",
        "rate = \"abc\"",
        "models.flux-dev.rate",
        "\"abc\"",
        "not a decimal number",
    ),
    (
        "rate = \"0.001206\"",
        "rate = 1e30",
        "models.flux-dev.rate",
        "1e30",
        "\"1e30\" is too large: the largest amount is 79228162514264337593543950335",
    ),
    (
        "minimum = \"0\"",
        "minimum = \"-1\"",
        "models.flux-dev.minimum",
        "\"-1\"",
        "0 or more",
    ),
    (
        "steps = { min = 1, max = 50, default = 10 }",
        "steps = { min = 60, max = 50, default = 10 }",
        "models.flux-dev.steps",
        "{ min = 60",
        "min 60 is greater than max 50",
    ),
    (
        "steps = { min = 1, max = 50, default = 10 }",
        "steps = { min = 1, max = 50, default = 60 }",
        "models.flux-dev.steps.default",
        "60 }",
        "outside min 1 to max 50",
    ),
    (
        "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
        "side = { min = 2000, max = 1024, refused = [[1000, 1023]] }",
        "models.flux-dev.side",
        "{ min = 2000",
        "greater than max",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1000, 2000]]",
        "models.flux-dev.side.refused[0]",
        "[1000, 2000]",
        "must run upward within min 1 to max 1024",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1000]]",
        "models.flux-dev.side.refused[0]",
        "[1000]]",
        "two whole numbers",
    ),
    (
        "default_size = \"768x768\"",
        "default_size = \"768x\"",
        "models.flux-dev.default_size",
        "\"768x\"",
        "size \"768x\"",
    ),
    (
        "default_size = \"768x768\"",
        "default_size = \"2048\"",
        "models.flux-dev.default_size",
        "\"2048\"",
        "outside the side limits",
    ),
    (
        "sizes = [\"256x256\", \"512x512\", \"768x768\"]",
        "sizes = [\"256x256\", \"512x512\", \"768*768\"]",
        "models.flux-dev.published.sizes[2]",
        "\"768*768\"",
        "size \"768*768\"",
    ),
    (
        "{ steps = 20, prices = [\"0.0016\", \"0.006\", \"0.0136\"] }",
        "{ steps = 20, prices = [\"0.0016\", \"0.006\"] }",
        "models.flux-dev.published.rows[1].prices",
        "[\"0.0016\", \"0.006\"]",
        "has 2 prices but there are 3",
    ),
    (
        "default_model = \"flux-dev\"",
        "default_model = \"flux-pro\"",
        "default_model",
        "\"flux-pro\"",
        "not a model of this tariff",
    ),
    (
        "rounding = \"half-up\"",
        "rounding = \"nearest\"",
        "display.rounding",
        "\"nearest\"",
        "half-up, half-even, up, down",
    ),
    (
        "schema = 1",
        "schema = 2",
        "schema",
        "2\n",
        "reads schema 1",
    ),
    (
        "decimals = 4",
        "decimals = \"4\"",
        "display.decimals",
        "\"4\"",
        "expected a whole number",
    ),
    (
        "unit_size = \"1024x1024\"",
        "unit_size = \"3x3\"",
        "models.flux-dev.unit_size",
        "\"3x3\"",
        "2s and 5s",
    ),
    (
        "currency = \"USD\"",
        "currency = \"usd\"",
        "currency",
        "\"usd\"",
        "ISO 4217",
    ),
    (
        "aliases = [\"flux.1-dev\", \"flux-1-dev\"]",
        "aliases = [\"flux.1-dev\", \"FLUX-DEV\"]",
        "models.flux-dev",
        "[models.flux-dev]",
        "already used",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"25/11/2026\"",
        "as_of",
        "\"25/11/2026\"",
        "YYYY-MM-DD",
    ),
];

#[test]
fn every_rule_is_an_error_with_file_line_column_and_key() {
    for &(from, to, key, at, message) in RULES {
        let text = edited(from, to);
        let (_dir, path) = temp_file("mine.toml", text.as_bytes());
        let (line, column) = position(&text, at);
        let place = format!("{}:{line}:{column}: {key}: ", path.display());
        let err = assert_bad_input(
            dis().arg("--tariff").arg(&path).arg("--format=plain"),
            &[&place, message],
        );
        assert!(err.contains("invalid tariff"), "{err}");
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = edited("rate = \"0.001206\"", "rate = \"0\"")
        .replace("rounding = \"half-up\"", "rounding = \"x\"");
    let (_dir, path) = temp_file("two.toml", text.as_bytes());
    let err = assert_bad_input(
        dis().arg("--tariff").arg(&path),
        &["2 problems", "display.rounding", "models.flux-dev.rate"],
    );
    // The line itself is shown under each.
    assert!(err.contains("rate = \"0\""), "{err}");
}

#[test]
fn invalid_toml_is_placed_too() {
    let text = edited("rate = \"0.001206\"", "rate = = 1");
    let (_dir, path) = temp_file("broken.toml", text.as_bytes());
    let (line, _) = position(&text, "rate = = 1");
    assert_bad_input(
        dis().arg("--tariff").arg(&path),
        &[&format!("broken.toml:{line}:"), "not valid TOML"],
    );
}

#[test]
fn a_rate_written_as_a_number_is_as_exact_as_a_string() {
    for rate in ["0.001206", "1.206e-3", "0.001_206"] {
        let text = edited("rate = \"0.001206\"", &format!("rate = {rate}"));
        let (_dir, path) = temp_file("n.toml", text.as_bytes());
        let out = run(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--steps", "20", "--size", "256", "--format", "json"]));
        assert_eq!(out.0, 0, "{}", out.2);
        assert!(
            out.1.contains("\"exact\": \"0.0015075\""),
            "{rate}: {}",
            out.1
        );
        assert!(
            out.1.contains("\"rate\": \"0.001206\""),
            "{rate}: {}",
            out.1
        );
    }
}

#[test]
fn the_environment_names_a_tariff_and_the_flag_wins() {
    let text = edited("rate = \"0.001206\"", "rate = \"0.002\"");
    let (_dir, path) = temp_file("double.toml", text.as_bytes());
    let plain = ["--steps", "20", "--size", "512", "--format", "plain"];
    let out = dis()
        .env("DIS_PRICE_TARIFF", &path)
        .args(plain)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0.0100\n");
    let bad = temp_file("bad.toml", b"schema = 2");
    let out = dis()
        .env("DIS_PRICE_TARIFF", &bad.1)
        .arg("--tariff")
        .arg(&path)
        .args(plain)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0.0100\n");
    // Empty means unset.
    let out = dis()
        .env("DIS_PRICE_TARIFF", "")
        .args(plain)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0.0060\n");
}

#[test]
fn unreadable_tariffs_are_named() {
    assert_bad_input(
        dis().args(["--tariff", "/no/such/tariff.toml"]),
        &["/no/such/tariff.toml", "No such file"],
    );
    let dir = tempfile::tempdir().unwrap();
    assert_bad_input(dis().arg("--tariff").arg(dir.path()), &["is a directory"]);
    let (_d, empty) = temp_file("empty.toml", b"");
    assert_bad_input(
        dis().arg("--tariff").arg(&empty),
        &["missing required key `schema`"],
    );
    let (_d, binary) = temp_file("bin.toml", b"schema = 1\n\xff\xfe");
    assert_bad_input(
        dis().arg("--tariff").arg(&binary),
        &["not UTF-8", "offset 11"],
    );
    let big = vec![b'#'; 2 * 1024 * 1024];
    let (_d, huge) = temp_file("huge.toml", &big);
    assert_bad_input(
        dis().arg("--tariff").arg(&huge),
        &["larger than 1048576 bytes"],
    );
}

#[test]
fn tariff_prints_the_tariff_in_use_and_it_loads_back() {
    assert_eq!(stdout_of(&["tariff"]), BUILTIN);
    let (_dir, path) = temp_file("mine.toml", stdout_of(&["tariff"]).as_bytes());
    let out = run(dis().arg("--tariff").arg(&path).arg("tariff"));
    assert_eq!(out.1, BUILTIN);
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
