//! A problem in a tariff file, placed by file, line, column and key.

use std::fmt;
use std::ops::Range;

/// One problem in a tariff, with where it is and the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, or `built-in tariff`.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The dotted key the problem is about, e.g. `models.flux-dev.rate`.
    pub key: String,
    /// What is wrong and what would be accepted.
    pub message: String,
    /// The text of the line, for context.
    pub line_text: String,
    /// How many characters to underline, at least 1.
    pub width: usize,
}

impl Diagnostic {
    /// Places `message` about `key` at the byte range `span` of `text`.
    pub fn new(file: &str, text: &str, span: Range<usize>, key: &str, message: String) -> Self {
        // A leading byte order mark is no part of the first line as columns count it.
        let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let start = floor_char_boundary(text, span.start.max(skip).min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(skip, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r').to_owned();
        let column = text[line_start..start].chars().count() + 1;
        let width = text[start..end.min(line_end)].chars().count().max(1);
        Self {
            file: file.to_owned(),
            line: text[..start].matches('\n').count() + 1,
            column,
            key: key.to_owned(),
            message,
            line_text,
            width,
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::escape::escaped;
        write!(f, "{}:{}:{}: ", escaped(&self.file), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", escaped(&self.key))?;
        }
        writeln!(f, "{}", escaped(&self.message))?;
        let gutter = self.line.to_string().len();
        let (shown, pad, width) = snippet(&self.line_text, self.column, self.width);
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, shown)?;
        let pad = pad.min(SHOWN);
        write!(
            f,
            "{:gutter$} | {:pad$}{}",
            "",
            "",
            "^".repeat(width.max(1).min(SHOWN - pad.min(SHOWN - 1)))
        )
    }
}

/// The most characters of a line shown.
const SHOWN: usize = 200;

/// The line as shown (at most [`SHOWN`] characters, a tab as four spaces, every other control
/// character escaped so the terminal draws it as text), with where the caret starts and how
/// many characters it spans there.
fn snippet(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let (start, end) = (column.saturating_sub(1), column.saturating_sub(1) + width);
    let (mut shown, mut at, mut pad, mut carets) = (String::new(), 0, 0, 0);
    for (i, c) in line.chars().enumerate() {
        let piece = match c {
            '\t' => "    ".to_owned(),
            c if crate::escape::is_control(c) => {
                let mut s = String::new();
                crate::escape::push_escape(&mut s, c);
                s
            }
            c => c.to_string(),
        };
        let count = piece.chars().count();
        if i < start {
            pad += count;
        } else if i < end {
            carets += count;
        }
        if at + count > SHOWN {
            break;
        }
        shown.push_str(&piece);
        at += count;
    }
    // A caret past the end of the line (a missing key is placed after it) keeps its place.
    let past = start.saturating_sub(line.chars().count());
    (shown, pad + past, carets.max(1))
}

/// Every problem found in one tariff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let file = self.0.first().map_or("tariff", |d| d.file.as_str());
        write!(
            f,
            "invalid tariff {}: {count} problem{}",
            crate::escape::escaped(file),
            if count == 1 { "" } else { "s" }
        )?;
        for d in &self.0 {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_by_line_and_character_column() {
        let text = "a = 1\nname = \"é\"\nrate = \"0\"\n";
        let at = text.find("\"0\"").unwrap();
        let d = Diagnostic::new("t.toml", text, at..at + 3, "rate", "must be above 0".into());
        assert_eq!((d.line, d.column, d.width), (3, 8, 3));
        assert_eq!(d.line_text, "rate = \"0\"");
        let shown = d.to_string();
        assert!(
            shown.starts_with("t.toml:3:8: rate: must be above 0\n"),
            "{shown}"
        );
        assert!(shown.ends_with("  |        ^^^"), "{shown}");
    }

    #[test]
    fn shows_control_characters_escaped_with_the_caret_under_them() {
        let text = "a = 1\n\tk\u{1b} = \"\u{202e}x\"\r\n";
        let at = text.find('"').unwrap();
        let d = Diagnostic::new("t\r.toml", text, at..at + 7, "k", "bad \u{9b}".into());
        let shown = d.to_string();
        assert_eq!(
            shown,
            "t\\r.toml:2:7: k: bad \\u{9b}\n  |\n2 |     k\\u{1b} = \"\\u{202e}x\"\n  |               ^^^^^^^^^^^"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}schema = \"x\"\n";
        let at = text.find('"').unwrap();
        let d = Diagnostic::new("t", text, at..at + 3, "schema", "x".into());
        assert_eq!(
            (d.line, d.column, d.line_text.as_str()),
            (1, 10, "schema = \"x\"")
        );
        let d = Diagnostic::new("t", text, 0..0, "", "x".into());
        assert_eq!(
            (d.line, d.column, d.line_text.as_str()),
            (1, 1, "schema = \"x\"")
        );
    }

    #[test]
    fn survives_spans_past_the_end_and_inside_a_character() {
        let text = "é";
        let d = Diagnostic::new("t", text, 1..99, "", "x".into());
        assert_eq!((d.line, d.column), (1, 1));
    }
}
