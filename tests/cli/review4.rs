//! The JSON Lines fast paths under hostile input: a speech key written with escapes whose
//! name is cut by the key scan's 1 MiB reads, pieces that shrink (long lines, then short
//! ones, the last without a line end) read from a file and from standard input, and lines at
//! the line cap with each line ending. Each prices as the general reader does.

use crate::{dis, run, temp_file};

const MIB: usize = 1 << 20;

/// Image lines of exactly `n` bytes in all (`n` at least 60), each under the line cap.
fn image_lines(mut n: usize) -> Vec<u8> {
    assert!(n >= 60);
    let (head, tail) = (br#"{"steps":20,"size":"512x512","prompt":""#, b"\"}\n");
    let mut out = Vec::with_capacity(n);
    while n > 0 {
        let mut take = n.min(200_000);
        if n - take > 0 && n - take < 60 {
            take = n - 60;
        }
        out.extend_from_slice(head);
        out.resize(out.len() + take - head.len() - tail.len(), b'a');
        out.extend_from_slice(tail);
        n -= take;
    }
    out
}

/// The plain total and status of a run over `bytes` as a file.
fn plain_total(bytes: &[u8]) -> (i32, String, String) {
    let (_dir, path) = temp_file("work.jsonl", bytes);
    run(dis()
        .arg("batch")
        .arg(&path)
        .args(["--summary", "--format", "plain"]))
}

#[test]
fn an_escaped_speech_key_cut_by_the_scans_reads_is_found() {
    for name in [
        r"\u0069np\u0075t",
        r"\u0069\u006E\u0070\u0075\u0074",
        r"inpu\u0074",
    ] {
        for d in [-130isize, -127, -7, -3, -2, -1, 0, 1, 3] {
            // The byte before the name's first escape falls `d` bytes from the end of the scan's
            // first 1 MiB read.
            let key_at = speech(name).iter().position(|&b| b == b'\\').unwrap() - 1;
            let before = (MIB as isize + d) as usize - key_at;
            let mut bytes = image_lines(before);
            bytes.extend_from_slice(&speech(name));
            bytes.extend_from_slice(&image_lines(1000));
            // The same file with the key written plainly: the line priced as speech.
            let plain = String::from_utf8(bytes.clone())
                .unwrap()
                .replacen(name, "input", 1);
            let expected = plain_total(plain.as_bytes());
            assert_eq!(expected.0, 0, "{}", expected.2);
            assert_eq!(plain_total(&bytes), expected, "{name} at {d}");
        }
    }
}

/// A speech line whose input text is under `name` (as written in the file).
fn speech(name: &str) -> Vec<u8> {
    format!(r#"{{"{name}" :"Hi","model":"Chatterbox","voice":"a","seconds":1}}"#)
        .into_bytes()
        .into_iter()
        .chain(*b"\n")
        .collect()
}

#[test]
fn pieces_that_shrink_read_no_stale_bytes() {
    // Two lines just under the cap fill whole pieces; the short lines after them are read into
    // the same buffers, the last with no line end.
    let long = |steps: u32| {
        let mut line = format!(r#"{{"steps":{steps},"prompt":""#).into_bytes();
        line.resize(MIB - 3, b'a');
        line.extend_from_slice(b"\"}\n");
        line
    };
    let mut bytes = [long(7), long(9)].concat();
    bytes.extend_from_slice(b"{\"steps\":3}\r\n{\"steps\":4}\n{\"steps\":5}");
    // The built-in tariff has token and second models: JSON Lines rows have every column.
    let expected = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
        1,flux-dev,exact,7,768x768,1,3.9375,,,,,0.004748625,0.0047\n\
        2,flux-dev,exact,9,768x768,1,5.0625,,,,,0.006105375,0.0061\n\
        3,flux-dev,exact,3,768x768,1,1.6875,,,,,0.002035125,0.0020\n\
        4,flux-dev,exact,4,768x768,1,2.25,,,,,0.0027135,0.0027\n\
        5,flux-dev,exact,5,768x768,1,2.8125,,,,,0.003391875,0.0034\n\
        subtotal,flux-dev,exact,,,5,15.75,,,,,0.0189945,0.0190\n\
        total,,exact,,,5,,,,,,0.0189945,0.0190\n";
    let (_dir, path) = temp_file("work.jsonl", &bytes);
    let from_file = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
    assert_eq!(from_file, (0, expected.to_owned(), String::new()));
    let from_stdin = run(dis()
        .args(["batch", "-", "--input", "jsonl", "--format", "csv"])
        .write_stdin(bytes));
    assert_eq!(from_stdin, (0, expected.to_owned(), String::new()));
}

#[test]
fn a_line_at_the_cap_is_read_and_one_byte_more_is_refused_with_every_ending() {
    let line = |content: usize| {
        let mut line = br#"{"steps":20,"prompt":""#.to_vec();
        line.resize(content - 2, b'a');
        line.extend_from_slice(b"\"}");
        line
    };
    let row = "line,model,kind,steps,size,count,units,input_tokens,output_tokens,seconds,seconds_charged,exact,price\n\
        1,flux-dev,exact,20,768x768,1,11.25,,,,,0.0135675,0.0136\n\
        2,flux-dev,exact,3,768x768,1,1.6875,,,,,0.002035125,0.0020\n\
        subtotal,flux-dev,exact,,,2,12.9375,,,,,0.015602625,0.0156\n\
        total,,exact,,,2,,,,,,0.015602625,0.0156\n";
    for ending in [&b"\n"[..], b""] {
        for (content, ok) in [(MIB, true), (MIB + 1, false)] {
            let mut bytes = line(content);
            bytes.extend_from_slice(ending);
            if !ending.is_empty() {
                bytes.extend_from_slice(b"{\"steps\":3}");
            }
            let (_dir, path) = temp_file("work.jsonl", &bytes);
            let (code, out, err) = run(dis().arg("batch").arg(&path).args(["--format", "csv"]));
            if ok && !ending.is_empty() {
                assert_eq!((code, out.as_str(), err.as_str()), (0, row, ""));
            } else if ok {
                assert_eq!(code, 0, "{err}");
                assert!(
                    out.ends_with("total,,exact,,,1,,,,,,0.0135675,0.0136\n"),
                    "{out}"
                );
            } else {
                assert_eq!((code, out.as_str()), (2, ""), "{ending:?}");
                assert!(
                    err.starts_with("error: ")
                        && err.contains("line 1 is longer than 1048576 bytes"),
                    "{err}"
                );
            }
        }
    }
}
