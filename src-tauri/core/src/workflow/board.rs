//! Every post's sign-off at once: the pipeline board (each post, where it
//! stands, why it is blocked) and a person's inbox (what waits for their
//! signature, what they submitted). One read: all versions, all acts, then the
//! pure evaluation per post, with no query per post.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::acts::{self, History};
use super::chain_store;
use super::rules::{
    self, ActKind, Chain, OverallState, PostSignoff, StepState, StepStatus, VersionContent,
};
use super::signoff::{evaluate, Signoff};
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
    pub state: OverallState,
    /// The step it waits on (or was sent back from).
    pub current_step: Option<String>,
    /// Why it cannot move on by itself, when it cannot.
    pub blocked: Option<String>,
    #[ts(type = "number | null")]
    pub due: Option<i64>,
    pub overdue: bool,
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

/// A post as the board needs it.
struct Head {
    uid: String,
    source_lang: String,
    versions: Vec<VersionContent>,
}

/// Every live post with its versions, in creation order.
fn heads(c: &Connection) -> Result<Vec<Head>> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt =
        c.prepare_cached("SELECT version_id, tag FROM version_tags ORDER BY version_id, position")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (v, t) = row?;
        tags.entry(v).or_default().push(t);
    }
    let mut stmt = c.prepare_cached(
        "SELECT p.uid, p.source_lang, v.id, v.lang, v.title, v.summary, v.body, v.share_text, \
         v.place_line FROM posts p JOIN language_versions v ON v.post_id = p.id \
         WHERE p.deleted_at IS NULL ORDER BY p.id, v.lang",
    )?;
    let mut out: Vec<Head> = Vec::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            VersionContent {
                lang: r.get(3)?,
                title: r.get(4)?,
                summary: r.get(5)?,
                body: r.get(6)?,
                share_text: r.get(7)?,
                place_line: r.get(8)?,
                ..VersionContent::default()
            },
        ))
    })?;
    for row in rows {
        let (uid, source_lang, version, mut v) = row?;
        v.tags = tags.remove(&version).unwrap_or_default();
        v.assets = crate::assets::shown_in(c, &v.body, &v.lang)?;
        match out.last_mut() {
            Some(h) if h.uid == uid => h.versions.push(v),
            _ => out.push(Head {
                uid,
                source_lang,
                versions: vec![v],
            }),
        }
    }
    Ok(out)
}

impl Head {
    fn title(&self) -> String {
        self.versions
            .iter()
            .find(|v| v.lang == self.source_lang)
            .or(self.versions.first())
            .map(|v| v.title.clone())
            .unwrap_or_default()
    }
}

/// Why a post in sign-off cannot move on by itself, if it cannot.
fn blocked(signoff: &PostSignoff) -> Option<String> {
    let waiting: Option<&StepStatus> = match &signoff.state {
        OverallState::InSignoff { step, .. } | OverallState::ChangesRequested { step, .. } => {
            signoff.steps.get(*step as usize)
        }
        _ => None,
    };
    let s = waiting?;
    let mut why = match s.state {
        StepState::ChangesRequested => s
            .changes_requested
            .as_ref()
            .map(|r| format!("{} asked for changes at '{}': {}", r.by, s.name, r.comment)),
        StepState::NoSigners => Some(format!(
            "nobody may sign '{}': name its signers in the chain",
            s.name
        )),
        StepState::VoidedByChange => {
            let who: Vec<&str> = s
                .voided
                .iter()
                .map(|v| v.approval.signer.as_str())
                .collect();
            Some(format!(
                "the text changed after {} approved '{}'",
                who.join(", "),
                s.name
            ))
        }
        _ => None,
    };
    if s.overdue {
        let due = signoff
            .submission
            .as_ref()
            .and_then(|d| d.due)
            .map(clock::to_text)
            .unwrap_or_default();
        let overdue = format!("overdue since {due}");
        why = Some(match why {
            Some(w) => format!("{w}; {overdue}"),
            None => overdue,
        });
    }
    why
}

fn item(head: &Head, signoff: &PostSignoff) -> BoardItem {
    let current_step = match &signoff.state {
        OverallState::InSignoff { name, .. } | OverallState::ChangesRequested { name, .. } => {
            Some(name.clone())
        }
        _ => None,
    };
    let mut languages: Vec<String> = head.versions.iter().map(|v| v.lang.clone()).collect();
    languages.sort_by_key(|l| *l != head.source_lang);
    BoardItem {
        post_id: head.uid.clone(),
        title: head.title(),
        source_lang: head.source_lang.clone(),
        languages,
        state: signoff.state.clone(),
        current_step,
        blocked: blocked(signoff),
        due: signoff.submission.as_ref().and_then(|s| s.due),
        overdue: signoff.overdue,
    }
}

/// Every live post, evaluated now.
fn evaluate_all(c: &Connection, chain: &Chain, now: i64) -> Result<Vec<(Head, PostSignoff)>> {
    let mut histories = acts::histories(c)?;
    let none = History::default();
    heads(c)?
        .into_iter()
        .map(|h| {
            let history = histories.remove(&h.uid);
            let (_, signoff) =
                evaluate(chain, history.as_ref().unwrap_or(&none), &h.versions, now)?;
            Ok((h, signoff))
        })
        .collect()
}

impl Signoff<'_> {
    /// Every live post with where it stands in sign-off, oldest post first.
    pub fn board(&self) -> Result<Vec<BoardItem>> {
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            Ok(evaluate_all(c, &chain, now)?
                .iter()
                .map(|(h, s)| item(h, s))
                .collect())
        })
    }

    /// What waits for `person`'s signature (steps they, or someone they are
    /// the delegate of, may approve now), oldest submission first; and what
    /// they submitted that is still in sign-off.
    pub fn inbox(&self, person: &str) -> Result<Inbox> {
        let person = self.lib.people().get(person)?.name;
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            let mut waiting = Vec::new();
            let mut submitted = Vec::new();
            for (head, signoff) in evaluate_all(c, &chain, now)? {
                let Some(sub) = &signoff.submission else {
                    continue;
                };
                let mut steps_seen: Vec<String> = Vec::new();
                for m in rules::may_act(&chain, &signoff, &person) {
                    let Some(step) = m.step.filter(|_| m.kind == ActKind::Approve) else {
                        continue;
                    };
                    if steps_seen.contains(&step) {
                        continue;
                    }
                    let overdue = signoff.steps.iter().any(|s| s.name == step && s.overdue);
                    steps_seen.push(step.clone());
                    waiting.push(InboxItem {
                        post_id: head.uid.clone(),
                        title: head.title(),
                        step,
                        on_behalf_of: m.on_behalf_of,
                        submitted_by: sub.by.clone(),
                        submitted_at: sub.at,
                        due: sub.due,
                        overdue,
                    });
                }
                if sub.by == person {
                    submitted.push(item(&head, &signoff));
                }
            }
            waiting.sort_by_key(|w| w.submitted_at);
            Ok(Inbox {
                person,
                waiting,
                submitted,
            })
        })
    }
}
