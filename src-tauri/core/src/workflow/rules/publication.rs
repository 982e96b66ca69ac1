//! Where a post stands after sign-off: draft, ready to publish, scheduled (or
//! to publish at the next sync), published. Computed from its publication acts
//! and the hash of the whole post now; pure, like the sign-off's `state`.
//!
//! A decision (ready, scheduled) holds for the text it was made on: the act
//! records the post's content hash, and a later change to the text voids it
//! back to draft, visibly (`voided` says what was decided, by whom). The text
//! must then pass sign-off and preflight again. "Published" is a fact about
//! the site (recorded when the site confirms it), so a later change does not
//! undo it: it is flagged as `changed_since_published` until published again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::content::ContentHash;
use super::preflight::FailedCheck;

/// What a publication act does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PublicationKind {
    /// Marked ready to publish.
    Ready,
    /// Scheduled for a date-time.
    Schedule,
    /// To publish now: the next sync publishes it.
    Publish,
    /// Scheduled no more: back to ready.
    Unschedule,
    /// Every decision taken back (a published post is taken down): a draft.
    Unpublish,
    /// The site confirmed it published.
    Published,
}

impl PublicationKind {
    /// The audit entry kind that records it.
    pub fn entry_kind(self) -> &'static str {
        match self {
            PublicationKind::Ready => "ready",
            PublicationKind::Schedule => "schedule",
            PublicationKind::Publish => "publish",
            PublicationKind::Unschedule => "unschedule",
            PublicationKind::Unpublish => "unpublish",
            PublicationKind::Published => "published",
        }
    }

    pub fn from_entry_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "ready" => PublicationKind::Ready,
            "schedule" => PublicationKind::Schedule,
            "publish" => PublicationKind::Publish,
            "unschedule" => PublicationKind::Unschedule,
            "unpublish" => PublicationKind::Unpublish,
            "published" => PublicationKind::Published,
            _ => return None,
        })
    }
}

/// One recorded publication act (times in UTC unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationAct {
    pub seq: i64,
    pub kind: PublicationKind,
    pub by: String,
    pub at: i64,
    /// When it goes (or went) public: the date of a schedule, the time of a
    /// publish decision, the time the site published it.
    pub publish_at: Option<i64>,
    /// The whole post's content hash when the act was made.
    pub content_hash: ContentHash,
}

/// Where a post stands in publication (the last columns of the board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PublicationState {
    Draft,
    Ready {
        by: String,
        #[ts(type = "number")]
        at: i64,
    },
    /// Goes public at `publish_at`; `now` when it was "publish now" (the next
    /// sync publishes it) rather than a date chosen ahead.
    Scheduled {
        by: String,
        #[ts(type = "number")]
        at: i64,
        #[ts(type = "number")]
        publish_at: i64,
        now: bool,
    },
    Published {
        /// Who published it, as the site says.
        by: String,
        #[ts(type = "number")]
        at: i64,
    },
}

/// A post's publication: its state and what the text voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Publication {
    pub state: PublicationState,
    /// The decision a later change to the text voided (the post is a draft
    /// again because of it).
    pub voided: Option<PublicationState>,
    /// Published, and the text changed since: the site shows an older text.
    pub changed_since_published: bool,
    /// The hash the decision in force holds for.
    pub decided_hash: Option<ContentHash>,
}

impl Default for Publication {
    fn default() -> Self {
        Publication {
            state: PublicationState::Draft,
            voided: None,
            changed_since_published: false,
            decided_hash: None,
        }
    }
}

/// Evaluates a post's publication from its acts (in order) and the hash of
/// the whole post now.
pub fn evaluate_publication(acts: &[PublicationAct], current: &ContentHash) -> Publication {
    let mut state = PublicationState::Draft;
    let mut hash: Option<ContentHash> = None;
    // The site keeps a published post public until it is unpublished, whatever
    // is decided (and voided) for a newer text meanwhile.
    let mut on_site: Option<(PublicationState, ContentHash)> = None;
    for a in acts {
        let at = a.at;
        let by = a.by.clone();
        state = match a.kind {
            PublicationKind::Ready | PublicationKind::Unschedule => {
                PublicationState::Ready { by, at }
            }
            PublicationKind::Schedule | PublicationKind::Publish => PublicationState::Scheduled {
                by,
                at,
                publish_at: a.publish_at.unwrap_or(at),
                now: a.kind == PublicationKind::Publish,
            },
            PublicationKind::Unpublish => {
                on_site = None;
                PublicationState::Draft
            }
            PublicationKind::Published => {
                let s = PublicationState::Published {
                    by,
                    at: a.publish_at.unwrap_or(at),
                };
                on_site = Some((s.clone(), a.content_hash));
                s
            }
        };
        hash = (state != PublicationState::Draft).then_some(a.content_hash);
    }
    let published = |(state, hash): (PublicationState, ContentHash)| Publication {
        state,
        voided: None,
        changed_since_published: &hash != current,
        decided_hash: Some(hash),
    };
    match (state, hash) {
        (s @ PublicationState::Published { .. }, Some(h)) => published((s, h)),
        (s, Some(h)) if &h != current => {
            let mut p = on_site.map(published).unwrap_or_default();
            p.voided = Some(s);
            p
        }
        (state, decided_hash) => Publication {
            state,
            voided: None,
            changed_since_published: false,
            decided_hash,
        },
    }
}

/// A change of publication someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicationMove {
    MarkReady,
    /// Publish at this UTC date-time (unix ms).
    Schedule {
        at: i64,
    },
    PublishNow,
    Unschedule,
    Unpublish,
}

impl PublicationMove {
    pub fn kind(self) -> PublicationKind {
        match self {
            PublicationMove::MarkReady => PublicationKind::Ready,
            PublicationMove::Schedule { .. } => PublicationKind::Schedule,
            PublicationMove::PublishNow => PublicationKind::Publish,
            PublicationMove::Unschedule => PublicationKind::Unschedule,
            PublicationMove::Unpublish => PublicationKind::Unpublish,
        }
    }

    /// Whether it moves the post toward the public, so preflight must pass.
    pub fn needs_preflight(self) -> bool {
        matches!(
            self,
            PublicationMove::MarkReady
                | PublicationMove::Schedule { .. }
                | PublicationMove::PublishNow
        )
    }
}

/// Why a publication move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicationRefusal {
    #[error("This post is not ready to publish: {}", numbered(.0))]
    PreflightFailed(Vec<FailedCheck>),
    #[error("This post is already marked ready to publish for its current text.")]
    AlreadyReady,
    #[error("This post is already scheduled; to keep it only ready, unschedule it (`valise unschedule ID`).")]
    AlreadyScheduled,
    #[error("This post is already published with its current text.")]
    AlreadyPublished,
    #[error("{when} is not in the future: choose a later date-time, or publish now without --at.")]
    NotInTheFuture { when: String },
    #[error("This post is not scheduled, so there is nothing to unschedule.")]
    NotScheduled,
    #[error("This post is a draft: there is no publication decision to take back.")]
    NothingToTakeBack,
}

fn numbered(failed: &[FailedCheck]) -> String {
    failed
        .iter()
        .enumerate()
        .map(|(i, f)| format!("({}) {}", i + 1, f.message))
        .collect::<Vec<_>>()
        .join(" ")
}

impl PublicationRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            PublicationRefusal::PreflightFailed(_) => "publication_preflight_failed",
            PublicationRefusal::AlreadyReady => "publication_already_ready",
            PublicationRefusal::AlreadyScheduled => "publication_already_scheduled",
            PublicationRefusal::AlreadyPublished => "publication_already_published",
            PublicationRefusal::NotInTheFuture { .. } => "publication_not_in_the_future",
            PublicationRefusal::NotScheduled => "publication_not_scheduled",
            PublicationRefusal::NothingToTakeBack => "publication_nothing_to_take_back",
        }
    }
}

/// Whether `mv` may be recorded on a post whose publication is `p`, with
/// `failed` its preflight now and `now` the time (UTC unix ms). Every failed
/// check is given back, not only the first.
pub fn check_move(
    p: &Publication,
    mv: PublicationMove,
    failed: &[FailedCheck],
    now: i64,
) -> Result<(), PublicationRefusal> {
    let published_as_is =
        matches!(p.state, PublicationState::Published { .. }) && !p.changed_since_published;
    match (mv, &p.state) {
        (PublicationMove::MarkReady, PublicationState::Ready { .. }) => {
            return Err(PublicationRefusal::AlreadyReady)
        }
        (PublicationMove::MarkReady, PublicationState::Scheduled { .. }) => {
            return Err(PublicationRefusal::AlreadyScheduled)
        }
        (PublicationMove::MarkReady | PublicationMove::PublishNow, _) if published_as_is => {
            return Err(PublicationRefusal::AlreadyPublished)
        }
        (PublicationMove::Schedule { at }, _) if at <= now => {
            return Err(PublicationRefusal::NotInTheFuture {
                when: crate::clock::to_text(at),
            })
        }
        (PublicationMove::Schedule { .. }, _) if published_as_is => {
            return Err(PublicationRefusal::AlreadyPublished)
        }
        (PublicationMove::Unschedule, PublicationState::Scheduled { .. }) => {}
        (PublicationMove::Unschedule, _) => return Err(PublicationRefusal::NotScheduled),
        (PublicationMove::Unpublish, PublicationState::Draft) => {
            return Err(PublicationRefusal::NothingToTakeBack)
        }
        _ => {}
    }
    if mv.needs_preflight() && !failed.is_empty() {
        return Err(PublicationRefusal::PreflightFailed(failed.to_vec()));
    }
    Ok(())
}

impl From<PublicationRefusal> for crate::error::Error {
    fn from(r: PublicationRefusal) -> Self {
        crate::error::Error::PublicationRefused(r)
    }
}

#[cfg(test)]
#[path = "publication_tests.rs"]
mod tests;
