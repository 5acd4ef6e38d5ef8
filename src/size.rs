//! Image sizes: `512x512`, `512X512`, `512×512`, `768 × 768`, or a bare `512` for a square.

use std::fmt;
use std::str::FromStr;

/// An image size in pixels; both sides are at least 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why a size did not parse; the message names the text and what would be accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("size {text:?} {reason} ({})", try_instead(text))]
pub struct SizeError {
    text: String,
    reason: String,
}

/// What to write instead: the same two numbers with an `x` when another separator was used
/// (`512*512`, `640,480`, `512 512`, `512 by 512`), else the general form.
fn try_instead(text: &str) -> String {
    let text = text.trim();
    let width = text.bytes().take_while(u8::is_ascii_digit).count();
    let height = text.bytes().rev().take_while(u8::is_ascii_digit).count();
    if width > 0 && height > 0 && width + height < text.len() {
        let between = &text[width..text.len() - height];
        let sep = between.trim();
        // Punctuation or a look-alike of x (`*`, `,`, `✕`, Cyrillic `х`), blank space, or `by`.
        let separator = sep.eq_ignore_ascii_case("by")
            || sep
                .chars()
                .all(|c| !c.is_alphanumeric() || matches!(c, 'х' | 'Х'));
        if separator && !between.contains(SEPARATORS) {
            return format!(
                "try {}x{}: width and height are separated by x",
                &text[..width],
                &text[text.len() - height..]
            );
        }
    }
    "try 512x512, or 512 for a square".to_owned()
}

impl Size {
    /// A size from its two sides.
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// The number of pixels, which cannot overflow.
    pub const fn pixels(self) -> u64 {
        self.width as u64 * self.height as u64
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// The separators a size may use between width and height.
const SEPARATORS: [char; 3] = ['x', 'X', '×'];

impl FromStr for Size {
    type Err = SizeError;

    fn from_str(text: &str) -> Result<Self, SizeError> {
        let fail = |reason: String| SizeError {
            text: shorten(text),
            reason,
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("is empty".into()));
        }
        let mut parts = trimmed.split(SEPARATORS);
        let first = parts.next().unwrap_or_default();
        let second = parts.next();
        if parts.next().is_some() {
            return Err(fail("has more than two sides".into()));
        }
        let width = side(first).map_err(fail)?;
        let height = match second {
            None => width,
            Some(second) => side(second).map_err(fail)?,
        };
        Ok(Size { width, height })
    }
}

/// The text as errors quote it: at most 40 characters, so a runaway value stays readable.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// One side: ASCII digits only (no sign, no exponent, no other script's digits), 1 to u32::MAX.
fn side(text: &str) -> Result<u32, String> {
    let digits = text.trim();
    if digits.is_empty() {
        return Err("is not WIDTHxHEIGHT: a side is missing".into());
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "is not WIDTHxHEIGHT: {:?} is not a whole number of pixels",
            shorten(digits)
        ));
    }
    match digits.parse::<u32>() {
        Ok(0) => Err("has a side of 0 pixels; a side is at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "has a side of {} pixels, more than the largest, {}",
            shorten(digits),
            u32::MAX
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_separator_gets_the_same_numbers_with_an_x() {
        assert_eq!(
            try_instead("640*480"),
            "try 640x480: width and height are separated by x"
        );
        assert_eq!(
            try_instead("512 512"),
            "try 512x512: width and height are separated by x"
        );
        assert_eq!(
            try_instead("5 BY 12"),
            "try 5x12: width and height are separated by x"
        );
        assert_eq!(
            try_instead("5х12"),
            "try 5x12: width and height are separated by x"
        );
        for general in [
            "512",
            "x512",
            "512x",
            "5a12",
            "5 and 12",
            "big",
            "1*2*3",
            "512x512x512",
        ] {
            assert_eq!(
                try_instead(general),
                "try 512x512, or 512 for a square",
                "{general}"
            );
        }
    }

    fn ok(text: &str) -> (u32, u32) {
        let s: Size = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
        (s.width, s.height)
    }

    #[test]
    fn accepts_every_documented_spelling() {
        assert_eq!(ok("512x512"), (512, 512));
        assert_eq!(ok("512X256"), (512, 256));
        assert_eq!(ok("512×768"), (512, 768));
        assert_eq!(ok("768 × 768"), (768, 768));
        assert_eq!(ok(" 1024 x 16 "), (1024, 16));
        assert_eq!(ok("512"), (512, 512));
        assert_eq!(ok("0007x1"), (7, 1));
        assert_eq!(ok("4294967295x1"), (u32::MAX, 1));
    }

    #[test]
    fn rejects_with_the_text_and_a_hint() {
        for bad in [
            "",
            "  ",
            "0x512",
            "512x0",
            "-512x512",
            "512x",
            "x512",
            "512x512x512",
            "1e3x512",
            "0x200x512",
            "５１２x512",
            "+512x512",
            "512.0x512",
            "512*512",
            "4294967296x1",
            "123456789012345678901234567890x1",
        ] {
            let err = bad.parse::<Size>().expect_err(bad).to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
            assert!(err.contains("try 512x512"), "{err}");
        }
    }

    #[test]
    fn error_messages_stay_short_whatever_the_input() {
        // Found by fuzzing: control characters escape to several characters each when quoted.
        let control = "102\0\0\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\0\u{7}";
        let long = "9".repeat(100_000);
        for text in [control, long.as_str()] {
            let message = text.parse::<Size>().unwrap_err().to_string();
            assert!(message.len() < 1200, "{}", message.len());
        }
    }

    #[test]
    fn display_parses_back() {
        let s = Size::new(777, 3);
        assert_eq!(s.to_string(), "777x3");
        assert_eq!(s.to_string().parse::<Size>(), Ok(s));
    }
}
