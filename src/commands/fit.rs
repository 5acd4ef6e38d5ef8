//! `fit`: the one rate that reproduces a published grid, and `--write` to keep it.

use super::Streams;
use super::load::pick_checked;
use crate::cli::{FitArgs, FitFormat};
use crate::error::{Error, Outcome};
use crate::render::{self, FitView};
use crate::tariff::{Origin, Tariff};

pub(super) fn fit(tariff: &Tariff, args: &FitArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    let model = super::load::image_only(pick_checked(tariff, args.model.as_deref())?, "fit")?;
    let found = crate::fit::fit(model, tariff.display)?;
    let mut written = None;
    if args.write {
        let Origin::File(file) = &tariff.origin else {
            let read_from = match tariff.origin {
                Origin::Stdin => "this one was read from standard input; ",
                _ => "",
            };
            return Err(Error::Usage(format!(
                "fit --write rewrites a tariff file; {read_from}name one with --tariff PATH"
            )));
        };
        let Some(rate) = found.suggested else {
            return Err(Error::Usage(format!(
                "no rate to write: no rate reproduces any published cell of {:?}",
                model.id
            )));
        };
        // Which dated rate the published grid belongs to is the editor's call, not a guess.
        if let Some(last) = model.rates.last() {
            return Err(Error::Usage(format!(
                "model {:?} has dated rates (`rates`, the newest from {}), and fit --write only replaces a single `rate`; the file is left as it was: add {{ from = \"YYYY-MM-DD\", rate = \"{}\" }} to its rates by hand, with the day the rate takes effect",
                model.id,
                last.from,
                crate::render::exact(rate)
            )));
        }
        crate::tariff::write::write_rate(file, &tariff.text, &model.id, rate).map_err(
            |reason| Error::WriteTariff {
                path: file.clone(),
                reason,
            },
        )?;
        written = Some(file.clone());
    }
    let view = FitView {
        tariff,
        model,
        fit: &found,
        written,
    };
    match args.format {
        FitFormat::Text => render::text::fit(io.out, &view)?,
        FitFormat::Json => render::json::fit(io.out, &view)?,
    }
    Ok(if found.all_within_tolerance {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
