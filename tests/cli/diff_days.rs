//! `diff` over days: a change that a tariff schedules for a later day (dated `rates`) is
//! compared on that day, shown with its day in every format, and counted by `--fail-above`;
//! with `--to`, the two days named are compared and no other.

use crate::support::{BUILTIN, TODAY, dis, edited, run, temp_file};

/// The shipped tariff with flux-dev's rate replaced by dated `rates`.
fn flux_rates(rates: &str) -> String {
    edited(
        "rate = \"0.001206\"",
        &format!("rates = [{{ from = \"2026-01-01\", rate = \"0.001206\" }}, {rates}]"),
    )
}

/// `diff OLD NEW` on [`TODAY`] with `args`: (status, stdout, stderr).
fn diff(old: &str, new: &str, args: &[&str]) -> (i32, String, String) {
    let (_a, old_path) = temp_file("old.toml", old.as_bytes());
    let (_b, new_path) = temp_file("new.toml", new.as_bytes());
    run(dis()
        .arg("diff")
        .arg(&old_path)
        .arg(&new_path)
        .args(["--as-of", TODAY, "--steps", "20", "--sizes", "512"])
        .args(args))
}

#[test]
fn a_rise_scheduled_for_a_later_day_is_shown_with_its_day_in_every_format_and_fails_the_gate() {
    let new = flux_rates(r#"{ from = "2027-01-01", rate = "0.002412" }"#);
    let (code, table, err) = diff(BUILTIN, &new, &["--fail-above", "5"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err,
        "price rise: 2 change(s) go past --fail-above 5%; the first: from 2027-01-01 (scheduled): flux-dev rate 0.001206 -> 0.002412: a metered image pays +100.00%\n"
    );
    // Today nothing differs; from the day of the rise, the cell doubles.
    let (today, later) = table
        .split_once("From 2027-01-01 (scheduled):\n")
        .expect(&table);
    assert!(
        today.contains("│    20 ┆ 512x512 ┆ 0.0060 ┆ 0.0060 ┆     0.0000 ┆  0.00% │"),
        "{today}"
    );
    assert!(
        later.starts_with("Flux.1 [dev] (flux-dev): rate 0.001206 -> 0.002412 USD per megapixel-step (on 2027-01-01 -> on 2027-01-01)"),
        "{later}"
    );
    assert!(
        later.contains("│    20 ┆ 512x512 ┆ 0.0060 ┆ 0.0121 ┆    +0.0060 ┆ +100.00% │"),
        "{later}"
    );

    let (_, md, _) = diff(BUILTIN, &new, &["--format", "markdown"]);
    let (_, later) = md
        .split_once("### From 2027-01-01 (scheduled)\n")
        .expect(&md);
    assert!(
        later.contains("| 20 | 512x512 | 0.0060 | 0.0121 | +0.0060 | +100.00% |"),
        "{md}"
    );
    assert!(
        later.contains("| rate | flux-dev | 0.001206 | 0.002412 | +100.00% |"),
        "{md}"
    );

    let (_, csv, _) = diff(BUILTIN, &new, &["--format", "csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows,
        [
            "kind,model,steps,size,old,new,difference,percent,always_fails,effect,old_day,new_day",
            "cell,flux-dev,20,512x512,0.0060,0.0060,0,0.00,false,,2026-11-25,2026-11-25",
            "cell,flux-dev,20,512x512,0.0060,0.0121,+0.00603,+100.00,false,,2027-01-01,2027-01-01",
            "rate,flux-dev,,,0.001206,0.002412,,+100.00,false,a metered image pays +100.00%,2027-01-01,2027-01-01",
        ]
    );

    let (_, json, _) = diff(BUILTIN, &new, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["changes"], serde_json::json!([]));
    let later = &v["scheduled"][0];
    assert_eq!(
        (later["old_day"].as_str(), later["new_day"].as_str()),
        (Some("2027-01-01"), Some("2027-01-01"))
    );
    assert_eq!(later["models"][0]["cells"][0]["percent"], "+100.00");
    assert_eq!(later["models"][0]["new_rate_from"], "2027-01-01");
    assert_eq!(later["changes"][0]["kind"], "rate");
    assert_eq!(v["scheduled"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_schedule_both_tariffs_share_is_nothing_new_and_passes_any_gate() {
    let both = flux_rates(r#"{ from = "2027-01-01", rate = "0.002412" }"#);
    let (code, out, err) = diff(&both, &both, &["--fail-above", "0", "--format", "json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    // The later day is compared, and nothing is judged differently on it: it is not shown.
    assert_eq!(v["scheduled"], serde_json::json!([]));
    let (_, table, _) = diff(&both, &both, &[]);
    assert!(
        !table.contains("scheduled") && table.contains("(on 2026-11-25 -> on 2026-11-25)"),
        "{table}"
    );
    // Both rise alike on that day, and NEW is 10% dearer throughout: told once, on the first day.
    let dearer = flux_rates(r#"{ from = "2027-01-01", rate = "0.0026532" }"#).replacen(
        "rate = \"0.001206\" }",
        "rate = \"0.0013266\" }",
        1,
    );
    let (code, out, _) = diff(&both, &dearer, &["--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["models"][0]["cells"][0]["percent"], "+10.00");
    assert_eq!(v["scheduled"], serde_json::json!([]));
}

#[test]
fn a_rise_old_scheduled_and_new_drops_is_a_fall_and_one_new_moves_later_is_not() {
    let old = flux_rates(r#"{ from = "2026-12-01", rate = "0.0013" }"#);
    // NEW drops the rise: from 2026-12-01 it is cheaper than OLD, never dearer.
    let (code, out, err) = diff(&old, BUILTIN, &["--fail-above", "0", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "cell,flux-dev,20,512x512,0.0065,0.0060,-0.00047,-7.23,false,,2026-12-01,2026-12-01"
        ),
        "{out}"
    );
    // NEW moves the rise to later: a fall in December, as dear from January.
    let new = flux_rates(r#"{ from = "2027-01-01", rate = "0.0013" }"#);
    let (code, _, err) = diff(&old, &new, &["--fail-above", "0"]);
    assert_eq!((code, err.as_str()), (0, ""));
    // NEW brings it forward: a rise on 2026-11-28, days before OLD's.
    let new = flux_rates(r#"{ from = "2026-11-28", rate = "0.0013" }"#);
    let (code, _, err) = diff(&old, &new, &["--fail-above", "0"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the first: from 2026-11-28 (scheduled): flux-dev rate"),
        "{err}"
    );
}

#[test]
fn scheduled_chat_and_speech_rises_fail_the_gate_with_their_day() {
    let chat = edited(
        "input_rate = \"0.10\"    # USD per 1M input (prompt) tokens\noutput_rate = \"0.16\"   # USD per 1M output (completion) tokens",
        "rates = [\n  { from = \"2026-06-01\", input_rate = \"0.10\", output_rate = \"0.16\" },\n  { from = \"2027-02-01\", input_rate = \"0.10\", output_rate = \"0.17\" },\n]",
    );
    let (code, _, err) = diff(BUILTIN, &chat, &["--fail-above", "5"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the first: from 2027-02-01 (scheduled): Llama-3.1 8B output-rate 0.16 per 1000000 -> 0.17 per 1000000: an output token pays +6.25%"),
        "{err}"
    );
    let speech = edited(
        "rate = \"0.0030\"          # USD per second of generated audio",
        "rates = [{ from = \"2026-06-01\", rate = \"0.0030\" }, { from = \"2027-03-01\", rate = \"0.0031\" }]",
    );
    let (code, _, err) = diff(BUILTIN, &speech, &["--fail-above", "3"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the first: from 2027-03-01 (scheduled): Chatterbox rate 0.003 -> 0.0031"),
        "{err}"
    );
    assert_eq!(diff(BUILTIN, &speech, &["--fail-above", "3.4"]).0, 0);
}

#[test]
fn with_to_the_two_days_named_are_compared_and_no_other() {
    let dated = flux_rates(
        r#"{ from = "2026-12-01", rate = "0.0013" }, { from = "2027-01-01", rate = "0.002412" }"#,
    );
    let (_d, path) = temp_file("prices.toml", dated.as_bytes());
    let (code, out, err) = run(dis()
        .arg("diff")
        .arg(&path)
        .args([
            "--as-of",
            "2026-11-30",
            "--to",
            "2026-12-01",
            "--format",
            "json",
        ])
        .args(["--steps", "20", "--sizes", "512", "--fail-above", "8"]));
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["models"][0]["cells"][0]["percent"], "+7.79");
    assert_eq!(v["scheduled"], serde_json::json!([]));
}
