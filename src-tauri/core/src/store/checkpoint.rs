//! Moves WAL pages back into the library file on a thread of its own, so that
//! no save pays for it: with SQLite's automatic checkpoint, one save in fifty
//! would copy the whole WAL before returning.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::ticker::{Beat, Ticker};

const EVERY: Duration = Duration::from_secs(2);

/// Checkpoints while alive; dropped, it ends with a full checkpoint.
pub struct Checkpointer(#[allow(dead_code)] Option<Ticker>);

impl Checkpointer {
    /// Starts checkpointing the library at `path` every couple of seconds. If a
    /// second connection cannot be opened, SQLite's automatic checkpoint stays
    /// on for `writer` instead.
    pub fn start(path: &Path, writer: &Connection) -> Checkpointer {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        );
        let Ok(conn) = conn else {
            return Checkpointer(None);
        };
        let _ = conn.busy_timeout(Duration::from_secs(5));
        if writer.pragma_update(None, "wal_autocheckpoint", 0).is_err() {
            return Checkpointer(None);
        }
        Checkpointer(Ticker::start("valise-checkpoint", EVERY, move |beat| {
            // PASSIVE never waits for readers or the writer; at the end, TRUNCATE
            // leaves the file whole and the WAL empty.
            let _ = conn.execute_batch(match beat {
                Beat::Tick => "PRAGMA wal_checkpoint(PASSIVE)",
                Beat::Stop => "PRAGMA wal_checkpoint(TRUNCATE)",
            });
        }))
    }
}
