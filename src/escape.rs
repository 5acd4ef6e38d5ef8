//! Control characters: which they are, and how text holding them is shown.
//!
//! Text from a tariff, a job file or the command line reaches a terminal, a spreadsheet or a
//! pull-request comment. A control character in it can move the cursor (`\r` draws one price over
//! another), clear the screen (`ESC [2J`), or reorder what is shown (U+202E). Tariffs and carried
//! job-file text refuse them when read; everything shown to a person escapes any that remain.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is a control character: Unicode category Cc (C0, DEL and C1, tab included), a
/// bidirectional formatting character (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069, as in "Trojan Source"), or the line and paragraph separators U+2028 and U+2029.
#[inline]
pub fn is_control(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// The first control character in `text` other than those `allowed`, with its byte offset.
pub fn find_control(text: &str, allowed: &[char]) -> Option<(usize, char)> {
    // Nearly all text is printable ASCII: one pass over the bytes answers for it.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    text.char_indices()
        .find(|&(_, c)| is_control(c) && !allowed.contains(&c))
}

/// A control character named for a message: `U+001B`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// `text` with every control character written as Rust writes it in a quoted string (`\r`,
/// `\t`, `\n`, `\0`, `\u{1b}`, `\u{202e}`); everything else, backslashes included, unchanged.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escaped_but(text, &[])
}

/// [`escaped`], keeping the characters in `kept` (a multi-line message keeps its `\n`).
pub fn escaped_but<'a>(text: &'a str, kept: &[char]) -> Cow<'a, str> {
    if find_control(text, kept).is_none() {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) && !kept.contains(&c) {
            push_escape(&mut shown, c);
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Appends the escape of one control character.
pub fn push_escape(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\0' => out.push_str("\\0"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_named() {
        for c in [
            '\0', '\t', '\n', '\r', '\x1b', '\x7f', '\u{85}', '\u{9b}', '\u{61c}', '\u{200e}',
            '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            assert!(is_control(c), "{c:?}");
        }
        for c in [
            ' ', 'a', '~', '\u{a0}', 'é', '×', '\u{301}', '\u{200d}', '\u{2070}',
        ] {
            assert!(!is_control(c), "{c:?}");
        }
    }

    #[test]
    fn escapes_as_a_quoted_string_does() {
        let text = "a\x1b[2J\rb\t\u{202e}c\u{9b}\\";
        assert_eq!(escaped(text), "a\\u{1b}[2J\\rb\\t\\u{202e}c\\u{9b}\\");
        // The same escapes as Rust's own quoting, less the quotes and the doubled backslash.
        let debug = format!("{:?}", &text[..text.len() - 1]);
        assert_eq!(escaped(&text[..text.len() - 1]), debug[1..debug.len() - 1]);
        assert!(matches!(escaped("plain é × text"), Cow::Borrowed(_)));
        assert_eq!(escaped_but("a\nb\x1b", &['\n']), "a\nb\\u{1b}");
    }

    #[test]
    fn finds_the_first_and_its_offset() {
        assert_eq!(find_control("ab", &[]), None);
        assert_eq!(find_control("é\u{202e}", &[]), Some((2, '\u{202e}')));
        assert_eq!(find_control("a\tb\x07", &['\t']), Some((3, '\x07')));
        assert_eq!(code_point('\x1b'), "U+001B");
    }
}
