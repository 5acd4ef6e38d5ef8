//! Bash completion as a person meets it: an interactive bash on a terminal (`script` gives it
//! one), the script sourced as the README says, and keys typed, TAB included. Each typed line
//! ends in Enter and runs a stand-in `dis-price` function that prints the words it was given,
//! so what TAB put on the line is what comes back.

use std::path::Path;

/// Types `lines` (each ending in Enter) into an interactive bash in a folder holding one file,
/// `jobs.csv`, and returns the words each line ran with, as `<word><word>`, one per line.
fn typed(lines: &[&str], tariff_env: Option<&Path>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("jobs.csv"), "steps,size\n20,512\n").expect("write");
    let env = tariff_env.map(|path| ("DIS_PRICE_TARIFF", path));
    typed_in(dir.path(), lines, env.as_slice())
}

/// [`typed`] in `dir`, with `env` (which may set HOME).
fn typed_in(dir: &Path, lines: &[&str], env: &[(&str, &Path)]) -> Vec<String> {
    let mut keys = String::from(
        "source <(dis-price completions bash)\n\
         dis-price() { printf 'ran:'; printf '<%s>' \"$@\"; printf '\\n'; }\n",
    );
    for line in lines {
        keys.push_str(line);
        keys.push('\n');
    }
    keys.push_str("exit\n");
    crate::support::typed_on_a_terminal("bash --norc --noprofile -i", dir, &keys, env)
}

fn have_script() -> bool {
    crate::support::require_tool("script", "bash completion in an interactive bash")
        && crate::support::require_tool("bash", "bash completion in an interactive bash")
}

#[test]
fn model_offers_the_tariff_s_ids_quoted_for_the_shell() {
    if !have_script() {
        return;
    }
    assert_eq!(
        typed(
            &[
                "dis-price --model Chat\t",
                "dis-price --model Llama-3.3\t",
                "dis-price --model \"Llama-3.1\t",
                "dis-price table --model fl\t",
            ],
            None,
        ),
        [
            "<--model><Chatterbox>",
            "<--model><Llama-3.3 70B>",
            "<--model><Llama-3.1 8B>",
            "<table><--model><flux-dev>",
        ]
    );
}

#[test]
fn model_ids_come_from_the_tariff_in_use() {
    if !have_script() {
        return;
    }
    let tariff = crate::support::edited("[models.Chatterbox]", "[models.Chatterbox-2]");
    let (_dir, path) = crate::support::temp_file("mine.toml", tariff.as_bytes());
    let flag = format!("dis-price --tariff {} --model Chat\t", path.display());
    let got = typed(&[&flag], None);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].ends_with("<--model><Chatterbox-2>"), "{got:?}");
    assert_eq!(
        typed(&["dis-price --model Chat\t"], Some(&path)),
        ["<--model><Chatterbox-2>"]
    );
}

/// bash keeps a word's quotes in `COMP_WORDS` and splits `--tariff=FILE` at the `=`: the path is
/// read as the command will get it. `--tariff -` offers nothing and does not wait for a tariff
/// on the terminal (it would swallow the lines typed after it, and the shell would time out).
#[test]
fn model_ids_come_from_the_tariff_however_its_path_is_written() {
    if !have_script() {
        return;
    }
    let dir = crate::shell::model_ids::with_renamed_tariff();
    let mut lines: Vec<String> = crate::shell::model_ids::TARIFF_ON_THE_LINE
        .iter()
        .chain(&["dis-price --tariff=my\\ tariffs/mine.toml afford --model Chat"])
        .map(|line| format!("{line}\t"))
        .collect();
    lines.push("dis-price --tariff - --model Chat\t".to_owned());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let got = typed_in(dir.path(), &lines, &[("HOME", &dir.path().join("home"))]);
    assert_eq!(got.len(), lines.len(), "{got:?}");
    let (last, renamed) = got.split_last().unwrap();
    for words in renamed {
        assert!(words.ends_with("<--model><Chatterbox-2>"), "{got:?}");
    }
    assert_eq!(last, "<--tariff><-><--model><Chat>");
}

#[test]
fn numeric_flags_offer_no_file_names() {
    if !have_script() {
        return;
    }
    // With one file in the folder, a TAB that completed file names would put it on the line.
    assert_eq!(
        typed(
            &[
                "dis-price --steps \t20",
                "dis-price -n \t2",
                "dis-price --input-tokens \t5",
                "dis-price batch jobs.csv --budget \t1",
                "dis-price table --sizes \t512",
            ],
            None,
        ),
        [
            "<--steps><20>",
            "<-n><2>",
            "<--input-tokens><5>",
            "<batch><jobs.csv><--budget><1>",
            "<table><--sizes><512>",
        ]
    );
}

#[test]
fn a_command_s_file_argument_lists_files() {
    if !have_script() {
        return;
    }
    assert_eq!(
        typed(
            &[
                "dis-price batch \t",
                "dis-price validate \t",
                "dis-price batch --sk\t jobs.csv"
            ],
            None,
        ),
        [
            "<batch><jobs.csv>",
            "<validate><jobs.csv>",
            "<batch><--skip-invalid><jobs.csv>",
        ]
    );
}
