//! The content hashes stored with each post (read by the board) are a cache,
//! never evidence: written behind the core's back, they can mislead the
//! board at most; signing, the sign-off status, preflight and publication
//! hash the text itself. Text changed behind the core's back drops them.

#[allow(dead_code, unused_imports)] // helpers shared with the sign-off tests
mod signoff_support;

use rusqlite::Connection;
use signoff_support::*;
use valise_core::workflow::rules::{
    content_hash, CheckCode, ContentHash, PublicationMove, PublicationRefusal, VersionContent,
};

/// The post signed at both steps, every other language not planned: ready.
fn approved(s: &Setup) {
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

fn file(s: &Setup) -> Connection {
    Connection::open(s.lib.path()).unwrap()
}

fn stored_whole(s: &Setup) -> String {
    file(s)
        .query_row(
            "SELECT h.hash FROM content_hashes h JOIN posts p ON p.id = h.post_id \
             WHERE p.uid = ?1 AND h.lang = ''",
            [&s.post],
            |r| r.get(0),
        )
        .unwrap()
}

/// The board as a library just opened reads it (from the stored hashes).
fn cold_state(s: &Setup) -> OverallState {
    let lib = Library::open(s.lib.path()).unwrap();
    let board = lib.signoff().board().unwrap();
    let item = board.iter().find(|b| b.post_id == s.post).unwrap();
    item.state.clone()
}

fn text_hash(s: &Setup) -> ContentHash {
    let post = s.lib.posts().get(&s.post, Some("fr")).unwrap();
    content_hash(&[VersionContent::of_text("fr", &post.text)])
}

#[test]
fn a_stale_stored_hash_misleads_no_signature_preflight_or_publication() {
    let s = setup(CHAIN);
    approved(&s);
    let signed = stored_whole(&s);
    assert_eq!(signed, text_hash(&s).to_string());
    s.edit("fr", "La délégation part mardi.\n\nElle rentre vendredi.");
    assert_ne!(cold_state(&s), OverallState::Approved);

    // Someone puts the signed text's hash back behind the core's back.
    file(&s)
        .execute(
            "UPDATE content_hashes SET hash = ?1 WHERE lang = '' AND post_id = \
             (SELECT id FROM posts WHERE uid = ?2)",
            [&signed, &s.post],
        )
        .unwrap();
    // The board, which reads the cache, is misled: that is all it can do.
    assert_eq!(cold_state(&s), OverallState::Approved);

    // The sign-off status hashes the text: both approvals are void.
    assert_eq!(s.step_state(0), StepState::VoidedByChange);
    assert_eq!(s.step_state(1), StepState::VoidedByChange);
    // Preflight, and so every move toward the public, is refused.
    let failed = s.lib.signoff().preflight(&s.post).unwrap();
    assert!(
        failed.iter().any(|f| f.code == CheckCode::ApprovalVoided),
        "{failed:#?}"
    );
    match s
        .lib
        .publication()
        .apply(&signer(&s.lib, "ed"), &s.post, PublicationMove::MarkReady)
    {
        Err(Error::PublicationRefused(PublicationRefusal::PreflightFailed(_))) => {}
        other => panic!("expected the preflight's refusal, got {other:?}"),
    }
    // A new approval pins the text there now, not the stored hash.
    let entry = s.approve("alice", "proofreading").unwrap();
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap();
    assert_eq!(
        payload["content_hash"].as_str().unwrap(),
        text_hash(&s).to_string()
    );
    assert_ne!(payload["content_hash"].as_str().unwrap(), signed);
    // And the audit trail, which covers no stored hash, is intact.
    assert!(s.lib.audit().verify().unwrap().intact);
}

#[test]
fn text_changed_behind_the_cores_back_drops_the_stored_hash_and_the_board_sees_it() {
    let s = setup(CHAIN);
    approved(&s);
    assert_eq!(cold_state(&s), OverallState::Approved);
    let c = file(&s);
    c.execute(
        "UPDATE language_versions SET body = 'Un autre texte.' WHERE post_id = \
         (SELECT id FROM posts WHERE uid = ?1)",
        [&s.post],
    )
    .unwrap();
    let left: i64 = c
        .query_row("SELECT count(*) FROM content_hashes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the post's hashes are dropped");
    // The board hashes that post's text itself: the approvals are void there too.
    assert_eq!(cold_state(&s), s.state());
    assert_ne!(cold_state(&s), OverallState::Approved);

    // Tags count as well.
    let s = setup(CHAIN);
    approved(&s);
    file(&s)
        .execute(
            "INSERT INTO version_tags (version_id, position, tag) \
             SELECT v.id, 99, 'ajouté' FROM language_versions v JOIN posts p ON p.id = v.post_id \
             WHERE p.uid = ?1",
            [&s.post],
        )
        .unwrap();
    assert_ne!(cold_state(&s), OverallState::Approved);
    assert_eq!(cold_state(&s), s.state());
}

/// The board a library just opened reads (acts on a second connection,
/// stored hashes walked beside the posts, evaluation on both cores) says of
/// every post what that post's own status says, with posts in every state, a
/// deleted post between them and a post whose stored hashes are gone.
#[test]
fn the_cold_board_says_what_each_post_status_says() {
    let s = setup(CHAIN);
    let (ed, alice, bob, carol) = (
        signer(&s.lib, "ed"),
        signer(&s.lib, "alice"),
        signer(&s.lib, "bob"),
        signer(&s.lib, "carol"),
    );
    let new_post = |title: &str| {
        s.lib
            .posts()
            .create(NewPost {
                title: title.into(),
                body: format!("Corps de « {title} »."),
                ..Default::default()
            })
            .unwrap()
            .id
    };
    let so = s.lib.signoff();
    let ids: Vec<String> = (0..8).map(|i| new_post(&format!("Article {i}"))).collect();
    so.submit(&ed, &ids[1], None, "").unwrap();
    so.submit(&ed, &ids[2], Some(T0 - DAY), "en retard")
        .unwrap();
    so.approve(&alice, &ids[2], "proofreading", "", None, None)
        .unwrap();
    so.submit(&ed, &ids[3], None, "").unwrap();
    so.approve(&bob, &ids[3], "proofreading", "", None, None)
        .unwrap();
    so.approve(&carol, &ids[3], "head", "", None, None).unwrap();
    // Approved, then changed: both approvals voided.
    so.submit(&ed, &ids[4], None, "").unwrap();
    so.approve(&alice, &ids[4], "proofreading", "", None, None)
        .unwrap();
    so.approve(&carol, &ids[4], "head", "", None, None).unwrap();
    let post = s.lib.posts().get(&ids[4], None).unwrap();
    s.lib
        .posts()
        .save(SaveRequest {
            id: ids[4].clone(),
            lang: post.lang.clone(),
            text: PostText {
                body: "Un autre texte.".into(),
                ..post.text
            },
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    so.submit(&ed, &ids[5], None, "").unwrap();
    so.request_changes(&alice, &ids[5], "proofreading", "Le titre est faux.", None)
        .unwrap();
    // A deleted post among them keeps its stored hashes and its acts.
    so.submit(&ed, &ids[6], None, "").unwrap();
    s.lib.posts().delete(&ids[6]).unwrap();
    so.submit(&ed, &ids[7], None, "").unwrap();
    so.approve(&alice, &ids[7], "proofreading", "", None, None)
        .unwrap();
    file(&s)
        .execute(
            "DELETE FROM content_hashes WHERE post_id = (SELECT id FROM posts WHERE uid = ?1)",
            [&ids[7]],
        )
        .unwrap();

    let cold = Library::open(s.lib.path()).unwrap();
    let board = cold.signoff().board().unwrap();
    let listed: Vec<&str> = board.iter().map(|b| b.post_id.as_str()).collect();
    let mut expected: Vec<&str> = vec![s.post.as_str()];
    expected.extend(ids.iter().map(String::as_str).filter(|id| *id != ids[6]));
    assert_eq!(listed, expected, "every live post once, oldest first");
    let mut states = Vec::new();
    for item in &board {
        let status = cold.signoff().status(&item.post_id, None).unwrap().signoff;
        assert_eq!(item.state, status.state, "post {}", item.post_id);
        states.push(item.state.clone());
    }
    // The posts really are in different states (the comparison above could
    // otherwise pass on a board of drafts).
    assert!(states.contains(&OverallState::Draft), "{states:?}");
    assert!(states.contains(&OverallState::Approved), "{states:?}");
    assert!(
        states
            .iter()
            .any(|s| matches!(s, OverallState::ChangesRequested { .. })),
        "{states:?}"
    );
    assert!(
        board
            .iter()
            .filter(|b| b.state != OverallState::Draft)
            .count()
            >= 5
    );
    // The library that made every change, reading its kept board warm, agrees.
    let warm = s.lib.signoff().board().unwrap();
    assert_eq!(warm.len(), board.len());
    for (w, c) in warm.iter().zip(&board) {
        assert_eq!(w, c);
    }
}
