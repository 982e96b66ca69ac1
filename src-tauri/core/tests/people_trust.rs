//! Trust in signing keys: a founder, invitations with one-time codes, and
//! enrolments on the invitee's own desktop; what enrolment refuses, and what
//! `audit verify` names when someone forges trust behind the core's back.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer as _, SigningKey};
use rusqlite::{params, Connection};
use valise_core::workflow::keys::{hex, SIGNING_SERVICE};
use valise_core::{AuditEntry, Desktop, Error, Library, ProblemKind};

mod desks;

use desks::Setup;

impl Setup {
    /// Alice founds the library on "alice-desk"; returns that library.
    fn founded(&self) -> Library {
        let lib = self.open("alice-desk");
        lib.people()
            .add(None, "alice", "alice@example.org", None)
            .unwrap();
        lib
    }
}

fn invite(lib: &Library, name: &str) -> String {
    lib.people()
        .add(None, name, &format!("{name}@example.org"), None)
        .unwrap()
        .code
        .unwrap()
        .as_str()
        .to_string()
}

fn entries(lib: &Library) -> usize {
    lib.audit().log(None).unwrap().len()
}

fn bad_code_reason(err: Error) -> String {
    match err {
        Error::BadInvitationCode { reason, .. } => reason,
        other => panic!("expected a refused code, got {other}"),
    }
}

#[test]
fn the_right_code_enrols_once_and_the_library_keeps_only_its_hash() {
    let s = Setup::new();
    let alice = s.founded();
    let code = invite(&alice, "bob");
    let invitation = alice.audit().log(None).unwrap().pop().unwrap();
    assert_eq!(invitation.kind, "invitation");
    assert!(!invitation.payload.contains(&code.replace('-', "")));
    let file = std::fs::read(&s.path).unwrap();
    assert!(!file.windows(code.len()).any(|w| w == code.as_bytes()));

    let bob = s.open("bob-desk");
    let chosen = bob.people().enrol("bob", &code).unwrap();
    assert!(chosen.new_key);
    let enrolment = bob.audit().log(None).unwrap().pop().unwrap();
    assert_eq!(enrolment.kind, "enrolment");
    assert_eq!(enrolment.author_key, chosen.signer.public_key_hex());
    assert!(enrolment.payload.contains(&code.replace('-', "")));
    assert!(bob.audit().verify().unwrap().intact);
    // The key is on bob's desktop only.
    let bob_id = chosen.signer.person.id.clone();
    let on = |desk: &str| {
        Desktop::in_dir(&s.dir.path().join(desk))
            .secrets
            .get(SIGNING_SERVICE, &bob_id)
            .unwrap()
            .is_some()
    };
    assert!(on("bob-desk") && !on("alice-desk"));

    // Used once: another desktop cannot enrol with it, and nothing is recorded.
    let before = entries(&bob);
    let reason = bad_code_reason(s.open("third").people().enrol("bob", &code).unwrap_err());
    assert!(reason.contains("already used"), "{reason}");
    assert_eq!(entries(&bob), before);
}

#[test]
fn a_wrong_code_is_refused_and_records_nothing() {
    let s = Setup::new();
    let alice = s.founded();
    let code = invite(&alice, "bob");
    let bob = s.open("bob-desk");
    let before = entries(&alice);
    let mut wrong = code.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let wrong = String::from_utf8(wrong).unwrap();
    let err = bob.people().enrol("bob", &wrong).unwrap_err();
    assert!(err.to_string().contains("Nothing was recorded"), "{err}");
    assert!(!err.to_string().contains(&wrong), "the code is not echoed");
    assert!(bad_code_reason(err).contains("does not match"));
    assert!(matches!(
        bob.people().enrol("bob", "not a code"),
        Err(Error::BadInvitationCode { .. })
    ));
    assert_eq!(entries(&alice), before);
    assert!(bob.people().get("bob").unwrap().keys.is_empty());
    assert!(matches!(
        bob.people().signer("bob"),
        Err(Error::NoKeyHere { .. })
    ));
    // The right one still works after the wrong tries.
    bob.people().enrol("bob", &code).unwrap();
}

#[test]
fn a_code_for_someone_else_does_not_enrol() {
    let s = Setup::new();
    let alice = s.founded();
    let _bob_code = invite(&alice, "bob");
    let carol_code = invite(&alice, "carol");
    let desk = s.open("bob-desk");
    let reason = bad_code_reason(desk.people().enrol("bob", &carol_code).unwrap_err());
    assert!(reason.contains("does not match"), "{reason}");
    desk.people().enrol("carol", &carol_code).unwrap();
}

#[test]
fn a_fresh_invitation_replaces_the_unused_code() {
    let s = Setup::new();
    let alice = s.founded();
    let old = invite(&alice, "bob");
    let fresh = alice.people().invite(None, "bob").unwrap();
    assert_eq!(fresh.person.name, "bob");
    let bob = s.open("bob-desk");
    let reason = bad_code_reason(bob.people().enrol("bob", &old).unwrap_err());
    assert!(reason.contains("replaced"), "{reason}");
    bob.people().enrol("bob", fresh.code.as_str()).unwrap();
    // A lost key: a new invitation enrols a second desktop of bob's.
    let again = alice.people().invite(None, "bob").unwrap();
    s.open("bob-laptop")
        .people()
        .enrol("bob", again.code.as_str())
        .unwrap();
    assert_eq!(alice.people().get("bob").unwrap().keys.len(), 2);
    assert!(alice.audit().verify().unwrap().intact);
}

#[test]
fn adding_or_inviting_needs_an_enrolled_person_acting() {
    let s = Setup::new();
    let _alice = s.founded();
    let elsewhere = s.open("elsewhere");
    assert!(matches!(
        elsewhere.people().add(None, "bob", "bob@example.org", None),
        Err(Error::NoIdentity { .. })
    ));
    let err = elsewhere
        .people()
        .add(Some("alice"), "bob", "bob@example.org", None)
        .unwrap_err();
    assert!(matches!(err, Error::NoKeyHere { .. }), "{err}");
    assert!(err.to_string().contains("person invite alice"), "{err}");
    assert!(elsewhere.people().invite(Some("alice"), "alice").is_err());
    assert_eq!(elsewhere.people().list().unwrap().len(), 1);
}

/// Appends a well-formed entry signed by `key` straight into the file, as an
/// attacker with the file and SQLite could (they also add the key to the
/// person, so the signature check alone would pass).
fn forge(path: &Path, lib: &Library, person: &str, key: &SigningKey, kind: &str, payload: &str) {
    let last = lib.audit().log(None).unwrap().pop().unwrap();
    let person = lib.people().get(person).unwrap();
    let mut e = AuditEntry {
        chain: last.chain.clone(),
        seq: last.seq + 1,
        id: format!("00000000-0000-4000-8000-{:012}", last.seq + 1),
        format: 1,
        at: String::new(),
        at_ms: last.at_ms + 1,
        author: person.id.clone(),
        author_name: None,
        author_key: hex(key.verifying_key().as_bytes()),
        post: None,
        step: None,
        kind: kind.into(),
        payload: payload.into(),
        prev_hash: last.entry_hash.clone(),
        entry_hash: String::new(),
        signature: String::new(),
    };
    let h = e.computed_hash().unwrap();
    e.entry_hash = hex(&h);
    e.signature = hex(&key.sign(&h).to_bytes());
    let c = Connection::open(path).unwrap();
    c.execute(
        "INSERT OR IGNORE INTO person_keys (person_id, public_key, added_at) \
         SELECT id, ?2, 0 FROM people WHERE uid = ?1",
        params![person.id, e.author_key],
    )
    .unwrap();
    c.execute(
        "INSERT INTO audit_entries (seq, format, uid, at, author, author_key, post, step, kind, \
         payload, prev_hash, entry_hash, signature, chain) \
         VALUES (?1, 1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.seq,
            e.id,
            e.at_ms,
            e.author,
            e.author_key,
            e.kind,
            e.payload,
            e.prev_hash,
            e.entry_hash,
            e.signature,
            e.chain
        ],
    )
    .unwrap();
}

#[test]
fn a_forged_enrolment_and_what_its_key_signs_are_named() {
    let s = Setup::new();
    let alice = s.founded();
    let _code = invite(&alice, "bob");
    let invitation = alice.audit().log(None).unwrap().pop().unwrap();
    let rogue = SigningKey::from_bytes(&[9u8; 32]);
    let public = hex(rogue.verifying_key().as_bytes());
    forge(
        &s.path,
        &alice,
        "bob",
        &rogue,
        "enrolment",
        &format!(
            r#"{{"code":"00000000000000000000","email":"bob@example.org","invitation":"{}","name":"bob","public_key":"{public}"}}"#,
            invitation.id
        ),
    );
    forge(
        &s.path,
        &alice,
        "bob",
        &rogue,
        "comment",
        r#"{"comment":"approuvé"}"#,
    );
    let report = alice.audit().verify().unwrap();
    let found: Vec<(i64, ProblemKind)> = report.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(
        found,
        [(3, ProblemKind::Untrusted), (4, ProblemKind::Untrusted)],
        "{:?}",
        report.problems
    );
    assert!(report.problems[0].message.contains("does not match"));
    assert!(report.problems[1]
        .message
        .contains("never properly enrolled"));
}

#[test]
fn an_invitation_signed_by_a_key_nobody_vouched_for_enrols_nobody() {
    let s = Setup::new();
    let alice = s.founded();
    let _ = invite(&alice, "mallory");
    // Mallory never enrolled; a key is planted for her and signs an invitation
    // of bob with a code the attacker knows.
    let rogue = SigningKey::from_bytes(&[7u8; 32]);
    let bob = alice
        .people()
        .add(None, "bob", "bob@example.org", None)
        .unwrap();
    let code = "ABCDE-FGHJK-MNPQR-STVWX";
    let mut h = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut h, b"valise-invitation/1\0");
    sha2::Digest::update(&mut h, bob.person.id.as_bytes());
    sha2::Digest::update(&mut h, [0u8]);
    sha2::Digest::update(&mut h, code.replace('-', "").as_bytes());
    let hash = hex(&sha2::Digest::finalize(h));
    forge(
        &s.path,
        &alice,
        "mallory",
        &rogue,
        "invitation",
        &format!(
            r#"{{"code_hash":"{hash}","email":"bob@example.org","name":"bob","person":"{}"}}"#,
            bob.person.id
        ),
    );
    let desk = s.open("bob-desk");
    let reason = bad_code_reason(desk.people().enrol("bob", code).unwrap_err());
    assert!(reason.contains("never properly enrolled"), "{reason}");
    let report = alice.audit().verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].kind, ProblemKind::Untrusted);
    assert_eq!(report.problems[0].seq, 4);
}

fn fixture_v5(dir: &Path) -> PathBuf {
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/library-v5.sqlite3");
    let path = dir.join("v5.sqlite3");
    std::fs::copy(fixture, &path).unwrap();
    path
}

#[test]
fn keys_from_before_invitations_are_listed_and_later_old_style_keys_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_v5(dir.path());
    let lib = Library::open(&path)
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    let report = lib.audit().verify().unwrap();
    assert!(report.intact, "{:?}", report.problems);
    let names: Vec<&str> = report
        .grandfathered
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    // Their keys are elsewhere: nobody can act or add people on this desktop.
    assert!(matches!(
        lib.people()
            .add(Some("alice"), "carol", "carol@example.org", None),
        Err(Error::NoKeyHere { .. })
    ));
    // The old way of adding a key, after the migration, vouches for nothing.
    let rogue = SigningKey::from_bytes(&[5u8; 32]);
    let public = hex(rogue.verifying_key().as_bytes());
    forge(
        &path,
        &lib,
        "bob",
        &rogue,
        "key_added",
        &format!(r#"{{"email":"bob@example.org","name":"bob","public_key":"{public}"}}"#),
    );
    let report = lib.audit().verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].kind, ProblemKind::Untrusted);
    assert!(report.problems[0]
        .message
        .contains("before invitations existed"));
}
