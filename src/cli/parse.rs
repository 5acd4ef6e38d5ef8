//! Reading the process's arguments into [`Cli`], the one check clap cannot make (one-job flags
//! given before a command), and tips for the mistakes clap has none for.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser};

use super::Cli;

impl Cli {
    /// Parses the process's arguments. An error is what clap would print: a usage message
    /// (including a one-job flag given before a command, `dis-price --steps 20 table`), or the
    /// help or version asked for; the caller writes it and checks that the write worked.
    ///
    /// Usage errors are made without styling, so that the only escape codes one could hold are
    /// the user's own (clap quotes a bad value as it is), which the caller shows escaped.
    pub fn parse_args() -> Result<Cli, clap::Error> {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let plain = Cli::command().styles(clap::builder::Styles::plain());
        let cli = match plain
            .try_get_matches_from(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
        {
            Ok(cli) => cli,
            Err(e) if e.use_stderr() => return Err(with_tips(e, &args)),
            // Help and version: parsed again, to be shown styled as usual.
            Err(_) => Cli::try_parse()?,
        };
        cli.check_job_flags()?;
        let mut cli = cli;
        cli.batch_from_a_pipe(std::io::IsTerminal::is_terminal(&std::io::stdin()))?;
        Ok(cli)
    }

    /// `batch` without FILE reads standard input when it is not a terminal (`cat jobs.csv |
    /// dis-price batch`), as `-` does; on a terminal, where nobody would type a job file, it is
    /// the usage error of a missing FILE.
    pub fn batch_from_a_pipe(&mut self, stdin_is_terminal: bool) -> Result<(), clap::Error> {
        let Some(super::Command::Batch(args)) = &mut self.command else {
            return Ok(());
        };
        if args.schema || !args.file.as_os_str().is_empty() {
            return Ok(());
        }
        if !stdin_is_terminal {
            args.file = std::path::PathBuf::from("-");
            return Ok(());
        }
        let mut cli = Cli::command().styles(clap::builder::Styles::plain());
        cli.build();
        let batch = cli.find_subcommand_mut("batch").expect("the batch command");
        Err(batch.error(
            ErrorKind::MissingRequiredArgument,
            "the following required arguments were not provided:\n  <FILE>\n\n  \
             tip: give a job file, or pipe one in: cat jobs.csv | dis-price batch",
        ))
    }

    /// The one-job flags only apply when no command is given.
    pub fn check_job_flags(&self) -> Result<(), clap::Error> {
        let Some(command) = &self.command else {
            return Ok(());
        };
        let job = &self.job;
        let given = [
            ("--steps", job.steps.is_some()),
            ("--size", job.size.is_some()),
            ("--count", job.count.is_some()),
            ("--model", job.model.is_some()),
            ("--allow-out-of-range", job.allow_out_of_range),
            ("--budget", job.budget.budget.is_some()),
            ("--format", self.format.is_some()),
        ];
        match given.iter().find(|(_, set)| *set) {
            None => Ok(()),
            Some((flag, _)) => {
                let name = command.name();
                let cli = Cli::command();
                let takes = |sub: &clap::Command| {
                    sub.get_arguments()
                        .any(|a| !a.is_global_set() && a.get_long() == flag.strip_prefix("--"))
                };
                // Suggest the command's own flag only when it has one; else say who takes it.
                let hint = if cli.find_subcommand(name).is_some_and(takes) {
                    format!("put the command's own flags after it (dis-price {name} {flag} ...)")
                } else {
                    let others: Vec<&str> = cli
                        .get_subcommands()
                        .filter(|sub| takes(sub))
                        .map(clap::Command::get_name)
                        .collect();
                    let also = if others.is_empty() {
                        String::new()
                    } else {
                        format!(", and by {}", others.join(", "))
                    };
                    format!(
                        "`{name}` takes no {flag}; it is taken by one job without a command (dis-price {flag} ...){also}"
                    )
                };
                Err(cli.styles(clap::builder::Styles::plain()).error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!("{flag} before `{name}` prices one job and cannot be used with a command; {hint}"),
                ))
            }
        }
    }
}

/// Flags other tools use to name an output file; dis-price writes to standard output.
const OUTPUT_FLAGS: [&str; 6] = [
    "-o",
    "--output",
    "--out",
    "-O",
    "--output-file",
    "--outfile",
];

/// `e` with a tip of ours where clap has none or a misleading one: `--n` for `-n`, `-o FILE`
/// for a shell redirection, and the shells `completions` takes.
fn with_tips(mut e: clap::Error, args: &[std::ffi::OsString]) -> clap::Error {
    let tip = match (e.kind(), e.get(ContextKind::InvalidArg)) {
        (ErrorKind::UnknownArgument, Some(ContextValue::String(arg))) => {
            unknown_flag_tip(arg, args)
        }
        (ErrorKind::MissingRequiredArgument, Some(ContextValue::Strings(missing)))
            if missing.iter().any(|m| m == "<SHELL>") =>
        {
            let shells: Vec<String> = <clap_complete::Shell as clap::ValueEnum>::value_variants()
                .iter()
                .filter_map(clap::ValueEnum::to_possible_value)
                .map(|v| v.get_name().to_owned())
                .collect();
            Some(format!(
                "the shells: {}; in ~/.bashrc, source <(dis-price completions bash)",
                shells.join(", ")
            ))
        }
        _ => None,
    };
    if let Some(tip) = tip {
        // clap's "a similar argument exists" would point `--output` at `--max-output-tokens`,
        // and so would its usage line: the command's own usage replaces it.
        e.remove(ContextKind::SuggestedArg);
        e.remove(ContextKind::TrailingArg);
        let usage = command_in_use(args).render_usage();
        e.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
        e.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
    }
    e
}

/// The tip for an unknown flag `arg`, given on the command line `args`.
fn unknown_flag_tip(arg: &str, args: &[std::ffi::OsString]) -> Option<String> {
    let flag = arg.split('=').next().unwrap_or(arg);
    if OUTPUT_FLAGS.contains(&flag) {
        let words: Vec<String> = args
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        // The word that gave the flag, and the file it names: `--output=F`, `-oF`, or the next
        // word.
        let (at, attached) = words.iter().enumerate().find_map(|(k, w)| {
            let rest = w.strip_prefix(flag)?;
            match rest.strip_prefix('=') {
                Some(file) => Some((k, Some(file.to_owned()))),
                None if rest.is_empty() => Some((k, None)),
                None if !flag.starts_with("--") => Some((k, Some(rest.to_owned()))),
                None => None,
            }
        })?;
        let next = words
            .get(at + 1)
            .filter(|w| *w == "-" || !w.starts_with('-'));
        let (file, used) = match attached {
            Some(file) => (Some(file), 1),
            None => (next.cloned(), if next.is_some() { 2 } else { 1 }),
        };
        // An empty name (`--output=`) names no file: the tip says FILE.
        let file = file.filter(|f| !f.is_empty());
        let rest = words
            .iter()
            .enumerate()
            .filter(|(k, _)| !(at..at + used).contains(k))
            .map(|(_, w)| quoted(w));
        let line: Vec<String> = std::iter::once("dis-price".to_owned())
            .chain(rest)
            .collect();
        let line = line.join(" ");
        return Some(match file.as_deref() {
            Some("-") => {
                format!("dis-price writes to standard output already: leave out {flag} - ({line})")
            }
            file => format!(
                "dis-price writes to standard output; to write a file, redirect it: {line} > {}",
                file.map_or_else(|| "FILE".to_owned(), quoted)
            ),
        });
    }
    // `--n` for `-n`: a one-letter flag takes one dash.
    let letter = flag.strip_prefix("--").filter(|l| l.chars().count() == 1)?;
    let short = letter.chars().next()?;
    let command = command_in_use(args);
    match command
        .get_arguments()
        .find(|a| a.get_short() == Some(short))
    {
        Some(known) => {
            let long = known
                .get_long()
                .map(|l| format!(" (or --{l})"))
                .unwrap_or_default();
            Some(format!("a one-letter flag takes one dash: -{short}{long}"))
        }
        // A flag of another command (`-n` of one job, given to `batch`): this one has none.
        None => {
            let cli = Cli::command();
            let elsewhere = std::iter::once(&cli)
                .chain(cli.get_subcommands())
                .flat_map(clap::Command::get_arguments)
                .any(|a| a.get_short() == Some(short));
            let name = command.get_bin_name().unwrap_or("dis-price").to_owned();
            elsewhere
                .then(|| format!("{name} takes no -{short}; {name} --help lists what it takes"))
        }
    }
}

/// The command `args` run: the command named on the line, else the top level; built, so its
/// usage names `dis-price`, and plain, as every message is.
fn command_in_use(args: &[std::ffi::OsString]) -> clap::Command {
    let mut cli = Cli::command().styles(clap::builder::Styles::plain());
    cli.build();
    // The first word that is neither a flag nor a flag's value names the command.
    let takes_value =
        |found: Option<&clap::Arg>| found.is_some_and(|a| a.get_action().takes_values());
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    let mut named = None;
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value_follows = if let Some(long) = word.strip_prefix("--") {
            !long.contains('=')
                && takes_value(cli.get_arguments().find(|a| a.get_long() == Some(long)))
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut letters = short.chars();
            let letter = letters.next();
            letters.next().is_none()
                && takes_value(cli.get_arguments().find(|a| a.get_short() == letter))
        } else {
            named = Some(word.into_owned());
            break;
        };
        if value_follows {
            words.next();
        }
    }
    match named.and_then(|name| cli.find_subcommand(&name).cloned()) {
        Some(command) => command,
        None => cli,
    }
}

/// `word` as a shell would need it written: as it is when it holds only safe characters, else
/// in single quotes.
fn quoted(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
