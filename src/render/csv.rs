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

/// One CSV record, quoting only the fields that need it (a row per job is the hot path, so no
/// writer is built per row).
fn record(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if field.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", field.replace('"', "\"\""))?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

impl super::BatchSink for Batch {
    fn begin(&mut self, out: &mut dyn Write, header: &super::BatchHeader<'_>) -> io::Result<()> {
        let mut fields = vec!["line", "model", "steps", "size", "count", "units", "price"];
        fields.extend(header.extra.iter().map(String::as_str));
        record(out, &fields)
    }

    fn job(
        &mut self,
        out: &mut dyn Write,
        header: &super::BatchHeader<'_>,
        row: &crate::batch::Priced<'_>,
    ) -> io::Result<()> {
        let places = header.tariff.display.decimals;
        let (line, steps, size, count) = (
            row.line.to_string(),
            row.job.steps.to_string(),
            row.job.size.to_string(),
            row.job.count.to_string(),
        );
        let (units, price) = (super::row_units(row), super::row_price(row, places));
        let mut fields = vec![
            line.as_str(),
            row.model.id.as_str(),
            &steps,
            &size,
            &count,
            &units,
            &price,
        ];
        fields.extend(row.extra.iter().map(String::as_str));
        record(out, &fields)
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
