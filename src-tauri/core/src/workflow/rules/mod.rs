//! The pure rules of sign-off: the canonical content hash a signature is pinned
//! to (`content`), the chain of steps (`chain`), a post's state evaluated from its
//! acts (`state`), who may do what (`permit`) and the preflight (`preflight`).
//! No database, no clock, no I/O: the store records acts, these rules read them.

pub mod chain;
pub mod content;
pub mod permit;
pub mod preflight;
pub mod state;

pub use chain::{Chain, Delegation, Required, Step};
pub use content::{
    canonical_text, content_hash, diff, AssetRef, ContentHash, DiffRow, VersionContent,
};
pub use permit::{check, may_act, MayAct, Proposal, Refusal};
pub use preflight::{
    asset_checks, preflight, AssetCheck, CheckCode, FailedCheck, GoTo, PostLink, PreflightInput,
    DEFAULT_SHARE_LIMIT,
};
pub use state::{
    evaluate, scope_hashes, Act, ActKind, Approval, ChangeRequest, OverallState, PostSignoff,
    StepState, StepStatus, Submission, VoidedApproval,
};

#[cfg(test)]
mod state_tests;
