//! The fast batch paths through the real binary: request bodies read in one pass (and every
//! other line by the general reader, with its exact error), JSON rows rendered on every core,
//! and the drawn table streaming past the rows it holds.

use crate::{assert_bad_input, dis, run, stdout_of, temp_file};

/// Request bodies as a client sends them: a prompt with escapes and non-ASCII text, a seed.
const BODIES: &str = concat!(
    r#"{"model": "flux-dev", "prompt": "a \"red\" fox\\n, café 猫", "num_inference_steps": 20, "size": "999x7", "n": 3, "seed": 4294967295}"#,
    "\n",
    r#"{"model":"flux-dev","prompt":"x","num_inference_steps":7,"size":"333x999","n":1,"seed":-6,"guidance_scale":7.5,"style":null}"#,
    "\n",
);

#[test]
fn request_bodies_price_exactly() {
    let (_dir, path) = temp_file("bodies.jsonl", BODIES.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    assert_eq!(
        stdout_of(&["batch", path, "--format", "csv"]),
        "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
         1,flux-dev,exact,20,999x7,3,0.400142669677734375,,,,,0.00048257205963134765625,0.0005\n\
         2,flux-dev,exact,7,333x999,1,2.22079181671142578125,,,,,0.0026782749309539794921875,0.0027\n\
         subtotal,flux-dev,exact,,,4,2.62093448638916015625,,,,,0.0031608469905853271484375,0.0032\n\
         total,,exact,,,4,,,,,,0.0031608469905853271484375,0.0032\n"
    );
}

/// Each line the one-pass reader does not take is read by the general reader, whose message
/// names the line, the field and the value.
#[test]
fn lines_the_fast_path_declines_get_the_general_readers_error() {
    let good = r#"{"num_inference_steps": 20, "size": "512x512"}"#;
    for (bad, needles) in [
        (
            r#"{"num_inference_steps": 20, "stepz": 1}"#,
            &[
                "line 2: stepz \"1\": is not a key",
                "did you mean \"steps\"?",
            ][..],
        ),
        (
            r#"{"num_inference_steps": 20, "num_inference_steps": 20}"#,
            &["line 2: num_inference_steps \"20\": repeats the key"],
        ),
        (
            r#"{"num_inference_steps": 20, "steps": 20}"#,
            &["line 2: steps \"20\": repeats \"num_inference_steps\""],
        ),
        (
            r#"{"num_inference_steps": 020}"#,
            &["line 2: row", "is not JSON: invalid number"],
        ),
        (
            r#"{"num_inference_steps": 4294967296}"#,
            &[
                "line 2: num_inference_steps \"4294967296\": is not a whole number from 0 to 4294967295",
            ],
        ),
        (
            r#"{"num_inference_steps": "20"}"#,
            &[
                "line 2: num_inference_steps \"20\": is not a whole number",
                "(it is a string: write 20, not \"20\")",
            ],
        ),
        (
            "{\"prompt\": \"tab\there\", \"n\": 1}",
            &["line 2: row", "is not JSON: control character"],
        ),
        (
            r#"{"prompt": "\ud800", "n": 1}"#,
            &["line 2: row", "is not JSON"],
        ),
        (
            r#"{"n": 1}{"n": 2}"#,
            &["line 2: row", "is not JSON: trailing characters"],
        ),
        (
            r#"{"size": "512x512", "width": 5, "height": 5}"#,
            &[
                "line 2: size",
                "give either size or width and height, not both",
            ],
        ),
        (
            r#"{"width": 512}"#,
            &["line 2: height \"\": is missing; width 512 needs a height"],
        ),
        (
            r#"{"model": "flux-dev", "seed": 1}"#,
            &["line 2: row", "no key sets the price"],
        ),
    ] {
        let text = format!("{good}\n{bad}\n");
        let (_dir, path) = temp_file("jobs.jsonl", text.as_bytes());
        assert_bad_input(
            dis()
                .arg("batch")
                .arg(&path)
                .args(["--summary", "--format", "csv"]),
            needles,
        );
    }
}

/// `n` CSV jobs with sizes and counts that vary, so every row prices differently.
fn many_jobs(n: usize) -> String {
    let mut text = String::from("steps,size,n\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},{}x{},{}\n",
            1 + i % 50,
            1 + i % 999,
            1 + (i * 7) % 999,
            1 + i % 8
        ));
    }
    text
}

/// JSON rows rendered in pieces on every core come out in input order, the first without a
/// separator, each the same job as the CSV row.
#[test]
fn json_rows_in_parallel_pieces_are_whole_and_in_order() {
    let n = 30_000;
    let (_dir, path) = temp_file("jobs.csv", many_jobs(n).as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let json = stdout_of(&["batch", path, "--format", "json"]);
    assert!(
        json.contains("\"jobs\": [\n    {\"line\":2,"),
        "{}",
        &json[..200]
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    let jobs = doc["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), n);
    let csv = stdout_of(&["batch", path, "--format", "csv"]);
    for (i, (job, row)) in jobs.iter().zip(csv.lines().skip(1)).enumerate() {
        let row: Vec<&str> = row.split(',').collect();
        assert_eq!(job["line"], serde_json::json!(i + 2));
        assert_eq!(job["line"].to_string(), row[0]);
        assert_eq!(job["size"], row[3]);
        assert_eq!(job["units"], row[5]);
        assert_eq!(job["price"], row[6]);
    }
    // No job at all: an empty list, as before.
    let (_dir, path) = temp_file("bad.csv", b"steps,size,n\n900,512x512,1\n");
    let (code, out, _) =
        run(dis()
            .arg("batch")
            .arg(&path)
            .args(["--format", "json", "--skip-invalid"]));
    assert_eq!(code, 2);
    assert!(out.contains("\"jobs\": [],\n"), "{out}");
}

/// Past the rows it holds, the drawn table streams: each table drawn is rectangular, every
/// job appears once and in order, and a line number gaining a digit starts a wider table.
#[test]
fn the_drawn_table_streams_past_the_rows_it_holds() {
    let n = 100_050;
    let (_dir, path) = temp_file("jobs.csv", many_jobs(n).as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let out = stdout_of(&["batch", path]);
    let lines: Vec<&str> = out.lines().collect();
    let tops: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('┌'))
        .collect();
    // Two job tables (lines 2 to 99,999, then 100,000 on) and the totals.
    assert_eq!(tops.len(), 3, "{tops:?}");
    let mut next = 2u64;
    for pair in tops.windows(2) {
        let table = &lines[pair[0]..pair[1]];
        let width = table[0].chars().count();
        assert!(table.iter().all(|l| l.chars().count() == width));
        assert!(
            table[1]
                .trim_start_matches(['│', ' '])
                .starts_with("line ┆")
        );
        assert!(table.last().expect("rows").starts_with('└'));
        for row in &table[3..table.len() - 1] {
            let line: u64 = row
                .trim_start_matches(['│', ' '])
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(line, next);
            next += 1;
        }
    }
    assert_eq!(next, n as u64 + 2);
    assert!(
        lines[tops[1] + 3].starts_with("│ 100000 ┆"),
        "{}",
        lines[tops[1] + 3]
    );
}
