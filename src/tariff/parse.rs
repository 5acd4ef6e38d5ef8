//! Reading a tariff's text into checked types: the tariff, its display and its models.

use super::*;

/// A refused side range as read: from, to, and where it is.
pub(super) type RefusedRange = (u32, u32, std::ops::Range<usize>, String);

pub(super) struct Parts {
    pub(super) provider: String,
    pub(super) currency: String,
    pub(super) source: String,
    pub(super) as_of: String,
    pub(super) display: Display,
    pub(super) models: Vec<Model>,
    pub(super) default_model: usize,
}

pub(super) fn read_tariff(
    r: &mut Reader,
    mut root: Table<'_, '_>,
    check: RateCheck,
) -> Option<Parts> {
    let schema = r.required(&mut root, "schema");
    let version = schema
        .as_ref()
        .and_then(|(value, path)| Some((r.whole(field!(value, *path), 0)?, value, path)));
    if let Some((n, value, path)) = version
        && !(OLDEST_SCHEMA..=SCHEMA).contains(&n)
    {
        r.problem(
            value.span(),
            path,
            format!(
                "schema {n} is not one this dis-price reads (it reads schema {OLDEST_SCHEMA} and {SCHEMA})"
            ),
        );
    }
    let schema = version.map_or(SCHEMA, |(n, _, _)| n);
    let provider = required_string(r, &mut root, "provider", false);
    let currency = r.required(&mut root, "currency").and_then(|(v, path)| {
        let code = r.string(field!(v, path))?;
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(code)
        } else {
            r.problem(
                v.span(),
                &path,
                format!(
                    "currency {code:?} is not an ISO 4217 code (three capital letters, e.g. USD)"
                ),
            );
            None
        }
    });
    let source = required_string(r, &mut root, "source", false);
    let as_of = r
        .required(&mut root, "as_of")
        .and_then(|(v, path)| read_date(r, field!(v, path)));
    let default_model = r
        .required(&mut root, "default_model")
        .and_then(|(v, path)| Some((r.string(field!(v, path))?, v.span(), path)));
    let display = r.required(&mut root, "display").and_then(|(v, path)| {
        let table = r.table(field!(v, path))?;
        read_display(r, table)
    });
    let models = r.required(&mut root, "models").and_then(|(v, path)| {
        let table = r.table(field!(v, path))?;
        read_models(r, table, schema)
    });
    r.finish(root);

    let models = models?;
    let (wanted, span, path) = default_model?;
    let lowered = wanted.to_lowercase();
    let Some(default_model) = models.iter().position(|m| m.id.to_lowercase() == lowered) else {
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        r.problem(
            span,
            &path,
            format!(
                "default_model {wanted:?} is not a model of this tariff (models: {})",
                ids.join(", ")
            ),
        );
        return None;
    };
    if !models[default_model].is_image() {
        r.problem(
            span,
            &path,
            format!(
                "default_model {wanted:?} bills per {}; the default model is the one an image job without --model uses, so it must be a megapixel-step model",
                models[default_model].metering.name()
            ),
        );
        return None;
    }
    if let Some(display) = display {
        for model in &models {
            check_priceable(r, model, display, check);
        }
    }
    Some(Parts {
        provider: provider?,
        currency: currency?,
        source: source?,
        as_of: as_of?,
        display: display?,
        models,
        default_model,
    })
}

/// Each rate of an image model, asked of `check` (see [`RateCheck`]); a problem is placed at the
/// rate.
pub(super) fn check_priceable(r: &mut Reader, model: &Model, display: Display, check: RateCheck) {
    if !model.is_image() {
        return;
    }
    if model.rates.is_empty() {
        let path = format!("{}.rate", read::child_path("models", &model.id));
        check_rate(r, model, display, &path, check);
    }
    for (i, change) in model.rates.iter().enumerate() {
        let path = format!("{}.rates[{i}].rate", read::child_path("models", &model.id));
        let mut dated = model.clone();
        dated.rate = change.rate;
        check_rate(r, &dated, display, &path, check);
    }
}

/// [`check_priceable`] for the model's `rate`, found at `path`.
fn check_rate(r: &mut Reader, model: &Model, display: Display, path: &str, check: RateCheck) {
    if let Some(message) = check(model, display) {
        let span = r
            .spans
            .iter()
            .find(|(k, _)| k == path)
            .map_or(0..0, |(_, s)| s.clone());
        r.problem(span, path, message);
    }
}

pub(super) fn required_string(
    r: &mut Reader,
    table: &mut Table<'_, '_>,
    key: &'static str,
    allow_empty: bool,
) -> Option<String> {
    let (v, path) = r.required(table, key)?;
    let s = r.string(field!(v, path))?;
    if !allow_empty && s.trim().is_empty() {
        r.problem(v.span(), &path, format!("`{key}` is empty"));
        return None;
    }
    Some(s)
}

/// `YYYY-MM-DD`, as a string or a TOML local date.
pub(super) fn read_date(r: &mut Reader, field: Field<'_, '_>) -> Option<String> {
    let text = match field.value.get_ref() {
        toml::de::DeValue::Datetime(d) => d.to_string(),
        toml::de::DeValue::String(s) => s.to_string(),
        _ => {
            r.problem(
                field.value.span(),
                field.path,
                "expected a date like \"2026-11-25\"",
            );
            return None;
        }
    };
    match check_date(&text) {
        Ok(()) => Some(text),
        Err(why) => {
            r.problem(
                field.value.span(),
                field.path,
                format!("{text:?} is not a date: {why}"),
            );
            None
        }
    }
}

/// Why `text` is not a calendar day `YYYY-MM-DD` (proleptic Gregorian, years 0000 to 9999).
pub(super) fn check_date(text: &str) -> Result<(), String> {
    text.parse::<crate::date::Day>().map(drop)
}

pub(super) fn read_display(r: &mut Reader, mut table: Table<'_, '_>) -> Option<Display> {
    let decimals = r.required(&mut table, "decimals").and_then(|(v, path)| {
        let n = r.whole(field!(v, path), 0)?;
        if n <= 28 {
            Some(n)
        } else {
            r.problem(
                v.span(),
                &path,
                format!("{n} decimal places is more than 28, the most a decimal holds"),
            );
            None
        }
    });
    let rounding = r.required(&mut table, "rounding").and_then(|(v, path)| {
        let name = r.string(field!(v, path))?;
        let found = Rounding::ALL.into_iter().find(|m| m.name() == name);
        if found.is_none() {
            let names: Vec<&str> = Rounding::ALL.iter().map(|m| m.name()).collect();
            r.problem(
                v.span(),
                &path,
                format!(
                    "unknown rounding mode {name:?} (expected one of: {})",
                    names.join(", ")
                ),
            );
        }
        found
    });
    r.finish(table);
    Some(Display {
        decimals: decimals?,
        rounding: rounding?,
    })
}

pub(super) fn read_models(r: &mut Reader, table: Table<'_, '_>, schema: u32) -> Option<Vec<Model>> {
    let mut models = Vec::new();
    let mut complete = true;
    // Every id and alias, lowercased, with where it was defined: a name must mean one model.
    let mut names: Vec<(String, String)> = Vec::new();
    let entries = table.entries();
    if entries.is_empty() {
        r.problem(
            table.span.clone(),
            &table.path,
            "the tariff defines no models (add a [models.ID] table)",
        );
        return None;
    }
    for (key, value) in entries {
        let id: &str = key.get_ref();
        let path = table.child(id);
        r.spans.push((path.clone(), value.span()));
        if let Some((_, c)) = crate::escape::find_control(id, &[]) {
            r.problem(
                key.span(),
                &path,
                format!(
                    "the model id {id:?} holds the control character {}; ids are printable text (e.g. \"flux-dev\")",
                    crate::escape::code_point(c)
                ),
            );
            complete = false;
            continue;
        }
        let Some(model_table) = r.table(field!(value, path)) else {
            complete = false;
            continue;
        };
        let Some(model) = read_model(r, id, model_table, schema) else {
            complete = false;
            continue;
        };
        for name in model.names() {
            let lowered = name.trim().to_lowercase();
            if let Some((_, owner)) = names.iter().find(|(n, _)| *n == lowered) {
                r.problem(
                    value.span(),
                    &path,
                    format!("the name {name:?} is already used by model {owner:?}; an id, alias or display name must mean one model, ignoring case"),
                );
                complete = false;
            }
            names.push((lowered, id.to_owned()));
        }
        // Jobs may name a model by its display name too ("Flux.1 [dev]"), so it must not mean
        // another model; the model's own id or alias spelled the same way is no clash.
        let lowered = model.name.trim().to_lowercase();
        match names.iter().find(|(n, _)| *n == lowered) {
            Some((_, owner)) if owner != id => {
                let name_path = format!("{path}.name");
                let span = r
                    .spans
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == name_path)
                    .map_or_else(|| value.span(), |(_, s)| s.clone());
                r.problem(
                    span,
                    &name_path,
                    format!(
                        "the display name {:?} is also a name of model {owner:?}, ignoring case; jobs may name a model by its display name, so each must mean one model: rename one of them",
                        model.name
                    ),
                );
                complete = false;
            }
            Some(_) => {}
            None => names.push((lowered, id.to_owned())),
        }
        models.push(model);
    }
    complete.then_some(models)
}

pub(super) fn read_size(r: &mut Reader, field: Field<'_, '_>) -> Option<Size> {
    let text = r.string(field)?;
    match text.parse::<Size>() {
        Ok(size) => Some(size),
        Err(e) => {
            r.problem(field.value.span(), field.path, e.to_string());
            None
        }
    }
}

pub(super) fn read_model(
    r: &mut Reader,
    id: &str,
    mut t: Table<'_, '_>,
    schema: u32,
) -> Option<Model> {
    if id.trim().is_empty() {
        r.problem(t.span.clone(), &t.path, "a model id is empty");
    }
    let name = required_string(r, &mut t, "name", false);
    let aliases = match r.optional(&mut t, "aliases") {
        None => Some(Vec::new()),
        Some((v, path)) => r.array(field!(v, path)).and_then(|items| {
            let read: Vec<Option<String>> = items
                .into_iter()
                .map(|(item, path)| {
                    let alias = r.string(field!(item, path))?;
                    if alias.trim().is_empty() {
                        r.problem(item.span(), &path, "an alias is empty");
                        return None;
                    }
                    Some(alias)
                })
                .collect();
            read.into_iter().collect()
        }),
    };
    let (meter, source, as_of) = read_provenance(r, &mut t, schema);
    let meter = meter?;
    if meter != "megapixel-step" {
        let metering = read_other_meter(r, &mut t, id, &meter);
        // A chat request that sets no cap is capped by the API's default: tariff data, since
        // the provider may change it.
        let default_cap = if meter == "token" {
            match r.optional(&mut t, "default_max_completion_tokens") {
                None => Some(None),
                Some((v, path)) => r.whole(field!(v, path), 1).map(Some),
            }
        } else {
            Some(None)
        };
        // A speech request's text has a length the API accepts: tariff data, as image limits.
        let input_chars = if meter == "second" {
            match r.optional(&mut t, "input_chars") {
                None => Some(None),
                Some((v, path)) => read_char_limits(r, field!(v, path)).map(Some),
            }
        } else {
            Some(None)
        };
        r.finish(t);
        let mut model = placeholder_model(
            id,
            name?,
            aliases?,
            metering?,
            source?,
            as_of?,
            default_cap?,
        );
        model.input_chars = input_chars?;
        return Some(model);
    }
    let (source, as_of) = (source?, as_of?);
    let unit = required_string(r, &mut t, "unit", false);
    let unit_size = r.required(&mut t, "unit_size").and_then(|(v, path)| {
        let size = read_size(r, field!(v, path))?;
        if exact_unit(size.pixels()) {
            Some(size)
        } else {
            r.problem(
                v.span(),
                &path,
                match crate::exact::two_five_factors(size.pixels()) {
                    Some((twos, fives)) => format!(
                        "unit_size {size} has {} pixels, 2^{twos} x 5^{fives}: more than 28 {}, so units would not be exact decimals of at most 28 places (at most 2^28 x 5^28; use e.g. 1024x1024 or 1000x1000)",
                        size.pixels(),
                        if twos > 28 { "twos" } else { "fives" }
                    ),
                    None => format!(
                        "unit_size {size} has {} pixels, which is not a product of 2s and 5s, so units would not be exact decimals (use e.g. 1024x1024 or 1000x1000)",
                        size.pixels()
                    ),
                },
            );
            None
        }
    });
    let rate = r
        .optional(&mut t, "rate")
        .map(|(v, path)| positive_rate(r, field!(v, path)));
    let rates = r.optional(&mut t, "rates").map(|(v, path)| {
        read_rates(r, field!(v, path), "rate = \"...\"", |r, entry| {
            let rate = r
                .required(entry, "rate")
                .and_then(|(v, p)| positive_rate(r, field!(v, p)))?;
            Some((rate, Metering::MegapixelStep))
        })
    });
    let rates = match (rate, rates) {
        (Some(rate), None) => rate.map(|rate| (rate, Vec::new())),
        (None, Some(rates)) => rates.and_then(|rates| Some((rates.last()?.rate, rates))),
        (Some(_), Some(_)) => {
            r.problem(
                t.span.clone(),
                &t.path,
                format!(
                    "model {id:?} has both `rate` and `rates`; give one: `rate` for one price, or `rates` for dated prices (put the old rate in `rates` with the day it took effect)"
                ),
            );
            None
        }
        (None, None) => {
            r.problem(
                t.span.clone(),
                &t.child("rate"),
                format!(
                    "model {id:?} has no rate: give `rate = \"0.0012\"` (currency per unit), or `rates = [{{ from = \"2026-12-01\", rate = \"0.0013\" }}]` for rates that change on given days"
                ),
            );
            None
        }
    };
    let minimum = match r.optional(&mut t, "minimum") {
        None => Some(Decimal::ZERO),
        Some((v, path)) => r.decimal(field!(v, path)).and_then(|m| {
            if m.is_sign_negative() && !m.is_zero() {
                r.problem(
                    v.span(),
                    &path,
                    format!("the minimum must be 0 or more, got {m}"),
                );
                None
            } else {
                Some(m.abs())
            }
        }),
    };
    let steps = r.required(&mut t, "steps").and_then(|(v, path)| {
        let mut st = r.table(field!(v, path))?;
        let min = r
            .required(&mut st, "min")
            .and_then(|(v, p)| r.whole(field!(v, p), 1));
        let max = r
            .required(&mut st, "max")
            .and_then(|(v, p)| r.whole(field!(v, p), 1));
        let default = r
            .required(&mut st, "default")
            .and_then(|(v, p)| Some((r.whole(field!(v, p), 1)?, v.span(), p)));
        r.finish(st);
        let (min, max, (default, span, dpath)) = (min?, max?, default?);
        if min > max {
            r.problem(
                v.span(),
                &path,
                format!("min {min} is greater than max {max}"),
            );
            return None;
        }
        if !(min..=max).contains(&default) {
            r.problem(
                span,
                &dpath,
                format!("default {default} is outside min {min} to max {max}"),
            );
            return None;
        }
        Some(StepLimits { min, max, default })
    });
    let side = r
        .required(&mut t, "side")
        .and_then(|(v, path)| read_side(r, field!(v, path)));
    let default_size = r.required(&mut t, "default_size").and_then(|(v, path)| {
        let size = read_size(r, field!(v, path))?;
        let (side, ranges) = side.as_ref()?;
        if side.accepts(size.width) && side.accepts(size.height) {
            return Some(size);
        }
        let within = |n: u32| (side.min..=side.max).contains(&n);
        let refusing = [size.width, size.height].into_iter().find_map(|n| {
            ranges
                .iter()
                .find(|(a, b, _, _)| (*a..=*b).contains(&n))
                .map(|range| (n, range))
        });
        match refusing {
            // Both sides inside min to max, one refused: the range is what to look at.
            Some((n, (a, b, span, p))) if within(size.width) && within(size.height) => r.problem(
                span.clone(),
                p,
                format!(
                    "refused range [{a}, {b}] covers {n}, a side of default_size {size}; the default must be a size the model accepts"
                ),
            ),
            _ => r.problem(
                v.span(),
                &path,
                format!(
                    "default_size {size} is outside the side limits: each side {} pixels",
                    side.describe()
                ),
            ),
        }
        None
    });
    let published = match r.optional(&mut t, "published") {
        None => Some(None),
        Some((v, path)) => r
            .table(field!(v, path))
            .and_then(|pt| read_published(r, pt, steps, side.as_ref().map(|(s, _)| s)))
            .map(Some),
    };
    r.finish(t);
    Some(Model {
        id: id.to_owned(),
        metering: Metering::MegapixelStep,
        source,
        as_of,
        name: name?,
        aliases: aliases?,
        unit: unit?,
        unit_size: unit_size?,
        rate_from: rates.as_ref()?.1.last().map(|c| c.from),
        rate: rates.as_ref()?.0,
        rates: rates?.1,
        not_until: None,
        minimum: minimum?,
        steps: steps?,
        side: side?.0,
        default_size: default_size?,
        published: published?,
        default_max_completion_tokens: None,
        input_chars: None,
    })
}

/// The image keys, which a token or second model does not take.
pub(super) const IMAGE_KEYS: [&str; 9] = [
    "unit",
    "unit_size",
    "rate",
    "rates",
    "minimum",
    "steps",
    "side",
    "default_size",
    "published",
];

/// `meter` (schema 2; `megapixel-step` when absent), and the model's own `source` and `as_of`
/// (schema 2), each `None` when it is wrong.
#[allow(clippy::type_complexity)]
pub(super) fn read_provenance(
    r: &mut Reader,
    t: &mut Table<'_, '_>,
    schema: u32,
) -> (
    Option<String>,
    Option<Option<String>>,
    Option<Option<String>>,
) {
    let newer = |r: &mut Reader,
                 key: &'static str,
                 v: &toml::Spanned<toml::de::DeValue<'_>>,
                 path: &str| {
        if schema < 2 {
            r.problem(
                v.span(),
                path,
                format!("`{key}` is a schema 2 key; this tariff says schema = {schema}: write `schema = 2` at its top (schema 1 tariffs need no other change)"),
            );
            false
        } else {
            true
        }
    };
    let meter = match r.optional(t, "meter") {
        None => Some("megapixel-step".to_owned()),
        Some((v, path)) => {
            let ok = newer(r, "meter", v, &path);
            r.string(field!(v, path)).filter(|_| ok).and_then(|name| {
                if METER_NAMES.contains(&name.as_str()) {
                    Some(name)
                } else {
                    r.problem(
                        v.span(),
                        &path,
                        format!(
                            "unknown meter {name:?} (expected one of: {})",
                            METER_NAMES.join(", ")
                        ),
                    );
                    None
                }
            })
        }
    };
    let source = match r.optional(t, "source") {
        None => Some(None),
        Some((v, path)) => {
            let ok = newer(r, "source", v, &path);
            r.string(field!(v, path.clone()))
                .filter(|_| ok)
                .and_then(|s| {
                    if s.trim().is_empty() {
                        r.problem(v.span(), &path, "`source` is empty");
                        None
                    } else {
                        Some(Some(s))
                    }
                })
        }
    };
    let as_of = match r.optional(t, "as_of") {
        None => Some(None),
        Some((v, path)) => {
            let ok = newer(r, "as_of", v, &path);
            read_date(r, field!(v, path)).filter(|_| ok).map(Some)
        }
    };
    (meter, source, as_of)
}

/// `input_chars = { min, max }`: the lengths of text a speech request may give.
fn read_char_limits(r: &mut Reader, field: Field<'_, '_>) -> Option<CharLimits> {
    let (span, path) = (field.value.span(), field.path);
    let mut st = r.table(field)?;
    let min = r
        .required(&mut st, "min")
        .and_then(|(v, p)| r.whole(field!(v, p), 0));
    let max = r
        .required(&mut st, "max")
        .and_then(|(v, p)| r.whole(field!(v, p), 1));
    r.finish(st);
    let (min, max) = (min?, max?);
    if min > max {
        r.problem(span, path, format!("min {min} is greater than max {max}"));
        return None;
    }
    Some(CharLimits { min, max })
}
