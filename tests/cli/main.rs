//! Runs the real `dis-price` binary: every command, format, error and exit status.

mod alike;
mod batch;
mod batch_schema;
mod budget;
mod check;
mod compare;
mod dated;
mod diff;
mod diff_days;
mod diff_gate;
mod diff_minimum;
mod diff_names;
mod escape;
mod exponents;
mod fit;
mod friction;
mod fuzz_cases;
mod gates;
mod grid_big;
mod header;
mod hostile;
mod job;
mod jsonl;
mod laws;
mod limits;
mod messages;
mod metereddate;
mod meterextra;
mod meters;
mod misc;
mod mixed;
mod mixedflat;
mod once;
mod read_once;
mod readme;
mod review;
mod review3;
mod review4;
mod review5;
mod review6;
mod schema;
mod shell;
mod speed;
mod speed2;
mod support;
mod table;
mod tariff;
mod tools;
mod writes;

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
