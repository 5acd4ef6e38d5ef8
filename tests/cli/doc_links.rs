//! Every relative link between the documents leads to a file that exists, and every `#anchor`
//! to a heading of its document, named as GitHub names it. A section that moves or is renamed
//! breaks a link somewhere; this says where.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::readme::documents;

/// The lines of a markdown text outside fenced blocks, each with its 1-based number.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut inside = false;
    let mut lines = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            inside = !inside;
            continue;
        }
        if !inside {
            lines.push((k + 1, line));
        }
    }
    lines
}

/// The anchor GitHub gives a heading's text: lower case, everything but letters, digits, `-`,
/// `_` and spaces dropped, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a document's headings; a repeated one gets `-1`, `-2`, ... as on GitHub.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    for (_, line) in prose(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let n = seen.entry(base.clone()).or_insert(0);
        found.push(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    found
}

/// The targets of the inline links `[text](target)` of a document's prose, with their lines.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in prose(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((number, after[..end].to_owned()));
            rest = &after[end..];
        }
    }
    found
}

/// `base` joined with a relative `path`, with `..` resolved.
fn resolve(base: &Path, path: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for part in Path::new(path).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the relative links of every document.
fn broken_links() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for (name, path) in documents() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = path.parent().expect("a document's folder");
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let target_path = if file.is_empty() {
                path.clone()
            } else {
                resolve(dir, file)
            };
            if !target_path.starts_with(root) || !target_path.exists() {
                problems.push(format!("{name}:{line}: {target}: no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            let target_text = std::fs::read_to_string(&target_path).unwrap_or_default();
            if !anchors(&target_text).iter().any(|a| a == anchor) {
                problems.push(format!(
                    "{name}:{line}: {target}: no heading has the anchor #{anchor}"
                ));
            }
        }
    }
    problems
}

#[test]
fn every_relative_link_and_anchor_leads_somewhere() {
    let problems = broken_links();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn anchors_are_named_as_github_names_them() {
    assert_eq!(
        anchors(
            "# T\n## `dis-price batch FILE`: price a whole workload\n```sh\n# not a heading\n```\n\
             ### Budget gates: `--budget AMOUNT` and `--warn-at PERCENT`\n## Install\n## Install\n"
        ),
        [
            "t",
            "dis-price-batch-file-price-a-whole-workload",
            "budget-gates---budget-amount-and---warn-at-percent",
            "install",
            "install-1",
        ]
    );
}

#[test]
fn links_are_found_in_prose_only() {
    let text = "See [a](a.md#x) and [b](../b.md).\n```sh\n[c](c.md)\n```\n[d](#install)\n";
    assert_eq!(
        links(text),
        [
            (1, "a.md#x".to_owned()),
            (1, "../b.md".to_owned()),
            (5, "#install".to_owned())
        ]
    );
}
