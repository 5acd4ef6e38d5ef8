//! A table drawn a row at a time, exactly as comfy-table draws one in the `UTF8_FULL_CONDENSED`
//! style with one space of padding, for tables too large to hold (a grid of a million cells, a
//! batch of ten million jobs): the columns are sized first (from every value, or from the rows
//! held so far), then each row is drawn as it comes.
//!
//! Rows are written either cell by cell into a line buffer ([`Frame::start`], [`Frame::cell`],
//! [`Frame::end`]: figures, plain ASCII, one reused buffer) or whole ([`Frame::row`]: any text,
//! a cell of several lines drawn over as many lines, widths counted in terminal columns).
//!
//! Columns marked to wrap ([`Frame::wrapping`]) give way when a table would be wider than it
//! should be ([`Frame::narrow_to`]): their text is broken at spaces onto more lines, never
//! inside a word, so nothing is cut.

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

pub(super) struct Frame {
    header: Vec<String>,
    widths: Vec<usize>,
    right: Vec<bool>,
    /// Which columns may break their text at spaces.
    wrap: Vec<bool>,
    /// Each column's widest word seen: how narrow a wrapping column can be.
    words: Vec<usize>,
}

/// The terminal width of a cell's widest line.
fn width(cell: &str) -> usize {
    if cell.is_ascii() && !cell.contains('\n') {
        return cell.len();
    }
    cell.split('\n').map(str::width).max().unwrap_or(0)
}

/// The terminal width of a cell's widest word.
fn widest_word(cell: &str) -> usize {
    cell.split(['\n', ' ']).map(str::width).max().unwrap_or(0)
}

/// `cell` with each line broken into lines of at most `limit` columns: between its phrases
/// (`20 steps, 1024x1024` before `1024x1024`), else between words; a word wider than that keeps
/// a line of its own.
fn wrapped(cell: &str, limit: usize) -> Cow<'_, str> {
    if width(cell) <= limit {
        return Cow::Borrowed(cell);
    }
    let mut lines: Vec<String> = Vec::new();
    for line in cell.split('\n') {
        let mut current = String::new();
        for phrase in line.split_inclusive(", ") {
            let phrase = phrase.trim_end_matches(' ');
            // A phrase too wide for a line of its own goes word by word.
            let pieces: Vec<&str> = if phrase.width() > limit {
                phrase.split(' ').collect()
            } else {
                vec![phrase]
            };
            for piece in pieces {
                if current.is_empty() {
                    current.push_str(piece);
                } else if current.width() + 1 + piece.width() <= limit {
                    current.push(' ');
                    current.push_str(piece);
                } else {
                    lines.push(std::mem::replace(&mut current, piece.to_owned()));
                }
            }
        }
        lines.push(current);
    }
    Cow::Owned(lines.join("\n"))
}

impl Frame {
    /// A frame with these column names, as wide as they are; `right(i)` right-aligns column i.
    pub(super) fn new<'a>(
        header: impl Iterator<Item = &'a str>,
        right: impl Fn(usize) -> bool,
    ) -> Frame {
        let header: Vec<String> = header.map(str::to_owned).collect();
        let widths = header.iter().map(|h| width(h)).collect();
        let words = header.iter().map(|h| widest_word(h)).collect();
        let right = (0..header.len()).map(right).collect();
        let wrap = vec![false; header.len()];
        Frame {
            header,
            widths,
            right,
            wrap,
            words,
        }
    }

    /// The frame with column `i` breaking its text at spaces where `wrap(i)`.
    pub(super) fn wrapping(mut self, wrap: impl Fn(usize) -> bool) -> Frame {
        self.wrap = (0..self.header.len()).map(wrap).collect();
        self
    }

    /// The width of the whole table, borders included.
    pub(super) fn width(&self) -> usize {
        self.widths.iter().sum::<usize>() + 3 * self.widths.len() + 1
    }

    /// Narrows the wrapping columns, the widest first, until the table is at most `limit`
    /// columns wide; a table that cannot get there without breaking a word keeps its cells
    /// whole (breaking them would not make it fit).
    pub(super) fn narrow_to(&mut self, limit: usize) {
        let narrowest: usize = (0..self.widths.len())
            .map(|i| {
                if self.wrap[i] {
                    self.words[i].min(self.widths[i])
                } else {
                    self.widths[i]
                }
            })
            .sum::<usize>()
            + 3 * self.widths.len()
            + 1;
        if narrowest > limit {
            return;
        }
        while self.width() > limit {
            let widest = (0..self.widths.len())
                .filter(|&i| self.wrap[i] && self.widths[i] > self.words[i])
                .max_by_key(|&i| (self.widths[i], std::cmp::Reverse(i)));
            match widest {
                Some(i) => self.widths[i] -= 1,
                None => break,
            }
        }
    }

    /// Widens column `i` to hold `width` columns of text.
    pub(super) fn fit(&mut self, i: usize, width: usize) {
        if let Some(w) = self.widths.get_mut(i) {
            *w = (*w).max(width);
        }
    }

    /// Widens the columns to hold `cells` on their own lines.
    pub(super) fn fit_row(&mut self, cells: &[String]) {
        for (i, cell) in cells.iter().enumerate() {
            self.fit(i, width(cell));
            if let Some(w) = self.words.get_mut(i) {
                *w = (*w).max(widest_word(cell));
            }
        }
    }

    /// Starts the frame again for a row that did not fit: the columns keep their widths, grown
    /// to hold `cells`, and a wrapping column may narrow again down to the widest word of the
    /// header and `cells` (see [`Frame::narrow_to`]).
    pub(super) fn restart(&mut self, cells: &[String]) {
        self.words = self.header.iter().map(|h| widest_word(h)).collect();
        self.fit_row(cells);
    }

    /// Whether `cells` fit the columns as they are: a wrapping column's cell when each of its
    /// words does.
    pub(super) fn fits(&self, cells: &[String]) -> bool {
        cells.iter().enumerate().all(|(i, cell)| {
            let need = if self.wrap.get(i) == Some(&true) {
                widest_word(cell)
            } else {
                width(cell)
            };
            self.widths.get(i).is_some_and(|&w| need <= w)
        })
    }

    fn rule(&self, out: &mut dyn Write, [left, fill, join, right]: [&str; 4]) -> io::Result<()> {
        let mut line = String::from(left);
        for (i, w) in self.widths.iter().enumerate() {
            if i > 0 {
                line.push_str(join);
            }
            for _ in 0..w + 2 {
                line.push_str(fill);
            }
        }
        line.push_str(right);
        line.push('\n');
        out.write_all(line.as_bytes())
    }

    /// The top rule, the header and the rule under it.
    pub(super) fn top(&self, out: &mut dyn Write) -> io::Result<()> {
        self.rule(out, ["┌", "─", "┬", "┐"])?;
        self.row(out, &self.header)?;
        self.rule(out, ["╞", "═", "╪", "╡"])
    }

    pub(super) fn bottom(&self, out: &mut dyn Write) -> io::Result<()> {
        self.rule(out, ["└", "─", "┴", "┘"])
    }

    pub(super) fn start(&self, line: &mut Vec<u8>) {
        line.extend_from_slice("│".as_bytes());
    }

    /// Column `i`'s text, plain ASCII (one byte, one column), padded to its width.
    pub(super) fn cell(&self, line: &mut Vec<u8>, i: usize, text: &[u8]) {
        self.padded(line, i, text, text.len());
    }

    /// Column `i`'s `text`, `width` columns wide on a terminal, padded to the column's width.
    fn padded(&self, line: &mut Vec<u8>, i: usize, text: &[u8], width: usize) {
        if i > 0 {
            line.extend_from_slice("┆".as_bytes());
        }
        let pad = self.widths[i].saturating_sub(width);
        line.push(b' ');
        if self.right[i] {
            line.extend(std::iter::repeat_n(b' ', pad));
            line.extend_from_slice(text);
        } else {
            line.extend_from_slice(text);
            line.extend(std::iter::repeat_n(b' ', pad));
        }
        line.push(b' ');
    }

    pub(super) fn end(&self, line: &mut Vec<u8>) {
        line.extend_from_slice("│\n".as_bytes());
    }

    /// One row of any text, over as many lines as its tallest cell (wrapping cells broken to
    /// their column's width first).
    pub(super) fn row(&self, out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
        let wrapped: Vec<Cow<'_, str>> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| match self.wrap.get(i) {
                Some(true) => wrapped(c, self.widths[i]),
                _ => Cow::Borrowed(c.as_str()),
            })
            .collect();
        let cells = &wrapped;
        let height = cells.iter().map(|c| c.matches('\n').count() + 1).max();
        let mut line = Vec::new();
        for k in 0..height.unwrap_or(1) {
            self.start(&mut line);
            for (i, cell) in cells.iter().enumerate() {
                let text = cell.split('\n').nth(k).unwrap_or("");
                self.padded(&mut line, i, text.as_bytes(), width(text));
            }
            self.end(&mut line);
        }
        out.write_all(&line)
    }

    /// A whole table of `rows`, sized to them and narrowed to `limit` columns where its
    /// wrapping columns allow.
    pub(super) fn table(
        mut self,
        out: &mut dyn Write,
        rows: &[Vec<String>],
        limit: usize,
    ) -> io::Result<()> {
        self.begin(out, rows, limit)?;
        self.bottom(out)
    }

    /// Sizes the columns to `rows`, narrowed to `limit` where the wrapping columns allow, and
    /// draws the header and the rows; later rows may follow before [`Frame::bottom`].
    pub(super) fn begin(
        &mut self,
        out: &mut dyn Write,
        rows: &[Vec<String>],
        limit: usize,
    ) -> io::Result<()> {
        for row in rows {
            self.fit_row(row);
        }
        self.narrow_to(limit);
        self.top(out)?;
        for row in rows {
            self.row(out, row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same table drawn by comfy-table.
    fn comfy(header: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
        let names = header.iter().map(|h| h.to_string()).collect();
        let mut table = super::super::new_table(names, right);
        for row in rows {
            table.add_row(row.clone());
        }
        format!("{table}\n")
    }

    /// Drawn cell by cell, as the grids draw their figures.
    fn by_cell(header: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
        let mut frame = Frame::new(header.iter().copied(), |i| right.contains(&i));
        for row in rows {
            for (i, text) in row.iter().enumerate() {
                frame.fit(i, text.len());
            }
        }
        let mut drawn = Vec::new();
        frame.top(&mut drawn).unwrap();
        for row in rows {
            let mut line = Vec::new();
            frame.start(&mut line);
            for (i, text) in row.iter().enumerate() {
                frame.cell(&mut line, i, text.as_bytes());
            }
            frame.end(&mut line);
            drawn.extend_from_slice(&line);
        }
        frame.bottom(&mut drawn).unwrap();
        String::from_utf8(drawn).unwrap()
    }

    /// Drawn row by row, as a batch draws its jobs.
    fn by_row(header: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
        let mut drawn = Vec::new();
        Frame::new(header.iter().copied(), |i| right.contains(&i))
            .table(&mut drawn, rows, usize::MAX)
            .unwrap();
        String::from_utf8(drawn).unwrap()
    }

    #[test]
    fn figures_drawn_cell_by_cell_are_what_comfy_table_draws() {
        type Case<'a> = (&'a [&'a str], &'a [usize], Vec<Vec<&'a str>>);
        let cases: [Case<'_>; 4] = [
            (
                &["steps", "256x256", "1024x1024"],
                &[0, 1, 2],
                vec![
                    vec!["1", "0.0001", "0.0012"],
                    vec!["1000", "12.3456", "1.2060"],
                ],
            ),
            (
                &["steps", "size", "old", "new", "difference", "change"],
                &[0, 2, 3, 4, 5],
                vec![
                    vec!["10", "256x256", "0.0008", "0.0008", "+0.0001", "+10.00%"],
                    vec![
                        "1",
                        "1x1",
                        "0",
                        "79228162514264337593543950335",
                        "-0.00005",
                        "from 0",
                    ],
                ],
            ),
            (&["x"], &[], vec![vec![""], vec!["a much longer value"]]),
            (&["left", "right"], &[1], vec![]),
        ];
        for (header, right, rows) in cases {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            let comfy = comfy(header, right, &rows);
            assert_eq!(by_cell(header, right, &rows), comfy);
            assert_eq!(by_row(header, right, &rows), comfy);
        }
    }

    /// A cell: a few lines of letters, digits, blanks and wide characters, or nothing.
    fn cell() -> impl Strategy<Value = String> {
        proptest::collection::vec("[a-z0-9 ,.]{0,6}|[0-9]{1,9}|[é日本]{1,3}", 0..4)
            .prop_map(|lines| lines.join("\n"))
    }

    #[test]
    fn a_cell_breaks_between_phrases_then_words_never_inside_one() {
        assert_eq!(wrapped("20 steps, 1024x1024", 19), "20 steps, 1024x1024");
        assert_eq!(wrapped("20 steps, 1024x1024", 12), "20 steps,\n1024x1024");
        assert_eq!(
            wrapped("default: steps, size, count", 16),
            "default: steps,\nsize, count"
        );
        assert_eq!(wrapped("1,000,000 tokens in", 12), "1,000,000\ntokens in");
        assert_eq!(wrapped("a\nwordier words", 6), "a\nwordier\nwords");
        assert_eq!(wrapped("unbreakable", 3), "unbreakable");
    }

    proptest! {
        /// A wrapped cell keeps every word, in order, and each of its lines fits the limit
        /// unless it is one word wider than that.
        #[test]
        fn wrapping_keeps_every_word_and_fits_where_words_allow(
            text in "[a-z,]{1,8}( [a-z,]{1,8}){0,8}",
            limit in 1usize..30,
        ) {
            let out = wrapped(&text, limit);
            let words = |t: &str| t.split([' ', '\n']).map(str::to_owned).collect::<Vec<_>>();
            prop_assert_eq!(words(&out), words(&text));
            for line in out.split('\n') {
                prop_assert!(line.width() <= limit || !line.contains(' '), "{:?}", line);
            }
        }

        /// Any text drawn row by row is what comfy-table draws: borders, widths in terminal
        /// columns, alignment, and a cell of several lines over as many lines.
        #[test]
        fn text_drawn_row_by_row_is_what_comfy_table_draws(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 0..6),
            right in proptest::collection::vec(0..3usize, 0..3),
        ) {
            let header = ["line", "usage 日本", "price"];
            prop_assert_eq!(by_row(&header, &right, &rows), comfy(&header, &right, &rows));
        }
    }
}
