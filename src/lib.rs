//! dis-price: know what a Distribute.ai image job will cost before you run it.
//!
//! The library behind the `dis-price` command: a checked [`tariff::Tariff`] read from TOML, a
//! [`job::Job`], exact [`pricing`] on `Decimal`, the steps x sizes [`grid`] and its check against
//! published prices, and one renderer per output format in [`render`].

pub mod afford;
pub mod axis;
pub mod batch;
pub mod budget;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diff;
pub mod error;
pub mod escape;
pub mod exact;
pub mod fit;
pub mod grid;
pub mod job;
pub mod number;
pub mod output;
pub mod pricing;
pub mod render;
pub mod size;
pub mod tariff;
pub mod workload;

pub use commands::{Streams, run};
pub use error::{Error, Outcome};

use std::io::IsTerminal;

use cli::ColorChoice;
use render::Paint;

/// Styling for one stream: colour when chosen, never with `NO_COLOR` set (to anything but "").
pub fn paint_for(choice: ColorChoice, is_terminal: bool) -> Paint {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let enabled = !no_color
        && match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal,
        };
    Paint { enabled }
}

/// Styling for standard output and standard error, as they are now.
pub fn paints(choice: ColorChoice) -> (Paint, Paint) {
    (
        paint_for(choice, std::io::stdout().is_terminal()),
        paint_for(choice, std::io::stderr().is_terminal()),
    )
}
