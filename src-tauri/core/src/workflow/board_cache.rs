//! Every post's sign-off and publication, evaluated once and kept in memory
//! by the library between board and inbox reads.
//!
//! Reading and hashing every post's text is most of a cold board (12 MB for
//! 10,000 posts). The cache remembers the change feed's cursor; each read asks
//! the feed what changed since (any process's commits land there) and reads
//! and evaluates again only the posts it names. The chain changing, or a feed
//! too long to be worth walking, starts over. Evaluation depends on the time
//! only through a due date passing, so a post is evaluated again, from what is
//! kept, once its due date is past.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension};

use super::acts::{self, History};
use super::board::BoardItem;
use super::chain_store;
use super::rules::{
    self, content_hash, scope_hashes_given, Chain, ContentHash, PostSignoff, Publication,
    VersionContent,
};
use crate::error::Result;
use crate::store::feed;
use crate::store::write::RecordKind;

/// Above this many changed posts, one full read is cheaper than one read each.
const REREAD_ALL_ABOVE: usize = 2_000;

/// One post as the board and inbox need it, evaluated.
pub(crate) struct BoardPost {
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
        let whole = content_hash(&head.versions);
        let hashes = scope_hashes_given(chain, &head.versions, whole);
        let title = head
            .versions
            .iter()
            .find(|v| v.lang == head.source_lang)
            .or(head.versions.first())
            .map(|v| v.title.clone())
            .unwrap_or_default();
        let mut languages: Vec<String> = head.versions.into_iter().map(|v| v.lang).collect();
        languages.sort_by_key(|l| *l != head.source_lang);
        let mut post = BoardPost {
            item: Arc::new(BoardItem::new(head.uid, title, head.source_lang, languages)),
            hashes,
            whole,
            history,
            signoff: PostSignoff {
                state: rules::OverallState::Draft,
                submission: None,
                steps: Vec::new(),
                overdue: false,
            },
            publication: Publication::default(),
            recheck_after: None,
        };
        post.evaluate(chain, now)?;
        Ok(post)
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

/// A post's row, read before it is evaluated.
struct Head {
    row: i64,
    uid: String,
    source_lang: String,
    versions: Vec<VersionContent>,
}

struct Cached {
    cursor: i64,
    chain: Chain,
    /// By post row: creation order.
    posts: BTreeMap<i64, BoardPost>,
    rows: HashMap<String, i64>,
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
        for post in kept.posts.values_mut() {
            if post.recheck_after.is_some_and(|t| now > t) {
                post.evaluate(&kept.chain, now)?;
            }
        }
        f(&kept.chain, &mut kept.posts.values())
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
        if let Some(row) = kept.rows.remove(uid) {
            kept.posts.remove(&row);
        }
        return Ok(());
    };
    let head = Head {
        row,
        uid: uid.to_string(),
        source_lang,
        versions: acts::versions(c, row)?,
    };
    let post = BoardPost::new(&kept.chain, head, acts::history(c, uid)?, now)?;
    kept.rows.insert(uid.to_string(), row);
    kept.posts.insert(row, post);
    Ok(())
}

fn read_all(c: &Connection, chain: Chain, cursor: i64, now: i64) -> Result<Cached> {
    let mut histories = acts::histories(c)?;
    let mut posts = BTreeMap::new();
    let mut rows = HashMap::new();
    for head in heads(c)? {
        let history = histories.remove(&head.uid).unwrap_or_default();
        rows.insert(head.uid.clone(), head.row);
        posts.insert(head.row, BoardPost::new(&chain, head, history, now)?);
    }
    Ok(Cached {
        cursor,
        chain,
        posts,
        rows,
    })
}

/// Every live post with its versions, in creation order, in two queries.
fn heads(c: &Connection) -> Result<Vec<Head>> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt =
        c.prepare_cached("SELECT version_id, tag FROM version_tags ORDER BY version_id, position")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (v, t) = row?;
        tags.entry(v).or_default().push(t);
    }
    let mut stmt = c.prepare_cached(
        "SELECT p.id, p.uid, p.source_lang, v.id, v.lang, v.title, v.summary, v.body, \
         v.share_text, v.place_line FROM posts p JOIN language_versions v ON v.post_id = p.id \
         WHERE p.deleted_at IS NULL ORDER BY p.id, v.lang",
    )?;
    let mut out: Vec<Head> = Vec::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            VersionContent {
                lang: r.get(4)?,
                title: r.get(5)?,
                summary: r.get(6)?,
                body: r.get(7)?,
                share_text: r.get(8)?,
                place_line: r.get(9)?,
                ..VersionContent::default()
            },
        ))
    })?;
    for row in rows {
        let (post_row, uid, source_lang, version, mut v) = row?;
        v.tags = tags.remove(&version).unwrap_or_default();
        v.assets = crate::assets::shown_in(c, &v.body, &v.lang)?;
        match out.last_mut() {
            Some(h) if h.row == post_row => h.versions.push(v),
            _ => out.push(Head {
                row: post_row,
                uid,
                source_lang,
                versions: vec![v],
            }),
        }
    }
    Ok(out)
}
