//! A post text stored whole in one row (a revision, a kept conflict): the
//! eight text columns, tags as a JSON array. The one place that knows them.

use rusqlite::{Row, ToSql};

use super::PostText;
use crate::error::{Error, Result};

/// The columns, in the order `read` and `values` use them.
pub(crate) const COLUMNS: &str = "title, slug, summary, body, tags, place_line, share_text, author";

/// Placeholders for `COLUMNS` in an INSERT.
pub(crate) const PLACEHOLDERS: &str = "?, ?, ?, ?, ?, ?, ?, ?";

/// A stored text as read, its tags not yet parsed.
pub(crate) struct Stored {
    text: PostText,
    tags: String,
}

impl Stored {
    /// Reads `COLUMNS` from `row`, starting at column `first`.
    pub(crate) fn read(row: &Row, first: usize) -> rusqlite::Result<Self> {
        Ok(Stored {
            text: PostText {
                title: row.get(first)?,
                slug: row.get(first + 1)?,
                summary: row.get(first + 2)?,
                body: row.get(first + 3)?,
                tags: Vec::new(),
                place_line: row.get(first + 5)?,
                share_text: row.get(first + 6)?,
                author: row.get(first + 7)?,
            },
            tags: row.get(first + 4)?,
        })
    }

    /// The text. Tags that are not a JSON list are an error, not an empty list
    /// (restoring a text read as tag-less would wipe its tags). `whose` names
    /// the row in that error.
    pub(crate) fn into_text(self, whose: &str) -> Result<PostText> {
        let Stored { mut text, tags } = self;
        text.tags = serde_json::from_str(&tags)
            .map_err(|e| Error::corrupt(format!("the tags of {whose} ({tags:?}): {e}")))?;
        Ok(text)
    }
}

/// The tags as stored.
pub(crate) fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).expect("a list of strings always serialises")
}

/// The values of `COLUMNS` for `text`, whose tags are `tags` (from `tags_json`).
// `&String`: a `str` is unsized, so it cannot stand as a `&dyn ToSql`.
#[allow(clippy::ptr_arg)]
pub(crate) fn values<'a>(text: &'a PostText, tags: &'a String) -> [&'a dyn ToSql; 8] {
    [
        &text.title,
        &text.slug,
        &text.summary,
        &text.body,
        tags,
        &text.place_line,
        &text.share_text,
        &text.author,
    ]
}
