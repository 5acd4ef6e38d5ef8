//! Laws of the pricing, over random jobs (proptest), on the library the binary runs.

use std::str::FromStr;

use dis_price::exact::Exact;
use dis_price::job::{Job, Request};
use dis_price::pricing::{quote, shown};
use dis_price::render::{QuoteView, json};
use dis_price::size::Size;
use dis_price::tariff::{Display, Rounding, Tariff};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn tariff() -> Tariff {
    Tariff::builtin().expect("the shipped tariff loads")
}

/// A side the API accepts: 1 to 999, or 1024.
pub fn side() -> impl Strategy<Value = u32> {
    prop_oneof![1u32..=999, Just(1024u32)]
}

fn job(steps: u32, width: u32, height: u32, count: u32) -> Job {
    Job {
        steps,
        size: Size::new(width, height),
        count,
    }
}

fn rounding() -> impl Strategy<Value = Display> {
    (0u32..=8, prop::sample::select(Rounding::ALL.to_vec()))
        .prop_map(|(decimals, rounding)| Display { decimals, rounding })
}

/// Reads a plain decimal string back into an exact amount, digit by digit.
fn parse_exact(text: &str) -> Exact {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits: u128 = format!("{whole}{fraction}").parse().unwrap();
    let tenth = Exact::ratio(1, 10).unwrap();
    (0..fraction.len()).fold(Exact::from_int(digits), |e, _| {
        e.checked_mul(tenth).unwrap()
    })
}

proptest! {
    #[test]
    fn price_is_linear_in_steps(s in 1u32..=25, k in 1u32..=2, w in 1u32..=1024, h in 1u32..=1024) {
        let t = tariff();
        let m = t.default_model();
        let one = quote(m, &job(s, w, h, 1), t.display).unwrap();
        let many = quote(m, &job(s * k, w, h, 1), t.display).unwrap();
        prop_assert_eq!(Some(many.exact), one.exact.checked_mul_int(u128::from(k)));
    }

    #[test]
    fn price_is_linear_in_count_and_rounded_once(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, n in 1u32..=100_000, display in rounding()) {
        let t = tariff();
        let m = t.default_model();
        let one = quote(m, &job(s, w, h, 1), display).unwrap();
        let many = quote(m, &job(s, w, h, n), display).unwrap();
        prop_assert_eq!(Some(many.exact), one.exact.checked_mul_int(u128::from(n)));
        // Rounded once, from the exact total: never n x the rounded price of one image.
        prop_assert_eq!(Some(many.price), shown(many.exact, display));
        let exact = many.exact.to_decimal().unwrap();
        prop_assert!((many.price - exact).abs() < Decimal::new(1, display.decimals));
    }

    #[test]
    fn price_is_rate_times_units_exactly(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, n in 1u32..=1000) {
        let t = tariff();
        let m = t.default_model();
        let q = quote(m, &job(s, w, h, n), t.display).unwrap();
        let units = Decimal::from(u64::from(s) * u64::from(w) * u64::from(h) * u64::from(n)) / Decimal::from(1024 * 1024);
        prop_assert_eq!(q.units.to_decimal(), Some(units));
        prop_assert_eq!(q.exact.to_decimal(), Some(units * m.rate));
    }

    #[test]
    fn price_is_monotone_in_width_and_height(s in 1u32..=50, w in 1u32..=1023, h in 1u32..=1023, dw in 0u32..=1, dh in 0u32..=1) {
        let t = tariff();
        let m = t.default_model();
        let small = quote(m, &job(s, w, h, 1), t.display).unwrap();
        let wider = quote(m, &job(s, w + dw, h, 1), t.display).unwrap();
        let taller = quote(m, &job(s, w, h + dh, 1), t.display).unwrap();
        prop_assert!(wider.exact >= small.exact && wider.price >= small.price);
        prop_assert!(taller.exact >= small.exact && taller.price >= small.price);
    }

    #[test]
    fn prices_scale_exactly_with_the_rate(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, factor in 1u32..=1000) {
        let t = tariff();
        let m = t.default_model().clone();
        let mut scaled = m.clone();
        scaled.rate = m.rate * Decimal::from(factor);
        let a = quote(&m, &job(s, w, h, 1), t.display).unwrap();
        let b = quote(&scaled, &job(s, w, h, 1), t.display).unwrap();
        prop_assert_eq!(Some(b.exact), a.exact.checked_mul_int(u128::from(factor)));
    }

    #[test]
    fn json_decimals_parse_back_to_the_same_values(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, n in 1u32..=u32::MAX) {
        let t = tariff();
        let m = t.default_model();
        let resolved = Request { steps: Some(s), size: Some(Size::new(w, h)), count: Some(n) }.resolve(m);
        let q = quote(m, &resolved.job, t.display).unwrap();
        let mut buf = Vec::new();
        json::quote(&mut buf, &QuoteView { tariff: &t, model: m, resolved, quote: q }).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        // Up to 32 significant digits: parsed back with Python-free exact rationals.
        let exact = |key: &str| v[key].as_str().unwrap().to_owned();
        prop_assert_eq!(exact("exact"), q.exact.to_string());
        prop_assert_eq!(parse_exact(&exact("exact")), q.exact);
        prop_assert_eq!(parse_exact(&exact("units")), q.units);
        prop_assert_eq!(Decimal::from_str(&exact("price")).unwrap(), q.price);
        prop_assert_eq!(Decimal::from_str(&exact("rate")).unwrap(), m.rate);
        prop_assert_eq!(v["price"].as_str().unwrap().split('.').nth(1).map(str::len), Some(4));
    }

    #[test]
    fn a_size_prints_back_to_itself(w in 1u32.., h in 1u32..) {
        let size = Size::new(w, h);
        prop_assert_eq!(size.to_string().parse::<Size>(), Ok(size));
    }

    #[test]
    fn the_minimum_is_a_floor_per_image(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, n in 1u32..=100) {
        let t = tariff();
        let mut m = t.default_model().clone();
        m.minimum = Decimal::new(3, 3);
        let q = quote(&m, &job(s, w, h, n), t.display).unwrap();
        let metered = q.units_per_image.to_decimal().unwrap() * m.rate;
        prop_assert_eq!(q.per_image.to_decimal(), Some(metered.max(m.minimum)));
        prop_assert_eq!(Some(q.exact), q.per_image.checked_mul_int(u128::from(n)));
        prop_assert_eq!(q.minimum_applied, metered < m.minimum);
    }
}

/// The price strings of a one-row table in every format, and the single job's.
fn table_cell_in_every_format(steps: u32, size: &str) -> Vec<(String, String)> {
    let run = |args: &[&str]| crate::stdout_of(args);
    let plain = run(&[
        "--steps",
        &steps.to_string(),
        "--size",
        size,
        "--format",
        "plain",
    ])
    .trim_end()
    .to_owned();
    let one: serde_json::Value = serde_json::from_str(&run(&[
        "--steps",
        &steps.to_string(),
        "--size",
        size,
        "--format",
        "json",
    ]))
    .unwrap();
    let table_args = |format: &str| {
        vec![
            "table".to_owned(),
            "--steps".into(),
            steps.to_string(),
            "--sizes".into(),
            size.to_owned(),
            "--format".into(),
            format.into(),
        ]
    };
    let rendered = |format: &str| {
        run(&table_args(format)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>())
    };
    let csv = rendered("csv")
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_owned();
    let markdown = rendered("markdown")
        .lines()
        .last()
        .unwrap()
        .trim_matches('|')
        .split('|')
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    let drawn = rendered("table")
        .lines()
        .nth(4)
        .unwrap()
        .split('┆')
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('│')
        .trim()
        .to_owned();
    let json: serde_json::Value = serde_json::from_str(&rendered("json")).unwrap();
    let cell = &json["cells"][0];
    vec![
        ("csv".into(), csv),
        ("markdown".into(), markdown),
        ("table".into(), drawn),
        (
            "json price".into(),
            cell["price"].as_str().unwrap().to_owned(),
        ),
        (
            "json exact vs single json exact".into(),
            if cell["exact"] == one["exact"] {
                plain.clone()
            } else {
                format!("exact {} vs {}", cell["exact"], one["exact"])
            },
        ),
        ("plain".into(), plain),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn a_table_cell_is_the_single_job_price_byte_for_byte(steps in 1u32..=50, w in side(), h in side()) {
        let size = format!("{w}x{h}");
        let shown = table_cell_in_every_format(steps, &size);
        let plain = shown.last().unwrap().1.clone();
        for (format, price) in &shown {
            prop_assert_eq!(price, &plain, "{} at {} steps, {}", format, steps, size);
        }
    }
}
