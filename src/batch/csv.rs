//! CSV job files: the header read into columns (checked, with every near miss refused), the
//! plain line decoded in one pass, and any other line split and read field by field.

use std::borrow::Cow;
use std::ops::Range;

use super::keys::{
    Column, PRICE_COLUMNS, metered_column, metered_near_miss, near_miss, normal, price_column_list,
};
use super::metered::Item;
use super::row::{ReadOptions, Row, RowError, dated, sides, size, whole};
use crate::job::Request;
use crate::size::Size;

/// One pass over a plain CSV line: no quotes, every number plain digits, every size a plain
/// `WxH`, fields separated by `delimiter`. Numbers and sizes are decoded as they are crossed;
/// text fields (model, carried columns) are handed to `text`, which may decline them. Returns
/// the job and where the fields end; `None` hands the line to the general path, which also
/// writes every error message. A text field stops at a `\r`, so a line with a carriage return
/// anywhere but at its end never passes here.
#[inline(always)]
pub(super) fn decode_plain<'a>(
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
    mut text: impl FnMut(Column, &'a str) -> Option<()>,
) -> Option<(Request, usize)> {
    let mut request = Request::default();
    let (mut width, mut height) = (None, None);
    let mut at = 0;
    for (n, &column) in columns.iter().enumerate() {
        if n > 0 {
            if bytes.get(at) != Some(&delimiter) {
                return None;
            }
            at += 1;
        }
        match column {
            Column::Steps | Column::Count | Column::Width | Column::Height => {
                let (value, end) = scan_digits(bytes, at)?;
                at = end;
                match column {
                    Column::Steps => request.steps = value,
                    Column::Count => request.count = value,
                    Column::Width => width = value,
                    _ => height = value,
                }
            }
            Column::Size => {
                let (w, end) = scan_digits(bytes, at)?;
                at = end;
                let Some(w) = w else { continue };
                if !matches!(bytes.get(at), Some(b'x' | b'X')) {
                    return None;
                }
                let (h, end) = scan_digits(bytes, at + 1)?;
                at = end;
                match h {
                    Some(h) if w > 0 && h > 0 => request.size = Some(Size::new(w, h)),
                    _ => return None,
                }
            }
            // A row of a file with tokens or seconds is read by the general path.
            Column::Metered(_) => return None,
            Column::Model | Column::Extra | Column::Date => {
                let start = at;
                while let Some(&b) = bytes.get(at) {
                    match b {
                        b'\n' | b'\r' => break,
                        _ if b == delimiter => break,
                        b'"' => return None,
                        _ => at += 1,
                    }
                }
                // Only text fields need checking as UTF-8; digits and sizes are ASCII by now.
                text(column, std::str::from_utf8(&bytes[start..at]).ok()?)?;
            }
        }
    }
    // A line of blank cells (an empty line, or `,,` from a spreadsheet) is not a job of
    // defaults here: the general path skips it or refuses it.
    if bytes[..at]
        .iter()
        .all(|&b| b == delimiter || b == b' ' || b == b'\t')
    {
        return None;
    }
    match (width, height) {
        (None, None) => {}
        (Some(w), Some(h)) if w > 0 && h > 0 && request.size.is_none() => {
            request.size = Some(Size::new(w, h))
        }
        _ => return None,
    }
    Some((request, at))
}

/// The common line as a row borrowing its text fields, and where its fields end.
pub(super) fn plain_row<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
) -> Option<(Row<'a>, usize)> {
    let mut model = None;
    let mut date = None;
    let mut extra = Vec::new();
    let (request, at) = decode_plain(columns, delimiter, bytes, |column, field| {
        match column {
            Column::Extra => extra.push(Cow::Borrowed(field)),
            _ if field.trim().is_empty() => {}
            // A bad date declines the line: the general path reports it, as it keeps a time or
            // a timestamp as written.
            Column::Date if field.trim().len() != 10 => return None,
            Column::Date => date = Some(crate::date::Day::parse_row(field).ok()?),
            _ => model = Some(Cow::Borrowed(field.trim())),
        }
        Some(())
    })?;
    let Request { steps, size, count } = request;
    Some((
        Row {
            line,
            model,
            steps,
            size,
            count,
            date,
            date_given: None,
            extra,
            request: false,
        },
        at,
    ))
}

/// The job of a plain line whose columns are all numbers, with nothing built: a text column
/// declines the line.
pub(super) fn plain_numbers(columns: &[Column], delimiter: u8, bytes: &[u8]) -> Option<Request> {
    let (request, at) = decode_plain(columns, delimiter, bytes, |_, _| None)?;
    (at == bytes.len()).then_some(request)
}

/// [`plain_row`] over a whole line: it must end where the line does.
pub(super) fn plain_line<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    bytes: &'a [u8],
) -> Option<Row<'a>> {
    plain_row(line, columns, delimiter, bytes)
        .and_then(|(row, end)| (end == bytes.len()).then_some(row))
}

/// [`plain_row`] at the start of the reader's buffer, straight from it: the line must end
/// there (`\n` or `\r\n`). Returns the row and the bytes it took, line end included.
pub(super) fn plain_in_buffer<'a>(
    line: u64,
    columns: &[Column],
    delimiter: u8,
    buffer: &'a [u8],
) -> Option<(Row<'a>, usize)> {
    let (row, end) = plain_row(line, columns, delimiter, buffer)?;
    match buffer.get(end..)? {
        [b'\n', ..] => Some((row, end + 1)),
        [b'\r', b'\n', ..] => Some((row, end + 2)),
        _ => None,
    }
}

/// Up to nine ASCII digits from `at`: the value (`None` when there are none) and where they end.
/// More digits go to the general parser, which knows the 32-bit limit and its message.
#[inline(always)]
pub(super) fn scan_digits(bytes: &[u8], at: usize) -> Option<(Option<u32>, usize)> {
    let mut value = 0u32;
    let mut count = 0;
    for &b in bytes.get(at..)? {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        if count == 9 {
            return None;
        }
        value = value * 10 + u32::from(digit);
        count += 1;
    }
    Some(((count > 0).then_some(value), at + count))
}

/// Field boundaries of a line without quotes.
pub(super) fn split_plain(line: &str, delimiter: u8, fields: &mut Vec<Range<usize>>) {
    fields.clear();
    let mut start = 0;
    for at in memchr::memchr_iter(delimiter, line.as_bytes()) {
        fields.push(start..at);
        start = at + 1;
    }
    fields.push(start..line.len());
}

/// Splits one CSV line with quoted fields: fields separated by `delimiter` (an ASCII byte),
/// and double-quoted fields with `""` for a quote. A job file has no line breaks inside fields.
pub(super) fn split_csv(line: &str, delimiter: u8) -> Result<Vec<Cow<'_, str>>, String> {
    let delimiter = char::from(delimiter);
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("has a quoted field that is not closed".into()),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(Cow::Owned(field));
            match chars.next() {
                None => return Ok(fields),
                Some(c) if c == delimiter => continue,
                Some(c) => {
                    return Err(format!(
                        "has {c:?} after a closing quote; expected the separator {delimiter:?}"
                    ));
                }
            }
        }
        loop {
            match chars.next() {
                None => {
                    fields.push(Cow::Owned(field));
                    return Ok(fields);
                }
                Some(c) if c == delimiter => break,
                Some(c) => field.push(c),
            }
        }
        fields.push(Cow::Owned(field));
    }
}

/// Characters that separate fields in CSV-like exports, tried when a header does not split.
const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Whether a header cell is a value (a number, a size) rather than a name: then the first line
/// is data and the header is missing.
pub(super) fn looks_like_data(cell: &str) -> bool {
    let cell = cell.trim();
    !cell.is_empty() && (cell.parse::<Size>().is_ok() || crate::number::parse_decimal(cell).is_ok())
}

/// How a separator is written on the command line.
pub(super) fn separator_flag(separator: u8) -> String {
    match separator {
        b'\t' => "tab".into(),
        b => format!("'{}'", char::from(b)),
    }
}

/// A separator as messages name it.
pub(super) fn separator_name(separator: u8) -> String {
    match separator {
        b'\t' => "a tab".into(),
        b' ' => "a space".into(),
        b => format!("'{}'", char::from(b)),
    }
}

/// The cells of a header line: UTF-8, no stray carriage return, split on `delimiter` with quotes.
pub(super) fn header_cells(line: &[u8], delimiter: u8) -> Result<Vec<String>, String> {
    if memchr::memchr(b'\r', line).is_some() {
        return Err("the header has a carriage return (\\r) that does not end the line: the file seems to end its lines in \\r alone (old Mac line endings), which are not read; convert them first: tr '\\r' '\\n' makes each \\r a line end".into());
    }
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "the header is not UTF-8 (invalid byte at column {}); save the file as UTF-8",
            e.valid_up_to() + 1
        )
    })?;
    split_csv(text, delimiter)
        .map(|fields| fields.into_iter().map(Cow::into_owned).collect())
        .map_err(|message| format!("the header {message}"))
}

/// The columns a header names, checked: what it must not be is stated in each error.
///
/// - at least one cell is not blank, no cell holds another separator (`;`, tab, `|`, `,`) or
///   the separator itself (inside quotes), and no cell is a number or a size (the first line
///   is then data, not a header);
/// - every column has a name, and no name is a near-miss of a price column ([`near_miss`]);
/// - a price column is named once (`count` and `n` are one, as are `steps` and
///   `num_inference_steps`), and a size is either `size` or `width` and `height`;
/// - carried names are unique among themselves and against the batch output's own columns
///   ([`JOB_COLUMNS`](crate::render::JOB_COLUMNS)), compared ignoring case and surrounding
///   spaces, so every output format can hold them;
/// - some column affects the price, unless `defaults_ok`.
pub(super) fn columns(
    header: &[String],
    options: ReadOptions,
) -> Result<(Vec<Column>, Vec<String>), String> {
    let delimiter = options.delimiter;
    let example = format!(
        "a header such as {}",
        ["steps", "size", "count"].join(&char::from(delimiter).to_string())
    );
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(format!(
            "the header has no column names, only blank cells; a CSV job file starts with {example}"
        ));
    }
    for (at, name) in header.iter().enumerate() {
        let position = at + 1;
        if let Some(&found) = SEPARATORS
            .iter()
            .find(|&&s| s != delimiter && name.as_bytes().contains(&s))
        {
            let advice = if found == b',' {
                "leave out --delimiter".to_owned()
            } else {
                format!("give --delimiter {}", separator_flag(found))
            };
            return Err(format!(
                "column {position} {name:?} holds {}, but fields are separated by {}: if the file is separated by {0}, {advice}",
                separator_name(found),
                separator_name(delimiter),
            ));
        }
        if name.as_bytes().contains(&delimiter) {
            return Err(format!(
                "column {position} {name:?} holds the separator {} inside quotes; a column name cannot (was the whole line quoted?)",
                separator_name(delimiter)
            ));
        }
        if delimiter != b' ' && header.len() == 1 {
            let words: Vec<&str> = name.split_whitespace().collect();
            let priced = words
                .iter()
                .filter(|w| PRICE_COLUMNS.iter().any(|(p, _)| normal(w) == *p))
                .count();
            if words.len() > 1 && priced > 1 {
                return Err(format!(
                    "column 1 {name:?} holds several column names separated by spaces: if the file is separated by spaces, give --delimiter ' '"
                ));
            }
        }
    }
    if let Some((at, cell)) = header.iter().enumerate().find(|(_, h)| looks_like_data(h)) {
        return Err(format!(
            "column {} {cell:?} is a value, not a column name: the first line must be {example}, naming the columns of the rows below it",
            at + 1
        ));
    }
    // The price columns named outright, so near-misses of them can be told from other columns.
    let named: Vec<Column> = header
        .iter()
        .filter_map(|h| {
            let h = normal(h);
            PRICE_COLUMNS.iter().find(|(p, _)| *p == h).map(|&(_, c)| c)
        })
        .collect();
    let mut columns = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    // Carried names as compared for uniqueness, with their 1-based columns.
    let mut carried: Vec<(String, usize)> = Vec::new();
    for (at, name) in header.iter().enumerate() {
        let position = at + 1;
        // Column names are written back out as headers; see `carried`.
        if let Some((_, c)) = crate::escape::find_control(name, &[]) {
            return Err(format!(
                "column {position} {name:?} holds the control character {}; a column name must be printable text",
                crate::escape::code_point(c)
            ));
        }
        let normal = normal(name);
        if normal.is_empty() {
            let hint = if position == header.len() {
                format!(
                    " (a {} at the end of the line adds a blank column)",
                    separator_name(delimiter)
                )
            } else {
                String::new()
            };
            return Err(format!(
                "column {position} has no name; every column needs one, so it can be read or carried through{hint}"
            ));
        }
        let column = match PRICE_COLUMNS.iter().find(|(p, _)| *p == normal) {
            Some(&(_, column)) => column,
            None if metered_column(name).is_some() => {
                Column::Metered(metered_column(name).unwrap_or_default())
            }
            None => {
                if let Some((meant, how)) = near_miss(name, &normal, &named) {
                    return Err(format!(
                        "column {position} {name:?} looks like the price column {meant:?} ({how}): did you mean {meant:?}? A name this close to a price column the header does not name is refused rather than carried through (compared ignoring case, with -, _ and space alike: one edit away, three for num_inference_steps, another name for it, or one of its words); rename the column if it is something else (price columns: {})",
                        price_column_list()
                    ));
                }
                if let Some(meant) = metered_near_miss(&normal, header) {
                    return Err(format!(
                        "column {position} {name:?} looks like the metered column {meant:?}: did you mean {meant:?}? It is refused rather than carried through, which would leave the rows unpriced; rename the column if it is something else (metered columns: {})",
                        super::keys::METERED_COLUMNS.join(", ")
                    ));
                }
                let key = name.trim().to_lowercase();
                if let Some((_, first)) = carried.iter().find(|(k, _)| *k == key) {
                    return Err(format!(
                        "columns {first} {:?} and {position} {name:?} have the same name; rename one (names are compared ignoring case and surrounding spaces)",
                        header[first - 1]
                    ));
                }
                carried.push((key, position));
                extra.push(name.clone());
                Column::Extra
            }
        };
        if let Column::Metered(i) = column
            && let Some(first) = columns.iter().position(|c| *c == column)
        {
            return Err(format!(
                "columns {:?} and {name:?} are both the metered column {:?}; give it once",
                header[first],
                super::keys::METERED_COLUMNS[i]
            ));
        }
        if column != Column::Extra && columns.contains(&column) {
            return Err(format!(
                "column {position} {name:?} repeats a column already given (count and n are the same column, as are steps and num_inference_steps)"
            ));
        }
        columns.push(column);
    }
    let has = |c| columns.contains(&c);
    if has(Column::Size) && (has(Column::Width) || has(Column::Height)) {
        return Err("give either a size column or width and height columns, not both".into());
    }
    if has(Column::Width) != has(Column::Height) {
        return Err("width and height columns go together".into());
    }
    // A date alone picks the rate, not the job.
    let priced = columns
        .iter()
        .any(|c| !matches!(c, Column::Extra | Column::Date));
    if !options.defaults_ok && !priced {
        return Err(format!(
            "no column sets the price ({} {} carried through), so every job would be priced at the model's defaults; name the price columns ({}), or give --defaults-ok to price the defaults",
            header
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            if header.len() == 1 { "is" } else { "are all" },
            price_column_list()
        ));
    }
    Ok((columns, extra))
}

/// A CSV row as read: the image job's cells, and its non-blank cells of
/// [`super::keys::METERED_COLUMNS`] (by index there).
pub(super) type CsvRow<'a> = (Row<'a>, [Option<Cow<'a, str>>; 4]);

pub(super) fn csv_row<'a>(
    line: u64,
    columns: &[Column],
    fields: impl ExactSizeIterator<Item = Cow<'a, str>>,
) -> Result<CsvRow<'a>, RowError> {
    if fields.len() != columns.len() {
        let found = fields.len();
        let text: Vec<Cow<'a, str>> = fields.collect();
        return Err(RowError::new(
            line,
            "row",
            &text.join(","),
            format!("has {found} fields but the header has {}", columns.len()),
        ));
    }
    let mut row = Row {
        line,
        ..Row::default()
    };
    let (mut width, mut height) = (None, None);
    let mut metered = [None, None, None, None];
    for (column, text) in columns.iter().zip(fields) {
        let blank = || text.trim().is_empty();
        match column {
            Column::Steps => row.steps = whole(line, "steps", &text)?,
            Column::Count => row.count = whole(line, "count", &text)?,
            Column::Size if !blank() => row.size = Some(size(line, "size", &text)?),
            Column::Model if !blank() => {
                row.model = Some(match text {
                    Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
                    Cow::Owned(t) => Cow::Owned(t.trim().to_owned()),
                });
            }
            Column::Width => width = whole(line, "width", &text)?,
            Column::Height => height = whole(line, "height", &text)?,
            Column::Date if !blank() => {
                let (day, given) = dated(line, "date", &text)?;
                row.date = Some(day);
                row.date_given = given;
            }
            Column::Metered(i) if !blank() => metered[*i] = Some(text),
            Column::Extra => row.extra.push(text),
            Column::Size | Column::Model | Column::Date | Column::Metered(_) => {}
        }
    }
    if row.size.is_none() {
        row.size = sides(line, width, height)?;
    }
    Ok((row, metered))
}

/// The item of a CSV row whose carried text is printable: an image job, or tokens or seconds.
pub(super) fn csv_item<'a>(
    (row, metered): CsvRow<'a>,
    columns: &[Column],
    names: &[String],
    audio_base: Option<&std::path::Path>,
) -> Result<Item<'a>, RowError> {
    let row = carried(row, columns, names)?;
    let cells = [0, 1, 2, 3].map(|i| metered[i].as_deref().map(str::trim));
    super::metered::csv_item(row, cells, audio_base)
}

/// The row, if its carried text is printable. Carried columns are written back out as they
/// are (table, markdown, CSV), so a control character in one (an escape sequence, a `\r` that
/// would draw over the price before it, a bidi override) refuses the row rather than reaching a
/// terminal or being changed; a tab is ordinary text in a spreadsheet's cell and is kept.
pub(super) fn carried<'a>(
    row: Row<'a>,
    columns: &[Column],
    names: &[String],
) -> Result<Row<'a>, RowError> {
    let places = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Column::Extra);
    for ((text, name), (at, _)) in row.extra.iter().zip(names).zip(places) {
        if let Some((offset, c)) = crate::escape::find_control(text, &['\t']) {
            return Err(RowError::new(
                row.line,
                name,
                text,
                format!(
                    "column {} holds the control character {} (character {}); carried text must be printable (tabs aside): remove it from the file",
                    at + 1,
                    crate::escape::code_point(c),
                    text[..offset].chars().count() + 1
                ),
            ));
        }
    }
    Ok(row)
}
