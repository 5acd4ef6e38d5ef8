//! A cost change under review: the warning gates, the verdict, the change split into prices and
//! workload, and the markdown review (labels, gates, one comment's size, quiet when nothing
//! changed), through the real binary.

use assert_cmd::Command;
use rust_decimal::Decimal;

use crate::support::{json, readme_fixture, run, workspace};

/// 0.02412: 10 units of 1024x1024 at 0.001206, and two 512x512 images of 20 steps.
const BASE: &str = "steps,size,count\n10,1024x1024,1\n20,512x512,2\n";
/// The base with the first job at 20 steps: +0.01206 (+50%), 0.03618 in all.
const HEAD: &str = "steps,size,count\n20,1024x1024,1\n20,512x512,2\n";

/// `dis-price batch` run in a folder holding the files, with the README's tariffs too.
fn in_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, impl Fn() -> Command + use<>) {
    let tariffs = ["old.toml", "new.toml"].map(|name| (name, readme_fixture(name)));
    let all: Vec<(&str, &str)> = tariffs
        .iter()
        .map(|(name, text)| (*name, text.as_str()))
        .chain(files.iter().copied())
        .collect();
    workspace(&all)
}

#[test]
fn a_warning_gate_warns_and_exits_0_and_fail_wins() {
    let (_d, batch) = in_dir(&[("base.csv", BASE), ("head.csv", HEAD)]);
    let with = |extra: &[&str]| {
        run(batch()
            .args(["head.csv", "--baseline", "base.csv", "--format", "json"])
            .args(extra))
    };
    // +50%, +0.01206: past --warn-above 40 and --warn-increase 0.01, within the fail gates.
    let (code, out, err) = with(&[
        "--warn-above",
        "40",
        "--fail-above",
        "60",
        "--warn-increase",
        "0.01",
        "--fail-increase",
        "0.02",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "warning: the total rises by 0.0121 USD (exactly 0.01206 USD), +50.00%, above --warn-above 40%\n\
         warning: the total rises by 0.0121 USD (exactly 0.01206 USD), above --warn-increase 0.01 USD\n"
    );
    let v = json(&out);
    assert_eq!(v["verdict"], "warn");
    let outcomes: Vec<(&str, &str)> = v["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| (g["flag"].as_str().unwrap(), g["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("--fail-above", "passed"),
            ("--warn-above", "warned"),
            ("--fail-increase", "passed"),
            ("--warn-increase", "warned")
        ]
    );
    // Past both percent gates: the failure alone is told, and it wins.
    let (code, out, err) = with(&["--warn-above", "10", "--fail-above", "20"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "cost rise: the total rises by 0.0121 USD (exactly 0.01206 USD), +50.00%, above --fail-above 20%\n"
    );
    assert_eq!(json(&out)["verdict"], "fail");
    // Exactly at the limit passes, as the fail gates do: +50% is not above 50.
    let (code, out, err) = with(&["--warn-above", "50", "--warn-increase", "0.01206"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(json(&out)["verdict"], "pass");
    // Without a baseline a warning gate makes no sense.
    let (code, _, err) = run(batch().args(["head.csv", "--warn-increase", "1"]));
    assert_eq!(code, 2);
    assert!(err.contains("--warn-increase gates a cost change"), "{err}");
}

#[test]
fn the_budget_share_is_part_of_the_verdict() {
    let (_d, batch) = in_dir(&[("base.csv", BASE), ("head.csv", HEAD)]);
    let (code, out, err) = run(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "json",
        "--budget",
        "0.04",
        "--warn-at",
        "80",
    ]));
    assert_eq!(code, 0);
    assert!(err.starts_with("warning: total 0.0362 USD"), "{err}");
    assert_eq!(json(&out)["verdict"], "warn");
}

/// The decimal string a JSON member holds, exactly.
fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .parse()
        .expect("decimal")
}

/// `prices + workload = change`, exactly, in total, per model and per size.
fn assert_adds_up(v: &serde_json::Value) -> (Decimal, Decimal) {
    let lines = std::iter::once(v)
        .chain(v["by_model"].as_array().expect("models"))
        .chain(v["by_size"].as_array().expect("sizes"));
    for line in lines {
        let a = &line["attribution"];
        assert_eq!(
            dec(&a["prices"]) + dec(&a["workload"]),
            dec(&line["change"]["exact"]),
            "{line}"
        );
    }
    let a = &v["attribution"];
    (dec(&a["prices"]), dec(&a["workload"]))
}

#[test]
fn the_change_splits_into_prices_and_workload_exactly() {
    let (_d, batch) = in_dir(&[
        ("jobs.csv", &readme_fixture("jobs.csv")),
        ("base.csv", &readme_fixture("base.csv")),
    ]);
    let json_of = |args: &[&str]| {
        let (code, out, err) = run(batch().args(args).args(["--format", "json"]));
        assert_eq!(code, 0, "{err}");
        json(&out)
    };
    // Both the workload and the prices changed: base.csv under old.toml to jobs.csv under
    // new.toml. The base workload under the new prices is 0.12771 (0.1161 x 1.1).
    let both = json_of(&[
        "jobs.csv",
        "--baseline",
        "base.csv",
        "--baseline-tariff",
        "old.toml",
        "--tariff",
        "new.toml",
    ]);
    let (prices, workload) = assert_adds_up(&both);
    // new.toml's rate is old.toml's plus 10%: the price part is a tenth of the base total.
    assert_eq!(prices, dec(&both["base"]["exact"]) / Decimal::from(10));
    assert!(prices > Decimal::ZERO && workload > Decimal::ZERO);
    // Prices alone: the workload part is 0.
    let prices_only = json_of(&[
        "jobs.csv",
        "--baseline-tariff",
        "old.toml",
        "--tariff",
        "new.toml",
    ]);
    let (prices, workload) = assert_adds_up(&prices_only);
    assert_eq!((prices.is_zero(), workload.is_zero()), (false, true));
    // The workload alone, under one tariff: the price part is 0.
    let workload_only = json_of(&["jobs.csv", "--baseline", "base.csv"]);
    let (prices, workload) = assert_adds_up(&workload_only);
    assert_eq!((prices.is_zero(), workload.is_zero()), (true, false));
}

#[test]
fn table_and_markdown_show_what_moved_the_total() {
    let (_d, batch) = in_dir(&[
        ("jobs.csv", &readme_fixture("jobs.csv")),
        ("base.csv", &readme_fixture("base.csv")),
    ]);
    let args = [
        "jobs.csv",
        "--baseline",
        "base.csv",
        "--baseline-tariff",
        "old.toml",
        "--tariff",
        "new.toml",
        "--format",
    ];
    let (code, md, _) = run(batch().args(args).arg("markdown"));
    assert_eq!(code, 0);
    assert!(
        md.contains(
            "| **total** | 0.1161 | 0.1693 | +0.0532 | +45.86% |\n\
             | of which prices |  |  | +0.0116 |  |\n\
             | of which workload |  |  | +0.0416 |  |\n"
        ),
        "{md}"
    );
    let (code, table, _) = run(batch().args(args).arg("table"));
    assert_eq!(code, 0);
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("prices") || l.contains("workload"))
        .collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        rows[0].contains("+0.0116") && rows[1].contains("+0.0416"),
        "{table}"
    );
}

#[test]
fn the_markdown_review_names_the_sides_the_verdict_and_each_gate() {
    let (_d, batch) = in_dir(&[("base.csv", BASE), ("head.csv", HEAD)]);
    let (code, md, _) = run(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "markdown",
        "--base-label",
        "main",
        "--head-label",
        "feature/bigger-images",
        "--fail-above",
        "40",
        "--warn-increase",
        "0.01",
        "--budget",
        "1",
    ]));
    assert_eq!(code, 1);
    let head: Vec<&str> = md.lines().take(7).collect();
    assert_eq!(
        head,
        [
            "**Cost up by 0.0121 USD (+50.00%)**: 0.0241 → 0.0362 USD, feature/bigger-images against main.",
            "",
            "Verdict: **fail**",
            "",
            "- **failed** --fail-above: the total rises by 0.0121 USD (exactly 0.01206 USD), +50.00%, above --fail-above 40%",
            "- **warned** --warn-increase: the total rises by 0.0121 USD (exactly 0.01206 USD), above --warn-increase 0.01 USD",
            "- passed --budget: the total 0.0362 USD is within --budget 1 USD",
        ]
    );
    // The sides keep their file names without labels; a label with markup is shown literally.
    let (_, md, _) = run(batch().args([
        "head.csv",
        "--baseline",
        "base.csv",
        "--format",
        "markdown",
        "--head-label",
        "<b>x</b>|y",
    ]));
    assert!(
        md.lines()
            .next()
            .unwrap()
            .ends_with(", \\<b\\>x\\</b\\>\\|y against base.csv."),
        "{md}"
    );
}

#[test]
fn no_change_is_one_short_line() {
    let (_d, batch) = in_dir(&[("base.csv", BASE)]);
    let (code, md, err) = run(batch().args([
        "base.csv",
        "--baseline",
        "base.csv",
        "--format",
        "markdown",
        "--base-label",
        "main",
        "--head-label",
        "topic",
        "--fail-above",
        "10",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        md,
        "**No cost change**: 0.0241 USD, topic against main. Verdict: **pass**.\n"
    );
}

/// A tariff of `n` models with long ids, and a workload of one image on each.
fn many_models(n: usize) -> (String, String) {
    let builtin = crate::support::BUILTIN;
    let model = builtin
        .find("[models.flux-dev]")
        .map(|at| &builtin[at..])
        .expect("a model");
    let end = model
        .find("\n[models.flux-dev.published]")
        .expect("published");
    let model = &model[..end];
    let mut tariff = builtin[..builtin.find("[models.").expect("models")].replace(
        "default_model = \"flux-dev\"",
        "default_model = \"a-model-with-a-rather-long-name-for-the-cap-00000\"",
    );
    let mut jobs = String::from("steps,size,model\n");
    for i in 0..n {
        let id = format!("a-model-with-a-rather-long-name-for-the-cap-{i:05}");
        tariff.push_str(
            &model
                .replace("[models.flux-dev]", &format!("[models.{id}]"))
                .replace("aliases = [\"flux.1-dev\", \"flux-1-dev\"]", "aliases = []")
                .replace("name = \"Flux.1 [dev]\"", &format!("name = \"{id}\"")),
        );
        tariff.push('\n');
        // Each model a different change, so "largest first" is well defined.
        jobs.push_str(&format!("{},512x512,{id}\n", 1 + i % 50));
    }
    (tariff, jobs)
}

#[test]
fn the_markdown_review_fits_one_comment() {
    let (tariff, jobs) = many_models(1200);
    let (_d, batch) = in_dir(&[
        ("many.toml", &tariff),
        ("head.csv", &jobs),
        ("empty.csv", "steps,size,model\n"),
    ]);
    let (code, md, err) = run(batch().args([
        "--tariff",
        "many.toml",
        "head.csv",
        "--baseline",
        "empty.csv",
        "--format",
        "markdown",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(md.chars().count() <= 65_536, "{}", md.chars().count());
    // How many more, under the table; then the chart, of the largest changes.
    let last = md.lines().find(|l| l.starts_with("and ")).unwrap();
    assert!(md.ends_with("```\n") && md.contains("\n```mermaid\nxychart-beta\n"));
    let more: usize = last
        .strip_prefix("and ")
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{last}"));
    let shown = md.lines().filter(|l| l.starts_with("| model ")).count();
    assert_eq!(shown + more, 1200, "{last}");
    assert!(shown > 500, "{shown}");
    // The largest changes are the ones kept: every model at 50 steps (the most), none at 1.
    assert!(md.contains("-00049 |"), "{md}");
    assert!(!md.contains("-00000 |"), "{md}");
}

/// A comparison whose side is not exact (a chat request's upper bound, a speech estimate) says
/// so under its figures in every human format, and names which side; two exact sides say
/// nothing of it.
#[test]
fn a_side_that_is_not_exact_is_named_under_the_figures() {
    let request =
        r#"{"model":"Llama-3.1 8B","messages":[{"role":"user","content":"hi"}],"max_tokens":100}"#;
    let result = r#"{"model":"Llama-3.1 8B","usage":{"prompt_tokens":10,"completion_tokens":5}}"#;
    let speech = r#"{"model":"Chatterbox","input":"hello there","voice":"a"}"#;
    let (_dir, cmd) = in_dir(&[
        ("req.jsonl", &format!("{request}\n")),
        ("res.jsonl", &format!("{result}\n")),
        ("speech.jsonl", &format!("{speech}\n")),
    ]);
    for format in ["table", "markdown", "html"] {
        let (code, out, err) =
            run(cmd().args(["req.jsonl", "--baseline", "res.jsonl", "--format", format]));
        assert_eq!(code, 0, "{err}");
        // HTML writes the apostrophe as an entity.
        let out = out.replace("&apos;", "'");
        assert!(
            out.contains("the base's total is exact, the head's an upper bound; the change is only as sure as they are"),
            "{format}: {out}"
        );
        let (code, out, err) = run(cmd().args([
            "--seconds-per-char",
            "0.06",
            "speech.jsonl",
            "--baseline",
            "res.jsonl",
            "--format",
            format,
        ]));
        assert_eq!(code, 0, "{err}");
        let out = out.replace("&apos;", "'");
        assert!(out.contains("the head's an estimate"), "{format}: {out}");
        let (code, out, err) =
            run(cmd().args(["res.jsonl", "--baseline", "res.jsonl", "--format", format]));
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("only as sure"), "{format}: {out}");
    }
    // JSON names each side's kind.
    let (code, out, err) =
        run(cmd().args(["req.jsonl", "--baseline", "res.jsonl", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(
        (v["base"]["kind"].as_str(), v["head"]["kind"].as_str()),
        (Some("exact"), Some("bound"))
    );
}
