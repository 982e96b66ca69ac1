use super::super::{evaluate, scope_hashes, Act, ActKind, Chain, VersionContent};
use super::*;

fn chain() -> Chain {
    let people = ["alice", "carol"].map(String::from);
    Chain::from_yaml(
        "steps:\n  - {name: proof, signers: [alice]}\n  - {name: head, signers: [carol]}\n",
        &people,
        &["fr".into()],
    )
    .unwrap()
}

fn versions(body: &str) -> Vec<VersionContent> {
    vec![VersionContent {
        lang: "fr".into(),
        body: body.into(),
        ..VersionContent::default()
    }]
}

fn act(seq: i64, kind: ActKind, by: &str, step: Option<&str>, hash_of: &str) -> Act {
    let chain = chain();
    let hashes = scope_hashes(&chain, &versions(hash_of));
    Act {
        seq,
        kind,
        step: step.map(String::from),
        by: by.into(),
        on_behalf_of: None,
        at: seq * 1000,
        due: None,
        comment: if kind == ActKind::RequestChanges {
            "Trop long.".into()
        } else {
            String::new()
        },
        content_hash: hashes[0],
    }
}

/// Submitted, proof and head approved, for the body "Texte.".
fn approved() -> Vec<Act> {
    vec![
        act(1, ActKind::Submit, "ed", None, "Texte."),
        act(2, ActKind::Approve, "alice", Some("proof"), "Texte."),
        act(3, ActKind::Approve, "carol", Some("head"), "Texte."),
    ]
}

fn signoff(acts: &[Act], body: &str) -> PostSignoff {
    let chain = chain();
    evaluate(&chain, acts, &scope_hashes(&chain, &versions(body)), 10_000)
        .expect("the hashes come from the same chain")
}

fn lang(code: &str, completeness: Completeness) -> LanguageState {
    LanguageState {
        lang: code.into(),
        completeness,
    }
}

fn run(
    signoff: &PostSignoff,
    languages: &[LanguageState],
    share: &[(String, String)],
    links: &[PostLink],
) -> Vec<FailedCheck> {
    preflight(&PreflightInput {
        post_id: "p1",
        signoff,
        languages,
        share_texts: share,
        share_limit: DEFAULT_SHARE_LIMIT,
        links,
    })
}

fn codes(checks: &[FailedCheck]) -> Vec<CheckCode> {
    checks.iter().map(|c| c.code).collect()
}

#[test]
fn an_approved_complete_post_is_ready() {
    let langs = [
        lang("fr", Completeness::Source),
        lang("en", Completeness::Complete),
    ];
    let share = [("fr".to_string(), "Court.".to_string())];
    assert_eq!(
        run(&signoff(&approved(), "Texte."), &langs, &share, &[]),
        vec![]
    );
}

#[test]
fn a_draft_fails_on_submission_and_every_step() {
    let checks = run(&signoff(&[], "Texte."), &[], &[], &[]);
    assert_eq!(
        codes(&checks),
        [
            CheckCode::NotSubmitted,
            CheckCode::StepNotApproved,
            CheckCode::StepNotApproved
        ]
    );
    assert_eq!(checks[1].go_to.step.as_deref(), Some("proof"));
    assert_eq!(checks[1].go_to.post_id, "p1");
}

#[test]
fn a_change_after_approval_names_who_must_approve_again() {
    let checks = run(&signoff(&approved(), "Texte changé."), &[], &[], &[]);
    assert_eq!(
        codes(&checks),
        [CheckCode::ApprovalVoided, CheckCode::ApprovalVoided]
    );
    assert!(checks[0].message.contains("alice"), "{}", checks[0].message);
}

#[test]
fn changes_requested_quote_the_comment() {
    let mut acts = approved();
    acts.truncate(1);
    acts.push(act(
        2,
        ActKind::RequestChanges,
        "alice",
        Some("proof"),
        "Texte.",
    ));
    let checks = run(&signoff(&acts, "Texte."), &[], &[], &[]);
    assert_eq!(checks[0].code, CheckCode::ChangesRequested);
    assert!(
        checks[0].message.contains("Trop long."),
        "{}",
        checks[0].message
    );
}

#[test]
fn a_step_nobody_may_sign_is_named() {
    let chain = Chain::default();
    let acts = [act(1, ActKind::Submit, "ed", None, "Texte.")];
    let s = evaluate(&chain, &acts, &scope_hashes(&chain, &versions("Texte.")), 0)
        .expect("the hashes come from the same chain");
    assert_eq!(codes(&run(&s, &[], &[], &[]))[0], CheckCode::NoSigners);
}

#[test]
fn missing_and_incomplete_languages_fail_but_not_planned_passes() {
    let langs = [
        lang("fr", Completeness::Source),
        lang("en", Completeness::Missing),
        lang(
            "es",
            Completeness::Outdated {
                outdated: 2,
                missing: 1,
                orphaned: 0,
            },
        ),
        lang(
            "ar",
            Completeness::NotPlanned {
                by: "ed".into(),
                reason: "pas de public".into(),
                at: "2026-03-12".into(),
            },
        ),
    ];
    let checks = run(&signoff(&approved(), "Texte."), &langs, &[], &[]);
    assert_eq!(
        codes(&checks),
        [CheckCode::LanguageMissing, CheckCode::LanguageOutdated]
    );
    assert_eq!(checks[0].go_to.lang.as_deref(), Some("en"));
    assert!(
        checks[1]
            .message
            .contains("2 blocks outdated, 1 block untranslated"),
        "{}",
        checks[1].message
    );
}

#[test]
fn a_share_text_over_the_limit_says_by_how_much() {
    let long = "é".repeat(DEFAULT_SHARE_LIMIT + 5);
    let share = [
        ("en".to_string(), "ok".to_string()),
        ("fr".to_string(), long),
    ];
    let checks = run(&signoff(&approved(), "Texte."), &[], &share, &[]);
    assert_eq!(codes(&checks), [CheckCode::ShareTextTooLong]);
    assert!(
        checks[0].message.contains("shorten it by 5"),
        "{}",
        checks[0].message
    );
    assert_eq!(checks[0].go_to.field.as_deref(), Some("share_text"));
    let exactly = [("fr".to_string(), "é".repeat(DEFAULT_SHARE_LIMIT))];
    assert_eq!(
        run(&signoff(&approved(), "Texte."), &[], &exactly, &[]),
        vec![]
    );
}

#[test]
fn a_link_to_a_missing_post_is_broken() {
    let links = [
        PostLink {
            lang: "fr".into(),
            target: "gone".into(),
            exists: false,
        },
        PostLink {
            lang: "fr".into(),
            target: "here".into(),
            exists: true,
        },
    ];
    let checks = run(&signoff(&approved(), "Texte."), &[], &[], &links);
    assert_eq!(codes(&checks), [CheckCode::BrokenLink]);
    assert!(checks[0].message.contains("gone"));
    assert_eq!(checks[0].go_to.field.as_deref(), Some("body"));
}
