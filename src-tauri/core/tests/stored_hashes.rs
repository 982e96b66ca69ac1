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
