//! `--max-age DAYS`: a tariff whose `as_of` is more than DAYS before today fails the run with
//! exit 1, saying how old it is and where its prices came from; today is pinned by
//! `DIS_PRICE_TODAY` (2026-11-25 here), never read from the clock.

use crate::support::{TODAY, dis, edited, run, temp_file};

/// The shipped tariff read on 2026-10-01: 55 days before [`TODAY`].
fn aged() -> (tempfile::TempDir, std::path::PathBuf) {
    assert_eq!(TODAY, "2026-11-25");
    let text = edited("as_of = \"2026-11-25\"", "as_of = \"2026-10-01\"");
    temp_file("aged.toml", text.as_bytes())
}

#[test]
fn validate_and_every_pricing_command_fail_a_tariff_past_max_age() {
    let (_d, path) = aged();
    let path = path.to_str().expect("UTF-8 path");
    let (_j, jobs) = temp_file("jobs.csv", b"steps,size\n20,512x512\n");
    let jobs = jobs.to_str().expect("UTF-8 path");
    let commands: [&[&str]; 7] = [
        &["validate", path],
        &["--tariff", path, "--steps", "20", "--size", "512"],
        &["--tariff", path, "table"],
        &["--tariff", path, "check"],
        &["--tariff", path, "batch", jobs],
        &["--tariff", path, "afford", "--budget", "1"],
        &["--tariff", path, "models"],
    ];
    for args in commands {
        let (code, out, err) = run(dis().args(args).args(["--max-age", "30"]));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert!(
            err.starts_with(&format!(
                "error: stale tariff: {path}:19:9: as_of: as_of 2026-10-01 is 55 days before today (2026-11-25), more than --max-age 30: the prices, from https://docs.distribute.ai/"
            )),
            "{args:?}: {err}"
        );
        // 55 days is within 55 and within 60.
        for days in ["55", "60"] {
            let (code, _, err) = run(dis().args(args).args(["--max-age", days]));
            assert_eq!(code, 0, "{args:?} --max-age {days}: {err}");
        }
    }
}

#[test]
fn today_comes_from_dis_price_today() {
    let (_d, path) = aged();
    let mut cmd = dis();
    cmd.env("DIS_PRICE_TODAY", "2026-10-02")
        .args(["validate", "--max-age", "0"])
        .arg(&path);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 1);
    assert!(err.contains("is 1 days before today (2026-10-02)"), "{err}");
    let mut cmd = dis();
    cmd.env("DIS_PRICE_TODAY", "2026-10-01")
        .args(["validate", "--max-age", "0"])
        .arg(&path);
    assert_eq!(run(&mut cmd).0, 0);
}

#[test]
fn the_baseline_tariff_is_old_by_design_and_not_judged() {
    let (_d, old) = aged();
    let (_j, jobs) = temp_file("jobs.csv", b"steps,size\n20,512x512\n");
    let (code, _, err) = run(dis()
        .arg("batch")
        .arg(&jobs)
        .arg("--baseline-tariff")
        .arg(&old)
        .args(["--max-age", "0", "--format", "plain"]));
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn commands_that_price_with_no_tariff_refuse_it() {
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["batch", "--schema"],
        &["tariff", "--schema"],
        &["diff", "a.toml", "b.toml"],
    ] {
        let (code, out, err) = run(dis().args(args).args(["--max-age", "30"]));
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(
            err.contains("--max-age 30 judges the age of the tariff"),
            "{err}"
        );
    }
}
