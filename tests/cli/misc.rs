//! Help, completions, the man page, usage errors.

use crate::{dis, run, stdout_of};

#[test]
fn help_explains_flags_and_ends_with_examples() {
    let help = stdout_of(&["--help"]);
    for flag in [
        "--steps",
        "--size",
        "--count",
        "--model",
        "--tariff",
        "--format",
        "--allow-out-of-range",
        "--color",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
    assert!(
        help.contains("Examples:")
            && help.contains("Exit status: 0 success, 1 a check failed (a published cell off, over budget), 2 bad usage"),
        "{help}"
    );
    for command in [
        "table",
        "check",
        "batch",
        "afford",
        "models",
        "tariff",
        "completions",
        "man",
    ] {
        let sub = stdout_of(&[command, "--help"]);
        assert!(sub.contains("Usage: dis-price"), "{command}: {sub}");
    }
    assert!(stdout_of(&["table", "--help"]).contains("Examples:"));
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = stdout_of(&["completions", shell]);
        assert!(
            out.contains("dis-price") && out.contains("allow-out-of-range"),
            "{shell}"
        );
    }
    let man = stdout_of(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH dis-price"),
        "{}",
        &man[..200.min(man.len())]
    );
    assert!(man.contains("allow\\-out\\-of\\-range"));
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    for args in [
        &["--bogus"][..],
        &["table", "--format", "xml"],
        &["--format", "csv"],
        &["--steps", "20", "table"],
        &["completions", "tcsh"],
    ] {
        let (code, out, err) = run(dis().args(args));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
}
