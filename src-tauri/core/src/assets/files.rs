//! The asset folder beside the library (`library.sqlite3` → `library.sqlite3.assets/`):
//! one file per checksum at `ab/cdef…` (the first two hex digits make the
//! sub-folder, so no folder grows past a few thousand entries), thumbnails
//! under `thumbs/`. Files are written to a temporary name, synced, then renamed
//! into place, so a crash or a kill -9 never leaves a half file under a
//! checksum; the library row naming it is committed only after that.
//!
//! An SVG is kept as sanitised, under the checksum of the file as it was added
//! (the checksum that finds it again when the designer's folder is scanned).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The asset folder of the library file at `library`.
    pub fn of_library(library: &Path) -> Folder {
        let mut name = library.file_name().unwrap_or_default().to_os_string();
        name.push(".assets");
        Folder {
            root: library.with_file_name(name),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file of checksum `sha256` lives (whether or not it is there).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (head, tail) = sha256.split_at(2.min(sha256.len()));
        self.root.join(head).join(tail)
    }

    pub fn thumbnail_path(&self, sha256: &str, size: u32) -> PathBuf {
        let (head, tail) = sha256.split_at(2.min(sha256.len()));
        self.root
            .join("thumbs")
            .join(head)
            .join(format!("{tail}-{size}.png"))
    }

    /// Stores `bytes` under `sha256`; true if this call wrote it (false if the
    /// same file was there already).
    pub fn put(&self, sha256: &str, bytes: &[u8]) -> Result<bool> {
        let path = self.path_of(sha256);
        if fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(false);
        }
        write_atomic(&path, bytes)?;
        Ok(true)
    }

    /// Takes back a file this process just wrote, when the library refused the
    /// change that named it (so nothing is half-added).
    pub fn take_back(&self, sha256: &str) {
        let _ = fs::remove_file(self.path_of(sha256));
    }

    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256);
        fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::AssetFileMissing { path },
            _ => Error::io(path, e),
        })
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// synced before the rename and the folder synced after it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.{}.part",
        path.file_name().unwrap_or_default().to_string_lossy(),
        crate::ids::new_id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename is durable once the folder itself is synced (POSIX).
        #[cfg(unix)]
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_by_checksum_beside_the_library() {
        let f = Folder::of_library(Path::new("/data/valise/library.sqlite3"));
        assert_eq!(f.root(), Path::new("/data/valise/library.sqlite3.assets"));
        assert_eq!(
            f.path_of("abcdef0123"),
            Path::new("/data/valise/library.sqlite3.assets/ab/cdef0123")
        );
    }

    #[test]
    fn a_put_leaves_no_temporary_file_and_a_second_put_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = Folder::of_library(&dir.path().join("lib.sqlite3"));
        assert!(f.put("ab12", b"hello").unwrap());
        assert!(!f.put("ab12", b"hello").unwrap());
        assert_eq!(f.read("ab12").unwrap(), b"hello");
        let names: Vec<_> = fs::read_dir(f.root().join("ab"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("12")]);
        f.take_back("ab12");
        assert!(matches!(
            f.read("ab12"),
            Err(Error::AssetFileMissing { .. })
        ));
    }
}
