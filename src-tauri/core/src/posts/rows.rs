//! The SQL of posts and language versions: loading, inserting, updating text and
//! tags, listing. Writes take a `WriteTx` and say which records they touched.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::conflicts;
use super::stats;
use super::{ListQuery, ListSort, Post, PostSummary, PostText, TagCount, TextStats};
use crate::clock;
use crate::error::{Error, Result};
use crate::ids;
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// What is stored about one language version, with its row ids.
pub(crate) struct VersionRow {
    pub post_row: i64,
    pub version_id: i64,
    pub version_uid: String,
    pub post: Post,
}

impl VersionRow {
    /// Names this language version as changed in the write's change set.
    pub(crate) fn touched(&self, tx: &WriteTx) {
        tx.touched(
            RecordKind::LanguageVersion,
            &self.version_uid,
            ChangeAction::Updated,
            &self.post.id,
            Some(&self.post.lang),
        );
    }
}

const VERSION_COLUMNS: &str = "v.id, p.uid, v.lang, p.source_lang, v.title, v.slug, v.summary, \
     v.body, v.place_line, v.share_text, v.author, v.created_at, v.updated_at, v.word_count, \
     (SELECT max(number) FROM revisions r WHERE r.version_id = v.id), v.uid, p.id";

fn version_from_row(row: &Row) -> rusqlite::Result<VersionRow> {
    let body: String = row.get(7)?;
    let words: u32 = row.get(13)?;
    let stats = TextStats {
        words,
        reading_minutes: stats::reading_minutes(words),
        characters: body.chars().count() as u32,
    };
    Ok(VersionRow {
        post_row: row.get(16)?,
        version_id: row.get(0)?,
        version_uid: row.get(15)?,
        post: Post {
            id: row.get(1)?,
            lang: row.get(2)?,
            source_lang: row.get(3)?,
            text: PostText {
                title: row.get(4)?,
                slug: row.get(5)?,
                summary: row.get(6)?,
                body,
                tags: Vec::new(),
                place_line: row.get(8)?,
                share_text: row.get(9)?,
                author: row.get(10)?,
            },
            created_at: clock::to_text(row.get(11)?),
            updated_at: clock::to_text(row.get(12)?),
            revision: row.get::<_, Option<i64>>(14)?.unwrap_or(0),
            stats,
            conflict: None,
        },
    })
}

/// The row id of the live post whose id is `id` or starts with it.
pub(crate) fn resolve(conn: &Connection, id: &str) -> Result<i64> {
    ids::resolve(conn, "posts", id, "AND deleted_at IS NULL", |id| {
        Error::PostNotFound { id }
    })
}

/// Loads a language version of the post at row `post_row`; `lang = None` means
/// the post's source language. The open conflict, if any, comes with it.
pub(crate) fn load(conn: &Connection, post_row: i64, lang: Option<&str>) -> Result<VersionRow> {
    let (uid, source): (String, String) = conn
        .prepare_cached("SELECT uid, source_lang FROM posts WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([post_row], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::PostNotFound {
            id: post_row.to_string(),
        })?;
    let lang = lang.unwrap_or(&source);
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE v.post_id = ?1 AND v.lang = ?2"
    );
    let mut row = conn
        .prepare_cached(&sql)?
        .query_row(params![post_row, lang], version_from_row)
        .optional()?
        .ok_or_else(|| Error::LanguageNotFound {
            id: uid,
            lang: lang.to_string(),
        })?;
    row.post.text.tags = tags_of(conn, row.version_id)?;
    row.post.conflict = conflicts::open_for(conn, row.version_id, &row.post.text)?;
    Ok(row)
}

/// Resolves `id` (or a prefix of it) and loads that language version.
pub(crate) fn load_by_id(conn: &Connection, id: &str, lang: Option<&str>) -> Result<VersionRow> {
    load(conn, resolve(conn, id)?, lang)
}

pub(crate) fn tags_of(conn: &Connection, version_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT tag FROM version_tags WHERE version_id = ?1 ORDER BY position")?;
    let tags = stmt
        .query_map([version_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

fn write_tags(tx: &WriteTx, version_id: i64, tags: &[String]) -> Result<()> {
    tx.prepare_cached("DELETE FROM version_tags WHERE version_id = ?1")?
        .execute([version_id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO version_tags (version_id, position, tag) VALUES (?1, ?2, ?3)",
    )?;
    for (i, tag) in tags.iter().enumerate() {
        insert.execute(params![version_id, i as i64, tag])?;
    }
    Ok(())
}

/// Inserts a new post, whose global id is `post_uid`, with its first language
/// version (global id `version_uid`); returns the post's row id.
pub(crate) fn insert(
    tx: &WriteTx,
    (post_uid, version_uid): (&str, &str),
    lang: &str,
    text: &PostText,
    created_at: i64,
    updated_at: i64,
) -> Result<i64> {
    tx.prepare_cached("INSERT INTO posts (uid, source_lang, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![post_uid, lang, created_at])?;
    let post_row = tx.last_insert_rowid();
    tx.touched(
        RecordKind::Post,
        post_uid,
        ChangeAction::Created,
        post_uid,
        None,
    );
    insert_text(
        tx,
        post_row,
        (post_uid, version_uid),
        lang,
        text,
        (created_at, updated_at),
    )?;
    Ok(post_row)
}

/// Adds the `lang` version of an existing post (a translation), whose global
/// id is `version_uid`, and loads it.
pub(crate) fn insert_version(
    tx: &WriteTx,
    post_row: i64,
    version_uid: &str,
    lang: &str,
    text: &PostText,
    created_at: i64,
    updated_at: i64,
) -> Result<VersionRow> {
    let post_uid: String =
        tx.query_row("SELECT uid FROM posts WHERE id = ?1", [post_row], |r| {
            r.get(0)
        })?;
    insert_text(
        tx,
        post_row,
        (&post_uid, version_uid),
        lang,
        text,
        (created_at, updated_at),
    )?;
    load(tx, post_row, Some(lang))
}

fn insert_text(
    tx: &WriteTx,
    post_row: i64,
    (post_uid, version_uid): (&str, &str),
    lang: &str,
    text: &PostText,
    (created_at, updated_at): (i64, i64),
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO language_versions (uid, post_id, lang, title, slug, summary, body, place_line, \
         share_text, author, word_count, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        version_uid,
        post_row,
        lang,
        text.title,
        text.slug,
        text.summary,
        text.body,
        text.place_line,
        text.share_text,
        text.author,
        stats::word_count(&text.body),
        created_at,
        updated_at
    ])?;
    let version_id = tx.last_insert_rowid();
    write_tags(tx, version_id, &text.tags)?;
    tx.touched(
        RecordKind::LanguageVersion,
        version_uid,
        ChangeAction::Created,
        post_uid,
        Some(lang),
    );
    Ok(())
}

/// Writes new text over a language version. Title and body are only written when
/// they changed, so the search index is only touched when it must be.
pub(crate) fn update_text(tx: &WriteTx, row: &VersionRow, new: &PostText) -> Result<()> {
    let old = &row.post.text;
    if old.title != new.title || old.body != new.body {
        tx.prepare_cached(
            "UPDATE language_versions SET title = ?2, body = ?3, word_count = ?4 WHERE id = ?1",
        )?
        .execute(params![
            row.version_id,
            new.title,
            new.body,
            stats::word_count(&new.body)
        ])?;
    }
    tx.prepare_cached(
        "UPDATE language_versions SET slug = ?2, summary = ?3, place_line = ?4, share_text = ?5, \
         author = ?6, updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![
        row.version_id,
        new.slug,
        new.summary,
        new.place_line,
        new.share_text,
        new.author,
        tx.now()
    ])?;
    if old.tags != new.tags {
        write_tags(tx, row.version_id, &new.tags)?;
    }
    row.touched(tx);
    Ok(())
}

/// A page of the library list. `site` gives the languages each row reports on.
pub(crate) fn list(conn: &Connection, q: &ListQuery, site: &[String]) -> Result<Vec<PostSummary>> {
    let order = match q.sort {
        ListSort::Updated => "v.updated_at DESC, v.id DESC",
        ListSort::Created => "v.created_at DESC, v.id DESC",
        ListSort::Title => "v.title COLLATE NOCASE, v.id",
    };
    let limit = if q.limit == 0 { 100 } else { q.limit };
    // Tags come in the same query (one JSON array per row): a list of 100 posts
    // is one statement, not 101.
    let sql = format!(
        "SELECT p.uid, v.lang, v.title, v.summary, v.word_count, v.created_at, v.updated_at, \
           (SELECT json_group_array(tag) FROM \
              (SELECT tag FROM version_tags t WHERE t.version_id = v.id ORDER BY position)), \
           EXISTS (SELECT 1 FROM conflicts c WHERE c.version_id = v.id AND c.resolved_at IS NULL), \
           p.source_lang, \
           (SELECT json_group_array(json_array(t.lang, t.blocks_outdated, t.blocks_missing, \
              t.blocks_orphaned)) FROM language_versions t WHERE t.post_id = p.id), \
           (SELECT json_group_array(json_array(n.lang, n.decided_by, n.reason, n.decided_at)) \
              FROM translation_plans n WHERE n.post_id = p.id) \
         FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE p.deleted_at IS NULL AND (?1 IS NULL OR v.lang = ?1) \
           AND (?2 IS NULL OR v.id IN (SELECT version_id FROM version_tags WHERE tag = ?2)) \
           AND (?5 IS NULL OR (v.lang = p.source_lang AND p.source_lang <> ?5 \
             AND NOT EXISTS (SELECT 1 FROM translation_plans n WHERE n.post_id = p.id AND n.lang = ?5) \
             AND NOT EXISTS (SELECT 1 FROM language_versions t WHERE t.post_id = p.id \
               AND t.lang = ?5 AND t.blocks_outdated + t.blocks_missing + t.blocks_orphaned = 0))) \
         ORDER BY {order} LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(
            params![q.lang, q.tag, limit, q.offset, q.needs_translation],
            |r| {
                Ok((
                    PostSummary {
                        id: r.get(0)?,
                        lang: r.get(1)?,
                        title: r.get(2)?,
                        summary: r.get(3)?,
                        tags: Vec::new(),
                        words: r.get(4)?,
                        created_at: clock::to_text(r.get(5)?),
                        updated_at: clock::to_text(r.get(6)?),
                        in_conflict: r.get(8)?,
                        languages: Vec::new(),
                    },
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                ))
            },
        )?
        .map(|row| {
            let (mut summary, tags, source, versions, plans) = row?;
            let bad = |what: &str, e: serde_json::Error| {
                Error::corrupt(format!("the {what} of post {}: {e}", summary.id))
            };
            summary.tags = serde_json::from_str(&tags).map_err(|e| bad("tags", e))?;
            let versions: Vec<(String, u32, u32, u32)> =
                serde_json::from_str(&versions).map_err(|e| bad("languages", e))?;
            let plans: Vec<(String, String, String, i64)> =
                serde_json::from_str(&plans).map_err(|e| bad("translation plans", e))?;
            summary.languages = crate::translation::completeness(&source, site, &versions, &plans);
            Ok(summary)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// As many posts as the library can hold now, deleted ones included: the
/// largest row id, found without a scan. A size to reserve, not a count.
pub(crate) fn most(conn: &Connection) -> Result<usize> {
    let most: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM posts")?
        .query_row([], |r| r.get(0))?;
    Ok(usize::try_from(most).unwrap_or(0))
}

pub(crate) fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM posts WHERE deleted_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn tag_counts(conn: &Connection) -> Result<Vec<TagCount>> {
    // Posts → versions → tags, in this order (CROSS JOIN fixes it): the versions
    // are reached through their (post_id, lang) index, never their rows, whose
    // bodies would fill the page cache (16 MB on 10,000 posts at start-up).
    let mut stmt = conn.prepare_cached(
        "SELECT t.tag, count(DISTINCT v.post_id) FROM posts p \
         CROSS JOIN language_versions v ON v.post_id = p.id \
         CROSS JOIN version_tags t ON t.version_id = v.id \
         WHERE p.deleted_at IS NULL GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 200",
    )?;
    let tags = stmt
        .query_map([], |r| {
            Ok(TagCount {
                tag: r.get(0)?,
                posts: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

/// Marks a post deleted. The row stays as a tombstone so that sync can tell the
/// publishing backend; lists and search no longer show it.
pub(crate) fn delete(tx: &WriteTx, id: &str) -> Result<()> {
    let row = resolve(tx, id)?;
    let uid: String = tx.query_row("SELECT uid FROM posts WHERE id = ?1", [row], |r| r.get(0))?;
    tx.execute(
        "UPDATE posts SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![row, tx.now()],
    )?;
    tx.touched(RecordKind::Post, &uid, ChangeAction::Deleted, &uid, None);
    Ok(())
}

/// Whether a post with global id `uid` was ever in this library, and if so
/// whether it is deleted (its tombstone keeps the id until sync).
pub(crate) fn uid_state(conn: &Connection, uid: &str) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT deleted_at IS NOT NULL FROM posts WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// All live post ids, oldest first (for "export --all").
pub(crate) fn all_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT uid FROM posts WHERE deleted_at IS NULL ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The languages a post has, its source language first.
pub(crate) fn languages_of(conn: &Connection, post_row: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.lang FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE v.post_id = ?1 ORDER BY v.lang <> p.source_lang, v.lang",
    )?;
    let langs = stmt
        .query_map([post_row], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(langs)
}
