//! `validate`: check a tariff and list its warnings.

use std::path::Path;

use super::Streams;
use super::load::load_tariff;
use crate::cli::ValidateArgs;
use crate::error::{Error, Outcome};

/// `validate`: errors end the run (all of them, placed); warnings are listed and, with
/// `strict`, fail it.
pub(super) fn validate(
    path: Option<&Path>,
    args: &ValidateArgs,
    max_age: Option<u32>,
    today: crate::date::Day,
    io: &mut Streams<'_>,
    report: &mut super::github::Report,
) -> Result<Outcome, Error> {
    let strict = args.strict;
    let tariff = load_tariff(path)?;
    super::check_age(&tariff, max_age, today)?;
    let warnings = crate::checks::warnings(&tariff, &today.to_string());
    for w in &warnings {
        writeln!(io.err, "{} {w}", io.err_paint.warning("warning:"))?;
    }
    let models = tariff.models.len();
    let line = format!(
        "{}: valid, {models} model{}, {} warning{}",
        tariff.origin.name(),
        if models == 1 { "" } else { "s" },
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    );
    writeln!(io.out, "{line}")?;
    let failed = strict && !warnings.is_empty();
    report.annotations = super::github::warnings(&warnings);
    report.summary = format!("{}\n", crate::render::markdown::cell(&line));
    report.notice = Some(line);
    let verdict = match (failed, warnings.is_empty()) {
        (true, _) => "fail",
        (false, false) => "warn",
        (false, true) => "pass",
    };
    report.outputs = vec![("verdict", verdict.to_owned())];
    Ok(if failed {
        Outcome::CheckFailed
    } else {
        Outcome::Success
    })
}
