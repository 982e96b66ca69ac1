//! Who may do what on a post's sign-off now: `check` refuses an act with a reason
//! a person can act on, and `may_act` lists the acts that `check` would accept,
//! so the panel's buttons and the refusals can never disagree.
//!
//! The rules: anyone known to the library may submit a draft (or a post sent
//! back with changes requested) and comment; only the submitter may withdraw;
//! a step is approved or sent back by one of its signers, or by a delegate the
//! chain names for one of them (both are recorded: `by` and `on_behalf_of`);
//! a person gives at most one counted approval per step, whoever it is for.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::chain::Chain;
use super::state::{ActKind, OverallState, PostSignoff};

/// An act someone wants to record, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Proposal {
    pub kind: Option<ActKind>,
    pub step: Option<String>,
    pub by: String,
    pub on_behalf_of: Option<String>,
    pub comment: String,
    pub due: Option<i64>,
}

impl Proposal {
    pub fn new(kind: ActKind, by: &str) -> Self {
        Proposal {
            kind: Some(kind),
            by: by.to_string(),
            ..Proposal::default()
        }
    }

    pub fn on(mut self, step: &str) -> Self {
        self.step = Some(step.to_string());
        self
    }

    pub fn for_signer(mut self, signer: &str) -> Self {
        self.on_behalf_of = Some(signer.to_string());
        self
    }

    pub fn saying(mut self, comment: &str) -> Self {
        self.comment = comment.to_string();
        self
    }
}

/// An act a person may do now, as the panel offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MayAct {
    pub kind: ActKind,
    pub step: Option<String>,
    /// Set when the person would sign as this signer's delegate.
    pub on_behalf_of: Option<String>,
}

/// Why an act was refused. Each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This post is not in sign-off: submit it first.")]
    NothingSubmitted,
    #[error(
        "This post is already in sign-off, at step '{step}'; withdraw it first to submit it again."
    )]
    AlreadySubmitted { step: String },
    #[error(
        "Every step of this post is approved for its current text; there is nothing to submit."
    )]
    AlreadyApprovedPost,
    #[error("Say which step to {verb}: one of {steps}.")]
    StepNeeded { verb: &'static str, steps: String },
    #[error("There is no step '{step}' in the sign-off chain; its steps are {steps}.")]
    UnknownStep { step: String, steps: String },
    #[error("Nobody may sign step '{step}' yet: the chain names no signers for it. Name them with `workflow set`.")]
    NoSigners { step: String },
    #[error("{person} may not sign step '{step}': its signers are {signers}.")]
    NotASigner {
        person: String,
        step: String,
        signers: String,
    },
    #[error("{signer} is not a signer of step '{step}' (its signers are {signers}), so nobody can sign it for them.")]
    SignerNotOnStep {
        signer: String,
        step: String,
        signers: String,
    },
    #[error("{person} may not sign for {signer}: the chain does not name {person} as {signer}'s delegate.")]
    NotADelegate { person: String, signer: String },
    #[error("Step '{step}' cannot be signed yet: step '{waiting_for}' before it is not approved for the current text.")]
    StepNotReady { step: String, waiting_for: String },
    #[error("Step '{step}' is already approved for the current text.")]
    StepAlreadyApproved { step: String },
    #[error(
        "{person} already approved step '{step}' for the current text; one person counts once."
    )]
    AlreadyApproved { person: String, step: String },
    #[error("Changes were asked for at step '{step}' by {by}: it can be signed again after the post is submitted again.")]
    ChangesPending { step: String, by: String },
    #[error("Asking for changes at step '{step}' needs a comment saying what to change.")]
    CommentRequired { step: String },
    #[error("A comment needs some text.")]
    EmptyComment,
    #[error("Only {submitter}, who submitted this post, may withdraw it.")]
    NotTheSubmitter { person: String, submitter: String },
    #[error(
        "The act to record is missing (submit, approve, request changes, withdraw or comment)."
    )]
    NoAct,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NothingSubmitted => "signoff_nothing_submitted",
            Refusal::AlreadySubmitted { .. } => "signoff_already_submitted",
            Refusal::AlreadyApprovedPost => "signoff_post_approved",
            Refusal::StepNeeded { .. } => "signoff_step_needed",
            Refusal::UnknownStep { .. } => "signoff_unknown_step",
            Refusal::NoSigners { .. } => "signoff_no_signers",
            Refusal::NotASigner { .. } => "signoff_not_a_signer",
            Refusal::SignerNotOnStep { .. } => "signoff_signer_not_on_step",
            Refusal::NotADelegate { .. } => "signoff_not_a_delegate",
            Refusal::StepNotReady { .. } => "signoff_step_not_ready",
            Refusal::StepAlreadyApproved { .. } => "signoff_step_approved",
            Refusal::AlreadyApproved { .. } => "signoff_already_approved",
            Refusal::ChangesPending { .. } => "signoff_changes_pending",
            Refusal::CommentRequired { .. } => "signoff_comment_required",
            Refusal::EmptyComment => "signoff_empty_comment",
            Refusal::NotTheSubmitter { .. } => "signoff_not_the_submitter",
            Refusal::NoAct => "signoff_no_act",
        }
    }
}

impl From<Refusal> for crate::error::Error {
    fn from(r: Refusal) -> Self {
        crate::error::Error::SignoffRefused(r)
    }
}

fn names(chain: &Chain) -> String {
    chain
        .steps
        .iter()
        .map(|s| format!("'{}'", s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `p` may be recorded now on a post whose sign-off is `signoff`
/// (evaluated with the same `chain`).
pub fn check(chain: &Chain, signoff: &PostSignoff, p: &Proposal) -> Result<(), Refusal> {
    let kind = p.kind.ok_or(Refusal::NoAct)?;
    match kind {
        ActKind::Submit => match &signoff.state {
            OverallState::Draft
            | OverallState::Withdrawn { .. }
            | OverallState::ChangesRequested { .. } => Ok(()),
            OverallState::InSignoff { name, .. } => {
                Err(Refusal::AlreadySubmitted { step: name.clone() })
            }
            OverallState::Approved => Err(Refusal::AlreadyApprovedPost),
        },
        ActKind::Withdraw => {
            let submission = signoff
                .submission
                .as_ref()
                .ok_or(Refusal::NothingSubmitted)?;
            if submission.by != p.by {
                return Err(Refusal::NotTheSubmitter {
                    person: p.by.clone(),
                    submitter: submission.by.clone(),
                });
            }
            Ok(())
        }
        ActKind::Comment => {
            if let Some(step) = &p.step {
                chain.step(step).ok_or_else(|| Refusal::UnknownStep {
                    step: step.clone(),
                    steps: names(chain),
                })?;
            }
            if p.comment.trim().is_empty() {
                return Err(Refusal::EmptyComment);
            }
            Ok(())
        }
        ActKind::Approve | ActKind::RequestChanges => check_signature(chain, signoff, p, kind),
    }
}

fn check_signature(
    chain: &Chain,
    signoff: &PostSignoff,
    p: &Proposal,
    kind: ActKind,
) -> Result<(), Refusal> {
    if !signoff.submitted() {
        return Err(Refusal::NothingSubmitted);
    }
    let name = p.step.as_deref().ok_or_else(|| Refusal::StepNeeded {
        verb: kind.as_str(),
        steps: names(chain),
    })?;
    let (i, step) = chain.step(name).ok_or_else(|| Refusal::UnknownStep {
        step: name.to_string(),
        steps: names(chain),
    })?;
    if step.signers.is_empty() {
        return Err(Refusal::NoSigners {
            step: name.to_string(),
        });
    }
    let signers = || step.signers.join(", ");
    let signer = p.on_behalf_of.as_deref().unwrap_or(&p.by);
    if !step.signers.iter().any(|s| s == signer) {
        return Err(match &p.on_behalf_of {
            Some(_) => Refusal::SignerNotOnStep {
                signer: signer.to_string(),
                step: name.to_string(),
                signers: signers(),
            },
            None => Refusal::NotASigner {
                person: p.by.clone(),
                step: name.to_string(),
                signers: signers(),
            },
        });
    }
    if p.on_behalf_of.is_some() && signer != p.by && !chain.may_sign_for(&p.by, signer) {
        return Err(Refusal::NotADelegate {
            person: p.by.clone(),
            signer: signer.to_string(),
        });
    }
    let status = &signoff.steps[i];
    if let Some(r) = &status.changes_requested {
        return Err(Refusal::ChangesPending {
            step: name.to_string(),
            by: r.by.clone(),
        });
    }
    if status.valid() {
        return Err(Refusal::StepAlreadyApproved {
            step: name.to_string(),
        });
    }
    if !status.ready {
        let waiting_for = signoff.steps[..i]
            .iter()
            .find(|s| !s.valid())
            .map_or_else(|| name.to_string(), |s| s.name.clone());
        return Err(Refusal::StepNotReady {
            step: name.to_string(),
            waiting_for,
        });
    }
    if kind == ActKind::Approve {
        // One person counts once: neither the signer nor the hand that signs
        // may already stand behind a counted approval of this step.
        if let Some(a) = status
            .approvals
            .iter()
            .find(|a| a.signer == signer || a.by == p.by)
        {
            return Err(Refusal::AlreadyApproved {
                person: a.signer.clone(),
                step: name.to_string(),
            });
        }
    } else if p.comment.trim().is_empty() {
        return Err(Refusal::CommentRequired {
            step: name.to_string(),
        });
    }
    Ok(())
}

/// The acts `person` may do now: what `check` accepts, tried for every step and
/// every signer the person may sign for.
pub fn may_act(chain: &Chain, signoff: &PostSignoff, person: &str) -> Vec<MayAct> {
    let mut out = Vec::new();
    let mut offer = |p: Proposal| {
        if check(chain, signoff, &p).is_ok() {
            out.push(MayAct {
                kind: p.kind.expect("every offer names its act"),
                step: p.step,
                on_behalf_of: p.on_behalf_of,
            });
        }
    };
    offer(Proposal::new(ActKind::Submit, person));
    for step in &chain.steps {
        let mut as_whom: Vec<Option<&str>> = Vec::new();
        if step.signers.iter().any(|s| s == person) {
            as_whom.push(None);
        }
        as_whom.extend(
            step.signers
                .iter()
                .filter(|s| chain.may_sign_for(person, s))
                .map(|s| Some(s.as_str())),
        );
        for kind in [ActKind::Approve, ActKind::RequestChanges] {
            for whom in &as_whom {
                // A placeholder comment: the offer is about who and when, the
                // comment is asked for when the act is made.
                let mut p = Proposal::new(kind, person).on(&step.name).saying("…");
                p.on_behalf_of = whom.map(str::to_string);
                offer(p);
            }
        }
    }
    offer(Proposal::new(ActKind::Withdraw, person));
    offer(Proposal::new(ActKind::Comment, person).saying("…"));
    out
}
