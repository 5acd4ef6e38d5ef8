//! Opening a job file for `batch` and `compare`: the file or standard input, its form, and
//! how to read it, from the command line.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use crate::batch::source::{input_form, is_stream, open};
use crate::batch::{ReadOptions, Rows};
use crate::cli::BatchArgs;
use crate::error::Error;

/// Opens a job file, or standard input for `-`, and reads its header (a CSV's columns).
/// `held` is the whole input when it was read ahead, to be read again.
pub(super) fn open_rows(
    args: &BatchArgs,
    file: &Path,
    held: Option<Arc<[u8]>>,
) -> Result<Rows<Box<dyn BufRead>>, Error> {
    let input = open(file, held)?;
    let form = input_form(args.input, file).map_err(Error::Usage)?;
    let options = ReadOptions {
        delimiter: args.delimiter,
        defaults_ok: args.defaults_ok,
        // Kept for the rest of the run, which is the rest of the process.
        ignore_keys: Box::leak(args.ignore_key.clone().into_boxed_slice()),
        max_output_tokens: args.max_output_tokens,
        seconds_per_char: args.seconds_per_char,
        // An `audio` file is named from the job file's folder; from standard input or another
        // stream, from the current one.
        audio_base: (!is_stream(file))
            .then(|| file.parent())
            .flatten()
            .map(|dir| &*Box::leak(dir.to_path_buf().into_boxed_path())),
    };
    Ok(Rows::open(
        file.display().to_string(),
        input,
        form,
        options,
    )?)
}
