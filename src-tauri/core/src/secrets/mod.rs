//! Secrets of this desktop (people's signing keys, the backend's application
//! passwords), kept outside the library file: `put`/`get`/`delete` by
//! (service, account), in the desktop keyring when one answers, else in files.
//!
//! Which store: `$VALISE_SECRETS_DIR` set → the file store in that folder
//! (tests and scripts pin themselves with it); else the Secret Service (the
//! desktop keyring, Linux) if it answers; else the file store under the
//! platform data dir (`$XDG_DATA_HOME/valise/secrets`), e.g. headless CI.
//! `describe` says which one is in use and why, so `valise whoami` can show it.
//!
//! Secrets never appear in errors: messages name the service and account only.

mod file;
#[cfg(target_os = "linux")]
mod keyring;

use std::path::PathBuf;

pub use file::FileStore;

use crate::error::{Error, Result};

/// Where this desktop keeps its secrets.
#[derive(Debug, Clone)]
pub struct SecretStore {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Files {
        store: FileStore,
        /// Why the keyring is not used (shown by `describe`).
        why: String,
    },
    #[cfg(target_os = "linux")]
    Keyring(keyring::Keyring),
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
    /// This desktop's store; see the module comment for the order.
    pub fn for_this_desktop() -> Self {
        if let Some(dir) = std::env::var_os("VALISE_SECRETS_DIR").filter(|d| !d.is_empty()) {
            return SecretStore::files(PathBuf::from(dir), "VALISE_SECRETS_DIR is set");
        }
        let base = dirs::data_dir().unwrap_or_else(|| PathBuf::from("."));
        let dir = base.join("valise").join("secrets");
        match SecretStore::keyring() {
            Ok(store) => store,
            Err(why) => SecretStore::files(dir, &why),
        }
    }

    /// The file store in `dir` (created 0700 on first write).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        SecretStore::files(dir.into(), "a folder was chosen for this desktop")
    }

    fn files(dir: PathBuf, why: &str) -> Self {
        SecretStore {
            backend: Backend::Files {
                store: FileStore::in_dir(dir),
                why: why.to_string(),
            },
        }
    }

    /// The desktop keyring, or why it cannot be used.
    pub fn keyring() -> std::result::Result<Self, String> {
        #[cfg(target_os = "linux")]
        {
            keyring::Keyring::connect().map(|k| SecretStore {
                backend: Backend::Keyring(k),
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err("this Valise knows no keyring on this system yet".into())
        }
    }

    /// True when secrets go to the desktop keyring.
    pub fn is_keyring(&self) -> bool {
        !matches!(self.backend, Backend::Files { .. })
    }

    /// One line for people: which store, and why.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Files { store, why } => {
                format!("files (mode 0600) in {} ({why})", store.dir().display())
            }
            #[cfg(target_os = "linux")]
            Backend::Keyring(k) => k.describe(),
        }
    }

    /// Keeps `secret` for (service, account), replacing any earlier one.
    pub fn put(&self, service: &str, account: &str, secret: &[u8]) -> Result<()> {
        check_names(service, account)?;
        match &self.backend {
            Backend::Files { store, .. } => store.put(service, account, secret),
            #[cfg(target_os = "linux")]
            Backend::Keyring(k) => k.put(service, account, secret),
        }
    }

    /// The secret kept for (service, account), if there is one.
    pub fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        check_names(service, account)?;
        match &self.backend {
            Backend::Files { store, .. } => store.get(service, account),
            #[cfg(target_os = "linux")]
            Backend::Keyring(k) => k.get(service, account),
        }
    }

    /// Forgets the secret of (service, account); true if there was one.
    pub fn delete(&self, service: &str, account: &str) -> Result<bool> {
        check_names(service, account)?;
        match &self.backend {
            Backend::Files { store, .. } => store.delete(service, account),
            #[cfg(target_os = "linux")]
            Backend::Keyring(k) => k.delete(service, account),
        }
    }
}

/// Service and account names are checked, not escaped, in every store: a
/// name can never climb out of the file store's folder, and a secret kept in
/// one store has a name the other accepts too.
pub(crate) fn check_names(service: &str, account: &str) -> Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_folder_is_the_file_store_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let store = SecretStore::in_dir(dir.path());
        assert!(!store.is_keyring());
        assert!(store.describe().starts_with("files (mode 0600) in "));
        store.put("valise-signing", "p1", b"k").unwrap();
        assert_eq!(
            store.get("valise-signing", "p1").unwrap().unwrap().expose(),
            b"k"
        );
        assert!(store.put("../x", "a", b"hunter2").is_err());
    }
}
