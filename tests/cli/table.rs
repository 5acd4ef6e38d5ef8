//! `dis-price table`.

use crate::support::{assert_bad_input, dis, run, stdout_of};

#[test]
fn the_published_axes_in_every_format() {
    insta::assert_snapshot!("table_table", stdout_of(&["table"]));
    insta::assert_snapshot!(
        "table_markdown",
        stdout_of(&["table", "--format", "markdown"])
    );
    insta::assert_snapshot!("table_csv", stdout_of(&["table", "--format", "csv"]));
    insta::assert_snapshot!("table_json", stdout_of(&["table", "--format", "json"]));
}

#[test]
fn csv_header_and_rows() {
    let out = stdout_of(&["table", "--format", "csv"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("steps,256x256,512x512,768x768"));
    assert_eq!(lines.next(), Some("10,0.0008,0.0030,0.0068"));
    assert_eq!(lines.next(), Some("20,0.0015,0.0060,0.0136"));
    assert_eq!(lines.next(), Some("30,0.0023,0.0090,0.0204"));
    assert_eq!(lines.next(), None);
}

#[test]
fn axes_can_be_replaced_and_ranges_are_inclusive() {
    let out = stdout_of(&[
        "table",
        "--steps",
        "10..50:10",
        "--sizes",
        "256x256,512x512,1024x1024",
        "--format",
        "csv",
    ]);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "steps,256x256,512x512,1024x1024");
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[5], "50,0.0038,0.0151,0.0603");
}

#[test]
fn each_cell_equals_the_single_job_price() {
    let out = stdout_of(&[
        "table",
        "--steps",
        "1,7,50",
        "--sizes",
        "1,333x777,1024",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 9);
    for cell in cells {
        let steps = cell["steps"].to_string();
        let size = cell["size"].as_str().unwrap();
        let one = stdout_of(&["--steps", &steps, "--size", size, "--format", "json"]);
        let one: serde_json::Value = serde_json::from_str(&one).unwrap();
        assert_eq!(cell["price"], one["price"], "{steps} {size}");
        assert_eq!(cell["exact"], one["exact"], "{steps} {size}");
        assert_eq!(cell["units"], one["units"], "{steps} {size}");
    }
}

#[test]
fn bad_axes_are_named() {
    assert_bad_input(
        dis().args(["table", "--steps", "50..10"]),
        &["\"50..10\"", "backwards"],
    );
    assert_bad_input(dis().args(["table", "--steps", "10..50:0"]), &["step of 0"]);
    assert_bad_input(dis().args(["table", "--sizes", "256,512x"]), &["\"512x\""]);
    assert_bad_input(
        dis().args(["table", "--steps", "1..100000"]),
        &["more than 1000"],
    );
    assert_bad_input(
        dis().args(["table", "--steps", "60"]),
        &["steps 60", "1 to 50"],
    );
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // About 400 kB of CSV: far more than a pipe buffers, so the writer must meet the closed pipe.
    let sizes: Vec<String> = (1..=999).map(|n| n.to_string()).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .args([
            "table",
            "--steps",
            "1..50",
            "--sizes",
            &sizes.join(","),
            "--format",
            "csv",
        ])
        .env_remove("DIS_PRICE_TARIFF")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("steps,1x1,2x2"));
    // The reader is dropped here, closing the pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn table_of_an_unknown_model() {
    let (code, out, _) = run(dis().args(["table", "--model", "nope"]));
    assert_eq!((code, out.as_str()), (2, ""));
}

/// `--format plain`: the prices alone, a line per row as the drawn table lays them out, for
/// every meter.
#[test]
fn plain_prints_the_prices_alone_a_line_per_row() {
    assert_eq!(
        stdout_of(&["table", "--format", "plain"]),
        "0.0008 0.0030 0.0068\n0.0015 0.0060 0.0136\n0.0023 0.0090 0.0204\n"
    );
    assert_eq!(
        stdout_of(&[
            "table",
            "--model",
            "Llama-3.1 8B",
            "--input-tokens",
            "1000,10000",
            "--output-tokens",
            "100,1000,10000",
            "--format",
            "plain"
        ]),
        "0.0001 0.0003 0.0017\n0.0010 0.0012 0.0026\n"
    );
    assert_eq!(
        stdout_of(&[
            "table",
            "--model",
            "chatterbox",
            "--seconds",
            "0.5,12.25",
            "--format",
            "plain"
        ]),
        "0.0030\n0.0368\n"
    );
}
