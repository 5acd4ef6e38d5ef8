//! Writing: nothing half-written, every write error is an error, errors after the output,
//! and `fit --write` replacing the tariff whole or not at all.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{BUILTIN, temp_file};

const BIN: &str = env!("CARGO_BIN_EXE_dis-price");

/// The command with a clean environment, as `crate::support::dis` but a plain `std` command (for
/// streams and users `assert_cmd` does not set).
fn bare(args: &[&str]) -> Command {
    bare_at(Path::new(BIN), args)
}

/// [`bare`], running the binary at `bin`.
fn bare_at(bin: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env_remove("DIS_PRICE_TARIFF")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    cmd
}

fn full() -> Stdio {
    Stdio::from(File::create("/dev/full").expect("/dev/full"))
}

/// (status, stdout, stderr) of `cmd`, its streams set as given beforehand.
fn outcome(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `sh -c script` with `$BIN` set to the binary.
fn sh(script: &str) -> (i32, String, String) {
    outcome(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("BIN", BIN)
            .env_remove("DIS_PRICE_TARIFF")
            .env_remove("NO_COLOR"),
    )
}

fn job_file(rows: &str) -> (tempfile::TempDir, PathBuf) {
    temp_file("jobs.csv", format!("steps,size\n{rows}").as_bytes())
}

#[test]
fn a_full_standard_output_is_exit_2_for_every_command() {
    let (_d, jobs) = job_file("20,512\n30,768\n");
    let jobs = jobs.to_str().unwrap();
    let (_t, tariff) = temp_file("t.toml", BUILTIN.as_bytes());
    let tariff = tariff.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &[],
        &["--steps", "20", "--format", "json"],
        &["--help"],
        &["-h"],
        &["--version"],
        &["table", "--help"],
        &["table"],
        &["table", "--format", "csv"],
        &["check"],
        &["batch", jobs],
        &["batch", jobs, "--format", "csv"],
        &["batch", jobs, "--format", "json"],
        &["batch", jobs, "--summary"],
        &["batch", jobs, "--summary", "--format", "json"],
        &["models"],
        &["models", "--format", "json"],
        &["tariff"],
        &["tariff", "--schema"],
        &["validate"],
        &["afford", "--budget", "1"],
        &["fit"],
        &["fit", "--format", "json"],
        &["diff", tariff, tariff],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["man"],
    ];
    for args in cases {
        let (code, _, err) = outcome(bare(args).stdout(full()));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(
            err, "error: cannot write output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_failed_check_with_a_full_standard_output_is_still_a_failure() {
    // Over budget: 1 normally; with the output lost, 2, never 0.
    let (code, _, err) = outcome(bare(&["--steps", "20", "--budget", "0.001"]).stdout(full()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("over budget:"), "{err}");
    assert!(err.ends_with("error: cannot write output: No space left on device (os error 28)\n"));
}

#[test]
fn a_full_standard_error_never_hides_a_failed_gate_nor_turns_into_0() {
    let price = "0.0136 USD";
    let run = |args: &[&str]| outcome(bare(args).stdout(Stdio::piped()).stderr(full()));
    // Over budget: the verdict stands, whether or not its message could be written.
    let (code, out, _) = run(&["--steps", "20", "--budget", "0.01", "--format", "plain"]);
    assert_eq!((code, out.trim()), (1, price.split(' ').next().unwrap()));
    // Within budget, but the --warn-at warning is lost: not a success.
    let (code, out, _) = run(&[
        "--steps",
        "20",
        "--budget",
        "0.02",
        "--warn-at",
        "50",
        "--format",
        "plain",
    ]);
    assert_eq!((code, out.as_str()), (2, "0.0136\n"));
    // Nothing to say on standard error: nothing lost.
    let (code, out, _) = run(&["--steps", "20", "--budget", "1", "--format", "plain"]);
    assert_eq!((code, out.as_str()), (0, "0.0136\n"));
    // A batch's over-budget verdict, and its bad row.
    let (_d, jobs) = job_file("20,512\n");
    let jobs = jobs.to_str().unwrap();
    let (code, _, _) = run(&["batch", jobs, "--budget", "0.001"]);
    assert_eq!(code, 1);
    let (_b, bad) = job_file("20,512\n20,51x\n");
    let (code, _, _) = run(&["batch", bad.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 2);
    // A usage error, written nowhere, and one with standard error closed.
    let (code, out, _) = run(&["--bogus"]);
    assert_eq!((code, out.as_str()), (2, ""));
    let (code, out, _) = sh(r#""$BIN" --bogus 2>&-"#);
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn help_and_version_go_out_whole_and_unchanged() {
    let (code, out, err) = outcome(&mut bare(&["--version"]));
    assert_eq!(
        (code, out, err),
        (
            0,
            format!("dis-price {}\n", env!("CARGO_PKG_VERSION")),
            String::new()
        )
    );
    let (code, out, err) = outcome(&mut bare(&["--help"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with("Know what a Distribute.ai job will cost"),
        "{out}"
    );
    assert!(out.ends_with("2 bad usage or bad\ninput.\n"), "{out}");
    let (code, out, err) = outcome(&mut bare(&["--steps", "20", "table"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: --steps before `table` prices one job")
            && err.ends_with("For more information, try '--help'.\n"),
        "{err}"
    );
}

#[test]
fn a_summary_writes_nothing_unless_the_whole_input_was_good() {
    let max = u32::MAX;
    let long = "5".repeat(2 * 1024 * 1024);
    let inputs = [
        (
            "a bad row",
            "steps,size\n20,512\n20,51x\n".to_owned(),
            &[][..],
            "line 3: size \"51x\"",
        ),
        (
            "a row over the limits",
            "steps,size\n20,512\n90,512\n".to_owned(),
            &[],
            "steps 90",
        ),
        (
            "a too-long line",
            format!("steps,size\n20,512\n20,{long}\n"),
            &[],
            "line 3 is longer than",
        ),
        (
            "a total too large",
            format!("steps,size,count\n{max},{max}x{max},{max}\n{max},{max}x{max},{max}\n"),
            &["--allow-out-of-range"],
            "too large to compute exactly",
        ),
    ];
    for (what, text, extra, needle) in inputs {
        let (_d, file) = temp_file("jobs.csv", text.as_bytes());
        for format in ["table", "markdown", "csv", "json"] {
            let mut args = vec![
                "batch",
                file.to_str().unwrap(),
                "--summary",
                "--format",
                format,
            ];
            args.extend_from_slice(extra);
            let (code, out, err) = outcome(&mut bare(&args));
            assert_eq!(code, 2, "{what}, {format}: {err}");
            assert_eq!(out, "", "{what}, {format}: stdout must stay empty");
            let last = err.lines().last().unwrap_or_default();
            assert!(
                last.starts_with("error: ") && last.contains(needle),
                "{what}, {format}: {err}"
            );
        }
    }
    // The same input without the bad row: the summary, whole.
    let (_d, good) = job_file("20,512\n");
    let (code, out, _) = outcome(&mut bare(&[
        "batch",
        good.to_str().unwrap(),
        "--summary",
        "--format",
        "csv",
    ]));
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "line,model,steps,size,count,units,price\nsubtotal,flux-dev,,,1,5,0.0060\ntotal,,,,1,,0.0060\n"
        )
    );
}

#[test]
fn a_merged_log_has_the_error_after_the_rows_and_warnings_in_place() {
    let (_d, bad) = job_file("20,512\n30,512\n20,51x\n");
    let (code, out, err) = sh(&format!(
        r#""$BIN" batch {} --format csv 2>&1"#,
        bad.display()
    ));
    assert_eq!((code, err.as_str()), (2, ""));
    assert_eq!(
        out,
        "line,model,steps,size,count,units,price\n\
         2,flux-dev,20,512x512,1,5,0.0060\n\
         3,flux-dev,30,512x512,1,7.5,0.0090\n\
         error: line 4: size \"51x\": size \"51x\" is not WIDTHxHEIGHT: a side is missing (try 512x512, or 512 for a square)\n"
    );
    // A CI step that keeps the rows still fails on the bad row.
    let (code, out, _) = sh(&format!(
        r#"cd "$(dirname {0})" && "$BIN" batch {0} --format csv > priced.csv || exit $?; echo unreachable"#,
        bad.display()
    ));
    assert_eq!((code, out.as_str()), (2, ""));
    // Skipped rows and warnings sit among the rows they came after; the report and the
    // verdict come last.
    let (_s, skips) = job_file("20,512\n20,51x\n20,1024x2048\n30,512\n");
    let (code, out, _) = sh(&format!(
        r#""$BIN" batch {} --format csv --skip-invalid --allow-out-of-range --budget 0.001 2>&1"#,
        skips.display()
    ));
    assert_eq!(code, 2);
    let lines: Vec<&str> = out.lines().collect();
    let starts = [
        "line,model",
        "2,flux-dev,20,512x512",
        "warning: skipped line 3",
        "warning: line 4: height 2048",
        "4,flux-dev,20,1024x2048",
        "5,flux-dev,30,512x512",
        "subtotal,",
        "total,",
        "error: 1 invalid row(s) skipped",
        "over budget: ",
    ];
    assert_eq!(lines.len(), starts.len(), "{out}");
    for (line, start) in lines.iter().zip(starts) {
        assert!(
            line.starts_with(start),
            "{line:?} should start with {start:?}\n{out}"
        );
    }
}

/// Runs a batch of `rows` good rows with stdout read one line and then closed.
fn batch_read_one_line(rows: usize, extra: &[&str]) -> (i32, String, String) {
    let (dir, jobs) = job_file(&"20,512\n".repeat(rows));
    let mut child = bare(&["batch", jobs.to_str().unwrap(), "--format", "csv"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader goes away here: far more than a pipe holds is still to come.
    let out = child.wait_with_output().expect("waits");
    drop(dir);
    (
        out.status.code().expect("exited"),
        first,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_unless_a_gate_has_failed() {
    let rows = 40_000; // about 1.3 MB of rows, far past a pipe's buffer
    let (code, first, err) = batch_read_one_line(rows, &[]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(first, "line,model,steps,size,count,units,price\n");
    // 40,000 x 0.0060 = 240.0000 (241.2 exactly before rounding each row: the total is exact).
    let (code, _, err) = batch_read_one_line(rows, &["--budget", "100"]);
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "over budget: total 241.2000 USD is above the budget 100 USD by 141.2 USD\n"
        )
    );
    let (code, _, err) = batch_read_one_line(rows, &["--budget", "1000"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

// ---- fit --write ----

/// A tariff whose rate is off, and the shipped one it should become.
fn off_rate(text: &str) -> String {
    text.replace("rate = \"0.001206\"", "rate = \"0.0012\"")
}

fn fit_write(path: &Path) -> (i32, String, String) {
    outcome(&mut bare(&[
        "--tariff",
        path.to_str().unwrap(),
        "fit",
        "--write",
    ]))
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fit_write_keeps_every_byte_but_the_rate() {
    use std::os::unix::fs::PermissionsExt;
    // CRLF line endings and a byte order mark, kept exactly.
    let crlf = BUILTIN.replace('\n', "\r\n");
    let mut before = vec![0xef, 0xbb, 0xbf];
    before.extend_from_slice(off_rate(&crlf).as_bytes());
    let (dir, path) = temp_file("crlf.toml", &before);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, out, err) = fit_write(&path);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote rate = 0.001206"), "{out}");
    let mut expected = vec![0xef, 0xbb, 0xbf];
    expected.extend_from_slice(crlf.as_bytes());
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o640);
    assert_eq!(names(dir.path()), ["crlf.toml"]);
}

#[test]
fn fit_write_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let (dir, real) = temp_file("real.toml", off_rate(BUILTIN).as_bytes());
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink("real.toml", &link).unwrap();
    let (code, _, err) = fit_write(&link);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), BUILTIN);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.toml"));
    assert_eq!(names(dir.path()), ["link.toml", "real.toml"]);
}

/// Asserts a refused rewrite: exit 2, nothing on stdout, the error naming the file and
/// `reason`, the file as it was and nothing else in its folder.
fn refused_write(result: (i32, String, String), path: &Path, before: &[u8], reason: &str) {
    let (code, out, err) = result;
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    let head = format!("error: cannot write tariff {}: ", path.display());
    assert!(err.starts_with(&head), "{err}");
    assert!(err.contains(reason), "{reason:?} not in {err}");
    assert!(err.trim_end().ends_with("the file is unchanged"), "{err}");
    assert_eq!(std::fs::read(path).unwrap(), before);
    let dir = path.parent().unwrap();
    assert_eq!(names(dir), [path.file_name().unwrap().to_str().unwrap()]);
}

#[test]
fn fit_write_past_the_file_size_limit_leaves_the_tariff_whole() {
    let before = off_rate(BUILTIN);
    let (_d, path) = temp_file("t.toml", before.as_bytes());
    // 1 block is 512 or 1024 bytes; the tariff is larger. With SIGXFSZ left as it is and
    // ignored: either way the write is refused before it starts.
    for trap in ["", "trap '' XFSZ; "] {
        let result = sh(&format!(
            r#"{trap}ulimit -f 1 && exec "$BIN" --tariff {} fit --write"#,
            path.display()
        ));
        refused_write(
            result,
            &path,
            before.as_bytes(),
            "above the file-size limit",
        );
    }
}

#[test]
fn fit_write_in_a_read_only_folder_is_refused_and_says_it_could_not_write() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let before = off_rate(BUILTIN);
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("ro");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("t.toml");
    std::fs::write(&path, &before).unwrap();
    let mode = |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(top.path(), 0o755).unwrap();
    mode(&path, 0o644).unwrap();
    mode(&dir, 0o555).unwrap();
    let args = ["--tariff", path.to_str().unwrap(), "fit", "--write"];
    let mut cmd = bare(&args);
    // root writes in any folder: run as nobody, from a copy of the binary nobody can reach
    // (the build folder may sit under a folder only its owner can enter).
    if std::fs::metadata(top.path()).unwrap().uid() == 0 {
        let bin = top.path().join("dis-price");
        std::fs::copy(BIN, &bin).unwrap();
        mode(&bin, 0o755).unwrap();
        cmd = bare_at(&bin, &args);
        cmd.uid(65534).gid(65534);
    }
    let result = outcome(&mut cmd);
    mode(&dir, 0o755).unwrap();
    refused_write(
        result,
        &path,
        before.as_bytes(),
        "cannot create a temporary file in",
    );
}

#[test]
fn two_fit_writes_at_once_leave_a_whole_file() {
    let before = off_rate(BUILTIN);
    let (dir, path) = temp_file("t.toml", before.as_bytes());
    let spawn = || {
        bare(&["--tariff", path.to_str().unwrap(), "fit", "--write"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let mut wins = 0;
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => wins += 1,
            // The later one may find the file already rewritten under it.
            Some(2) => assert!(err.contains("it changed since it was read"), "{err}"),
            other => panic!("{other:?}: {err}"),
        }
    }
    assert!(wins >= 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BUILTIN);
    assert_eq!(names(dir.path()), ["t.toml"]);
}
