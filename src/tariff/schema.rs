//! A JSON Schema of the tariff format, so editors (taplo / Even Better TOML) can complete and
//! check tariffs as they are typed. The loader stays the authority: the schema covers keys and
//! types, not rules between values (min above max, a default outside its limits).

use serde_json::{Value, json};

/// The schema, draft 2020-12.
pub fn json_schema() -> Value {
    let decimal = |description: &str| {
        json!({
            "description": description,
            "anyOf": [
                { "type": "string", "pattern": "^[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$" },
                { "type": "number" }
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
    let whole = |description: &str, minimum: u32| json!({ "description": description, "type": "integer", "minimum": minimum, "maximum": u32::MAX });
    let model = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "unit", "unit_size", "rate", "steps", "side", "default_size"],
        "properties": {
            "name": { "description": "Display name.", "type": "string", "minLength": 1 },
            "aliases": {
                "description": "Other names, matched in any case.",
                "type": "array",
                "items": { "type": "string", "minLength": 1 }
            },
            "unit": { "description": "The billing unit's name, for output.", "type": "string", "minLength": 1 },
            "unit_size": size("One unit is one step on an image of this size; its pixels must be 2^a x 5^b."),
            "rate": decimal("Currency per unit, above 0: a string or a number, both exact."),
            "minimum": decimal("Least charge per image, 0 or more (default 0)."),
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
                        "description": "Ranges [FROM, TO] within min to max that the API refuses nonetheless.",
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
                    "tolerance": decimal("How far a shown price may be from a published one."),
                    "sizes": { "type": "array", "minItems": 1, "items": size("A published column.") },
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["steps", "prices"],
                            "properties": {
                                "steps": whole("Steps of the row.", 1),
                                "prices": { "type": "array", "items": decimal("One price per published size.") }
                            }
                        }
                    }
                }
            }
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dis-price tariff, schema 1",
        "description": "A price list for AI image generation, read by dis-price.",
        "type": "object",
        "additionalProperties": false,
        "required": ["schema", "provider", "currency", "source", "as_of", "default_model", "display", "models"],
        "properties": {
            "schema": { "description": "Format version; this is schema 1.", "const": 1 },
            "provider": { "description": "Who sells at these prices.", "type": "string", "minLength": 1 },
            "currency": { "description": "ISO 4217 code, shown in output.", "type": "string", "pattern": "^[A-Z]{3}$" },
            "source": { "description": "Where the prices were read.", "type": "string", "minLength": 1 },
            "as_of": { "description": "The day the prices were read, YYYY-MM-DD.", "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
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
                "additionalProperties": { "$ref": "#/$defs/model" }
            }
        },
        "$defs": {
            "model": model
        }
    })
}
