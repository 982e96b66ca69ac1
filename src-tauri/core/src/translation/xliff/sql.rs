//! The SQL of XLIFF round trips: what translation tools added to units.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::Extras;
use crate::error::{Error, Result};
use crate::store::write::WriteTx;

/// What was kept for each block of a translation.
pub(super) fn read(conn: &Connection, version_id: i64) -> Result<BTreeMap<String, Extras>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source_block, attributes, notes FROM xliff_extras WHERE version_id = ?1",
    )?;
    let rows = stmt.query_map([version_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (block, attributes, notes) = row?;
        let bad =
            |e: serde_json::Error| Error::corrupt(format!("XLIFF notes of block {block}: {e}"));
        out.insert(
            block.clone(),
            Extras {
                attributes: serde_json::from_str(&attributes).map_err(bad)?,
                notes: serde_json::from_str(&notes).map_err(bad)?,
            },
        );
    }
    Ok(out)
}

/// Keeps what the tool left on a unit, replacing what was kept before; an
/// empty set forgets it (the tool removed its notes).
pub(super) fn write(tx: &WriteTx, version_id: i64, block: &str, extras: &Extras) -> Result<()> {
    if extras.attributes.is_empty() && extras.notes.is_empty() {
        tx.prepare_cached("DELETE FROM xliff_extras WHERE version_id = ?1 AND source_block = ?2")?
            .execute(params![version_id, block])?;
        return Ok(());
    }
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "INSERT INTO xliff_extras (version_id, source_block, attributes, notes) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (version_id, source_block) DO UPDATE SET \
         attributes = excluded.attributes, notes = excluded.notes",
    )?
    .execute(params![
        version_id,
        block,
        json(serde_json::to_string(&extras.attributes)),
        json(serde_json::to_string(&extras.notes)),
    ])?;
    Ok(())
}
