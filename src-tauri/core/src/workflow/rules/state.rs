//! Where a post stands in its sign-off, computed from its acts, the chain and the
//! current hash of what each step covers (times are UTC unix milliseconds). A
//! pure function: the same inputs give the same answer, so the board evaluates
//! every post without a query per post.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::chain::Chain;
use super::content::{content_hash, ContentHash, VersionContent};
use crate::error::{Error, Result};

/// What an act does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    Submit,
    Approve,
    RequestChanges,
    Withdraw,
    Comment,
}

impl ActKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActKind::Submit => "submit",
            ActKind::Approve => "approve",
            ActKind::RequestChanges => "request changes",
            ActKind::Withdraw => "withdraw",
            ActKind::Comment => "comment",
        }
    }
}

/// One recorded act on a post's sign-off. Times are UTC unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    /// Its place in the post's history; acts are given in this order.
    pub seq: i64,
    pub kind: ActKind,
    /// The step acted on (approve, request changes; optional for a comment).
    pub step: Option<String>,
    /// Who did it.
    pub by: String,
    /// Whose signature it gives, when `by` signs as their delegate.
    pub on_behalf_of: Option<String>,
    pub at: i64,
    /// A submission's due date.
    pub due: Option<i64>,
    pub comment: String,
    /// The hash of what the step covered when the act was made.
    pub content_hash: ContentHash,
}

impl Act {
    /// The person whose signature this act gives.
    pub fn signer(&self) -> &str {
        self.on_behalf_of.as_deref().unwrap_or(&self.by)
    }
}

/// An approval as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Approval {
    /// Whose signature it is.
    pub signer: String,
    /// Who gave it (the signer, or their delegate).
    pub by: String,
    pub on_behalf_of: Option<String>,
    /// UTC unix milliseconds (the window shows them in the reader's locale).
    #[ts(type = "number")]
    pub at: i64,
    pub comment: String,
    #[ts(type = "number")]
    pub seq: i64,
    pub signed_hash: ContentHash,
}

/// An approval of text that has changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VoidedApproval {
    pub approval: Approval,
    pub current_hash: ContentHash,
}

/// A request for changes, in force until the next submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChangeRequest {
    pub by: String,
    pub on_behalf_of: Option<String>,
    #[ts(type = "number")]
    pub at: i64,
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// The post is not in sign-off, or an earlier step is not valid yet.
    Waiting,
    /// It may be signed now.
    Ready,
    /// Enough approvals of the current text.
    Approved,
    /// A signer asked for changes; it waits for the next submission.
    ChangesRequested,
    /// Approvals were given, but the text changed since: they must be given again.
    VoidedByChange,
    /// Nobody may sign it: the chain names no signers for it yet.
    NoSigners,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepStatus {
    pub name: String,
    pub languages: Option<Vec<String>>,
    pub state: StepState,
    /// It may be signed now (every earlier step is valid, the post is submitted).
    pub ready: bool,
    /// Approvals of the current text that count toward `required`.
    pub approvals: Vec<Approval>,
    pub counted: u32,
    pub required: u32,
    pub voided: Vec<VoidedApproval>,
    pub changes_requested: Option<ChangeRequest>,
    pub current_hash: ContentHash,
    /// It is the step the post waits on and the submission's due date is past.
    pub overdue: bool,
}

impl StepStatus {
    /// Enough approvals of the current text.
    pub fn valid(&self) -> bool {
        self.required > 0 && self.counted >= self.required
    }
}

/// Where the post stands as a whole (the pipeline board's columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OverallState {
    /// Never submitted.
    Draft,
    /// In sign-off, waiting on this step (0-based index and name).
    InSignoff {
        step: u32,
        name: String,
    },
    ChangesRequested {
        step: u32,
        name: String,
    },
    /// Every step valid for the current text.
    Approved,
    /// Taken back by its submitter: a draft again.
    Withdrawn {
        by: String,
        #[ts(type = "number")]
        at: i64,
    },
}

/// The submission in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Submission {
    pub by: String,
    #[ts(type = "number")]
    pub at: i64,
    #[ts(type = "number | null")]
    pub due: Option<i64>,
    pub comment: String,
}

/// A post's sign-off: the whole state and each step's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostSignoff {
    pub state: OverallState,
    pub submission: Option<Submission>,
    pub steps: Vec<StepStatus>,
    pub overdue: bool,
}

impl PostSignoff {
    /// The post is in sign-off (submitted, not withdrawn since).
    pub fn submitted(&self) -> bool {
        !matches!(
            self.state,
            OverallState::Draft | OverallState::Withdrawn { .. }
        )
    }
}

/// The hash of what each step of `chain` covers, from the post's versions.
pub fn scope_hashes(chain: &Chain, versions: &[VersionContent]) -> Vec<ContentHash> {
    scope_hashes_given(chain, versions, content_hash(versions))
}

/// `scope_hashes` when the hash of the whole post (`all`) is known already.
pub fn scope_hashes_given(
    chain: &Chain,
    versions: &[VersionContent],
    all: ContentHash,
) -> Vec<ContentHash> {
    chain
        .steps
        .iter()
        .map(|s| match &s.languages {
            None => all,
            Some(_) => {
                let scoped: Vec<VersionContent> = versions
                    .iter()
                    .filter(|v| s.covers(&v.lang))
                    .cloned()
                    .collect();
                content_hash(&scoped)
            }
        })
        .collect()
}

fn approval_of(act: &Act) -> Approval {
    Approval {
        signer: act.signer().to_string(),
        by: act.by.clone(),
        on_behalf_of: act.on_behalf_of.clone(),
        at: act.at,
        comment: act.comment.clone(),
        seq: act.seq,
        signed_hash: act.content_hash,
    }
}

/// Evaluates a post's sign-off. `acts` in their order; `current[i]` the hash of
/// what step `i` covers now (see `scope_hashes`); `now` in UTC milliseconds.
///
/// Approvals outlive submissions: one counts whenever the text it signed is the
/// text there now, so a validator never signs identical text twice. It counts
/// only if its signer is still a signer of the step (the chain may have changed),
/// and each signer counts once, however many times or by whom they signed.
///
/// Refused (not a panic: the caller made the hashes) when `current` does not
/// hold one hash per step.
pub fn evaluate(
    chain: &Chain,
    acts: &[Act],
    current: &[ContentHash],
    now: i64,
) -> Result<PostSignoff> {
    if chain.steps.len() != current.len() {
        return Err(Error::ScopeMismatch {
            steps: chain.steps.len(),
            hashes: current.len(),
        });
    }
    // The submission in force: the latest submit not followed by a withdraw.
    let mut submit: Option<&Act> = None;
    let mut withdraw: Option<&Act> = None;
    for act in acts {
        match act.kind {
            ActKind::Submit => (submit, withdraw) = (Some(act), None),
            ActKind::Withdraw if submit.is_some() => (submit, withdraw) = (None, Some(act)),
            _ => {}
        }
    }
    let round_start = submit.map_or(i64::MIN, |s| s.seq);

    let mut steps: Vec<StepStatus> = Vec::with_capacity(chain.steps.len());
    // Each signer's approval found, before the step's lists are made at
    // their exact size (a first push would make room for four; a board
    // keeps 10,000 of these).
    let mut found: Vec<(&Act, bool)> = Vec::new();
    for (i, step) in chain.steps.iter().enumerate() {
        let hash = &current[i];
        let on_step = || {
            acts.iter()
                .filter(|a| a.step.as_deref() == Some(step.name.as_str()))
        };
        // The latest request for changes of this round, by a signer of the step.
        let request = on_step().rev().find(|a| {
            a.kind == ActKind::RequestChanges
                && a.seq > round_start
                && step.signers.iter().any(|s| s == a.signer())
        });
        found.clear();
        // Signer by signer (a handful; no map to allocate): their latest approval
        // of the current text, else their latest approval at all. Their own
        // request for changes takes back what they approved before it.
        for signer in &step.signers {
            let (mut valid, mut last) = (None, None);
            for act in on_step().filter(|a| a.signer() == signer) {
                match act.kind {
                    ActKind::Approve => {
                        if &act.content_hash == hash {
                            valid = Some(act);
                        }
                        last = Some(act);
                    }
                    ActKind::RequestChanges => (valid, last) = (None, None),
                    _ => {}
                }
            }
            match (valid, last) {
                (Some(valid), _) => found.push((valid, true)),
                (None, Some(last)) => found.push((last, false)),
                (None, None) => {}
            }
        }
        let counted = found.iter().filter(|(_, valid)| *valid).count();
        let mut approvals = Vec::with_capacity(counted);
        let mut voided = Vec::with_capacity(found.len() - counted);
        for (act, valid) in &found {
            match valid {
                true => approvals.push(approval_of(act)),
                false => voided.push(VoidedApproval {
                    approval: approval_of(act),
                    current_hash: *hash,
                }),
            }
        }
        approvals.sort_by_key(|a| a.seq);
        let required = step.needed();
        let counted = counted as u32;
        steps.push(StepStatus {
            name: step.name.clone(),
            languages: step.languages.clone(),
            state: StepState::Waiting,
            ready: false,
            approvals,
            counted,
            required,
            voided,
            changes_requested: request.map(|r| ChangeRequest {
                by: r.by.clone(),
                on_behalf_of: r.on_behalf_of.clone(),
                at: r.at,
                comment: r.comment.clone(),
            }),
            current_hash: *hash,
            overdue: false,
        });
    }

    let submitted = submit.is_some();
    let due = submit.and_then(|s| s.due);
    let mut earlier_valid = true;
    let mut waits_on: Option<usize> = None;
    let mut requested: Option<usize> = None;
    for (i, s) in steps.iter_mut().enumerate() {
        let valid = s.valid();
        s.state = if s.changes_requested.is_some() && submitted {
            requested.get_or_insert(i);
            StepState::ChangesRequested
        } else if valid {
            StepState::Approved
        } else if chain.steps[i].signers.is_empty() {
            StepState::NoSigners
        } else if !s.voided.is_empty() {
            StepState::VoidedByChange
        } else if submitted && earlier_valid {
            StepState::Ready
        } else {
            StepState::Waiting
        };
        s.ready = submitted && earlier_valid && !valid && s.changes_requested.is_none();
        if !valid && waits_on.is_none() {
            waits_on = Some(i);
            s.overdue = submitted && due.is_some_and(|d| now > d);
        }
        earlier_valid &= valid;
    }

    let overdue = steps.iter().any(|s| s.overdue);
    let at = |i: usize| (i as u32, steps[i].name.clone());
    let state = match (submit, withdraw, requested, waits_on) {
        (None, Some(w), _, _) => OverallState::Withdrawn {
            by: w.by.clone(),
            at: w.at,
        },
        (None, None, _, _) => OverallState::Draft,
        (Some(_), _, Some(r), _) => {
            let (step, name) = at(r);
            OverallState::ChangesRequested { step, name }
        }
        (Some(_), _, None, Some(w)) => {
            let (step, name) = at(w);
            OverallState::InSignoff { step, name }
        }
        (Some(_), _, None, None) => OverallState::Approved,
    };
    Ok(PostSignoff {
        state,
        submission: submit.map(|s| Submission {
            by: s.by.clone(),
            at: s.at,
            due: s.due,
            comment: s.comment.clone(),
        }),
        steps,
        overdue,
    })
}
