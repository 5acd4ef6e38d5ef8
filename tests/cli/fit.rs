//! `fit` prices every published cell as `check` does: the per-image minimum, amounts shown
//! below the tariff's places, every rounding mode, dated rates; and `fit --write` never loses
//! another writer's update.

use dis_price::exact::Rounding;
use dis_price::fit::{Fit, fit};
use dis_price::grid::{Check, Status};
use dis_price::job::Job;
use dis_price::pricing::quote;
use dis_price::size::Size;
use dis_price::tariff::{Display, Model, Origin};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::{BUILTIN, assert_bad_input, dis, edited, json, run, stdout_of, temp_file};

/// A one-model tariff; `rates` is the model's rate lines (`rate = "..."` or dated `rates`).
fn tariff_text(
    display: Display,
    unit_size: &str,
    rates: &str,
    minimum: Decimal,
    published: &str,
) -> String {
    format!(
        "schema = 2\nprovider = \"P\"\ncurrency = \"USD\"\nsource = \"https://example.com\"\nas_of = \"2026-11-25\"\ndefault_model = \"m\"\n\n[display]\ndecimals = {}\nrounding = \"{}\"\n\n[models.m]\nname = \"M\"\nunit = \"unit\"\nunit_size = \"{unit_size}\"\n{rates}\nminimum = \"{minimum}\"\nsteps = {{ min = 1, max = 50, default = 10 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"512x512\"\n{published}",
        display.decimals,
        display.rounding.name()
    )
}

fn model_of(text: String, day: &str) -> Model {
    let tariff = dis_price::checks::parse(Origin::BuiltIn, text.clone())
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .on(day.parse().unwrap());
    tariff.models[0].clone()
}

/// Each cell's status under `model` at `rate`, row by row.
fn statuses(model: &Model, rate: Decimal, display: Display) -> Vec<Status> {
    let mut at = model.clone();
    at.rate = rate;
    let check = Check::run(&at, display).unwrap().unwrap();
    check.cells.iter().map(|c| c.status).collect()
}

/// The fit's claims about `rate`, held against what `check` says at it.
fn agrees_at(model: &Model, display: Display, found: &Fit, rate: Decimal) {
    let statuses = statuses(model, rate, display);
    assert_eq!(statuses.len(), found.cells.len());
    for (cell, status) in found.cells.iter().zip(&statuses) {
        let exact = cell.exact.is_some_and(|i| i.contains_rate(rate));
        let within = cell.within.is_some_and(|i| i.contains_rate(rate));
        let where_ = format!(
            "rate {rate}, {} steps at {} published {}",
            cell.steps, cell.size, cell.published
        );
        assert_eq!(exact, *status == Status::Exact, "exact: {where_}");
        assert_eq!(within, *status != Status::Off, "within: {where_}");
    }
    let exact = statuses.iter().filter(|s| **s == Status::Exact).count();
    assert!(exact <= found.best_count, "{exact} exact at {rate}");
    if statuses.iter().all(|s| *s != Status::Off) {
        assert!(found.all_within_tolerance, "check passes at {rate}");
    }
}

fn decimal(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

fn display_strategy() -> impl Strategy<Value = Display> {
    (0u32..=8, prop::sample::select(Rounding::ALL.to_vec()))
        .prop_map(|(decimals, rounding)| Display { decimals, rounding })
}

const SIZES: [&str; 5] = ["64x64", "256x256", "512x512", "768x768", "1024x1024"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// For a generated tariff and any rate, a cell is in fit's exact (within) interval exactly
    /// when check calls it exact (not off) at that rate; the suggested rate reproduces the
    /// cells fit says, and no others; and when check finds every cell exact at a rate, fit
    /// finds a rate that reproduces them all.
    #[test]
    fn fit_and_check_agree(
        display in display_strategy(),
        unit_size in prop::sample::select(vec!["1024x1024", "512x512", "1000x1000"]),
        rate in (1i64..=200_000, 2u32..=12).prop_map(|(m, s)| decimal(m, s)),
        minimum in prop_oneof![
            Just(Decimal::ZERO),
            (1i64..=5_000, 2u32..=6).prop_map(|(m, s)| decimal(m, s)),
        ],
        dated in prop::option::of((1i64..=200_000, 2u32..=12, any::<bool>())),
        sizes in prop::sample::subsequence(SIZES.to_vec(), 1..=3),
        steps in prop::collection::btree_set(1u32..=50, 1..=3),
        nudges in prop::collection::vec(prop::option::weighted(0.3, (-3i64..=3, 0u32..=8)), 9),
        tolerance in prop_oneof![
            Just(Decimal::ZERO),
            (1i64..=50, 3u32..=5).prop_map(|(m, s)| decimal(m, s)),
        ],
        others in prop::collection::vec((1i64..=200_000, 2u32..=12), 3),
    ) {
        // Dated: the published grid belongs to `rate`, in force from 2026-06-01; the day
        // checked is before it (another rate in force) or after.
        let (rates, day) = match dated {
            None => (format!("rate = \"{rate}\""), "2026-11-25"),
            Some((m, s, after)) => (
                format!(
                    "rates = [{{ from = \"2026-01-01\", rate = \"{}\" }}, {{ from = \"2026-06-01\", rate = \"{rate}\" }}]",
                    decimal(m, s)
                ),
                if after { "2026-07-01" } else { "2026-03-01" },
            ),
        };
        let plain = model_of(tariff_text(display, unit_size, &rates, minimum, ""), day);
        let mut at_rate = plain.clone();
        at_rate.rate = rate;
        // The cells as `rate` shows them, some nudged off.
        let mut nudges = nudges.into_iter();
        let mut rows = String::new();
        for &s in &steps {
            let prices: Vec<String> = sizes
                .iter()
                .map(|size| {
                    let job = Job { steps: s, size: size.parse::<Size>().unwrap(), count: 1 };
                    let shown = quote(&at_rate, &job, display).unwrap().price;
                    let nudged = match nudges.next().flatten() {
                        Some((by, scale)) => shown + decimal(by, scale),
                        None => shown,
                    };
                    let price = if nudged > Decimal::ZERO { nudged } else { shown };
                    format!("\"{price}\"")
                })
                .collect();
            rows.push_str(&format!("  {{ steps = {s}, prices = [{}] }},\n", prices.join(", ")));
        }
        let quoted: Vec<String> = sizes.iter().map(|s| format!("\"{s}\"")).collect();
        let published = format!(
            "\n[models.m.published]\ntolerance = \"{tolerance}\"\nsizes = [{}]\nrows = [\n{rows}]\n",
            quoted.join(", ")
        );
        let model = model_of(tariff_text(display, unit_size, &rates, minimum, &published), day);
        let found = fit(&model, display).unwrap();
        let cells = found.cells.len();

        let mut tried = vec![model.rate, rate];
        tried.extend(others.iter().map(|&(m, s)| decimal(m, s)));
        tried.extend(found.suggested);
        for &r in &tried {
            agrees_at(&model, display, &found, r);
        }
        // The suggested rate reproduces exactly the cells fit says, and is above zero.
        if let Some(suggested) = found.suggested {
            prop_assert!(suggested > Decimal::ZERO);
            let missed: Vec<usize> = statuses(&model, suggested, display)
                .iter()
                .enumerate()
                .filter(|(_, s)| **s != Status::Exact)
                .map(|(n, _)| n)
                .collect();
            let said: Vec<usize> = found.misses.iter().map(|(n, _)| *n).collect();
            prop_assert_eq!(&missed, &said);
            prop_assert_eq!(cells - missed.len(), found.best_count);
        } else {
            prop_assert_eq!(found.best_count, 0);
        }
        // A rate check finds every cell exact at: fit reproduces them all too.
        for &r in &tried {
            if statuses(&model, r, display).iter().all(|s| *s == Status::Exact) {
                prop_assert_eq!(found.best_count, cells);
                prop_assert!(found.suggested.is_some());
                prop_assert!(found.misses.is_empty());
            }
        }
        let current_exact = statuses(&model, model.rate, display)
            .iter()
            .filter(|s| **s == Status::Exact)
            .count();
        prop_assert_eq!(found.current_is_best, current_exact == found.best_count && current_exact > 0);
    }
}

/// The shipped tariff with flux-dev's published grid replaced.
fn with_grid(rate: &str, minimum: &str, decimals: u32, tolerance: &str, rows: &str) -> String {
    let text = crate::support::edited("rate = \"0.001206\"", &format!("rate = \"{rate}\""))
        .replacen("minimum = \"0\"", &format!("minimum = \"{minimum}\""), 1)
        .replacen("decimals = 4", &format!("decimals = {decimals}"), 1);
    let start = text.find("tolerance = ").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    format!(
        "{}tolerance = \"{tolerance}\"\nsizes = [\"256x256\", \"512x512\", \"768x768\"]\nrows = [\n{rows}]\n{}",
        &text[..start],
        &text[end..]
    )
}

/// A grid in which four cells are the per-image minimum of 0.004, at a rate of 0.0012.
const MINIMUM_ROWS: &str = "  { steps = 10, prices = [\"0.004\", \"0.004\", \"0.0068\"] },\n  { steps = 20, prices = [\"0.004\", \"0.006\", \"0.0135\"] },\n";

fn fit_on(path: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    run(dis().arg("--tariff").arg(path).arg("fit").args(args))
}

fn check_on(path: &std::path::Path) -> (i32, String, String) {
    run(dis()
        .arg("--tariff")
        .arg(path)
        .args(["check", "--model", "flux-dev"]))
}

#[test]
fn a_grid_of_minimums_is_fit_as_check_sees_it() {
    let (_d, path) = temp_file(
        "t.toml",
        with_grid("0.0012", "0.004", 4, "0", MINIMUM_ROWS).as_bytes(),
    );
    let (code, out, err) = check_on(&path);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("6 exact, 0 within tolerance"), "{out}");
    let (code, out, err) = fit_on(&path, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("best: 6 of 6 cells exactly"), "{out}");
    assert!(out.contains("suggested rate: 0.0012 USD"), "{out}");
    assert!(out.contains("inside the best interval"), "{out}");
}

#[test]
fn fit_write_on_a_grid_of_minimums_writes_a_rate_check_passes() {
    // 0.0013 shows 0.0073 for 10 steps at 768x768, published 0.0068.
    let (_d, path) = temp_file(
        "t.toml",
        with_grid("0.0013", "0.004", 4, "0", MINIMUM_ROWS).as_bytes(),
    );
    assert_eq!(check_on(&path).0, 1);
    let (code, out, err) = fit_on(&path, &["--write"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("wrote rate = 0.0012"), "{out}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, with_grid("0.0012", "0.004", 4, "0", MINIMUM_ROWS));
    let (code, out, _) = check_on(&path);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("6 exact"), "{out}");
}

#[test]
fn a_cell_shown_below_the_places_is_fit() {
    // At 2 places, 0.001206 shows 0.003 for 10 steps at 512x512 (0.003015 would be 0.00):
    // check calls the cell exact, and so does fit.
    let one = "  { steps = 10, prices = [\"0.001\", \"0.003\", \"0.01\"] },\n";
    let (_d, path) = temp_file("t.toml", with_grid("0.001206", "0", 2, "0", one).as_bytes());
    let (code, out, err) = check_on(&path);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 exact"), "{out}");
    let (code, out, err) = fit_on(&path, &["--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["best_count"], 3, "{out}");
    assert_eq!(v["current_is_best"], true, "{out}");
    // The 0.003 cell alone: [0.0025, 0.0035) over 2.5 units.
    assert_eq!(v["cells"][1]["rates"]["exact"], "[1/1000, 7/5000)", "{out}");
    // A cell no amount shows at 2 places: 0.0008 rounds to 0.001 at 3 places first.
    let odd = "  { steps = 10, prices = [\"0.0008\", \"0.003\", \"0.01\"] },\n";
    let (_e, path) = temp_file("t.toml", with_grid("0.001206", "0", 2, "0", odd).as_bytes());
    let (code, out, _) = fit_on(&path, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["cells"][0]["rates"].is_null(), "{out}");
    assert_eq!(v["best_count"], 2, "{out}");
}

/// The shipped tariff with flux-dev at 0.0012 and a second model, flux-two, pricing the same
/// grid at 0.0012 too: `fit --write` sets each to 0.001206.
fn two_models() -> String {
    let second = &BUILTIN
        [BUILTIN.find("[models.flux-dev]").unwrap()..BUILTIN.find("# Chat models").unwrap()]
        .replace("[models.flux-dev", "[models.flux-two")
        .replace("aliases = [\"flux.1-dev\", \"flux-1-dev\"]\n", "")
        .replace("Flux.1 [dev]", "Flux two");
    format!(
        "{}\n{second}",
        crate::support::edited("rate = \"0.001206\"", "rate = \"0.0012\"")
    )
    .replacen("rate = \"0.001206\"", "rate = \"0.0012\"", 1)
}

fn rate_of(text: &str, model: &str) -> Decimal {
    dis_price::checks::parse(Origin::BuiltIn, text.to_owned())
        .unwrap_or_else(|e| panic!("{e}"))
        .find_model(model)
        .unwrap()
        .rate
}

#[test]
fn two_writes_at_once_never_lose_one() {
    let text = two_models();
    assert_eq!(rate_of(&text, "flux-dev"), Decimal::new(12, 4));
    assert_eq!(rate_of(&text, "flux-two"), Decimal::new(12, 4));
    let fitted = Decimal::new(1206, 6);
    for _ in 0..150 {
        let (dir, path) = temp_file("t.toml", text.as_bytes());
        let start = |model: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_dis-price"))
                .env_remove("DIS_PRICE_TARIFF")
                .env("DIS_PRICE_TODAY", crate::support::TODAY)
                .arg("--tariff")
                .arg(&path)
                .args(["fit", "--model", model, "--write"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let children = [
            ("flux-dev", start("flux-dev")),
            ("flux-two", start("flux-two")),
        ];
        let written = |c: std::process::Child| c.wait_with_output().unwrap();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|(model, child)| (model, written(child)))
            .collect();
        let now = std::fs::read_to_string(&path).unwrap();
        let mut succeeded = 0;
        for (model, out) in &outputs {
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {
                    succeeded += 1;
                    assert_eq!(
                        rate_of(&now, model),
                        fitted,
                        "{model}'s write was lost:\n{now}"
                    );
                }
                Some(2) => assert!(
                    stderr.contains("it changed since it was read; run fit again"),
                    "{stderr}"
                ),
                code => panic!("{model}: {code:?} {stderr}"),
            }
        }
        assert!(succeeded >= 1, "neither wrote");
        // Nothing is left beside the tariff: no temporary file, no lock file.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("t.toml")]);
    }
}

#[test]
fn cells_that_meet_only_at_a_rate_no_decimal_is_are_not_all_reproduced() {
    // 7 and 49 steps at 64x64 allow rates up to and from 433742969/5468750 (a seventh in its
    // denominator): no decimal rate shows both, so check can never pass at tolerance 0.
    let text = crate::support::edited("rate = \"0.001206\"", "rate = \"79.313\"")
        .replacen("decimals = 4", "decimals = 8", 1)
        .replacen("rounding = \"half-up\"", "rounding = \"half-even\"", 1);
    let start = text.find("tolerance = ").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let grid = "tolerance = \"0\"\nsizes = [\"64x64\"]\nrows = [\n  { steps = 7, prices = [\"2.16871484\"] },\n  { steps = 8, prices = [\"2.47853125\"] },\n  { steps = 49, prices = [\"15.18100392\"] },\n]\n";
    let text = format!("{}{grid}{}", &text[..start], &text[end..]);
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, _) = fit_on(&path, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("best: 2 of 3 cells exactly (a tie: 2 intervals)"),
        "{out}"
    );
    assert!(out.contains("no rate shows every cell within it"), "{out}");
    assert_eq!(check_on(&path).0, 1);
}

/// The shipped tariff with its published grid replaced.
fn with_sizes_grid(sizes: &str, rows: &str, tolerance: &str) -> String {
    let start = BUILTIN.find("tolerance = ").unwrap();
    format!(
        "{}tolerance = \"{tolerance}\"\nsizes = {sizes}\nrows = [\n{rows}]\n",
        &BUILTIN[..start]
    )
}

fn fit_json(text: &str) -> (i32, serde_json::Value) {
    let (_d, path) = temp_file("t.toml", text.as_bytes());
    let (code, out, err) = run(dis()
        .arg("--tariff")
        .arg(&path)
        .args(["fit", "--format", "json"]));
    assert!(code == 0 || code == 1, "{err}");
    (code, json(&out))
}

#[test]
fn fit_finds_the_shipped_interval_and_odd_cell() {
    let out = stdout_of(&["fit"]);
    assert!(out.contains("best: 8 of 9 cells exactly"), "{out}");
    assert!(
        out.contains("[0.0012059259259..., 0.0012066666666...)"),
        "{out}"
    );
    assert!(
        out.contains("20 steps, 256x256: published 0.0016, the model shows 0.0015"),
        "{out}"
    );
    assert!(out.contains("suggested rate: 0.001206"), "{out}");
    assert!(out.contains("inside the best interval"), "{out}");
    let v = json(&stdout_of(&["fit", "--format", "json"]));
    assert_eq!(v["best"][0]["exact"], "[407/337500, 181/150000)");
    assert_eq!(
        (
            v["best_count"].as_u64(),
            v["suggested"].as_str(),
            v["misses"].as_u64()
        ),
        (Some(8), Some("0.001206"), Some(1))
    );
    assert_eq!(v["all_within_tolerance"], true);
}

#[test]
fn fit_a_grid_every_cell_of_which_fits() {
    // Prices of rate 0.001 at 4 places, half-up.
    let rows = "  { steps = 10, prices = [\"0.0006\", \"0.0025\", \"0.0056\"] },\n  { steps = 20, prices = [\"0.0013\", \"0.005\", \"0.0113\"] },\n  { steps = 30, prices = [\"0.0019\", \"0.0075\", \"0.0169\"] },\n";
    let text = with_sizes_grid("[\"256x256\", \"512x512\", \"768x768\"]", rows, "0");
    let (code, v) = fit_json(&text);
    assert_eq!(code, 0);
    assert_eq!(
        (v["best_count"].as_u64(), v["misses"].as_u64()),
        (Some(9), Some(0))
    );
    // The suggested rate passes a check with no tolerance at all.
    let suggested = v["suggested"].as_str().unwrap().to_owned();
    let fitted = text.replace("rate = \"0.001206\"", &format!("rate = \"{suggested}\""));
    let (_d, path) = temp_file("fitted.toml", fitted.as_bytes());
    let (code, out, _) = run(dis().arg("--tariff").arg(&path).arg("check"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("9 exact"), "{out}");
}

#[test]
fn fit_a_grid_no_cell_of_which_fits() {
    // Five places under a 4-place display: no rate shows any of them.
    let rows = "  { steps = 10, prices = [\"0.00081\", \"0.00301\"] },\n";
    let (code, v) = fit_json(&with_sizes_grid("[\"256x256\", \"512x512\"]", rows, "0"));
    assert_eq!(code, 1);
    assert_eq!(v["best_count"], 0);
    assert!(v["suggested"].is_null());
    assert!(v["cells"][0]["rates"].is_null());
}

#[test]
fn fit_reports_ties() {
    // 10 steps at 1024x1024 for 0.0100 wants a rate near 0.001; 20 steps for 0.0300 near 0.0015.
    let rows =
        "  { steps = 10, prices = [\"0.0100\"] },\n  { steps = 20, prices = [\"0.0300\"] },\n";
    let (code, v) = fit_json(&with_sizes_grid("[\"1024x1024\"]", rows, "0"));
    assert_eq!(code, 1, "no single rate shows both within a tolerance of 0");
    assert_eq!(v["best_count"], 1);
    let best: Vec<&str> = v["best"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["exact"].as_str().unwrap())
        .collect();
    assert_eq!(
        best,
        vec!["[199/200000, 201/200000)", "[599/400000, 601/400000)"]
    );
    assert_eq!(v["suggested"], "0.001");
}

#[test]
fn fit_write_changes_the_rate_and_nothing_else() {
    let (_d, path) = temp_file(
        "mine.toml",
        edited("rate = \"0.001206\"", "rate = \"0.0012\"").as_bytes(),
    );
    let (code, out, err) = run(dis().arg("--tariff").arg(&path).args(["fit", "--write"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote rate = 0.001206"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BUILTIN);
    // The built-in tariff is not a file to write.
    assert_bad_input(dis().args(["fit", "--write"]), &["--tariff PATH"]);
}
