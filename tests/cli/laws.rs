//! Laws of the pricing, over random jobs (proptest), on the library the binary runs.

use std::str::FromStr;

use dis_price::exact::Exact;
use dis_price::exact::Rounding;
use dis_price::job::{Job, Request};
use dis_price::pricing::{Detail, Usage, price, quote};
use dis_price::render::{QuoteView, json};
use dis_price::size::Size;
use dis_price::tariff::{Display, Tariff};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn tariff() -> Tariff {
    dis_price::checks::builtin().expect("the shipped tariff loads")
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

/// The shipped image rate, 0.001206, as an integer fraction: the oracle's own figures.
const RATE_NUMER: u128 = 1206;
const RATE_DENOM: u128 = 1_000_000;
/// 1024 x 1024, the pixels of one unit.
const UNIT: u128 = 1 << 20;

/// The exact price of `count` images as `numer / denom`, by integer arithmetic alone.
pub fn price_by_hand(steps: u32, width: u32, height: u32, count: u32) -> (u128, u128) {
    let pixel_steps = u128::from(steps) * u128::from(width) * u128::from(height);
    (
        pixel_steps * u128::from(count) * RATE_NUMER,
        UNIT * RATE_DENOM,
    )
}

/// `numer / denom` (numer x 10^places must fit) rounded to `places` in `mode`, by hand.
pub fn round_by_hand(numer: u128, denom: u128, places: u32, mode: Rounding) -> u128 {
    let scaled = numer * 10u128.pow(places);
    let (kept, rest) = (scaled / denom, scaled % denom);
    let up = match mode {
        Rounding::Down => false,
        Rounding::Up => rest > 0,
        Rounding::HalfUp => 2 * rest >= denom,
        Rounding::HalfEven => 2 * rest > denom || (2 * rest == denom && kept % 2 == 1),
    };
    kept + u128::from(up)
}

/// A price as shown, by hand: rounded once at the tariff's places, or, when that shows a
/// price that is not zero as zero, at the first place that does not.
pub fn shown_by_hand(numer: u128, denom: u128, display: Display) -> Decimal {
    let mut places = display.decimals;
    loop {
        let digits = round_by_hand(numer, denom, places, display.rounding);
        if digits != 0 || numer == 0 || places == 28 {
            return Decimal::from_i128_with_scale(i128::try_from(digits).unwrap(), places);
        }
        places += 1;
    }
}

/// An exact figure as `numer / denom`, for the oracle to compare with.
fn as_fraction(exact: Exact) -> (u128, u128) {
    let text = exact.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    (
        format!("{whole}{fraction}").parse().unwrap(),
        10u128.pow(u32::try_from(fraction.len()).unwrap()),
    )
}

/// A fraction in lowest terms.
fn lowest((numer, denom): (u128, u128)) -> (u128, u128) {
    let (mut a, mut b) = (numer, denom);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    (numer / a, denom / a)
}

/// Whether two fractions are the same number.
fn same(a: (u128, u128), b: (u128, u128)) -> bool {
    lowest(a) == lowest(b)
}

proptest! {
    #[test]
    fn price_is_linear_in_steps(s in 1u32..=50, k in 1u32..=100_000, w in 1u32..=1024, h in 1u32..=1024) {
        let t = tariff();
        let m = t.default_model();
        let one = quote(m, &job(s, w, h, 1), t.display).unwrap();
        let many = quote(m, &job(s * k, w, h, 1), t.display).unwrap();
        prop_assert_eq!(Some(many.exact), one.exact.checked_mul_int(u128::from(k)));
        prop_assert!(same(as_fraction(many.exact), price_by_hand(s * k, w, h, 1)));
    }

    #[test]
    fn price_is_linear_in_count_and_rounded_once(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, n in 1u32..=u32::MAX, display in rounding()) {
        let t = tariff();
        let m = t.default_model();
        let one = quote(m, &job(s, w, h, 1), display).unwrap();
        let many = quote(m, &job(s, w, h, n), display).unwrap();
        prop_assert_eq!(Some(many.exact), one.exact.checked_mul_int(u128::from(n)));
        // The exact price and its one rounding, worked out by hand: never n x the rounded
        // price of one image.
        let (numer, denom) = price_by_hand(s, w, h, n);
        prop_assert!(same(as_fraction(many.exact), (numer, denom)), "{}", many.exact);
        prop_assert_eq!(many.price, shown_by_hand(numer, denom, display));
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
    fn price_is_monotone_in_width_and_height(s in 1u32..=50, w in 1u32..=1024, h in 1u32..=1024, dw in 0u32..=4096, dh in 0u32..=4096, display in rounding()) {
        let t = tariff();
        let m = t.default_model();
        let small = quote(m, &job(s, w, h, 1), display).unwrap();
        let wider = quote(m, &job(s, w + dw, h, 1), display).unwrap();
        let taller = quote(m, &job(s, w, h + dh, 1), display).unwrap();
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
    let run = |args: &[&str]| crate::support::stdout_of(args);
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
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

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

/// The price of a chat request of the shipped `Llama-3.1 8B` (0.10 and 0.16 per million
/// input and output tokens), exactly and as shown.
fn chat(input: u64, output: u64, display: Display) -> (Exact, Decimal) {
    let t = tariff();
    let m = t.find_model("Llama-3.1 8B").unwrap();
    let c = price(m, &Usage::Tokens { input, output }, display).unwrap();
    (c.exact, c.price)
}

/// The same by hand: (input x 10 + output x 16) / 10^8.
fn chat_by_hand(input: u64, output: u64) -> (u128, u128) {
    (
        u128::from(input) * 10 + u128::from(output) * 16,
        100 * 1_000_000,
    )
}

/// Seconds with up to 4 places, from their count of ten-thousandths.
fn seconds(tenths_of_ms: u64) -> Decimal {
    Decimal::new(i64::try_from(tenths_of_ms).unwrap(), 4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Each side is priced at its own rate, linearly, and the two add up; the shown price is
    /// the exact one rounded once.
    #[test]
    fn chat_price_is_linear_in_tokens_per_rate(input in 0u64..=10_000_000_000, output in 0u64..=10_000_000_000, k in 1u64..=1000, display in rounding()) {
        let (both, shown) = chat(input, output, display);
        let (numer, denom) = chat_by_hand(input, output);
        prop_assert!(same(as_fraction(both), (numer, denom)), "{}", both);
        prop_assert_eq!(shown, shown_by_hand(numer, denom, display));
        let (only_input, _) = chat(input, 0, display);
        let (only_output, _) = chat(0, output, display);
        prop_assert_eq!(only_input.checked_add(only_output), Some(both));
        let (scaled, _) = chat(input * k, output * k, display);
        prop_assert_eq!(Some(scaled), both.checked_mul_int(u128::from(k)));
    }

    /// More tokens of either kind never cost less, exactly or as shown.
    #[test]
    fn chat_price_is_monotone_in_tokens(input in 0u64..=1_000_000_000, output in 0u64..=1_000_000_000, more_in in 0u64..=1_000_000, more_out in 0u64..=1_000_000, display in rounding()) {
        let (base, shown) = chat(input, output, display);
        let (bigger, bigger_shown) = chat(input + more_in, output + more_out, display);
        prop_assert!(bigger >= base && bigger_shown >= shown);
    }

    /// The per-request minimum is charged exactly when the seconds are below it, and the price
    /// is the seconds charged times the rate, rounded once.
    #[test]
    fn speech_minimum_applies_exactly_below_it(given in 0u64..=100_000_000, display in rounding()) {
        let t = tariff();
        let m = t.find_model("Chatterbox").unwrap();
        let c = price(m, &Usage::Seconds(seconds(given)), display).unwrap();
        let Detail::Seconds { charged, minimum_applied, .. } = c.detail else {
            panic!("not a speech price: {:?}", c.detail);
        };
        // The minimum is 1 s, 10000 ten-thousandths.
        prop_assert_eq!(minimum_applied, given < 10_000);
        prop_assert_eq!(charged, seconds(given.max(10_000)));
        let (numer, denom) = (u128::from(given.max(10_000)) * 30, 10_000 * 10_000);
        prop_assert!(same(as_fraction(c.exact), (numer, denom)), "{}", c.exact);
        prop_assert_eq!(c.price, shown_by_hand(numer, denom, display));
    }

    /// More seconds never cost less; above the minimum, the price is linear in them.
    #[test]
    fn speech_price_is_monotone_and_linear_above_the_minimum(given in 10_000u64..=10_000_000, more in 0u64..=10_000_000, k in 1u64..=1000) {
        let t = tariff();
        let m = t.find_model("Chatterbox").unwrap();
        let exact = |s: u64| price(m, &Usage::Seconds(seconds(s)), t.display).unwrap().exact;
        prop_assert!(exact(given + more) >= exact(given));
        prop_assert_eq!(Some(exact(given * k)), exact(given).checked_mul_int(u128::from(k)));
    }
}
