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

/// Appends the first `length` bytes of `block` (`length` at most `N`).
#[inline(always)]
pub fn push_block<const N: usize>(out: &mut Vec<u8>, block: &[u8; N], length: usize) {
    out.extend_from_slice(block);
    out.truncate(out.len() - (N - length.min(N)));
}

/// Appends the decimal digits of `n`.
#[inline(always)]
pub fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut block = [0u8; 20];
    let length = write_u64(&mut block, 0, n);
    push_block(out, &block, length);
}

/// Appends `bytes` as they are: through a block of 32 when they fit one (a model's name).
#[inline(always)]
pub fn push_short(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        0..=32 => {
            let mut block = [0u8; 32];
            block[..bytes.len()].copy_from_slice(bytes);
            push_block(out, &block, bytes.len());
        }
        _ => out.extend_from_slice(bytes),
    }
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
    let Some(&unit) = POWERS_OF_TEN.get(places as usize) else {
        return false;
    };
    let places = places as usize;
    // The whole part (at most 20 digits), the point, the fraction (at most 19).
    let mut block = [b'0'; 40];
    let mut end = write_u64(&mut block, 0, digits / unit);
    if places > 0 {
        block[end] = b'.';
        let point = end;
        end += 1 + places;
        // Zeros are there already: the fraction's digits are written at its end.
        write_back(&mut block, end, digits % unit);
        if trim {
            while block[end - 1] == b'0' {
                end -= 1;
            }
            if end == point + 1 {
                end = point;
            }
        }
    }
    push_block(out, &block, end);
    true
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

    proptest! {
        /// Every figure as the standard library writes it, after what the buffer held.
        #[test]
        fn integers_as_the_standard_library_writes_them(n in any::<u64>(), shift in 0u32..64) {
            let n = n >> shift;
            let mut out = b"ab".to_vec();
            push_u64(&mut out, n);
            prop_assert_eq!(String::from_utf8(out).unwrap(), format!("ab{n}"));
        }

        /// Every placing of the point as the general writer places it.
        #[test]
        fn points_as_the_general_writer_writes_them(
            n in any::<u64>(), shift in 0u32..64, places in 0u32..20, trim in any::<bool>(),
        ) {
            let n = n >> shift;
            let mut general = String::from("x");
            crate::exact::write_point(&mut general, u128::from(n), places, trim).unwrap();
            prop_assert_eq!(point(n, places, trim), general);
        }

        #[test]
        fn short_bytes_are_appended_as_they_are(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let mut out = b"ab".to_vec();
            push_short(&mut out, &bytes);
            prop_assert_eq!(&out[..2], b"ab");
            prop_assert_eq!(&out[2..], &bytes[..]);
        }
    }
}
