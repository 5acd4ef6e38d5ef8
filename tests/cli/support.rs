//! Helpers shared by the test modules.

use std::io::Write;

/// Whether `program` (a name on PATH, or an absolute path) can be run, for `test`, which needs
/// it. When it cannot: under CI (`CI` set and not empty) the test fails, since `.ci/run`
/// installs every tool the tests use; elsewhere the test is skipped, saying so on the real
/// standard error, so the skip shows without `--nocapture`.
pub fn require_tool(program: &str, test: &str) -> bool {
    let found = if program.starts_with('/') {
        std::path::Path::new(program).is_file()
    } else {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if found {
        return true;
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !ci,
        "{test} needs {program}, which is not installed: .ci/run installs it, and under CI a missing tool fails the test rather than skip it"
    );
    // Straight to the process's standard error: the test harness captures only print macros.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {test}: {program} is not installed (.ci/run installs it)"
    );
    false
}

#[test]
fn a_tool_that_exists_is_found_and_one_that_does_not_is_not() {
    assert!(require_tool("sh", "this test"));
    assert!(require_tool("/bin/sh", "this test"));
    // Without CI, a missing tool skips; with CI set, the same call fails the test.
    if std::env::var_os("CI").is_none_or(|v| v.is_empty()) {
        assert!(!require_tool("/no/such/tool", "this test"));
        assert!(!require_tool("no-such-tool-dis-price", "this test"));
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "support::a_missing_tool_fails_under_ci",
            "--include-ignored",
        ])
        .env("CI", "true")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(!status.status.success(), "{out}");
    assert!(out.contains("1 failed"), "{out}");
}

/// Run only by the test above, with CI set: a missing tool must fail.
#[test]
#[ignore = "run by a_tool_that_exists_is_found_and_one_that_does_not_is_not with CI set"]
fn a_missing_tool_fails_under_ci() {
    require_tool("no-such-tool-dis-price", "this test");
}
