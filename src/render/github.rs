//! `--format github`: GitHub Actions workflow commands on standard output
//! (`::error file=F,line=N,title=T::message`), and the step outputs file's syntax.
//!
//! Escaping follows GitHub's runner: in a message, `%` -> `%25`, `\r` -> `%0D`, `\n` -> `%0A`;
//! in a property value, also `:` -> `%3A` and `,` -> `%2C`. GitHub shows at most 10
//! annotations of a kind per step: past 10, one notice says how many more there are (every one
//! is still on standard error, in the log).

use std::io::{self, Write};

/// How many annotations of one kind GitHub shows for a step.
pub const SHOWN_PER_KIND: usize = 10;

/// An annotation's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `::error`.
    Error,
    /// `::warning`.
    Warning,
    /// `::notice`.
    Notice,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Level::Error => "errors",
            Level::Warning => "warnings",
            Level::Notice => "notices",
        }
    }
}

/// One annotation: a message, optionally placed in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// Its kind.
    pub level: Level,
    /// The file, as the repository names it (relative to its root, or as given).
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u64>,
    /// 1-based column.
    pub col: Option<u64>,
    /// A short title.
    pub title: Option<String>,
    /// The message.
    pub message: String,
}

impl Annotation {
    /// An annotation with a title and nothing placed.
    pub fn new(level: Level, title: &str, message: impl Into<String>) -> Annotation {
        Annotation {
            level,
            file: None,
            line: None,
            col: None,
            title: Some(title.to_owned()),
            message: message.into(),
        }
    }

    /// Placed in `file`, at `line` when known.
    pub fn at(mut self, file: Option<&str>, line: Option<u64>) -> Annotation {
        self.file = file.map(str::to_owned);
        self.line = line;
        self
    }

    /// The workflow command, with its newline.
    pub fn command(&self) -> String {
        let mut properties = Vec::new();
        if let Some(file) = &self.file {
            properties.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = self.line {
            properties.push(format!("line={line}"));
        }
        if let Some(col) = self.col {
            properties.push(format!("col={col}"));
        }
        if let Some(title) = &self.title {
            properties.push(format!("title={}", escape_property(title)));
        }
        let properties = if properties.is_empty() {
            String::new()
        } else {
            format!(" {}", properties.join(","))
        };
        format!(
            "::{}{properties}::{}\n",
            self.level.command(),
            escape_data(&self.message)
        )
    }
}

/// A message as a workflow command carries it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (file, title) as a workflow command carries it.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Annotations gathered over a run, written at most [`SHOWN_PER_KIND`] of a kind.
#[derive(Debug, Default)]
pub struct Annotations {
    found: Vec<Annotation>,
}

impl Annotations {
    /// Adds one.
    pub fn push(&mut self, annotation: Annotation) {
        self.found.push(annotation);
    }

    /// Writes them in the order found, errors, warnings and notices each cut at
    /// [`SHOWN_PER_KIND`], then for each kind cut, one notice with how many more.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut text = String::new();
        let mut more = Vec::new();
        for level in [Level::Error, Level::Warning, Level::Notice] {
            let of_kind = self.found.iter().filter(|a| a.level == level).count();
            if of_kind > SHOWN_PER_KIND {
                more.push((level, of_kind - SHOWN_PER_KIND));
            }
        }
        let mut shown = [0usize; 3];
        for a in &self.found {
            let k = a.level as usize;
            if shown[k] < SHOWN_PER_KIND {
                shown[k] += 1;
                text.push_str(&a.command());
            }
        }
        for (level, n) in more {
            text.push_str(
                &Annotation::new(
                    Level::Notice,
                    "dis-price",
                    format!(
                        "{n} more {} than GitHub shows for a step; every one is in the step's log",
                        level.plural()
                    ),
                )
                .command(),
            );
        }
        out.write_all(text.as_bytes())
    }
}

/// Step outputs in the syntax of the file `GITHUB_OUTPUT` names: `name=value` on one line, or,
/// for a value with a line break, `name<<DELIMITER`, the value, then the delimiter alone on a
/// line, with a delimiter that occurs nowhere in the value.
pub fn outputs(pairs: &[(&str, String)]) -> String {
    let mut text = String::new();
    for (name, value) in pairs {
        if value.contains(['\n', '\r']) {
            let mut delimiter = String::from("DIS_PRICE_EOF");
            while value.contains(&delimiter) {
                delimiter.push('_');
            }
            text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            text.push_str(&format!("{name}={value}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_reads() {
        assert_eq!(escape_data("100%\r\nsure: a,b"), "100%25%0D%0Asure: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let a = Annotation {
            level: Level::Error,
            file: Some("dir/a,b:c.csv".into()),
            line: Some(3),
            col: Some(7),
            title: Some("bad row".into()),
            message: "steps \"1.5\"\nnext".into(),
        };
        assert_eq!(
            a.command(),
            "::error file=dir/a%2Cb%3Ac.csv,line=3,col=7,title=bad row::steps \"1.5\"%0Anext\n"
        );
    }

    #[test]
    fn ten_of_a_kind_then_how_many_more() {
        let mut all = Annotations::default();
        for i in 0..13 {
            all.push(Annotation::new(Level::Warning, "w", format!("{i}")));
        }
        all.push(Annotation::new(Level::Notice, "n", "total"));
        let mut out = Vec::new();
        all.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("::warning ").count(), 10);
        assert!(text.ends_with(
            "::notice title=dis-price::3 more warnings than GitHub shows for a step; every one is in the step's log\n"
        ));
    }

    #[test]
    fn a_value_with_a_line_break_gets_a_delimiter_it_does_not_hold() {
        assert_eq!(
            outputs(&[("a", "1".into()), ("b", "x\nDIS_PRICE_EOF".into())]),
            "a=1\nb<<DIS_PRICE_EOF_\nx\nDIS_PRICE_EOF\nDIS_PRICE_EOF_\n"
        );
    }
}
