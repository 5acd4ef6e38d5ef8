//! The fast path held to the general reader: lines it takes, lines it leaves, and lines read in turn.

use super::*;
use crate::batch::rows::agrees;

const TAKEN: &[&str] = &[
    r#"{"model": "sdxl", "prompt": "a cat, \"quoted\" \\ / \n\t", "num_inference_steps": 20, "size": "512x512", "n": 2, "seed": 42}"#,
    r#"{"steps":0,"count":0}"#,
    r#"  { "size" : "1024X768" }  "#,
    "{\"width\": 640,\t\"height\": 480, \"seed\": -12345678901234567890}",
    r#"{"steps": 999999999, "guidance_scale": 7.5e-3, "style": null, "response_format": true}"#,
    r#"{"model": "  sdxl  ", "steps": 5, "prompt": "é ü 猫"}"#,
    r#"{"steps": 3, "seed": 0, "guidance_scale": -0.5E+2}"#,
    r#"{"seed": -0, "steps": 1}"#,
    r#"{"model": "sdxl", "prompt": "a cat", "size": "1024x1024", "n": 1, "user": "user-1234", "quality": "hd", "output_format": "png", "output_compression": 80, "background": "auto", "moderation": "low", "stream": false, "safety_identifier": "abc", "style": "vivid", "response_format": "b64_json"}"#,
];

const DECLINED: &[&str] = &[
    "",
    "{}",
    r#"{"model": "sdxl"}"#,
    r#"{"steps": 20, "steps": 20}"#,
    r#"{"steps": 20, "num_inference_steps": 20}"#,
    r#"{"n": 1, "count": 1}"#,
    r#"{"steps": 020}"#,
    r#"{"steps": -1}"#,
    r#"{"steps": 1.0}"#,
    r#"{"steps": 1e2}"#,
    r#"{"steps": 4294967295}"#,
    r#"{"steps": "20"}"#,
    r#"{"steps": null}"#,
    r#"{"stepz": 20}"#,
    r#"{"st\u0065ps": 20}"#,
    r#"{"prompt": "\u00e9", "steps": 1}"#,
    "{\"prompt\": \"tab\there\", \"steps\": 1}",
    r#"{"prompt": "bad \x escape", "steps": 1}"#,
    r#"{"steps": 1}{"steps": 2}"#,
    r#"{"steps": 1,}"#,
    r#"{"steps": 1"#,
    r#"{"steps": 1} x"#,
    r#"{"size": "512x512", "width": 512, "height": 512}"#,
    r#"{"width": 512}"#,
    r#"{"width": 0, "height": 5}"#,
    r#"{"size": "0x5"}"#,
    r#"{"size": "512 by 512"}"#,
    r#"{"model": "a\nb", "steps": 1}"#,
    r#"{"prompt": ["a"], "steps": 1}"#,
    r#"{"seed": 01, "steps": 1}"#,
    r#"{"seed": 1., "steps": 1}"#,
    r#"{"seed": tru, "steps": 1}"#,
    r#"{"user": "a", "user": "b", "steps": 1}"#,
    r#"{"user": {"id": 1}, "steps": 1}"#,
    r#"{"partial_images": 0, "steps": 1}"#,
    r#"{"created": 1700000000, "steps": 1}"#,
    "{\"steps\": 1}\r",
    "{\"steps\":\r1}",
    "[1]",
];

#[test]
fn plain_bodies_are_taken_and_agree_with_the_general_reader() {
    for line in TAKEN {
        assert!(fast_row(1, line.as_bytes(), false).is_some(), "{line}");
        assert!(agrees(line.as_bytes(), false), "{line}");
    }
}

/// Lines a byte or two away from plain bodies: wherever the fast path takes one, the
/// general reader reads the same row.
#[test]
fn near_misses_agree_with_the_general_reader() {
    const BYTES: &[u8] = b" \t\r\n\"\\{}[]:,-+.0123456789eEx nultrfa\x01\x7f\xc3\xa9\xff";
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut taken, mut tried) = (0, 0);
    for line in TAKEN.iter().chain(DECLINED) {
        for _ in 0..3000 {
            let mut bytes = line.as_bytes().to_vec();
            for _ in 0..1 + next(2) {
                let at = next(bytes.len() + 1);
                let byte = BYTES[next(BYTES.len())];
                match next(3) {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, byte),
                }
            }
            for defaults_ok in [false, true] {
                tried += 1;
                taken += usize::from(fast_row(1, &bytes, defaults_ok).is_some());
                assert!(
                    agrees(&bytes, defaults_ok),
                    "{:?}",
                    String::from_utf8_lossy(&bytes)
                );
                for ending in ["", "\n", "\r\n", "\n{\"steps\": 2}\n"] {
                    let mut chunk = bytes.clone();
                    chunk.extend_from_slice(ending.as_bytes());
                    assert_same_line(&chunk, defaults_ok);
                }
            }
        }
    }
    // Both paths were exercised.
    assert!(taken > tried / 50 && taken < tried, "{taken} of {tried}");
}

#[test]
fn lines_written_alike_read_one_after_another() {
    let body = |steps: u32, size: &str| {
        format!(
            r#"{{"model": "flux-dev", "prompt": "a cat", "num_inference_steps": {steps}, "size": "{size}", "n": 2}}"#
        )
    };
    let mut chunk = String::new();
    for (steps, size) in [(20, "512x512"), (4, "1024x768"), (50, "64X64")] {
        chunk.push_str(&body(steps, size));
        chunk.push('\n');
    }
    chunk.push_str(&body(7, "8x8"));
    let mut at = 0;
    let mut rows = Vec::new();
    while let Some((row, length)) = fast_line(1, &chunk.as_bytes()[at..], false) {
        rows.push((row.model, row.steps, row.size));
        at += length;
    }
    assert_eq!(at, chunk.len());
    let flux = Some(Cow::Borrowed("flux-dev"));
    assert_eq!(
        rows,
        [
            (flux.clone(), Some(20), Some(Size::new(512, 512))),
            (flux.clone(), Some(4), Some(Size::new(1024, 768))),
            (flux.clone(), Some(50), Some(Size::new(64, 64))),
            (flux, Some(7), Some(Size::new(8, 8))),
        ]
    );
}

/// The first line of `chunk` as the line reader reads it: found by its line end, that end
/// (and a `\r` before it) taken off, read by [`fast_row`] when not over the cap.
fn by_its_end(chunk: &[u8], defaults_ok: bool) -> Option<(Row<'_>, usize)> {
    let end = memchr::memchr(b'\n', chunk).map_or(chunk.len(), |at| at + 1);
    let content = chunk[..end].strip_suffix(b"\n").unwrap_or(&chunk[..end]);
    if content.len() > MAX_LINE_BYTES {
        return None;
    }
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    fast_row(1, content, defaults_ok).map(|row| (row, end))
}

/// [`fast_line`], which finds the line by reading it, takes the same line as
/// [`by_its_end`], to the same row and length.
fn assert_same_line(chunk: &[u8], defaults_ok: bool) {
    let found = fast_line(1, chunk, defaults_ok);
    assert_eq!(
        found,
        by_its_end(chunk, defaults_ok),
        "{:?}",
        String::from_utf8_lossy(chunk)
    );
}

#[test]
fn a_line_read_to_its_end_is_the_line_found_by_its_end() {
    for line in TAKEN.iter().chain(DECLINED) {
        for ending in ["", "\n", "\r\n", "\r", "\r\r\n", " \r\n", "\r \n", "\n\n"] {
            for next in ["", "{\"steps\": 2}", "x"] {
                let chunk = format!("{line}{ending}{next}");
                assert_same_line(chunk.as_bytes(), false);
                assert_same_line(chunk.as_bytes(), true);
            }
        }
    }
    // A line of the most bytes a line may be is taken; one byte more is not.
    for extra in [0, 1] {
        let head = r#"{"steps": 1, "prompt": ""#;
        let fill = "a".repeat(MAX_LINE_BYTES - head.len() - 2 + extra);
        let chunk = format!("{head}{fill}\"}}\n{{}}");
        assert_eq!(chunk.find('\n'), Some(MAX_LINE_BYTES + extra));
        let found = fast_line(1, chunk.as_bytes(), false);
        assert_eq!(
            found.map(|(_, n)| n),
            (extra == 0).then_some(MAX_LINE_BYTES + 1)
        );
        assert_same_line(chunk.as_bytes(), false);
    }
}

#[test]
fn every_name_read_in_place_is_the_key_it_names() {
    let names: Vec<&str> = super::super::keys::PRICE_KEYS
        .into_iter()
        .chain(super::super::keys::IGNORED_KEYS)
        .collect();
    for &name in &names {
        let known = key(name.as_bytes());
        assert!(known.is_some(), "{name}");
        for written in [format!("\"{name}\": 1"), format!(" \t\"{name}\":1")] {
            let mut scan = Scan {
                bytes: written.as_bytes(),
                at: 0,
            };
            scan.spaces();
            assert!(scan.known_key() == known, "{written}");
            assert!(written[scan.at..].starts_with(':'), "{written}");
        }
        // Near names are not taken, in place or by `key`.
        let near = [
            format!("{name}x"),
            name[..name.len() - 1].to_owned(),
            name.to_uppercase(),
            format!("x{name}"),
        ];
        for other in near {
            let written = format!("\"{other}\": 1");
            let mut scan = Scan {
                bytes: written.as_bytes(),
                at: 0,
            };
            assert!(scan.known_key() == key(other.as_bytes()), "{written}");
        }
    }
    // Every name has a bit of its own.
    let mut bits: Vec<u32> = names
        .iter()
        .filter_map(|n| key(n.as_bytes()))
        .map(|k| k.1)
        .collect();
    bits.sort_unstable();
    bits.dedup();
    assert_eq!(bits.len(), names.len());
}

/// Strings long enough to be read a block at a time, with each kind of byte that is not
/// a plain character at each place in a block, and a string that runs to the line's end.
#[test]
fn every_byte_at_every_place_in_a_long_string() {
    let specials: &[&[u8]] = &[
        b"\"",
        b"\\",
        b"\\\"",
        b"\\n",
        b"\\u0041",
        b"\\x",
        b"\x00",
        b"\x1f",
        b"\t",
        b"\r",
        b"\x7f",
        "é".as_bytes(),
        "猫".as_bytes(),
        "😀".as_bytes(),
        b"\xc3",
        b"\xe7\x8c",
        b"\xed\xa0\x80",
        b"\xc0\xaf",
        b"\xf5\x80\x80\x80",
        b"\xff",
        b"\x80",
    ];
    let (mut taken, mut declined) = (0, 0);
    for special in specials {
        for before in 0..40 {
            for after in [0, 1, 7, 8, 9, 30] {
                let mut prompt = vec![b'a'; before];
                prompt.extend_from_slice(special);
                prompt.extend(std::iter::repeat_n(b'b', after));
                for tail in [&b"\", \"steps\": 3}"[..], b"\"}", b"", b"\\"] {
                    let mut line = br#"{"prompt": ""#.to_vec();
                    line.extend_from_slice(&prompt);
                    line.extend_from_slice(tail);
                    match fast_row(1, &line, true) {
                        Some(_) => taken += 1,
                        None => declined += 1,
                    }
                    assert!(agrees(&line, true), "{:?}", String::from_utf8_lossy(&line));
                    assert!(agrees(&line, false), "{:?}", String::from_utf8_lossy(&line));
                }
            }
        }
    }
    assert!(
        taken > 1000 && declined > 1000,
        "{taken} taken, {declined} declined"
    );
}

/// Every lead byte past ASCII with every second byte and the edges of the ranges for the
/// third and fourth: a character is taken exactly when `std::str::from_utf8` takes it.
#[test]
fn utf8_characters_as_the_standard_library_reads_them() {
    const EDGES: &[u8] = &[
        0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff,
    ];
    for lead in 0x80..=0xffu8 {
        for second in 0..=0xffu8 {
            for &third in EDGES {
                for &fourth in EDGES {
                    let bytes = [lead, second, third, fourth];
                    let std = (2..=4).find(|&n| std::str::from_utf8(&bytes[..n]).is_ok());
                    assert_eq!(utf8_char(&bytes), std, "{bytes:x?}");
                    // Cut short by the line's end.
                    for end in 1..4 {
                        let std = (2..=end).find(|&n| std::str::from_utf8(&bytes[..n]).is_ok());
                        assert_eq!(utf8_char(&bytes[..end]), std, "{:x?}", &bytes[..end]);
                    }
                }
            }
        }
    }
}

/// Every key the general reader ignores whatever it holds is taken here with a plain
/// value (a body from an OpenAI SDK carries `user`, `quality`, ...), and agrees.
#[test]
fn every_ignored_key_is_taken() {
    for key in super::super::keys::IGNORED_KEYS {
        for value in [r#""x""#, "1", "-2.5e3", "true", "null"] {
            let line = format!(r#"{{"{key}": {value}, "steps": 1}}"#);
            assert!(fast_row(1, line.as_bytes(), false).is_some(), "{line}");
            assert!(agrees(line.as_bytes(), false), "{line}");
        }
    }
    // Keys the general reader reads by value, or names as unknown.
    for key in [
        "partial_images",
        "created",
        "date",
        "users",
        "User",
        "trace_id",
    ] {
        let line = format!(r#"{{"{key}": 0, "steps": 1}}"#);
        assert!(fast_row(1, line.as_bytes(), false).is_none(), "{line}");
    }
}

#[test]
fn everything_else_goes_to_the_general_reader() {
    for line in DECLINED {
        assert!(fast_row(1, line.as_bytes(), false).is_none(), "{line}");
    }
    // Not UTF-8 inside a string.
    assert!(fast_row(1, b"{\"prompt\": \"\xff\", \"steps\": 1}", false).is_none());
    // A row of defaults only with --defaults-ok, as the general reader has it.
    assert!(fast_row(1, b"{}", true).is_some());
    assert!(agrees(b"{}", true));
    assert!(agrees(br#"{"model": "x", "seed": 3}"#, true));
}
