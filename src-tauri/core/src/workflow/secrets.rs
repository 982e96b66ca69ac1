//! Secrets of this desktop (people's signing keys now, the backend's application
//! passwords later), kept outside the library file: `put`/`get`/`delete` by
//! (service, account).
//!
//! Storage: one file per secret with mode 0600 in a 0700 folder under the
//! platform data dir (`$XDG_DATA_HOME/valise/secrets`), or under
//! `$VALISE_SECRETS_DIR` when set (tests isolate themselves with it). A file is
//! created 0600 from its first byte and replaced atomically (temp file, fsync,
//! rename, fsync of the folder), so it is never readable by others, never half
//! written. The OS keyring (Secret Service on Linux) is not used yet; when it
//! is, it goes behind these same three calls, with this file store as the
//! fallback where no keyring answers.
//!
//! Secrets never appear in errors: messages name the service and account only.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where this desktop keeps its secrets.
#[derive(Debug, Clone)]
pub struct SecretStore {
    dir: PathBuf,
}

/// Secret bytes, wiped from memory when dropped.
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl SecretStore {
    /// This desktop's store: `$VALISE_SECRETS_DIR`, else the platform data dir.
    pub fn for_this_desktop() -> Self {
        if let Some(dir) = std::env::var_os("VALISE_SECRETS_DIR").filter(|d| !d.is_empty()) {
            return SecretStore::in_dir(PathBuf::from(dir));
        }
        let base = dirs::data_dir().unwrap_or_else(|| PathBuf::from("."));
        SecretStore::in_dir(base.join("valise").join("secrets"))
    }

    /// A store in `dir` (created 0700 on first write).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        SecretStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of one secret. Service and account are checked, not escaped,
    /// so that a name can never climb out of the folder.
    pub fn file_of(&self, service: &str, account: &str) -> Result<PathBuf> {
        for part in [service, account] {
            let ok = !part.is_empty()
                && part.len() <= 100
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
            if !ok {
                return Err(Error::SecretStore {
                    service: service.to_string(),
                    account: account.to_string(),
                    reason: "service and account names may hold only letters, digits and - _ . @"
                        .into(),
                });
            }
        }
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
            Ok(bytes) => Ok(Some(Secret(bytes))),
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
        let store = SecretStore::in_dir(dir.path().join("s"));
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
        let store = SecretStore::in_dir(dir.path().join("s"));
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
        let store = SecretStore::in_dir(dir.path());
        let err = store.put("../x", "a", b"hunter2").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(store.put("svc", "a/b", b"x").is_err());
        assert!(store.put("svc", ".hidden", b"x").is_err());
    }
}
