//! The sign-off wired to the library: acts recorded as signed audit entries,
//! validity against the current text, voiding (recorded at the next act).

#[allow(dead_code, unused_imports)] // helpers shared with signoff_checks.rs
mod signoff_support;

use signoff_support::*;

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
    // The note is sealed: not in the payload in clear, readable by dave (its
    // author) and carol (a validator), not by ed (the editor), nor in the file.
    assert!(payload.get("private_note").is_none());
    assert!(!entry.payload.contains("congé"));
    assert_eq!(payload["sealed_note"]["format"], 1);
    for reader in ["dave", "carol"] {
        let notes = s.lib.signoff().status(&s.post, Some(reader)).unwrap().notes;
        assert_eq!(notes.len(), 1, "{reader}");
        assert_eq!(notes[0].note, "en congé");
        assert_eq!(notes[0].by, "dave");
    }
    assert!(s
        .lib
        .signoff()
        .status(&s.post, Some("ed"))
        .unwrap()
        .notes
        .is_empty());
    assert_eq!(
        valise_core::workflow::note_of(&entry, &signer(&s.lib, "carol")).as_deref(),
        Some("en congé")
    );
    assert_eq!(
        valise_core::workflow::note_of(&entry, &signer(&s.lib, "ed")),
        None
    );
    let file = std::fs::read(s.lib.path()).unwrap();
    let wal = std::fs::read(s.lib.path().with_extension("sqlite3-wal")).unwrap_or_default();
    for bytes in [file, wal] {
        assert!(!bytes
            .windows("congé".len())
            .any(|w| w == "congé".as_bytes()));
    }
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
