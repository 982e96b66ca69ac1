//! The SQLite store: opening a library file safely, its pragmas, its numbered
//! migrations, the one writer connection with its `write` door, and the readers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};

pub mod checkpoint;
pub mod feed;
#[cfg(test)]
mod fixture_gen;
pub(crate) mod readers;
mod ticker;
pub mod write;

use write::{ChangeSet, Origin, WriteTx};

/// One schema step: its SQL, then optionally Rust for what SQL cannot do
/// (new global ids for existing rows, word counts). Both run in the upgrade's
/// one transaction.
pub struct Migration {
    pub sql: &'static str,
    pub then: Option<fn(&Connection) -> Result<()>>,
}

/// Ordered migrations; `PRAGMA user_version` is the number of those applied.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_library.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0002_write_path.sql"),
        then: Some(upgrade_to_2),
    },
    Migration {
        sql: include_str!("migrations/0003_translations.sql"),
        then: Some(crate::translation::upgrade_to_3),
    },
    Migration {
        sql: include_str!("migrations/0004_xliff.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0005_people_audit.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0006_signoff.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0007_sync.sql"),
        then: Some(upgrade_to_7),
    },
    Migration {
        sql: include_str!("migrations/0008_key_trust.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0009_assets.sql"),
        then: Some(crate::assets::usage::upgrade_to_assets),
    },
    Migration {
        sql: include_str!("migrations/0010_backend_login.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0011_media.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0012_content_hashes.sql"),
        then: Some(crate::workflow::stored_hashes::upgrade_to_12),
    },
    Migration {
        sql: include_str!("migrations/0013_sync_staging.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0014_watched_folders.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0015_board_titles.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0016_asset_sync.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0017_sync_to_plan.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0018_sync_sending.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0019_asset_aliases_media_cleanup.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0020_asset_file_by_sync.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0021_deleted_asset_files.sql"),
        then: None,
    },
];

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
    open_with(path, MIGRATIONS)
}

pub(crate) fn open_with(path: &Path, migrations: &[Migration]) -> Result<Connection> {
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
    migrate(&conn, path, migrations)?;
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

/// Applies the missing migrations in one IMMEDIATE transaction: a failure at any
/// step rolls all of them back and leaves the file as it was.
fn migrate(conn: &Connection, path: &Path, migrations: &[Migration]) -> Result<()> {
    let known = migrations.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(Error::TooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }
    if found == known {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| classify(path, e))?;
    let run = || -> Result<()> {
        for (i, step) in migrations.iter().enumerate().skip(found as usize) {
            conn.execute_batch(step.sql)
                .map_err(|e| Error::MigrationFailed {
                    path: path.to_owned(),
                    version: i as i64 + 1,
                    reason: e.to_string(),
                })?;
            if let Some(then) = step.then {
                then(conn).map_err(|e| Error::MigrationFailed {
                    path: path.to_owned(),
                    version: i as i64 + 1,
                    reason: e.to_string(),
                })?;
            }
            conn.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        Ok(())
    };
    match run() {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| classify(path, e)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Schema 2's data step: global ids for every existing post, language version and
/// revision, revisions' word counts, and one change set from the upgrade that
/// names every record, so that the feed read from the start lists them all.
fn upgrade_to_2(conn: &Connection) -> Result<()> {
    for table in ["posts", "language_versions", "revisions"] {
        let ids: Vec<i64> = conn
            .prepare(&format!("SELECT id FROM {table} WHERE uid IS NULL"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut set = conn.prepare(&format!("UPDATE {table} SET uid = ?2 WHERE id = ?1"))?;
        for id in ids {
            set.execute(params![id, crate::ids::new_id()])?;
        }
    }
    {
        let mut read = conn.prepare("SELECT id, body FROM revisions")?;
        let mut write = conn.prepare("UPDATE revisions SET word_count = ?2 WHERE id = ?1")?;
        let rows = read.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, body) = row?;
            write.execute(params![id, crate::posts::stats::word_count(&body)])?;
        }
    }
    let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM posts)", [], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO change_sets (at, origin) VALUES (?1, 'migration')",
        [crate::clock::Clock::now_ms(&crate::clock::SystemClock)],
    )?;
    let set = conn.last_insert_rowid();
    // Deleted posts are named as deleted: their tombstones wait for sync.
    conn.execute_batch(&format!(
        "INSERT INTO changes (change_set, record_kind, record_id, action, post_id, lang, counter)
           SELECT {set}, 'post', uid, CASE WHEN deleted_at IS NULL THEN 'created' ELSE 'deleted' END, uid, NULL, 1
           FROM posts ORDER BY id;
         INSERT INTO changes (change_set, record_kind, record_id, action, post_id, lang, counter)
           SELECT {set}, 'language_version', v.uid, 'created', p.uid, v.lang, 1
           FROM language_versions v JOIN posts p ON p.id = v.post_id ORDER BY v.id;
         INSERT INTO changes (change_set, record_kind, record_id, action, post_id, lang, counter)
           SELECT {set}, 'revision', r.uid, 'created', p.uid, v.lang, 1
           FROM revisions r JOIN language_versions v ON v.id = r.version_id
           JOIN posts p ON p.id = v.post_id ORDER BY r.id;
         INSERT INTO record_counters (record_kind, record_id, counter, change_set)
           SELECT record_kind, record_id, 1, change_set FROM changes WHERE change_set = {set};"
    ))?;
    Ok(())
}

/// Schema 7's data step: this library's audit chain gets its id, and the
/// entries it already holds (all signed here) join that chain.
fn upgrade_to_7(conn: &Connection) -> Result<()> {
    let chain = crate::workflow::audit::own_chain(conn)?;
    conn.execute(
        "UPDATE audit_entries SET chain = ?1 WHERE chain = ''",
        [chain],
    )?;
    Ok(())
}

/// The library file's connections: one writer behind a lock, readers beside it.
pub(crate) struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: readers::Readers,
    // Declared last: dropped after the writer, it ends with a full checkpoint.
    _checkpointer: checkpoint::Checkpointer,
}

impl Store {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let conn = open(path)?;
        let checkpointer = checkpoint::Checkpointer::start(path, &conn);
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(conn),
            readers: readers::Readers::new(path),
            _checkpointer: checkpointer,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite consistent
        // (its transaction rolled back), so the connection stays usable.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The one write door: runs `f` in an IMMEDIATE transaction, records what it
    /// touched and where the change came from, and commits all of it or none.
    pub(crate) fn write<T>(
        &self,
        origin: Origin,
        now: i64,
        f: impl FnOnce(&WriteTx) -> Result<T>,
    ) -> Result<(T, ChangeSet)> {
        let mut conn = self.writer();
        let run = |conn: &mut Connection| -> Result<(T, ChangeSet)> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let tx = WriteTx::new(tx, origin, now);
            let value = f(&tx)?;
            let changes = tx.commit()?;
            Ok((value, changes))
        };
        run(&mut conn).map_err(|e| self.explain(e))
    }

    /// Runs `f` on a reader: it sees the last commit and never waits for a write.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let reader = self.readers.get().map_err(|e| self.explain(e))?;
        f(&reader).map_err(|e| self.explain(e))
    }

    /// Hands back the pages SQLite keeps cached on the writer and on the idle
    /// readers (`PRAGMA shrink_memory`): a long sync calls it between chunks,
    /// so that what it holds is one chunk's pages, not every page it touched
    /// (each connection may otherwise keep up to its `cache_size`, 16 MB).
    pub(crate) fn release_cache(&self) -> Result<()> {
        self.writer().execute_batch("PRAGMA shrink_memory")?;
        self.readers.release_cache()?;
        Ok(())
    }

    /// A fresh read-only connection of its own (for the change watcher).
    pub(crate) fn dedicated_reader(&self) -> Result<Connection> {
        readers::open_reader(&self.path).map_err(|e| classify(&self.path, e))
    }

    fn explain(&self, e: Error) -> Error {
        match e {
            Error::Database(db) => match db.sqlite_error_code() {
                Some(ErrorCode::ReadOnly)
                | Some(ErrorCode::NotADatabase)
                | Some(ErrorCode::CannotOpen) => classify(&self.path, db),
                _ => Error::Database(db),
            },
            other => other,
        }
    }
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
    fn a_failed_migration_leaves_the_library_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.sqlite3");
        let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/library-v1.sqlite3");
        std::fs::copy(&fixture, &path).unwrap();
        let dump = |path: &Path| -> (i64, Vec<String>, i64) {
            let c = Connection::open(path).unwrap();
            let version = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            let mut stmt = c
                .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
                .unwrap();
            let sql = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let posts = c
                .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
                .unwrap();
            (version, sql, posts)
        };
        let before = dump(&path);
        assert_eq!(before.0, 1);
        // Schema 2 succeeds, then a third step fails halfway through its SQL.
        let broken = [
            Migration {
                sql: MIGRATIONS[0].sql,
                then: None,
            },
            Migration {
                sql: MIGRATIONS[1].sql,
                then: MIGRATIONS[1].then,
            },
            Migration {
                sql: "CREATE TABLE half_done (x); SELECT no_such_function();",
                then: None,
            },
        ];
        let err = open_with(&path, &broken).unwrap_err();
        assert!(
            matches!(err, Error::MigrationFailed { version: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("left exactly as it was"), "{err}");
        assert_eq!(dump(&path), before, "nothing of steps 2 and 3 remains");
        // A failing Rust step rolls back the same way.
        let failing_rust = [
            Migration {
                sql: MIGRATIONS[0].sql,
                then: None,
            },
            Migration {
                sql: MIGRATIONS[1].sql,
                then: Some(|_| Err(Error::corrupt("a test step that fails"))),
            },
        ];
        assert!(open_with(&path, &failing_rust).is_err());
        assert_eq!(dump(&path), before);
        // And the real upgrade still works afterwards.
        drop(open(&path).unwrap());
        assert_eq!(dump(&path).0, SCHEMA_VERSION);
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
