//! The fast JSON Lines reader and the row writers held to what a line means on its own:
//! lines written alike but differing from the line before in a blank, a tab, a key's place, a
//! repeated or escaped key, a bad value after the same bytes, or their line end, each read as
//! it reads alone; and figures at the widths where the digit writers change method.

use crate::{dis, run, temp_file};

/// A request body with `steps` written after `lead` (the bytes from the prompt's value to
/// the steps' value) and `tail` after the steps' value.
fn body(lead: &str, steps: &str, tail: &str) -> String {
    format!(r#"{{"model": "flux-dev", "prompt": "a cat"{lead}{steps}{tail}"#)
}

/// Lines that each differ from the line before them a little, as a program's output might.
fn alike_lines() -> Vec<String> {
    let tail = r#", "size": "512x512", "n": 2, "seed": 42}"#;
    let plain = ", \"num_inference_steps\": ";
    vec![
        body(plain, "20", tail),
        body(plain, "4", tail),
        // One blank more, or a tab, after the colon.
        body(", \"num_inference_steps\":  ", "20", tail),
        body(", \"num_inference_steps\":\t", "21", tail),
        // No blank after the colon, then a blank before the comma.
        body(", \"num_inference_steps\":", "22", tail),
        body(" , \"num_inference_steps\": ", "23", tail),
        // The same lead, then a bad value, a value with a leading zero, a fraction.
        body(plain, "2x0", tail),
        body(plain, "020", tail),
        body(plain, "20.5", tail),
        body(plain, "20", tail),
        // A repeated key after its lead was passed, an escaped key, another name.
        body(plain, "20", r#", "num_inference_steps": 30, "size": "512x512"}"#),
        body(", \"num_inference_st\\u0065ps\": ", "24", tail),
        body(", \"Num_inference_steps\": ", "25", tail),
        body(plain, "26", tail),
        // Keys in another order; the size before the steps.
        r#"{"model": "flux-dev", "size": "512x512", "prompt": "a cat", "num_inference_steps": 27, "n": 2}"#.to_owned(),
        body(plain, "28", tail),
        // Short lines, an empty object, a line of blanks, width and height.
        r#"{"n":3}"#.to_owned(),
        "{}".to_owned(),
        r#"{"steps":5}"#.to_owned(),
        body(plain, "29", r#", "width": 640, "height": 480, "n": 2}"#),
        body(plain, "30", r#", "width": 640, "height": 480, "n": 2, "width": 8}"#),
        body(plain, "31", tail),
        // A line ending \r\n, then the line again ending \n.
        format!("{}\r", body(plain, "32", tail)),
        body(plain, "32", tail),
        // Trailing blanks after the object; a repeated ignored key.
        format!("{}  \t", body(plain, "33", tail)),
        body(plain, "34", r#", "size": "512x512", "n": 2, "seed": 42, "seed": 43}"#),
        // The model written another way, then as before.
        r#"{"model": "FLUX.1-DEV", "prompt": "a cat", "num_inference_steps": 35, "size": "512x512", "n": 2, "seed": 42}"#.to_owned(),
        body(plain, "36", tail),
    ]
}

/// The row lines (those starting with a line number) of CSV output.
fn rows(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The warnings of a run's standard error (the closing count of skipped rows left out).
fn warnings(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("warning:")).collect()
}

/// Each line of a file of lines written alike gives the row (or the message) it gives when it
/// is the only line of its file, at the same line number.
#[test]
fn lines_written_alike_read_as_each_alone() {
    let lines = alike_lines();
    let file = lines.join("\n") + "\n";
    let (_dir, path) = temp_file("alike.jsonl", file.as_bytes());
    for flags in [
        &["--skip-invalid"][..],
        &["--skip-invalid", "--allow-out-of-range", "--defaults-ok"],
    ] {
        let (code, out, err) = run(dis()
            .args(["batch", "--format", "csv"])
            .args(flags)
            .arg(&path));
        assert_eq!(code, 2, "{err}");
        let (mut want_rows, mut want_warnings) = (Vec::new(), Vec::new());
        for (at, line) in lines.iter().enumerate() {
            // Blank lines before it keep its line number.
            let alone = format!("{}{line}\n", "\n".repeat(at));
            let (_alone_dir, alone_path) = temp_file("alone.jsonl", alone.as_bytes());
            let (_, out, err) = run(dis()
                .args(["batch", "--format", "csv"])
                .args(flags)
                .arg(&alone_path));
            want_rows.extend(rows(&out).into_iter().map(str::to_owned));
            want_warnings.extend(warnings(&err).into_iter().map(str::to_owned));
        }
        assert_eq!(rows(&out), want_rows, "{flags:?}");
        assert_eq!(warnings(&err), want_warnings, "{flags:?}");
        // Both kinds were met: rows priced and lines refused.
        assert!(
            want_rows.len() > 10 && want_warnings.len() > 5,
            "{out}{err}"
        );
    }
    // The values read, on a few lines: the extra blank and the tab pass as one space does,
    // the escaped key reads as the key, the \r\n ending as \n.
    let (_, out, _) = run(dis()
        .args(["batch", "--format", "csv", "--skip-invalid"])
        .arg(&path));
    for row in [
        "2,flux-dev,exact,4,512x512,2,",
        "3,flux-dev,exact,20,512x512,2,",
        "4,flux-dev,exact,21,512x512,2,",
        "12,flux-dev,exact,24,512x512,2,",
        "23,flux-dev,exact,32,512x512,2,",
        "24,flux-dev,exact,32,512x512,2,",
    ] {
        assert!(out.lines().any(|l| l.starts_with(row)), "{row} in {out}");
    }
}

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
    let out = crate::stdout_of(&["--tariff", tariff, "batch", path, "--format", "csv"]);
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
    let out = crate::stdout_of(&["--tariff", tariff, "batch", path, "--format", "json"]);
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
