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

/// Arguments, environment and the pair of readers named.
type Collision<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn standard_input_is_read_for_one_thing_only() {
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

/// `batch -` on `input` under the README's dated prices.toml: (status, stdout, stderr).
fn dated_batch(input: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["--tariff", &readme("prices.toml"), "batch", "-"])
        .args(args)
        .write_stdin(input.to_owned()))
}

#[test]
fn date_like_csv_columns_are_refused_not_carried() {
    for name in [
        "created_utc",
        "createdAt",
        "created-time",
        "created_time",
        "Creation",
        "issued_at",
        "submitted_at",
        "request_time",
        "updatedAt",
        "paid_on",
        "job ts",
        "DAY",
    ] {
        let (code, out, err) = dated_batch(
            &format!("steps,size,{name}\n20,512x512,2026-12-05\n"),
            &["--format", "plain"],
        );
        assert_eq!((code, out.as_str()), (2, ""), "{name}: {err}");
        assert!(
            err.starts_with(&format!(
                "error: -: line 1: column 3 {name:?} looks like the price column \"date\" ("
            )),
            "{name}: {err}"
        );
    }
    // Whole words only, and `time` beside a unit or duration word is not a moment: carried.
    for name in [
        "runtime",
        "uptime",
        "timeout",
        "time_ms",
        "gpu_time",
        "timezone",
        "update",
        "candidate",
    ] {
        let (code, out, err) = dated_batch(
            &format!("steps,size,{name}\n20,512x512,2026-12-05\n"),
            &["--format", "csv"],
        );
        assert_eq!(code, 0, "{name}: {err}");
        assert!(
            out.starts_with(&format!(
                "line,model,steps,size,count,units,price,date,rate,{name}\n"
            )),
            "{name}: {out}"
        );
    }
    // Beside a date column, another moment is carried: the day is the one named `date`.
    let (code, out, err) = dated_batch(
        "steps,size,date,created_at\n20,512x512,2026-12-05,x\n",
        &["--format", "plain"],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "0.0065\n");
    // A date-like JSON key says what the date keys are, without offering --ignore-key.
    let (code, out, err) = dated_batch("{\"steps\":20,\"submitted_at\":1}\n", &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: line 1: submitted_at \"1\": looks like the day the job ran (it has the word \"submitted\" in it), which picks the rate and cannot be left out: give it as \"created\""),
        "{err}"
    );
    assert!(!err.contains("--ignore-key"), "{err}");
}

#[test]
fn keys_that_set_the_price_or_the_day_cannot_be_ignored() {
    for (key, why) in [
        (
            "created",
            "gives the day the job ran, which picks the rate, and",
        ),
        (
            "date",
            "gives the day the job ran, which picks the rate, and",
        ),
        (
            "Steps",
            "is the price key \"steps\" in other case (JSON keys are case-sensitive, so rows with it are refused, not priced as \"steps\"), and",
        ),
        (
            "CREATED",
            "is the price key \"created\" in other case (JSON keys are case-sensitive, so rows with it are refused, not priced as \"created\"), and",
        ),
        ("stpes", "is a near miss of the price key \"steps\", and"),
        (
            "timestamp",
            "looks like the day the job ran (it has the word \"timestamp\" in it), which picks the rate, and",
        ),
        (
            "issuedAt",
            "looks like the day the job ran (it has the word \"issued\" in it), which picks the rate, and",
        ),
    ] {
        let err = refused(dis().args(["batch", "x.jsonl", "--ignore-key", key]));
        assert_eq!(
            err.lines().next().unwrap_or_default(),
            format!(
                "error: invalid value '{key}' for '--ignore-key <KEY>': {key:?} {why} cannot be ignored (keys that can: any but model, steps, num_inference_steps, size, width, height, n, count, created, date, messages, usage, input, voice, input_tokens, output_tokens, seconds, max_tokens, max_completion_tokens, speed and names like them)"
            )
        );
    }
    // A key of one's own still can be.
    let (code, out, err) = dated_batch(
        "{\"steps\":20,\"size\":\"512x512\",\"trace_id\":\"a\"}\n",
        &["--ignore-key", "trace_id", "--format", "plain"],
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0060\n", ""));
}

/// The README's prices.toml with its first rate moved to `from`.
fn first_rate_from(from: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(readme("prices.toml")).expect("fixture");
    assert!(text.contains("from = \"2026-06-01\""));
    crate::temp_file(
        "prices.toml",
        text.replace("from = \"2026-06-01\"", &format!("from = \"{from}\""))
            .as_bytes(),
    )
}

#[test]
fn check_and_fit_compare_the_published_grid_on_the_tariff_as_of() {
    let prices = readme("prices.toml");
    // Later than the second rate's day, with nothing changed: still the rate of as_of.
    let (code, out, err) = run(dis()
        .env("DIS_PRICE_TODAY", "2026-12-02")
        .args(["--tariff", &prices, "check"]));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.starts_with("Flux.1 [dev] (flux-dev) against its published prices, USD per image at 0.001206 USD per megapixel-step (the rate from 2026-06-01, in force on 2026-11-25, the tariff's as_of, when its published prices were read)\n"), "{out}");
    let (code, out, _) = run(dis()
        .env("DIS_PRICE_TODAY", "2026-12-02")
        .args(["--tariff", &prices, "fit"]));
    assert_eq!(code, 0);
    assert!(out.contains("  current rate:   0.001206 USD (the rate from 2026-06-01, in force on 2026-11-25, the tariff's as_of, when its published prices were read), inside the best interval\n"), "{out}");
    // An explicit --as-of is that day, and the heading says so; a bad DIS_PRICE_TODAY is not read.
    let (code, out, _) = run(dis().env("DIS_PRICE_TODAY", "garbage").args([
        "--tariff",
        &prices,
        "check",
        "--as-of",
        "2026-12-02",
    ]));
    assert_eq!(code, 1);
    assert!(out.starts_with("Flux.1 [dev] (flux-dev) against its published prices, USD per image at 0.0013 USD per megapixel-step (the rate from 2026-12-01, in force on 2026-12-02 as --as-of asks; the published prices were read on 2026-11-25)\n"), "{out}");
    // The first rate after as_of: check, fit and validate say the same thing.
    let (_dir, later) = first_rate_from("2026-11-26");
    let later = later.to_str().expect("UTF-8 path");
    let said = "model \"flux-dev\" has no rate on the tariff's as_of 2026-11-25, the day its published prices were read: its first rate takes effect on 2026-11-26, so they cannot be checked against it (add the rate in force on 2026-11-25 to the tariff's rates, or correct as_of)";
    for command in ["check", "fit"] {
        assert_eq!(
            refused(dis().args(["--tariff", later, command])),
            format!("error: {said}; or check another day with --as-of\n")
        );
    }
    let (code, out, err) = run(dis().args(["validate", later]));
    assert_eq!(code, 0);
    assert!(out.ends_with("valid, 1 model, 1 warning\n"), "{out}");
    assert!(
        err.starts_with("warning: ") && err.contains(&format!("models.flux-dev: {said}\n")),
        "{err}"
    );
}

#[test]
fn leap_seconds_and_implausible_timestamps() {
    // A leap second is the last second of its UTC day, whatever the offset it is written with.
    for time in [
        "2026-11-30T23:59:60Z",
        "2026-12-01T00:59:60+01:00",
        "2026-11-30T18:59:60-05:00",
    ] {
        let (code, out, err) = dated_batch(
            &format!("{{\"steps\":20,\"size\":\"512x512\",\"created\":\"{time}\"}}\n"),
            &["--format", "csv"],
        );
        assert_eq!((code, err.as_str()), (0, ""), "{time}");
        assert!(
            out.contains("\n1,flux-dev,20,512x512,1,5,0.0060,2026-11-30,0.001206\n"),
            "{time}: {out}"
        );
    }
    let (_, _, err) = dated_batch(
        "steps,size,date\n20,512x512,2026-11-30T12:00:60Z\n",
        &["--format", "plain"],
    );
    assert!(err.starts_with("error: line 2: date \"2026-11-30T12:00:60Z\": is not a date: second 60 is a leap second, which can only be the last second of a UTC day (23:59:60Z); expected "), "{err}");
    // Numbers before 2000-01-01 are not guessed at; a compact date gets its hint.
    for (given, json, hint) in [
        (
            "20261201",
            "20261201",
            "if it is the date 2026-12-01, write it as 2026-12-01",
        ),
        (
            "20261201",
            "\"20261201\"",
            "if it is the date 2026-12-01, write it as 2026-12-01",
        ),
        ("0", "0", "if it is a date, write it as YYYY-MM-DD"),
    ] {
        let (code, out, err) = dated_batch(
            &format!("{{\"steps\":20,\"size\":\"512x512\",\"created\":{json}}}\n"),
            &[],
        );
        assert_eq!((code, out.as_str()), (2, ""), "{json}");
        assert!(
            err.starts_with(&format!(
                "error: line 1: created \"{given}\": is a Unix timestamp of "
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                ", before 2000-01-01, which no priced job has; {hint}; expected "
            )),
            "{err}"
        );
    }
    // A time or a timestamp is quoted as given, with the UTC day it falls on.
    let (code, out, err) = dated_batch(
        "steps,size,date\n20,512x512,2000-01-01T00:00:00+05:00\n",
        &["--format", "plain"],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: line 2: date \"2000-01-01T00:00:00+05:00\": is before the first rate of model \"flux-dev\", which takes effect on 2026-06-01 (its UTC day is 1999-12-31); the tariff has no price for that day\n"
    );
    let (_, _, err) = dated_batch(
        "{\"steps\":20,\"size\":\"512x512\",\"created\":946684800}\n",
        &[],
    );
    assert_eq!(
        err,
        "error: line 1: date \"946684800\": is before the first rate of model \"flux-dev\", which takes effect on 2026-06-01 (its UTC day is 2000-01-01); the tariff has no price for that day\n"
    );
}

#[test]
fn colour_follows_the_clicolors_convention() {
    let tariff = first_rate_from("2026-11-26");
    let path = tariff.1.to_str().expect("UTF-8 path").to_owned();
    // A warning on stderr, which is not a terminal here: colour only when forced.
    for (force, coloured) in [("1", true), ("yes", true), ("0", false), ("", false)] {
        let (code, _, err) = run(dis().env("CLICOLOR_FORCE", force).args(["validate", &path]));
        assert_eq!(code, 0);
        assert_eq!(
            err.starts_with("\u{1b}["),
            coloured,
            "CLICOLOR_FORCE={force:?}: {err}"
        );
        assert!(err.contains("warning:"), "{err}");
    }
}

#[test]
fn plain_with_skip_invalid_is_refused() {
    let (code, out, err) = dated_batch(
        "steps,size\n20,512x512\nx,512x512\n",
        &["--format", "plain", "--skip-invalid"],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: --skip-invalid cannot be used with --format plain: the number alone would be a total that leaves the bad rows out; fix the rows, or use --format csv or json with --skip-invalid (rows and a total that says it leaves them out)\n"
    );
}

#[test]
fn messages_say_what_is_accepted() {
    // The bad variable is quoted once, escaped once; an explicit --as-of does not read it.
    let (code, _, err) = run(dis()
        .env("DIS_PRICE_TODAY", "2026\u{1b}[2J")
        .args(["--steps", "20"]));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: DIS_PRICE_TODAY is \"2026\\u{1b}[2J\", not a date: "),
        "{err}"
    );
    let (code, out, err) = run(dis().env("DIS_PRICE_TODAY", "2026\u{1b}[2J").args([
        "--steps",
        "20",
        "--size",
        "512x512",
        "--format",
        "plain",
        "--as-of",
        "2026-11-25",
    ]));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0060\n", ""));
    for value in ["\"0\"", "0.0", "-0", "1"] {
        let (code, _, err) = run(dis()
            .args(["batch", "-"])
            .write_stdin(format!("{{\"steps\":20,\"partial_images\":{value}}}\n")));
        assert_eq!(code, 2, "{value}");
        assert!(
            err.contains("; only the number 0 or null is priced ("),
            "{value}: {err}"
        );
    }
    let (_dir, file) = crate::temp_file("pages", b"");
    let file = file.to_str().expect("UTF-8 path");
    assert_eq!(
        refused(dis().args(["man", "--dir", file])),
        format!(
            "error: cannot write man pages to {file}: it is not a folder (a file of that name is there); give a folder, which is created if missing\n"
        )
    );
    let err = refused(dis().args(["man", "batch", "--dir", file]));
    assert!(
        err.contains("\nUsage: dis-price man [COMMAND]\n       dis-price man --dir <DIR>\n"),
        "{err}"
    );
    for text in ["", "\n# only a comment\n\n"] {
        let (_dir, empty) = crate::temp_file("empty.toml", text.as_bytes());
        let err = refused(dis().arg("--tariff").arg(&empty).arg("check"));
        assert!(err.starts_with(&format!(
            "error: invalid tariff {}: 1 problem\n{}:1:1: the tariff is empty (no keys, only blank lines or comments); `dis-price tariff > mine.toml` writes one to start from\n",
            empty.display(), empty.display()
        )), "{err}");
        let err = refused(dis().args(["validate", "-"]).write_stdin(text));
        assert!(
            err.contains("standard input:1:1: the tariff is empty"),
            "{err}"
        );
    }
}

#[test]
fn day_flags_complete_no_file_names() {
    let bash = crate::stdout_of(&["completions", "bash"]);
    for flag in ["--as-of)", "--to)"] {
        let at = bash
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} in bash completions"));
        let next = &bash[at..at + 120];
        assert!(
            next.contains("COMPREPLY=(\"${cur}\")") && !next.contains("compgen -f"),
            "{next}"
        );
    }
    let fish = crate::stdout_of(&["completions", "fish"]);
    for line in fish
        .lines()
        .filter(|l| l.contains(" -l as-of ") || l.contains(" -l to "))
    {
        assert!(line.ends_with(" -r -f"), "{line}");
    }
}

#[test]
fn a_gate_shows_enough_of_the_percent_to_be_above_its_limit() {
    // 0.001206 -> 0.00132666024 is a rise of 10.00499...%: two places would show +10.00%.
    let new = crate::edited("rate = \"0.001206\"", "rate = \"0.00132666024\"");
    let (_o, old) = crate::temp_file("old.toml", BUILTIN.as_bytes());
    let (_n, new) = crate::temp_file("new.toml", new.as_bytes());
    let (_w, jobs) = crate::temp_file("w.csv", b"steps,size\n20,1024x1024\n");
    let gate = |limit: &str| {
        run(dis()
            .arg("--tariff")
            .arg(&new)
            .arg("batch")
            .arg(&jobs)
            .arg("--baseline-tariff")
            .arg(&old)
            .args(["--fail-above", limit, "--format", "plain"]))
    };
    assert_eq!(
        gate("10"),
        (
            1,
            "+0.0024\n".to_owned(),
            "cost rise: the total rises by 0.0024 USD (exactly 0.0024132048 USD), +10.004...%, above --fail-above 10%\n".to_owned()
        )
    );
    let (code, _, err) = gate("9");
    assert_eq!(code, 1);
    assert!(err.contains(", +10.00%, above --fail-above 9%\n"), "{err}");
}
