//! `--format csv`: a header row and one row per steps, prices at the shown places.

use std::io::{self, Write};

use super::{GridView, money};

/// Writes `steps,256x256,...` and a row per steps.
pub fn grid(out: &mut dyn Write, view: &GridView<'_>) -> io::Result<()> {
    let places = view.tariff.display.decimals;
    let mut w = csv::Writer::from_writer(out);
    let header =
        std::iter::once("steps".to_owned()).chain(view.grid.sizes.iter().map(ToString::to_string));
    w.write_record(header).map_err(io_error)?;
    for (steps, cells) in view.grid.rows() {
        let row = std::iter::once(steps.to_string())
            .chain(cells.iter().map(|c| money(c.quote.price, places)));
        w.write_record(row).map_err(io_error)?;
    }
    w.flush()
}

/// The underlying I/O error, so a closed pipe is still recognised as one.
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
