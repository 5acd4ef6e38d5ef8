//! docs/ci.md's pull-request review script, run as written in a throwaway repository (main and a
//! topic branch, an origin to fetch main from) with a stand-in `gh` that records its calls:
//! where `PR_NUMBER` comes from, exit 1 for a failed gate only and 2 for anything else, no file
//! left in the work tree, the sides named by branch, one comment kept up to date.

use std::process::{Command, Stdio};

use crate::action::{BASE, HEAD, Runner, have_tools, runner};
use crate::readme::blocks;
use crate::support::path_with_binary;

fn script() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md");
    let text = std::fs::read_to_string(path).expect("docs/ci.md");
    blocks("docs/ci.md", &text)
        .expect("blocks")
        .into_iter()
        .find(|b| b.info == "sh" && b.lines.iter().any(|l| l.contains("PR_NUMBER")))
        .expect("the review script")
        .lines
        .join("\n")
}

/// Runs the script in the repository: (status, stderr, gh's record).
fn review(r: &Runner, pr: Option<&str>) -> (i32, String, String) {
    let path = std::env::join_paths(
        std::iter::once(r.bin.clone()).chain(std::env::split_paths(&path_with_binary())),
    )
    .expect("PATH");
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script())
        .current_dir(&r.repo)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &r.runner)
        .env("TMPDIR", r.runner.join("tmp"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("DIS_PRICE_TODAY", crate::support::TODAY)
        .env("GH_LOG", &r.gh_log)
        .env("GH_STATE", r.runner.join("gh.state"))
        .stdin(Stdio::null());
    if let Some(pr) = pr {
        cmd.env("PR_NUMBER", pr);
    }
    let out = cmd.output().expect("bash runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&r.gh_log).unwrap_or_default(),
    )
}

fn work_tree_is_clean(r: &Runner) {
    let out = Command::new("git")
        .current_dir(&r.repo)
        .args(["status", "--porcelain", "--untracked-files=all"])
        .output()
        .expect("git");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "files left in the work tree"
    );
}

#[test]
fn the_review_script_posts_one_comment_and_exits_1_only_for_a_gate() {
    if !have_tools("the_review_script_posts_one_comment_and_exits_1_only_for_a_gate") {
        return;
    }
    let r = runner(Some(BASE), HEAD);
    // No PR_NUMBER: a clear message and 2, not set -u's 1.
    let (code, err, gh) = review(&r, None);
    assert_eq!(code, 2);
    assert!(err.contains("PR_NUMBER is not set"), "{err}");
    assert_eq!(gh, "");
    // +50% is past --fail-above 10: the gate fails (1), and the comment says why.
    let (code, err, gh) = review(&r, Some("7"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("above --fail-above 10%"), "{err}");
    assert!(
        gh.contains("gh api --method POST repos/{owner}/{repo}/issues/7/comments -F body=@"),
        "{gh}"
    );
    assert!(
        gh.contains(
            "  | **Cost up by 0.0121 USD (+50.00%)**: 0.0241 → 0.0362 USD, topic against main."
        ),
        "{gh}"
    );
    assert!(gh.contains("  | - **failed** --fail-above: "), "{gh}");
    work_tree_is_clean(&r);
    // The next push edits the same comment.
    let (code, _, gh) = review(&r, Some("7"));
    assert_eq!(code, 1);
    assert_eq!(gh.matches("--method POST").count(), 1, "{gh}");
    assert!(
        gh.contains("gh api --method PATCH repos/{owner}/{repo}/issues/comments/42 -F body=@"),
        "{gh}"
    );
    // Its temporary files are gone too.
    let left = std::fs::read_dir(r.runner.join("tmp"))
        .expect("tmp")
        .count();
    assert_eq!(left, 0);
}

#[test]
fn a_new_workload_passes_when_cheap_and_a_bad_one_is_2() {
    if !have_tools("a_new_workload_passes_when_cheap_and_a_bad_one_is_2") {
        return;
    }
    // jobs.csv is new on the branch: no percentage, judged by --fail-increase 5 and --budget.
    let r = runner(None, HEAD);
    let (code, err, gh) = review(&r, Some("3"));
    assert_eq!(code, 0, "{err}");
    assert!(
        gh.contains("  | **Cost up by 0.0362 USD (from 0)**"),
        "{gh}"
    );
    assert!(gh.contains("  | - not judged --fail-above: "), "{gh}");
    // An expensive new workload fails: 900 images of 50 steps at 1024x1024, 54.27 USD.
    let r = runner(None, "steps,size,count\n50,1024x1024,900\n");
    assert_eq!(review(&r, Some("3")).0, 1);
    // A bad row: 2, and no comment.
    let r = runner(Some(BASE), "steps,size\n1.5,512\n");
    let (code, err, gh) = review(&r, Some("3"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert_eq!(gh, "");
}
