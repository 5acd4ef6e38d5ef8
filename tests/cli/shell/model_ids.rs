//! `--model <TAB>` in real zsh and fish: the model ids of the tariff in use (`--tariff` on the
//! line, else DIS_PRICE_TARIFF, else the built-in one), after every command that takes
//! `--model`. Bash: tests/cli/bash_completion.rs.

use clap::CommandFactory;
use dis_price::cli::Cli;

use super::{fish_completing, have, lines, workdir, zsh_completing, zsh_functions};
use crate::support::stdout_of;

/// `dis-price --model ` and `dis-price NAME --model ` for every command that takes `--model`,
/// from clap's definitions.
fn model_lines() -> Vec<String> {
    let cli = Cli::command();
    let takes_model = |cmd: &clap::Command| cmd.get_arguments().any(|a| a.get_id() == "model");
    let mut found = Vec::new();
    if takes_model(&cli) {
        found.push("dis-price --model ".to_owned());
    }
    for sub in cli.get_subcommands().filter(|sub| takes_model(sub)) {
        found.push(format!("dis-price {} --model ", sub.get_name()));
    }
    assert!(
        found.contains(&"dis-price --model ".to_owned())
            && found.contains(&"dis-price table --model ".to_owned()),
        "{found:?}"
    );
    found
}

/// The built-in tariff's ids, as `models --format plain` prints them, sorted as [`lines`] sorts.
fn builtin_ids() -> Vec<String> {
    let mut ids: Vec<String> = stdout_of(&["models", "--format", "plain"])
        .lines()
        .map(str::to_owned)
        .collect();
    ids.sort();
    assert!(ids.contains(&"Llama-3.1 8B".to_owned()), "{ids:?}");
    ids
}

/// The shell's folder ([`workdir`]) with the built-in tariff, Chatterbox renamed Chatterbox-2,
/// as `my tariffs/mine.toml` and as `mine.toml` in the shells' home.
pub(crate) fn with_renamed_tariff() -> tempfile::TempDir {
    let dir = workdir();
    let tariff = crate::support::edited("[models.Chatterbox]", "[models.Chatterbox-2]");
    std::fs::create_dir(dir.path().join("my tariffs")).unwrap();
    std::fs::write(dir.path().join("my tariffs/mine.toml"), &tariff).unwrap();
    std::fs::write(dir.path().join("home/mine.toml"), &tariff).unwrap();
    dir
}

/// Lines naming the renamed tariff in each way a user may write it, before or after the command
/// (bash's tests use them too).
pub(crate) const TARIFF_ON_THE_LINE: &[&str] = &[
    "dis-price --tariff 'my tariffs/mine.toml' --model Chat",
    "dis-price --tariff my\\ tariffs/mine.toml table --model Chat",
    "dis-price check --tariff=\"my tariffs/mine.toml\" --model Chat",
    "dis-price --tariff ~/mine.toml fit --model Chat",
];

#[test]
fn zsh_offers_the_builtin_ids_escaped_after_every_model_flag() {
    if !have("zsh") {
        return;
    }
    let dir = workdir();
    let escaped: Vec<String> = builtin_ids()
        .iter()
        .map(|id| id.replace(' ', "\\ "))
        .collect();
    assert!(escaped.contains(&"Llama-3.1\\ 8B".to_owned()));
    for line in model_lines() {
        let out = zsh_completing(dir.path(), &line).output().unwrap();
        assert_eq!(lines(out, &line), escaped, "zsh: {line:?}");
    }
}

#[test]
fn zsh_filters_ids_by_prefix_and_leaves_them_unescaped_after_a_quote() {
    if !have("zsh") {
        return;
    }
    let dir = workdir();
    for (line, want) in [
        (
            "dis-price table --model Ll",
            &["Llama-3.1\\ 8B", "Llama-3.3\\ 70B"][..],
        ),
        ("dis-price afford --model Llama-3.1\\ ", &["Llama-3.1\\ 8B"]),
        ("dis-price --model Chat", &["Chatterbox"]),
        // Inside quotes the id goes in as it is, and zsh closes the quote.
        ("dis-price --model \"Llama-3.3", &["Llama-3.3 70B"]),
        ("dis-price --model Mistral", &[]),
    ] {
        let out = zsh_completing(dir.path(), line).output().unwrap();
        assert_eq!(lines(out, line), want, "zsh: {line:?}");
    }
}

#[test]
fn zsh_offers_the_ids_of_the_tariff_on_the_line_or_in_dis_price_tariff() {
    if !have("zsh") {
        return;
    }
    let dir = with_renamed_tariff();
    for line in TARIFF_ON_THE_LINE {
        let out = zsh_completing(dir.path(), line).output().unwrap();
        assert_eq!(lines(out, line), ["Chatterbox-2"], "zsh: {line:?}");
    }
    let line = "dis-price table --model Chat";
    let out = zsh_completing(dir.path(), line)
        .env("DIS_PRICE_TARIFF", dir.path().join("my tariffs/mine.toml"))
        .output()
        .unwrap();
    assert_eq!(lines(out, line), ["Chatterbox-2"]);
    // A tariff on standard input cannot be read at the time of the TAB: nothing is offered,
    // and the TAB does not wait for one (the harness would time out).
    let line = "dis-price --tariff - --model Chat";
    let out = zsh_completing(dir.path(), line).output().unwrap();
    assert_eq!(lines(out, line), Vec::<String>::new());
}

/// What TAB inserts, typed into an interactive zsh: a stand-in `dis-price` function prints the
/// words each line ran with, so an id with a space must arrive as one word.
#[test]
fn zsh_inserts_an_id_with_a_space_as_one_word() {
    if !have("zsh") || !have("script") {
        return;
    }
    let dir = with_renamed_tariff();
    let functions = zsh_functions(dir.path());
    let keys = format!(
        "PROMPT=; fpath=('{}' $fpath); autoload -Uz compinit; compinit -u -D\n\
         dis-price() {{ printf 'ran:'; printf '<%s>' \"$@\"; printf '\\n' }}\n\
         dis-price --model Llama-3.1\t\n\
         dis-price table --model \"Llama-3.3\t\n\
         dis-price --tariff 'my tariffs/mine.toml' fit --model Chat\t\n\
         exit\n",
        functions.display()
    );
    assert_eq!(
        crate::support::typed_on_a_terminal("zsh -f -i", dir.path(), &keys, &[]),
        [
            "<--model><Llama-3.1 8B>",
            "<table><--model><Llama-3.3 70B>",
            "<--tariff><my tariffs/mine.toml><fit><--model><Chatterbox-2>",
        ]
    );
}

#[test]
fn fish_offers_the_builtin_ids_after_every_model_flag() {
    if !have("fish") {
        return;
    }
    let dir = workdir();
    let ids = builtin_ids();
    for line in model_lines() {
        let out = fish_completing(dir.path(), &line).output().unwrap();
        assert_eq!(lines(out, &line), ids, "fish: {line:?}");
    }
}

/// fish offers an id with a space as it is (`Llama-3.1 8B`, one candidate) and escapes it itself
/// when it inserts it; after a quote or an escaped space it still completes.
#[test]
fn fish_filters_ids_by_prefix_also_after_a_quote_or_an_escaped_space() {
    if !have("fish") {
        return;
    }
    let dir = workdir();
    for (line, want) in [
        (
            "dis-price table --model Ll",
            &["Llama-3.1 8B", "Llama-3.3 70B"][..],
        ),
        ("dis-price afford --model Llama-3.1\\ ", &["Llama-3.1 8B"]),
        ("dis-price --model \"Llama-3.3", &["Llama-3.3 70B"]),
        ("dis-price --model Chat", &["Chatterbox"]),
        ("dis-price --model Mistral", &[]),
    ] {
        let out = fish_completing(dir.path(), line).output().unwrap();
        assert_eq!(lines(out, line), want, "fish: {line:?}");
    }
}

#[test]
fn fish_offers_the_ids_of_the_tariff_on_the_line_or_in_dis_price_tariff() {
    if !have("fish") {
        return;
    }
    let dir = with_renamed_tariff();
    let renamed = dir.path().join("my tariffs/mine.toml");
    for line in TARIFF_ON_THE_LINE {
        let out = fish_completing(dir.path(), line).output().unwrap();
        assert_eq!(lines(out, line), ["Chatterbox-2"], "fish: {line:?}");
    }
    let line = "dis-price table --model Chat";
    let out = fish_completing(dir.path(), line)
        .env("DIS_PRICE_TARIFF", &renamed)
        .output()
        .unwrap();
    assert_eq!(lines(out, line), ["Chatterbox-2"]);
    // `--tariff -` would read the terminal at the time of the TAB: standard input is not read
    // (here it holds the renamed tariff), and nothing is offered.
    let line = "dis-price --tariff - --model Chat";
    let out = fish_completing(dir.path(), line)
        .stdin(std::fs::File::open(&renamed).unwrap())
        .output()
        .unwrap();
    assert_eq!(lines(out, line), Vec::<String>::new());
}
