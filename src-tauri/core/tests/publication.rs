//! Publication: ready, scheduled, published, each through preflight and
//! recorded as a signed audit entry; voided by a change to the text. And the
//! board: its columns, its person and language filters, kept up to date.

#[allow(dead_code, unused_imports)] // helpers shared with the sign-off tests
mod signoff_support;

use signoff_support::*;
use valise_core::workflow::rules::{Column, PublicationMove, PublicationRefusal, PublicationState};
use valise_core::workflow::BoardFilter;

/// The post with every check passing: the other site languages not planned,
/// then submitted and signed at both steps.
fn passing(s: &Setup) {
    for lang in ["en", "es", "ar"] {
        s.lib
            .translations()
            .not_planned(&s.post, lang, "ed", "pas pour ce public")
            .unwrap();
    }
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.approve("carol", "head").unwrap();
    assert!(s.lib.signoff().preflight(&s.post).unwrap().is_empty());
}

fn apply(s: &Setup, mv: PublicationMove) -> valise_core::Result<valise_core::AuditEntry> {
    s.lib
        .publication()
        .apply(&signer(&s.lib, "ed"), &s.post, mv)
}

fn publication(s: &Setup) -> PublicationState {
    s.lib
        .publication()
        .status(&s.post)
        .unwrap()
        .publication
        .state
}

fn column(s: &Setup) -> Column {
    let board = s.lib.signoff().board().unwrap();
    board
        .into_iter()
        .find(|b| b.post_id == s.post)
        .expect("the post is on the board")
        .column
        .clone()
}

#[test]
fn marking_ready_is_refused_with_every_failed_check_and_records_nothing() {
    let s = setup(CHAIN);
    let before = s.lib.audit().log(None).unwrap().len();
    let failed = s.lib.signoff().preflight(&s.post).unwrap();
    assert!(failed.len() >= 4, "{failed:#?}");
    for mv in [
        PublicationMove::MarkReady,
        PublicationMove::PublishNow,
        PublicationMove::Schedule { at: T0 + DAY },
    ] {
        match apply(&s, mv) {
            Err(Error::PublicationRefused(PublicationRefusal::PreflightFailed(checks))) => {
                assert_eq!(checks, failed);
            }
            other => panic!("expected the preflight's refusal, got {other:?}"),
        }
    }
    assert_eq!(s.lib.audit().log(None).unwrap().len(), before);
    assert_eq!(publication(&s), PublicationState::Draft);
}

#[test]
fn ready_then_scheduled_then_published_each_a_signed_entry_and_a_column() {
    let s = setup(CHAIN);
    passing(&s);
    assert_eq!(column(&s), Column::Approved);

    let entry = apply(&s, PublicationMove::MarkReady).unwrap();
    assert_eq!(entry.kind, "ready");
    assert!(matches!(publication(&s), PublicationState::Ready { ref by, .. } if by == "ed"));
    assert_eq!(column(&s), Column::Ready);
    assert!(matches!(
        apply(&s, PublicationMove::MarkReady),
        Err(Error::PublicationRefused(PublicationRefusal::AlreadyReady))
    ));

    apply(&s, PublicationMove::Schedule { at: T0 + 2 * DAY }).unwrap();
    assert!(matches!(
        publication(&s),
        PublicationState::Scheduled { publish_at, now: false, .. } if publish_at == T0 + 2 * DAY
    ));
    assert_eq!(column(&s), Column::Scheduled);
    apply(&s, PublicationMove::Unschedule).unwrap();
    assert_eq!(column(&s), Column::Ready);

    // Until sync exists, "publish" is a decision the next sync carries out;
    // the site's confirmation is what makes it published.
    apply(&s, PublicationMove::PublishNow).unwrap();
    assert!(matches!(
        publication(&s),
        PublicationState::Scheduled { now: true, .. }
    ));
    let hash = s
        .lib
        .publication()
        .status(&s.post)
        .unwrap()
        .publication
        .decided_hash
        .unwrap();
    s.lib
        .publication()
        .record_published(
            &signer(&s.lib, "ed"),
            &s.post,
            T0 + 5_000,
            "editeur-wp",
            hash,
        )
        .unwrap();
    assert_eq!(
        publication(&s),
        PublicationState::Published {
            by: "editeur-wp".into(),
            at: T0 + 5_000
        }
    );
    assert_eq!(column(&s), Column::Published);
    assert_eq!(
        s.kinds()[s.kinds().len() - 5..],
        ["ready", "schedule", "unschedule", "publish", "published"]
    );
    assert!(s.lib.audit().verify().unwrap().problems.is_empty());
}

#[test]
fn a_change_to_the_text_voids_ready_back_to_the_sign_off_visibly() {
    let s = setup(CHAIN);
    passing(&s);
    apply(&s, PublicationMove::MarkReady).unwrap();
    s.edit("fr", "La délégation part mardi.\n\nElle rentre vendredi.");
    let status = s.lib.publication().status(&s.post).unwrap();
    assert_eq!(status.publication.state, PublicationState::Draft);
    assert!(matches!(
        status.publication.voided,
        Some(PublicationState::Ready { .. })
    ));
    // The approvals are voided too, so the post is back in sign-off.
    assert!(matches!(column(&s), Column::InSignoff { step: 0, .. }));
    assert!(!status.preflight.is_empty());
    assert!(status.offers.iter().all(|o| o.blocked_by_preflight));
}

#[test]
fn a_schedule_in_the_past_or_an_unschedule_of_nothing_is_refused() {
    let s = setup(CHAIN);
    passing(&s);
    assert!(matches!(
        apply(&s, PublicationMove::Schedule { at: T0 - 1 }),
        Err(Error::PublicationRefused(
            PublicationRefusal::NotInTheFuture { .. }
        ))
    ));
    assert!(matches!(
        apply(&s, PublicationMove::Unschedule),
        Err(Error::PublicationRefused(PublicationRefusal::NotScheduled))
    ));
    assert!(matches!(
        apply(&s, PublicationMove::Unpublish),
        Err(Error::PublicationRefused(
            PublicationRefusal::NothingToTakeBack
        ))
    ));
}

#[test]
fn the_person_filter_keeps_what_waits_on_them_what_they_submitted_and_signed() {
    let s = setup(CHAIN);
    let other = s
        .lib
        .posts()
        .create(NewPost {
            title: "Autre".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    s.submit();
    let of = |person: &str| {
        s.lib
            .signoff()
            .board_of(&BoardFilter {
                person: Some(person.into()),
                lang: None,
            })
            .unwrap()
    };
    // Proofreading waits on alice and bob; ed submitted; carol has nothing yet.
    let alice = of("alice");
    assert_eq!(alice.len(), 1);
    assert!(alice[0].involvement.unwrap().waits_on);
    assert!(of("ed")[0].involvement.unwrap().submitted);
    assert!(of("carol").is_empty());
    s.approve("alice", "proofreading").unwrap();
    let alice = of("alice");
    let inv = alice[0].involvement.unwrap();
    assert!(inv.signed && !inv.waits_on);
    assert!(of("carol")[0].involvement.unwrap().waits_on);
    assert!(of("bob").is_empty());
    assert!(!of("ed").iter().any(|b| b.post_id == other));
    assert!(matches!(
        s.lib.signoff().board_of(&BoardFilter {
            person: Some("zoe".into()),
            lang: None
        }),
        Err(Error::PersonNotFound { .. })
    ));
}

#[test]
fn the_language_filter_keeps_posts_with_a_version_in_it() {
    let s = setup(CHAIN);
    s.lib
        .translations()
        .add(
            &s.post,
            "en",
            PostText {
                title: "The summit".into(),
                body: "The delegation leaves on Monday.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    s.lib
        .posts()
        .create(NewPost {
            title: "Autre".into(),
            ..Default::default()
        })
        .unwrap();
    let en = BoardFilter {
        person: None,
        lang: Some("en".into()),
    };
    let board = s.lib.signoff().board_of(&en).unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].post_id, s.post);
    assert_eq!(s.lib.signoff().board().unwrap().len(), 2);
    let bad = BoardFilter {
        person: None,
        lang: Some("xx".into()),
    };
    assert!(matches!(
        s.lib.signoff().board_of(&bad),
        Err(Error::UnknownLanguage { .. })
    ));
}

#[test]
fn the_kept_board_sees_changes_from_another_connection_and_a_new_chain() {
    let s = setup(CHAIN);
    assert_eq!(column(&s), Column::Draft);
    // Another process (here: another Library on the same file) submits.
    let other = Library::open(s.lib.path())
        .unwrap()
        .with_desktop(s.lib.desktop().clone());
    other
        .signoff()
        .submit(&signer(&other, "ed"), &s.post, None, "")
        .unwrap();
    assert!(matches!(column(&s), Column::InSignoff { step: 0, .. }));
    // A post deleted elsewhere leaves the board.
    let gone = other
        .posts()
        .create(NewPost {
            title: "Éphémère".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    assert_eq!(s.lib.signoff().board().unwrap().len(), 2);
    other.posts().delete(&gone).unwrap();
    assert_eq!(s.lib.signoff().board().unwrap().len(), 1);
    // A new chain re-evaluates everything: one step, signed by dave.
    other
        .workflow()
        .set_chain(
            &signer(&other, "ed"),
            "steps:\n  - name: relecture\n    signers: [dave]\n",
        )
        .unwrap();
    assert!(matches!(
        column(&s),
        Column::InSignoff { ref name, .. } if name == "relecture"
    ));
}

#[test]
fn the_kept_board_turns_overdue_when_the_due_date_passes() {
    let s = setup(CHAIN);
    s.lib
        .signoff()
        .submit(&signer(&s.lib, "ed"), &s.post, Some(T0 + DAY), "")
        .unwrap();
    assert!(!s.lib.signoff().board().unwrap()[0].overdue);
    s.clock.advance(2 * DAY);
    let board = s.lib.signoff().board().unwrap();
    assert!(board[0].overdue);
    assert!(board[0].blocked.as_deref().unwrap().contains("overdue"));
}
