//! Shell completion scripts, generated from the clap definitions in [`crate::cli`].

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

mod model_ids;

pub use model_ids::{bash_model_ids, fish_model_ids, zsh_model_ids};

/// The name the scripts complete.
pub const BIN: &str = "dis-price";

/// The completion script for `shell`, in memory (clap_complete panics on a write error, so the
/// caller writes it and checks the write).
pub fn script(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    let mut cmd = for_completion(Cli::command());
    clap_complete::generate(shell, &mut cmd, BIN, &mut script);
    let text = String::from_utf8_lossy(&script);
    match shell {
        Shell::Bash => {
            let fixed = fix_bash_arms(&text, BIN);
            let fixed = bash_files_after_command(&fixed, &cmd);
            bash_model_ids(&fixed).into_bytes()
        }
        Shell::Zsh => zsh_model_ids(&fix_zsh_top_level(&text, BIN)).into_bytes(),
        Shell::Fish => {
            let mut fixed = fix_fish_value_at_top(&fix_fish_dollars(&text));
            fixed.push_str(&fish_positional_values(&cmd));
            fish_model_ids(&fixed).into_bytes()
        }
        _ => script,
    }
}

/// The command line as the completion scripts see it: a value that is not a path (a number, a
/// size, a list, a day, an amount) completes to nothing instead of to file names, which is
/// what a value with no hint gets. `--model` is left to [`bash_model_ids`], [`zsh_model_ids`]
/// and [`fish_model_ids`].
pub fn for_completion(cmd: clap::Command) -> clap::Command {
    fn no_files(arg: clap::Arg) -> clap::Arg {
        use clap::ValueHint;
        let path = matches!(
            arg.get_value_hint(),
            ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
        );
        if path
            || arg.get_id() == "model"
            || !arg.get_action().takes_values()
            || !arg.get_possible_values().is_empty()
        {
            arg
        } else {
            arg.value_hint(ValueHint::Other)
        }
    }
    cmd.mut_args(no_files)
        .mut_subcommands(|sub| sub.mut_args(no_files))
}

/// Lists files, not options, right after a command whose first argument is a file
/// (`dis-price batch <TAB>`).
///
/// clap_complete's bash script offers a command's options at the word after its name whatever
/// is typed there, so readline inserts their common prefix, `-`. For a command whose first
/// positional is a path, options are offered only once a `-` is typed, and any other word falls
/// through to bash's file names (the script is registered with `-o default`).
pub fn bash_files_after_command(script: &str, cmd: &clap::Command) -> String {
    let mut fixed = script.to_owned();
    let prefix = BIN.replace('-', "__");
    for sub in cmd.get_subcommands() {
        let takes_file = sub.get_positionals().next().is_some_and(|p| {
            matches!(
                p.get_value_hint(),
                clap::ValueHint::AnyPath | clap::ValueHint::FilePath
            )
        });
        if !takes_file {
            continue;
        }
        let arm = format!("        {prefix}{SEP}{})\n", sub.get_name());
        let Some(start) = fixed.find(&arm) else {
            continue;
        };
        let end = fixed[start..]
            .find("\n            ;;\n")
            .map_or(fixed.len(), |e| start + e);
        let body = fixed[start..end]
            .replacen(
                "if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then",
                "if [[ ${cur} == -* ]] ; then",
                1,
            )
            .replacen(
                "            COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n            return 0",
                "            COMPREPLY=()\n            return 0",
                1,
            );
        fixed.replace_range(start..end, &body);
    }
    fixed
}

/// Separator clap_complete's bash script puts between command names in its `cmd` values.
const SEP: &str = "__subcmd__";

/// Renames the `case` arms of a clap_complete bash script so that they match what its dispatch
/// loop sets `cmd` to.
///
/// For a binary with a hyphen in its name, clap_complete (4.6) sets `cmd` to
/// `dis__price__subcmd__table` but names the arm `dis__subcmd__price__subcmd__table`, so nothing
/// below the top level completes: clap issues 6421 and 6529. Remove this function once upstream
/// fixes that; the test `upstream_still_misnames_bash_arms` fails when it has.
///
/// Only arm labels (a line holding nothing but `NAME)`) are touched; a script without the wrong
/// names is returned unchanged.
pub fn fix_bash_arms(script: &str, bin: &str) -> String {
    let wrong = format!("{}{SEP}", bin.replace('-', SEP));
    let right = format!("{}{SEP}", bin.replace('-', "__"));
    if wrong == right {
        return script.to_owned();
    }
    let mut fixed = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let label = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        match label.strip_prefix(&wrong) {
            Some(rest)
                if rest.ends_with(')')
                    && !rest.contains(char::is_whitespace)
                    && !rest.contains(['"', '$', ',']) =>
            {
                fixed.push_str(indent);
                fixed.push_str(&right);
                fixed.push_str(rest);
                fixed.push_str(&line[indent.len() + label.len()..]);
            }
            _ => fixed.push_str(line),
        }
    }
    fixed
}

/// Makes zsh stop reading the top level's options after the command name.
///
/// clap_complete's zsh script parses every word with the top level's option specs, so in
/// `dis-price table --format <TAB>` the top level's `--format` (text, plain, json) wins over
/// `table`'s own (table, markdown, csv, json). `-A '-*'` ends the top level's options at the
/// first word that is not one, the command, and leaves the rest to the command's own specs.
/// Only the first `_arguments` call, the top level's, is changed; the test
/// `upstream_zsh_reads_top_level_options_after_the_command` fails once clap_complete does this
/// by itself.
pub fn fix_zsh_top_level(script: &str, bin: &str) -> String {
    let call = "_arguments \"${_arguments_options[@]}\" : \\\n";
    let top = format!("\n_{bin}() {{");
    match (script.find(&top), script.find(call)) {
        (Some(function), Some(first)) if first > function => {
            let mut fixed = String::with_capacity(script.len() + 8);
            fixed.push_str(&script[..first]);
            fixed.push_str("_arguments \"${_arguments_options[@]}\" -A '-*' : \\\n");
            fixed.push_str(&script[first + call.len()..]);
            fixed
        }
        _ => script.to_owned(),
    }
}

/// Escapes `$` inside the double-quoted value lists (`-a "..."`) of a clap_complete fish
/// script.
///
/// clap_complete wraps each value's help in single quotes but the whole list in double quotes,
/// where fish (3.4 and later) runs `$(...)` while the script is sourced: a help text such as
/// "for $(...)" then runs a command named `...` and breaks the script. Nothing else in the
/// script is changed; a `$` already escaped stays as it is.
pub fn fix_fish_dollars(script: &str) -> String {
    let mut fixed = String::with_capacity(script.len());
    let mut in_list = false;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        if in_list {
            match c {
                '\\' => {
                    fixed.push(c);
                    if let Some(next) = chars.next() {
                        fixed.push(next);
                    }
                    continue;
                }
                '"' => in_list = false,
                '$' => fixed.push('\\'),
                _ => {}
            }
        } else if c == '"' && fixed.ends_with(" -a ") {
            in_list = true;
        }
        fixed.push(c);
    }
    fixed
}

/// Lets fish complete the value of a top-level option (`dis-price --format <TAB>`).
///
/// clap_complete's fish script asks `argparse` whether a command was given; while the last
/// option still waits for its value, `argparse` fails, the script then says "not at the top
/// level", and no value is offered. A failed parse can only be words before any command, so it
/// is the top level. The test `upstream_fish_misses_top_level_values` fails once clap_complete
/// changes this line.
pub fn fix_fish_value_at_top(script: &str) -> String {
    script.replacen(
        " -- $cmd 2>/dev/null\n    or return\n",
        " -- $cmd 2>/dev/null\n    or return 0\n",
        1,
    )
}

/// Fish lines offering the values of commands' positional arguments (`dis-price man <TAB>`),
/// which clap_complete's fish script leaves out; one line per such argument.
pub fn fish_positional_values(cmd: &clap::Command) -> String {
    let mut lines = String::new();
    for sub in cmd.get_subcommands() {
        for arg in sub.get_positionals() {
            let values = arg.get_possible_values();
            let names: Vec<&str> = values
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name())
                .filter(|n| {
                    n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
                .collect();
            if !names.is_empty() {
                lines.push_str(&format!(
                    "complete -c {BIN} -n \"__fish_{}_using_subcommand {}\" -f -a \"{}\"\n",
                    BIN.replace('-', "_"),
                    sub.get_name(),
                    names.join(" ")
                ));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream_bash() -> String {
        let mut raw = Vec::new();
        clap_complete::generate(Shell::Bash, &mut Cli::command(), BIN, &mut raw);
        String::from_utf8(raw).unwrap()
    }

    /// When this fails, clap_complete names the arms right by itself: delete `fix_bash_arms`
    /// and this test (clap issues 6421, 6529).
    #[test]
    fn upstream_still_misnames_bash_arms() {
        let raw = upstream_bash();
        assert!(raw.contains("cmd=\"dis__price__subcmd__table\""));
        assert!(
            raw.contains("        dis__subcmd__price__subcmd__table)\n"),
            "clap_complete fixed its bash arm names: remove fix_bash_arms"
        );
    }

    #[test]
    fn every_dispatched_name_has_an_arm_after_the_fix() {
        let fixed = String::from_utf8(script(Shell::Bash)).unwrap();
        assert!(!fixed.contains("dis__subcmd__price"));
        let set: Vec<&str> = fixed
            .lines()
            .filter_map(|l| l.trim().strip_prefix("cmd=\"")?.strip_suffix('"'))
            .filter(|name| !name.is_empty())
            .collect();
        assert!(set.len() > 10, "{set:?}");
        for name in set {
            assert!(
                fixed.lines().any(|l| l.trim() == format!("{name})")),
                "no arm for {name}"
            );
        }
    }

    #[test]
    fn the_fix_changes_only_arm_labels() {
        let raw = upstream_bash();
        let fixed = fix_bash_arms(&raw, BIN);
        assert_eq!(raw.lines().count(), fixed.lines().count());
        for (a, b) in raw.lines().zip(fixed.lines()) {
            if a != b {
                assert!(a.trim().starts_with("dis__subcmd__price__subcmd__"), "{a}");
                assert_eq!(
                    b.trim(),
                    a.trim().replacen("dis__subcmd__price", "dis__price", 1)
                );
            }
        }
        // A name without a hyphen is left alone.
        assert_eq!(fix_bash_arms("x__subcmd__a)\n", "x"), "x__subcmd__a)\n");
    }

    fn upstream(shell: Shell) -> String {
        let mut raw = Vec::new();
        clap_complete::generate(shell, &mut for_completion(Cli::command()), BIN, &mut raw);
        String::from_utf8(raw).unwrap()
    }

    /// When this fails, clap_complete ends the top level's options at the command by itself:
    /// delete `fix_zsh_top_level` and this test.
    #[test]
    fn upstream_zsh_reads_top_level_options_after_the_command() {
        let raw = upstream(Shell::Zsh);
        assert!(!raw.contains("-A '-*'"));
        let fixed = fix_zsh_top_level(&raw, BIN);
        assert_eq!(fixed.matches("-A '-*'").count(), 1);
        assert_eq!(
            fixed.replacen(" -A '-*'", "", 1),
            raw,
            "only the top level's call changes"
        );
        // The script is this fix, then the model ids (whose own test is in model_ids.rs).
        assert_eq!(
            String::from_utf8(script(Shell::Zsh)).unwrap(),
            zsh_model_ids(&fixed)
        );
    }

    /// When this fails, clap_complete escapes `$` in fish value lists by itself: delete
    /// `fix_fish_dollars` and this test.
    #[test]
    fn upstream_fish_leaves_dollars_unescaped() {
        let raw = upstream(Shell::Fish);
        assert!(raw.contains("for $(...)'"), "{raw}");
        let fixed = String::from_utf8(script(Shell::Fish)).unwrap();
        assert!(fixed.contains("for \\$(...)'"));
        assert_eq!(
            fish_model_ids(
                &(fix_fish_value_at_top(&raw.replace("$(...)", "\\$(...)"))
                    + &fish_positional_values(&for_completion(Cli::command())))
            ),
            fixed
        );
        // Outside a value list, and once escaped, nothing changes.
        assert_eq!(
            fix_fish_dollars("echo $x -a \"a\\$b\" $y"),
            "echo $x -a \"a\\$b\" $y"
        );
        assert_eq!(fix_fish_dollars("x -a \"$(x)\" $z"), "x -a \"\\$(x)\" $z");
    }

    /// When this fails, clap_complete's fish script has changed where the fix applies: check
    /// `dis-price --format <TAB>` in fish and delete `fix_fish_value_at_top` if it works.
    #[test]
    fn upstream_fish_misses_top_level_values() {
        let raw = upstream(Shell::Fish);
        assert!(raw.contains(" -- $cmd 2>/dev/null\n    or return\n"));
        let fixed = String::from_utf8(script(Shell::Fish)).unwrap();
        assert!(fixed.contains(" -- $cmd 2>/dev/null\n    or return 0\n"));
    }
}
