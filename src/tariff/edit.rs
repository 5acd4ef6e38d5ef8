//! Changing one value of a tariff file, keeping every comment and all layout.

use rust_decimal::Decimal;
use toml_edit::{DocumentMut, Value};

/// `text` with `models.<model_id>.rate` set to `rate`, written as the old rate was (a string
/// stays a string, a number a number); nothing else changes.
pub fn set_rate(text: &str, model_id: &str, rate: Decimal) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("it is not valid TOML: {e}"))?;
    let value = doc
        .get_mut("models")
        .and_then(|models| models.get_mut(model_id))
        .and_then(|model| model.get_mut("rate"))
        .and_then(|rate| rate.as_value_mut())
        .ok_or_else(|| format!("it has no models.{model_id}.rate value to rewrite"))?;
    let literal = rate.normalize().to_string();
    let mut new = match value {
        Value::String(_) => Value::from(literal),
        _ => literal
            .parse::<Value>()
            .map_err(|e| format!("cannot write {literal} as a TOML number: {e}"))?,
    };
    *new.decor_mut() = value.decor().clone();
    *value = new;
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::BUILTIN;

    #[test]
    fn only_the_rate_changes() {
        let text = BUILTIN.replace("rate = \"0.001206\"", "rate = \"0.0012\"");
        let written = set_rate(&text, "flux-dev", Decimal::new(1206, 6)).unwrap();
        assert_eq!(written, BUILTIN);
    }

    #[test]
    fn a_number_stays_a_number() {
        let text = BUILTIN.replace("rate = \"0.001206\"", "rate = 0.0012");
        let written = set_rate(&text, "flux-dev", Decimal::new(1206, 6)).unwrap();
        assert_eq!(
            written,
            BUILTIN.replace("rate = \"0.001206\"", "rate = 0.001206")
        );
    }

    #[test]
    fn a_missing_model_is_an_error() {
        assert!(
            set_rate(BUILTIN, "nope", Decimal::ONE)
                .unwrap_err()
                .contains("models.nope.rate")
        );
    }
}
