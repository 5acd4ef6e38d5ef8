//! Speech priced from the audio itself: `--audio FILE` for one request, and an `audio` column
//! or key in a batch, with WAV files written by Python's `wave` module (a real writer) and a
//! few headers made by hand for what `wave` does not write (float, extensible, truncated).

use std::path::Path;

use crate::support::{assert_bad_input, dis, require_tool, run};

/// Writes PCM WAV files with Python's `wave` module: `(name, channels, bytes a sample, rate,
/// frames)` each, into `dir`. `false` (the test skips) when python3 is missing.
fn python_wavs(dir: &Path, files: &[(&str, u16, u16, u32, u32)], test: &str) -> bool {
    if !require_tool("python3", test) {
        return false;
    }
    let mut script = String::from("import wave\n");
    for (name, channels, width, rate, frames) in files {
        script.push_str(&format!(
            "w = wave.open({name:?}, 'wb'); w.setnchannels({channels}); w.setsampwidth({width}); w.setframerate({rate}); w.writeframes(bytes({width} * {channels} * {frames})); w.close()\n"
        ));
    }
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 wrote the WAV files");
    true
}

/// A WAV header made by hand: the fmt chunk's body `fmt`, chunks `extra` before `data`, a data
/// chunk that says `data_len` bytes and holds `held`.
fn handmade(fmt: &[u8], extra: &[u8], data_len: u32, held: usize) -> Vec<u8> {
    let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&u32::try_from(fmt.len()).unwrap().to_le_bytes());
    out.extend_from_slice(fmt);
    out.extend_from_slice(extra);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend(std::iter::repeat_n(0u8, held));
    out
}

fn fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
    let align = channels * (bits / 8);
    [
        &tag.to_le_bytes()[..],
        &channels.to_le_bytes(),
        &rate.to_le_bytes(),
        &(rate * u32::from(align)).to_le_bytes(),
        &align.to_le_bytes(),
        &bits.to_le_bytes(),
    ]
    .concat()
}

/// WAVE_FORMAT_EXTENSIBLE with the sub-format `sub` (1 PCM, 3 float).
fn extensible(sub: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
    let mut b = fmt(0xFFFE, channels, rate, bits);
    b.extend_from_slice(&22u16.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(&sub.to_le_bytes());
    b.extend_from_slice(&[
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
    ]);
    b
}

fn quote(args: &[&str]) -> (i32, String, String) {
    run(dis().args(args).env("DIS_PRICE_TODAY", "2026-12-06"))
}

#[test]
fn one_wav_is_priced_at_its_length_and_the_minimum() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        // 2.5 s and 0.4 s of 24 kHz mono 16-bit, as Chatterbox writes; stereo 8-bit at
        // 44.1 kHz; 24-bit and 32-bit PCM.
        ("long.wav", 1, 2, 24_000, 60_000),
        ("short.wav", 1, 2, 24_000, 9_600),
        ("stereo.wav", 2, 1, 44_100, 110_250),
        ("deep.wav", 1, 3, 48_000, 120_000),
        ("wide.wav", 8, 4, 16_000, 40_000),
    ];
    if !python_wavs(
        dir.path(),
        &files,
        "one_wav_is_priced_at_its_length_and_the_minimum",
    ) {
        return;
    }
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    assert_eq!(
        quote(&["--audio", &path("long.wav"), "--format", "plain"]),
        (0, "0.0075\n".to_owned(), String::new())
    );
    assert_eq!(
        quote(&["--audio", &path("short.wav"), "--format", "plain"]),
        (0, "0.0030\n".to_owned(), String::new())
    );
    let (code, text, _) = quote(&["--audio", &path("short.wav")]);
    assert_eq!(code, 0);
    assert!(text.contains("0.4 seconds of audio"), "{text}");
    assert!(text.contains("1 s charged"), "{text}");
    let (code, json, _) = quote(&["--audio", &path("short.wav"), "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (&json["seconds"], &json["seconds_charged"], &json["price"]),
        (&"0.4".into(), &"1".into(), &"0.0030".into())
    );
    for (name, seconds) in [
        ("stereo.wav", "2.5"),
        ("deep.wav", "2.5"),
        ("wide.wav", "2.5"),
    ] {
        let (code, json, err) = quote(&["--audio", &path(name), "--format", "json"]);
        assert_eq!(code, 0, "{name}: {err}");
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["seconds"], seconds, "{name}");
    }
    // Standard input, and the model named.
    let bytes = std::fs::read(path("long.wav")).unwrap();
    let (code, out, err) = run(dis()
        .args(["--audio", "-", "--model", "chatterbox", "--format", "plain"])
        .write_stdin(bytes));
    assert_eq!((code, out.as_str()), (0, "0.0075\n"), "{err}");
    // Standard input is read once: not for the tariff and the audio both.
    assert_bad_input(
        dis().args(["--tariff", "-", "--audio", "-"]),
        &["standard input can be read only once", "--audio -"],
    );
}

#[test]
fn float_extensible_and_extra_chunks_are_read_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let mut list = b"LIST".to_vec();
    list.extend_from_slice(&5u32.to_le_bytes());
    list.extend_from_slice(b"INFOx\0");
    let mut fact = b"fact".to_vec();
    fact.extend_from_slice(&4u32.to_le_bytes());
    fact.extend_from_slice(&60_000u32.to_le_bytes());
    let extra = [list, fact].concat();
    for (name, bytes) in [
        (
            "float.wav",
            handmade(&fmt(3, 1, 24_000, 32), &extra, 240_000, 240_000),
        ),
        (
            "ext.wav",
            handmade(&extensible(3, 2, 24_000, 64), &extra, 960_000, 960_000),
        ),
        (
            "ext_pcm.wav",
            handmade(&extensible(1, 1, 24_000, 16), &[], 120_000, 120_000),
        ),
    ] {
        let (code, out, err) = quote(&["--audio", &write(name, &bytes), "--format", "plain"]);
        assert_eq!((code, out.as_str()), (0, "0.0075\n"), "{name}: {err}");
    }
    for (name, bytes, said) in [
        (
            "song.mp3",
            b"ID3\x04\0\0\0\0\0\0".to_vec(),
            "is not a WAV file (it starts with \"ID3.\"",
        ),
        (
            "adpcm.wav",
            handmade(&fmt(0x11, 1, 8000, 4), &[], 0, 0),
            "is a compressed WAV (format tag 0x0011 (IMA ADPCM))",
        ),
        (
            "cut.wav",
            handmade(&fmt(1, 1, 24_000, 16), &[], 48_000, 1000),
            "is truncated: its data chunk says 48000 bytes, the file holds 1000",
        ),
        (
            "zero.wav",
            handmade(&fmt(1, 1, 0, 16), &[], 0, 0),
            "has a sample rate of 0",
        ),
    ] {
        let path = write(name, &bytes);
        let err = assert_bad_input(dis().args(["--audio", &path]), &[said]);
        assert!(err.contains(name), "{err}");
    }
    // --audio is for a speech model, and not beside --seconds.
    let wav = write(
        "ok.wav",
        &handmade(&fmt(1, 1, 8000, 16), &[], 16_000, 16_000),
    );
    assert_bad_input(
        dis().args(["--audio", &wav, "--model", "flux-dev"]),
        &["--audio is not for model"],
    );
    assert_bad_input(
        dis().args(["--audio", &wav, "--seconds", "2"]),
        &["cannot be used with"],
    );
}

#[test]
fn a_batch_names_its_audio_files_from_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    if !python_wavs(
        &dir.path().join("out"),
        &[
            ("a.wav", 1, 2, 24_000, 60_000),
            ("b.wav", 1, 2, 24_000, 9_600),
        ],
        "a_batch_names_its_audio_files_from_its_own_folder",
    ) {
        return;
    }
    let csv = dir.path().join("speech.csv");
    std::fs::write(
        &csv,
        "model,audio,note\nChatterbox,out/a.wav,first\nChatterbox,out/b.wav,second\n",
    )
    .unwrap();
    let jsonl = dir.path().join("speech.jsonl");
    std::fs::write(
        &jsonl,
        "{\"model\":\"Chatterbox\",\"input\":\"Hello there\",\"voice\":\"leo\",\"audio\":\"out/a.wav\"}\n{\"model\":\"Chatterbox\",\"audio\":\"out/b.wav\"}\n",
    )
    .unwrap();
    // Run from elsewhere: the names are the job file's folder's.
    for file in [&csv, &jsonl] {
        let (code, out, err) = run(dis()
            .arg("batch")
            .arg(file)
            .args(["--format", "csv"])
            .current_dir("/"));
        assert_eq!(code, 0, "{err}");
        // The seconds read and the seconds charged (the 1 s minimum), exact.
        assert!(
            out.contains(",2.5,2.5,0.0075,0.0075") && out.contains("Chatterbox,exact"),
            "{out}"
        );
        assert!(out.contains(",0.4,1,0.003,0.0030"), "{out}");
        assert!(out.contains(",0.0105,0.0105"), "{out}");
    }
    // From standard input, from the current folder.
    let (code, out, err) = run(dis()
        .args(["batch", "-", "--format", "plain"])
        .current_dir(dir.path())
        .write_stdin("{\"model\":\"Chatterbox\",\"audio\":\"out/a.wav\"}\n"));
    assert_eq!((code, out.as_str()), (0, "0.0075\n"), "{err}");
    // Never outside that folder; a missing file and seconds beside audio are errors.
    for (line, said) in [
        (
            "{\"model\":\"Chatterbox\",\"audio\":\"/etc/hostname\"}",
            "is an absolute path",
        ),
        (
            "{\"model\":\"Chatterbox\",\"audio\":\"out/../../x.wav\"}",
            "goes up a folder",
        ),
        (
            "{\"model\":\"Chatterbox\",\"audio\":\"out/none.wav\"}",
            "cannot be read",
        ),
        (
            "{\"model\":\"Chatterbox\",\"audio\":\"out/a.wav\",\"seconds\":2}",
            "is not a key of a speech audio",
        ),
        (
            "{\"model\":\"Chatterbox\",\"audio\":3}",
            "is not a file name",
        ),
    ] {
        let file = dir.path().join("bad.jsonl");
        std::fs::write(&file, format!("{line}\n")).unwrap();
        assert_bad_input(dis().arg("batch").arg(&file), &["line 1", said]);
    }
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, "model,audio,seconds\nChatterbox,out/a.wav,2\n").unwrap();
    assert_bad_input(
        dis().arg("batch").arg(&file),
        &["line 2", "seconds", "beside audio"],
    );
}
