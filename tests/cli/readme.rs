//! The documents' examples are tests, so no document can drift from what the program prints.
//!
//! Every ```` ```console ```` block in README.md and the documents beside it ([`documents`]:
//! CONTRIBUTING.md, docs/*.md, benches/README.md, fuzz/README.md) is a transcript: a line starting `$ ` is a command,
//! the lines after it are exactly what a terminal shows (standard output and standard error, in
//! the order written). Each block runs in `sh`, in a fresh copy of `tests/readme/` (the files the
//! examples name), with the `dis-price` under test first on `PATH` and a clean environment. A
//! command that exits non-zero must be followed by `$ echo $?` showing its status, so a failing
//! example cannot pass for a working one. A block preceded by `<!-- not run: REASON -->` is shown
//! but not run. `README_UPDATE=1 cargo test --test cli readme::` rewrites the outputs that differ
//! (never under CI); review the documents' diff afterwards.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{dis, path_with_binary};

/// The README, as the repository holds it.
fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

/// Every document whose examples run: the README first, then the documents beside it, each as
/// (its path from the repository's root, its full path).
pub(crate) fn documents() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = ["README.md", "CONTRIBUTING.md"]
        .iter()
        .map(|n| (*n).to_owned())
        .collect();
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| {
            e.expect("docs/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names.extend(["benches/README.md".to_owned(), "fuzz/README.md".to_owned()]);
    names
        .into_iter()
        .map(|n| {
            let path = root.join(&n);
            (n, path)
        })
        .collect()
}

/// The text of one document, by its path from the repository's root.
fn document(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The files the README's examples use (`jobs.csv`, tariffs, ...).
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readme")
}

/// A fenced block of a markdown file.
#[derive(Debug)]
pub(crate) struct Block {
    /// The info string after the opening fence (`console`, `sh`, ...).
    pub(crate) info: String,
    /// The 1-based line number of the first line inside the fence.
    first_line: usize,
    /// The lines inside the fence.
    pub(crate) lines: Vec<String>,
    /// Why the block is not run, when a `<!-- not run: REASON -->` comment precedes it.
    not_run: Option<String>,
}

/// One command of a console block and what the block says it prints.
#[derive(Debug)]
struct Step {
    /// The 1-based line number of the `$ ` line.
    line: usize,
    command: String,
    /// The expected output, each line ending in a newline.
    expected: String,
    /// The 0-based file lines of the expected output: `start..end`.
    output_lines: (usize, usize),
}

/// What running one command gave.
#[derive(Debug)]
struct Ran {
    output: String,
    status: i32,
}

/// Splits a markdown text into its fenced blocks. Fences are ```` ``` ```` at the start of a line.
pub(crate) fn blocks(name: &str, text: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // A fence of more backticks holds lines of three (a transcript that prints a fenced
        // block); it is closed by as many.
        let fence_len = lines[i].len() - lines[i].trim_start_matches('`').len();
        if fence_len < 3 {
            i += 1;
            continue;
        }
        let (fence, info) = lines[i].split_at(fence_len);
        let open = i;
        let previous = lines[..open].iter().rev().find(|l| !l.trim().is_empty());
        let not_run = match previous.and_then(|l| l.trim().strip_prefix("<!-- not run")) {
            None => None,
            Some(rest) => {
                let reason = rest
                    .strip_prefix(':')
                    .and_then(|r| r.strip_suffix("-->"))
                    .map(str::trim)
                    .unwrap_or("");
                if reason.is_empty() {
                    return Err(format!(
                        "{name}:{}: a block that is not run needs a reason: \
                         <!-- not run: REASON -->",
                        open + 1
                    ));
                }
                Some(reason.to_owned())
            }
        };
        let Some(close) = (open + 1..lines.len()).find(|&j| lines[j] == fence) else {
            return Err(format!("{name}:{}: this fence is never closed", open + 1));
        };
        found.push(Block {
            info: info.trim().to_owned(),
            first_line: open + 2,
            lines: lines[open + 1..close]
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            not_run,
        });
        i = close + 1;
    }
    Ok(found)
}

/// The commands of a console block, each with the output shown under it.
fn steps(name: &str, block: &Block) -> Result<Vec<Step>, String> {
    let mut steps: Vec<Step> = Vec::new();
    for (k, text) in block.lines.iter().enumerate() {
        let index = block.first_line - 1 + k;
        if let Some(command) = text.strip_prefix("$ ") {
            steps.push(Step {
                line: index + 1,
                command: command.to_owned(),
                expected: String::new(),
                output_lines: (index + 1, index + 1),
            });
        } else if let Some(step) = steps.last_mut() {
            step.expected.push_str(text);
            step.expected.push('\n');
            step.output_lines.1 = index + 1;
        } else {
            return Err(format!(
                "{name}:{}: output before any command; a console block starts with `$ COMMAND`",
                index + 1
            ));
        }
    }
    Ok(steps)
}

/// Marks the end of a command's output in the block's combined output.
const MARK: &str = "\u{1e}end-of-step";

/// Runs the commands of one block, in order, in one `sh` in a fresh copy of the fixtures.
fn run_steps(steps: &[Step]) -> Vec<Ran> {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(fixtures()).expect("tests/readme") {
        let entry = entry.expect("fixture");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy fixture");
    }
    // One stream for both, as a terminal shows them; after each command its status, on a line
    // of its own, and `$?` set back to it so that a following `echo $?` shows it.
    let mut script = String::from("exec 2>&1\n");
    for step in steps {
        writeln!(
            script,
            "{}\n__status=$?; printf '\\n\\036end-of-step %d\\n' \"$__status\"; (exit \"$__status\")",
            step.command
        )
        .expect("string");
    }
    let path = path_with_binary();
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        // "Today" pinned, so no example depends on the day it runs.
        .env("DIS_PRICE_TODAY", crate::support::TODAY)
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut ran = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(&format!("\n{MARK} ")) {
        let output = rest[..at].to_owned();
        let after = &rest[at + MARK.len() + 2..];
        let (status, next) = after.split_once('\n').expect("status line");
        ran.push(Ran {
            output,
            status: status.parse().expect("status"),
        });
        rest = next;
    }
    assert_eq!(
        ran.len(),
        steps.len(),
        "the block's shell stopped early; its output: {text}"
    );
    ran
}

/// What checking a document found: the problems, and the text with every differing output
/// replaced by what was printed.
struct Checked {
    problems: Vec<String>,
    updated: String,
}

/// Runs every console block of a markdown text and compares each command's output.
fn check(name: &str, text: &str) -> Checked {
    let mut problems = Vec::new();
    let mut replacements: Vec<((usize, usize), String)> = Vec::new();
    let found = match blocks(name, text) {
        Ok(found) => found,
        Err(problem) => {
            return Checked {
                problems: vec![problem],
                updated: text.to_owned(),
            };
        }
    };
    for block in found
        .iter()
        .filter(|b| b.info == "console" && b.not_run.is_none())
    {
        let steps = match steps(name, block) {
            Ok(steps) => steps,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let ran = run_steps(&steps);
        for (k, (step, got)) in steps.iter().zip(&ran).enumerate() {
            if got.output != step.expected {
                let diff = similar::TextDiff::from_lines(&step.expected, &got.output)
                    .unified_diff()
                    .header(&format!("{name} (shown)"), "printed")
                    .to_string();
                problems.push(format!(
                    "{name}:{}: `$ {}` printed something else (status {}):\n{diff}",
                    step.line, step.command, got.status
                ));
                if got.output.is_empty() || got.output.ends_with('\n') {
                    replacements.push((step.output_lines, got.output.clone()));
                }
            }
            let shown = steps.get(k + 1).is_some_and(|s| s.command == "echo $?");
            if got.status != 0 && !shown {
                problems.push(format!(
                    "{name}:{}: `$ {}` exited with status {}, which the example does not show; \
                     follow it with `$ echo $?` and `{}`",
                    step.line, step.command, got.status, got.status
                ));
            }
        }
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    replacements.sort_by_key(|r| std::cmp::Reverse(r.0.0));
    for ((start, end), output) in replacements {
        lines.splice(start..end, output.lines().map(str::to_owned));
    }
    let mut updated = lines.join("\n");
    if text.ends_with('\n') {
        updated.push('\n');
    }
    Checked { problems, updated }
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "says that a document was rewritten, for the one who asked"
)]
fn document_examples_print_what_the_documents_show() {
    let update = std::env::var_os("README_UPDATE").is_some_and(|v| !v.is_empty() && v != "0");
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let mut problems = Vec::new();
    let documents = documents();
    for (name, path) in &documents {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let checked = check(name, &text);
        if checked.problems.is_empty() {
            continue;
        }
        if update && !ci && checked.updated != text {
            std::fs::write(path, &checked.updated).unwrap_or_else(|e| panic!("{name}: {e}"));
            eprintln!("{name}: rewrote the outputs that differed; review `git diff {name}`");
            let again = check(name, &checked.updated);
            problems.extend(again.problems);
            continue;
        }
        problems.extend(checked.problems);
    }
    // The README and at least the documents this test was written with are read.
    assert!(documents.len() >= 6, "{documents:?}");
    assert!(
        problems.is_empty(),
        "{} example(s) out of date:\n\n{}\n\nIf the new output is right, run \
         `README_UPDATE=1 cargo test --test cli readme::` and review `git diff '*.md'`.",
        problems.len(),
        problems.join("\n")
    );
}

/// The README is a guide, not an archive: at most 700 lines, the rest in the documents beside
/// it.
#[test]
fn readme_is_at_most_700_lines() {
    let lines = document("README.md").lines().count();
    assert!(
        lines <= 700,
        "README.md has {lines} lines; move reference material to docs/"
    );
}

/// The README states the minimum Rust version that `Cargo.toml` sets.
#[test]
fn readme_names_the_minimum_rust_version() {
    let manifest = document("Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("rust-version in Cargo.toml")
        .trim_matches('"');
    let readme = document("README.md");
    let first_screen: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(
        first_screen.contains(&format!("Rust {version} or newer")),
        "the README's first screen does not say \"Rust {version} or newer\""
    );
}

/// The README's first block holds the two set-up commands: one prices a job with the built-in
/// tariff, one runs the tests. The first is run here (through the binary `cargo run` builds);
/// the second must be the test command CI runs.
#[test]
fn readme_setup_commands_work() {
    let text = std::fs::read_to_string(readme_path()).expect("README.md");
    let found = blocks("README.md", &text).expect("blocks");
    let first = found.first().expect("a first block");
    assert_eq!(
        first.info, "sh",
        "the README opens with its set-up commands"
    );
    let commands: Vec<&str> = first
        .lines
        .iter()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(commands.len(), 2, "two set-up commands: {commands:?}");
    let args = commands[0]
        .strip_prefix("cargo run --release -- ")
        .expect("the first runs dis-price through cargo");
    let out = dis().args(args.split_whitespace()).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(printed.starts_with("0.0060 USD  for 1 image"), "{printed}");
    // The test command is the one CI runs, word for word.
    assert_eq!(commands[1], "cargo test --locked");
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == commands[1]),
        ".ci/run does not run `{}`",
        commands[1]
    );
}

/// The provenance object docs/tariff.md shows is the one every JSON output carries.
#[test]
fn tariff_doc_provenance_matches_the_json_output() {
    let text = document("docs/tariff.md");
    let found = blocks("docs/tariff.md", &text).expect("blocks");
    let shown = found
        .iter()
        .find(|b| b.info == "json" && b.lines.first().is_some_and(|l| l.starts_with("\"tariff\"")))
        .expect("a ```json block showing \"tariff\"");
    let shown: serde_json::Value =
        serde_json::from_str(&format!("{{{}}}", shown.lines.join("\n"))).expect("JSON");
    let out = dis().args(["--format", "json"]).output().expect("runs");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(shown["tariff"], printed["tariff"]);
}

/// The example tariff of docs/tariff.md (the format section) is a valid tariff, without warnings.
#[test]
fn tariff_doc_format_example_is_valid() {
    let text = document("docs/tariff.md");
    let found = blocks("docs/tariff.md", &text).expect("blocks");
    let toml = found
        .iter()
        .find(|b| b.info == "toml" && b.lines.first().is_some_and(|l| l.starts_with("schema = ")))
        .expect("a ```toml block with the format");
    let (_dir, path) = crate::support::temp_file("example.toml", toml.lines.join("\n").as_bytes());
    let out = dis()
        .arg("validate")
        .arg("--strict")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// "`dis-price --help` and each command's `--help` ... show examples", as the README says.
#[test]
fn every_help_shows_examples() {
    use clap::CommandFactory as _;
    let cli = dis_price::cli::Cli::command();
    let mut commands = vec![Vec::new()];
    commands.extend(
        cli.get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| vec![c.get_name().to_owned()]),
    );
    assert!(commands.len() > 5, "{commands:?}");
    for args in commands {
        let out = dis().args(&args).arg("--help").output().expect("runs");
        let help = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(
            help.contains("\nExample:\n  dis-price ") || help.contains("\nExamples:\n  dis-price "),
            "`dis-price {} --help` shows no example:\n{help}",
            args.join(" ")
        );
    }
}

/// Checks a made-up document whose blocks may be wrong on purpose.
fn check_doc(text: &str) -> Checked {
    check("doc.md", text)
}

#[test]
fn a_right_example_passes() {
    let doc = "# T\n\n```console\n$ dis-price --steps 20 --size 512x512 --format plain\n0.0060\n$ dis-price --steps 51 --format plain\nerror: steps 51 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse this job (--allow-out-of-range prices it anyway)\n$ echo $?\n2\n```\n";
    let checked = check_doc(doc);
    assert_eq!(checked.problems, Vec::<String>::new());
    assert_eq!(checked.updated, doc);
}

#[test]
fn a_drifted_example_fails_naming_its_line_and_the_difference() {
    let doc = "# T\n\n```console\n$ dis-price --format plain\n0.0068\n$ dis-price --steps 20 --size 512x512 --format plain\n0.0061\n```\n";
    let checked = check_doc(doc);
    assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
    let problem = &checked.problems[0];
    assert!(
        problem.starts_with(
            "doc.md:6: `$ dis-price --steps 20 --size 512x512 --format plain` printed something else (status 0):\n"
        ),
        "{problem}"
    );
    assert!(problem.contains("\n-0.0061\n+0.0060\n"), "{problem}");
    // The update puts the printed output in place and changes nothing else.
    assert_eq!(checked.updated, doc.replace("0.0061", "0.0060"));
}

#[test]
fn missing_and_extra_lines_and_stderr_are_drift() {
    // A line too few (the text format has more), and an error that goes unshown.
    let doc = "```console\n$ dis-price --steps 20 --size 512x512\n0.0060 USD  for 1 image with Flux.1 [dev]\n$ dis-price --steps 0\n$ echo $?\n2\n```\n";
    let checked = check_doc(doc);
    assert_eq!(checked.problems.len(), 2, "{:?}", checked.problems);
    assert!(
        checked.problems[0].starts_with("doc.md:2: "),
        "{:?}",
        checked.problems
    );
    assert!(
        checked.problems[0].contains("\n+  size   512x512\n"),
        "{:?}",
        checked.problems
    );
    assert!(
        checked.problems[1].starts_with("doc.md:4: "),
        "{:?}",
        checked.problems
    );
    assert!(
        checked.problems[1].contains("\n+error: steps 0 "),
        "{:?}",
        checked.problems
    );
}

#[test]
fn a_failing_command_must_show_its_status() {
    let doc = "```console\n$ dis-price --model nope --format plain 2> /dev/null\n```\n";
    let checked = check_doc(doc);
    assert_eq!(
        checked.problems,
        vec![
            "doc.md:2: `$ dis-price --model nope --format plain 2> /dev/null` exited with status 2, \
             which the example does not show; follow it with `$ echo $?` and `2`"
                .to_owned()
        ]
    );
    let shown =
        "```console\n$ dis-price --model nope --format plain 2> /dev/null\n$ echo $?\n2\n```\n";
    assert_eq!(check_doc(shown).problems, Vec::<String>::new());
    let wrong =
        "```console\n$ dis-price --model nope --format plain 2> /dev/null\n$ echo $?\n1\n```\n";
    let problems = check_doc(wrong).problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("\n-1\n+2\n"), "{problems:?}");
}

#[test]
fn examples_run_among_the_fixture_files() {
    let doc = "```console\n$ cat jobs.csv | head -n 1\nid,steps,size,n,model\n$ dis-price batch jobs.csv --summary --format csv | tail -n 1\ntotal,,,,7,,0.1539,\n```\n";
    assert_eq!(check_doc(doc).problems, Vec::<String>::new());
}

#[test]
fn a_block_marked_not_run_is_skipped_and_needs_a_reason() {
    let skipped = "<!-- not run: prints today's date -->\n```console\n$ date\nnever\n```\n";
    assert_eq!(check_doc(skipped).problems, Vec::<String>::new());
    let bare = "text\n<!-- not run -->\n\n```console\n$ date\nnever\n```\n";
    assert_eq!(
        check_doc(bare).problems,
        vec!["doc.md:4: a block that is not run needs a reason: <!-- not run: REASON -->"]
    );
    // Other languages are shown, not run.
    assert_eq!(
        check_doc("```sh\nfalse\n```\n").problems,
        Vec::<String>::new()
    );
}

#[test]
fn a_longer_fence_holds_a_transcript_that_prints_a_fence() {
    let doc = "````console\n$ printf '```mermaid\\nx\\n```\\n'\n```mermaid\nx\n```\n````\n";
    let found = blocks("doc.md", doc).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].lines.len(), 4);
    assert_eq!(check_doc(doc).problems, Vec::<String>::new());
    // What it printed differs: the block is out of date, not cut short at its first ```.
    let wrong = doc.replace("\nx\n```\n````", "\ny\n```\n````");
    assert_eq!(check_doc(&wrong).problems.len(), 1);
}

#[test]
fn malformed_blocks_are_reported() {
    assert_eq!(
        check_doc("a\n```console\n0.0060\n$ dis-price\n```\n").problems,
        vec!["doc.md:3: output before any command; a console block starts with `$ COMMAND`"]
    );
    assert_eq!(
        check_doc("a\n```console\n$ dis-price\n").problems,
        vec!["doc.md:2: this fence is never closed"]
    );
}

/// The CI gate script of docs/ci.md, run as written on request files under, over and beside the
/// budget. It needs `bash` and `jq`; without them the test says so and checks nothing, and
/// fails under CI.
#[test]
fn ci_doc_script_gates_as_described() {
    let test = "ci_doc_script_gates_as_described";
    if !crate::support::require_tool("bash", test) || !crate::support::require_tool("jq", test) {
        return;
    }
    let text = document("docs/ci.md");
    let found = blocks("docs/ci.md", &text).expect("blocks");
    let script = found
        .iter()
        .find(|b| b.info == "sh" && b.lines.iter().any(|l| l.contains("requests.jsonl")))
        .expect("the CI script")
        .lines
        .join("\n");
    let path = path_with_binary();
    let gate = |requests: &str| {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("requests.jsonl"), requests).expect("write");
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", &path)
            .env("DIS_PRICE_TODAY", crate::support::TODAY)
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        (
            out.status.code().expect("exited"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let one = r#"{"model": "flux-dev", "prompt": "a cat", "num_inference_steps": 50, "size": "1024x1024", "n": 10}"#;
    // Each request is 10 images at 0.0603 USD: 30 requests are 18.09 USD, under 80% of the
    // budget; 40 are 24.12 USD, past 80%; 42 are 25.326 USD, over.
    let requests = |n: usize| format!("{one}\n").repeat(n);
    assert_eq!(
        gate(&requests(30)),
        (0, "estimated cost: 18.0900 USD\n".to_owned(), String::new())
    );
    let (code, out, err) = gate(&requests(40));
    assert_eq!((code, out.as_str()), (0, "estimated cost: 24.1200 USD\n"));
    assert!(
        err.starts_with("warning: ") && err.lines().count() == 1,
        "{err}"
    );
    let (code, out, err) = gate(&requests(42));
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("over budget: "), "{err}");
    assert!(
        err.ends_with("\nthis change would cost 25.3260 USD, over the 25 USD budget\n"),
        "{err}"
    );
    let (code, out, err) = gate(&format!("{one}\n{{\"stesp\": 20}}\n"));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("error: line 2: "), "{err}");
}
