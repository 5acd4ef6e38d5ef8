//! Reading the process's arguments into [`Cli`], and the one check clap cannot make: one-job
//! flags given before a command.

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
        let plain = Cli::command().styles(clap::builder::Styles::plain());
        let cli = match plain
            .try_get_matches()
            .and_then(|matches| Cli::from_arg_matches(&matches))
        {
            Ok(cli) => cli,
            Err(e) if e.use_stderr() => return Err(e),
            // Help and version: parsed again, to be shown styled as usual.
            Err(_) => Cli::try_parse()?,
        };
        cli.check_job_flags()?;
        Ok(cli)
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
