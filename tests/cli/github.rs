//! `--format github` (batch, with and without a baseline; validate; check): what is printed is
//! read back by a parser that follows GitHub's documented grammar for workflow commands and for
//! the `GITHUB_OUTPUT` file, not by looking for strings.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

use crate::support::{dis, run};

/// A workflow command as the runner reads it: `::NAME PROPS::DATA`, where PROPS is
/// `key=value` pairs split at `,`; in DATA `%25`, `%0D`, `%0A` stand for `%`, `\r`, `\n`, and in
/// a property value `%3A` and `%2C` also stand for `:` and `,`.
#[derive(Debug, PartialEq, Eq)]
pub struct WorkflowCommand {
    pub name: String,
    pub properties: BTreeMap<String, String>,
    pub data: String,
}

fn unescape_data(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(text: &str) -> String {
    unescape_data(&text.replace("%3A", ":").replace("%2C", ","))
}

/// Parses one line; `Err` says why it is not a workflow command. A raw `,` or `:` in a property
/// value, or a raw `\r`/`\n` anywhere, would be misread by the runner, so each is refused here.
pub fn parse_command(line: &str) -> Result<WorkflowCommand, String> {
    let rest = line
        .strip_prefix("::")
        .ok_or_else(|| format!("does not start with `::`: {line:?}"))?;
    if line.contains(['\r', '\n']) {
        return Err(format!("a raw line break: {line:?}"));
    }
    let end = rest
        .find("::")
        .ok_or_else(|| format!("no `::` before the data: {line:?}"))?;
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (name, props) = match head.split_once(' ') {
        Some((name, props)) => (name, Some(props)),
        None => (head, None),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("bad command name {name:?}"));
    }
    let mut properties = BTreeMap::new();
    for pair in props.into_iter().flat_map(|p| p.split(',')) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("property without `=`: {pair:?} in {line:?}"))?;
        if value.contains(':') {
            return Err(format!("raw `:` in property {key}: {line:?}"));
        }
        if properties
            .insert(key.to_owned(), unescape_property(value))
            .is_some()
        {
            return Err(format!("property {key} twice: {line:?}"));
        }
    }
    // A `%` must start one of the escapes.
    for (i, _) in data.match_indices('%') {
        let code = data.get(i..i + 3).unwrap_or("");
        if !["%25", "%0D", "%0A"].contains(&code) {
            return Err(format!("a raw `%` in the data: {line:?}"));
        }
    }
    Ok(WorkflowCommand {
        name: name.to_owned(),
        properties,
        data: unescape_data(data),
    })
}

/// Parses what a step appended to the `GITHUB_OUTPUT` file: `name=value` lines, and
/// `name<<DELIMITER` followed by the value's lines and the delimiter alone on a line.
pub fn parse_outputs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut found = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let heredoc = line.find("<<");
        let equals = line.find('=');
        match (equals, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                found.insert(line[..e].to_owned(), line[e + 1..].to_owned());
            }
            (_, Some(h)) => {
                let (name, delimiter) = (&line[..h], &line[h + 2..]);
                if delimiter.is_empty() {
                    return Err(format!("empty delimiter: {line:?}"));
                }
                let mut value = Vec::new();
                loop {
                    match lines.next() {
                        Some(l) if l == delimiter => break,
                        Some(l) => value.push(l),
                        None => return Err(format!("{name}: delimiter {delimiter} never comes")),
                    }
                }
                found.insert(name.to_owned(), value.join("\n"));
            }
            _ => return Err(format!("not an output: {line:?}")),
        }
    }
    Ok(found)
}

/// A run with GitHub's files: (status, commands on stdout, outputs, summary, stderr).
struct Ran {
    code: i32,
    commands: Vec<WorkflowCommand>,
    outputs: BTreeMap<String, String>,
    summary: String,
    err: String,
}

fn github(dir: &Path, args: &[&str]) -> Ran {
    let summary = dir.join("summary.md");
    let outputs = dir.join("outputs.txt");
    let _ = std::fs::remove_file(&summary);
    let _ = std::fs::remove_file(&outputs);
    let mut cmd: Command = dis();
    cmd.current_dir(dir)
        .args(args)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs);
    let (code, out, err) = run(&mut cmd);
    let commands = out
        .lines()
        .map(|l| parse_command(l).unwrap_or_else(|e| panic!("{e}\nall of stdout:\n{out}")))
        .collect();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    Ran {
        code,
        commands,
        outputs: parse_outputs(&read(&outputs)).expect("outputs"),
        summary: read(&summary),
        err,
    }
}

fn readme_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readme");
    for entry in std::fs::read_dir(from).expect("fixtures") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

fn of_kind<'a>(ran: &'a Ran, name: &str) -> Vec<&'a WorkflowCommand> {
    ran.commands.iter().filter(|c| c.name == name).collect()
}

#[test]
fn a_review_annotates_its_gates_and_publishes_summary_and_outputs() {
    let dir = readme_files();
    let ran = github(
        dir.path(),
        &[
            "--tariff",
            "new.toml",
            "batch",
            "jobs.csv",
            "--baseline",
            "base.csv",
            "--baseline-tariff",
            "old.toml",
            "--format",
            "github",
            "--fail-above",
            "10",
            "--warn-increase",
            "0.01",
            "--base-label",
            "main",
            "--head-label",
            "topic",
        ],
    );
    assert_eq!(ran.code, 1, "{}", ran.err);
    let errors = of_kind(&ran, "error");
    assert_eq!(errors.len(), 1, "{:?}", ran.commands);
    assert_eq!(errors[0].properties["title"], "cost rise");
    // The `%` of the percentages came through escaped and reads back as itself.
    assert!(
        errors[0].data.ends_with("+45.86%, above --fail-above 10%"),
        "{:?}",
        errors[0]
    );
    assert_eq!(of_kind(&ran, "warning").len(), 1);
    let notices = of_kind(&ran, "notice");
    assert_eq!(notices.len(), 1);
    assert_eq!(
        notices[0].data,
        "cost change +0.0532 USD (+45.86%): 0.1161 -> 0.1693 USD, topic against main; verdict fail"
    );
    let o = &ran.outputs;
    assert_eq!(
        (
            o["total"].as_str(),
            o["change"].as_str(),
            o["percent"].as_str()
        ),
        ("0.1693", "+0.0532", "+45.86")
    );
    assert_eq!(o["verdict"], "fail");
    assert_eq!(o["change_exact"], "+0.053229825");
    // The exact figures add up: prices + workload = change.
    let d = |k: &str| o[k].parse::<rust_decimal::Decimal>().expect(k);
    assert_eq!(d("prices_exact") + d("workload_exact"), d("change_exact"));
    assert!(
        ran.summary
            .starts_with("**Cost up by 0.0532 USD (+45.86%)**"),
        "{}",
        ran.summary
    );
    assert!(
        ran.summary.contains("\nVerdict: **fail**\n"),
        "{}",
        ran.summary
    );
    // The job summary carries the review's chart, which GitHub draws.
    assert!(
        ran.summary.contains("\n```mermaid\nxychart-beta\n"),
        "{}",
        ran.summary
    );
    // The lines on standard error are still there for the log.
    assert!(ran.err.starts_with("cost rise: "), "{}", ran.err);
}

#[test]
fn bad_rows_are_placed_and_ten_of_a_kind_are_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = String::from("steps,size\n");
    for _ in 0..14 {
        rows.push_str("1.5,512\n");
    }
    rows.push_str("20,512\n");
    // A name the properties must escape.
    std::fs::write(dir.path().join("a,b:c%.csv"), &rows).expect("write");
    let ran = github(
        dir.path(),
        &[
            "batch",
            "a,b:c%.csv",
            "--skip-invalid",
            "--format",
            "github",
        ],
    );
    assert_eq!(ran.code, 2);
    let warnings = of_kind(&ran, "warning");
    assert_eq!(warnings.len(), 10);
    for (k, w) in warnings.iter().enumerate() {
        assert_eq!(w.properties["file"], "a,b:c%.csv");
        assert_eq!(w.properties["line"], (k + 2).to_string());
        assert_eq!(w.properties["title"], "skipped row");
    }
    let notices: Vec<&str> = of_kind(&ran, "notice")
        .iter()
        .map(|n| n.data.as_str())
        .collect();
    assert_eq!(
        notices,
        [
            "total 0.0060 USD: 1 job(s), 1 image(s)",
            "4 more warnings than GitHub shows for a step; every one is in the step's log"
        ]
    );
    assert_eq!(ran.outputs["verdict"], "fail");
    assert!(ran.summary.contains("| **total** |"), "{}", ran.summary);
    // A row that stops the run is an error at its line.
    let ran = github(dir.path(), &["batch", "a,b:c%.csv", "--format", "github"]);
    assert_eq!(ran.code, 2);
    let errors = of_kind(&ran, "error");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (
            errors[0].properties["file"].as_str(),
            errors[0].properties["line"].as_str()
        ),
        ("a,b:c%.csv", "2")
    );
    assert_eq!(ran.outputs["verdict"], "fail");
    assert_eq!(ran.summary, "");
}

#[test]
fn a_batch_without_baseline_tells_its_total_and_budget() {
    let dir = readme_files();
    let ran = github(
        dir.path(),
        &[
            "batch",
            "jobs.csv",
            "--format",
            "github",
            "--budget",
            "0.16",
            "--warn-at",
            "90",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.err);
    let warnings = of_kind(&ran, "warning");
    assert_eq!(warnings.len(), 1);
    // About the whole workload: placed in its file, at no line.
    assert_eq!(warnings[0].properties["file"], "jobs.csv");
    assert_eq!(warnings[0].properties.get("line"), None);
    assert_eq!(
        of_kind(&ran, "notice")[0].data,
        "total 0.1539 USD: 3 job(s), 7 image(s)"
    );
    assert_eq!(ran.outputs["total"], "0.1539");
    assert_eq!(ran.outputs["verdict"], "warn");
    // Counts are grouped as people read them; the outputs for scripts keep plain digits.
    std::fs::write(
        dir.path().join("many.csv"),
        "steps,size,count\n20,512x512,12345\n",
    )
    .unwrap();
    let ran = github(dir.path(), &["batch", "many.csv", "--format", "github"]);
    assert_eq!(
        of_kind(&ran, "notice")[0].data,
        "total 74.4404 USD: 1 job(s), 12,345 image(s)"
    );
    assert_eq!(ran.outputs["total"], "74.4404");
}

#[test]
fn validate_places_errors_and_warnings_at_their_line_and_column() {
    let dir = readme_files();
    let ran = github(
        dir.path(),
        &["validate", "broken.toml", "--format", "github"],
    );
    assert_eq!(ran.code, 2);
    let errors = of_kind(&ran, "error");
    assert_eq!(errors.len(), 2);
    assert_eq!(
        [&errors[0].properties["line"], &errors[0].properties["col"]],
        ["24", "12"]
    );
    assert_eq!(errors[0].properties["file"], "broken.toml");
    assert_eq!(ran.outputs["verdict"], "fail");
    // Stale prices: an error at the as_of line, exit 1.
    let ran = github(
        dir.path(),
        &[
            "validate",
            "old.toml",
            "--format",
            "github",
            "--max-age",
            "0",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.err);
    let mut cmd = dis();
    cmd.env("DIS_PRICE_TODAY", "2026-12-31");
    let text = std::fs::read_to_string(dir.path().join("old.toml")).expect("old.toml");
    let as_of_line = text
        .lines()
        .position(|l| l.starts_with("as_of"))
        .expect("as_of")
        + 1;
    let out = cmd
        .current_dir(dir.path())
        .args([
            "validate",
            "old.toml",
            "--format",
            "github",
            "--max-age",
            "30",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let first = parse_command(stdout.lines().next().expect("a line")).expect("a command");
    assert_eq!(first.name, "error");
    assert_eq!(first.properties["title"], "stale tariff");
    assert_eq!(first.properties["line"], as_of_line.to_string());
    assert!(
        first.data.contains("36 days before today (2026-12-31)"),
        "{}",
        first.data
    );
}

#[test]
fn check_annotates_each_cell_off() {
    let dir = readme_files();
    let ran = github(dir.path(), &["check", "--format", "github"]);
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(of_kind(&ran, "error").is_empty());
    assert_eq!(ran.outputs["verdict"], "pass");
    assert!(!ran.summary.is_empty());
    let off = crate::support::edited("rate = \"0.001206\"", "rate = \"0.0013\"");
    std::fs::write(dir.path().join("off.toml"), off).expect("write");
    let ran = github(
        dir.path(),
        &["--tariff", "off.toml", "check", "--format", "github"],
    );
    assert_eq!(ran.code, 1);
    let errors = of_kind(&ran, "error");
    assert!(
        !errors.is_empty() && errors.len() <= 10,
        "{:?}",
        ran.commands
    );
    for e in &errors {
        assert_eq!(e.properties["file"], "off.toml");
        assert_eq!(e.properties["title"], "published price off");
        assert!(e.properties["line"].parse::<u32>().is_ok());
    }
    assert_eq!(ran.outputs["verdict"], "fail");
}

#[test]
fn the_parser_refuses_what_the_runner_would_misread() {
    assert!(parse_command("::error file=a:b::x").is_err());
    assert!(parse_command("::error::50% more").is_err());
    assert!(parse_command("error::x").is_err());
    let c = parse_command("::warning file=a%2Cb%3Ac,line=3::x%0Ay%25").unwrap();
    assert_eq!(c.properties["file"], "a,b:c");
    assert_eq!(c.data, "x\ny%");
    assert_eq!(
        parse_outputs("a=1\nb<<EOF\nx\ny\nEOF\n").unwrap(),
        BTreeMap::from([("a".into(), "1".into()), ("b".into(), "x\ny".into())])
    );
    assert!(parse_outputs("b<<EOF\nx\n").is_err());
}
