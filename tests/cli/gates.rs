//! Every gate at its boundary, through the binary: `--budget` and `--warn-at` (of a single job
//! and of a batch, with and without a baseline), `--fail-above` and `--fail-increase` of a
//! batch against its baseline, and `diff --fail-above`; each at the boundary, just below it and
//! just above it. The job files hold one image job each, so nothing depends on how a batch is
//! read beyond that.

use crate::support::{BUILTIN, dis, run};

/// 20 steps of 512x512: 0.00603 exactly.
const BASE: &str = "steps,size\n20,512x512\n";
/// 22 steps of 512x512: 0.006633 exactly, 0.000603 (10%) more.
const HEAD: &str = "steps,size\n22,512x512\n";

/// Runs `args` in a folder holding base.csv, head.csv, old.toml (the shipped tariff) and
/// new.toml (its rate 10% higher): (status, stderr).
fn gate(args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.csv"), BASE).unwrap();
    std::fs::write(dir.path().join("head.csv"), HEAD).unwrap();
    std::fs::write(dir.path().join("old.toml"), BUILTIN).unwrap();
    let new = BUILTIN.replacen("rate = \"0.001206\"", "rate = \"0.0013266\"", 1);
    std::fs::write(dir.path().join("new.toml"), new).unwrap();
    let (code, _, err) = run(dis().current_dir(dir.path()).args(args));
    (code, err)
}

/// A value at the boundary, just below it and just above it, with whether the gate fails at
/// each (it fails above the value it is given, so just below the boundary).
fn around(at: &str) -> [(String, bool); 3] {
    let tiny = "0000000001";
    let below = {
        let value: rust_decimal::Decimal = at.parse().unwrap();
        let step: rust_decimal::Decimal = format!("0.{tiny}").parse().unwrap();
        (value - step).to_string()
    };
    [
        (at.to_owned(), false),
        (below, true),
        (
            format!("{at}{}{tiny}", if at.contains('.') { "" } else { "." }),
            false,
        ),
    ]
}

#[test]
fn the_budget_fails_only_above_the_exact_total() {
    let job = ["--steps", "20", "--size", "512x512"];
    for (budget, fails) in around("0.00603") {
        let expected = i32::from(fails);
        let (code, err) = gate(&[&job[..], &["--budget", &budget]].concat());
        assert_eq!(code, expected, "job, budget {budget}: {err}");
        assert_eq!(err.contains("over budget"), fails, "{err}");
        let (code, err) = gate(&["batch", "base.csv", "--budget", &budget]);
        assert_eq!(code, expected, "batch, budget {budget}: {err}");
        let (code, err) = gate(&[
            "afford", "--steps", "20", "--size", "512x512", "--budget", &budget, "--format",
            "plain",
        ]);
        assert_eq!(code, 0, "{err}");
    }
    // With a baseline, the budget is held against the head's total.
    for (budget, fails) in around("0.006633") {
        let (code, err) = gate(&[
            "batch",
            "head.csv",
            "--baseline",
            "base.csv",
            "--budget",
            &budget,
        ]);
        assert_eq!(code, i32::from(fails), "baseline, budget {budget}: {err}");
    }
}

#[test]
fn the_warning_comes_only_past_the_share() {
    // 0.00603 is exactly 50% of 0.01206.
    for (percent, warns) in around("50") {
        for args in [
            vec!["--steps", "20", "--size", "512x512"],
            vec!["batch", "base.csv"],
        ] {
            let (code, err) =
                gate(&[&args[..], &["--budget", "0.01206", "--warn-at", &percent]].concat());
            assert_eq!(code, 0, "{args:?} --warn-at {percent}: {err}");
            assert_eq!(
                err.contains("warning:"),
                warns,
                "{args:?} --warn-at {percent}: {err}"
            );
        }
    }
    // At the whole budget, any share below 100 warns and nothing fails.
    let (code, err) = gate(&[
        "batch",
        "base.csv",
        "--budget",
        "0.00603",
        "--warn-at",
        "99.9999999",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning:"), "{err}");
}

#[test]
fn a_rise_fails_only_past_the_allowed_increase() {
    let compare = ["batch", "head.csv", "--baseline", "base.csv"];
    for (amount, fails) in around("0.000603") {
        let (code, err) = gate(&[&compare[..], &["--fail-increase", &amount]].concat());
        assert_eq!(code, i32::from(fails), "--fail-increase {amount}: {err}");
        assert_eq!(err.contains("above --fail-increase"), fails, "{err}");
    }
    for (percent, fails) in around("10") {
        let (code, err) = gate(&[&compare[..], &["--fail-above", &percent]].concat());
        assert_eq!(code, i32::from(fails), "--fail-above {percent}: {err}");
        assert_eq!(err.contains("above --fail-above"), fails, "{err}");
    }
    // A fall never fails.
    let (code, err) = gate(&[
        "batch",
        "base.csv",
        "--baseline",
        "head.csv",
        "--fail-increase",
        "0",
        "--fail-above",
        "0",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_tariff_change_fails_only_past_the_allowed_percent() {
    // Every price rises by exactly 10%.
    for (percent, fails) in around("10") {
        let (code, err) = gate(&["diff", "old.toml", "new.toml", "--fail-above", &percent]);
        assert_eq!(code, i32::from(fails), "diff --fail-above {percent}: {err}");
        assert_eq!(err.contains("go past --fail-above"), fails, "{err}");
    }
}

#[test]
fn a_gate_shows_enough_of_the_percent_to_be_above_its_limit() {
    // 0.001206 -> 0.00132666024 is a rise of 10.00499...%: two places would show +10.00%.
    let new = crate::support::edited("rate = \"0.001206\"", "rate = \"0.00132666024\"");
    let (_o, old) = crate::support::temp_file("old.toml", BUILTIN.as_bytes());
    let (_n, new) = crate::support::temp_file("new.toml", new.as_bytes());
    let (_w, jobs) = crate::support::temp_file("w.csv", b"steps,size\n20,1024x1024\n");
    let gate = |limit: &str| {
        run(dis()
            .arg("--tariff")
            .arg(&new)
            .arg("batch")
            .arg(&jobs)
            .arg("--baseline-tariff")
            .arg(&old)
            .args(["--fail-above", limit, "--format", "plain"]))
    };
    assert_eq!(
        gate("10"),
        (
            1,
            "+0.0024\n".to_owned(),
            "cost rise: the total rises by 0.0024 USD (exactly 0.0024132048 USD), +10.004...%, above --fail-above 10%\n".to_owned()
        )
    );
    let (code, _, err) = gate("9");
    assert_eq!(code, 1);
    assert!(err.contains(", +10.00%, above --fail-above 9%\n"), "{err}");
}
