//! Running a batch: the input cut into pieces of whole lines, each piece read, priced and
//! rendered into its own buffers, the buffers written in input order. When rows need no
//! renderer state (CSV rows, or totals only), pieces are priced on every core.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex, mpsc};

use crate::batch::chunks::{Block, Chunks, Pool};
use std::borrow::Cow;

use crate::batch::input::{Body, InputError, Row};
use crate::batch::jsonl::LinesBefore;
use crate::batch::{OutOfRange, Priced, Pricer, RowError, Totals};
use crate::error::Error;
use crate::job::Breach;
use crate::render::{BatchHeader, BatchSink, Paint};
use crate::tariff::Tariff;

/// Bytes per piece: large enough that handing pieces around costs nothing next to pricing them,
/// small enough that the pieces in flight stay well within a few MiB. CSV lines are short and
/// their rows are written longer than they are read; JSON Lines request bodies are long (a few
/// hundred bytes each) and their rows shorter, so their pieces are larger.
const PIECE_BYTES: usize = 64 * 1024;

/// Bytes per piece of JSON Lines (see [`PIECE_BYTES`]): a piece holds a few thousand request
/// bodies, so each hand-over between threads is paid once per few thousand rows (at 256 KiB,
/// waking threads was 5% of the time of a summary). The pieces in flight (two per core) and
/// their rows stay within about 15 MiB.
const JSONL_PIECE_BYTES: usize = 1024 * 1024;

/// How a batch runs.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Report bad rows and go on, instead of stopping at the first.
    pub skip_invalid: bool,
    /// Render per-job rows.
    pub rows: bool,
    /// Price pieces on every core (rows, if any, rendered by `Batch::worker_sink`).
    pub parallel: bool,
    /// Styling of warnings.
    pub err_paint: Paint,
    /// Whether the input may still turn out to be a mixed workload (JSON Lines not scanned
    /// for chat or speech keys first): the run then stops, with nothing written, at the first
    /// line that holds such a key or at a row that stops the run, and [`run`] returns `None`.
    /// A summary also stops so at anything it would write to standard error; per-job output
    /// (and its messages) is held instead, up to [`HELD_BYTES`], and written once the input
    /// is known to hold image jobs only: read to its end, or the rest scanned by
    /// [`Batch::verify`].
    pub provisional: bool,
}

/// Output a provisional per-job run holds at most (see [`Settings::provisional`]); past it,
/// the rest of the input is scanned for chat and speech keys before anything is written.
pub const HELD_BYTES: usize = 32 << 20;

/// What one piece produced.
struct Piece {
    out: Vec<u8>,
    err: Vec<u8>,
    /// Where each message for standard error goes among the rows: `(out.len(), err.len())`
    /// after it was added, so a merged log (`2>&1`) reads in input order.
    marks: Vec<(usize, usize)>,
    /// For each mark, the out-of-range breach its message first reports, with its line: the
    /// emitter writes each distinct breach once, for the whole input.
    breaches: Vec<Option<(BreachKey, u64)>>,
    /// Rows of this piece with a breach already reported in it: they get no message.
    repeats: HashMap<BreachKey, u64>,
    totals: Totals,
    good_rows: u64,
    stop: Option<Error>,
    /// A line read by the general path holds a chat or speech key (looked for only in a
    /// provisional run).
    metered: bool,
    /// Bytes of input the piece read.
    read: u64,
}

/// An out-of-range breach: the model's index, the part and its value.
type BreachKey = (usize, &'static str, u32);

impl Piece {
    /// A piece that renders into `out` (a buffer used before: emptied here).
    fn new(tariff: &Tariff, mut out: Vec<u8>) -> Piece {
        out.clear();
        Piece {
            out,
            err: Vec::new(),
            marks: Vec::new(),
            breaches: Vec::new(),
            repeats: HashMap::new(),
            totals: Totals::new(tariff),
            good_rows: 0,
            stop: None,
            metered: false,
            read: 0,
        }
    }

    /// Adds a message for standard error, after the rows rendered so far.
    fn note(&mut self, message: std::fmt::Arguments<'_>) {
        let _ = self.err.write_fmt(message);
        self.marks.push((self.out.len(), self.err.len()));
        self.breaches.push(None);
    }

    /// Reports a row outside a model's limit, priced anyway: the first row of each distinct
    /// breach gets a message, later ones are counted.
    fn breach(&mut self, row: &Priced<'_>, (what, value): OutOfRange, warn: &str) {
        let key = (row.model_index, what, value);
        if let Some(n) = self.repeats.get_mut(&key) {
            *n += 1;
            return;
        }
        self.repeats.insert(key, 0);
        let breach = Breach::new(row.model, what, value);
        self.note(format_args!(
            "{warn} line {}: {breach}; the API would refuse it, priced anyway\n",
            row.line
        ));
        if let Some(last) = self.breaches.last_mut() {
            *last = Some((key, row.line));
        }
    }

    /// Takes in the rows, messages and counts of a piece read after this one's last line.
    /// Takes in a line priced alone by the general path: its output, messages, breaches, rows
    /// and totals; `false` when the run must stop (`stop` says why).
    fn absorb(&mut self, alone: Piece) -> bool {
        if alone.metered {
            self.metered = true;
            return false;
        }
        self.good_rows += alone.good_rows;
        self.append(&alone);
        if let Err(e) = self.totals.merge(&alone.totals) {
            self.stop = Some(e.into());
            return false;
        }
        if alone.stop.is_some() {
            self.stop = alone.stop;
            return false;
        }
        true
    }

    fn append(&mut self, alone: &Piece) {
        let (out_base, err_base) = (self.out.len(), self.err.len());
        self.out.extend_from_slice(&alone.out);
        self.err.extend_from_slice(&alone.err);
        for &(out_at, err_at) in &alone.marks {
            self.marks.push((out_base + out_at, err_base + err_at));
        }
        self.breaches.extend_from_slice(&alone.breaches);
        for (&key, &n) in &alone.repeats {
            *self.repeats.entry(key).or_insert(0) += n;
        }
    }

    /// Adds a priced row: its out-of-range messages, its sums, and its rendering when rows
    /// are wanted; `false` when the run must stop (`stop` says why).
    #[inline(always)]
    fn take<'k>(
        &mut self,
        (priced, breaches): (Priced<'_>, Vec<OutOfRange>),
        warn: &str,
        sink: Option<&mut (dyn BatchSink + 'k)>,
        header: &BatchHeader<'_>,
        settings: Settings,
    ) -> bool {
        for b in breaches {
            self.breach(&priced, b, warn);
        }
        if let Err(e) = self.totals.add(&priced) {
            self.stop = Some(e.into());
            return false;
        }
        self.good_rows += 1;
        if let (true, Some(sink)) = (settings.rows, sink)
            && let Err(e) = sink.job(&mut self.out, header, &priced)
        {
            self.stop = Some(e.into());
            return false;
        }
        true
    }
}

/// One piece of JSON Lines: each plain request body is read in one pass over its bytes where
/// it lies in the piece, then priced, summed and rendered; any other line, or a body the
/// pricer refuses, is read on its own by [`price_rows`], which writes its row or its message.
#[allow(clippy::too_many_arguments)]
fn body_piece<'k, 'p, 't: 'p>(
    body: &Body,
    piece: &'p [u8],
    first_line: u64,
    pricer: &Pricer<'t>,
    mut sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> Piece {
    let mut result = Piece::new(header.tariff, out);
    if settings.rows {
        // Rows are written shorter than request bodies: room for them all, grown once at most.
        result.out.reserve(piece.len() / 2);
    }
    let warn = settings.err_paint.warning("warning:");
    let mut start = 0;
    let mut line = first_line;
    let mut before = LinesBefore::default();
    // The model named by the last plain body, and its index.
    let mut known: Option<(&str, usize)> = None;
    let mut price = |row: Row<'p>| {
        let index = match (&row.model, known) {
            // A model named as the line before is the same text (see `LinesBefore`).
            (Some(name), Some((last, index)))
                if std::ptr::eq::<str>(name.as_ref(), last) || **name == *last =>
            {
                index
            }
            _ => {
                let index = pricer.model_index(&row)?;
                if let Some(Cow::Borrowed(name)) = row.model {
                    known = Some((name, index));
                }
                index
            }
        };
        pricer.price_at(row, index)
    };
    while start < piece.len() {
        // The line is found by reading it; the line end is looked for only when it is not plain.
        if let Some((row, length)) = body.plain_line(line, &piece[start..], &mut before)
            && let Ok(priced) = price(row)
        {
            if !result.take(priced, &warn, sink.as_deref_mut(), header, settings) {
                return result;
            }
            start += length;
            line += 1;
            continue;
        }
        let end = memchr::memchr(b'\n', &piece[start..]).map_or(piece.len(), |at| start + at + 1);
        let alone = price_rows(
            body,
            &piece[start..end],
            line,
            pricer,
            sink.as_deref_mut(),
            header,
            settings,
            Vec::new(),
        );
        if !result.absorb(alone) {
            return result;
        }
        start = end;
        line += 1;
    }
    result
}

/// Totals of one piece of a numeric-only CSV file for a summary: each plain line goes from its
/// decoded job straight to the integer totals; any other line (blank, unusual, bad, outside
/// the limits) is read on its own by [`price_rows`], which also reports it.
fn total_piece(
    body: &Body,
    piece: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    header: &BatchHeader<'_>,
    settings: Settings,
) -> Piece {
    let tariff = header.tariff;
    let model_index = tariff.default_model_index();
    let model = &tariff.models[model_index];
    // A default model with no rate on the day: every row is reported by the general path.
    let Some(slot) = pricer.default_slot(model_index) else {
        return price_rows(
            body,
            piece,
            first_line,
            pricer,
            None,
            header,
            settings,
            Vec::new(),
        );
    };
    let mut result = Piece::new(tariff, Vec::new());
    let mut start = 0;
    let mut line = first_line;
    while start < piece.len() {
        let end = memchr::memchr(b'\n', &piece[start..]).map_or(piece.len(), |at| start + at + 1);
        let whole = &piece[start..end];
        let content = whole.strip_suffix(b"\n").unwrap_or(whole);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        let job = body
            .plain_request(content)
            .map(|request| request.resolve(model).job);
        match job {
            Some(job) if job.within(model) => {
                if let Err(e) = result.totals.add_job(slot, &job, false) {
                    result.stop = Some(e.into());
                    return result;
                }
                result.good_rows += 1;
            }
            _ => {
                let alone = price_rows(
                    body,
                    whole,
                    line,
                    pricer,
                    None,
                    header,
                    settings,
                    Vec::new(),
                );
                // `alone` renders no rows: its messages all go here.
                if !result.absorb(alone) {
                    return result;
                }
            }
        }
        start = end;
        line += 1;
    }
    result
}

/// Reads, prices and renders one piece of whole lines: the summary fast path when it applies
/// (totals only, a CSV whose columns are all numbers, a model with no minimum, so no per-row
/// price is needed), JSON Lines body by body, else row by row.
#[allow(clippy::too_many_arguments)]
fn price_piece<'k>(
    body: &Body,
    piece: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> Piece {
    let lean =
        !settings.rows && body.numeric_only() && header.tariff.default_model().minimum.is_zero();
    let mut result = if lean {
        total_piece(body, piece, first_line, pricer, header, settings)
    } else if body.is_jsonl() {
        body_piece(body, piece, first_line, pricer, sink, header, settings, out)
    } else {
        price_rows(body, piece, first_line, pricer, sink, header, settings, out)
    };
    result.read = piece.len() as u64;
    result
}

/// Reads, prices and renders one piece of whole lines, row by row.
#[allow(clippy::too_many_arguments)]
fn price_rows<'k>(
    body: &Body,
    piece: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    mut sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> Piece {
    let mut result = Piece::new(header.tariff, out);
    if settings.provisional && body.is_jsonl() && crate::batch::mixed::has_metered_key(piece) {
        result.metered = true;
        return result;
    }
    let mut rows = body.rows(piece, first_line);
    let warn = settings.err_paint.warning("warning:");
    let skip = |bad: RowError, result: &mut Piece| {
        if settings.skip_invalid {
            result.note(format_args!("{warn} skipped {bad}\n"));
            result.totals.skipped += 1;
            false
        } else {
            result.stop = Some(bad.into());
            true
        }
    };
    loop {
        let row = match rows.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => return result,
            Err(Err(fatal)) => {
                result.stop = Some(fatal.into());
                return result;
            }
            Err(Ok(bad)) => {
                if skip(bad, &mut result) {
                    return result;
                }
                continue;
            }
        };
        match pricer.price(row) {
            Ok(priced) => {
                if !result.take(priced, &warn, sink.as_deref_mut(), header, settings) {
                    return result;
                }
            }
            Err(bad) => {
                if skip(bad, &mut result) {
                    return result;
                }
            }
        }
    }
}

/// Writes pieces in order and keeps the running totals.
struct Emitter<'s, 'w> {
    sink: &'s mut dyn BatchSink,
    totals: Totals,
    started: bool,
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
    /// Index in `reported` of each breach reported.
    seen: HashMap<BreachKey, usize>,
    /// See [`Settings::provisional`].
    provisional: bool,
    /// Each distinct breach in the order reported: its first line and how many rows after it
    /// had it too.
    reported: Vec<(BreachKey, u64, u64)>,
    /// The pieces of a provisional per-job run, held until the input is known to hold image
    /// jobs only (see [`Settings::provisional`]), with their output's size and the input
    /// they read; `None` in any other run.
    held: Option<Held>,
    /// Whether the input from a byte offset (as read by this run) holds no chat or speech
    /// key; see [`Batch::verify`].
    verify: Option<Verify<'w>>,
    /// See [`Batch::held_bytes`].
    held_bytes: usize,
    /// Output buffers written and handed back, for pieces to render into again.
    spare: &'s Pool,
    /// The input's name, for errors.
    name: &'w str,
}

/// See [`Batch::verify`].
pub type Verify<'a> = &'a (dyn Fn(u64) -> Result<bool, Error> + Sync);

/// Pieces held by a provisional per-job run.
#[derive(Default)]
struct Held {
    pieces: Vec<Piece>,
    bytes: usize,
    read: u64,
}

impl Emitter<'_, '_> {
    /// Writes a piece, or holds it; `false`, with nothing written, when a provisional run must
    /// stop there.
    fn emit(&mut self, mut piece: Piece, header: &BatchHeader<'_>) -> Result<bool, Error> {
        if self.provisional && (piece.metered || piece.stop.is_some()) {
            return Ok(false);
        }
        if piece.metered {
            // After the rest of the input was scanned and found to hold image jobs only: the
            // file changed (grew) since.
            return Err(Error::Input(InputError::changed(
                self.name,
                "a line holding a chat or speech key was read after the input was scanned and found to hold image jobs only",
            )));
        }
        let Some(held) = &mut self.held else {
            if self.provisional && !piece.err.is_empty() {
                return Ok(false);
            }
            return self.write(piece, header);
        };
        piece.out.shrink_to_fit();
        piece.err.shrink_to_fit();
        held.bytes += piece.out.len() + piece.err.len();
        held.read += piece.read;
        held.pieces.push(piece);
        if held.bytes <= self.held_bytes {
            return Ok(true);
        }
        // Past the cap: the rest of the input decides.
        let from = held.read;
        match self.verify {
            Some(verify) if verify(from)? => self.release(header),
            _ => Ok(false),
        }
    }

    /// Writes the held pieces: the input is known to hold image jobs only.
    fn release(&mut self, header: &BatchHeader<'_>) -> Result<bool, Error> {
        self.provisional = false;
        for piece in self.held.take().map(|h| h.pieces).unwrap_or_default() {
            self.write(piece, header)?;
        }
        Ok(true)
    }

    /// Writes a piece, and hands its output buffer back.
    fn write(&mut self, mut piece: Piece, header: &BatchHeader<'_>) -> Result<bool, Error> {
        // The first job written drops what only separates it from the one before.
        let mut skip = 0;
        if piece.good_rows > 0 && !std::mem::replace(&mut self.started, true) {
            self.sink.begin(self.out, header)?;
            let lead = self.sink.lead();
            if piece.out.starts_with(lead) {
                skip = lead.len();
            }
        }
        let end = (piece.out.len(), piece.err.len());
        let mut from = (skip, 0);
        for (i, &(out_at, err_at)) in piece.marks.iter().chain([&end]).enumerate() {
            let out_at = out_at.max(skip);
            self.out.write_all(&piece.out[from.0..out_at])?;
            let first = match piece.breaches.get(i).copied().flatten() {
                Some((key, line)) => self.first(key, line, 1),
                None => true,
            };
            if first {
                self.err.write_all(&piece.err[from.1..err_at])?;
            }
            from = (out_at, err_at);
        }
        for (&key, &n) in &piece.repeats {
            if n > 0 {
                // Reported above, or by an earlier piece.
                self.first(key, 0, n);
            }
        }
        self.totals.merge(&piece.totals)?;
        self.spare.give(std::mem::take(&mut piece.out));
        match piece.stop {
            Some(stop) => Err(stop),
            None => Ok(true),
        }
    }

    /// Whether `key` is reported here for the first time; else counts `rows` more of it.
    fn first(&mut self, key: BreachKey, line: u64, rows: u64) -> bool {
        match self.seen.get(&key) {
            Some(&at) => {
                self.reported[at].2 += rows;
                false
            }
            None => {
                self.seen.insert(key, self.reported.len());
                self.reported.push((key, line, 0));
                true
            }
        }
    }

    /// After the last piece: the pieces still held (the whole input was read, and no line
    /// holds a chat or speech key), then how many more rows had each breach already reported,
    /// in one write.
    fn finish(mut self, header: &BatchHeader<'_>, paint: Paint) -> Result<(Totals, bool), Error> {
        if self.held.is_some() {
            self.release(header)?;
        }
        let warn = paint.warning("warning:");
        let mut text = String::new();
        for &((model, what, value), line, more) in &self.reported {
            if more > 0 {
                let breach = Breach::new(&header.tariff.models[model], what, value);
                let rows = if more == 1 { "row" } else { "rows" };
                text.push_str(&format!(
                    "{warn} {breach} in {more} more {rows} after line {line}; the API would refuse them, priced anyway\n"
                ));
            }
        }
        if !text.is_empty() {
            self.err.write_all(text.as_bytes())?;
        }
        Ok((self.totals, self.started))
    }
}

/// What a batch run needs besides its input and output.
pub struct Batch<'a> {
    /// The columns and the first line of the rows.
    pub body: &'a Body,
    /// The input's name, for errors.
    pub name: &'a str,
    /// Prices rows.
    pub pricer: &'a Pricer<'a>,
    /// What renderers are told.
    pub header: &'a BatchHeader<'a>,
    /// How to run.
    pub settings: Settings,
    /// A renderer of rows for one worker, when pieces are priced in parallel with rows: it
    /// must keep no state between rows (each worker renders its pieces alone).
    pub worker_sink: fn() -> Box<dyn BatchSink>,
    /// For a provisional per-job run: whether the input, from a byte offset counted from
    /// where this run starts reading it, holds no chat or speech key. `None` stops such a run
    /// once it holds `held_bytes`.
    pub verify: Option<Verify<'a>>,
    /// Output a provisional per-job run holds at most ([`HELD_BYTES`]).
    pub held_bytes: usize,
}

/// Runs the rows after the header: `input` is positioned at `batch.body.next_line()`. Returns
/// the totals and whether any row was written (so `begin` was called); the caller writes the
/// end (`sink.end`) with them. `None` when a provisional run stopped (see
/// [`Settings::provisional`]): nothing was written.
pub fn run(
    batch: &Batch<'_>,
    input: Box<dyn BufRead + '_>,
    sink: &mut dyn BatchSink,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Option<(Totals, bool)>, Error> {
    let Batch {
        body,
        name,
        pricer,
        header,
        settings,
        worker_sink,
        verify,
        held_bytes,
    } = *batch;
    let tariff: &Tariff = header.tariff;
    let size = if body.is_jsonl() {
        JSONL_PIECE_BYTES
    } else {
        PIECE_BYTES
    };
    let pool = Pool::default();
    // Output buffers go round as input buffers do: a piece's rows are rendered into a buffer
    // already faulted in, not fresh pages.
    let spare = Pool::default();
    let mut chunks = Chunks::new(input, body.next_line(), size, &pool);
    let cannot_read = |source| {
        Error::Input(InputError::Io {
            name: name.to_owned(),
            source,
        })
    };
    let mut emitter = Emitter {
        sink,
        totals: Totals::new(tariff),
        started: false,
        out,
        err,
        seen: HashMap::new(),
        reported: Vec::new(),
        provisional: settings.provisional,
        held: (settings.provisional && settings.rows).then(Held::default),
        verify,
        held_bytes,
        spare: &spare,
        name,
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if !settings.parallel || workers < 2 {
        while let Some((piece, first)) = chunks.next_chunk().map_err(cannot_read)? {
            let result = price_piece(
                body,
                piece.lines(),
                first,
                pricer,
                Some(&mut *emitter.sink),
                header,
                settings,
                spare.take(),
            );
            pool.give(piece.into_buffer());
            if !emitter.emit(result, header)? {
                return Ok(None);
            }
        }
        return emitter.finish(header, settings.err_paint).map(Some);
    }
    let rows_sink = || settings.rows.then(worker_sink);
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::channel::<(u64, Block, u64)>();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Piece)>();
        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (work_rx, done_tx) = (Arc::clone(&work_rx), done_tx.clone());
            let (pool, spare) = (&pool, &spare);
            let mut sink = rows_sink();
            handles.push(scope.spawn(move || {
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, piece, first))) = next else {
                        return;
                    };
                    let result = price_piece(
                        body,
                        piece.lines(),
                        first,
                        pricer,
                        sink.as_deref_mut(),
                        header,
                        settings,
                        spare.take(),
                    );
                    pool.give(piece.into_buffer());
                    if done_tx.send((seq, result)).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(done_tx);
        // At most this many pieces are read but not yet written: memory stays bounded.
        let limit = 2 * workers as u64;
        let (mut sent, mut next) = (0u64, 0u64);
        let mut waiting: BTreeMap<u64, Piece> = BTreeMap::new();
        let mut more = true;
        // `Ok(false)`: the run stops with nothing more written (see `Emitter::emit`).
        let result = (|| -> Result<bool, Error> {
            loop {
                while more && sent - next < limit {
                    match chunks.next_chunk().map_err(cannot_read)? {
                        Some((piece, first)) => {
                            // A closed channel means every worker has stopped: nothing to do but end.
                            if work_tx.send((sent, piece, first)).is_err() {
                                more = false;
                            }
                            sent += 1;
                        }
                        None => more = false,
                    }
                }
                if next == sent {
                    break Ok(true);
                }
                let Ok((seq, piece)) = done_rx.recv() else {
                    break Ok(true);
                };
                waiting.insert(seq, piece);
                while let Some(piece) = waiting.remove(&next) {
                    if !emitter.emit(piece, header)? {
                        return Ok(false);
                    }
                    next += 1;
                }
            }
        })();
        // No more work: each worker ends, and is joined whole (its thread's own state released,
        // not left to the end of the scope) before the run goes on.
        drop((work_tx, done_rx));
        for handle in handles {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        if !result? {
            return Ok(None);
        }
        emitter.finish(header, settings.err_paint).map(Some)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{InputFormat, ReadOptions, Rows};
    use std::sync::Mutex;

    const IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;
    const CHAT: &str =
        r#"{"model":"Llama-3.3 70B","usage":{"prompt_tokens":1200,"completion_tokens":300}}"#;

    /// `count` image bodies with `at` lines put in at their line numbers (1-based): about
    /// 110 bytes a line, so 12,000 lines are two pieces of JSON Lines.
    fn lines(count: usize, at: &[(usize, &str)]) -> Vec<u8> {
        let mut text = String::new();
        for line in 1..=count {
            text.push_str(at.iter().find(|(n, _)| *n == line).map_or(IMAGE, |a| a.1));
            text.push('\n');
        }
        text.into_bytes()
    }

    /// Per-job CSV rows of `text`: whether the run ended (`None` when a provisional run
    /// stopped) and what it wrote to each stream.
    fn priced(
        text: &[u8],
        parallel: bool,
        provisional: bool,
        held_bytes: usize,
        verify: Option<&(dyn Fn(u64) -> Result<bool, Error> + Sync)>,
    ) -> (Option<bool>, Vec<u8>, Vec<u8>) {
        let (ran, out, err) = try_priced(text, parallel, provisional, held_bytes, verify);
        (ran.unwrap(), out, err)
    }

    /// [`priced`], with the run's error.
    fn try_priced(
        text: &[u8],
        parallel: bool,
        provisional: bool,
        held_bytes: usize,
        verify: Option<&(dyn Fn(u64) -> Result<bool, Error> + Sync)>,
    ) -> (Result<Option<bool>, Error>, Vec<u8>, Vec<u8>) {
        let tariff = Tariff::builtin().unwrap();
        let rows = Rows::open(
            "t".into(),
            std::io::Cursor::new(text.to_vec()),
            Some(InputFormat::Jsonl),
            ReadOptions::default(),
        )
        .unwrap();
        let (input, body) = rows.into_body();
        let pricer = Pricer::new(&tariff, false, true);
        let header = BatchHeader {
            tariff: &tariff,
            extra: &[],
            summary_only: false,
            dated: tariff.is_dated(),
        };
        let batch = Batch {
            body: &body,
            name: "t",
            pricer: &pricer,
            header: &header,
            settings: Settings {
                skip_invalid: false,
                rows: true,
                parallel,
                err_paint: Paint { enabled: false },
                provisional,
            },
            worker_sink: || Box::<crate::render::csv::Batch>::default(),
            verify,
            held_bytes,
        };
        let mut sink = crate::render::csv::Batch::default();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let ran = run(&batch, Box::new(input), &mut sink, &mut out, &mut err);
        (ran.map(|r| r.map(|(_, started)| started)), out, err)
    }

    /// A chat line read after the rest of the input was scanned and found image-only (the file
    /// grew, or changed, since) ends the run with an error, not a row left out.
    #[test]
    fn a_chat_line_after_the_scan_said_image_only_is_an_error() {
        let text = lines(12_000, &[(11_999, CHAT)]);
        let lying = |_: u64| Ok(true);
        for parallel in [true, false] {
            let (ran, _, _) = try_priced(&text, parallel, true, 100, Some(&lying));
            let message = ran.unwrap_err().to_string();
            assert!(message.contains("changed while it was read"), "{message}");
        }
    }

    /// A provisional run past its cap asks about the rest of the input once, from the end of
    /// what it holds (a line's start); told it is image-only, it writes what a run that knew
    /// so writes; told otherwise, nothing.
    #[test]
    fn a_held_run_past_its_cap_asks_about_the_rest_once() {
        let text = lines(12_000, &[]);
        for parallel in [true, false] {
            let known = priced(&text, parallel, false, 0, None);
            assert_eq!(known.0, Some(true));
            for answer in [true, false] {
                let asked = Mutex::new(Vec::new());
                let verify = |from: u64| {
                    asked.lock().unwrap().push(from);
                    Ok(answer)
                };
                let (ran, out, err) = priced(&text, parallel, true, 100, Some(&verify));
                let asked = asked.into_inner().unwrap();
                assert_eq!(asked.len(), 1, "{asked:?}");
                // The end of the first piece: its last whole line within a piece's bytes.
                let first_piece = memchr::memrchr(b'\n', &text[..JSONL_PIECE_BYTES]).unwrap() + 1;
                assert_eq!(asked[0] as usize, first_piece);
                if answer {
                    assert_eq!((ran, &out, &err), (Some(true), &known.1, &known.2));
                } else {
                    assert_eq!(ran, None);
                    assert!(out.is_empty() && err.is_empty());
                }
            }
        }
    }

    /// Within its cap, a provisional run asks nothing: the whole input was read, every line
    /// looked at. A chat line stops it, with nothing written, wherever it is: among what it
    /// holds, or in the rest it asks about.
    #[test]
    fn a_chat_line_stops_a_held_run_before_or_after_its_cap() {
        let never = |_: u64| -> Result<bool, Error> { panic!("asked within the cap") };
        let image_only = lines(12_000, &[]);
        for parallel in [true, false] {
            let known = priced(&image_only, parallel, false, 0, None);
            let held = priced(&image_only, parallel, true, usize::MAX, Some(&never));
            assert_eq!(held, known);
            for at in [1, 6_000, 11_999] {
                let text = lines(12_000, &[(at, CHAT)]);
                let (ran, out, err) = priced(&text, parallel, true, usize::MAX, Some(&never));
                assert_eq!(ran, None, "chat at {at}");
                assert!(out.is_empty() && err.is_empty());
                let scan = |from: u64| {
                    Ok(!crate::batch::mixed::has_metered_key(
                        &text[from as usize..],
                    ))
                };
                let (ran, out, err) = priced(&text, parallel, true, 100, Some(&scan));
                assert_eq!(ran, None, "chat at {at}, past the cap");
                assert!(out.is_empty() && err.is_empty());
            }
        }
    }
}
