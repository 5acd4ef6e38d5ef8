//! Decimal digits appended to a byte buffer for the per-row hot paths: each figure is built in
//! a small block on the stack and appended as the whole block (a copy whose length is known
//! when compiling, so no call to the C library's copy), then the buffer is cut back to the
//! figure's length.

/// The two digits of each number below 100.
pub const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// 10^0 to 10^19, the powers of ten a `u64` holds.
const POWERS_OF_TEN: [u64; 20] = {
    let mut table = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `'0'` in each byte of a `u64`.
const ASCII_ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);

/// The eight decimal digits of `n` (below 10^8, with leading zeros) as the values 0 to 9 in
/// the bytes of a `u64`, the first digit in the lowest byte (so written little-endian they
/// read in order). Halved three times in lanes: into two halves of four digits (32-bit lanes),
/// each into two pairs (16-bit lanes), each pair into two digits (bytes). A division by 100
/// of a number below 10^4 is a multiplication by 10486 / 2^20, and by 10 of one below 100 by
/// 103 / 2^10, exact at those sizes; no lane's product reaches the next lane.
#[inline(always)]
fn eight_digits(n: u32) -> u64 {
    debug_assert!(n < 100_000_000);
    let halves = u64::from(n / 10_000) | (u64::from(n % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = ((halves - hundreds * 100) << 16) | hundreds;
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    ((pairs - tens * 10) << 8) | tens
}

/// Appends the first `length` bytes of `block` (`length` at most `N`).
#[inline(always)]
pub fn push_block<const N: usize>(out: &mut Vec<u8>, block: &[u8; N], length: usize) {
    out.extend_from_slice(block);
    out.truncate(out.len() - (N - length.min(N)));
}

/// How many decimal digits `n` has: from its length in bits (a bit is log10(2) = 1233 / 4096
/// of a digit, to within one), then one comparison.
#[inline(always)]
fn digit_count(n: u64) -> usize {
    let bits = 64 - (n | 1).leading_zeros() as usize;
    let below = (bits * 1233) >> 12;
    (below + usize::from(n >= POWERS_OF_TEN[below])).max(1)
}

/// Writes the digits of `n` into `block` from `at`; returns where they end. `block` must have
/// room for them.
#[inline(always)]
pub fn write_u64(block: &mut [u8], at: usize, n: u64) -> usize {
    let end = at + digit_count(n);
    write_back(block, end, n);
    end
}

/// Writes the digits of `n` into `block` so that they end at `end`, two at a time.
#[inline(always)]
fn write_back(block: &mut [u8], mut end: usize, mut n: u64) {
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        end -= 2;
        block[end..end + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        block[end - 2..end].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        block[end - 1] = b'0' + n as u8;
    }
}

/// Appends `digits / 10^places` in plain notation (as `exact::write_point` writes it) when
/// `places` is below 20: the whole part, then the point and exactly `places` digits; `trim`
/// drops trailing zeros of the fraction (and the point, if nothing is left). `false`, with
/// nothing written, for more places.
#[inline(always)]
pub fn push_point_u64(out: &mut Vec<u8>, digits: u64, places: u32, trim: bool) -> bool {
    let mut block = Block::new(out);
    let written = block.point(digits, places, trim);
    block.finish();
    written
}

/// A row's figures gathered on the stack and appended to a buffer in whole blocks: each
/// figure is written in place (no copy of a length known only when running, so no call to the
/// C library's copy), and the block goes to the buffer when full and at the end.
pub struct Block<'o> {
    out: &'o mut Vec<u8>,
    bytes: [u8; BLOCK],
    len: usize,
}

/// Bytes a [`Block`] holds.
const BLOCK: usize = 128;

/// The most any one figure written to a [`Block`] takes.
const FIGURE: usize = 96;

/// A text copied into a [`Block`] in one fixed-size copy: its bytes, padded to a multiple of
/// `TEXT` bytes, and its length. Texts longer than two such copies are copied as they are.
#[derive(Clone, Debug, Default)]
pub struct Text {
    padded: Vec<u8>,
    len: usize,
}

/// Bytes of a [`Text`] copied at once.
const TEXT: usize = 32;

impl Text {
    /// `bytes` made ready for copying.
    pub fn new(bytes: &[u8]) -> Text {
        let mut padded = bytes.to_vec();
        padded.resize(bytes.len().next_multiple_of(TEXT).max(TEXT), 0);
        Text {
            padded,
            len: bytes.len(),
        }
    }
}

impl<'o> Block<'o> {
    /// A block that appends to `out`.
    #[inline(always)]
    pub fn new(out: &'o mut Vec<u8>) -> Block<'o> {
        Block {
            out,
            bytes: [0; BLOCK],
            len: 0,
        }
    }

    /// Room for `n` more bytes: what the block holds goes to the buffer first when needed.
    #[inline(always)]
    fn room(&mut self, n: usize) {
        if self.len + n > BLOCK {
            self.flush();
        }
    }

    /// Appends what the block holds to the buffer, and empties it.
    #[inline(always)]
    fn flush(&mut self) {
        // Half the block when the bytes fit it (a CSV row does), else all of it: copies of a
        // length known when compiling, made in place.
        if let (0..=64, Some(head)) = (self.len, self.bytes.first_chunk::<{ BLOCK / 2 }>()) {
            push_block(self.out, head, self.len);
        } else {
            push_block(self.out, &self.bytes, self.len);
        }
        self.len = 0;
    }

    /// The buffer, after what the block holds.
    #[inline(always)]
    pub fn out(&mut self) -> &mut Vec<u8> {
        self.flush();
        self.out
    }

    /// Appends what is left; the block's work is done.
    #[inline(always)]
    pub fn finish(mut self) {
        self.flush();
    }

    /// One byte.
    #[inline(always)]
    pub fn byte(&mut self, b: u8) {
        self.room(1);
        self.bytes[self.len] = b;
        self.len += 1;
    }

    /// The decimal digits of `n`: below 10^8 (line numbers, steps, sides, counts), all eight
    /// at once with no branch, the leading zeros then passed.
    #[inline(always)]
    pub fn u64(&mut self, n: u64) {
        self.room(20);
        match u32::try_from(n) {
            Ok(small) if small < 100_000_000 => {
                let digits = eight_digits(small);
                // Leading zeros are the low bytes; at least one digit is kept.
                let zeros = ((digits.trailing_zeros() / 8) as usize).min(7);
                let bytes = ((digits | ASCII_ZEROS) >> (8 * zeros)).to_le_bytes();
                self.bytes[self.len..self.len + 8].copy_from_slice(&bytes);
                self.len += 8 - zeros;
            }
            _ => self.len = write_u64(&mut self.bytes, self.len, n),
        }
    }

    /// A text made ready by [`Text::new`].
    #[inline(always)]
    pub fn text(&mut self, text: &Text) {
        if text.len <= TEXT
            && let Some(padded) = text.padded.first_chunk::<TEXT>()
        {
            self.fixed(padded, text.len);
        } else if text.len <= 2 * TEXT
            && let Some(padded) = text.padded.first_chunk::<{ 2 * TEXT }>()
        {
            self.fixed(padded, text.len);
        } else {
            self.out().extend_from_slice(&text.padded[..text.len]);
        }
    }

    /// Bytes whose length is known when compiling (the members' names of a JSON row).
    #[inline(always)]
    pub fn literal<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.fixed(bytes, N);
    }

    /// The first `len` of `bytes`, copied as all `N` of them.
    #[inline(always)]
    fn fixed<const N: usize>(&mut self, bytes: &[u8; N], len: usize) {
        if N > BLOCK {
            self.out().extend_from_slice(&bytes[..len]);
            return;
        }
        self.room(N);
        self.bytes[self.len..self.len + N].copy_from_slice(bytes);
        self.len += len;
    }

    /// `digits / 10^places` in plain notation, as [`push_point_u64`] writes it; `false`, with
    /// nothing written, for 20 places or more.
    #[inline(always)]
    pub fn point(&mut self, digits: u64, places: u32, trim: bool) -> bool {
        let Some(&unit) = POWERS_OF_TEN.get(places as usize) else {
            return false;
        };
        // At most 20 whole digits, the point and 19 places (all 19 zeroed first).
        self.room(48);
        let places = places as usize;
        // A price (below 10^8 in units of its last place, at most seven places): its eight
        // digits at once, the point put in, with no division and no branch per digit.
        if let (false, 1..=7, Ok(small @ 0..100_000_000)) = (trim, places, u32::try_from(digits)) {
            let eight = eight_digits(small);
            // Leading zeros of the whole part are passed, but one whole digit is kept.
            let whole = 8 - places;
            let zeros = ((eight.trailing_zeros() / 8) as usize).min(whole - 1);
            let text = eight | ASCII_ZEROS;
            let at = self.len;
            self.bytes[at..at + 8].copy_from_slice(&(text >> (8 * zeros)).to_le_bytes());
            let point = at + whole - zeros;
            self.bytes[point] = b'.';
            self.bytes[point + 1..point + 9].copy_from_slice(&(text >> (8 * whole)).to_le_bytes());
            self.len = point + 1 + places;
            return true;
        }
        let start = self.len;
        let mut end = write_u64(&mut self.bytes, start, digits / unit);
        if places > 0 {
            let point = end;
            self.bytes[point] = b'.';
            end += 1 + places;
            self.bytes[point + 1..point + 20].fill(b'0');
            write_back(&mut self.bytes, end, digits % unit);
            if trim {
                while self.bytes[end - 1] == b'0' {
                    end -= 1;
                }
                if end == point + 1 {
                    end = point;
                }
            }
        }
        self.len = end;
        true
    }

    /// `whole` and then the binary fraction `rest / 2^twos` (`rest` below 2^twos, `twos` at
    /// most 60) in plain notation: the expansion ends, after at most `twos` places; the
    /// point only when there is a fraction.
    #[inline(always)]
    pub fn binary(&mut self, whole: u64, mut rest: u64, twos: u32) {
        debug_assert!(twos <= 60 && rest < 1 << twos);
        self.room(FIGURE);
        self.len = write_u64(&mut self.bytes, self.len, whole);
        if rest == 0 {
            return;
        }
        let below = (1u64 << twos) - 1;
        self.bytes[self.len] = b'.';
        // Past the point: at most 61 digits (a pair may write one past the last).
        let mut length = self.len + 1;
        // Each digit is the fraction times ten, above the point; two digits at a time where a
        // hundred times the fraction fits (a denominator up to 2^57), from a table.
        while twos <= 57 && rest != 0 {
            let hundreds = rest * 100;
            let pair = (hundreds >> twos) as usize * 2;
            self.bytes[length..length + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
            rest = hundreds & below;
            length += 2;
        }
        while rest != 0 {
            // rest < 2^60, so ten times it fits.
            let tens = rest * 10;
            self.bytes[length] = b'0' + (tens >> twos) as u8;
            rest = tens & below;
            length += 1;
        }
        // A pair's second digit may be past the expansion's last, a zero.
        if self.bytes[length - 1] == b'0' {
            length -= 1;
        }
        self.len = length;
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

    /// One figure written to a block, and the text it must give.
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
        /// Any run of figures, however many fill the block, lands in the buffer whole, in
        /// order, as the standard library (and the general writers) write each one.
        #[test]
        fn figures_land_as_written(figures in proptest::collection::vec(figure(), 0..40)) {
            let mut out = b"ab".to_vec();
            let mut expected = b"ab".to_vec();
            let mut block = Block::new(&mut out);
            for f in &figures {
                match f {
                    Figure::Int(n) => {
                        block.u64(*n);
                        expected.extend_from_slice(n.to_string().as_bytes());
                    }
                    Figure::Byte(b) => {
                        block.byte(*b);
                        expected.push(*b);
                    }
                    Figure::Text(bytes) => {
                        block.text(&Text::new(bytes));
                        expected.extend_from_slice(bytes);
                    }
                    Figure::Point(n, places, trim) => {
                        prop_assert!(block.point(*n, *places, *trim));
                        let mut general = String::new();
                        crate::exact::write_point(&mut general, u128::from(*n), *places, *trim)
                            .unwrap();
                        expected.extend_from_slice(general.as_bytes());
                    }
                    Figure::Binary(whole, rest, twos) => {
                        block.binary(*whole, *rest, *twos);
                        // As the exact amount's `Display` writes whole + rest / 2^twos.
                        let numer = (u128::from(*whole) << twos) + u128::from(*rest);
                        let exact = crate::exact::Exact::over(numer, *twos, 0);
                        expected.extend_from_slice(exact.to_string().as_bytes());
                    }
                }
            }
            block.literal(b"--");
            block.finish();
            expected.extend_from_slice(b"--");
            prop_assert_eq!(out, expected);
        }
    }
}
