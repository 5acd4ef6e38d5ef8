//! CSV job files whose header is not what it looks like: refused with exit 2 and one `error:`
//! line naming the file, the line, the bad value and what would be accepted, or read right.

use crate::support::{dis, run, temp_file};

/// Runs `batch jobs.csv ARGS` on `text`, from the file's directory so errors name `jobs.csv`.
fn batch(text: &[u8], args: &[&str]) -> (i32, String, String) {
    let (dir, _path) = temp_file("jobs.csv", text);
    run(dis()
        .current_dir(dir.path())
        .args(["batch", "jobs.csv"])
        .args(args))
}

/// The error output of a run that must be refused: exit 2, nothing on stdout.
fn refused(text: &[u8], args: &[&str]) -> String {
    let (code, out, err) = batch(text, args);
    assert_eq!(code, 2, "{:?}: {err}", String::from_utf8_lossy(text));
    assert_eq!(out, "", "{:?}", String::from_utf8_lossy(text));
    err
}

/// Standard output of a run that must succeed quietly.
fn priced(text: &[u8], args: &[&str]) -> String {
    let (code, out, err) = batch(text, args);
    assert_eq!(
        (code, err.as_str()),
        (0, ""),
        "{:?}",
        String::from_utf8_lossy(text)
    );
    out
}

const PRICE_COLUMNS: &str =
    "model, steps, num_inference_steps, size, width, height, count, n, date, created";

fn near_miss(column: usize, name: &str, meant: &str, how: &str) -> String {
    format!(
        "error: jobs.csv: line 1: column {column} {name:?} looks like the price column {meant:?} ({how}): did you mean {meant:?}? A name this close to a price column the header does not name is refused rather than carried through (compared ignoring case, with -, _ and space alike: one edit away, three for num_inference_steps, another name for it, or one of its words); rename the column if it is something else (price columns: {PRICE_COLUMNS})\n"
    )
}

#[test]
fn misspelt_price_columns_are_refused_with_the_right_name() {
    for (header, column, name, meant, how) in [
        ("stesp,size", 1, "stesp", "steps", "1 edit away"),
        ("steps,szie", 2, "szie", "size", "1 edit away"),
        ("Step,size", 1, "Step", "steps", "1 edit away"),
        ("sizes", 1, "sizes", "size", "1 edit away"),
        ("widht,height", 1, "widht", "width", "1 edit away"),
        (
            "num_inference_step",
            1,
            "num_inference_step",
            "num_inference_steps",
            "1 edit away",
        ),
        (
            "Num-Inference-Stpes,size",
            1,
            "Num-Inference-Stpes",
            "num_inference_steps",
            "1 edit away",
        ),
        ("modle,steps", 1, "modle", "model", "1 edit away"),
        ("steps,cout", 2, "cout", "count", "1 edit away"),
        ("steps,qty", 2, "qty", "count", "another name for it"),
        (
            "image_size,steps",
            1,
            "image_size",
            "size",
            "it has the word \"size\" in it",
        ),
    ] {
        let text = format!("{header}\n20,512\n");
        assert_eq!(
            refused(text.as_bytes(), &[]),
            near_miss(column, name, meant, how),
            "{header}"
        );
    }
}

#[test]
fn other_columns_are_carried_and_n_matches_only_itself() {
    // `a` is one edit from `n` and `site` one from `size`, but `n` is too short for a slip and
    // `size` is named outright: both are carried.
    assert_eq!(
        priced(
            b"id,note,prompt,x,user,seed,a,steps,size,site,n\n1,2,3,4,5,6,7,20,512,s,2\n",
            &["--format", "csv"],
        ),
        "line,model,steps,size,count,units,price,id,note,prompt,x,user,seed,a,site\n\
         2,flux-dev,20,512x512,2,10,0.0121,1,2,3,4,5,6,7,s\n\
         subtotal,flux-dev,,,2,10,0.0121,,,,,,,,\n\
         total,,,,2,,0.0121,,,,,,,,\n"
    );
    // Case, surrounding spaces, `-` and spaces for `_`: still the price columns.
    assert_eq!(
        priced(
            b"Num Inference Steps, SIZE ,N\n20,512,2\n",
            &["--format", "csv"]
        ),
        priced(b"steps,size,n\n20,512,2\n", &["--format", "csv"])
    );
}

#[test]
fn a_first_line_of_data_is_not_a_header() {
    assert_eq!(
        refused(b"20,512x512,4\n30,512x512,1\n", &[]),
        "error: jobs.csv: line 1: column 1 \"20\" is a value, not a column name: the first line must be a header such as steps,size,count, naming the columns of the rows below it\n"
    );
    assert_eq!(
        refused(b"flux-dev,512x512\n", &[]),
        "error: jobs.csv: line 1: column 2 \"512x512\" is a value, not a column name: the first line must be a header such as steps,size,count, naming the columns of the rows below it\n"
    );
    assert_eq!(
        refused(b",,\n20,512,1\n", &[]),
        "error: jobs.csv: line 1: the header has no column names, only blank cells; a CSV job file starts with a header such as steps,size,count\n"
    );
    assert_eq!(
        refused(b"\n \n", &[]),
        "error: jobs.csv: line 2: the file has only blank lines; a CSV job file starts with a header such as steps,size,count\n"
    );
    assert_eq!(
        refused(b"", &[]),
        "error: jobs.csv: line 1: the file is empty; a CSV job file starts with a header such as steps,size,count\n"
    );
}

#[test]
fn every_column_needs_a_name() {
    assert_eq!(
        refused(b"steps,,size\n20,,512\n", &[]),
        "error: jobs.csv: line 1: column 2 has no name; every column needs one, so it can be read or carried through\n"
    );
    assert_eq!(
        refused(b"steps,size,\n20,512,\n", &[]),
        "error: jobs.csv: line 1: column 3 has no name; every column needs one, so it can be read or carried through (a ',' at the end of the line adds a blank column)\n"
    );
    assert_eq!(
        refused(b"steps;;size\n20;;512\n", &["--delimiter", ";"]),
        "error: jobs.csv: line 1: column 2 has no name; every column needs one, so it can be read or carried through\n"
    );
    assert_eq!(
        refused(b"steps;size;\n", &["--delimiter", ";"]),
        "error: jobs.csv: line 1: column 3 has no name; every column needs one, so it can be read or carried through (a ';' at the end of the line adds a blank column)\n"
    );
    assert_eq!(
        refused(b"steps,\"  \"\n20,a\n", &[]),
        "error: jobs.csv: line 1: column 2 has no name; every column needs one, so it can be read or carried through (a ',' at the end of the line adds a blank column)\n"
    );
}

#[test]
fn another_separator_is_named_with_the_flag_that_reads_it() {
    for (text, what, flag) in [
        (&b"steps;size\n20;512\n"[..], "';'", "--delimiter ';'"),
        (b"steps\tsize\n20\t512\n", "a tab", "--delimiter tab"),
        (b"steps|size\n20|512\n", "'|'", "--delimiter '|'"),
    ] {
        let shown = String::from_utf8_lossy(text.split(|&b| b == b'\n').next().unwrap())
            .replace('\t', "\\t");
        assert_eq!(
            refused(text, &[]),
            format!(
                "error: jobs.csv: line 1: column 1 \"{shown}\" holds {what}, but fields are separated by ',': if the file is separated by {what}, give {flag}\n"
            )
        );
    }
    // A cell holding one, beside comma-separated cells.
    assert_eq!(
        refused(b"id,steps;size\n", &[]),
        "error: jobs.csv: line 1: column 2 \"steps;size\" holds ';', but fields are separated by ',': if the file is separated by ';', give --delimiter ';'\n"
    );
    assert_eq!(
        refused(b"steps size count\n20 512 1\n", &[]),
        "error: jobs.csv: line 1: column 1 \"steps size count\" holds several column names separated by spaces: if the file is separated by spaces, give --delimiter ' '\n"
    );
    // The same check the other way round.
    assert_eq!(
        refused(b"steps,size\n20,512\n", &["--delimiter", ";"]),
        "error: jobs.csv: line 1: column 1 \"steps,size\" holds ',', but fields are separated by ';': if the file is separated by ',', leave out --delimiter\n"
    );
    assert_eq!(
        refused(b"\"steps,size\"\n\"20,512\"\n", &[]),
        "error: jobs.csv: line 1: column 1 \"steps,size\" holds the separator ',' inside quotes; a column name cannot (was the whole line quoted?)\n"
    );
}

#[test]
fn other_separators_price_byte_for_byte_like_the_comma() {
    let comma = "id,steps,size,n,model\na,20,512x512,2,flux-dev\n\nb,,,,\n\"c d\",28,1024,4,FLUX.1-dev\r\n,5,256x128,1,\n";
    let numbers = "steps,size,n\n20,512x512,2\n\n,,\n28,1024,4\r\n5,256x128,\n";
    for (delimiter, sep) in [(";", ";"), ("tab", "\t"), ("|", "|")] {
        for text in [comma, numbers] {
            let separated = text.replace(',', sep);
            for args in [
                &["--format", "csv"][..],
                &["--format", "json"],
                &["--format", "markdown"],
                &["--summary", "--format", "csv"],
            ] {
                // The rows of blank cells are priced at the defaults, as asked.
                let args = [args, &["--defaults-ok"]].concat();
                let mut with = args.clone();
                with.extend(["--delimiter", delimiter]);
                let want = priced(text.as_bytes(), &args);
                assert!(want.contains("total"), "{want}");
                assert_eq!(
                    priced(separated.as_bytes(), &with),
                    want,
                    "{delimiter} {args:?}"
                );
            }
        }
    }
}

/// A row of blank cells (a spreadsheet's empty row, `,,`) sets no price: it is refused, under any
/// header and separator, in every mode, unless `--defaults-ok` asks for the defaults; it is
/// never a default image in a file of chat or speech rows.
#[test]
fn a_row_of_blank_cells_is_refused_unless_defaults_are_asked_for() {
    for (text, args) in [
        (&b"model,seconds\nChatterbox,2\n,\n"[..], &[][..]),
        (b"steps,size\n20,512x512\n,\n", &["--summary"]),
        (b"steps;size\n20;512x512\n\"\";\n", &["--delimiter", ";"]),
        (
            b"model,input_tokens,output_tokens\nLlama-3.1 8B,10,10\n , , \n",
            &["--format", "json"],
        ),
    ] {
        // Rows before it were written as they streamed; the run stops at it, with no total.
        let (code, out, err) = batch(text, args);
        assert_eq!(code, 2, "{err}");
        assert!(!out.contains("total"), "{out}");
        assert!(
            err.starts_with("error: line 3: row ")
                && err.contains("has only blank cells, so it sets no price"),
            "{err}"
        );
    }
    let out = priced(
        b"steps,size\n20,512x512\n,\n",
        &["--defaults-ok", "--format", "plain"],
    );
    assert_eq!(out, "0.0128\n");
}

#[test]
fn carriage_returns_that_do_not_end_a_line_are_refused() {
    // Old Mac line endings: the whole file is one line.
    assert_eq!(
        refused(b"steps,size\r20,512\r30,512\r", &[]),
        "error: jobs.csv: line 1: the header has a carriage return (\\r) that does not end the line: the file seems to end its lines in \\r alone (old Mac line endings), which are not read; convert them first: tr '\\r' '\\n' makes each \\r a line end\n"
    );
    let row_error = "has a carriage return (\\r) that does not end the line; lines end in \\n or \\r\\n, and a \\r inside a line is refused rather than read into a field or a number (a file with \\r-only line endings is converted by tr '\\r' '\\n', which makes each \\r a line end)";
    assert_eq!(
        refused(b"steps,size\n20,512\r30,512\n", &[]),
        format!("error: line 2: row \"20,512\\r30,512\": {row_error}\n")
    );
    for args in [&["--format", "csv"][..], &["--summary"]] {
        assert_eq!(
            refused(b"id,steps,size\na\r,20,512\n", args),
            format!("error: line 2: row \"a\\r,20,512\": {row_error}\n")
        );
        assert_eq!(
            refused(b"steps,size\n20\r,512\n", args),
            format!("error: line 2: row \"20\\r,512\": {row_error}\n")
        );
    }
    // \r\n endings read as \n ones do.
    assert_eq!(
        priced(b"steps,size,note\r\n20,512,a\r\n", &["--format", "csv"]),
        priced(b"steps,size,note\n20,512,a\n", &["--format", "csv"])
    );
}

#[test]
fn a_file_in_which_nothing_sets_the_price_needs_defaults_ok() {
    let text = b"id,note\na,b\nc,d\n";
    assert_eq!(
        refused(text, &[]),
        format!(
            "error: jobs.csv: line 1: no column sets the price (\"id\", \"note\" are all carried through), so every job would be priced at the model's defaults; name the price columns ({PRICE_COLUMNS}), or give --defaults-ok to price the defaults\n"
        )
    );
    assert_eq!(
        priced(text, &["--defaults-ok", "--format", "csv"]),
        "line,model,steps,size,count,units,price,id,note\n\
         2,flux-dev,10,768x768,1,5.625,0.0068,a,b\n\
         3,flux-dev,10,768x768,1,5.625,0.0068,c,d\n\
         subtotal,flux-dev,,,2,11.25,0.0136,,\n\
         total,,,,2,,0.0136,,\n"
    );
}

#[test]
fn carried_names_are_unique_in_every_output() {
    for format in ["csv", "json", "markdown", "table"] {
        let args = ["--format", format];
        assert_eq!(
            refused(b"steps,line\n20,a\n", &args),
            "error: jobs.csv: line 1: column \"line\" has the name of the output's column \"line\" (output columns: line, model, steps, size, count, units, price); rename it (names are compared ignoring case and surrounding spaces)\n"
        );
        assert_eq!(
            refused(b"steps, Price \n20,a\n", &args),
            "error: jobs.csv: line 1: column \" Price \" has the name of the output's column \"price\" (output columns: line, model, steps, size, count, units, price); rename it (names are compared ignoring case and surrounding spaces)\n"
        );
        assert_eq!(
            refused(b"id,steps,ID \n1,20,2\n", &args),
            "error: jobs.csv: line 1: columns 1 \"id\" and 3 \"ID \" have the same name; rename one (names are compared ignoring case and surrounding spaces)\n"
        );
    }
    // A price column given twice stays an error of its own.
    assert_eq!(
        refused(b"count,N\n1,2\n", &[]),
        "error: jobs.csv: line 1: column 2 \"N\" repeats a column already given (count and n are the same column, as are steps and num_inference_steps)\n"
    );
}

#[test]
fn headers_read_right() {
    let want = priced(b"steps,size\n20,512\n", &["--format", "csv"]);
    // Quoted names, and blank lines before the header (line numbers count them).
    assert_eq!(
        priced(b"\"steps\",\" size\"\n20,512\n", &["--format", "csv"]),
        want
    );
    assert_eq!(
        priced(b"\n  \nsteps,size\n20,512\n", &["--format", "csv"]),
        want.replacen("\n2,", "\n4,", 1)
    );
    // A header longer than its rows: each row says so.
    assert_eq!(
        refused(b"steps,size,count\n20,512\n", &[]),
        "error: line 2: row \"20,512\": has 2 fields but the header has 3\n"
    );
    assert_eq!(
        refused(b"st\xe9ps,size\n20,512\n", &[]),
        "error: jobs.csv: line 1: the header is not UTF-8 (invalid byte at column 3); save the file as UTF-8\n"
    );
}
