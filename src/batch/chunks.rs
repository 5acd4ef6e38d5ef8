//! Cutting an input into pieces of whole lines, so they can be read and priced apart.

use std::io::{self, Read};

use super::input::MAX_LINE_BYTES;

/// Pieces of about `size` bytes, each ending at a line end (or the input's end), with the
/// number of their first line. A line longer than the line cap ends a piece early; reading it
/// then reports the line as too long.
///
/// Bytes are read straight into the piece (a buffered reader passes a large read through to
/// the file once its own buffer is empty); the part of a line after a piece's last line end
/// is carried to the start of the next piece.
pub struct Chunks<R> {
    input: R,
    next_line: u64,
    size: usize,
    /// The start of a line read after the last piece's end.
    carry: Vec<u8>,
    /// Whether the input has ended.
    done: bool,
}

impl<R: Read> Chunks<R> {
    /// Pieces of `input`, whose first line is number `first_line`.
    pub fn new(input: R, first_line: u64, size: usize) -> Self {
        Chunks {
            input,
            next_line: first_line,
            size: size.max(1),
            carry: Vec::new(),
            done: false,
        }
    }

    /// Reads up to `want` more bytes onto the end of `chunk`; notes the input's end.
    fn fill(&mut self, chunk: &mut Vec<u8>, want: usize) -> io::Result<()> {
        chunk.reserve(want);
        let before = chunk.len();
        (&mut self.input).take(want as u64).read_to_end(chunk)?;
        if chunk.len() - before < want {
            self.done = true;
        }
        Ok(())
    }

    /// The next piece and its first line number; `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<(Vec<u8>, u64)>> {
        let mut chunk = Vec::with_capacity(self.size.max(self.carry.len()) + 256);
        chunk.append(&mut self.carry);
        if !self.done && chunk.len() < self.size {
            let want = self.size - chunk.len();
            self.fill(&mut chunk, want)?;
        }
        // End the piece at its last line end, reading on while its only line has none.
        let mut searched = 0;
        while !self.done {
            if let Some(at) = memchr::memrchr(b'\n', &chunk[searched..]) {
                let end = searched + at + 1;
                self.carry.extend_from_slice(&chunk[end..]);
                chunk.truncate(end);
                break;
            }
            if chunk.len() > self.size + MAX_LINE_BYTES {
                break;
            }
            searched = chunk.len();
            self.fill(&mut chunk, self.size)?;
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
            assert!(pieces.iter().all(|(p, _)| !p.is_empty()), "size {size}");
            assert_eq!(joined, "a\nbb\nccc\ndddd\ne", "size {size}");
            // Each piece's first line number counts the lines before it, from line 2.
            let mut line = 2;
            for (piece, first) in &pieces {
                assert_eq!(*first, line, "size {size}");
                line += piece.matches('\n').count() as u64;
            }
        }
    }

    /// A reader that gives one byte per read, as a slow pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn short_reads_and_lines_longer_than_a_piece() {
        let text = b"1\n22222222222\n3\n\n4444\n55";
        for size in [1, 2, 4, 64] {
            let mut chunks = Chunks::new(Trickle(text), 1, size);
            let mut joined = Vec::new();
            let mut line = 1;
            while let Some((piece, first)) = chunks.next_chunk().unwrap() {
                assert_eq!(first, line, "size {size}");
                // Every piece but the last ends at a line end.
                assert!(
                    piece.ends_with(b"\n") || piece.ends_with(b"55"),
                    "size {size}"
                );
                line += memchr::memchr_iter(b'\n', &piece).count() as u64;
                joined.extend_from_slice(&piece);
            }
            assert_eq!(joined, text, "size {size}");
        }
    }
}
