//! The `dis-price` command: parse, run, map the result to an exit status.

use std::io;
use std::process::ExitCode;

use dis_price::cli::Cli;
use dis_price::output::Console;

fn main() -> ExitCode {
    let console = Console::new(io::stdout().lock(), io::stderr().lock());
    let cli = match Cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(console.usage(&e)),
    };
    let (out_paint, err_paint) = dis_price::paints(cli.global.color);
    let result = dis_price::run(
        cli,
        &mut dis_price::Streams {
            out: &mut console.out(),
            err: &mut console.err(),
            out_paint,
            err_paint,
            out_gone: console.out_gone(),
        },
    );
    ExitCode::from(console.finish(result, err_paint))
}
