//! The library's sign-off chain: kept as YAML in one row (migration 0006), the
//! default chain until someone sets one; `library.workflow()`. Setting it is an
//! act like any other: a signed `chain_changed` entry in the same transaction.

use rusqlite::{params, Connection, OptionalExtension};

use super::audit::{self, NewEntry};
use super::keys::Signer;
use super::rules::Chain;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind};
use crate::Library;

/// The chain stored in the library, or the default one.
pub(crate) fn load(c: &Connection) -> Result<Chain> {
    let yaml: Option<String> = c
        .prepare_cached("SELECT yaml FROM workflow_chain WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match yaml {
        None => Ok(Chain::default()),
        // Checked when it was set; read back as written.
        Some(text) => serde_yaml::from_str(&text)
            .map_err(|e| Error::corrupt(format!("the stored sign-off chain cannot be read: {e}"))),
    }
}

/// The names of the library's people, as chains name them.
pub(crate) fn people_names(c: &Connection) -> Result<Vec<String>> {
    let names = c
        .prepare_cached("SELECT name FROM people ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// The chain of a library: `library.workflow()`.
pub struct Workflow<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn workflow(&self) -> Workflow<'_> {
        Workflow { lib: self }
    }
}

impl Workflow<'_> {
    /// The chain in force: the one set last, or the default (proofreading, head
    /// of unit, press office, nobody named) until one is set.
    pub fn chain(&self) -> Result<Chain> {
        self.lib.read(load)
    }

    /// Replaces the chain with the one `yaml` describes, checked against the
    /// library's people and languages, and records the change as `author`'s.
    pub fn set_chain(&self, author: &Signer, yaml: &str) -> Result<Chain> {
        let languages = self.lib.languages().codes().to_vec();
        self.lib.change(|tx| {
            let chain = Chain::from_yaml(yaml, &people_names(tx)?, &languages)?;
            tx.prepare_cached(
                "INSERT INTO workflow_chain (id, yaml, changed_at) VALUES (1, ?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET yaml = excluded.yaml, changed_at = excluded.changed_at",
            )?
            .execute(params![chain.to_yaml(), tx.now()])?;
            tx.touched(RecordKind::Chain, "chain", ChangeAction::Updated, "chain", None);
            let payload = serde_json::to_value(&chain)
                .map_err(|e| Error::corrupt(format!("a chain could not be written: {e}")))?;
            audit::append(
                tx,
                author,
                NewEntry {
                    post: None,
                    step: None,
                    kind: "chain_changed".into(),
                    payload: serde_json::json!({ "chain": payload }),
                },
            )?;
            Ok(chain)
        })
    }
}
