//! A JSON Schema of the tariff format, so editors (taplo / Even Better TOML) can complete and
//! check tariffs as they are typed. The loader stays the authority: the schema covers keys,
//! types, calendar dates, positive prices and repeated values it can see, not rules between
//! values (min above max, a default outside its limits, refused ranges that overlap) nor the
//! 28 digits a decimal holds.
//!
//! On each value alone the two agree (a property test holds them to it): a decimal in a string
//! is the number alone, and a whole number may be written `4.0` or `1e6`, since JSON Schema's
//! integer is any number without a fraction and the schema cannot refuse one.

use serde_json::{Value, json};

/// A calendar day `YYYY-MM-DD`: months of 31, 30 and 28 days, and February 29 in leap years
/// (divisible by 4, centuries only when divisible by 400).
const DATE: &str = concat!(
    "^(",
    "[0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
    "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
    "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29",
    ")$"
);

/// Every product of 2s and 5s from 1 to u32::MAX, smallest first: the values `per` may take,
/// so that a price per token is an exact decimal.
fn products_of_twos_and_fives() -> Vec<u32> {
    let mut products: Vec<u32> = std::iter::successors(Some(1u32), |p| p.checked_mul(5))
        .flat_map(|five| std::iter::successors(Some(five), |p| p.checked_mul(2)))
        .collect();
    products.sort_unstable();
    products
}

/// The schema, draft 2020-12.
pub fn json_schema() -> Value {
    // A decimal of 0 or more: no minus sign but on a zero. A string holds the number alone (no
    // blank space, no digit separators), as the loader reads it.
    let non_negative = |description: &str| {
        json!({
            "description": description,
            "anyOf": [
                { "type": "string", "pattern": "^(\\+?[0-9]+(\\.[0-9]+)?|-0+(\\.0+)?)([eE][+-]?[0-9]+)?$" },
                { "type": "number", "minimum": 0 }
            ]
        })
    };
    let size = |description: &str| {
        json!({
            "description": description,
            "type": "string",
            "pattern": "^\\s*[0-9]+\\s*([xX×]\\s*[0-9]+\\s*)?$"
        })
    };
    // A positive decimal: no minus sign, and a digit other than 0 before any exponent.
    let positive = |description: &str| {
        json!({
            "description": description,
            "anyOf": [
                { "type": "string", "pattern": "^\\+?([0-9]*[1-9][0-9]*(\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)([eE][+-]?[0-9]+)?$" },
                { "type": "number", "exclusiveMinimum": 0 }
            ]
        })
    };
    let whole = |description: &str, minimum: u32| json!({ "description": description, "type": "integer", "minimum": minimum, "maximum": u32::MAX });
    let source = json!({ "description": "The page this model's prices were read from (schema 2).", "type": "string", "minLength": 1 });
    let model_as_of = json!({ "description": "The day this model's prices were read, YYYY-MM-DD (schema 2).", "type": "string", "pattern": DATE });
    let name = json!({ "description": "Display name.", "type": "string", "minLength": 1 });
    let aliases = json!({
        "description": "Other names, matched in any case.",
        "type": "array",
        "items": { "type": "string", "minLength": 1 }
    });
    // Dated rates: `{ from, <the meter's rate keys> }` each, all keys required.
    let dated_rates = |description: &str, keys: Value| {
        let mut required = vec![json!("from")];
        let mut properties = json!({ "from": { "description": "The first day these rates are in force, YYYY-MM-DD.", "type": "string", "pattern": DATE } });
        if let (Value::Object(keys), Value::Object(properties)) = (keys, &mut properties) {
            required.extend(keys.keys().map(|k| json!(k)));
            properties.extend(keys);
        }
        json!({
            "description": description,
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": required,
                "properties": properties
            }
        })
    };
    let token_model = json!({
        "description": "A chat model, billed per token (schema 2).",
        "type": "object",
        "additionalProperties": false,
        "required": ["meter", "name", "per"],
        "oneOf": [
            { "required": ["input_rate", "output_rate"], "not": { "required": ["rates"] } },
            { "required": ["rates"], "not": { "anyOf": [{ "required": ["input_rate"] }, { "required": ["output_rate"] }] } }
        ],
        "properties": {
            "meter": { "const": "token" },
            "name": name,
            "aliases": aliases,
            "source": source,
            "as_of": model_as_of,
            "per": { "description": "How many tokens each rate is for (e.g. 1000000); a product of 2s and 5s.", "type": "integer", "enum": products_of_twos_and_fives() },
            "input_rate": positive("Currency per `per` input (prompt) tokens, above 0. Give input_rate and output_rate, or rates."),
            "output_rate": positive("Currency per `per` output (completion) tokens, above 0."),
            "default_max_completion_tokens": whole("Completion tokens per choice the API allows a request that sets neither max_completion_tokens nor max_tokens (its default cap), 1 or more; without it such a request needs --max-output-tokens.", 1),
            "rates": dated_rates(
                "Instead of input_rate and output_rate: their changes, each in force from its day (UTC) until the next one's; oldest first, no two on one day. A day before the first has no price.",
                json!({
                    "input_rate": positive("Currency per `per` input tokens from that day, above 0."),
                    "output_rate": positive("Currency per `per` output tokens from that day, above 0.")
                }),
            )
        }
    });
    let second_model = json!({
        "description": "A speech model, billed per second of generated audio (schema 2).",
        "type": "object",
        "additionalProperties": false,
        "required": ["meter", "name"],
        "oneOf": [
            { "required": ["rate"], "not": { "required": ["rates"] } },
            { "required": ["rates"], "not": { "required": ["rate"] } }
        ],
        "properties": {
            "meter": { "const": "second" },
            "name": name,
            "aliases": aliases,
            "source": source,
            "as_of": model_as_of,
            "rate": positive("Currency per second of audio, above 0. Give rate or rates."),
            "rates": dated_rates(
                "Instead of rate: its changes, each in force from its day (UTC) until the next one's; oldest first, no two on one day. A day before the first has no price.",
                json!({ "rate": positive("Currency per second of audio from that day, above 0.") }),
            ),
            "minimum_seconds": non_negative("Seconds charged at least per request, 0 or more (default 0)."),
            "input_chars": {
                "description": "The length of a request's input text, in characters, the API accepts; a batch refuses a speech request outside it unless --allow-out-of-range.",
                "type": "object",
                "additionalProperties": false,
                "required": ["min", "max"],
                "properties": {
                    "min": whole("Fewest characters.", 0),
                    "max": whole("Most characters.", 1)
                }
            }
        }
    });
    let model = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "unit", "unit_size", "steps", "side", "default_size"],
        "oneOf": [
            { "required": ["rate"], "not": { "required": ["rates"] } },
            { "required": ["rates"], "not": { "required": ["rate"] } }
        ],
        "properties": {
            "meter": { "description": "What the model bills by (schema 2): megapixel-step, the default.", "const": "megapixel-step" },
            "source": source.clone(),
            "as_of": model_as_of.clone(),
            "name": { "description": "Display name.", "type": "string", "minLength": 1 },
            "aliases": {
                "description": "Other names, matched in any case.",
                "type": "array",
                "items": { "type": "string", "minLength": 1 }
            },
            "unit": { "description": "The billing unit's name, for output.", "type": "string", "minLength": 1 },
            "unit_size": size("One unit is one step on an image of this size; its pixels must be 2^a x 5^b."),
            "rate": positive("Currency per unit, above 0: a string or a number, both exact. Give rate or rates."),
            "rates": dated_rates(
                "Instead of rate: the rate's changes, each in force from its day (UTC) until the next one's; oldest first, no two on one day. A day before the first has no price.",
                json!({ "rate": positive("Currency per unit from that day, above 0.") }),
            ),
            "minimum": non_negative("Least charge per image, 0 or more (default 0)."),
            "steps": {
                "description": "Accepted steps and the default.",
                "type": "object",
                "additionalProperties": false,
                "required": ["min", "max", "default"],
                "properties": {
                    "min": whole("Fewest steps.", 1),
                    "max": whole("Most steps.", 1),
                    "default": whole("Steps when none are given.", 1)
                }
            },
            "side": {
                "description": "Accepted width and height.",
                "type": "object",
                "additionalProperties": false,
                "required": ["min", "max"],
                "properties": {
                    "min": whole("Smallest side.", 1),
                    "max": whole("Largest side.", 1),
                    "refused": {
                        "description": "Ranges [FROM, TO] within min to max that the API refuses nonetheless; upward, apart (not overlapping or touching), leaving some side accepted.",
                        "type": "array",
                        "items": { "type": "array", "minItems": 2, "maxItems": 2, "items": whole("A side.", 1) }
                    }
                }
            },
            "default_size": size("Size used when none is given."),
            "published": {
                "description": "The grid as the provider publishes it.",
                "type": "object",
                "additionalProperties": false,
                "required": ["tolerance", "sizes", "rows"],
                "properties": {
                    "tolerance": non_negative("How far a shown price may be from a published one."),
                    "sizes": { "description": "The columns, each size once.", "type": "array", "minItems": 1, "uniqueItems": true, "items": size("A published column.") },
                    "rows": {
                        "description": "The rows, each steps value once.",
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["steps", "prices"],
                            "properties": {
                                "steps": whole("Steps of the row.", 1),
                                "prices": { "type": "array", "items": positive("One price per published size, above 0.") }
                            }
                        }
                    }
                }
            }
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dis-price tariff, schema 2",
        "description": "A price list for AI image generation, chat tokens and speech seconds, read by dis-price (schema 1 tariffs, images only, still load).",
        "type": "object",
        "additionalProperties": false,
        "required": ["schema", "provider", "currency", "source", "as_of", "default_model", "display", "models"],
        "properties": {
            "schema": { "description": "Format version: 2, or 1 for a tariff of image models without meter, source or as_of per model.", "enum": [1, 2] },
            "provider": { "description": "Who sells at these prices.", "type": "string", "minLength": 1 },
            "currency": { "description": "ISO 4217 code, shown in output.", "type": "string", "pattern": "^[A-Z]{3}$" },
            "source": { "description": "Where the prices were read.", "type": "string", "minLength": 1 },
            "as_of": { "description": "The day the prices were read, YYYY-MM-DD, a day of the calendar.", "type": "string", "pattern": DATE },
            "default_model": { "description": "The model used when none is named; one of [models].", "type": "string" },
            "display": {
                "description": "How amounts are shown.",
                "type": "object",
                "additionalProperties": false,
                "required": ["decimals", "rounding"],
                "properties": {
                    "decimals": { "description": "Places shown.", "type": "integer", "minimum": 0, "maximum": 28 },
                    "rounding": {
                        "description": "half-up | half-even | up (away from zero) | down (toward zero).",
                        "enum": ["half-up", "half-even", "up", "down"]
                    }
                }
            },
            "models": {
                "description": "The models, by id.",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "oneOf": [
                        { "$ref": "#/$defs/model" },
                        { "$ref": "#/$defs/token_model" },
                        { "$ref": "#/$defs/second_model" }
                    ]
                }
            }
        },
        "$defs": {
            "model": model,
            "token_model": token_model,
            "second_model": second_model
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema's date pattern and the loader agree on every day of years around the leap
    /// rules (centuries, the 400-year rule, the ends of the range), for every month and day
    /// number from 00 to 32.
    #[test]
    fn the_date_pattern_is_the_loaders_calendar() {
        let pattern = jsonschema::validator_for(&json!({ "type": "string", "pattern": DATE }))
            .expect("a valid pattern");
        let mut leap_days = 0;
        for year in [
            0, 1, 4, 100, 400, 1899, 1900, 1904, 1996, 2000, 2023, 2024, 2026, 2028, 2100, 2400,
            9996, 9999,
        ] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    let loader = super::super::check_date(&text).is_ok();
                    assert_eq!(pattern.is_valid(&json!(text)), loader, "{text}");
                    leap_days += usize::from(loader && month == 2 && day == 29);
                }
            }
        }
        // 0000, 0004, 0400, 1904, 1996, 2000, 2024, 2028, 2400, 9996.
        assert_eq!(leap_days, 10);
        for text in [
            "2026-11-25 ",
            "2026-1-25",
            "20261125",
            "2026/11/25",
            "+2026-11-25",
            "２026-11-25",
        ] {
            assert!(!pattern.is_valid(&json!(text)), "{text}");
            assert!(super::super::check_date(text).is_err(), "{text}");
        }
    }
}
