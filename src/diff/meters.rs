//! Changes of models that bill tokens or seconds.

use rust_decimal::Decimal;

use super::minimum::Least;
use super::{Change, ChangeKind, DiffError, Overflow, Percent};
use crate::exact::Exact;
use crate::tariff::{Metering, Model, describe_spans};

/// A model's rates in words, whatever its meter.
pub(super) fn rates_in_words(m: &Model, currency: &str) -> String {
    match m.metering {
        Metering::MegapixelStep => format!("{} {currency} per {}", m.rate.normalize(), m.unit),
        Metering::Token(t) => format!(
            "{} {currency} per {} input tokens and {} {currency} per {} output tokens",
            t.input.normalize(),
            t.per,
            t.output.normalize(),
            t.per
        ),
        Metering::Second(s) => format!(
            "{} {currency} per second of audio, at least {} s per request",
            s.rate.normalize(),
            s.minimum_seconds.normalize()
        ),
    }
}

/// The changes of a model that bills tokens or seconds on either side: a change of meter
/// always fails a `--fail-above` gate (its prices cannot be compared); rates of one meter are
/// compared per token or per second, exactly.
pub(super) fn meter_changes(o: &Model, n: &Model) -> Result<Vec<Change>, DiffError> {
    let too_large = |what: &str| DiffError::TooLarge(format!("the {what} change of {}", o.id));
    let change = |kind, old: String, new: String| Change {
        kind,
        model: Some(o.id.clone()),
        old,
        new,
        percent: None,
        always_fails: false,
        effect: String::new(),
    };
    let per = |rate: Decimal, per: u32| {
        Exact::from_decimal(rate)?.checked_mul(Exact::ratio(1, u64::from(per))?)
    };
    let rise = |what: &str, old: Option<Exact>, new: Option<Exact>| match (old, new) {
        (Some(old), Some(new)) => Percent::between(old, new).map_err(|Overflow| too_large(what)),
        _ => Err(too_large(what)),
    };
    let words = |rate: Decimal, per: u32| format!("{} per {per}", rate.normalize());
    let mut changes = Vec::new();
    match (o.metering, n.metering) {
        (Metering::Token(a), Metering::Token(b)) => {
            for (kind, what, (ra, rb)) in [
                (ChangeKind::InputRate, "input", (a.input, b.input)),
                (ChangeKind::OutputRate, "output", (a.output, b.output)),
            ] {
                if (ra, a.per) == (rb, b.per) {
                    continue;
                }
                let p = rise(what, per(ra, a.per), per(rb, b.per))?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: p.map_or_else(
                        || format!("{what} tokens cost something now"),
                        |p| format!("an {what} token pays {p}%"),
                    ),
                    ..change(kind, words(ra, a.per), words(rb, b.per))
                });
            }
        }
        (Metering::Second(a), Metering::Second(b)) => {
            if a.rate != b.rate {
                let p = rise(
                    "rate",
                    Exact::from_decimal(a.rate),
                    Exact::from_decimal(b.rate),
                )?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: p.map_or_else(String::new, |p| format!("a second of audio pays {p}%")),
                    ..change(
                        ChangeKind::Rate,
                        a.rate.normalize().to_string(),
                        b.rate.normalize().to_string(),
                    )
                });
            }
            if o.input_chars != n.input_chars {
                changes.push(input_chars(o, n, change));
            }
            if a.minimum_seconds != b.minimum_seconds {
                let p = rise(
                    "minimum_seconds",
                    Exact::from_decimal(a.minimum_seconds),
                    Exact::from_decimal(b.minimum_seconds),
                )?;
                changes.push(Change {
                    percent: p,
                    always_fails: p.is_none(),
                    effect: Least::Seconds.effect(a.minimum_seconds, b.minimum_seconds, p),
                    ..change(
                        ChangeKind::MinimumSeconds,
                        a.minimum_seconds.normalize().to_string(),
                        b.minimum_seconds.normalize().to_string(),
                    )
                });
            }
        }
        (a, b) => changes.push(Change {
            always_fails: true,
            effect: format!(
                "the model bills per {} now, not per {}: its prices cannot be compared",
                b.name(),
                a.name()
            ),
            ..change(ChangeKind::Meter, a.name().to_owned(), b.name().to_owned())
        }),
    }
    Ok(changes)
}

/// The change of the text lengths a speech model accepts; a model with no limit accepts any.
fn input_chars(
    o: &Model,
    n: &Model,
    change: impl Fn(ChangeKind, String, String) -> Change,
) -> Change {
    let span = |l: crate::tariff::CharLimits| vec![(l.min, l.max)];
    let words = |m: &Model| {
        m.input_chars
            .map_or_else(|| "any".to_owned(), |l| describe_spans(&span(l)))
    };
    let base = change(ChangeKind::InputChars, words(o), words(n));
    match (o.input_chars, n.input_chars) {
        (Some(a), Some(b)) => super::image::limits(base, &span(a), &span(b), |spans| {
            format!("speech requests of {spans} characters")
        }),
        (None, Some(b)) => Change {
            always_fails: true,
            effect: format!(
                "speech requests outside {} characters were accepted and are refused now",
                describe_spans(&span(b))
            ),
            ..base
        },
        (Some(a), None) => Change {
            effect: format!(
                "speech requests outside {} characters are accepted now",
                describe_spans(&span(a))
            ),
            ..base
        },
        (None, None) => base,
    }
}
