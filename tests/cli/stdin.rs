//! Standard input: a tariff read from it, and read for one thing only.

use crate::support::{BUILTIN, dis, refused, run, temp_file};

#[test]
fn a_tariff_is_read_from_standard_input() {
    let cheap = BUILTIN.replacen("rate = \"0.001206\"", "rate = \"0.0006\"", 1);
    let (code, out, err) = run(dis()
        .args([
            "--tariff", "-", "--steps", "20", "--size", "512", "--format", "plain",
        ])
        .write_stdin(cheap.clone()));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0030\n", ""));
    let (code, out, err) = run(dis().args(["validate", "-"]).write_stdin(BUILTIN));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "standard input: valid, 4 models, 0 warnings\n", "")
    );
    let (code, out, err) = run(dis()
        .args(["--tariff", "-", "--steps", "20", "--format", "json"])
        .write_stdin(BUILTIN));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("\"origin\": \"-\""), "{out}");
    // The environment variable may name it too.
    let (code, out, _) = run(dis()
        .env("DIS_PRICE_TARIFF", "-")
        .args(["--steps", "20", "--size", "512", "--format", "plain"])
        .write_stdin(cheap.clone()));
    assert_eq!((code, out.as_str()), (0, "0.0030\n"));
    // One side of a diff.
    let (_dir, path) = temp_file("new.toml", cheap.as_bytes());
    let (code, out, err) = run(dis()
        .args(["diff", "-"])
        .arg(&path)
        .args(["--format", "json"])
        .write_stdin(BUILTIN));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("\"0.0006\""), "{out}");
}

#[test]
fn a_tariff_from_standard_input_gets_the_same_checks() {
    let broken = BUILTIN.replacen("rate = \"0.001206\"", "rate = \"-1\"", 1);
    let err = refused(dis().args(["validate", "-"]).write_stdin(broken.clone()));
    assert!(
        err.starts_with("error: invalid tariff standard input: 1 problem\nstandard input:"),
        "{err}"
    );
    let err = refused(dis().args(["--tariff", "-", "models"]).write_stdin(broken));
    assert!(
        err.starts_with("error: invalid tariff standard input: 1 problem\n"),
        "{err}"
    );
    let big = "#".repeat(1024 * 1024 + 1);
    assert_eq!(
        refused(dis().args(["validate", "-"]).write_stdin(big)),
        "error: cannot read tariff standard input: it is larger than 1048576 bytes, the most a tariff may be\n"
    );
    assert!(
        refused(
            dis()
                .args(["validate", "-"])
                .write_stdin(b"a = \xff".to_vec())
        )
        .starts_with("error: cannot read tariff standard input: it is not UTF-8 text")
    );
}

#[test]
fn standard_input_is_read_for_one_thing_only() {
    assert_eq!(
        refused(
            dis()
                .args(["--tariff", "-", "batch", "-"])
                .write_stdin(BUILTIN)
        ),
        "error: standard input can be read only once, and both --tariff - and batch - (FILE) ask for it; give one of them as a file\n"
    );
    assert_eq!(
        refused(
            dis()
                .env("DIS_PRICE_TARIFF", "-")
                .args(["batch", "-"])
                .write_stdin(BUILTIN)
        ),
        "error: standard input can be read only once, and both DIS_PRICE_TARIFF=- and batch - (FILE) ask for it; give one of them as a file\n"
    );
    assert_eq!(
        refused(dis().args(["diff", "-", "-"]).write_stdin(BUILTIN)),
        "error: standard input can be read only once, and both diff - (OLD) and - (NEW) ask for it; give one of them as a file\n"
    );
    assert_eq!(
        refused(dis().args(["diff", "-", "/dev/stdin"]).write_stdin(BUILTIN)),
        "error: standard input can be read only once, and both diff - (OLD) and /dev/stdin (NEW) ask for it; give one of them as a file\n"
    );
    // One tariff on two days is read once, from standard input too.
    let (code, out, err) = run(dis()
        .args(["diff", "-", "--to", "2026-12-31", "--format", "csv"])
        .write_stdin(BUILTIN));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("kind,model,"), "{out}");
    assert_eq!(
        refused(
            dis()
                .args(["--tariff", "-", "fit", "--write"])
                .write_stdin(BUILTIN)
        ),
        "error: fit --write rewrites a tariff file; this one was read from standard input; name one with --tariff PATH\n"
    );
}

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Arguments, environment and the pair of readers named.
type Collision<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn standard_input_is_read_for_one_thing_only_in_every_command() {
    let jobs = readme("jobs.csv");
    let old = readme("old.toml");
    let cases: [Collision<'_>; 7] = [
        (
            &["batch", "-", "--baseline-tariff", "-"],
            &[],
            "--baseline-tariff - and batch - (FILE)",
        ),
        (
            &["--tariff", "-", "batch", &jobs, "--baseline", "-"],
            &[],
            "--tariff - and --baseline -",
        ),
        (
            &["--tariff", "-", "batch", &jobs, "--baseline-tariff", "-"],
            &[],
            "--tariff - and --baseline-tariff -",
        ),
        (
            &["batch", &jobs, "--baseline", "-", "--baseline-tariff", "-"],
            &[],
            "--baseline-tariff - and --baseline -",
        ),
        (
            &["batch", "-", "--baseline", "-"],
            &[],
            "batch - (FILE) and --baseline -",
        ),
        (
            &["batch", &jobs, "--baseline", "-"],
            &[("DIS_PRICE_TARIFF", "-")],
            "DIS_PRICE_TARIFF=- and --baseline -",
        ),
        (
            &["batch", &jobs, "--baseline-tariff", "-"],
            &[("DIS_PRICE_TARIFF", "-")],
            "DIS_PRICE_TARIFF=- and --baseline-tariff -",
        ),
    ];
    for (args, env, pair) in cases {
        let mut cmd = dis();
        cmd.args(args).write_stdin(BUILTIN);
        for (k, v) in env {
            cmd.env(k, v);
        }
        assert_eq!(
            refused(&mut cmd),
            format!(
                "error: standard input can be read only once, and both {pair} ask for it; give one of them as a file\n"
            ),
            "{args:?}"
        );
    }
    // One reader of standard input is fine, whichever it is.
    let (code, _, err) = run(dis()
        .args(["batch", &jobs, "--baseline-tariff", "-"])
        .write_stdin(std::fs::read(&old).expect("fixture")));
    assert_eq!(code, 0, "{err}");
}

/// `cat jobs.csv | dis-price batch`: with no FILE, a pipe is read as standard input, as `-`.
#[test]
fn batch_without_a_file_reads_a_pipe() {
    let jobs = "steps,size,n\n20,512x512,2\n";
    let (code, out, err) = crate::support::run(
        crate::support::dis()
            .args(["batch", "--format", "plain"])
            .write_stdin(jobs),
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0121\n", ""));
    let (_, with_dash, _) = crate::support::run(
        crate::support::dis()
            .args(["batch", "-", "--format", "csv"])
            .write_stdin(jobs),
    );
    let (_, without, _) = crate::support::run(
        crate::support::dis()
            .args(["batch", "--format", "csv"])
            .write_stdin(jobs),
    );
    assert_eq!(without, with_dash);
    // Standard input is still read for one thing only.
    let (code, _, err) = crate::support::run(
        crate::support::dis()
            .args(["batch", "--baseline", "-"])
            .write_stdin(jobs),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("standard input can be read only once"),
        "{err}"
    );
}

/// On a terminal nobody types a job file: no FILE is the usage error, with how to give one.
#[test]
fn batch_without_a_file_on_a_terminal_is_a_usage_error() {
    if !crate::support::require_tool("script", "batch_without_a_file_on_a_terminal") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_dis-price");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} batch; echo status=$?"), "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(
        text.starts_with(
            "error: the following required arguments were not provided:\n  <FILE>\n\n  tip: give a job file, or pipe one in: cat jobs.csv | dis-price batch\n\nUsage: dis-price batch [OPTIONS] [FILE]\n"
        ) && text.ends_with("status=2\n"),
        "{text}"
    );
}
