//! Decimal figures appended to a byte buffer for the per-row writers (CSV and JSON rows):
//! integers through `itoa`, decimals digit by digit, with nothing allocated.

/// A row's figures appended to a buffer in order.
pub struct Figures<'o> {
    out: &'o mut Vec<u8>,
}

/// A text a row writes again and again (a model's name, escaped once).
#[derive(Clone, Debug, Default)]
pub struct Text {
    bytes: Vec<u8>,
}

impl Text {
    /// `bytes`, kept.
    pub fn new(bytes: &[u8]) -> Text {
        Text {
            bytes: bytes.to_vec(),
        }
    }
}

/// Appends `digits / 10^places` in plain notation (as `exact::write_point` writes it) when
/// `places` is below 20: the whole part, then the point and exactly `places` digits; `trim`
/// drops trailing zeros of the fraction (and the point, if nothing is left). `false`, with
/// nothing written, for more places.
pub fn push_point_u64(out: &mut Vec<u8>, digits: u64, places: u32, trim: bool) -> bool {
    Figures::new(out).point(digits, places, trim)
}

impl<'o> Figures<'o> {
    /// Figures appended to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> Figures<'o> {
        Figures { out }
    }

    /// The buffer.
    pub fn out(&mut self) -> &mut Vec<u8> {
        self.out
    }

    /// The figures's work is done.
    pub fn finish(self) {}

    /// One byte.
    pub fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    /// The decimal digits of `n`.
    pub fn u64(&mut self, n: u64) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// A text made ready by [`Text::new`].
    pub fn text(&mut self, text: &Text) {
        self.out.extend_from_slice(&text.bytes);
    }

    /// Bytes known when compiling (the members' names of a JSON row).
    pub fn literal<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.out.extend_from_slice(bytes);
    }

    /// `digits / 10^places` in plain notation, as [`push_point_u64`] writes it; `false`, with
    /// nothing written, for 20 places or more.
    pub fn point(&mut self, digits: u64, places: u32, trim: bool) -> bool {
        let Some(unit) = 10u64.checked_pow(places) else {
            return false;
        };
        self.u64(digits / unit);
        let mut fraction = digits % unit;
        let mut places = places;
        if trim {
            while places > 0 && fraction.is_multiple_of(10) {
                fraction /= 10;
                places -= 1;
            }
        }
        if places > 0 {
            self.out.push(b'.');
            let mut digits = itoa::Buffer::new();
            let text = digits.format(fraction);
            let zeros = (places as usize).saturating_sub(text.len());
            self.out.extend(std::iter::repeat_n(b'0', zeros));
            self.out.extend_from_slice(text.as_bytes());
        }
        true
    }

    /// `whole` and then the binary fraction `rest / 2^twos` (`rest` below 2^twos, `twos` at
    /// most 60) in plain notation: the expansion ends, after at most `twos` places; the
    /// point only when there is a fraction.
    pub fn binary(&mut self, whole: u64, mut rest: u64, twos: u32) {
        debug_assert!(twos <= 60 && rest < 1 << twos);
        self.u64(whole);
        if rest == 0 {
            return;
        }
        self.out.push(b'.');
        let below = (1u64 << twos) - 1;
        while rest != 0 {
            // rest < 2^60, so ten times it fits.
            let tens = rest * 10;
            self.out.push(b'0' + (tens >> twos) as u8);
            rest = tens & below;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn point(digits: u64, places: u32, trim: bool) -> String {
        let mut out = b"x".to_vec();
        assert!(push_point_u64(&mut out, digits, places, trim));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn points_at_the_edges() {
        assert_eq!(point(0, 4, false), "x0.0000");
        assert_eq!(point(0, 4, true), "x0");
        assert_eq!(point(5000, 4, true), "x0.5");
        assert_eq!(point(10000, 4, true), "x1");
        assert_eq!(point(2028, 4, false), "x0.2028");
        assert_eq!(point(7, 0, false), "x7");
        assert_eq!(point(u64::MAX, 19, false), "x1.8446744073709551615");
        assert_eq!(point(u64::MAX, 0, true), "x18446744073709551615");
        assert!(!push_point_u64(&mut Vec::new(), 1, 20, false));
    }

    /// One figure written to a figures, and the text it must give.
    #[derive(Clone, Debug)]
    enum Figure {
        Int(u64),
        Byte(u8),
        Text(Vec<u8>),
        Point(u64, u32, bool),
        Binary(u64, u64, u32),
    }

    fn figure() -> impl Strategy<Value = Figure> {
        let int = (any::<u64>(), 0u32..64).prop_map(|(n, shift)| n >> shift);
        prop_oneof![
            int.clone().prop_map(Figure::Int),
            any::<u8>().prop_map(Figure::Byte),
            proptest::collection::vec(any::<u8>(), 0..100).prop_map(Figure::Text),
            (int.clone(), 0u32..20, any::<bool>()).prop_map(|(n, p, t)| Figure::Point(n, p, t)),
            (int.clone(), int, 0u32..=60).prop_map(|(whole, n, twos)| Figure::Binary(
                whole,
                n & ((1 << twos) - 1),
                twos
            )),
        ]
    }

    proptest! {
        /// Any run of figures, however many, lands in the buffer whole, in
        /// order, as the standard library (and the general writers) write each one.
        #[test]
        fn figures_land_as_written(list in proptest::collection::vec(figure(), 0..40)) {
            let mut out = b"ab".to_vec();
            let mut expected = b"ab".to_vec();
            let mut figures = Figures::new(&mut out);
            for f in &list {
                match f {
                    Figure::Int(n) => {
                        figures.u64(*n);
                        expected.extend_from_slice(n.to_string().as_bytes());
                    }
                    Figure::Byte(b) => {
                        figures.byte(*b);
                        expected.push(*b);
                    }
                    Figure::Text(bytes) => {
                        figures.text(&Text::new(bytes));
                        expected.extend_from_slice(bytes);
                    }
                    Figure::Point(n, places, trim) => {
                        prop_assert!(figures.point(*n, *places, *trim));
                        let mut general = String::new();
                        crate::exact::write_point(&mut general, u128::from(*n), *places, *trim)
                            .unwrap();
                        expected.extend_from_slice(general.as_bytes());
                    }
                    Figure::Binary(whole, rest, twos) => {
                        figures.binary(*whole, *rest, *twos);
                        // As the exact amount's `Display` writes whole + rest / 2^twos.
                        let numer = (u128::from(*whole) << twos) + u128::from(*rest);
                        let exact = crate::exact::Exact::over(numer, *twos, 0);
                        expected.extend_from_slice(exact.to_string().as_bytes());
                    }
                }
            }
            figures.literal(b"--");
            figures.finish();
            expected.extend_from_slice(b"--");
            prop_assert_eq!(out, expected);
        }
    }
}
