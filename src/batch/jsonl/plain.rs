//! The one speed-only part of the JSON Lines fast path: passing the plain characters of a
//! string many bytes at a time. Measured A/B with `benches/run.sh`'s inputs (1M request
//! bodies, medians of 11 paired runs, 2 cores, 2026-12-06): against a byte-at-a-time loop
//! (`plainly` in the tests below) `batch --summary` takes 29% more wall time; the SSE2 blocks
//! alone, against the word-at-a-time loop alone, pay 6.7%. Both stay by the 5% rule.

/// The place of the first byte at or after `at` that is not a plain character in a JSON
/// string (printable ASCII other than `"` and `\\`), or a place past the end of `bytes`.
/// Sixteen bytes at a time with vector compares where the processor has them (SSE2, part of
/// every x86-64), eight at a time in a `u64` otherwise and for the last bytes.
#[inline(always)]
pub fn skip_plain(bytes: &[u8], mut at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use safe_arch::*;
        let quote = set_splat_i8_m128i(b'"' as i8);
        let backslash = set_splat_i8_m128i(b'\\' as i8);
        let space = set_splat_i8_m128i(0x20);
        // Whole blocks of 16 from `at`, with no bounds to check inside the loop.
        let (blocks, _) = bytes.get(at..).unwrap_or_default().as_chunks::<16>();
        for block in blocks {
            let v = load_unaligned_m128i(block);
            // Signed: below 0x20 (a control character) or past ASCII (negative).
            let other = cmp_lt_mask_i8_m128i(v, space);
            let stops = bitor_m128i(
                cmp_eq_mask_i8_m128i(v, quote),
                cmp_eq_mask_i8_m128i(v, backslash),
            );
            let mask = move_mask_i8_m128i(bitor_m128i(stops, other));
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 16;
        }
    }
    loop {
        let mask = specials(bytes, at);
        if mask != 0 {
            return at + mask.trailing_zeros() as usize / 8;
        }
        at += BLOCK;
    }
}

/// Bytes looked at together when passing plain characters in a string: one `u64`.
const BLOCK: usize = 8;

/// The high bit of each byte of a `u64` that is not a plain character in a JSON string
/// (printable ASCII other than `"` and `\`), read from `BLOCK` bytes at `at`; past the end
/// of `bytes` every byte counts as not plain, so the mask of a block that runs past the end is
/// never 0. Only the lowest bit set is exact (a borrow can also set a bit in a byte above a
/// true one), and it is the only one used: it marks the first byte that is not plain.
#[inline(always)]
fn specials(bytes: &[u8], at: usize) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let word = match bytes.get(at..at + BLOCK) {
        Some(whole) => u64::from_le_bytes(whole.try_into().unwrap_or_default()),
        None => {
            let mut block = [0u8; BLOCK];
            let rest = bytes.get(at..).unwrap_or_default();
            block[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(block)
        }
    };
    // A byte below `n` (`n` at most 0x80) or equal to 0 sets its high bit here.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    (control | quote | backslash | word) & HIGH
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The plain twin: one byte at a time.
    fn plainly(bytes: &[u8], mut at: usize) -> usize {
        while let Some(&b) = bytes.get(at) {
            if !(0x20..0x80).contains(&b) || b == b'"' || b == b'\\' {
                return at;
            }
            at += 1;
        }
        at
    }

    /// Text that is mostly plain, with a byte of each kind that stops the scan now and then.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            8 => 0x20u8..0x7f,
            1 => prop::sample::select(vec![b'"', b'\\', 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xff]),
        ];
        prop::collection::vec(byte, 0..80)
    }

    proptest! {
        /// From any place, the scan stops at the byte the plain loop stops at; at the end of
        /// the text, at or past it.
        #[test]
        fn stops_where_the_plain_loop_stops(bytes in text(), at in 0usize..90) {
            let at = at.min(bytes.len());
            let stop = super::skip_plain(&bytes, at);
            let plain = plainly(&bytes, at);
            if plain < bytes.len() {
                prop_assert_eq!(stop, plain);
            } else {
                prop_assert!(stop >= bytes.len());
            }
        }
    }
}
