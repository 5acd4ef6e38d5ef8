//! What one job is, how the model's defaults fill it in, and whether the API would accept it.

use std::fmt;

use crate::size::Size;
use crate::tariff::Model;

/// A checked job: steps, size and number of images.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Inference steps per image.
    pub steps: u32,
    /// Size of each image.
    pub size: Size,
    /// Number of images.
    pub count: u32,
}

/// A job as asked for: any part may be left to the model's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Steps, or the model's default.
    pub steps: Option<u32>,
    /// Size, or the model's default.
    pub size: Option<Size>,
    /// Number of images, or 1.
    pub count: Option<u32>,
}

/// A job with a note of which parts came from defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The job.
    pub job: Job,
    /// The steps are the model's default.
    pub default_steps: bool,
    /// The size is the model's default.
    pub default_size: bool,
}

impl Request {
    /// Fills in what was not given from the model.
    pub fn resolve(self, model: &Model) -> Resolved {
        Resolved {
            job: Job {
                steps: self.steps.unwrap_or(model.steps.default),
                size: self.size.unwrap_or(model.default_size),
                count: self.count.unwrap_or(1),
            },
            default_steps: self.steps.is_none(),
            default_size: self.size.is_none(),
        }
    }
}

/// A part of a job outside the model's limits: the API would refuse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    what: &'static str,
    value: u32,
    /// The part and its value in words: `steps 51`, `input longer than 4096 characters`.
    subject: String,
    limit: String,
    model: String,
}

/// The value of an `input` breach (a speech request's text): shorter than the limit.
pub const TEXT_TOO_SHORT: u32 = 0;
/// The value of an `input` breach: longer than the limit.
pub const TEXT_TOO_LONG: u32 = 1;

/// A speech model's text limit in words: `2 to 4096 characters`, `exactly 5 characters`.
pub fn char_limit(l: crate::tariff::CharLimits) -> String {
    if l.min == l.max {
        format!("exactly {} character{}", l.min, plural(l.min))
    } else {
        format!("{} to {} characters", l.min, l.max)
    }
}

impl Breach {
    /// The part: `steps`, `width`, `height` or `count` of an image job; `input`, the text of
    /// a speech request, whose value is [`TEXT_TOO_SHORT`] or [`TEXT_TOO_LONG`] (so that one
    /// warning stands for every length on that side).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The value outside the limit.
    pub fn value(&self) -> u32 {
        self.value
    }
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is outside {}'s limit ({})",
            self.subject, self.model, self.limit
        )
    }
}

impl Job {
    /// Whether the API would accept it: four comparisons, for the per-row hot path.
    #[inline]
    pub fn within(&self, model: &Model) -> bool {
        let (steps, side) = (model.steps, &model.side);
        (steps.min..=steps.max).contains(&self.steps)
            && side.accepts(self.size.width)
            && side.accepts(self.size.height)
            && self.count >= 1
    }

    /// Every way this job breaks the model's limits; empty when the API would accept it.
    pub fn breaches(&self, model: &Model) -> Vec<Breach> {
        if self.within(model) {
            return Vec::new();
        }
        self.breached(model)
            .map(|(what, value)| Breach::new(model, what, value))
            .collect()
    }

    /// The parts outside the model's limits, as `(part, value)`, in the order [`Job::breaches`]
    /// gives them, without describing them: for commands that meet the same breach in many jobs.
    pub fn breached(&self, model: &Model) -> impl Iterator<Item = (&'static str, u32)> {
        let (steps, side) = (model.steps, &model.side);
        [
            (
                "steps",
                self.steps,
                (steps.min..=steps.max).contains(&self.steps),
            ),
            ("width", self.size.width, side.accepts(self.size.width)),
            ("height", self.size.height, side.accepts(self.size.height)),
            ("count", self.count, self.count >= 1),
        ]
        .into_iter()
        .filter(|&(_, _, accepted)| !accepted)
        .map(|(what, value, _)| (what, value))
    }
}

impl Breach {
    /// `value` of `what` (as [`Job::breached`] names it) outside `model`'s limit, described.
    pub fn new(model: &Model, what: &'static str, value: u32) -> Breach {
        let (steps, side) = (model.steps, &model.side);
        let limit = match what {
            "steps" if steps.min == steps.max => {
                format!("exactly {} step{}", steps.min, plural(steps.min))
            }
            "steps" => format!("{} to {} steps", steps.min, steps.max),
            "count" => "at least 1 image".to_owned(),
            "input" => model.input_chars.map(char_limit).unwrap_or_default(),
            _ => match side.accepted()[..] {
                [] => "no side is accepted".to_owned(),
                [(a, b)] if a == b => format!("each side exactly {a} pixel{}", plural(a)),
                _ => format!("each side {} pixels", side.describe()),
            },
        };
        let subject = match (what, model.input_chars) {
            ("input", Some(l)) if value == TEXT_TOO_SHORT => {
                format!("input shorter than {} character{}", l.min, plural(l.min))
            }
            ("input", Some(l)) => format!("input longer than {} character{}", l.max, plural(l.max)),
            _ => format!("{what} {value}"),
        };
        Breach {
            what,
            value,
            subject,
            limit,
            model: model.name.clone(),
        }
    }
}

/// `s` unless `n` is 1.
fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
