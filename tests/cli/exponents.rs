//! A number written with an exponent, in any spelling (`e0`, `e-0`, `E+00`, `e000` and nonzero
//! ones), reads as the same exact value as its plain form, wherever exponents are accepted:
//! tariff numbers, budget and gate amounts and percents, seconds per character, and JSON Lines
//! and CSV seconds. Flags that take plain digits only (token counts, seconds) name the plain
//! digits of the value written.

use proptest::prelude::*;

use crate::support::{BUILTIN, dis, edited, run, temp_file};

/// A plain decimal (`whole[.fraction]`) and the same number written as a mantissa with the
/// point moved and an exponent, in one of the spellings people use.
fn written_two_ways(
    whole: &'static str,
    fraction: &'static str,
) -> impl Strategy<Value = (String, String)> {
    (
        whole,
        fraction,
        -6i64..=6,
        prop::sample::select(vec!['e', 'E']),
        0u8..3,
        0usize..4,
    )
        .prop_map(|(whole, fraction, k, letter, sign, zeros)| {
            let digits = format!("{whole}{fraction}");
            let len = i64::try_from(digits.len()).unwrap();
            let point = i64::try_from(whole.len()).unwrap() - k;
            // A point moved past the last digit writes zeros, which are places of the plain
            // form too: 57000e-6 is 0.057000.
            let fraction = format!(
                "{fraction}{}",
                "0".repeat(usize::try_from(point - len).unwrap_or(0))
            );
            let plain = if fraction.is_empty() {
                whole.clone()
            } else {
                format!("{whole}.{fraction}")
            };
            let mantissa = if point <= 0 {
                format!("0.{}{digits}", "0".repeat(usize::try_from(-point).unwrap()))
            } else if point >= len {
                format!(
                    "{digits}{}",
                    "0".repeat(usize::try_from(point - len).unwrap())
                )
            } else {
                let (w, f) = digits.split_at(usize::try_from(point).unwrap());
                format!("{w}.{f}")
            };
            // JSON and TOML write no zero before another digit.
            let (int, rest) = mantissa.split_at(mantissa.find('.').unwrap_or(mantissa.len()));
            let int = match int.trim_start_matches('0') {
                "" => "0",
                int => int,
            };
            let mantissa = format!("{int}{rest}");
            let sign = match (k.signum(), sign) {
                (-1, _) | (0, 1) => "-",
                (_, 2) => "+",
                _ => "",
            };
            let exponent = format!("{letter}{sign}{}{}", "0".repeat(zeros), k.unsigned_abs());
            (plain, format!("{mantissa}{exponent}"))
        })
}

/// The zero exponents of the reports, each beside its plain form.
const ZERO_EXPONENTS: [(&str, &str); 6] = [
    ("1e0", "1"),
    ("5e0", "5"),
    ("6.03e-0", "6.03"),
    ("2.5E+00", "2.5"),
    ("1e000", "1"),
    ("0.001206e0", "0.001206"),
];

/// Runs `args` with `plain` and then with `written` in place of `{}` (in the arguments and
/// in `files`); both are read (a gate may pass or fail) and give the same status and output.
fn same_run(args: &[&str], plain: &str, written: &str, files: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let run_with = |value: &str| {
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text.replace("{}", value)).unwrap();
        }
        let args: Vec<String> = args.iter().map(|a| a.replace("{}", value)).collect();
        let (code, out, err) = run(dis().current_dir(dir.path()).args(&args));
        // The tariff's digest is of its text, which differs by the spelling.
        let out: Vec<&str> = out.lines().filter(|l| !l.contains("sha256")).collect();
        (code, out.join("\n"), err)
    };
    let (plain_run, written_run) = (run_with(plain), run_with(written));
    assert_ne!(plain_run.0, 2, "{args:?} with {plain}: {}", plain_run.2);
    assert_eq!(
        plain_run, written_run,
        "{args:?}: {plain} and {written} differ"
    );
}

#[test]
fn zero_exponents_are_read_everywhere() {
    for (written, plain) in ZERO_EXPONENTS {
        same_run(&["afford", "--budget", "{}"], plain, written, &[]);
        same_run(
            &["--steps", "10", "-n", "1000", "--budget", "{}"],
            plain,
            written,
            &[],
        );
        // The rate as a TOML number and as a string.
        let tariff = edited("rate = \"0.001206\"", "rate = {}");
        same_run(
            &["--tariff", "t.toml", "models"],
            plain,
            written,
            &[("t.toml", &tariff)],
        );
        let tariff = edited("rate = \"0.001206\"", "rate = \"{}\"");
        same_run(
            &["--tariff", "t.toml", "-n", "3"],
            plain,
            written,
            &[("t.toml", &tariff)],
        );
        let lines = "{\"model\":\"Chatterbox\",\"input\":\"hi\",\"seconds\":{}}\n";
        same_run(
            &["batch", "s.jsonl", "--format", "json"],
            plain,
            written,
            &[("s.jsonl", lines)],
        );
    }
    // The report's own: a tariff, a budget and a JSON Lines value that were refused.
    let (_dir, path) = temp_file(
        "t.toml",
        edited("rate = \"0.001206\"", "rate = 0.001206e0").as_bytes(),
    );
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).args(["-n", "3"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("0.0204 USD  for 3 images"), "{out}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Budgets, warning shares and the gates of a comparison.
    #[test]
    fn amounts_and_percents((plain, written) in written_two_ways("[1-9][0-9]{0,3}|0", "[0-9]{0,5}")) {
        same_run(&["afford", "--budget", "{}"], &plain, &written, &[]);
        same_run(&["--steps", "10", "-n", "1000", "--budget", "{}", "--format", "json"], &plain, &written, &[]);
        let files = [("a.csv", "steps,size\n10,512x512\n"), ("b.csv", "steps,size\n11,512x512\n")];
        same_run(&["batch", "b.csv", "--baseline", "a.csv", "--fail-increase", "{}"], &plain, &written, &files);
        same_run(&["batch", "b.csv", "--baseline", "a.csv", "--fail-above", "{}"], &plain, &written, &files);
    }

    #[test]
    fn warning_shares((plain, written) in written_two_ways("[1-9][0-9]?", "[0-9]{0,4}")) {
        same_run(&["--steps", "10", "-n", "100", "--budget", "1", "--warn-at", "{}"], &plain, &written, &[]);
    }

    /// Every decimal of a tariff, as a TOML number and as a string.
    #[test]
    fn tariff_numbers((plain, written) in written_two_ways("0", "0[0-9]{1,5}[1-9]"), quoted in any::<bool>()) {
        let value = if quoted { "\"{}\"" } else { "{}" };
        for (from, key) in [
            ("rate = \"0.001206\"", "rate"),
            ("minimum = \"0\"", "minimum"),
            ("tolerance = \"0.0001\"", "tolerance"),
            ("input_rate = \"0.10\"", "input_rate"),
            ("rate = \"0.0030\"", "rate"),
            ("minimum_seconds = \"1\"", "minimum_seconds"),
        ] {
            let tariff = BUILTIN.replacen(from, &format!("{key} = {value}"), 1);
            prop_assert!(tariff != BUILTIN);
            same_run(&["--tariff", "t.toml", "models", "--format", "json"], &plain, &written, &[("t.toml", &tariff)]);
        }
        let price = edited("\"0.0008\", \"0.003\"", &format!("{value}, \"0.003\""));
        same_run(&["--tariff", "t.toml", "check", "--format", "json"], &plain, &written, &[("t.toml", &price)]);
    }

    /// Seconds in JSON Lines and CSV, and seconds per character.
    #[test]
    fn seconds_in_files((plain, written) in written_two_ways("[1-9][0-9]{0,3}|0", "[0-9]{0,4}")) {
        let lines = "{\"model\":\"Chatterbox\",\"input\":\"hi\",\"seconds\":{}}\n";
        same_run(&["batch", "s.jsonl", "--format", "json"], &plain, &written, &[("s.jsonl", lines)]);
        let csv = "model,seconds\nChatterbox,{}\n";
        same_run(&["batch", "s.csv", "--format", "json"], &plain, &written, &[("s.csv", csv)]);
        let bare = "{\"model\":\"Chatterbox\",\"input\":\"hello\"}\n";
        same_run(&["batch", "s.jsonl", "--format", "json", "--seconds-per-char", "{}"], &plain, &written, &[("s.jsonl", bare)]);
    }

    /// Flags that take plain digits name the plain digits of the value written.
    #[test]
    fn plain_digit_flags_name_the_value((plain, written) in written_two_ways("[1-9][0-9]{0,3}", "[0-9]{0,4}")) {
        let value: rust_decimal::Decimal = plain.parse().unwrap();
        let (code, _, err) = run(dis().args(["--model", "Chatterbox", "--seconds", &written]));
        prop_assert_eq!(code, 2);
        let expected = format!("write seconds as plain digits: {}", value.normalize());
        prop_assert!(err.contains(&expected), "{}", err);
        if value.fract().is_zero() {
            let (code, _, err) = run(dis().args(["--model", "Llama-3.1 8B", "--input-tokens", &written]));
            prop_assert_eq!(code, 2);
            let expected = format!("write a token count as plain digits: {}", value.normalize());
            prop_assert!(err.contains(&expected), "{}", err);
        }
    }
}

#[test]
fn token_and_second_flags_take_plain_digits_and_say_what_to_write() {
    let seconds: [(&str, &str); 12] = [
        (
            "1e30",
            "\"1e30\" is written with an exponent and is more seconds than can be held exactly (at most 79228162514264337593543950335, to 28 decimal places); write seconds as plain digits, e.g. 12.5",
        ),
        (
            "1e3",
            "\"1e3\" is written with an exponent; write seconds as plain digits: 1000",
        ),
        (
            "1e-30",
            "\"1e-30\" is written with an exponent and has more decimal places than can be held exactly (at most 28); write seconds as plain digits, e.g. 12.5",
        ),
        (
            "-0",
            "\"-0\" has a minus sign; seconds are 0 or more: write 0",
        ),
        (
            "-1",
            "\"-1\" is negative; seconds of audio are 0 or more (e.g. 12.5)",
        ),
        (
            "0x10",
            "\"0x10\" is a hexadecimal number; write seconds as plain digits: 16",
        ),
        (
            "1_000",
            "\"1_000\" has digit separators; write seconds as plain digits: 1000",
        ),
        (
            "+5",
            "\"+5\" has a plus sign; write seconds as plain digits: 5",
        ),
        (
            " 5",
            "\" 5\" has blank space around it; write seconds as plain digits: 5",
        ),
        (
            ".5",
            "\".5\" has a bare decimal point; write seconds as plain digits: 0.5",
        ),
        (
            "99999999999999999999999999999999",
            "\"99999999999999999999999999999999\" is more seconds than can be held exactly (at most 79228162514264337593543950335, to 28 decimal places)",
        ),
        (
            "12.5s",
            "\"12.5s\" is not a number of seconds (expected e.g. 12 or 12.5)",
        ),
    ];
    for (given, said) in seconds {
        let (code, out, err) = run(dis().args(["--model", "chatterbox", "--seconds", given]));
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                2,
                "",
                format!("error: invalid value '{given}' for '--seconds <S>': {said}\n\nFor more information, try '--help'.\n").as_str()
            ),
            "{given}"
        );
    }
    let tokens: [(&str, &str); 9] = [
        (
            "1e30",
            "\"1e30\" is written with an exponent and is more than 18446744073709551615, the most tokens accepted; write a token count as plain digits, e.g. 1500",
        ),
        (
            "1e3",
            "\"1e3\" is written with an exponent; write a token count as plain digits: 1000",
        ),
        (
            "1e-3",
            "\"1e-3\" is written with an exponent and is not a whole number of tokens; write a token count as plain digits, e.g. 1500",
        ),
        (
            "-0",
            "\"-0\" has a minus sign; a token count is 0 or more: write 0",
        ),
        (
            "0x10",
            "\"0x10\" is a hexadecimal number; write a token count as plain digits: 16",
        ),
        (
            "1,000",
            "\"1,000\" has digit separators; write a token count as plain digits: 1000",
        ),
        (
            "+5",
            "\"+5\" has a plus sign; write a token count as plain digits: 5",
        ),
        (
            "5 ",
            "\"5 \" has blank space around it; write a token count as plain digits: 5",
        ),
        (
            "18446744073709551616",
            "\"18446744073709551616\" is larger than 18446744073709551615, the most tokens accepted",
        ),
    ];
    for (given, said) in tokens {
        for flag in ["--input-tokens", "--output-tokens"] {
            let other = if flag == "--input-tokens" {
                "--output-tokens"
            } else {
                "--input-tokens"
            };
            let (code, out, err) =
                run(dis().args(["--model", "Llama-3.1 8B", other, "1", flag, given]));
            assert_eq!(
                (code, out.as_str(), err.as_str()),
                (
                    2,
                    "",
                    format!("error: invalid value '{given}' for '{flag} <N>': {said}\n\nFor more information, try '--help'.\n").as_str()
                ),
                "{flag} {given}"
            );
        }
    }
    // afford reads the same flags the same way.
    let (code, _, err) = run(dis().args([
        "afford",
        "--budget",
        "1",
        "--model",
        "chatterbox",
        "--seconds",
        "1e30",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("\"1e30\" is written with an exponent"),
        "{err}"
    );
    // A grid's list of seconds too.
    let (code, _, err) = run(dis().args(["table", "--model", "chatterbox", "--seconds", "1, 1e3"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--seconds \"1, 1e3\": \"1e3\" is written with an exponent; write seconds as plain digits: 1000"),
        "{err}"
    );
}

/// A JSON count written with a fraction or an exponent is refused in every reader, quoted as
/// written (not as the parser spells it again, `1e+0`), with the plain digits to write when its
/// value is whole.
#[test]
fn json_counts_with_exponents_are_quoted_as_written_with_their_plain_digits() {
    let cases = [
        (
            r#"{"num_inference_steps": 2.0e1, "size": "512x512"}"#,
            r#"num_inference_steps "2.0e1": is not a whole number from 0 to 4294967295 (a count is plain digits: write 20)"#,
        ),
        (
            r#"{"steps": 1E0}"#,
            r#"steps "1E0": is not a whole number from 0 to 4294967295 (a count is plain digits: write 1)"#,
        ),
        (
            r#"{"steps": 1e400}"#,
            r#"steps "1e400": is not a whole number from 0 to 4294967295"#,
        ),
        (
            r#"{"model": "Llama-3.1 8B", "usage": {"prompt_tokens": 1E0, "completion_tokens": 1}}"#,
            r#"prompt_tokens "1E0": is not a whole number of tokens from 0 to 18446744073709551615 (a count is plain digits: write 1)"#,
        ),
        (
            r#"{"model": "Llama-3.1 8B", "messages": [{"role": "user", "content": "a"}], "max_tokens": 2.5e0}"#,
            r#"max_tokens "2.5e0": is not a whole number of tokens from 0 to 18446744073709551615"#,
        ),
        (
            r#"{"model": "Chatterbox", "seconds": 1, "created": 1.7E9}"#,
            r#"created "1.7E9""#,
        ),
    ];
    for (line, said) in cases {
        let (_dir, path) = temp_file("jobs.jsonl", format!("{line}\n").as_bytes());
        let (code, out, err) = run(dis().arg("batch").arg(&path));
        assert_eq!(code, 2, "{line}: {out}");
        assert!(err.contains(said), "{line}:\n{err}");
        assert!(!err.contains("e+"), "{line}:\n{err}");
    }
}

/// A `_` in an amount, a percent or seconds (a point typed as `_`: `0_001` for `0.001`) is
/// refused, never read as a digit separator that loosens a gate tenfold; a TOML number in a
/// tariff keeps TOML's separators.
#[test]
fn underscores_are_refused_outside_toml_numbers() {
    let (_d, jobs) = temp_file("jobs.csv", b"steps,size\n20,512x512\n");
    for args in [
        &["--budget", "0_001"][..],
        &["--fail-above", "1_0", "--baseline"][..],
        &["--warn-at", "5_0", "--budget", "1"][..],
    ] {
        let mut cmd = dis();
        cmd.arg("batch").arg(&jobs).args(args);
        if args.contains(&"--baseline") {
            cmd.arg(&jobs);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.contains("holds a '_'"), "{args:?}: {err}");
    }
    let (_s, speech) = temp_file("s.csv", b"model,seconds\nChatterbox,1_0\n");
    let (code, _, err) = run(dis().arg("batch").arg(&speech));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("seconds \"1_0\""), "{err}");
    let (code, _, err) = run(dis()
        .args(["--seconds-per-char", "1_0", "batch"])
        .arg(&speech));
    assert_eq!(code, 2, "{err}");
    let tariff = edited("rate = \"0.001206\"", "rate = 0.001_206");
    let (_t, path) = temp_file("t.toml", tariff.as_bytes());
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["--steps", "20", "--size", "512x512", "--format", "plain"]));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "0.0060\n", ""));
}
