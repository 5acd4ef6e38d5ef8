//! Loading tariffs: the file, the environment, and every validation rule with its position.

use crate::support::{BUILTIN, assert_bad_input, dis, edited, run, stdout_of, temp_file};

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
        "refused range [1000, 2000] is not inside the side limits, min 1 to max 1024",
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
        "schema = 2",
        "schema = 3",
        "schema",
        "3\n",
        "reads schema 1 and 2",
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
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"2026-02-29\"",
        "as_of",
        "\"2026-02-29\"",
        "\"2026-02-29\" is not a date: day 29 is not 01 to 28 (2026-02 has 28 days)",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"1900-02-29\"",
        "as_of",
        "\"1900-02-29\"",
        "(1900-02 has 28 days)",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"2026-04-31\"",
        "as_of",
        "\"2026-04-31\"",
        "day 31 is not 01 to 30",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"2026-13-01\"",
        "as_of",
        "\"2026-13-01\"",
        "month 13 is not 01 to 12",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"2026-11-00\"",
        "as_of",
        "\"2026-11-00\"",
        "day 00 is not 01 to 30",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = \"2026-1-25\"",
        "as_of",
        "\"2026-1-25\"",
        "expected YYYY-MM-DD",
    ),
    (
        "as_of = \"2026-11-25\"",
        "as_of = 2026-11-25T00:00:00Z",
        "as_of",
        "2026-11-25T00:00:00Z",
        "expected YYYY-MM-DD",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1000, 1023], [1010, 1020]]",
        "models.flux-dev.side.refused[1]",
        "[1010, 1020]",
        "refused range [1010, 1020] overlaps [1000, 1023] (refused[0]); write them as one range, [1000, 1023]",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1010, 1024], [1000, 1010]]",
        "models.flux-dev.side.refused[1]",
        "[1000, 1010]",
        "refused range [1000, 1010] overlaps [1010, 1024] (refused[0]); write them as one range, [1000, 1024]",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1000, 1023], [1000, 1023]]",
        "models.flux-dev.side.refused[1]",
        "[1000, 1023]]",
        "overlaps [1000, 1023] (refused[0])",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1000, 1009], [1010, 1023]]",
        "models.flux-dev.side.refused[1]",
        "[1010, 1023]",
        "refused range [1010, 1023] touches [1000, 1009] (refused[0]); write them as one range, [1000, 1023]",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1023, 1000]]",
        "models.flux-dev.side.refused[0]",
        "[1023, 1000]",
        "refused range [1023, 1000] runs downward; write it [1000, 1023]",
    ),
    (
        "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
        "side = { min = 64, max = 1024, refused = [[1, 63]] }",
        "models.flux-dev.side.refused[0]",
        "[1, 63]",
        "refused range [1, 63] is not inside the side limits, min 64 to max 1024",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[1, 1024]]",
        "models.flux-dev.side.refused[0]",
        "[1, 1024]",
        "refused range [1, 1024] refuses every side from min 1 to max 1024, so no size would be accepted",
    ),
    (
        "refused = [[1000, 1023]]",
        "refused = [[700, 800], [1000, 1023]]",
        "models.flux-dev.side.refused[0]",
        "[700, 800]",
        "refused range [700, 800] covers 768, a side of default_size 768x768; the default must be a size the model accepts",
    ),
    (
        "sizes = [\"256x256\", \"512x512\", \"768x768\"]",
        "sizes = [\"256x256\", \"512x512\", \"256\"]",
        "models.flux-dev.published.sizes[2]",
        "\"256\"",
        "size 256x256 is published twice (also sizes[0]); give each column once",
    ),
    (
        "sizes = [\"256x256\", \"512x512\", \"768x768\"]",
        "sizes = [\"256x256\", \"512x512\", \"1000x768\"]",
        "models.flux-dev.published.sizes[2]",
        "\"1000x768\"",
        "published size 1000x768 is outside the model's side limits (each side 1 to 999 or 1024 pixels)",
    ),
    (
        "{ steps = 30, prices",
        "{ steps = 10, prices",
        "models.flux-dev.published.rows[2].steps",
        "10, prices = [\"0.0023\"",
        "a row for 10 steps is published twice (also rows[0]); give each row once",
    ),
    (
        "{ steps = 30, prices",
        "{ steps = 60, prices",
        "models.flux-dev.published.rows[2].steps",
        "60, prices",
        "published row for 60 steps is outside the model's steps, 1 to 50",
    ),
    (
        "\"0.0023\", \"0.009\"",
        "\"0\", \"0.009\"",
        "models.flux-dev.published.rows[2].prices[0]",
        "\"0\", \"0.009\"",
        "a published price must be greater than 0, got 0",
    ),
    (
        "\"0.0023\", \"0.009\"",
        "-0.0023, \"0.009\"",
        "models.flux-dev.published.rows[2].prices[0]",
        "-0.0023",
        "a published price must be greater than 0, got -0.0023",
    ),
    (
        "\"0.0023\", \"0.009\"",
        "\"0.00000000000000000000000000001\", \"0.009\"",
        "models.flux-dev.published.rows[2].prices[0]",
        "\"0.00000000000000000000000000001\"",
        "more decimal places than can be held",
    ),
    (
        "rows = [\n  { steps = 10, prices = [\"0.0008\", \"0.003\", \"0.0068\"] },\n  { steps = 20, prices = [\"0.0016\", \"0.006\", \"0.0136\"] },\n  { steps = 30, prices = [\"0.0023\", \"0.009\", \"0.0204\"] },\n]",
        "rows = []",
        "models.flux-dev.published.rows",
        "[]",
        "the published rows are empty",
    ),
    (
        "rate = \"0.001206\"",
        "rate = \"79228162514264337593543950335\"",
        "models.flux-dev.rate",
        "\"79228162514264337593543950335\"",
        "rate 79228162514264337593543950335 cannot price its default job shown to 4 places: the price of 1 image(s) of 768x768 at 10 steps is too large to compute exactly",
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
    assert_bad_input(dis().arg("--tariff").arg(&empty), &["the tariff is empty"]);
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

/// `validate FILE` and `validate --tariff FILE` on a tariff with one problem: exit 2, nothing on
/// stdout, and on stderr exactly the one diagnostic: file, line, column, key, message, the line,
/// and a caret under `value`, at the first occurrence in `text` of `value` or, written
/// `VALUE|CONTEXT`, of the two together.
fn assert_one_problem(text: &str, value: &str, key: &str, message: &str) {
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let file = path.display();
    let (line, column) = position(text, &value.replacen('|', "", 1));
    let value = value.split('|').next().unwrap();
    let line_text = text.lines().nth(line - 1).unwrap();
    let gutter = " ".repeat(line.to_string().len());
    // Carets go by display column: a full-width character takes two.
    use unicode_width::UnicodeWidthStr;
    let before: String = line_text.chars().take(column - 1).collect();
    let expected = format!(
        "error: invalid tariff {file}: 1 problem\n{file}:{line}:{column}: {key}: {message}\n{gutter} |\n{line} | {line_text}\n{gutter} | {}{}\n",
        " ".repeat(before.width()),
        "^".repeat(value.width())
    );
    for args in [vec!["validate"], vec!["validate", "--tariff"]] {
        let (code, out, err) = run(dis().args(&args).arg(&path));
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert_eq!(err, expected, "{args:?}");
    }
}

#[test]
fn dates_that_are_not_on_the_calendar_are_refused() {
    for (date, why) in [
        ("2026-02-30", "day 30 is not 01 to 28 (2026-02 has 28 days)"),
        ("2026-02-29", "day 29 is not 01 to 28 (2026-02 has 28 days)"),
        ("2100-02-29", "day 29 is not 01 to 28 (2100-02 has 28 days)"),
        ("2028-02-30", "day 30 is not 01 to 29 (2028-02 has 29 days)"),
        ("2026-06-31", "day 31 is not 01 to 30 (2026-06 has 30 days)"),
        ("2026-00-10", "month 00 is not 01 to 12"),
        ("2026-11-25 ", "expected YYYY-MM-DD, e.g. \"2026-11-25\""),
        ("2026-11-5", "expected YYYY-MM-DD, e.g. \"2026-11-25\""),
        ("２026-11-25", "expected YYYY-MM-DD, e.g. \"2026-11-25\""),
    ] {
        let value = format!("\"{date}\"");
        let text = edited("as_of = \"2026-11-25\"", &format!("as_of = {value}"));
        assert_one_problem(
            &text,
            &value,
            "as_of",
            &format!("{value} is not a date: {why}"),
        );
    }
}

#[test]
fn leap_days_and_toml_dates_load() {
    for as_of in [
        "\"2024-02-29\"",
        "\"2000-02-29\"",
        "2024-02-29",
        "\"2025-12-31\"",
    ] {
        let text = edited("as_of = \"2026-11-25\"", &format!("as_of = {as_of}"));
        let (_dir, path) = temp_file("leap.toml", text.as_bytes());
        // Checked on the day it was read, so the day is not stale.
        let today = as_of.trim_matches('"');
        let (code, out, err) = run(dis()
            .env("DIS_PRICE_TODAY", today)
            .arg("validate")
            .arg(&path));
        assert_eq!(code, 0, "{as_of}: {err}");
        assert_eq!(
            out,
            format!("{}: valid, 4 models, 0 warnings\n", path.display()),
            "{as_of}"
        );
    }
}

#[test]
fn refused_side_ranges_that_would_make_the_limit_message_wrong_are_refused() {
    let side = "side = { min = 1, max = 1024, refused = [[1000, 1023]] }";
    for (refused, value, key, message) in [
        (
            "[[1000, 1023], [1010, 1030]]",
            "[1010, 1030]",
            "refused[1]",
            "refused range [1010, 1030] is not inside the side limits, min 1 to max 1024",
        ),
        (
            "[[1000, 1023], [1010, 1020]]",
            "[1010, 1020]",
            "refused[1]",
            "refused range [1010, 1020] overlaps [1000, 1023] (refused[0]); write them as one range, [1000, 1023]",
        ),
        (
            "[[5, 6], [7, 8]]",
            "[7, 8]",
            "refused[1]",
            "refused range [7, 8] touches [5, 6] (refused[0]); write them as one range, [5, 8]",
        ),
        (
            "[[7, 8], [1000, 1023], [5, 6]]",
            "[5, 6]",
            "refused[2]",
            "refused range [5, 6] touches [7, 8] (refused[0]); write them as one range, [5, 8]",
        ),
        (
            "[[1023, 1000]]",
            "[1023, 1000]",
            "refused[0]",
            "refused range [1023, 1000] runs downward; write it [1000, 1023]",
        ),
        (
            "[[1, 1024]]",
            "[1, 1024]",
            "refused[0]",
            "refused range [1, 1024] refuses every side from min 1 to max 1024, so no size would be accepted",
        ),
        (
            "[[768, 768]]",
            "[768, 768]",
            "refused[0]",
            "refused range [768, 768] covers 768, a side of default_size 768x768; the default must be a size the model accepts",
        ),
    ] {
        // Without the published grid, whose 768x768 column the last range would refuse too.
        let text = edited(
            side,
            &format!("side = {{ min = 1, max = 1024, refused = {refused} }}"),
        );
        let text = &text[..text.find("[models.flux-dev.published]").unwrap()];
        assert_one_problem(text, value, &format!("models.flux-dev.side.{key}"), message);
    }
}

#[test]
fn published_grids_with_a_repeated_or_empty_axis_or_a_price_not_above_0_are_refused() {
    let sizes = "sizes = [\"256x256\", \"512x512\", \"768x768\"]";
    for (from, to, value, key, message) in [
        (
            sizes,
            "sizes = [\"256x256\", \"512x512\", \"256\"]",
            "\"256\"",
            "sizes[2]",
            "size 256x256 is published twice (also sizes[0]); give each column once",
        ),
        (
            sizes,
            "sizes = [\"256x256\", \"512x512\", \"2048\"]",
            "\"2048\"",
            "sizes[2]",
            "published size 2048x2048 is outside the model's side limits (each side 1 to 999 or 1024 pixels)",
        ),
        (
            "{ steps = 20, prices",
            "{ steps = 10, prices",
            "10|, prices = [\"0.0016\"",
            "rows[1].steps",
            "a row for 10 steps is published twice (also rows[0]); give each row once",
        ),
        (
            "\"0.0016\", \"0.006\"",
            "\"0.0016\", \"0.000\"",
            "\"0.000\"",
            "rows[1].prices[1]",
            "a published price must be greater than 0, got 0.000",
        ),
    ] {
        let text = edited(from, to);
        let needle = value.replacen('|', "", 1);
        assert_eq!(text.matches(&needle).count(), 1, "{needle} is not unique");
        assert_one_problem(
            &text,
            value,
            &format!("models.flux-dev.published.{key}"),
            message,
        );
    }
    let text = edited(
        "rows = [\n  { steps = 10, prices = [\"0.0008\", \"0.003\", \"0.0068\"] },\n  { steps = 20, prices = [\"0.0016\", \"0.006\", \"0.0136\"] },\n  { steps = 30, prices = [\"0.0023\", \"0.009\", \"0.0204\"] },\n]",
        "rows = []",
    );
    assert_one_problem(
        &text,
        "[]",
        "models.flux-dev.published.rows",
        "the published rows are empty (add { steps = N, prices = [...] })",
    );
}

/// Refused ranges against the min and the max, and gaps one side wide: the limit a refused
/// side is told names exactly the sides that price.
#[test]
fn side_limits_with_one_wide_gaps_are_described_as_they_are_applied() {
    let text = edited(
        "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
        "side = { min = 1, max = 1024, refused = [[1, 7], [9, 1000], [1002, 1023]] }",
    )
    .replace("default_size = \"768x768\"", "default_size = \"8\"");
    let text = &text[..text.find("[models.flux-dev.published]").unwrap()];
    let (_dir, path) = temp_file("gaps.toml", text.as_bytes());
    for accepted in ["8", "1001x8", "1024x1001"] {
        let (code, out, err) = run(dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--size", accepted, "--format", "plain"]));
        assert_eq!(code, 0, "{accepted}: {err}");
        assert_eq!(err, "", "{accepted}");
        assert!(!out.is_empty());
    }
    for (size, what) in [
        ("7x8", "width 7"),
        ("9x8", "width 9"),
        ("1000x8", "width 1000"),
        ("1002x8", "width 1002"),
        ("1023x8", "width 1023"),
        ("1025x8", "width 1025"),
        ("8x1", "height 1"),
    ] {
        let (code, out, err) = run(dis().arg("--tariff").arg(&path).args(["--size", size]));
        assert_eq!((code, out.as_str()), (2, ""), "{size}");
        assert_eq!(
            err,
            format!(
                "error: {what} is outside Flux.1 [dev]'s limit (each side 8, 1001 or 1024 pixels); the API would refuse this job (--allow-out-of-range prices it anyway)\n"
            ),
            "{size}"
        );
    }
}

#[test]
fn a_single_accepted_value_is_named_exactly() {
    let text = edited(
        "steps = { min = 1, max = 50, default = 10 }",
        "steps = { min = 20, max = 20, default = 20 }",
    )
    .replace(
        "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
        "side = { min = 512, max = 512 }",
    )
    .replace("default_size = \"768x768\"", "default_size = \"512\"");
    let text = &text[..text.find("[models.flux-dev.published]").unwrap()];
    let (_dir, path) = temp_file("one.toml", text.as_bytes());
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["--steps", "21", "--size", "512x511"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: steps 21 is outside Flux.1 [dev]'s limit (exactly 20 steps); height 511 is outside Flux.1 [dev]'s limit (each side exactly 512 pixels); the API would refuse this job (--allow-out-of-range prices it anyway)\n"
    );
}

#[test]
fn a_rate_too_large_to_price_the_default_job_is_refused_at_the_rate() {
    let text = edited("display]\ndecimals = 4", "display]\ndecimals = 28");
    let (_dir, path) = temp_file("ok.toml", text.as_bytes());
    assert_eq!(run(dis().arg("validate").arg(&path)).0, 0);
    let text = edited("rate = \"0.001206\"", "rate = \"1000000\"")
        .replace("display]\ndecimals = 4", "display]\ndecimals = 28");
    assert_one_problem(
        &text,
        "\"1000000\"",
        "models.flux-dev.rate",
        "rate 1000000 cannot price its default job shown to 28 places: the price of 1 image(s) of 768x768 at 10 steps is too large to compute exactly (lower the rate or display.decimals)",
    );
}

#[test]
fn a_default_size_past_the_max_is_placed_at_the_default_even_when_a_range_refuses_its_other_side() {
    let text = edited(
        "refused = [[1000, 1023]]",
        "refused = [[700, 800], [1000, 1023]]",
    )
    .replace("default_size = \"768x768\"", "default_size = \"2048x768\"");
    let text = &text[..text.find("[models.flux-dev.published]").unwrap()];
    assert_one_problem(
        text,
        "\"2048x768\"",
        "models.flux-dev.default_size",
        "default_size 2048x768 is outside the side limits: each side 1 to 699, 801 to 999 or 1024 pixels",
    );
}
