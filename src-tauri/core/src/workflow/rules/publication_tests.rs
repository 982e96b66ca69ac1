use super::*;
use crate::workflow::rules::{CheckCode, GoTo};

fn hash(n: u32) -> ContentHash {
    ContentHash::parse(&format!("v1:{n:064x}")).expect("a well-formed hash")
}

fn act(seq: i64, kind: PublicationKind, h: u32, publish_at: Option<i64>) -> PublicationAct {
    PublicationAct {
        seq,
        kind,
        by: "ed".into(),
        at: 1_000 * seq,
        publish_at,
        content_hash: hash(h),
    }
}

fn failed(n: usize) -> Vec<FailedCheck> {
    (0..n)
        .map(|i| FailedCheck {
            code: CheckCode::StepNotApproved,
            message: format!("check {i} failed"),
            go_to: GoTo::default(),
        })
        .collect()
}

#[test]
fn a_post_without_publication_acts_is_a_draft() {
    let p = evaluate_publication(&[], &hash(1));
    assert_eq!(p, Publication::default());
}

#[test]
fn ready_and_scheduled_hold_while_the_text_is_the_one_decided_on() {
    let ready = [act(1, PublicationKind::Ready, 1, None)];
    let p = evaluate_publication(&ready, &hash(1));
    assert_eq!(
        p.state,
        PublicationState::Ready {
            by: "ed".into(),
            at: 1_000
        }
    );
    let scheduled = [
        act(1, PublicationKind::Ready, 1, None),
        act(2, PublicationKind::Schedule, 1, Some(9_000)),
    ];
    let p = evaluate_publication(&scheduled, &hash(1));
    assert!(matches!(
        p.state,
        PublicationState::Scheduled {
            publish_at: 9_000,
            now: false,
            ..
        }
    ));
}

#[test]
fn a_change_to_the_text_voids_ready_or_scheduled_back_to_draft_and_says_what_it_was() {
    for kind in [PublicationKind::Ready, PublicationKind::Schedule] {
        let acts = [act(1, kind, 1, Some(9_000))];
        let p = evaluate_publication(&acts, &hash(2));
        assert_eq!(p.state, PublicationState::Draft);
        let was = p.voided.expect("the voided decision is shown");
        assert_eq!(
            std::mem::discriminant(&was),
            std::mem::discriminant(&evaluate_publication(&acts, &hash(1)).state)
        );
    }
}

#[test]
fn published_stays_published_after_a_change_and_flags_it() {
    let acts = [
        act(1, PublicationKind::Publish, 1, Some(1_000)),
        act(2, PublicationKind::Published, 1, Some(1_500)),
    ];
    let p = evaluate_publication(&acts, &hash(2));
    assert_eq!(
        p.state,
        PublicationState::Published {
            by: "ed".into(),
            at: 1_500
        }
    );
    assert!(p.changed_since_published);
    assert!(!evaluate_publication(&acts, &hash(1)).changed_since_published);
}

#[test]
fn a_voided_update_of_a_published_post_falls_back_to_published() {
    let acts = [
        act(1, PublicationKind::Published, 1, None),
        act(2, PublicationKind::Ready, 2, None),
    ];
    let p = evaluate_publication(&acts, &hash(3));
    assert!(matches!(p.state, PublicationState::Published { .. }));
    assert!(matches!(p.voided, Some(PublicationState::Ready { .. })));
    assert!(p.changed_since_published);
}

#[test]
fn unschedule_goes_back_to_ready_and_unpublish_to_draft() {
    let mut acts = vec![
        act(1, PublicationKind::Schedule, 1, Some(9_000)),
        act(2, PublicationKind::Unschedule, 1, None),
    ];
    assert!(matches!(
        evaluate_publication(&acts, &hash(1)).state,
        PublicationState::Ready { .. }
    ));
    acts.push(act(3, PublicationKind::Published, 1, None));
    acts.push(act(4, PublicationKind::Unpublish, 1, None));
    assert_eq!(
        evaluate_publication(&acts, &hash(1)),
        Publication::default()
    );
}

#[test]
fn moves_toward_the_public_are_refused_with_every_failed_check() {
    let draft = Publication::default();
    for mv in [
        PublicationMove::MarkReady,
        PublicationMove::Schedule { at: 10 },
        PublicationMove::PublishNow,
    ] {
        let err = check_move(&draft, mv, &failed(3), 0).unwrap_err();
        let PublicationRefusal::PreflightFailed(all) = &err else {
            panic!("{err}")
        };
        assert_eq!(all.len(), 3);
        let text = err.to_string();
        assert!(
            text.contains("(1) check 0") && text.contains("(3) check 2"),
            "{text}"
        );
        assert!(check_move(&draft, mv, &[], 0).is_ok());
    }
}

#[test]
fn moves_that_make_no_sense_now_are_refused_whatever_the_preflight() {
    let ready = evaluate_publication(&[act(1, PublicationKind::Ready, 1, None)], &hash(1));
    let scheduled = evaluate_publication(
        &[act(1, PublicationKind::Schedule, 1, Some(9_000))],
        &hash(1),
    );
    let published = evaluate_publication(&[act(1, PublicationKind::Published, 1, None)], &hash(1));
    let draft = Publication::default();
    let r = |p: &Publication, mv| check_move(p, mv, &[], 100).unwrap_err();
    assert_eq!(
        r(&ready, PublicationMove::MarkReady),
        PublicationRefusal::AlreadyReady
    );
    assert_eq!(
        r(&scheduled, PublicationMove::MarkReady),
        PublicationRefusal::AlreadyScheduled
    );
    assert_eq!(
        r(&published, PublicationMove::PublishNow),
        PublicationRefusal::AlreadyPublished
    );
    assert!(matches!(
        r(&ready, PublicationMove::Schedule { at: 100 }),
        PublicationRefusal::NotInTheFuture { .. }
    ));
    assert_eq!(
        r(&ready, PublicationMove::Unschedule),
        PublicationRefusal::NotScheduled
    );
    assert_eq!(
        r(&draft, PublicationMove::Unpublish),
        PublicationRefusal::NothingToTakeBack
    );
    // Taking back and rescheduling need no preflight beyond the move's own.
    assert!(check_move(&scheduled, PublicationMove::Unschedule, &failed(1), 100).is_ok());
    assert!(check_move(&ready, PublicationMove::Unpublish, &failed(1), 100).is_ok());
    assert!(check_move(
        &scheduled,
        PublicationMove::Schedule { at: 200 },
        &failed(1),
        100
    )
    .is_err());
}
