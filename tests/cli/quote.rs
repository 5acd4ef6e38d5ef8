//! Pricing one job.

use crate::support::{assert_bad_input, dis, run, stdout_of};

#[test]
fn one_job_in_every_format() {
    let args = ["--steps", "20", "--size", "512x512"];
    insta::assert_snapshot!("job_text", stdout_of(&args));
    assert_eq!(
        stdout_of(&[&args[..], &["--format", "plain"]].concat()),
        "0.0060\n"
    );
    insta::assert_snapshot!(
        "job_json",
        stdout_of(&[&args[..], &["--format", "json"]].concat())
    );
}

#[test]
fn json_has_the_documented_fields_as_strings() {
    let out = stdout_of(&[
        "--steps", "30", "--size", "768", "-n", "3", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["model"], "flux-dev");
    assert_eq!(
        (
            v["steps"].as_u64(),
            v["width"].as_u64(),
            v["height"].as_u64()
        ),
        (Some(30), Some(768), Some(768))
    );
    assert_eq!(v["count"], 3);
    // 30 x 768 x 768 / 1024^2 = 16.875 units per image, three images.
    assert_eq!(v["units"], "50.625");
    assert_eq!(v["rate"], "0.001206");
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["exact"], "0.06105375");
    assert_eq!(v["price"], "0.0611");
}

#[test]
fn defaults_are_the_apis_and_are_said() {
    let out = stdout_of(&[]);
    assert!(out.contains("768x768 (model default)"), "{out}");
    assert!(out.contains("10 (model default)"), "{out}");
    assert_eq!(stdout_of(&["--format", "plain"]), "0.0068\n");
    let given = stdout_of(&["--steps", "10", "--size", "768x768"]);
    assert!(!given.contains("default"), "{given}");
}

#[test]
fn every_size_spelling_prices_the_same() {
    for size in [
        "512x512",
        "512X512",
        "512×512",
        "512 x 512",
        "512 × 512",
        "512",
        " 512x512 ",
    ] {
        assert_eq!(
            stdout_of(&["--steps", "20", "--size", size, "--format", "plain"]),
            "0.0060\n",
            "{size}"
        );
    }
}

#[test]
fn count_multiplies_before_rounding() {
    // One image is 0.00603 exactly, shown 0.0060; ten are 0.0603, not 10 x 0.0060.
    assert_eq!(
        stdout_of(&[
            "--steps", "20", "--size", "512", "-n", "10", "--format", "plain"
        ]),
        "0.0603\n"
    );
    assert_eq!(
        stdout_of(&[
            "--steps", "20", "--size", "512", "--count", "10", "--format", "plain"
        ]),
        "0.0603\n"
    );
}

#[test]
fn values_outside_the_limits_are_refused_naming_the_limit() {
    assert_bad_input(
        dis().args(["--steps", "51"]),
        &["steps 51", "1 to 50", "--allow-out-of-range"],
    );
    assert_bad_input(dis().args(["--steps", "0"]), &["steps 0", "1 to 50"]);
    assert_bad_input(
        dis().args(["--size", "2048"]),
        &["width 2048", "height 2048", "1 to 999 or 1024"],
    );
    assert_bad_input(
        dis().args(["--size", "512x1025"]),
        &["height 1025", "1 to 999 or 1024"],
    );
    assert_bad_input(dis().args(["-n", "0"]), &["count 0", "at least 1"]);
}

#[test]
fn sides_the_api_pattern_refuses_are_out_of_range() {
    // The API's size pattern takes each side from 1 to 999, or exactly 1024.
    assert_eq!(
        stdout_of(&["--size", "999x1024", "--format", "plain"]),
        "0.0118\n"
    );
    for size in ["1000", "1023x512", "512x1010"] {
        assert_bad_input(
            dis().args(["--size", size]),
            &["is outside Flux.1 [dev]'s limit (each side 1 to 999 or 1024 pixels)"],
        );
    }
}

#[test]
fn allow_out_of_range_prices_with_a_warning() {
    let (code, out, err) = run(dis().args([
        "--steps",
        "51",
        "--size",
        "2048",
        "--allow-out-of-range",
        "--format",
        "plain",
    ]));
    assert_eq!(code, 0, "{err}");
    // 51 x 4 units x 0.001206 = 0.246024.
    assert_eq!(out, "0.2460\n");
    assert!(err.starts_with("warning:"), "{err}");
    assert!(
        err.contains("steps 51") && err.contains("width 2048"),
        "{err}"
    );
}

#[test]
fn numbers_are_whole_and_32_bit_never_wrapped() {
    for (flag, bad) in [
        ("--steps", "1.5"),
        ("--steps", "-1"),
        ("--steps", "NaN"),
        ("--steps", "99999999999999999999"),
        ("--steps", "4294967296"),
        ("--count", "1.5"),
        ("--count", "-1"),
        ("--count", "4294967296"),
    ] {
        let (code, out, err) = run(dis().args([&format!("{flag}={bad}")]));
        assert_eq!(code, 2, "{flag} {bad}: {err}");
        assert!(out.is_empty());
        assert!(err.starts_with("error:") && err.contains(bad), "{err}");
    }
}

#[test]
fn bad_sizes_are_named_with_a_hint() {
    for bad in [
        "512x",
        "x512",
        "0x512",
        "512x512x512",
        "1e3x512",
        "５１２x512",
        "",
        "-512x512",
    ] {
        let (code, out, err) = run(dis().arg(format!("--size={bad}")));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(out.is_empty());
        assert!(
            err.starts_with("error:")
                && err.contains(&format!("{bad:?}"))
                && err.contains("try 512x512"),
            "{err}"
        );
    }
}

#[test]
fn a_price_too_large_to_hold_exactly_is_an_error_not_a_panic() {
    let (code, out, err) = run(dis().args([
        "--steps",
        "4294967295",
        "--size",
        "4294967295",
        "-n",
        "4294967295",
        "--allow-out-of-range",
    ]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    // The allowed breaches are warned about first; the error is the last line.
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("error: the price of 4294967295 image(s)"),
        "{err}"
    );
    assert!(err.contains("too large to compute exactly"), "{err}");
}

#[test]
fn colour_only_when_asked_and_never_with_no_color_or_in_script_formats() {
    let coloured = stdout_of(&["--color", "always"]);
    assert!(coloured.contains('\x1b'), "{coloured}");
    // Not a terminal: auto means none.
    assert!(!stdout_of(&[]).contains('\x1b'));
    // NO_COLOR turns auto off; an explicit --color always overrides it (no-color.org).
    let out = dis()
        .args(["--color", "auto"])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    for format in ["plain", "json"] {
        assert!(
            !stdout_of(&["--color", "always", "--format", format]).contains('\x1b'),
            "{format}"
        );
    }
    assert!(!stdout_of(&["--color", "always", "table", "--format", "csv"]).contains('\x1b'));
}

#[test]
fn a_tiny_price_with_many_places_is_priced_not_called_too_large() {
    // 28 places of rate over 2^20 pixels: the exact price has 48 places, more than the
    // 38 digits between them and the 4 shown fit in a u128 power of ten. It is rounded by long
    // division, and shown at the place of its first significant digit (here, 28 places up).
    let (_dir, path) = built_in_at_rate("0.0000000000000000000000000003");
    let (code, out, err) = run(dis().args(["--tariff"]).arg(&path).args([
        "--steps",
        "1",
        "--size",
        "1x1",
        "--as-of",
        "2026-11-26",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["exact"],
        "0.000000000000000000000000000000000286102294921875"
    );
    assert_eq!(v["price"], "0.0000000000000000000000000001");
}

/// A row of zero images costs exactly nothing, however large each image would be: under a rate
/// with so many digits that one such image's exact price does not fit, the row is priced at
/// zero, not refused as too large.
#[test]
fn a_row_of_zero_images_costs_nothing_whatever_its_size() {
    let (_dir, path) = built_in_at_rate("79228162514264.337593543950");
    let rows =
        "{\"steps\": 4000000000, \"width\": 4000000000, \"height\": 4000000000, \"count\": 0}\n";
    let (_rows_dir, rows_path) = crate::support::temp_file("zero.jsonl", rows.as_bytes());
    let (code, out, err) = run(dis()
        .args([
            "batch",
            "--allow-out-of-range",
            "--as-of",
            "2026-11-26",
            "--format",
            "csv",
        ])
        .arg(&rows_path)
        .arg("--tariff")
        .arg(&path));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\n1,flux-dev,exact,4000000000,4000000000x4000000000,0,0,,,,,0,0.0000\n"),
        "{out}"
    );
}

/// The built-in tariff with flux-dev's rate set to `rate`, in a temporary file.
fn built_in_at_rate(rate: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tariff = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tariffs/distribute.toml"
    ))
    .unwrap();
    assert!(
        tariff.contains("rate = \"0.001206\""),
        "the built-in rate moved"
    );
    let tariff = tariff.replace("rate = \"0.001206\"", &format!("rate = \"{rate}\""));
    crate::support::temp_file("rate.toml", tariff.as_bytes())
}

/// `--format markdown` on one job or request: the text answer as a bold line and a table, its
/// markup escaped.
#[test]
fn one_job_in_markdown() {
    assert_eq!(
        stdout_of(&["--steps", "20", "--size", "512", "--format", "markdown"]),
        "**0.0060 USD** for 1 image with Flux.1 \\[dev\\]\n\n|  |  |\n| --- | --- |\n\
         | size | 512x512 |\n| steps | 20 |\n| count | 1 |\n\
         | price | 5 megapixel-step x 0.001206 USD/megapixel-step = 0.00603 USD |\n\
         | shown | rounded half-up to 4 places |\n"
    );
    assert_eq!(
        stdout_of(&[
            "--model",
            "Llama-3.3 70B",
            "--input-tokens",
            "1500",
            "--output-tokens",
            "400",
            "--format",
            "markdown"
        ]),
        "**0.0014 USD** for 1 chat request with Llama-3.3 70B\n\n|  |  |\n| --- | --- |\n\
         | input | 1500 tokens x 0.7 USD per 1,000,000 = 0.00105 USD |\n\
         | output | 400 tokens x 0.8 USD per 1,000,000 = 0.00032 USD |\n\
         | price | 0.00105 + 0.00032 = 0.00137 USD |\n\
         | shown | rounded half-up to 4 places |\n"
    );
}
