//! `dis-price diff OLD NEW`: every change that alters what a job pays, in every format, and the
//! `--fail-above` gate.

use crate::support::{BUILTIN, dis, edited, run};

/// A second model, without a published grid: its one cell is its default job.
const SCHNELL: &str = "
[models.flux-schnell]
name = \"Flux.1 [schnell]\"
aliases = [\"schnell\"]
unit = \"megapixel-step\"
unit_size = \"1024x1024\"
rate = \"0.0005\"
steps = { min = 1, max = 4, default = 4 }
side = { min = 1, max = 1024 }
default_size = \"1024x1024\"
";

/// `old.toml` and `new.toml` in one directory, which the commands run in, so outputs name
/// them the same way on every machine.
struct Pair {
    dir: tempfile::TempDir,
}

fn pair(old: &str, new: &str) -> Pair {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.toml"), old).expect("write");
    std::fs::write(dir.path().join("new.toml"), new).expect("write");
    Pair { dir }
}

/// The shipped tariff with each `(from, to)` replaced once.
fn with(edits: &[(&str, &str)]) -> String {
    edits.iter().fold(BUILTIN.to_owned(), |text, (from, to)| {
        assert!(text.contains(from), "{from:?} is not in the tariff");
        text.replacen(from, to, 1)
    })
}

impl Pair {
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run(dis()
            .current_dir(self.dir.path())
            .args(["diff", "old.toml", "new.toml"])
            .args(args))
    }

    /// Every format without a gate: exit 0 and nothing on stderr. Snapshots the drawn, markdown
    /// and JSON output; returns the CSV's rows, checked to be one valid table.
    fn every_format(&self, name: &str) -> Vec<Vec<String>> {
        for format in ["table", "markdown", "json"] {
            let (code, out, err) = self.run(&["--format", format]);
            assert_eq!((code, err.as_str()), (0, ""), "{format}");
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
            }
            insta::assert_snapshot!(format!("diff_{name}_{format}"), out);
        }
        let (code, out, err) = self.run(&["--format", "csv"]);
        assert_eq!((code, err.as_str()), (0, ""), "csv");
        csv_rows(&out)
    }

    /// Runs the gate in the drawn format: its stdout must be the same as without it.
    fn gate(&self, limit: &str) -> (i32, String) {
        let (_, plain, _) = self.run(&[]);
        let (code, out, err) = self.run(&["--fail-above", limit]);
        assert_eq!(out, plain, "the gate changes no output");
        (code, err)
    }
}

/// Parses CSV with the `csv` crate: a header, then rows of the same width.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "kind",
            "model",
            "steps",
            "size",
            "old",
            "new",
            "difference",
            "percent",
            "always_fails",
            "effect",
            "old_day",
            "new_day"
        ]
    );
    reader
        .records()
        .map(|r| r.expect("a valid row").iter().map(str::to_owned).collect())
        .collect()
}

/// The rows that are not cells.
fn changes(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter().filter(|r| r[0] != "cell").cloned().collect()
}

/// A row of undated tariffs compared on one day: `old_day` and `new_day` are empty.
fn row(fields: [&str; 10]) -> Vec<String> {
    let mut row = fields.map(str::to_owned).to_vec();
    row.extend([String::new(), String::new()]);
    row
}

#[test]
fn a_uniform_ten_percent_rise_is_ten_percent_in_every_cell_and_format() {
    let p = pair(
        BUILTIN,
        &edited("rate = \"0.001206\"", "rate = \"0.0013266\""),
    );
    let rows = p.every_format("uniform");
    let cells: Vec<_> = rows.iter().filter(|r| r[0] == "cell").collect();
    assert_eq!(cells.len(), 9);
    for cell in &cells {
        assert_eq!((cell[7].as_str(), cell[8].as_str()), ("+10.00", "false"));
    }
    // 256x256 at 10 steps: shown 0.0008 both times, exactly 0.00075375 -> 0.000829125.
    assert_eq!(
        *cells[0],
        row([
            "cell",
            "flux-dev",
            "10",
            "256x256",
            "0.0008",
            "0.0008",
            "+0.000075375",
            "+10.00",
            "false",
            ""
        ])
    );
    assert_eq!(
        changes(&rows),
        [row([
            "rate",
            "flux-dev",
            "",
            "",
            "0.001206",
            "0.0013266",
            "",
            "+10.00",
            "false",
            "a metered image pays +10.00%"
        ])]
    );
    let (_, json, _) = p.run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let percents: Vec<&str> = v["models"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["percent"].as_str().unwrap())
        .collect();
    assert_eq!(percents, ["+10.00"; 9]);
    let (_, md, _) = p.run(&["--format", "markdown"]);
    assert_eq!(md.matches("| +10.00% |").count(), 10, "{md}");
    let (_, table, _) = p.run(&[]);
    // Nine cells, the rate's percent and its effect.
    assert_eq!(table.matches("+10.00%").count(), 11, "{table}");

    // Exactly 10% is not more than 10; anything less than 10 is.
    assert_eq!(p.gate("10"), (0, String::new()));
    assert_eq!(
        p.gate("9.99"),
        (
            1,
            "price rise: 10 change(s) go past --fail-above 9.99%; the first: flux-dev rate 0.001206 -> 0.0013266: a metered image pays +10.00%\n"
                .to_owned()
        )
    );
}

#[test]
fn a_falling_price_never_fails_the_gate() {
    let p = pair(
        BUILTIN,
        &edited("rate = \"0.001206\"", "rate = \"0.000603\""),
    );
    let rows = p.every_format("fall");
    assert!(
        rows.iter().all(|r| r[7] == "-50.00" && r[8] == "false"),
        "{rows:?}"
    );
    assert_eq!(p.gate("0"), (0, String::new()));
}

#[test]
fn different_currencies_are_an_error_before_any_output() {
    let p = pair(BUILTIN, &edited("currency = \"USD\"", "currency = \"JPY\""));
    for args in [&[][..], &["--format", "csv"], &["--fail-above", "10"]] {
        let (code, out, err) = p.run(args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                2,
                "",
                "error: the tariffs price in different currencies: old.toml in USD, new.toml in JPY; diff compares prices in one currency only\n"
            )
        );
    }
}

#[test]
fn a_huge_rate_is_priced_or_refused_never_a_panic() {
    let p = pair(
        BUILTIN,
        &with(&[
            ("rate = \"0.001206\"", "rate = \"1e26\""),
            ("decimals = 4 ", "decimals = 0 "),
        ]),
    );
    let rows = p.every_format("huge");
    assert_eq!(
        rows[0],
        row([
            "cell",
            "flux-dev",
            "10",
            "256x256",
            "0.0008",
            "62500000000000000000000000",
            "+62499999999999999999999999.99924625",
            "+8291873963515754560530679933565.01",
            "false",
            ""
        ])
    );
    assert_eq!(
        p.gate("1000"),
        (
            1,
            "price rise: 11 change(s) go past --fail-above 1000%; the first: display 4 places, half-up -> 0 places, half-up: some shown prices can be higher for the same exact price (this has no percentage and fails any --fail-above)\n"
                .to_owned()
        )
    );
    // At 4 places the same prices do not fit a decimal: the new tariff is refused at its rate.
    let p = pair(BUILTIN, &edited("rate = \"0.001206\"", "rate = \"1e26\""));
    let (code, out, err) = p.run(&["--fail-above", "10"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "error: invalid tariff new.toml: 1 problem\nnew.toml:31:8: models.flux-dev.rate: rate 100000000000000000000000000 cannot price its default job shown to 4 places: the price of 1 image(s) of 768x768 at 10 steps is too large to compute exactly (lower the rate or display.decimals)\n   |\n31 | rate = \"1e26\"     # USD per megapixel-step; see the note at the top\n   |        ^^^^^^\n"
        )
    );
}

#[test]
fn a_changed_default_model_always_fails_the_gate() {
    let old = format!("{BUILTIN}{SCHNELL}");
    let new = old.replacen(
        "default_model = \"flux-dev\"",
        "default_model = \"flux-schnell\"",
        1,
    );
    let p = pair(&old, &new);
    let rows = p.every_format("default_model");
    assert_eq!(
        changes(&rows),
        [row([
            "default-model",
            "",
            "",
            "",
            "flux-dev",
            "flux-schnell",
            "",
            "",
            "true",
            "jobs that name no model get flux-schnell instead of flux-dev"
        ])]
    );
    // Both models' cells are unchanged: only the default moved.
    assert!(
        rows.iter()
            .filter(|r| r[0] == "cell")
            .all(|r| r[7] == "0.00")
    );
    assert_eq!(
        p.gate("1000000"),
        (
            1,
            "price rise: 1 change(s) go past --fail-above 1000000%; the first: default-model flux-dev -> flux-schnell: jobs that name no model get flux-schnell instead of flux-dev (this has no percentage and fails any --fail-above)\n"
                .to_owned()
        )
    );
}

#[test]
fn a_removed_model_and_its_aliases_always_fail_the_gate() {
    let p = pair(&format!("{BUILTIN}{SCHNELL}"), BUILTIN);
    let rows = p.every_format("removed");
    assert_eq!(
        changes(&rows),
        [
            row([
                "model-removed",
                "flux-schnell",
                "",
                "",
                "flux-schnell",
                "",
                "",
                "",
                "true",
                "jobs that name \"flux-schnell\" can no longer be priced"
            ]),
            row([
                "alias-removed",
                "flux-schnell",
                "",
                "",
                "schnell",
                "",
                "",
                "",
                "true",
                "jobs that name \"schnell\" can no longer be priced"
            ]),
            row([
                "name-removed",
                "flux-schnell",
                "",
                "",
                "Flux.1 [schnell]",
                "",
                "",
                "",
                "true",
                "jobs that name \"Flux.1 [schnell]\" can no longer be priced"
            ]),
        ]
    );
    let (code, err) = p.gate("50");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "price rise: 3 change(s) go past --fail-above 50%; the first: flux-schnell model-removed: jobs that name \"flux-schnell\" can no longer be priced (this has no percentage and fails any --fail-above)\n"
        )
    );
}

#[test]
fn a_renamed_model_fails_the_gate_even_when_its_old_id_is_an_alias() {
    let renamed = with(&[
        ("default_model = \"flux-dev\"", "default_model = \"flux-1\""),
        ("[models.flux-dev]", "[models.flux-1]"),
        (
            "aliases = [\"flux.1-dev\", \"flux-1-dev\"]",
            "aliases = [\"flux.1-dev\", \"flux-1-dev\", \"flux-dev\"]",
        ),
        ("[models.flux-dev.published]", "[models.flux-1.published]"),
    ]);
    let p = pair(BUILTIN, &renamed);
    let rows = p.every_format("renamed");
    let listed = changes(&rows);
    let kinds: Vec<(&str, &str, &str)> = listed
        .iter()
        .map(|r| (r[0].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    // The old names still price, under another model id: each is reported and fails the gate.
    assert_eq!(
        kinds,
        [
            ("default-model", "flux-dev", "flux-1"),
            ("name-moved", "flux-dev", "flux-1"),
            ("name-moved", "flux-dev", "flux-1"),
            ("name-moved", "flux-dev", "flux-1"),
            // The display name, "Flux.1 [dev]", too.
            ("name-moved", "flux-dev", "flux-1"),
            ("model-added", "", "flux-1"),
        ]
    );
    let (code, err) = p.gate("0");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("price rise: 5 change(s) go past --fail-above 0%; the first: default-model flux-dev -> flux-1"),
        "{err}"
    );
}

#[test]
fn an_alias_removed_or_moved_to_another_model_fails_the_gate() {
    let p = pair(
        BUILTIN,
        &edited(
            "aliases = [\"flux.1-dev\", \"flux-1-dev\"]",
            "aliases = [\"flux.1-dev\"]",
        ),
    );
    let rows = p.every_format("alias_removed");
    assert_eq!(
        changes(&rows),
        [row([
            "alias-removed",
            "flux-dev",
            "",
            "",
            "flux-1-dev",
            "",
            "",
            "",
            "true",
            "jobs that name \"flux-1-dev\" can no longer be priced"
        ])]
    );
    assert_eq!(p.gate("100").0, 1);

    let moved = format!(
        "{}{}",
        edited(
            "aliases = [\"flux.1-dev\", \"flux-1-dev\"]",
            "aliases = [\"flux.1-dev\"]",
        ),
        SCHNELL.replace("[\"schnell\"]", "[\"schnell\", \"FLUX-1-DEV\"]")
    );
    let p = pair(&format!("{BUILTIN}{SCHNELL}"), &moved);
    let rows = p.every_format("alias_moved");
    assert_eq!(
        changes(&rows),
        [row([
            "name-moved",
            "flux-dev",
            "",
            "",
            "flux-dev",
            "flux-schnell",
            "",
            "",
            "true",
            "jobs that name \"flux-1-dev\" get model flux-schnell instead of flux-dev"
        ])]
    );
    let (code, err) = p.gate("100");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "price rise: 1 change(s) go past --fail-above 100%; the first: flux-dev name-moved flux-dev -> flux-schnell: jobs that name \"flux-1-dev\" get model flux-schnell instead of flux-dev (this has no percentage and fails any --fail-above)\n"
        )
    );
    // An alias that only changes case still names the same model: no change.
    let p = pair(
        BUILTIN,
        &edited(
            "\"flux.1-dev\", \"flux-1-dev\"",
            "\"Flux.1-Dev\", \"flux-1-dev\"",
        ),
    );
    assert!(changes(&csv_rows(&p.run(&["--format", "csv"]).1)).is_empty());
}

#[test]
fn a_minimum_per_image_counts_against_the_gate() {
    // From 0: images below it now cost it, an unbounded rise; the grid's cells are all above.
    let p = pair(BUILTIN, &edited("minimum = \"0\"", "minimum = \"0.0001\""));
    let rows = p.every_format("minimum_from_zero");
    assert!(
        rows.iter()
            .filter(|r| r[0] == "cell")
            .all(|r| r[7] == "0.00")
    );
    assert_eq!(
        changes(&rows),
        [row([
            "minimum",
            "flux-dev",
            "",
            "",
            "0",
            "0.0001",
            "",
            "",
            "true",
            "an image metered below 0.0001 USD is charged 0.0001 USD now; there was no minimum"
        ])]
    );
    let (code, err) = p.gate("1000");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "price rise: 1 change(s) go past --fail-above 1000%; the first: flux-dev minimum 0 -> 0.0001: an image metered below 0.0001 USD is charged 0.0001 USD now; there was no minimum (this has no percentage and fails any --fail-above)\n"
        )
    );
    // From one minimum to another: the rise of an image at the minimum.
    let at = |m: &str| edited("minimum = \"0\"", &format!("minimum = \"{m}\""));
    let p = pair(&at("0.0001"), &at("0.0003"));
    let rows = p.every_format("minimum_rise");
    assert_eq!(
        changes(&rows),
        [row([
            "minimum",
            "flux-dev",
            "",
            "",
            "0.0001",
            "0.0003",
            "",
            "+200.00",
            "false",
            "an image metered below 0.0003 USD is charged 0.0003 USD (was at least 0.0001 USD): one metered at 0.0001 USD or less pays +200.00%"
        ])]
    );
    assert_eq!(p.gate("200").0, 0);
    assert_eq!(p.gate("199.99").0, 1);
    // Lower, or none at all: never a failure.
    assert_eq!(pair(&at("0.0003"), &at("0.0001")).gate("0").0, 0);
    assert_eq!(pair(&at("0.0003"), &at("0")).gate("0").0, 0);
}

#[test]
fn narrower_limits_fail_the_gate_and_wider_ones_do_not() {
    let p = pair(
        BUILTIN,
        &with(&[
            (
                "steps = { min = 1, max = 50, default = 10 }",
                "steps = { min = 5, max = 60, default = 10 }",
            ),
            (
                "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
                "side = { min = 1, max = 1024, refused = [[900, 1023]] }",
            ),
        ]),
    );
    let rows = p.every_format("limits");
    assert_eq!(
        changes(&rows),
        [
            row([
                "steps",
                "flux-dev",
                "",
                "",
                "1 to 50",
                "5 to 60",
                "",
                "",
                "true",
                "jobs with 1 to 4 steps were accepted and are refused now; jobs with 51 to 60 steps are accepted now"
            ]),
            row([
                "sides",
                "flux-dev",
                "",
                "",
                "1 to 999 or 1024",
                "1 to 899 or 1024",
                "",
                "",
                "true",
                "sides of 900 to 999 pixels were accepted and are refused now"
            ]),
        ]
    );
    let (code, err) = p.gate("100");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "price rise: 2 change(s) go past --fail-above 100%; the first: flux-dev steps 1 to 50 -> 5 to 60: jobs with 1 to 4 steps were accepted and are refused now; jobs with 51 to 60 steps are accepted now (this has no percentage and fails any --fail-above)\n"
        )
    );
    // Only wider: reported, and no failure.
    let p = pair(
        BUILTIN,
        &edited(
            "side = { min = 1, max = 1024, refused = [[1000, 1023]] }",
            "side = { min = 1, max = 2048 }",
        ),
    );
    let rows = changes(&csv_rows(&p.run(&["--format", "csv"]).1));
    assert_eq!(
        rows,
        [row([
            "sides",
            "flux-dev",
            "",
            "",
            "1 to 999 or 1024",
            "1 to 2048",
            "",
            "",
            "false",
            "sides of 1000 to 1023 or 1025 to 2048 pixels are accepted now"
        ])]
    );
    assert_eq!(p.gate("0").0, 0);
}

#[test]
fn changed_defaults_count_what_jobs_that_leave_them_out_pay() {
    let p = pair(
        BUILTIN,
        &with(&[
            (
                "steps = { min = 1, max = 50, default = 10 }",
                "steps = { min = 1, max = 50, default = 20 }",
            ),
            ("default_size = \"768x768\"", "default_size = \"1024x1024\""),
        ]),
    );
    let rows = p.every_format("defaults");
    assert!(
        rows.iter()
            .filter(|r| r[0] == "cell")
            .all(|r| r[7] == "0.00")
    );
    assert_eq!(
        changes(&rows),
        [
            row([
                "default-steps",
                "flux-dev",
                "",
                "",
                "10",
                "20",
                "",
                "+100.00",
                "false",
                "jobs that give no steps run 20 steps instead of 10; a metered image pays +100.00%"
            ]),
            row([
                "default-size",
                "flux-dev",
                "",
                "",
                "768x768",
                "1024x1024",
                "",
                "+77.78",
                "false",
                "jobs that give no size get 1024x1024 instead of 768x768; a metered image pays +77.78%"
            ]),
            row([
                "default-job",
                "flux-dev",
                "",
                "",
                "10 steps, 768x768",
                "20 steps, 1024x1024",
                "",
                "+255.56",
                "false",
                "jobs that give neither steps nor size get 20 steps at 1024x1024 instead of 10 steps at 768x768; a metered image pays +255.56%"
            ]),
        ]
    );
    assert_eq!(p.gate("255.56").0, 0);
    let (code, err) = p.gate("99");
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "price rise: 2 change(s) go past --fail-above 99%; the first: flux-dev default-steps 10 -> 20: jobs that give no steps run 20 steps instead of 10; a metered image pays +100.00%\n"
        )
    );
    // Fewer default steps, but a dearer rate: jobs leaving steps out pay the product.
    let p = pair(
        BUILTIN,
        &with(&[
            ("rate = \"0.001206\"", "rate = \"0.002412\""),
            (
                "steps = { min = 1, max = 50, default = 10 }",
                "steps = { min = 1, max = 50, default = 5 }",
            ),
        ]),
    );
    let rows = changes(&csv_rows(&p.run(&["--format", "csv"]).1));
    assert_eq!(
        (
            rows[1][0].as_str(),
            rows[1][7].as_str(),
            rows[1][9].as_str()
        ),
        (
            "default-steps",
            "0.00",
            "jobs that give no steps run 5 steps instead of 10; a metered image pays 0.00% (with the rate change)"
        )
    );
    assert_eq!(p.gate("100").0, 0);
}

#[test]
fn a_rounding_that_can_show_more_fails_the_gate() {
    let p = pair(
        BUILTIN,
        &edited("rounding = \"half-up\"", "rounding = \"up\""),
    );
    let rows = p.every_format("rounding_up");
    // Exact prices are the same, so every cell is 0.00%, though 256x256 at 20 steps shows more.
    let cell = rows
        .iter()
        .find(|r| r[0] == "cell" && r[2] == "20" && r[3] == "256x256")
        .unwrap();
    assert_eq!(
        (cell[4].as_str(), cell[5].as_str(), cell[7].as_str()),
        ("0.0015", "0.0016", "0.00")
    );
    assert_eq!(
        changes(&rows),
        [row([
            "display",
            "",
            "",
            "",
            "4 places, half-up",
            "4 places, up",
            "",
            "",
            "true",
            "some shown prices can be higher for the same exact price"
        ])]
    );
    assert_eq!(p.gate("1000").0, 1);
    // Fewer places rounding down never shows more: reported, and no failure.
    let p = pair(
        BUILTIN,
        &with(&[
            ("decimals = 4 ", "decimals = 2 "),
            ("rounding = \"half-up\"", "rounding = \"down\""),
        ]),
    );
    let rows = changes(&csv_rows(&p.run(&["--format", "csv"]).1));
    assert_eq!(
        (
            rows[0][0].as_str(),
            rows[0][8].as_str(),
            rows[0][9].as_str()
        ),
        (
            "display",
            "false",
            "no shown price is higher for the same exact price"
        )
    );
    assert_eq!(p.gate("0").0, 0);
}

#[test]
fn an_unchanged_tariff_has_no_changes_and_passes_any_gate() {
    let p = pair(BUILTIN, BUILTIN);
    let rows = csv_rows(&p.run(&["--format", "csv"]).1);
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().all(|r| r[6] == "0" && r[7] == "0.00"));
    assert_eq!(p.gate("0"), (0, String::new()));
}
