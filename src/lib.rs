//! dis-price: know what a Distribute.ai image job will cost before you run it.
//!
//! The library behind the `dis-price` command: a checked [`tariff::Tariff`] read from TOML, a
//! [`job::Job`], exact [`pricing`] on `Decimal`, the steps x sizes [`grid`] and its check against
//! published prices, and one renderer per output format in [`render`].

pub mod afford;
pub mod axis;
pub mod batch;
pub mod budget;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod completions;
pub mod date;
pub mod diff;
pub mod digits;
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
/// (a command-line choice overrides `NO_COLOR`, as no-color.org asks); `auto` follows
/// anstream's rules with two corrections: no colour with `NO_COLOR` set (to anything but ""),
/// colour with `CLICOLOR_FORCE` set to anything but "" or "0" (the clicolors convention: 0 does
/// not force), none with `CLICOLOR=0`, and otherwise colour only on a terminal whose `TERM` is
/// set, not empty and not `dumb` (or with `CLICOLOR` set, or in CI). anstream itself forces
/// colour for `CLICOLOR_FORCE=0` and takes an empty `TERM` as a capable one.
pub fn paint_for<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> Paint {
    let enabled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_colour(stream.is_terminal(), |name| std::env::var_os(name)),
    };
    Paint { enabled }
}

/// The `auto` rule of [`paint_for`], on whether the stream is a terminal and the environment.
fn auto_colour(terminal: bool, var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    let clicolor = var("CLICOLOR");
    if clicolor.as_deref().is_some_and(|v| v == "0") {
        return false;
    }
    let term = set("TERM").is_some_and(|t| t != "dumb");
    terminal && (term || clicolor.is_some() || var("CI").is_some())
}

/// Styling for standard output and standard error, as they are now.
pub fn paints(choice: ColorChoice) -> (Paint, Paint) {
    (
        paint_for(choice, &std::io::stdout()),
        paint_for(choice, &std::io::stderr()),
    )
}

#[cfg(test)]
mod tests {
    use super::auto_colour;

    fn with(terminal: bool, env: &[(&str, &str)]) -> bool {
        auto_colour(terminal, |name| {
            env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
        })
    }

    #[test]
    fn auto_colour_follows_the_conventions() {
        let term = ("TERM", "xterm-256color");
        assert!(with(true, &[term]));
        assert!(!with(false, &[term]));
        assert!(!with(true, &[]));
        assert!(!with(true, &[("TERM", "")]));
        assert!(!with(true, &[("TERM", "dumb")]));
        assert!(!with(true, &[term, ("NO_COLOR", "1")]));
        assert!(with(true, &[term, ("NO_COLOR", "")]));
        assert!(with(false, &[("CLICOLOR_FORCE", "1")]));
        assert!(!with(false, &[("CLICOLOR_FORCE", "0")]));
        assert!(!with(false, &[("CLICOLOR_FORCE", "")]));
        assert!(with(true, &[term, ("CLICOLOR_FORCE", "0")]));
        assert!(!with(false, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
        assert!(!with(true, &[term, ("CLICOLOR", "0")]));
        assert!(with(true, &[("CI", "true")]));
    }
}
