//! `dis-price batch`, budgets and `afford`, through the real binary.

use crate::support::{assert_bad_input, dis, json, run, temp_file};
use proptest::prelude::*;
use rust_decimal::Decimal;

#[test]
fn csv_jobs_with_defaults_extras_and_totals() {
    let (_d, path) = temp_file(
        "jobs.csv",
        b"id,steps,size,n,model\na,20,512x512,2,flux-dev\nb,,,,\nc,28,1024,4,FLUX.1-dev\n",
    );
    let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let jobs = v["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 3);
    assert_eq!(
        (jobs[0]["line"].as_u64(), jobs[0]["price"].as_str()),
        (Some(2), Some("0.0121"))
    );
    assert_eq!(jobs[0]["columns"]["id"], "a");
    // Defaults: 10 steps, 768x768, 1 image.
    assert_eq!(
        (
            jobs[1]["steps"].as_u64(),
            jobs[1]["size"].as_str(),
            jobs[1]["count"].as_u64()
        ),
        (Some(10), Some("768x768"), Some(1))
    );
    assert_eq!(v["exact"], "0.15391575");
    assert_eq!(v["total"], "0.1539");
    assert_eq!(
        (v["jobs_count"].as_u64(), v["images"].as_u64()),
        (Some(3), Some(7))
    );
    assert_eq!(v["by_model"][0]["model"], "flux-dev");
    insta::assert_snapshot!(
        "batch_csv",
        run(dis().arg("batch").arg(&path).args(["--format", "csv"])).1
    );
    insta::assert_snapshot!("batch_table", run(dis().arg("batch").arg(&path)).1);
    insta::assert_snapshot!(
        "batch_markdown",
        run(dis().arg("batch").arg(&path).args(["--format", "markdown"])).1
    );
}

#[test]
fn per_model_subtotals() {
    let tariff = format!(
        "{}\n[models.cheap]\nname = \"Cheap\"\nunit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nrate = \"0.001\"\nsteps = {{ min = 1, max = 50, default = 10 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"1024x1024\"\n",
        crate::support::BUILTIN
    );
    let (_t, tariff) = temp_file("two.toml", tariff.as_bytes());
    let (_d, jobs) = temp_file("jobs.jsonl", b"{\"model\": \"cheap\", \"steps\": 10}\n{\"steps\": 10, \"size\": \"1024\"}\n{\"model\": \"cheap\", \"steps\": 5, \"n\": 2}\n");
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&tariff)
        .arg("batch")
        .arg(&jobs)
        .args(["--format", "json", "--summary"]));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let by: Vec<(String, String)> = v["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_owned(),
                m["exact"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        by,
        vec![
            ("flux-dev".to_owned(), "0.01206".to_owned()),
            ("cheap".to_owned(), "0.02".to_owned())
        ]
    );
    assert_eq!(v["exact"], "0.03206");
    assert!(v.get("jobs").is_none());
}

#[test]
fn the_first_bad_row_stops_with_its_line_field_and_value() {
    let cases: &[(&str, &[u8], &[&str])] = &[
        (
            "a.csv",
            b"steps,size\n20,512\n1.5,512\n",
            &["line 3", "steps", "\"1.5\""],
        ),
        (
            "b.csv",
            b"steps,size\n20,512x\n",
            &["line 2", "size", "\"512x\""],
        ),
        (
            "c.csv",
            b"steps,size\n20\n",
            &["line 2", "has 1 fields but the header has 2"],
        ),
        (
            "d.csv",
            b"steps,size\n51,512\n",
            &["line 2", "steps", "\"51\"", "1 to 50"],
        ),
        (
            "e.csv",
            b"model,steps\nflux-pro,20\n",
            &["line 2", "model", "\"flux-pro\"", "flux-dev"],
        ),
        ("f.jsonl", b"[1]\n", &["line 1", "is an array"]),
        ("g.jsonl", b"null\n", &["line 1", "is null"]),
        ("h.jsonl", b"42\n", &["line 1", "is a number"]),
        (
            "i.jsonl",
            b"{\"stesp\": 20}\n",
            &["line 1", "stesp", "did you mean \"steps\""],
        ),
        ("j.jsonl", b"{\"n\": -2}\n", &["line 1", "n", "\"-2\""]),
        ("k.csv", b"", &["line 1", "empty"]),
    ];
    for (name, text, needles) in cases {
        let (_d, path) = temp_file(name, text);
        let (code, _out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
        assert_eq!(code, 2, "{name}: {err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("error:"), "{name}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{name}: {needle:?} not in {err}");
        }
    }
}

#[test]
fn rows_already_written_stay_written() {
    let (_d, path) = temp_file("jobs.csv", b"steps,size\n20,512\nx,512\n30,512\n");
    let (code, out, _) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "line,model,steps,size,count,units,price\n2,flux-dev,20,512x512,1,5,0.0060\n"
    );
}

#[test]
fn skip_invalid_reports_each_prices_the_rest_and_still_exits_2() {
    let (_d, path) = temp_file("jobs.csv", b"steps,size\n20,512\nx,512\n30,512\n20,0x5\n");
    let (code, out, err) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--format", "json", "--skip-invalid"]));
    assert_eq!(code, 2, "{err}");
    let v = json(&out);
    assert_eq!(v["skipped"], 2);
    assert_eq!(v["jobs_count"], 2);
    // 0.00603 + 0.009045.
    assert_eq!(v["exact"], "0.015075");
    assert!(
        err.contains("line 3: steps \"x\"") && err.contains("line 5: size \"0x5\""),
        "{err}"
    );
    assert!(err.contains("2 invalid row(s) skipped"), "{err}");
}

#[test]
fn input_form_by_extension_flag_or_first_byte() {
    let (_d, path) = temp_file("jobs.txt", b"steps,size\n20,512\n");
    assert_bad_input(dis().arg("batch").arg(&path), &["--input csv"]);
    let (code, out, _) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--input", "csv", "--format", "csv", "--summary"]));
    assert_eq!(code, 0);
    assert!(out.ends_with("total,,,,1,,0.0060\n"), "{out}");
    assert_bad_input(
        dis().args(["batch", "/no/such/jobs.csv"]),
        &["/no/such/jobs.csv"],
    );
    let dir = tempfile::tempdir().unwrap();
    assert_bad_input(
        dis().arg("batch").arg(dir.path()).args(["--input", "csv"]),
        &["directory"],
    );
}

#[test]
fn a_line_longer_than_the_cap_stops_the_run() {
    let mut text = b"{\"prompt\": \"".to_vec();
    text.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    text.extend(b"\"}\n");
    let (_d, path) = temp_file("long.jsonl", &text);
    assert_bad_input(
        dis().arg("batch").arg(&path),
        &["line 1 is longer than 1048576 bytes"],
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_total_is_the_sum_of_exact_prices_in_any_order(
        jobs in prop::collection::vec((1u32..=50, crate::laws::side(), crate::laws::side(), 1u32..=1000), 1..40),
        seed in any::<u64>(),
    ) {
        let mut text = String::from("steps,width,height,n\n");
        for (s, w, h, n) in &jobs {
            text.push_str(&format!("{s},{w},{h},{n}\n"));
        }
        let (_d, path) = temp_file("jobs.csv", text.as_bytes());
        let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "json"]));
        prop_assert_eq!(code, 0, "{}", err);
        let v = json(&out);
        // Exact prices of every job, summed as exact rationals over 10^k.
        let sum: u128 = v["jobs"].as_array().unwrap().iter().map(|j| scaled(j["exact"].as_str().unwrap())).sum();
        prop_assert_eq!(sum, scaled(v["exact"].as_str().unwrap()));
        // And the same jobs priced by hand, as integer fractions over one denominator, summed,
        // and rounded once (the shipped tariff's 4 places, half up).
        let denom = crate::laws::price_by_hand(1, 1, 1, 1).1;
        let numer: u128 = jobs.iter().map(|&(s, w, h, n)| crate::laws::price_by_hand(s, w, h, n).0).sum();
        // 10^-30 units of the exact total: denom is 2^20 x 10^6, which divides 10^30.
        prop_assert_eq!(numer * (10u128.pow(30) / denom), scaled(v["exact"].as_str().unwrap()));
        let rounded = crate::laws::round_by_hand(numer, denom, 4, dis_price::exact::Rounding::HalfUp);
        let total = Decimal::from_str_exact(v["total"].as_str().unwrap()).unwrap();
        prop_assert_eq!(total, Decimal::from_i128_with_scale(i128::try_from(rounded).unwrap(), 4));
        prop_assert!(total.scale() == 4);
        // The same rows shuffled: the same total.
        let mut lines: Vec<&str> = text.lines().skip(1).collect();
        let mut state = seed;
        for i in (1..lines.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lines.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled = format!("steps,width,height,n\n{}\n", lines.join("\n"));
        let (_d2, path2) = temp_file("shuffled.csv", shuffled.as_bytes());
        let (_, out2, _) = run(dis().arg("batch").arg(&path2).args(["--format", "json", "--summary"]));
        let v2 = json(&out2);
        prop_assert_eq!(&v2["exact"], &v["exact"]);
        prop_assert_eq!(&v2["total"], &v["total"]);
    }
}

/// A decimal string as an integer count of 10^-40.
fn scaled(text: &str) -> u128 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 30, "{text}");
    let digits = format!("{whole}{fraction:0<30}");
    digits.parse().unwrap()
}

/// `n` varied CSV jobs (about 14 bytes each), with `bad` rows replaced by a bad one.
fn many_jobs(n: usize, bad: &[usize]) -> String {
    let mut text = String::from("steps,size,n\n");
    for i in 0..n {
        if bad.contains(&i) {
            text.push_str("x,512,1\n");
        } else {
            text.push_str(&format!(
                "{},{}x{},{}\n",
                i % 50 + 1,
                i % 999 + 1,
                (i * 7) % 999 + 1,
                i % 8 + 1
            ));
        }
    }
    text
}

#[test]
fn large_inputs_come_out_whole_and_in_order_on_every_path() {
    // Well past one chunk (64 KiB), so chunks are priced apart and written in order.
    let (_d, path) = temp_file("many.csv", many_jobs(60_000, &[]).as_bytes());
    let (code, csv, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 60_000 + 2);
    for (i, line) in lines[1..=60_000].iter().enumerate() {
        assert!(line.starts_with(&format!("{},", i + 2)), "row {i}: {line}");
    }
    // The same totals as the one-thread JSON path and the summary path.
    let (_, json_out, _) = run(dis().arg("batch").arg(&path).args(["--format", "json"]));
    let (_, summary, _) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--format", "json", "--summary"]));
    let (v, s) = (json(&json_out), json(&summary));
    assert_eq!(v["exact"], s["exact"]);
    assert_eq!(
        lines.last().unwrap(),
        &format!("total,,,,{},,{}", v["images"], v["total"].as_str().unwrap())
    );
}

#[test]
fn a_bad_row_deep_in_a_large_input_stops_there() {
    let (_d, path) = temp_file("bad.csv", many_jobs(60_000, &[45_000]).as_bytes());
    let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(code, 2);
    assert!(err.contains("line 45002: steps \"x\""), "{err}");
    // Every row before it, and none after.
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 45_000);
    assert!(rows.last().unwrap().starts_with("45001,"));
    let (code, _, err) = run(dis().arg("batch").arg(&path).args(["--summary"]));
    assert_eq!(code, 2);
    assert!(err.contains("line 45002"), "{err}");
}

#[test]
fn skipped_rows_across_pieces_are_reported_in_order() {
    let bad = [3, 20_000, 40_000, 59_999];
    let (_d, path) = temp_file("skips.csv", many_jobs(60_000, &bad).as_bytes());
    for format in ["csv", "json"] {
        let (code, out, err) = run(dis().arg("batch").arg(&path).args([
            "--format",
            format,
            "--summary",
            "--skip-invalid",
        ]));
        assert_eq!(code, 2);
        let reported: Vec<&str> = err.lines().filter(|l| l.contains("skipped line")).collect();
        let expected: Vec<String> = bad
            .iter()
            .map(|i| format!("skipped line {}:", i + 2))
            .collect();
        assert_eq!(reported.len(), 4, "{err}");
        for (line, want) in reported.iter().zip(&expected) {
            assert!(line.contains(want.as_str()), "{line} vs {want}");
        }
        if format == "json" {
            assert_eq!(json(&out)["skipped"], 4);
            assert_eq!(json(&out)["jobs_count"], 60_000 - 4);
        }
    }
}

#[test]
fn blank_lines_are_skipped_on_every_path() {
    // Found by fuzzing: in a one-column file, an empty line once read as a job of defaults on
    // the fast paths (summary, and lines read where they lie in the buffer).
    let (_d, path) = temp_file("counts.csv", b"count\n\n2\n\r\n\n3\n");
    let (_, summary, _) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--summary", "--format", "json"]));
    let (_, rows, _) = run(dis().arg("batch").arg(&path).args(["--format", "json"]));
    let (s, r) = (json(&summary), json(&rows));
    assert_eq!(
        (s["jobs_count"].as_u64(), s["images"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(s["exact"], r["exact"]);
    let lines: Vec<u64> = r["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 6]);
}
