//! The pull written down (migration 0013): each page of remote changes goes
//! into `sync_staging` (the latest change of each record) and
//! `sync_staging_audit` as it arrives, so a sync holds one page in memory
//! whatever the size of the library. Then the records to plan, pulled or not,
//! are listed in `sync_to_plan` (migration 0017) with their rank, and the
//! engine plans and applies them in bounded chunks in rank order, removing
//! each row in the commit that applies it.

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::Local;
use super::record::{AuditRecord, Record, RecordKey, RemoteChange};
use super::{local, state};
use crate::error::{Error, Result};
use crate::store::write::{Origin, WriteTx};
use crate::Library;

/// The order records are applied in: people and the chain before what names
/// them, a post's source before its translations.
pub(crate) fn rank_of(key: &RecordKey, source: Option<bool>) -> u8 {
    match key {
        RecordKey::Person(_) => 0,
        // An asset before the versions that show it.
        RecordKey::Chain | RecordKey::Asset(_) => 1,
        RecordKey::Version(_) => match source {
            Some(true) => 2,
            _ => 3,
        },
        RecordKey::Audit(_) => 4,
    }
}

/// A remote change's rank, when the change alone says it (None: a version's
/// tombstone, ranked by the record here).
pub(crate) fn remote_rank(change: &RemoteChange) -> Option<u8> {
    let key = change.key();
    match change {
        RemoteChange::Live {
            record: Record::Version(v),
            ..
        } => Some(rank_of(&key, Some(v.is_source()))),
        _ if matches!(key, RecordKey::Version(_)) => None,
        _ => Some(rank_of(&key, None)),
    }
}

/// Writes one pulled page down; a record pulled again replaces its row.
pub(crate) fn stage(tx: &WriteTx, backend: &str, changes: Vec<RemoteChange>) -> Result<()> {
    for change in changes {
        let json = serde_json::to_string(&change).expect("a remote change always serialises");
        match &change {
            RemoteChange::Audit(a) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_staging_audit (backend, chain, seq, uid, remote) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    backend,
                    a.entry.chain,
                    a.entry.seq,
                    a.entry.id,
                    json
                ])?;
            }
            other => {
                let key = other.key();
                let rank = remote_rank(other);
                tx.prepare_cached(
                    "INSERT INTO sync_staging (backend, record, rank, remote) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (backend, record) DO UPDATE SET rank = excluded.rank, \
                     remote = excluded.remote",
                )?
                .execute(params![backend, key.to_text(), rank, json])?;
            }
        }
    }
    Ok(())
}

/// Lists in `sync_to_plan` every record this sync plans: each one pulled,
/// held back by an earlier sync (its change staged unless a newer one was
/// pulled), changed here after change set `local_cursor`, or waiting in the
/// outbox; each with its rank, by the pull or else by the record here.
/// Nothing of the list is held in memory: the pulled records are listed
/// `batch` a commit (their keys read from `sync_staging_keys`, never the
/// pulled JSON), the page cache emptied after each.
pub(crate) fn gather(lib: &Library, backend: &str, local_cursor: i64, batch: usize) -> Result<()> {
    lib.write(Origin::Sync, |tx| {
        tx.prepare_cached("DELETE FROM sync_to_plan WHERE backend = ?1")?
            .execute([backend])?;
        for (change, _) in state::held(tx, backend)? {
            if !matches!(change, RemoteChange::Audit(_)) {
                let json =
                    serde_json::to_string(&change).expect("a remote change always serialises");
                tx.prepare_cached(
                    "INSERT INTO sync_staging (backend, record, rank, remote) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (backend, record) DO NOTHING",
                )?
                .execute(params![
                    backend,
                    change.key().to_text(),
                    remote_rank(&change),
                    json
                ])?;
            }
        }
        Ok(())
    })?;
    let mut after = String::new();
    loop {
        let (done, _) = lib.write(Origin::Sync, |tx| {
            let rows: Vec<(String, Option<u8>)> = tx
                .prepare_cached(
                    "SELECT record, rank FROM sync_staging INDEXED BY sync_staging_keys \
                     WHERE backend = ?1 AND record > ?2 ORDER BY record LIMIT ?3",
                )?
                .query_map(params![backend, after, batch as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (k, rank) in &rows {
                let key = RecordKey::parse(k)
                    .ok_or_else(|| Error::corrupt(format!("a staged sync record {k:?}")))?;
                to_plan(tx, backend, key, *rank)?;
            }
            if let Some((last, _)) = rows.last() {
                after = last.clone();
            }
            Ok(rows.len() < batch)
        })?;
        lib.release_cache()?;
        if done {
            break;
        }
    }
    lib.write(Origin::Sync, |tx| {
        local::each_changed_since(tx, local_cursor, |key| to_plan(tx, backend, key, None))?;
        state::each_queued(tx, backend, |key| to_plan(tx, backend, key, None))
    })?;
    lib.release_cache()
}

/// Lists `key` to plan, ranked `rank` or else by the record here.
fn to_plan(tx: &WriteTx, backend: &str, key: RecordKey, rank: Option<u8>) -> Result<()> {
    let rank = match rank {
        Some(r) => r,
        None => local_rank(tx, &key)?,
    };
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_to_plan (backend, record, rank) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![backend, key.to_text(), rank])?;
    Ok(())
}

/// The rank of a record nothing pulled ranks: by the record here.
fn local_rank(c: &Connection, key: &RecordKey) -> Result<u8> {
    let source = match local::record(c, key)? {
        Local::Live(Record::Version(v)) => Some(v.is_source()),
        _ => None,
    };
    Ok(rank_of(key, source))
}

/// The next `limit` records to plan, in rank order.
pub(crate) fn next_to_plan(c: &Connection, backend: &str, limit: usize) -> Result<Vec<RecordKey>> {
    let rows: Vec<String> = c
        .prepare_cached(
            "SELECT record FROM sync_to_plan WHERE backend = ?1 ORDER BY rank, record LIMIT ?2",
        )?
        .query_map(params![backend, limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    rows.iter()
        .map(|k| {
            RecordKey::parse(k)
                .ok_or_else(|| Error::corrupt(format!("a sync record to plan {k:?}")))
        })
        .collect()
}

/// The staged change of `key`, if it has one.
pub(crate) fn get(c: &Connection, backend: &str, key: &RecordKey) -> Result<Option<RemoteChange>> {
    let json: Option<String> = c
        .prepare_cached("SELECT remote FROM sync_staging WHERE backend = ?1 AND record = ?2")?
        .query_row(params![backend, key.to_text()], |r| r.get(0))
        .optional()?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| Error::corrupt(format!("a staged remote change: {e}")))
    })
    .transpose()
}

/// `key` is planned: out of the list, and its staged change with it.
pub(crate) fn planned(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    let key = key.to_text();
    tx.prepare_cached("DELETE FROM sync_staging WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key])?;
    tx.prepare_cached("DELETE FROM sync_to_plan WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key])?;
    Ok(())
}

/// Where a page of staged audit entries ends: (chain, seq, uid).
pub(crate) type AuditPlace = (String, i64, String);

/// Up to `limit` staged audit entries after `after`, each chain in order.
pub(crate) fn audit_page(
    c: &Connection,
    backend: &str,
    after: Option<&AuditPlace>,
    limit: usize,
) -> Result<Vec<AuditRecord>> {
    let (chain, seq, uid) = after.cloned().unwrap_or_default();
    let start = after.is_some();
    let rows: Vec<String> = c
        .prepare_cached(
            "SELECT remote FROM sync_staging_audit WHERE backend = ?1 \
             AND (NOT ?2 OR (chain, seq, uid) > (?3, ?4, ?5)) \
             ORDER BY chain, seq, uid LIMIT ?6",
        )?
        .query_map(
            params![backend, start, chain, seq, uid, limit as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    rows.iter()
        .map(|j| match serde_json::from_str(j) {
            Ok(RemoteChange::Audit(a)) => Ok(a),
            Ok(_) => Err(Error::corrupt("a staged audit entry that is not one")),
            Err(e) => Err(Error::corrupt(format!("a staged audit entry: {e}"))),
        })
        .collect()
}

/// Forgets what is staged for `backend` (once all of it is applied).
pub(crate) fn clear(tx: &WriteTx, backend: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM sync_staging WHERE backend = ?1")?
        .execute([backend])?;
    tx.prepare_cached("DELETE FROM sync_staging_audit WHERE backend = ?1")?
        .execute([backend])?;
    tx.prepare_cached("DELETE FROM sync_to_plan WHERE backend = ?1")?
        .execute([backend])?;
    Ok(())
}
