//! Posts: translation groups of language versions, their text fields, tags and
//! listing (`rows` holds the SQL). Saving and revisions live in `revisions`,
//! merging concurrent saves in `merge`, kept conflicts in `conflicts`, figures
//! in `stats`.

pub mod conflicts;
pub mod merge;
pub mod revisions;
pub(crate) mod rows;
pub(crate) mod snapshot;
pub mod stats;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::library::Library;
use crate::render;
use crate::store::write::WriteTx;
use crate::translation::TextChange;
pub use conflicts::Conflict;
use revisions::{RevisionKind, SaveOutcome, SaveRequest};
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
    /// The post's global id (the translation group's, shared by its languages).
    pub id: String,
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
    /// Another version of this text, kept when two changes overlapped, until
    /// someone chooses (the oldest open one when there are several).
    pub conflict: Option<Conflict>,
}

/// A line of the library list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PostSummary {
    pub id: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub words: u32,
    pub created_at: String,
    pub updated_at: String,
    /// An overlapping change waits for someone to choose.
    pub in_conflict: bool,
    /// Every site language of the post (and any other it has), the source first.
    pub languages: Vec<crate::translation::LanguageState>,
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
    /// Only source versions of posts whose LANG translation is missing or
    /// needs work (and was not decided against).
    pub needs_translation: Option<String>,
    pub sort: ListSort,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagCount {
    pub tag: String,
    pub posts: u32,
}

/// A new post: its first language version and that version's first revision.
pub(crate) fn insert_new(
    tx: &WriteTx,
    lang: &str,
    text: &PostText,
    created_at: i64,
    updated_at: i64,
    kind: RevisionKind,
) -> Result<rows::VersionRow> {
    insert_new_as(
        tx,
        (&crate::ids::new_id(), &crate::ids::new_id()),
        lang,
        text,
        (created_at, updated_at),
        kind,
        TextChange::Whole { minor: false },
    )
}

/// `insert_new` with given global ids for the post and its first language
/// version (an import keeps the exported post id, sync both) and a given way
/// the text came (an import restores its block ids).
pub(crate) fn insert_new_as(
    tx: &WriteTx,
    (uid, version_uid): (&str, &str),
    lang: &str,
    text: &PostText,
    (created_at, updated_at): (i64, i64),
    kind: RevisionKind,
    change: TextChange,
) -> Result<rows::VersionRow> {
    let post_row = rows::insert(tx, (uid, version_uid), lang, text, created_at, updated_at)?;
    let mut row = rows::load(tx, post_row, Some(lang))?;
    row.post.revision = revisions::insert(tx, &row, 1, text, kind)?;
    crate::translation::text_written(tx, &row, &PostText::default(), text, change)?;
    Ok(row)
}

/// Marks a post deleted (all its languages). The row stays as a tombstone so
/// that sync can tell the publishing backend.
pub fn delete(tx: &WriteTx, id: &str) -> Result<()> {
    rows::delete(tx, id)
}

/// The posts of a library: `library.posts()`.
pub struct Posts<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn posts(&self) -> Posts<'_> {
        Posts { lib: self }
    }
}

impl Posts<'_> {
    /// A new post with its first language version (the source language unless
    /// another is given), and its first revision.
    pub fn create(&self, new: NewPost) -> Result<Post> {
        let lang = new
            .lang
            .unwrap_or_else(|| self.lib.languages().source().to_string());
        self.lib.languages().check(&lang)?;
        let text = PostText {
            slug: slugify(&new.title),
            title: new.title,
            body: new.body,
            tags: new.tags,
            ..PostText::default()
        }
        .normalized();
        self.lib.change(|tx| {
            let now = tx.now();
            Ok(insert_new(tx, &lang, &text, now, now, RevisionKind::Created)?.post)
        })
    }

    /// A language version of a post (its source language when `lang` is `None`).
    /// `id` may be the whole id or an unambiguous prefix of at least 8 characters.
    pub fn get(&self, id: &str, lang: Option<&str>) -> Result<Post> {
        self.lib.read(|c| Ok(rows::load_by_id(c, id, lang)?.post))
    }

    /// Saves a language version's text, merging with changes made since the
    /// revision the text was made from (`request.base`).
    pub fn save(&self, request: SaveRequest) -> Result<SaveOutcome> {
        self.lib.change(|tx| revisions::save(tx, request))
    }

    pub fn delete(&self, id: &str) -> Result<()> {
        self.lib.change(|tx| delete(tx, id))
    }

    pub fn list(&self, query: &ListQuery) -> Result<Vec<PostSummary>> {
        let site = self.lib.languages().codes().to_vec();
        self.lib.read(|c| rows::list(c, query, &site))
    }

    /// The sanitised HTML of a stored language version, in an element that
    /// carries its `lang` and `dir` (see `render::document`).
    pub fn render(&self, id: &str, lang: Option<&str>) -> Result<String> {
        let post = self.get(id, lang)?;
        Ok(render::document(&post.text.body, &post.lang))
    }
}
