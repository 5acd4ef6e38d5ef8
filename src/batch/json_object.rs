//! One JSON line read as an object's members: keys in the order written, repeats kept, each
//! value left as its JSON text until a reader asks for it. Both JSON readers (image requests in
//! `json_lines.rs`, chat and speech lines in `metered.rs`) start from the same [`Members`], so a
//! line is parsed once whatever it turns out to be, and a value that does not change the price
//! (a prompt, a chat result's `choices`) is never built.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// The members of one JSON object in the order written, repeats kept, keys borrowed from the
/// line where they hold no escapes: no map is built, and a repeated key can be told.
pub struct Members<'a> {
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// The words for the first key repeated in an object at any depth, in reading order.
    repeat: Option<String>,
}

impl<'a> Members<'a> {
    /// Reads `text` as one JSON object; an error for anything else (not JSON, or another value).
    /// Every value is read through once more as it is skipped by none: a string the line holds
    /// must decode (a lone surrogate is not text), wherever it is.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        let Raw(members) = serde_json::from_str(text)?;
        let mut walk = Walk::default();
        for (at, (key, raw)) in members.iter().enumerate() {
            if walk.repeat.is_none() && members[..at].iter().any(|(k, _)| k == key) {
                walk.repeat = Some(repeats(key));
            }
            if can_hide_anything(raw) {
                let mut reader = serde_json::Deserializer::from_str(raw.get());
                (NoRepeats(&mut walk)).deserialize(&mut reader)?;
            }
        }
        Ok(Members {
            members,
            repeat: walk.repeat,
        })
    }

    /// Reads a value inside a line that [`Members::parse`] has read (so its strings decode and
    /// its repeats are known) as an object's members; an error if it is not an object.
    pub fn inner(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        let Raw(members) = serde_json::from_str(raw.get())?;
        Ok(Members {
            members,
            repeat: None,
        })
    }

    /// How many members there are, repeats counted.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the object is `{}`.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in the order written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'a RawValue)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), *v))
    }

    /// The value of the first member named `key`.
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Whether a member is named `key`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The value of `key` among the members before the one at `at`: its first value if the
    /// member at `at` repeats it.
    pub fn earlier(&self, at: usize, key: &str) -> Option<&'a RawValue> {
        let before = self.members.get(..at).unwrap_or(&self.members);
        before.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// The first repeated key in the order a reader meets it, at any depth: a key given twice
    /// in this object or in any object inside a value. Its words name the key.
    pub fn first_repeat(&self) -> Option<&str> {
        self.repeat.as_deref()
    }
}

/// Whether walking a value can find what reading it past did not check: a key repeated in an
/// object inside it, or a `\u` escape that does not decode (a lone surrogate). Its syntax, its
/// other escapes and its numbers were checked as it was read. A `{` or `\u` inside a string
/// only makes the walk happen.
fn can_hide_anything(raw: &RawValue) -> bool {
    let text = raw.get().as_bytes();
    memchr::memchr(b'{', text).is_some() || memchr::memmem::find(text, b"\\u").is_some()
}

/// The words for a key given twice in one object.
fn repeats(key: &str) -> String {
    format!("repeats the key {key:?}; give each key once")
}

/// A member's value as a [`Value`] (where a repeated key inside keeps the last: see
/// [`Members::first_repeat`] for readers that refuse repeats).
pub fn value(raw: &RawValue) -> Value {
    // The text was read as JSON by the same parser, within the same depth, so it reads again.
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

/// A member's value as text, borrowed when it holds no escapes; `None` if it is not a string.
pub fn string(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Key<'_>>(raw.get())
        .ok()
        .map(|Key(s)| s)
}

/// A member's value as a message quotes it: a string's text (the message adds the quotes),
/// anything else as written in the line (`1e0` stays `1e0`).
pub fn text(raw: &RawValue) -> String {
    string(raw).map_or_else(|| raw.get().to_owned(), Cow::into_owned)
}

/// The plain digits of a JSON number written with a fraction or an exponent whose value is a
/// whole number from 0 (`2E0`, `4.0`), for a message that asks for plain digits; `None` for
/// anything else.
pub fn plain_digits(raw: &RawValue) -> Option<String> {
    let written = raw.get();
    if !is_number(raw) || !written.contains(['.', 'e', 'E']) {
        return None;
    }
    let value = crate::number::parse_decimal(written).ok()?;
    (value.fract().is_zero() && !value.is_sign_negative())
        .then(|| value.trunc().normalize().to_string())
}

/// The UTF-8 bytes of a member's text, counted where it lies when it holds no escape (the
/// line is already UTF-8 and its strings were checked as it was read); `None` if it is not a
/// string.
pub fn string_bytes(raw: &RawValue) -> Option<usize> {
    let text = raw.get();
    if text.starts_with('"') && memchr::memchr(b'\\', text.as_bytes()).is_none() {
        return Some(text.len().saturating_sub(2));
    }
    string(raw).map(|s| s.len())
}

/// A member's value as a whole number from 0 to `u64::MAX`, read from the digits as written
/// (as `Value::as_u64` reads them under `arbitrary_precision`); `None` for anything else.
pub fn whole(raw: &RawValue) -> Option<u64> {
    raw.get().parse().ok()
}

/// Whether a member's value is a JSON number (whose text is then its digits as written).
pub fn is_number(raw: &RawValue) -> bool {
    raw.get()
        .as_bytes()
        .first()
        .is_some_and(|b| *b == b'-' || b.is_ascii_digit())
}

/// A key (or string value), borrowed from the line where it holds no escapes.
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// An object's members as read, before they are walked.
struct Raw<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8).min(16));
                while let Some(Key(key)) = map.next_key()? {
                    members.push((key, map.next_value::<&RawValue>()?));
                }
                Ok(Raw(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// serde_json's marker of an arbitrary-precision number (feature `arbitrary_precision`).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// What walking the values of a line finds: the keys of the objects being walked (each
/// object's own at the end of one shared list, so nothing is built per object), and the first
/// key repeated in one of them.
#[derive(Default)]
struct Walk<'de> {
    keys: Vec<Cow<'de, str>>,
    repeat: Option<String>,
}

/// Walks one JSON value, decoding every string and noting the first repeated key.
struct NoRepeats<'w, 'de>(&'w mut Walk<'de>);

impl<'de> DeserializeSeed<'de> for NoRepeats<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoRepeats<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NoRepeats(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let start = self.0.keys.len();
        while let Some(Key(key)) = map.next_key()? {
            if key == NUMBER_TOKEN {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if self.0.repeat.is_none() && self.0.keys[start..].contains(&key) {
                self.0.repeat = Some(repeats(&key));
            }
            self.0.keys.push(key);
            map.next_value_seed(NoRepeats(&mut *self.0))?;
        }
        self.0.keys.truncate(start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_repeat(text: &str) -> Option<String> {
        Members::parse(text)
            .unwrap()
            .first_repeat()
            .map(str::to_owned)
    }

    #[test]
    fn repeats_are_found_at_any_depth_and_only_within_one_object() {
        assert_eq!(first_repeat(r#"{"a":1,"b":2}"#), None);
        assert_eq!(
            first_repeat(r#"{"a":1,"a":2}"#).as_deref(),
            Some(r#"repeats the key "a"; give each key once"#)
        );
        assert_eq!(
            first_repeat(r#"{"u":{"p":1,"q":{"p":2},"p":3}}"#).as_deref(),
            Some(r#"repeats the key "p"; give each key once"#)
        );
        // The same key in two objects, side by side or nested, is no repeat.
        assert_eq!(
            first_repeat(r#"{"m":[{"r":1},{"r":2}],"r":{"r":{"r":1}}}"#),
            None
        );
        // The first in reading order wins: the nested one comes before the outer repeat.
        assert_eq!(
            first_repeat(r#"{"a":{"b":1,"b":2},"a":1}"#).as_deref(),
            Some(r#"repeats the key "b"; give each key once"#)
        );
        // Escapes spell the same key.
        assert!(first_repeat(r#"{"x":{"ab":1,"a\u0062":2}}"#).is_some());
    }

    #[test]
    fn every_string_must_decode_wherever_it_is() {
        for text in [
            r#"{"prompt":"\ud800"}"#,
            r#"{"a":{"b":["\udc00"]}}"#,
            r#"{"a":{"\ud800":1}}"#,
            r#"{"a":["x","\udfff"]}"#,
            r#"{"a":"no object here \\ but \udfff"}"#,
        ] {
            let e = Members::parse(text).err().map(|e| e.to_string());
            assert!(e.is_some_and(|e| e.contains("escape")), "{text}");
        }
        assert!(Members::parse(r#"{"a":"\ud83d\ude00"}"#).is_ok());
    }

    #[test]
    fn text_is_counted_in_bytes_as_decoded_with_or_without_escapes() {
        for (text, bytes) in [
            (r#""plain""#, Some(5)),
            (r#""café""#, Some(5)),
            (r#""a\"b""#, Some(3)),
            (r#""\u00e9\n""#, Some(3)),
            (r#""\ud83d\ude00""#, Some(4)),
            (r#""""#, Some(0)),
            ("12", None),
            (r#"["a"]"#, None),
            ("null", None),
        ] {
            let raw = RawValue::from_string(text.to_owned()).unwrap();
            assert_eq!(string_bytes(&raw), bytes, "{text}");
            assert_eq!(string(&raw).map(|s| s.len()), bytes, "{text}");
        }
    }

    #[test]
    fn values_read_as_written() {
        let m = Members::parse(
            r#"{"n":12,"f":1.50,"s":"a\"b","t":"plain","big":18446744073709551616}"#,
        )
        .unwrap();
        assert_eq!(m.get("n").and_then(whole), Some(12));
        assert_eq!(m.get("f").and_then(whole), None);
        assert_eq!(m.get("f").map(|r| r.get()), Some("1.50"));
        assert_eq!(m.get("big").and_then(whole), None);
        assert_eq!(m.get("s").and_then(string).as_deref(), Some("a\"b"));
        assert!(matches!(
            m.get("t").and_then(string),
            Some(Cow::Borrowed("plain"))
        ));
        assert_eq!(m.get("n").and_then(string), None);
        assert!(m.get("n").is_some_and(is_number) && !m.get("s").is_some_and(is_number));
    }
}
