//! `diff` on a changed least charge, a speech request's `minimum_seconds` and an image's
//! `minimum`: in each of its moves (from none, to none, up, down) the words say what is charged
//! now and what was, never a minimum of 0, and the gate fails only where jobs can pay more.

use crate::support::{dis, edited, run, temp_file};

/// The shipped tariff with Chatterbox's least seconds, then flux-dev's least charge, set.
fn least(seconds: &str, image: &str) -> String {
    let text = edited(
        "minimum_seconds = \"1\"",
        &format!("minimum_seconds = \"{seconds}\""),
    );
    assert!(text.contains("minimum = \"0\""));
    text.replacen("minimum = \"0\"", &format!("minimum = \"{image}\""), 1)
}

/// The `minimum-seconds` or `minimum` row of `diff OLD NEW --format csv`, and the status of
/// `--fail-above 0`.
fn changed(old: &str, new: &str, kind: &str) -> (Vec<String>, i32) {
    let (_a, old_path) = temp_file("old.toml", old.as_bytes());
    let (_b, new_path) = temp_file("new.toml", new.as_bytes());
    let diff = |args: &[&str]| {
        run(dis()
            .arg("diff")
            .arg(&old_path)
            .arg(&new_path)
            .args(["--steps", "10", "--sizes", "256"])
            .args(args))
    };
    let (code, out, err) = diff(&["--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .filter(|r: &Vec<String>| r[0] == kind)
        .collect();
    assert_eq!(rows.len(), 1, "{out}");
    (rows[0].clone(), diff(&["--fail-above", "0"]).0)
}

#[test]
fn every_move_of_the_least_seconds_says_what_is_charged() {
    let cases = [
        (
            "1",
            "0",
            "no minimum now: a request shorter than 1 s is charged its own length, not 1 s",
            0,
        ),
        (
            "0",
            "1",
            "a request shorter than 1 s is charged 1 s now; there was no minimum",
            1,
        ),
        (
            "1",
            "2.5",
            "a request shorter than 2.5 s is charged 2.5 s (was at least 1 s): one of 1 s or less pays +150.00%",
            1,
        ),
        (
            "2.5",
            "1",
            "a request shorter than 2.5 s is charged at least 1 s (was 2.5 s): one of 1 s or less pays -60.00%",
            0,
        ),
    ];
    for (old, new, effect, gate) in cases {
        let (row, code) = changed(&least(old, "0"), &least(new, "0"), "minimum-seconds");
        assert_eq!((row[4].as_str(), row[5].as_str()), (old, new));
        assert_eq!((row[9].as_str(), code), (effect, gate), "{old} -> {new}");
    }
}

#[test]
fn every_move_of_the_least_charge_per_image_says_what_is_charged() {
    let cases = [
        (
            "0.0002",
            "0",
            "no minimum now: an image metered below 0.0002 USD is charged its metered price, not 0.0002 USD",
            0,
        ),
        (
            "0",
            "0.0002",
            "an image metered below 0.0002 USD is charged 0.0002 USD now; there was no minimum",
            1,
        ),
        (
            "0.0001",
            "0.0002",
            "an image metered below 0.0002 USD is charged 0.0002 USD (was at least 0.0001 USD): one metered at 0.0001 USD or less pays +100.00%",
            1,
        ),
        (
            "0.0002",
            "0.0001",
            "an image metered below 0.0002 USD is charged at least 0.0001 USD (was 0.0002 USD): one metered at 0.0001 USD or less pays -50.00%",
            0,
        ),
    ];
    for (old, new, effect, gate) in cases {
        let (row, code) = changed(&least("1", old), &least("1", new), "minimum");
        assert_eq!((row[9].as_str(), code), (effect, gate), "{old} -> {new}");
    }
}

/// The law behind the cases: for every pair of least charges, the words name each one that is
/// not 0, never a least charge of 0, and a percent only as the row's own.
#[test]
fn no_move_speaks_of_a_least_charge_of_zero() {
    let values = ["0", "0.5", "1", "3"];
    for old in values {
        for new in values.iter().filter(|&&v| v != old) {
            let (row, _) = changed(&least(old, "0"), &least(new, "0"), "minimum-seconds");
            let effect = &row[9];
            assert!(!effect.contains(" 0 s"), "{old} -> {new}: {effect}");
            for v in [old, new] {
                assert!(
                    v == "0" || effect.contains(&format!(" {v} s")),
                    "{old} -> {new}: {effect}"
                );
            }
            let percent = &row[7];
            // A percent is told where both are charges: what one at the lower pays now.
            if old != "0" && *new != "0" {
                assert!(effect.ends_with(&format!("pays {percent}%")), "{effect}");
            } else {
                assert!(!effect.contains("pays"), "{effect}");
            }
        }
    }
    for old in ["0", "0.0001", "0.0003"] {
        for new in ["0", "0.0001", "0.0003"].iter().filter(|&&v| v != old) {
            let (row, _) = changed(&least("1", old), &least("1", new), "minimum");
            assert!(!row[9].contains(" 0 USD"), "{old} -> {new}: {}", row[9]);
        }
    }
}
