//! Mixed workloads: JSON Lines and CSV rows of every meter (image jobs, chat tokens, speech
//! seconds), each line recognised by its shape. Image lines are read exactly as the image-only
//! reader reads them; the rest become a [`Usage`] with how sure its figure is ([`Kind`]).
#![deny(clippy::arithmetic_side_effects)]

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::chat_bound::{input_bound, output_bound, tokens};
use super::json_lines::{err, image_row, json_row};
use super::json_object::{self, Members};
use super::keys::{
    DATE_KEYS, IGNORED_KEYS, METERED_KEYS, PRICE_KEYS, date_like, ignore_hint, plausible_key,
};
use super::row::{ReadOptions, Row, RowError};
use crate::pricing::Usage;

/// How sure a row's figure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Counted: the usage is what was (or will be) billed.
    Exact,
    /// An upper bound: the bill cannot be more.
    Bound,
    /// An estimate from a rate the user gave: the bill may be more or less.
    Estimate,
}

impl Kind {
    /// Its name in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Bound => "bound",
            Kind::Estimate => "estimate",
        }
    }
}

/// The shapes a JSON line may have, for messages.
pub const SHAPES: &str = "an image request ({\"num_inference_steps\": 20, \"size\": \"512x512\"}), a chat result with usage ({\"model\": \"Llama-3.1 8B\", \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 40}}), a chat request ({\"model\": \"Llama-3.1 8B\", \"messages\": [...], \"max_tokens\": 256}), a speech request ({\"model\": \"Chatterbox\", \"input\": \"Hello\", \"voice\": \"alloy\", \"seconds\": 2}), speech audio ({\"model\": \"Chatterbox\", \"audio\": \"out/1.wav\"}) or a metered row ({\"model\": \"Llama-3.1 8B\", \"input_tokens\": 12, \"output_tokens\": 40} or {\"model\": \"Chatterbox\", \"seconds\": 2.5})";

/// A metered row: a model, what it used, and how sure that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metered<'a> {
    /// 1-based line in the input.
    pub line: u64,
    /// The model as named.
    pub model: String,
    /// What is priced.
    pub usage: Usage,
    /// Exact, bound or estimate.
    pub kind: Kind,
    /// The line's shape, in words.
    pub shape: &'static str,
    /// The day the line gives (`created` or `date`, as image lines do), whose rate prices it;
    /// `None` prices it on `--as-of`.
    pub date: Option<crate::date::Day>,
    /// A chat request that set no cap on its output: how many choices it asks for, each
    /// bounded by the model's default cap (`usage`'s output is then filled in by the pricer).
    pub default_cap: Option<u64>,
    /// A speech request's text length in characters, checked against the model's
    /// `input_chars`; `None` for every other line.
    pub input_chars: Option<u32>,
    /// Carried-through CSV columns.
    pub extra: Vec<Cow<'a, str>>,
}

/// One line of a mixed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// An image job, as the image reader reads it.
    Image(Row<'a>),
    /// A chat or speech row.
    Metered(Metered<'a>),
}

/// Keys of a chat request that do not change its price (or its bound): sampling settings,
/// the caller's id and tags, streaming, tool choice, and the rest of what Distribute's Chat
/// Create page documents. Not here: `tools`, whose definitions join the prompt (only an empty
/// list or null passes).
pub const CHAT_IGNORED: [&str; 24] = [
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "stream",
    "stream_options",
    "user",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "repetition_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "response_format",
    "metadata",
    "store",
    "service_tier",
    "tool_choice",
    "parallel_tool_calls",
    "reasoning_effort",
    "modalities",
    "safety_identifier",
];

/// Keys of a chat result beside `model` and `usage` that do not change its price.
/// (`metadata` as the OpenAI SDK's `model_dump_json` writes it; `moderation` only as `null`,
/// see [`json_item`]).
pub const RESULT_IGNORED: [&str; 7] = [
    "id",
    "object",
    "created",
    "choices",
    "system_fingerprint",
    "service_tier",
    "metadata",
];

/// Keys of a speech request beside `model`, `input` and `seconds` that do not change its
/// price by themselves.
pub const SPEECH_IGNORED: [&str; 6] = [
    "voice",
    "response_format",
    "exaggeration",
    "cfg_weight",
    "temperature",
    "stream_format",
];

/// Seconds: an exact decimal, 0 or more, from a JSON number or a CSV cell.
pub fn seconds_text(line: u64, field: &str, text: &str) -> Result<Decimal, RowError> {
    crate::number::flags::parse_seconds(text)
        .map_err(|m| RowError::new(line, field, text, format!("is not seconds of audio: {m}")))
}

fn seconds(line: u64, field: &str, raw: &RawValue) -> Result<Decimal, RowError> {
    // A JSON number's text is its digits as written: read them exactly, no float.
    if json_object::is_number(raw) {
        return seconds_text(line, field, raw.get());
    }
    match json_object::string(raw) {
        // As for the image keys: a count is a JSON number, and a string is not read as one.
        Some(text) if seconds_text(line, field, &text).is_ok() => Err(err(
            line,
            field,
            raw,
            format!(
                "is a string; a number of seconds is a JSON number (write {}, not \"{text}\")",
                text.trim()
            ),
        )),
        _ => Err(err(
            line,
            field,
            raw,
            "is not a number of seconds (e.g. 2.5)",
        )),
    }
}

fn model_of(line: u64, object: &Members<'_>, shape: &str) -> Result<String, RowError> {
    let raw = object.get("model");
    match raw.map(|raw| (raw, json_object::string(raw))) {
        Some((_, Some(m))) if !m.trim().is_empty() => Ok(m.trim().to_owned()),
        Some((other, _)) => Err(err(line, "model", other, "is not a model id")),
        None => Err(RowError::new(
            line,
            "model",
            "",
            format!("is missing: a {shape} must name its model"),
        )),
    }
}

/// Refuses any key of `object` that is not `known` or `ignored` (or `--ignore-key`).
fn only_keys(
    line: u64,
    object: &Members<'_>,
    shape: &str,
    known: &[&str],
    ignored: &[&str],
    extra: &[String],
) -> Result<(), RowError> {
    for (key, value) in object.iter() {
        if known.contains(&key) || ignored.contains(&key) || extra.iter().any(|k| k == key) {
            continue;
        }
        let hint = plausible_key(key, known.iter().chain(ignored).copied())
            .map(|k| format!("; did you mean {k:?}?"))
            .or_else(|| ignore_hint(key).map(|h| format!("; {h}")))
            .or_else(|| {
                date_like(key).map(|how| {
                    format!("; it looks like the day the job ran ({how}), which picks the rate: give it as \"created\" or \"date\", or drop it to price on --as-of")
                })
            })
            .unwrap_or_default();
        // The keys first, then what to do: "(price keys: ...); if it does not change ...".
        let ignored = if ignored.is_empty() {
            String::new()
        } else {
            format!("; ignored: {}", ignored.join(", "))
        };
        return Err(err(
            line,
            key,
            value,
            format!(
                "is not a key of a {shape} dis-price knows (price keys: {}{ignored}){hint}",
                known.join(", "),
            ),
        ));
    }
    Ok(())
}

/// Reads one JSON line of any meter: an image request, a chat result or request, a speech
/// request, or a row of tokens or seconds.
pub fn json_item(line: u64, text: &str, options: ReadOptions) -> Result<Item<'static>, RowError> {
    let Ok(object) = Members::parse(text) else {
        // Not a JSON object: the image reader says what it is, as it always has.
        return json_row(line, text, options.defaults_ok, options.ignore_keys).map(Item::Image);
    };
    let has = |k: &str| object.has(k);
    let is_metered = METERED_KEYS.iter().any(|k| has(k));
    // A chat or speech line refuses a key given twice at any depth (the plain reading would keep
    // the last, silently changing a count); an image line's reader says so in its own words.
    if is_metered && let Some(message) = object.first_repeat() {
        return Err(RowError::new(line, "row", text, message.to_owned()));
    }
    // A metered line may carry its day, as an image line does: `created` or `date`.
    let date = if is_metered {
        line_date(line, &object)?
    } else {
        None
    };
    let dated: Vec<String>;
    let extra = if is_metered && date.is_some() {
        dated = options
            .ignore_keys
            .iter()
            .cloned()
            .chain(["created".to_owned(), "date".to_owned()])
            .collect();
        &dated[..]
    } else {
        options.ignore_keys
    };
    let metered = |model: String, usage: Usage, kind: Kind, shape: &'static str| {
        Ok(Item::Metered(Metered {
            line,
            model,
            usage,
            kind,
            shape,
            date,
            default_cap: None,
            input_chars: None,
            extra: Vec::new(),
        }))
    };
    if let Some(usage) = object.get("usage") {
        let shape = "chat result";
        only_keys(
            line,
            &object,
            shape,
            &["model", "usage", "moderation"],
            &RESULT_IGNORED,
            extra,
        )?;
        if let Some(moderation) = object.get("moderation")
            && moderation.get() != "null"
            && !extra.iter().any(|k| k == "moderation")
        {
            return Err(err(
                line,
                "moderation",
                moderation,
                "is a moderation result, which dis-price does not know how Distribute bills; only null is priced (--ignore-key moderation prices the usage alone)",
            ));
        }
        let model = model_of(line, &object, shape)?;
        let Ok(u) = Members::inner(usage) else {
            return Err(err(
                line,
                "usage",
                usage,
                "is not an object ({\"prompt_tokens\": 12, \"completion_tokens\": 40})",
            ));
        };
        only_keys(
            line,
            &u,
            "chat result's usage",
            &["prompt_tokens", "completion_tokens", "total_tokens"],
            &["prompt_tokens_details", "completion_tokens_details"],
            &[],
        )?;
        let side = |k: &str| match u.get(k) {
            Some(v) => tokens(line, k, v),
            None => Err(RowError::new(
                line,
                k,
                "",
                "is missing from usage; a chat result's price needs prompt_tokens and completion_tokens",
            )),
        };
        let input = side("prompt_tokens")?;
        let output = side("completion_tokens")?;
        if let Some(total) = u.get("total_tokens") {
            let total_n = tokens(line, "total_tokens", total)?;
            if input.checked_add(output) != Some(total_n) {
                return Err(err(
                    line,
                    "total_tokens",
                    total,
                    format!(
                        "is not prompt_tokens + completion_tokens ({input} + {output}); the usage does not add up"
                    ),
                ));
            }
        }
        return metered(model, Usage::Tokens { input, output }, Kind::Exact, shape);
    }
    if let Some(messages) = object.get("messages") {
        let shape = "chat request";
        only_keys(
            line,
            &object,
            shape,
            &[
                "model",
                "messages",
                "max_tokens",
                "max_completion_tokens",
                "n",
                "tools",
            ],
            &CHAT_IGNORED,
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        if let Some(tools) = object.get("tools")
            && !matches!(tools.get(), "null" | "[]")
        {
            return Err(err(
                line,
                "tools",
                tools,
                "defines tools, which the chat template writes into the prompt, so the input bound from the messages would not hold; price such requests from their results' usage",
            ));
        }
        let input = input_bound(line, messages)?;
        let (output, default_cap) = output_bound(line, &object, options.max_output_tokens)?;
        return Ok(Item::Metered(Metered {
            line,
            model,
            usage: Usage::Tokens { input, output },
            kind: Kind::Bound,
            shape,
            date,
            default_cap,
            input_chars: None,
            extra: Vec::new(),
        }));
    }
    if let Some(audio) = object.get("audio") {
        let shape = "speech audio";
        // The audio already is what was billed: how it was asked for changes nothing.
        only_keys(
            line,
            &object,
            shape,
            &["model", "audio", "input", "speed"],
            &SPEECH_IGNORED,
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        let Some(path) = json_object::string(audio) else {
            return Err(err(
                line,
                "audio",
                audio,
                "is not a file name (a string naming a WAV file)",
            ));
        };
        let s = super::audio::seconds(line, &path, options.audio_base)?;
        return metered(model, Usage::Seconds(s), Kind::Exact, shape);
    }
    if has("input") || has("voice") {
        let shape = "speech request";
        only_keys(
            line,
            &object,
            shape,
            &["model", "input", "seconds", "speed"],
            &SPEECH_IGNORED,
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        let input = object.get("input");
        // The text is decoded only to be counted: against the model's limit, and for
        // --seconds-per-char.
        let text = match input {
            Some(raw) if raw.get().starts_with('"') => raw,
            Some(other) => {
                return Err(err(
                    line,
                    "input",
                    other,
                    "is not the text to speak (a string)",
                ));
            }
            None => {
                return Err(RowError::new(
                    line,
                    "input",
                    "",
                    "is missing: a speech request gives the text to speak",
                ));
            }
        };
        // Its length is checked against the model's limit when the model is known.
        let chars = json_object::string(text).map_or(0, |text| text.chars().count());
        let length = u32::try_from(chars).unwrap_or(u32::MAX);
        let speech = |item: Result<Item<'static>, RowError>| {
            item.map(|mut item| {
                if let Item::Metered(m) = &mut item {
                    m.input_chars = Some(length);
                }
                item
            })
        };
        if let Some(given) = object.get("seconds") {
            let s = seconds(line, "seconds", given)?;
            return speech(metered(model, Usage::Seconds(s), Kind::Estimate, shape));
        }
        // `null` is the API's default speed, 1.
        if let Some(speed) = object.get("speed")
            && speed.get() != "null"
            && !(json_object::is_number(speed)
                && speed.get().parse::<Decimal>().ok() == Some(Decimal::ONE))
        {
            return Err(err(
                line,
                "speed",
                speed,
                "changes the audio's length, which --seconds-per-char assumes at speed 1; give the line's seconds instead",
            ));
        }
        let Some(rate) = options.seconds_per_char else {
            return Err(RowError::new(
                line,
                "seconds",
                "",
                "is missing, and the audio's length is not known before the call; give the line's \"seconds\" (an estimate), or --seconds-per-char RATE to estimate every speech request from its text",
            ));
        };
        let chars = Decimal::from(u64::try_from(chars).unwrap_or(u64::MAX));
        let s = chars.checked_mul(rate).ok_or_else(|| {
            RowError::new(
                line,
                "input",
                &format!("{chars} characters"),
                "times --seconds-per-char is too large to compute exactly",
            )
        })?;
        return speech(metered(model, Usage::Seconds(s), Kind::Estimate, shape));
    }
    if has("input_tokens") || has("output_tokens") {
        let shape = "metered row";
        only_keys(
            line,
            &object,
            shape,
            &["model", "input_tokens", "output_tokens"],
            &[],
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        let side = |k: &str| match object.get(k) {
            Some(v) => tokens(line, k, v),
            None => Err(RowError::new(
                line,
                k,
                "",
                "is missing; a token row gives input_tokens and output_tokens",
            )),
        };
        let (input, output) = (side("input_tokens")?, side("output_tokens")?);
        return metered(model, Usage::Tokens { input, output }, Kind::Exact, shape);
    }
    if let Some(given) = object.get("seconds") {
        let shape = "metered row";
        only_keys(line, &object, shape, &["model", "seconds"], &[], extra)?;
        let model = model_of(line, &object, shape)?;
        let s = seconds(line, "seconds", given)?;
        return metered(model, Usage::Seconds(s), Kind::Exact, shape);
    }
    // A line with no key of any shape (model aside) fits none: say which shapes there are.
    // A line with a key of an image request (a price key, a key that does not change the
    // price, or a near miss of one) is one, and the image reader's words say what is wrong.
    let image_key = object.iter().any(|(k, _)| {
        let known = || {
            PRICE_KEYS
                .iter()
                .chain(&IGNORED_KEYS)
                .chain(&DATE_KEYS)
                .copied()
        };
        let lower = k.to_lowercase();
        k != "model" && (known().any(|p| p == lower) || plausible_key(&lower, known()).is_some())
    });
    image_row(
        line,
        text,
        &object,
        options.defaults_ok,
        options.ignore_keys,
    )
    .map(Item::Image)
    .map_err(|e| {
        if image_key || object.iter().all(|(k, _)| k == "model") {
            e
        } else {
            // The image reader's words without its `line N: `, which the row's error gives.
            let said = e.to_string();
            let said = said
                .split_once(": ")
                .map_or(said.as_str(), |(_, rest)| rest);
            RowError::new(
                line,
                "row",
                text,
                format!("fits no shape dis-price prices ({said}); a line is {SHAPES}"),
            )
        }
    })
}

/// The day a metered JSON line gives: `created` (a Unix timestamp or a date, as the API
/// writes it) or `date`, read as image lines read them; both at once is an error.
fn line_date(line: u64, object: &Members<'_>) -> Result<Option<crate::date::Day>, RowError> {
    let read = |key: &str, raw: &RawValue| match json_object::string(raw) {
        Some(text) => {
            crate::date::Day::parse_row(&text).map_err(|m| RowError::new(line, key, &text, m))
        }
        None if json_object::is_number(raw) => crate::date::Day::parse_row(raw.get())
            .map_err(|m| RowError::new(line, key, raw.get(), m)),
        None => Err(err(
            line,
            key,
            raw,
            "is not a day (a date like \"2026-12-01\", an RFC 3339 time or a Unix timestamp)",
        )),
    };
    match (object.get("created"), object.get("date")) {
        (Some(_), Some(d)) => Err(err(
            line,
            "date",
            d,
            "is given beside created; a line gives its day once (created or date)",
        )),
        (Some(v), None) => read("created", v).map(Some),
        (None, Some(v)) => read("date", v).map(Some),
        (None, None) => Ok(None),
    }
}

/// The error of a metered line whose model (as priced on the line's `date`, or on `priced_on`
/// when it has none) has no rate that day: its first rate takes effect later. The same words
/// as an image row's.
pub fn no_rate(
    line: u64,
    model: &crate::tariff::Model,
    date: Option<crate::date::Day>,
    priced_on: Option<crate::date::Day>,
) -> Option<RowError> {
    let first = model.not_until?;
    let day = date
        .or(priced_on)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let whose = if date.is_some() {
        ""
    } else {
        " (the line has no date, so it is priced on --as-of, or today)"
    };
    Some(RowError::new(
        line,
        "date",
        &day,
        format!(
            "is before the first rate of model {:?}, which takes effect on {first}{whose}; the tariff has no price for that day",
            model.id
        ),
    ))
}

/// A CSV row of a mixed file: `metered` holds the row's cells of
/// [`METERED_COLUMNS`](super::keys::METERED_COLUMNS) (by index into that list), blank ones as
/// `None`. A row with none is an image row.
pub fn csv_item<'a>(
    row: Row<'a>,
    metered: [Option<&str>; 4],
    audio_base: Option<&std::path::Path>,
) -> Result<Item<'a>, RowError> {
    let line = row.line;
    let [input, output, secs, audio] = metered;
    if input.is_none() && output.is_none() && secs.is_none() && audio.is_none() {
        return Ok(Item::Image(row));
    }
    let image_cells = row.steps.is_some() || row.size.is_some() || row.count.is_some();
    let model = row.model.as_deref().map(str::to_owned).ok_or_else(|| {
        RowError::new(
            line,
            "model",
            "",
            "is blank; a row with tokens or seconds must name its model",
        )
    })?;
    if image_cells {
        return Err(RowError::new(
            line,
            "row",
            &model,
            "gives image cells (steps, size or count) and tokens or seconds; a row prices one meter: leave the other cells blank",
        ));
    }
    let count = |field: &str, text: &str| {
        crate::number::flags::parse_tokens(text).map_err(|m| RowError::new(line, field, text, m))
    };
    if let Some(file) = audio {
        if let Some(other) = [
            ("input_tokens", input),
            ("output_tokens", output),
            ("seconds", secs),
        ]
        .into_iter()
        .find_map(|(name, cell)| cell.map(|text| (name, text)))
        {
            return Err(RowError::new(
                line,
                other.0,
                other.1,
                "is given beside audio; a speech row's seconds are its audio's, so leave the other cells blank",
            ));
        }
        let seconds = super::audio::seconds(line, file, audio_base)?;
        return Ok(Item::Metered(Metered {
            line,
            model,
            usage: Usage::Seconds(seconds),
            kind: Kind::Exact,
            shape: "speech audio",
            date: row.date,
            default_cap: None,
            input_chars: None,
            extra: row.extra,
        }));
    }
    let usage = match (input, output, secs) {
        (Some(i), Some(o), None) => Usage::Tokens {
            input: count("input_tokens", i)?,
            output: count("output_tokens", o)?,
        },
        (None, None, Some(s)) => Usage::Seconds(seconds_text(line, "seconds", s)?),
        (_, _, Some(s)) => {
            return Err(RowError::new(
                line,
                "seconds",
                s,
                "is given beside tokens; a row is either a chat row (input_tokens and output_tokens) or a speech row (seconds)",
            ));
        }
        (Some(i), None, None) => {
            return Err(RowError::new(
                line,
                "output_tokens",
                "",
                format!("is blank beside input_tokens {i}; a chat row gives both (0 if none)"),
            ));
        }
        (None, _, None) => {
            return Err(RowError::new(
                line,
                "input_tokens",
                "",
                "is blank beside output_tokens; a chat row gives both (0 if none)",
            ));
        }
    };
    Ok(Item::Metered(Metered {
        line,
        model,
        usage,
        kind: Kind::Exact,
        shape: "metered row",
        date: row.date,
        default_cap: None,
        input_chars: None,
        extra: row.extra,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Result<Item<'static>, String> {
        json_item(1, text, ReadOptions::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_read_exactly_and_repeats_are_refused() {
        let Ok(Item::Metered(m)) = item(r#"{"model":"Chatterbox","seconds":2.50}"#) else {
            panic!()
        };
        assert_eq!(m.usage, Usage::Seconds(Decimal::new(250, 2)));
        let e = item(
            r#"{"model":"x","usage":{"prompt_tokens":1,"prompt_tokens":9,"completion_tokens":1}}"#,
        )
        .unwrap_err();
        assert!(e.contains("repeats the key \"prompt_tokens\""), "{e}");
    }
}
