//! Prices over time: dated rates in a tariff, `--as-of`, batch rows priced on their own day,
//! `diff --to`, and the stale-tariff warning. Every day is passed in; none is the clock's.

use std::path::{Path, PathBuf};

use crate::support::{TODAY, assert_bad_input, dis, edited, run, temp_file};

/// The shipped rate line.
const RATE: &str = "rate = \"0.001206\"     # USD per megapixel-step; see the note at the top";

/// The rate 0.001206 from 2026-06-01, then 0.0013 from 2026-12-01.
const RATES: &str = "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-12-01\", rate = \"0.0013\" }]";

/// The shipped tariff with `rates` for its rate, in a temporary file.
fn dated_tariff(rates: &str) -> (tempfile::TempDir, PathBuf) {
    temp_file("dated.toml", edited(RATE, rates).as_bytes())
}

fn with(tariff: &Path) -> assert_cmd::Command {
    let mut cmd = dis();
    cmd.arg("--tariff").arg(tariff);
    cmd
}

fn ok(cmd: &mut assert_cmd::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    out
}

#[test]
fn one_job_is_priced_at_the_rate_in_force_on_the_day() {
    let (_dir, path) = dated_tariff(RATES);
    let job = ["--steps", "20", "--size", "512x512", "--format", "plain"];
    for (day, price) in [
        ("2026-06-01", "0.0060\n"),
        ("2026-11-30", "0.0060\n"),
        ("2026-12-01", "0.0065\n"),
        ("2030-01-01", "0.0065\n"),
    ] {
        assert_eq!(
            ok(with(&path).args(job).args(["--as-of", day])),
            price,
            "{day}"
        );
    }
    // Without --as-of, today: here DIS_PRICE_TODAY, as the clock is never read in tests.
    assert_eq!(ok(with(&path).args(job)), "0.0060\n");
    assert_eq!(
        ok(with(&path).env("DIS_PRICE_TODAY", "2026-12-01").args(job)),
        "0.0065\n"
    );
    // The text form says which rate it used.
    let text = ok(with(&path).args(["--steps", "20", "--size", "512", "--as-of", "2026-12-05"]));
    assert!(
        text.contains(
            "  rate   0.0013 USD/megapixel-step from 2026-12-01, in force on 2026-12-05\n"
        ),
        "{text}"
    );
}

#[test]
fn a_day_before_the_first_rate_is_an_error_not_a_guess() {
    let (_dir, path) = dated_tariff(RATES);
    let err = assert_bad_input(
        with(&path).args(["--steps", "20", "--as-of", "2026-05-31"]),
        &[],
    );
    assert_eq!(
        err,
        "error: model \"flux-dev\" has no rate on 2026-05-31: its first rate takes effect on 2026-06-01 (price a day from 2026-06-01 on with --as-of, or add the rate in force before it to the tariff)\n"
    );
    for command in [
        &["table"][..],
        &["check"],
        &["afford", "--budget", "1", "--steps", "20"],
    ] {
        assert_bad_input(
            with(&path).args(command).args(["--as-of", "2026-05-31"]),
            &["has no rate on 2026-05-31", "2026-06-01"],
        );
    }
    // Today before the first rate, with no --as-of: the same.
    assert_bad_input(
        with(&path)
            .env("DIS_PRICE_TODAY", "2026-01-01")
            .arg("table"),
        &["has no rate on 2026-01-01"],
    );
}

#[test]
fn as_of_and_today_must_be_real_days() {
    let (code, out, err) = run(dis().args(["--as-of", "2026-02-29"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: invalid value '2026-02-29' for '--as-of <YYYY-MM-DD>': \"2026-02-29\" is not a day: day 29 is not 01 to 28 (2026-02 has 28 days)"),
        "{err}"
    );
    assert_bad_input(
        dis().env("DIS_PRICE_TODAY", "tomorrow"),
        &["DIS_PRICE_TODAY is \"tomorrow\", not a date: expected YYYY-MM-DD"],
    );
}

#[test]
fn the_built_in_tariff_prices_the_same_on_any_day() {
    let job = ["--steps", "20", "--size", "512"];
    let today = ok(dis().args(job));
    for day in ["1970-01-01", "2026-11-25", "9999-12-31"] {
        assert_eq!(ok(dis().args(job).args(["--as-of", day])), today, "{day}");
    }
    assert!(!today.contains("rate   "), "{today}");
}

#[test]
fn rows_are_priced_at_the_rate_of_their_own_day() {
    let (_dir, path) = dated_tariff(RATES);
    // The day before the change, the day of it, no date (priced on --as-of), a timestamp of
    // the last second before the change and of the first second of it, an RFC 3339 time whose
    // UTC day is the day of the change.
    let jobs = "date,steps,size,count\n\
        2026-11-30,20,512x512,1\n\
        2026-12-01,20,512x512,1\n\
        ,20,512x512,1\n\
        1796083199,20,512x512,1\n\
        1796083200,20,512x512,2\n\
        2026-11-30T23:30:00-02:00,20,512x512,1\n";
    let (_jobs_dir, jobs_path) = temp_file("jobs.csv", jobs.as_bytes());
    let out = ok(with(&path)
        .args(["--as-of", "2026-11-25", "batch", "--format", "csv"])
        .arg(&jobs_path));
    assert_eq!(
        out,
        "line,model,steps,size,count,units,price,date,rate\n\
         2,flux-dev,20,512x512,1,5,0.0060,2026-11-30,0.001206\n\
         3,flux-dev,20,512x512,1,5,0.0065,2026-12-01,0.0013\n\
         4,flux-dev,20,512x512,1,5,0.0060,2026-11-25,0.001206\n\
         5,flux-dev,20,512x512,1,5,0.0060,2026-11-30,0.001206\n\
         6,flux-dev,20,512x512,2,10,0.0130,2026-12-01,0.0013\n\
         7,flux-dev,20,512x512,1,5,0.0065,2026-12-01,0.0013\n\
         subtotal,flux-dev,,,7,35,0.0441,,\n\
         total,,,,7,,0.0441,,\n"
    );
    // The summary agrees with the rows, and says what each rate priced.
    let json = ok(with(&path)
        .args([
            "--as-of",
            "2026-11-25",
            "batch",
            "--summary",
            "--format",
            "json",
        ])
        .arg(&jobs_path));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["exact"], "0.04409");
    assert_eq!(v["total"], "0.0441");
    assert_eq!(v["tariff"]["priced_on"], "2026-11-25");
    assert_eq!(
        v["by_model"][0]["by_rate"],
        serde_json::json!([
            { "from": "2026-06-01", "rate": "0.001206", "jobs": 3, "images": 3, "exact": "0.01809" },
            { "from": "2026-12-01", "rate": "0.0013", "jobs": 3, "images": 4, "exact": "0.026" }
        ])
    );
}

#[test]
fn json_lines_carry_created_as_the_api_returns_it() {
    let (_dir, path) = dated_tariff(RATES);
    let body = "{\"created\": 1796083199, \"steps\": 20, \"size\": \"512x512\"}\n\
                {\"created\": 1796083200, \"steps\": 20, \"size\": \"512x512\"}\n\
                {\"date\": \"2026-12-01\", \"steps\": 20, \"size\": \"512x512\"}\n";
    let out = ok(with(&path)
        .args(["--as-of", "2026-11-25", "batch", "-", "--format", "json"])
        .write_stdin(body));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let jobs = v["jobs"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str, &str)> = jobs
        .iter()
        .map(|j| {
            (
                j["date"].as_str().unwrap(),
                j["rate"].as_str().unwrap(),
                j["rate_from"].as_str().unwrap(),
                j["price"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2026-11-30", "0.001206", "2026-06-01", "0.0060"),
            ("2026-12-01", "0.0013", "2026-12-01", "0.0065"),
            ("2026-12-01", "0.0013", "2026-12-01", "0.0065"),
        ]
    );
}

#[test]
fn bad_row_dates_name_the_value_and_the_accepted_forms() {
    let (_dir, path) = dated_tariff(RATES);
    let forms = "expected a date YYYY-MM-DD (e.g. 2026-11-25), a time with its offset (e.g. 2026-11-25T14:30:00Z), or a Unix timestamp in whole seconds (e.g. 1796083200)";
    for (csv_date, why) in [
        (
            "2026-02-30",
            "is not a date: day 30 is not 01 to 28 (2026-02 has 28 days)",
        ),
        (
            "30/11/2026",
            "is not a date: expected YYYY-MM-DD, e.g. \"2026-11-25\"",
        ),
        (
            "1796083200000",
            "is a timestamp past the year 9999 (if it is in milliseconds, divide by 1000)",
        ),
        (
            "2026-11-30T10:00:00",
            "is not a date: the time has no offset, so its UTC day is unknown (add Z for UTC, or +HH:MM)",
        ),
    ] {
        let text = format!("date,steps\n{csv_date},20\n");
        let err = assert_bad_input(
            with(&path)
                .args(["batch", "-", "--input", "csv"])
                .write_stdin(text),
            &[],
        );
        assert_eq!(
            err,
            format!("error: line 2: date {csv_date:?}: {why}; {forms}\n")
        );
    }
    for (line, want) in [
        (
            "{\"created\": 1.5, \"steps\": 20}",
            format!("error: line 1: created \"1.5\": is not a date; {forms}\n"),
        ),
        (
            "{\"created\": -5, \"steps\": 20}",
            format!("error: line 1: created \"-5\": is not a date; {forms}\n"),
        ),
        (
            "{\"created\": null, \"steps\": 20}",
            "error: line 1: created \"null\": is null; give a value, or leave the key out to price the model's default\n".to_owned(),
        ),
        (
            "{\"created\": 1796083200, \"date\": \"2026-12-01\", \"steps\": 20}",
            "error: line 1: date \"2026-12-01\": repeats \"created\"; give one of them\n".to_owned(),
        ),
    ] {
        let err = assert_bad_input(
            with(&path)
                .args(["batch", "-", "--input", "jsonl"])
                .write_stdin(format!("{line}\n")),
            &[],
        );
        assert_eq!(err, want, "{line}");
    }
    // A row dated before the first rate is a row error, which --skip-invalid skips.
    let text = "date,steps\n2026-05-31,20\n2026-06-01,20\n";
    let err = assert_bad_input(
        with(&path)
            .args(["batch", "-", "--input", "csv"])
            .write_stdin(text),
        &[],
    );
    assert_eq!(
        err,
        "error: line 2: date \"2026-05-31\": is before the first rate of model \"flux-dev\", which takes effect on 2026-06-01; the tariff has no price for that day\n"
    );
    let (code, out, err) = run(with(&path)
        .args([
            "batch",
            "-",
            "--input",
            "csv",
            "--skip-invalid",
            "--format",
            "csv",
        ])
        .write_stdin(text));
    assert_eq!(code, 2, "{err}");
    assert!(
        out.contains("\n3,flux-dev,20,768x768,1,11.25,0.0136,2026-06-01,0.001206\n"),
        "{out}"
    );
}

#[test]
fn date_columns_are_price_columns_and_their_look_alikes_are_refused() {
    // `date` no longer rides along as a carried column: with the built-in tariff it still
    // shows, as the day each row was priced on.
    let out = ok(dis()
        .args(["batch", "-", "--input", "csv", "--format", "csv"])
        .write_stdin("Date,steps\n2020-01-01,20\n"));
    assert_eq!(
        out,
        "line,model,steps,size,count,units,price,date,rate\n\
         2,flux-dev,20,768x768,1,11.25,0.0136,2020-01-01,0.001206\n\
         subtotal,flux-dev,,,1,11.25,0.0136,,\n\
         total,,,,1,,0.0136,,\n"
    );
    for (header, name) in [
        ("timestamp,steps", "timestamp"),
        ("created_at,steps", "created_at"),
        ("steps,job_date", "job_date"),
    ] {
        assert_bad_input(
            dis()
                .args(["batch", "-", "--input", "csv"])
                .write_stdin(format!("{header}\n20,20\n")),
            &[&format!("{name:?} looks like the price column \"date\"")],
        );
    }
    // `data` and `rate` are one letter from `date` but columns of their own: carried.
    let out = ok(dis()
        .args(["batch", "-", "--input", "csv", "--format", "csv"])
        .write_stdin("steps,data,rate\n20,x,y\n"));
    assert!(
        out.starts_with("line,model,steps,size,count,units,price,data,rate\n"),
        "{out}"
    );
    // A date alone does not set a price.
    assert_bad_input(
        dis()
            .args(["batch", "-", "--input", "csv"])
            .write_stdin("date\n2026-11-25\n"),
        &["no column sets the price"],
    );
}

#[test]
fn tariff_dates_must_be_real_increasing_and_one_per_day() {
    for (rates, message) in [
        (
            "rates = [{ from = \"2026-12-01\", rate = \"0.0013\" }, { from = \"2026-06-01\", rate = \"0.001206\" }]",
            "models.flux-dev.rates[1].from: from 2026-06-01 comes before the change above it (models.flux-dev.rates[0].from = 2026-12-01); list rate changes oldest first, one per day",
        ),
        (
            "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-06-01\", rate = \"0.0013\" }]",
            "models.flux-dev.rates[1].from: from 2026-06-01 is the same day as the change above it (models.flux-dev.rates[0].from = 2026-06-01); list rate changes oldest first, one per day",
        ),
        (
            "rates = [{ from = \"2026-06-31\", rate = \"0.001206\" }]",
            "models.flux-dev.rates[0].from: \"2026-06-31\" is not a date: day 31 is not 01 to 30 (2026-06 has 30 days)",
        ),
        (
            "rates = [{ from = \"2026-06-01\", rate = \"0\" }]",
            "models.flux-dev.rates[0].rate: the rate must be greater than 0, got 0",
        ),
        (
            "rates = []",
            "models.flux-dev.rates: `rates` is empty; list at least one { from = \"YYYY-MM-DD\", rate = \"...\" }",
        ),
        (
            "rates = [{ from = \"2026-06-01\", rate = \"0.001206\", note = \"x\" }]",
            "models.flux-dev.rates[0].note",
        ),
        (
            "rate = \"0.001206\"\nrates = [{ from = \"2026-06-01\", rate = \"0.001206\" }]",
            "has both `rate` and `rates`; give one",
        ),
        (
            "",
            "model \"flux-dev\" has no rate: give `rate = \"0.0012\"`",
        ),
    ] {
        let (_dir, path) = dated_tariff(rates);
        let err = assert_bad_input(dis().arg("validate").arg(&path), &[message]);
        assert!(err.starts_with("error: invalid tariff"), "{err}");
    }
    // Placed at its line: the second change, on line 31 of the shipped tariff.
    let (_dir, path) = dated_tariff(
        "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-06-01\", rate = \"0.0013\" }]",
    );
    assert_bad_input(dis().arg("validate").arg(&path), &["dated.toml:31:63: "]);
}

#[test]
fn the_schema_knows_dated_rates() {
    let schema: serde_json::Value =
        serde_json::from_str(&ok(dis().args(["tariff", "--schema"]))).unwrap();
    let model = &schema["$defs"]["model"];
    assert_eq!(
        model["properties"]["rates"]["items"]["required"],
        serde_json::json!(["from", "rate"])
    );
    assert!(
        !model["required"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("rate"))
    );
    assert_eq!(model["oneOf"].as_array().unwrap().len(), 2);
}

#[test]
fn every_json_output_carries_the_day_and_the_rate() {
    let (_dir, path) = dated_tariff(RATES);
    let day = ["--as-of", "2026-12-05"];
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&ok(with(&path).args(day).args(args))).unwrap()
    };
    let quote = json(&["--steps", "20", "--format", "json"]);
    assert_eq!(
        (
            &quote["rate"],
            &quote["rate_from"],
            &quote["tariff"]["priced_on"]
        ),
        (&"0.0013".into(), &"2026-12-01".into(), &"2026-12-05".into())
    );
    let grid = json(&["table", "--format", "json"]);
    assert_eq!(grid["model"]["rate"], "0.0013");
    assert_eq!(grid["model"]["rate_from"], "2026-12-01");
    assert_eq!(grid["tariff"]["priced_on"], "2026-12-05");
    let (code, out, _) = run(with(&path).args(day).args(["check", "--format", "json"]));
    assert_eq!(code, 1, "the new rate is off the published grid");
    let check: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(check["models"][0]["rate_from"], "2026-12-01");
    let models = json(&["models", "--format", "json"]);
    assert_eq!(models["models"][0]["rate"], "0.0013");
    assert_eq!(models["models"][0]["rates"][0]["from"], "2026-06-01");
    let afford = json(&[
        "afford", "--budget", "1", "--steps", "20", "--format", "json",
    ]);
    assert_eq!(afford["rate"], "0.0013");
    assert_eq!(afford["tariff"]["priced_on"], "2026-12-05");
    // The built-in tariff: the day, and a rate with no start.
    let quote: serde_json::Value =
        serde_json::from_str(&ok(dis().args(["--format", "json"]))).unwrap();
    assert_eq!(quote["tariff"]["priced_on"], TODAY);
    assert_eq!(quote["rate_from"], serde_json::Value::Null);
}

#[test]
fn check_and_table_say_which_dated_rate_they_show() {
    let (_dir, path) = dated_tariff(RATES);
    let table = ok(with(&path).args(["--as-of", "2026-11-30", "table"]));
    assert!(
        table.starts_with("Flux.1 [dev] (flux-dev): USD per image at 0.001206 USD per megapixel-step (the rate from 2026-06-01, in force on 2026-11-30)\n"),
        "{table}"
    );
    let markdown = ok(with(&path).args(["--as-of", "2026-12-01", "table", "--format", "markdown"]));
    assert!(
        markdown.starts_with("**Flux.1 \\[dev\\]**: USD per image at 0.0013 USD per megapixel-step (the rate from 2026-12-01, in force on 2026-12-01)\n"),
        "{markdown}"
    );
    let check = ok(with(&path).args(["--as-of", "2026-11-30", "check"]));
    assert!(
        check.starts_with("Flux.1 [dev] (flux-dev) against its published prices, USD per image at 0.001206 USD per megapixel-step (the rate from 2026-06-01, in force on 2026-11-30 as --as-of asks; the published prices were read on 2026-11-25)\n"),
        "{check}"
    );
    // The shipped tariff's title is as it was.
    assert!(ok(dis().arg("table")).starts_with(
        "Flux.1 [dev] (flux-dev): USD per image at 0.001206 USD per megapixel-step\n"
    ));
}

#[test]
fn diff_compares_two_days_of_one_tariff() {
    let (_dir, path) = dated_tariff(RATES);
    let (code, out, err) = run(dis().arg("diff").arg(&path).args([
        "--as-of",
        "2026-11-30",
        "--to",
        "2026-12-01",
        "--steps",
        "20",
        "--sizes",
        "512",
        "--fail-above",
        "5",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.starts_with("Flux.1 [dev] (flux-dev): rate 0.001206 -> 0.0013 USD per megapixel-step (on 2026-11-30 -> on 2026-12-01)\n"),
        "{out}"
    );
    assert!(
        out.contains("│    20 ┆ 512x512 ┆ 0.0060 ┆ 0.0065 ┆    +0.0005 ┆ +7.79% │"),
        "{out}"
    );
    assert!(err.contains("go past --fail-above 5%"), "{err}");
    // The same day twice: nothing changed.
    let (code, out, _) = run(dis().arg("diff").arg(&path).args([
        "--as-of",
        "2026-12-01",
        "--to",
        "2026-12-05",
        "--fail-above",
        "0",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tariff"]["old"]["priced_on"], "2026-12-01");
    assert_eq!(v["tariff"]["new"]["priced_on"], "2026-12-05");
    assert_eq!(v["models"][0]["old_rate_from"], "2026-12-01");
    // One tariff and no --to: nothing to compare.
    assert_bad_input(
        dis().arg("diff").arg(&path),
        &["diff needs a second tariff, NEW, or --to YYYY-MM-DD"],
    );
    // A side with no rate on its day.
    assert_bad_input(
        dis()
            .arg("diff")
            .arg(&path)
            .args(["--as-of", "2026-01-01", "--to", "2026-12-01"]),
        &["has no rate on 2026-01-01"],
    );
}

#[test]
fn fit_write_leaves_a_dated_tariff_alone() {
    let (_dir, path) = dated_tariff(RATES);
    let before = std::fs::read(&path).unwrap();
    let err = assert_bad_input(
        with(&path).args(["--as-of", "2026-11-30", "fit", "--write"]),
        &[],
    );
    assert_eq!(
        err,
        "error: model \"flux-dev\" has dated rates (`rates`, the newest from 2026-12-01), and fit --write only replaces a single `rate`; the file is left as it was: add { from = \"YYYY-MM-DD\", rate = \"0.001206\" } to its rates by hand, with the day the rate takes effect\n"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn validate_warns_when_as_of_is_more_than_ninety_days_old() {
    // The shipped tariff was read on 2026-11-25; 90 days later is 2027-02-23.
    let validate = |today: &str| run(dis().env("DIS_PRICE_TODAY", today).arg("validate"));
    let (code, out, err) = validate("2027-02-23");
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "built-in tariff: valid, 4 models, 0 warnings\n");
    let (code, out, err) = validate("2027-02-24");
    assert_eq!(code, 0);
    assert_eq!(out, "built-in tariff: valid, 4 models, 1 warning\n");
    assert!(
        err.starts_with("warning: built-in tariff:19:9: as_of: as_of 2026-11-25 is 91 days before today (2027-02-24), more than 90: prices may have changed since; check the source and update the rates and as_of\n"),
        "{err}"
    );
    let (code, _, _) = run(dis()
        .env("DIS_PRICE_TODAY", "2027-02-24")
        .args(["validate", "--strict"]));
    assert_eq!(code, 1);
}

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
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
