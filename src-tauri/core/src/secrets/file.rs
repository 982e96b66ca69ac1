//! The file store: one file per secret with mode 0600 in a 0700 folder (the
//! fallback where no Secret Service answers, and what `$VALISE_SECRETS_DIR`
//! forces). A file is created 0600 from its first byte and replaced
//! atomically (temp file, fsync, rename, fsync of the folder), so it is never
//! readable by others, never half written.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_names, Secret};
use crate::error::{Error, Result};

/// Secrets as files in one private folder.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// A store in `dir` (created 0700 on first write).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        FileStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of one secret. Service and account are checked, not escaped,
    /// so that a name can never climb out of the folder.
    pub fn file_of(&self, service: &str, account: &str) -> Result<PathBuf> {
        check_names(service, account)?;
        Ok(self.dir.join(format!("{service}--{account}")))
    }

    /// Keeps `secret` for (service, account), replacing any earlier one.
    pub fn put(&self, service: &str, account: &str, secret: &[u8]) -> Result<()> {
        let path = self.file_of(service, account)?;
        let fail = |e: std::io::Error| Error::SecretStore {
            service: service.to_string(),
            account: account.to_string(),
            reason: format!("cannot write in {}: {e}", self.dir.display()),
        };
        create_private_dir(&self.dir).map_err(fail)?;
        let tmp = self
            .dir
            .join(format!(".{service}--{account}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = private_options().open(&tmp)?;
            file.write_all(secret)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &path)?;
            // The rename itself must survive a power cut.
            fs::File::open(&self.dir)?.sync_all()
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written.map_err(fail)
    }

    /// The secret kept for (service, account), if there is one.
    pub fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        let path = self.file_of(service, account)?;
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(Secret::new(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::SecretStore {
                service: service.to_string(),
                account: account.to_string(),
                reason: format!("cannot read {}: {e}", path.display()),
            }),
        }
    }

    /// Forgets the secret of (service, account); true if there was one.
    pub fn delete(&self, service: &str, account: &str) -> Result<bool> {
        let path = self.file_of(service, account)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::SecretStore {
                service: service.to_string(),
                account: account.to_string(),
                reason: format!("cannot remove {}: {e}", path.display()),
            }),
        }
    }
}

#[cfg(unix)]
fn private_options() -> OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = OpenOptions::new();
    // create_new: a file someone else planted is never reused; 0600 from creation.
    o.write(true).create_new(true).mode(0o600);
    o
}

#[cfg(not(unix))]
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    o
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_put_is_got_back_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path().join("s"));
        assert!(store.get("valise-signing", "abc").unwrap().is_none());
        store.put("valise-signing", "abc", b"first").unwrap();
        store.put("valise-signing", "abc", b"second").unwrap();
        assert_eq!(
            store
                .get("valise-signing", "abc")
                .unwrap()
                .unwrap()
                .expose(),
            b"second"
        );
        assert!(store.delete("valise-signing", "abc").unwrap());
        assert!(!store.delete("valise-signing", "abc").unwrap());
        assert!(store.get("valise-signing", "abc").unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path().join("s"));
        store
            .put("wordpress", "editor@site", b"app password")
            .unwrap();
        let file = store.file_of("wordpress", "editor@site").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(store.dir()), 0o700);
        // No temporary file is left beside it.
        assert_eq!(fs::read_dir(store.dir()).unwrap().count(), 1);
    }

    #[test]
    fn names_that_would_leave_the_folder_are_refused_without_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        let err = store.put("../x", "a", b"hunter2").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(store.put("svc", "a/b", b"x").is_err());
        assert!(store.put("svc", ".hidden", b"x").is_err());
    }
}
