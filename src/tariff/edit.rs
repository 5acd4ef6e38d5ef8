//! Changing one value of a tariff file, keeping every other byte: comments, layout, line
//! endings (CRLF stays CRLF) and a leading byte order mark.

use rust_decimal::Decimal;
use toml_edit::{Document, Item, Value};

/// `text` with `models.<model_id>.rate` set to `rate`, written as the old rate was (a string
/// stays a string, a number a number); every byte outside the old value is kept as it was.
pub fn set_rate(text: &str, model_id: &str, rate: Decimal) -> Result<String, String> {
    // toml_edit writes a whole document back with "\n" line endings: only the value's own
    // bytes, found by its span, are replaced.
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", text),
    };
    let doc = Document::parse(body).map_err(|e| format!("it is not valid TOML: {e}"))?;
    let value = doc
        .get("models")
        .and_then(|models| models.get(model_id))
        .and_then(|model| model.get("rate"))
        .and_then(Item::as_value)
        .ok_or_else(|| format!("it has no models.{model_id}.rate value to rewrite"))?;
    let span = value
        .span()
        .ok_or_else(|| format!("cannot find where models.{model_id}.rate is written"))?;
    let literal = rate.normalize().to_string();
    let new = match value {
        Value::String(_) => Value::from(literal),
        _ => literal
            .parse::<Value>()
            .map_err(|e| format!("cannot write {literal} as a TOML number: {e}"))?,
    };
    Ok(format!(
        "{bom}{}{new}{}",
        &body[..span.start],
        &body[span.end..]
    ))
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
    fn line_endings_and_a_byte_order_mark_are_kept() {
        let crlf = BUILTIN.replace('\n', "\r\n");
        let text = format!(
            "\u{feff}{}",
            crlf.replace("rate = \"0.001206\"", "rate = \"0.0012\"")
        );
        let written = set_rate(&text, "flux-dev", Decimal::new(1206, 6)).unwrap();
        assert_eq!(written, format!("\u{feff}{crlf}"));
        // Mixed endings, a comment after the value, an inline table: only the value changes.
        let text = "# x\r\n[models]\nflux-dev = { rate = 0.5 } # old\r\n";
        let written = set_rate(text, "flux-dev", Decimal::new(25, 2)).unwrap();
        assert_eq!(
            written,
            "# x\r\n[models]\nflux-dev = { rate = 0.25 } # old\r\n"
        );
    }

    #[test]
    fn a_literal_string_becomes_a_basic_string() {
        let text = "[models.m]\r\nrate = '0.5'\r\n";
        let written = set_rate(text, "m", Decimal::new(25, 2)).unwrap();
        assert_eq!(written, "[models.m]\r\nrate = \"0.25\"\r\n");
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
