//! A change beyond the grid's cells: what it is, what it does to a job, and whether it fails
//! the gate.

use rust_decimal::Decimal;

use super::Percent;

/// What changed beyond the grid's cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The model of jobs that name none.
    DefaultModel,
    /// Decimal places or rounding mode of shown prices.
    Display,
    /// A model id that names no model any more.
    ModelRemoved,
    /// An alias that names no model any more.
    AliasRemoved,
    /// A display name that names no model any more.
    NameRemoved,
    /// An id, alias or display name that names another model now.
    NameMoved,
    /// A new model.
    ModelAdded,
    /// The rate or the unit it is charged per.
    Rate,
    /// The least charge per image.
    Minimum,
    /// The accepted steps.
    Steps,
    /// The accepted sides.
    Sides,
    /// Steps of jobs that give none.
    DefaultSteps,
    /// Size of jobs that give none.
    DefaultSize,
    /// Steps and size of jobs that give neither.
    DefaultJob,
    /// What the model bills by (megapixel-step, token, second).
    Meter,
    /// The rate per input token.
    InputRate,
    /// The rate per output token.
    OutputRate,
    /// The seconds charged at least per speech request.
    MinimumSeconds,
    /// The accepted length of a speech request's text.
    InputChars,
}

impl ChangeKind {
    /// How output names it.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::DefaultModel => "default-model",
            ChangeKind::Display => "display",
            ChangeKind::ModelRemoved => "model-removed",
            ChangeKind::AliasRemoved => "alias-removed",
            ChangeKind::NameRemoved => "name-removed",
            ChangeKind::NameMoved => "name-moved",
            ChangeKind::ModelAdded => "model-added",
            ChangeKind::Rate => "rate",
            ChangeKind::Minimum => "minimum",
            ChangeKind::Steps => "steps",
            ChangeKind::Sides => "sides",
            ChangeKind::DefaultSteps => "default-steps",
            ChangeKind::DefaultSize => "default-size",
            ChangeKind::DefaultJob => "default-job",
            ChangeKind::Meter => "meter",
            ChangeKind::InputRate => "input-rate",
            ChangeKind::OutputRate => "output-rate",
            ChangeKind::MinimumSeconds => "minimum-seconds",
            ChangeKind::InputChars => "input-chars",
        }
    }
}

/// A change to the tariff beyond the cells shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// The model it belongs to; `None` for the whole tariff.
    pub model: Option<String>,
    /// The value as it was; empty for something added.
    pub old: String,
    /// The value as it is; empty for something removed.
    pub new: String,
    /// How much a job it touches pays now against before, at most, when that is a percentage.
    pub percent: Option<Percent>,
    /// Whether some job can pay more, or no longer be priced, by an amount with no percentage:
    /// it fails any `--fail-above`.
    pub always_fails: bool,
    /// What it does to a job, in words.
    pub effect: String,
}

impl Change {
    /// Whether it fails `--fail-above limit`.
    pub fn fails(&self, limit: Decimal) -> bool {
        self.always_fails || self.percent.is_some_and(|p| p.exceeds(limit))
    }

    /// The change in words: `flux-dev rate 0.001206 -> 0.0013266: a metered image pays +10.00%`.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        if let Some(model) = &self.model {
            text.push_str(model);
            text.push(' ');
        }
        text.push_str(self.kind.name());
        if !self.old.is_empty() && !self.new.is_empty() {
            text.push_str(&format!(" {} -> {}", self.old, self.new));
        }
        text.push_str(": ");
        text.push_str(&self.effect);
        text
    }
}
