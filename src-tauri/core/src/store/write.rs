//! The one door for changes. `Store::write` opens an IMMEDIATE transaction and
//! hands the domain code a `WriteTx`; every write function of every domain takes
//! one, and only `Store::write` can make one, so a write outside a transaction
//! does not compile:
//!
//! ```compile_fail
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = rusqlite::Connection::open_in_memory()?;
//! // A bare connection is not a write transaction.
//! valise_core::posts::delete(&conn, "0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00")?;
//! # Ok(()) }
//! ```
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let library = valise_core::Library::open(dir.path().join("lib.sqlite3"))?;
//! let post = library.posts().create(valise_core::NewPost { title: "Essai".into(), ..Default::default() })?;
//! let ((), changes) = library.write(valise_core::Origin::Cli, |tx| {
//!     valise_core::posts::delete(tx, &post.id)
//! })?;
//! assert_eq!(changes.changes.len(), 1);
//! # Ok(()) }
//! ```
//!
//! The transaction records where the change came from and which records it
//! touched, bumps each record's change counter and adds one change set to the
//! feed, all in the same commit.

use std::cell::RefCell;
use std::ops::Deref;

use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::Result;

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A person working in the Valise window.
    Window,
    /// The `valise` command.
    Cli,
    /// Files imported (Markdown, XLIFF).
    Import,
    /// The publishing backend, through sync.
    Sync,
    /// A watched folder.
    Watcher,
    /// A schema upgrade.
    Migration,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Window => "window",
            Origin::Cli => "cli",
            Origin::Import => "import",
            Origin::Sync => "sync",
            Origin::Watcher => "watcher",
            Origin::Migration => "migration",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "window" => Origin::Window,
            "cli" => Origin::Cli,
            "import" => Origin::Import,
            "sync" => Origin::Sync,
            "watcher" => Origin::Watcher,
            "migration" => Origin::Migration,
            _ => return None,
        })
    }

    /// What people read: "the command line", "sync"…
    pub fn described(self) -> &'static str {
        match self {
            Origin::Window => "the Valise window",
            Origin::Cli => "the command line",
            Origin::Import => "an import",
            Origin::Sync => "sync",
            Origin::Watcher => "a watched folder",
            Origin::Migration => "a library upgrade",
        }
    }
}

/// The kinds of record a change can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Post,
    LanguageVersion,
    Revision,
    Conflict,
    /// A decision that a post will not be translated into a language.
    TranslationPlan,
    /// A person of the library (with their public keys).
    Person,
    /// An entry of the audit trail (never updated or deleted).
    AuditEntry,
    /// A post's sign-off (its id is the post's): an act or a voiding was
    /// recorded, so panels, the inbox and the board look again.
    Signoff,
    /// The library's sign-off chain (its id is `chain`).
    Chain,
    /// A post's publication (its id is the post's): marked ready, scheduled,
    /// published or taken back; the sync pushes it as the site's status.
    Publication,
    /// An asset of the library (its id is the asset's, and so is its "post"):
    /// a file, a variant, a version, its alt text or caption changed.
    Asset,
    /// A watched folder of the library was added or removed (its id is the path).
    WatchedFolder,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Post => "post",
            RecordKind::LanguageVersion => "language_version",
            RecordKind::Revision => "revision",
            RecordKind::Conflict => "conflict",
            RecordKind::TranslationPlan => "translation_plan",
            RecordKind::Person => "person",
            RecordKind::AuditEntry => "audit_entry",
            RecordKind::Signoff => "signoff",
            RecordKind::Chain => "chain",
            RecordKind::Publication => "publication",
            RecordKind::Asset => "asset",
            RecordKind::WatchedFolder => "watched_folder",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "post" => RecordKind::Post,
            "language_version" => RecordKind::LanguageVersion,
            "revision" => RecordKind::Revision,
            "conflict" => RecordKind::Conflict,
            "translation_plan" => RecordKind::TranslationPlan,
            "person" => RecordKind::Person,
            "audit_entry" => RecordKind::AuditEntry,
            "signoff" => RecordKind::Signoff,
            "chain" => RecordKind::Chain,
            "publication" => RecordKind::Publication,
            "asset" => RecordKind::Asset,
            "watched_folder" => RecordKind::WatchedFolder,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Created,
    Updated,
    Deleted,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Deleted => "deleted",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "created" => ChangeAction::Created,
            "updated" => ChangeAction::Updated,
            "deleted" => ChangeAction::Deleted,
            _ => return None,
        })
    }
}

/// One record touched by a change set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Change {
    pub kind: RecordKind,
    /// The record's global id.
    pub id: String,
    pub action: ChangeAction,
    /// The post the record belongs to (its own id for a post).
    pub post: String,
    /// The language version it belongs to, when it belongs to one.
    pub lang: Option<String>,
    /// The record's change counter after this change (1 for its first).
    #[ts(type = "number")]
    pub counter: i64,
}

/// What one transaction changed, and where that came from. `cursor` orders change
/// sets: the feed returns those after a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeSet {
    #[ts(type = "number")]
    pub cursor: i64,
    pub origin: Origin,
    pub at: String,
    pub changes: Vec<Change>,
}

/// A write transaction: reads see its own writes (it derefs to the connection);
/// domain write functions take `&WriteTx` and say what they touched with `touched`.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
    origin: Origin,
    now: i64,
    touched: RefCell<Vec<Change>>,
}

impl Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl<'c> WriteTx<'c> {
    pub(crate) fn new(tx: Transaction<'c>, origin: Origin, now: i64) -> Self {
        WriteTx {
            tx,
            origin,
            now,
            touched: RefCell::new(Vec::new()),
        }
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The time of this change (one instant for the whole transaction).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Notes that this transaction created, updated or deleted a record. A record
    /// noted twice counts once: created-then-updated stays created, and a delete wins.
    pub fn touched(
        &self,
        kind: RecordKind,
        id: &str,
        action: ChangeAction,
        post: &str,
        lang: Option<&str>,
    ) {
        let mut touched = self.touched.borrow_mut();
        if let Some(c) = touched.iter_mut().find(|c| c.kind == kind && c.id == id) {
            c.action = match (c.action, action) {
                (_, ChangeAction::Deleted) => ChangeAction::Deleted,
                (ChangeAction::Created, _) => ChangeAction::Created,
                (_, a) => a,
            };
            return;
        }
        touched.push(Change {
            kind,
            id: id.to_string(),
            action,
            post: post.to_string(),
            lang: lang.map(str::to_string),
            counter: 0,
        });
    }

    /// The posts whose records of `kind` this transaction touched so far, each once.
    pub(crate) fn touched_posts(&self, kind: RecordKind) -> Vec<String> {
        // An import touches thousands of posts: a set keeps this linear.
        let mut seen = std::collections::HashSet::new();
        self.touched
            .borrow()
            .iter()
            .filter(|c| c.kind == kind && seen.insert(c.post.clone()))
            .map(|c| c.post.clone())
            .collect()
    }

    /// Writes the change set and the counters, then commits.
    pub(crate) fn commit(self) -> Result<ChangeSet> {
        let mut changes = self.touched.into_inner();
        let mut cursor = 0;
        if !changes.is_empty() {
            self.tx
                .prepare_cached("INSERT INTO change_sets (at, origin) VALUES (?1, ?2)")?
                .execute(params![self.now, self.origin.as_str()])?;
            cursor = self.tx.last_insert_rowid();
            let mut counter = self.tx.prepare_cached(
                "INSERT INTO record_counters (record_kind, record_id, counter, change_set) \
                 VALUES (?1, ?2, 1, ?3) \
                 ON CONFLICT (record_kind, record_id) DO UPDATE \
                 SET counter = counter + 1, change_set = excluded.change_set \
                 RETURNING counter",
            )?;
            let mut log = self.tx.prepare_cached(
                "INSERT INTO changes (change_set, record_kind, record_id, action, post_id, lang, counter) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for c in &mut changes {
                c.counter =
                    counter.query_row(params![c.kind.as_str(), c.id, cursor], |r| r.get(0))?;
                log.execute(params![
                    cursor,
                    c.kind.as_str(),
                    c.id,
                    c.action.as_str(),
                    c.post,
                    c.lang,
                    c.counter
                ])?;
            }
            drop(counter);
            drop(log);
        }
        self.tx.commit()?;
        Ok(ChangeSet {
            cursor,
            origin: self.origin,
            at: clock::to_text(self.now),
            changes,
        })
    }
}
