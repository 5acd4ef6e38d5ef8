//! Man pages, generated from the clap definitions in [`crate::cli`]: `dis-price(1)` and one page
//! per command, `dis-price-table(1)` and so on, as cargo and git have.
//!
//! clap_mangen writes the title, name, synopsis, description, options and command list; the text
//! after a command's help (examples, input notes, exit status) is laid out here, because
//! clap_mangen reflows it into one paragraph under "EXTRA". Every character outside ASCII is
//! written as a groff escape (`\[u00D7]` for `×`), so the pages need no `preconv`.

use std::io;

use clap::CommandFactory;
use clap_mangen::Man;
use roff::{Roff, bold, roman};

use crate::cli::Cli;

/// One rendered page.
#[derive(Debug)]
pub struct Page {
    /// The page's name: `dis-price`, `dis-price-table`, ...
    pub name: String,
    /// The roff source.
    pub roff: Vec<u8>,
}

impl Page {
    /// The file the page is installed as: `dis-price-table.1`.
    pub fn file_name(&self) -> String {
        format!("{}.{SECTION}", self.name)
    }
}

const SECTION: &str = "1";

/// The command line as the pages document it: built, without the `help` command.
fn built() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The commands that get a page of their own, by name.
pub fn command_names() -> Vec<String> {
    built()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// Every page: the main one first, then one per command in the order `--help` lists them.
pub fn pages() -> io::Result<Vec<Page>> {
    let main = built();
    let mut pages = vec![render(&main, None)?];
    for sub in main.get_subcommands().filter(|c| !c.is_hide_set()) {
        pages.push(render(sub, Some(&main))?);
    }
    Ok(pages)
}

/// The main page (`None`) or a command's.
pub fn page(command: Option<&str>) -> io::Result<Page> {
    let main = built();
    match command {
        None => render(&main, None),
        Some(name) => {
            let sub = main
                .find_subcommand(name)
                .ok_or_else(|| io::Error::other(format!("no command {name:?}")))?;
            render(sub, Some(&main))
        }
    }
}

/// One page for `cmd`; `parent` is the main command when `cmd` is one of its commands.
fn render(cmd: &clap::Command, parent: Option<&clap::Command>) -> io::Result<Page> {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_owned();
    let version = parent.unwrap_or(cmd).get_version().unwrap_or_default();
    // The text after the help is laid out below, not by clap_mangen.
    let man = Man::new(
        cmd.clone()
            .after_help(None::<&str>)
            .after_long_help(None::<&str>),
    )
    .section(SECTION)
    .source(format!("dis-price {version}"))
    .manual("dis-price manual");
    let extra = extra_sections(cmd, parent);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    let preamble = preamble();
    let mut fragment = |render: &dyn Fn(&mut Vec<u8>) -> io::Result<()>| -> io::Result<()> {
        let mut part = Vec::new();
        render(&mut part)?;
        out.extend_from_slice(part.strip_prefix(preamble.as_slice()).unwrap_or(&part));
        Ok(())
    };
    fragment(&|w| man.render_name_section(w))?;
    fragment(&|w| man.render_synopsis_section(w))?;
    fragment(&|w| man.render_description_section(w))?;
    if cmd
        .get_arguments()
        .any(|a| !a.is_hide_set() && !a.is_hide_long_help_set())
    {
        fragment(&|w| man.render_options_section(w))?;
    }
    if cmd.get_subcommands().any(|c| !c.is_hide_set()) {
        fragment(&|w| man.render_subcommands_section(w))?;
    }
    fragment(&|w| {
        w.extend_from_slice(extra.as_bytes());
        Ok(())
    })?;
    if parent.is_none() && cmd.get_version().is_some() {
        fragment(&|w| man.render_version_section(w))?;
    }
    Ok(Page {
        name,
        roff: ascii(&out).into_bytes(),
    })
}

/// The sections after the options: the text after the help, then SEE ALSO.
fn extra_sections(cmd: &clap::Command, parent: Option<&clap::Command>) -> String {
    let mut roff = Roff::new();
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        after_help(&mut roff, &after.to_string());
    }
    let display = |c: &clap::Command| c.get_display_name().unwrap_or(c.get_name()).to_owned();
    let see_also: Vec<String> = match parent {
        Some(main) => std::iter::once(display(main))
            .chain(
                main.get_subcommands()
                    .filter(|c| !c.is_hide_set() && c.get_name() != cmd.get_name())
                    .map(display),
            )
            .collect(),
        None => cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(display)
            .collect(),
    };
    if !see_also.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        let mut refs = Vec::new();
        for (i, page) in see_also.iter().enumerate() {
            if i > 0 {
                refs.push(roman(", "));
            }
            refs.push(bold(page.as_str()));
            refs.push(roman(format!("({SECTION})")));
        }
        roff.text(refs);
    }
    roff.to_roff()
}

/// What `Roff::to_writer` puts before every fragment; kept once, at the top.
fn preamble() -> Vec<u8> {
    let mut empty = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = Roff::new().to_writer(&mut empty);
    empty
}

/// Lays out the text after a command's help. Blocks are separated by blank lines; a block that
/// starts with `Heading:` gets a section of that name (`Examples:` becomes EXAMPLES); lines
/// indented by two spaces (commands and their comments) are kept as they are, one per line, and
/// other lines are prose, filled by the formatter. A block without a heading goes under NOTES.
fn after_help(roff: &mut Roff, text: &str) {
    let mut section = String::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines().peekable();
        let Some(first) = lines.peek().copied() else {
            continue;
        };
        let (heading, rest) = match heading(first) {
            Some((heading, rest)) => {
                lines.next();
                (heading.to_uppercase(), rest)
            }
            None => ("NOTES".to_owned(), ""),
        };
        if heading != section {
            roff.control("SH", [heading.as_str()]);
            section = heading;
        } else {
            roff.control("PP", []);
        }
        let mut prose: Vec<&str> = Vec::new();
        if !rest.is_empty() {
            prose.push(rest);
        }
        let mut verbatim = false;
        for line in lines {
            let literal = line.starts_with("  ");
            if literal && !verbatim {
                flush(roff, &mut prose);
                roff.control("nf", []);
                roff.control("RS", ["4"]);
                verbatim = true;
            } else if !literal && verbatim {
                roff.control("RE", []);
                roff.control("fi", []);
                verbatim = false;
            }
            if literal {
                roff.text([roman(line.trim_start())]);
            } else {
                prose.push(line);
            }
        }
        flush(roff, &mut prose);
        if verbatim {
            roff.control("RE", []);
            roff.control("fi", []);
        }
    }
}

/// Writes prose lines as one filled paragraph.
fn flush(roff: &mut Roff, prose: &mut Vec<&str>) {
    if !prose.is_empty() {
        roff.text([roman(prose.join(" "))]);
        prose.clear();
    }
}

/// `Examples:` -> ("Examples", ""); `Exit status: 0 ...` -> ("Exit status", "0 ..."); a heading
/// is a few words starting with a capital, before the first colon.
fn heading(line: &str) -> Option<(&str, &str)> {
    let (head, rest) = line.split_once(':')?;
    let words = head.split_whitespace().count();
    let capital = head.starts_with(|c: char| c.is_ascii_uppercase());
    let plain = head
        .chars()
        .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '(' || c == ')');
    (capital && plain && (1..=4).contains(&words)).then(|| (head, rest.trim()))
}

/// Roff source with every character outside ASCII written as a groff escape.
fn ascii(roff: &[u8]) -> String {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_prose() {
        assert_eq!(heading("Examples:"), Some(("Examples", "")));
        assert_eq!(heading("Exit status: 0 ok"), Some(("Exit status", "0 ok")));
        assert_eq!(heading("  dis-price table --format csv: x"), None);
        assert_eq!(
            heading("Besides the cells, diff reports every change: x"),
            None
        );
    }

    #[test]
    fn non_ascii_becomes_an_escape() {
        assert_eq!(ascii("512×512 é".as_bytes()), "512\\[u00D7]512 \\[u00E9]");
        assert_eq!(ascii("😀".as_bytes()), "\\[u1F600]");
    }

    #[test]
    fn examples_are_kept_line_by_line() {
        let mut roff = Roff::new();
        after_help(
            &mut roff,
            "Examples:\n  dis-price a     one\n  dis-price b\n\nExit status: 0 ok,\n2 bad.",
        );
        let text = roff.to_roff();
        assert_eq!(
            text,
            ".SH EXAMPLES\n.nf\n.RS 4\ndis\\-price a     one\ndis\\-price b\n.RE\n.fi\n.SH \"EXIT STATUS\"\n0 ok, 2 bad.\n"
        );
    }
}
