//! The change feed: change sets in commit order, read back by cursor. Listeners
//! (the app's `library-changed` event) get every change set exactly once,
//! whichever connection or process wrote it: in-process writes deliver right
//! after their commit; a watcher thread polls `PRAGMA data_version`, which moves
//! when another connection (the CLI, another window) commits to the file.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection};

use super::ticker::{Beat, Ticker};
use super::write::{Change, ChangeAction, ChangeSet, Origin, RecordKind};
use crate::clock;
use crate::error::{Error, Result};

pub type Listener = Arc<dyn Fn(&ChangeSet) + Send + Sync>;

/// Change sets after `cursor`, oldest first, at most `limit` of them.
pub(crate) fn since(conn: &Connection, cursor: i64, limit: u32) -> Result<Vec<ChangeSet>> {
    let mut sets_stmt = conn.prepare_cached(
        "SELECT id, at, origin FROM change_sets WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let mut sets: Vec<ChangeSet> = sets_stmt
        .query_map(params![cursor, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .map(|row| {
            let (id, at, origin) = row?;
            Ok(ChangeSet {
                cursor: id,
                origin: Origin::parse(&origin).ok_or_else(|| {
                    Error::corrupt(format!("change set {id} has origin {origin:?}"))
                })?,
                at: clock::to_text(at),
                changes: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    let (Some(first), Some(last)) = (sets.first(), sets.last()) else {
        return Ok(sets);
    };
    let (first, last) = (first.cursor, last.cursor);
    let mut stmt = conn.prepare_cached(
        "SELECT change_set, record_kind, record_id, action, post_id, lang, counter FROM changes \
         WHERE change_set BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![first, last], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    let mut index = 0;
    for row in rows {
        let (set, kind, id, action, post, lang, counter) = row?;
        while sets[index].cursor < set {
            index += 1;
        }
        sets[index].changes.push(Change {
            kind: RecordKind::parse(&kind)
                .ok_or_else(|| Error::corrupt(format!("change of unknown record kind {kind:?}")))?,
            id,
            action: ChangeAction::parse(&action)
                .ok_or_else(|| Error::corrupt(format!("change with unknown action {action:?}")))?,
            post,
            lang,
            counter,
        });
    }
    Ok(sets)
}

/// The newest cursor: where a reader that wants only future changes starts.
pub(crate) fn latest(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM change_sets", [], |r| {
            r.get(0)
        })?,
    )
}

/// Delivers change sets to listeners, each once, in order.
pub(crate) struct Feed {
    delivered: Mutex<i64>,
    listeners: Mutex<Vec<Listener>>,
}

impl Feed {
    pub(crate) fn new(start: i64) -> Self {
        Feed {
            delivered: Mutex::new(start),
            listeners: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn subscribe(&self, listener: Listener) {
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(listener);
    }

    pub(crate) fn has_listeners(&self) -> bool {
        !self
            .listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Hands every change set not yet delivered to the listeners.
    pub(crate) fn deliver(&self, conn: &Connection) -> Result<()> {
        let mut delivered = self.delivered.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let sets = since(conn, *delivered, 200)?;
            let Some(last) = sets.last() else {
                return Ok(());
            };
            let last = last.cursor;
            let listeners = self
                .listeners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            for set in &sets {
                for listener in &listeners {
                    listener(set);
                }
            }
            *delivered = last;
        }
    }
}

/// Polls the library file for commits made by other connections and delivers
/// them; stops when dropped.
pub(crate) struct Watcher(#[allow(dead_code)] Option<Ticker>);

impl Watcher {
    pub(crate) fn start(conn: Connection, feed: Arc<Feed>, every: Duration) -> Watcher {
        let version = |c: &Connection| -> Option<i64> {
            c.query_row("PRAGMA data_version", [], |r| r.get(0)).ok()
        };
        let mut seen = version(&conn);
        Watcher(Ticker::start("valise-changes", every, move |beat| {
            if beat == Beat::Stop {
                return;
            }
            let now = version(&conn);
            if now != seen {
                seen = now;
                if let Err(e) = feed.deliver(&conn) {
                    eprintln!("valise: could not read the change feed: {e}");
                }
            }
        }))
    }
}
