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

/// Batch output: a row per job (with the carried-through columns), then a `subtotal` row per
/// model and a `total` row, all under one header.
#[derive(Default)]
pub struct Batch;

/// One CSV field, quoted only when it needs it.
fn field(out: &mut dyn Write, text: &str) -> io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

/// One CSV record.
fn record(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    for (i, text) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        field(out, text)?;
    }
    out.write_all(b"\n")
}

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &super::BatchHeader<'_>) -> io::Result<()> {
        let mut fields = vec!["line", "model", "steps", "size", "count", "units", "price"];
        fields.extend(header.extra.iter().map(String::as_str));
        record(out, &fields)
    }

    /// The hot path: integers and figures are written straight into `out`, no string per field.
    fn job(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        row: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let mut ints = itoa::Buffer::new();
        out.write_all(ints.format(row.line).as_bytes())?;
        out.write_all(b",")?;
        field(out, &row.model.id)?;
        for (separator, n) in [
            (b',', row.job.steps),
            (b',', row.job.size.width),
            (b'x', row.job.size.height),
            (b',', row.job.count),
        ] {
            out.write_all(&[separator])?;
            out.write_all(ints.format(n).as_bytes())?;
        }
        out.write_all(b",")?;
        if let Some(quote) = row.quote {
            let mut w = super::FmtIo {
                out: &mut *out,
                error: None,
            };
            let written =
                std::fmt::write(&mut w, format_args!("{},", quote.units)).and_then(|()| {
                    super::write_money(&mut w, quote.price, header.tariff.display.decimals)
                });
            if written.is_err() {
                return Err(w
                    .error
                    .unwrap_or_else(|| io::Error::other("formatting failed")));
            }
        } else {
            out.write_all(b",")?;
        }
        for extra in &row.extra {
            out.write_all(b",")?;
            field(out, extra)?;
        }
        out.write_all(b"\n")
    }

    fn end(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        summary: &crate::batch::Summary<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let pad = vec![""; header.extra.len()];
        for m in &summary.by_model {
            let (images, units, price) = (
                m.images.to_string(),
                m.units.to_string(),
                money(m.price, places),
            );
            let mut fields = vec![
                "subtotal",
                m.model.id.as_str(),
                "",
                "",
                &images,
                &units,
                &price,
            ];
            fields.extend(&pad);
            record(out, &fields)?;
        }
        let (images, price) = (summary.images.to_string(), money(summary.price, places));
        let mut fields = vec!["total", "", "", "", &images, "", &price];
        fields.extend(&pad);
        record(out, &fields)
    }
}
