//! Findings of a hostile review of the batch, dated-tariff, comparison and tooling features,
//! each checked through the real binary.

use assert_cmd::Command;

use crate::{BUILTIN, dis, run};

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Refused with exit 2, nothing on stdout: the whole of stderr.
fn refused(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!((code, out.as_str()), (2, ""), "stderr: {err}");
    err
}

#[test]
fn standard_input_is_read_for_one_thing_only() {
    let jobs = readme("jobs.csv");
    let old = readme("old.toml");
    let cases: [(&[&str], &[(&str, &str)], &str); 7] = [
        (&["batch", "-", "--baseline-tariff", "-"], &[], "--baseline-tariff - and batch - (FILE)"),
        (&["--tariff", "-", "batch", &jobs, "--baseline", "-"], &[], "--tariff - and --baseline -"),
        (&["--tariff", "-", "batch", &jobs, "--baseline-tariff", "-"], &[], "--tariff - and --baseline-tariff -"),
        (&["batch", &jobs, "--baseline", "-", "--baseline-tariff", "-"], &[], "--baseline-tariff - and --baseline -"),
        (&["batch", "-", "--baseline", "-"], &[], "batch - (FILE) and --baseline -"),
        (&["batch", &jobs, "--baseline", "-"], &[("DIS_PRICE_TARIFF", "-")], "DIS_PRICE_TARIFF=- and --baseline -"),
        (&["batch", &jobs, "--baseline-tariff", "-"], &[("DIS_PRICE_TARIFF", "-")], "DIS_PRICE_TARIFF=- and --baseline-tariff -"),
    ];
    for (args, env, pair) in cases {
        let mut cmd = dis();
        cmd.args(args).write_stdin(BUILTIN);
        for (k, v) in env {
            cmd.env(k, v);
        }
        assert_eq!(
            refused(&mut cmd),
            format!("error: standard input can be read only once, and both {pair} ask for it; give one of them as a file\n"),
            "{args:?}"
        );
    }
    // One reader of standard input is fine, whichever it is.
    let (code, _, err) = run(dis()
        .args(["batch", &jobs, "--baseline-tariff", "-"])
        .write_stdin(std::fs::read(&old).expect("fixture")));
    assert_eq!(code, 0, "{err}");
}
