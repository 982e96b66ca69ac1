//! The pull written down (migration 0013): each page of remote changes goes
//! into `sync_staging` (the latest change of each record) and
//! `sync_staging_audit` as it arrives, so a sync holds one page in memory
//! whatever the size of the library; the engine then plans and applies the
//! staged records in bounded chunks, removing each row in the commit that
//! applies it.

use rusqlite::{params, Connection, OptionalExtension};

use super::record::{AuditRecord, Record, RecordKey, RemoteChange};
use crate::error::{Error, Result};
use crate::store::write::WriteTx;

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

/// The keys of the staged records, with their rank when the pull said it.
pub(crate) fn keys(c: &Connection, backend: &str) -> Result<Vec<(Option<u8>, RecordKey)>> {
    let rows: Vec<(Option<u8>, String)> = c
        .prepare_cached("SELECT rank, record FROM sync_staging WHERE backend = ?1")?
        .query_map([backend], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(rank, k)| {
            let key = RecordKey::parse(&k)
                .ok_or_else(|| Error::corrupt(format!("a staged sync record {k:?}")))?;
            Ok((rank, key))
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

pub(crate) fn remove(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    tx.prepare_cached("DELETE FROM sync_staging WHERE backend = ?1 AND record = ?2")?
        .execute(params![backend, key.to_text()])?;
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
    Ok(())
}
