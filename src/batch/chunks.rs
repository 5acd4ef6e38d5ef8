//! Cutting an input into pieces of whole lines, so they can be read and priced apart.

use std::io::{self, BufRead};

use super::input::MAX_LINE_BYTES;

/// Pieces of about `size` bytes, each ending at a line end (or the input's end), with the
/// number of their first line. A line longer than the line cap ends a piece early; reading it
/// then reports the line as too long.
pub struct Chunks<R> {
    input: R,
    next_line: u64,
    size: usize,
}

impl<R: BufRead> Chunks<R> {
    /// Pieces of `input`, whose first line is number `first_line`.
    pub fn new(input: R, first_line: u64, size: usize) -> Self {
        Chunks {
            input,
            next_line: first_line,
            size,
        }
    }

    /// The next piece and its first line number; `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<(Vec<u8>, u64)>> {
        let mut chunk = Vec::with_capacity(self.size + 256);
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                break;
            }
            if chunk.len() < self.size {
                let take = available.len().min(self.size - chunk.len());
                chunk.extend_from_slice(&available[..take]);
                self.input.consume(take);
                continue;
            }
            // Full: finish the line under way.
            if chunk.last() == Some(&b'\n') {
                break;
            }
            match memchr::memchr(b'\n', available) {
                Some(at) => {
                    chunk.extend_from_slice(&available[..=at]);
                    self.input.consume(at + 1);
                    break;
                }
                None => {
                    let n = available.len();
                    chunk.extend_from_slice(available);
                    self.input.consume(n);
                    if chunk.len() > self.size + MAX_LINE_BYTES {
                        break;
                    }
                }
            }
        }
        if chunk.is_empty() {
            return Ok(None);
        }
        let first = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &chunk).count() as u64;
        Ok(Some((chunk, first)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_end_at_line_ends_and_count_lines() {
        let text = b"a\nbb\nccc\ndddd\ne";
        for size in [1, 2, 3, 5, 100] {
            let mut chunks = Chunks::new(io::BufReader::with_capacity(3, &text[..]), 2, size);
            let mut pieces = Vec::new();
            while let Some((piece, first)) = chunks.next_chunk().unwrap() {
                assert!(
                    piece.ends_with(b"\n") || piece.ends_with(b"e"),
                    "{size}: {piece:?}"
                );
                pieces.push((String::from_utf8(piece).unwrap(), first));
            }
            let joined: String = pieces.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(joined, "a\nbb\nccc\ndddd\ne", "size {size}");
            // Each piece's first line number counts the lines before it, from line 2.
            let mut line = 2;
            for (piece, first) in &pieces {
                assert_eq!(*first, line, "size {size}");
                line += piece.matches('\n').count() as u64;
            }
        }
    }
}
