//! Help, usage errors, and flags given to a command that does not take them.

use crate::support::{BUILTIN, dis, refused, run, stdout_of, temp_file};
use assert_cmd::Command;

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

/// The first line of a refusal's stderr.
fn first_line(cmd: &mut Command) -> String {
    refused(cmd).lines().next().unwrap_or_default().to_owned()
}

// Flags before a command, and values typed another way.

#[test]
fn a_one_job_flag_before_a_command_says_who_takes_it() {
    assert_eq!(
        first_line(dis().args(["--budget", "1", "table"])),
        "error: --budget before `table` prices one job and cannot be used with a command; `table` takes no --budget; it is taken by one job without a command (dis-price --budget ...), and by batch, afford"
    );
    assert_eq!(
        first_line(dis().args(["--count", "2", "check"])),
        "error: --count before `check` prices one job and cannot be used with a command; `check` takes no --count; it is taken by one job without a command (dis-price --count ...), and by afford"
    );
    // Where the command has the flag, the suggestion is that command's flag, which works.
    assert_eq!(
        first_line(dis().args(["--budget", "1", "batch", "x.csv"])),
        "error: --budget before `batch` prices one job and cannot be used with a command; put the command's own flags after it (dis-price batch --budget ...)"
    );
    let (code, _, err) = run(dis().args(["table", "--format", "json"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        first_line(dis().args(["--format", "json", "table"])),
        "error: --format before `table` prices one job and cannot be used with a command; put the command's own flags after it (dis-price table --format ...)"
    );
}

// Which tariff.

#[test]
fn diff_takes_its_tariffs_as_arguments_not_tariff() {
    let (_dir, path) = temp_file("t.toml", BUILTIN.as_bytes());
    assert_eq!(
        refused(
            dis()
                .arg("--tariff")
                .arg("x.toml")
                .arg("diff")
                .arg(&path)
                .arg(&path)
        ),
        "error: diff compares the two tariffs it is given (dis-price diff OLD NEW) and takes no --tariff; drop --tariff x.toml, or give it as OLD or NEW\n"
    );
    assert_eq!(
        refused(
            dis()
                .arg("diff")
                .arg(&path)
                .arg(&path)
                .arg("--tariff")
                .arg("x.toml")
        ),
        "error: diff compares the two tariffs it is given (dis-price diff OLD NEW) and takes no --tariff; drop --tariff x.toml, or give it as OLD or NEW\n"
    );
}

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `batch -` on `input` under the README's dated prices.toml: (status, stdout, stderr).
fn dated_batch(input: &str, args: &[&str]) -> (i32, String, String) {
    run(dis()
        .args(["--tariff", &readme("prices.toml"), "batch", "-"])
        .args(args)
        .write_stdin(input.to_owned()))
}

#[test]
fn plain_with_skip_invalid_is_refused() {
    let (code, out, err) = dated_batch(
        "steps,size\n20,512x512\nx,512x512\n",
        &["--format", "plain", "--skip-invalid"],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: --skip-invalid cannot be used with --format plain: the number alone would be a total that leaves the bad rows out; fix the rows, or use --format csv or json with --skip-invalid (rows and a total that says it leaves them out)\n"
    );
}

/// The tagline, the man page's NAME and the package's description cover all three meters, and
/// `--help` shows a chat and a speech job beside the images.
#[test]
fn help_covers_images_chat_and_speech() {
    let help = stdout_of(&["--help"]);
    let tagline =
        "Know what a Distribute.ai job will cost before you run it: images, chat and speech.";
    assert!(help.starts_with(tagline), "{help}");
    assert!(
        help.contains(
            "\n  dis-price --model \"Llama-3.3 70B\" --input-tokens 1500 --output-tokens 400\n"
        ) && help.contains("\n  dis-price --model chatterbox --seconds 12.25 "),
        "{help}"
    );
    let man = stdout_of(&["man"]);
    assert!(
        man.contains(".SH NAME\ndis\\-price \\- Know what a Distribute.ai job will cost before you run it: images, chat and speech\n"),
        "{man}"
    );
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    assert!(
        manifest.contains("images per megapixel-step, chat per token, speech per second"),
        "the package description names every meter"
    );
    assert!(
        stdout_of(&["validate", "--help"])
            .starts_with("Check a tariff against every rule of schema 2")
    );
}

/// Every command that has formats lists them in its `--help`, each with what it is for.
#[test]
fn every_command_s_help_lists_its_formats() {
    for (args, formats) in [
        (&[][..], &["text", "plain", "json", "markdown"][..]),
        (&["table"], &["table", "markdown", "csv", "json", "plain"]),
        (&["check"], &["table", "markdown", "json"]),
        (&["batch"], &["table", "markdown", "csv", "json", "plain"]),
        (&["afford"], &["text", "plain", "json"]),
        (&["models"], &["table", "json", "plain"]),
        (&["fit"], &["text", "json"]),
        (&["diff"], &["table", "markdown", "csv", "json"]),
    ] {
        let help = stdout_of(&[args, &["--help"]].concat());
        let at = help
            .find("--format <FORMAT>")
            .unwrap_or_else(|| panic!("{args:?}: {help}"));
        let section = &help[at..];
        let end = section[1..].find("\n  -").map_or(section.len(), |e| e + 1);
        for format in formats {
            assert!(
                section[..end].contains(&format!("\n          - {format}:")),
                "dis-price {} --help does not list --format {format}:\n{}",
                args.join(" "),
                &section[..end]
            );
        }
    }
}

/// Mistakes clap has no good tip for get one: `--n` for `-n`, `-o FILE` for a redirection,
/// and `completions` without a shell.
#[test]
fn tips_point_to_what_works() {
    let err = refused(dis().args(["--n", "2"]));
    assert!(
        err.starts_with("error: unexpected argument '--n' found\n\n  tip: a one-letter flag takes one dash: -n (or --count)\n"),
        "{err}"
    );
    let err = refused(dis().args(["batch", "jobs.csv", "-o", "out.csv"]));
    assert!(
        err.starts_with("error: unexpected argument '-o' found\n\n  tip: dis-price writes to standard output; to write a file, redirect it: dis-price batch jobs.csv > out.csv\n"),
        "{err}"
    );
    assert!(!err.contains("'-- -o'"), "{err}");
    let err = refused(dis().args(["batch", "my jobs.csv", "--output=x y.csv"]));
    assert!(
        err.contains("\n  tip: dis-price writes to standard output; to write a file, redirect it: dis-price batch 'my jobs.csv' > 'x y.csv'\n")
            && !err.contains("similar argument"),
        "{err}"
    );
    let err = refused(dis().arg("completions"));
    assert!(
        err.contains("\n  tip: the shells: bash, elvish, fish, powershell, zsh; in ~/.bashrc, source <(dis-price completions bash)\n"),
        "{err}"
    );
    // The usage under a tip is the command's own, not that of the flag clap found similar
    // (`--output` is not `--max-output-tokens`).
    let err = refused(dis().args(["batch", "jobs.csv", "--output", "out.csv"]));
    assert!(
        err.contains("\n\nUsage: dis-price batch [OPTIONS] [FILE]\n")
            && !err.contains("max-output"),
        "{err}"
    );
    // With nothing else on the line, the redirection is still a command to copy.
    let err = refused(dis().args(["--output", "x.txt"]));
    assert!(
        err.contains("redirect it: dis-price > x.txt\n\nUsage: dis-price [OPTIONS] [COMMAND]\n"),
        "{err}"
    );
    // `--n` is pointed at `-n` only where the command takes it.
    let err = refused(dis().args(["afford", "--budget", "1", "--n", "2"]));
    assert!(
        err.contains("tip: a one-letter flag takes one dash: -n"),
        "{err}"
    );
    let err = refused(dis().args(["table", "--n", "2"]));
    assert!(!err.contains("-n (or --count)"), "{err}");
    // Where the command has no -n, it says so, under its own usage; clap's guesses (`--input`,
    // "use '-- --n'") are gone.
    for (args, name, usage) in [
        (
            &["batch", "jobs.csv", "--n", "2"][..],
            "batch",
            "[OPTIONS] [FILE]",
        ),
        (
            &["diff", "old.toml", "new.toml", "--n", "2"][..],
            "diff",
            "[OPTIONS] <OLD> [NEW]",
        ),
    ] {
        let err = refused(dis().args(args));
        assert_eq!(
            err,
            format!(
                "error: unexpected argument '--n' found\n\n  tip: dis-price {name} takes no -n; dis-price {name} --help lists what it takes\n\nUsage: dis-price {name} {usage}\n\nFor more information, try '--help'.\n"
            )
        );
    }
    // The file attached to a short flag, and `-` for standard output.
    let err = refused(dis().args(["batch", "jobs.csv", "-oout.csv"]));
    assert!(
        err.contains("redirect it: dis-price batch jobs.csv > out.csv\n")
            && !err.contains("'-- -o'"),
        "{err}"
    );
    let err = refused(dis().args(["batch", "jobs.csv", "--output="]));
    assert!(
        err.contains("redirect it: dis-price batch jobs.csv > FILE\n"),
        "{err}"
    );
    let err = refused(dis().args(["batch", "jobs.csv", "--output", "-"]));
    assert!(
        err.contains("tip: dis-price writes to standard output already: leave out --output - (dis-price batch jobs.csv)\n"),
        "{err}"
    );
    // A flag's value that names a command is a value, not the command.
    let err = refused(dis().args(["--tariff", "table", "--model", "check", "--output", "x"]));
    assert!(
        err.contains("\nUsage: dis-price [OPTIONS] [COMMAND]\n"),
        "{err}"
    );
}
