//! A JSON Schema (draft 2020-12) of what `batch --format json` writes: the listing (every row
//! with every member, with or without `--summary`) and the comparison (`--baseline`,
//! `--baseline-tariff`). The schema is kept as a file, `schemas/batch.schema.json`, and
//! printed by `batch --schema`.

/// The schema's text, as shipped in `schemas/batch.schema.json`.
pub const BATCH: &str = include_str!("../../schemas/batch.schema.json");
