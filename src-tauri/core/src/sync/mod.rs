//! Sync with a publishing backend (`backends::Backend`): pull → plan → apply
//! → push. Per backend the library keeps a pull cursor, the base of every
//! record (the last state both sides agreed on), and an outbox (migration
//! 0007; `state`). `record` says what syncs, `local` reads it here, `plan`
//! decides per record (pure; its module comment holds the rules), `apply`
//! writes the plan in one transaction, `engine` runs the whole; `order` is
//! the order the outbox goes in, `publish` the publication status each
//! language version has on the backend (decided here, confirmed there), and
//! `media` puts the files a version shows on the backend before it is sent;
//! `assets` makes assets records and merges them field by field, `fold`
//! makes one asset of two holding the same file, `files` fetches the files
//! of assets pulled from the backend's media, and `cleanup` deletes there
//! the files this library uploaded that newer versions replaced.
//!
//! Memory: the pull is written down page by page (`staging`, migration 0013),
//! the records to plan are listed on disk (`sync_to_plan`, 0017) and planned
//! and applied in bounded chunks, the outbox and the unsent audit entries are
//! read a page at a time, and SQLite's page caches are emptied between
//! chunks: a sync holds a page and a chunk whatever the size of the library.
//!
//! Crash safety, at any point: each chunk's plan, applied changes and outbox
//! commit together, removing its staged rows; the pull cursor moves only once
//! every chunk has (a sync killed before pulls again from the old cursor, and
//! finds what it applied already agreed); each record sent is recorded (new
//! base, out of the outbox) in its own commit as soon as the backend
//! confirms it. A sync killed before that confirmation sends the record again
//! on the next run: a create is idempotent by the record's global id, an
//! update made from the old version is refused as stale and re-planned
//! against what the backend now holds (our own change, agreed at once).

mod apply;
pub mod assets;
mod cleanup;
mod engine;
mod files;
mod fold;
pub(crate) mod local;
mod media;
mod order;
pub mod plan;
mod publish;
pub mod record;
pub mod schedule;
pub(crate) mod staging;
pub(crate) mod state;

#[cfg(test)]
pub(crate) mod tests;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::Result;
use crate::store::write::Origin;
use crate::Library;
pub use engine::MAX_ROUNDS;
pub(crate) use fold::live_target as fold_target;

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub backend: String,
    /// Remote changes pulled (records, tombstones and audit entries).
    pub pulled: u32,
    /// Remote records written here.
    pub applied: u32,
    /// Records whose changes on both sides were combined.
    pub merged: u32,
    /// Texts changed on both sides in the same place: the site's is current,
    /// this desktop's kept as an open conflict.
    pub conflicts: u32,
    /// Records deleted here because they were deleted on the backend.
    pub deleted: u32,
    pub created_there: u32,
    pub updated_there: u32,
    pub deleted_there: u32,
    pub audit_received: u32,
    pub audit_sent: u32,
    /// Remote records kept for a later sync, each with why.
    pub held: Vec<String>,
    /// Choices the rules made that people should know of, and entries refused.
    pub notes: Vec<String>,
    /// Records this user may not write on the backend (its answer was 403:
    /// a validator and the chain, another person's record), each with why;
    /// they stay in the outbox and the rest of the sync went on.
    pub skipped: Vec<String>,
    /// Asset files fetched from the backend and stored here.
    pub files_received: u32,
    /// Asset files this desktop still lacks: not on the backend yet (the
    /// desktop that added them has not published them), or refused.
    pub files_waiting: u32,
    /// Records still waiting to be sent (after a stale answer, or an error).
    pub waiting: u32,
    /// Files this library had uploaded, deleted on the backend once a new
    /// version replaced them in every version it sends (`cleanup`).
    pub media_deleted: u32,
    /// Such files whose delete failed, each with why: kept, and tried again
    /// at the next sync.
    pub media_pending: Vec<String>,
    /// Pull–plan–push rounds this sync took.
    pub rounds: u32,
}

impl SyncReport {
    /// Adds a skipped record's line, once however many rounds skip it.
    pub(crate) fn skip(&mut self, line: String) {
        if !self.skipped.contains(&line) {
            self.skipped.push(line);
        }
    }

    /// Nothing pulled changed anything here and nothing was sent.
    pub fn is_quiet(&self) -> bool {
        self.applied + self.merged + self.conflicts + self.deleted == 0
            && self.created_there + self.updated_there + self.deleted_there + self.audit_sent == 0
            && self.media_deleted == 0
            && self.audit_received + self.files_received == 0
    }
}

/// Where a running sync is, for the window's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub backend: String,
    pub step: SyncStep,
    /// Changes pulled so far, or records and audit entries sent so far.
    pub done: u32,
    /// How many are to be sent; none while pulling (a backend does not say
    /// how many changes follow).
    pub total: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncStep {
    Pulling,
    Sending,
}

/// How a sync ended, as the window is told (whether it ran on the timer or
/// was asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncOutcome {
    pub reports: Vec<SyncReport>,
    /// What stopped it; the outbox is kept whatever it was.
    pub error: Option<crate::error::ErrorReport>,
}

/// Told of a running sync's progress, from whatever thread runs it.
pub type OnProgress<'a> = &'a (dyn Fn(&SyncProgress) + Send + Sync);

/// Whether a backend answered the last time it was tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Never synced, and never failed.
    NotYet,
    /// The last sync went through.
    Online,
    /// The last sync failed (`last_error` says why).
    Offline,
}

/// One backend as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackendStatus {
    pub name: String,
    pub kind: String,
    pub location: String,
    pub reach: Reach,
    /// Records and audit entries waiting to be sent.
    pub waiting: u32,
    pub last_sync: Option<String>,
    /// What stopped the last sync, if something did.
    pub last_error: Option<String>,
    /// Old files this library uploaded whose delete there failed: kept,
    /// and tried again at every sync (`cleanup`).
    pub old_media_waiting: u32,
}

/// Sync's state for the window's status line and `sync status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub backends: Vec<BackendStatus>,
    /// Open conflicts in the library, whatever made them (post texts, and
    /// asset fields changed differently on two desktops).
    pub conflicts: u32,
    /// Whether a sync of this library runs in this process now.
    pub syncing: bool,
}

/// Where each backend stands, and how many conflicts wait.
pub fn status(library: &Library) -> Result<SyncStatus> {
    library.read(|c| {
        let mut backends = Vec::new();
        for b in state::backends(c)? {
            let reach = match (&b.last_error, b.last_sync) {
                (Some(_), _) => Reach::Offline,
                (None, Some(_)) => Reach::Online,
                (None, None) => Reach::NotYet,
            };
            backends.push(BackendStatus {
                reach,
                waiting: state::waiting(c, &b)?,
                old_media_waiting: cleanup::failed(c, &b.name)?,
                name: b.name,
                kind: b.kind,
                location: b.location,
                last_sync: b.last_sync.map(clock::to_text),
                last_error: b.last_error,
            });
        }
        let conflicts = c.query_row(
            "SELECT (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL) \
             + (SELECT count(*) FROM asset_conflicts WHERE resolved_at IS NULL)",
            [],
            |r| r.get(0),
        )?;
        Ok(SyncStatus {
            backends,
            conflicts,
            syncing: library.sync_gate().is_running(),
        })
    })
}

/// Records a backend (`kind`: wordpress, git…) at `location` (an address,
/// never a password) under `name`; its first sync sends everything.
pub fn add_backend(library: &Library, name: &str, kind: &str, location: &str) -> Result<()> {
    library
        .write(Origin::Sync, |tx| {
            state::add_backend(tx, name, kind, location)
        })
        .map(|_| ())
}

/// Pulls from `backend` (recorded as `name`), merges, and pushes this
/// library's changes; see the module comment.
pub async fn sync(
    library: &Library,
    name: &str,
    backend: &dyn crate::backends::Backend,
) -> Result<SyncReport> {
    engine::run(library, name, backend, &|_: &SyncProgress| {}).await
}

/// As `sync`, telling `progress` how far it is after every page pulled and
/// every record sent.
pub async fn sync_reporting(
    library: &Library,
    name: &str,
    backend: &dyn crate::backends::Backend,
    progress: OnProgress<'_>,
) -> Result<SyncReport> {
    engine::run(library, name, backend, progress).await
}
