//! Moves WAL pages back into the library file on a thread of its own, so that
//! no save pays for it: with SQLite's automatic checkpoint, one save in fifty
//! would copy the whole WAL before returning.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

const EVERY: Duration = Duration::from_secs(2);

pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

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
            return Checkpointer {
                stop: None,
                thread: None,
            };
        };
        let _ = conn.busy_timeout(Duration::from_secs(5));
        if writer.pragma_update(None, "wal_autocheckpoint", 0).is_err() {
            return Checkpointer {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("valise-checkpoint".into())
            .spawn(move || loop {
                match stopped.recv_timeout(EVERY) {
                    Err(RecvTimeoutError::Timeout) => {
                        // PASSIVE never waits for readers or the writer.
                        let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                    }
                    _ => {
                        let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
                        return;
                    }
                }
            })
            .ok();
        Checkpointer {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
