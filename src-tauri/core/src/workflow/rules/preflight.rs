//! Preflight: what stands between a post and "ready to publish", from facts the
//! caller gathers (its sign-off, its languages, its share texts, its links). Each
//! failed check says what and where, with a code and a place for the window to go.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::state::{PostSignoff, StepState, StepStatus};
use crate::translation::{Completeness, LanguageState};

/// The share text limit when none is configured: 280 characters, X/Twitter's
/// limit and the shortest of the usual platforms, so a text within it fits all.
/// Characters are counted as Unicode scalar values; the platforms' own rules
/// (links counted as 23, weighted scripts) are the backend's to apply.
pub const DEFAULT_SHARE_LIMIT: usize = 280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    NotSubmitted,
    StepNotApproved,
    ApprovalVoided,
    ChangesRequested,
    NoSigners,
    LanguageMissing,
    LanguageOutdated,
    ShareTextTooLong,
    BrokenLink,
    /// A body references an asset the library does not have.
    DanglingAsset,
    /// A body references an asset that has no file for its language.
    AssetNoVariant,
    /// An image in a body has no alt text in that body's language.
    AltTextMissing,
}

/// Where the window takes a person to fix a failed check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GoTo {
    pub post_id: String,
    pub lang: Option<String>,
    /// A field of the version ("share_text", "body").
    pub field: Option<String>,
    /// A step of the sign-off panel.
    pub step: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FailedCheck {
    pub code: CheckCode,
    pub message: String,
    pub go_to: GoTo,
}

/// A link from the post to another post of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostLink {
    /// The version the link is written in.
    pub lang: String,
    /// The id the link names.
    pub target: String,
    /// Whether the library has that post (and, for a per-language link, that version).
    pub exists: bool,
}

/// An asset referenced by a version's body, and how it stands in that language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetCheck {
    pub lang: String,
    /// The id as written after `asset:`.
    pub reference: String,
    pub state: crate::assets::RefState,
}

/// The checks on the assets a post uses: none dangling, each with a file and
/// alt text in the language that shows it.
pub fn asset_checks(post_id: &str, refs: &[AssetCheck]) -> Vec<FailedCheck> {
    use crate::assets::RefState;
    refs.iter()
        .filter_map(|r| {
            let (code, message) = match &r.state {
                RefState::Found { has_alt: true, .. } => return None,
                RefState::Found { asset_id, .. } => (
                    CheckCode::AltTextMissing,
                    format!(
                        "The {} body shows asset {asset_id}, which has no {} alt text: write it (`valise asset set {asset_id} --lang {} --alt TEXT`).",
                        r.lang, r.lang, r.lang
                    ),
                ),
                RefState::NoVariant { asset_id } => (
                    CheckCode::AssetNoVariant,
                    format!(
                        "The {} body shows asset {asset_id}, which has no file for {} (nor one for every language): add one.",
                        r.lang, r.lang
                    ),
                ),
                RefState::Dangling(why) => (
                    CheckCode::DanglingAsset,
                    format!(
                        "The {} body references asset {}, but {why}: correct or remove the reference.",
                        r.lang, r.reference
                    ),
                ),
            };
            Some(FailedCheck {
                code,
                message,
                go_to: GoTo {
                    post_id: post_id.to_string(),
                    lang: Some(r.lang.clone()),
                    field: Some("body".into()),
                    step: None,
                },
            })
        })
        .collect()
}

/// What preflight looks at, gathered by the caller.
#[derive(Debug, Clone)]
pub struct PreflightInput<'a> {
    pub post_id: &'a str,
    pub signoff: &'a PostSignoff,
    /// Every site language of the post and where it stands.
    pub languages: &'a [LanguageState],
    /// (lang, share text) of each existing version.
    pub share_texts: &'a [(String, String)],
    pub share_limit: usize,
    pub links: &'a [PostLink],
}

/// Every failed check, in the order a person would fix them; empty when ready.
pub fn preflight(input: &PreflightInput) -> Vec<FailedCheck> {
    let mut out = Vec::new();
    let go = |lang: Option<&str>, field: Option<&str>, step: Option<&str>| GoTo {
        post_id: input.post_id.to_string(),
        lang: lang.map(str::to_string),
        field: field.map(str::to_string),
        step: step.map(str::to_string),
    };
    let mut fail = |code, message: String, go_to| {
        out.push(FailedCheck {
            code,
            message,
            go_to,
        })
    };

    if !input.signoff.submitted() {
        fail(
            CheckCode::NotSubmitted,
            "The post has not been submitted for sign-off: submit it (Ctrl+Enter).".into(),
            go(None, None, None),
        );
    }
    out.extend(
        input
            .signoff
            .steps
            .iter()
            .filter_map(|s| step_check(input.post_id, s)),
    );
    let mut fail = |code, message: String, go_to| {
        out.push(FailedCheck {
            code,
            message,
            go_to,
        })
    };
    for l in input.languages {
        let at = go(Some(&l.lang), None, None);
        match &l.completeness {
            Completeness::Missing => fail(
                CheckCode::LanguageMissing,
                format!(
                    "There is no {} version: translate the post, or record that it will not be translated and why.",
                    l.lang
                ),
                at,
            ),
            Completeness::Outdated {
                outdated,
                missing,
                orphaned,
            } => {
                let mut parts = Vec::new();
                for (n, what) in [
                    (outdated, "outdated"),
                    (missing, "untranslated"),
                    (orphaned, "no longer in the source"),
                ] {
                    if *n > 0 {
                        parts.push(format!("{n} {}{what}", if *n == 1 { "block " } else { "blocks " }));
                    }
                }
                fail(
                    CheckCode::LanguageOutdated,
                    format!(
                        "The {} version is not complete: {}.",
                        l.lang,
                        parts.join(", ")
                    ),
                    at,
                );
            }
            Completeness::Source | Completeness::Complete | Completeness::NotPlanned { .. } => {}
        }
    }
    for (lang, text) in input.share_texts {
        let n = text.trim().chars().count();
        if n > input.share_limit {
            fail(
                CheckCode::ShareTextTooLong,
                format!(
                    "The {lang} share text is {n} characters, over the limit of {}: shorten it by {}.",
                    input.share_limit,
                    n - input.share_limit
                ),
                go(Some(lang), Some("share_text"), None),
            );
        }
    }
    for link in input.links.iter().filter(|l| !l.exists) {
        fail(
            CheckCode::BrokenLink,
            format!(
                "The {} body links to post {}, which is not in the library: correct or remove the link.",
                link.lang, link.target
            ),
            go(Some(&link.lang), Some("body"), None),
        );
    }
    out
}

/// What stands between one step and "approved", if anything: the check the
/// preflight lists for it, and the reason the board gives for a blocked post.
pub fn step_check(post_id: &str, s: &StepStatus) -> Option<FailedCheck> {
    let fail = |code, message: String| {
        Some(FailedCheck {
            code,
            message,
            go_to: GoTo {
                post_id: post_id.to_string(),
                step: Some(s.name.clone()),
                ..GoTo::default()
            },
        })
    };
    match s.state {
        StepState::Approved => None,
        StepState::ChangesRequested => {
            let r = s
                .changes_requested
                .as_ref()
                .expect("a step in 'changes requested' holds the request");
            fail(
                CheckCode::ChangesRequested,
                format!(
                    "Step '{}': {} asked for changes: \"{}\". Make them and submit again.",
                    s.name, r.by, r.comment
                ),
            )
        }
        StepState::NoSigners => fail(
            CheckCode::NoSigners,
            format!(
                "Step '{}' has nobody who may sign it: name its signers in the chain (`workflow set`).",
                s.name
            ),
        ),
        StepState::VoidedByChange => {
            let who: Vec<&str> = s.voided.iter().map(|v| v.approval.signer.as_str()).collect();
            fail(
                CheckCode::ApprovalVoided,
                format!(
                    "Step '{}': the text changed after {} approved it ({} of {} approvals valid now); they can read the changes and approve again.",
                    s.name,
                    who.join(", "),
                    s.counted,
                    s.required
                ),
            )
        }
        StepState::Ready | StepState::Waiting => fail(
            CheckCode::StepNotApproved,
            format!(
                "Step '{}' is not approved: {} of {} approvals{}.",
                s.name,
                s.counted,
                s.required,
                if s.ready { ", it waits for its signers" } else { "" }
            ),
        ),
    }
}

#[cfg(test)]
#[path = "preflight_tests.rs"]
mod tests;
