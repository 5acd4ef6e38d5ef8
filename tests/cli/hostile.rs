//! Hostile input: each case through the real binary must end with status 2, an `error:` line on
//! stderr naming the bad value, and nothing on stdout. Never a panic, a hang, or a plausible
//! wrong number.

use std::path::Path;

use crate::support::{BUILTIN, dis, edited, run, temp_file};

/// Runs `args` (with `tariff` as --tariff when given) and checks the contract.
fn refused(args: &[&str], tariff: Option<&Path>, needle: &str) {
    let mut cmd = dis();
    if let Some(path) = tariff {
        cmd.arg("--tariff").arg(path);
    }
    let (code, out, err) = run(cmd.args(args));
    assert_eq!(code, 2, "{args:?}: status {code}\n{err}");
    assert!(out.is_empty(), "{args:?}: stdout not empty: {out}");
    assert!(
        err.lines().any(|l| l.starts_with("error:")),
        "{args:?}: no error line: {err}"
    );
    assert!(
        err.contains(needle),
        "{args:?}: {needle:?} not named in: {err}"
    );
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn sizes() {
    let thirty = "1".repeat(30);
    let wide = format!("{thirty}x512");
    for size in [
        "",
        " ",
        "0x512",
        "512x0",
        "-512x512",
        "512x",
        "x512",
        "512x512x512",
        "1e3x512",
        "0x200x512",
        "５１２x512",
        &thirty,
        &wide,
    ] {
        let flag = format!("--size={size}");
        // The value is quoted in the message; a 30-digit side shows in the excerpt.
        let needle = format!("\"{}", size.chars().take(20).collect::<String>());
        refused(&[&flag], None, &needle);
        refused(&["table", &format!("--sizes={size}")], None, &needle);
    }
}

#[test]
fn steps_and_counts() {
    for value in [
        "-1",
        "1.5",
        "NaN",
        "99999999999999999999",
        "",
        "1e3",
        "0x10",
        "+5",
        " ",
    ] {
        refused(&[&format!("--steps={value}")], None, &format!("{value:?}"));
        refused(&[&format!("--count={value}")], None, &format!("{value:?}"));
        refused(
            &["afford", "--budget", "1", &format!("--count={value}")],
            None,
            &format!("{value:?}"),
        );
    }
    refused(&["--steps=0"], None, "steps 0");
    refused(&["--count=0"], None, "count 0");
    refused(&["table", "--steps=0..4294967295"], None, "more than 1000");
}

#[test]
fn tariffs() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.toml", Vec::new(), "the tariff is empty"),
        (
            "random.toml",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
            "random.toml",
        ),
        (
            "latin1.toml",
            b"schema = 1\nprovider = \"Caf\xe9\"\n".to_vec(),
            "not UTF-8",
        ),
        (
            "rate-1e30.toml",
            edited("rate = \"0.001206\"", "rate = 1e30").into_bytes(),
            "1e30",
        ),
        (
            "rate-minus-zero.toml",
            edited("rate = \"0.001206\"", "rate = \"-0\"").into_bytes(),
            "rate = \"-0\"",
        ),
        (
            "rate-abc.toml",
            edited("rate = \"0.001206\"", "rate = \"abc\"").into_bytes(),
            "\"abc\"",
        ),
        (
            "rate-40.toml",
            edited(
                "rate = \"0.001206\"",
                "rate = \"0.0012060000000000000000000000000000000001\"",
            )
            .into_bytes(),
            "0.0012060000000000000000000000000000000001",
        ),
        (
            "rate-inf.toml",
            edited("rate = \"0.001206\"", "rate = inf").into_bytes(),
            "inf",
        ),
        (
            "rate-nan.toml",
            edited("rate = \"0.001206\"", "rate = nan").into_bytes(),
            "nan",
        ),
        (
            "schema-3.toml",
            edited("schema = 2", "schema = 3").into_bytes(),
            "schema 3",
        ),
    ];
    for (name, bytes, needle) in cases {
        let (_d, path) = temp_file(name, &bytes);
        refused(&["--format=plain"], Some(&path), needle);
    }
    // 100 MB, sparse: refused after reading the first MiB.
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.toml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    refused(&[], Some(&huge), "larger than 1048576 bytes");
    refused(
        &[],
        Some(Path::new("/no/such/tariff.toml")),
        "/no/such/tariff.toml",
    );
    refused(&[], Some(dir.path()), "is a directory");
    refused(
        &[],
        Some(Path::new("/etc/hostname/not-a-dir.toml")),
        "/etc/hostname/not-a-dir.toml",
    );
}

#[test]
fn prices_too_large_for_exact_arithmetic() {
    let max = u32::MAX.to_string();
    refused(
        &[
            "--steps",
            &max,
            "--size",
            &max,
            "-n",
            &max,
            "--allow-out-of-range",
        ],
        None,
        "too large to compute exactly",
    );
}

#[test]
fn batch_files() {
    let line = {
        let mut text = b"steps,size\n20,".to_vec();
        text.extend(std::iter::repeat_n(b'5', 3 * 1024 * 1024));
        text.push(b'\n');
        text
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("long.csv", line, "line 2 is longer than 1048576 bytes"),
        (
            "missing-column.csv",
            b"steps,size,n\n20,512\n".to_vec(),
            "line 2",
        ),
        (
            "array.jsonl",
            b"[20, \"512x512\"]\n".to_vec(),
            "is an array",
        ),
        ("null.jsonl", b"null\n".to_vec(), "is null"),
        ("number.jsonl", b"20\n".to_vec(), "is a number"),
        ("string.jsonl", b"\"512x512\"\n".to_vec(), "is a string"),
        (
            "latin1.csv",
            b"steps,size\n20,512\xd7512\n".to_vec(),
            "not UTF-8",
        ),
        (
            "bad-quote.csv",
            b"steps,size\n20,\"512\n".to_vec(),
            "not closed",
        ),
        (
            "float-steps.jsonl",
            b"{\"num_inference_steps\": 20.5}\n".to_vec(),
            "\"20.5\"",
        ),
        (
            "huge-n.jsonl",
            b"{\"n\": 99999999999999999999}\n".to_vec(),
            "99999999999999999999",
        ),
        (
            "huge-count.csv",
            b"steps,size,n\n20,512,99999999999999999999\n".to_vec(),
            "99999999999999999999",
        ),
    ];
    for (name, bytes, needle) in cases {
        let (_d, path) = temp_file(name, &bytes);
        refused(
            &["batch", path.to_str().unwrap(), "--format=csv", "--summary"],
            None,
            needle,
        );
    }
    refused(&["batch", "/no/such/jobs.csv"], None, "/no/such/jobs.csv");
    let dir = tempfile::tempdir().unwrap();
    refused(
        &["batch", dir.path().to_str().unwrap(), "--input=csv"],
        None,
        "directory",
    );
}

#[test]
fn a_huge_batch_line_does_not_grow_memory() {
    // A 64 MiB line of one field: refused at the cap, having held at most about 1 MiB of it.
    let mut text = b"steps,size\n".to_vec();
    text.extend(std::iter::repeat_n(b'7', 64 * 1024 * 1024));
    if !crate::support::require_tool("/usr/bin/time", "a_huge_batch_line_does_not_grow_memory") {
        return;
    }
    let (_d, path) = temp_file("huge-line.csv", &text);
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_dis-price"))
        .args(["batch", path.to_str().unwrap(), "--summary"])
        .output()
        .expect("/usr/bin/time runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2 is longer than 1048576 bytes"), "{err}");
    // Peak resident set in KiB, on the last line: well under the 64 MiB input.
    let peak: u64 = err
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    assert!(peak > 0 && peak < 32 * 1024, "peak {peak} KiB");
}

#[test]
fn nothing_in_the_shipped_tariff_is_hostile() {
    // The control for the cases above: the same commands succeed on the real tariff.
    let (_d, path) = temp_file("ok.toml", BUILTIN.as_bytes());
    let (code, out, _) = run(dis().arg("--tariff").arg(&path).arg("--format=plain"));
    assert_eq!((code, out.as_str()), (0, "0.0068\n"));
}

#[test]
fn mixed_batch_files() {
    let chat = |rest: &str| format!("{{\"model\":\"Llama-3.1 8B\",{rest}}}\n").into_bytes();
    let deep = format!(
        "{{\"model\":\"Llama-3.1 8B\",\"max_tokens\":1,\"messages\":{}{}}}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let mut long = chat("\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"");
    long.truncate(long.len() - 2);
    long.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    long.extend(b"\"}]}\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deep.jsonl", deep.into_bytes(), "line 1"),
        ("long.jsonl", long, "longer than 1048576 bytes"),
        (
            "overflow-total.jsonl",
            chat(
                "\"usage\":{\"prompt_tokens\":18446744073709551615,\"completion_tokens\":1,\"total_tokens\":0}",
            ),
            "does not add up",
        ),
        (
            "huge-tokens.jsonl",
            chat("\"input_tokens\":18446744073709551616,\"output_tokens\":1"),
            "18446744073709551616",
        ),
        (
            "string-tokens.jsonl",
            chat("\"input_tokens\":\"100\",\"output_tokens\":1"),
            "\"100\"",
        ),
        (
            "nan-seconds.jsonl",
            b"{\"model\":\"Chatterbox\",\"seconds\":\"NaN\"}\n".to_vec(),
            "NaN",
        ),
        (
            "huge-seconds.jsonl",
            b"{\"model\":\"Chatterbox\",\"seconds\":1e400}\n".to_vec(),
            "1e400",
        ),
        (
            "too-precise.jsonl",
            b"{\"model\":\"Chatterbox\",\"seconds\":79228162514264337593543950335}\n".to_vec(),
            "line 1",
        ),
        (
            "latin1.jsonl",
            b"{\"model\":\"Chatterbox\",\"input\":\"caf\xe9\",\"seconds\":1}\n".to_vec(),
            "not UTF-8",
        ),
        (
            "lone-cr.jsonl",
            b"{\"model\":\"Chatterbox\",\"seconds\":1}\r{\"model\":\"Chatterbox\",\"seconds\":9}\n"
                .to_vec(),
            "carriage return",
        ),
        (
            "repeat-nested.jsonl",
            chat(
                "\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"x\"}]",
            ),
            "repeats the key \"role\"",
        ),
        (
            "repeat-max.jsonl",
            chat(
                "\"max_tokens\":1,\"max_tokens\":99,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]",
            ),
            "repeats the key \"max_tokens\"",
        ),
        (
            "empty-messages.jsonl",
            chat("\"max_tokens\":1,\"messages\":[]"),
            "is empty",
        ),
        (
            "csv-huge-seconds.csv",
            b"model,seconds\nChatterbox,99999999999999999999999999999999\n".to_vec(),
            "99999999999999999999999999999999",
        ),
    ];
    for (name, bytes, needle) in cases {
        let (_d, path) = temp_file(name, &bytes);
        refused(
            &["batch", path.to_str().unwrap(), "--format=csv", "--summary"],
            None,
            needle,
        );
    }
    // A rate so large that text times it cannot be computed exactly.
    let (_d, path) = temp_file(
        "speech.jsonl",
        format!(
            "{{\"model\":\"Chatterbox\",\"input\":\"{}\",\"voice\":\"a\"}}\n",
            "a".repeat(1000)
        )
        .as_bytes(),
    );
    refused(
        &[
            "batch",
            path.to_str().unwrap(),
            "--seconds-per-char",
            "79228162514264337593543950335",
        ],
        None,
        "too large",
    );
}
