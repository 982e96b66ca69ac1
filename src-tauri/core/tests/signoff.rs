//! The sign-off wired to the library: acts recorded as signed audit entries,
//! validity against the current text, voiding (recorded at the next act),
//! the inbox, the board and the preflight.

use std::path::PathBuf;
use std::sync::Arc;

use valise_core::clock::ManualClock;
use valise_core::workflow::rules::{CheckCode, OverallState, Refusal, StepState};
use valise_core::{
    Desktop, Error, Library, NewPost, Origin, PostText, RecordKind, RevisionKind, SaveRequest,
};

const T0: i64 = 1_795_000_000_000;
const DAY: i64 = 86_400_000;

struct Setup {
    _dir: tempfile::TempDir,
    lib: Library,
    clock: ManualClock,
    post: String,
}

const CHAIN: &str = "steps:
  - name: proofreading
    signers: [alice, bob]
  - name: head
    signers: [carol]
";

/// A library with alice, bob, carol, dave and ed (the editor), `chain` set by
/// ed, and a French post "Le sommet".
fn setup(chain: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("library.sqlite3");
    let clock = ManualClock::starting_at(T0);
    let lib = Library::open_with(&path, Origin::Cli, Arc::new(clock.clone()))
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    for name in ["alice", "bob", "carol", "dave", "ed"] {
        lib.people()
            .add(name, &format!("{name}@example.org"), None)
            .unwrap();
    }
    lib.workflow()
        .set_chain(&signer(&lib, "ed"), chain)
        .unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            body: "La délégation part lundi.\n\nElle rentre vendredi.".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    Setup {
        _dir: dir,
        lib,
        clock,
        post,
    }
}

fn signer(lib: &Library, name: &str) -> valise_core::Signer {
    lib.people().signer(name).unwrap()
}

impl Setup {
    fn submit(&self) {
        self.lib
            .signoff()
            .submit(&signer(&self.lib, "ed"), &self.post, None, "à relire")
            .unwrap();
    }

    fn approve(&self, who: &str, step: &str) -> valise_core::Result<valise_core::AuditEntry> {
        self.lib
            .signoff()
            .approve(&signer(&self.lib, who), &self.post, step, "", None, None)
    }

    fn edit(&self, lang: &str, body: &str) {
        let current = self.lib.posts().get(&self.post, Some(lang)).unwrap();
        self.lib
            .posts()
            .save(SaveRequest {
                id: self.post.clone(),
                lang: lang.into(),
                text: PostText {
                    body: body.into(),
                    ..current.text
                },
                kind: RevisionKind::Edit,
                revision_name: None,
                base: None,
                minor: false,
            })
            .unwrap();
    }

    fn state(&self) -> OverallState {
        self.lib
            .signoff()
            .status(&self.post, None)
            .unwrap()
            .signoff
            .state
    }

    fn step_state(&self, i: usize) -> StepState {
        self.lib
            .signoff()
            .status(&self.post, None)
            .unwrap()
            .signoff
            .steps[i]
            .state
    }

    fn kinds(&self) -> Vec<String> {
        self.lib
            .audit()
            .log(Some(&self.post))
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }
}

fn refusal(r: valise_core::Result<valise_core::AuditEntry>) -> Refusal {
    match r {
        Err(Error::SignoffRefused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_post_approved_at_every_step_is_approved() {
    let s = setup(CHAIN);
    assert_eq!(s.state(), OverallState::Draft);
    s.submit();
    assert_eq!(
        s.state(),
        OverallState::InSignoff {
            step: 0,
            name: "proofreading".into()
        }
    );
    s.approve("alice", "proofreading").unwrap();
    assert_eq!(s.step_state(1), StepState::Ready);
    s.approve("carol", "head").unwrap();
    assert_eq!(s.state(), OverallState::Approved);
    assert_eq!(s.kinds(), ["submit", "approve", "approve"]);
}

#[test]
fn an_edit_voids_the_approvals_visibly_and_the_next_act_records_the_voiding() {
    let s = setup(CHAIN);
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.approve("carol", "head").unwrap();
    s.edit("fr", "La délégation part mardi.\n\nElle rentre vendredi.");

    let status = s.lib.signoff().status(&s.post, None).unwrap();
    assert_eq!(status.signoff.steps[0].state, StepState::VoidedByChange);
    assert_eq!(status.voided.len(), 2);
    let diff = status.voided[0]
        .diff
        .as_ref()
        .expect("the signed text is kept");
    let shown = format!("{diff:?}");
    assert!(
        shown.contains("lundi") && shown.contains("mardi"),
        "{shown}"
    );
    assert_eq!(
        s.lib.signoff().signed_diff(&s.post, "head").unwrap(),
        *diff,
        "both steps signed the same text"
    );

    s.approve("bob", "proofreading").unwrap();
    let log = s.lib.audit().log(Some(&s.post)).unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["submit", "approve", "approve", "void", "void", "approve"]
    );
    let void: serde_json::Value = serde_json::from_str(&log[3].payload).unwrap();
    assert_eq!(void["approval_seq"], log[1].seq);
    assert_eq!(void["signer"], "alice");
    assert_eq!(log[3].author_name.as_deref(), Some("bob"));

    assert_eq!(s.step_state(0), StepState::Approved);
    assert_eq!(s.step_state(1), StepState::VoidedByChange);
    s.approve("carol", "head").unwrap();
    assert_eq!(s.state(), OverallState::Approved);
    // Nothing new to void: no second voiding of the same approvals.
    assert_eq!(s.kinds().iter().filter(|k| *k == "void").count(), 2);
}

#[test]
fn a_whitespace_only_save_voids_nothing() {
    let s = setup(CHAIN);
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.edit(
        "fr",
        "La délégation part lundi.   \n\nElle rentre vendredi.\n\n\n",
    );
    assert_eq!(s.step_state(0), StepState::Approved);
    assert!(s
        .lib
        .signoff()
        .status(&s.post, None)
        .unwrap()
        .voided
        .is_empty());
}

#[test]
fn n_of_m_and_all_need_that_many_different_signers() {
    let s = setup(
        "steps:
  - name: proofreading
    signers: [alice, bob, dave]
    required: 2
  - name: head
    signers: [carol, dave]
    required: all
",
    );
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    assert_eq!(s.step_state(0), StepState::Ready);
    assert_eq!(
        refusal(s.approve("alice", "proofreading")).code(),
        "signoff_already_approved"
    );
    s.approve("dave", "proofreading").unwrap();
    assert_eq!(s.step_state(0), StepState::Approved);
    s.approve("carol", "head").unwrap();
    assert_eq!(s.step_state(1), StepState::Ready);
    s.approve("dave", "head").unwrap();
    assert_eq!(s.state(), OverallState::Approved);
}

#[test]
fn a_delegate_signs_for_a_signer_and_both_names_are_recorded() {
    let s = setup(&format!(
        "{CHAIN}delegations:\n  - signer: carol\n    delegate: dave\n"
    ));
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    let dave = signer(&s.lib, "dave");
    let refused = s
        .lib
        .signoff()
        .approve(&dave, &s.post, "head", "", None, Some("alice"));
    assert_eq!(refusal(refused).code(), "signoff_signer_not_on_step");
    let entry = s
        .lib
        .signoff()
        .approve(
            &dave,
            &s.post,
            "head",
            "pour Carol",
            Some("en congé"),
            Some("carol"),
        )
        .unwrap();
    assert_eq!(entry.author_name.as_deref(), Some("dave"));
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap();
    assert_eq!(payload["on_behalf_of"], "carol");
    assert_eq!(payload["private_note"], "en congé");
    let status = s.lib.signoff().status(&s.post, None).unwrap();
    let a = &status.signoff.steps[1].approvals[0];
    assert_eq!((a.by.as_str(), a.signer.as_str()), ("dave", "carol"));
    assert_eq!(status.signoff.state, OverallState::Approved);
}

#[test]
fn requesting_changes_needs_a_comment_and_sends_the_post_back() {
    let s = setup(CHAIN);
    s.submit();
    let bob = signer(&s.lib, "bob");
    let r = s
        .lib
        .signoff()
        .request_changes(&bob, &s.post, "proofreading", "  ", None);
    assert_eq!(refusal(r).code(), "signoff_comment_required");
    s.lib
        .signoff()
        .request_changes(
            &bob,
            &s.post,
            "proofreading",
            "Le titre est trop long.",
            None,
        )
        .unwrap();
    assert_eq!(
        s.state(),
        OverallState::ChangesRequested {
            step: 0,
            name: "proofreading".into()
        }
    );
    let board = s.lib.signoff().board().unwrap();
    let blocked = board[0].blocked.as_deref().unwrap();
    assert!(blocked.contains("bob asked for changes"), "{blocked}");
}

#[test]
fn only_the_submitter_may_withdraw() {
    let s = setup(CHAIN);
    s.submit();
    let r = s.lib.signoff().withdraw(&signer(&s.lib, "alice"), &s.post);
    assert_eq!(refusal(r).code(), "signoff_not_the_submitter");
    s.lib
        .signoff()
        .withdraw(&signer(&s.lib, "ed"), &s.post)
        .unwrap();
    assert!(matches!(s.state(), OverallState::Withdrawn { ref by, .. } if by == "ed"));
}

#[test]
fn a_refused_act_records_nothing_and_changes_nothing() {
    let s = setup(CHAIN);
    s.submit();
    let entries = s.lib.audit().log(None).unwrap().len();
    let cursor = s.lib.changes().latest().unwrap();
    let r = s.approve("carol", "proofreading");
    assert_eq!(refusal(r).code(), "signoff_not_a_signer");
    assert_eq!(s.lib.audit().log(None).unwrap().len(), entries);
    assert_eq!(s.lib.changes().latest().unwrap(), cursor);
}

#[test]
fn an_act_names_the_posts_signoff_in_its_change_set() {
    let s = setup(CHAIN);
    let cursor = s.lib.changes().latest().unwrap();
    s.submit();
    let sets = s.lib.changes().since(cursor, 10).unwrap();
    assert_eq!(sets.len(), 1);
    assert!(sets[0]
        .changes
        .iter()
        .any(|c| c.kind == RecordKind::Signoff && c.post == s.post));
}

#[test]
fn a_per_language_step_is_voided_only_by_a_change_in_its_language() {
    let s = setup(
        "steps:
  - name: arabic proofreading
    signers: [bob]
    languages: [ar]
  - name: head
    signers: [carol]
",
    );
    s.lib
        .translations()
        .add(
            &s.post,
            "ar",
            PostText {
                title: "القمة".into(),
                body: "يغادر الوفد يوم الاثنين.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    s.submit();
    s.approve("bob", "arabic proofreading").unwrap();
    s.edit("fr", "La délégation part mardi.\n\nElle rentre vendredi.");
    assert_eq!(s.step_state(0), StepState::Approved, "a French edit");
    s.edit("ar", "يغادر الوفد يوم الثلاثاء.");
    assert_eq!(s.step_state(0), StepState::VoidedByChange, "an Arabic edit");
}

#[test]
fn a_submission_past_its_due_date_is_overdue_on_the_waiting_step_and_in_the_inbox() {
    let s = setup(CHAIN);
    s.lib
        .signoff()
        .submit(&signer(&s.lib, "ed"), &s.post, Some(T0 + DAY), "")
        .unwrap();
    let inbox = s.lib.signoff().inbox("alice").unwrap();
    assert_eq!(inbox.waiting.len(), 1);
    assert!(!inbox.waiting[0].overdue);
    s.clock.advance(2 * DAY);
    let status = s.lib.signoff().status(&s.post, None).unwrap();
    assert!(status.signoff.steps[0].overdue && !status.signoff.steps[1].overdue);
    let inbox = s.lib.signoff().inbox("alice").unwrap();
    assert!(inbox.waiting[0].overdue);
    assert_eq!(inbox.waiting[0].due, Some(T0 + DAY));
    assert!(s.lib.signoff().inbox("carol").unwrap().waiting.is_empty());
    let ed = s.lib.signoff().inbox("ed").unwrap();
    assert_eq!(ed.submitted.len(), 1);
    assert!(ed.submitted[0]
        .blocked
        .as_deref()
        .unwrap()
        .contains("overdue"));
}

#[test]
fn the_inbox_lists_the_oldest_submission_first() {
    let s = setup(CHAIN);
    s.submit();
    s.clock.advance(1_000);
    let newer = s
        .lib
        .posts()
        .create(NewPost {
            title: "Plus récent".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    s.lib
        .signoff()
        .submit(&signer(&s.lib, "ed"), &newer, None, "")
        .unwrap();
    let waiting = s.lib.signoff().inbox("bob").unwrap().waiting;
    let posts: Vec<&str> = waiting.iter().map(|w| w.post_id.as_str()).collect();
    assert_eq!(posts, [s.post.as_str(), newer.as_str()]);
}

#[test]
fn preflight_lists_each_failing_check_and_is_empty_when_all_pass() {
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
    let gone = s
        .lib
        .posts()
        .create(NewPost {
            title: "Supprimé".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    s.lib.posts().delete(&gone).unwrap();
    let body = format!("Voir [l'autre](post:{other}) et [l'ancien](post:{gone}).");
    s.edit("fr", &body);
    let fr = s.lib.posts().get(&s.post, Some("fr")).unwrap();
    s.lib
        .posts()
        .save(SaveRequest {
            id: s.post.clone(),
            lang: "fr".into(),
            text: PostText {
                share_text: "x".repeat(300),
                ..fr.text
            },
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    s.lib
        .translations()
        .add(
            &s.post,
            "en",
            PostText {
                title: "The summit".into(),
                ..Default::default()
            },
        )
        .unwrap();
    s.submit();
    s.approve("alice", "proofreading").unwrap();

    let failed = s.lib.signoff().preflight(&s.post).unwrap();
    let codes: Vec<CheckCode> = failed.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        [
            CheckCode::StepNotApproved,
            CheckCode::LanguageOutdated,
            CheckCode::LanguageMissing,
            CheckCode::LanguageMissing,
            CheckCode::ShareTextTooLong,
            CheckCode::BrokenLink,
        ],
        "{failed:#?}"
    );
    assert_eq!(failed[0].go_to.step.as_deref(), Some("head"));
    assert!(failed[5].message.contains(&gone), "{}", failed[5].message);

    // Fix each: links to live posts only, a short share text, English
    // translated, Spanish and Arabic not planned, then every step signed.
    let fr = s.lib.posts().get(&s.post, Some("fr")).unwrap();
    s.lib
        .posts()
        .save(SaveRequest {
            id: s.post.clone(),
            lang: "fr".into(),
            text: PostText {
                body: format!("Voir [l'autre](post:{other})."),
                share_text: "Le sommet en bref.".into(),
                ..fr.text
            },
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    let en = s.lib.posts().get(&s.post, Some("en")).unwrap();
    s.lib
        .posts()
        .save(SaveRequest {
            id: s.post.clone(),
            lang: "en".into(),
            text: PostText {
                body: format!("See [the other one](post:{other})."),
                share_text: "The summit in brief.".into(),
                ..en.text
            },
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    for lang in ["es", "ar"] {
        s.lib
            .translations()
            .not_planned(&s.post, lang, "ed", "pas pour ce public")
            .unwrap();
    }
    s.approve("bob", "proofreading").unwrap();
    s.approve("carol", "head").unwrap();
    let left = s.lib.signoff().preflight(&s.post).unwrap();
    assert!(left.is_empty(), "{left:#?}");
}

#[test]
fn the_audit_trail_verifies_after_a_whole_sign_off() {
    let s = setup(CHAIN);
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.edit("fr", "Autre texte.");
    s.approve("alice", "proofreading").unwrap();
    s.lib
        .signoff()
        .request_changes(
            &signer(&s.lib, "carol"),
            &s.post,
            "head",
            "Trop court.",
            Some("à revoir"),
        )
        .unwrap();
    s.submit();
    s.approve("carol", "head").unwrap();
    s.lib
        .signoff()
        .withdraw(&signer(&s.lib, "ed"), &s.post)
        .unwrap();
    let report = s.lib.audit().verify().unwrap();
    assert!(report.first_problem().is_none(), "{report:?}");
    assert!(report.entries >= 14, "{}", report.entries);
}

#[test]
fn setting_the_chain_is_recorded_and_a_chain_naming_a_stranger_is_refused() {
    let s = setup(CHAIN);
    let chain = s.lib.workflow().chain().unwrap();
    assert_eq!(chain.steps.len(), 2);
    assert_eq!(chain.steps[0].signers, ["alice", "bob"]);
    let changed: Vec<_> = s
        .lib
        .audit()
        .log(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "chain_changed")
        .collect();
    assert_eq!(changed.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&changed[0].payload).unwrap();
    assert_eq!(payload["chain"]["steps"][1]["signers"][0], "carol");

    let err = s
        .lib
        .workflow()
        .set_chain(
            &signer(&s.lib, "ed"),
            "steps:\n  - name: head\n    signers: [zoe]\n",
        )
        .unwrap_err();
    assert_eq!(err.code(), "chain_invalid");
    assert_eq!(s.lib.workflow().chain().unwrap(), chain);
}

#[test]
fn the_default_chain_stops_at_proofreading_because_nobody_may_sign_it() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("l.sqlite3"))
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    lib.people().add("ed", "ed@example.org", None).unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Essai".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    lib.signoff()
        .submit(&lib.people().signer("ed").unwrap(), &post, None, "")
        .unwrap();
    let board = lib.signoff().board().unwrap();
    assert_eq!(board.len(), 1);
    assert!(board[0]
        .blocked
        .as_deref()
        .unwrap()
        .contains("nobody may sign 'proofreading'"));
}

#[test]
fn with_a_chosen_identity_the_edit_itself_records_the_voiding_signed_by_that_person() {
    let s = setup(CHAIN);
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.lib.people().choose_me("ed").unwrap();
    let cursor = s.lib.changes().latest().unwrap();
    s.edit("fr", "La délégation part mardi.\n\nElle rentre vendredi.");
    assert_eq!(s.kinds(), ["submit", "approve", "void"]);
    let log = s.lib.audit().log(Some(&s.post)).unwrap();
    assert_eq!(log[2].author_name.as_deref(), Some("ed"));
    // One change set: the text and its voiding were committed together.
    let sets = s.lib.changes().since(cursor, 10).unwrap();
    assert_eq!(sets.len(), 1);
    assert!(sets[0]
        .changes
        .iter()
        .any(|c| c.kind == RecordKind::Signoff));
    // The next act finds it recorded and does not record it again.
    s.approve("bob", "proofreading").unwrap();
    assert_eq!(s.kinds(), ["submit", "approve", "void", "approve"]);
    // A save that changes nothing signed voids nothing more.
    s.edit("fr", "La délégation part mardi.  \n\nElle rentre vendredi.");
    assert_eq!(s.kinds().len(), 4);
}
