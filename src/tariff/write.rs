//! Rewriting a tariff file in place without ever leaving it cut off: the new text goes to a
//! temporary file beside it, is synced, and is renamed over it. A reader sees the old file or
//! the new one, whole; on any failure the old file is untouched and the temporary file removed.
//!
//! Writers exclude each other: each holds an exclusive advisory lock on the tariff file itself
//! from the moment it compares the file with the text it computed from until its rename is
//! done, so of two writers working from the same text the second finds the file changed and
//! writes nothing. No lock file is made, so none is left behind.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use rust_decimal::Decimal;

/// Sets `models.<model_id>.rate` of the tariff file `path` to `rate`, changing no other byte.
///
/// `loaded` is the text the rate was computed from: if the file no longer holds it (a leading
/// byte order mark aside), nothing is written. A symlink stays a link: the file it points to
/// is replaced. An error is the reason, the file unchanged.
pub fn write_rate(path: &Path, loaded: &str, model_id: &str, rate: Decimal) -> Result<(), String> {
    let target = fs::canonicalize(path).map_err(|e| format!("cannot find it: {e}"))?;
    let (mut file, meta) = lock(&target)?;
    // Work from the file's own bytes, so a byte order mark and line endings are kept whatever
    // the loader made of them.
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it back: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "it is no longer UTF-8 text; run fit again".to_owned())?;
    // As the loader may have seen it: without a byte order mark, whatever its line endings.
    let content = |t: &str| {
        t.strip_prefix('\u{feff}')
            .unwrap_or(t)
            .replace("\r\n", "\n")
    };
    if content(&text) != content(loaded) {
        return Err("it changed since it was read; run fit again".to_owned());
    }
    let new = super::edit::set_rate(&text, model_id, rate)?;
    replace(&target, new.as_bytes(), &meta)?;
    // The lock goes with the handle, after the rename: a writer waiting for it then finds
    // another file at the path, and locks that one.
    drop(file);
    Ok(())
}

/// The regular file at `target`, open and exclusively locked, with its metadata: waits while
/// another writer holds it. The file a handle was opened on may be renamed over while it waits
/// for the lock; it then locks the file now at the path instead.
fn lock(target: &Path) -> Result<(File, fs::Metadata), String> {
    loop {
        let file = File::open(target).map_err(|e| format!("cannot read it back: {e}"))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot read it back: {e}"))?;
        if !meta.is_file() {
            return Err(format!(
                "{} is not a regular file; fit --write replaces a tariff file",
                target.display()
            ));
        }
        file.lock().map_err(|e| {
            format!("cannot lock it against another fit --write ({e}); the file is unchanged")
        })?;
        let now = fs::metadata(target).map_err(|e| format!("cannot read it back: {e}"))?;
        if same_file(&meta, &now) {
            return Ok((file, meta));
        }
    }
}

/// Whether two metadata are of one file.
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (a.dev(), a.ino()) == (b.dev(), b.ino())
    }
    // Elsewhere there is no file number in stable std; the file renamed over the old one was
    // made later, so its creation time tells them apart.
    #[cfg(not(unix))]
    {
        (a.created().ok(), a.modified().ok(), a.len())
            == (b.created().ok(), b.modified().ok(), b.len())
    }
}

/// Replaces the regular file `target` (with metadata `meta`) by `contents`, keeping its
/// permissions and, where it can, its owner.
fn replace(target: &Path, contents: &[u8], meta: &fs::Metadata) -> Result<(), String> {
    let unchanged = |what: String| format!("{what}; the file is unchanged");
    fits_size_limit(contents.len())?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "tariff".to_owned(), |n| n.to_string_lossy().into_owned());
    // Removed on drop: every early return below leaves no temporary file behind.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            unchanged(format!(
                "cannot create a temporary file in {} ({e}): fit --write writes the new tariff beside the old one and renames it over it, so the folder must be writable",
                dir.display()
            ))
        })?;
    let file = temp.as_file_mut();
    file.write_all(contents)
        .map_err(|e| unchanged(format!("cannot write the new tariff: {e}")))?;
    keep_owner(file, meta)?;
    file.set_permissions(meta.permissions()).map_err(|e| {
        unchanged(format!(
            "cannot give the new file the tariff's permissions: {e}"
        ))
    })?;
    file.sync_all()
        .map_err(|e| unchanged(format!("cannot sync the new tariff to disk: {e}")))?;
    temp.persist(target)
        .map_err(|e| unchanged(format!("cannot rename the new tariff over it: {}", e.error)))?;
    // Makes the rename itself durable; the file is already whole either way, so a folder that
    // cannot be synced (some file systems refuse) is not an error.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Refuses contents larger than the file-size limit (`ulimit -f`) before writing: past it the
/// system would stop the process with SIGXFSZ, leaving the temporary file behind.
fn fits_size_limit(len: usize) -> Result<(), String> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit};
        if let Some(limit) = getrlimit(Resource::Fsize).current
            && len as u64 > limit
        {
            return Err(format!(
                "the new tariff is {len} bytes, above the file-size limit of {limit} bytes (ulimit -f); the file is unchanged"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = len;
    Ok(())
}

/// Gives the new file the old one's owner and group when they differ (a file in a setgid
/// folder, a group chosen with chgrp): otherwise 0640 would let a different group read it.
fn keep_owner(file: &File, meta: &fs::Metadata) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let new = file
            .metadata()
            .map_err(|e| format!("cannot read the new file's owner: {e}; the file is unchanged"))?;
        if (new.uid(), new.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).map_err(|e| {
                format!(
                    "cannot give the new file the tariff's owner {}:{} ({e}); the file is unchanged",
                    meta.uid(),
                    meta.gid()
                )
            })?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, meta);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::BUILTIN;

    fn off_rate() -> String {
        BUILTIN.replace("rate = \"0.001206\"", "rate = \"0.0012\"")
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.toml");
        fs::write(&path, off_rate()).unwrap();
        let loaded = off_rate().replace("Flux.1 [dev]", "Flux.1 [old]");
        let e = write_rate(&path, &loaded, "flux-dev", Decimal::new(1206, 6)).unwrap_err();
        assert_eq!(e, "it changed since it was read; run fit again");
        assert_eq!(fs::read_to_string(&path).unwrap(), off_rate());
        // The loader's view without a byte order mark or CRLF is the same file.
        let crlf = format!("\u{feff}{}", off_rate().replace('\n', "\r\n"));
        fs::write(&path, &crlf).unwrap();
        write_rate(&path, &off_rate(), "flux-dev", Decimal::new(1206, 6)).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("\u{feff}{}", BUILTIN.replace('\n', "\r\n"))
        );
    }

    #[test]
    fn a_writer_waiting_for_the_lock_sees_the_file_that_replaced_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.toml");
        fs::write(&path, off_rate()).unwrap();
        // Another writer holds the lock on the file as it was read.
        let held = File::open(&path).unwrap();
        held.lock().unwrap();
        let waiting = {
            let path = path.clone();
            std::thread::spawn(move || {
                write_rate(&path, &off_rate(), "flux-dev", Decimal::new(1206, 6))
            })
        };
        // Time for the waiting writer to open the old file (it is refused either way).
        std::thread::sleep(std::time::Duration::from_millis(100));
        let other = off_rate().replace("Flux.1 [dev]", "Flux.1 [other]");
        let temp = dir.path().join("other");
        fs::write(&temp, &other).unwrap();
        fs::rename(&temp, &path).unwrap();
        drop(held);
        assert_eq!(
            waiting.join().unwrap().unwrap_err(),
            "it changed since it was read; run fit again"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), other);
    }

    #[test]
    fn only_a_regular_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_rate(dir.path(), BUILTIN, "flux-dev", Decimal::ONE).unwrap_err();
        assert!(
            e.ends_with("is not a regular file; fit --write replaces a tariff file"),
            "{e}"
        );
    }
}
