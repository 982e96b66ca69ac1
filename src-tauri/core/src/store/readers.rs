//! A few read-only connections beside the one writer. In WAL mode readers see
//! the last commit and never wait for the writer, so a search does not hold an
//! autosave back, nor an autosave a search.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;

/// Idle connections kept for reuse; more can be open at once, briefly.
const KEEP: usize = 4;

pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

pub(crate) struct Reader<'p> {
    pool: &'p Readers,
    conn: Option<Connection>,
}

impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < KEEP {
                idle.push(conn);
            }
        }
    }
}

impl Readers {
    pub(crate) fn new(path: &Path) -> Self {
        Readers {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Empties the page cache of every idle connection (`Store::release_cache`).
    pub(crate) fn release_cache(&self) -> rusqlite::Result<()> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        for conn in idle.iter() {
            conn.execute_batch("PRAGMA shrink_memory")?;
        }
        Ok(())
    }

    pub(crate) fn get(&self) -> Result<Reader<'_>> {
        let reused = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match reused {
            Some(c) => c,
            None => open_reader(&self.path)?,
        };
        Ok(Reader {
            pool: self,
            conn: Some(conn),
        })
    }
}

/// A connection that cannot write (`query_only`), even by mistake.
pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA query_only = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    Ok(conn)
}
