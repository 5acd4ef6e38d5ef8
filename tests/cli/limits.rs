//! Every meter's minimum and every limit, through the binary: at the boundary, just below and
//! just above (speech `minimum_seconds`, the per-image `minimum`, steps 1 and 50, sides 1,
//! 999 and 1024 with the refused 1000 to 1023, the count, token counts).

use serde_json::Value;

use crate::support::{BUILTIN, assert_bad_input, dis, run};

/// A quote as JSON.
fn quote(tariff: Option<&str>, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = dis();
    if let Some(text) = tariff {
        let path = dir.path().join("t.toml");
        std::fs::write(&path, text).unwrap();
        cmd.arg("--tariff").arg(path);
    }
    let (code, out, err) = run(cmd.args(args).args(["--format", "json"]));
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// A quote as text.
fn text(tariff: Option<&str>, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = dis();
    if let Some(text) = tariff {
        let path = dir.path().join("t.toml");
        std::fs::write(&path, text).unwrap();
        cmd.arg("--tariff").arg(path);
    }
    let (code, out, err) = run(cmd.args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn speech_minimum_applies_only_below_it() {
    for (minimum, below, at, above) in [
        ("1", "0.9999", "1", "1.0001"),
        (
            "1",
            "0.9999999999999999999999999999",
            "1.000",
            "1.0000000000000000000000000001",
        ),
        ("2.5", "2.4999", "2.5", "2.5001"),
    ] {
        let tariff = BUILTIN.replacen(
            "minimum_seconds = \"1\"",
            &format!("minimum_seconds = \"{minimum}\""),
            1,
        );
        for (seconds, applied) in [(below, true), (at, false), (above, false)] {
            let args = ["--model", "Chatterbox", "--seconds", seconds];
            let json = quote(Some(&tariff), &args);
            assert_eq!(
                json["minimum_applied"], applied,
                "{seconds} against {minimum}"
            );
            let charged: rust_decimal::Decimal =
                json["seconds_charged"].as_str().unwrap().parse().unwrap();
            let expected: rust_decimal::Decimal =
                if applied { minimum } else { seconds }.parse().unwrap();
            assert_eq!(charged, expected, "{seconds} against {minimum}");
            let out = text(Some(&tariff), &args);
            assert_eq!(
                out.contains("below the minimum"),
                applied,
                "{seconds} against {minimum}: {out}"
            );
        }
    }
}

#[test]
fn image_minimum_applies_only_below_it() {
    // One 1024x1024 image at 1 step meters exactly 0.001206.
    for (minimum, applied) in [
        ("0.001206", false),
        ("0.0012060000000000000000000001", true),
        ("0.0012059999999999999999999999", false),
        ("0.0012061", true),
        ("0.0012059", false),
    ] {
        let tariff = BUILTIN.replacen("minimum = \"0\"", &format!("minimum = \"{minimum}\""), 1);
        let json = quote(
            Some(&tariff),
            &["--steps", "1", "--size", "1024x1024", "-n", "3"],
        );
        assert_eq!(json["minimum_applied"], applied, "minimum {minimum}");
        let per_image: rust_decimal::Decimal =
            if applied { minimum } else { "0.001206" }.parse().unwrap();
        let exact: rust_decimal::Decimal = json["exact"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            exact,
            per_image * rust_decimal::Decimal::from(3),
            "minimum {minimum}"
        );
    }
}

#[test]
fn steps_are_accepted_from_1_to_50() {
    for steps in ["1", "2", "49", "50"] {
        let json = quote(None, &["--steps", steps, "--size", "1024x1024"]);
        let units: rust_decimal::Decimal = json["units"].as_str().unwrap().parse().unwrap();
        assert_eq!(units.to_string(), steps);
    }
    for steps in ["0", "51"] {
        assert_bad_input(
            dis().args(["--steps", steps]),
            &[&format!("steps {steps} is outside"), "1 to 50 steps"],
        );
        // Allowed out of range, it is priced with a warning.
        let (code, _, err) = run(dis().args(["--steps", steps, "--allow-out-of-range"]));
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("warning"), "{err}");
    }
}

#[test]
fn sides_are_accepted_from_1_to_999_and_1024() {
    for side in ["1", "2", "998", "999", "1024"] {
        for size in [format!("{side}x512"), format!("512x{side}")] {
            let json = quote(None, &["--size", &size]);
            assert_eq!(json["size"], size.as_str());
        }
    }
    for side in ["0", "1000", "1001", "1023", "1025"] {
        for (size, which) in [
            (format!("{side}x512"), "width"),
            (format!("512x{side}"), "height"),
        ] {
            let needle = if side == "0" {
                String::new()
            } else {
                format!("{which} {side} is outside")
            };
            assert_bad_input(dis().args(["--size", &size]), &[&needle]);
        }
    }
}

#[test]
fn counts_are_accepted_from_1_to_the_largest() {
    for (count, exact) in [
        ("1", "0.00603"),
        ("2", "0.01206"),
        ("4294967295", "25898652.78885"),
    ] {
        let json = quote(None, &["--steps", "20", "--size", "512x512", "-n", count]);
        assert_eq!(json["exact"], exact, "{count}");
    }
    assert_bad_input(
        dis().args(["-n", "0"]),
        &["count 0 is outside", "at least 1 image"],
    );
    assert_bad_input(
        dis().args(["-n", "4294967296"]),
        &["\"4294967296\" is larger than 4294967295"],
    );
}

#[test]
fn token_counts_are_accepted_from_0_to_the_largest() {
    let model = ["--model", "Llama-3.1 8B"];
    for (input, output, exact) in [
        ("0", "0", "0"),
        ("1", "0", "0.0000001"),
        ("0", "1", "0.00000016"),
        ("18446744073709551615", "0", "1844674407370.9551615"),
    ] {
        let json = quote(
            None,
            &[
                model[0],
                model[1],
                "--input-tokens",
                input,
                "--output-tokens",
                output,
            ],
        );
        assert_eq!(json["exact"], exact, "{input} {output}");
    }
    for flag in ["--input-tokens", "--output-tokens"] {
        assert_bad_input(
            dis().args(model).args([flag, "18446744073709551616"]),
            &["18446744073709551616", "18446744073709551615"],
        );
        assert_bad_input(dis().args(model).args([flag, "-1"]), &["\"-1\""]);
    }
}
