//! Real request bodies and model names, error carets, stdin tariffs and the messages that
//! point a user to what works, through the real binary.

use assert_cmd::Command;

use crate::{BUILTIN, dis, run, temp_file};

/// Runs and asserts a usage or input error: exit 2, nothing on stdout; returns stderr.
fn refused(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!((code, out.as_str()), (2, ""), "stderr: {err}");
    err
}

/// The first line of a refusal's stderr.
fn first_line(cmd: &mut Command) -> String {
    refused(cmd).lines().next().unwrap_or_default().to_owned()
}

/// A job file's CSV output from `batch - --format csv` with `args`, on `input`.
fn batch_csv(input: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["batch", "-", "--format", "csv"])
        .args(args)
        .write_stdin(input.to_owned()))
}

/// Under the built-in tariff, which has token and second models, a JSON Lines batch has every
/// column (with `exact` beside `price`), even for image rows alone.
const PRICED_512_20_X2: &str = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n1,flux-dev,exact,20,512x512,2,10,,,,,0.01206,0.0121\nsubtotal,flux-dev,exact,,,2,10,,,,,0.01206,0.0121\ntotal,,exact,,,2,,,,,,0.01206,0.0121\n";

// Model names.

#[test]
fn a_model_is_found_by_its_display_name_in_any_case() {
    for name in [
        "Flux.1 [dev]",
        "flux.1 [DEV]",
        " FLUX.1 [Dev] ",
        "flux-dev",
        "FLUX-1-DEV",
    ] {
        let (code, out, err) = run(dis().args([
            "--model", name, "--steps", "20", "--size", "512", "--format", "plain",
        ]));
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "0.0060\n", ""),
            "{name:?}"
        );
    }
    for command in ["table", "check", "fit"] {
        let (code, _, err) = run(dis().args([command, "--model", "flux.1 [dev]"]));
        assert_eq!(code, 0, "{command}: {err}");
    }
}

#[test]
fn a_request_body_naming_the_display_name_prices_in_json_lines_and_csv() {
    let body = "{\"model\": \"Flux.1 [dev]\", \"num_inference_steps\": 20, \"size\": \"512x512\", \"n\": 2}\n";
    assert_eq!(
        batch_csv(body, &[]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
    let csv = "model,steps,size,n\nflux.1 [DEV],20,512x512,2\n";
    let (code, out, err) = batch_csv(csv, &[]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("2,flux-dev,20,512x512,2,10,0.0121\n"), "{out}");
}

#[test]
fn an_unknown_model_lists_display_names_and_suggests_the_nearest_name() {
    assert_eq!(
        refused(dis().args(["--model", "Flux.1 [pro]"])),
        "error: unknown model \"Flux.1 [pro]\" (did you mean \"Flux.1 [dev]\"?); the tariff has: flux-dev (or \"Flux.1 [dev]\", flux.1-dev, flux-1-dev), Llama-3.1 8B, Llama-3.3 70B, Chatterbox\n"
    );
    let (code, _, err) = batch_csv("{\"model\": \"gpt-image-1\", \"steps\": 2}\n", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: line 1: model \"gpt-image-1\": is not a model of the tariff; (models: flux-dev (or \"Flux.1 [dev]\", flux.1-dev, flux-1-dev), Llama-3.1 8B, Llama-3.3 70B, Chatterbox)\n"
    );
}

/// The shipped tariff plus a second model whose display name is `name`.
fn with_second_model(name: &str) -> String {
    let start = BUILTIN.find("[models.flux-dev]").unwrap();
    let end = BUILTIN.find("[models.flux-dev.published]").unwrap();
    let block = BUILTIN[start..end]
        .replace("[models.flux-dev]", "[models.other]")
        .replace("name = \"Flux.1 [dev]\"", &format!("name = {name:?}"))
        .replace("aliases = [\"flux.1-dev\", \"flux-1-dev\"]\n", "");
    format!("{BUILTIN}\n{block}")
}

#[test]
fn a_display_name_that_names_another_model_is_refused_with_its_place() {
    for clash in ["FLUX-DEV", "Flux-1-Dev", "flux.1 [DEV]"] {
        let text = with_second_model(clash);
        let (_dir, path) = temp_file("t.toml", text.as_bytes());
        let at = text.find(&format!("name = {clash:?}")).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let owner_names = "flux-dev";
        let expected = format!(
            "error: invalid tariff {file}: 1 problem\n{file}:{line}:8: models.other.name: the display name {clash:?} is also a name of model {owner_names:?}, ignoring case; jobs may name a model by its display name, so each must mean one model: rename one of them\n   |\n{line} | name = {clash:?}\n   |        {carets}\n",
            file = path.display(),
            carets = "^".repeat(clash.len() + 2),
        );
        for args in [vec!["validate"], vec!["models", "--tariff"]] {
            assert_eq!(refused(dis().args(&args).arg(&path)), expected, "{args:?}");
        }
    }
    // Its own id or alias spelled as the display name is no clash.
    let text = BUILTIN.replacen("name = \"Flux.1 [dev]\"", "name = \"FLUX-1-DEV\"", 1);
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run(dis().arg("validate").arg(&path));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
}

// Request bodies.

#[test]
fn openai_image_fields_that_do_not_change_the_price_are_ignored() {
    let body = "{\"model\": \"flux-dev\", \"prompt\": \"a cat\", \"num_inference_steps\": 20, \"size\": \"512x512\", \"n\": 2, \"user\": \"u1\", \"quality\": \"hd\", \"output_format\": \"png\", \"output_compression\": 80, \"background\": \"auto\", \"moderation\": \"low\", \"response_format\": \"b64_json\", \"style\": \"vivid\", \"stream\": false, \"partial_images\": 0, \"safety_identifier\": \"s\", \"seed\": 7, \"guidance_scale\": 3.5}\n";
    assert_eq!(
        batch_csv(body, &[]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

#[test]
fn partial_images_above_zero_are_refused_not_ignored() {
    let body = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"partial_images\": 2}\n";
    let (code, out, err) = batch_csv(body, &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: line 1: partial_images \"2\": asks for streamed partial images, which may be billed as images and are not in the tariff; only the number 0 or null is priced (--ignore-key partial_images prices the final images alone)\n"
    );
    assert_eq!(
        batch_csv(body, &["--ignore-key", "partial_images"]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

const KNOWN: &str = "(price keys: model, steps, num_inference_steps, size, width, height, n, count, created, date; ignored: prompt, seed, guidance_scale, style, response_format, user, quality, output_format, output_compression, background, moderation, stream, safety_identifier)";

#[test]
fn an_unknown_key_is_refused_with_the_escape_hatch_and_its_value_quoted_once() {
    let body = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"trace_id\": \"u1\"}\n";
    let (code, out, err) = batch_csv(body, &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "error: line 1: trace_id \"u1\": is not a key dis-price knows {KNOWN}; if it does not change the price, --ignore-key \"trace_id\" leaves it out\n"
        )
    );
    assert_eq!(
        batch_csv(body, &["--ignore-key", "trace_id"]),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
    // Repeatable; a key not in the input is no error.
    let two = "{\"steps\": 20, \"size\": \"512x512\", \"n\": 2, \"a\": 1, \"b\": [1]}\n";
    assert_eq!(
        batch_csv(
            two,
            &[
                "--ignore-key",
                "a",
                "--ignore-key",
                "b",
                "--ignore-key",
                "c"
            ]
        ),
        (0, PRICED_512_20_X2.to_owned(), String::new())
    );
}

#[test]
fn only_near_misses_are_suggested_and_never_with_the_escape_hatch() {
    for (key, meant) in [
        ("stpes", "steps"),
        ("Steps", "steps"),
        ("sise", "size"),
        ("modle", "model"),
        ("num_inference_step", "num_inference_steps"),
        ("usr", "user"),
    ] {
        let body = format!("{{\"steps\": 20, \"{key}\": 1}}\n");
        let (code, _, err) = batch_csv(&body, &[]);
        assert_eq!(code, 2);
        assert_eq!(
            err,
            format!(
                "error: line 1: {key} \"1\": is not a key dis-price knows; did you mean {meant:?}? {KNOWN}\n"
            )
        );
    }
    for key in ["x", "note", "id", "negative_prompt", "sed_x"] {
        let body = format!("{{\"steps\": 20, \"{key}\": 1}}\n");
        let (_, _, err) = batch_csv(&body, &[]);
        assert!(!err.contains("did you mean"), "{key}: {err}");
        assert!(err.contains("--ignore-key"), "{key}: {err}");
    }
}

#[test]
fn a_price_key_cannot_be_ignored() {
    for key in [
        "steps",
        "n",
        "model",
        "size",
        "width",
        "num_inference_steps",
    ] {
        let err = refused(dis().args(["batch", "x.jsonl", "--ignore-key", key]));
        assert_eq!(
            err.lines().next().unwrap(),
            format!(
                "error: invalid value '{key}' for '--ignore-key <KEY>': {key:?} sets the price and cannot be ignored (keys that can: any but model, steps, num_inference_steps, size, width, height, n, count, created, date, messages, usage, input, voice, input_tokens, output_tokens, seconds, max_tokens, max_completion_tokens, speed and names like them)"
            )
        );
    }
    assert_eq!(
        first_line(dis().args(["batch", "x.jsonl", "--ignore-key", ""])),
        "error: invalid value '' for '--ignore-key <KEY>': the key is empty (expected a JSON key, e.g. trace_id)"
    );
}

// Carets.

#[test]
fn carets_sit_under_the_problem_by_display_column() {
    // Full-width characters take two columns, a tab is shown as four spaces.
    for (line, shown, caret_at) in [
        ("provider = \"日本\" x = 1", "provider = \"日本\" x = 1", 18),
        (
            "provider = \"Distribute\"\tx = 1",
            "provider = \"Distribute\"    x = 1",
            27,
        ),
        (
            "provider = \"ｄｉｓ\"\t\tx = 1",
            "provider = \"ｄｉｓ\"        x = 1",
            27,
        ),
    ] {
        let text = BUILTIN.replacen("provider = \"Distribute.ai\"", line, 1);
        assert_ne!(text, BUILTIN);
        let (_dir, path) = temp_file("t.toml", text.as_bytes());
        let at = text.find(line).unwrap();
        let number = text[..at].matches('\n').count() + 1;
        let column = line.chars().position(|c| c == 'x').unwrap() + 1;
        let expected = format!(
            "error: invalid tariff {file}: 1 problem\n{file}:{number}:{column}: not valid TOML: unexpected key or value, expected newline, `#`\n   |\n{number} | {shown}\n   | {pad}^\n",
            file = path.display(),
            pad = " ".repeat(caret_at),
        );
        assert_eq!(
            refused(dis().arg("validate").arg(&path)),
            expected,
            "{line:?}"
        );
    }
}

#[test]
fn carets_under_escaped_control_characters_and_wide_ones_together() {
    // A C1 control character is refused where it is written, shown escaped, the caret under
    // its escape, after a wide character.
    let line = "source = \"日\u{85}\"";
    let text = BUILTIN.replacen(
        "source = \"https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-image\"",
        line,
        1,
    );
    assert_ne!(text, BUILTIN);
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let number = text[..text.find(line).unwrap()].matches('\n').count() + 1;
    let err = refused(dis().arg("validate").arg(&path));
    let tail = format!("{number} | source = \"日\\u{{85}}\"\n   |             ^^^^^^\n");
    assert!(err.ends_with(&tail), "{err}");
}

// Flags before a command, and values typed another way.

#[test]
fn a_one_job_flag_before_a_command_says_who_takes_it() {
    assert_eq!(
        first_line(dis().args(["--budget", "1", "table"])),
        "error: --budget before `table` prices one job and cannot be used with a command; `table` takes no --budget; it is taken by one job without a command (dis-price --budget ...), and by batch, afford"
    );
    assert_eq!(
        first_line(dis().args(["--count", "2", "check"])),
        "error: --count before `check` prices one job and cannot be used with a command; `check` takes no --count; it is taken by one job without a command (dis-price --count ...), and by afford"
    );
    // Where the command has the flag, the suggestion is that command's flag, which works.
    assert_eq!(
        first_line(dis().args(["--budget", "1", "batch", "x.csv"])),
        "error: --budget before `batch` prices one job and cannot be used with a command; put the command's own flags after it (dis-price batch --budget ...)"
    );
    let (code, _, err) = run(dis().args(["table", "--format", "json"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        first_line(dis().args(["--format", "json", "table"])),
        "error: --format before `table` prices one job and cannot be used with a command; put the command's own flags after it (dis-price table --format ...)"
    );
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

// Which tariff.

#[test]
fn diff_takes_its_tariffs_as_arguments_not_tariff() {
    let (_dir, path) = temp_file("t.toml", BUILTIN.as_bytes());
    assert_eq!(
        refused(
            dis()
                .arg("--tariff")
                .arg("x.toml")
                .arg("diff")
                .arg(&path)
                .arg(&path)
        ),
        "error: diff compares the two tariffs it is given (dis-price diff OLD NEW) and takes no --tariff; drop --tariff x.toml, or give it as OLD or NEW\n"
    );
    assert_eq!(
        refused(
            dis()
                .arg("diff")
                .arg(&path)
                .arg(&path)
                .arg("--tariff")
                .arg("x.toml")
        ),
        "error: diff compares the two tariffs it is given (dis-price diff OLD NEW) and takes no --tariff; drop --tariff x.toml, or give it as OLD or NEW\n"
    );
}

#[test]
fn validate_takes_one_tariff() {
    assert_eq!(
        refused(dis().args(["validate", "a.toml", "--tariff", "b.toml"])),
        "error: validate checks one tariff; give it as PATH or as --tariff, not both (a.toml and --tariff b.toml)\n"
    );
}

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
        "error: diff reads at most one tariff from standard input (-); give the other as a file\n"
    );
    assert_eq!(
        refused(
            dis()
                .args(["--tariff", "-", "fit", "--write"])
                .write_stdin(BUILTIN)
        ),
        "error: fit --write rewrites a tariff file; this one was read from standard input; name one with --tariff PATH\n"
    );
}

// afford.

#[test]
fn afford_plain_prints_the_count_and_help_says_so_and_how_left_is_rounded() {
    let (code, out, _) = run(dis().args([
        "afford", "--budget", "1", "--steps", "20", "--size", "512", "--format", "plain",
    ]));
    assert_eq!((code, out.as_str()), (0, "165\n"));
    let help =
        String::from_utf8(dis().args(["afford", "--help"]).output().unwrap().stdout).unwrap();
    assert!(
        help.contains("- plain: The count alone (images, or steps per image with --count)"),
        "{help}"
    );
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("What is left is rounded down, whatever the tariff's rounding"),
        "{help}"
    );
    // 0.00505 left: shown rounded down, where half-up would show 0.0051.
    let (_, out, _) =
        run(dis().args(["afford", "--budget", "1", "--steps", "20", "--size", "512"]));
    assert_eq!(
        out,
        "1 USD buys 165 image(s) of 512x512 at 20 steps with Flux.1 [dev]: 0.9950 USD, 0.0050 USD left (rounded down)\n"
    );
}
