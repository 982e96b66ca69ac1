//! Saving a language version and the revisions each save leaves: history, diff
//! between any two revisions, and restore (which adds a revision, so nothing newer
//! is ever lost).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

use super::{load, update_text, PostText, VersionRow};
use crate::clock;
use crate::error::{Error, Result};

/// Consecutive autosaves within this window refine one revision instead of
/// piling up one per pause in typing; any other save starts a new one.
pub const AUTOSAVE_WINDOW_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    Created,
    Edit,
    Autosave,
    Restore,
    Import,
}

impl RevisionKind {
    fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Created => "created",
            RevisionKind::Edit => "edit",
            RevisionKind::Autosave => "autosave",
            RevisionKind::Restore => "restore",
            RevisionKind::Import => "import",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "created" => RevisionKind::Created,
            "autosave" => RevisionKind::Autosave,
            "restore" => RevisionKind::Restore,
            "import" => RevisionKind::Import,
            _ => RevisionKind::Edit,
        }
    }
}

/// A save of a language version's whole text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SaveRequest {
    #[ts(type = "number")]
    pub id: i64,
    pub lang: String,
    pub text: PostText,
    pub kind: RevisionKind,
    /// Names the resulting revision ("sent to the press office"), as Ctrl+S does.
    pub revision_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RevisionSummary {
    #[ts(type = "number")]
    pub number: i64,
    pub kind: RevisionKind,
    pub name: Option<String>,
    pub created_at: String,
    pub title: String,
    pub words: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Revision {
    #[ts(type = "number")]
    pub number: i64,
    pub kind: RevisionKind,
    pub name: Option<String>,
    pub created_at: String,
    pub text: PostText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What changed between two revisions: the short fields one by one, the body
/// line by line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RevisionDiff {
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    pub fields: Vec<FieldChange>,
    pub body: Vec<DiffLine>,
}

/// Records the revision for a language version whose row already holds `text`.
pub(crate) fn record(
    conn: &Connection,
    version_id: i64,
    text: &PostText,
    kind: RevisionKind,
    at: i64,
) -> Result<i64> {
    let last: Option<(i64, String, Option<String>, i64)> = conn
        .prepare_cached(
            "SELECT number, kind, name, created_at FROM revisions WHERE version_id = ?1 \
             ORDER BY number DESC LIMIT 1",
        )?
        .query_row([version_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let tags = serde_json::to_string(&text.tags).expect("a list of strings always serialises");
    if let Some((number, last_kind, None, last_at)) = &last {
        if kind == RevisionKind::Autosave
            && last_kind == "autosave"
            && at - last_at < AUTOSAVE_WINDOW_MS
        {
            conn.prepare_cached(
                "UPDATE revisions SET created_at = ?3, title = ?4, slug = ?5, summary = ?6, body = ?7, \
                 tags = ?8, place_line = ?9, share_text = ?10, author = ?11 \
                 WHERE version_id = ?1 AND number = ?2",
            )?
            .execute(params![
                version_id, number, at, text.title, text.slug, text.summary, text.body, tags,
                text.place_line, text.share_text, text.author
            ])?;
            return Ok(*number);
        }
    }
    let number = last.map_or(1, |l| l.0 + 1);
    conn.prepare_cached(
        "INSERT INTO revisions (version_id, number, kind, created_at, title, slug, summary, body, \
         tags, place_line, share_text, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        version_id, number, kind.as_str(), at, text.title, text.slug, text.summary, text.body, tags,
        text.place_line, text.share_text, text.author
    ])?;
    Ok(number)
}

/// Saves a language version. Unchanged text leaves no revision (but a requested
/// name still lands on the latest one). Runs inside the caller's transaction.
pub(crate) fn save(conn: &Connection, req: SaveRequest) -> Result<VersionRow> {
    let VersionRow { version_id, post } = load(conn, req.id, Some(&req.lang))?;
    let text = req.text.normalized();
    if text != post.text {
        let now = clock::now_ms();
        update_text(conn, version_id, &post.text, &text, now)?;
        record(conn, version_id, &text, req.kind, now)?;
    }
    if let Some(name) = req.revision_name.as_deref().map(str::trim) {
        conn.prepare_cached(
            "UPDATE revisions SET name = ?2 WHERE version_id = ?1 \
             AND number = (SELECT max(number) FROM revisions WHERE version_id = ?1)",
        )?
        .execute(params![version_id, (!name.is_empty()).then_some(name)])?;
    }
    load(conn, req.id, Some(&req.lang))
}

pub(crate) fn history(
    conn: &Connection,
    id: i64,
    lang: Option<&str>,
) -> Result<Vec<RevisionSummary>> {
    let row = load(conn, id, lang)?;
    let mut stmt = conn.prepare_cached(
        "SELECT number, kind, name, created_at, title, body FROM revisions \
         WHERE version_id = ?1 ORDER BY number",
    )?;
    let revisions = stmt
        .query_map([row.version_id], |r| {
            Ok(RevisionSummary {
                number: r.get(0)?,
                kind: RevisionKind::parse(&r.get::<_, String>(1)?),
                name: r.get(2)?,
                created_at: clock::to_text(r.get(3)?),
                title: r.get(4)?,
                words: super::stats::word_count(&r.get::<_, String>(5)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(revisions)
}

pub(crate) fn revision(
    conn: &Connection,
    id: i64,
    lang: Option<&str>,
    number: i64,
) -> Result<Revision> {
    let row = load(conn, id, lang)?;
    conn.prepare_cached(
        "SELECT kind, name, created_at, title, slug, summary, body, tags, place_line, share_text, author \
         FROM revisions WHERE version_id = ?1 AND number = ?2",
    )?
    .query_row(params![row.version_id, number], |r| {
        let tags: String = r.get(7)?;
        Ok(Revision {
            number,
            kind: RevisionKind::parse(&r.get::<_, String>(0)?),
            name: r.get(1)?,
            created_at: clock::to_text(r.get(2)?),
            text: PostText {
                title: r.get(3)?,
                slug: r.get(4)?,
                summary: r.get(5)?,
                body: r.get(6)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                place_line: r.get(8)?,
                share_text: r.get(9)?,
                author: r.get(10)?,
            },
        })
    })
    .optional()?
    .ok_or_else(|| Error::RevisionNotFound {
        id,
        lang: row.post.lang.clone(),
        number,
    })
}

/// Diff from revision `from` to revision `to` (the latest when `None`).
pub(crate) fn diff(
    conn: &Connection,
    id: i64,
    lang: Option<&str>,
    from: i64,
    to: Option<i64>,
) -> Result<RevisionDiff> {
    let to = match to {
        Some(n) => n,
        None => load(conn, id, lang)?.post.revision,
    };
    let a = revision(conn, id, lang, from)?;
    let b = revision(conn, id, lang, to)?;
    Ok(RevisionDiff {
        from,
        to,
        fields: field_changes(&a.text, &b.text),
        body: diff_lines(&a.text.body, &b.text.body),
    })
}

fn field_changes(a: &PostText, b: &PostText) -> Vec<FieldChange> {
    let pairs = [
        ("title", a.title.clone(), b.title.clone()),
        ("slug", a.slug.clone(), b.slug.clone()),
        ("summary", a.summary.clone(), b.summary.clone()),
        ("tags", a.tags.join(", "), b.tags.join(", ")),
        ("place_line", a.place_line.clone(), b.place_line.clone()),
        ("share_text", a.share_text.clone(), b.share_text.clone()),
        ("author", a.author.clone(), b.author.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| FieldChange {
            field: field.to_string(),
            before,
            after,
        })
        .collect()
}

pub fn diff_lines(before: &str, after: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                ChangeTag::Equal => LineChange::Same,
                ChangeTag::Insert => LineChange::Added,
                ChangeTag::Delete => LineChange::Removed,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}
