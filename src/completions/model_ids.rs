//! `--model <TAB>` offers the model ids of the tariff in use.
//!
//! clap_complete knows only fixed value lists, and the ids depend on the tariff, which the line
//! itself may name (`--tariff FILE`). So the script gets a shell function that asks the very
//! `dis-price` being completed, at the time of the TAB: `dis-price [--tariff FILE] models
//! --format plain`, one id a line. Without `--tariff` on the line, the binary reads
//! `DIS_PRICE_TARIFF` or its built-in tariff by itself; its errors are dropped, so a broken
//! tariff offers nothing.

/// The bash function that offers the tariff's model ids, each quoted for the shell
/// (`Llama-3.1\ 8B`): the tariff of `--tariff` on the line, else `DIS_PRICE_TARIFF` or the
/// built-in one, asked of the very `dis-price` being completed, at the time of the TAB.
const BASH_MODELS: &str = r#"
__dis_price_models() {
    local IFS=$'\n' i word
    local -a tariff=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            --tariff) tariff=(--tariff "${COMP_WORDS[i+1]}") ;;
            --tariff=*) tariff=("${COMP_WORDS[i]}") ;;
        esac
    done
    word=${cur//\\/}
    word=${word#[\"\']}
    COMPREPLY=($(compgen -W "$(command "${COMP_WORDS[0]}" "${tariff[@]}" models --format plain 2>/dev/null)" -- "${word}"))
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
