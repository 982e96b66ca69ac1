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
//! - `upload_media` is idempotent by the file's checksum: a retried upload,
//!   after a lost answer, answers the file stored the first time (and says
//!   whether this call stored it). `delete_media` deletes for good a file
//!   stored under that checksum; a file gone already is no error. A version
//!   is created or updated with the `Figures` its body shows (each asset
//!   reference's URL on the backend, alt text and caption), so that what it
//!   publishes shows the backend's copies of the files.

pub mod registry;
pub mod wordpress;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::error::{Error, Result};
use crate::render::{AssetResolver, Figure, Resolved};
use crate::sync::record::{AuditRecord, Record, RecordKey, RemoteChange, RemoteRef};
use crate::workflow::rules::AssetRef;

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

/// The figures a version's body shows, as the backend serves them: per asset
/// reference (as written after `asset:`), the file's URL there with the alt
/// text and caption of the version's language. A reference missing from it is
/// drawn as the visible placeholder, as in the preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Per reference, the figure as the backend serves it.
    pub by_ref: BTreeMap<String, Figure>,
    /// The assets shown, each with the checksum of its file: part of what a
    /// validator signs, so a backend that checks sign-offs hashes them too.
    pub signed: Vec<AssetRef>,
}

impl AssetResolver for Figures {
    fn resolve(&self, reference: &str) -> Resolved {
        match self.by_ref.get(reference) {
            Some(f) => Resolved::Figure(f.clone()),
            None => Resolved::Missing(
                "the library that sent this has no file of it for this language".into(),
            ),
        }
    }
}

/// A file for the backend's media library, known by its checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// The checksum the library knows the file by (an SVG's is that of the
    /// file as added; `bytes` are the sanitised file).
    pub sha256: String,
    /// A name with the extension of its type, e.g. `carte-reseau.ar.png`.
    pub file_name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    pub alt: String,
    pub caption: String,
}

/// How the backend names a stored file, and where it serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    pub id: String,
    pub url: String,
}

/// What an upload answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub media: MediaRef,
    /// Whether this upload stored the file (false: the backend held one of
    /// that checksum already, put there by another library or an earlier
    /// upload whose answer was lost).
    pub created: bool,
}

/// A place that holds a copy of the library's records.
pub trait Backend: Send + Sync {
    /// How people call it in messages ("the site example.org").
    fn name(&self) -> &str;

    /// Changes after `cursor` ("" for all), at most `limit` of them.
    fn pull<'a>(&'a self, cursor: &'a str, limit: u32) -> Reply<'a, Page>;

    /// Stores a new record, idempotently by its global id (see the module
    /// comment), showing `figures`; answers how the backend names it and its
    /// version.
    fn create<'a>(&'a self, record: &'a Record, figures: &'a Figures) -> Reply<'a, RemoteRef>;

    /// Replaces the record made from version `base`, showing `figures`;
    /// `BackendStale` if it has changed since.
    fn update<'a>(
        &'a self,
        base: &'a RemoteRef,
        record: &'a Record,
        figures: &'a Figures,
    ) -> Reply<'a, RemoteRef>;

    /// Puts a file in the backend's media library, once per checksum (a file
    /// it holds already is answered, not stored again).
    fn upload_media<'a>(&'a self, file: &'a MediaFile) -> Reply<'a, Upload> {
        Box::pin(async move { Err(no_media(self.name(), &file.file_name)) })
    }

    /// Deletes for good the file `media`, stored under checksum `sha256`
    /// (refused, changing nothing, if it holds another file under that id).
    /// A file already gone is no error.
    fn delete_media<'a>(&'a self, media: &'a MediaRef, sha256: &'a str) -> Reply<'a, ()> {
        let _ = sha256;
        Box::pin(async move { Err(no_media(self.name(), &media.id)) })
    }

    /// Sets the alt text and caption the backend keeps with a file.
    fn set_media_text<'a>(
        &'a self,
        media: &'a MediaRef,
        alt: &'a str,
        caption: &'a str,
    ) -> Reply<'a, ()> {
        let _ = (alt, caption);
        Box::pin(async move { Err(no_media(self.name(), &media.id)) })
    }

    /// The bytes of the file the backend holds under checksum `sha256` (put
    /// there by `upload_media`), or None when it holds none (yet). The
    /// engine checks what it gets before it keeps anything.
    fn fetch_media<'a>(&'a self, sha256: &'a str) -> Reply<'a, Option<Vec<u8>>> {
        let _ = sha256;
        Box::pin(async { Ok(None) })
    }

    /// Deletes the record, leaving a tombstone.
    fn delete<'a>(&'a self, key: &'a RecordKey, remote_id: &'a str) -> Reply<'a, ()>;

    /// Appends audit entries (idempotent by id); answers the ids that were new.
    fn append_audit<'a>(&'a self, entries: &'a [AuditRecord]) -> Reply<'a, Vec<String>>;
}

/// The refusal of a backend that keeps no media files.
fn no_media(backend: &str, what: &str) -> Error {
    Error::BackendRefused {
        backend: backend.to_string(),
        url: String::new(),
        code: "valise_no_media".into(),
        message: format!("it keeps no media files, so {what} cannot be published there"),
    }
}
