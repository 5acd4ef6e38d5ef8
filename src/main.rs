//! The `dis-price` command: parse, run, map the result to an exit status.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use dis_price::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    let (out_paint, err_paint) = dis_price::paints(cli.global.color);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    let mut streams = dis_price::Streams {
        out: &mut out,
        err: &mut err,
        out_paint,
        err_paint,
    };
    let result = dis_price::run(cli, &mut streams).and_then(|outcome| {
        out.flush()?;
        Ok(outcome)
    });
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            if !e.is_broken_pipe() {
                // Every message already shows what it quotes escaped; this keeps it so for any
                // that does not, so no control character reaches the terminal raw.
                let message = e.to_string();
                let shown = dis_price::escape::escaped_but(&message, &['\n']);
                let _ = writeln!(err, "{} {shown}", err_paint.error("error:"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}
