//! Publishing backends: what the sync engine (`sync`) needs from a place that
//! holds a copy of the library (a WordPress site with the Valise plugin; later
//! a static site's git repository). The engine owns every rule; a backend only
//! stores records, says what changed, and refuses stale writes.
//!
//! Every call is async (the window and the command line never block on the
//! network) and returns one of the crate's typed errors a person can act on:
//! `BackendUnreachable`, `BackendCredentials`, `BackendNotAllowed`,
//! `BackendStale`, `BackendGarbage`, `NotAValiseSite`. Futures are boxed so
//! that a library can hold any backend as `Box<dyn Backend>`.
//!
//! What each call must guarantee (the engine's crash safety rests on it):
//! - `pull` pages through every change after a cursor, in order, giving each
//!   changed record's state *now* (not as it was at that change), tombstones
//!   for deleted records, and audit entries. A record may appear more than
//!   once; the engine keeps the last. Cursors are opaque text: a sequence
//!   number, a commit id.
//! - `create` is idempotent by the record's global id (the client id): a
//!   retried create, after a lost answer or a crash, answers the record it
//!   made the first time and makes nothing. A create of a record the backend
//!   holds as a tombstone brings it back (a local edit outlives a remote
//!   delete; see `sync`).
//! - `update` carries the remote version it was made from and is refused with
//!   `BackendStale` if the record changed since, changing nothing.
//! - `delete` leaves a tombstone that `pull` reports; deleting what is already
//!   deleted succeeds.
//! - `append_audit` stores entries exactly as sent, idempotent by entry id,
//!   and never changes or removes one.

pub mod registry;
pub mod wordpress;

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;
use crate::sync::record::{AuditRecord, Record, RecordKey, RemoteChange, RemoteRef};

/// A backend's answer, later.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// One page of changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub changes: Vec<RemoteChange>,
    /// Where the next pull starts.
    pub cursor: String,
    /// Whether more changes follow this page.
    pub more: bool,
}

/// A place that holds a copy of the library's records.
pub trait Backend: Send + Sync {
    /// How people call it in messages ("the site example.org").
    fn name(&self) -> &str;

    /// Changes after `cursor` ("" for all), at most `limit` of them.
    fn pull<'a>(&'a self, cursor: &'a str, limit: u32) -> Reply<'a, Page>;

    /// Stores a new record, idempotently by its global id (see the module
    /// comment); answers how the backend names it and its version.
    fn create<'a>(&'a self, record: &'a Record) -> Reply<'a, RemoteRef>;

    /// Replaces the record made from version `base`; `BackendStale` if it has
    /// changed since.
    fn update<'a>(&'a self, base: &'a RemoteRef, record: &'a Record) -> Reply<'a, RemoteRef>;

    /// Deletes the record, leaving a tombstone.
    fn delete<'a>(&'a self, key: &'a RecordKey, remote_id: &'a str) -> Reply<'a, ()>;

    /// Appends audit entries (idempotent by id); answers the ids that were new.
    fn append_audit<'a>(&'a self, entries: &'a [AuditRecord]) -> Reply<'a, Vec<String>>;
}
