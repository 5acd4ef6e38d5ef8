//! Reading a parsed TOML document key by key, collecting every problem with its position.
//!
//! The loader walks `toml`'s spanned document instead of deriving serde shapes: it keeps the
//! literal text of numbers (so `0.001206` is read exactly, never through a float), it knows the
//! key path of every value, and it reports all problems at once rather than the first.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::number::{parse_decimal, parse_toml_decimal};

/// One problem: where, about which key, and what.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub span: Range<usize>,
    pub key: String,
    pub message: String,
}

/// Collects problems while values are read.
#[derive(Default)]
pub(crate) struct Reader {
    pub problems: Vec<Problem>,
    /// Where each value read is, by key path, for placing later findings (warnings).
    pub spans: Vec<(String, Range<usize>)>,
}

/// A value with its key path and position.
#[derive(Clone, Copy)]
pub(crate) struct Field<'a, 'i> {
    pub value: &'a Spanned<DeValue<'i>>,
    pub path: &'a str,
}

/// A table being read: the keys taken so far, to report the rest as unknown.
pub(crate) struct Table<'a, 'i> {
    pub path: String,
    pub span: Range<usize>,
    map: &'a DeTable<'i>,
    taken: Vec<&'static str>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// Stops listing `key` among the keys known here when the table does not hold it: a key
    /// looked up only to be refused is not one to suggest.
    pub fn forget_absent(&mut self, key: &str) {
        if !self.map.contains_key(key) {
            self.taken.retain(|k| *k != key);
        }
    }

    pub fn new(path: String, span: Range<usize>, map: &'a DeTable<'i>) -> Self {
        Self {
            path,
            span,
            map,
            taken: Vec::new(),
        }
    }

    /// The entries in file order (the parser sorts them by name).
    pub fn entries(
        &self,
    ) -> Vec<(
        &'a Spanned<std::borrow::Cow<'i, str>>,
        &'a Spanned<DeValue<'i>>,
    )> {
        let mut entries: Vec<_> = self.map.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        entries
    }

    /// The path of a key inside this table.
    pub fn child(&self, key: &str) -> String {
        child_path(&self.path, key)
    }
}

/// The dotted path of `key` under `parent`, quoting keys that are not bare TOML keys.
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

impl Reader {
    pub fn problem(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            span,
            key: key.to_owned(),
            message: message.into(),
        });
    }

    /// A key that may be absent.
    pub fn optional<'a, 'i>(
        &mut self,
        table: &mut Table<'a, 'i>,
        key: &'static str,
    ) -> Option<(&'a Spanned<DeValue<'i>>, String)> {
        table.taken.push(key);
        let value = table.map.get(key)?;
        let path = table.child(key);
        self.spans.push((path.clone(), value.span()));
        Some((value, path))
    }

    /// A key that must be present; its absence is a problem placed at the table.
    pub fn required<'a, 'i>(
        &mut self,
        table: &mut Table<'a, 'i>,
        key: &'static str,
    ) -> Option<(&'a Spanned<DeValue<'i>>, String)> {
        let found = self.optional(table, key);
        if found.is_none() {
            let where_ = if table.path.is_empty() {
                "at the top of the tariff".to_owned()
            } else {
                format!("in [{}]", table.path)
            };
            self.problem(
                table.span.clone(),
                &table.child(key),
                format!("missing required key `{key}` {where_}"),
            );
        }
        found
    }

    /// Reports every key of `table` that was not taken, suggesting the nearest known key.
    pub fn finish(&mut self, table: Table<'_, '_>) {
        for (key, _) in table.entries() {
            let name: &str = key.get_ref();
            if table.taken.contains(&name) {
                continue;
            }
            let nearest = table
                .taken
                .iter()
                .map(|k| (strsim::levenshtein(k, name), *k))
                .min();
            let hint = match nearest {
                Some((d, k)) if d <= 2 => format!("; did you mean `{k}`?"),
                _ => String::new(),
            };
            let mut known = table.taken.clone();
            known.sort_unstable();
            self.problem(
                key.span(),
                &table.child(name),
                format!(
                    "unknown key `{}`{hint} (known here: {})",
                    crate::escape::escaped(name),
                    known.join(", ")
                ),
            );
        }
    }

    fn wrong_type(&mut self, field: Field<'_, '_>, expected: &str) {
        self.problem(
            field.value.span(),
            field.path,
            format!(
                "expected {expected}, found {}",
                describe(field.value.get_ref())
            ),
        );
    }

    pub fn string(&mut self, field: Field<'_, '_>) -> Option<String> {
        match field.value.get_ref() {
            // An escape such as `\u001b` or `\e` is legal TOML, but never legitimate text here.
            DeValue::String(s) => match crate::escape::find_control(s, &[]) {
                None => Some(s.to_string()),
                Some((_, c)) => {
                    self.problem(
                        field.value.span(),
                        field.path,
                        format!(
                            "the string {:?} holds the control character {}; tariff text is printable (no escapes such as \\u001b, \\r, \\t or \\u202e, and no line breaks)",
                            s.as_ref(),
                            crate::escape::code_point(c)
                        ),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(field, "a string");
                None
            }
        }
    }

    /// A whole number from `min` to u32::MAX: a TOML integer in any base (`50`, `5_0`,
    /// `0x32`), or a number with no fraction (`50.0`, `5e1`). A JSON Schema cannot tell `50.0`
    /// from `50` (both are the integer 50 to it), so neither does the loader: the value is
    /// exact either way.
    pub fn whole(&mut self, field: Field<'_, '_>, min: u32) -> Option<u32> {
        let (text, value) = match field.value.get_ref() {
            DeValue::Integer(int) => (
                int.as_str().to_owned(),
                i128::from_str_radix(&int.as_str().replace('_', ""), int.radix()).ok(),
            ),
            DeValue::Float(f) => (
                f.as_str().to_owned(),
                parse_toml_decimal(f.as_str())
                    .ok()
                    .filter(|v| v.fract().is_zero())
                    .and_then(|v| i128::try_from(v).ok()),
            ),
            _ => {
                self.wrong_type(field, "a whole number");
                return None;
            }
        };
        match value.and_then(|v| u32::try_from(v).ok()) {
            Some(v) if v >= min => Some(v),
            _ => {
                self.problem(
                    field.value.span(),
                    field.path,
                    format!("{text} is not a whole number from {min} to {}", u32::MAX),
                );
                None
            }
        }
    }

    /// An exact decimal, written as a string (`"0.001206"`) or a TOML number (`0.001206`,
    /// `1.206e-3`, `0.001_206`, or an integer in any base). A number is read from its literal
    /// text, so it is as exact as the string. A string holds the number alone, as the JSON
    /// Schema says: no blank space around it and no digit separators, which a TOML number may
    /// have and a string of money should not.
    pub fn decimal(&mut self, field: Field<'_, '_>) -> Option<Decimal> {
        let text = match field.value.get_ref() {
            DeValue::String(s) => {
                if let Some(why) = not_plain_string(s) {
                    self.problem(field.value.span(), field.path, why);
                    return None;
                }
                s.to_string()
            }
            DeValue::Float(f) => f.as_str().to_owned(),
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_owned(),
            DeValue::Integer(i) => {
                match i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(v) => v.to_string(),
                    Err(_) => i.as_str().to_owned(),
                }
            }
            _ => {
                self.wrong_type(
                    field,
                    "a decimal number (a string like \"0.001206\" or a number)",
                );
                return None;
            }
        };
        match parse_toml_decimal(&text) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(field.value.span(), field.path, message);
                None
            }
        }
    }

    pub fn table<'a, 'i>(&mut self, field: Field<'a, 'i>) -> Option<Table<'a, 'i>> {
        match field.value.get_ref() {
            DeValue::Table(map) => Some(Table::new(field.path.to_owned(), field.value.span(), map)),
            _ => {
                self.wrong_type(field, "a table");
                None
            }
        }
    }

    pub fn array<'a, 'i>(
        &mut self,
        field: Field<'a, 'i>,
    ) -> Option<Vec<(&'a Spanned<DeValue<'i>>, String)>> {
        match field.value.get_ref() {
            DeValue::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let path = format!("{}[{i}]", field.path);
                        self.spans.push((path.clone(), v.span()));
                        (v, path)
                    })
                    .collect(),
            ),
            _ => {
                self.wrong_type(field, "an array");
                None
            }
        }
    }
}

/// Why a decimal in a string is not written as the number alone: blank space around it, or
/// digit separators; `None` when it is (whether it is a number is for `parse_decimal`).
fn not_plain_string(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let plain = trimmed.replace('_', "");
    let why = if trimmed != text {
        "has blank space around it"
    } else if plain != trimmed {
        "has digit separators"
    } else {
        return None;
    };
    Some(match parse_decimal(&plain) {
        Ok(_) => format!(
            "the string {text:?} {why}; a decimal in a string is the number alone: write \"{plain}\""
        ),
        Err(_) => format!(
            "the string {text:?} {why}, and is not a decimal number (expected e.g. \"0.001206\")"
        ),
    })
}

/// What a value is, for "expected X, found Y".
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("the string {:?}", s.as_ref()),
        DeValue::Integer(i) => format!("the integer {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        DeValue::Datetime(d) => format!("the date-time {d}"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}
