//! Preflight, gathered: the facts the pure `rules::preflight` reads about one
//! post (its sign-off now, each language's completeness, its share texts and
//! its links to other posts), collected from the library in one read.
//!
//! A link to another post is a Markdown link whose URL has the scheme `post:`
//! followed by the post's id (`[the summit](post:ID)`), as `asset:ID` names an
//! asset. The link is broken when the library has no live post with that id.

use pulldown_cmark::{Event, Parser, Tag};
use rusqlite::Connection;

use super::chain_store;
use super::rules::{self, FailedCheck, PostLink, PreflightInput, DEFAULT_SHARE_LIMIT};
use super::signoff::{evaluate_post, Signoff};
use crate::error::Result;
use crate::translation::LanguageState;

/// The post ids a Markdown body links to with `post:ID`, each once, in order.
pub fn post_links(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for event in Parser::new(body) {
        if let Event::Start(Tag::Link { dest_url, .. }) = event {
            let Some(rest) = dest_url.trim().strip_prefix("post:") else {
                continue;
            };
            // A fragment or query may point into the post; the id is before it.
            let id = rest.split(['#', '?']).next().unwrap_or("").trim();
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
    }
    out
}

fn post_exists(c: &Connection, uid: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM posts WHERE uid = ?1 AND deleted_at IS NULL)",
    )?
    .query_row([uid], |r| r.get(0))?)
}

impl Signoff<'_> {
    /// Every check that stands between post `id` and "ready to publish", in
    /// the order a person would fix them; empty when it is ready.
    pub fn preflight(&self, id: &str) -> Result<Vec<FailedCheck>> {
        let languages: Vec<LanguageState> = self
            .lib
            .translations()
            .status(id)?
            .languages
            .into_iter()
            .map(|l| LanguageState {
                lang: l.lang,
                completeness: l.completeness,
            })
            .collect();
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            let ev = evaluate_post(c, &chain, id, now)?;
            let share_texts: Vec<(String, String)> = ev
                .versions
                .iter()
                .map(|v| (v.lang.clone(), v.share_text.clone()))
                .collect();
            let mut links = Vec::new();
            for v in &ev.versions {
                for target in post_links(&v.body) {
                    links.push(PostLink {
                        exists: !target.is_empty() && post_exists(c, &target)?,
                        lang: v.lang.clone(),
                        target,
                    });
                }
            }
            let mut failed = rules::preflight(&PreflightInput {
                post_id: &ev.uid,
                signoff: &ev.signoff,
                languages: &languages,
                share_texts: &share_texts,
                share_limit: DEFAULT_SHARE_LIMIT,
                links: &links,
            });
            let mut assets = Vec::new();
            for v in &ev.versions {
                for reference in crate::assets::usage::asset_refs(&v.body) {
                    assets.push(rules::AssetCheck {
                        state: crate::assets::check_ref(c, &reference, &v.lang)?,
                        lang: v.lang.clone(),
                        reference,
                    });
                }
            }
            failed.extend(rules::asset_checks(&ev.uid, &assets));
            Ok(failed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::post_links;

    #[test]
    fn post_links_are_found_in_inline_and_reference_links_once_each() {
        let body = "Voir [le sommet](post:aaa) et [encore](post:aaa#suite), \
                    [la note][n], [ailleurs](https://exemple.fr) et ![img](asset:x).\n\n\
                    [n]: post:bbb\n";
        assert_eq!(post_links(body), vec!["aaa", "bbb"]);
    }

    #[test]
    fn text_that_only_looks_like_a_link_is_not_one() {
        assert!(post_links("`[x](post:aaa)` and post:bbb in prose").is_empty());
    }
}
