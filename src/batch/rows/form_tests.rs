//! Telling an input's form from its start, and the line reader's limits.

use super::tests::image;
use super::*;
use crate::batch::row::MAX_LINE_BYTES;
use std::io;

/// The form told, and each row's line and steps.
type Read = (InputFormat, Vec<(u64, Option<u32>)>);

/// Reads `bytes` through a buffer of `capacity`, telling the form when `form` is `None`:
/// the form and the lines' steps, or the error.
fn open(bytes: &[u8], form: Option<InputFormat>, capacity: usize) -> Result<Read, String> {
    let input = io::BufReader::with_capacity(capacity, bytes);
    let mut rows =
        Rows::open("t".into(), input, form, ReadOptions::default()).map_err(|e| e.to_string())?;
    let told = match rows.form {
        Form::Csv { .. } => InputFormat::Csv,
        Form::Jsonl => InputFormat::Jsonl,
    };
    let mut steps = Vec::new();
    loop {
        match rows.next_row() {
            Ok(Some(item)) => {
                let row = image(item);
                steps.push((row.line, row.steps));
            }
            Ok(None) => return Ok((told, steps)),
            Err(Ok(e)) => return Err(e.to_string()),
            Err(Err(e)) => return Err(e.to_string()),
        }
    }
}

#[test]
fn one_byte_order_mark_goes_however_the_reads_fall() {
    let jsonl = (InputFormat::Jsonl, vec![(1, Some(20)), (3, Some(5))]);
    let csv = (InputFormat::Csv, vec![(2, Some(20)), (4, Some(5))]);
    for capacity in [1, 2, 3, 4, 5, 8192] {
        for form in [None, Some(InputFormat::Jsonl)] {
            for text in [
                &b"\xEF\xBB\xBF{\"steps\": 20}\n\n{\"steps\": 5}"[..],
                b"{\"steps\": 20}\n\n{\"steps\": 5}\n",
            ] {
                assert_eq!(
                    open(text, form, capacity),
                    Ok(jsonl.clone()),
                    "{capacity} {form:?}"
                );
            }
        }
        for form in [None, Some(InputFormat::Csv)] {
            for text in [&b"\xEF\xBB\xBFsteps\n20\n\n5\n"[..], b"steps\n20\n\n5"] {
                assert_eq!(
                    open(text, form, capacity),
                    Ok(csv.clone()),
                    "{capacity} {form:?}"
                );
            }
        }
        // Blank lines before the first job keep their numbers, when the form is told too.
        assert_eq!(
            open(b"\n \r\n\t\n{\"steps\": 7}\n", None, capacity),
            Ok((InputFormat::Jsonl, vec![(4, Some(7))]))
        );
        // Bytes that only begin like a mark are data.
        let err = open(
            "\u{FEC0}steps\n20\n".as_bytes(),
            Some(InputFormat::Jsonl),
            capacity,
        )
        .unwrap_err();
        assert!(
            err.starts_with("line 1: row \"\u{FEC0}steps\": is not JSON"),
            "{err}"
        );
        assert_eq!(
            open(b"", Some(InputFormat::Jsonl), capacity),
            Ok((InputFormat::Jsonl, vec![]))
        );
        assert_eq!(
            open(b"\xEF\xBB\xBF\n", Some(InputFormat::Jsonl), capacity),
            Ok((InputFormat::Jsonl, vec![]))
        );
    }
}

#[test]
fn starts_that_can_only_be_wrong_are_refused() {
    let cases: [(&[u8], Option<InputFormat>, &str); 14] = [
        (
            b"\xFF\xFEs\x00",
            None,
            "t: it is UTF-16 (little-endian) text (it starts with the byte order mark FF FE); save it as UTF-8",
        ),
        (
            b"\xFE\xFF\x00s",
            Some(InputFormat::Csv),
            "UTF-16 (big-endian)",
        ),
        (
            b"\xFF\xFE\x00\x00s\x00\x00\x00",
            Some(InputFormat::Jsonl),
            "UTF-32 (little-endian)",
        ),
        (b"\x00\x00\xFE\xFF", None, "UTF-32 (big-endian)"),
        (b"{\x00\"\x00", None, "NUL byte"),
        (b"\xEF\xBB\xBF\xFF\xFE{\x00", None, "UTF-16 (little-endian)"),
        (
            b"\xEF\xBB\xBF\xEF\xBB\xBFsteps\n20\n",
            Some(InputFormat::Csv),
            "two byte order marks",
        ),
        (
            b"[{\"steps\": 20}]\n",
            None,
            "t: line 1 is an array: JSON Lines is one job object per line",
        ),
        (
            b"\n\n  [\n{\"steps\": 20}\n]\n",
            Some(InputFormat::Jsonl),
            "t: line 3 is an array",
        ),
        (b"\xEF\xBB\xBF[{\"steps\": 20}]", None, "line 1 is an array"),
        (
            b"{\"steps\": 20}\n",
            Some(InputFormat::Csv),
            "t: line 1 starts with \"{\", which is JSON, not a CSV header",
        ),
        (
            b"20,512\n",
            None,
            "t: line 1 starts with \"2\", which begins neither a JSON object",
        ),
        (b"", None, "t: there is nothing to read"),
        (b"\xEF\xBB\xBF \n\n", None, "t: there is nothing to read"),
    ];
    for (text, form, want) in cases {
        for capacity in [1, 2, 3, 8192] {
            let got = open(text, form, capacity).unwrap_err();
            assert!(
                got.contains(want),
                "{text:?} {capacity}: {got:?} does not contain {want:?}"
            );
        }
    }
    // Forms the user named are read as named: the CSV header check then refuses a value.
    assert!(
        open(b"20,512\n", Some(InputFormat::Csv), 8)
            .unwrap_err()
            .contains("is a value")
    );
    assert!(open(b"\"steps\"\n20\n", None, 8).is_ok());
}

#[test]
fn a_line_too_long_stops_reading() {
    let long = format!("{{\"prompt\": \"{}\"}}\n", "a".repeat(MAX_LINE_BYTES));
    let mut rows = Rows::new(
        "t".into(),
        io::BufReader::new(long.as_bytes()),
        InputFormat::Jsonl,
        ReadOptions::default(),
    )
    .unwrap();
    assert!(matches!(
        rows.next_row(),
        Err(Err(InputError::LineTooLong { line: 1, .. }))
    ));
    let long = format!("steps,size\n20,512\n20,{}\n", "5".repeat(MAX_LINE_BYTES));
    let mut rows = Rows::new(
        "t".into(),
        io::BufReader::new(long.as_bytes()),
        InputFormat::Csv,
        ReadOptions::default(),
    )
    .unwrap();
    assert!(rows.next_row().unwrap().is_some());
    assert!(matches!(
        rows.next_row(),
        Err(Err(InputError::LineTooLong { line: 3, .. }))
    ));
}
