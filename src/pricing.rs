//! Pure, exact arithmetic on `Decimal`: units, prices, rounding. No I/O, no formatting, no floats.
//!
//! Every operation is exact or fails: where `rust_decimal` would silently drop digits (a product
//! with more than 28 places, a mantissa over 96 bits), these helpers return `None` instead.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::job::Job;
use crate::tariff::{Display, Model, Rounding};

/// The price of one job, exact, and as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Units of one image.
    pub units_per_image: Decimal,
    /// Units of the whole job.
    pub units: Decimal,
    /// The exact price of one image (after the minimum).
    pub per_image: Decimal,
    /// The exact price of the whole job.
    pub exact: Decimal,
    /// `exact` rounded once to the tariff's places and mode.
    pub price: Decimal,
    /// Whether the model's per-image minimum set the price.
    pub minimum_applied: bool,
}

/// A job whose exact price has more digits than a decimal holds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the price of {count} image(s) of {size} at {steps} steps is too large to compute exactly (more than 28 significant digits)"
)]
pub struct TooLarge {
    steps: u32,
    size: crate::size::Size,
    count: u32,
}

/// Prices a job under a model, rounding with `display`.
pub fn quote(model: &Model, job: &Job, display: Display) -> Result<Quote, TooLarge> {
    let too_large = || TooLarge {
        steps: job.steps,
        size: job.size,
        count: job.count,
    };
    let unit_pixels = model.unit_size.pixels();
    let per_image_steps = pixel_steps(job.steps, job.size);
    let units_per_image = units(per_image_steps, unit_pixels).ok_or_else(too_large)?;
    let units =
        units(per_image_steps * u128::from(job.count), unit_pixels).ok_or_else(too_large)?;
    let metered = exact_mul(units_per_image, model.rate).ok_or_else(too_large)?;
    let minimum_applied = metered < model.minimum;
    let (per_image, exact) = if minimum_applied {
        let count = Decimal::from(job.count);
        (
            model.minimum,
            exact_mul(model.minimum, count).ok_or_else(too_large)?,
        )
    } else {
        (metered, exact_mul(units, model.rate).ok_or_else(too_large)?)
    };
    Ok(Quote {
        units_per_image,
        units,
        per_image,
        exact,
        price: round(exact, display),
        minimum_applied,
    })
}

/// Steps x width x height, which always fits a `u128`.
pub fn pixel_steps(steps: u32, size: crate::size::Size) -> u128 {
    u128::from(steps) * u128::from(size.pixels())
}

/// Rounds once to the shown places with the tariff's mode.
pub fn round(value: Decimal, display: Display) -> Decimal {
    let strategy = match display.rounding {
        Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        Rounding::Up => RoundingStrategy::AwayFromZero,
        Rounding::Down => RoundingStrategy::ToZero,
    };
    value.round_dp_with_strategy(display.decimals, strategy)
}

/// The decimal places of `1 / unit_pixels` when it terminates within 28 places: `unit_pixels`
/// must be 2^a x 5^b, and the places are max(a, b).
pub fn unit_places(unit_pixels: u64) -> Option<u32> {
    if unit_pixels == 0 {
        return None;
    }
    let (mut rest, mut twos, mut fives) = (unit_pixels, 0u32, 0u32);
    while rest % 2 == 0 {
        rest /= 2;
        twos += 1;
    }
    while rest % 5 == 0 {
        rest /= 5;
        fives += 1;
    }
    let places = twos.max(fives);
    (rest == 1 && places <= 28).then_some(places)
}

/// `pixel_steps / unit_pixels`, exactly.
pub fn units(pixel_steps: u128, unit_pixels: u64) -> Option<Decimal> {
    let places = unit_places(unit_pixels)?;
    // pixel_steps / unit_pixels = pixel_steps x (10^places / unit_pixels) / 10^places.
    let factor = 10u128.pow(places) / u128::from(unit_pixels);
    let mantissa = pixel_steps.checked_mul(factor)?;
    from_parts(i128::try_from(mantissa).ok()?, places)
}

/// `a x b`, exactly, or `None` when the result does not fit a decimal.
pub fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let mantissa = a.mantissa().checked_mul(b.mantissa())?;
    from_parts(mantissa, a.scale() + b.scale())
}

/// `a + b`, exactly, or `None` when the result does not fit a decimal.
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let widen = |d: Decimal| {
        d.mantissa()
            .checked_mul(10i128.checked_pow(scale - d.scale())?)
    };
    from_parts(widen(a)?.checked_add(widen(b)?)?, scale)
}

/// The decimal `mantissa / 10^scale`, dropping only trailing zeros to make it fit.
fn from_parts(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    const MAX_MANTISSA: u128 = (1 << 96) - 1;
    while scale > 0 && (scale > 28 || mantissa.unsigned_abs() > MAX_MANTISSA) && mantissa % 10 == 0
    {
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .ok()
        .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn units_are_megapixel_steps() {
        let mp = 1024 * 1024;
        assert_eq!(units(20 * 512 * 512, mp), Some(d("5")));
        assert_eq!(units(10 * 768 * 768, mp), Some(d("5.625")));
        assert_eq!(units(1, mp), Some(d("0.00000095367431640625")));
        assert_eq!(units(3, 1_000_000), Some(d("0.000003")));
        assert_eq!(units(1, 9), None);
    }

    #[test]
    fn unit_places_needs_twos_and_fives() {
        assert_eq!(unit_places(1024 * 1024), Some(20));
        assert_eq!(unit_places(1_000_000), Some(6));
        assert_eq!(unit_places(1), Some(0));
        assert_eq!(unit_places(0), None);
        assert_eq!(unit_places(3), None);
        assert_eq!(unit_places(1 << 29), None);
    }

    #[test]
    fn exact_mul_refuses_to_round() {
        assert_eq!(exact_mul(d("0.001206"), d("1.25")), Some(d("0.0015075")));
        // 28 places times 1 place would need 29: refused, not rounded.
        let tiny = d("0.0000000000000000000000000003");
        assert_eq!(exact_mul(tiny, d("0.3")), None);
        // Trailing zeros are dropped, not digits.
        assert_eq!(
            exact_mul(tiny, d("10")),
            Some(d("0.000000000000000000000000003"))
        );
        assert_eq!(exact_mul(Decimal::MAX, d("2")), None);
    }

    #[test]
    fn exact_add_aligns_scales() {
        assert_eq!(
            exact_add(d("0.0015075"), d("0.003015")),
            Some(d("0.0045225"))
        );
        assert_eq!(exact_add(Decimal::MAX, d("1")), None);
        assert_eq!(
            exact_add(d("1"), d("0.0000000000000000000000000001")),
            Some(d("1.0000000000000000000000000001"))
        );
        assert_eq!(
            exact_add(d("10"), d("0.0000000000000000000000000001")),
            None
        );
    }

    #[test]
    fn every_rounding_mode() {
        let shown = |value: &str, rounding| {
            round(
                d(value),
                Display {
                    decimals: 4,
                    rounding,
                },
            )
            .to_string()
        };
        assert_eq!(shown("0.00015", Rounding::HalfUp), "0.0002");
        assert_eq!(shown("0.00015", Rounding::HalfEven), "0.0002");
        assert_eq!(shown("0.00025", Rounding::HalfEven), "0.0002");
        assert_eq!(shown("0.00010001", Rounding::Up), "0.0002");
        assert_eq!(shown("0.00019999", Rounding::Down), "0.0001");
        assert_eq!(shown("0.0015075", Rounding::HalfUp), "0.0015");
    }
}
