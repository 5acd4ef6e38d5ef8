use super::*;
use crate::batch::row::{size, whole};
use crate::number::parse_u32;
use crate::size::Size;
use std::io;

fn read(format: InputFormat, text: &str) -> Vec<Result<Row<'static>, String>> {
    read_with(format, text, 8192)
}

/// Reads through a buffer of `capacity` bytes, so lines straddle reads.
fn read_with(
    format: InputFormat,
    text: &str,
    capacity: usize,
) -> Vec<Result<Row<'static>, String>> {
    read_opts(format, text, capacity, ReadOptions::default())
}

/// The image job an item must be.
pub(super) fn image(item: Item<'_>) -> Row<'_> {
    match item {
        Item::Image(row) => row,
        Item::Metered(m) => panic!("not an image job: {m:?}"),
    }
}

/// Reads with `options`, through a buffer of `capacity` bytes.
fn read_opts(
    format: InputFormat,
    text: &str,
    capacity: usize,
    options: ReadOptions,
) -> Vec<Result<Row<'static>, String>> {
    let input = io::BufReader::with_capacity(capacity, text.as_bytes());
    let mut rows = Rows::new("t".into(), input, format, options).unwrap();
    let mut out = Vec::new();
    loop {
        match rows.next_row() {
            Ok(None) => return out,
            Ok(Some(item)) => out.push(Ok({
                let row = image(item);
                Row {
                    model: row.model.map(|m| Cow::Owned(m.into_owned())),
                    extra: row
                        .extra
                        .into_iter()
                        .map(|e| Cow::Owned(e.into_owned()))
                        .collect(),
                    ..row
                }
            })),
            Err(Ok(e)) => out.push(Err(e.to_string())),
            Err(Err(e)) => panic!("{e}"),
        }
    }
}

#[test]
fn csv_columns_defaults_and_extras() {
    let rows = read(
        InputFormat::Csv,
        "id,steps,size,n\r\na,20,512x512,2\n\nb,,,\n",
    );
    let a = rows[0].as_ref().unwrap();
    assert_eq!(
        (a.line, a.steps, a.size, a.count),
        (2, Some(20), Some(Size::new(512, 512)), Some(2))
    );
    assert_eq!(a.extra, vec!["a"]);
    let b = rows[1].as_ref().unwrap();
    assert_eq!((b.line, b.steps, b.size, b.count), (4, None, None, None));
}

#[test]
fn csv_width_and_height() {
    let rows = read(InputFormat::Csv, "width,height,steps\n640,480,5\n640,,5\n");
    assert_eq!(rows[0].as_ref().unwrap().size, Some(Size::new(640, 480)));
    assert!(rows[1].as_ref().unwrap_err().contains("line 3: height"));
}

#[test]
fn csv_bad_rows_name_line_field_and_value() {
    let rows = read(InputFormat::Csv, "steps,size\n1.5,512\n20,512x\n20\n");
    assert!(
        rows[0]
            .as_ref()
            .unwrap_err()
            .starts_with("line 2: steps \"1.5\"")
    );
    assert!(
        rows[1]
            .as_ref()
            .unwrap_err()
            .starts_with("line 3: size \"512x\"")
    );
    assert!(
        rows[2]
            .as_ref()
            .unwrap_err()
            .contains("has 1 fields but the header has 2")
    );
}

#[test]
fn quoted_csv_fields() {
    let fields = split_csv(r#"a,"b,c","say ""hi""",,"#, b',').unwrap();
    assert_eq!(fields, vec!["a", "b,c", "say \"hi\"", "", ""]);
    assert_eq!(split_csv("x", b',').unwrap(), vec!["x"]);
    assert!(split_csv(r#""open"#, b',').is_err());
    assert!(split_csv(r#""a"b"#, b',').is_err());
    let rows = read(
        InputFormat::Csv,
        "note,steps,size\n\"a, b\",20,\"512x256\"\n",
    );
    let row = rows[0].as_ref().unwrap();
    assert_eq!(
        (row.extra[0].as_ref(), row.steps, row.size),
        ("a, b", Some(20), Some(Size::new(512, 256)))
    );
}

#[test]
fn lines_that_straddle_reads_are_whole() {
    let text = "steps,size,note\n20,512x512,aaaaaaaaaaaaaaaaaaaa\n30,256,b\r\n\n  \n10,1024,c";
    for capacity in [1, 2, 3, 7, 16, 64, 8192] {
        let rows = read_with(InputFormat::Csv, text, capacity);
        let got: Vec<(u64, Option<u32>, String)> = rows
            .into_iter()
            .map(|r| r.unwrap())
            .map(|r| (r.line, r.steps, r.extra[0].to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Some(20), "a".repeat(20)),
                (3, Some(30), "b".into()),
                (6, Some(10), "c".into())
            ],
            "capacity {capacity}"
        );
    }
}

#[test]
fn the_plain_path_agrees_with_the_general_one() {
    let columns = [
        Column::Steps,
        Column::Size,
        Column::Count,
        Column::Model,
        Column::Extra,
    ];
    for line in [
        "20,512x512,2,flux-dev,a",
        "20,512X256,, Flux-Dev ,b c",
        "1,1x1,999999999,m,",
    ] {
        let plain =
            plain_line(1, &columns, b',', line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
        let general = csv_row(1, &columns, split_csv(line, b',').unwrap().into_iter())
            .unwrap()
            .0;
        assert_eq!(plain, general, "{line}");
    }
    // Anything unusual goes the general way.
    for line in [
        "20,512,2,m,a",
        "1,1x1,4294967295,m,",
        " 20,512x512,2,m,a",
        "20,0x5,2,m,a",
        "20,512x512,2,m",
        "20,512x512,2,m,a,b",
        "1e3,512x512,,,",
        "20,5×5,,,",
        // A row of blank cells: the general path refuses it, or with --defaults-ok prices it.
        ",,,,",
    ] {
        assert!(
            plain_line(1, &columns, b',', line.as_bytes()).is_none(),
            "{line}"
        );
    }
    let sides = [Column::Width, Column::Height];
    assert_eq!(
        plain_line(1, &sides, b',', b"640,480").unwrap().size,
        Some(Size::new(640, 480))
    );
    assert!(plain_line(1, &sides, b',', b"640,").is_none());
    // Invalid UTF-8 in a text field goes the general way, which reports it.
    assert!(plain_line(1, &columns, b',', b"20,512x512,2,m\xff,a").is_none());
    // Under another separator the same lines agree, and a comma is just a character.
    for delimiter in [b';', b'\t', b'|', b' '] {
        let sep = char::from(delimiter).to_string();
        for (line, plain) in [
            ("20,512x512,2,flux-dev,a", true),
            (",,,,", false),
            ("20,512X256,,Flux-Dev,b-c", true),
            ("20,512x512,2,m,a,b", false),
            ("20,512,2,m,a", false),
        ] {
            let line = line.replace(',', &sep);
            let general = csv_row(
                1,
                &columns,
                split_csv(&line, delimiter).unwrap().into_iter(),
            )
            .map(|(row, _)| row);
            let read = plain_line(1, &columns, delimiter, line.as_bytes());
            assert_eq!(read.is_some(), plain, "{line:?}");
            if let Some(read) = read {
                assert_eq!(Ok(read), general, "{line:?}");
            }
            assert_eq!(
                plain_line(1, &columns, b',', line.as_bytes()),
                None,
                "{line:?} read with commas"
            );
        }
        assert_eq!(
            plain_numbers(&sides, delimiter, format!("640{sep}480").as_bytes()),
            Some(Request {
                steps: None,
                count: None,
                size: Some(Size::new(640, 480))
            })
        );
        assert_eq!(plain_numbers(&sides, delimiter, b"640,480"), None);
    }
}

#[test]
fn plain_numbers_agree_with_plain_rows() {
    let layouts: [&[Column]; 3] = [
        &[Column::Steps, Column::Size, Column::Count],
        &[Column::Width, Column::Height, Column::Steps],
        &[Column::Count, Column::Size],
    ];
    let lines = [
        "20,512x512,2",
        ",,",
        "1,1024X7,",
        "20,512,2",
        "20,0x5,1",
        "640,480,5",
        "640,,5",
        "5,5",
        "9,9x9,9,",
        "x,1,1",
        "1,2x3",
    ];
    for columns in layouts {
        for line in lines {
            let row = plain_line(1, columns, b',', line.as_bytes()).map(|r| Request {
                steps: r.steps,
                size: r.size,
                count: r.count,
            });
            assert_eq!(
                plain_numbers(columns, b',', line.as_bytes()),
                row,
                "{columns:?} {line}"
            );
        }
    }
    assert_eq!(
        plain_numbers(&[Column::Steps, Column::Model], b',', b"20,flux"),
        None
    );
}

#[test]
fn numeric_files_read_in_place_agree_with_line_reading() {
    // No text columns: lines are parsed where they lie in the buffer when they can be.
    let text = "steps,size,n\r\n20,512x512,2\r\n\n  \n30,256,\n5,7x9,1\n10,1024,3";
    for capacity in [1, 2, 5, 13, 64, 8192] {
        let got: Vec<_> = read_with(InputFormat::Csv, text, capacity)
            .into_iter()
            .map(|r| r.unwrap())
            .map(|r| (r.line, r.steps, r.size, r.count))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Some(20), Some(Size::new(512, 512)), Some(2)),
                (5, Some(30), Some(Size::new(256, 256)), None),
                (6, Some(5), Some(Size::new(7, 9)), Some(1)),
                (7, Some(10), Some(Size::new(1024, 1024)), Some(3)),
            ],
            "capacity {capacity}"
        );
    }
    let errors: Vec<String> = read(InputFormat::Csv, "steps,size\n20,512\nx,512\n20,0x5\n")
        .into_iter()
        .filter_map(Result::err)
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0].starts_with("line 3: steps \"x\"")
            && errors[1].starts_with("line 4: size \"0x5\""),
        "{errors:?}"
    );
}

#[test]
fn the_byte_path_agrees_with_the_parsers() {
    for text in [
        "0",
        "7",
        "512",
        "999999999",
        "4294967295",
        "1000000000",
        " 5",
        "5 ",
        "+5",
        "",
        "x",
    ] {
        let general = if text.trim().is_empty() {
            Ok(None)
        } else {
            parse_u32(text).map(Some)
        };
        assert_eq!(
            whole(1, "steps", text).map_err(|e| e.message),
            general,
            "{text:?}"
        );
    }
    for text in [
        "512x512",
        "1X2",
        "0x5",
        "5x0",
        "512",
        " 512 x 512",
        "512×512",
        "4294967296x1",
        "1x",
    ] {
        let general = text.parse::<Size>().map_err(|e| e.to_string());
        assert_eq!(
            size(1, "size", text).map_err(|e| e.message),
            general,
            "{text:?}"
        );
    }
}

/// The header error for `text` read with `options`, or `None` when it is read.
fn header_error(text: &str, options: ReadOptions) -> Option<String> {
    Rows::new("t".into(), text.as_bytes(), InputFormat::Csv, options)
        .err()
        .map(|e| e.to_string())
}

#[test]
fn bad_headers() {
    for header in ["count,n\n", "size,width,height\n", "width\n", ""] {
        assert!(
            header_error(header, ReadOptions::default()).is_some(),
            "{header:?}"
        );
    }
}

#[test]
fn near_misses_of_price_columns_are_refused_and_other_names_carried() {
    let options = ReadOptions::default();
    for (name, meant) in [
        ("stesp", "steps"),
        ("Step", "steps"),
        (" STEPS_ ", "steps"),
        ("sizes", "size"),
        ("szie", "size"),
        ("widht,height", "width"),
        ("width,heigth", "height"),
        ("num_inference_step", "num_inference_steps"),
        ("num-inference-step", "num_inference_steps"),
        ("numinferencesteps", "num_inference_steps"),
        ("modle", "model"),
        ("Models", "model"),
        ("cout", "count"),
        ("conut", "count"),
        ("qty", "count"),
        ("w,h", "width"),
        ("resolution", "size"),
        ("image_size", "size"),
        ("num_steps", "steps"),
        ("Size (px)", "size"),
        ("model_id", "model"),
    ] {
        let error = header_error(&format!("id,{name}\n"), options)
            .unwrap_or_else(|| panic!("{name:?} was read"));
        assert!(
            error.contains(&format!("looks like the price column {meant:?}")),
            "{name:?}: {error}"
        );
    }
    // Names far from every price column are carried; so is a near-miss of a price column
    // the header names outright, and `n` matches only itself.
    for header in [
        "id,note,prompt,x,user,seed,steps",
        "a,b,n",
        "steps,size,site",
        "width,height,weight",
        "model,mode",
        "Num Inference Steps,N",
    ] {
        assert_eq!(header_error(header, options), None, "{header:?}");
    }
    let rows = read(InputFormat::Csv, "Num Inference Steps, N ,a\n20,2,b\n");
    let row = rows[0].as_ref().unwrap();
    assert_eq!(
        (row.steps, row.count, row.extra.clone()),
        (Some(20), Some(2), vec!["b".into()])
    );
}

#[test]
fn headers_that_are_not_headers() {
    let options = ReadOptions::default();
    let expect = |text: &str, options: ReadOptions, needle: &str| {
        let error = header_error(text, options).unwrap_or_else(|| panic!("{text:?} was read"));
        assert!(error.contains(needle), "{text:?}: {error}");
    };
    expect("20,512x512,4\n", options, "column 1 \"20\" is a value");
    expect("steps,1024\n", options, "column 2 \"1024\" is a value");
    expect("model,1.5\n", options, "is a value");
    expect(",,\n", options, "only blank cells");
    expect("\"\",\" \"\n", options, "only blank cells");
    expect("steps,,size\n", options, "column 2 has no name");
    expect("steps,size,\n", options, "column 3 has no name");
    expect("steps;size\n", options, "give --delimiter ';'");
    expect("steps\tsize\n", options, "give --delimiter tab");
    expect("steps|size\n", options, "give --delimiter '|'");
    expect("steps,size;count\n", options, "give --delimiter ';'");
    expect("steps size count\n", options, "give --delimiter ' '");
    expect("\"steps,size\"\n", options, "inside quotes");
    expect("steps,size\r20,512\r", options, "tr '\\r' '\\n'");
    expect("steps,size\r\r\n", options, "carriage return");
    expect("id,note\n", options, "--defaults-ok");
    expect("id,steps,ID \n", options, "columns 1 \"id\" and 3 \"ID \"");
    let semicolon = ReadOptions {
        delimiter: b';',
        ..options
    };
    expect("steps,size\n", semicolon, "leave out --delimiter");
    expect("steps;size;count,n\n", semicolon, "leave out --delimiter");
    // Given what they need, the same headers read.
    for (text, options) in [
        (
            "id,note\n",
            ReadOptions {
                defaults_ok: true,
                ..options
            },
        ),
        ("steps;size\n", semicolon),
        ("\n \n\"steps\",\"size\"\n", options),
    ] {
        assert_eq!(header_error(text, options), None, "{text:?}");
    }
    // Blank lines before the header are skipped, and errors name the header's line.
    assert_eq!(
        header_error("\n\nstesp\n", options)
            .unwrap()
            .split(": ")
            .nth(1),
        Some("line 3")
    );
}

#[test]
fn every_separator_reads_like_the_comma() {
    let text =
        "id,steps,size,n,model\na,20,512x512,2,flux-dev\n\nb,,,,\n\"c\",5,7X9,,m\r\n,1,1,1,\n";
    // Rows of blank cells are priced at the defaults, as asked.
    let defaults = ReadOptions {
        defaults_ok: true,
        ..ReadOptions::default()
    };
    let comma = read_opts(InputFormat::Csv, text, 8192, defaults);
    assert_eq!(comma.len(), 4);
    let numbers = "steps,size,n\n20,512x512,2\n\n,,\n5,7X9,\r\n1,1,1\n";
    let comma_numbers = read_opts(InputFormat::Csv, numbers, 8192, defaults);
    assert_eq!(comma_numbers.len(), 4);
    for delimiter in [b';', b'\t', b'|', b' '] {
        let options = ReadOptions {
            delimiter,
            ..defaults
        };
        let separated = text.replace(',', &char::from(delimiter).to_string());
        let separated_numbers = numbers.replace(',', &char::from(delimiter).to_string());
        for capacity in [1, 3, 16, 8192] {
            assert_eq!(
                read_opts(InputFormat::Csv, &separated, capacity, options),
                comma,
                "{delimiter} {capacity}"
            );
            assert_eq!(
                read_opts(InputFormat::Csv, &separated_numbers, capacity, options),
                comma_numbers,
                "{delimiter} {capacity}"
            );
        }
    }
}

#[test]
fn a_carriage_return_inside_a_line_is_never_read_into_a_row() {
    let columns = [Column::Steps, Column::Size, Column::Model, Column::Extra];
    for line in [
        &b"20\r,512,m,a"[..],
        b"20,512\r,m,a",
        b"20,512,m\r,a",
        b"20,512,m,a\r",
        b"20,512,m,a\rb",
    ] {
        assert!(plain_line(1, &columns, b',', line).is_none(), "{line:?}");
    }
    assert!(plain_in_buffer(1, &columns, b',', b"20,512x512,m,a\r\r\n").is_none());
    assert!(plain_in_buffer(1, &columns, b',', b"20,512x512,m,a\r\n").is_some());
    for capacity in [1, 4, 8192] {
        let rows = read_with(
            InputFormat::Csv,
            "steps,size,note\n20\r,512,a\n20,512,a\rb\n20,512,a\r\r\n\r\n20,512,ok\r\n",
            capacity,
        );
        let got: Vec<Result<u64, bool>> = rows
            .iter()
            .map(|r| match r {
                Ok(row) => Ok(row.line),
                Err(e) => Err(e.contains("carriage return")),
            })
            .collect();
        assert_eq!(
            got,
            vec![Err(true), Err(true), Err(true), Ok(6)],
            "{capacity}"
        );
        let rows = read_with(
            InputFormat::Csv,
            "steps,size\n20\r,512\n20,512\r30,1\n",
            capacity,
        );
        assert!(
            rows.iter()
                .all(|r| r.as_ref().is_err_and(|e| e.contains("carriage return")))
        );
    }
}

#[test]
fn api_request_bodies() {
    let rows = read(
        InputFormat::Jsonl,
        r#"{"model": "flux-dev", "prompt": "a cat", "num_inference_steps": 20, "size": "512x512", "n": 2, "seed": 1}
{"steps": 5, "width": 300, "height": 200, "guidance_scale": 3.5, "style": null}
"#,
    );
    let a = rows[0].as_ref().unwrap();
    assert_eq!(
        (a.model.as_deref(), a.steps, a.size, a.count),
        (
            Some("flux-dev"),
            Some(20),
            Some(Size::new(512, 512)),
            Some(2)
        )
    );
    assert_eq!(rows[1].as_ref().unwrap().size, Some(Size::new(300, 200)));
}

#[test]
fn bad_json_lines() {
    let rows = read(
        InputFormat::Jsonl,
        concat!(
            "{\"steps\": 1}\n[1]\nnull\n3\n{\"steps\": 20.5}\n{\"stesp\": 20}\n",
            "{\"steps\": 1, \"num_inference_steps\": 2}\n{\n",
            "{\"n\": 1, \"n\": 1000}\n",
            "{\"steps\": 2, \"prompt\": \"a\", \"prompt\": \"b\"}\n",
            "{\"steps\": 2, \"st\\u0065ps\": 3}\n",
            "{\"seed\": 1}\n{}\n{\"model\": \"flux-dev\"}\n",
            "{\"steps\": 2, \"n\": null}\n{\"n\": \"2\"}\n{\"steps\": {\"a\": 1}}\n",
            "{\"Steps\": 20}\n{\"stesp\": null}\n{\"n\": 2.50}\n",
            "\u{feff}{\"steps\": 1}\n",
        ),
    );
    assert_eq!(rows[0].as_ref().unwrap().steps, Some(1));
    let errors: Vec<String> = rows[1..].iter().map(|r| r.clone().unwrap_err()).collect();
    let want = [
        "line 2: row \"[1]\": is an array; expected an object",
        "line 3: row \"null\": is null",
        "line 4: row \"3\": is a number",
        "line 5: steps \"20.5\"",
        "did you mean \"steps\"",
        "line 7: num_inference_steps \"2\": repeats \"steps\"; give one of them",
        "line 8: row \"{\": is not JSON: EOF while parsing an object",
        "line 9: n \"1000\": repeats the key \"n\" (first given as 1); give each key once",
        "line 10: prompt \"b\": repeats the key \"prompt\" (first given as \"a\")",
        "line 11: steps \"3\": repeats the key \"steps\" (first given as 2)",
        "line 12: row \"{\\\"seed\\\": 1}\": no key sets the price",
        "line 13: row \"{}\": no key sets the price",
        "line 14: row \"{\\\"model\\\": \\\"flux-dev\\\"}\": no key sets the price",
        "line 15: n \"null\": is null; give a value, or leave the key out",
        "line 16: n \"2\": is not a whole number from 0 to 4294967295 (it is a string: write 2, not \"2\")",
        "line 17: steps \"{\\\"a\\\": 1}\": is not a whole number",
        "line 18: Steps \"20\": is not a key dis-price knows; did you mean \"steps\"?",
        "line 19: stesp \"null\": is not a key dis-price knows",
        "line 20: n \"2.50\": is not a whole number",
        "line 21: row \"\\u{feff}{\\\"steps\\\": 1}\": is not JSON",
    ];
    assert_eq!(errors.len(), want.len(), "{errors:#?}");
    for (got, want) in errors.iter().zip(want) {
        assert!(got.contains(want), "{got:?} does not contain {want:?}");
    }
}

#[test]
fn rows_with_no_price_key_need_defaults_ok() {
    let text = "{\"prompt\": \"a cat\"}\n{}\n{\"model\": \"flux-dev\", \"seed\": null}\n";
    let options = ReadOptions {
        defaults_ok: true,
        ..ReadOptions::default()
    };
    let mut rows = Rows::new("t".into(), text.as_bytes(), InputFormat::Jsonl, options).unwrap();
    let mut models = Vec::new();
    while let Some(item) = rows.next_row().unwrap() {
        let row = image(item);
        assert_eq!((row.steps, row.size, row.count), (None, None, None));
        models.push(row.model.map(Cow::into_owned));
    }
    assert_eq!(models, vec![None, None, Some("flux-dev".to_owned())]);
}
