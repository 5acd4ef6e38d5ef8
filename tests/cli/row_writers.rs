//! The row writers: fields rows priced alike share are reused only while they are alike, and
//! figures at the widths where the digit writers change method.

use crate::support::{dis, edited, run, temp_file};

/// A tariff with limits wide enough for any figure, and a model id that CSV must quote and
/// defuse, longer than 64 bytes.
const WIDE: &str = r#"schema = 2
provider = "Test"
currency = "USD"
source = "https://example.com"
as_of = "2026-11-25"
default_model = "wide"

[display]
decimals = 4
rounding = "half-up"

[models.wide]
name = "Wide"
unit = "megapixel-step"
unit_size = "1024x1024"
rate = "0.001206"
minimum = "0"
steps = { min = 1, max = 4294967295, default = 10 }
side = { min = 1, max = 4294967295 }
default_size = "768x768"

[models."=cmd,\"quoted\" a model id well past sixty four bytes long, with, commas"]
name = "Long"
unit = "megapixel-step"
unit_size = "1024x1024"
rate = "0.001206"
minimum = "0"
steps = { min = 1, max = 4294967295, default = 10 }
side = { min = 1, max = 4294967295 }
default_size = "768x768"
"#;

/// Figures at 10^8 - 1 and 10^8 (where whole numbers stop being written eight digits at once)
/// and at u32::MAX, prices past 10^8 units of their last place, and a long quoted model id,
/// in CSV and JSON rows: checked against values worked out by hand (units are
/// steps x width x height x count / 2^20, the price 0.001206 per unit).
#[test]
fn figures_at_the_digit_writers_edges() {
    let (_tdir, tariff) = temp_file("wide.toml", WIDE.as_bytes());
    let jobs = [
        r#"{"steps": 100000000, "size": "1024x1024", "n": 1}"#,
        r#"{"steps": 99999999, "size": "1024x1024", "n": 1}"#,
        r#"{"steps": 1, "size": "1x1", "n": 100000000}"#,
        r#"{"steps": 4294967295, "size": "4294967295x1", "n": 4294967295}"#,
        r#"{"model": "=cmd,\"quoted\" a model id well past sixty four bytes long, with, commas", "steps": 99999999, "size": "99999999x100000000", "n": 99999999}"#,
    ];
    let (_dir, path) = temp_file("wide.jsonl", (jobs.join("\n") + "\n").as_bytes());
    let tariff = tariff.to_str().unwrap();
    let path = path.to_str().unwrap();
    let out = crate::support::stdout_of(&["--tariff", tariff, "batch", path, "--format", "csv"]);
    assert_eq!(
        out,
        "line,model,steps,size,count,units,price\n\
         1,wide,100000000,1024x1024,1,100000000,120600.0000\n\
         2,wide,99999999,1024x1024,1,99999999,120599.9988\n\
         3,wide,1,1x1,100000000,95.367431640625,0.1150\n\
         4,wide,4294967295,4294967295x1,4294967295,75557863673137765298175.99999904632568359375,91122783589804144949.6003\n\
         5,\"'=cmd,\"\"quoted\"\" a model id well past sixty four bytes long, with, commas\",99999999,99999999x100000000,99999999,95367428779602079391479396.820068359375,115013119108200107746124.1526\n\
         subtotal,wide,,,4394967297,75557863673137965298270.36743068695068359375,91122783589804386149.7141\n\
         subtotal,\"'=cmd,\"\"quoted\"\" a model id well past sixty four bytes long, with, commas\",,,99999999,95367428779602079391479396.820068359375,115013119108200107746124.1526\n\
         total,,,,4494967296,,115104241891789912132273.8666\n"
    );
    let out = crate::support::stdout_of(&["--tariff", tariff, "batch", path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let job = |i: usize, key: &str| v["jobs"][i][key].as_str().unwrap().to_owned();
    assert_eq!(job(0, "exact"), "120600");
    assert_eq!(job(1, "exact"), "120599.998794");
    assert_eq!(job(2, "exact"), "0.11501312255859375");
    assert_eq!(
        job(3, "exact"),
        "91122783589804144949.6002559988498687744140625"
    );
    assert_eq!(
        job(4, "model"),
        "=cmd,\"quoted\" a model id well past sixty four bytes long, with, commas"
    );
    assert_eq!(job(4, "units"), "95367428779602079391479396.820068359375");
    assert_eq!(
        job(4, "exact"),
        "115013119108200107746124.15256500244140625"
    );
    assert_eq!(job(4, "price"), "115013119108200107746124.1526");
    assert_eq!(v["jobs"][4]["width"], 99_999_999);
    assert_eq!(v["jobs"][4]["height"], 100_000_000);
    // A JSON row of more than 256 bytes, written whole.
    let row = out.lines().find(|l| l.contains("\"line\":5,")).unwrap();
    assert!(row.len() > 256, "{row}");
}

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
        crate::support::BUILTIN
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
