//! Unit tests of reading and checking tariffs.

use super::*;
use crate::job::Job;

#[test]
fn sha256_of_known_bytes() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn the_builtin_tariff_loads() {
    let t = crate::checks::builtin().unwrap();
    let m = t.default_model();
    assert_eq!(m.id, "flux-dev");
    assert_eq!(m.rate, Decimal::new(1206, 6));
    assert_eq!(
        m.steps,
        StepLimits {
            min: 1,
            max: 50,
            default: 10
        }
    );
    assert_eq!(m.default_size, Size::new(768, 768));
    assert_eq!(m.published.as_ref().unwrap().rows.len(), 3);
    assert_eq!(
        t.display,
        Display {
            decimals: 4,
            rounding: Rounding::HalfUp
        }
    );
}

#[test]
fn refused_sides() {
    let side = SideLimits {
        min: 1,
        max: 1024,
        refused: vec![(1000, 1023)],
    };
    assert!(
        side.accepts(999)
            && side.accepts(1024)
            && !side.accepts(1000)
            && !side.accepts(1023)
            && !side.accepts(0)
    );
    assert_eq!(side.describe(), "1 to 999 or 1024");
    assert_eq!(
        SideLimits {
            min: 1,
            max: 1024,
            refused: vec![]
        }
        .describe(),
        "1 to 1024"
    );
    assert_eq!(
        SideLimits {
            min: 1,
            max: 9,
            refused: vec![(3, 4), (7, 9)]
        }
        .describe(),
        "1 to 2 or 5 to 6"
    );
    assert_eq!(
        SideLimits {
            min: 1,
            max: 1,
            refused: vec![(1, 1)]
        }
        .describe(),
        "none"
    );
    // Overlapping refused ranges, one reaching the largest side.
    let overlapping = SideLimits {
        min: 1,
        max: u32::MAX,
        refused: vec![(3, 5), (4, 4), (10, u32::MAX), (11, 12)],
    };
    assert_eq!(overlapping.accepted(), vec![(1, 2), (6, 9)]);
    assert!(!overlapping.accepts(5) && overlapping.accepts(6) && !overlapping.accepts(u32::MAX));
}

/// The sides a limit message names: `1 to 999 or 1024`, `1, 3 to 4 or 9`, `none`.
fn sides_named(words: &str) -> Vec<(u32, u32)> {
    if words == "none" {
        return Vec::new();
    }
    let (rest, last) = words.rsplit_once(" or ").unwrap_or(("", words));
    rest.split(", ")
        .filter(|w| !w.is_empty())
        .chain([last])
        .map(|w| {
            let (a, b) = w.split_once(" to ").unwrap_or((w, w));
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect()
}

/// The sides named by the width limit a job breaking it is told.
fn sides_told(model: &Model, width: u32) -> Vec<(u32, u32)> {
    let job = Job {
        steps: model.steps.default,
        size: Size::new(width, model.default_size.height),
        count: 1,
    };
    let breaches = job.breaches(model);
    let told = breaches
        .iter()
        .find(|b| b.what() == "width")
        .unwrap_or_else(|| panic!("width {width} was accepted"))
        .to_string();
    let limit = told
        .split_once("(each side ")
        .and_then(|(_, l)| l.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{told}"));
    let limit = limit.strip_prefix("exactly ").unwrap_or(limit);
    let limit = limit
        .strip_suffix(" pixels")
        .or_else(|| limit.strip_suffix(" pixel"))
        .unwrap_or_else(|| panic!("{told}"));
    sides_named(limit)
}

fn named_accepts(spans: &[(u32, u32)], n: u32) -> bool {
    spans.iter().any(|&(a, b)| (a..=b).contains(&n))
}

/// A tariff of one model with these side limits and a default size of `default`.
fn side_tariff(min: u32, max: u32, refused: &[(u32, u32)], default: u32) -> String {
    let refused: Vec<String> = refused.iter().map(|(a, b)| format!("[{a}, {b}]")).collect();
    format!(
        "schema = 1\nprovider = \"P\"\ncurrency = \"USD\"\nsource = \"s\"\nas_of = \"2026-01-01\"\ndefault_model = \"m\"\n[display]\ndecimals = 4\nrounding = \"half-up\"\n[models.m]\nname = \"M\"\nunit = \"u\"\nunit_size = \"1x1\"\nrate = \"1\"\nsteps = {{ min = 1, max = 1, default = 1 }}\nside = {{ min = {min}, max = {max}, refused = [{}] }}\ndefault_size = \"{default}\"\n",
        refused.join(", ")
    )
}

use proptest::strategy::Strategy;

proptest::proptest! {
    /// Every generated side limit either loads, and then the message a refused side is
    /// given names exactly the sides accepted, or is refused for a reason worked out here
    /// independently, side by side.
    #[test]
    fn a_side_limit_message_is_always_true(
        min in 1u32..30,
        extra in 0u32..40,
        (refused, after) in proptest::prop_oneof![
            // Anything at all, mostly refused.
            proptest::collection::vec((0u32..80, 0u32..80), 0..6).prop_map(|r| (r, None)),
            // Ranges one after another from the min: apart, now and then touching, the last
            // at the max or a little before it.
            (
                0u32..3,
                proptest::collection::vec((proptest::prop_oneof![6 => 1u32..4, 1 => proptest::strategy::Just(0u32)], 0u32..4), 1..7),
                0u32..3,
            ).prop_map(|(skip, steps, after)| {
                let mut at = skip;
                let ranges = steps.into_iter().map(|(gap, len)| {
                    let range = (at + gap, at + gap + len);
                    at = range.1 + 1;
                    range
                }).collect::<Vec<_>>();
                (ranges, Some(after))
            }),
        ],
    ) {
        // Sequential ranges start from the min and set the max.
        let (refused, max) = match after {
            None => (refused, min + extra),
            Some(after) => {
                let shifted: Vec<(u32, u32)> = refused.iter().map(|&(a, b)| (a + min, b + min)).collect();
                let end = shifted.last().map_or(min, |r| r.1);
                (shifted, end + after)
            }
        };
        let accepted: Vec<u32> = (min..=max)
            .filter(|n| !refused.iter().any(|&(a, b)| (a..=b).contains(n)))
            .collect();
        let overlapping_or_touching = refused.iter().enumerate().any(|(i, &(a, b))| {
            refused.iter().enumerate().any(|(j, &(c, d))| i != j && a <= d + 1 && c <= b + 1)
        });
        let valid = refused.iter().all(|&(a, b)| min <= a && a <= b && b <= max)
            && !overlapping_or_touching
            && !accepted.is_empty();
        let default = accepted.first().copied().unwrap_or(min);
        let loaded = crate::checks::parse(Origin::BuiltIn, side_tariff(min, max, &refused, default));
        proptest::prop_assert_eq!(loaded.is_ok(), valid, "{:?}", loaded.as_ref().err().map(ToString::to_string));
        let Ok(tariff) = loaded else { return Ok(()) };
        let model = tariff.default_model();
        proptest::prop_assert_eq!(sides_named(&model.side.describe()), model.side.accepted());
        let mut told = None;
        for n in 0..=max + 2 {
            proptest::prop_assert_eq!(model.side.accepts(n), accepted.contains(&n), "side {}", n);
            if !model.side.accepts(n) {
                let spans = told.get_or_insert_with(|| sides_told(model, n)).clone();
                for m in 0..=max + 2 {
                    proptest::prop_assert_eq!(named_accepts(&spans, m), model.side.accepts(m), "side {} in {:?}", m, spans);
                }
            }
        }
    }

    /// The words agree with `accepts` for any limits at all, checked or not, near 0 and
    /// near u32::MAX.
    #[test]
    fn described_sides_are_the_accepted_ones_for_any_limits(
        high in proptest::bool::ANY,
        min in 0u32..40,
        max in 0u32..40,
        refused in proptest::collection::vec((0u32..40, 0u32..40), 0..6),
    ) {
        let base = if high { u32::MAX - 39 } else { 0 };
        let side = SideLimits {
            min: base + min,
            max: base + max,
            refused: refused.iter().map(|&(a, b)| (base + a, base + b)).collect(),
        };
        let named = sides_named(&side.describe());
        proptest::prop_assert_eq!(&named, &side.accepted());
        for n in (0..40).map(|i| base + i) {
            proptest::prop_assert_eq!(named_accepts(&named, n), side.accepts(n), "side {}", n);
        }
        // Spans in order, apart, inside the limits.
        for pair in named.windows(2) {
            proptest::prop_assert!(pair[0].1 < pair[1].0 && pair[1].0 - pair[0].1 >= 2);
        }
        proptest::prop_assert!(named.iter().all(|&(a, b)| side.min <= a && a <= b && b <= side.max));
    }
}

#[test]
fn models_are_found_by_id_or_alias_in_any_case() {
    let t = crate::checks::builtin().unwrap();
    for q in [
        "flux-dev",
        "FLUX-DEV",
        "Flux.1-Dev",
        "flux-1-dev",
        " flux-dev ",
        "Flux.1 [dev]",
        "FLUX.1 [DEV]",
        " flux.1 [dev]\t",
    ] {
        assert_eq!(
            t.find_model(q).map(|m| m.id.as_str()),
            Some("flux-dev"),
            "{q}"
        );
    }
    assert!(t.find_model("flux-pro").is_none());
    assert_eq!(t.nearest_model("flux-de"), Some("flux-dev"));
    assert_eq!(t.nearest_model("Flux.1 [pro]"), Some("Flux.1 [dev]"));
    assert!(t.find_model("Flux.1  [dev]").is_none());
    assert_eq!(t.nearest_model("llama"), None);
}

#[test]
fn a_number_rate_is_as_exact_as_a_string() {
    let text = BUILTIN.replace("rate = \"0.001206\"", "rate = 0.001206");
    let t = crate::checks::parse(Origin::BuiltIn, text).unwrap();
    assert_eq!(t.default_model().rate.to_string(), "0.001206");
}

#[test]
fn reports_every_problem_at_once() {
    let text = BUILTIN
        .replace("rate = \"0.001206\"", "rat = \"0.001206\"")
        .replace("rounding = \"half-up\"", "rounding = \"nearest\"");
    let err = crate::checks::parse(Origin::BuiltIn, text).unwrap_err();
    let keys: Vec<&str> = err.0.iter().map(|d| d.key.as_str()).collect();
    assert!(keys.contains(&"display.rounding"), "{keys:?}");
    assert!(keys.contains(&"models.flux-dev.rate"), "{keys:?}");
    assert!(keys.contains(&"models.flux-dev.rat"), "{keys:?}");
}
