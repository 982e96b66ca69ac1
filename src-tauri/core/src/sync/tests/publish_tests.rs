//! Publication through sync, without network: the planner keeps the status
//! decided here, the first push never makes a text public by itself, and a
//! library against the in-memory backend publishes, schedules, takes back,
//! and records "published" only when a decision asked for it.

use std::sync::Arc;

use super::memory::Memory;
use super::{Desk, T0};
use crate::clock::ManualClock;
use crate::posts::PostText;
use crate::sync::plan::{plan, Base, Here, Local, Remote};
use crate::sync::publish::{status_of, text_first};
use crate::sync::record::{Record, RecordKey, RemoteRef, Status, VersionRecord};
use crate::workflow::rules::{ContentHash, Publication, PublicationMove, PublicationState};
use crate::workflow::Desktop;
use crate::{Library, Origin};

const DAY: i64 = 86_400_000;

fn version(body: &str, status: Status) -> VersionRecord {
    VersionRecord {
        id: "v".into(),
        post: "p".into(),
        lang: "fr".into(),
        source_lang: "fr".into(),
        text: PostText {
            title: "Le sommet".into(),
            body: body.into(),
            ..PostText::default()
        },
        block_ids: Vec::new(),
        units: Vec::new(),
        not_planned: Vec::new(),
        status,
    }
}

fn live(body: &str, status: Status) -> Record {
    Record::Version(Box::new(version(body, status)))
}

fn at(rev: &str) -> RemoteRef {
    RemoteRef {
        id: "7".into(),
        rev: rev.into(),
    }
}

fn base(body: &str, status: Status) -> Base {
    Base {
        body: Some(live(body, status)),
        remote: Some(at("1")),
    }
}

#[test]
fn a_status_decided_here_is_sent_and_nothing_is_written_here() {
    let p = plan(
        &Local::Live(live("Texte.", Status::Pending)),
        Some(&base("Texte.", Status::Draft)),
        &Remote::Unchanged,
    );
    assert_eq!(p.here, Here::Keep);
    assert!(p.send);
}

#[test]
fn the_sites_status_goes_into_the_base_and_the_librarys_is_sent_back_over_it() {
    // Published on the site, a draft here: nothing written here, the base
    // says what the site holds, and this side's status is sent.
    let p = plan(
        &Local::Live(live("Texte.", Status::Draft)),
        Some(&base("Texte.", Status::Draft)),
        &Remote::Live(live("Texte.", Status::Published), at("2")),
    );
    assert_eq!(p.here, Here::Keep);
    assert_eq!(
        p.base,
        Some(Base {
            body: Some(live("Texte.", Status::Published)),
            remote: Some(at("2")),
        })
    );
    assert!(p.send);
    // The site did what was decided here: agreed, nothing sent.
    let p = plan(
        &Local::Live(live("Texte.", Status::Published)),
        Some(&base("Texte.", Status::Scheduled { at: T0 })),
        &Remote::Live(live("Texte.", Status::Published), at("2")),
    );
    assert_eq!(p.here, Here::Keep);
    assert!(!p.send);
    assert_eq!(
        p.base.unwrap().body,
        Some(live("Texte.", Status::Published))
    );
}

#[test]
fn a_text_edited_on_the_site_is_taken_whatever_the_statuses() {
    let p = plan(
        &Local::Live(live("Texte.", Status::Pending)),
        Some(&base("Texte.", Status::Pending)),
        &Remote::Live(live("Texte changé.", Status::Published), at("2")),
    );
    let Here::Write(Record::Version(written)) = &p.here else {
        panic!("{p:?}")
    };
    assert_eq!(written.text.body, "Texte changé.");
    assert_eq!(
        p.base.unwrap().body,
        Some(live("Texte changé.", Status::Published))
    );
    // Pending here, published there: sent back.
    assert!(p.send);
}

fn first(here: Record, base: Option<&Base>) -> (Status, String, bool) {
    let (sent, whole) = text_first(Local::Live(here), base);
    let Local::Live(Record::Version(v)) = sent else {
        panic!("a version")
    };
    (v.status, v.text.body, whole)
}

#[test]
fn the_first_push_never_makes_a_text_public_by_itself() {
    // Only the status moves: nothing to send before the gate.
    let b = base("Texte.", Status::Draft);
    assert_eq!(
        first(live("Texte.", Status::Published), Some(&b)),
        (Status::Draft, "Texte.".into(), false)
    );
    // A new text goes with the status agreed, not public.
    assert_eq!(
        first(live("Nouveau.", Status::Published), Some(&b)),
        (Status::Draft, "Nouveau.".into(), false)
    );
    let pending = base("Texte.", Status::Pending);
    assert_eq!(
        first(
            live("Nouveau.", Status::Scheduled { at: T0 }),
            Some(&pending)
        ),
        (Status::Pending, "Nouveau.".into(), false)
    );
    // A new text over a public one: off the public side first.
    let public = base("Texte.", Status::Published);
    assert_eq!(
        first(
            live("Nouveau.", Status::Scheduled { at: T0 }),
            Some(&public)
        ),
        (Status::Draft, "Nouveau.".into(), false)
    );
    // Never there: created as a draft.
    assert_eq!(
        first(live("Texte.", Status::Published), None),
        (Status::Draft, "Texte.".into(), false)
    );
    // Down goes with the text, at once.
    assert_eq!(
        first(live("Nouveau.", Status::Draft), Some(&public)),
        (Status::Draft, "Nouveau.".into(), true)
    );
    assert_eq!(
        first(live("Texte.", Status::Pending), Some(&b)),
        (Status::Pending, "Texte.".into(), true)
    );
}

#[test]
fn each_publication_state_has_its_status_on_the_site() {
    let by = || "ed".to_string();
    let p = |state, changed| Publication {
        state,
        voided: None,
        changed_since_published: changed,
        decided_hash: None::<ContentHash>,
    };
    assert_eq!(status_of(&p(PublicationState::Draft, false)), Status::Draft);
    assert_eq!(
        status_of(&p(PublicationState::Ready { by: by(), at: T0 }, false)),
        Status::Pending
    );
    let scheduled = |now| PublicationState::Scheduled {
        by: by(),
        at: T0,
        publish_at: T0 + DAY + 123,
        now,
    };
    assert_eq!(status_of(&p(scheduled(true), false)), Status::Published);
    assert_eq!(
        status_of(&p(scheduled(false), false)),
        Status::Scheduled { at: T0 + DAY }
    );
    let published = PublicationState::Published { by: by(), at: T0 };
    assert_eq!(status_of(&p(published.clone(), false)), Status::Published);
    // Changed since: off the public side with its new text.
    assert_eq!(status_of(&p(published, true)), Status::Draft);
}

// --- a library against the in-memory backend ---------------------------------

/// A desk whose post passes its preflight: ed (who syncs) founded the
/// library; alice signs the one step from a desktop of her own.
struct Signed {
    _dir: tempfile::TempDir,
    desk: Desk,
    post: String,
}

fn signed() -> Signed {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(dir.path(), "a");
    let people = desk.lib.people();
    people
        .add(None, "ed", "ed@example.org", Some("editor"))
        .unwrap();
    let code = people
        .add(None, "alice", "alice@example.org", None)
        .unwrap()
        .code
        .unwrap();
    let ed = people.signer("ed").unwrap();
    desk.lib
        .workflow()
        .set_chain(
            &ed,
            "steps:\n  - name: proofreading\n    signers: [alice]\n",
        )
        .unwrap();
    let post = desk.new_post("Le sommet", "La délégation part lundi.");
    sign(&desk, &dir, &post, code.as_str());
    Signed {
        _dir: dir,
        desk,
        post,
    }
}

/// Makes `post` pass its preflight (alice enrols with `code` the first time).
fn sign(desk: &Desk, dir: &tempfile::TempDir, post: &str, code: &str) {
    let ed = desk.lib.people().signer("ed").unwrap();
    for lang in ["en", "es", "ar"] {
        desk.lib
            .translations()
            .not_planned(post, lang, "ed", "pas pour ce public")
            .unwrap();
    }
    desk.lib
        .signoff()
        .submit(&ed, post, None, "à relire")
        .unwrap();
    let alice = Library::open_with(
        dir.path().join("a.sqlite3"),
        Origin::Window,
        Arc::new(ManualClock::starting_at(T0)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join("alice-desk")));
    if alice.people().signer("alice").is_err() {
        alice.people().enrol("alice", code).unwrap();
    }
    let signer = alice.people().signer("alice").unwrap();
    alice
        .signoff()
        .approve(&signer, post, "proofreading", "", None, None)
        .unwrap();
    assert_eq!(desk.lib.signoff().preflight(post).unwrap(), []);
}

fn on_site(site: &Memory, desk: &Desk, post: &str) -> Status {
    let uid: String = desk
        .lib
        .read(|c| {
            Ok(c.query_row(
                "SELECT v.uid FROM language_versions v JOIN posts p ON p.id = v.post_id \
                 WHERE p.uid = ?1",
                [post],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    match site.live().get(&RecordKey::Version(uid)) {
        Some(Record::Version(v)) => v.status,
        other => panic!("not on the site: {other:?}"),
    }
}

fn state(desk: &Desk, post: &str) -> PublicationState {
    desk.lib
        .publication()
        .status(post)
        .unwrap()
        .publication
        .state
}

fn decide(desk: &Desk, post: &str, mv: PublicationMove) {
    let ed = desk.lib.people().signer("ed").unwrap();
    desk.lib.publication().apply(&ed, post, mv).unwrap();
}

#[test]
fn publishing_goes_out_with_the_next_sync_and_is_recorded_once_the_site_holds_it() {
    let s = signed();
    let site = Memory::new();
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Draft);

    decide(&s.desk, &s.post, PublicationMove::MarkReady);
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Pending);

    decide(&s.desk, &s.post, PublicationMove::PublishNow);
    let report = s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Published);
    assert!(
        matches!(state(&s.desk, &s.post), PublicationState::Published { ref by, .. } if by == "memory"),
        "{:?}",
        state(&s.desk, &s.post)
    );
    assert!(
        report.notes.iter().any(|n| n.contains("is public")),
        "{report:?}"
    );
    assert!(s.desk.lib.audit().verify().unwrap().intact);
    // The "published" entry reached the site in the same sync.
    let published: Vec<String> = s
        .desk
        .lib
        .audit()
        .log(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "published")
        .map(|e| e.id)
        .collect();
    assert_eq!(published.len(), 1);
    assert!(site.audit_ids().contains(&published[0]));
    let again = s.desk.sync(&site).unwrap();
    assert!(again.is_quiet(), "{again:?}");
    assert_eq!(
        crate::sync::status(&s.desk.lib).unwrap().backends[0].waiting,
        0
    );

    // Taken back: a draft on the site.
    decide(&s.desk, &s.post, PublicationMove::Unpublish);
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Draft);
    assert!(s.desk.sync(&site).unwrap().is_quiet());
}

#[test]
fn a_schedule_the_site_carried_out_is_pulled_back_as_published() {
    let s = signed();
    let site = Memory::new();
    decide(
        &s.desk,
        &s.post,
        PublicationMove::Schedule { at: T0 + DAY + 999 },
    );
    s.desk.sync(&site).unwrap();
    assert_eq!(
        on_site(&site, &s.desk, &s.post),
        Status::Scheduled { at: T0 + DAY }
    );
    assert!(s.desk.sync(&site).unwrap().is_quiet());
    // The site's cron publishes it.
    for key in site
        .live()
        .into_keys()
        .filter(|k| matches!(k, RecordKey::Version(_)))
    {
        site.edit_there(&key, |r| {
            if let Record::Version(v) = r {
                v.status = Status::Published;
            }
        });
    }
    let report = s.desk.sync(&site).unwrap();
    assert!(
        matches!(state(&s.desk, &s.post), PublicationState::Published { .. }),
        "{report:?}"
    );
    assert_eq!(report.updated_there, 0, "nothing sent back: {report:?}");
    assert_eq!(report.audit_sent, 1, "{report:?}");
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Published);
}

#[test]
fn a_post_made_public_on_the_site_without_a_decision_goes_back_and_is_not_recorded() {
    let s = signed();
    let site = Memory::new();
    s.desk.sync(&site).unwrap();
    for key in site
        .live()
        .into_keys()
        .filter(|k| matches!(k, RecordKey::Version(_)))
    {
        site.edit_there(&key, |r| {
            if let Record::Version(v) = r {
                v.status = Status::Published;
            }
        });
    }
    let report = s.desk.sync(&site).unwrap();
    assert_eq!(state(&s.desk, &s.post), PublicationState::Draft);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("no decision to publish it") && n.contains(&s.post)),
        "{report:?}"
    );
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Draft);
    assert!(s
        .desk
        .lib
        .audit()
        .log(None)
        .unwrap()
        .iter()
        .all(|e| e.kind != "published"));
}

#[test]
fn a_text_changed_after_publishing_goes_back_to_draft_on_the_site_with_it() {
    let s = signed();
    let site = Memory::new();
    decide(&s.desk, &s.post, PublicationMove::PublishNow);
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Published);
    s.desk.save_body(&s.post, "fr", "La délégation part mardi.");
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Draft);
    let uid = match site.live().into_values().next() {
        Some(Record::Version(v)) => v.text.body,
        other => panic!("{other:?}"),
    };
    assert_eq!(uid, "La délégation part mardi.");
    assert!(s.desk.sync(&site).unwrap().is_quiet());
}

#[test]
fn a_decision_whose_preflight_fails_now_is_held_back_by_the_library() {
    let s = signed();
    let site = Memory::new();
    decide(&s.desk, &s.post, PublicationMove::PublishNow);
    // A step added to the chain since: the decision stands, its preflight fails.
    let ed = s.desk.lib.people().signer("ed").unwrap();
    s.desk
        .lib
        .workflow()
        .set_chain(
            &ed,
            "steps:\n  - name: proofreading\n    signers: [alice]\n  - name: head\n    signers: [ed]\n",
        )
        .unwrap();
    let err = s.desk.sync(&site).unwrap_err();
    assert_eq!(err.code(), "publish_held_back", "{err}");
    assert!(err.to_string().contains(&s.post), "{err}");
    assert!(err.to_string().contains("head"), "{err}");
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Draft);
    assert!(matches!(
        state(&s.desk, &s.post),
        PublicationState::Scheduled { now: true, .. }
    ));
    assert!(crate::sync::status(&s.desk.lib).unwrap().backends[0].waiting >= 1);
}

#[test]
fn a_published_post_taken_back_and_scheduled_again_before_a_sync_goes_out_at_its_date() {
    let s = signed();
    let site = Memory::new();
    decide(&s.desk, &s.post, PublicationMove::PublishNow);
    s.desk.sync(&site).unwrap();
    assert_eq!(on_site(&site, &s.desk, &s.post), Status::Published);
    decide(&s.desk, &s.post, PublicationMove::Unpublish);
    decide(
        &s.desk,
        &s.post,
        PublicationMove::Schedule { at: T0 + 2 * DAY },
    );
    let report = s.desk.sync(&site).unwrap();
    assert_eq!(
        on_site(&site, &s.desk, &s.post),
        Status::Scheduled { at: T0 + 2 * DAY },
        "{report:?}"
    );
}
