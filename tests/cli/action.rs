//! The composite action (`action.yml`), run as GitHub runs it: each step's `run:` with `bash
//! --noprofile --norc -eo pipefail`, its `env:` with the `${{ inputs.* }}`, `${{ steps.*.outputs.* }}`
//! and `${{ github.* }}` expressions substituted, a fresh `GITHUB_OUTPUT` file per step read
//! back into `steps.ID.outputs`, `GITHUB_PATH` prepended to `PATH` for the steps after, a step
//! skipped once one has failed, and `if: inputs.NAME == 'VALUE'` evaluated. It runs in a
//! throwaway git repository with two commits (main, and a topic branch) and an `origin` to
//! fetch the base branch from, with a stand-in `gh` on `PATH` that records what it is asked.
//!
//! The one liberty: the install step (`cargo install --locked` from the action's own source)
//! is replaced by the binary this test suite already built; the test checks that the real step
//! says `cargo install --locked`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::github::{parse_command, parse_outputs};

/// One step of the action.
#[derive(Debug)]
struct Step {
    id: Option<String>,
    condition: Option<String>,
    env: Vec<(String, String)>,
    run: String,
}

/// The action: inputs with their defaults, outputs with their expressions, steps.
struct Action {
    inputs: BTreeMap<String, Option<String>>,
    outputs: BTreeMap<String, String>,
    steps: Vec<Step>,
}

fn text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn load_action() -> Action {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let source = std::fs::read_to_string(path).expect("action.yml");
    let doc = YamlLoader::load_from_str(&source).expect("action.yml is YAML");
    let doc = &doc[0];
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let mut inputs = BTreeMap::new();
    for (name, spec) in doc["inputs"].as_hash().expect("inputs") {
        inputs.insert(text(name).expect("name"), text(&spec["default"]));
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in doc["outputs"].as_hash().expect("outputs") {
        outputs.insert(
            text(name).expect("name"),
            text(&spec["value"]).expect("value"),
        );
    }
    let steps = doc["runs"]["steps"]
        .as_vec()
        .expect("steps")
        .iter()
        .map(|s| {
            assert_eq!(s["shell"].as_str(), Some("bash"), "{s:?}");
            Step {
                id: text(&s["id"]),
                condition: text(&s["if"]),
                env: s["env"].as_hash().map_or_else(Vec::new, |h| {
                    h.iter()
                        .map(|(k, v)| (text(k).expect("key"), text(v).unwrap_or_default()))
                        .collect()
                }),
                run: text(&s["run"]).expect("run"),
            }
        })
        .collect();
    Action {
        inputs,
        outputs,
        steps,
    }
}

/// What the expressions can see.
struct Context {
    inputs: BTreeMap<String, String>,
    steps: BTreeMap<String, BTreeMap<String, String>>,
    github: BTreeMap<&'static str, String>,
}

impl Context {
    /// One expression's value; a name the test does not know fails the test, so a typo in the
    /// action cannot pass as an empty value.
    fn value(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            return self
                .inputs
                .get(name)
                .unwrap_or_else(|| panic!("no input {name}"))
                .clone();
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            // As GitHub: an output a step did not set is empty.
            return self
                .steps
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default();
        }
        if let Some(name) = expr.strip_prefix("github.") {
            return self
                .github
                .get(name)
                .unwrap_or_else(|| panic!("no github.{name} in the test's context"))
                .clone();
        }
        panic!("an expression the test does not evaluate: {expr}")
    }

    /// Every `${{ ... }}` in `text` replaced by its value.
    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("${{") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find("}}").expect("closing }}") + at;
            out.push_str(&self.value(&rest[at + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// A step's `if:`: `inputs.NAME == 'VALUE'`, the only form the action uses.
    fn condition(&self, expr: &str) -> bool {
        let (left, right) = expr.split_once("==").expect("an == condition");
        let right = right.trim().trim_matches('\'');
        self.value(left) == right
    }
}

/// The throwaway repository, the runner's folders and the stand-in `gh`.
pub(crate) struct Runner {
    _root: tempfile::TempDir,
    /// The repository, on its topic branch.
    pub(crate) repo: PathBuf,
    /// The runner's own folder (outputs, summary, temporary files), outside the repository.
    pub(crate) runner: PathBuf,
    /// A folder holding the stand-in `gh`, to put first on `PATH`.
    pub(crate) bin: PathBuf,
    /// Where the stand-in `gh` records its calls.
    pub(crate) gh_log: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const GH: &str = r#"#!/usr/bin/env bash
# Stand-in gh: records each call (and the body file it is given), answers the comment listing
# from what it was asked before.
{ printf '%s\n' "gh $*"; for a in "$@"; do case "$a" in body=@*) sed 's/^/  | /' "${a#body=@}";; esac; done; } >> "$GH_LOG"
case " $* " in
  *" --method POST "*) echo 42 > "$GH_STATE" ;;
  *" --paginate "*) [ -f "$GH_STATE" ] && cat "$GH_STATE" ;;
esac
exit 0
"#;

/// A repository whose main branch holds `base` as jobs.csv (or nothing, for None), and whose
/// topic branch changes it to `head`; origin is the repository itself.
pub(crate) fn runner(base: Option<&str>, head: &str) -> Runner {
    let root = tempfile::tempdir().expect("temp dir");
    let (repo, runner, bin) = (
        root.path().join("repo"),
        root.path().join("runner"),
        root.path().join("bin"),
    );
    for d in [&repo, &runner, &runner.join("tmp"), &bin] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    git(&repo, &["config", "user.email", "ci@example.com"]);
    git(&repo, &["config", "user.name", "CI"]);
    std::fs::write(repo.join("README"), "jobs\n").expect("write");
    if let Some(base) = base {
        std::fs::write(repo.join("jobs.csv"), base).expect("write");
    }
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "base"]);
    git(&repo, &["checkout", "--quiet", "-b", "topic"]);
    std::fs::write(repo.join("jobs.csv"), head).expect("write");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "head"]);
    let url = format!("file://{}", repo.display());
    git(&repo, &["remote", "add", "origin", &url]);
    let gh = bin.join("gh");
    std::fs::write(&gh, GH).expect("write gh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let gh_log = runner.join("gh.log");
    Runner {
        _root: root,
        repo,
        runner,
        bin,
        gh_log,
    }
}

/// What a run of the action gave.
struct Outcome {
    /// The exit status of the step that failed, or 0.
    status: i32,
    outputs: BTreeMap<String, String>,
    summary: String,
    /// Every step's standard output, in order.
    stdout: String,
    gh: String,
}

/// Runs the action's steps in `r.repo` with these inputs.
fn run_action(r: &Runner, with: &[(&str, &str)], pr: Option<&str>) -> Outcome {
    let action = load_action();
    let mut inputs: BTreeMap<String, String> = action
        .inputs
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
        .collect();
    for (k, v) in with {
        assert!(inputs.contains_key(*k), "the action has no input {k}");
        inputs.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut cx = Context {
        inputs: BTreeMap::new(),
        steps: BTreeMap::new(),
        github: BTreeMap::from([
            ("token", "test-token".to_owned()),
            (
                "event.pull_request.number",
                pr.unwrap_or_default().to_owned(),
            ),
        ]),
    };
    // Input defaults may be expressions too (github.token).
    cx.inputs = inputs
        .iter()
        .map(|(k, v)| (k.clone(), cx.substitute(v)))
        .collect();
    let summary = r.runner.join("summary.md");
    let path_file = r.runner.join("path.txt");
    std::fs::write(&path_file, "").expect("write");
    let mut path: Vec<PathBuf> = vec![r.bin.clone()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let mut status = 0;
    let mut stdout = String::new();
    for (k, step) in action.steps.iter().enumerate() {
        if status != 0 {
            break;
        }
        if let Some(condition) = &step.condition
            && !cx.condition(condition)
        {
            continue;
        }
        let script = if step.id.as_deref() == Some("install") {
            assert!(
                step.run
                    .contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""),
                "{}",
                step.run
            );
            // Stands in for `cargo install`: the binary under test, where the step puts it.
            format!(
                "mkdir -p \"$RUNNER_TEMP/dis-price/bin\"\nln -sf {:?} \"$RUNNER_TEMP/dis-price/bin/dis-price\"\necho \"$RUNNER_TEMP/dis-price/bin\" >> \"$GITHUB_PATH\"\n",
                env!("CARGO_BIN_EXE_dis-price")
            )
        } else {
            cx.substitute(&step.run)
        };
        let script_file = r.runner.join(format!("step-{k}.sh"));
        std::fs::write(&script_file, script).expect("write");
        let output_file = r.runner.join(format!("output-{k}.txt"));
        std::fs::write(&output_file, "").expect("write");
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(&r.repo)
            .env_clear()
            .env("PATH", std::env::join_paths(&path).expect("PATH"))
            .env("HOME", &r.runner)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("DIS_PRICE_TODAY", crate::support::TODAY)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_REPOSITORY", "owner/repo")
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_HEAD_REF", "topic")
            .env("RUNNER_TEMP", r.runner.join("tmp"))
            .env("GH_LOG", &r.gh_log)
            .env("GH_STATE", r.runner.join("gh.state"));
        for (name, value) in &step.env {
            cmd.env(name, cx.substitute(value));
        }
        let out = cmd.output().expect("bash runs");
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        status = out.status.code().expect("exited");
        let outputs = parse_outputs(&std::fs::read_to_string(&output_file).expect("read"))
            .expect("the step's outputs parse");
        if let Some(id) = &step.id {
            cx.steps.insert(id.clone(), outputs);
        }
        // GITHUB_PATH: each line, newest first, before PATH for the steps after.
        let added = std::fs::read_to_string(&path_file).expect("read");
        for line in added.lines().filter(|l| !l.is_empty()) {
            let p = PathBuf::from(line);
            if !path.contains(&p) {
                path.insert(0, p);
            }
        }
    }
    let outputs = action
        .outputs
        .iter()
        .map(|(k, v)| (k.clone(), cx.substitute(v)))
        .collect();
    Outcome {
        status,
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        stdout,
        gh: std::fs::read_to_string(&r.gh_log).unwrap_or_default(),
    }
}

pub(crate) fn have_tools(test: &str) -> bool {
    crate::support::require_tool("bash", test) && crate::support::require_tool("git", test)
}

pub(crate) const BASE: &str = "steps,size,count\n10,1024x1024,1\n20,512x512,2\n";
/// +0.01206 on 0.02412: +50%.
pub(crate) const HEAD: &str = "steps,size,count\n20,1024x1024,1\n20,512x512,2\n";

#[test]
fn the_action_reviews_a_pull_request_and_keeps_one_comment() {
    if !have_tools("the_action_reviews_a_pull_request_and_keeps_one_comment") {
        return;
    }
    let r = runner(Some(BASE), HEAD);
    let with = [
        ("workload", "jobs.csv"),
        ("warn-above", "20"),
        ("fail-increase", "0.05"),
        ("comment", "true"),
    ];
    let first = run_action(&r, &with, Some("7"));
    assert_eq!(first.status, 0, "{}", first.stdout);
    assert_eq!(first.outputs["verdict"], "warn");
    assert_eq!(first.outputs["change"], "+0.0121");
    assert_eq!(first.outputs["percent"], "+50.00");
    assert_eq!(first.outputs["change-exact"], "+0.01206");
    // Annotations on stdout, as GitHub reads them.
    let commands: Vec<_> = first
        .stdout
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| parse_command(l).expect("a workflow command"))
        .collect();
    assert_eq!(
        commands.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["warning", "notice"]
    );
    // The base came from main through git show; the sides are named by branch.
    assert!(
        first.summary.starts_with(
            "**Cost up by 0.0121 USD (+50.00%)**: 0.0241 → 0.0362 USD, topic against main."
        ),
        "{}",
        first.summary
    );
    assert!(
        first.summary.contains("- **warned** --warn-above:"),
        "{}",
        first.summary
    );
    // One comment: listed (none yet), then created, with the review as its body.
    let calls: Vec<&str> = first.gh.lines().filter(|l| l.starts_with("gh ")).collect();
    assert_eq!(calls.len(), 2, "{}", first.gh);
    assert!(calls[0].starts_with("gh api --paginate repos/owner/repo/issues/7/comments"));
    assert!(
        calls[1].starts_with("gh api --method POST repos/owner/repo/issues/7/comments -F body=@")
    );
    assert!(
        first
            .gh
            .contains("  | <!-- dis-price cost review -->\n  | **Cost up by"),
        "{}",
        first.gh
    );
    // The next push edits that comment instead of adding one.
    let second = run_action(&r, &with, Some("7"));
    assert_eq!(second.status, 0);
    let calls: Vec<&str> = second.gh.lines().filter(|l| l.starts_with("gh ")).collect();
    assert_eq!(calls.len(), 4, "{}", second.gh);
    assert!(
        calls[3].starts_with("gh api --method PATCH repos/owner/repo/issues/comments/42 -F body=@")
    );
}

#[test]
fn a_failed_gate_fails_the_action_with_1_after_commenting() {
    if !have_tools("a_failed_gate_fails_the_action_with_1_after_commenting") {
        return;
    }
    let r = runner(Some(BASE), HEAD);
    let ran = run_action(
        &r,
        &[
            ("workload", "jobs.csv"),
            ("fail-above", "10"),
            ("comment", "true"),
        ],
        Some("7"),
    );
    assert_eq!(ran.status, 1, "{}", ran.stdout);
    assert_eq!(ran.outputs["verdict"], "fail");
    assert!(ran.gh.contains("--method POST"), "{}", ran.gh);
    assert!(
        ran.summary.contains("- **failed** --fail-above:"),
        "{}",
        ran.summary
    );
}

#[test]
fn without_comment_no_token_is_used_and_a_new_workload_is_judged_in_money() {
    if !have_tools("without_comment_no_token_is_used_and_a_new_workload_is_judged_in_money") {
        return;
    }
    // jobs.csv is new on the branch: the base is empty, and has no percentage.
    let r = runner(None, HEAD);
    let gates = |increase: &str| {
        run_action(
            &r,
            &[
                ("workload", "jobs.csv"),
                ("fail-above", "10"),
                ("fail-increase", increase),
            ],
            None,
        )
    };
    let cheap = gates("1");
    assert_eq!(cheap.status, 0, "{}", cheap.stdout);
    assert_eq!(cheap.outputs["verdict"], "pass");
    assert_eq!(cheap.outputs["percent"], "");
    assert!(
        cheap.summary.contains("- not judged --fail-above:"),
        "{}",
        cheap.summary
    );
    assert_eq!(cheap.gh, "", "gh was called without comment: true");
    let expensive = gates("0.01");
    assert_eq!(expensive.status, 1);
    assert_eq!(expensive.outputs["verdict"], "fail");
}

#[test]
fn a_bad_workload_is_2_not_1() {
    if !have_tools("a_bad_workload_is_2_not_1") {
        return;
    }
    let r = runner(Some(BASE), "steps,size\n1.5,512\n");
    let ran = run_action(&r, &[("workload", "jobs.csv"), ("fail-above", "10")], None);
    assert_eq!(ran.status, 2, "{}", ran.stdout);
    let error = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .map(|l| parse_command(l).expect("a command"))
        .expect("an error annotation");
    assert_eq!(error.properties["line"], "2");
}
