//! This desktop: its secret store, and who "I" am in each library, chosen once
//! and kept outside the library file (a copied library must not carry whose
//! desktop it came from). The choice is a small JSON file,
//! `$XDG_CONFIG_HOME/valise/whoami.json` (or `$VALISE_CONFIG_DIR/whoami.json`),
//! mapping each library's canonical path to a person's global id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::keys::Signer;
use super::people::{Chosen, Person};
use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crate::Library;

/// Where this desktop keeps what is not the library's.
#[derive(Debug, Clone)]
pub struct Desktop {
    pub secrets: SecretStore,
    pub config_dir: PathBuf,
}

impl Desktop {
    /// `$VALISE_CONFIG_DIR` (else the platform config dir) and this desktop's
    /// secret store.
    pub fn this_one() -> Self {
        let config_dir = std::env::var_os("VALISE_CONFIG_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                dirs::config_dir()
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("valise")
            });
        Desktop {
            secrets: SecretStore::for_this_desktop(),
            config_dir,
        }
    }

    /// A desktop entirely inside `dir` (tests, benchmarks, a second desktop).
    pub fn in_dir(dir: &Path) -> Self {
        Desktop {
            secrets: SecretStore::in_dir(dir.join("secrets")),
            config_dir: dir.join("config"),
        }
    }

    fn whoami_file(&self) -> PathBuf {
        self.config_dir.join("whoami.json")
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct WhoAmI {
    /// Canonical library path → person global id.
    libraries: BTreeMap<String, String>,
}

fn load(path: &Path) -> Result<WhoAmI> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::BadFile {
            path: path.to_owned(),
            reason: format!("not the list of who you are in each library ({e}); move it aside and choose again with `valise whoami --set NAME`"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WhoAmI::default()),
        Err(e) => Err(Error::io(path, e)),
    }
}

impl Library {
    /// The key under which this library's "me" is kept.
    fn whoami_key(&self) -> String {
        std::fs::canonicalize(self.path())
            .unwrap_or_else(|_| self.path().to_owned())
            .display()
            .to_string()
    }
}

impl super::people::People<'_> {
    /// Who I am in this library on this desktop, if chosen (or who acts in
    /// this session, `Library::acting_as`).
    pub fn whoami(&self) -> Result<Option<Person>> {
        let lib = self.library();
        if let Some(person) = lib.acting_person() {
            return self.get(person).map(Some);
        }
        let chosen = load(&lib.desktop().whoami_file())?;
        match chosen.libraries.get(&lib.whoami_key()) {
            Some(uid) => self.get(uid).map(Some),
            None => Ok(None),
        }
    }

    /// Chooses who I am in this library on this desktop. A person whose key
    /// this desktop holds needs nothing more; anyone else needs the code of
    /// their invitation, and their key is then made here (`enrol`).
    pub fn choose_me(&self, name_or_id: &str, code: Option<&str>) -> Result<Chosen> {
        let chosen = match self.signer(name_or_id) {
            Ok(signer) => Chosen {
                signer,
                new_key: false,
            },
            Err(Error::NoKeyHere { .. }) | Err(Error::KeyNotInLibrary { .. }) if code.is_some() => {
                self.enrol(name_or_id, code.unwrap_or_default())?
            }
            Err(e) => return Err(e),
        };
        self.remember_me(&chosen.signer.person.id)?;
        Ok(chosen)
    }

    /// Keeps `uid` as "me" for this library on this desktop.
    pub(super) fn remember_me(&self, uid: &str) -> Result<()> {
        let lib = self.library();
        let file = lib.desktop().whoami_file();
        let mut all = load(&file)?;
        all.libraries.insert(lib.whoami_key(), uid.to_string());
        let text = serde_json::to_vec_pretty(&all).map_err(|e| Error::BadFile {
            path: file.clone(),
            reason: e.to_string(),
        })?;
        write_atomically(&file, &text)
    }

    /// The person acting now: `as_person` if given (they must already have a
    /// key on this desktop), else the one chosen with `choose_me`.
    pub fn acting(&self, as_person: Option<&str>) -> Result<Signer> {
        if let Some(name) = as_person {
            return self.signer(name);
        }
        match self.whoami()? {
            Some(me) => self.signer(&me.id),
            None => Err(Error::NoIdentity {
                library: self.library().path().to_owned(),
            }),
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(".whoami.{}.tmp", std::process::id()));
    let done = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done.map_err(|e| Error::io(path, e))
}
