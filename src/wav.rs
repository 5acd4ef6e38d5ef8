//! The length of a WAV file's audio, read from its RIFF header: sample frames over the sample
//! rate, as an exact decimal (no float anywhere).
//!
//! Written by hand rather than with a WAV crate: only the header is needed, and the checks a
//! price depends on are stricter than a decoder's. The data chunk must fit in the file (a
//! decoder reads lazily and finds a truncated file only at its end), the rate must be above 0,
//! the block alignment must be the channels times the sample width, and the data must be
//! whole frames. Accepted: PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits, 1 to
//! 8 channels, any rate, as the plain format tags or as WAVE_FORMAT_EXTENSIBLE, with any other
//! chunks (`LIST`, `fact`, `JUNK`, ...) before or after `data`.

use std::io::{self, Read};

use rust_decimal::Decimal;

/// What a WAV file holds, as far as its price goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Audio {
    /// Sample frames (one sample of every channel).
    pub frames: u64,
    /// Frames per second.
    pub rate: u32,
    /// Channels.
    pub channels: u16,
    /// Bits per sample.
    pub bits: u16,
    /// IEEE float samples rather than PCM integers.
    pub float: bool,
}

impl Audio {
    /// Its length in seconds: frames / rate, exact when the quotient is a terminating decimal
    /// of at most 28 places (any rate of 2s and 5s: 8000, 16000, 32000 Hz, ...; and any whole
    /// number of seconds); otherwise rounded up to the nanosecond, so never less than the audio.
    pub fn seconds(&self) -> Decimal {
        let (frames, rate) = (Decimal::from(self.frames), Decimal::from(self.rate));
        if let Some(q) = frames.checked_div(rate)
            && q.checked_mul(rate) == Some(frames)
        {
            return q.normalize();
        }
        // frames < 2^64 and 10^9 < 2^30: the product fits in a u128.
        let nanos = (u128::from(self.frames) * 1_000_000_000).div_ceil(u128::from(self.rate));
        Decimal::from_i128_with_scale(i128::try_from(nanos).unwrap_or(i128::MAX), 9).normalize()
    }
}

/// Why a file is not a WAV dis-price can price.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// Reading failed.
    #[error("cannot be read: {0}")]
    Io(#[from] io::Error),
    /// Not a WAV file, or one whose audio cannot be measured: what was found.
    #[error("{0}")]
    Bad(String),
}

fn bad(message: impl Into<String>) -> WavError {
    WavError::Bad(message.into())
}

/// The standard GUID suffix of a WAVE_FORMAT_EXTENSIBLE sub-format (after its 2-byte tag).
const GUID_TAIL: [u8; 14] = [
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];

/// Format tags by name, for messages about compressed audio.
fn tag_name(tag: u16) -> &'static str {
    match tag {
        0x0002 => " (Microsoft ADPCM)",
        0x0006 => " (A-law)",
        0x0007 => " (mu-law)",
        0x0011 => " (IMA ADPCM)",
        0x0031 => " (GSM 6.10)",
        0x0055 => " (MP3)",
        _ => "",
    }
}

/// Fills `buf`, or says the file ended inside `what`.
fn exact(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), WavError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => bad(format!("ends inside its {what} (truncated)")),
        _ => WavError::Io(e),
    })
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Skips `n` bytes, or says the file ended inside `what`.
fn skip(r: &mut impl Read, n: u64, what: &str) -> Result<u64, WavError> {
    let skipped = io::copy(&mut r.take(n), &mut io::sink())?;
    if skipped < n {
        return Err(bad(format!(
            "ends inside its {what}: the chunk says {n} bytes, the file holds {skipped} (truncated)"
        )));
    }
    Ok(skipped)
}

/// The `fmt ` chunk's body, checked.
struct Format {
    channels: u16,
    rate: u32,
    bits: u16,
    block_align: u16,
    float: bool,
}

fn format(body: &[u8]) -> Result<Format, WavError> {
    if body.len() < 16 {
        return Err(bad(format!(
            "has a fmt chunk of {} bytes; a WAV's is at least 16",
            body.len()
        )));
    }
    let mut tag = u16_at(body, 0);
    let channels = u16_at(body, 2);
    let rate = u32_at(body, 4);
    let block_align = u16_at(body, 12);
    let bits = u16_at(body, 14);
    if tag == 0xFFFE {
        // WAVE_FORMAT_EXTENSIBLE: the real format is the sub-format GUID's first two bytes.
        if body.len() < 40 || u16_at(body, 16) < 22 {
            return Err(bad(
                "says WAVE_FORMAT_EXTENSIBLE but its fmt chunk is too short to hold the sub-format (40 bytes)",
            ));
        }
        if body[26..40] != GUID_TAIL {
            return Err(bad(
                "has a WAVE_FORMAT_EXTENSIBLE sub-format that is not a standard one (PCM or IEEE float)",
            ));
        }
        tag = u16_at(body, 24);
    }
    let float = match (tag, bits) {
        (1, 8 | 16 | 24 | 32) => false,
        (3, 32 | 64) => true,
        (1 | 3, _) => {
            return Err(bad(format!(
                "has {bits}-bit {} samples; dis-price reads PCM of 8, 16, 24 or 32 bits and float of 32 or 64",
                if tag == 1 { "PCM" } else { "float" }
            )));
        }
        _ => {
            return Err(bad(format!(
                "is a compressed WAV (format tag 0x{tag:04X}{}); dis-price reads uncompressed PCM and float WAVs only",
                tag_name(tag)
            )));
        }
    };
    if !(1..=8).contains(&channels) {
        return Err(bad(format!(
            "has {channels} channels; dis-price reads 1 to 8"
        )));
    }
    if rate == 0 {
        return Err(bad("has a sample rate of 0, so its length is not defined"));
    }
    let frame = u32::from(channels) * u32::from(bits / 8);
    if u32::from(block_align) != frame {
        return Err(bad(format!(
            "has a block alignment of {block_align} bytes, not {channels} channel(s) x {bits} bits = {frame}; the header is inconsistent"
        )));
    }
    Ok(Format {
        channels,
        rate,
        bits,
        block_align,
        float,
    })
}

/// Reads a WAV file's header from `r`, and counts its data bytes without decoding them.
pub fn read(mut r: impl Read) -> Result<Audio, WavError> {
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    if got < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        let start = &head[..got.min(4)];
        let shown: String = start
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        return Err(bad(match got {
            0 => "is empty, not a WAV file".to_owned(),
            _ if &head[0..4] == b"RIFF" => "is a RIFF file but not a WAVE one".to_owned(),
            _ => format!(
                "is not a WAV file (it starts with {shown:?}; a WAV starts with \"RIFF\" ... \"WAVE\")"
            ),
        }));
    }
    let mut fmt: Option<Format> = None;
    loop {
        let mut chunk = [0u8; 8];
        let mut got = 0;
        while got < 8 {
            match r.read(&mut chunk[got..])? {
                0 => break,
                n => got += n,
            }
        }
        if got == 0 {
            return Err(bad(if fmt.is_some() {
                "has no data chunk"
            } else {
                "has no fmt chunk"
            }));
        }
        if got < 8 {
            return Err(bad("ends inside a chunk header (truncated)"));
        }
        let id = &chunk[0..4];
        let size = u32_at(&chunk, 4);
        let padded = u64::from(size) + u64::from(size % 2);
        match id {
            b"fmt " => {
                if fmt.is_some() {
                    return Err(bad("has two fmt chunks"));
                }
                let mut body = vec![0u8; usize::try_from(size.min(1024)).unwrap_or(1024)];
                exact(&mut r, &mut body, "fmt chunk")?;
                skip(&mut r, padded - body.len() as u64, "fmt chunk")?;
                fmt = Some(format(&body)?);
            }
            b"data" => {
                let Some(f) = fmt else {
                    return Err(bad("has its data chunk before its fmt chunk"));
                };
                let held = io::copy(&mut (&mut r).take(u64::from(size)), &mut io::sink())?;
                if held < u64::from(size) {
                    return Err(bad(format!(
                        "is truncated: its data chunk says {size} bytes, the file holds {held}"
                    )));
                }
                let align = u64::from(f.block_align);
                if u64::from(size) % align != 0 {
                    return Err(bad(format!(
                        "has a data chunk of {size} bytes, not a whole number of {align}-byte frames"
                    )));
                }
                return Ok(Audio {
                    frames: u64::from(size) / align,
                    rate: f.rate,
                    channels: f.channels,
                    bits: f.bits,
                    float: f.float,
                });
            }
            other => {
                let name = String::from_utf8_lossy(other).into_owned();
                skip(&mut r, padded, &format!("{:?} chunk", name.trim_end()))?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header as written by hand: `fmt` is the fmt chunk's body, `extra` chunks go before
    /// `data`, which says `data_len` bytes and holds `held`.
    fn wav(fmt: &[u8], extra: &[u8], data_len: u32, held: usize) -> Vec<u8> {
        let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
        out.extend_from_slice(b"fmt ");
        out.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
        out.extend_from_slice(fmt);
        out.extend_from_slice(extra);
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
        out.extend(std::iter::repeat_n(0u8, held));
        out
    }

    fn fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * (bits / 8);
        let mut b = Vec::new();
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        b.extend_from_slice(&align.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b
    }

    fn extensible(sub: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let mut b = fmt(0xFFFE, channels, rate, bits);
        b.extend_from_slice(&22u16.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&sub.to_le_bytes());
        b.extend_from_slice(&GUID_TAIL);
        b
    }

    fn seconds(bytes: &[u8]) -> Result<String, String> {
        read(bytes)
            .map(|a| a.seconds().to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn float_and_extensible_headers_with_extra_chunks() {
        // 2 channels of 32-bit float at 8000 Hz: 8 bytes a frame, 20000 frames = 2.5 s.
        assert_eq!(
            seconds(&wav(&fmt(3, 2, 8000, 32), &[], 160_000, 160_000)),
            Ok("2.5".into())
        );
        let mut fact = b"fact".to_vec();
        fact.extend_from_slice(&4u32.to_le_bytes());
        fact.extend_from_slice(&20_000u32.to_le_bytes());
        let mut list = b"LIST".to_vec();
        list.extend_from_slice(&5u32.to_le_bytes());
        list.extend_from_slice(b"INFOx\0"); // odd size, padded
        let extra = [fact, list].concat();
        let file = wav(&extensible(3, 2, 8000, 32), &extra, 160_000, 160_000);
        assert_eq!(seconds(&file), Ok("2.5".into()));
        // 24-bit PCM, 8 channels, extensible: 24 bytes a frame.
        let file = wav(&extensible(1, 8, 48_000, 24), &[], 24 * 12_000, 24 * 12_000);
        assert_eq!(seconds(&file), Ok("0.25".into()));
    }

    #[test]
    fn a_rate_that_does_not_divide_rounds_up_to_the_nanosecond() {
        let audio = Audio {
            frames: 1,
            rate: 24_000,
            channels: 1,
            bits: 16,
            float: false,
        };
        assert_eq!(audio.seconds().to_string(), "0.000041667");
        let whole = Audio {
            frames: 60_000,
            ..audio
        };
        assert_eq!(whole.seconds().to_string(), "2.5");
    }

    #[test]
    fn what_is_refused_says_what_was_found() {
        let cases: [(Vec<u8>, &str); 7] = [
            (
                b"ID3\x04 not a wav at all".to_vec(),
                "is not a WAV file (it starts with \"ID3.\"",
            ),
            (Vec::new(), "is empty"),
            (
                wav(&fmt(0x11, 1, 8000, 4), &[], 0, 0),
                "compressed WAV (format tag 0x0011 (IMA ADPCM))",
            ),
            (wav(&fmt(1, 1, 0, 16), &[], 0, 0), "sample rate of 0"),
            (
                wav(&fmt(1, 1, 8000, 16), &[], 16_000, 100),
                "data chunk says 16000 bytes, the file holds 100",
            ),
            (wav(&fmt(1, 9, 8000, 16), &[], 0, 0), "9 channels"),
            (
                wav(&fmt(1, 2, 8000, 16), &[], 6, 6),
                "not a whole number of 4-byte frames",
            ),
        ];
        for (bytes, said) in cases {
            let e = seconds(&bytes).unwrap_err();
            assert!(e.contains(said), "{e}");
        }
    }
}
