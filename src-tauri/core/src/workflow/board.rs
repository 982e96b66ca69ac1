//! Every post's sign-off at once: the pipeline board (each post, where it
//! stands, why it is blocked) and a person's inbox (what waits for their
//! signature, what they submitted), filtered by person and language. Both read
//! the library's kept evaluation (`board_cache`); the column, the reason a
//! post is blocked and how it involves a person are `rules::board`'s.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rules::{self, ActKind, Column, Involvement, OverallState, PostSignoff, Publication};
use super::signoff::Signoff;
use crate::clock;
use crate::error::Result;

/// One post on the pipeline board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardItem {
    pub post_id: String,
    /// The source version's title.
    pub title: String,
    pub source_lang: String,
    /// The languages it has a version in, the source first.
    pub languages: Vec<String>,
    /// Its sign-off state.
    pub state: OverallState,
    /// The board's column: the sign-off's state, or the publication decision
    /// in force for the current text.
    pub column: Column,
    pub publication: Publication,
    /// The step it waits on (or was sent back from).
    pub current_step: Option<String>,
    /// Why it cannot move on by itself, when it cannot.
    pub blocked: Option<String>,
    #[ts(type = "number | null")]
    pub due: Option<i64>,
    pub overdue: bool,
    /// How it involves the person the board was filtered by.
    pub involvement: Option<Involvement>,
}

/// A step waiting for the person's signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InboxItem {
    pub post_id: String,
    pub title: String,
    pub step: String,
    /// Set when the person would sign as this signer's delegate.
    pub on_behalf_of: Option<String>,
    pub submitted_by: String,
    #[ts(type = "number")]
    pub submitted_at: i64,
    #[ts(type = "number | null")]
    pub due: Option<i64>,
    pub overdue: bool,
}

/// A person's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Inbox {
    pub person: String,
    /// Oldest submission first.
    pub waiting: Vec<InboxItem>,
    /// The posts they submitted that are in sign-off, and where each stands.
    pub submitted: Vec<BoardItem>,
}

/// Which posts the board shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardFilter {
    /// Only posts that involve this person (a step waits on them, they
    /// submitted it, or they signed or sent back a step of it).
    pub person: Option<String>,
    /// Only posts with a version in this language.
    pub lang: Option<String>,
}

impl BoardItem {
    /// A post on the board before its sign-off is evaluated: a draft.
    pub(super) fn new(
        post_id: String,
        title: String,
        source_lang: String,
        languages: Vec<String>,
    ) -> Self {
        BoardItem {
            post_id,
            title,
            source_lang,
            languages,
            state: OverallState::Draft,
            column: Column::Draft,
            publication: Publication::default(),
            current_step: None,
            blocked: None,
            due: None,
            overdue: false,
            involvement: None,
        }
    }

    /// Where the post stands, from its sign-off and publication just evaluated.
    pub(super) fn stand(&mut self, signoff: &PostSignoff, publication: &Publication) {
        self.current_step = match &signoff.state {
            OverallState::InSignoff { name, .. } | OverallState::ChangesRequested { name, .. } => {
                Some(name.clone())
            }
            _ => None,
        };
        self.state = signoff.state.clone();
        self.column = rules::column(signoff, publication);
        self.publication = publication.clone();
        self.blocked = rules::blocked(&self.post_id, signoff, clock::to_text);
        self.due = signoff.submission.as_ref().and_then(|s| s.due);
        self.overdue = signoff.overdue;
    }
}

impl Signoff<'_> {
    /// Every live post with where it stands in sign-off, oldest post first.
    pub fn board(&self) -> Result<Vec<Arc<BoardItem>>> {
        self.board_of(&BoardFilter::default())
    }

    /// The posts `filter` keeps, with where each stands, oldest post first.
    /// With a person, each item says how the post involves them.
    pub fn board_of(&self, filter: &BoardFilter) -> Result<Vec<Arc<BoardItem>>> {
        let person = match &filter.person {
            Some(name) => Some(self.lib.people().get(name)?.name),
            None => None,
        };
        if let Some(lang) = &filter.lang {
            self.lib.languages().check(lang)?;
        }
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            self.lib.board_cache().with(c, now, |chain, posts| {
                Ok(posts
                    .filter(|p| {
                        let languages = &p.item.languages;
                        filter.lang.as_ref().is_none_or(|l| languages.contains(l))
                    })
                    .filter_map(|p| match &person {
                        None => Some(p.item.clone()),
                        Some(name) => {
                            let inv = rules::involvement(chain, &p.signoff, &p.history.acts, name);
                            inv.any().then(|| {
                                Arc::new(BoardItem {
                                    involvement: Some(inv),
                                    ..BoardItem::clone(&p.item)
                                })
                            })
                        }
                    })
                    .collect())
            })
        })
    }

    /// What waits for `person`'s signature (steps they, or someone they are
    /// the delegate of, may approve now), oldest submission first; and what
    /// they submitted that is still in sign-off.
    pub fn inbox(&self, person: &str) -> Result<Inbox> {
        let person = self.lib.people().get(person)?.name;
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            self.lib.board_cache().with(c, now, |chain, posts| {
                let mut waiting = Vec::new();
                let mut submitted = Vec::new();
                for post in posts {
                    let signoff = &post.signoff;
                    let Some(sub) = &signoff.submission else {
                        continue;
                    };
                    let mut steps_seen: Vec<String> = Vec::new();
                    for m in rules::may_act(chain, signoff, &person) {
                        let Some(step) = m.step.filter(|_| m.kind == ActKind::Approve) else {
                            continue;
                        };
                        if steps_seen.contains(&step) {
                            continue;
                        }
                        let overdue = signoff.steps.iter().any(|s| s.name == step && s.overdue);
                        steps_seen.push(step.clone());
                        waiting.push(InboxItem {
                            post_id: post.item.post_id.clone(),
                            title: post.item.title.clone(),
                            step,
                            on_behalf_of: m.on_behalf_of,
                            submitted_by: sub.by.clone(),
                            submitted_at: sub.at,
                            due: sub.due,
                            overdue,
                        });
                    }
                    if sub.by == person {
                        submitted.push(BoardItem::clone(&post.item));
                    }
                }
                waiting.sort_by_key(|w| w.submitted_at);
                Ok(Inbox {
                    person,
                    waiting,
                    submitted,
                })
            })
        })
    }
}
