//! Which parts of a job took the API's default because the request left them out: an image
//! request's `steps`, `size` and `n`, a chat request's `max_completion_tokens`. Every output
//! format marks them, and the summary counts the jobs that used one.

/// A set of request keys that took the API's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Defaults(u8);

/// The keys, in the order output lists them.
const NAMES: [&str; 4] = ["steps", "size", "n", "max_completion_tokens"];

impl Defaults {
    /// None taken.
    pub const NONE: Defaults = Defaults(0);
    /// The image's steps.
    pub const STEPS: Defaults = Defaults(1);
    /// The image's size.
    pub const SIZE: Defaults = Defaults(2);
    /// The number of images.
    pub const COUNT: Defaults = Defaults(4);
    /// A chat request's cap on completion tokens.
    pub const OUTPUT_CAP: Defaults = Defaults(8);

    /// Those of an image job whose `steps`, `size` and `count` were not given (`None`).
    pub fn of_image(steps: bool, size: bool, count: bool) -> Defaults {
        let pick = |taken: bool, d: Defaults| if taken { d.0 } else { 0 };
        Defaults(pick(steps, Self::STEPS) | pick(size, Self::SIZE) | pick(count, Self::COUNT))
    }

    /// Whether none was taken.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `other` is among them.
    pub fn has(self, other: Defaults) -> bool {
        other.0 != 0 && self.0 & other.0 == other.0
    }

    /// The keys that took a default, as the request would have named them.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, name)| *name)
    }

    /// The keys joined by spaces (`steps size`), empty when none: a CSV cell.
    pub fn cell(self) -> String {
        self.names().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_flags() {
        assert_eq!(Defaults::of_image(true, false, true).cell(), "steps n");
        assert_eq!(Defaults::OUTPUT_CAP.cell(), "max_completion_tokens");
        assert!(Defaults::of_image(false, false, false).is_empty());
        assert!(Defaults::of_image(false, true, false).has(Defaults::SIZE));
        assert!(!Defaults::of_image(false, true, false).has(Defaults::STEPS));
        assert!(!Defaults::NONE.has(Defaults::NONE));
    }
}
