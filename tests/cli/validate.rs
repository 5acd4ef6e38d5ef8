//! `dis-price validate`: errors, warnings, strictness, one tariff, and carets under the problem.

use crate::support::{BUILTIN, assert_bad_input, dis, edited, refused, run, stdout_of, temp_file};

// Carets.

#[test]
fn carets_sit_under_the_problem_by_display_column() {
    // Full-width characters take two columns, a tab is shown as four spaces.
    for (line, shown, caret_at) in [
        ("provider = \"日本\" x = 1", "provider = \"日本\" x = 1", 18),
        (
            "provider = \"Distribute\"\tx = 1",
            "provider = \"Distribute\"    x = 1",
            27,
        ),
        (
            "provider = \"ｄｉｓ\"\t\tx = 1",
            "provider = \"ｄｉｓ\"        x = 1",
            27,
        ),
    ] {
        let text = BUILTIN.replacen("provider = \"Distribute.ai\"", line, 1);
        assert_ne!(text, BUILTIN);
        let (_dir, path) = temp_file("t.toml", text.as_bytes());
        let at = text.find(line).unwrap();
        let number = text[..at].matches('\n').count() + 1;
        let column = line.chars().position(|c| c == 'x').unwrap() + 1;
        let expected = format!(
            "error: invalid tariff {file}: 1 problem\n{file}:{number}:{column}: not valid TOML: unexpected key or value, expected newline, `#`\n   |\n{number} | {shown}\n   | {pad}^\n",
            file = path.display(),
            pad = " ".repeat(caret_at),
        );
        assert_eq!(
            refused(dis().arg("validate").arg(&path)),
            expected,
            "{line:?}"
        );
    }
}

#[test]
fn carets_under_escaped_control_characters_and_wide_ones_together() {
    // A C1 control character is refused where it is written, shown escaped, the caret under
    // its escape, after a wide character.
    let line = "source = \"日\u{85}\"";
    let text = BUILTIN.replacen(
        "source = \"https://docs.distribute.ai/distribute-for-enterprise/enterprise-inference-api/billing/text-to-image\"",
        line,
        1,
    );
    assert_ne!(text, BUILTIN);
    let (_dir, path) = temp_file("t.toml", text.as_bytes());
    let number = text[..text.find(line).unwrap()].matches('\n').count() + 1;
    let err = refused(dis().arg("validate").arg(&path));
    let tail = format!("{number} | source = \"日\\u{{85}}\"\n   |             ^^^^^^\n");
    assert!(err.ends_with(&tail), "{err}");
}

#[test]
fn validate_takes_one_tariff() {
    assert_eq!(
        refused(dis().args(["validate", "a.toml", "--tariff", "b.toml"])),
        "error: validate checks one tariff; give it as PATH or as --tariff, not both (a.toml and --tariff b.toml)\n"
    );
}

#[test]
fn validate_errors_warnings_and_strictness() {
    assert_eq!(
        stdout_of(&["validate"]),
        "built-in tariff: valid, 4 models, 0 warnings\n"
    );
    let broken =
        edited("rate = \"0.001206\"", "rate = \"0\"").replace("decimals = 4", "decimals = 40");
    let (_d, path) = temp_file("broken.toml", broken.as_bytes());
    let err = assert_bad_input(
        dis().arg("validate").arg(&path),
        &["2 problems", "display.decimals", "models.flux-dev.rate"],
    );
    assert!(
        err.contains("broken.toml:23:12:") && err.contains("broken.toml:31:8:"),
        "{err}"
    );
    let warned = format!(
        "{}\n[models.other]\nname = \"Other\"\nunit = \"u\"\nunit_size = \"1x1\"\nrate = \"1\"\nsteps = {{ min = 1, max = 2, default = 1 }}\nside = {{ min = 1, max = 2 }}\ndefault_size = \"1\"\n",
        edited("as_of = \"2026-11-25\"", "as_of = \"2999-01-01\"")
    );
    let (_w, path) = temp_file("warned.toml", warned.as_bytes());
    let (code, out, err) = run(dis().arg("validate").arg(&path));
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("valid, 5 models, 2 warnings\n"), "{out}");
    assert!(
        err.contains("as_of 2999-01-01 is in the future")
            && err.contains("models.other: model \"other\" has no published table"),
        "{err}"
    );
    assert_eq!(run(dis().arg("validate").arg("--strict").arg(&path)).0, 1);
}
