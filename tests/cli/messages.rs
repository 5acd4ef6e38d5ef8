//! Messages say what is so: the job they name is the one that failed, a rule is stated as it
//! is checked, a price too fine to compute is not called too large, and no figure of money
//! is shown as zero when it is not.

use proptest::prelude::*;

use crate::{BUILTIN, assert_bad_input, dis, edited, run, temp_file};

fn with_tariff(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    temp_file("t.toml", text.as_bytes())
}

#[test]
fn afford_with_a_count_names_the_count_and_the_steps_it_found() {
    // At 28 places a price above 7.9 cannot be shown; 10000 images fit 100 at 14 steps.
    let (_dir, path) = with_tariff(&edited("decimals = 4 ", "decimals = 28 "));
    let err = assert_bad_input(
        dis()
            .arg("--tariff")
            .arg(&path)
            .args(["afford", "--count", "10000", "--budget", "100"]),
        &["10000 image(s) of 768x768 at 14 steps"],
    );
    assert!(!err.contains("14 image(s)"), "{err}");
}

#[test]
fn unit_size_says_which_rule_it_breaks() {
    for (size, needle) in [
        (
            "2147483648x2147483648",
            "has 4611686018427387904 pixels, 2^62 x 5^0: more than 28 twos",
        ),
        ("1x1220703125", "1220703125 pixels, 2^0 x 5^13"),
        ("3x1", "has 3 pixels, which is not a product of 2s and 5s,"),
    ] {
        let text = edited(
            "unit_size = \"1024x1024\"",
            &format!("unit_size = \"{size}\""),
        );
        let (_dir, path) = with_tariff(&text);
        let (code, _, err) = run(dis().arg("validate").arg(&path));
        if size == "1x1220703125" {
            // 13 fives are within the rule.
            assert_eq!(code, 0, "{err}");
            assert!(!err.contains(needle), "{err}");
            continue;
        }
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(needle), "{needle:?} not in {err}");
        assert!(!err.contains("up to 10^28"), "{err}");
    }
}

/// A unit of 2^10 x 5^13 pixels and a rate of 28 significant digits: a 999x997 image's price
/// is far below 1 and has more digits than the exact arithmetic holds.
fn fine_tariff() -> String {
    BUILTIN
        .replacen(
            "unit_size = \"1024x1024\"",
            "unit_size = \"1024x1220703125\"",
            1,
        )
        .replacen(
            "rate = \"0.001206\"",
            "rate = \"0.1234567890123456789012345677\"",
            1,
        )
        .replacen("decimals = 4 ", "decimals = 0 ", 1)
}

#[test]
fn a_price_too_fine_to_compute_is_not_called_too_large() {
    let (_dir, path) = with_tariff(&fine_tariff());
    let err = assert_bad_input(
        dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--size", "999x997", "--steps", "1"]),
        &[
            "the price of 1 image(s) of 999x997 at 1 steps is below 1 with more digits than can be computed exactly",
        ],
    );
    assert!(!err.contains("too large"), "{err}");
    // The loader says the same of a default job, with advice that helps.
    let text = fine_tariff().replacen(
        "default_size = \"768x768\"",
        "default_size = \"999x997\"",
        1,
    );
    let (_dir, path) = with_tariff(&text);
    let err = assert_bad_input(
        dis().arg("validate").arg(&path),
        &[
            "is below 1 with more digits than can be computed exactly",
            "give the rate fewer significant digits",
        ],
    );
    assert!(!err.contains("lower the rate"), "{err}");
    // A price truly too large still says so.
    let (_dir, path) = with_tariff(&edited("rate = \"0.001206\"", "rate = \"1e26\""));
    assert_bad_input(
        dis().arg("validate").arg(&path),
        &["is too large to compute exactly (lower the rate or display.decimals)"],
    );
}

/// `afford`'s figures as text (spent, left) and JSON (leftover exact and shown).
fn afford_figures(args: &[&str]) -> (String, String, String, String) {
    let out = |format: &str| {
        let (code, out, err) = run(dis().args(args).args(["--format", format]));
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let text = out("text");
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    let (_, figures) = text
        .rsplit_once(" each: ")
        .or(text.rsplit_once(": "))
        .unwrap();
    let mut parts = figures.split(' ');
    let spent = parts.next().unwrap().to_owned();
    let left = figures
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    (
        spent,
        left.to_owned(),
        json["leftover"].as_str().unwrap().to_owned(),
        json["leftover_shown"].as_str().unwrap().to_owned(),
    )
}

fn decimal(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

#[test]
fn the_reported_leftover_is_shown() {
    // 8 requests of 0.00001 out of 0.000085: 0.000005 is left, not 0.0000.
    let (_, left, exact, shown) = afford_figures(&[
        "afford",
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "100",
        "--output-tokens",
        "0",
        "--budget",
        "0.000085",
    ]);
    assert_eq!(
        (left.as_str(), exact.as_str(), shown.as_str()),
        ("0.000005", "0.000005", "0.000005")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Whatever the budget and request, what is left is shown as zero only when it is zero,
    /// and never as more than there is; what is spent is shown as zero only when it is zero.
    #[test]
    fn no_money_is_shown_as_zero_unless_it_is_zero(
        model in prop::sample::select(vec!["Llama-3.1 8B", "Llama-3.3 70B", "Chatterbox", "flux-dev"]),
        tokens in 0u64..5000,
        seconds in 1u32..200,
        budget_digits in 0u64..2_000_000,
        budget_places in 4u32..9,
    ) {
        let budget = rust_decimal::Decimal::new(i64::try_from(budget_digits).unwrap(), budget_places).to_string();
        let tokens = tokens.max(1).to_string();
        let seconds = format!("{}.{}", seconds / 10, seconds % 10);
        let mut args = vec!["afford", "--model", model, "--budget", &budget];
        match model {
            "Chatterbox" => args.extend(["--seconds", seconds.as_str()]),
            "flux-dev" => args.extend(["--steps", "1", "--size", "16x16"]),
            _ => args.extend(["--input-tokens", tokens.as_str(), "--output-tokens", "0"]),
        }
        let (spent, left, exact, shown) = afford_figures(&args);
        let exact = decimal(&exact);
        for figure in [&left, &shown] {
            prop_assert_eq!(decimal(figure).is_zero(), exact.is_zero(), "{:?}: {} left of {}", args, figure, exact);
            prop_assert!(decimal(figure) <= exact, "{:?}: {} shown, {} left", args, figure, exact);
        }
        let bought = decimal(&budget) - exact;
        prop_assert_eq!(decimal(&spent).is_zero(), bought.is_zero(), "{:?}: spent {}", args, spent);
    }
}
