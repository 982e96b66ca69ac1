//! The pure rules of sign-off: the canonical content hash a signature is pinned
//! to (`content`), the chain of steps (`chain`), a post's state evaluated from its
//! acts (`state`), who may do what (`permit`), the preflight (`preflight`), publication
//! (`publication`) and the board's columns and filters (`board`).
//! No database, no clock, no I/O: the store records acts, these rules read them.

pub mod board;
pub mod chain;
pub mod content;
pub mod permit;
pub mod preflight;
pub mod publication;
pub mod state;

pub use board::{blocked, column, involvement, Column, Involvement};
pub use chain::{Chain, Delegation, Required, Step};
pub use content::{
    canonical_text, content_hash, diff, AssetRef, ContentHash, DiffRow, VersionContent,
};
pub use permit::{check, may_act, MayAct, Proposal, Refusal};
pub use preflight::{
    asset_checks, preflight, step_check, AssetCheck, CheckCode, FailedCheck, GoTo, PostLink,
    PreflightInput, DEFAULT_SHARE_LIMIT,
};
pub use publication::{
    check_move, evaluate_publication, Publication, PublicationAct, PublicationKind,
    PublicationMove, PublicationRefusal, PublicationState,
};
pub use state::{
    evaluate, scope_hashes, scope_hashes_given, Act, ActKind, Approval, ChangeRequest,
    OverallState, PostSignoff, StepState, StepStatus, Submission, VoidedApproval,
};

#[cfg(test)]
mod state_tests;
