//! Shell integration: completions run in real bash, zsh and fish; every man page through groff;
//! colour by flag and environment. A missing shell or groff skips its test with a message on
//! stderr (CI installs them: see .ci/run). `--model <TAB>` in zsh and fish: [`model_ids`].

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use clap::CommandFactory;
use dis_price::cli::Cli;

use crate::support::{assert_bad_input, dis, path_with_binary, run, stdout_of};

pub(crate) mod model_ids;

/// Whether `program` can be run: a missing one skips the test, saying so, and fails it under
/// CI (see [`crate::support::require_tool`]).
fn have(program: &str) -> bool {
    crate::support::require_tool(program, "a shell-integration test")
}

/// A folder holding `mine.toml` and `notes.txt`, with a home of its own for the shells.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("mine.toml"), "").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "").unwrap();
    std::fs::create_dir(dir.path().join("home")).unwrap();
    dir
}

/// A shell process in `dir`, finding the binary under test on PATH, with no user settings.
fn shell(program: &str, dir: &Path) -> Process {
    let home = dir.join("home");
    let mut cmd = Process::new(program);
    cmd.current_dir(dir)
        .env("PATH", path_with_binary())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("DIS_PRICE_TARIFF");
    cmd
}

fn lines(out: std::process::Output, what: &str) -> Vec<String> {
    assert!(
        out.status.success(),
        "{what}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut found: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        // fish puts a description after a tab; the pty, a carriage return.
        .map(|l| {
            l.split('\t')
                .next()
                .unwrap_or("")
                .trim_end_matches('\r')
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The completion cases every shell must answer: the words typed (the last one being
/// completed) and what must be offered, exactly.
const CASES: &[(&str, &[&str])] = &[
    // a command
    ("dis-price ta", &["table", "tariff"]),
    // a command's flags, below the top level
    ("dis-price table --f", &["--format"]),
    ("dis-price batch --sk", &["--skip-invalid"]),
    // a flag's values: the command's own, not the top level's --format
    (
        "dis-price table --format ",
        &["csv", "html", "json", "markdown", "plain", "svg", "table"],
    ),
    (
        "dis-price --format ",
        &["json", "markdown", "plain", "text"],
    ),
    ("dis-price batch jobs.csv --format c", &["csv"]),
    (
        "dis-price --tariff mine.toml table --format m",
        &["markdown"],
    ),
    // a file argument
    ("dis-price --tariff mi", &["mine.toml"]),
    ("dis-price diff --tariff no", &["notes.txt"]),
    // what `man` and `completions` take
    ("dis-price man ta", &["table", "tariff"]),
    ("dis-price completions f", &["fish"]),
];

/// Bash: the script sourced as a user's shell would, then the function `complete -p` names
/// called with COMP_WORDS and COMP_CWORD set, as bash does on TAB.
fn bash_complete(dir: &Path, line: &str) -> (Vec<String>, String) {
    let mut words: Vec<&str> = line.split(' ').collect();
    if line.ends_with(' ') {
        words.pop();
        words.push("");
    }
    let script = r#"
set -u
source <(dis-price completions bash) || exit 3
spec=$(complete -p dis-price) || exit 4
fn=${spec#*-F }; fn=${fn%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" dis-price "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = shell("bash", dir)
        .args(["--norc", "--noprofile", "-c", script, "bash"])
        .args(&words)
        .output()
        .expect("bash runs");
    let spec = shell("bash", dir)
        .args([
            "--norc",
            "--noprofile",
            "-c",
            "source <(dis-price completions bash) && complete -p dis-price",
        ])
        .output()
        .expect("bash runs");
    (
        lines(out, line),
        String::from_utf8_lossy(&spec.stdout).into_owned(),
    )
}

#[test]
fn bash_completes_commands_flags_values_and_files() {
    if !have("bash") {
        return;
    }
    let dir = workdir();
    for (line, want) in CASES {
        let (got, _) = bash_complete(dir.path(), line);
        assert_eq!(got, *want, "bash: {line:?}");
    }
    // A positional file: the function offers nothing, so bash falls back to file names
    // (`-o default`), as for `ls`.
    let (got, spec) = bash_complete(dir.path(), "dis-price batch mi");
    assert!(got.is_empty(), "{got:?}");
    assert!(
        spec.contains("-o default") && spec.contains("dis-price"),
        "{spec}"
    );
}

#[test]
fn zsh_completes_commands_flags_values_and_files() {
    if !have("zsh") {
        return;
    }
    let dir = workdir();
    let cases = CASES
        .iter()
        .copied()
        .chain([("dis-price batch mi", &["mine.toml"][..])]);
    for (line, want) in cases {
        let out = zsh_completing(dir.path(), line).output().expect("zsh runs");
        assert_eq!(lines(out, line), want, "zsh: {line:?}");
    }
}

/// The folder of zsh functions holding `_dis-price`, in `dir`, written on first use.
fn zsh_functions(dir: &Path) -> PathBuf {
    let functions = dir.join("functions");
    if !functions.exists() {
        std::fs::create_dir(&functions).unwrap();
        std::fs::write(
            functions.join("_dis-price"),
            stdout_of(&["completions", "zsh"]),
        )
        .unwrap();
    }
    functions
}

/// zsh, ready to print what TAB offers for `line` (the last word being completed), one per
/// line, through tests/cli/shell/capture.zsh; read the output with [`lines`].
fn zsh_completing(dir: &Path, line: &str) -> Process {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/shell/capture.zsh");
    // `timeout` ends a harness that waits forever on a prompt that never comes.
    let mut zsh = shell("timeout", dir);
    zsh.arg("120")
        .args(["zsh", "-f"])
        .arg(harness)
        .arg(zsh_functions(dir))
        .arg(line);
    zsh
}

#[test]
fn fish_completes_commands_flags_values_and_files() {
    if !have("fish") {
        return;
    }
    let dir = workdir();
    let cases = CASES
        .iter()
        .copied()
        .chain([("dis-price batch mi", &["mine.toml"][..])]);
    for (line, want) in cases {
        let out = fish_completing(dir.path(), line)
            .output()
            .expect("fish runs");
        assert_eq!(lines(out, line), want, "fish: {line:?}");
    }
}

/// fish, ready to print what TAB offers for `line` (`complete -C`), one per line with its
/// description after a tab; read the output with [`lines`].
fn fish_completing(dir: &Path, line: &str) -> Process {
    let mut fish = shell("fish", dir);
    fish.args(["--no-config", "-c"])
        .arg("dis-price completions fish | source; complete -C $argv[1]")
        .arg(line);
    fish
}

/// Every page name: `dis-price`, then one per command, from clap's definitions.
fn commands() -> Vec<clap::Command> {
    let mut main = Cli::command().disable_help_subcommand(true);
    main.build();
    main.get_subcommands().cloned().collect()
}

/// A page rendered by groff as plain text, asserting groff had nothing to warn about.
fn groff(roff: &[u8], what: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.1");
    std::fs::write(&file, roff).unwrap();
    // -ww: every warning; -P-cbou: plain text; HY=0 and a long line: no word broken.
    let out = Process::new("groff")
        .args(["-ww", "-man", "-Tutf8", "-P-cbou", "-rHY=0", "-rLL=300n"])
        .arg(&file)
        .env_remove("GROFF_TYPESETTER")
        .output()
        .expect("groff runs");
    assert_eq!(out.status.code(), Some(0), "{what}");
    assert!(
        out.stderr.is_empty(),
        "{what}: groff warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn flags(cmd: &clap::Command) -> Vec<String> {
    let mut flags = Vec::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            flags.push(format!("--{long}"));
        }
        if let Some(short) = arg.get_short() {
            flags.push(format!("-{short}"));
        }
        if arg.is_positional() {
            let name = arg.get_value_names().expect("value name")[0].to_string();
            flags.push(name);
        }
        for value in arg.get_possible_values() {
            if !value.is_hide_set() {
                flags.push(value.get_name().to_owned());
            }
        }
    }
    flags
}

#[test]
fn every_man_page_is_clean_groff_and_documents_every_option() {
    if !have("groff") {
        return;
    }
    let main_page = groff(&dis().arg("man").output().unwrap().stdout, "main page");
    let mut main = Cli::command();
    main.build();
    for flag in flags(&main) {
        assert!(
            main_page.contains(&flag),
            "{flag} missing from dis-price(1)"
        );
    }
    for command in commands() {
        let name = command.get_name();
        let page = groff(stdout_of(&["man", name]).as_bytes(), name);
        assert!(
            page.contains(&format!("dis-price-{name}")),
            "{name}: {page}"
        );
        for flag in flags(&command) {
            assert!(
                page.contains(&flag),
                "{flag} missing from dis-price-{name}(1):\n{page}"
            );
        }
        assert!(!page.contains("EXTRA"), "{name}");
        // Every page it points to exists.
        for word in page.split(|c: char| c.is_whitespace() || c == ',') {
            if let Some(other) = word
                .strip_prefix("dis-price-")
                .and_then(|w| w.strip_suffix("(1)"))
            {
                assert!(
                    commands().iter().any(|c| c.get_name() == other),
                    "{name} points to dis-price-{other}(1), which is not generated"
                );
            }
        }
    }
}

#[test]
fn man_examples_keep_their_lines_and_size_signs_render() {
    if !have("groff") {
        return;
    }
    let table = groff(stdout_of(&["man", "table"]).as_bytes(), "table");
    // Each example on its own line, as written, not reflowed into the next.
    assert!(
        table
            .lines()
            .any(|l| l.trim() == "dis-price table --format csv > grid.csv"),
        "{table}"
    );
    assert!(table.contains("EXAMPLES"), "{table}");
    let main = groff(&dis().arg("man").output().unwrap().stdout, "main");
    assert!(
        main.lines()
            .any(|l| l.trim()
                == "dis-price --steps 20 --size 512x512                 price one image"),
        "{main}"
    );
    // The size sign comes through groff as the character it is.
    assert!(main.contains("512×512"), "{main}");
    assert!(main.contains("EXIT STATUS"), "{main}");
    // The roff source is ASCII: no groff needs preconv for it.
    assert!(dis().arg("man").output().unwrap().stdout.is_ascii());
}

#[test]
fn man_dir_writes_every_page_as_the_single_pages_print_them() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("share/man/man1");
    let out = dis().args(["man", "--dir"]).arg(&target).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let mut want: Vec<String> = vec!["dis-price.1".to_owned()];
    want.extend(
        commands()
            .iter()
            .map(|c| format!("dis-price-{}.1", c.get_name())),
    );
    let listed: Vec<PathBuf> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(PathBuf::from)
        .collect();
    assert_eq!(
        listed,
        want.iter().map(|w| target.join(w)).collect::<Vec<_>>()
    );
    let mut on_disk: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(on_disk, sorted, "no temporary file is left behind");
    assert_eq!(
        std::fs::read(target.join("dis-price.1")).unwrap(),
        dis().arg("man").output().unwrap().stdout
    );
    assert_eq!(
        std::fs::read_to_string(target.join("dis-price-batch.1")).unwrap(),
        stdout_of(&["man", "batch"])
    );
    // Again over the same pages: replaced, same set.
    let (code, _, err) = run(dis().args(["man", "--dir"]).arg(&target));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), want.len());
}

#[test]
fn man_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "keep").unwrap();
    let err = assert_bad_input(
        dis().args(["man", "--dir"]).arg(&file),
        &[
            "error: cannot write man pages to",
            "a-file",
            "it is not a folder",
        ],
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
    let err = assert_bad_input(
        dis().args(["man", "tables"]),
        &["tables", "table", "tariff"],
    );
    assert!(err.contains("possible values"), "{err}");
    assert_bad_input(
        dis().args(["man", "table", "--dir"]).arg(dir.path()),
        &["--dir", "cannot be used with"],
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_man_command_list_matches_the_commands() {
    let names: Vec<String> = commands().iter().map(|c| c.get_name().to_owned()).collect();
    let pages: Vec<String> = <dis_price::cli::ManPage as clap::ValueEnum>::value_variants()
        .iter()
        .map(|p| {
            clap::ValueEnum::to_possible_value(p)
                .unwrap()
                .get_name()
                .to_owned()
        })
        .collect();
    assert_eq!(pages, names, "ManPage in cli.rs must list every command");
    assert_eq!(dis_price::manpage::command_names(), names);
}

/// `dis-price` with no colour settings from the test's own environment.
fn plain_env() -> assert_cmd::Command {
    let mut cmd = dis();
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "CI", "TERM"] {
        cmd.env_remove(var);
    }
    cmd
}

fn coloured(cmd: &mut assert_cmd::Command) -> (bool, bool) {
    let out = cmd.output().unwrap();
    (out.stdout.contains(&0x1b), out.stderr.contains(&0x1b))
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let job = ["--steps", "20", "--size", "512"];
    let bad = ["--steps", "0"];
    // Not a terminal: none by default.
    assert_eq!(coloured(plain_env().args(job)), (false, false));
    // CLICOLOR_FORCE asks for it anyway, on both streams.
    assert_eq!(
        coloured(plain_env().args(job).env("CLICOLOR_FORCE", "1")),
        (true, false)
    );
    assert_eq!(
        coloured(plain_env().args(bad).env("CLICOLOR_FORCE", "1")),
        (false, true)
    );
    // NO_COLOR wins over CLICOLOR_FORCE; an empty NO_COLOR is not set.
    assert_eq!(
        coloured(
            plain_env()
                .args(job)
                .env("CLICOLOR_FORCE", "1")
                .env("NO_COLOR", "1")
        ),
        (false, false)
    );
    assert_eq!(
        coloured(
            plain_env()
                .args(job)
                .env("CLICOLOR_FORCE", "1")
                .env("NO_COLOR", "")
        ),
        (true, false)
    );
    // The command line wins over the environment, both ways (no-color.org).
    for (flag, want) in [("always", true), ("never", false)] {
        for (var, value) in [("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1"), ("TERM", "dumb")] {
            assert_eq!(
                coloured(
                    plain_env()
                        .args(job)
                        .args(["--color", flag])
                        .env(var, value)
                ),
                (want, false),
                "--color {flag} with {var}={value}"
            );
            assert_eq!(
                coloured(
                    plain_env()
                        .args(bad)
                        .args(["--color", flag])
                        .env(var, value)
                ),
                (false, want),
                "--color {flag} with {var}={value}"
            );
        }
    }
    // Output for scripts never carries colour.
    assert_eq!(
        coloured(
            plain_env()
                .args(job)
                .args(["--format", "plain", "--color", "always"])
        ),
        (false, false)
    );
    let out = plain_env()
        .args(job)
        .args(["--color", "always"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("\x1b[1m0.0060\x1b[0m USD"), "{text:?}");
}

/// On a real terminal (`script` gives the command one): colour unless TERM is `dumb`.
#[test]
fn colour_on_a_terminal_unless_term_is_dumb() {
    if !have("script") {
        return;
    }
    let terminal = |term: &str| {
        let out = Process::new("script")
            .args([
                "-q",
                "-e",
                "-c",
                "dis-price --steps 20 --size 512",
                "/dev/null",
            ])
            .env("PATH", path_with_binary())
            .env("TERM", term)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CI")
            .env_remove("DIS_PRICE_TARIFF")
            .output()
            .expect("script runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("0.0060"), "{text:?}");
        text.contains('\x1b')
    };
    assert!(terminal("xterm-256color"));
    assert!(!terminal("dumb"));
}

#[test]
fn models_fits_80_columns() {
    let two = crate::support::edited(
        "[models.flux-dev.published]",
        "[models.schnell-with-a-long-id]\nname = \"Flux.1 [schnell], a long display name\"\naliases = [\"schnell-alias-that-is-long\"]\nunit = \"megapixel-step\"\nunit_size = \"1024x1024\"\nrate = \"0.000123456\"\nminimum = \"0.001\"\nsteps = { min = 1, max = 8, default = 4 }\nside = { min = 64, max = 2048 }\ndefault_size = \"1024x1024\"\n\n[models.flux-dev.published]",
    );
    let (_d, path) = crate::support::temp_file("two.toml", two.as_bytes());
    for out in [
        stdout_of(&["models"]),
        String::from_utf8(
            dis()
                .arg("--tariff")
                .arg(&path)
                .arg("models")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
    ] {
        assert!(
            out.contains("alias flux.1-dev") || out.contains("schnell"),
            "{out}"
        );
        for line in out.lines().filter(|l| !l.starts_with("source: ")) {
            assert!(
                line.chars().count() <= 80,
                "{} wide: {line}\n{out}",
                line.chars().count()
            );
        }
        assert!(
            out.lines().last().unwrap().starts_with("source: https://"),
            "{out}"
        );
    }
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

/// A fixture from tests/readme.
fn readme(name: &str) -> String {
    format!("{}/tests/readme/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The README's prices.toml with its first rate moved to `from`.
fn first_rate_from(from: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(readme("prices.toml")).expect("fixture");
    assert!(text.contains("from = \"2026-06-01\""));
    crate::support::temp_file(
        "prices.toml",
        text.replace("from = \"2026-06-01\"", &format!("from = \"{from}\""))
            .as_bytes(),
    )
}

#[test]
fn colour_follows_the_clicolors_convention() {
    let tariff = first_rate_from("2026-11-26");
    let path = tariff.1.to_str().expect("UTF-8 path").to_owned();
    // A warning on stderr, which is not a terminal here: colour only when forced.
    for (force, coloured) in [("1", true), ("yes", true), ("0", false), ("", false)] {
        let (code, _, err) = run(dis().env("CLICOLOR_FORCE", force).args(["validate", &path]));
        assert_eq!(code, 0);
        assert_eq!(
            err.starts_with("\u{1b}["),
            coloured,
            "CLICOLOR_FORCE={force:?}: {err}"
        );
        assert!(err.contains("warning:"), "{err}");
    }
}

#[test]
fn day_flags_complete_no_file_names() {
    let bash = crate::support::stdout_of(&["completions", "bash"]);
    for flag in ["--as-of)", "--to)"] {
        let at = bash
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} in bash completions"));
        let next = &bash[at..at + 120];
        assert!(
            next.contains("COMPREPLY=(\"${cur}\")") && !next.contains("compgen -f"),
            "{next}"
        );
    }
    let fish = crate::support::stdout_of(&["completions", "fish"]);
    for line in fish
        .lines()
        .filter(|l| l.contains(" -l as-of ") || l.contains(" -l to "))
    {
        assert!(line.ends_with(" -r -f"), "{line}");
    }
}

/// The README's install of the man pages: into `~/.cargo/share/man/man1`, beside cargo's `bin`
/// on PATH, where `man` looks without any MANPATH, so `man dis-price-batch` finds its page.
#[test]
fn man_finds_pages_installed_beside_cargo_s_bin() {
    if !crate::support::require_tool("man", "man_finds_pages_installed_beside_cargo_s_bin") {
        return;
    }
    let home = tempfile::tempdir().expect("temp dir");
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let pages = home.path().join(".cargo/share/man/man1");
    let (code, _, err) = run(dis().arg("man").arg("--dir").arg(&pages));
    assert_eq!(code, 0, "{err}");
    let man_w = |path: std::ffi::OsString| {
        Process::new("man")
            .args(["-w", "dis-price-batch"])
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", path)
            .output()
            .expect("man runs")
    };
    let found = man_w(
        std::env::join_paths([bin.as_path(), Path::new("/usr/bin"), Path::new("/bin")]).unwrap(),
    );
    assert_eq!(
        String::from_utf8_lossy(&found.stdout).trim(),
        pages.join("dis-price-batch.1").display().to_string(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
    // Without cargo's bin on PATH, man does not look there: the folder is chosen for that.
    let missing = man_w(std::env::join_paths([Path::new("/usr/bin"), Path::new("/bin")]).unwrap());
    assert!(!missing.status.success());
}
