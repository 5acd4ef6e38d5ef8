//! Helpers shared by the test modules.

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;

/// The shipped tariff's text.
pub const BUILTIN: &str = include_str!("../../tariffs/distribute.toml");

/// The day every test runs on: no test depends on the clock.
pub const TODAY: &str = "2026-11-25";

/// `dis-price` with a clean environment: no tariff override, no NO_COLOR, and today fixed to
/// [`TODAY`].
pub fn dis() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dis-price"));
    cmd.env_remove("DIS_PRICE_TARIFF")
        .env_remove("NO_COLOR")
        .env("DIS_PRICE_TODAY", TODAY);
    cmd
}

/// Standard output of a successful run, as text.
pub fn stdout_of(args: &[&str]) -> String {
    let out = dis().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs and returns (status, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a bad-input failure: status 2, nothing on stdout, `error:` first on stderr, naming
/// every `needle`.
pub fn assert_bad_input(cmd: &mut Command, needles: &[&str]) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 2, "stderr: {err}");
    assert!(out.is_empty(), "stdout should be empty, got: {out}");
    assert!(err.starts_with("error:"), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    err
}

/// A temporary directory holding `name` with `text`, kept alive by the returned guard.
pub fn temp_file(name: &str, text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

/// The shipped tariff with `from` replaced by `to` (which must occur).
pub fn edited(from: &str, to: &str) -> String {
    assert!(
        BUILTIN.contains(from),
        "{from:?} is not in the shipped tariff"
    );
    BUILTIN.replacen(from, to, 1)
}

/// `PATH` with the folder of the `dis-price` under test first, so a shell runs that binary.
pub fn path_with_binary() -> std::ffi::OsString {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dis-price"));
    std::env::join_paths(
        std::iter::once(bin.parent().expect("bin dir").to_path_buf()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )
    .expect("PATH")
}

/// Types `keys` into an interactive shell on a terminal (`script` gives it one), started by the
/// command line `shell` (`bash --norc --noprofile -i`) in `dir`, which is also its home unless
/// `env` sets HOME, with TERM=dumb, PATH from [`path_with_binary`], `env`, and nothing else of
/// the test's environment. `keys` define a stand-in `dis-price` that prints `ran:` and its words
/// as `<word><word>`; each line it ran with comes back as `<word><word>`, so what TAB put on the
/// line is what comes back.
pub fn typed_on_a_terminal(
    shell: &str,
    dir: &std::path::Path,
    keys: &str,
    env: &[(&str, &std::path::Path)],
) -> Vec<String> {
    use std::process::Stdio;
    // `timeout` ends a shell still waiting for input, such as a quote TAB failed to close.
    let mut cmd = std::process::Command::new("timeout");
    cmd.args(["120", "script", "-qec", shell, "/dev/null"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path_with_binary())
        .env("HOME", dir)
        .env("TERM", "dumb")
        .env("INPUTRC", "/dev/null")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("script runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(keys.as_bytes())
        .expect("type");
    let out = child.wait_with_output().expect("script ends");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.trim_end_matches('\r').strip_prefix("ran:"))
        .map(str::to_owned)
        .collect()
}

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

/// Asserts a refusal (status 2, nothing on stdout) and returns its stderr.
pub fn refused(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!((code, out.as_str()), (2, ""), "stderr: {err}");
    err
}

/// Standard output read as JSON, or a panic naming the text.
pub fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A file of `tests/readme/`, the examples' fixtures.
pub fn readme_fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/readme")
            .join(name),
    )
    .expect("fixture")
}

/// A directory holding the named files, and `dis-price batch` run in it (so file names in
/// output are short and stable).
pub fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, impl Fn() -> Command + use<>) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let path = dir.path().to_owned();
    (dir, move || {
        let mut cmd = dis();
        cmd.current_dir(&path).arg("batch");
        cmd
    })
}
