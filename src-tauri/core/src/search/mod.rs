//! Full-text search over titles and bodies (SQLite FTS5, accents and case
//! ignored, bm25 ranking with titles weighted up), with snippets of the match.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::library::Library;
use snippet::Term;

pub mod snippet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    /// The post's global id.
    pub id: String,
    pub lang: String,
    pub title: String,
    /// The passage around the match, as plain text.
    pub snippet: String,
    /// The same passage cut into plain and matching parts, for highlighting.
    pub snippet_parts: Vec<SnippetPart>,
    /// bm25 score: lower is a better match.
    pub rank: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// Turns what a person types into an FTS5 query: every word must match, in any
/// order; the last word also matches as a prefix while it is being typed. Quotes
/// keep FTS5 operators (`AND`, `NEAR`, `-`, `*`) in the input from being read as
/// syntax.
pub fn fts_query(input: &str) -> Option<String> {
    parse(input).map(|(q, _)| q)
}

fn parse(input: &str) -> Option<(String, Vec<Term>)> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return None;
    }
    let typing = !input.ends_with(char::is_whitespace);
    let last = words.len() - 1;
    let terms: Vec<Term> = words
        .iter()
        .enumerate()
        .map(|(i, w)| Term {
            folded: snippet::fold(w),
            prefix: i == last && typing && w.chars().count() >= MIN_PREFIX_CHARS,
        })
        .collect();
    let query = words
        .iter()
        .zip(&terms)
        .map(|(w, t)| {
            if t.prefix {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some((query, terms))
}

/// How many of the newest matching texts a broad query ranks. Ranking reads
/// every candidate's length (bm25), about 3 µs each: a query whose words are in
/// most of 100,000 posts ("de la") would take 250 ms. Past this many matches,
/// the best are chosen among the newest ones, which is also what an editor
/// searching an archive for common words most often wants.
pub const BROAD_QUERY_WINDOW: u32 = 5_000;

/// A word typed so far is searched as a prefix from this many characters on:
/// shorter prefixes match too many words to be useful and cost a full merge.
const MIN_PREFIX_CHARS: usize = 4;

/// Full-text search: `library.search()`.
pub struct Search<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn search(&self) -> Search<'_> {
        Search { lib: self }
    }
}

impl Search<'_> {
    /// The best `limit` matches for what a person typed (accents and case ignored).
    pub fn run(&self, input: &str, limit: u32) -> Result<Vec<SearchHit>> {
        self.lib.read(|c| search(c, input, limit))
    }
}

/// The best `limit` matches. The top hits are ranked inside the FTS table first;
/// only those few are joined to their posts and given a snippet.
fn search(conn: &Connection, input: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let Some((query, terms)) = parse(input) else {
        return Ok(Vec::new());
    };
    let limit = if limit == 0 { 20 } else { limit.min(500) };
    let mut stmt = conn.prepare_cached(
        "WITH top AS MATERIALIZED (
             SELECT rowid, rank FROM search_index
             WHERE search_index MATCH ?1
               AND rowid >= coalesce((
                   SELECT rowid FROM search_index WHERE search_index MATCH ?1
                   ORDER BY rowid DESC LIMIT 1 OFFSET ?3 - 1), 0)
             ORDER BY rank LIMIT ?2 * 2
         )
         SELECT p.uid, v.lang, v.title, top.rank, v.body
         FROM top
         JOIN language_versions v ON v.id = top.rowid
         JOIN posts p ON p.id = v.post_id AND p.deleted_at IS NULL
         ORDER BY top.rank LIMIT ?2",
    )?;
    let hits = stmt
        .query_map(params![query, limit, BROAD_QUERY_WINDOW], |r| {
            let body: String = r.get(4)?;
            let title: String = r.get(2)?;
            let snippet_parts = snippet::snippet(&body, &terms);
            let snippet = snippet_parts.iter().map(|p| p.text.as_str()).collect();
            Ok(SearchHit {
                id: r.get(0)?,
                lang: r.get(1)?,
                title,
                snippet,
                snippet_parts,
                rank: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_quoted_terms() {
        assert_eq!(
            fts_query("négociation Genève").unwrap(),
            "\"négociation\" \"Genève\"*"
        );
        assert_eq!(fts_query("accord de ").unwrap(), "\"accord\" \"de\"");
        assert_eq!(fts_query("accord tra").unwrap(), "\"accord\" \"tra\"");
        assert_eq!(
            fts_query("a AND -b NEAR(c)").unwrap(),
            "\"a\" \"AND\" \"b\" \"NEAR\" \"c\""
        );
        assert_eq!(fts_query("  ?! "), None);
    }
}
