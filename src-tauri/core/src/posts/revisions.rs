//! Saving a language version and the revisions each save leaves: history, diff
//! between any two revisions, and restore (which adds a revision, so nothing newer
//! is ever lost). A save names the revision its text was made from; when the text
//! changed since, the two changes are merged, or both are kept as a conflict.
//!
//! A revision number always names one exact text: consecutive autosaves fold
//! into one revision, which then takes the next number, so a writer still
//! holding the folded number learns that its base is gone instead of merging
//! against a text it never saw.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

use super::conflicts;
use super::merge::{merge_post_text, PostMerge};
use super::rows::{self, VersionRow};
use super::snapshot::{self, Stored};
use super::{stats, Post, PostText};
use crate::clock;
use crate::error::{Error, Result};
use crate::ids;
use crate::library::Library;
use crate::store::write::{ChangeAction, Origin, RecordKind, WriteTx};
use crate::translation::{self, TextChange};

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
    /// Two changes made from the same revision, merged.
    Merge,
    /// A kept conflict ended by taking the other text.
    Resolve,
    /// A text written on another desktop or on the site, brought by sync.
    Sync,
}

impl RevisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Created => "created",
            RevisionKind::Edit => "edit",
            RevisionKind::Autosave => "autosave",
            RevisionKind::Restore => "restore",
            RevisionKind::Import => "import",
            RevisionKind::Merge => "merge",
            RevisionKind::Resolve => "resolve",
            RevisionKind::Sync => "sync",
        }
    }

    /// A kind this Valise does not know is an error, never a guess: restoring a
    /// revision read wrongly could lose text.
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "created" => RevisionKind::Created,
            "edit" => RevisionKind::Edit,
            "autosave" => RevisionKind::Autosave,
            "restore" => RevisionKind::Restore,
            "import" => RevisionKind::Import,
            "merge" => RevisionKind::Merge,
            "resolve" => RevisionKind::Resolve,
            "sync" => RevisionKind::Sync,
            other => {
                return Err(Error::corrupt(format!(
                    "a revision of unknown kind {other:?}"
                )))
            }
        })
    }
}

/// A save of a language version's whole text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SaveRequest {
    /// The post's id (or an unambiguous prefix of at least 8 characters).
    pub id: String,
    pub lang: String,
    pub text: PostText,
    pub kind: RevisionKind,
    /// Names the resulting revision ("sent to the press office"), as Ctrl+S does.
    pub revision_name: Option<String>,
    /// The revision this text was made from; `None` applies it to the current text.
    #[ts(type = "number | null")]
    pub base: Option<i64>,
    /// A source change translations need not follow (a typo fix): translation
    /// blocks that were current stay current. Recorded on the revision.
    #[serde(default)]
    pub minor: bool,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SaveResult {
    /// The text was already the current text.
    Unchanged,
    Saved,
    /// The text had changed since the base; both changes are in the saved text.
    Merged,
    /// The changes overlapped: both texts are kept and the post shows a conflict.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SaveOutcome {
    pub post: Post,
    pub result: SaveResult,
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
    /// Saved as a minor edit of the source: translations were not outdated.
    pub minor: bool,
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

/// Records revision `number` of a language version whose row holds `text`.
pub(crate) fn insert(
    tx: &WriteTx,
    row: &VersionRow,
    number: i64,
    text: &PostText,
    kind: RevisionKind,
) -> Result<i64> {
    let uid = ids::new_id();
    let tags = snapshot::tags_json(&text.tags);
    let sql = format!(
        "INSERT INTO revisions (uid, version_id, number, kind, created_at, word_count, {}) \
         VALUES (?, ?, ?, ?, ?, ?, {})",
        snapshot::COLUMNS,
        snapshot::PLACEHOLDERS
    );
    let (kind, now, words) = (kind.as_str(), tx.now(), stats::word_count(&text.body));
    let head: [&dyn ToSql; 6] = [&uid, &row.version_id, &number, &kind, &now, &words];
    tx.prepare_cached(&sql)?.execute(params_from_iter(
        head.into_iter().chain(snapshot::values(text, &tags)),
    ))?;
    tx.touched(
        RecordKind::Revision,
        &uid,
        ChangeAction::Created,
        &row.post.id,
        Some(&row.post.lang),
    );
    Ok(number)
}

/// Writes `text` over the language version and records its revision. An
/// autosave may fold into the latest revision (`may_fold`) when that one is an
/// unnamed autosave less than `AUTOSAVE_WINDOW_MS` old: the folded revision is
/// replaced by the new one, under the next number and a new id. Returns the
/// new revision's number.
pub(crate) fn write_text(
    tx: &WriteTx,
    row: &VersionRow,
    text: &PostText,
    kind: RevisionKind,
    may_fold: bool,
    change: TextChange,
) -> Result<i64> {
    rows::update_text(tx, row, text)?;
    let minor = matches!(change, TextChange::Whole { minor: true });
    translation::text_written(tx, row, &row.post.text, text, change)?;
    if may_fold && kind == RevisionKind::Autosave {
        let folded: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, uid FROM revisions WHERE version_id = ?1 AND number = ?2 \
                 AND kind = 'autosave' AND name IS NULL AND created_at > ?3",
            )?
            .query_row(
                params![
                    row.version_id,
                    row.post.revision,
                    tx.now() - AUTOSAVE_WINDOW_MS
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((folded_row, folded_uid)) = folded {
            tx.prepare_cached("DELETE FROM revisions WHERE id = ?1")?
                .execute([folded_row])?;
            tx.touched(
                RecordKind::Revision,
                &folded_uid,
                ChangeAction::Deleted,
                &row.post.id,
                Some(&row.post.lang),
            );
        }
    }
    let number = insert(tx, row, row.post.revision + 1, text, kind)?;
    if minor {
        tx.prepare_cached("UPDATE revisions SET minor = 1 WHERE version_id = ?1 AND number = ?2")?
            .execute(params![row.version_id, number])?;
    }
    Ok(number)
}

/// The text of revision `number`, if it still exists (a folded autosave does not).
fn stored_text(conn: &Connection, version_id: i64, number: i64) -> Result<Option<PostText>> {
    read_revision(conn, version_id, number).map(|r| r.map(|r| r.text))
}

/// Saves a language version (see `SaveRequest`). Unchanged text leaves no
/// revision (but a requested name still lands on the latest one).
pub(crate) fn save(tx: &WriteTx, req: SaveRequest) -> Result<SaveOutcome> {
    let change = TextChange::Whole { minor: req.minor };
    save_with(tx, req, change)
}

/// `save`, saying how the text was written (`TextChange::Units` from the
/// side-by-side editor). A merged text was written by no one as such: its
/// translation units are found again from the whole text.
pub(crate) fn save_with(tx: &WriteTx, req: SaveRequest, change: TextChange) -> Result<SaveOutcome> {
    let minor = req.minor;
    let row = rows::load_by_id(tx, &req.id, Some(&req.lang))?;
    let incoming = req.text.normalized();
    let head = row.post.revision;
    let base = req.base.unwrap_or(head);
    if base < 1 || base > head {
        return Err(Error::RevisionNotFound {
            id: row.post.id.clone(),
            lang: row.post.lang.clone(),
            number: base,
        });
    }
    let current = &row.post.text;
    let result = if base == head {
        if incoming == *current {
            SaveResult::Unchanged
        } else {
            write_text(tx, &row, &incoming, req.kind, true, change)?;
            SaveResult::Saved
        }
    } else {
        let merged = match stored_text(tx, row.version_id, base)? {
            Some(base_text) => merge_post_text(&base_text, current, &incoming),
            // The base was folded into a later autosave: without it, only an
            // identical text can be taken as is.
            None if incoming == *current => PostMerge::Clean(incoming.clone()),
            None => PostMerge::Conflict(Vec::new()),
        };
        match merged {
            PostMerge::Clean(text) if text == *current => SaveResult::Unchanged,
            PostMerge::Clean(text) => {
                write_text(
                    tx,
                    &row,
                    &text,
                    RevisionKind::Merge,
                    false,
                    TextChange::Whole { minor },
                )?;
                SaveResult::Merged
            }
            PostMerge::Conflict(_) => {
                keep_both(tx, &row, base, &incoming, req.kind)?;
                SaveResult::Conflict
            }
        }
    };
    if let Some(name) = req.revision_name.as_deref().map(str::trim) {
        tx.prepare_cached(
            "UPDATE revisions SET name = ?2 WHERE version_id = ?1 \
             AND number = (SELECT max(number) FROM revisions WHERE version_id = ?1)",
        )?
        .execute(params![row.version_id, (!name.is_empty()).then_some(name)])?;
        row.touched(tx);
    }
    let post = rows::load(tx, row.post_row, Some(&req.lang))?.post;
    Ok(SaveOutcome { post, result })
}

/// Two overlapping changes: one text stays current, the other is kept beside it.
/// The person typing in the window keeps what they see: their text becomes
/// current and the one it met is kept. A change from anywhere else (the command
/// line, sync, an import) does not replace text under someone: it is kept aside.
fn keep_both(
    tx: &WriteTx,
    row: &VersionRow,
    base: i64,
    incoming: &PostText,
    kind: RevisionKind,
) -> Result<()> {
    let head = row.post.revision;
    if tx.origin() == Origin::Window {
        let replaced_from = last_origin(tx, &row.version_uid)?;
        conflicts::keep(tx, row, base, head, &row.post.text, replaced_from)?;
        write_text(
            tx,
            row,
            incoming,
            kind,
            false,
            TextChange::Whole { minor: false },
        )?;
    } else {
        conflicts::keep(tx, row, base, head, incoming, tx.origin())?;
    }
    Ok(())
}

/// Where the latest change to a language version came from (its counter row
/// names the change set; every version has one from its creation on).
fn last_origin(conn: &Connection, version_uid: &str) -> Result<Origin> {
    let origin: Option<String> = conn
        .prepare_cached(
            "SELECT s.origin FROM record_counters r JOIN change_sets s ON s.id = r.change_set \
             WHERE r.record_kind = 'language_version' AND r.record_id = ?1",
        )?
        .query_row([version_uid], |r| r.get(0))
        .optional()?;
    origin.as_deref().and_then(Origin::parse).ok_or_else(|| {
        Error::corrupt(format!(
            "language version {version_uid} has no known last change"
        ))
    })
}

fn history(conn: &Connection, row: &VersionRow) -> Result<Vec<RevisionSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, kind, name, created_at, title, word_count, minor FROM revisions \
         WHERE version_id = ?1 ORDER BY number",
    )?;
    let revisions = stmt
        .query_map([row.version_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?
        .map(|r| {
            let (number, kind, name, at, title, words, minor) = r?;
            Ok(RevisionSummary {
                number,
                kind: RevisionKind::parse(&kind)?,
                name,
                created_at: clock::to_text(at),
                title,
                words,
                minor,
            })
        })
        .collect::<Result<_>>()?;
    Ok(revisions)
}

fn read_revision(conn: &Connection, version_id: i64, number: i64) -> Result<Option<Revision>> {
    let sql = format!(
        "SELECT kind, name, created_at, uid, {} FROM revisions WHERE version_id = ?1 AND number = ?2",
        snapshot::COLUMNS
    );
    let raw = conn
        .prepare_cached(&sql)?
        .query_row(params![version_id, number], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                Stored::read(r, 4)?,
            ))
        })
        .optional()?;
    raw.map(|(kind, name, at, uid, stored)| {
        Ok(Revision {
            number,
            kind: RevisionKind::parse(&kind)?,
            name,
            created_at: clock::to_text(at),
            text: stored.into_text(&format!("revision {uid}"))?,
        })
    })
    .transpose()
}

fn revision(conn: &Connection, row: &VersionRow, number: i64) -> Result<Revision> {
    read_revision(conn, row.version_id, number)?.ok_or_else(|| Error::RevisionNotFound {
        id: row.post.id.clone(),
        lang: row.post.lang.clone(),
        number,
    })
}

/// The revisions of a language version: `library.revisions()`.
pub struct Revisions<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn revisions(&self) -> Revisions<'_> {
        Revisions { lib: self }
    }
}

impl Revisions<'_> {
    /// Every revision, oldest first.
    pub fn history(&self, id: &str, lang: Option<&str>) -> Result<Vec<RevisionSummary>> {
        self.lib
            .read(|c| history(c, &rows::load_by_id(c, id, lang)?))
    }

    pub fn get(&self, id: &str, lang: Option<&str>, number: i64) -> Result<Revision> {
        self.lib
            .read(|c| revision(c, &rows::load_by_id(c, id, lang)?, number))
    }

    /// What changed from revision `from` to revision `to` (the latest when `None`).
    pub fn diff(
        &self,
        id: &str,
        lang: Option<&str>,
        from: i64,
        to: Option<i64>,
    ) -> Result<RevisionDiff> {
        self.lib.read(|c| {
            let row = rows::load_by_id(c, id, lang)?;
            let to = to.unwrap_or(row.post.revision);
            let a = revision(c, &row, from)?;
            let b = revision(c, &row, to)?;
            Ok(RevisionDiff {
                from,
                to,
                fields: field_changes(&a.text, &b.text),
                body: diff_lines(&a.text.body, &b.text.body),
            })
        })
    }

    /// Brings back the text of an old revision as a new revision; the revisions
    /// in between stay in the history.
    pub fn restore(&self, id: &str, lang: Option<&str>, number: i64) -> Result<Post> {
        self.lib.change(|tx| {
            let row = rows::load_by_id(tx, id, lang)?;
            let old = revision(tx, &row, number)?;
            if old.text != row.post.text {
                write_text(
                    tx,
                    &row,
                    &old.text,
                    RevisionKind::Restore,
                    false,
                    TextChange::Whole { minor: false },
                )?;
            }
            Ok(rows::load(tx, row.post_row, Some(&row.post.lang))?.post)
        })
    }
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
