//! Standard output and standard error as the commands write them.
//!
//! - A write error on standard output is an error (exit 2), except a reader that went away (a
//!   closed pipe, `dis-price table | head -n 1`): from then on output is dropped, so a command
//!   still reaches its verdict (over budget, a published cell off) and its exit status; with
//!   none to reach it ends quietly with 0, as ripgrep does.
//! - A write error on standard error never stops a command and never changes a failed check's
//!   status, but a run that would have exited 0 exits 2: a warning the user asked for was lost.
//! - Standard output is flushed before every write to standard error, so a merged log (`2>&1`)
//!   reads in the order things happened.

use std::cell::{Cell, RefCell};
use std::io::{self, BufWriter, Write};

use crate::cli::ColorChoice;
use crate::error::{EXIT_BAD_INPUT, EXIT_OK, Error, Outcome};
use crate::render::Paint;

/// Both output streams of a run, and what went wrong on them.
pub struct Console<O: Write, E: Write> {
    out: RefCell<BufWriter<O>>,
    err: RefCell<E>,
    out_gone: Cell<bool>,
    out_failed: Cell<bool>,
    err_lost: Cell<bool>,
}

/// Writes to a [`Console`]'s standard output.
pub struct Stdout<'c, O: Write, E: Write>(&'c Console<O, E>);

/// Writes to a [`Console`]'s standard error; never fails (see [`Console::err_lost`]).
pub struct Stderr<'c, O: Write, E: Write>(&'c Console<O, E>);

fn is_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

impl<O: Write, E: Write> Console<O, E> {
    /// The streams; standard output is buffered.
    pub fn new(out: O, err: E) -> Self {
        Console {
            out: RefCell::new(BufWriter::new(out)),
            err: RefCell::new(err),
            out_gone: Cell::new(false),
            out_failed: Cell::new(false),
            err_lost: Cell::new(false),
        }
    }

    /// A writer to standard output.
    pub fn out(&self) -> Stdout<'_, O, E> {
        Stdout(self)
    }

    /// A writer to standard error.
    pub fn err(&self) -> Stderr<'_, O, E> {
        Stderr(self)
    }

    /// Set once the reader of standard output has gone away; later output is dropped.
    pub fn out_gone(&self) -> &Cell<bool> {
        &self.out_gone
    }

    /// Whether something written to standard error was lost.
    pub fn err_lost(&self) -> bool {
        self.err_lost.get()
    }

    /// Runs one operation on standard output, turning a closed pipe into "dropped".
    fn on_out(&self, op: impl FnOnce(&mut BufWriter<O>) -> io::Result<()>) -> io::Result<()> {
        if self.out_gone.get() {
            return Ok(());
        }
        match op(&mut self.out.borrow_mut()) {
            Err(e) if is_gone(&e) => {
                self.out_gone.set(true);
                Ok(())
            }
            Err(e) => {
                self.out_failed.set(true);
                Err(e)
            }
            Ok(()) => Ok(()),
        }
    }

    /// Writes `error: ...` for `e`, unless it is a closed pipe (which ends quietly).
    fn report(&self, e: &Error, paint: Paint) {
        if !e.is_broken_pipe() {
            // Every message already shows what it quotes escaped; this keeps it so for any
            // that does not, so no control character reaches the terminal raw.
            let message = e.to_string();
            let shown = crate::escape::escaped_but(&message, &['\n']);
            // Standard error's failures are kept in `err_lost`.
            let _ = writeln!(self.err(), "{} {shown}", paint.error("error:"));
        }
    }

    /// Ends a run: writes its error, if any, after everything already written to standard
    /// output, flushes, and gives the exit status.
    pub fn finish(&self, result: Result<Outcome, Error>, paint: Paint) -> u8 {
        let (code, output_reported) = match result {
            Ok(outcome) => (outcome.exit_code(), false),
            Err(e) => {
                self.report(&e, paint);
                (e.exit_code(), matches!(e, Error::Output(_)))
            }
        };
        self.settle(code, output_reported, paint)
    }

    /// Writes clap's message for a command line it did not accept, or the help or version it
    /// was asked for, with the same checks as any output; gives the exit status.
    pub fn usage(&self, e: &clap::Error) -> u8 {
        let (out_paint, err_paint) = crate::paints(ColorChoice::Auto);
        let to_err = e.use_stderr();
        let styled = e.render();
        let text = if to_err {
            // Rendered plain, so that the only escape codes it could hold are the user's own
            // (clap quotes a bad value as it is), which are then shown escaped.
            let plain = styled.ansi().to_string();
            let plain = crate::escape::escaped_but(&plain, &['\n']);
            match plain.strip_prefix("error:") {
                Some(rest) => format!("{}{rest}", err_paint.error("error:")),
                None => plain.into_owned(),
            }
        } else if out_paint.enabled {
            styled.ansi().to_string()
        } else {
            styled.to_string()
        };
        let (code, written) = if to_err {
            (EXIT_BAD_INPUT, self.err().write_all(text.as_bytes()))
        } else {
            (EXIT_OK, self.out().write_all(text.as_bytes()))
        };
        match written {
            Ok(()) => self.settle(code, false, err_paint),
            Err(e) => self.finish(Err(Error::Output(e)), err_paint),
        }
    }

    /// Flushes standard output and applies the rules above to `code`.
    fn settle(&self, code: u8, output_reported: bool, paint: Paint) -> u8 {
        let code = match self.on_out(|out| out.flush()) {
            Ok(()) => code,
            Err(e) => {
                if !output_reported {
                    self.report(&Error::Output(e), paint);
                }
                EXIT_BAD_INPUT
            }
        };
        if self.err_lost() && code == EXIT_OK {
            EXIT_BAD_INPUT
        } else {
            code
        }
    }
}

impl<O: Write, E: Write> Write for Stdout<'_, O, E> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.on_out(|out| out.write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.on_out(|out| out.flush())
    }
}

impl<O: Write, E: Write> Write for Stderr<'_, O, E> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Any error but a closed pipe stays in the buffer and comes back at the next write to
        // standard output or the final flush.
        let _ = self.0.on_out(|out| out.flush());
        if !self.0.err_lost.get() && self.0.err.borrow_mut().write_all(buf).is_err() {
            self.0.err_lost.set(true);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.0.err_lost.get() && self.0.err.borrow_mut().flush().is_err() {
            self.0.err_lost.set(true);
        }
        Ok(())
    }
}

/// Standard output for streamed rows: once its reader has gone away (`gone` set by
/// [`Console`]), writes fail with a closed-pipe error when `stop` is set, so a command with
/// nothing left to decide stops early instead of pricing the rest of its input unseen.
pub struct Streamed<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Whether its reader has gone away.
    pub gone: &'a Cell<bool>,
    /// Stop at a closed pipe (else keep going, output dropped, to reach a verdict).
    pub stop: bool,
}

impl Write for Streamed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stop && self.gone.get() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with `kind`, after taking `room` bytes.
    struct Failing {
        kind: io::ErrorKind,
        room: usize,
        taken: Vec<u8>,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(self.kind.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn failing(kind: io::ErrorKind) -> Failing {
        Failing {
            kind,
            room: 0,
            taken: Vec::new(),
        }
    }

    const PLAIN: Paint = Paint { enabled: false };

    /// A log of both streams in the order the bytes reached them.
    #[derive(Default)]
    struct Log(std::rc::Rc<RefCell<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn standard_output_is_flushed_before_each_error_line() {
        let log = Log::default();
        let console = Console::new(Log(log.0.clone()), Log(log.0.clone()));
        writeln!(console.out(), "row 1").unwrap();
        writeln!(console.err(), "warning").unwrap();
        writeln!(console.out(), "row 2").unwrap();
        let code = console.finish(Err(Error::Usage("bad".into())), PLAIN);
        assert_eq!(code, EXIT_BAD_INPUT);
        assert_eq!(
            String::from_utf8(log.0.borrow().clone()).unwrap(),
            "row 1\nwarning\nrow 2\nerror: bad\n"
        );
    }

    #[test]
    fn a_closed_pipe_drops_output_and_keeps_the_verdict() {
        let console = Console::new(failing(io::ErrorKind::BrokenPipe), Vec::new());
        console.out().write_all(&[b'x'; 100_000]).unwrap();
        assert!(console.out_gone().get());
        assert_eq!(console.finish(Ok(Outcome::CheckFailed), PLAIN), 1);
        let console = Console::new(failing(io::ErrorKind::BrokenPipe), Vec::new());
        writeln!(console.out(), "x").unwrap();
        assert_eq!(console.finish(Ok(Outcome::Success), PLAIN), 0);
        assert!(console.err.borrow().is_empty());
    }

    #[test]
    fn a_full_standard_output_is_an_error_whatever_the_outcome() {
        for outcome in [Outcome::Success, Outcome::CheckFailed] {
            let console = Console::new(failing(io::ErrorKind::StorageFull), Vec::new());
            writeln!(console.out(), "x").unwrap(); // buffered
            assert_eq!(console.finish(Ok(outcome), PLAIN), EXIT_BAD_INPUT);
            let err = String::from_utf8(console.err.borrow().clone()).unwrap();
            assert!(err.starts_with("error: cannot write output: "), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }

    #[test]
    fn an_output_error_is_reported_once() {
        let console = Console::new(failing(io::ErrorKind::StorageFull), Vec::new());
        let e = console.out().write_all(&[b'x'; 100_000]).unwrap_err();
        assert_eq!(console.finish(Err(Error::Output(e)), PLAIN), EXIT_BAD_INPUT);
        let err = String::from_utf8(console.err.borrow().clone()).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    #[test]
    fn a_lost_warning_fails_a_run_but_never_changes_a_failed_check() {
        let lost = |outcome| {
            let console = Console::new(Vec::new(), failing(io::ErrorKind::StorageFull));
            writeln!(console.err(), "warning: past 80%").unwrap();
            assert!(console.err_lost());
            console.finish(Ok(outcome), PLAIN)
        };
        assert_eq!(lost(Outcome::Success), EXIT_BAD_INPUT);
        assert_eq!(lost(Outcome::CheckFailed), 1);
        assert_eq!(lost(Outcome::Incomplete), EXIT_BAD_INPUT);
        // Nothing written to it, nothing lost.
        let console = Console::new(Vec::new(), failing(io::ErrorKind::StorageFull));
        assert_eq!(console.finish(Ok(Outcome::Success), PLAIN), EXIT_OK);
    }

    #[test]
    fn streamed_rows_stop_at_a_closed_pipe_only_when_asked() {
        let gone = Cell::new(true);
        let mut sink = Vec::new();
        let mut rows = Streamed {
            out: &mut sink,
            gone: &gone,
            stop: true,
        };
        let e = rows.write_all(b"row\n").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        rows.stop = false;
        rows.write_all(b"row\n").unwrap();
        assert_eq!(sink, b"row\n");
    }
}
