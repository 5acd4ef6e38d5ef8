//! Cutting an input into chunks of whole lines, so they can be read and priced apart.

use std::io::{self, Read};
use std::sync::Mutex;

use super::row::MAX_LINE_BYTES;

/// Buffers handed back after use, to be used again: a run reuses a few buffers instead of
/// asking the allocator (and the kernel, for fresh pages) for new ones for every chunk.
#[derive(Default)]
pub struct Pool {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Pool {
    /// Buffers kept at most; more are freed.
    const KEEP: usize = 32;

    /// A buffer from the pool (its bytes are whatever it last held), or a new empty one.
    pub fn take(&self) -> Vec<u8> {
        self.spare
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    /// Hands a buffer back.
    pub fn give(&self, buffer: Vec<u8>) {
        if let Ok(mut spare) = self.spare.lock()
            && spare.len() < Self::KEEP
            && buffer.capacity() > 0
        {
            spare.push(buffer);
        }
    }
}

/// A chunk of whole lines: `bytes[..len]`. The buffer's bytes after `len` are left from
/// earlier use; the buffer goes back to the [`Pool`] it came from once the chunk is read.
pub struct Chunk {
    bytes: Vec<u8>,
    len: usize,
}

impl Chunk {
    /// The chunk's lines.
    pub fn lines(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The buffer, for the pool.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }
}

/// Chunks of about `size` bytes, each ending at a line end (or the input's end), with the
/// number of their first line. A line longer than the line cap ends a chunk early; reading it
/// then reports the line as too long.
///
/// Bytes are read straight into the chunk's buffer, taken from a [`Pool`] and kept at its full
/// length, so no byte is zeroed or copied on the way (a buffered reader passes a read of at
/// least its own size through to the file once its buffer is empty); the part of a line after
/// a chunk's last line end is carried to the start of the next chunk.
pub struct Chunks<'p, R> {
    input: R,
    next_line: u64,
    size: usize,
    pool: &'p Pool,
    /// The start of a line read after the last chunk's end.
    carry: Vec<u8>,
    /// Whether the input has ended.
    done: bool,
}

impl<'p, R: Read> Chunks<'p, R> {
    /// Chunks of `input`, whose first line is number `first_line`, in buffers from `pool`.
    pub fn new(input: R, first_line: u64, size: usize, pool: &'p Pool) -> Self {
        Chunks {
            input,
            next_line: first_line,
            size: size.max(1),
            pool,
            carry: Vec::new(),
            done: false,
        }
    }

    /// Reads into `buffer[*filled..]` until it is full or the input ends (noted).
    fn fill(&mut self, buffer: &mut [u8], filled: &mut usize) -> io::Result<()> {
        while *filled < buffer.len() {
            match self.input.read(&mut buffer[*filled..]) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(n) => *filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next chunk and its first line number; `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<(Chunk, u64)>> {
        let mut buffer = self.pool.take();
        let want = self.size.max(self.carry.len() + 1);
        if buffer.len() < want {
            buffer.resize(want, 0);
        }
        buffer[..self.carry.len()].copy_from_slice(&self.carry);
        let mut filled = self.carry.len();
        self.carry.clear();
        if !self.done && filled < self.size {
            let size = self.size;
            self.fill(&mut buffer[..size], &mut filled)?;
        }
        // End the chunk at its last line end, reading on while its only line has none.
        let mut searched = 0;
        let mut len = filled;
        while !self.done {
            if let Some(at) = memchr::memrchr(b'\n', &buffer[searched..filled]) {
                len = searched + at + 1;
                self.carry.extend_from_slice(&buffer[len..filled]);
                break;
            }
            if filled > self.size + MAX_LINE_BYTES {
                len = filled;
                break;
            }
            searched = filled;
            if buffer.len() < filled + self.size {
                buffer.resize(filled + self.size, 0);
            }
            let end = filled + self.size;
            self.fill(&mut buffer[..end], &mut filled)?;
            len = filled;
        }
        if len == 0 {
            self.pool.give(buffer);
            return Ok(None);
        }
        let first = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &buffer[..len]).count() as u64;
        Ok(Some((Chunk { bytes: buffer, len }, first)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_line_ends_and_count_lines() {
        let text = b"a\nbb\nccc\ndddd\ne";
        for size in [1, 2, 3, 5, 100] {
            let pool = Pool::default();
            let mut chunks =
                Chunks::new(io::BufReader::with_capacity(3, &text[..]), 2, size, &pool);
            let mut read = Vec::new();
            while let Some((chunk, first)) = chunks.next_chunk().unwrap() {
                let text = chunk.lines().to_vec();
                // Used again, with the bytes of this chunk still in it.
                pool.give(chunk.into_buffer());
                assert!(
                    text.ends_with(b"\n") || text.ends_with(b"e"),
                    "{size}: {text:?}"
                );
                read.push((String::from_utf8(text).unwrap(), first));
            }
            let joined: String = read.iter().map(|(p, _)| p.as_str()).collect();
            assert!(read.iter().all(|(p, _)| !p.is_empty()), "size {size}");
            assert_eq!(joined, "a\nbb\nccc\ndddd\ne", "size {size}");
            // Each chunk's first line number counts the lines before it, from line 2.
            let mut line = 2;
            for (text, first) in &read {
                assert_eq!(*first, line, "size {size}");
                line += text.matches('\n').count() as u64;
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
    fn short_reads_and_lines_longer_than_a_chunk() {
        let text = b"1\n22222222222\n3\n\n4444\n55";
        for size in [1, 2, 4, 64] {
            let pool = Pool::default();
            let mut chunks = Chunks::new(Trickle(text), 1, size, &pool);
            let mut joined = Vec::new();
            let mut line = 1;
            while let Some((chunk, first)) = chunks.next_chunk().unwrap() {
                let text = chunk.lines().to_vec();
                pool.give(chunk.into_buffer());
                assert_eq!(first, line, "size {size}");
                // Every chunk but the last ends at a line end.
                assert!(
                    text.ends_with(b"\n") || text.ends_with(b"55"),
                    "size {size}"
                );
                line += memchr::memchr_iter(b'\n', &text).count() as u64;
                joined.extend_from_slice(&text);
            }
            assert_eq!(joined, text, "size {size}");
        }
    }

    /// Bytes left in a used buffer are never taken for the input's: a buffer full of line
    /// ends, handed out first, changes no chunk.
    #[test]
    fn bytes_left_in_a_used_buffer_are_not_read() {
        let text = b"one\ntwo two\nthree three three";
        for size in [1, 3, 8, 100] {
            let pool = Pool::default();
            for _ in 0..4 {
                pool.give(vec![b'\n'; 64]);
            }
            let mut chunks = Chunks::new(&text[..], 1, size, &pool);
            let mut joined = Vec::new();
            while let Some((chunk, _)) = chunks.next_chunk().unwrap() {
                joined.extend_from_slice(chunk.lines());
                pool.give(chunk.into_buffer());
            }
            assert_eq!(joined, text, "size {size}");
        }
    }
}
