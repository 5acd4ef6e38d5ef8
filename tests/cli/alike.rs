//! Per-job CSV and JSON rows keep the fields rows priced alike share (the model, the day, the
//! rate and its first day) from one row to the next; rows that differ in any of them, in any
//! order, each show their own.

use crate::{dis, edited, run, temp_file};

/// A tariff whose default model's rate changes on 2026-12-01.
fn dated_tariff() -> String {
    edited(
        "rate = \"0.001206\"",
        "rates = [{ from = \"2026-06-01\", rate = \"0.001206\" }, { from = \"2026-12-01\", rate = \"0.0013\" }]",
    )
}

/// Lines naming the model three ways, some on a day of their own on either side of the rate
/// change, in an order where every field changes from one line to the next somewhere.
fn lines() -> Vec<(String, Option<&'static str>)> {
    let names = ["flux-dev", "Flux.1 [dev]", "FLUX-1-DEV"];
    let days = [
        None,
        Some("2026-12-01"),
        Some("2026-11-30"),
        None,
        Some("2027-01-02"),
    ];
    (0..60)
        .map(|i| {
            let day = days[(i * 7 / 3) % days.len()];
            let date = day.map_or(String::new(), |d| format!(r#", "date": "{d}""#));
            let line = format!(
                r#"{{"model": "{}", "num_inference_steps": {}, "size": "{}x512", "n": 1{date}}}"#,
                names[i % names.len()],
                1 + i % 50,
                64 + i
            );
            (line, day)
        })
        .collect()
}

#[test]
fn rows_priced_alike_and_not_each_show_their_own_day_and_rate() {
    let (_t, tariff) = temp_file("prices.toml", dated_tariff().as_bytes());
    let lines = lines();
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let (_d, jobs) = temp_file("jobs.jsonl", text.as_bytes());
    let args = |format: &str| {
        let mut cmd = dis();
        cmd.arg("--tariff")
            .arg(&tariff)
            .args(["batch", "--as-of", "2026-11-25", "--format", format])
            .arg(&jobs);
        run(&mut cmd)
    };
    let expected = |day: Option<&str>| {
        let day = day.unwrap_or("2026-11-25");
        let (rate, from) = if day >= "2026-12-01" {
            ("0.0013", "2026-12-01")
        } else {
            ("0.001206", "2026-06-01")
        };
        (day.to_owned(), rate, from)
    };

    let (code, out, err) = args("json");
    assert_eq!((code, err.as_str()), (0, ""));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let jobs = json["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), lines.len());
    for (row, (_, day)) in jobs.iter().zip(&lines) {
        let (day, rate, from) = expected(*day);
        assert_eq!(row["model"], "flux-dev", "{row}");
        assert_eq!(row["date"], day.as_str(), "{row}");
        assert_eq!(row["rate"], rate, "{row}");
        assert_eq!(row["rate_from"], from, "{row}");
    }

    let (code, out, err) = args("csv");
    assert_eq!((code, err.as_str()), (0, ""));
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (model, date, rate) = (column("model"), column("date"), column("rate"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for (row, (_, day)) in rows.iter().zip(&lines) {
        let (day, rate_shown, _) = expected(*day);
        assert_eq!(&row[model], "flux-dev");
        assert_eq!(&row[date], day.as_str());
        assert_eq!(&row[rate], rate_shown);
    }
    // The rows, then a subtotal and a total.
    assert_eq!(rows.len(), lines.len() + 2);
}

#[test]
fn rows_of_two_models_in_turn_each_show_their_own_model() {
    // The second model has the first one's rate, so only its name tells its rows apart.
    let tariff = format!(
        "{}\n[models.cheap]\nname = \"Cheap\"\nunit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nrate = \"0.001206\"\nsteps = {{ min = 1, max = 50, default = 10 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"1024x1024\"\n",
        crate::BUILTIN
    );
    let (_t, tariff) = temp_file("two.toml", tariff.as_bytes());
    // flux-dev, cheap, cheap, flux-dev, flux-dev, flux-dev, cheap, ...
    let models: Vec<&str> = (0..40)
        .map(|i: usize| {
            if i.count_ones().is_multiple_of(2) {
                "flux-dev"
            } else {
                "cheap"
            }
        })
        .collect();
    let text: String = models
        .iter()
        .map(|m| format!("{{\"model\": \"{m}\", \"steps\": 10, \"size\": \"1024x1024\"}}\n"))
        .collect();
    let (_d, jobs) = temp_file("jobs.jsonl", text.as_bytes());
    for format in ["csv", "json"] {
        let (code, out, err) = run(dis()
            .arg("--tariff")
            .arg(&tariff)
            .args(["batch", "--format", format])
            .arg(&jobs));
        assert_eq!((code, err.as_str()), (0, ""), "{format}");
        let shown: Vec<(String, String)> = if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&out).unwrap();
            json["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["model"].as_str().unwrap().to_owned(),
                        r["price"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        } else {
            let mut reader = csv::Reader::from_reader(out.as_bytes());
            let headers = reader.headers().unwrap().clone();
            let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
            let (model, price) = (at("model"), at("price"));
            reader
                .records()
                .map(Result::unwrap)
                .take(models.len())
                .map(|r| (r[model].to_owned(), r[price].to_owned()))
                .collect()
        };
        let expected: Vec<(String, String)> = models
            .iter()
            .map(|m| {
                // Ten steps of one megapixel at 0.001206, to four places.
                (m.to_string(), "0.0121".to_owned())
            })
            .collect();
        assert_eq!(shown, expected, "{format}");
    }
}
