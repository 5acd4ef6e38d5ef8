//! Mixed workloads: JSON Lines and CSV rows of every meter (image jobs, chat tokens, speech
//! seconds), each line recognised by its shape. Image lines are read exactly as the image-only
//! reader reads them; the rest become a [`Usage`] with how sure its figure is ([`Kind`]).
#![deny(clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::input::{Row, RowError, json_row};
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
pub const SHAPES: &str = "an image request ({\"num_inference_steps\": 20, \"size\": \"512x512\"}), a chat result with usage ({\"model\": \"Llama-3.1 8B\", \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 40}}), a chat request ({\"model\": \"Llama-3.1 8B\", \"messages\": [...], \"max_tokens\": 256}), a speech request ({\"model\": \"Chatterbox\", \"input\": \"Hello\", \"voice\": \"alloy\", \"seconds\": 2}) or a metered row ({\"model\": \"Llama-3.1 8B\", \"input_tokens\": 12, \"output_tokens\": 40} or {\"model\": \"Chatterbox\", \"seconds\": 2.5})";

/// Llama 3.1's chat template, as tokens (special ones count 1; text at most its bytes):
/// `<|begin_of_text|>` (1) and the system block the template always writes, with its
/// knowledge-date lines ("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n",
/// 63 bytes) and its header (`<|start_header_id|>system<|end_header_id|>\n\n` ... `<|eot_id|>`:
/// 3 special tokens + 6 + 2 bytes), and the generation prompt that ends the input
/// (`<|start_header_id|>assistant<|end_header_id|>\n\n`: 2 special tokens + 9 + 2 bytes).
pub const TEMPLATE_TOKENS: u64 = 1 + 63 + (3 + 6 + 2) + (2 + 9 + 2);

/// Per message: `<|start_header_id|>`, `<|end_header_id|>`, `\n\n` (2 bytes) and `<|eot_id|>`,
/// plus the role's bytes.
pub const MESSAGE_TOKENS: u64 = 3 + 2;

/// Options of the mixed reader.
#[derive(Clone, Copy, Debug, Default)]
pub struct MixedOptions<'o> {
    /// Output tokens of a chat request that names no maximum.
    pub max_output_tokens: Option<u64>,
    /// Seconds per character of a speech request that gives no seconds.
    pub seconds_per_char: Option<Decimal>,
    /// `--defaults-ok`, for image lines.
    pub defaults_ok: bool,
    /// `--ignore-key`.
    pub ignore_keys: &'o [String],
}

/// A metered row: a model, what it used, and how sure that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metered {
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
}

/// One line of a mixed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// An image job, as the image reader reads it.
    Image(Row<'a>),
    /// A chat or speech row.
    Metered(Metered),
}

/// Keys that make a JSON line (or CSV column names that make a file) a metered one.
pub const METERED_KEYS: [&str; 9] = [
    "messages",
    "usage",
    "input",
    "voice",
    "input_tokens",
    "output_tokens",
    "seconds",
    "max_tokens",
    "max_completion_tokens",
];

/// CSV columns of metered rows, beside the image columns.
pub const METERED_COLUMNS: [&str; 3] = ["input_tokens", "output_tokens", "seconds"];

/// Finds metered keys in JSON Lines bytes in one pass, by a search for what a metered key
/// must hold: its name in quotes, or, for a name written with escapes, a `\u0` (a key's
/// letters and `_` are all below U+0080, and `\u00` is the only escape that writes one; its
/// first three bytes make a faster search than all four). Only
/// the colons after a find are looked at: each is a key's when the quoted name before it
/// (blanks allowed between) reads as a metered key, which `metered_before` decides as JSON
/// reads the name. Inside a JSON string a quote is
/// escaped, so a key's name written in a prompt is not taken for a key. A false find costs
/// nothing but the image rows' read by the mixed reader, which prices them the same.
pub struct KeyScan {
    patterns: &'static Patterns,
}

/// The searcher of [`KeyScan`]: each metered key in quotes, then `\u0`. A vector search when
/// the processor has one, else an automaton; the same finds either way.
enum Patterns {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

/// The index of `\u0` among the patterns.
const ESCAPE: usize = METERED_KEYS.len();

impl Patterns {
    /// The first find at or after `at`: its pattern, start and end.
    #[inline(always)]
    fn find(&self, bytes: &[u8], at: usize) -> Option<(usize, usize, usize)> {
        let span = aho_corasick::Span::from(at..bytes.len());
        let found = match self {
            Patterns::Packed(searcher) => searcher.find_in(bytes, span),
            Patterns::Automaton(automaton) => {
                automaton.find(aho_corasick::Input::new(bytes).span(span))
            }
        }?;
        Some((found.pattern().as_usize(), found.start(), found.end()))
    }
}

/// The searcher, built once.
fn key_patterns() -> Option<&'static Patterns> {
    static PATTERNS: OnceLock<Option<Patterns>> = OnceLock::new();
    PATTERNS.get_or_init(|| build_patterns(true)).as_ref()
}

/// Builds the searcher: a vector search if `packed` and the processor has one.
fn build_patterns(packed: bool) -> Option<Patterns> {
    let mut patterns: Vec<String> = METERED_KEYS
        .iter()
        .map(|key| format!("\"{key}\""))
        .collect();
    // Every letter of a metered key, written as an escape, starts so (`\u00`).
    patterns.push(String::from("\\u0"));
    let searcher = packed
        .then(|| {
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(&patterns)
                .build()
        })
        .flatten();
    match searcher {
        Some(searcher) => Some(Patterns::Packed(searcher)),
        None => AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&patterns)
            .ok()
            .map(Patterns::Automaton),
    }
}

/// Where the colon is, when only blanks lie between `at` and a colon.
#[inline(always)]
fn colon_from(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    let blanks = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    let colon = at.saturating_add(blanks);
    (bytes[colon] == b':').then_some(colon)
}

impl KeyScan {
    /// The scanner; `None` if its searcher could not be built (callers then treat the input
    /// as holding a metered key: read by the mixed reader, it is priced the same).
    pub fn new() -> Option<KeyScan> {
        key_patterns().map(|patterns| KeyScan { patterns })
    }

    /// Whether `bytes` holds a metered key followed by its colon.
    pub fn found(&self, bytes: &[u8]) -> bool {
        let is_key = |colon: Option<usize>| colon.is_some_and(|c| metered_before(&bytes[..c]));
        // Quotes before this were looked at already, after an earlier escape.
        let mut looked = 0;
        let mut at = 0;
        while let Some((pattern, start, end)) = self.patterns.find(bytes, at) {
            if pattern != ESCAPE {
                if is_key(colon_from(bytes, end)) {
                    return true;
                }
                // The closing quote may open the next name.
                at = end.saturating_sub(1);
                continue;
            }
            at = end;
            // A name holding this escape ends at a quote at most the longest escaped key away.
            let from = end.max(looked);
            let to = start
                .saturating_add(LONGEST_ESCAPED.saturating_add(1))
                .min(bytes.len());
            if from < to {
                for quote in memchr::memchr_iter(b'"', &bytes[from..to]) {
                    let after = from.saturating_add(quote).saturating_add(1);
                    if is_key(colon_from(bytes, after)) {
                        return true;
                    }
                }
            }
            looked = looked.max(to);
        }
        false
    }

    /// Bytes each piece repeats of the one before (see [`KeyScan::keep`]): the longest key
    /// written with escapes, its quotes and what tells whether its opening quote is escaped.
    pub const OVERLAP: usize = 2 * LONGEST_ESCAPED;

    /// How much of a scanned piece's end the next piece must see again, so a key cut by the
    /// piece's end is still found: at most [`KeyScan::OVERLAP`] bytes before any blanks the
    /// piece ends with, and those blanks, however many, as one space. Returns the bytes
    /// kept, to go before the next piece.
    pub fn keep(piece: &[u8]) -> Vec<u8> {
        let mut end = piece.len();
        while let Some(at) = end
            .checked_sub(1)
            .filter(|&at| matches!(piece[at], b' ' | b'\t' | b'\r' | b'\n'))
        {
            end = at;
        }
        let mut kept = piece[end.saturating_sub(Self::OVERLAP)..end].to_vec();
        if end < piece.len() {
            kept.push(b' ');
        }
        kept
    }
}

/// Whether `before` (the bytes before a colon) ends in a quoted metered key, spaces allowed
/// between. The name is read back from its closing quote to its opening one; a name written
/// plainly (no backslash) is compared whole, and only a backslash sends it to
/// [`escaped_metered`]. Neither a quote nor a backslash within [`LONGEST_KEY`] + 5 bytes
/// means a name too long to be a metered key (the last five bytes of a `\uXXXX` escape look
/// plain, so a name of metered length can end that far from its last backslash).
#[inline(always)]
fn metered_before(before: &[u8]) -> bool {
    let mut close = before.len();
    while let Some(at) = close
        .checked_sub(1)
        .filter(|&at| matches!(before[at], b' ' | b'\t' | b'\r' | b'\n'))
    {
        close = at;
    }
    let Some(end) = close.checked_sub(1).filter(|&at| before[at] == b'"') else {
        return false;
    };
    let from = end.saturating_sub(LONGEST_KEY.saturating_add(5));
    let Some(at) = before[from..end]
        .iter()
        .rposition(|&b| b == b'"' || b == b'\\')
        .map(|i| from.saturating_add(i))
    else {
        return false;
    };
    let escaped = at.checked_sub(1).map(|i| before[i]) == Some(b'\\');
    if before[at] == b'"' && !escaped {
        let name = &before[at.saturating_add(1)..end];
        return METERED_KEYS.iter().any(|key| key.as_bytes() == name);
    }
    // A backslash in the name or before its opening quote: read it as JSON does.
    escaped_metered(&before[..close])
}

/// The length of the longest metered key.
const LONGEST_KEY: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < METERED_KEYS.len() {
        if METERED_KEYS[i].len() > longest {
            longest = METERED_KEYS[i].len();
        }
        i += 1;
    }
    longest
};

/// The longest metered key written with escapes: every letter as `\uXXXX`.
const LONGEST_ESCAPED: usize = 6 * LONGEST_KEY;

/// Whether `quoted` (bytes ending with a key's closing quote) ends in a name written with
/// escapes (`"mess\u0061ges"`) that reads as a metered key. A closing quote that is itself
/// escaped is inside a string, not the end of a key.
fn escaped_metered(quoted: &[u8]) -> bool {
    let backslashes_before = |at: usize| {
        quoted[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count()
    };
    let close = quoted.len().saturating_sub(1);
    if backslashes_before(close) % 2 == 1 {
        return false;
    }
    let from = close.saturating_sub(LONGEST_ESCAPED + 1);
    let mut end = close;
    while let Some(open) = memchr::memrchr(b'"', &quoted[..end]).filter(|&at| at >= from) {
        if backslashes_before(open) % 2 == 0 {
            let name = &quoted[open..];
            return name.contains(&b'\\')
                && serde_json::from_slice::<String>(name)
                    .is_ok_and(|key| METERED_KEYS.contains(&key.as_str()));
        }
        end = open;
    }
    false
}

/// Whether JSON Lines bytes hold a metered key anywhere (see [`KeyScan`]).
pub fn has_metered_key(bytes: &[u8]) -> bool {
    KeyScan::new().is_none_or(|scan| scan.found(bytes))
}

/// A JSON value read strictly: a key repeated in any object, at any depth, is an error (the
/// plain reader would keep the last, silently changing a count).
struct Strict(Value);

/// serde_json's marker of an arbitrary-precision number (feature `arbitrary_precision`).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strict;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
                Ok(Strict(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
                Ok(Strict(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
                Ok(Strict(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Strict, E> {
                serde_json::Number::from_f64(v)
                    .map(|n| Strict(Value::Number(n)))
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
            fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
                Ok(Strict(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Strict, E> {
                Ok(Strict(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                let mut items = Vec::new();
                while let Some(Strict(v)) = seq.next_element()? {
                    items.push(v);
                }
                Ok(Strict(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
                let mut out = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == NUMBER_TOKEN {
                        let text: String = map.next_value()?;
                        let number = text
                            .parse::<serde_json::Number>()
                            .map_err(de::Error::custom)?;
                        return Ok(Strict(Value::Number(number)));
                    }
                    let Strict(value) = map.next_value()?;
                    if out.contains_key(&key) {
                        return Err(de::Error::custom(format!(
                            "repeats the key {key:?}; give each key once"
                        )));
                    }
                    out.insert(key, value);
                }
                Ok(Strict(Value::Object(out)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Keys of a chat request that do not change its price (or its bound): sampling settings,
/// the caller's id, streaming.
pub const CHAT_IGNORED: [&str; 16] = [
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
];

/// Keys of a chat result beside `model` and `usage` that do not change its price.
pub const RESULT_IGNORED: [&str; 6] = [
    "id",
    "object",
    "created",
    "choices",
    "system_fingerprint",
    "service_tier",
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

/// Roles of the chat template.
const ROLES: [&str; 5] = ["system", "user", "assistant", "tool", "ipython"];

fn err(line: u64, field: &str, value: &Value, message: impl Into<String>) -> RowError {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    RowError::new(line, field, &text, message)
}

/// A whole number of tokens from 0 to u64::MAX.
fn tokens(line: u64, field: &str, value: &Value) -> Result<u64, RowError> {
    value.as_u64().ok_or_else(|| {
        err(
            line,
            field,
            value,
            format!("is not a whole number of tokens from 0 to {}", u64::MAX),
        )
    })
}

/// Seconds: an exact decimal, 0 or more, from a JSON number or a CSV cell.
pub fn seconds_text(line: u64, field: &str, text: &str) -> Result<Decimal, RowError> {
    crate::cli::parse_seconds(text)
        .map_err(|m| RowError::new(line, field, text, format!("is not seconds of audio: {m}")))
}

fn seconds(line: u64, field: &str, value: &Value) -> Result<Decimal, RowError> {
    match value {
        // arbitrary_precision keeps the number's own digits: read them exactly, no float.
        Value::Number(n) => seconds_text(line, field, &n.to_string()),
        // As for the image keys: a count is a JSON number, and a string is not read as one.
        Value::String(text) if seconds_text(line, field, text).is_ok() => Err(err(
            line,
            field,
            value,
            format!(
                "is a string; a number of seconds is a JSON number (write {}, not \"{text}\")",
                text.trim()
            ),
        )),
        other => Err(err(
            line,
            field,
            other,
            "is not a number of seconds (e.g. 2.5)",
        )),
    }
}

fn model_of(line: u64, object: &Map<String, Value>, shape: &str) -> Result<String, RowError> {
    match object.get("model") {
        Some(Value::String(m)) if !m.trim().is_empty() => Ok(m.trim().to_owned()),
        Some(other) => Err(err(line, "model", other, "is not a model id")),
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
    object: &Map<String, Value>,
    shape: &str,
    known: &[&str],
    ignored: &[&str],
    extra: &[String],
) -> Result<(), RowError> {
    for (key, value) in object {
        if known.contains(&key.as_str())
            || ignored.contains(&key.as_str())
            || extra.iter().any(|k| k == key)
        {
            continue;
        }
        let hint = super::input::plausible_key(key, known.iter().chain(ignored).copied())
            .map(|k| format!("did you mean {k:?}? "))
            .unwrap_or_else(|| {
                format!("if it does not change the price, --ignore-key {key:?} leaves it out; ")
            });
        return Err(err(
            line,
            key,
            value,
            format!(
                "is not a key of a {shape} dis-price knows; {hint}(price keys: {}; ignored: {})",
                known.join(", "),
                ignored.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The UTF-8 bytes of a message's text: a string, or an array of text parts.
fn content_bytes(line: u64, content: &Value) -> Result<u64, RowError> {
    let bytes = |s: &str| u64::try_from(s.len()).unwrap_or(u64::MAX);
    match content {
        Value::String(s) => Ok(bytes(s)),
        Value::Null => Ok(0),
        Value::Array(parts) => {
            let mut total: u64 = 0;
            for (i, part) in parts.iter().enumerate() {
                // Servers join text parts with a newline ("\n".join in vLLM's chat utilities):
                // one byte between each two.
                if i > 0 {
                    total = total.saturating_add(1);
                }
                let text = match part {
                    Value::Object(p)
                        if p.get("type").and_then(Value::as_str) == Some("text")
                            && p.len() == 2 =>
                    {
                        p.get("text").and_then(Value::as_str)
                    }
                    _ => None,
                };
                let Some(text) = text else {
                    return Err(err(
                        line,
                        "content",
                        part,
                        "is not a text part ({\"type\": \"text\", \"text\": \"...\"}); only text is priced by its bytes",
                    ));
                };
                total = total.saturating_add(bytes(text));
            }
            Ok(total)
        }
        other => Err(err(
            line,
            "content",
            other,
            "is not message text (a string or an array of text parts)",
        )),
    }
}

/// The most bytes `text` takes as the chat template's `tojson` writes it: two quotes, and each
/// character at most as long as its longest escape (`\"`, `\n`: 2; other control characters and
/// the HTML-safe `<`, `>`, `&`, `'`: 6, `\u003c`; past ASCII 6 per UTF-16 unit, `\u00e9`, which
/// is also at least its UTF-8 bytes).
fn tojson_bytes(text: &str) -> u64 {
    let mut total: u64 = 2;
    for c in text.chars() {
        let n: u64 = match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\'' => 6,
            c if u32::from(c) < 0x20 => 6,
            c if c.is_ascii() => 1,
            c if c.len_utf16() == 1 => 6,
            _ => 12,
        };
        total = total.saturating_add(n);
    }
    total
}

/// The most input tokens `messages` can be under Llama 3.1's chat template: every token of its
/// byte-level BPE covers at least one byte, so text is at most its bytes; see
/// [`TEMPLATE_TOKENS`] and [`MESSAGE_TOKENS`].
pub fn input_bound(line: u64, messages: &Value) -> Result<u64, RowError> {
    let Value::Array(list) = messages else {
        return Err(err(
            line,
            "messages",
            messages,
            "is not an array of messages ({\"role\": \"user\", \"content\": \"...\"})",
        ));
    };
    if list.is_empty() {
        return Err(err(
            line,
            "messages",
            messages,
            "is empty; a chat request has at least one message",
        ));
    }
    let mut total = TEMPLATE_TOKENS;
    for message in list {
        let Value::Object(m) = message else {
            return Err(err(
                line,
                "messages",
                message,
                "holds something that is not a message object",
            ));
        };
        for (key, value) in m {
            match key.as_str() {
                "role" | "content" | "name" => {}
                _ => {
                    return Err(err(
                        line,
                        key,
                        value,
                        "is not a message key dis-price can bound (role, content, name); tool calls and other parts change the prompt in ways it cannot count",
                    ));
                }
            }
        }
        let role = match m.get("role") {
            Some(Value::String(r)) if ROLES.contains(&r.as_str()) => r,
            Some(other) => {
                return Err(err(
                    line,
                    "role",
                    other,
                    format!("is not a role of the chat template ({})", ROLES.join(", ")),
                ));
            }
            None => {
                return Err(RowError::new(line, "role", "", "is missing from a message"));
            }
        };
        let content = m.get("content").unwrap_or(&Value::Null);
        // The template writes a tool result as `message.content | tojson` under the header
        // `ipython`: quoted and escaped, so its bytes are bounded by `tojson_bytes`.
        let tool = matches!(role.as_str(), "tool" | "ipython");
        let content = if tool {
            match content {
                Value::String(text) => tojson_bytes(text),
                other => {
                    return Err(err(
                        line,
                        "content",
                        other,
                        "is not a string; a tool result is written by the chat template as JSON, and only a string one is bounded here",
                    ));
                }
            }
        } else {
            content_bytes(line, content)?
        };
        let role: &str = if tool { "ipython" } else { role };
        let name = match m.get("name") {
            None => 0,
            Some(Value::String(n)) => u64::try_from(n.len()).unwrap_or(u64::MAX),
            Some(other) => return Err(err(line, "name", other, "is not a string")),
        };
        let role = u64::try_from(role.len()).unwrap_or(u64::MAX);
        total = total
            .saturating_add(MESSAGE_TOKENS)
            .saturating_add(role)
            .saturating_add(name)
            .saturating_add(content);
    }
    Ok(total)
}

/// Reads one JSON line of a mixed input.
pub fn json_item(
    line: u64,
    text: &str,
    options: MixedOptions<'_>,
) -> Result<Item<'static>, RowError> {
    let value = match serde_json::from_str::<Strict>(text) {
        Ok(Strict(v)) => v,
        Err(e) if e.is_data() => {
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            return Err(RowError::new(line, "row", text, message));
        }
        // Not JSON at all: the image reader says so as it always has.
        Err(_) => {
            return json_row(line, text, options.defaults_ok, options.ignore_keys).map(Item::Image);
        }
    };
    let Value::Object(object) = value else {
        return json_row(line, text, options.defaults_ok, options.ignore_keys).map(Item::Image);
    };
    let has = |k: &str| object.contains_key(k);
    let is_metered = METERED_KEYS.iter().any(|k| has(k));
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
        }))
    };
    if has("usage") {
        let shape = "chat result";
        only_keys(
            line,
            &object,
            shape,
            &["model", "usage"],
            &RESULT_IGNORED,
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        let usage = &object["usage"];
        let Value::Object(u) = usage else {
            return Err(err(
                line,
                "usage",
                usage,
                "is not an object ({\"prompt_tokens\": 12, \"completion_tokens\": 40})",
            ));
        };
        only_keys(
            line,
            u,
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
    if has("messages") {
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
            ],
            &CHAT_IGNORED,
            extra,
        )?;
        let model = model_of(line, &object, shape)?;
        if let Some(n) = object.get("n")
            && n.as_u64() != Some(1)
        {
            return Err(err(
                line,
                "n",
                n,
                "asks for more than one completion (or is not a count); only n = 1 is priced",
            ));
        }
        let input = input_bound(line, &object["messages"])?;
        let max = match (
            object.get("max_tokens"),
            object.get("max_completion_tokens"),
        ) {
            (Some(a), Some(b)) => {
                return Err(err(
                    line,
                    "max_completion_tokens",
                    b,
                    format!("is given beside max_tokens ({a}); give one of them"),
                ));
            }
            (Some(v), None) => Some(tokens(line, "max_tokens", v)?),
            (None, Some(v)) => Some(tokens(line, "max_completion_tokens", v)?),
            (None, None) => None,
        };
        let Some(output) = max.or(options.max_output_tokens) else {
            return Err(RowError::new(
                line,
                "max_tokens",
                "",
                "is missing, so the request's output has no upper bound; give max_tokens (or max_completion_tokens) in the request, or --max-output-tokens N to price every such request at N output tokens at most",
            ));
        };
        return metered(model, Usage::Tokens { input, output }, Kind::Bound, shape);
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
        let text = match object.get("input") {
            Some(Value::String(s)) => s,
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
        if let Some(given) = object.get("seconds") {
            let s = seconds(line, "seconds", given)?;
            return metered(model, Usage::Seconds(s), Kind::Estimate, shape);
        }
        if let Some(speed) = object.get("speed")
            && !matches!(speed, Value::Number(n) if n.to_string().parse::<Decimal>().ok() == Some(Decimal::ONE))
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
        let chars = Decimal::from(u64::try_from(text.chars().count()).unwrap_or(u64::MAX));
        let s = chars.checked_mul(rate).ok_or_else(|| {
            RowError::new(
                line,
                "input",
                &format!("{chars} characters"),
                "times --seconds-per-char is too large to compute exactly",
            )
        })?;
        return metered(model, Usage::Seconds(s), Kind::Estimate, shape);
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
    if has("seconds") {
        let shape = "metered row";
        only_keys(line, &object, shape, &["model", "seconds"], &[], extra)?;
        let model = model_of(line, &object, shape)?;
        let s = seconds(line, "seconds", &object["seconds"])?;
        return metered(model, Usage::Seconds(s), Kind::Exact, shape);
    }
    // A line with no key of any shape (model aside) fits none: say which shapes there are.
    let image_key = object.keys().any(|k| {
        k != "model"
            && (super::input::PRICE_KEYS.contains(&k.as_str())
                || ["created", "date"].contains(&k.as_str()))
    });
    json_row(line, text, options.defaults_ok, options.ignore_keys)
        .map(Item::Image)
        .map_err(|e| {
            if image_key || object.is_empty() {
                e
            } else {
                RowError::new(
                    line,
                    "row",
                    text,
                    format!("fits no shape dis-price prices ({e}); a line is {SHAPES}"),
                )
            }
        })
}

/// The day a metered JSON line gives: `created` (a Unix timestamp or a date, as the API
/// writes it) or `date`, read as image lines read them; both at once is an error.
fn line_date(line: u64, object: &Map<String, Value>) -> Result<Option<crate::date::Day>, RowError> {
    let read = |key: &str, value: &Value| match value {
        Value::String(text) => {
            crate::date::Day::parse_row(text).map_err(|m| RowError::new(line, key, text, m))
        }
        Value::Number(n) => crate::date::Day::parse_row(&n.to_string())
            .map_err(|m| RowError::new(line, key, &n.to_string(), m)),
        other => Err(err(
            line,
            key,
            other,
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

/// A CSV row of a mixed file: `metered` holds the row's cells of [`METERED_COLUMNS`] (by
/// index into that list), blank ones as `None`. A row with none is an image row.
pub fn csv_item<'a>(row: Row<'a>, metered: [Option<&str>; 3]) -> Result<Item<'a>, RowError> {
    let line = row.line;
    let [input, output, secs] = metered;
    if input.is_none() && output.is_none() && secs.is_none() {
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
        crate::cli::parse_tokens(text).map_err(|m| RowError::new(line, field, text, m))
    };
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
    }))
}

/// Drops a borrowed extra into an owned one.
pub fn owned(extra: Vec<Cow<'_, str>>) -> Vec<String> {
    extra.into_iter().map(Cow::into_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Result<Item<'static>, String> {
        json_item(1, text, MixedOptions::default()).map_err(|e| e.to_string())
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

    #[test]
    fn the_bound_counts_bytes_and_the_template() {
        let m = serde_json::json!([{"role": "user", "content": "héllo"}]);
        assert_eq!(input_bound(1, &m).unwrap(), TEMPLATE_TOKENS + 5 + 4 + 6);
    }

    /// Every key of a JSON value, at any depth.
    fn all_keys(value: &Value, keys: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    keys.push(k.clone());
                    all_keys(v, keys);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| all_keys(v, keys)),
            _ => {}
        }
    }

    /// On lines of valid JSON, the scan finds a metered key exactly when the line has one as a
    /// key at any depth: names and texts near the keys, letters written as escapes, escaped
    /// quotes and backslashes, blanks before colons, nesting.
    #[test]
    fn the_scan_agrees_with_a_json_reader() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut names: Vec<String> = METERED_KEYS.iter().map(|k| k.to_string()).collect();
        for key in METERED_KEYS {
            names.push(format!("x{key}"));
            names.push(format!("{key}x"));
            names.push(key[1..].to_owned());
            names.push(format!("a_name_longer_than_the_keys_{key}"));
        }
        names.extend(["model", "prompt", "seed", "a\\", "q\"", ""].map(String::from));
        let patterns: &'static Patterns = Box::leak(Box::new(build_patterns(false).unwrap()));
        assert!(matches!(patterns, Patterns::Automaton(_)));
        let automaton = KeyScan { patterns };
        // Where the processor has a vector search, the scan uses it.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(matches!(key_patterns(), Some(Patterns::Packed(_))));
        }
        let (mut found, mut tried) = (0, 0);
        for _ in 0..20_000 {
            // A name or a text, each letter written plainly or as an escape.
            let write = |text: &str, next: &mut dyn FnMut(usize) -> usize| {
                let mut out = String::from("\"");
                for c in text.chars() {
                    match (c, next(6)) {
                        ('\\' | '"', _) => out.push(c),
                        (_, 0) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                        (_, 1) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                        _ => out.push(c),
                    }
                }
                out.push('"');
                out
            };
            let mut line = String::from("{");
            // Names are not repeated (a JSON map keeps the last of a repeated name).
            let mut used = Vec::new();
            for i in 0..1 + next(4) {
                let name = names[next(names.len())].clone();
                if used.contains(&name) {
                    continue;
                }
                used.push(name.clone());
                if i > 0 {
                    line.push(',');
                }
                line.push_str(&write(&name, &mut next));
                line.push_str([":", " :", "\t: "][next(3)]);
                let text = names[next(names.len())].clone();
                match next(4) {
                    0 => line.push_str(&format!("{{{}:1}}", write(&text, &mut next))),
                    1 => line.push_str(&format!("[{}]", write(&text, &mut next))),
                    2 => line.push_str(&write(&format!("{text}\": "), &mut next)),
                    _ => line.push('1'),
                }
            }
            line.push('}');
            let Ok(value) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            let mut keys = Vec::new();
            all_keys(&value, &mut keys);
            let expected = keys.iter().any(|k| METERED_KEYS.contains(&k.as_str()));
            assert_eq!(has_metered_key(line.as_bytes()), expected, "{line}");
            // The automaton, used where there is no vector search, finds the same.
            assert_eq!(automaton.found(line.as_bytes()), expected, "{line}");
            tried += 1;
            found += usize::from(expected);
        }
        assert!(
            found > tried / 10 && found < tried * 9 / 10,
            "{found} of {tried}"
        );
    }

    #[test]
    fn keys_are_found_only_as_keys() {
        assert!(has_metered_key(br#"{"usage" : {}}"#));
        assert!(!has_metered_key(br#"{"prompt":"usage"}"#));
        assert!(!has_metered_key(br#"{"prompt":"say \"usage\": now"}"#));
        // Every metered key, as the only key and after others, with blanks before its colon.
        for key in METERED_KEYS {
            for form in [
                format!(r#"{{"{key}":1}}"#),
                format!(r#"{{"model":"m", "{key}"  :1}}"#),
                format!("{{\"seed\":1,\"{key}\"\t\r\n:1}}"),
            ] {
                assert!(has_metered_key(form.as_bytes()), "{form}");
            }
            // A longer name ending in the key, a name starting with it, or the key as text.
            for form in [
                format!(r#"{{"x{key}":1}}"#),
                format!(r#"{{"{key}x":1}}"#),
                format!(r#"{{"prompt":"{key}: yes"}}"#),
                format!(r#"{{"prompt":"\"{key}\": yes"}}"#),
            ] {
                assert!(!has_metered_key(form.as_bytes()), "{form}");
            }
        }
        // A key written with escapes is read as JSON reads it; an escaped quote is not a key's.
        assert!(has_metered_key(br#"{"mess\u0061ges" :[]}"#));
        assert!(has_metered_key(br#"{"a\\":1,"\u0075sage":{}}"#));
        assert!(!has_metered_key(
            br#"{"prompt":"say \"mess\u0061ges\": now"}"#
        ));
        assert!(!has_metered_key(br#"{"mess\u0061ge":1}"#));
        // The longest key with its first letter escaped, and so with its first two: a name
        // read back from its closing quote reaches the backslash however long the rest is.
        assert!(has_metered_key(br#"{"\u006dax_completion_tokens":1}"#));
        assert!(has_metered_key(br#"{"\u006d\u0061x_completion_tokens":1}"#));
        assert!(!has_metered_key(br#"{"\u006dmax_completion_tokens":1}"#));
        // A name longer than every key, ending in one; a string ending in a backslash before
        // a key; a key right after an escaped backslash in a name.
        assert!(!has_metered_key(
            br#"{"a_name_longer_than_any_metered_key_usage":1}"#
        ));
        assert!(has_metered_key(br#"{"prompt":"a\\","usage":1}"#));
        assert!(!has_metered_key(br#"{"prompt":"a\\usage":1}"#));
        // Blanks at a piece's end are kept as one, after the bytes before them.
        let kept = KeyScan::keep(format!("{{\"messages\"{}", " ".repeat(5000)).as_bytes());
        assert!(
            KeyScan::new()
                .unwrap()
                .found(&[&kept[..], b":[]}"].concat())
        );
        // Image request bodies hold none.
        assert!(!has_metered_key(
            br#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#
        ));
    }
}
