//! Reading the rates of token and second models, and dated rate changes.

use super::*;

/// The keys of a `token` or `second` model; an image key there is named as such. Returns the
/// meter with its rates in force (the newest, for dated rates) and the dated rates, oldest
/// first (empty for one undated set of rates).
pub(super) fn read_other_meter(
    r: &mut Reader,
    t: &mut Table<'_, '_>,
    id: &str,
    meter: &str,
) -> Option<(Metering, Vec<RateChange>)> {
    let takes = if meter == "token" {
        "per, and input_rate and output_rate or dated rates"
    } else {
        "rate or dated rates, and minimum_seconds"
    };
    for key in IMAGE_KEYS {
        if key == "rates" || (meter == "second" && key == "rate") {
            continue;
        }
        if let Some((v, path)) = r.optional(t, key) {
            r.problem(
                v.span(),
                &path,
                format!(
                    "`{key}` is not a key of {meter} models (it belongs to megapixel-step models); a {meter} model takes: {takes} (with name, aliases, source, as_of)"
                ),
            );
        }
    }
    for key in IMAGE_KEYS {
        if key != "rates" {
            t.forget_absent(key);
        }
    }
    // One undated set of rates, or dated `rates`: exactly one of the two.
    let one_or_dated = |r: &mut Reader,
                        t: &Table<'_, '_>,
                        undated: Option<Option<Metering>>,
                        dated: Option<Option<Vec<RateChange>>>,
                        keys: &str,
                        example: &str|
     -> Option<(Metering, Vec<RateChange>)> {
        match (undated, dated) {
            (Some(one), None) => one.map(|m| (m, Vec::new())),
            (None, Some(rates)) => rates.and_then(|rates| Some((rates.last()?.metering, rates))),
            (Some(_), Some(_)) => {
                r.problem(
                    t.span.clone(),
                    &t.path,
                    format!(
                        "model {id:?} has both {keys} and `rates`; give one: {keys} for one price, or `rates` for dated prices (put the old rates in `rates` with the day they took effect)"
                    ),
                );
                None
            }
            (None, None) => {
                r.problem(
                    t.span.clone(),
                    &t.path,
                    format!(
                        "model {id:?} has no rate: give {example}, or `rates = [{{ from = \"2026-12-01\", {example} }}]` for rates that change on given days"
                    ),
                );
                None
            }
        }
    };
    if meter == "token" {
        let per = r.required(t, "per").and_then(|(v, path)| {
            let per = r.whole(field!(v, path), 1)?;
            if exact_unit(u64::from(per)) {
                Some(per)
            } else {
                r.problem(
                    v.span(),
                    &path,
                    format!(
                        "per {per} is not a product of 2s and 5s, so prices per token would not be exact decimals (use e.g. 1000000 or 1000)"
                    ),
                );
                None
            }
        });
        let input = r
            .optional(t, "input_rate")
            .map(|(v, path)| positive_rate(r, field!(v, path)));
        let output = r
            .optional(t, "output_rate")
            .map(|(v, path)| positive_rate(r, field!(v, path)));
        let rates = r.optional(t, "rates").map(|(v, path)| {
            read_rates(
                r,
                field!(v, path),
                "input_rate = \"...\", output_rate = \"...\"",
                |r, entry| {
                    let input = r
                        .required(entry, "input_rate")
                        .and_then(|(v, p)| positive_rate(r, field!(v, p)));
                    let output = r
                        .required(entry, "output_rate")
                        .and_then(|(v, p)| positive_rate(r, field!(v, p)));
                    let (input, output) = (input?, output?);
                    Some((
                        input,
                        Metering::Token(TokenRates {
                            per: per?,
                            input,
                            output,
                        }),
                    ))
                },
            )
        });
        let undated = match (input, output, &rates) {
            (None, None, Some(_)) => None,
            (input, output, _) => {
                // One of the two without the other, and no `rates`: name what is missing.
                for (key, got) in [("input_rate", &input), ("output_rate", &output)] {
                    if got.is_none() && rates.is_none() && (input.is_some() || output.is_some()) {
                        r.problem(
                            t.span.clone(),
                            &t.child(key),
                            format!("missing required key `{key}` in [{}]", t.path),
                        );
                    }
                }
                if input.is_none() && output.is_none() {
                    None
                } else {
                    Some((|| {
                        Some(Metering::Token(TokenRates {
                            per: per?,
                            input: input??,
                            output: output??,
                        }))
                    })())
                }
            }
        };
        return one_or_dated(
            r,
            t,
            undated,
            rates,
            "`input_rate` and `output_rate`",
            "input_rate = \"0.10\", output_rate = \"0.16\"",
        );
    }
    let minimum_seconds = match r.optional(t, "minimum_seconds") {
        None => Some(Decimal::ZERO),
        Some((v, path)) => r.decimal(field!(v, path)).and_then(|m| {
            if m.is_sign_negative() && !m.is_zero() {
                r.problem(
                    v.span(),
                    &path,
                    format!("minimum_seconds must be 0 or more, got {m}"),
                );
                None
            } else {
                Some(m.abs().normalize())
            }
        }),
    };
    let second = |rate: Decimal| {
        Some(Metering::Second(SecondRates {
            rate,
            minimum_seconds: minimum_seconds?,
        }))
    };
    let undated = r
        .optional(t, "rate")
        .map(|(v, path)| positive_rate(r, field!(v, path)).and_then(second));
    let rates = r.optional(t, "rates").map(|(v, path)| {
        read_rates(r, field!(v, path), "rate = \"...\"", |r, entry| {
            let rate = r
                .required(entry, "rate")
                .and_then(|(v, p)| positive_rate(r, field!(v, p)))?;
            Some((rate, second(rate)?))
        })
    });
    one_or_dated(r, t, undated, rates, "`rate`", "rate = \"0.0030\"")
}

/// A token or second model: its image fields hold placeholders that no image path prices,
/// since every such path asks [`Model::is_image`] first. `metering` is the newest of `rates`
/// when there are dated rates, until [`Model::on`] picks the one in force.
pub(super) fn placeholder_model(
    id: &str,
    name: String,
    aliases: Vec<String>,
    (metering, rates): (Metering, Vec<RateChange>),
    source: Option<String>,
    as_of: Option<String>,
    default_max_completion_tokens: Option<u32>,
) -> Model {
    let rate = meter_rate(metering);
    Model {
        id: id.to_owned(),
        metering,
        source,
        as_of,
        name,
        aliases,
        unit: metering.name().to_owned(),
        unit_size: Size::new(1, 1),
        rate,
        rate_from: rates.last().map(|c| c.from),
        rates,
        not_until: None,
        minimum: Decimal::ZERO,
        steps: StepLimits {
            min: 1,
            max: 1,
            default: 1,
        },
        side: SideLimits {
            min: 1,
            max: 1,
            refused: Vec::new(),
        },
        default_size: Size::new(1, 1),
        published: None,
        default_max_completion_tokens,
        input_chars: None,
    }
}

/// The rate a token or second model keeps in [`Model::rate`]: the input rate, or the rate
/// per second.
pub(super) fn meter_rate(metering: Metering) -> Decimal {
    match metering {
        Metering::Token(t) => t.input,
        Metering::Second(s) => s.rate,
        Metering::MegapixelStep => Decimal::ONE,
    }
}

/// A rate above zero.
pub(super) fn positive_rate(r: &mut Reader, field: Field<'_, '_>) -> Option<Decimal> {
    let rate = r.decimal(field)?;
    if rate > Decimal::ZERO {
        Some(rate)
    } else {
        r.problem(
            field.value.span(),
            field.path,
            format!("the rate must be greater than 0, got {rate}"),
        );
        None
    }
}

/// `rates = [{ from = "YYYY-MM-DD", <the meter's rate keys> }, ...]`: at least one, each day a
/// real one, oldest first, no two on one day. `entry` reads one change's rate keys (`example`
/// shows them, for the message about an empty list) into its rate and meter.
pub(super) fn read_rates(
    r: &mut Reader,
    field: Field<'_, '_>,
    example: &str,
    entry: impl Fn(&mut Reader, &mut Table<'_, '_>) -> Option<(Decimal, Metering)>,
) -> Option<Vec<RateChange>> {
    let items = r.array(field)?;
    if items.is_empty() {
        r.problem(
            field.value.span(),
            field.path,
            format!("`rates` is empty; list at least one {{ from = \"YYYY-MM-DD\", {example} }}"),
        );
        return None;
    }
    let mut read: Vec<Option<(RateChange, std::ops::Range<usize>, String)>> = Vec::new();
    for (item, path) in items {
        let Some(mut table) = r.table(field!(item, path)) else {
            read.push(None);
            continue;
        };
        let from = r.required(&mut table, "from").and_then(|(v, p)| {
            let text = read_date(r, field!(v, p.clone()))?;
            Some((text.parse::<Day>().ok()?, v.span(), p))
        });
        let rates = entry(r, &mut table);
        r.finish(table);
        read.push(match (from, rates) {
            (Some((from, span, p)), Some((rate, metering))) => Some((
                RateChange {
                    from,
                    rate,
                    metering,
                },
                span,
                p,
            )),
            _ => None,
        });
    }
    let read: Vec<_> = read.into_iter().collect::<Option<_>>()?;
    let before = r.problems.len();
    for pair in read.windows(2) {
        let ((earlier, _, earlier_path), (later, span, path)) = (&pair[0], &pair[1]);
        let how = if later.from == earlier.from {
            "is the same day as"
        } else if later.from < earlier.from {
            "comes before"
        } else {
            continue;
        };
        r.problem(
            span.clone(),
            path,
            format!(
                "from {} {how} the change above it ({earlier_path} = {}); list rate changes oldest first, one per day",
                later.from, earlier.from
            ),
        );
    }
    (r.problems.len() == before).then(|| read.into_iter().map(|(c, _, _)| c).collect())
}
