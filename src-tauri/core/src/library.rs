//! `Library`: one open library file. It holds the store (one writer, a few
//! readers), the site languages, the clock and the change feed; each domain adds
//! its own face (`library.posts()`, `library.revisions()`, `library.search()`…).
//! Every change goes through `Library::write`, the store's one write door.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::languages::{Language, SiteLanguages};
use crate::posts::{rows, TagCount};
use crate::store::feed::{self, Feed, Listener, Watcher};
use crate::store::write::{ChangeSet, Origin, WriteTx};
use crate::store::{self, Store};
use crate::workflow::{BoardCache, Desktop};

/// What the app needs to draw its frame: where the library is, its languages and
/// its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LibraryOverview {
    pub path: String,
    pub source_lang: String,
    pub languages: Vec<Language>,
    pub posts: u32,
    pub tags: Vec<TagCount>,
}

pub struct Library {
    store: Store,
    languages: SiteLanguages,
    /// Where this library's changes come from unless a face says otherwise.
    origin: Origin,
    clock: Arc<dyn Clock>,
    feed: Arc<Feed>,
    watcher: Mutex<Option<Watcher>>,
    /// This desktop's secrets and chosen identity (never in the library file).
    desktop: Desktop,
    /// Every post's sign-off and publication, evaluated, between board reads.
    board: BoardCache,
    /// One sync at a time (`sync::schedule`).
    sync_gate: crate::sync::schedule::Gate,
    /// Who acts in this session instead of the person chosen on this desktop
    /// (the command line's `--as`).
    acting_as: Option<String>,
}

impl Library {
    /// Opens the library file at `path` (creating an empty one if there is none)
    /// for the command line: its changes are recorded as coming from there.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_as(path, Origin::Cli)
    }

    /// Opens the library, recording its changes as coming from `origin`.
    pub fn open_as(path: impl AsRef<Path>, origin: Origin) -> Result<Self> {
        Self::open_with(path, origin, Arc::new(SystemClock))
    }

    /// As `open_as`, reading the time from `clock`.
    pub fn open_with(
        path: impl AsRef<Path>,
        origin: Origin,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let store = Store::open(path.as_ref())?;
        let (languages, cursor) =
            store.read(|c| Ok((SiteLanguages::load(c)?, feed::latest(c)?)))?;
        Ok(Library {
            store,
            languages,
            origin,
            clock,
            feed: Arc::new(Feed::new(cursor)),
            watcher: Mutex::new(None),
            desktop: Desktop::this_one(),
            board: BoardCache::default(),
            sync_gate: Default::default(),
            acting_as: None,
        })
    }

    /// Opens the default library (`VALISE_LIBRARY`, else the platform data dir).
    pub fn open_default() -> Result<Self> {
        Self::open(store::default_library_path())
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The same library seen from another desktop (tests, benchmarks, a
    /// second person's keys on one machine).
    pub fn with_desktop(mut self, desktop: Desktop) -> Self {
        self.desktop = desktop;
        self
    }

    /// For this session, `person` (a name or global id) is "me" instead of
    /// the person chosen on this desktop: every act the library signs by
    /// itself (a voiding, a publication the site confirms) is then theirs.
    pub fn acting_as(mut self, person: impl Into<String>) -> Self {
        self.acting_as = Some(person.into());
        self
    }

    pub(crate) fn acting_person(&self) -> Option<&str> {
        self.acting_as.as_deref()
    }

    /// Lets one sync of this library run at a time.
    pub fn sync_gate(&self) -> &crate::sync::schedule::Gate {
        &self.sync_gate
    }

    pub fn desktop(&self) -> &Desktop {
        &self.desktop
    }

    pub fn languages(&self) -> &SiteLanguages {
        &self.languages
    }

    /// The one door for changes: runs `f` in one IMMEDIATE transaction recorded
    /// as coming from `origin`, and returns its value with the change set it
    /// committed. Listeners of the feed hear of it before this returns.
    pub fn write<T>(
        &self,
        origin: Origin,
        f: impl FnOnce(&WriteTx) -> Result<T>,
    ) -> Result<(T, ChangeSet)> {
        let written = self.store.write(origin, self.clock.now_ms(), |tx| {
            let value = f(tx)?;
            // A text change that voids a signature says so in the same commit.
            crate::workflow::record_voids_of_write(self, tx)?;
            // Which assets each touched body uses, for "used by".
            crate::assets::usage::record_uses_of_write(tx)?;
            // The content hashes the board reads, kept with the text they cover.
            crate::workflow::stored_hashes::keep_of_write(tx)?;
            Ok(value)
        })?;
        if !written.1.changes.is_empty() && self.feed.has_listeners() {
            // The commit landed; a listener failing to hear of it must not turn
            // the save into an error. The watcher delivers it on its next look.
            if let Err(e) = self.store.read(|c| self.feed.deliver(c)) {
                eprintln!("valise: could not announce a change: {e}");
            }
        }
        Ok(written)
    }

    /// A change from this library's own origin; faces use it and keep the value.
    pub(crate) fn change<T>(&self, f: impl FnOnce(&WriteTx) -> Result<T>) -> Result<T> {
        self.write(self.origin, f).map(|(value, _)| value)
    }

    pub(crate) fn board_cache(&self) -> &BoardCache {
        &self.board
    }

    /// The time now, by this library's clock (UTC unix milliseconds).
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Empties SQLite's page caches (see `Store::release_cache`).
    pub(crate) fn release_cache(&self) -> Result<()> {
        self.store.release_cache()
    }

    /// Reads on a connection of its own: never waits for a write in progress.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.store.read(f)
    }

    pub fn overview(&self) -> Result<LibraryOverview> {
        self.read(|c| {
            Ok(LibraryOverview {
                path: self.path().display().to_string(),
                source_lang: self.languages.source().to_string(),
                languages: self.languages.describe_all(),
                posts: rows::count(c)?,
                tags: rows::tag_counts(c)?,
            })
        })
    }

    /// Calls `listener` with every change set committed from now on, by this
    /// library or (once `watch_other_writers` runs) by any other process.
    pub fn subscribe(&self, listener: impl Fn(&ChangeSet) + Send + Sync + 'static) {
        let listener: Listener = Arc::new(listener);
        self.feed.subscribe(listener);
    }

    /// Starts looking for commits by other processes every `every` (the app uses
    /// a tenth of a second): their change sets reach the listeners too.
    pub fn watch_other_writers(&self, every: Duration) -> Result<()> {
        let conn = self.store.dedicated_reader()?;
        let mut watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        *watcher = Some(Watcher::start(conn, self.feed.clone(), every));
        Ok(())
    }
}

/// The change feed read by cursor: `library.changes()`.
pub struct Changes<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn changes(&self) -> Changes<'_> {
        Changes { lib: self }
    }
}

impl Changes<'_> {
    /// Change sets committed after `cursor` (0: from the start), oldest first,
    /// at most `limit`.
    pub fn since(&self, cursor: i64, limit: u32) -> Result<Vec<ChangeSet>> {
        self.lib.read(|c| feed::since(c, cursor, limit))
    }

    /// The newest cursor.
    pub fn latest(&self) -> Result<i64> {
        self.lib.read(feed::latest)
    }
}
