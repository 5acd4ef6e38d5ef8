//! The `diff --fail-above` gate against the prices jobs pay: for random pairs of tariffs,
//! whenever a job that OLD prices pays more under NEW, or can no longer be priced, on the day
//! compared or on any later day, naming its model in any way the lookup accepts (id, alias or
//! display name, in any case, with blanks around it) or naming none, `diff --fail-above 0`
//! exits 1.

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::{BUILTIN, dis, edited, json, run, temp_file};

/// The day compared.
const DAY: &str = "2026-11-25";
/// The days a dated rate may take effect on, after [`DAY`].
const LATER: [&str; 2] = ["2026-12-01", "2027-01-01"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Meter {
    Image,
    Token,
    Second,
}

/// The models a tariff may hold, each with one meter.
const MODELS: [(&str, Meter); 4] = [
    ("m-a", Meter::Image),
    ("m-b", Meter::Image),
    ("chat", Meter::Token),
    ("voice", Meter::Second),
];

/// Names a tariff may give its models as an alias or a display name.
const NAMES: [&str; 4] = ["Flux.1 [dev]", "Fast", "Ünï Mödel", "shared"];

/// One model's prices: a base rate, and maybe a rate from one of [`LATER`].
#[derive(Clone, Debug)]
struct Prices {
    rate: usize,
    later: Option<(usize, usize)>,
    minimum: usize,
}

/// A tariff: which models it has, who holds each of [`NAMES`] and how, prices, default model.
#[derive(Clone, Debug)]
struct Spec {
    present: [bool; 4],
    /// For each name: the model holding it and whether as its display name.
    names: [Option<(usize, bool)>; 4],
    prices: [Prices; 4],
    default: usize,
}

fn prices() -> impl Strategy<Value = Prices> {
    (
        0..3usize,
        proptest::option::of((0..2usize, 0..3usize)),
        0..3usize,
    )
        .prop_map(|(rate, later, minimum)| Prices {
            rate,
            later,
            minimum,
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::array::uniform4(proptest::bool::weighted(0.8)),
        proptest::array::uniform4(proptest::option::of((0..4usize, any::<bool>()))),
        proptest::array::uniform4(prices()),
        0..2usize,
    )
        .prop_map(|(mut present, names, prices, default)| {
            // The default model, an image model, is always there.
            present[default] = true;
            Spec {
                present,
                names,
                prices,
                default,
            }
        })
}

impl Spec {
    /// The display name and aliases of model `m`: a name is held once; a second display name
    /// for a model is an alias; a model without one shows its id in capitals.
    fn names_of(&self, m: usize) -> (String, Vec<&'static str>) {
        let mut display = None;
        let mut aliases = Vec::new();
        for (name, holder) in NAMES.iter().zip(self.names) {
            match holder {
                Some((h, true)) if h == m && display.is_none() => display = Some(*name),
                Some((h, _)) if h == m => aliases.push(*name),
                _ => {}
            }
        }
        let display = display.map_or_else(|| MODELS[m].0.to_uppercase(), str::to_owned);
        (display, aliases)
    }

    fn toml(&self) -> String {
        let (id, _) = MODELS[self.default];
        let mut text = format!(
            "schema = 2\nprovider = \"P\"\ncurrency = \"USD\"\nsource = \"https://example.com\"\nas_of = \"{DAY}\"\ndefault_model = \"{id}\"\n\n[display]\ndecimals = 4\nrounding = \"half-up\"\n"
        );
        for (m, &(id, meter)) in MODELS.iter().enumerate() {
            if !self.present[m] {
                continue;
            }
            let (display, aliases) = self.names_of(m);
            let p = &self.prices[m];
            text.push_str(&format!(
                "\n[models.{id}]\nname = {display:?}\naliases = {aliases:?}\n"
            ));
            // Each meter's rate keys, for the base rate and the later one.
            let keys = |r: usize| match meter {
                Meter::Image => format!("rate = \"{}\"", ["0.001", "0.0012", "0.002"][r]),
                Meter::Token => format!(
                    "input_rate = \"{}\", output_rate = \"{}\"",
                    ["0.10", "0.12", "0.10"][r],
                    ["0.16", "0.16", "0.20"][r]
                ),
                Meter::Second => format!("rate = \"{}\"", ["0.003", "0.0036", "0.002"][r]),
            };
            match meter {
                Meter::Image => text.push_str(&format!(
                    "unit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nminimum = \"{}\"\nsteps = {{ min = 1, max = 50, default = 10 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"512x512\"\n",
                    ["0", "0.0005", "0.001"][p.minimum]
                )),
                Meter::Token => text.push_str("meter = \"token\"\nper = 1000000\n"),
                Meter::Second => text.push_str(&format!(
                    "meter = \"second\"\nminimum_seconds = \"{}\"\n",
                    ["0", "1", "2"][p.minimum]
                )),
            }
            match p.later {
                None => text.push_str(&format!("{}\n", keys(p.rate).replace(", ", "\n"))),
                Some((day, rate)) => text.push_str(&format!(
                    "rates = [\n  {{ from = \"2026-01-01\", {} }},\n  {{ from = \"{}\", {} }},\n]\n",
                    keys(p.rate),
                    LATER[day],
                    keys(rate)
                )),
            }
        }
        text
    }

    /// Every name a job may give one of its models, as the tariff writes it, with its meter.
    fn job_names(&self) -> Vec<(String, Meter)> {
        let mut names = Vec::new();
        for (m, &(id, meter)) in MODELS.iter().enumerate() {
            if self.present[m] {
                let (display, aliases) = self.names_of(m);
                names.push((id.to_owned(), meter));
                names.extend(aliases.iter().map(|a| ((*a).to_owned(), meter)));
                names.push((display, meter));
            }
        }
        names
    }
}

/// The ways the lookup accepts a name other than as written: any case, blanks around it.
fn spelled(name: &str, how: u8) -> String {
    match how % 4 {
        0 => name.to_owned(),
        1 => name.to_uppercase(),
        2 => name.to_lowercase(),
        _ => format!("  {name} "),
    }
}

/// The jobs priced for a model of `meter`: one at the minimum where there is one, one above.
fn jobs(meter: Meter) -> &'static [&'static [&'static str]] {
    match meter {
        Meter::Image => &[
            &["--steps", "20", "--size", "512x512"],
            &["--steps", "1", "--size", "64x64"],
        ],
        Meter::Token => &[&["--input-tokens", "1000", "--output-tokens", "500"]],
        Meter::Second => &[&["--seconds", "0.5"], &["--seconds", "30"]],
    }
}

/// The exact price of one job, or `None` when the tariff cannot price it.
fn exact(
    tariff: &std::path::Path,
    model: Option<&str>,
    job: &[&str],
    day: &str,
) -> Option<Decimal> {
    let mut cmd = dis();
    cmd.arg("--tariff")
        .arg(tariff)
        .args(["--as-of", day, "--format", "json"]);
    if let Some(model) = model {
        cmd.args(["--model", model]);
    }
    let (code, out, _) = run(cmd.args(job));
    (code == 0).then(|| {
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        Decimal::from_str(v["exact"].as_str().expect("exact")).expect("a decimal")
    })
}

/// OLD, and NEW: OLD with one or two of its thirteen parts (each model there or not, who
/// holds each name, each model's prices, the default model) drawn again, so that one change
/// alone is what the gate must catch.
fn pair() -> impl Strategy<Value = (Spec, Spec)> {
    (spec(), spec(), proptest::collection::vec(0..13usize, 1..=2)).prop_map(
        |(old, other, parts)| {
            let mut new = old.clone();
            for part in parts {
                let i = part % 4;
                match part / 4 {
                    0 => new.present[i] = other.present[i],
                    1 => new.names[i] = other.names[i],
                    2 => new.prices[i] = other.prices[i].clone(),
                    _ => new.default = other.default,
                }
            }
            new.present[new.default] = true;
            (old, new)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_job_that_pays_more_on_any_day_under_any_name_fails_the_gate(
        (old, new) in pair(),
        spellings in proptest::collection::vec(any::<u8>(), 16),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (old_path, new_path) = (dir.path().join("old.toml"), dir.path().join("new.toml"));
        std::fs::write(&old_path, old.toml()).expect("write");
        std::fs::write(&new_path, new.toml()).expect("write");
        // Every name OLD accepts, spelled as the lookup allows, and no name at all.
        let mut names: Vec<(Option<String>, Meter)> = old
            .job_names()
            .iter()
            .zip(spellings.iter().cycle())
            .map(|((name, meter), &how)| (Some(spelled(name, how)), *meter))
            .collect();
        names.push((None, MODELS[old.default].1));
        let mut rise = None;
        // The day compared and every later day on which a price of either changes.
        let days = std::iter::once(DAY).chain(LATER.into_iter().enumerate().filter_map(|(i, day)| {
            [&old, &new]
                .iter()
                .any(|s| (0..4).any(|m| s.present[m] && s.prices[m].later.is_some_and(|(d, _)| d == i)))
                .then_some(day)
        }));
        'search: for day in days {
            for (name, meter) in &names {
                for job in jobs(*meter) {
                    let model = name.as_deref();
                    let Some(before) = exact(&old_path, model, job, day) else {
                        continue;
                    };
                    let after = exact(&new_path, model, job, day);
                    if after.is_none_or(|after| after > before) {
                        rise = Some(format!("{name:?} {job:?} on {day}: {before} -> {after:?}"));
                        break 'search;
                    }
                }
            }
        }
        let (code, out, err) = run(dis()
            .arg("diff")
            .arg(&old_path)
            .arg(&new_path)
            .args(["--as-of", DAY, "--fail-above", "0"]));
        prop_assert!(code == 0 || code == 1, "{err}");
        if let Some(rise) = rise {
            prop_assert_eq!(code, 1, "{}\n{}\n{}\n{}", rise, old.toml(), new.toml(), out);
        }
    }
}

/// The tariffs the property draws are valid, and the lookup takes each name in every spelling.
#[test]
fn the_drawn_tariffs_load_and_every_spelling_names_its_model() {
    let spec = Spec {
        present: [true; 4],
        names: [
            Some((0, true)),
            Some((0, false)),
            Some((3, true)),
            Some((2, false)),
        ],
        prices: std::array::from_fn(|_| Prices {
            rate: 1,
            later: Some((1, 2)),
            minimum: 1,
        }),
        default: 0,
    };
    let (_d, path) = temp_file("t.toml", spec.toml().as_bytes());
    let (code, _, err) = run(dis().arg("validate").arg(&path));
    assert_eq!(code, 0, "{err}\n{}", spec.toml());
    for (name, meter) in spec.job_names() {
        for how in 0..4 {
            let named = spelled(&name, how);
            assert!(
                exact(&path, Some(&named), jobs(meter)[0], DAY).is_some(),
                "{named:?}"
            );
        }
    }
    assert!(exact(&path, Some("nothing"), jobs(Meter::Image)[0], DAY).is_none());
}

#[test]
fn diff_lists_changes_added_and_removed_models_and_gates_rises() {
    let extra = |id: &str| {
        format!(
            "\n[models.{id}]\nname = \"{id}\"\nunit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nrate = \"0.0005\"\nsteps = {{ min = 1, max = 4, default = 4 }}\nside = {{ min = 1, max = 1024 }}\ndefault_size = \"1024x1024\"\n"
        )
    };
    let old = format!("{BUILTIN}{}", extra("legacy"));
    let new = format!(
        "{}{}",
        edited("rate = \"0.001206\"", "rate = \"0.0013266\""),
        extra("flux-schnell")
    );
    let (_a, old) = temp_file("old.toml", old.as_bytes());
    let (_b, new) = temp_file("new.toml", new.as_bytes());
    let diff = |args: &[&str]| run(dis().arg("diff").arg(&old).arg(&new).args(args));
    let (code, out, _) = diff(&["--format", "json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(
        (v["added"][0].as_str(), v["removed"][0].as_str()),
        (Some("flux-schnell"), Some("legacy"))
    );
    let cells = v["models"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 9);
    // 768x768 at 30 steps: 0.0204 -> 0.0224 shown, exactly +10%.
    let last = &cells[8];
    assert_eq!(
        (
            last["old"].as_str(),
            last["new"].as_str(),
            last["percent"].as_str()
        ),
        (Some("0.0204"), Some("0.0224"), Some("+10.00"))
    );
    assert_eq!(
        v["tariff"]["old"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    let (code, _, err) = diff(&["--fail-above", "5"]);
    assert_eq!(code, 1);
    assert!(err.contains("11 change(s) go past --fail-above 5%; the first: flux-dev rate 0.001206 -> 0.0013266: a metered image pays +10.00%"), "{err}");
    // Above every rise, the removed model still fails the gate: its jobs cannot be priced.
    let (code, _, err) = diff(&["--fail-above", "15"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("1 change(s) go past --fail-above 15%; the first: legacy model-removed"),
        "{err}"
    );
    let (_, md, _) = diff(&["--format", "markdown"]);
    assert!(
        md.contains("| model-added | flux-schnell |") && md.contains("| model-removed | legacy |"),
        "{md}"
    );
    let (_, csv, _) = diff(&["--format", "csv", "--steps", "10", "--sizes", "1024"]);
    assert_eq!(
        csv,
        "kind,model,steps,size,old,new,difference,percent,always_fails,effect,old_day,new_day\n\
         cell,flux-dev,10,1024x1024,0.0121,0.0133,+0.001206,+10.00,false,,,\n\
         rate,flux-dev,,,0.001206,0.0013266,,+10.00,false,a metered image pays +10.00%,,\n\
         model-removed,legacy,,,legacy,,,,true,\"jobs that name \"\"legacy\"\" can no longer be priced\",,\n\
         model-added,flux-schnell,,,,flux-schnell,,,false,\"a new model, flux-schnell, at 0.0005 USD per megapixel-step\",,\n"
    );
}
