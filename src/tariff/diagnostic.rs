//! A problem in a tariff file, placed by file, line, column and key.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

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
        // The line and its carets are laid out by annotate-snippets (as cargo's are), which
        // places carets by display column: a wide character (日本) takes two, a combining one
        // none. It is given the line as shown, control characters already escaped.
        let (shown, span) = snippet(&self.line_text, self.column, self.width);
        let report = [Group::with_level(Level::ERROR).element(
            Snippet::source(shown.as_str())
                .line_start(self.line)
                .annotation(AnnotationKind::Primary.span(span)),
        )];
        // Never cut: the line is already at most SHOWN characters.
        let renderer = Renderer::plain().term_width(usize::from(u16::MAX));
        write!(f, "{}", renderer.render(&report))
    }
}

/// The most characters of a line shown.
const SHOWN: usize = 200;

/// The line as shown (at most [`SHOWN`] characters, a tab as four spaces, every other control
/// character escaped so the terminal draws it as text), with the byte range in it that the
/// `width` characters from 1-based `column` of `line` became. A column past the end of the
/// line (a missing key is placed after it) is reached with spaces, so the caret keeps its place.
fn snippet(line: &str, column: usize, width: usize) -> (String, Range<usize>) {
    let (start, end) = (column.saturating_sub(1), column.saturating_sub(1) + width);
    let mut shown = String::new();
    let (mut from, mut to) = (None, None);
    let (mut count, mut whole) = (0, true);
    for (i, c) in line.chars().enumerate() {
        if i == start {
            from = Some(shown.len());
        }
        if i == end {
            to = Some(shown.len());
        }
        let before = shown.len();
        match c {
            '\t' => shown.push_str("    "),
            c if crate::escape::is_control(c) => crate::escape::push_escape(&mut shown, c),
            c => shown.push(c),
        }
        count += shown[before..].chars().count();
        if count > SHOWN {
            shown.truncate(before);
            whole = false;
            break;
        }
    }
    let from = match from {
        Some(at) => at,
        None if whole => {
            // Past the end of a line shown whole: pad up to the column.
            let past = start.saturating_sub(line.chars().count());
            shown.extend(std::iter::repeat_n(' ', past));
            shown.len()
        }
        None => shown.len(),
    };
    let to = to.unwrap_or(shown.len()).clamp(from, shown.len());
    (shown, from..to)
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
    fn the_snippet_span_is_in_bytes_of_the_line_as_shown() {
        assert_eq!(snippet("a\tb", 3, 1), ("a    b".to_owned(), 5..6));
        assert_eq!(snippet("日本x", 3, 1), ("日本x".to_owned(), 6..7));
        assert_eq!(snippet("a\u{1b}b", 2, 1), ("a\\u{1b}b".to_owned(), 1..7));
        // Past the end: padded to the column, an empty span there.
        assert_eq!(snippet("ab", 5, 1), ("ab  ".to_owned(), 4..4));
        // Cut at SHOWN characters: a span beyond is at the end.
        let long = "y".repeat(SHOWN + 50);
        let (shown, span) = snippet(&long, SHOWN + 10, 3);
        assert_eq!((shown.len(), span), (SHOWN, SHOWN..SHOWN));
    }

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
