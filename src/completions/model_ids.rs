//! `--model <TAB>` offers the model ids of the tariff in use.
//!
//! clap_complete knows only fixed value lists, and the ids depend on the tariff, which the line
//! itself may name (`--tariff FILE`). So the script gets a shell function that asks the very
//! `dis-price` being completed, at the time of the TAB: `dis-price [--tariff FILE] models
//! --format plain`, one id a line. Without `--tariff` on the line, the binary reads
//! `DIS_PRICE_TARIFF` or its built-in tariff by itself; its errors are dropped, so a broken
//! tariff offers nothing. Each function is given the words the command will get (unquoted, a
//! leading `~/` the home folder) where the shell can tell them.

/// The bash function that offers the tariff's model ids, each quoted for the shell
/// (`Llama-3.1\ 8B`). `COMP_WORDS` holds words as typed, quotes and all, and splits
/// `--tariff=FILE` at the `=`; the tariff's path is unquoted in its usual forms (`'a b'`,
/// `"a b"`, `a\ b`, `~/a`). Standard input is closed to the command: `--tariff -` would wait for
/// a tariff on the terminal.
const BASH_MODELS: &str = r#"
__dis_price_models() {
    local IFS=$'\n' i word
    local -a tariff=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            --tariff | --tariff=*)
                word=${COMP_WORDS[i]#--tariff}
                word=${word#=}
                if [[ -z $word ]]; then
                    word=${COMP_WORDS[i+1]}
                    [[ $word == = ]] && word=${COMP_WORDS[i+2]}
                fi
                case $word in
                    \'*\' | \"*\") word=${word:1:${#word}-2} ;;
                    *) word=${word//\\/}; [[ $word == "~/"* ]] && word=$HOME/${word:2} ;;
                esac
                tariff=(--tariff "$word")
                ;;
        esac
    done
    word=${cur//\\/}
    word=${word#[\"\']}
    COMPREPLY=($(compgen -W "$(command "${COMP_WORDS[0]}" "${tariff[@]}" models --format plain </dev/null 2>/dev/null)" -- "${word}"))
    # Inside quotes the id goes in as it is; outside, its blanks are escaped.
    if ((${#COMPREPLY[@]})) && [[ ${COMP_WORDS[COMP_CWORD]} != [\"\']* ]]; then
        COMPREPLY=($(printf '%q\n' "${COMPREPLY[@]}"))
    fi
    compopt +o default +o bashdefault 2>/dev/null
    return 0
}
"#;

/// Completes `--model` with the tariff's model ids instead of file names, through a shell
/// function appended to the script (`__dis_price_models`).
pub fn bash_model_ids(script: &str) -> String {
    let files =
        "                --model)\n                    COMPREPLY=($(compgen -f \"${cur}\"))\n";
    let models = "                --model)\n                    __dis_price_models\n";
    let mut fixed = script.replace(files, models);
    fixed.push_str(BASH_MODELS);
    fixed
}

/// The zsh function behind `--model`'s action. The words come from [`ZSH_LINE`]. `_arguments`
/// passes it compadd's options (the group, the description); compadd quotes each id for where it
/// goes (`Llama-3.1\ 8B`, or as it is after an opening quote). Standard input is closed to the
/// command: `--tariff -` would wait for a tariff on the terminal. The function is defined before
/// the script's last lines, which call `_dis-price` at once when zsh autoloads the file on the
/// first TAB.
const ZSH_MODELS: &str = r#"(( $+functions[_dis-price_model_ids] )) ||
_dis-price_model_ids() {
    local -a args tariff ids
    local i
    args=("${(@Q)_dis_price_line}")
    args=("${(@)args/#\~\//$HOME/}")
    for ((i = 2; i <= $#args; i++)); do
        case $args[i] in
            (--tariff) tariff=(--tariff "$args[i+1]") ;;
            (--tariff=*) tariff=("$args[i]") ;;
        esac
    done
    ids=(${(f)"$(command "$args[1]" "${tariff[@]}" models --format plain </dev/null 2>/dev/null)"})
    compadd "$@" -a ids
}

"#;

/// The first lines of the top-level zsh function keep the words before the cursor, the command's
/// own included: below a command, `_arguments` leaves `words` only the command's words, and a
/// `--tariff` before the command would be lost.
const ZSH_LINE: &str = "
    # _dis-price_model_ids reads the tariff and the command to run from these words.
    local -a _dis_price_line; _dis_price_line=(\"${(@)words[1,CURRENT-1]}\")
";

/// Completes `--model` with the tariff's model ids in zsh instead of file names (`_default`):
/// every `--model` spec gets the action `_dis-price_model_ids`, `ZSH_MODELS`. A script whose
/// top-level function or last lines are not where clap_complete puts them is returned unchanged
/// (the test `every_model_flag_completes_model_ids` then fails).
pub fn zsh_model_ids(script: &str) -> String {
    let top = "\n_dis-price() {";
    let last = "\nif [ \"$funcstack[1]\" = \"_dis-price\" ]; then\n";
    let (Some(function), Some(end)) = (script.find(top), script.rfind(last)) else {
        return script.to_owned();
    };
    let body = |part: &str| {
        part.split_inclusive('\n')
            .map(|line| match line.strip_suffix(":_default' \\\n") {
                Some(spec) if spec.starts_with("'--model=[") => {
                    format!("{spec}:_dis-price_model_ids' \\\n")
                }
                _ => line.to_owned(),
            })
            .collect::<String>()
    };
    let open = function + top.len();
    let mut fixed = String::with_capacity(script.len() + ZSH_LINE.len() + ZSH_MODELS.len());
    fixed.push_str(&script[..open]);
    fixed.push_str(ZSH_LINE.trim_end_matches('\n'));
    fixed.push_str(&body(&script[open..end + 1]));
    fixed.push_str(ZSH_MODELS);
    fixed.push_str(&script[end + 1..]);
    fixed
}

/// The fish function behind `--model`'s values, from the words before the cursor; standard
/// input is closed to the command, as in [`ZSH_MODELS`]. fish quotes an id with a blank itself
/// when it inserts it.
const FISH_MODELS: &str = r#"
function __fish_dis_price_model_ids
    set -l args (commandline -opc | string replace -r '^~/' "$HOME/")
    set -l tariff
    for i in (seq 2 (count $args))
        switch $args[$i]
            case --tariff
                set tariff --tariff $args[(math $i + 1)]
            case '--tariff=*'
                set tariff $args[$i]
        end
    end
    command $args[1] $tariff models --format plain </dev/null 2>/dev/null
end
"#;

/// Completes `--model` with the tariff's model ids in fish instead of file names: each
/// `-l model` line takes no files (`-f`) and its values from `FISH_MODELS`, appended.
pub fn fish_model_ids(script: &str) -> String {
    let mut fixed = String::with_capacity(script.len() + FISH_MODELS.len() + 200);
    for line in script.split_inclusive('\n') {
        match line.strip_suffix(" -r\n") {
            Some(spec)
                if spec.starts_with("complete -c dis-price ") && spec.contains(" -l model ") =>
            {
                fixed.push_str(spec);
                fixed.push_str(" -r -f -a \"(__fish_dis_price_model_ids)\"\n");
            }
            _ => fixed.push_str(line),
        }
    }
    fixed.push_str(FISH_MODELS);
    fixed
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap_complete::Shell;

    use super::*;
    use crate::cli::Cli;
    use crate::completions::{BIN, for_completion};

    fn upstream(shell: Shell) -> String {
        let mut raw = Vec::new();
        clap_complete::generate(shell, &mut for_completion(Cli::command()), BIN, &mut raw);
        String::from_utf8(raw).unwrap()
    }

    /// Each shell's script as `dis-price completions` prints it.
    fn script(shell: Shell) -> String {
        String::from_utf8(crate::completions::script(shell)).unwrap()
    }

    /// How many commands (the top level counted) take `--model`.
    fn model_flags() -> usize {
        let cli = Cli::command();
        let takes = |cmd: &clap::Command| cmd.get_arguments().any(|a| a.get_id() == "model");
        usize::from(takes(&cli)) + cli.get_subcommands().filter(|sub| takes(sub)).count()
    }

    /// When this fails, clap_complete writes `--model` differently: the post-processing above no
    /// longer finds every flag, and `--model <TAB>` offers files again in some shell.
    #[test]
    fn every_model_flag_completes_model_ids() {
        let flags = model_flags();
        assert!(flags >= 5, "{flags}");
        let zsh = script(Shell::Zsh);
        assert_eq!(zsh.matches(":_dis-price_model_ids' \\\n").count(), flags);
        assert!(
            !zsh.lines()
                .any(|l| l.starts_with("'--model=[") && l.contains("_default"))
        );
        let fish = script(Shell::Fish);
        let lines = fish.lines().filter(|l| l.contains(" -l model "));
        assert_eq!(lines.clone().count(), flags);
        assert!(
            lines
                .clone()
                .all(|l| l.ends_with(" -r -f -a \"(__fish_dis_price_model_ids)\""))
        );
        let bash = script(Shell::Bash);
        assert_eq!(
            bash.matches("--model)\n                    __dis_price_models\n")
                .count(),
            flags
        );
    }

    #[test]
    fn zsh_keeps_the_line_in_the_top_level_function_and_defines_the_action_before_the_call() {
        let raw = upstream(Shell::Zsh);
        let fixed = zsh_model_ids(&raw);
        let keep = fixed.find("_dis_price_line=(").unwrap();
        let top = fixed.find("\n_dis-price() {\n").unwrap();
        let options = fixed.find("    typeset -A opt_args").unwrap();
        assert!(top < keep && keep < options, "first in _dis-price");
        let action = fixed.find("\n_dis-price_model_ids() {").unwrap();
        let call = fixed.find("    _dis-price \"$@\"\n").unwrap();
        assert!(
            action < call,
            "defined before an autoloaded file calls _dis-price"
        );
        // Apart from the added lines and the actions, nothing changes.
        let undone = fixed
            .replacen(ZSH_LINE.trim_end_matches('\n'), "", 1)
            .replacen(ZSH_MODELS, "", 1)
            .replace(":_dis-price_model_ids' \\\n", ":_default' \\\n");
        assert_eq!(undone, raw);
        // A script without the top-level function is left alone.
        assert_eq!(
            zsh_model_ids("'--model=[x]:ID:_default' \\\n"),
            "'--model=[x]:ID:_default' \\\n"
        );
    }

    #[test]
    fn fish_changes_only_model_lines_and_adds_the_function() {
        let raw = upstream(Shell::Fish);
        let fixed = fish_model_ids(&raw);
        let undone = fixed
            .strip_suffix(FISH_MODELS)
            .unwrap()
            .replace(" -r -f -a \"(__fish_dis_price_model_ids)\"\n", " -r\n");
        assert_eq!(undone, raw);
        // Another flag's line is left alone.
        let other = "complete -c dis-price -l modelx -r\n";
        assert_eq!(fish_model_ids(other), format!("{other}{FISH_MODELS}"));
    }
}
