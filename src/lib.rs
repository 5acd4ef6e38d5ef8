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
pub mod compare;
pub mod completions;
pub mod date;
pub mod diff;
pub mod error;
pub mod escape;
pub mod exact;
pub mod fit;
pub mod grid;
pub mod job;
pub mod manpage;
pub mod meter_grid;
pub mod number;
pub mod output;
pub mod pricing;
pub mod render;
pub mod size;
pub mod tariff;
pub mod workload;

pub use commands::{Streams, run};
pub use error::{Error, Outcome};

use cli::ColorChoice;
use render::Paint;

/// Styling for one stream. `--color always` and `never` are followed whatever the environment
/// (a command-line choice overrides `NO_COLOR`, as no-color.org asks); `auto` leaves it to
/// anstream's rules: no colour with `NO_COLOR` set (to anything but ""), colour with
/// `CLICOLOR_FORCE` set, none with `CLICOLOR=0`, and otherwise colour only on a terminal whose
/// `TERM` is set and not `dumb` (or in CI).
pub fn paint_for<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> Paint {
    let enabled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    };
    Paint { enabled }
}

/// Styling for standard output and standard error, as they are now.
pub fn paints(choice: ColorChoice) -> (Paint, Paint) {
    (
        paint_for(choice, &std::io::stdout()),
        paint_for(choice, &std::io::stderr()),
    )
}
