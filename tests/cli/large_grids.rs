//! Big grids: `table` and `diff` stream their cells, warn once per distinct out-of-range value,
//! and still leave standard output empty on an error.

use crate::support::{BUILTIN, assert_bad_input, dis, edited, run, temp_file};
use serde_json::Value;

/// 40 square sizes, 960x960 to 999x999.
fn sizes() -> String {
    (960..=999)
        .map(|s| format!("{s}x{s}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", &text[..200]))
}

#[test]
fn a_thousand_rows_stream_as_one_json_document_with_every_cell() {
    let (code, out, err) = run(dis().args([
        "table",
        "--steps",
        "1..1000",
        "--sizes",
        &sizes(),
        "--allow-out-of-range",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["steps"].as_array().unwrap().len(), 1000);
    assert_eq!(doc["sizes"].as_array().unwrap().len(), 40);
    let cells = doc["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 40_000);
    // Row 777, column 999x999: 777 x 999 x 999 / 2^20 units at 0.001206 USD, exactly.
    let cell = &cells[776 * 40 + 39];
    assert_eq!(cell["steps"], 777);
    assert_eq!(cell["size"], "999x999");
    assert_eq!(cell["units"], "739.52367496490478515625");
    assert_eq!(cell["exact"], "0.8918655520076751708984375");
    assert_eq!(cell["price"], "0.8919");
    assert_eq!(doc["tariff"]["provider"], "Distribute.ai");
    // Steps 51 to 1000 are out of range: one warning each, not one per cell.
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 950, "{err}");
    assert_eq!(
        lines[0],
        "warning: steps 51 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (40 cells)"
    );
    assert_eq!(
        lines[949],
        "warning: steps 1000 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (40 cells)"
    );
}

#[test]
fn each_distinct_breach_is_one_warning_in_the_order_first_met_with_its_cells() {
    let (code, out, err) = run(dis().args([
        "table",
        "--steps",
        "0,1,60",
        "--sizes",
        "1000x512,512x512,1000x1000",
        "--allow-out-of-range",
        "--format",
        "csv",
    ]));
    assert_eq!(code, 0, "{err}");
    let side = "each side 1 to 999 or 1024 pixels";
    assert_eq!(
        err,
        format!(
            "warning: steps 0 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (3 cells)\n\
             warning: width 1000 is outside Flux.1 [dev]'s limit ({side}); the API would refuse it, priced anyway (6 cells)\n\
             warning: height 1000 is outside Flux.1 [dev]'s limit ({side}); the API would refuse it, priced anyway (3 cells)\n\
             warning: steps 60 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (3 cells)\n"
        )
    );
    assert_eq!(
        out,
        "steps,1000x512,512x512,1000x1000\n0,0.0000,0.0000,0.0000\n1,0.0006,0.0003,0.0012\n60,0.0353,0.0181,0.0690\n"
    );
}

#[test]
fn a_single_out_of_range_cell_says_one_cell() {
    let (code, _, err) = run(dis().args([
        "table",
        "--steps",
        "51",
        "--sizes",
        "512x512",
        "--allow-out-of-range",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        err,
        "warning: steps 51 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (1 cell)\n"
    );
}

#[test]
fn without_the_flag_the_first_out_of_range_cell_is_refused_before_any_output() {
    for format in ["table", "json", "csv", "markdown"] {
        assert_bad_input(
            dis().args([
                "table",
                "--steps",
                "1..1000",
                "--sizes",
                &sizes(),
                "--format",
                format,
            ]),
            &["steps 51 is outside Flux.1 [dev]'s limit (1 to 50 steps)"],
        );
    }
}

#[test]
fn a_cell_too_large_late_in_the_grid_leaves_standard_output_empty() {
    let huge = edited("rate = \"0.001206\"", "rate = \"1e26\"").replacen(
        "decimals = 4 ",
        "decimals = 0 ",
        1,
    );
    let (_dir, path) = temp_file("huge.toml", huge.as_bytes());
    for format in ["table", "json", "csv", "markdown"] {
        let (code, out, err) = run(dis().arg("--tariff").arg(&path).args([
            "table",
            "--steps",
            "10,1000",
            "--sizes",
            "256x256,1024x1024",
            "--allow-out-of-range",
            "--format",
            format,
        ]));
        // The warning for steps 1000, once, then the error; nothing on standard output.
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                2,
                "",
                "warning: steps 1000 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway (2 cells)\n\
                 error: the price of 1 image(s) of 1024x1024 at 1000 steps is too large to compute exactly\n"
            ),
            "{format}"
        );
    }
}

#[test]
fn a_big_diff_streams_every_cell_and_counts_every_rise() {
    let new = edited("rate = \"0.001206\"", "rate = \"0.0013266\"");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.toml"), BUILTIN).unwrap();
    std::fs::write(dir.path().join("new.toml"), new).unwrap();
    let diff = |extra: &[&str]| {
        run(dis()
            .current_dir(dir.path())
            .args(["diff", "old.toml", "new.toml", "--steps", "1..1000"])
            .args(["--sizes", &sizes()])
            .args(extra))
    };
    let (code, out, err) = diff(&["--format", "json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let doc = json(&out);
    let cells = doc["models"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 40_000);
    let cell = &cells[776 * 40 + 39];
    assert_eq!(cell["steps"], 777);
    assert_eq!(cell["old"], "0.8919");
    assert_eq!(cell["new"], "0.9811");
    assert_eq!(cell["difference"], "+0.08918655520076751708984375");
    assert_eq!(cell["percent"], "+10.00");
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1);
    // Every cell rises 10%, and so does the rate: 40,001 offences, found as the cells stream.
    let (code, out, err) = diff(&["--format", "csv", "--fail-above", "9.99"]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1 + 40_000 + 1);
    assert!(
        err.starts_with(
            "price rise: 40001 change(s) go past --fail-above 9.99%; the first: flux-dev rate"
        ),
        "{err}"
    );
    // The drawn table: one header, one line per cell, four rules.
    let (code, out, _) = diff(&["--format", "table"]);
    assert_eq!(code, 0);
    let drawn: Vec<&str> = out.lines().collect();
    assert!(
        drawn.contains(&"│   777 ┆ 999x999 ┆ 0.8919 ┆ 0.9811 ┆    +0.0892 ┆ +10.00% │"),
        "{}",
        drawn[..6].join("\n")
    );
}

#[test]
fn a_diff_cell_too_large_late_in_the_grid_leaves_standard_output_empty() {
    let huge = edited("rate = \"0.001206\"", "rate = \"1e26\"").replacen(
        "decimals = 4 ",
        "decimals = 0 ",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.toml"), BUILTIN).unwrap();
    std::fs::write(dir.path().join("new.toml"), huge).unwrap();
    for format in ["table", "json", "csv", "markdown"] {
        assert_bad_input(
            dis().current_dir(dir.path()).args([
                "diff",
                "old.toml",
                "new.toml",
                "--steps",
                "10,1000",
                "--sizes",
                "256x256,1024x1024",
                "--format",
                format,
            ]),
            &[
                "new.toml: model flux-dev: the price of 1 image(s) of 1024x1024 at 1000 steps is too large",
            ],
        );
    }
}

#[test]
fn a_batch_reports_each_distinct_breach_at_its_first_row_and_counts_the_rest() {
    let (_dir, path) = temp_file(
        "jobs.csv",
        b"steps,size\n0,512x512\n20,512x512\n0,1000x512\n60,512x512\n0,512x512\n",
    );
    let expected = "warning: line 2: steps 0 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway\n\
        warning: line 4: width 1000 is outside Flux.1 [dev]'s limit (each side 1 to 999 or 1024 pixels); the API would refuse it, priced anyway\n\
        warning: line 5: steps 60 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway\n\
        warning: steps 0 is outside Flux.1 [dev]'s limit (1 to 50 steps) in 2 more rows after line 2; the API would refuse them, priced anyway\n";
    // Per-job rows and the summary's fast path report alike.
    for extra in [&["--format", "csv"][..], &["--summary", "--format", "json"]] {
        let (code, out, err) = run(dis()
            .arg("batch")
            .arg(&path)
            .arg("--allow-out-of-range")
            .args(extra));
        assert_eq!((code, err.as_str()), (0, expected), "{extra:?}");
        assert!(out.contains("0.0241"), "{out}");
    }
}

#[test]
fn a_big_batch_of_out_of_range_rows_warns_twice_not_per_row() {
    let mut jobs = String::from("steps,size\n");
    for i in 0..100_000 {
        jobs.push_str(if i % 2 == 0 {
            "0,512x512\n"
        } else {
            "20,512x512\n"
        });
    }
    let (_dir, path) = temp_file("jobs.csv", jobs.as_bytes());
    for format in ["csv", "json", "table"] {
        let (code, out, err) =
            run(dis()
                .arg("batch")
                .arg(&path)
                .args(["--allow-out-of-range", "--format", format]));
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            err,
            "warning: line 2: steps 0 is outside Flux.1 [dev]'s limit (1 to 50 steps); the API would refuse it, priced anyway\n\
             warning: steps 0 is outside Flux.1 [dev]'s limit (1 to 50 steps) in 49999 more rows after line 2; the API would refuse them, priced anyway\n",
            "{format}"
        );
        assert!(
            out.contains("301.5000"),
            "{format}: {}",
            &out[out.len() - 300..]
        );
    }
}
