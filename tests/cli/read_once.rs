//! Every input is read once, whatever it is (a file, standard input, `/dev/stdin`, a named
//! pipe), on both sides of a comparison; and a file's rows are priced by their own meter on
//! either side.

use std::process::Stdio;

use super::{dis, run, temp_file};

const IMAGE: &str =
    "{\"model\": \"flux-dev\", \"num_inference_steps\": 20, \"size\": \"512x512\"}\n";
const CHAT: &str = "{\"model\": \"Llama-3.1 8B\", \"usage\": {\"prompt_tokens\": 1000, \"completion_tokens\": 500}}\n";

/// Runs `args` with `input` on standard input.
fn with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    run(dis().args(args).write_stdin(input.to_owned()))
}

/// A head read from standard input (as `-` and as `/dev/stdin`) is compared whole: twice the
/// base's jobs are a 100% rise, which fails a 10% gate, for image, chat and mixed files.
#[test]
fn a_piped_head_is_read_once_and_compared_whole() {
    for one in [IMAGE.to_owned(), CHAT.to_owned(), format!("{IMAGE}{CHAT}")] {
        let (_dir, base) = temp_file("base.jsonl", one.as_bytes());
        let base = base.to_str().unwrap();
        let twice = one.repeat(2);
        for head in ["-", "/dev/stdin"] {
            let (code, out, err) = with_stdin(
                &[
                    "batch",
                    head,
                    "--input",
                    "jsonl",
                    "--baseline",
                    base,
                    "--fail-above",
                    "10",
                    "--format",
                    "json",
                ],
                &twice,
            );
            assert_eq!(code, 1, "{head}: {err}");
            let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
            assert_eq!(json["head"]["file"], head, "{out}");
            let jobs = |side: &str| json[side]["jobs"].as_u64().expect("a count");
            assert_eq!(2 * jobs("base"), jobs("head"), "{out}");
            assert!(err.contains("+100"), "{head}: {err}");
        }
    }
}

/// Under `--baseline-tariff`, one workload from standard input is priced under both tariffs:
/// neither side is empty.
#[test]
fn a_piped_workload_under_two_tariffs_is_priced_on_both_sides() {
    let dearer = super::edited("rate = \"0.001206\"", "rate = \"0.002412\"");
    let (_dir, old) = temp_file("old.toml", super::BUILTIN.as_bytes());
    let (_dir2, new) = temp_file("new.toml", dearer.as_bytes());
    let input = format!("{IMAGE}{CHAT}");
    let (code, out, err) = with_stdin(
        &[
            "batch",
            "-",
            "--input",
            "jsonl",
            "--tariff",
            new.to_str().unwrap(),
            "--baseline-tariff",
            old.to_str().unwrap(),
            "--format",
            "plain",
        ],
        &input,
    );
    assert_eq!(code, 0, "{err}");
    // The image job doubles (0.0060 more); the chat row's price is the same.
    assert_eq!(out.trim(), "+0.0060");
}

/// A CSV head from a pipe has its header and rows: it is not "empty".
#[test]
fn a_piped_csv_head_is_read_with_its_header() {
    let (_dir, base) = temp_file("base.csv", b"steps,size\n20,512x512\n");
    let (code, out, err) = with_stdin(
        &[
            "batch",
            "-",
            "--input",
            "csv",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "plain",
        ],
        "steps,size\n20,512x512\n20,512x512\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "+0.0060");
}

/// A named pipe as the head is read once: the run ends with the whole comparison.
#[cfg(unix)]
#[test]
fn a_named_pipe_head_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("head.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (_d, base) = temp_file("base.jsonl", IMAGE.as_bytes());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
        .env("DIS_PRICE_TODAY", super::TODAY)
        .args(["batch", fifo.to_str().unwrap(), "--baseline"])
        .arg(&base)
        .args(["--format", "plain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::fs::write(&fifo, IMAGE.repeat(3)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "+0.0121");
}

/// A CSV of tokens without a model (or with a blank one) is refused on either side of a
/// comparison and alone, never priced as default images.
#[test]
fn token_rows_without_a_model_are_refused_on_every_side() {
    let tokens = "input_tokens,output_tokens\n1000,500\n";
    let blank = "model,input_tokens,output_tokens\n,1000,500\n";
    let named = "model,input_tokens,output_tokens\nLlama-3.1 8B,1000,500\n";
    for bad in [tokens, blank] {
        let (_d, bad_file) = temp_file("bad.csv", bad.as_bytes());
        let (_e, good_file) = temp_file("good.csv", named.as_bytes());
        let bad_path = bad_file.to_str().unwrap();
        let good_path = good_file.to_str().unwrap();
        for args in [
            vec!["batch", bad_path],
            vec!["batch", good_path, "--baseline", bad_path],
            vec!["batch", bad_path, "--baseline", good_path],
        ] {
            let (code, out, err) = run(dis().args(&args));
            assert_eq!(code, 2, "{args:?}: {out}");
            assert!(err.contains("must name its model"), "{args:?}: {err}");
        }
        let (code, _, err) = with_stdin(
            &["batch", "-", "--input", "csv", "--baseline", good_path],
            bad,
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("must name its model"), "{err}");
    }
}

/// An image CSV whose chat and speech columns are blank on every row is priced as images, and
/// its rows say so.
#[test]
fn blank_token_and_second_cells_leave_an_image_row() {
    let (_d, file) = temp_file(
        "jobs.csv",
        b"steps,size,input_tokens,output_tokens,seconds\n20,512x512,,,\n",
    );
    let (code, out, err) = run(dis().args(["batch", file.to_str().unwrap(), "--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(
        (
            cell("kind"),
            cell("steps"),
            cell("input_tokens"),
            cell("price")
        ),
        ("exact", "20", "", "0.0060")
    );
}
