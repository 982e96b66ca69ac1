//! Kept conflicts: when two changes to a language version overlap, the text
//! that did not become current is kept here whole, with where it came from and
//! the revision both were made from, until someone keeps one or combines them.
//! The language version stays editable meanwhile; nothing waits on a conflict.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::revisions::{self, RevisionKind};
use super::rows::{self, VersionRow};
use super::snapshot::{self, Stored};
use super::{Post, PostText};
use crate::clock;
use crate::error::{Error, Result};
use crate::ids;
use crate::library::Library;
use crate::store::write::{ChangeAction, Origin, RecordKind, WriteTx};

/// Two versions of one text that could not be merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    pub id: String,
    /// Where the other text came from (the command line, sync, the window…).
    pub origin: Origin,
    /// The same, in words for people ("the command line").
    pub from: String,
    pub created_at: String,
    /// The revision both texts were made from.
    #[ts(type = "number")]
    pub base_revision: i64,
    /// The revision that was current when the two changes met.
    #[ts(type = "number")]
    pub current_revision: i64,
    /// The text as it is now.
    pub current: PostText,
    /// The other text, kept whole.
    pub other: PostText,
}

/// How a conflict ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The current text stays (possibly after combining the other into it by hand).
    KeepCurrent,
    /// The other text becomes current, as a new revision.
    TakeOther,
}

/// The oldest open conflict of a language version whose text is `current`.
pub(crate) fn open_for(
    conn: &Connection,
    version_id: i64,
    current: &PostText,
) -> Result<Option<Conflict>> {
    let oldest: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM conflicts WHERE version_id = ?1 AND resolved_at IS NULL ORDER BY id LIMIT 1",
        )?
        .query_row([version_id], |r| r.get(0))
        .optional()?;
    oldest.map(|row| read(conn, row, current)).transpose()
}

/// The conflict at row `row`, beside the language version's `current` text.
fn read(conn: &Connection, row: i64, current: &PostText) -> Result<Conflict> {
    let sql = format!(
        "SELECT uid, origin, created_at, base_number, current_number, {} FROM conflicts WHERE id = ?1",
        snapshot::COLUMNS
    );
    let (id, origin, at, base, current_number, other) =
        conn.prepare_cached(&sql)?.query_row([row], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                Stored::read(r, 5)?,
            ))
        })?;
    let origin = Origin::parse(&origin)
        .ok_or_else(|| Error::corrupt(format!("conflict {id} has origin {origin:?}")))?;
    Ok(Conflict {
        other: other.into_text(&format!("conflict {id}"))?,
        origin,
        from: origin.described().to_string(),
        id,
        created_at: clock::to_text(at),
        base_revision: base,
        current_revision: current_number,
        current: current.clone(),
    })
}

/// Keeps `other` beside the current text of `row` as an open conflict.
pub(crate) fn keep(
    tx: &WriteTx,
    row: &VersionRow,
    base: i64,
    current_number: i64,
    other: &PostText,
    origin: Origin,
) -> Result<String> {
    let uid = ids::new_id();
    let tags = snapshot::tags_json(&other.tags);
    let sql = format!(
        "INSERT INTO conflicts (uid, version_id, base_number, current_number, origin, created_at, {}) \
         VALUES (?, ?, ?, ?, ?, ?, {})",
        snapshot::COLUMNS,
        snapshot::PLACEHOLDERS
    );
    let (origin, now) = (origin.as_str(), tx.now());
    let head: [&dyn ToSql; 6] = [&uid, &row.version_id, &base, &current_number, &origin, &now];
    tx.prepare_cached(&sql)?.execute(params_from_iter(
        head.into_iter().chain(snapshot::values(other, &tags)),
    ))?;
    tx.touched(
        RecordKind::Conflict,
        &uid,
        ChangeAction::Created,
        &row.post.id,
        Some(&row.post.lang),
    );
    Ok(uid)
}

/// Ends an open conflict; returns the language version as it is afterwards.
pub fn resolve(tx: &WriteTx, id: &str, resolution: Resolution) -> Result<Post> {
    let conflict_row = ids::resolve(tx, "conflicts", id, "AND resolved_at IS NULL", |id| {
        Error::ConflictNotFound { id }
    })?;
    let (uid, post_row, lang): (String, i64, String) = tx.query_row(
        "SELECT c.uid, v.post_id, v.lang FROM conflicts c \
         JOIN language_versions v ON v.id = c.version_id WHERE c.id = ?1",
        [conflict_row],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let row = rows::load(tx, post_row, Some(&lang))?;
    if resolution == Resolution::TakeOther {
        let conflict = read(tx, conflict_row, &row.post.text)?;
        revisions::write_text(
            tx,
            &row,
            &conflict.other.normalized(),
            RevisionKind::Resolve,
            false,
            crate::translation::TextChange::Whole { minor: false },
        )?;
    }
    tx.prepare_cached("UPDATE conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1")?
        .execute(params![
            conflict_row,
            tx.now(),
            match resolution {
                Resolution::KeepCurrent => "kept_current",
                Resolution::TakeOther => "took_other",
            }
        ])?;
    tx.touched(
        RecordKind::Conflict,
        &uid,
        ChangeAction::Updated,
        &row.post.id,
        Some(&lang),
    );
    Ok(rows::load(tx, post_row, Some(&lang))?.post)
}

/// Kept conflicts: `library.conflicts()`.
pub struct Conflicts<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn conflicts(&self) -> Conflicts<'_> {
        Conflicts { lib: self }
    }
}

/// An open conflict with the post and language it belongs to (`conflicts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OpenConflict {
    pub post: String,
    pub lang: String,
    /// The current title, to recognise the post by.
    pub title: String,
    #[serde(flatten)]
    pub conflict: Conflict,
}

impl Conflicts<'_> {
    /// Every open conflict of the library's live posts, oldest first.
    pub fn open(&self) -> Result<Vec<OpenConflict>> {
        self.lib.read(|c| {
            let found: Vec<(i64, i64, String)> = c
                .prepare_cached(
                    "SELECT k.id, v.post_id, v.lang FROM conflicts k \
                     JOIN language_versions v ON v.id = k.version_id \
                     JOIN posts p ON p.id = v.post_id \
                     WHERE k.resolved_at IS NULL AND p.deleted_at IS NULL ORDER BY k.id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::with_capacity(found.len());
            for (row, post_row, lang) in found {
                let version = rows::load(c, post_row, Some(&lang))?;
                out.push(OpenConflict {
                    conflict: read(c, row, &version.post.text)?,
                    post: version.post.id,
                    title: version.post.text.title,
                    lang,
                });
            }
            Ok(out)
        })
    }

    /// Ends conflict `id` (or an unambiguous prefix of it) as chosen.
    pub fn resolve(&self, id: &str, resolution: Resolution) -> Result<Post> {
        self.lib.change(|tx| resolve(tx, id, resolution))
    }
}
