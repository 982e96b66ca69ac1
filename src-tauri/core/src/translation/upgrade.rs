//! Schema 3's Rust step (see `store::MIGRATIONS`).

use rusqlite::Connection;

use super::{source, sql, units};
use crate::error::Result;
use crate::posts::PostText;

/// Schema 3: block ids for every source version, and units for translations
/// that already exist (paired with the source in order and by kind, taken as
/// current: nothing recorded says otherwise).
pub(crate) fn upgrade_to_3(conn: &Connection) -> Result<()> {
    let versions: Vec<(i64, i64, bool, String)> = conn
        .prepare(
            "SELECT v.id, v.post_id, v.lang = p.source_lang, v.body FROM language_versions v \
             JOIN posts p ON p.id = v.post_id ORDER BY v.lang = p.source_lang DESC, v.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (version_id, _, _, body) in versions.iter().filter(|v| v.2) {
        sql::insert_source_blocks(conn, *version_id, &source::continue_ids(&[], body))?;
    }
    for (version_id, post_id, _, _) in versions.iter().filter(|v| !v.2) {
        let source_id: i64 = conn.query_row(
            "SELECT v.id FROM language_versions v JOIN posts p ON p.id = v.post_id \
             WHERE p.id = ?1 AND v.lang = p.source_lang",
            [post_id],
            |r| r.get(0),
        )?;
        let text_of = |id: i64| -> Result<PostText> {
            Ok(conn.query_row(
                "SELECT title, summary, share_text, body FROM language_versions WHERE id = ?1",
                [id],
                |r| {
                    Ok(PostText {
                        title: r.get(0)?,
                        summary: r.get(1)?,
                        share_text: r.get(2)?,
                        body: r.get(3)?,
                        ..PostText::default()
                    })
                },
            )?)
        };
        let source = sql::source_blocks(conn, source_id, &text_of(source_id)?)?;
        let units = units::from_text(&source, &[], &text_of(*version_id)?);
        sql::insert_units(conn, *version_id, &units)?;
        sql::set_counts(
            conn,
            *version_id,
            units::counts(&units::status(&source, &units)),
        )?;
    }
    Ok(())
}
