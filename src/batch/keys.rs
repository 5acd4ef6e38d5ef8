//! The key and column vocabulary of job files: the JSON keys and CSV columns that set a price
//! or pick the rate, their other names and near misses, names that look like a day, and which
//! JSON Lines keys may be left out of the price with `--ignore-key`: the one rule the flag's
//! check and every hint that suggests the flag follow, so a hint never names a key the flag
//! refuses, nor one whose leaving out would change a price.

/// Keys that make a JSON line (or CSV column names that make a file) a metered one.
pub const METERED_KEYS: [&str; 10] = [
    "messages",
    "audio",
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
/// `audio` names a WAV file whose length prices a speech row.
pub const METERED_COLUMNS: [&str; 4] = ["input_tokens", "output_tokens", "seconds", "audio"];

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
    Steps,
    Size,
    Count,
    Model,
    Width,
    Height,
    /// The day the job ran: an ISO date, an RFC 3339 time or a Unix timestamp.
    Date,
    /// One of [`METERED_COLUMNS`], by its index there.
    Metered(usize),
    Extra,
}

/// The columns a CSV header may name, as compared: see [`normal`].
pub(super) const PRICE_COLUMNS: [(&str, Column); 10] = [
    ("model", Column::Model),
    ("steps", Column::Steps),
    ("num_inference_steps", Column::Steps),
    ("size", Column::Size),
    ("width", Column::Width),
    ("height", Column::Height),
    ("count", Column::Count),
    ("n", Column::Count),
    ("date", Column::Date),
    ("created", Column::Date),
];

/// Whole names that mean a price column under another name (compared as [`normal`] writes
/// them): a column so named would otherwise be carried and its jobs priced at the defaults.
pub(super) const SYNONYMS: [(&str, &str); 22] = [
    ("w", "width"),
    ("h", "height"),
    ("images", "count"),
    ("qty", "count"),
    ("quantity", "count"),
    ("cnt", "count"),
    ("samples", "count"),
    ("num_samples", "count"),
    ("batch_size", "count"),
    ("resolution", "size"),
    ("dimensions", "size"),
    ("dims", "size"),
    ("iterations", "steps"),
    ("model_id", "model"),
    ("day", "date"),
    ("dates", "date"),
    ("timestamp", "date"),
    ("time", "date"),
    ("datetime", "date"),
    ("created_at", "date"),
    ("created_on", "date"),
    ("billed_at", "date"),
];

/// Words that, inside a longer name (`image_size`, `num_steps`, `size (px)`), say the column
/// sets a price column.
pub(super) const PRICE_WORDS: [(&str, &str); 16] = [
    ("step", "steps"),
    ("steps", "steps"),
    ("size", "size"),
    ("sizes", "size"),
    ("width", "width"),
    ("widths", "width"),
    ("height", "height"),
    ("heights", "height"),
    ("count", "count"),
    ("counts", "count"),
    ("model", "model"),
    ("models", "model"),
    ("images", "count"),
    ("date", "date"),
    ("dates", "date"),
    ("timestamp", "date"),
];

/// A header name as compared with the price columns: trimmed, lower case, with `-` and spaces
/// written as `_` (so `Num Inference Steps` and `num-inference-steps` are `num_inference_steps`).
pub(super) fn normal(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '-' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Which of [`METERED_COLUMNS`] a header name is, compared as `normal`
/// writes it (`Input Tokens` is `input_tokens`).
pub fn metered_column(name: &str) -> Option<usize> {
    let name = normal(name);
    METERED_COLUMNS.iter().position(|c| *c == name)
}

/// Other names of the metered columns, refused rather than carried.
pub(super) const METERED_SYNONYMS: [(&str, &str); 6] = [
    ("prompt_tokens", "input_tokens"),
    ("completion_tokens", "output_tokens"),
    ("tokens_in", "input_tokens"),
    ("tokens_out", "output_tokens"),
    ("secs", "seconds"),
    ("duration_seconds", "seconds"),
];

/// The metered column a header name seems to mean without naming it: within two edits of
/// `input_tokens` or `output_tokens`, one of `seconds`, or another name for one; `None` when
/// the header names that column outright.
pub(super) fn metered_near_miss(normal_name: &str, header: &[String]) -> Option<&'static str> {
    let named = |c: &str| header.iter().any(|h| normal(h) == c);
    let nearest = METERED_COLUMNS
        .iter()
        .map(|&c| (strsim::osa_distance(normal_name, c), c))
        .filter(|&(edits, c)| edits > 0 && edits <= if c.len() > 8 { 2 } else { 1 })
        .min()
        .map(|(_, c)| c)
        .or_else(|| {
            METERED_SYNONYMS
                .iter()
                .find(|(other, _)| *other == normal_name)
                .map(|&(_, c)| c)
        })?;
    (!named(nearest)).then_some(nearest)
}

/// The price column a header name seems to mean without naming it, if any.
///
/// The rule, on names compared as [`normal`] writes them: a name is a near-miss of a price
/// column when it is
/// - within one edit of `model`, `steps`, `size`, `width`, `height` or `count`, or within three
///   of `num_inference_steps` (an edit adds, drops or changes a letter, or swaps two neighbours:
///   `stesp`, `Step`, `sizes`, `widht`, `modle`, `cout`, `num_inference_step`); `n` is too
///   short for any edit to be a slip rather than another name, so only `n` itself is `n`;
/// - a known other name for one (`w`, `h`, `images`, `qty`, `resolution`, `iterations`, ... in
///   [`SYNONYMS`]);
/// - or a longer name with one of the words `step(s)`, `size(s)`, `width(s)`, `height(s)`,
///   `count(s)`, `model(s)` or `images` in it (`image_size`, `num_steps`, `size (px)`).
///
/// Only price columns the header does not name (`named`) are looked for: beside a `size`
/// column, `site` is another column, not a slip for `size`; without one it is refused.
/// Such a name is refused rather than carried, since carrying it would price every job at the
/// model's defaults. Names such as `id`, `note`, `prompt`, `seed`, `user` or `x` are carried.
/// Returns the column and how the name comes near it, for the message.
pub(super) fn near_miss(
    name: &str,
    normal: &str,
    named: &[Column],
) -> Option<(&'static str, String)> {
    let missing = |name: &str| {
        PRICE_COLUMNS
            .iter()
            .any(|(p, column)| *p == name && !named.contains(column))
    };
    let nearest = PRICE_COLUMNS
        .iter()
        // `date` is one edit from `data` and `rate`, columns of their own: its other names
        // and its word are looked for instead.
        .filter(|(name, column)| name.len() > 1 && *column != Column::Date && missing(name))
        .map(|&(name, _)| (strsim::osa_distance(normal, name), name))
        .filter(|&(edits, name)| edits <= if name.len() > 8 { 3 } else { 1 })
        .min();
    if let Some((edits, name)) = nearest {
        let plural = if edits == 1 { "" } else { "s" };
        return Some((name, format!("{edits} edit{plural} away")));
    }
    if let Some(&(_, name)) = SYNONYMS
        .iter()
        .find(|(other, name)| *other == normal && missing(name))
    {
        return Some((name, "another name for it".into()));
    }
    normal
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|word| {
            PRICE_WORDS
                .iter()
                .find(|(w, name)| *w == word && missing(name))
        })
        .map(|&(word, name)| (name, format!("it has the word {word:?} in it")))
        .or_else(|| {
            if missing("date") {
                date_like(name).map(|how| ("date", how))
            } else {
                None
            }
        })
}

/// Words that, as a word of a longer name, say it holds the day a job ran.
pub(super) const DATE_WORDS: [&str; 14] = [
    "date",
    "dates",
    "day",
    "time",
    "timestamp",
    "datetime",
    "ts",
    "created",
    "creation",
    "issued",
    "submitted",
    "requested",
    "billed",
    "when",
];

/// Words beside `time` that make it a duration or a zone rather than a moment (`time_ms`,
/// `gpu_time`, `elapsed_time`, `time_zone`).
pub(super) const NOT_A_MOMENT: [&str; 20] = [
    "ms", "s", "sec", "secs", "second", "seconds", "millis", "msec", "us", "ns", "min", "mins",
    "minutes", "elapsed", "duration", "gpu", "cpu", "wall", "run", "zone",
];

/// The words of a name: split at anything not a letter or digit and where a lower-case letter
/// or digit meets an upper-case one (`createdAt` is `created`, `at`), in lower case.
pub(super) fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_numeric();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// How a CSV column or JSON key name looks like the day a job ran, if it does: the day picks
/// the rate, so such a name is never carried or ignored, which would price its jobs on
/// another day.
///
/// The rule, on the name's words (`words`: `created_utc`, `createdAt`, `Created-Time` all
/// start with `created`): a name is date-like when one of its words is `date`, `dates`, `day`,
/// `time`, `timestamp`, `datetime`, `ts`, `created`, `creation`, `issued`, `submitted`,
/// `requested`, `billed` or `when`, or when it has two words or more and the last is `at` or
/// `on` (`updated_at`, `paidOn`). `time` beside a unit or a duration word (`time_ms`,
/// `gpu_time`, `elapsed_time`, `time_zone`: `NOT_A_MOMENT`) is not a moment. Whole words
/// only: `runtime`, `uptime`, `timeout`, `daytime`, `update`, `candidate` are other names.
pub fn date_like(name: &str) -> Option<String> {
    let words = words(name);
    let duration = words.iter().any(|w| NOT_A_MOMENT.contains(&w.as_str()));
    if let Some(word) = words
        .iter()
        .find(|w| DATE_WORDS.contains(&w.as_str()) && !(w.as_str() == "time" && duration))
    {
        return Some(format!("it has the word {word:?} in it"));
    }
    match words.as_slice() {
        [_, .., last] if last == "at" || last == "on" => Some(format!(
            "it ends in the word {last:?}, as names of a moment do"
        )),
        _ => None,
    }
}

/// The price columns' names, for messages.
pub(super) fn price_column_list() -> String {
    PRICE_COLUMNS.map(|(name, _)| name).join(", ")
}

/// Keys of the API's request bodies that do not affect the price: Distribute's own (`prompt`,
/// `seed`, `guidance_scale`, `style`, `response_format`) and the rest of the OpenAI-compatible
/// image request, which Distribute prices per megapixel-step whatever they say. Not here:
/// `partial_images` (streamed partial images may be billed: only 0 passes, see
/// `ignored_key`) and anything else, which stays an error so a typo cannot hide a price key.
pub const IGNORED_KEYS: [&str; 13] = [
    "prompt",
    "seed",
    "guidance_scale",
    "style",
    "response_format",
    "user",
    "quality",
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "stream",
    "safety_identifier",
];

/// The known key `key` may be a misspelling of: one within a third of its length in edits
/// (a swap of two letters is one), so `stpes` finds `steps` and `user` finds nothing.
pub fn plausible_key<'k>(key: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(k, key), k))
        .filter(|&(d, k)| d > 0 && d * 3 <= k.chars().count().max(key.chars().count()))
        .min()
        .map(|(_, k)| k)
}

/// Keys of a JSON Lines job that set the price.
pub const PRICE_KEYS: [&str; 8] = [
    "model",
    "steps",
    "num_inference_steps",
    "size",
    "width",
    "height",
    "n",
    "count",
];
/// Keys giving the day a job ran, which picks its dated rate: `created` as the API returns it.
pub const DATE_KEYS: [&str; 2] = ["created", "date"];

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

    #[test]
    fn only_plausible_near_misses_are_suggested() {
        let known = || PRICE_KEYS.iter().chain(&IGNORED_KEYS).copied();
        for (typo, meant) in [
            ("stpes", "steps"),
            ("Steps", "steps"),
            ("sise", "size"),
            ("heigth", "height"),
            ("usr", "user"),
            ("num_inference_step", "num_inference_steps"),
        ] {
            assert_eq!(plausible_key(typo, known()), Some(meant), "{typo}");
        }
        for far in [
            "x",
            "m",
            "id",
            "note",
            "trace_id",
            "negative_prompt",
            "steps_total",
        ] {
            assert_eq!(plausible_key(far, known()), None, "{far}");
        }
        // A known key is no near miss of itself.
        assert_eq!(plausible_key("steps", ["steps"]), None);
    }
}
