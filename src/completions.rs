//! Shell completion scripts, generated from the clap definitions in [`crate::cli`].

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The name the scripts complete.
pub const BIN: &str = "dis-price";

/// The completion script for `shell`, in memory (clap_complete panics on a write error, so the
/// caller writes it and checks the write).
pub fn script(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    if shell == Shell::Bash {
        script = fix_bash_arms(&String::from_utf8_lossy(&script), BIN).into_bytes();
    }
    script
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
                assert_eq!(b.trim(), a.trim().replacen("dis__subcmd__price", "dis__price", 1));
            }
        }
        // A name without a hyphen is left alone.
        assert_eq!(fix_bash_arms("x__subcmd__a)\n", "x"), "x__subcmd__a)\n");
    }
}
