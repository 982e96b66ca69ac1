//! One or two libraries against the in-memory backend: what is sent, what
//! comes back, merges, conflicts, deletes, and recovery after faults.

use super::memory::{Fault, Memory};
use super::{snapshot, Desk};
use crate::sync::record::{Record, RecordKey};
use crate::Error;

pub(super) fn two_desks() -> (tempfile::TempDir, Desk, Desk, Memory) {
    let dir = tempfile::tempdir().unwrap();
    let a = Desk::open(dir.path(), "a");
    let b = Desk::open(dir.path(), "b");
    (dir, a, b, Memory::new())
}

fn version_key(desk: &Desk, id: &str, lang: &str) -> RecordKey {
    let uid = desk
        .lib
        .read(|c| {
            Ok(c.query_row(
                "SELECT v.uid FROM language_versions v JOIN posts p ON p.id = v.post_id \
                 WHERE p.uid = ?1 AND v.lang = ?2",
                [id, lang],
                |r| r.get::<_, String>(0),
            )?)
        })
        .unwrap();
    RecordKey::Version(uid)
}

#[test]
fn a_first_sync_sends_every_post_and_a_second_sends_nothing() {
    let (_dir, a, _b, site) = two_desks();
    a.new_post(
        "Le sommet",
        "La délégation part lundi.\n\nElle rentre vendredi.",
    );
    a.new_post("La conférence", "Un paragraphe.");
    let first = a.sync(&site).unwrap();
    assert_eq!(first.created_there, 2);
    assert_eq!(site.live().len(), 2);
    let calls = site.calls();
    let second = a.sync(&site).unwrap();
    assert!(second.is_quiet(), "{second:?}");
    assert_eq!(second.created_there + second.updated_there, 0);
    // One pull, nothing else.
    assert_eq!(site.calls(), calls + 1);
    let status = crate::sync::status(&a.lib).unwrap();
    assert_eq!(status.backends[0].waiting, 0);
    assert!(status.backends[0].last_sync.is_some());
}

#[test]
fn a_post_made_on_one_desktop_arrives_on_another_with_its_translation() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post(
        "Le sommet",
        "La délégation part lundi.\n\nElle rentre vendredi.",
    );
    a.lib
        .translations()
        .add(
            &id,
            "en",
            crate::PostText {
                title: "The summit".into(),
                body: "The delegation leaves on Monday.\n\nIt returns on Friday.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    a.sync(&site).unwrap();
    let report = b.sync(&site).unwrap();
    assert_eq!(report.applied, 2, "{report:?}");
    assert_eq!(snapshot(&a.lib), snapshot(&b.lib));
    let there = b.lib.translations().status(&id).unwrap();
    assert_eq!(there, a.lib.translations().status(&id).unwrap());
    // Nothing echoes back.
    assert!(a.sync(&site).unwrap().is_quiet());
    assert!(b.sync(&site).unwrap().is_quiet());
}

#[test]
fn edits_of_different_paragraphs_on_two_desktops_merge() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Premier paragraphe.\n\nDeuxième paragraphe.");
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    a.save_body(
        &id,
        "fr",
        "Premier paragraphe, revu par A.\n\nDeuxième paragraphe.",
    );
    b.save_body(
        &id,
        "fr",
        "Premier paragraphe.\n\nDeuxième paragraphe, revu par B.",
    );
    a.sync(&site).unwrap();
    let merged = b.sync(&site).unwrap();
    assert_eq!(merged.merged, 1, "{merged:?}");
    a.sync(&site).unwrap();
    let both = "Premier paragraphe, revu par A.\n\nDeuxième paragraphe, revu par B.";
    assert_eq!(a.body(&id, None), both);
    assert_eq!(b.body(&id, None), both);
    assert!(a.conflicts().is_empty() && b.conflicts().is_empty());
}

#[test]
fn overlapping_edits_keep_the_sites_text_and_this_desktops_as_a_conflict() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Une phrase.");
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    a.save_body(&id, "fr", "Une phrase écrite par A.");
    b.save_body(&id, "fr", "Une phrase écrite par B.");
    a.sync(&site).unwrap();
    let report = b.sync(&site).unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    assert_eq!(report.notes.len(), 1);
    assert_eq!(b.body(&id, None), "Une phrase écrite par A.");
    let kept = b.conflicts();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].2, "Une phrase écrite par B.");
    assert_eq!(
        b.lib
            .posts()
            .get(&id, None)
            .unwrap()
            .conflict
            .unwrap()
            .origin,
        crate::Origin::Window
    );
    // The site and A keep A's text; nothing is sent back over it.
    assert!(b.sync(&site).unwrap().is_quiet());
    assert!(a.sync(&site).unwrap().is_quiet());
    assert_eq!(a.body(&id, None), "Une phrase écrite par A.");
}

#[test]
fn a_delete_on_the_site_deletes_here_but_an_edit_here_outlives_it() {
    let (_dir, a, b, site) = two_desks();
    let quiet = a.new_post("Supprimé", "Rien de neuf.");
    let edited = a.new_post("Gardé", "Un texte.");
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    b.save_body(&edited, "fr", "Un texte complété sur B.");
    site.delete_there(&version_key(&a, &quiet, "fr"));
    site.delete_there(&version_key(&a, &edited, "fr"));
    let report = b.sync(&site).unwrap();
    assert_eq!(report.deleted, 1, "{report:?}");
    assert_eq!(report.created_there, 1, "the edited post is sent again");
    assert!(b.lib.posts().get(&quiet, None).is_err());
    assert_eq!(b.body(&edited, None), "Un texte complété sur B.");
    a.sync(&site).unwrap();
    assert!(a.lib.posts().get(&quiet, None).is_err());
    assert_eq!(a.body(&edited, None), "Un texte complété sur B.");
}

#[test]
fn a_delete_here_does_not_destroy_an_edit_made_on_the_site() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Un texte.");
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    b.save_body(&id, "fr", "Un texte revu sur B.");
    b.sync(&site).unwrap();
    a.lib.posts().delete(&id).unwrap();
    let report = a.sync(&site).unwrap();
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!(a.body(&id, None), "Un texte revu sur B.");
    assert_eq!(report.deleted_there, 0);
}

#[test]
fn a_delete_here_reaches_the_other_desktop() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Un texte.");
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    a.lib.posts().delete(&id).unwrap();
    assert_eq!(a.sync(&site).unwrap().deleted_there, 1);
    assert_eq!(b.sync(&site).unwrap().deleted, 1);
    assert!(b.lib.posts().get(&id, None).is_err());
    assert!(site.live().is_empty());
}

#[test]
fn an_edit_on_the_site_during_a_sync_is_merged_in_another_round() {
    let (_dir, a, _b, site) = two_desks();
    let id = a.new_post("Le sommet", "Premier.\n\nDeuxième.");
    a.sync(&site).unwrap();
    let key = version_key(&a, &id, "fr");
    a.save_body(&id, "fr", "Premier, revu ici.\n\nDeuxième.");
    // Someone edits the other paragraph on the site between our pull and push.
    site.edit_there(&key, |r| {
        if let Record::Version(v) = r {
            v.text.body = "Premier.\n\nDeuxième, revu là-bas.".into();
        }
    });
    let report = a.sync(&site).unwrap();
    assert_eq!(report.merged, 1, "{report:?}");
    assert_eq!(
        a.body(&id, None),
        "Premier, revu ici.\n\nDeuxième, revu là-bas."
    );
    let Record::Version(there) = &site.live()[&key] else {
        panic!("a version")
    };
    assert_eq!(there.text.body, a.body(&id, None));
}

#[test]
fn an_unreachable_site_changes_nothing_and_keeps_the_outbox() {
    let (_dir, a, _b, site) = two_desks();
    a.new_post("Le sommet", "Un texte.");
    let before = snapshot(&a.lib);
    site.script(vec![Some(Fault::Before)]);
    let err = a.sync(&site).unwrap_err();
    assert!(err.to_string().contains("outbox"), "{err}");
    assert_eq!(snapshot(&a.lib), before);
    assert_eq!(crate::sync::status(&a.lib).unwrap().backends[0].waiting, 1);
    assert!(site.live().is_empty());
}

#[test]
fn an_unknown_backend_is_named_with_the_known_ones() {
    let (_dir, a, _b, site) = two_desks();
    let err = super::block_on(crate::sync::sync(&a.lib, "elsewhere", &site)).unwrap_err();
    assert!(matches!(err, Error::BackendNotFound { .. }));
    assert!(err.to_string().contains("site"), "{err}");
}

#[test]
fn a_translation_that_arrives_before_its_post_waits_for_it() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Un texte.");
    a.lib
        .translations()
        .add(
            &id,
            "en",
            crate::PostText {
                title: "The summit".into(),
                body: "A text.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let records = snapshot(&a.lib).0;
    let (source, translation): (Vec<_>, Vec<_>) = records
        .values()
        .filter(|r| matches!(r, Record::Version(_)))
        .cloned()
        .partition(|r| matches!(r, Record::Version(v) if v.is_source()));
    site.put_there(translation[0].clone());
    let early = b.sync(&site).unwrap();
    assert_eq!(early.held.len(), 1, "{early:?}");
    assert!(early.held[0].contains("has not arrived"), "{early:?}");
    assert!(b.lib.posts().get(&id, None).is_err());
    site.put_there(source[0].clone());
    let later = b.sync(&site).unwrap();
    assert!(later.held.is_empty(), "{later:?}");
    assert_eq!(later.applied, 2);
    assert_eq!(
        b.lib.posts().get(&id, Some("en")).unwrap().text.body,
        "A text."
    );
}

#[test]
fn audit_entries_that_are_altered_forked_or_out_of_order_are_refused_and_named() {
    let (_dir, a, b, site) = two_desks();
    a.lib
        .people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap();
    let me = a.lib.people().signer("alice").unwrap();
    let id = a.new_post("Le sommet", "Un texte.");
    a.lib.audit().comment(&me, &id, "Premier avis").unwrap();
    a.lib.audit().comment(&me, &id, "Second avis").unwrap();
    let log = a.lib.audit().log(None).unwrap();
    assert_eq!(log.len(), 3, "person_added and two comments");
    // The site holds an altered copy of the second comment, and the third
    // entry without the second.
    let mut altered = log[1].clone();
    altered.payload = r#"{"comment":"Avis changé"}"#.into();
    site.plant_audit(crate::sync::record::AuditRecord {
        entry: log[0].clone(),
        signed_text: None,
    });
    site.plant_audit(crate::sync::record::AuditRecord {
        entry: altered,
        signed_text: None,
    });
    site.plant_audit(crate::sync::record::AuditRecord {
        entry: log[2].clone(),
        signed_text: None,
    });
    let report = b.sync(&site).unwrap();
    assert_eq!(report.audit_received, 0, "{report:?}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("does not recompute")),
        "{report:?}"
    );
    // Kept for later: one waits for its author, the other for the one before it.
    assert_eq!(report.held.len(), 2, "{report:?}");
    assert!(
        report.held.iter().any(|n| n.contains("does not know")),
        "{report:?}"
    );
    assert!(
        report
            .held
            .iter()
            .any(|n| n.contains("before the entry it follows")),
        "{report:?}"
    );
    assert!(b.lib.audit().log(None).unwrap().is_empty());
    // A's sync sends alice: her first entry is taken; the altered second one
    // holds its id on the site, so the third still waits, and nothing B
    // holds breaks its trail.
    a.sync(&site).unwrap();
    let later = b.sync(&site).unwrap();
    assert_eq!(later.audit_received, 1, "{later:?}");
    assert_eq!(later.held.len(), 1, "{later:?}");
    assert_eq!(b.lib.audit().log(None).unwrap().len(), 1);
    assert!(b.lib.audit().verify().unwrap().intact);
}

#[test]
fn a_sync_killed_at_any_call_resumes_without_duplicating_or_losing_anything() {
    // Each run kills the sync after the backend acted on call `k`.
    for k in 1..=8 {
        let dir = tempfile::tempdir().unwrap();
        let a = Desk::open(dir.path(), "a");
        let site = Memory::new();
        let first = a.new_post("Premier", "Un texte.");
        a.sync(&site).unwrap();
        a.save_body(&first, "fr", "Un texte revu.");
        a.new_post("Deuxième", "Deux.");
        a.new_post("Troisième", "Trois.");
        a.lib
            .people()
            .add(None, "alice", "alice@example.org", None)
            .unwrap();
        let mut script = vec![None; k - 1];
        script.push(Some(Fault::Crash));
        site.script(script);
        let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.sync(&site)));
        drop(a);
        site.stop_failing();
        let a = Desk::reopen(dir.path(), "a");
        a.sync(&site).unwrap();
        let (records, audit) = snapshot(&a.lib);
        assert_eq!(site.live(), records, "call {k} (died: {})", died.is_err());
        assert_eq!(
            site.audit_ids()
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>(),
            audit
        );
        assert_eq!(
            site.creates(),
            4,
            "call {k}: three posts and a person, each made once"
        );
        assert_eq!(site.audit_ids().len(), 1, "call {k}: the person's entry");
        assert!(a.sync(&site).unwrap().is_quiet(), "call {k}");
        assert_eq!(a.body(&first, None), "Un texte revu.");
    }
}

#[test]
fn an_audit_entry_whose_signature_is_not_its_authors_is_refused() {
    let (_dir, a, b, site) = two_desks();
    a.lib
        .people()
        .add(None, "alice", "alice@example.org", None)
        .unwrap();
    let me = a.lib.people().signer("alice").unwrap();
    let id = a.new_post("Le sommet", "Un texte.");
    a.lib.audit().comment(&me, &id, "Avis").unwrap();
    a.sync(&site).unwrap();
    // Someone forges a third entry of alice's chain: right links and hash,
    // a signature that is not hers.
    let log = a.lib.audit().log(None).unwrap();
    let mut forged = log[1].clone();
    forged.seq = 3;
    forged.id = crate::ids::new_id();
    forged.prev_hash = log[1].entry_hash.clone();
    forged.payload = r#"{"comment":"Avis forgé"}"#.into();
    forged.entry_hash = crate::workflow::keys::hex(&forged.computed_hash().unwrap());
    site.plant_audit(crate::sync::record::AuditRecord {
        entry: forged,
        signed_text: None,
    });
    let report = b.sync(&site).unwrap();
    assert_eq!(report.audit_received, 2, "{report:?}");
    assert!(
        report.notes.iter().any(|n| n.contains("signature")),
        "{report:?}"
    );
    assert!(b.lib.audit().verify().unwrap().intact);
}

/// Rows of `backend`'s written-down pull (`staging`).
fn staged_rows(desk: &Desk) -> i64 {
    desk.lib
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM sync_staging) + (SELECT count(*) FROM sync_staging_audit)",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

#[test]
fn a_pull_left_written_down_by_a_killed_sync_is_pulled_again_and_replaced() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "La délégation part lundi.");
    a.sync(&site).unwrap();
    let key = version_key(&a, &id, "fr");
    let old = site.live()[&key].clone();
    a.save_body(&id, "fr", "La délégation part mardi.");
    a.sync(&site).unwrap();
    // b's sync was killed after writing down the first state it pulled, before
    // applying it: its cursor has not moved.
    b.lib
        .write(crate::Origin::Sync, |tx| {
            crate::sync::staging::stage(
                tx,
                "site",
                vec![crate::sync::record::RemoteChange::Live {
                    record: old,
                    at: crate::sync::record::RemoteRef {
                        id: "1".into(),
                        rev: "1".into(),
                    },
                }],
            )
        })
        .unwrap();
    assert_eq!(staged_rows(&b), 1);
    b.sync(&site).unwrap();
    assert_eq!(b.body(&id, None), "La délégation part mardi.");
    assert_eq!(
        staged_rows(&b),
        0,
        "an applied pull leaves nothing written down"
    );
    assert!(b.sync(&site).unwrap().is_quiet());
}

#[test]
fn a_sync_tells_its_progress_pulling_then_sending_up_to_everything_sent() {
    use crate::sync::{SyncProgress, SyncStep};
    use std::sync::Mutex;
    let (_dir, a, b, site) = two_desks();
    for n in 0..3 {
        a.new_post(&format!("Billet {n}"), "Un paragraphe.");
    }
    let seen = Mutex::new(Vec::<SyncProgress>::new());
    a.clock.advance(1000);
    let report = super::block_on(crate::sync::sync_reporting(
        &a.lib,
        "site",
        &site,
        &|p: &SyncProgress| seen.lock().unwrap().push(p.clone()),
    ))
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first().map(|p| p.step), Some(SyncStep::Pulling));
    let sending: Vec<_> = seen
        .iter()
        .filter(|p| p.step == SyncStep::Sending)
        .collect();
    let last = sending.last().expect("progress while sending");
    assert_eq!(last.total, Some(report.created_there + report.audit_sent));
    assert_eq!(last.done, last.total.unwrap());
    assert!(sending.windows(2).all(|w| w[0].done <= w[1].done));
    assert!(seen.iter().all(|p| p.backend == "site"));

    // Another desktop pulling them counts what it pulled.
    let seen = Mutex::new(Vec::<SyncProgress>::new());
    b.clock.advance(1000);
    let report = super::block_on(crate::sync::sync_reporting(
        &b.lib,
        "site",
        &site,
        &|p: &SyncProgress| seen.lock().unwrap().push(p.clone()),
    ))
    .unwrap();
    let pulled = seen
        .into_inner()
        .unwrap()
        .into_iter()
        .filter(|p| p.step == SyncStep::Pulling)
        .map(|p| p.done)
        .max();
    assert_eq!(pulled, Some(report.pulled));
    assert!(report.pulled >= 3);
}

#[test]
fn sync_status_says_whether_the_backend_answered_last_time() {
    use crate::sync::Reach;
    let (_dir, a, _b, site) = two_desks();
    let reach = |d: &Desk| crate::sync::status(&d.lib).unwrap().backends[0].reach;
    assert_eq!(reach(&a), Reach::NotYet);
    a.sync(&site).unwrap();
    assert_eq!(reach(&a), Reach::Online);
    site.script(vec![Some(Fault::Before)]);
    assert!(a.sync(&site).is_err());
    assert_eq!(reach(&a), Reach::Offline);
    let status = crate::sync::status(&a.lib).unwrap();
    assert!(status.backends[0].last_error.is_some());
    assert!(!status.syncing);
}

#[test]
fn a_second_sync_of_the_same_library_is_refused_while_one_runs() {
    let (_dir, a, _b, _site) = two_desks();
    let running = a.lib.sync_gate().enter().unwrap();
    assert!(crate::sync::status(&a.lib).unwrap().syncing);
    let refused = super::block_on(crate::backends::registry::sync_with(&a.lib, None));
    assert!(matches!(refused, Err(Error::SyncRunning)), "{refused:?}");
    drop(running);
    // Free again: this one goes as far as opening the backend (a kind the
    // registry cannot open, in these tests).
    let next = super::block_on(crate::backends::registry::sync_with(&a.lib, None));
    assert!(
        matches!(next, Err(Error::BackendNotFound { .. })),
        "{next:?}"
    );
}
