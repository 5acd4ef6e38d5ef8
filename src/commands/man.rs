//! `man`: one page on standard output, or every page into a folder.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::Streams;
use crate::cli::ManArgs;
use crate::error::{Error, Outcome};
use crate::manpage::{self, Page};

pub(super) fn man(args: &ManArgs, io: &mut Streams<'_>) -> Result<Outcome, Error> {
    if let Some(dir) = &args.dir {
        let written = write_all(dir, &manpage::pages()?).map_err(|reason| Error::WritePages {
            dir: dir.clone(),
            reason,
        })?;
        for path in written {
            writeln!(
                io.out,
                "{}",
                crate::escape::escaped(&path.display().to_string())
            )?;
        }
        return Ok(Outcome::Success);
    }
    let name = args
        .command
        .map(|c| clap::ValueEnum::to_possible_value(&c).map(|v| v.get_name().to_owned()));
    let page = manpage::page(name.flatten().as_deref())?;
    io.out.write_all(&page.roff)?;
    Ok(Outcome::Success)
}

/// Writes every page into `dir` (created if missing). Each page is written whole to a temporary
/// file beside its target first; only when all are written are they renamed into place, so a
/// failure before that leaves `dir` as it was.
fn write_all(dir: &Path, pages: &[Page]) -> Result<Vec<std::path::PathBuf>, String> {
    if dir.exists() && !dir.is_dir() {
        return Err("it is not a folder (a file of that name is there); give a folder, which is created if missing".to_owned());
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create the folder: {e}"))?;
    let mut staged = Vec::with_capacity(pages.len());
    for page in pages {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".dis-price-man.").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As a new file would be, before the umask: pages are for everyone to read.
            builder.permissions(fs::Permissions::from_mode(0o644));
        }
        let mut temp = builder
            .tempfile_in(dir)
            .map_err(|e| format!("cannot create a file in it ({e}); nothing was written"))?;
        temp.write_all(&page.roff)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| {
                format!(
                    "cannot write {} ({e}); nothing was written",
                    page.file_name()
                )
            })?;
        staged.push((temp, dir.join(page.file_name())));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (temp, target) in staged {
        temp.persist(&target).map_err(|e| {
            let done: Vec<String> = written
                .iter()
                .map(|p: &std::path::PathBuf| p.display().to_string())
                .collect();
            format!(
                "cannot rename a new page over {} ({}); written before it: {}",
                target.display(),
                e.error,
                if done.is_empty() {
                    "none".to_owned()
                } else {
                    done.join(", ")
                }
            )
        })?;
        written.push(target);
    }
    Ok(written)
}
