//! What every pricing command shares: the model's limits and the budget gate.

use rust_decimal::Decimal;

use super::Streams;
use crate::budget::{Budget, Verdict};
use crate::error::{Error, Outcome};
use crate::exact::Exact;
use crate::job::{Breach, Job};
use crate::render::{self};
use crate::tariff::{Model, Tariff};

/// Refuses a job outside the model's limits, or warns when that is allowed.
pub(super) fn within_limits(
    model: &Model,
    job: &Job,
    allow: bool,
    io: &mut Streams<'_>,
) -> Result<(), Error> {
    let breaches = job.breaches(model);
    if breaches.is_empty() {
        return Ok(());
    }
    if !allow {
        return Err(Error::OutOfRange(breaches));
    }
    for b in breaches {
        writeln!(
            io.err,
            "{} {b}; the API would refuse it, priced anyway",
            io.err_paint.warning("warning:")
        )?;
    }
    Ok(())
}

/// The limits checked over many jobs (a grid's cells): each distinct breach is described once,
/// in the order first met, with how many jobs it touches, and the warnings go to standard error
/// in one write instead of a line per job.
#[derive(Default)]
pub(super) struct ManyJobs {
    /// Index in `found` of each breach met, by part and value.
    seen: std::collections::HashMap<(&'static str, u32), usize>,
    found: Vec<(Breach, u64)>,
}

impl ManyJobs {
    /// Checks one job; refuses it when out-of-range jobs are not allowed.
    pub(super) fn check(&mut self, model: &Model, job: &Job, allow: bool) -> Result<(), Error> {
        // The usual job is within the limits: four comparisons, nothing built.
        if job.within(model) {
            return Ok(());
        }
        if !allow {
            return Err(Error::OutOfRange(job.breaches(model)));
        }
        for (what, value) in job.breached(model) {
            let found = &mut self.found;
            let at = *self.seen.entry((what, value)).or_insert_with(|| {
                found.push((Breach::new(model, what, value), 0));
                found.len() - 1
            });
            self.found[at].1 += 1;
        }
        Ok(())
    }

    /// Writes one warning per distinct breach, with the number of `jobs` (e.g. "cells") each
    /// touches.
    pub(super) fn warn(&self, jobs: &str, io: &mut Streams<'_>) -> Result<(), Error> {
        let mut text = String::new();
        let warning = io.err_paint.warning("warning:");
        for (breach, n) in &self.found {
            let plural = if *n == 1 { "" } else { "s" };
            text.push_str(&format!(
                "{warning} {breach}; the API would refuse it, priced anyway ({n} {jobs}{plural})\n"
            ));
        }
        if !text.is_empty() {
            io.err.write_all(text.as_bytes())?;
        }
        Ok(())
    }
}

pub(super) struct Judged {
    budget: Budget,
    verdict: Verdict,
    /// The exact total, which the verdict is on.
    exact: Exact,
    /// The total as shown, rounded once.
    shown: Decimal,
}

/// The verdict a judged total came to.
pub(super) fn verdict_of(judged: &Judged) -> Verdict {
    judged.verdict.clone()
}

/// Judges the EXACT total against the budget (the one rule, shared with `afford`).
pub(super) fn judge(budget: Option<Budget>, exact: Exact, shown: Decimal) -> Option<Judged> {
    budget.map(|budget| Judged {
        budget,
        verdict: budget.judge(exact),
        exact,
        shown,
    })
}

/// Reports a verdict: a warning past the share, exit 1 above the budget. Where the shown total
/// is not the exact one, the exact one is printed too, so a total shown equal to the budget but
/// above it (or shown above it but within it) is visible as such.
pub(super) fn gate(
    judged: Option<Judged>,
    tariff: &Tariff,
    io: &mut Streams<'_>,
) -> Result<Outcome, Error> {
    let Some(Judged {
        budget,
        verdict,
        exact,
        shown,
    }) = judged
    else {
        return Ok(Outcome::Success);
    };
    let currency = &tariff.currency;
    let mut total = format!(
        "{} {currency}",
        render::money(shown, tariff.display.decimals)
    );
    let rounded = Exact::from_decimal(shown) != Some(exact);
    if rounded {
        total.push_str(&format!(" (exactly {exact} {currency})"));
    }
    let limit = budget.limit;
    match verdict {
        Verdict::Within => {
            if rounded && Exact::from_decimal(shown).is_none_or(|s| s > limit) {
                writeln!(
                    io.err,
                    "{} total {total} is shown rounded above the budget {limit} {currency}, but is within it",
                    io.err_paint.bold("note:"),
                )?;
            }
            Ok(Outcome::Success)
        }
        Verdict::Warn { percent } => {
            writeln!(
                io.err,
                "{} total {total} is past {percent}% of the budget {limit} {currency}",
                io.err_paint.warning("warning:"),
            )?;
            Ok(Outcome::Success)
        }
        Verdict::Over { overrun } => {
            let by = overrun.map_or_else(String::new, |o| format!(" by {o} {currency}"));
            writeln!(
                io.err,
                "{} total {total} is above the budget {limit} {currency}{by}",
                io.err_paint.error("over budget:"),
            )?;
            Ok(Outcome::CheckFailed)
        }
    }
}
