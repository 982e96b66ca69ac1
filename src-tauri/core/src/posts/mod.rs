//! Posts: translation groups of language versions, their text fields, tags and
//! listing. Saving and revisions live in `revisions`; figures in `stats`.

pub mod revisions;
pub mod stats;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Result};
pub use stats::{slugify, TextStats};

/// The text of one language version: everything an editor writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostText {
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    /// The place/date line printed above the text ("Paris, 12 mars 2026").
    pub place_line: String,
    /// The text proposed when the post is shared on social networks.
    pub share_text: String,
    pub author: String,
}

impl PostText {
    /// Trims what people never mean to keep and drops empty or repeated tags.
    pub fn normalized(mut self) -> Self {
        let mut tags: Vec<String> = Vec::with_capacity(self.tags.len());
        for tag in self.tags.drain(..) {
            let tag = tag.trim().to_string();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        self.tags = tags;
        self.title = self.title.trim().to_string();
        self.slug = self.slug.trim().to_string();
        self
    }
}

/// One language version of a post, as the editor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Post {
    #[ts(type = "number")]
    pub id: i64,
    pub lang: String,
    pub source_lang: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub text: PostText,
    pub created_at: String,
    pub updated_at: String,
    /// The number of the latest revision of this language version.
    #[ts(type = "number")]
    pub revision: i64,
    pub stats: TextStats,
}

/// A line of the library list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PostSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub words: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct NewPost {
    pub title: String,
    /// The language of this first version; the library's source language if none.
    pub lang: Option<String>,
    pub body: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ListSort {
    #[default]
    Updated,
    Created,
    Title,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ListQuery {
    pub lang: Option<String>,
    pub tag: Option<String>,
    pub sort: ListSort,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagCount {
    pub tag: String,
    pub posts: u32,
}

/// What is stored about one language version, with its row id.
pub(crate) struct VersionRow {
    pub version_id: i64,
    pub post: Post,
}

const VERSION_COLUMNS: &str =
    "v.id, v.post_id, v.lang, p.source_lang, v.title, v.slug, v.summary, \
     v.body, v.place_line, v.share_text, v.author, v.created_at, v.updated_at, v.word_count, \
     (SELECT max(number) FROM revisions r WHERE r.version_id = v.id)";

fn version_from_row(row: &Row) -> rusqlite::Result<VersionRow> {
    let body: String = row.get(7)?;
    let words: u32 = row.get(13)?;
    let stats = TextStats {
        words,
        reading_minutes: stats::reading_minutes(words),
        characters: body.chars().count() as u32,
    };
    Ok(VersionRow {
        version_id: row.get(0)?,
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
        },
    })
}

/// Loads a language version; `lang = None` means the post's source language.
pub(crate) fn load(conn: &Connection, id: i64, lang: Option<&str>) -> Result<VersionRow> {
    let source: Option<String> = conn
        .query_row(
            "SELECT source_lang FROM posts WHERE id = ?1 AND deleted_at IS NULL",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let source = source.ok_or(Error::PostNotFound { id })?;
    let lang = lang.unwrap_or(&source);
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE v.post_id = ?1 AND v.lang = ?2"
    );
    let mut row = conn
        .query_row(&sql, params![id, lang], version_from_row)
        .optional()?
        .ok_or_else(|| Error::LanguageNotFound {
            id,
            lang: lang.to_string(),
        })?;
    row.post.text.tags = tags_of(conn, row.version_id)?;
    Ok(row)
}

pub(crate) fn tags_of(conn: &Connection, version_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT tag FROM version_tags WHERE version_id = ?1 ORDER BY position")?;
    let tags = stmt
        .query_map([version_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

pub(crate) fn write_tags(conn: &Connection, version_id: i64, tags: &[String]) -> Result<()> {
    conn.prepare_cached("DELETE FROM version_tags WHERE version_id = ?1")?
        .execute([version_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO version_tags (version_id, position, tag) VALUES (?1, ?2, ?3)",
    )?;
    for (i, tag) in tags.iter().enumerate() {
        insert.execute(params![version_id, i as i64, tag])?;
    }
    Ok(())
}

/// Inserts a new post with its first language version; returns (post id, version id).
pub(crate) fn insert(
    conn: &Connection,
    lang: &str,
    text: &PostText,
    created_at: i64,
    updated_at: i64,
) -> Result<(i64, i64)> {
    conn.prepare_cached("INSERT INTO posts (source_lang, created_at) VALUES (?1, ?2)")?
        .execute(params![lang, created_at])?;
    let post_id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO language_versions (post_id, lang, title, slug, summary, body, place_line, \
         share_text, author, word_count, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        post_id,
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
    let version_id = conn.last_insert_rowid();
    write_tags(conn, version_id, &text.tags)?;
    Ok((post_id, version_id))
}

/// Writes new text over a language version. Title and body are only written when
/// they changed, so the search index is only touched when it must be.
pub(crate) fn update_text(
    conn: &Connection,
    version_id: i64,
    old: &PostText,
    new: &PostText,
    updated_at: i64,
) -> Result<()> {
    if old.title != new.title || old.body != new.body {
        conn.prepare_cached(
            "UPDATE language_versions SET title = ?2, body = ?3, word_count = ?4 WHERE id = ?1",
        )?
        .execute(params![
            version_id,
            new.title,
            new.body,
            stats::word_count(&new.body)
        ])?;
    }
    conn.prepare_cached(
        "UPDATE language_versions SET slug = ?2, summary = ?3, place_line = ?4, share_text = ?5, \
         author = ?6, updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![
        version_id,
        new.slug,
        new.summary,
        new.place_line,
        new.share_text,
        new.author,
        updated_at
    ])?;
    if old.tags != new.tags {
        write_tags(conn, version_id, &new.tags)?;
    }
    Ok(())
}

pub(crate) fn list(conn: &Connection, q: &ListQuery) -> Result<Vec<PostSummary>> {
    let order = match q.sort {
        ListSort::Updated => "v.updated_at DESC, v.id DESC",
        ListSort::Created => "v.created_at DESC, v.id DESC",
        ListSort::Title => "v.title COLLATE NOCASE, v.id",
    };
    let limit = if q.limit == 0 { 100 } else { q.limit };
    // Tags come in the same query (one JSON array per row): a list of 100 posts
    // is one statement, not 101.
    let sql = format!(
        "SELECT v.post_id, v.lang, v.title, v.summary, v.word_count, v.created_at, v.updated_at, \
           (SELECT json_group_array(tag) FROM \
              (SELECT tag FROM version_tags t WHERE t.version_id = v.id ORDER BY position)) \
         FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE p.deleted_at IS NULL AND (?1 IS NULL OR v.lang = ?1) \
           AND (?2 IS NULL OR v.id IN (SELECT version_id FROM version_tags WHERE tag = ?2)) \
         ORDER BY {order} LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params![q.lang, q.tag, limit, q.offset], |r| {
            let tags: String = r.get(7)?;
            Ok(PostSummary {
                id: r.get(0)?,
                lang: r.get(1)?,
                title: r.get(2)?,
                summary: r.get(3)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                words: r.get(4)?,
                created_at: clock::to_text(r.get(5)?),
                updated_at: clock::to_text(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM posts WHERE deleted_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn tag_counts(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.tag, count(DISTINCT v.post_id) FROM version_tags t \
         JOIN language_versions v ON v.id = t.version_id JOIN posts p ON p.id = v.post_id \
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
pub(crate) fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute(
        "UPDATE posts SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![id, clock::now_ms()],
    )?;
    if n == 0 {
        return Err(Error::PostNotFound { id });
    }
    Ok(())
}

/// All live post ids, oldest first (for "export --all").
pub(crate) fn all_ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM posts WHERE deleted_at IS NULL ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}
