//! Each post's canonical content hashes stored beside its text (migration
//! 0012): the whole post's, and each language version's alone. Every write
//! that changes what they cover writes them again in its own transaction
//! (`keep_of_write`, called by `Library::write`), so the board can read them
//! instead of hashing 12 MB of text when a library has just been opened.
//!
//! They are a cache for reading where posts stand, never evidence. Where a
//! signature is made or checked against the text — recording an act, the
//! signed diff, preflight and the publication moves, `audit verify` — the
//! hash is computed from the text itself (`signoff::evaluate_post`), so a
//! stored hash edited behind the core's back can mislead the board's display
//! at most, never what a validator signs or what is published. Triggers drop
//! a post's hashes when its text or tags change by any other way; the board
//! then hashes that post's text.

use rusqlite::{params, Connection};

use super::acts;
use super::rules::{content_hash, Chain, ContentHash};
use crate::error::Result;
use crate::store::write::{RecordKind, WriteTx};

/// A post's stored hashes.
#[derive(Debug, Default)]
pub(crate) struct Stored {
    whole: Option<ContentHash>,
    /// Each language version alone, by language.
    by_lang: Vec<(String, ContentHash)>,
}

impl Stored {
    /// The hash of what each step of `chain` covers, for a post whose versions
    /// are in `langs`; None when they cannot be told from what is stored (a
    /// hash missing or unreadable, the languages not those stored, a step
    /// covering several of the post's languages but not all): then the text
    /// must be hashed.
    pub(crate) fn scope_hashes(&self, chain: &Chain, langs: &[String]) -> Option<Vec<ContentHash>> {
        let whole = self.whole?;
        if self.by_lang.len() != langs.len()
            || !langs
                .iter()
                .all(|l| self.by_lang.iter().any(|(s, _)| s == l))
        {
            return None;
        }
        chain
            .steps
            .iter()
            .map(|s| {
                if s.languages.is_none() {
                    return Some(whole);
                }
                let covered: Vec<&String> = langs.iter().filter(|l| s.covers(l)).collect();
                match covered.as_slice() {
                    [] => Some(content_hash(&[])),
                    _ if covered.len() == langs.len() => Some(whole),
                    [one] => self.of(one),
                    _ => None,
                }
            })
            .collect()
    }

    pub(crate) fn whole(&self) -> Option<ContentHash> {
        self.whole
    }

    fn of(&self, lang: &str) -> Option<ContentHash> {
        self.by_lang
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, h)| *h)
    }

    /// `hash` None: stored but unreadable.
    fn add(&mut self, lang: String, hash: Option<ContentHash>) {
        // An unreadable hash is as good as none: the text is hashed instead,
        // and a language that appears without a readable hash fails the
        // language check above.
        let Some(hash) = hash else {
            return;
        };
        if lang.is_empty() {
            self.whole = Some(hash);
        } else {
            self.by_lang.push((lang, hash));
        }
    }
}

/// Every post's stored hashes, walked in post row order beside a listing of
/// the posts in the same order: each post's are taken as it comes, so none
/// are kept for the whole walk.
pub(crate) struct Walk<'s> {
    rows: rusqlite::Rows<'s>,
    /// The row read but not taken yet: (post, language, hash).
    ahead: Option<(i64, String, Option<ContentHash>)>,
    done: bool,
}

/// The statement a `Walk` steps through (the primary key's order).
pub(crate) fn walk_statement(c: &Connection) -> Result<rusqlite::CachedStatement<'_>> {
    Ok(c.prepare_cached("SELECT post_id, lang, hash FROM content_hashes ORDER BY post_id, lang")?)
}

impl<'s> Walk<'s> {
    pub(crate) fn new(stmt: &'s mut rusqlite::Statement) -> Result<Walk<'s>> {
        Ok(Walk {
            rows: stmt.query([])?,
            ahead: None,
            done: false,
        })
    }

    /// Post `row`'s stored hashes, skipping those of posts before it; rows
    /// must be asked for in increasing order.
    pub(crate) fn take(&mut self, row: i64) -> Result<Stored> {
        let mut out = Stored::default();
        loop {
            if self.ahead.is_none() && !self.done {
                match self.rows.next()? {
                    Some(r) => {
                        let hash = ContentHash::parse(r.get_ref(2)?.as_str().unwrap_or(""));
                        self.ahead = Some((r.get(0)?, r.get(1)?, hash));
                    }
                    None => self.done = true,
                }
            }
            match self.ahead.take() {
                Some((post, _, _)) if post < row => continue,
                Some((post, lang, hash)) if post == row => out.add(lang, hash),
                ahead => {
                    self.ahead = ahead;
                    return Ok(out);
                }
            }
        }
    }
}

/// One post's stored hashes.
pub(crate) fn load(c: &Connection, post_row: i64) -> Result<Stored> {
    let mut out = Stored::default();
    let mut stmt = c.prepare_cached("SELECT lang, hash FROM content_hashes WHERE post_id = ?1")?;
    let mut rows = stmt.query([post_row])?;
    while let Some(r) = rows.next()? {
        let hash = ContentHash::parse(r.get_ref(1)?.as_str().unwrap_or(""));
        out.add(r.get(0)?, hash);
    }
    Ok(out)
}

/// Hashes post `post_row`'s text as it is now and stores the result.
fn store(c: &Connection, post_row: i64) -> Result<()> {
    let versions = acts::versions(c, post_row)?;
    c.prepare_cached("DELETE FROM content_hashes WHERE post_id = ?1")?
        .execute([post_row])?;
    let mut put =
        c.prepare_cached("INSERT INTO content_hashes (post_id, lang, hash) VALUES (?1, ?2, ?3)")?;
    put.execute(params![post_row, "", content_hash(&versions).to_string()])?;
    for v in &versions {
        let alone = content_hash(std::slice::from_ref(v));
        put.execute(params![post_row, v.lang, alone.to_string()])?;
    }
    Ok(())
}

/// Stores again the hashes of every post whose covered content this write
/// may have changed: its language versions (text, tags, a version added or
/// removed), the post itself, or an asset one of its bodies shows (a new
/// file of it changes the checksum in the hash).
pub(crate) fn keep_of_write(tx: &WriteTx) -> Result<()> {
    let mut posts = tx.touched_posts(RecordKind::LanguageVersion);
    posts.extend(tx.touched_posts(RecordKind::Post));
    posts.extend(crate::assets::usage::posts_using(
        tx,
        &tx.touched_posts(RecordKind::Asset),
    )?);
    posts.sort_unstable();
    posts.dedup();
    let mut row_of = tx.prepare_cached("SELECT id FROM posts WHERE uid = ?1")?;
    for uid in posts {
        // A post's own id names no row for a change that is not a post's.
        let rows: Vec<i64> = row_of
            .query_map([&uid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows {
            store(tx, row)?;
        }
    }
    Ok(())
}

/// Schema 11's data step: the hashes of every post already in the library
/// (deleted ones too: a tombstone keeps its text until sync).
pub(crate) fn upgrade_to_12(conn: &Connection) -> Result<()> {
    let rows: Vec<i64> = conn
        .prepare("SELECT id FROM posts ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        store(conn, row)?;
    }
    Ok(())
}

/// The versions' hashes as `store` computes them (for tests that compare).
#[cfg(test)]
pub(crate) fn computed(
    versions: &[super::rules::VersionContent],
) -> (ContentHash, Vec<(String, ContentHash)>) {
    (
        content_hash(versions),
        versions
            .iter()
            .map(|v| (v.lang.clone(), content_hash(std::slice::from_ref(v))))
            .collect(),
    )
}

#[cfg(test)]
#[path = "stored_hashes_tests.rs"]
mod tests;
