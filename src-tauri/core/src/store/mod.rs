//! The SQLite store: opening a library file safely, its pragmas and its numbered
//! migrations. Everything else talks to the database through a `Connection` from here.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Error, Result};

pub mod checkpoint;

/// Ordered migrations; `PRAGMA user_version` is the number of those applied.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_library.sql")];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The default library: `$XDG_DATA_HOME/valise/library.sqlite3` (or the platform's
/// equivalent), unless `VALISE_LIBRARY` names another file.
pub fn default_library_path() -> PathBuf {
    if let Some(p) = std::env::var_os("VALISE_LIBRARY").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("valise")
        .join("library.sqlite3")
}

/// Opens (creating if needed) the library at `path` and brings its schema up to date.
/// A file that is not SQLite is reported, never overwritten.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(path, e))?;
    prepare(&conn).map_err(|e| classify(path, e))?;
    migrate(&conn, path)?;
    Ok(conn)
}

/// Per-connection settings. WAL keeps readers and the writer apart and makes a
/// commit one append; NORMAL sync in WAL never corrupts, even on a kill -9.
fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Reading the schema first turns "file is not a database" into an error here.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // A read-only file cannot switch to WAL: report it as such below.
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("cannot switch to WAL".into()),
        ));
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    Ok(())
}

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew {
            path: path.to_owned(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let run = || -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            if let Err(e) = conn.execute_batch(sql) {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
            conn.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        conn.execute_batch("COMMIT")
    };
    run().map_err(|e| classify(path, e))
}

/// Turns SQLite's codes into errors a person can act on.
pub(crate) fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotALibrary {
            path: path.to_owned(),
        },
        Some(ErrorCode::ReadOnly) => Error::ReadOnly {
            path: path.to_owned(),
        },
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            if is_read_only(path) {
                Error::ReadOnly {
                    path: path.to_owned(),
                }
            } else {
                Error::CannotOpen {
                    path: path.to_owned(),
                    reason: e.to_string(),
                }
            }
        }
        _ => Error::Database(e),
    }
}

fn is_read_only(path: &Path) -> bool {
    std::fs::OpenOptions::new().write(true).open(path).is_err() && path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_library_gets_the_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("lib.sqlite3")).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite3");
        let garbage = b"These are my notes, not a database.\n".repeat(200);
        std::fs::write(&path, &garbage).unwrap();
        let err = open(&path).unwrap_err();
        assert!(matches!(err, Error::NotALibrary { .. }), "{err:?}");
        assert!(err.to_string().contains("not a Valise library"));
        assert_eq!(std::fs::read(&path).unwrap(), garbage);
    }

    #[test]
    fn a_library_from_a_newer_valise_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.sqlite3");
        drop(open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(c);
        assert!(matches!(open(&path), Err(Error::TooNew { .. })));
    }

    #[test]
    fn reopening_keeps_the_schema_and_applies_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.sqlite3");
        drop(open(&path).unwrap());
        let conn = open(&path).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'posts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }
}
