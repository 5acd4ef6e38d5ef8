//! `tariff --schema` and the loader agree on every numeric field: generated tariffs, each
//! numeric value written in one of the forms people write (strings and TOML numbers,
//! exponents, signs, separators, blank space, fractions of whole numbers, other bases), are
//! accepted by both or refused by both. The loader is the binary's `validate`; the schema is
//! checked with a real JSON Schema validator on the tariff's JSON form.

use std::sync::OnceLock;

use proptest::prelude::*;

use crate::support::{BUILTIN, dis, edited, json, run, stdout_of, temp_file};

/// What a numeric field holds.
#[derive(Clone, Debug)]
enum Kind {
    /// A whole number from `min` to `max` (its range whatever the other fields say); `other`
    /// are values refused all the same (`per` must be a product of 2s and 5s).
    Whole {
        value: u64,
        min: u64,
        max: u64,
        other: &'static [&'static str],
    },
    /// A decimal above 0, as written in the shipped tariff.
    Positive(&'static str),
    /// A decimal of 0 or more.
    NonNegative(&'static str),
}

const U32: u64 = 4_294_967_295;

/// The shipped tariff's numeric fields: the text that holds each, the same with `{}` where the
/// value goes, and what it holds.
const FIELDS: [(&str, &str, Kind); 18] = [
    // Schema 1 is a format of its own, which this tariff's schema-2 keys are not.
    (
        "schema = 2",
        "schema = {}",
        Kind::Whole {
            value: 2,
            min: 0,
            max: 2,
            other: &["0", "1.5"],
        },
    ),
    ("decimals = 4 ", "decimals = {} ", whole(4, 0, 28)),
    (
        "rate = \"0.001206\"",
        "rate = {}",
        Kind::Positive("0.001206"),
    ),
    ("minimum = \"0\"", "minimum = {}", Kind::NonNegative("0")),
    (
        "{ min = 1, max = 50",
        "{ min = {}, max = 50",
        whole(1, 1, U32),
    ),
    ("max = 50, default", "max = {}, default", whole(50, 1, U32)),
    ("default = 10 }", "default = {} }", whole(10, 1, U32)),
    (
        "{ min = 1, max = 1024",
        "{ min = {}, max = 1024",
        whole(1, 1, U32),
    ),
    (
        "max = 1024, refused",
        "max = {}, refused",
        whole(1024, 1, U32),
    ),
    ("[[1000, 1023]]", "[[{}, 1023]]", whole(1000, 1, U32)),
    (
        "tolerance = \"0.0001\"",
        "tolerance = {}",
        Kind::NonNegative("0.0001"),
    ),
    (
        "{ steps = 10, prices",
        "{ steps = {}, prices",
        whole(10, 1, U32),
    ),
    (
        "prices = [\"0.0008\"",
        "prices = [{}",
        Kind::Positive("0.0008"),
    ),
    (
        "per = 1000000 ",
        "per = {} ",
        Kind::Whole {
            value: 1_000_000,
            min: 1,
            max: U32,
            other: &["3", "999999", "1000001", "1536000001"],
        },
    ),
    (
        "input_rate = \"0.10\"",
        "input_rate = {}",
        Kind::Positive("0.10"),
    ),
    (
        "output_rate = \"0.16\"",
        "output_rate = {}",
        Kind::Positive("0.16"),
    ),
    ("rate = \"0.0030\"", "rate = {}", Kind::Positive("0.0030")),
    (
        "minimum_seconds = \"1\"",
        "minimum_seconds = {}",
        Kind::NonNegative("1"),
    ),
];

const fn whole(value: u64, min: u64, max: u64) -> Kind {
    Kind::Whole {
        value,
        min,
        max,
        other: &[],
    }
}

/// TOML that writes `value` (a whole number) as the same number: an integer in any base or
/// with separators, or a number with no fraction.
fn whole_forms(value: u64) -> Vec<String> {
    let mut forms = vec![
        format!("{value}"),
        format!("{value}.0"),
        format!("{value}e0"),
        format!("{value}.000E+00"),
        format!("+{value}"),
        format!("0x{value:x}"),
        format!("0o{value:o}"),
    ];
    if value >= 10 {
        let text = value.to_string();
        forms.push(format!("{}_{}", &text[..1], &text[1..]));
        let zeros = text.len() - text.trim_end_matches('0').len();
        if zeros > 0 {
            let digits = text.trim_end_matches('0');
            forms.push(format!("{digits}e{zeros}"));
            forms.push(format!("{digits}.0E+{zeros}"));
        }
    }
    forms
}

/// TOML that writes `text` (a plain decimal) as the same number, as a string or a number.
fn decimal_forms(text: &str) -> Vec<String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = format!("{whole}{fraction}");
    let digits = match digits.trim_start_matches('0') {
        "" => "0",
        d => d,
    };
    let shifted = format!("{digits}e-{}", fraction.len());
    let mut forms = vec![
        format!("\"{text}\""),
        text.to_owned(),
        format!("\"{text}e0\""),
        format!("{text}E-00"),
        format!("\"{shifted}\""),
        shifted.clone(),
        format!("\"+{text}\""),
        format!("+{text}"),
    ];
    // TOML's digit separators, in a number.
    if let Some(at) = text
        .as_bytes()
        .windows(2)
        .rposition(|w| w[0].is_ascii_digit() && w[1].is_ascii_digit())
    {
        forms.push(format!("{}_{}", &text[..=at], &text[at + 1..]));
    }
    if fraction.is_empty() {
        forms.push(format!("0x{:x}", text.parse::<u64>().unwrap()));
    }
    forms
}

/// Values near the field's that are refused: the wrong type, a fraction, a sign, blank space,
/// separators in a string, out of range, not numbers.
fn refused_forms(kind: &Kind) -> Vec<String> {
    let mut forms: Vec<String> = [
        "true", "\"abc\"", "\".5\"", "\"1.\"", "\"0x1\"", "inf", "nan", "-inf", "[1]",
    ]
    .map(String::from)
    .to_vec();
    match kind {
        Kind::Whole {
            value,
            min,
            max,
            other,
        } => {
            forms.extend([
                format!("\"{value}\""),
                format!("-{value}"),
                format!("{value}.5"),
                format!("{value}.000001"),
                "4294967296".to_owned(),
                "4294967296.0".to_owned(),
                format!("{}", max + 1),
            ]);
            if *min > 0 {
                forms.extend([format!("{}", min - 1), "0.0".to_owned(), "-0".to_owned()]);
            }
            forms.extend(other.iter().map(|o| o.to_string()));
        }
        Kind::Positive(text) | Kind::NonNegative(text) => {
            let (w, f) = text.split_once('.').unwrap_or((text, ""));
            let separated = if f.len() >= 2 {
                format!("{w}.{}_{}", &f[..1], &f[1..])
            } else {
                format!("{w}_0")
            };
            forms.extend([
                format!("\" {text}\""),
                format!("\"{text} \""),
                format!("\"\t{text}\""),
                format!("\"{separated}\""),
                format!("\"{text}%\""),
                format!("\"${text}\""),
                format!("\"{text}e\""),
                format!("\"{text}e+\""),
            ]);
            // A minus sign on a zero is a zero, which a field of 0 or more takes.
            if text.trim_start_matches(['0', '.']).is_empty() {
                forms.extend(["\"-1\"".to_owned(), "-1".to_owned(), "-0.5".to_owned()]);
            } else {
                forms.extend([format!("\"-{text}\""), format!("-{text}")]);
            }
            if matches!(kind, Kind::Positive(_)) {
                forms.extend(
                    [
                        "\"0\"",
                        "0",
                        "0.0",
                        "\"-0\"",
                        "-0.0",
                        "\"0e5\"",
                        "0e0",
                        "\"0.000\"",
                    ]
                    .map(String::from),
                );
            }
        }
    }
    forms
}

/// Every form of a field's value that both should accept.
fn accepted_forms(kind: &Kind) -> Vec<String> {
    match kind {
        Kind::Whole { value, .. } => whole_forms(*value),
        Kind::Positive(text) => decimal_forms(text),
        Kind::NonNegative(text) => {
            let mut forms = decimal_forms(text);
            forms.extend(decimal_forms("0"));
            forms.extend(["\"-0\"", "-0.0", "\"0e5\"", "\"-0.000\""].map(String::from));
            forms
        }
    }
}

/// The shipped tariff with each field written in the form chosen for it.
fn tariff(forms: &[String]) -> String {
    let mut text = BUILTIN.to_owned();
    for ((from, to, _), form) in FIELDS.iter().zip(forms) {
        assert!(text.contains(from), "{from:?} is not in the tariff");
        text = text.replacen(from, &to.replace("{}", form), 1);
    }
    text
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(&stdout_of(&["tariff", "--schema"])).unwrap();
        jsonschema::validator_for(&schema).expect("a valid schema")
    })
}

/// Whether the schema accepts the tariff's JSON form; TOML that does not parse has none.
fn schema_accepts(text: &str) -> bool {
    match toml::from_str::<toml::Value>(text) {
        Ok(value) => validator().is_valid(&serde_json::to_value(value).unwrap()),
        Err(_) => false,
    }
}

/// Whether `validate` accepts the tariff (exit 0), or refuses it (exit 2).
fn loader_accepts(text: &str) -> bool {
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let (code, _, err) = run(dis().arg("validate").arg(&path));
    assert!(code == 0 || code == 2, "{code}: {err}");
    code == 0
}

/// One form for every field: an accepted one for each, and for one of them (`which`) any form,
/// accepted or refused.
fn forms() -> impl Strategy<Value = (Vec<String>, usize, bool)> {
    let accepted: Vec<_> = FIELDS
        .iter()
        .map(|(_, _, kind)| prop::sample::select(accepted_forms(kind)))
        .collect();
    (
        accepted,
        0..FIELDS.len(),
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut forms, which, refused, pick)| {
            let kind = &FIELDS[which].2;
            let choices = if refused {
                refused_forms(kind)
            } else {
                accepted_forms(kind)
            };
            forms[which] = pick.get(&choices).clone();
            (forms, which, refused)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_schema_and_the_loader_agree_on_numbers((forms, which, refused) in forms()) {
        let text = tariff(&forms);
        let (schema, loader) = (schema_accepts(&text), loader_accepts(&text));
        prop_assert_eq!(
            schema,
            loader,
            "{} = {}: the schema {} it, the loader {} it",
            FIELDS[which].0,
            forms[which],
            if schema { "accepts" } else { "refuses" },
            if loader { "accepts" } else { "refuses" }
        );
        prop_assert_eq!(loader, !refused, "{} = {}", FIELDS[which].0, forms[which]);
    }
}

/// The reports' cases, each on its own: what the loader read leniently and the schema refused,
/// and what the schema took that the loader refused.
#[test]
fn the_reported_disagreements_are_gone() {
    for (from, to, accepted) in [
        ("rate = \"0.001206\"", "rate = \" 0.001206\"", false),
        ("rate = \"0.001206\"", "rate = \"0.001_206\"", false),
        ("minimum = \"0\"", "minimum = \" 0\"", false),
        ("tolerance = \"0.0001\"", "tolerance = \" 0.0001\"", false),
        ("prices = [\"0.0008\"", "prices = [\"0.000_8\"", false),
        ("minimum_seconds = \"1\"", "minimum_seconds = \" 1\"", false),
        ("decimals = 4 ", "decimals = 4.0 ", true),
        ("schema = 2", "schema = 2.0", true),
        ("per = 1000000 ", "per = 1e6 ", true),
        ("rate = \"0.001206\"", "rate = 0.001_206", true),
        ("per = 1000000 ", "per = 3 ", false),
    ] {
        let text = BUILTIN.replacen(from, to, 1);
        assert_eq!(schema_accepts(&text), accepted, "schema: {to}");
        assert_eq!(loader_accepts(&text), accepted, "loader: {to}");
    }
    // A string with blank space or separators names the plain string to write.
    let text = BUILTIN.replacen("rate = \"0.001206\"", "rate = \"0.001_206\"", 1);
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let (_, _, err) = run(dis().arg("validate").arg(&path));
    assert!(
        err.contains(
            "the string \"0.001_206\" has digit separators; a decimal in a string is the number alone: write \"0.001206\""
        ),
        "{err}"
    );
}

/// The tariff as JSON, for the schema validator.
fn as_json(text: &str) -> serde_json::Value {
    serde_json::to_value(toml::from_str::<toml::Value>(text).unwrap()).unwrap()
}

#[test]
fn the_schema_accepts_the_shipped_tariff_and_rejects_what_the_loader_rejects() {
    let schema = json(&stdout_of(&["tariff", "--schema"]));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    assert!(
        validator.is_valid(&as_json(BUILTIN)),
        "{:?}",
        validator
            .iter_errors(&as_json(BUILTIN))
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(validator.is_valid(&as_json(&edited("rate = \"0.001206\"", "rate = 0.001206"))));
    // What the loader accepts, the schema accepts: leap days, positive prices in any form.
    for (from, to) in [
        ("as_of = \"2026-11-25\"", "as_of = \"2024-02-29\""),
        ("as_of = \"2026-11-25\"", "as_of = \"2000-02-29\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", 6e-3"),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", \"+0.0060\""),
        ("rate = \"0.001206\"", "rate = \"1206e-6\""),
    ] {
        let text = edited(from, to);
        assert!(
            validator.is_valid(&as_json(&text)),
            "the schema refused {to:?}"
        );
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        assert_eq!(
            run(dis().arg("--tariff").arg(&path).arg("validate")).0,
            0,
            "the loader refused {to:?}"
        );
    }
    for (from, to) in [
        ("rate = \"0.001206\"", "rat = \"0.001206\""),
        ("schema = 2", "schema = 2\nextra = true"),
        ("rate = \"0.001206\"", "rate = true"),
        ("decimals = 4", "decimals = \"4\""),
        ("rounding = \"half-up\"", "rounding = \"nearest\""),
        ("currency = \"USD\"", "currency = \"usd\""),
        (
            "steps = { min = 1, max = 50, default = 10 }",
            "steps = { min = 1, max = 50 }",
        ),
        ("unit = \"megapixel-step\"\n", ""),
        ("as_of = \"2026-11-25\"", "as_of = \"2026-02-29\""),
        ("as_of = \"2026-11-25\"", "as_of = \"2026-04-31\""),
        ("rate = \"0.001206\"", "rate = 0"),
        ("rate = \"0.001206\"", "rate = \"-0.001206\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", \"0.000\""),
        ("\"0.0016\", \"0.006\"", "\"0.0016\", -0.006"),
        (
            "sizes = [\"256x256\", \"512x512\", \"768x768\"]",
            "sizes = [\"256x256\", \"512x512\", \"512x512\"]",
        ),
        (
            "rows = [\n  { steps = 10, prices = [\"0.0008\", \"0.003\", \"0.0068\"] },\n  { steps = 20, prices = [\"0.0016\", \"0.006\", \"0.0136\"] },\n  { steps = 30, prices = [\"0.0023\", \"0.009\", \"0.0204\"] },\n]",
            "rows = []",
        ),
    ] {
        let text = edited(from, to);
        assert!(
            !validator.is_valid(&as_json(&text)),
            "the schema accepted {to:?}"
        );
        let (_d, path) = temp_file("t.toml", text.as_bytes());
        assert_eq!(
            run(dis().arg("--tariff").arg(&path).arg("validate")).0,
            2,
            "the loader accepted {to:?}"
        );
    }
}
