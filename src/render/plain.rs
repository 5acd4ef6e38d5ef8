//! `--format plain`: the rounded amount alone, for `$(...)` in scripts.

use std::io::{self, Write};

use super::{QuoteView, money};

/// Writes the job's shown price and a newline.
pub fn quote(out: &mut dyn Write, view: &QuoteView<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        money(view.quote.price, view.tariff.display.decimals)
    )
}

/// The number alone: images, or steps per image.
pub fn afford(out: &mut dyn Write, view: &super::AffordView<'_>) -> io::Result<()> {
    writeln!(out, "{}", view.answer.most)
}
