//! Which JSON Lines keys may be left out of the price with `--ignore-key`: the one rule the
//! flag's check and every hint that suggests the flag follow, so a hint never names a key the
//! flag refuses, nor one whose leaving out would change a price.

use super::input::{DATE_KEYS, PRICE_KEYS, date_like, plausible_key};
use super::metered::METERED_KEYS;

/// Keys of a speech request that change its price besides the metered ones: `speed` changes
/// the audio's length.
const SPEECH_PRICE_KEYS: [&str; 1] = ["speed"];

/// Every key that sets a price or picks the rate, of every meter.
fn price_keys() -> impl Iterator<Item = &'static str> + Clone {
    PRICE_KEYS
        .iter()
        .chain(&DATE_KEYS)
        .chain(&METERED_KEYS)
        .chain(&SPEECH_PRICE_KEYS)
        .copied()
}

/// The keys that can never be left out, for messages.
pub fn price_key_list() -> String {
    price_keys().collect::<Vec<_>>().join(", ")
}

/// Whether `--ignore-key KEY` may leave `key` out of the price; the error says why not.
///
/// JSON keys are case-sensitive, so `Steps` is not `steps`; but a key that differs from a price
/// key of any meter only in case, is a near miss of one (`stpes`, `secnds`), or names a moment
/// (`created_at`, `timestamp`: the day picks the rate) is refused too, since ignoring it would
/// hide a price key written wrong.
pub fn ignorable(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the key is empty (expected a JSON key, e.g. trace_id)".to_owned());
    }
    let why = if let Some(found) = price_keys().find(|k| *k == key) {
        if DATE_KEYS.contains(&found) {
            "gives the day the job ran, which picks the rate, and".to_owned()
        } else {
            "sets the price and".to_owned()
        }
    } else if let Some(found) = price_keys().find(|k| k.eq_ignore_ascii_case(key)) {
        format!(
            "is the price key {found:?} in other case (JSON keys are case-sensitive, so rows with it are refused, not priced as {found:?}), and"
        )
    } else if let Some(found) = plausible_key(key, price_keys()) {
        format!("is a near miss of the price key {found:?}, and")
    } else if let Some(how) = date_like(key) {
        format!("looks like the day the job ran ({how}), which picks the rate, and")
    } else {
        return Ok(());
    };
    Err(format!(
        "{key:?} {why} cannot be ignored (keys that can: any but {} and names like them)",
        price_key_list()
    ))
}

/// The hint that offers `--ignore-key KEY`, when the flag would take `key`; `None` when it
/// would not, so no message suggests a flag that is then refused.
pub fn ignore_hint(key: &str) -> Option<String> {
    ignorable(key)
        .ok()
        .map(|()| format!("if it does not change the price, --ignore-key {key:?} leaves it out"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key that sets a price of any meter, or picks the rate, is refused, and no hint
    /// offers it.
    #[test]
    fn no_price_key_of_any_meter_can_be_ignored_or_is_offered() {
        for key in price_keys() {
            assert!(ignorable(key).is_err(), "{key}");
            assert_eq!(ignore_hint(key), None, "{key}");
            let upper = key.to_uppercase();
            assert!(ignorable(&upper).is_err(), "{upper}");
        }
        for key in ["timestamp", "created_at", "secnds", "max_token", "Usage"] {
            assert!(ignorable(key).is_err(), "{key}");
            assert_eq!(ignore_hint(key), None, "{key}");
        }
        for key in ["trace_id", "metadata", "user_note"] {
            assert_eq!(ignorable(key), Ok(()), "{key}");
            assert!(ignore_hint(key).is_some(), "{key}");
        }
    }
}
