//! Every post's sign-off and publication, evaluated once and kept in memory
//! by the library between board and inbox reads.
//!
//! A cold board reads each post's stored content hashes (`stored_hashes`)
//! rather than its text (12 MB for 10,000 posts), and hashes the text only
//! of a post whose hashes are missing. The cache remembers the change feed's cursor; each read asks
//! the feed what changed since (any process's commits land there) and reads
//! and evaluates again only the posts it names. The chain changing, or a feed
//! too long to be worth walking, starts over. Evaluation depends on the time
//! only through a due date passing, so a post is evaluated again, from what is
//! kept, once its due date is past.
//!
//! A cold board's cost was as much memory as work: a just-opened library pays
//! the kernel for every fresh page, so what is kept is sized to what it holds
//! and built once, where it stays (no map rebuilt, no list regrown).

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension};

use super::acts::{self, History};
use super::board::BoardItem;
use super::chain_store;
use super::rules::{
    self, content_hash, scope_hashes_given, Chain, ContentHash, PostSignoff, Publication,
};
use super::stored_hashes::{self, Stored};
use crate::error::Result;
use crate::store::write::RecordKind;
use crate::store::{feed, readers};

/// Above this many changed posts, one full read is cheaper than one read each.
const REREAD_ALL_ABOVE: usize = 2_000;

/// One post as the board and inbox need it, evaluated.
pub(crate) struct BoardPost {
    /// The post's row: creation order.
    row: i64,
    /// The post on the board as the last evaluation left it, shared: a board
    /// read hands out these rather than 10,000 copies (allocating and freeing
    /// each item's strings was most of a warm read).
    pub item: Arc<BoardItem>,
    /// The hash of what each step covers, and of the whole post.
    hashes: Vec<ContentHash>,
    whole: ContentHash,
    pub history: History,
    pub signoff: PostSignoff,
    pub publication: Publication,
    /// When the evaluation changes by itself (a due date passing).
    recheck_after: Option<i64>,
}

impl BoardPost {
    fn new(chain: &Chain, head: Head, history: History, now: i64) -> Result<BoardPost> {
        let mut post = BoardPost::unevaluated(head, history);
        post.evaluate(chain, now)?;
        Ok(post)
    }

    /// The post as a draft until `evaluate` says where it stands.
    fn unevaluated(head: Head, history: History) -> BoardPost {
        BoardPost {
            row: head.row,
            item: Arc::new(BoardItem::new(
                head.uid,
                head.title,
                head.source_lang,
                head.languages,
            )),
            hashes: head.hashes,
            whole: head.whole,
            history,
            signoff: PostSignoff {
                state: rules::OverallState::Draft,
                submission: None,
                steps: Vec::new(),
                overdue: false,
            },
            publication: Publication::default(),
            recheck_after: None,
        }
    }

    fn evaluate(&mut self, chain: &Chain, now: i64) -> Result<()> {
        self.signoff = rules::evaluate(chain, &self.history.acts, &self.hashes, now)?;
        self.publication = rules::evaluate_publication(&self.history.publication, &self.whole);
        // `evaluate` reads `now` only to tell whether the due date is past.
        self.recheck_after = self
            .signoff
            .submission
            .as_ref()
            .and_then(|s| s.due)
            .filter(|due| now <= *due);
        // A copy only if a board read still holds the previous one.
        Arc::make_mut(&mut self.item).stand(&self.signoff, &self.publication);
        Ok(())
    }
}

/// A post as the board shows it, with the hashes its evaluation compares.
struct Head {
    row: i64,
    uid: String,
    source_lang: String,
    /// The source version's title.
    title: String,
    /// The languages it has a version in, the source first.
    languages: Vec<String>,
    whole: ContentHash,
    /// What each step of the chain covers.
    hashes: Vec<ContentHash>,
}

/// A post's row and its versions' titles, before its hashes are known.
struct Listed {
    row: i64,
    uid: String,
    source_lang: String,
    /// (language, title) of each version, in language order.
    versions: Vec<(String, String)>,
}

impl Listed {
    /// The post with its hashes: the stored ones when they tell every step's
    /// scope, else hashed from its text.
    fn head(self, c: &Connection, chain: &Chain, stored: Option<&Stored>) -> Result<Head> {
        let mut languages = Vec::with_capacity(self.versions.len());
        let mut title = None;
        for (lang, version_title) in self.versions {
            if lang == self.source_lang || title.is_none() {
                title = Some(version_title);
            }
            languages.push(lang);
        }
        let kept = stored.and_then(|s| Some((s.whole()?, s.scope_hashes(chain, &languages)?)));
        let (whole, hashes) = match kept {
            Some(kept) => kept,
            None => {
                let versions = acts::versions(c, self.row)?;
                let whole = content_hash(&versions);
                (whole, scope_hashes_given(chain, &versions, whole))
            }
        };
        // The source first, the others in language order.
        if let Some(at) = languages.iter().position(|l| *l == self.source_lang) {
            languages[..=at].rotate_right(1);
        }
        Ok(Head {
            row: self.row,
            uid: self.uid,
            source_lang: self.source_lang,
            title: title.unwrap_or_default(),
            languages,
            whole,
            hashes,
        })
    }
}

struct Cached {
    cursor: i64,
    chain: Chain,
    /// In post row order: creation order. A vector rather than a map: a cold
    /// board builds 10,000 of these, and a map's building moved each one two
    /// or three times more, into fresh memory. Posts come and go one at a
    /// time, mostly at the end.
    posts: Vec<BoardPost>,
}

impl Cached {
    /// Where post `row` is, or would go, in `posts`.
    fn place(&self, row: i64) -> std::result::Result<usize, usize> {
        self.posts.binary_search_by_key(&row, |p| p.row)
    }
}

/// The library's board, kept between reads.
#[derive(Default)]
pub(crate) struct BoardCache(Mutex<Option<Cached>>);

impl BoardCache {
    /// Brings the kept board up to date with the library as `c` sees it, and
    /// hands it to `f` (the chain, and every live post in creation order).
    pub(crate) fn with<T>(
        &self,
        c: &Connection,
        now: i64,
        f: impl FnOnce(&Chain, &mut dyn Iterator<Item = &BoardPost>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // The cursor first: a commit landing while the posts are read is then
        // read again next time, never missed.
        let cursor = feed::latest(c)?;
        let chain = chain_store::load(c)?;
        let kept = match guard.take() {
            Some(mut kept) if kept.chain == chain => match changed_posts(c, kept.cursor)? {
                Some(changed) => {
                    for uid in changed {
                        refresh(c, &mut kept, &uid, now)?;
                    }
                    kept.cursor = cursor;
                    kept
                }
                None => read_all(c, chain, cursor, now)?,
            },
            _ => read_all(c, chain, cursor, now)?,
        };
        let kept = guard.insert(kept);
        for post in kept.posts.iter_mut() {
            if post.recheck_after.is_some_and(|t| now > t) {
                post.evaluate(&kept.chain, now)?;
            }
        }
        f(&kept.chain, &mut kept.posts.iter())
    }
}

/// The posts named by the change sets after `cursor`; None when there are
/// too many to be worth reading one by one.
fn changed_posts(c: &Connection, mut cursor: i64) -> Result<Option<HashSet<String>>> {
    let mut posts = HashSet::new();
    loop {
        let sets = feed::since(c, cursor, 500)?;
        let Some(last) = sets.last() else {
            return Ok(Some(posts));
        };
        cursor = last.cursor;
        // A change that belongs to no post (a person, the chain's entry) names
        // an id that is not a post's: reading it finds nothing and keeps nothing.
        // An asset's change names the asset: the posts that show it are what
        // its new file may void.
        let mut assets = Vec::new();
        for change in sets.into_iter().flat_map(|s| s.changes) {
            if change.kind == RecordKind::Asset {
                assets.push(change.id);
            } else {
                posts.insert(change.post);
            }
        }
        posts.extend(crate::assets::posts_using(c, &assets)?);
        if posts.len() > REREAD_ALL_ABOVE {
            return Ok(None);
        }
    }
}

/// Reads post `uid` again: evaluated anew, or dropped when it is gone.
fn refresh(c: &Connection, kept: &mut Cached, uid: &str, now: i64) -> Result<()> {
    let found: Option<(i64, String)> = c
        .prepare_cached("SELECT id, source_lang FROM posts WHERE uid = ?1 AND deleted_at IS NULL")?
        .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((row, source_lang)) = found else {
        // Found by its id: a post goes rarely, and a map of 10,000 ids kept
        // for it cost a cold board more than this walk costs a deletion.
        if let Some(at) = kept.posts.iter().position(|p| p.item.post_id == uid) {
            kept.posts.remove(at);
        }
        return Ok(());
    };
    let versions = c
        .prepare_cached(
            "SELECT lang, title FROM language_versions WHERE post_id = ?1 ORDER BY lang",
        )?
        .query_map([row], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let found = Listed {
        row,
        uid: uid.to_string(),
        source_lang,
        versions,
    };
    let stored = stored_hashes::load(c, row)?;
    let head = found.head(c, &kept.chain, Some(&stored))?;
    let post = BoardPost::new(&kept.chain, head, acts::history(c, uid)?, now)?;
    match kept.place(row) {
        Ok(at) => kept.posts[at] = post,
        Err(at) => kept.posts.insert(at, post),
    }
    Ok(())
}

fn read_all(c: &Connection, chain: Chain, cursor: i64, now: i64) -> Result<Cached> {
    // The trail's acts are the longest part to read: a second connection
    // reads them on the other core while this one lists the posts and their
    // stored hashes. A commit landing in between is in the change feed after
    // `cursor`, so the next read takes it again whichever side saw it.
    let side = match c.path() {
        Some(path) if !path.is_empty() => readers::open_reader(Path::new(path))
            .and_then(|side| {
                // One pass over the trail: a small page cache, recycled,
                // instead of megabytes of fresh pages kept for nothing.
                side.execute_batch("PRAGMA cache_size = -1000")?;
                Ok(side)
            })
            .ok(),
        _ => None,
    };
    // The posts are made ready on this side while the trail is read.
    let (histories, posts) = match side {
        Some(side) => std::thread::scope(|s| {
            let histories = s.spawn(move || acts::histories(&side));
            let posts = listed_posts(c, &chain);
            let histories = histories
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (histories, posts)
        }),
        None => (acts::histories(c), listed_posts(c, &chain)),
    };
    let (mut histories, mut posts) = (histories?, posts?);
    for post in &mut posts {
        if let Some(history) = histories.remove(&post.item.post_id) {
            post.history = history;
        }
    }
    // Evaluating is pure and per post: both cores share the 10,000, each
    // evaluated where it lies.
    posts
        .par_iter_mut()
        .try_for_each(|p| p.evaluate(&chain, now))?;
    Ok(Cached {
        cursor,
        chain,
        posts,
    })
}

/// Every live post with its title, languages and hashes, in creation order,
/// not evaluated yet and without its history. One query lists the posts with
/// their versions' titles (reading no body), and their stored hashes are
/// walked beside it in the same order.
fn listed_posts(c: &Connection, chain: &Chain) -> Result<Vec<BoardPost>> {
    let mut stmt = c.prepare_cached(
        "SELECT p.id, p.uid, p.source_lang, v.lang, v.title \
         FROM posts p JOIN language_versions v ON v.post_id = p.id \
         WHERE p.deleted_at IS NULL ORDER BY p.id, v.lang",
    )?;
    let mut walk_stmt = stored_hashes::walk_statement(c)?;
    let mut stored = stored_hashes::Walk::new(&mut walk_stmt)?;
    let mut out = Vec::with_capacity(crate::posts::rows::most(c)?);
    let mut post: Option<Listed> = None;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row: i64 = r.get(0)?;
        let version = (r.get(3)?, r.get(4)?);
        match &mut post {
            Some(listed) if listed.row == row => listed.versions.push(version),
            _ => {
                let next = Listed {
                    row,
                    uid: r.get(1)?,
                    source_lang: r.get(2)?,
                    versions: vec![version],
                };
                if let Some(done) = post.replace(next) {
                    let kept = stored.take(done.row)?;
                    let head = done.head(c, chain, Some(&kept))?;
                    out.push(BoardPost::unevaluated(head, History::default()));
                }
            }
        }
    }
    if let Some(done) = post {
        let kept = stored.take(done.row)?;
        let head = done.head(c, chain, Some(&kept))?;
        out.push(BoardPost::unevaluated(head, History::default()));
    }
    Ok(out)
}
