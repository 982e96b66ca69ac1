//! The sign-off's reads and records: the inbox, the preflight, the audit trail
//! after a whole sign-off, the stored chain and voidings signed at the write.

#[allow(dead_code, unused_imports)] // helpers shared with signoff.rs
mod signoff_support;

use signoff_support::*;

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
    lib.people()
        .add(None, "ed", "ed@example.org", None)
        .unwrap();
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
        .contains("Step 'proofreading' has nobody who may sign it"));
}

#[test]
fn with_a_chosen_identity_the_edit_itself_records_the_voiding_signed_by_that_person() {
    let s = setup(CHAIN);
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    s.lib.people().choose_me("ed", None).unwrap();
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

/// The board kept between reads follows posts deleted and created after it
/// was read, in creation order, and says what a just-opened library says.
#[test]
fn the_kept_board_follows_posts_deleted_and_created_since() {
    let s = setup(CHAIN);
    let new_post = |title: &str| {
        s.lib
            .posts()
            .create(NewPost {
                title: title.into(),
                ..Default::default()
            })
            .unwrap()
            .id
    };
    let (a, b, c) = (new_post("A"), new_post("B"), new_post("C"));
    let ids = |board: &[std::sync::Arc<valise_core::workflow::BoardItem>]| -> Vec<String> {
        board.iter().map(|i| i.post_id.clone()).collect()
    };
    let first = s.lib.signoff().board().unwrap();
    assert_eq!(ids(&first), [&s.post, &a, &b, &c].map(String::clone));

    s.lib.posts().delete(&b).unwrap();
    let d = new_post("D");
    s.lib
        .signoff()
        .submit(&signer(&s.lib, "ed"), &c, None, "")
        .unwrap();
    let kept = s.lib.signoff().board().unwrap();
    assert_eq!(ids(&kept), [&s.post, &a, &c, &d].map(String::clone));
    assert!(matches!(kept[2].state, OverallState::InSignoff { .. }));

    let opened = Library::open(s.lib.path()).unwrap();
    assert_eq!(opened.signoff().board().unwrap(), kept);
}
