//! The most tokens a chat request can be billed for: its input, counted from its messages under
//! Llama 3.1's chat template (every token covers at least one byte, so text is at most its
//! bytes), and its output, at most its cap (or the API's default cap) for each of its `n` choices.
#![deny(clippy::arithmetic_side_effects)]

use serde_json::value::RawValue;

use super::json_lines::err;
use super::json_object::{self, Members};
use super::row::RowError;

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

/// Roles of the chat template.
const ROLES: [&str; 5] = ["system", "user", "assistant", "tool", "ipython"];

/// The UTF-8 bytes of a message's text: a string, or an array of text parts.
fn content_bytes(line: u64, content: Option<&RawValue>) -> Result<u64, RowError> {
    let bytes = |s: &str| u64::try_from(s.len()).unwrap_or(u64::MAX);
    let Some(content) = content.filter(|c| c.get() != "null") else {
        return Ok(0);
    };
    if let Some(n) = json_object::string_bytes(content) {
        return Ok(u64::try_from(n).unwrap_or(u64::MAX));
    }
    match serde_json::from_str::<Vec<&RawValue>>(content.get()) {
        Ok(parts) => {
            let mut total: u64 = 0;
            for (i, part) in parts.iter().enumerate() {
                // Servers join text parts with a newline ("\n".join in vLLM's chat utilities):
                // one byte between each two.
                if i > 0 {
                    total = total.saturating_add(1);
                }
                let text = Members::inner(part).ok().and_then(|p| {
                    let text = p.get("type").and_then(json_object::string)?;
                    (text == "text" && p.len() == 2)
                        .then(|| p.get("text").and_then(json_object::string))
                        .flatten()
                });
                let Some(text) = text else {
                    return Err(err(
                        line,
                        "content",
                        part,
                        "is not a text part ({\"type\": \"text\", \"text\": \"...\"}); only text is priced by its bytes",
                    ));
                };
                total = total.saturating_add(bytes(&text));
            }
            Ok(total)
        }
        Err(_) => Err(err(
            line,
            "content",
            content,
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
pub fn input_bound(line: u64, messages: &RawValue) -> Result<u64, RowError> {
    let Ok(list) = serde_json::from_str::<Vec<&RawValue>>(messages.get()) else {
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
        let Ok(m) = Members::inner(message) else {
            return Err(err(
                line,
                "messages",
                message,
                "holds something that is not a message object",
            ));
        };
        for (key, value) in m.iter() {
            match key {
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
        let role = m.get("role").map(|raw| (raw, json_object::string(raw)));
        let role = match role {
            Some((_, Some(r))) if ROLES.contains(&r.as_ref()) => r,
            Some((other, _)) => {
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
        let content = m.get("content");
        // The template writes a tool result as `message.content | tojson` under the header
        // `ipython`: quoted and escaped, so its bytes are bounded by `tojson_bytes`.
        let tool = matches!(role.as_ref(), "tool" | "ipython");
        let content = if tool {
            match content.map(|raw| (raw, json_object::string(raw))) {
                Some((_, Some(text))) => tojson_bytes(&text),
                other => {
                    let message = "is not a string; a tool result is written by the chat template as JSON, and only a string one is bounded here";
                    return Err(match other {
                        Some((raw, _)) => err(line, "content", raw, message),
                        None => RowError::new(line, "content", "null", message),
                    });
                }
            }
        } else {
            content_bytes(line, content)?
        };
        let role: &str = if tool { "ipython" } else { &role };
        let name = match m
            .get("name")
            .map(|raw| (raw, json_object::string_bytes(raw)))
        {
            None => 0,
            Some((_, Some(n))) => u64::try_from(n).unwrap_or(u64::MAX),
            Some((other, None)) => {
                return Err(err(line, "name", other, "is not a string"));
            }
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

/// A whole number of tokens from 0 to u64::MAX.
pub(super) fn tokens(line: u64, field: &str, value: &RawValue) -> Result<u64, RowError> {
    json_object::whole(value).ok_or_else(|| {
        let plain = json_object::plain_digits(value)
            .map(|digits| format!(" (a count is plain digits: write {digits})"))
            .unwrap_or_default();
        err(
            line,
            field,
            value,
            format!(
                "is not a whole number of tokens from 0 to {}{plain}",
                u64::MAX
            ),
        )
    })
}

/// The most output tokens of a chat request, from its `n` (choices, 1 unless given) and its cap
/// (`max_tokens` or `max_completion_tokens`; `max_output_tokens`, the flag, when it gives none or
/// gives -1, "no cap"): `(tokens, None)`, or `(0, Some(choices))` when neither gives a cap, so
/// the pricer bounds each choice by the model's default cap from the tariff.
pub(super) fn output_bound(
    line: u64,
    object: &Members<'_>,
    max_output_tokens: Option<u64>,
) -> Result<(u64, Option<u64>), RowError> {
    let choices = match object.get("n") {
        None => 1,
        Some(n) => match json_object::whole(n) {
            Some(n) if n >= 1 => n,
            _ => {
                return Err(err(
                    line,
                    "n",
                    n,
                    "is not a number of completions (a whole number, 1 or more)",
                ));
            }
        },
    };
    let cap = |key: &str, raw: &RawValue| -> Result<Option<u64>, RowError> {
        if raw.get() == "-1" {
            return match max_output_tokens {
                Some(n) => Ok(Some(n)),
                None => Err(err(
                    line,
                    key,
                    raw,
                    "asks for no cap on the output, so nothing bounds its price; give --max-output-tokens N to bound every such request at N output tokens per choice",
                )),
            };
        }
        tokens(line, key, raw).map(Some)
    };
    let max = match (
        object.get("max_tokens"),
        object.get("max_completion_tokens"),
    ) {
        (Some(a), Some(b)) => {
            return Err(err(
                line,
                "max_completion_tokens",
                b,
                format!(
                    "is given beside max_tokens ({}); give one of them",
                    json_object::value(a)
                ),
            ));
        }
        (Some(v), None) => cap("max_tokens", v)?,
        (None, Some(v)) => cap("max_completion_tokens", v)?,
        (None, None) => None,
    };
    match max.or(max_output_tokens) {
        Some(cap) => {
            let output = cap.checked_mul(choices).ok_or_else(|| {
                RowError::new(
                    line,
                    "n",
                    &choices.to_string(),
                    format!("times the cap {cap} is too many tokens to count"),
                )
            })?;
            Ok((output, None))
        }
        // The API caps it at the model's default, which the pricer reads from the tariff.
        None => Ok((0, Some(choices))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_counts_bytes_and_the_template() {
        let m = RawValue::from_string(r#"[{"role": "user", "content": "héllo"}]"#.to_owned());
        assert_eq!(
            input_bound(1, &m.unwrap()).unwrap(),
            TEMPLATE_TOKENS + 5 + 4 + 6
        );
    }
}
