//! People, their keys on this desktop, and the signed audit trail: what a
//! library records, and what `verify` finds when someone edits the file behind
//! the core's back (an attacker with SQLite drops the triggers first).

use std::path::Path;

use rusqlite::Connection;
use valise_core::workflow::keys::SIGNING_SERVICE;
use valise_core::{Desktop, Error, NewPost, ProblemKind, RecordKind, VerifyReport};

mod desks;

use desks::Setup;

/// A library founded by alice, with bob invited and enrolled on the same
/// desktop, a post, and five comments on it (entries 4–8 after alice's
/// `founder`, her `invitation` of bob and bob's `enrolment`).
fn with_comments(s: &Setup) -> String {
    let lib = s.open("desk");
    lib.people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap();
    let code = lib
        .people()
        .add(None, "bob", "bob@example.org", Some("bob_wp"))
        .unwrap()
        .code
        .unwrap();
    lib.people().enrol("bob", code.as_str()).unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            ..Default::default()
        })
        .unwrap();
    let alice = lib.people().signer("alice").unwrap();
    let bob = lib.people().signer("bob").unwrap();
    for i in 0..5 {
        let who = if i % 2 == 0 { &alice } else { &bob };
        lib.audit()
            .comment(who, &post.id, &format!("remarque {i}"))
            .unwrap();
    }
    post.id
}

/// Runs `sql` on the file directly, after dropping the triggers.
fn tamper(path: &Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch("DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;")
        .unwrap();
    c.execute_batch(sql).unwrap();
}

fn problems(report: &VerifyReport) -> Vec<(i64, ProblemKind)> {
    report.problems.iter().map(|p| (p.seq, p.kind)).collect()
}

#[test]
fn the_founder_gets_a_key_here_and_later_people_an_invitation_without_a_key() {
    let s = Setup::new();
    let lib = s.open("desk");
    let bob = lib
        .people()
        .add(None, "bob", "bob@example.org", Some("bob_wp"))
        .unwrap();
    assert!(bob.code.is_none(), "the founder needs no invitation");
    let bob = bob.person;
    // The founder is "me" on the desktop that founded the library.
    assert_eq!(lib.people().whoami().unwrap().unwrap().name, "bob");
    let alice = lib
        .people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap();
    assert!(alice.code.is_some());
    assert!(alice.person.keys.is_empty());
    let names: Vec<String> = lib
        .people()
        .list()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(bob.keys.len(), 1);
    assert_eq!(bob.backend_user.as_deref(), Some("bob_wp"));
    assert_eq!(lib.people().get(&bob.id[..8]).unwrap().name, "bob");
    let signer = lib.people().signer("bob").unwrap();
    assert_eq!(signer.public_key_hex(), bob.keys[0].public_key);
    assert!(matches!(
        lib.people().signer("alice"),
        Err(Error::NoKeyHere { .. })
    ));
    let feed = lib.changes().since(0, 100).unwrap();
    assert!(feed
        .iter()
        .flat_map(|s| &s.changes)
        .any(|c| c.kind == RecordKind::Person && c.id == bob.id));
    let log = lib.audit().log(None).unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["founder", "invitation"]);
    assert_eq!(log[0].author, bob.id);
    assert_eq!(log[1].author, bob.id);
    assert!(lib.audit().verify().unwrap().intact);
}

#[test]
fn a_second_person_with_the_same_name_is_refused_and_nothing_changes() {
    let s = Setup::new();
    let lib = s.open("desk");
    lib.people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap();
    let cursor = lib.changes().latest().unwrap();
    let err = lib
        .people()
        .add(None, "alice", "other@example.org", None)
        .unwrap_err();
    assert!(matches!(err, Error::PersonExists { .. }), "{err}");
    assert_eq!(lib.people().list().unwrap().len(), 1);
    assert_eq!(lib.audit().log(None).unwrap().len(), 1);
    assert_eq!(lib.changes().latest().unwrap(), cursor);
    assert!(matches!(
        lib.people().add(None, "carol", "not-an-address", None),
        Err(Error::BadEmail { .. })
    ));
}

#[test]
fn the_secret_key_is_never_in_the_library_file() {
    let s = Setup::new();
    let lib = s.open("desk");
    let alice = lib
        .people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap()
        .person;
    let secret = Desktop::in_dir(&s.dir.path().join("desk"))
        .secrets
        .get(SIGNING_SERVICE, &alice.id)
        .unwrap()
        .unwrap();
    let seed = secret.expose().to_vec();
    assert_eq!(seed.len(), 32);
    drop(lib);
    let hex_seed = valise_core::workflow::keys::hex(&seed);
    for file in std::fs::read_dir(s.dir.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(32).any(|w| w == seed.as_slice()),
            "{} holds the secret key",
            path.display()
        );
        assert!(!bytes
            .windows(hex_seed.len())
            .any(|w| w == hex_seed.as_bytes()));
    }
    // The public key is there: the search above would have found the secret.
    let public = valise_core::workflow::keys::hex(
        &ed25519_dalek::SigningKey::from_bytes(&seed.try_into().unwrap())
            .verifying_key()
            .to_bytes(),
    );
    let lib_bytes = std::fs::read(&s.path).unwrap();
    assert!(lib_bytes
        .windows(public.len())
        .any(|w| w == public.as_bytes()));
}

#[test]
fn a_person_invited_from_another_desktop_enrols_here_with_the_code() {
    let s = Setup::new();
    let first = s.open("first");
    first
        .people()
        .add(None, "carol", "carol@example.org", None)
        .unwrap();
    let code = first
        .people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap()
        .code
        .unwrap();
    let here = s.open("second");
    assert!(matches!(
        here.people().signer("alice"),
        Err(Error::NoKeyHere { .. })
    ));
    assert!(matches!(
        here.people().acting(None),
        Err(Error::NoIdentity { .. })
    ));
    // Without the code, choosing alice here is refused and makes no key.
    let err = here.people().choose_me("alice", None).unwrap_err();
    assert!(matches!(err, Error::NoKeyHere { .. }), "{err}");
    assert!(err.to_string().contains("invitation code"), "{err}");
    assert!(here.people().whoami().unwrap().is_none());
    let chosen = here
        .people()
        .choose_me("alice", Some(&code.as_str().to_lowercase()))
        .unwrap();
    assert!(chosen.new_key);
    assert_eq!(here.people().whoami().unwrap().unwrap().name, "alice");
    assert_eq!(here.people().get("alice").unwrap().keys.len(), 1);
    assert_eq!(here.people().acting(None).unwrap().person.name, "alice");
    // Choosing again keeps the key and needs no code.
    assert!(!here.people().choose_me("alice", None).unwrap().new_key);
    let log = here.audit().log(None).unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["founder", "invitation", "enrolment"]);
    assert_eq!(log[2].author_name.as_deref(), Some("alice"));
    assert!(here.audit().verify().unwrap().intact);
    // The first desktop still has only carol.
    assert_eq!(first.people().whoami().unwrap().unwrap().name, "carol");
    assert!(first.people().signer("alice").is_err());
}

#[test]
fn comments_are_logged_per_post_and_the_trail_verifies() {
    let s = Setup::new();
    let post = with_comments(&s);
    let lib = s.open("desk");
    let on_post = lib.audit().log(Some(&post[..8])).unwrap();
    assert_eq!(on_post.len(), 5);
    assert_eq!(on_post[0].payload, r#"{"comment":"remarque 0"}"#);
    assert_eq!(on_post[1].author_name.as_deref(), Some("bob"));
    let all = lib.audit().log(None).unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7, 8]
    );
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].entry_hash);
    }
    let report = lib.audit().verify().unwrap();
    assert!(report.intact, "{:?}", report.problems);
    assert_eq!(report.entries, 8);
    assert!(matches!(
        lib.audit()
            .comment(&lib.people().signer("bob").unwrap(), &post, "  "),
        Err(Error::EmptyComment)
    ));
}

#[test]
fn the_triggers_refuse_to_change_or_delete_an_entry() {
    let s = Setup::new();
    with_comments(&s);
    let c = Connection::open(&s.path).unwrap();
    let update = c
        .execute("UPDATE audit_entries SET payload = '{}' WHERE seq = 4", [])
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = c
        .execute("DELETE FROM audit_entries WHERE seq = 4", [])
        .unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    assert!(s.open("desk").audit().verify().unwrap().intact);
}

#[test]
fn an_edited_comment_is_named() {
    let s = Setup::new();
    with_comments(&s);
    tamper(
        &s.path,
        r#"UPDATE audit_entries SET payload = '{"comment":"approuvé"}' WHERE seq = 5"#,
    );
    let report = s.open("desk").audit().verify().unwrap();
    assert_eq!(problems(&report), [(5, ProblemKind::Edited)]);
    let id: String = Connection::open(&s.path)
        .unwrap()
        .query_row("SELECT uid FROM audit_entries WHERE seq = 5", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(report.problems[0].id, id);
    assert!(report.problems[0].message.contains(&id));
}

#[test]
fn an_edit_whose_hash_was_recomputed_still_fails_its_signature() {
    let s = Setup::new();
    with_comments(&s);
    let lib = s.open("desk");
    let mut e = lib.audit().log(None).unwrap()[5].clone();
    e.payload = r#"{"comment":"autre"}"#.into();
    let forged = valise_core::workflow::keys::hex(&e.computed_hash().unwrap());
    tamper(
        &s.path,
        &format!(
            "UPDATE audit_entries SET payload = '{}', entry_hash = '{forged}' WHERE seq = 6",
            e.payload
        ),
    );
    let report = lib.audit().verify().unwrap();
    // Entry 7 links to the old hash, and entry 6 is not signed by its author.
    assert_eq!(
        problems(&report),
        [(6, ProblemKind::BadSignature), (7, ProblemKind::BrokenLink)]
    );
}

#[test]
fn a_removed_entry_is_named_by_the_one_after_it() {
    let s = Setup::new();
    with_comments(&s);
    tamper(&s.path, "DELETE FROM audit_entries WHERE seq = 6");
    let report = s.open("desk").audit().verify().unwrap();
    assert_eq!(
        problems(&report),
        [(7, ProblemKind::Gap), (7, ProblemKind::BrokenLink)]
    );
    assert!(
        report.problems[0].message.contains("6 to 6 are missing"),
        "{}",
        report.problems[0].message
    );
}

#[test]
fn two_swapped_entries_are_both_named() {
    let s = Setup::new();
    with_comments(&s);
    tamper(
        &s.path,
        "UPDATE audit_entries SET seq = -1 WHERE seq = 5;
         UPDATE audit_entries SET seq = 5 WHERE seq = 6;
         UPDATE audit_entries SET seq = 6 WHERE seq = -1;",
    );
    let report = s.open("desk").audit().verify().unwrap();
    let found = problems(&report);
    assert_eq!(found.first(), Some(&(5, ProblemKind::Edited)), "{found:?}");
    assert!(found.contains(&(5, ProblemKind::BrokenLink)));
    assert!(found.contains(&(6, ProblemKind::Edited)));
    assert!(
        found.iter().all(|(seq, _)| (5..=7).contains(seq)),
        "{found:?}"
    );
}

#[test]
fn a_replaced_signature_is_named() {
    let s = Setup::new();
    with_comments(&s);
    // Bob's valid signature of entry 5, put on alice's entry 4.
    tamper(
        &s.path,
        "UPDATE audit_entries SET signature = (SELECT signature FROM audit_entries WHERE seq = 5) \
         WHERE seq = 4",
    );
    let report = s.open("desk").audit().verify().unwrap();
    assert_eq!(problems(&report), [(4, ProblemKind::BadSignature)]);
}

#[test]
fn an_entry_signed_by_a_key_the_library_does_not_hold_is_named() {
    let s = Setup::new();
    with_comments(&s);
    tamper(
        &s.path,
        "DELETE FROM person_keys WHERE person_id = (SELECT id FROM people WHERE name = 'bob')",
    );
    let report = s.open("desk").audit().verify().unwrap();
    // Bob's enrolment (3) and his two comments (5, 7).
    assert_eq!(
        problems(&report),
        [
            (3, ProblemKind::UnknownKey),
            (5, ProblemKind::UnknownKey),
            (7, ProblemKind::UnknownKey)
        ]
    );
}
