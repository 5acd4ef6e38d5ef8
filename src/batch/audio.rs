//! The seconds of a speech row's `audio` (a CSV column or a JSON key): a WAV file named from
//! the job file's folder, read by [`crate::wav`].
//!
//! The name stays inside that folder: an absolute path or one with a `..` part is refused, so
//! a job file from elsewhere (a pull request's workload) cannot make dis-price open files
//! outside its own folder. A symbolic link inside the folder is followed.

use std::path::{Component, Path, PathBuf};

use rust_decimal::Decimal;

use super::row::RowError;

/// Where the file `name` is: under `base` (the job file's folder; the current folder when
/// `None`), or why it may not be read.
pub fn resolve(name: &str, base: Option<&Path>) -> Result<PathBuf, String> {
    if name.trim().is_empty() {
        return Err("is empty; give the WAV file's name, relative to the job file's folder".into());
    }
    let path = Path::new(name);
    if path.has_root() || path.components().any(|c| matches!(c, Component::Prefix(_))) {
        return Err(
            "is an absolute path; name the WAV file relative to the job file's folder (standard input: the current folder)"
                .into(),
        );
    }
    if path.components().any(|c| c == Component::ParentDir) {
        return Err(
            "goes up a folder (..); an audio file is named inside the job file's folder".into(),
        );
    }
    Ok(match base {
        Some(base) => base.join(path),
        None => path.to_path_buf(),
    })
}

/// The seconds of audio in the WAV file `name` of the row on `line`.
pub fn seconds(line: u64, name: &str, base: Option<&Path>) -> Result<Decimal, RowError> {
    let path = resolve(name, base).map_err(|m| RowError::new(line, "audio", name, m))?;
    let read = std::fs::File::open(&path)
        .map_err(crate::wav::WavError::Io)
        .and_then(|f| crate::wav::read(std::io::BufReader::new(f)));
    read.map(|audio| audio.seconds()).map_err(|e| {
        let shown = path.display();
        RowError::new(line, "audio", name, format!("{shown}: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_in_the_job_files_folder() {
        let base = Path::new("jobs");
        assert_eq!(
            resolve("a/b.wav", Some(base)),
            Ok(PathBuf::from("jobs/a/b.wav"))
        );
        assert_eq!(resolve("b.wav", None), Ok(PathBuf::from("b.wav")));
        assert!(
            resolve("/etc/passwd", Some(base))
                .unwrap_err()
                .contains("absolute")
        );
        assert!(
            resolve("a/../../b.wav", Some(base))
                .unwrap_err()
                .contains("..")
        );
        assert!(resolve(" ", Some(base)).unwrap_err().contains("empty"));
    }
}
