//! Running a batch: the input cut into chunks of whole lines, each chunk read, priced and
//! rendered into its own buffers, the buffers written in input order. When rows need no
//! renderer state (CSV rows, or totals only), chunks are priced on every core.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex, mpsc};

use crate::batch::chunks::{Chunk, Chunks, Pool};
use std::borrow::Cow;

use crate::batch::row::{InputError, Row};
use crate::batch::rows::Body;
use crate::batch::{OutOfRange, Priced, PricedItem, Pricer, RowError, Totals};
use crate::error::Error;
use crate::job::Breach;
use crate::render::{BatchHeader, BatchSink, Paint};
use crate::tariff::{Model, Tariff};

/// Bytes per chunk: large enough that handing chunks around costs nothing next to pricing them,
/// small enough that the chunks in flight stay well within a few MiB. CSV lines are short and
/// their rows are written longer than they are read; JSON Lines request bodies are long (a few
/// hundred bytes each) and their rows shorter, so their chunks are larger.
const PIECE_BYTES: usize = 64 * 1024;

/// Bytes per chunk of JSON Lines (see [`PIECE_BYTES`]): a chunk holds a few thousand request
/// bodies, so each hand-over between threads is paid once per few thousand rows (at 256 KiB,
/// waking threads was 5% of the time of a summary). The chunks in flight (two per core) and
/// their rows stay within about 15 MiB.
const JSONL_PIECE_BYTES: usize = 1024 * 1024;

/// How a batch runs.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Report bad rows and go on, instead of stopping at the first.
    pub skip_invalid: bool,
    /// Render per-job rows.
    pub rows: bool,
    /// Price chunks on every core (rows, if any, rendered by `Batch::worker_sink`).
    pub parallel: bool,
    /// Styling of warnings.
    pub err_paint: Paint,
}

/// What one chunk produced.
struct ChunkOutput {
    out: Vec<u8>,
    err: Vec<u8>,
    /// Where each message for standard error goes among the rows: `(out.len(), err.len())`
    /// after it was added, so a merged log (`2>&1`) reads in input order.
    marks: Vec<(usize, usize)>,
    /// For each mark, the out-of-range breach its message first reports, with its line: the
    /// emitter writes each distinct breach once, for the whole input.
    breaches: Vec<Option<(BreachKey, u64)>>,
    /// Rows of this chunk with a breach already reported in it: they get no message.
    repeats: HashMap<BreachKey, u64>,
    totals: Totals,
    good_rows: u64,
    stop: Option<Error>,
}

/// An out-of-range breach: the model's index, the part and its value.
type BreachKey = (usize, &'static str, u32);

impl ChunkOutput {
    /// A chunk that renders into `out` (a buffer used before: emptied here).
    fn new(tariff: &Tariff, mut out: Vec<u8>) -> ChunkOutput {
        out.clear();
        ChunkOutput {
            out,
            err: Vec::new(),
            marks: Vec::new(),
            breaches: Vec::new(),
            repeats: HashMap::new(),
            totals: Totals::new(tariff),
            good_rows: 0,
            stop: None,
        }
    }

    /// Adds a message for standard error, after the rows rendered so far.
    fn note(&mut self, message: std::fmt::Arguments<'_>) {
        let _ = self.err.write_fmt(message);
        self.marks.push((self.out.len(), self.err.len()));
        self.breaches.push(None);
    }

    /// Reports a row (its model's index, its model and its line) outside a model's limit,
    /// priced anyway: the first row of each distinct breach gets a message, later ones are
    /// counted.
    fn breach(
        &mut self,
        (index, model, line): (usize, &Model, u64),
        (what, value): OutOfRange,
        warn: &str,
    ) {
        let key = (index, what, value);
        if let Some(n) = self.repeats.get_mut(&key) {
            *n += 1;
            return;
        }
        self.repeats.insert(key, 0);
        let breach = Breach::new(model, what, value);
        self.note(format_args!(
            "{warn} line {line}: {breach}; the API would refuse it, priced anyway\n"
        ));
        if let Some(last) = self.breaches.last_mut() {
            *last = Some((key, line));
        }
    }

    /// Adds a priced row: its out-of-range messages, its sums, and its rendering when rows
    /// are wanted; `false` when the run must stop (`stop` says why).
    fn take_item<'k>(
        &mut self,
        (priced, breaches): (PricedItem<'_>, Vec<OutOfRange>),
        warn: &str,
        sink: Option<&mut (dyn BatchSink + 'k)>,
        header: &BatchHeader<'_>,
        settings: Settings,
    ) -> bool {
        let row = match priced {
            PricedItem::Image(priced) => {
                return self.take((priced, breaches), warn, sink, header, settings);
            }
            PricedItem::Metered(row) => row,
        };
        for b in breaches {
            self.breach((row.model_index, row.model, row.line), b, warn);
        }
        if let Err(e) = self.totals.add_metered(&row) {
            self.stop = Some(e.into());
            return false;
        }
        self.good_rows += 1;
        if let (true, Some(sink)) = (settings.rows, sink)
            && let Err(e) = sink.metered(&mut self.out, header, &row)
        {
            self.stop = Some(e.into());
            return false;
        }
        true
    }

    /// Adds a priced image job: see [`ChunkOutput::take_item`].
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
            self.breach((priced.model_index, priced.model, priced.line), b, warn);
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

/// One chunk of JSON Lines: each plain request body is read in one pass over its bytes where
/// it lies in the chunk, then priced, summed and rendered; any other line, or a body the
/// pricer refuses, is read on its own by [`price_into`], which writes its row or its message.
#[allow(clippy::too_many_arguments)]
fn body_chunk<'k, 'p, 't: 'p>(
    body: &Body,
    chunk: &'p [u8],
    first_line: u64,
    pricer: &Pricer<'t>,
    mut sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> ChunkOutput {
    let mut result = ChunkOutput::new(header.tariff, out);
    if settings.rows {
        // Rows are written shorter than request bodies: room for them all, grown once at most.
        result.out.reserve(chunk.len() / 2);
    }
    let warn = settings.err_paint.warning("warning:");
    let mut start = 0;
    let mut line = first_line;
    // The model named by the last plain body, and its index.
    let mut known: Option<(&str, usize)> = None;
    let mut price = |row: Row<'p>| {
        let index = match (&row.model, known) {
            // A model named as the line before is the same model.
            (Some(name), Some((last, index))) if **name == *last => index,
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
    while start < chunk.len() {
        // The line is found by reading it; the line end is looked for only when it is not plain.
        if let Some((row, length)) = body.plain_line(line, &chunk[start..])
            && let Ok(priced) = price(row)
        {
            if !result.take(priced, &warn, sink.as_deref_mut(), header, settings) {
                return result;
            }
            start += length;
            line += 1;
            continue;
        }
        let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |at| start + at + 1);
        let lines = &chunk[start..end];
        if !price_into(
            &mut result,
            body,
            lines,
            line,
            pricer,
            sink.as_deref_mut(),
            header,
            settings,
        ) {
            return result;
        }
        start = end;
        line += 1;
    }
    result
}

/// Totals of one chunk of a numeric-only CSV file for a summary: each plain line goes from its
/// decoded job straight to the integer totals; any other line (blank, unusual, bad, outside
/// the limits) is read on its own by [`price_into`], which also reports it.
fn total_chunk(
    body: &Body,
    chunk: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    header: &BatchHeader<'_>,
    settings: Settings,
) -> ChunkOutput {
    let tariff = header.tariff;
    let model_index = tariff.default_model_index();
    let model = &tariff.models[model_index];
    // A default model with no rate on the day: every row is reported by the general path.
    let Some(slot) = pricer.default_slot(model_index) else {
        return price_rows(
            body,
            chunk,
            first_line,
            pricer,
            None,
            header,
            settings,
            Vec::new(),
        );
    };
    let mut result = ChunkOutput::new(tariff, Vec::new());
    let mut start = 0;
    let mut line = first_line;
    while start < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |at| start + at + 1);
        let whole = &chunk[start..end];
        let content = whole.strip_suffix(b"\n").unwrap_or(whole);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        // A CSV row is a job row, not a request body: no default of it is marked.
        let job = body
            .plain_request(content)
            .map(|request| request.resolve(model).job);
        match job {
            Some(job) if job.within(model) => {
                if let Err(e) = result.totals.add_job(slot, &job, false, false) {
                    result.stop = Some(e.into());
                    return result;
                }
                result.good_rows += 1;
            }
            _ => {
                if !price_into(
                    &mut result,
                    body,
                    whole,
                    line,
                    pricer,
                    None,
                    header,
                    settings,
                ) {
                    return result;
                }
            }
        }
        start = end;
        line += 1;
    }
    result
}

/// Reads, prices and renders one chunk of whole lines: the summary fast path when it applies
/// (totals only, a CSV whose columns are all numbers, a model with no minimum, so no per-row
/// price is needed), JSON Lines body by body, else row by row.
#[allow(clippy::too_many_arguments)]
fn price_chunk<'k>(
    body: &Body,
    chunk: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> ChunkOutput {
    let lean =
        !settings.rows && body.numeric_only() && header.tariff.default_model().minimum.is_zero();
    if lean {
        total_chunk(body, chunk, first_line, pricer, header, settings)
    } else if body.is_jsonl() {
        body_chunk(body, chunk, first_line, pricer, sink, header, settings, out)
    } else {
        price_rows(body, chunk, first_line, pricer, sink, header, settings, out)
    }
}

/// Reads, prices and renders one chunk of whole lines, row by row.
#[allow(clippy::too_many_arguments)]
fn price_rows<'k>(
    body: &Body,
    chunk: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
    out: Vec<u8>,
) -> ChunkOutput {
    let mut result = ChunkOutput::new(header.tariff, out);
    price_into(
        &mut result,
        body,
        chunk,
        first_line,
        pricer,
        sink,
        header,
        settings,
    );
    result
}

/// Reads, prices and renders whole lines row by row into `result`; `false` when the run must
/// stop (`result.stop` says why).
#[allow(clippy::too_many_arguments)]
fn price_into<'k>(
    result: &mut ChunkOutput,
    body: &Body,
    lines: &[u8],
    first_line: u64,
    pricer: &Pricer<'_>,
    mut sink: Option<&mut (dyn BatchSink + 'k)>,
    header: &BatchHeader<'_>,
    settings: Settings,
) -> bool {
    let mut rows = body.rows(lines, first_line);
    let warn = settings.err_paint.warning("warning:");
    let skip = |bad: RowError, result: &mut ChunkOutput| {
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
            Ok(None) => return true,
            Err(Err(fatal)) => {
                result.stop = Some(fatal.into());
                return false;
            }
            Err(Ok(bad)) => {
                if skip(bad, result) {
                    return false;
                }
                continue;
            }
        };
        match pricer.price_item(row) {
            Ok(priced) => {
                if !result.take_item(priced, &warn, sink.as_deref_mut(), header, settings) {
                    return false;
                }
            }
            Err(bad) => {
                if skip(bad, result) {
                    return false;
                }
            }
        }
    }
}

/// Writes chunks in order and keeps the running totals.
struct Emitter<'s, 'w> {
    sink: &'s mut dyn BatchSink,
    totals: Totals,
    started: bool,
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
    /// Index in `reported` of each breach reported.
    seen: HashMap<BreachKey, usize>,
    /// Each distinct breach in the order reported: its first line and how many rows after it
    /// had it too.
    reported: Vec<(BreachKey, u64, u64)>,
    /// Output buffers written and handed back, for chunks to render into again.
    spare: &'s Pool,
}

impl Emitter<'_, '_> {
    /// Writes a chunk, and hands its output buffer back.
    fn write(&mut self, mut chunk: ChunkOutput, header: &BatchHeader<'_>) -> Result<(), Error> {
        // The first job written drops what only separates it from the one before.
        let mut skip = 0;
        if chunk.good_rows > 0 && !std::mem::replace(&mut self.started, true) {
            self.sink.begin(self.out, header)?;
            let lead = self.sink.lead();
            if chunk.out.starts_with(lead) {
                skip = lead.len();
            }
        }
        let end = (chunk.out.len(), chunk.err.len());
        let mut from = (skip, 0);
        for (i, &(out_at, err_at)) in chunk.marks.iter().chain([&end]).enumerate() {
            let out_at = out_at.max(skip);
            self.out.write_all(&chunk.out[from.0..out_at])?;
            let first = match chunk.breaches.get(i).copied().flatten() {
                Some((key, line)) => self.first(key, line, 1),
                None => true,
            };
            if first {
                self.err.write_all(&chunk.err[from.1..err_at])?;
            }
            from = (out_at, err_at);
        }
        for (&key, &n) in &chunk.repeats {
            if n > 0 {
                // Reported above, or by an earlier chunk.
                self.first(key, 0, n);
            }
        }
        self.totals.merge(&chunk.totals)?;
        self.spare.give(std::mem::take(&mut chunk.out));
        match chunk.stop {
            Some(stop) => Err(stop),
            None => Ok(()),
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

    /// After the last chunk: how many more rows had each breach already reported, in one
    /// write.
    fn finish(self, header: &BatchHeader<'_>, paint: Paint) -> Result<(Totals, bool), Error> {
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
    /// A renderer of rows for one worker, when chunks are priced in parallel with rows: it
    /// must keep no state between rows (each worker renders its chunks alone).
    pub worker_sink: fn() -> Box<dyn BatchSink>,
}

/// Runs the rows after the header: `input` is positioned at `batch.body.next_line()`. Returns
/// the totals and whether any row was written (so `begin` was called); the caller writes the
/// end (`sink.end`) with them.
pub fn run(
    batch: &Batch<'_>,
    input: Box<dyn BufRead + '_>,
    sink: &mut dyn BatchSink,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(Totals, bool), Error> {
    let Batch {
        body,
        name,
        pricer,
        header,
        settings,
        worker_sink,
    } = *batch;
    let tariff: &Tariff = header.tariff;
    let size = if body.is_jsonl() {
        JSONL_PIECE_BYTES
    } else {
        PIECE_BYTES
    };
    let pool = Pool::default();
    // Output buffers go round as input buffers do: a chunk's rows are rendered into a buffer
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
        spare: &spare,
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if !settings.parallel || workers < 2 {
        while let Some((chunk, first)) = chunks.next_chunk().map_err(cannot_read)? {
            let result = price_chunk(
                body,
                chunk.lines(),
                first,
                pricer,
                Some(&mut *emitter.sink),
                header,
                settings,
                spare.take(),
            );
            pool.give(chunk.into_buffer());
            emitter.write(result, header)?;
        }
        return emitter.finish(header, settings.err_paint);
    }
    let rows_sink = || settings.rows.then(worker_sink);
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::channel::<(u64, Chunk, u64)>();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, ChunkOutput)>();
        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (work_rx, done_tx) = (Arc::clone(&work_rx), done_tx.clone());
            let (pool, spare) = (&pool, &spare);
            let mut sink = rows_sink();
            handles.push(scope.spawn(move || {
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, chunk, first))) = next else {
                        return;
                    };
                    let result = price_chunk(
                        body,
                        chunk.lines(),
                        first,
                        pricer,
                        sink.as_deref_mut(),
                        header,
                        settings,
                        spare.take(),
                    );
                    pool.give(chunk.into_buffer());
                    if done_tx.send((seq, result)).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(done_tx);
        // At most this many chunks are read but not yet written: memory stays bounded.
        let limit = 2 * workers as u64;
        let (mut sent, mut next) = (0u64, 0u64);
        let mut waiting: BTreeMap<u64, ChunkOutput> = BTreeMap::new();
        let mut more = true;
        let result = (|| -> Result<(), Error> {
            loop {
                while more && sent - next < limit {
                    match chunks.next_chunk().map_err(cannot_read)? {
                        Some((chunk, first)) => {
                            // A closed channel means every worker has stopped: nothing to do but end.
                            if work_tx.send((sent, chunk, first)).is_err() {
                                more = false;
                            }
                            sent += 1;
                        }
                        None => more = false,
                    }
                }
                if next == sent {
                    break Ok(());
                }
                let Ok((seq, chunk)) = done_rx.recv() else {
                    break Ok(());
                };
                waiting.insert(seq, chunk);
                while let Some(chunk) = waiting.remove(&next) {
                    emitter.write(chunk, header)?;
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
        result?;
        emitter.finish(header, settings.err_paint)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{InputFormat, ReadOptions, Rows};

    const IMAGE: &str = r#"{"model": "flux-dev", "prompt": "a: b", "num_inference_steps": 20, "size": "512x512", "n": 1, "seed": 3}"#;
    const CHAT: &str =
        r#"{"model":"Llama-3.3 70B","usage":{"prompt_tokens":1200,"completion_tokens":300}}"#;
    const SPEECH: &str = r#"{"model":"Chatterbox","seconds":2.5}"#;

    /// Per-job CSV rows of `text`, on one core or on every core.
    fn priced(text: &[u8], parallel: bool) -> (Vec<u8>, Totals) {
        let tariff = crate::checks::builtin().unwrap();
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
            layout: crate::render::rows::Layout::of_tariff(&tariff),
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
            },
            worker_sink: || Box::<crate::render::csv::Batch>::default(),
        };
        let mut sink = crate::render::csv::Batch;
        let mut out = Vec::new();
        let (totals, _) = run(
            &batch,
            Box::new(input),
            &mut sink,
            &mut out,
            &mut Vec::new(),
        )
        .unwrap();
        (out, totals)
    }

    /// A mixed file of many chunks is priced alike on one core and on every core: the same
    /// rows in input order and the same totals.
    #[test]
    fn a_mixed_file_reads_alike_on_one_core_and_on_every_core() {
        let mut text = String::new();
        for line in 0..30_000 {
            text.push_str([IMAGE, CHAT, SPEECH][line % 7 % 3]);
            text.push('\n');
        }
        let (one, one_totals) = priced(text.as_bytes(), false);
        let (every, every_totals) = priced(text.as_bytes(), true);
        assert_eq!(one, every);
        let tariff = crate::checks::builtin().unwrap();
        let (a, b) = (
            one_totals.summary(&tariff).unwrap(),
            every_totals.summary(&tariff).unwrap(),
        );
        assert_eq!((a.jobs, a.exact, a.images), (b.jobs, b.exact, b.images));
        assert_eq!(a.jobs, 30_000);
        let lines: Vec<&str> = std::str::from_utf8(&one).unwrap().lines().collect();
        assert_eq!(lines.len(), 1 + 30_000, "a header and every row");
        assert!(
            lines[2].starts_with("2,Llama-3.3 70B,exact,"),
            "{}",
            lines[2]
        );
        assert!(lines[3].starts_with("3,Chatterbox,exact,"), "{}", lines[3]);
    }
}
