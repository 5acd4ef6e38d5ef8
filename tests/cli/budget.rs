//! Budgets and `afford`: one rule (the exact total against the budget) everywhere, and no

use crate::support::{assert_bad_input, dis, edited, run, temp_file};
use proptest::prelude::*;
use rust_decimal::Decimal;

#[test]
fn budget_gates_exit_1_over_and_0_within_with_the_output_printed() {
    let (_d, path) = temp_file("jobs.csv", b"steps,size,n\n20,512,10\n");
    // The total is 0.0603.
    let (code, out, err) = run(dis().arg("batch").arg(&path).args([
        "--summary",
        "--format",
        "csv",
        "--budget",
        "0.06",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("total,,,,10,,0.0603"), "{out}");
    assert!(
        err.contains("total 0.0603 USD is above the budget 0.06 USD by 0.0003 USD"),
        "{err}"
    );
    let (code, _, err) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--summary", "--budget", "0.0603"]));
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, _, err) = run(dis().arg("batch").arg(&path).args([
        "--summary",
        "--budget",
        "0.07",
        "--warn-at",
        "80",
    ]));
    assert_eq!(code, 0);
    assert!(
        err.starts_with("warning:") && err.contains("past 80% of the budget 0.07"),
        "{err}"
    );
    let (code, _, err) = run(dis().arg("batch").arg(&path).args([
        "--summary",
        "--budget",
        "0.1",
        "--warn-at",
        "80",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
    // One job too.
    let (code, out, _) = run(dis().args([
        "--steps", "20", "--size", "512", "--format", "plain", "--budget", "0.005",
    ]));
    assert_eq!((code, out.as_str()), (1, "0.0060\n"));
    assert_bad_input(dis().args(["--budget=-1"]), &["\"-1\"", "negative"]);
    assert_bad_input(
        dis().args(["--budget", "1", "--warn-at", "120"]),
        &["\"120\""],
    );
}

/// The exact price of `count` images, as the one-job JSON gives it.
fn exact_price(tariff: &[&str], steps: u32, size: &str, count: u32) -> Decimal {
    let (code, out, err) = run(dis().args(tariff).args([
        "--steps",
        &steps.to_string(),
        "--size",
        size,
        "-n",
        &count.to_string(),
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["exact"].as_str().unwrap().parse().unwrap()
}

/// `afford`'s count, as plain output.
fn afford(tariff: &[&str], budget: &str, steps: u32, size: &str) -> u128 {
    let (code, out, err) = run(dis().args(tariff).args([
        "afford",
        "--budget",
        budget,
        "--steps",
        &steps.to_string(),
        "--size",
        size,
        "--format",
        "plain",
    ]));
    assert_eq!((code, err.as_str()), (0, ""), "afford --budget {budget}");
    out.trim().parse().unwrap()
}

/// The gate's exit status for a job of `count` images at `budget`.
fn gate(tariff: &[&str], budget: &str, steps: u32, size: &str, count: u128) -> i32 {
    let (code, _, err) = run(dis().args(tariff).args([
        "--steps",
        &steps.to_string(),
        "--size",
        size,
        "-n",
        &count.to_string(),
        "--format",
        "plain",
        &format!("--budget={budget}"),
    ]));
    assert!(code == 0 || code == 1, "{err}");
    code
}

/// afford says N at B  <=>  N images pass the gate at B and N+1 do not.
fn agrees(tariff: &[&str], budget: &str, steps: u32, size: &str) -> Result<(), String> {
    let n = afford(tariff, budget, steps, size);
    if n > 0 && gate(tariff, budget, steps, size, n) != 0 {
        return Err(format!(
            "afford says {n} at {budget}, but {n} fail the gate"
        ));
    }
    if gate(tariff, budget, steps, size, n + 1) != 1 {
        return Err(format!(
            "afford says {n} at {budget}, but {} pass the gate",
            n + 1
        ));
    }
    Ok(())
}

#[test]
fn afford_and_the_gate_agree_around_every_boundary() {
    let (_d, zero_places) = temp_file("d0.toml", edited("decimals = 4", "decimals = 0").as_bytes());
    let zero_places = ["--tariff", zero_places.to_str().unwrap()];
    let four_places: [&str; 0] = [];
    let tariffs: [&[&str]; 2] = [&four_places, &zero_places];
    for tariff in tariffs {
        for (steps, size) in [(20, "512"), (7, "279x237"), (50, "1024")] {
            for count in [1, 3, 1000] {
                let total = exact_price(tariff, steps, size, count);
                for k in [2, 4, 9, 28] {
                    let step = Decimal::new(1, k);
                    for budget in [total - step, total, total + step] {
                        if budget.is_sign_negative() {
                            continue;
                        }
                        let budget = budget.normalize().to_string();
                        agrees(tariff, &budget, steps, size).unwrap();
                        // At exactly count x price, the answer is count.
                        if budget == total.normalize().to_string() {
                            assert_eq!(u128::from(count), afford(tariff, &budget, steps, size));
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn afford_and_the_gate_agree_on_any_job(
        steps in 1u32..=50,
        width in crate::laws::side(),
        height in crate::laws::side(),
        count in 1u32..=500,
        k in 0u32..=20,
        offset in -1i64..=1,
    ) {
        let size = format!("{width}x{height}");
        let total = exact_price(&[], steps, &size, count);
        let budget = total + Decimal::new(offset, k);
        prop_assume!(!budget.is_sign_negative());
        let budget = budget.normalize().to_string();
        prop_assert_eq!(agrees(&[], &budget, steps, &size), Ok(()));
    }
}

#[test]
fn the_exact_total_is_judged_and_shown_where_the_rounded_one_hides_it() {
    // 0.00603 exactly, shown 0.0060.
    let (code, out, err) = run(dis().args([
        "--steps", "20", "--size", "512", "--format", "plain", "--budget", "0.006",
    ]));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            1,
            "0.0060\n",
            "over budget: total 0.0060 USD (exactly 0.00603 USD) is above the budget 0.006 USD by 0.00003 USD\n"
        )
    );
    let (code, out, _) = run(dis().args([
        "afford", "--budget", "0.006", "--steps", "20", "--size", "512", "--format", "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "0\n"));
    // With 0 places, 524.3688 is shown as 524 and is above a budget of 524.
    let (_d, d0) = temp_file("d0.toml", edited("decimals = 4", "decimals = 0").as_bytes());
    let (code, out, err) = run(dis().arg("--tariff").arg(&d0).args([
        "--steps", "50", "--size", "1024", "-n", "8696", "--format", "plain", "--budget", "524",
    ]));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            1,
            "524\n",
            "over budget: total 524 USD (exactly 524.3688 USD) is above the budget 524 USD by 0.3688 USD\n"
        )
    );
    // The same in a batch, where the total is of exact prices.
    let (_j, jobs) = temp_file("jobs.csv", b"steps,size,n\n50,1024,8696\n");
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&d0)
        .arg("batch")
        .arg(&jobs)
        .args(["--summary", "--format", "csv", "--budget", "524"]));
    assert_eq!(code, 1);
    assert!(out.ends_with(",524\n"), "{out}");
    assert_eq!(
        err,
        "over budget: total 524 USD (exactly 524.3688 USD) is above the budget 524 USD by 0.3688 USD\n"
    );
    // Shown above the budget, but within it exactly: passes, and says so.
    let (code, out, err) = run(dis().args([
        "--steps", "20", "--size", "768", "--format", "plain", "--budget", "0.01357",
    ]));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "0.0136\n",
            "note: total 0.0136 USD (exactly 0.0135675 USD) is shown rounded above the budget 0.01357 USD, but is within it\n"
        )
    );
    // The warning share is of the exact total too: 0.0135675 is past 80% of 0.016959 (0.0135672)
    // though 0.0136 would be too, and not past 80% of 0.01695938 (0.013567504).
    let warn = |budget: &str| {
        run(dis().args([
            "--steps",
            "20",
            "--size",
            "768",
            "--format",
            "plain",
            "--budget",
            budget,
            "--warn-at",
            "80",
        ]))
    };
    assert_eq!(
        warn("0.016959"),
        (
            0,
            "0.0136\n".to_owned(),
            "warning: total 0.0136 USD (exactly 0.0135675 USD) is past 80% of the budget 0.016959 USD\n"
                .to_owned()
        )
    );
    assert_eq!(
        warn("0.01695938"),
        (0, "0.0136\n".to_owned(), String::new())
    );
}

#[test]
fn huge_tiny_and_zero_budgets_never_overflow() {
    let job = ["--steps", "20", "--format", "plain"];
    for budget in ["1e27", "1e28", "79228162514264337593543950335"] {
        for extra in [
            &[][..],
            &["--warn-at", "80"][..],
            &["--warn-at", "99.9999999999999999999999999"][..],
        ] {
            let (code, out, err) = run(dis().args(job).args(["--budget", budget]).args(extra));
            assert_eq!(
                (code, out.as_str(), err.as_str()),
                (0, "0.0136\n", ""),
                "{budget} {extra:?}"
            );
        }
        let (_d, jobs) = temp_file("jobs.csv", b"steps,size\n20,768\n");
        let (code, out, err) = run(dis().arg("batch").arg(&jobs).args([
            "--summary",
            "--format",
            "csv",
            "--budget",
            budget,
            "--warn-at",
            "80",
        ]));
        assert_eq!((code, err.as_str()), (0, ""), "{budget}");
        assert!(out.ends_with(",0.0136\n"), "{out}");
    }
    for (budget, shown) in [
        ("1e-28", "0.0000000000000000000000000001"),
        ("0", "0"),
        ("0e2147483647", "0"),
    ] {
        let (code, out, err) = run(dis().args(job).args(["--budget", budget]));
        assert_eq!(
            (code, out.as_str(), err),
            (
                1,
                "0.0136\n",
                format!(
                    "over budget: total 0.0136 USD (exactly 0.0135675 USD) is above the budget {shown} USD by {} USD\n",
                    Decimal::new(135675, 7) - shown.parse::<Decimal>().unwrap()
                )
            )
        );
    }
    // afford: counts past a job's u32 exactly.
    let (code, out, err) = run(dis().args([
        "afford", "--budget", "1e28", "--steps", "20", "--size", "512", "--format", "plain",
    ]));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "1658374792703150912106135986733\n", "")
    );
    let (code, out, _) = run(dis().args([
        "afford",
        "--budget",
        "79228162514264337593543950335",
        "--count",
        "1",
        "--size",
        "64",
        "--format",
        "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "50\n"));
    let (code, out, _) = run(dis().args([
        "afford", "--budget", "1e-28", "--steps", "1", "--size", "1", "--format", "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "0\n"));
}

#[test]
fn bad_budgets_and_shares_name_the_value_and_what_is_accepted() {
    for args in [
        &["--budget", "-1"][..],
        &["--budget=-1"][..],
        &["afford", "--budget", "-0.5"][..],
        &["batch", "x.csv", "--budget", "-1"][..],
    ] {
        let bad = args
            .iter()
            .find(|a| a.contains('-') && !a.starts_with("--"))
            .map_or("-1", |a| a);
        assert_bad_input(
            dis().args(args),
            &[&format!("{bad:?} is negative"), "0 or more"],
        );
    }
    assert_bad_input(
        dis().args(["--budget", "1e29"]),
        &["\"1e29\" is too large", "79228162514264337593543950335"],
    );
    assert_bad_input(
        dis().args(["--budget", "1e-29"]),
        &["\"1e-29\" has more decimal places", "at most 28 places"],
    );
    assert_bad_input(
        dis().args(["--budget", "1e2147483648"]),
        &["\"1e2147483648\" is too large"],
    );
    assert_bad_input(
        dis().args(["--budget", "1", "--warn-at", "0"]),
        &["\"0\" is not a percent above 0 and below 100"],
    );
    assert_bad_input(
        dis().args(["--budget", "1", "--warn-at", "-5"]),
        &["\"-5\" is not a percent above 0 and below 100"],
    );
    assert_bad_input(
        dis().args(["--budget", "1", "--warn-at", "100"]),
        &["\"100\" would never warn", "below 100"],
    );
    assert_bad_input(
        dis().args(["--budget", "1", "--warn-at", "1e30"]),
        &["\"1e30\" is too large"],
    );
}

#[test]
fn a_price_of_zero_is_refused_not_counted() {
    let (code, out, err) = run(dis().args([
        "afford",
        "--budget",
        "1",
        "--steps",
        "0",
        "--allow-out-of-range",
        "--format",
        "plain",
    ]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.ends_with("error: an image of 768x768 at 0 steps costs 0, so any budget buys unlimited images; give steps of 1 or more\n"),
        "{err}"
    );
}

#[test]
fn a_published_price_too_far_to_compare_is_an_error_not_a_panic() {
    let (_d, path) = temp_file(
        "big.toml",
        edited("\"0.0008\"", "\"1234567890123456789012345678\"").as_bytes(),
    );
    assert_bad_input(
        dis().arg("--tariff").arg(&path).arg("check"),
        &[
            "published price 1234567890123456789012345678 for 10 steps at 256x256 is too far from the computed 0.0008 to compare exactly",
        ],
    );
    // With a representable difference, every digit of it is shown, never rounded to the places.
    let (_d, path) = temp_file("fine.toml", edited("\"0.0008\"", "\"0.00085\"").as_bytes());
    let (code, out, _) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["check", "--format", "json"]));
    assert_eq!(code, 0);
    assert!(out.contains("\"difference\": \"-0.00005\""), "{out}");
}

#[test]
fn help_states_the_rule() {
    for args in [&["--help"][..], &["batch", "--help"][..]] {
        let (code, out, _) = run(dis().args(args));
        assert_eq!(code, 0);
        assert!(
            out.contains("EXACT total is above AMOUNT"),
            "{args:?}: {out}"
        );
        assert!(out.contains("not the rounded one shown"), "{args:?}");
        assert!(out.contains("below 100"), "{args:?}");
    }
    let (_, out, _) = run(dis().args(["afford", "--help"]));
    assert!(out.contains("EXACT price, not the"), "{out}");
    assert!(out.contains("rounded down"), "{out}");
    assert!(
        out.contains("The count alone (images, or steps per image with --count)"),
        "{out}"
    );
}
