//! Unit tests of exact amounts: rounding, arithmetic, comparison, writing.

use std::str::FromStr;

use super::*;

/// Factors of five come off whether the figure needs 128 bits or 64, and no more than the
/// denominator has.
#[test]
fn reduced_across_64_bits() {
    let five = |n: u32| 5u128.pow(n);
    // 3 x 5^30 (past u64) over 5^30 is 3; over 5^40, 3 / 5^10.
    assert_eq!(Exact::over(3 * five(30), 0, 30), Exact::from_int(3));
    let e = Exact::over(3 * five(30), 0, 40);
    assert_eq!((e.numer, e.twos, e.fives), (3, 0, 10));
    // 7 x 5^20 x 2^10 over 2^12 x 5^25: 7 / (2^2 x 5^5).
    let e = Exact::over((7 * five(20)) << 10, 12, 25);
    assert_eq!((e.numer, e.twos, e.fives), (7, 2, 5));
    // A figure past u64 with no factor of five keeps its fives.
    let e = Exact::over(u128::from(u64::MAX) * 3 + 1, 0, 4);
    assert_eq!((e.numer, e.fives), (u128::from(u64::MAX) * 3 + 1, 4));
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn e(s: &str) -> Exact {
    Exact::from_decimal(d(s)).unwrap()
}

#[test]
fn prints_its_exact_expansion() {
    assert_eq!(e("0.0060300").to_string(), "0.00603");
    assert_eq!(
        Exact::ratio(20 * 512 * 512, 1 << 20).unwrap().to_string(),
        "5"
    );
    assert_eq!(
        Exact::ratio(1, 1 << 20).unwrap().to_string(),
        "0.00000095367431640625"
    );
    assert_eq!(Exact::ZERO.to_string(), "0");
    assert_eq!(
        Exact::from_int(u128::MAX).to_string(),
        u128::MAX.to_string()
    );
}

#[test]
fn holds_more_digits_than_a_decimal() {
    // 2314190777 images of 279x237 at 7 steps: 32 significant digits.
    let units = Exact::ratio(7 * 279 * 237 * 2_314_190_777, 1 << 20).unwrap();
    let price = units.checked_mul(e("0.001206")).unwrap();
    assert_eq!(price.to_string(), "1231961.5179281181163787841796875");
    assert_eq!(price.round(4, Rounding::HalfUp), Some(d("1231961.5179")));
    assert_eq!(price.to_decimal(), None);
}

#[test]
fn rounds_in_every_mode_once() {
    let cases = [
        ("0.00015", Rounding::HalfUp, "0.0002"),
        ("0.00015", Rounding::HalfEven, "0.0002"),
        ("0.00025", Rounding::HalfEven, "0.0002"),
        ("0.000250001", Rounding::HalfEven, "0.0003"),
        ("0.00014999", Rounding::HalfUp, "0.0001"),
        ("0.00010001", Rounding::Up, "0.0002"),
        ("0.0001", Rounding::Up, "0.0001"),
        ("0.00019999", Rounding::Down, "0.0001"),
        ("0.0015075", Rounding::HalfUp, "0.0015"),
        ("12.5", Rounding::HalfEven, "12.5000"),
    ];
    for (value, mode, shown) in cases {
        assert_eq!(e(value).round(4, mode), Some(d(shown)), "{value} {mode:?}");
    }
    assert_eq!(e("2.5").round(0, Rounding::HalfEven), Some(d("2")));
    assert_eq!(e("3.5").round(0, Rounding::HalfEven), Some(d("4")));
}

/// Ties after an even digit and after an odd one, just below and just above a tie, in every
/// mode: half-up and half-even differ on the even ones, up and down on all.
#[test]
fn rounds_ties_on_even_and_odd_digits_in_every_mode() {
    use Rounding::{Down, HalfEven, HalfUp, Up};
    // value, places: half-up, half-even, up, down
    let cases: [(&str, u32, [&str; 4]); 10] = [
        ("0.00025", 4, ["0.0003", "0.0002", "0.0003", "0.0002"]),
        ("0.00035", 4, ["0.0004", "0.0004", "0.0004", "0.0003"]),
        ("0.00005", 4, ["0.0001", "0.0000", "0.0001", "0.0000"]),
        ("0.00245", 4, ["0.0025", "0.0024", "0.0025", "0.0024"]),
        ("0.000249999", 4, ["0.0002", "0.0002", "0.0003", "0.0002"]),
        ("0.000250001", 4, ["0.0003", "0.0003", "0.0003", "0.0002"]),
        ("2.5", 0, ["3", "2", "3", "2"]),
        ("4.5", 0, ["5", "4", "5", "4"]),
        ("0.5", 0, ["1", "0", "1", "0"]),
        ("1.5", 0, ["2", "2", "2", "1"]),
    ];
    for (value, places, shown) in cases {
        for (mode, shown) in [HalfUp, HalfEven, Up, Down].into_iter().zip(shown) {
            assert_eq!(
                e(value).round(places, mode),
                Some(d(shown)),
                "{value} {mode:?}"
            );
        }
    }
}

/// `numer / denom` rounded to `places` in `mode`, worked out by hand on integers: an oracle
/// sharing no code with [`Exact::round`].
fn round_by_hand(numer: u128, denom: u128, places: u32, mode: Rounding) -> u128 {
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

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Rounding agrees with rounding by hand on every value of a few places, in every mode:
    /// ties (a last digit of 5), near ties and all others.
    #[test]
    fn rounds_as_by_hand(numer in 0u128..10_000_000, scale in 0u32..9, places in 0u32..8) {
        let value = Exact::from_decimal(Decimal::from_i128_with_scale(
            i128::try_from(numer).unwrap(),
            scale,
        ))
        .unwrap();
        let denom = 10u128.pow(scale);
        for mode in Rounding::ALL {
            let by_hand = round_by_hand(numer, denom, places, mode);
            let expected = Decimal::from_i128_with_scale(i128::try_from(by_hand).unwrap(), places);
            proptest::prop_assert_eq!(value.round(places, mode), Some(expected), "{} {:?}", value, mode);
        }
    }
}

#[test]
fn adds_and_multiplies_exactly() {
    assert_eq!(
        e("0.0015075").checked_add(e("0.003015")),
        Some(e("0.0045225"))
    );
    assert_eq!(e("0.001206").checked_mul(e("1.25")), Some(e("0.0015075")));
    assert_eq!(
        Exact::from_int(u128::MAX).checked_add(Exact::from_int(1)),
        None
    );
    assert_eq!(Exact::from_int(u128::MAX).checked_mul_int(2), None);
    assert_eq!(e("0.5").checked_add(e("0.5")), Some(Exact::from_int(1)));
    assert_eq!(e("1").checked_sub(e("0.25")), Some(e("0.75")));
    assert_eq!(e("0.25").checked_sub(e("1")), None);
}

#[test]
fn compares_without_overflow() {
    assert!(e("0.0015075") < e("0.0016"));
    assert!(e("2") > e("1.99999999999999999999999999"));
    let huge = Exact::from_int(u128::MAX);
    let tiny_denominator = Exact::ratio(u128::MAX, 1 << 40).unwrap();
    assert!(huge > tiny_denominator);
    assert_eq!(e("0.50").cmp(&Exact::ratio(1, 2).unwrap()), Ordering::Equal);
}

#[test]
fn compares_past_256_bits() {
    // An integer budget near the decimal limit against a price over 2^63 x 5^54.
    let budget = e("79228162514264337593543950335");
    let price = Exact::over(u128::MAX, 63, 54);
    assert!(budget > price);
    assert!(price < budget);
    let near = Exact::over((u128::MAX / 4) | 1, 120, 50);
    assert_eq!(near.cmp(&near), Ordering::Equal);
    assert!(near > Exact::over(1, 120, 50));
    // Products: 0.00603 x 100 = 0.603 = 0.00603 x 100 exactly, whatever the sizes.
    let price = e("0.00603");
    let hundred = Exact::from_int(100);
    assert_eq!(
        Exact::cmp_products(&[price, hundred], &[e("0.603")]),
        Ordering::Equal
    );
    let limit = e("79228162514264337593543950335");
    let percent = e("80.000000000000000000000001");
    assert_eq!(
        Exact::cmp_products(&[limit, hundred], &[limit, percent]),
        Ordering::Greater
    );
    assert_eq!(
        Exact::cmp_products(
            &[Exact::from_int(u128::MAX), Exact::from_int(u128::MAX)],
            &[Exact::from_int(u128::MAX), Exact::from_int(u128::MAX - 1)]
        ),
        Ordering::Greater
    );
    assert_eq!(Exact::cmp_products(&[Exact::ZERO], &[]), Ordering::Less);
}

#[test]
fn wide_mul_matches_u128_where_it_fits() {
    assert_eq!(
        wide_mul(u64::MAX as u128, u64::MAX as u128),
        (0, (u64::MAX as u128) * (u64::MAX as u128))
    );
    assert_eq!(wide_mul(u128::MAX, 2), (1, u128::MAX - 1));
    assert_eq!(wide_mul(1 << 127, 1 << 127), (1 << 126, 0));
}

#[test]
fn writes_points_without_dividing() {
    let show = |digits, places, trim| {
        let mut s = String::new();
        write_point(&mut s, digits, places, trim).unwrap();
        s
    };
    assert_eq!(show(60, 4, false), "0.0060");
    assert_eq!(show(60, 4, true), "0.006");
    assert_eq!(show(12_0000, 4, true), "12");
    assert_eq!(show(12_0000, 4, false), "12.0000");
    assert_eq!(show(5, 0, false), "5");
    assert_eq!(show(0, 3, false), "0.000");
    assert_eq!(show(0, 3, true), "0");
    assert_eq!(show(123, 2, true), "1.23");
    for (digits, places) in [
        (60, 4),
        (12_0000, 4),
        (5, 0),
        (0, 3),
        (123, 2),
        (u128::MAX, 20),
        (7, 30),
    ] {
        for trim in [false, true] {
            let mut bytes = Vec::new();
            push_point(&mut bytes, digits, places, trim);
            assert_eq!(
                String::from_utf8(bytes).unwrap(),
                show(digits, places, trim),
                "{digits} {places} {trim}"
            );
        }
    }
}

#[test]
fn factor_table_and_shifts() {
    assert_eq!(factor(0, 0), Some(1));
    assert_eq!(factor(20, 0), Some(1 << 20));
    assert_eq!(factor(3, 2), Some(200));
    assert_eq!(factor(0, 55), Some(5u128.pow(55)));
    assert_eq!(factor(0, 56), None);
    assert_eq!(factor(127, 0), Some(1 << 127));
    assert_eq!(factor(128, 0), None);
    assert_eq!(factor(126, 1), None);
    assert_eq!(factor(125, 1), Some(5 << 125));
    for twos in 0..70 {
        for fives in 0..30 {
            let wide = factor(twos, fives).and_then(|f| u64::try_from(f).ok());
            assert_eq!(factor64(twos, fives), wide, "2^{twos} x 5^{fives}");
        }
    }
}

/// Numerators small, of 64 bits and of 128, each a third of the time.
fn numerators() -> impl proptest::strategy::Strategy<Value = u128> {
    proptest::prop_oneof![
        0u128..1000,
        0u128..=u128::from(u64::MAX),
        proptest::num::u128::ANY,
    ]
}

proptest::proptest! {
    /// Each fast way of rounding gives what long division gives, in every mode, at every
    /// size of numerator and denominator, to any number of places.
    #[test]
    fn rounds_as_long_division(
        numer in numerators(),
        twos in 0u32..70,
        fives in 0u32..30,
        places in 0u32..29,
    ) {
        let value = Exact::over(numer, twos, fives);
        for mode in [Rounding::Down, Rounding::Up, Rounding::HalfUp, Rounding::HalfEven] {
            if let Some(long) = value.round_long(places, mode) {
                proptest::prop_assert_eq!(value.round(places, mode), Some(long));
            }
        }
    }

    /// A reduced figure keeps no factor its denominator could cancel, and is the figure
    /// given, whether its numerator fits 64 bits or needs 128.
    #[test]
    fn reduces_to_the_canonical_form(
        numer in numerators(),
        twos in 0u32..70,
        fives in 0u32..30,
    ) {
        let r = Exact::over(numer, twos, fives);
        proptest::prop_assert!(r.twos <= twos && r.fives <= fives);
        proptest::prop_assert!(r.twos == 0 || r.numer % 2 == 1 || r.numer == 0);
        proptest::prop_assert!(r.fives == 0 || !r.numer.is_multiple_of(5) || r.numer == 0);
        if numer == 0 {
            proptest::prop_assert_eq!(r, Exact::ZERO);
        } else {
            let back =
                factor(twos - r.twos, fives - r.fives).and_then(|f| r.numer.checked_mul(f));
            proptest::prop_assert_eq!(back, Some(numer));
        }
        // Products agree with the figure's value either way.
        let two = Exact::over(numer % 1000, 3, 1);
        if let Some(product) = r.checked_mul(two) {
            proptest::prop_assert_eq!(
                Exact::cmp_products(&[r, two], &[product]),
                Ordering::Equal
            );
        }
    }

    /// The expansion appended to a buffer is the one `Display` writes, with the fast path
    /// (a power of two below, 64 bits above) or without.
    #[test]
    fn pushes_what_it_displays(
        numer in numerators(),
        twos in 0u32..70,
        fives in proptest::prop_oneof![proptest::strategy::Just(0u32), 0u32..30],
    ) {
        let value = Exact::over(numer, twos, fives);
        let mut pushed = b"kept ".to_vec();
        value.push_to(&mut pushed);
        proptest::prop_assert_eq!(String::from_utf8(pushed).unwrap(), format!("kept {value}"));
    }

    /// Digits appended to a buffer read as the same figure `write_point` writes, with any
    /// number of places, trimmed or not, after bytes already there.
    #[test]
    fn pushes_points_as_written(
        digits in proptest::prop_oneof![
            0u128..100_000,
            0u128..=u128::from(u64::MAX),
            proptest::num::u128::ANY,
        ],
        places in proptest::prop_oneof![0u32..6, 0u32..70],
        trim: bool,
    ) {
        let mut written = String::from("kept ");
        write_point(&mut written, digits, places, trim).unwrap();
        let mut pushed = b"kept ".to_vec();
        push_point(&mut pushed, digits, places, trim);
        proptest::prop_assert_eq!(String::from_utf8(pushed).unwrap(), written);
    }
}

#[test]
fn pushes_binary_fractions() {
    let pushed = |value: Exact| {
        let mut bytes = Vec::new();
        value.push_to(&mut bytes);
        String::from_utf8(bytes).unwrap()
    };
    assert_eq!(pushed(Exact::over(5, 1, 0)), "2.5");
    assert_eq!(
        pushed(Exact::over(1, 60, 0)),
        "0.000000000000000000867361737988403547205962240695953369140625"
    );
    assert_eq!(
        pushed(Exact::over(u128::from(u64::MAX), 60, 0)),
        "15.999999999999999999132638262011596452794037759304046630859375"
    );
    assert_eq!(
        pushed(Exact::over(176_370_000, 20, 0)),
        "168.1995391845703125"
    );
    assert_eq!(pushed(Exact::from_int(12)), "12");
    assert_eq!(pushed(Exact::ZERO), "0");
}

#[test]
fn factors() {
    assert_eq!(two_five_factors(1 << 20), Some((20, 0)));
    assert_eq!(two_five_factors(1_000_000), Some((6, 6)));
    assert_eq!(two_five_factors(3), None);
    assert_eq!(two_five_factors(0), None);
}
