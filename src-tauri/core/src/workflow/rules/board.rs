//! The pipeline board's rules: the column a post stands in (from its sign-off
//! and its publication), why it is blocked (the preflight's reason for the
//! step it waits on), and how it involves a person. Pure, like the rest.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::chain::Chain;
use super::permit::may_act;
use super::preflight::{step_check, CheckCode};
use super::publication::{Publication, PublicationState};
use super::state::{Act, ActKind, OverallState, PostSignoff};

/// The board's columns, left to right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "column", rename_all = "snake_case")]
pub enum Column {
    Draft,
    /// In sign-off, waiting on step `step` (0-based) named `name`.
    InSignoff {
        step: u32,
        name: String,
    },
    ChangesRequested {
        step: u32,
        name: String,
    },
    /// Every step valid for the current text, not yet marked ready.
    Approved,
    Ready,
    Scheduled,
    Published,
}

/// Where a post stands on the board. A publication decision in force (it
/// holds only for the text it was made on) outranks the sign-off; without one,
/// the sign-off's state says it, a withdrawn post being a draft again.
pub fn column(signoff: &PostSignoff, publication: &Publication) -> Column {
    match &publication.state {
        PublicationState::Published { .. } => return Column::Published,
        PublicationState::Scheduled { .. } => return Column::Scheduled,
        PublicationState::Ready { .. } => return Column::Ready,
        PublicationState::Draft => {}
    }
    match &signoff.state {
        OverallState::Draft | OverallState::Withdrawn { .. } => Column::Draft,
        OverallState::InSignoff { step, name } => Column::InSignoff {
            step: *step,
            name: name.clone(),
        },
        OverallState::ChangesRequested { step, name } => Column::ChangesRequested {
            step: *step,
            name: name.clone(),
        },
        OverallState::Approved => Column::Approved,
    }
}

/// Why a post in sign-off cannot move on by itself, if it cannot: the
/// preflight's check for the step it waits on (unless that step merely waits
/// for its signers), and an overdue submission.
pub fn blocked(
    post_id: &str,
    signoff: &PostSignoff,
    due_text: impl Fn(i64) -> String,
) -> Option<String> {
    let step = match &signoff.state {
        OverallState::InSignoff { step, .. } | OverallState::ChangesRequested { step, .. } => {
            signoff.steps.get(*step as usize)?
        }
        _ => return None,
    };
    let mut why = step_check(post_id, step)
        .filter(|c| c.code != CheckCode::StepNotApproved)
        .map(|c| c.message);
    if step.overdue {
        let due = signoff
            .submission
            .as_ref()
            .and_then(|s| s.due)
            .map(due_text)
            .unwrap_or_default();
        let overdue = format!("overdue since {due}");
        why = Some(match why {
            Some(w) => format!("{w} ({overdue})"),
            None => overdue,
        });
    }
    why
}

/// How a post involves a person (the board's person filter keeps a post that
/// involves them in any way).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Involvement {
    /// A step waits for their signature (theirs, or as a delegate).
    pub waits_on: bool,
    /// They submitted it (the submission in force).
    pub submitted: bool,
    /// They approved a step or asked for changes, themselves or through a delegate.
    pub signed: bool,
}

impl Involvement {
    pub fn any(&self) -> bool {
        self.waits_on || self.submitted || self.signed
    }
}

pub fn involvement(
    chain: &Chain,
    signoff: &PostSignoff,
    acts: &[Act],
    person: &str,
) -> Involvement {
    Involvement {
        waits_on: may_act(chain, signoff, person)
            .iter()
            .any(|m| m.kind == ActKind::Approve),
        submitted: signoff.submission.as_ref().is_some_and(|s| s.by == person),
        signed: acts.iter().any(|a| {
            matches!(a.kind, ActKind::Approve | ActKind::RequestChanges)
                && (a.by == person || a.signer() == person)
        }),
    }
}
