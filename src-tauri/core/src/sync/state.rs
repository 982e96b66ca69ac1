//! The SQL of sync's own tables (migration 0007): backends with their cursors,
//! the base of each record, the outbox, and remote records held back. Writes
//! take a `WriteTx`: they commit with what they describe, or not at all.

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::Base;
use super::record::{Record, RecordKey, RemoteChange, RemoteRef};
use crate::error::{Error, Result};
use crate::store::write::WriteTx;

/// A backend as the library records it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BackendRow {
    pub name: String,
    pub kind: String,
    pub location: String,
    pub cursor: String,
    pub local_cursor: i64,
    pub last_sync: Option<i64>,
    pub last_error: Option<String>,
    /// The user the library logs in as there (a WordPress login), if any.
    pub login: Option<String>,
}

pub(crate) fn backends(c: &Connection) -> Result<Vec<BackendRow>> {
    let rows = c
        .prepare_cached(
            "SELECT name, kind, location, cursor, local_cursor, last_sync, last_error, login \
             FROM sync_backends ORDER BY name",
        )?
        .query_map([], |r| {
            Ok(BackendRow {
                name: r.get(0)?,
                kind: r.get(1)?,
                location: r.get(2)?,
                cursor: r.get(3)?,
                local_cursor: r.get(4)?,
                last_sync: r.get(5)?,
                last_error: r.get(6)?,
                login: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn backend(c: &Connection, name: &str) -> Result<BackendRow> {
    let all = backends(c)?;
    let known = all
        .iter()
        .map(|b| b.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    all.iter()
        .find(|b| b.name == name)
        .cloned()
        .ok_or_else(|| Error::BackendNotFound {
            name: name.to_string(),
            known: if known.is_empty() {
                "it has none".into()
            } else {
                known
            },
        })
}

pub(crate) fn add_backend(tx: &WriteTx, name: &str, kind: &str, location: &str) -> Result<()> {
    let added = tx
        .prepare_cached(
            "INSERT INTO sync_backends (name, kind, location) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO NOTHING",
        )?
        .execute(params![name, kind, location])?;
    if added == 0 {
        return Err(Error::BackendExists {
            name: name.to_string(),
        });
    }
    Ok(())
}

/// Records the user the library logs in as on backend `name`.
pub(crate) fn set_login(tx: &WriteTx, name: &str, login: &str) -> Result<()> {
    tx.prepare_cached("UPDATE sync_backends SET login = ?2 WHERE name = ?1")?
        .execute(params![name, login])?;
    Ok(())
}

pub(crate) fn set_cursor(tx: &WriteTx, backend: &str, cursor: &str) -> Result<()> {
    tx.prepare_cached("UPDATE sync_backends SET cursor = ?2 WHERE name = ?1")?
        .execute(params![backend, cursor])?;
    Ok(())
}

pub(crate) fn set_local_cursor(tx: &WriteTx, backend: &str, cursor: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sync_backends SET local_cursor = max(local_cursor, ?2) WHERE name = ?1",
    )?
    .execute(params![backend, cursor])?;
    Ok(())
}

/// Records how the last sync ended: at `at` (unix ms) if it finished, and
/// the error that stopped it, if one did.
pub(crate) fn finish(
    tx: &WriteTx,
    backend: &str,
    at: Option<i64>,
    error: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sync_backends SET last_sync = coalesce(?2, last_sync), last_error = ?3 \
         WHERE name = ?1",
    )?
    .execute(params![backend, at, error])?;
    Ok(())
}

pub(crate) fn base(c: &Connection, backend: &str, key: &RecordKey) -> Result<Option<Base>> {
    let found: Option<(Option<String>, Option<String>, Option<String>)> = c
        .prepare_cached(
            "SELECT body, remote_id, remote_rev FROM sync_base WHERE backend = ?1 AND record = ?2",
        )?
        .query_row(params![backend, key.to_text()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((body, id, rev)) = found else {
        return Ok(None);
    };
    let body = body
        .map(|b| {
            serde_json::from_str::<Record>(&b).map_err(|e| {
                Error::corrupt(format!("the last synced state of {}: {e}", key.to_text()))
            })
        })
        .transpose()?;
    Ok(Some(Base {
        body,
        remote: id.map(|id| RemoteRef {
            id,
            rev: rev.unwrap_or_default(),
        }),
    }))
}

pub(crate) fn set_base(
    tx: &WriteTx,
    backend: &str,
    key: &RecordKey,
    base: &Base,
    local_change: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_base (backend, record, body, remote_id, remote_rev, local_change) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (backend, record) DO UPDATE SET \
         body = excluded.body, remote_id = excluded.remote_id, remote_rev = excluded.remote_rev, \
         local_change = excluded.local_change",
    )?
    .execute(params![
        backend,
        key.to_text(),
        base.body.as_ref().map(Record::to_json),
        base.remote.as_ref().map(|r| &r.id),
        base.remote.as_ref().map(|r| &r.rev),
        local_change
    ])?;
    Ok(())
}

/// Writes down that `body` is about to be sent for `key` (see `sent_ahead`).
pub(crate) fn sending(tx: &WriteTx, backend: &str, key: &RecordKey, body: &Record) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_sending (backend, record, body) VALUES (?1, ?2, ?3) \
         ON CONFLICT (backend, record) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![backend, key.to_text(), body.to_json()])?;
    Ok(())
}

/// What a sync was sending for `key` when it stopped before recording the
/// answer (killed, or the answer lost), if anything.
pub(crate) fn sent_ahead(c: &Connection, backend: &str, key: &RecordKey) -> Result<Option<Record>> {
    let body: Option<String> = c
        .prepare_cached("SELECT body FROM sync_sending WHERE backend = ?1 AND record = ?2")?
        .query_row(params![backend, key.to_text()], |r| r.get(0))
        .optional()?;
    body.map(|b| {
        serde_json::from_str::<Record>(&b)
            .map_err(|e| Error::corrupt(format!("what was being sent of {}: {e}", key.to_text())))
    })
    .transpose()
}

/// The send of `key` is recorded (or no longer matters).
pub(crate) fn sent_done(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    tx.prepare_cached("DELETE FROM sync_sending WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key.to_text()])?;
    Ok(())
}

/// Marks audit entries as held by the backend.
pub(crate) fn audit_sent(
    tx: &WriteTx,
    backend: &str,
    ids: &[String],
    local_change: i64,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_base (backend, record, local_change) VALUES (?1, ?2, ?3)",
    )?;
    for id in ids {
        stmt.execute(params![
            backend,
            RecordKey::Audit(id.clone()).to_text(),
            local_change
        ])?;
    }
    Ok(())
}

pub(crate) fn queue(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_outbox (backend, record, queued_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (backend, record) DO NOTHING",
    )?
    .execute(params![backend, key.to_text(), tx.now()])?;
    Ok(())
}

pub(crate) fn unqueue(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    tx.prepare_cached("DELETE FROM sync_outbox WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key.to_text()])?;
    Ok(())
}

pub(crate) fn note_failure(tx: &WriteTx, backend: &str, key: &RecordKey, why: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?3 \
         WHERE backend = ?1 AND record = ?2",
    )?
    .execute(params![backend, key.to_text(), why])?;
    Ok(())
}

/// How many records wait in the outbox of `backend`.
pub(crate) fn outbox_count(c: &Connection, backend: &str) -> Result<u32> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM sync_outbox WHERE backend = ?1")?
            .query_row([backend], |r| r.get(0))?,
    )
}

/// Each record in the outbox, handed to `f` as it is read (none held).
pub(crate) fn each_queued(
    c: &Connection,
    backend: &str,
    mut f: impl FnMut(RecordKey) -> Result<()>,
) -> Result<()> {
    let mut stmt = c.prepare_cached("SELECT record FROM sync_outbox WHERE backend = ?1")?;
    for k in stmt.query_map([backend], |r| r.get::<_, String>(0))? {
        let k = k?;
        f(RecordKey::parse(&k).ok_or_else(|| Error::corrupt(format!("an outbox entry {k:?}")))?)?;
    }
    Ok(())
}

pub(crate) fn hold(tx: &WriteTx, backend: &str, change: &RemoteChange, reason: &str) -> Result<()> {
    let json = serde_json::to_string(change).expect("a remote change always serialises");
    tx.prepare_cached(
        "INSERT INTO sync_held (backend, record, remote, reason) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (backend, record) DO UPDATE SET remote = excluded.remote, \
         reason = excluded.reason",
    )?
    .execute(params![backend, change.key().to_text(), json, reason])?;
    Ok(())
}

pub(crate) fn release(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    tx.prepare_cached("DELETE FROM sync_held WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key.to_text()])?;
    Ok(())
}

/// Remote changes held back by earlier syncs, with why.
pub(crate) fn held(c: &Connection, backend: &str) -> Result<Vec<(RemoteChange, String)>> {
    let rows: Vec<(String, String)> = c
        .prepare_cached("SELECT remote, reason FROM sync_held WHERE backend = ?1 ORDER BY record")?
        .query_map([backend], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(json, reason)| {
            let change = serde_json::from_str(&json)
                .map_err(|e| Error::corrupt(format!("a held remote change: {e}")))?;
            Ok((change, reason))
        })
        .collect()
}

/// How many records wait to be sent to `backend`: the outbox, and records
/// changed here since the last sync planned them. After a sync that wrote
/// the whole library that is every record: they are read one by one, the
/// page cache emptied every `CHECKED` of them, and only those that wait are
/// kept (to count each once).
pub(crate) fn waiting(c: &Connection, backend: &BackendRow) -> Result<u32> {
    const CHECKED: u32 = 500;
    let mut more = std::collections::BTreeSet::new();
    let mut checked = 0;
    super::local::each_changed_since(c, backend.local_cursor, |key| {
        checked += 1;
        if checked % CHECKED == 0 {
            c.execute_batch("PRAGMA shrink_memory")?;
        }
        if more.contains(&key) || queued(c, &backend.name, &key)? {
            return Ok(());
        }
        // Only what differs from the base waits: a record sync itself wrote
        // agrees with it.
        let here = match super::local::record(c, &key)? {
            super::plan::Local::Live(r) => Some(r),
            _ => None,
        };
        let differs = match base(c, &backend.name, &key)? {
            Some(b) if b.body != here => true,
            // Its text is as agreed; its figures may not be.
            Some(b) => match (&here, b.remote.is_some()) {
                (Some(super::record::Record::Version(v)), true) => {
                    super::media::figures_differ(c, &backend.name, &key, v)?
                }
                _ => false,
            },
            None => here.is_some(),
        };
        if differs {
            more.insert(key);
        }
        Ok(())
    })?;
    Ok(outbox_count(c, &backend.name)? + more.len() as u32 + unsent_audit_count(c, &backend.name)?)
}

/// Whether `key` is in the outbox of `backend`.
fn queued(c: &Connection, backend: &str, key: &RecordKey) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM sync_outbox WHERE backend = ?1 AND record = ?2")?
            .query_row(params![backend, key.to_text()], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// How many audit entries `backend` has not confirmed yet.
pub(crate) fn unsent_audit_count(c: &Connection, backend: &str) -> Result<u32> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM audit_entries e WHERE NOT EXISTS (SELECT 1 FROM sync_base b \
         WHERE b.backend = ?1 AND b.record = 'audit:' || e.uid)",
    )?
    .query_row([backend], |r| r.get(0))?)
}
