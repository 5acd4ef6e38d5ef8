//! `batch --baseline` and `--baseline-tariff` (a workload's cost change and its gates), and
//! `batch --format plain`, through the real binary.

use assert_cmd::Command;

use crate::support::{assert_bad_input, edited, json, run, workspace};

/// 0.02412 in all: 10 units of 1024x1024 at 0.001206 (0.01206), and two 512x512 images of 20
/// steps (2.5 units each, 0.01206).
const BASE: &str = "steps,size,count\n10,1024x1024,1\n20,512x512,2\n";
/// The base with the first job at 20 steps (+0.01206) and a new size, two 1024x576 images of
/// 10 steps (+0.0135675): 0.0497475 in all.
const GROWN: &str = "steps,size,count\n20,1024x1024,1\n20,512x512,2\n10,1024x576,2\n";

fn ok(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    out
}

#[test]
fn a_workload_that_grows() {
    let (_d, batch) = workspace(&[("base.csv", BASE), ("head.csv", GROWN)]);
    let out = ok(batch().args(["head.csv", "--baseline", "base.csv", "--format", "json"]));
    let v = json(&out);
    assert_eq!(v["base"]["file"], "base.csv");
    assert_eq!(v["head"]["file"], "head.csv");
    assert_eq!(v["base"]["tariff"]["origin"], "built-in");
    assert_eq!(v["head"]["tariff"]["origin"], "built-in");
    assert_eq!(
        (v["base"]["jobs"].as_u64(), v["base"]["images"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        (v["head"]["jobs"].as_u64(), v["head"]["images"].as_u64()),
        (Some(3), Some(5))
    );
    assert_eq!(v["base"]["exact"], "0.02412");
    assert_eq!(v["head"]["exact"], "0.0497475");
    assert_eq!(v["head"]["total"], "0.0497");
    assert_eq!(v["change"]["exact"], "+0.0256275");
    assert_eq!(v["change"]["amount"], "+0.0256");
    assert_eq!(v["change"]["percent"], "+106.25");
    assert_eq!(v["by_model"][0]["model"], "flux-dev");
    assert_eq!(v["by_model"][0]["change"]["exact"], "+0.0256275");
    // Sizes: the largest change first; the unchanged one last.
    let sizes: Vec<(&str, &str)> = v["by_size"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["size"].as_str().unwrap(),
                s["change"]["exact"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("1024x576", "+0.0135675"),
            ("1024x1024", "+0.01206"),
            ("512x512", "0")
        ]
    );
    assert_eq!(
        v["by_size"][0]["change"]["percent"],
        serde_json::Value::Null
    );
    assert_eq!(
        ok(batch().args(["head.csv", "--baseline", "base.csv", "--format", "plain"])),
        "+0.0256\n"
    );
    assert_eq!(
        ok(batch().args(["head.csv", "--baseline", "base.csv", "--format", "csv"])),
        "kind,name,base_jobs,head_jobs,base_images,head_images,base,head,change,percent\n\
         total,,2,3,3,5,0.0241,0.0497,+0.0256,+106.25\n\
         model,flux-dev,2,3,3,5,0.0241,0.0497,+0.0256,+106.25\n\
         size,1024x576,0,1,0,2,0.0000,0.0136,+0.0136,\n\
         size,1024x1024,1,1,1,1,0.0121,0.0241,+0.0121,+100.00\n\
         size,512x512,1,1,2,2,0.0121,0.0121,0.0000,0.00\n"
    );
}

#[test]
fn a_workload_that_shrinks_never_fails_a_gate() {
    let (_d, batch) = workspace(&[("base.csv", GROWN), ("head.csv", BASE)]);
    let out = ok(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "plain",
        "--fail-above",
        "0",
        "--fail-increase",
        "0",
    ]));
    assert_eq!(out, "-0.0256\n");
    let v = json(&ok(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "json",
    ])));
    assert_eq!(v["change"]["exact"], "-0.0256275");
    assert_eq!(v["change"]["percent"], "-51.52");
}

#[test]
fn markdown_comment() {
    let (_d, batch) = workspace(&[("base.csv", BASE), ("head.csv", GROWN)]);
    let out = ok(batch().args(["head.csv", "--baseline", "base.csv", "--format", "markdown"]));
    assert!(
        out.starts_with("**Cost up by 0.0256 USD (+106.25%)**: 0.0241 → 0.0497 USD, head.csv against base.csv.\n"),
        "{out}"
    );
    insta::assert_snapshot!("compare_markdown", out);
    insta::assert_snapshot!(
        "compare_table",
        ok(batch().args(["head.csv", "--baseline", "base.csv"]))
    );
    let down = ok(batch().args(["base.csv", "--baseline", "head.csv", "--format", "markdown"]));
    assert!(
        down.starts_with("**Cost down by 0.0256 USD (-51.52%)**"),
        "{down}"
    );
    let same = ok(batch().args(["base.csv", "--baseline", "base.csv", "--format", "markdown"]));
    assert!(same.starts_with("**No cost change**"), "{same}");
}

/// `--fail-above` at, just below and just above the change of exactly +100%.
#[test]
fn fail_above_at_its_boundary() {
    let (_d, batch) = workspace(&[
        ("base.csv", "steps,size\n10,1024x1024\n"),
        ("head.csv", "steps,size\n20,1024x1024\n"),
    ]);
    let gate = |pct: &str| {
        run(batch().args([
            "head.csv",
            "--baseline",
            "base.csv",
            "--format",
            "plain",
            "--fail-above",
            pct,
        ]))
    };
    for pct in ["100", "100.0000001", "1e3"] {
        let (code, out, err) = gate(pct);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "+0.0121\n", ""),
            "{pct}"
        );
    }
    let (code, out, err) = gate("99.9999999");
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "+0.0121\n");
    assert_eq!(
        err,
        "cost rise: the total rises by 0.0121 USD (exactly 0.01206 USD), +100.00%, above --fail-above 99.9999999%\n"
    );
}

/// `--fail-increase` at, just below and just above the exact change of 0.01206 (shown 0.0121):
/// the exact change is judged, not the shown one.
#[test]
fn fail_increase_at_its_boundary() {
    let (_d, batch) = workspace(&[
        ("base.csv", "steps,size\n10,1024x1024\n"),
        ("head.csv", "steps,size\n20,1024x1024\n"),
    ]);
    let gate = |amount: &str| {
        run(batch().args([
            "head.csv",
            "--baseline",
            "base.csv",
            "--format",
            "plain",
            "--fail-increase",
            amount,
        ]))
    };
    for amount in ["0.01206", "0.0121", "1"] {
        let (code, _, err) = gate(amount);
        assert_eq!((code, err.as_str()), (0, ""), "{amount}");
    }
    let (code, out, err) = gate("0.012059");
    assert_eq!((code, out.as_str()), (1, "+0.0121\n"), "{err}");
    assert_eq!(
        err,
        "cost rise: the total rises by 0.0121 USD (exactly 0.01206 USD), above --fail-increase 0.012059 USD\n"
    );
    // Shown as 0.0121, which is not above 0.0120x, but the exact change is above 0.012: fails.
    assert_eq!(gate("0.012").0, 1);
}

/// `--budget` with a baseline judges the head total (0.02412), and combines with the gates.
#[test]
fn budget_is_on_the_head_total_and_combines() {
    let (_d, batch) = workspace(&[
        ("base.csv", "steps,size\n10,1024x1024\n"),
        ("head.csv", "steps,size\n20,1024x1024\n"),
    ]);
    let with = |extra: &[&str]| {
        run(batch()
            .args(["head.csv", "--baseline", "base.csv", "--format", "plain"])
            .args(extra))
    };
    assert_eq!(with(&["--budget", "0.02412"]).0, 0);
    let (code, _, err) = with(&["--budget", "0.02411"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("over budget: total 0.0241 USD (exactly 0.02412 USD)"),
        "{err}"
    );
    // Every gate that fails is reported, each on its own line.
    let (code, _, err) = with(&[
        "--budget",
        "0.01",
        "--fail-above",
        "50",
        "--fail-increase",
        "0.01",
    ]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 3, "{err}");
    assert_eq!(
        with(&[
            "--budget",
            "1",
            "--fail-above",
            "100",
            "--fail-increase",
            "0.02"
        ])
        .0,
        0
    );
}

/// A base of 0 has no percentage: `--fail-above` does not judge a rise from it (a note says
/// so); `--fail-increase` and `--budget` do.
#[test]
fn a_base_of_zero() {
    let (_d, batch) = workspace(&[
        ("empty.csv", "steps,size,count\n"),
        ("head.csv", "steps,size\n20,1024x1024\n"),
    ]);
    let (code, out, err) = run(batch().args([
        "head.csv",
        "--baseline",
        "empty.csv",
        "--format",
        "json",
        "--fail-above",
        "0",
    ]));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["change"]["percent"], serde_json::Value::Null);
    assert_eq!(v["base"]["jobs"].as_u64(), Some(0));
    assert_eq!(v["verdict"], "pass");
    assert_eq!(
        err,
        "note: the total rises from 0 by 0.0241 USD (exactly 0.02412 USD); a base of 0 has no percentage, so --fail-above 0% does not judge it (--fail-increase and --budget do)\n"
    );
    // The money gates judge a new workload: a cheap one passes, an expensive one fails.
    let new = |increase: &str| {
        run(batch().args([
            "head.csv",
            "--baseline",
            "empty.csv",
            "--format",
            "plain",
            "--fail-above",
            "10",
            "--fail-increase",
            increase,
        ]))
        .0
    };
    assert_eq!(new("0.03"), 0);
    assert_eq!(new("0.02"), 1);
    let (code, out, err) = run(batch().args([
        "empty.csv",
        "--baseline",
        "empty.csv",
        "--format",
        "plain",
        "--fail-above",
        "0",
    ]));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0000\n", ""));
}

/// A bad row on either side stops the run before anything is written, naming its file.
#[test]
fn a_bad_row_on_either_side_is_exit_2_with_nothing_on_stdout() {
    let bad = "steps,size\n20,1024x1024\n20,512x\n";
    let (_d, batch) = workspace(&[
        ("good.csv", BASE),
        ("bad.csv", bad),
        ("old.toml", crate::support::BUILTIN),
        ("base.txt", BASE),
    ]);
    for format in ["table", "markdown", "csv", "json", "plain"] {
        assert_bad_input(
            batch().args(["good.csv", "--baseline", "bad.csv", "--format", format]),
            &["bad.csv: line 3: size \"512x\""],
        );
        assert_bad_input(
            batch().args(["bad.csv", "--baseline", "good.csv", "--format", format]),
            &["bad.csv: line 3: size \"512x\""],
        );
        assert_bad_input(
            batch().args([
                "bad.csv",
                "--baseline-tariff",
                "old.toml",
                "--format",
                format,
            ]),
            &["bad.csv under old.toml: line 3: size \"512x\""],
        );
        assert_bad_input(
            batch().args([
                "good.csv",
                "--baseline-tariff",
                "good.csv",
                "--format",
                format,
            ]),
            &["invalid tariff good.csv"],
        );
    }
    assert_bad_input(
        batch().args(["good.csv", "--baseline", "missing.csv"]),
        &["cannot read missing.csv"],
    );
    assert_bad_input(
        batch().args(["good.csv", "--baseline", "base.txt"]),
        &["cannot tell the form of base.txt"],
    );
}

/// The same jobs under an old tariff and the current one.
#[test]
fn baseline_tariff_prices_the_same_jobs_under_two_tariffs() {
    let old = edited("rate = \"0.001206\"", "rate = \"0.000603\"");
    let (dir, batch) = workspace(&[("jobs.csv", BASE), ("old.toml", &old)]);
    let v = json(&ok(batch().args([
        "jobs.csv",
        "--baseline-tariff",
        "old.toml",
        "--format",
        "json",
    ])));
    assert_eq!(v["base"]["tariff"]["origin"], "old.toml");
    assert_eq!(v["head"]["tariff"]["origin"], "built-in");
    assert_eq!(
        (v["base"]["file"].as_str(), v["head"]["file"].as_str()),
        (Some("jobs.csv"), Some("jobs.csv"))
    );
    assert_eq!(
        (v["base"]["exact"].as_str(), v["head"]["exact"].as_str()),
        (Some("0.01206"), Some("0.02412"))
    );
    assert_eq!(v["change"]["percent"], "+100.00");
    let md = ok(batch().args([
        "jobs.csv",
        "--baseline-tariff",
        "old.toml",
        "--format",
        "markdown",
    ]));
    assert!(
        md.starts_with("**Cost up by 0.0121 USD (+100.00%)**: 0.0121 → 0.0241 USD, jobs.csv, priced under built-in tariff against old.toml.\n"),
        "{md}"
    );
    // The price list that goes down: the other way round.
    let (code, out, _) = run(batch()
        .args([
            "--tariff",
            "old.toml",
            "jobs.csv",
            "--format",
            "plain",
            "--fail-above",
            "0",
        ])
        .arg("--baseline-tariff")
        .arg(builtin_in(&dir)));
    assert_eq!((code, out.as_str()), (0, "-0.0121\n"));
}

/// The shipped tariff, written into the workspace.
fn builtin_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("builtin.toml");
    std::fs::write(&path, crate::support::BUILTIN).expect("write");
    path
}

/// Standard input is read once and priced under both tariffs: neither side comes out empty.
#[test]
fn baseline_tariff_reads_standard_input_once() {
    let old = edited("rate = \"0.001206\"", "rate = \"0.000603\"");
    let (_d, batch) = workspace(&[("old.toml", &old)]);
    let v = json(&ok(batch()
        .args(["-", "--baseline-tariff", "old.toml", "--format", "json"])
        .write_stdin(BASE)));
    assert_eq!(
        (v["base"]["jobs"].as_u64(), v["head"]["jobs"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(v["change"]["exact"], "+0.01206");
}

/// `--baseline` with `--baseline-tariff`: BASE under OLD against FILE under the current tariff.
#[test]
fn baseline_with_baseline_tariff() {
    let old = edited("rate = \"0.001206\"", "rate = \"0.000603\"");
    let (_d, batch) = workspace(&[
        ("base.csv", "steps,size\n10,1024x1024\n"),
        ("head.csv", "steps,size\n20,1024x1024\n"),
        ("old.toml", &old),
    ]);
    // 10 units at 0.000603 = 0.00603 -> 20 units at 0.001206 = 0.02412: +300%.
    let v = json(&ok(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--baseline-tariff",
        "old.toml",
        "--format",
        "json",
    ])));
    assert_eq!(
        (v["base"]["exact"].as_str(), v["head"]["exact"].as_str()),
        (Some("0.00603"), Some("0.02412"))
    );
    assert_eq!(v["change"]["percent"], "+300.00");
}

#[test]
fn baseline_from_standard_input() {
    let (_d, batch) = workspace(&[("head.csv", "steps,size\n20,1024x1024\n")]);
    let out = ok(batch()
        .args(["head.csv", "--baseline", "-", "--format", "plain"])
        .write_stdin("steps,size\n10,1024x1024\n"));
    assert_eq!(out, "+0.0121\n");
    assert_bad_input(
        batch().args(["-", "--baseline", "-"]).write_stdin(BASE),
        &["both batch - (FILE) and --baseline - ask for it"],
    );
}

#[test]
fn a_currency_mismatch_is_refused() {
    let eur = edited("currency = \"USD\"", "currency = \"EUR\"");
    let (_d, batch) = workspace(&[("jobs.csv", BASE), ("eur.toml", &eur)]);
    assert_bad_input(
        batch().args(["jobs.csv", "--baseline-tariff", "eur.toml"]),
        &["different currencies: eur.toml in EUR, built-in tariff in USD"],
    );
}

#[test]
fn gate_values_are_checked() {
    let (_d, batch) = workspace(&[("jobs.csv", BASE)]);
    for (flag, value, needle) in [
        ("--fail-above", "-1", "\"-1\" is negative"),
        ("--fail-above", "ten", "\"ten\" is not a decimal number"),
        ("--fail-above", "1e29", "\"1e29\" is too large"),
        ("--fail-above", "NaN", "\"NaN\" is not a decimal number"),
        ("--fail-increase", "-0.5", "\"-0.5\" is negative"),
        (
            "--fail-increase",
            "5 USD",
            "\"5 USD\" is not a decimal number",
        ),
        ("--fail-increase", "1e-29", "more decimal places"),
    ] {
        let (code, out, err) =
            run(batch().args(["jobs.csv", "--baseline", "jobs.csv", flag, value]));
        assert_eq!(code, 2, "{flag} {value}");
        assert!(out.is_empty());
        assert!(err.contains(needle), "{flag} {value}: {err}");
    }
}

/// Flags that make no sense without a comparison, or with one, are refused.
#[test]
fn flags_that_do_not_fit_are_refused() {
    let (_d, batch) = workspace(&[("jobs.csv", BASE)]);
    for flag in [["--fail-above", "5"], ["--fail-increase", "1"]] {
        assert_bad_input(
            batch().arg("jobs.csv").args(flag),
            &[flag[0], "gates a cost change: give --baseline BASE"],
        );
    }
    assert_bad_input(
        batch().args(["jobs.csv", "--baseline", "jobs.csv", "--skip-invalid"]),
        &["--skip-invalid cannot be used with a baseline"],
    );
}

/// Warnings for rows priced outside the limits name the side's file.
#[test]
fn warnings_name_their_file() {
    let (_d, batch) = workspace(&[
        ("base.csv", "steps,size\n10,1024x1024\n"),
        ("head.csv", "steps,size\n90,1024x1024\n"),
    ]);
    let (code, out, err) = run(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--allow-out-of-range",
        "--format",
        "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "+0.0965\n"));
    assert!(
        err.starts_with("head.csv: warning: line 2: steps 90"),
        "{err}"
    );
    assert_bad_input(
        batch().args(["head.csv", "--baseline", "base.csv"]),
        &["head.csv: line 2: steps \"90\""],
    );
}

/// `--format plain` without a baseline: the total alone, held until every row is read.
#[test]
fn plain_is_the_total_alone() {
    let (_d, batch) = workspace(&[
        ("jobs.csv", GROWN),
        ("bad.csv", "steps,size\n20,1024x1024\nx,512\n"),
    ]);
    assert_eq!(
        ok(batch().args(["jobs.csv", "--format", "plain"])),
        "0.0497\n"
    );
    let (code, out, err) = run(batch().args(["jobs.csv", "--format", "plain", "--budget", "0.04"]));
    assert_eq!((code, out.as_str()), (1, "0.0497\n"), "{err}");
    assert_bad_input(
        batch().args(["bad.csv", "--format", "plain"]),
        &["line 3: steps \"x\""],
    );
    let out = ok(batch()
        .args(["-", "--format", "plain"])
        .write_stdin("{\"num_inference_steps\": 10, \"size\": \"1024x1024\"}\n"));
    assert_eq!(out, "0.0121\n");
}

/// Models are matched by id: a model only one tariff has is a line from 0 or to 0, and a job
/// file naming a model the other tariff lacks is an error naming the file and the tariff.
#[test]
fn models_are_matched_by_id_across_tariffs() {
    let renamed = crate::support::BUILTIN
        .replace("models.flux-dev", "models.flux-new")
        .replace(
            "default_model = \"flux-dev\"",
            "default_model = \"flux-new\"",
        )
        .replace("aliases = [\"flux.1-dev\", \"flux-1-dev\"]", "aliases = []");
    let (_d, batch) = workspace(&[
        ("jobs.csv", "steps,size\n20,1024x1024\n"),
        ("named.csv", "steps,size,model\n20,1024x1024,flux-dev\n"),
        ("new.toml", &renamed),
        ("old.toml", crate::support::BUILTIN),
    ]);
    let v = json(&ok(batch().args([
        "--tariff",
        "new.toml",
        "jobs.csv",
        "--baseline-tariff",
        "old.toml",
        "--format",
        "json",
    ])));
    let models: Vec<(&str, &str, &str)> = v["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap(),
                m["base"]["total"].as_str().unwrap(),
                m["head"]["total"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        models,
        [
            ("flux-new", "0.0000", "0.0241"),
            ("flux-dev", "0.0241", "0.0000")
        ]
    );
    assert_eq!(v["change"]["exact"], "0");
    assert_bad_input(
        batch().args([
            "--tariff",
            "new.toml",
            "named.csv",
            "--baseline-tariff",
            "old.toml",
        ]),
        &["named.csv under new.toml: line 2: model \"flux-dev\""],
    );
}

/// A rise too small for the tariff's places is still shown as a rise, never as an unsigned zero
/// beside a gate that fails on it; a true zero stays `0.0000`.
#[test]
fn a_tiny_change_is_never_shown_as_zero() {
    let base = "steps,size\n20,512x512\n";
    let head = "steps,size\n20,512x512\n1,1x1\n";
    let (_dir, batch) = workspace(&[("base.csv", base), ("head.csv", head)]);
    let (code, out, err) = run(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "plain",
        "--fail-above",
        "0",
    ]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "+0.000000001\n");
    assert!(
        err.contains("rises by 0.000000001 USD (exactly 0.0000000011501312255859375 USD)"),
        "{err}"
    );
    let out = ok(batch().args(["head.csv", "--baseline", "base.csv", "--format", "json"]));
    assert_eq!(json(&out)["change"]["amount"], "+0.000000001");
    let out = ok(batch().args(["base.csv", "--baseline", "base.csv", "--format", "plain"]));
    assert_eq!(out, "0.0000\n");
}

/// Where a shown change is not the difference of the shown totals (0.0060 -> 0.0121, change
/// +0.0060), the table and markdown say each figure is rounded once; csv and plain do not.
#[test]
fn a_footnote_where_the_shown_change_is_not_the_shown_difference() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readme");
    let note = "note: each figure is rounded once from its exact value, so the shown figures need not add up\n";
    let compare = |format: &str| {
        let (code, out, err) = crate::support::run(crate::support::dis().current_dir(&dir).args([
            "batch",
            "jobs.csv",
            "--baseline",
            "base.csv",
            "--format",
            format,
        ]));
        assert_eq!(code, 0, "{err}");
        out
    };
    let table = compare("table");
    assert!(
        table.contains("│ 512x512   ┆ 0.0060 ┆ 0.0121 ┆ +0.0060 ┆") && table.ends_with(note),
        "{table}"
    );
    // In the markdown review, the note is under the table, before the chart.
    assert!(compare("markdown").contains(&format!("\n\n{note}\n```mermaid\n")));
    assert!(!compare("csv").contains("note:"));
    assert!(!compare("plain").contains("note:"));
    // The same file on both sides: every change is 0, and adds up.
    let (_, same, _) = crate::support::run(crate::support::dis().current_dir(&dir).args([
        "batch",
        "jobs.csv",
        "--baseline",
        "jobs.csv",
    ]));
    assert!(!same.contains("note:"), "{same}");
}
