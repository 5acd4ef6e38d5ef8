//! The general JSON Lines reader for image jobs: one line read as an object's members, in
//! order and with repeats kept, over `serde_json`; it also writes every error message of a
//! JSON line (the fast path in `jsonl.rs` only takes lines it is sure of).

use std::borrow::Cow;

use serde_json::Value;
use serde_json::value::RawValue;

use super::json_object::{self, Members};

use super::keys::{DATE_KEYS, IGNORED_KEYS, PRICE_KEYS, date_like, ignore_hint, plausible_key};
use super::row::{Row, RowError, dated, sides, size};
use crate::number::parse_u32;

/// Whether `key` holding `value` is left out of the price: one of [`IGNORED_KEYS`], one the user
/// named with `--ignore-key`, or `partial_images` asking for none.
fn ignored_key(key: &str, value: &RawValue, extra: &[String]) -> bool {
    IGNORED_KEYS.contains(&key)
        || extra.iter().any(|k| k == key)
        || (key == "partial_images"
            && (value.get() == "null" || json_object::whole(value) == Some(0)))
}

/// Every key that changes an image job's price, for messages: [`PRICE_KEYS`] and [`DATE_KEYS`]
/// (the keys of every meter: [`super::keys::price_key_list`]).
pub fn image_key_list() -> String {
    PRICE_KEYS
        .iter()
        .chain(&DATE_KEYS)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a line that is not one JSON object cannot be a job, in the words used since lines were
/// read whole as values: only lines that fail go this slower way.
fn not_an_object(line: u64, text: &str) -> RowError {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return RowError::new(line, "row", text, format!("is not JSON: {e}")),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => {
            // Not reached: an object read as a value is read as members too.
            let why = Members::parse(text)
                .err()
                .map_or_else(String::new, |e| e.to_string());
            return RowError::new(line, "row", text, format!("is not JSON: {why}"));
        }
    };
    RowError::new(
        line,
        "row",
        text,
        format!(
            "is {kind}; expected an object like {{\"num_inference_steps\": 20, \"size\": \"512x512\"}}"
        ),
    )
}

/// A row error about `field` holding the JSON value `raw`, quoted as [`json_object::text`]
/// writes it: a string's text, anything else as written.
pub(super) fn err(line: u64, field: &str, raw: &RawValue, message: impl Into<String>) -> RowError {
    RowError::new(line, field, &json_object::text(raw), message)
}

/// A JSON value as messages show it, cut short when long.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

pub(super) fn json_row(
    line: u64,
    text: &str,
    defaults_ok: bool,
    ignore_keys: &[String],
) -> Result<Row<'static>, RowError> {
    match Members::parse(text) {
        Ok(members) => image_row(line, text, &members, defaults_ok, ignore_keys),
        Err(_) => Err(not_an_object(line, text)),
    }
}

/// An image job from the members of its JSON line `text`.
pub(super) fn image_row(
    line: u64,
    text: &str,
    members: &Members<'_>,
    defaults_ok: bool,
    ignore_keys: &[String],
) -> Result<Row<'static>, RowError> {
    let mut row = Row {
        line,
        ..Row::default()
    };
    let (mut width, mut height) = (None, None);
    let mut seen_steps = None;
    let mut seen_count = None;
    let mut seen_date = None;
    // At most one pass per distinct known key: a repeat or an unknown key ends the loop, so
    // the search for repeats stays short whatever the line holds.
    for (at, (key, raw)) in members.iter().enumerate() {
        if let Some(first) = members.earlier(at, key) {
            return Err(RowError::new(
                line,
                key,
                &json_object::text(raw),
                format!(
                    "repeats the key {key:?} (first given as {}); give each key once",
                    short(&json_object::value(first))
                ),
            ));
        }
        if ignored_key(key, raw, ignore_keys) {
            continue;
        }
        let value = &json_object::value(raw);
        let shown = || json_object::text(raw);
        if value.is_null() && (PRICE_KEYS.contains(&key) || DATE_KEYS.contains(&key)) {
            return Err(RowError::new(
                line,
                key,
                "null",
                "is null; give a value, or leave the key out to price the model's default",
            ));
        }
        let number = |field: &str| -> Result<u32, RowError> {
            value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    let quoted = value
                        .as_str()
                        .filter(|s| parse_u32(s).is_ok())
                        .map(|s| format!(" (it is a string: write {}, not \"{s}\")", s.trim()))
                        .or_else(|| {
                            json_object::plain_digits(raw)
                                .map(|digits| format!(" (a count is plain digits: write {digits})"))
                        })
                        .unwrap_or_default();
                    RowError::new(
                        line,
                        field,
                        &shown(),
                        format!("is not a whole number from 0 to {}{quoted}", u32::MAX),
                    )
                })
        };
        let string = |field: &str| -> Result<&str, RowError> {
            value
                .as_str()
                .ok_or_else(|| RowError::new(line, field, &shown(), "is not a string"))
        };
        let once = |seen: Option<&str>| -> Result<(), RowError> {
            match seen {
                Some(first) => Err(RowError::new(
                    line,
                    key,
                    &shown(),
                    format!("repeats {first:?}; give one of them"),
                )),
                None => Ok(()),
            }
        };
        match key {
            "model" => row.model = Some(Cow::Owned(string("model")?.trim().to_owned())),
            "steps" | "num_inference_steps" => {
                once(seen_steps.replace(key))?;
                row.steps = Some(number(key)?);
            }
            "n" | "count" => {
                once(seen_count.replace(key))?;
                row.count = Some(number(key)?);
            }
            "size" => row.size = Some(size(line, "size", string("size")?)?),
            "created" | "date" => {
                once(seen_date.replace(key))?;
                let (day, given) = match value {
                    Value::String(text) => dated(line, key, text)?,
                    // Whole seconds, as the API's `created` is; a fraction or a sign is not.
                    Value::Number(n) if n.is_u64() => dated(line, key, &n.to_string())?,
                    _ => {
                        return Err(RowError::new(
                            line,
                            key,
                            &shown(),
                            format!("is not a date; expected {}", crate::date::ROW_FORMS),
                        ));
                    }
                };
                row.date = Some(day);
                row.date_given = given;
            }
            "width" => width = Some(number("width")?),
            "height" => height = Some(number("height")?),
            "partial_images" => {
                return Err(RowError::new(
                    line,
                    key,
                    &shown(),
                    "asks for streamed partial images, which may be billed as images and are not in the tariff; only the number 0 or null is priced (--ignore-key partial_images prices the final images alone)",
                ));
            }
            other => {
                let known = format!(
                    "(price keys: {}; ignored: {})",
                    image_key_list(),
                    IGNORED_KEYS.join(", ")
                );
                // A near miss is most likely a typo of a price key: no escape hatch offered.
                let message = match plausible_key(
                    other,
                    PRICE_KEYS
                        .iter()
                        .chain(&DATE_KEYS)
                        .chain(&IGNORED_KEYS)
                        .copied(),
                ) {
                    Some(k) => format!("is not a key dis-price knows; did you mean {k:?}? {known}"),
                    None if date_like(other).is_some() => format!(
                        "looks like the day the job ran ({}), which picks the rate and cannot be left out: give it as \"created\" (Unix seconds or RFC 3339) or \"date\" (YYYY-MM-DD), or drop it to price on --as-of {known}",
                        date_like(other).unwrap_or_default()
                    ),
                    None => match ignore_hint(other) {
                        Some(hint) => format!("is not a key dis-price knows {known}; {hint}"),
                        None => format!("is not a key dis-price knows {known}"),
                    },
                };
                return Err(RowError::new(line, other, &shown(), message));
            }
        }
    }
    if row.size.is_some() && (width.is_some() || height.is_some()) {
        return Err(RowError::new(
            line,
            "size",
            &row.size.map(|s| s.to_string()).unwrap_or_default(),
            "give either size or width and height, not both",
        ));
    }
    if row.size.is_none() {
        row.size = sides(line, width, height)?;
    }
    // A key repeated inside a value (an ignored `prompt` or `seed` that is an object) is
    // refused as one at the top is: a line that says two things is not read one way silently.
    if let Some(message) = members.first_repeat() {
        return Err(RowError::new(line, "row", text, message.to_owned()));
    }
    // The model alone prices nothing: steps, size and count would all be its defaults, which
    // is what a job row that lost its columns looks like. A request body (it carries `prompt`)
    // is another thing: the API bills it at its defaults for what it leaves out, so it is
    // priced so, and each output marks those parts.
    row.request = members.has("prompt");
    let priced = row.steps.is_some() || row.size.is_some() || row.count.is_some();
    if !priced && !defaults_ok && !row.request {
        return Err(RowError::new(
            line,
            "row",
            text,
            "no key sets the price (steps or num_inference_steps, size or width and height, n or count; model alone only picks the model); give them, or --defaults-ok to price every missing one at the model's defaults",
        ));
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_keys_and_partial_images() {
        let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
        assert!(ignored_key("user", &raw("\"u1\""), &[]));
        assert!(ignored_key("trace", &raw("1"), &["trace".to_owned()]));
        assert!(!ignored_key("trace", &raw("1"), &[]));
        assert!(ignored_key("partial_images", &raw("0"), &[]));
        assert!(ignored_key("partial_images", &raw("null"), &[]));
        assert!(!ignored_key("partial_images", &raw("2"), &[]));
        for key in PRICE_KEYS {
            assert!(!IGNORED_KEYS.contains(&key), "{key}");
        }
    }
}
