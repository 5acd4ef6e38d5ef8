//! Messages say what is so: the job they name is the one that failed, a rule is stated as it

use crate::support::{BUILTIN, assert_bad_input, dis, edited, refused, run, temp_file};
use assert_cmd::Command;
use proptest::prelude::*;

fn with_tariff(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    temp_file("t.toml", text.as_bytes())
}

#[test]
fn unit_size_says_which_rule_it_breaks() {
    for (size, needle) in [
        (
            "2147483648x2147483648",
            "has 4611686018427387904 pixels, 2^62 x 5^0: more than 28 twos",
        ),
        ("1x1220703125", "1220703125 pixels, 2^0 x 5^13"),
        ("3x1", "has 3 pixels, which is not a product of 2s and 5s,"),
    ] {
        let text = edited(
            "unit_size = \"1024x1024\"",
            &format!("unit_size = \"{size}\""),
        );
        let (_dir, path) = with_tariff(&text);
        let (code, _, err) = run(dis().arg("validate").arg(&path));
        if size == "1x1220703125" {
            // 13 fives are within the rule.
            assert_eq!(code, 0, "{err}");
            assert!(!err.contains(needle), "{err}");
            continue;
        }
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(needle), "{needle:?} not in {err}");
        assert!(!err.contains("up to 10^28"), "{err}");
    }
}

/// A unit of 2^10 x 5^13 pixels and a rate of 28 significant digits: a 999x997 image's price
/// is far below 1 and has more digits than the exact arithmetic holds.
fn fine_tariff() -> String {
    BUILTIN
        .replacen(
            "unit_size = \"1024x1024\"",
            "unit_size = \"1024x1220703125\"",
            1,
        )
        .replacen(
            "rate = \"0.001206\"",
            "rate = \"0.1234567890123456789012345677\"",
            1,
        )
        .replacen("decimals = 4 ", "decimals = 0 ", 1)
}

#[test]
fn a_price_too_fine_to_compute_is_not_called_too_large() {
    let (_dir, path) = with_tariff(&fine_tariff());
    let err = assert_bad_input(
        dis()
            .arg("--tariff")
            .arg(&path)
            .args(["--size", "999x997", "--steps", "1"]),
        &[
            "the price of 1 image(s) of 999x997 at 1 steps is below 1 with more digits than can be computed exactly",
        ],
    );
    assert!(!err.contains("too large"), "{err}");
    // The loader says the same of a default job, with advice that helps.
    let text = fine_tariff().replacen(
        "default_size = \"768x768\"",
        "default_size = \"999x997\"",
        1,
    );
    let (_dir, path) = with_tariff(&text);
    let err = assert_bad_input(
        dis().arg("validate").arg(&path),
        &[
            "is below 1 with more digits than can be computed exactly",
            "give the rate fewer significant digits",
        ],
    );
    assert!(!err.contains("lower the rate"), "{err}");
    // A price truly too large still says so.
    let (_dir, path) = with_tariff(&edited("rate = \"0.001206\"", "rate = \"1e26\""));
    assert_bad_input(
        dis().arg("validate").arg(&path),
        &["is too large to compute exactly (lower the rate or display.decimals)"],
    );
}

/// `afford`'s figures as text (spent, left) and JSON (leftover exact and shown).
fn afford_figures(args: &[&str]) -> (String, String, String, String) {
    let out = |format: &str| {
        let (code, out, err) = run(dis().args(args).args(["--format", format]));
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    // The answer's line; a footnote may follow it.
    let text = out("text").lines().next().unwrap_or_default().to_owned();
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    let (_, figures) = text
        .rsplit_once(" each: ")
        .or(text.rsplit_once(": "))
        .unwrap();
    let mut parts = figures.split(' ');
    let spent = parts.next().unwrap().to_owned();
    let left = figures
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    (
        spent,
        left.to_owned(),
        json["leftover"].as_str().unwrap().to_owned(),
        json["leftover_shown"].as_str().unwrap().to_owned(),
    )
}

fn decimal(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

#[test]
fn the_reported_leftover_is_shown() {
    // 8 requests of 0.00001 out of 0.000085: 0.000005 is left, not 0.0000.
    let (_, left, exact, shown) = afford_figures(&[
        "afford",
        "--model",
        "Llama-3.1 8B",
        "--input-tokens",
        "100",
        "--output-tokens",
        "0",
        "--budget",
        "0.000085",
    ]);
    assert_eq!(
        (left.as_str(), exact.as_str(), shown.as_str()),
        ("0.000005", "0.000005", "0.000005")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Whatever the budget and request, what is left is shown as zero only when it is zero,
    /// and never as more than there is; what is spent is shown as zero only when it is zero.
    #[test]
    fn no_money_is_shown_as_zero_unless_it_is_zero(
        model in prop::sample::select(vec!["Llama-3.1 8B", "Llama-3.3 70B", "Chatterbox", "flux-dev"]),
        tokens in 0u64..5000,
        seconds in 1u32..200,
        budget_digits in 0u64..2_000_000,
        budget_places in 4u32..9,
    ) {
        let budget = rust_decimal::Decimal::new(i64::try_from(budget_digits).unwrap(), budget_places).to_string();
        let tokens = tokens.max(1).to_string();
        let seconds = format!("{}.{}", seconds / 10, seconds % 10);
        let mut args = vec!["afford", "--model", model, "--budget", &budget];
        match model {
            "Chatterbox" => args.extend(["--seconds", seconds.as_str()]),
            "flux-dev" => args.extend(["--steps", "1", "--size", "16x16"]),
            _ => args.extend(["--input-tokens", tokens.as_str(), "--output-tokens", "0"]),
        }
        let (spent, left, exact, shown) = afford_figures(&args);
        let exact = decimal(&exact);
        for figure in [&left, &shown] {
            prop_assert_eq!(decimal(figure).is_zero(), exact.is_zero(), "{:?}: {} left of {}", args, figure, exact);
            prop_assert!(decimal(figure) <= exact, "{:?}: {} shown, {} left", args, figure, exact);
        }
        let bought = decimal(&budget) - exact;
        prop_assert_eq!(decimal(&spent).is_zero(), bought.is_zero(), "{:?}: spent {}", args, spent);
    }
}

/// The first line of a refusal's stderr.
fn first_line(cmd: &mut Command) -> String {
    refused(cmd).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_size_with_another_separator_gets_the_same_numbers_with_an_x() {
    for (given, meant) in [
        ("512*512", "512x512"),
        ("640,480", "640x480"),
        ("512 512", "512x512"),
        ("512 by 768", "512x768"),
        ("512_512", "512x512"),
        ("512/768", "512x768"),
        ("512✕512", "512x512"),
    ] {
        assert_eq!(
            first_line(dis().args(["--size", given])),
            format!(
                "error: invalid value '{given}' for '--size <SIZE>': size {given:?} is not WIDTHxHEIGHT: {given:?} is not a whole number of pixels (try {meant}: width and height are separated by x)"
            )
        );
    }
    for ok in ["512X512", "512×512", "512 x 512", "512 × 512"] {
        let (code, _, err) = run(dis().args(["--size", ok, "--format", "plain"]));
        assert_eq!((code, err.as_str()), (0, ""), "{ok}");
    }
    // The same in a grid's list and in a job file.
    assert_eq!(
        first_line(dis().args(["table", "--sizes", "256,512*512"])),
        "error: invalid value '256,512*512' for '--sizes <LIST>': size \"512*512\" is not WIDTHxHEIGHT: \"512*512\" is not a whole number of pixels (try 512x512: width and height are separated by x)"
    );
    // Not two numbers: the general hint.
    assert_eq!(
        first_line(dis().args(["--size", "big"])),
        "error: invalid value 'big' for '--size <SIZE>': size \"big\" is not WIDTHxHEIGHT: \"big\" is not a whole number of pixels (try 512x512, or 512 for a square)"
    );
}

#[test]
fn a_range_of_steps_is_written_with_two_dots() {
    for (given, from, to) in [
        ("10-50", "10", "50"),
        ("10–50", "10", "50"),
        ("10..50", "10", "50"),
        ("10 to 50", "10", "50"),
    ] {
        assert_eq!(
            first_line(dis().args(["--steps", given])),
            format!(
                "error: invalid value '{given}' for '--steps <STEPS>': {given:?} is a range; --steps here is one number of steps per image (e.g. {from}); for a grid over a range: dis-price table --steps {from}..{to}"
            )
        );
    }
    assert_eq!(
        first_line(dis().args(["afford", "--budget", "1", "--steps", "10-50"])),
        "error: invalid value '10-50' for '--steps <STEPS>': \"10-50\" is a range; --steps here is one number of steps per image (e.g. 10); for a grid over a range: dis-price table --steps 10..50"
    );
    for command in ["table", "diff"] {
        let mut cmd = dis();
        cmd.arg(command);
        if command == "diff" {
            cmd.args(["a.toml", "b.toml"]);
        }
        assert_eq!(
            first_line(cmd.args(["--steps", "10,20-50"])),
            "error: invalid value '10,20-50' for '--steps <LIST>': \"20-50\" is not a step count or a range; a range is written 20..50 (or 20..50:STEP, e.g. 10..50:10)"
        );
    }
    assert_eq!(
        run(dis().args([
            "table",
            "--steps",
            "10..30:10",
            "--sizes",
            "512",
            "--format",
            "csv"
        ]))
        .0,
        0
    );
}

#[test]
fn an_amount_with_a_currency_or_separators_gets_the_plain_number() {
    for (given, plain) in [
        ("$10", "10"),
        ("10$", "10"),
        ("€2.50", "2.50"),
        ("10 USD", "10"),
        ("usd10", "10"),
        ("1,000", "1000"),
        ("$1,234.5", "1234.5"),
    ] {
        assert_eq!(
            first_line(dis().args(["--budget", given, "--steps", "20"])),
            format!(
                "error: invalid value '{given}' for '--budget <AMOUNT>': {given:?} is not a plain number: an amount is written without a currency sign, code or thousands separators, and is in the tariff's currency (write {plain})"
            )
        );
    }
    assert_eq!(
        first_line(dis().args(["afford", "--budget", "$10"])),
        "error: invalid value '$10' for '--budget <AMOUNT>': \"$10\" is not a plain number: an amount is written without a currency sign, code or thousands separators, and is in the tariff's currency (write 10)"
    );
    assert_eq!(
        first_line(dis().args(["batch", "x.csv", "--budget", "5", "--warn-at", "80%"])),
        "error: invalid value '80%' for '--warn-at <PERCENT>': \"80%\" is not a plain number: a percent is written without % or thousands separators (write 80)"
    );
    assert_eq!(
        first_line(dis().args(["diff", "a.toml", "b.toml", "--fail-above", "10%"])),
        "error: invalid value '10%' for '--fail-above <PERCENT>': \"10%\" is not a plain number: a percent is written without % or thousands separators (write 10)"
    );
    // Not a number under the decoration: the general message.
    assert_eq!(
        first_line(dis().args(["--budget", "$ten"])),
        "error: invalid value '$ten' for '--budget <AMOUNT>': \"$ten\" is not a decimal number (expected e.g. 0.001206)"
    );
}

#[test]
fn a_negative_number_reaches_the_flag_s_own_check() {
    for (args, line) in [
        (
            vec!["--budget", "-1"],
            "error: invalid value '-1' for '--budget <AMOUNT>': \"-1\" is negative; a budget is an amount of 0 or more (e.g. 25)",
        ),
        (
            vec!["afford", "--budget", "-1"],
            "error: invalid value '-1' for '--budget <AMOUNT>': \"-1\" is negative; a budget is an amount of 0 or more (e.g. 25)",
        ),
        (
            vec!["batch", "x.csv", "--budget", "1", "--warn-at", "-5"],
            "error: invalid value '-5' for '--warn-at <PERCENT>': \"-5\" is not a percent above 0 and below 100 (e.g. 80)",
        ),
        (
            vec!["diff", "a.toml", "b.toml", "--fail-above", "-1"],
            "error: invalid value '-1' for '--fail-above <PERCENT>': \"-1\" is negative; give the largest rise allowed, in percent (e.g. 10)",
        ),
        (
            vec!["--steps", "-1"],
            "error: invalid value '-1' for '--steps <STEPS>': \"-1\" is not a whole number (expected digits 0 to 4294967295)",
        ),
        (
            vec!["-n", "-2"],
            "error: invalid value '-2' for '--count <N>': \"-2\" is not a whole number (expected digits 0 to 4294967295)",
        ),
        (
            vec!["table", "--steps", "-10"],
            "error: invalid value '-10' for '--steps <LIST>': \"-10\" is not a whole number (expected digits 0 to 4294967295)",
        ),
        (
            vec!["--size", "-512"],
            "error: invalid value '-512' for '--size <SIZE>': size \"-512\" is not WIDTHxHEIGHT: \"-512\" is not a whole number of pixels (try 512x512, or 512 for a square)",
        ),
    ] {
        assert_eq!(first_line(dis().args(&args)), line, "{args:?}");
    }
    // A flag after a flag that wants a number is still a flag.
    let err = refused(dis().args(["--steps", "--size", "512"]));
    assert!(
        err.starts_with("error: a value is required for '--steps <STEPS>'"),
        "{err}"
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
    let (_dir, file) = crate::support::temp_file("pages", b"");
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
        let (_dir, empty) = crate::support::temp_file("empty.toml", text.as_bytes());
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

/// A list in parentheses follows its sentence directly, never after a `;`, and a list left
/// empty is not named: `(price keys: model, seconds)`, not `; (...` or `ignored: )`.
#[test]
fn no_message_puts_a_semicolon_before_a_parenthesis() {
    let cases: [(&str, &str, &str); 4] = [
        (
            "jobs.csv",
            "steps,size,model\n20,512,dall-e-3\n",
            "error: line 2: model \"dall-e-3\": is not a model of the tariff (models: ",
        ),
        (
            "jobs.csv",
            "steps,size,model\n20,512,flux-de\n",
            "error: line 2: model \"flux-de\": is not a model of the tariff; did you mean \"flux-dev\"? (models: ",
        ),
        (
            "jobs.jsonl",
            "{\"model\":\"Chatterbox\",\"seconds\":2,\"trace\":1}\n",
            "error: line 1: trace \"1\": is not a key of a metered row dis-price knows (price keys: model, seconds); if it does not change the price, --ignore-key \"trace\" leaves it out\n",
        ),
        (
            "jobs.jsonl",
            "{\"steps\":2,\"trace\":1}\n",
            "error: line 1: trace \"1\": is not a key dis-price knows (price keys: ",
        ),
    ];
    for (name, text, start) in cases {
        let (_dir, path) = temp_file(name, text.as_bytes());
        let (code, out, err) = run(dis().arg("batch").arg(&path));
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert!(err.starts_with(start), "{err}");
        assert!(!err.contains("; (") && !err.contains(": )"), "{err}");
    }
}
