//! Finding the tariff and the model a command works on.

use std::path::Path;

use crate::error::Error;
use crate::tariff::{Model, Origin, Tariff};

/// The environment variable naming a tariff file; `--tariff` wins over it, and empty means unset.
pub const TARIFF_ENV: &str = "DIS_PRICE_TARIFF";

/// The largest tariff file read, so a wrong path (a disk image, a log) fails fast.
pub const MAX_TARIFF_BYTES: u64 = 1024 * 1024;

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The built-in tariff, or the file at `path`, or standard input for `-`: the same size cap
/// and checks either way.
pub fn load_tariff(path: Option<&Path>) -> Result<Tariff, Error> {
    let Some(path) = path else {
        return Ok(crate::checks::builtin()?);
    };
    let stdin = is_stdin(path);
    let fail = |reason: String| Error::ReadTariff {
        path: if stdin {
            "standard input".into()
        } else {
            path.to_owned()
        },
        reason,
    };
    let bytes = if stdin {
        read_limited(std::io::stdin().lock(), MAX_TARIFF_BYTES)
    } else {
        read_capped(path, MAX_TARIFF_BYTES)
    }
    .map_err(fail)?;
    // A UTF-8 byte order mark is kept: the TOML reader accepts it, and `text` stays the file
    // as written, so a rewrite keeps it.
    if let Some(reason) = crate::batch::source::not_utf8_start(&bytes) {
        return Err(fail(reason));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {}); a tariff is a TOML file",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let origin = if stdin {
        Origin::Stdin
    } else {
        Origin::File(path.to_owned())
    };
    Ok(crate::checks::parse(origin, text)?)
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    if path.is_dir() {
        return Err("it is a directory; expected a TOML file".to_owned());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    read_limited(file, limit)
}

/// At most `limit` bytes of `input`; more is an error.
fn read_limited(input: impl std::io::Read, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    input
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "it is larger than {limit} bytes, the most a tariff may be"
        ));
    }
    Ok(bytes)
}

/// The model, if it has a rate on the day the tariff prices.
pub fn in_force<'t>(tariff: &Tariff, model: &'t Model) -> Result<&'t Model, Error> {
    match (model.not_until, tariff.priced_on) {
        (Some(first), Some(day)) => Err(Error::NoRateYet {
            model: model.id.clone(),
            day,
            first,
        }),
        _ => Ok(model),
    }
}

/// [`pick_model`] for a command that checks a published grid: a model without a rate on the
/// tariff's `as_of` (the day checked unless `--as-of` says otherwise) is refused in the words
/// `validate` warns with.
pub fn pick_checked<'t>(tariff: &'t Tariff, query: Option<&str>) -> Result<&'t Model, Error> {
    pick_model(tariff, query).map_err(|e| match e {
        Error::NoRateYet { model, day, first } if day.to_string() == tariff.as_of => {
            Error::Usage(format!(
                "{}; or check another day with --as-of",
                crate::checks::no_rate_on_as_of(&model, &tariff.as_of, first)
            ))
        }
        e => e,
    })
}

/// The model named by `query`, or the default one; it must have a rate on the day priced.
pub fn pick_model<'t>(tariff: &'t Tariff, query: Option<&str>) -> Result<&'t Model, Error> {
    find_model(tariff, query).and_then(|model| in_force(tariff, model))
}

fn find_model<'t>(tariff: &'t Tariff, query: Option<&str>) -> Result<&'t Model, Error> {
    let Some(query) = query else {
        return Ok(tariff.default_model());
    };
    tariff.find_model(query).ok_or_else(|| Error::UnknownModel {
        given: query.to_owned(),
        suggestion: tariff.nearest_model(query).map(str::to_owned),
        known: tariff
            .models
            .iter()
            .map(crate::tariff::Model::known_as)
            .collect(),
    })
}

/// The model, if it bills megapixel-steps of images: `command` works on image prices only, and
/// says so, naming the model's meter and what to use instead.
pub fn image_only<'t>(model: &'t Model, command: &str) -> Result<&'t Model, Error> {
    if model.is_image() {
        return Ok(model);
    }
    Err(Error::Usage(format!(
        "`{command}` works on megapixel-step (image) models only; model {:?} bills per {} (price one request with `dis-price --model {:?} {}`)",
        model.name,
        model.metering.name(),
        model.id,
        match model.metering {
            crate::tariff::Metering::Token(_) => "--input-tokens N --output-tokens M",
            _ => "--seconds S",
        }
    )))
}

/// The flags of one job or request, each with whether it was given.
pub type GivenFlags = [(&'static str, bool); 8];

/// Refuses the flags among `others` that were given: they are for another meter than
/// `model`'s, and nothing given is dropped silently. The message names them and the flags the
/// model takes, after `takes` (`"it takes"`), with `note` at the end.
pub fn refuse_other_meter(
    model: &Model,
    given: GivenFlags,
    others: &[&str],
    takes: &str,
    note: &str,
) -> Result<(), Error> {
    let wrong: Vec<&str> = given
        .into_iter()
        .filter_map(|(flag, set)| (set && others.contains(&flag)).then_some(flag))
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} {} not for model {:?}, which bills per {}; {takes} {}{note}",
        wrong.join(", "),
        if wrong.len() == 1 { "is" } else { "are" },
        model.name,
        model.metering.name(),
        model.metering.flags()
    )))
}
