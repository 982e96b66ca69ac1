//! A post's publication, wired: `library.publication()` marks a post ready to
//! publish, schedules it, asks the next sync to publish it now, or takes a
//! decision back; and records what the site confirms it published.
//!
//! It lives in `workflow/` beside the sign-off rather than in `posts/` because
//! it is the sign-off's last step: every move toward the public goes through
//! the preflight (valid sign-offs for the current text among its checks), and
//! each move is a signed audit entry pinned to the post's content hash, read
//! back with the sign-off acts (`acts::History`), so it syncs and verifies
//! like them. A decision holds only for the text it was made on (see
//! `rules::publication`); the sync will push ready, scheduled and published as
//! WordPress's `pending`, `future` and `publish`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::acts::{self, PublicationPayload};
use super::audit::{self, AuditEntry, NewEntry};
use super::chain_store;
use super::keys::Signer;
use super::rules::{
    self, content_hash, FailedCheck, Publication, PublicationKind, PublicationMove,
    PublicationRefusal,
};
use super::signoff::evaluate_post;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};
use crate::Library;

/// A post's publication as the panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PublicationStatus {
    pub post_id: String,
    pub publication: Publication,
    /// The preflight now: every check that stands between the post and a move
    /// toward the public (empty: it may be marked ready, scheduled, published).
    pub preflight: Vec<FailedCheck>,
    /// The moves that make sense now, as the panel offers them.
    pub offers: Vec<PublicationOffer>,
}

/// A move the panel offers: it makes sense now, and is either allowed or held
/// back only by the preflight (the panel shows it disabled, with the reasons).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PublicationOffer {
    pub kind: PublicationKind,
    pub blocked_by_preflight: bool,
}

/// The offers of the status: `check_move` asked about each move, so the
/// panel's buttons and the refusals can never disagree.
fn offers(p: &Publication, failed: &[FailedCheck], now: i64) -> Vec<PublicationOffer> {
    [
        PublicationMove::MarkReady,
        // A placeholder date: the offer is about the state; the date is asked
        // for when the move is made.
        PublicationMove::Schedule { at: i64::MAX },
        PublicationMove::PublishNow,
        PublicationMove::Unschedule,
        PublicationMove::Unpublish,
    ]
    .into_iter()
    .filter_map(|mv| {
        match rules::check_move(p, mv, failed, now) {
            Ok(()) => Some(false),
            Err(PublicationRefusal::PreflightFailed(_)) => Some(true),
            Err(_) => None,
        }
        .map(|blocked_by_preflight| PublicationOffer {
            kind: mv.kind(),
            blocked_by_preflight,
        })
    })
    .collect()
}

/// A move as the window sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "move", rename_all = "snake_case")]
pub enum PublicationRequest {
    MarkReady,
    /// `at`: an RFC 3339 date-time, or YYYY-MM-DD (midnight UTC).
    Schedule {
        at: String,
    },
    PublishNow,
    Unschedule,
    Unpublish,
}

impl PublicationRequest {
    pub fn to_move(&self) -> Result<PublicationMove> {
        Ok(match self {
            PublicationRequest::MarkReady => PublicationMove::MarkReady,
            PublicationRequest::Schedule { at } => PublicationMove::Schedule {
                at: publish_time_from_text(at)?,
            },
            PublicationRequest::PublishNow => PublicationMove::PublishNow,
            PublicationRequest::Unschedule => PublicationMove::Unschedule,
            PublicationRequest::Unpublish => PublicationMove::Unpublish,
        })
    }
}

/// A publication date-time as people write it: RFC 3339, or a bare
/// `YYYY-MM-DD` for midnight UTC that day (a publication date, unlike a due
/// date, means the start of the day).
pub fn publish_time_from_text(text: &str) -> Result<i64> {
    crate::clock::from_text(text).ok_or_else(|| Error::BadDate {
        text: text.trim().to_string(),
    })
}

/// The publication of posts: `library.publication()`.
pub struct Publishing<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn publication(&self) -> Publishing<'_> {
        Publishing { lib: self }
    }
}

fn touch(tx: &WriteTx, post_uid: &str) {
    tx.touched(
        RecordKind::Publication,
        post_uid,
        ChangeAction::Updated,
        post_uid,
        None,
    );
}

impl Publishing<'_> {
    /// Where post `id` stands in publication, with its preflight now.
    pub fn status(&self, id: &str) -> Result<PublicationStatus> {
        let preflight = self.lib.signoff().preflight(id)?;
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            let ev = evaluate_post(c, &chain, id, now)?;
            let current = content_hash(&ev.versions);
            let publication = rules::evaluate_publication(&ev.history.publication, &current);
            Ok(PublicationStatus {
                post_id: ev.uid,
                offers: offers(&publication, &preflight, now),
                publication,
                preflight,
            })
        })
    }

    /// Records `mv` on post `id` as `author`: refused (nothing recorded) when
    /// the move makes no sense now, or, for a move toward the public, when the
    /// preflight fails, with every failed check.
    pub fn apply(&self, author: &Signer, id: &str, mv: PublicationMove) -> Result<AuditEntry> {
        self.lib.change(|tx| {
            let chain = chain_store::load(tx)?;
            let now = tx.now();
            let ev = evaluate_post(tx, &chain, id, now)?;
            let current = content_hash(&ev.versions);
            let publication = rules::evaluate_publication(&ev.history.publication, &current);
            // The write lock is held and nothing is written yet, so a reader
            // sees exactly the text this move is recorded for.
            let failed = if mv.needs_preflight() {
                self.lib.signoff().preflight(id)?
            } else {
                Vec::new()
            };
            rules::check_move(&publication, mv, &failed, now)?;
            let publish_at = match mv {
                PublicationMove::Schedule { at } => Some(at),
                PublicationMove::PublishNow => Some(now),
                _ => None,
            };
            let payload = PublicationPayload {
                content_hash: current,
                publish_at,
                by_on_site: None,
            };
            append(tx, author, &ev.uid, mv.kind(), &payload)
        })
    }

    pub fn mark_ready(&self, author: &Signer, id: &str) -> Result<AuditEntry> {
        self.apply(author, id, PublicationMove::MarkReady)
    }

    /// Publishes post `id` at `at` (UTC unix ms), or at the next sync.
    pub fn publish(&self, author: &Signer, id: &str, at: Option<i64>) -> Result<AuditEntry> {
        let mv = match at {
            Some(at) => PublicationMove::Schedule { at },
            None => PublicationMove::PublishNow,
        };
        self.apply(author, id, mv)
    }

    /// Records, as `author` (the person syncing), that the site published post
    /// `id` at `at`, by its user `by_on_site`, with the text whose hash is
    /// `hash` (what was pushed). No preflight: the site has already done it
    /// (and its own gate checked); this is a fact to keep.
    pub fn record_published(
        &self,
        author: &Signer,
        id: &str,
        at: i64,
        by_on_site: &str,
        hash: rules::ContentHash,
    ) -> Result<AuditEntry> {
        self.lib.change(|tx| {
            let (_, uid) = acts::post_ref(tx, id)?;
            let payload = PublicationPayload {
                content_hash: hash,
                publish_at: Some(at),
                by_on_site: Some(by_on_site.to_string()),
            };
            append(tx, author, &uid, PublicationKind::Published, &payload)
        })
    }
}

/// Post `uid`'s publication now, for sync: its publication acts against the
/// hash of its text now. A post with no publication act is a draft, found
/// without hashing anything (most posts, in a large library).
pub(crate) fn of_post(c: &rusqlite::Connection, uid: &str) -> Result<Publication> {
    let decided: bool = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM audit_entries WHERE post = ?1 AND kind IN \
             ('ready', 'schedule', 'publish', 'unschedule', 'unpublish', 'published'))",
        )?
        .query_row([uid], |r| r.get(0))?;
    if !decided {
        return Ok(Publication::default());
    }
    let (row, uid) = acts::post_ref(c, uid)?;
    let history = acts::history(c, &uid)?;
    let current = content_hash(&acts::versions(c, row)?);
    Ok(rules::evaluate_publication(&history.publication, &current))
}

/// Records, in a sync's own transaction, that the site made post `uid`
/// public, when a decision in force here asked for it (scheduled, or to
/// publish at the next sync): signed by `author` (the person syncing), with
/// the site's user `by_on_site`. Answers None, recording nothing, when no
/// decision asks for it (already recorded, never decided, or voided by a
/// later change): a site's status alone never makes a post published here.
pub(crate) fn confirm_published(
    tx: &WriteTx,
    author: &Signer,
    uid: &str,
    by_on_site: &str,
) -> Result<Option<AuditEntry>> {
    let (row, uid) = acts::post_ref(tx, uid)?;
    let history = acts::history(tx, &uid)?;
    let current = content_hash(&acts::versions(tx, row)?);
    let publication = rules::evaluate_publication(&history.publication, &current);
    let rules::PublicationState::Scheduled {
        publish_at, now, ..
    } = publication.state
    else {
        return Ok(None);
    };
    // A schedule went out at its date (or earlier, if published by hand);
    // "publish now" went out now.
    let at = if now {
        tx.now()
    } else {
        publish_at.min(tx.now())
    };
    let payload = PublicationPayload {
        content_hash: current,
        publish_at: Some(at),
        by_on_site: Some(by_on_site.to_string()),
    };
    append(tx, author, &uid, PublicationKind::Published, &payload).map(Some)
}

fn append(
    tx: &WriteTx,
    author: &Signer,
    post_uid: &str,
    kind: PublicationKind,
    payload: &PublicationPayload,
) -> Result<AuditEntry> {
    let payload = serde_json::to_value(payload)
        .map_err(|e| Error::corrupt(format!("a publication act could not be written: {e}")))?;
    let entry = audit::append(
        tx,
        author,
        NewEntry {
            post: Some(post_uid.to_string()),
            step: None,
            kind: kind.entry_kind().into(),
            payload,
        },
    )?;
    touch(tx, post_uid);
    Ok(entry)
}
