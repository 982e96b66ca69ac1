//! The SQL of translations: source block ids, translation units, the counts
//! kept for lists, and "not planned" decisions.

use rusqlite::{params, Connection, OptionalExtension};

use super::source::{self, Block};
use super::units::Unit;
use crate::error::Result;
use crate::posts::PostText;
use crate::store::write::WriteTx;

/// The ids and hashes stored for a source version's body blocks, in order.
pub(crate) fn stored_ids(conn: &Connection, version_id: i64) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block_id, hash FROM source_blocks WHERE version_id = ?1 ORDER BY position",
    )?;
    let ids = stmt
        .query_map([version_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Stores a source version's body blocks over those stored (`stored`). When
/// only some blocks changed (the common autosave: one paragraph), only their
/// rows are written.
pub(crate) fn write_source_blocks(
    tx: &WriteTx,
    version_id: i64,
    stored: &[(String, String)],
    blocks: &[Block],
) -> Result<()> {
    if stored.len() == blocks.len() {
        let mut update = tx.prepare_cached(
            "UPDATE source_blocks SET block_id = ?3, hash = ?4 WHERE version_id = ?1 AND position = ?2",
        )?;
        for (i, (b, (id, hash))) in blocks.iter().zip(stored).enumerate() {
            if b.id != *id || b.hash != *hash {
                update.execute(params![version_id, i as i64, b.id, b.hash])?;
            }
        }
        return Ok(());
    }
    tx.prepare_cached("DELETE FROM source_blocks WHERE version_id = ?1")?
        .execute([version_id])?;
    insert_source_blocks(tx, version_id, blocks)
}

/// Adds the block rows of a version that has none. Takes a bare connection for
/// the schema upgrade, which runs in the upgrade's own transaction; everything
/// else goes through `write_source_blocks`.
pub(super) fn insert_source_blocks(
    conn: &Connection,
    version_id: i64,
    blocks: &[Block],
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO source_blocks (version_id, position, block_id, hash) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, b) in blocks.iter().enumerate() {
        insert.execute(params![version_id, i as i64, b.id, b.hash])?;
    }
    Ok(())
}

/// Every block of a source text as stored: short fields, then the body.
pub(crate) fn source_blocks(
    conn: &Connection,
    version_id: i64,
    text: &PostText,
) -> Result<Vec<Block>> {
    let mut blocks = source::header_blocks(text);
    blocks.extend(source::with_stored_ids(
        &text.body,
        &stored_ids(conn, version_id)?,
    ));
    Ok(blocks)
}

pub(crate) fn units(conn: &Connection, version_id: i64) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source_block, text, source_hash, source_text FROM translation_units \
         WHERE version_id = ?1 ORDER BY position",
    )?;
    let units = stmt
        .query_map([version_id], |r| {
            Ok(Unit {
                block: r.get(0)?,
                text: r.get(1)?,
                source_hash: r.get(2)?,
                source_text: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(units)
}

pub(crate) fn write_units(tx: &WriteTx, version_id: i64, units: &[Unit]) -> Result<()> {
    tx.prepare_cached("DELETE FROM translation_units WHERE version_id = ?1")?
        .execute([version_id])?;
    insert_units(tx, version_id, units)
}

/// Adds the units of a version that has none (bare connection: see
/// `insert_source_blocks`).
pub(super) fn insert_units(conn: &Connection, version_id: i64, units: &[Unit]) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO translation_units (version_id, source_block, position, text, source_hash, \
         source_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, u) in units.iter().enumerate() {
        insert.execute(params![
            version_id,
            u.block,
            i as i64,
            u.text,
            u.source_hash,
            u.source_text
        ])?;
    }
    Ok(())
}

pub(crate) fn write_counts(tx: &WriteTx, version_id: i64, counts: (u32, u32, u32)) -> Result<()> {
    set_counts(tx, version_id, counts)
}

/// `write_counts` on a bare connection (see `insert_source_blocks`).
pub(super) fn set_counts(
    conn: &Connection,
    version_id: i64,
    counts: (u32, u32, u32),
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE language_versions SET blocks_outdated = ?2, blocks_missing = ?3, \
         blocks_orphaned = ?4 WHERE id = ?1 AND (blocks_outdated, blocks_missing, \
         blocks_orphaned) IS NOT (?2, ?3, ?4)",
    )?
    .execute(params![version_id, counts.0, counts.1, counts.2])?;
    Ok(())
}

/// A post's translations: (version row id, version global id, language).
pub(crate) fn translations_of(
    conn: &Connection,
    post_row: i64,
) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.uid, v.lang FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE v.post_id = ?1 AND v.lang <> p.source_lang ORDER BY v.lang",
    )?;
    let rows = stmt
        .query_map([post_row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A decision not to translate: (who, why, when in unix ms).
pub(crate) fn plan(
    conn: &Connection,
    post_row: i64,
    lang: &str,
) -> Result<Option<(String, String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT decided_by, reason, decided_at FROM translation_plans \
             WHERE post_id = ?1 AND lang = ?2",
        )?
        .query_row(params![post_row, lang], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

/// Every decision not to translate a post: (language, who, why, when in unix ms).
pub(crate) fn plans(
    conn: &Connection,
    post_row: i64,
) -> Result<Vec<(String, String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lang, decided_by, reason, decided_at FROM translation_plans \
         WHERE post_id = ?1 ORDER BY lang",
    )?;
    let plans = stmt
        .query_map([post_row], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(plans)
}

/// Records (or replaces) a decision not to translate a post into `lang`, made
/// at `at` (unix ms).
pub(crate) fn write_plan(
    tx: &WriteTx,
    post_row: i64,
    lang: &str,
    (by, reason): (&str, &str),
    at: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO translation_plans (post_id, lang, decided_by, reason, decided_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (post_id, lang) DO UPDATE SET \
         decided_by = excluded.decided_by, reason = excluded.reason, \
         decided_at = excluded.decided_at",
    )?
    .execute(params![post_row, lang, by, reason, at])?;
    Ok(())
}

/// Drops a decision not to translate; whether there was one.
pub(crate) fn delete_plan(tx: &WriteTx, post_row: i64, lang: &str) -> Result<bool> {
    let gone = tx
        .prepare_cached("DELETE FROM translation_plans WHERE post_id = ?1 AND lang = ?2")?
        .execute(params![post_row, lang])?;
    Ok(gone > 0)
}
