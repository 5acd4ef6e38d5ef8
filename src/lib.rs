//! dis-price: know what a Distribute.ai job will cost before you run it: images per
//! megapixel-step, chat per token, speech per second.
//!
//! The library behind the `dis-price` command: a checked [`tariff::Tariff`] read from TOML, a
//! [`job::Job`], exact [`pricing`] on `Decimal` for images, chat and speech, the steps x sizes
//! [`grid`] and its check against published prices, [`batch`] pricing of whole workloads, and
//! one renderer per output format in [`render`].
//!
//! The price of one image job under the built-in tariff: 512x512 at 20 steps on flux-dev is
//! 5 megapixel-steps at 0.001206 USD, exactly 0.00603, shown at the tariff's 4 places.
//!
//! ```
//! use dis_price::job::Job;
//! use dis_price::{checks, pricing, render};
//! use dis_price::size::Size;
//!
//! let tariff = checks::builtin().expect("the built-in tariff loads and passes its checks");
//! let model = tariff.find_model("flux-dev").expect("a model of the tariff");
//! let job = Job {
//!     steps: 20,
//!     size: Size { width: 512, height: 512 },
//!     count: 1,
//! };
//! let quote = pricing::quote(model, &job, tariff.display).expect("a price in range");
//! assert_eq!(quote.exact.to_string(), "0.00603");
//! // Rounded once, as the tariff says, and shown at its places.
//! let shown = render::money(quote.price, tariff.display.decimals);
//! assert_eq!(shown, "0.0060");
//! ```

pub mod afford;
#[doc(hidden)]
pub mod axis;
pub mod batch;
pub mod budget;
pub mod checks;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod commands;
pub mod compare;
#[doc(hidden)]
pub mod completions;
pub mod date;
pub mod diff;
#[doc(hidden)]
pub mod digits;
pub mod error;
#[doc(hidden)]
pub mod escape;
pub mod exact;
pub mod fit;
pub mod grid;
pub mod job;
#[doc(hidden)]
pub mod manpage;
pub mod meter_grid;
#[doc(hidden)]
pub mod number;
#[doc(hidden)]
pub mod output;
pub mod pricing;
pub mod render;
pub mod review;
pub mod size;
pub mod tariff;
pub mod wav;
#[doc(hidden)]
pub mod workload;

#[doc(hidden)]
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
#[doc(hidden)]
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
#[doc(hidden)]
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
