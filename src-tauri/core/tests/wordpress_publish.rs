//! Publication through sync against a real WordPress with the Valise plugin
//! (`tests/wordpress/start`): a post reaches the public site only through
//! the library's preflight and the site's gate, a schedule is carried out by
//! the site's cron and pulled back as published, a validator's forbidden
//! records are skipped while the rest syncs. One site for this file (its own:
//! one test changes the site's languages), stopped at the end even when a
//! test panics; skipped, saying why, when php is missing.

// The fault proxy beside it is not used here.
#[allow(dead_code)]
mod wordpress_support;
#[macro_use]
#[path = "wordpress_support/runner.rs"]
mod runner;

use std::sync::Arc;

use serde_json::{json, Value};
use valise_core::backends::registry;
use valise_core::backends::wordpress::{SitePost, SiteStatus, Timeouts, WordPress};
use valise_core::clock::ManualClock;
use valise_core::secrets::Secret;
use valise_core::workflow::rules::{PublicationMove, PublicationState};
use valise_core::{Desktop, Library, NewPost, Origin, PostText};
use wordpress_support::Site;

fn main() {
    // The first needs the site's people to be its own (a validator's desk
    // picks her person by name); the last changes the site's languages.
    let all = tests![
        a_validators_forbidden_records_are_skipped_and_the_rest_syncs,
        publishing_through_sync_makes_the_post_public_with_the_cores_html,
        a_schedule_the_sites_cron_carried_out_is_pulled_back_as_published,
        a_post_without_its_signoff_is_refused_by_the_library_and_by_the_sites_gate,
        a_refusal_by_the_sites_gate_is_a_plain_error_and_the_decision_stands,
    ];
    runner::run_on_one_site("wordpress publication tests", &all);
}

// --- a desk ---------------------------------------------------------------------

const CHAIN: &str = "steps:\n  - name: proofreading\n    signers: [alice]\n";

/// A desktop's library: ed founded it (and syncs as the site's editor);
/// alice, invited, signs from a desktop of her own on the same file.
struct Desk {
    dir: tempfile::TempDir,
    lib: Library,
    alice_code: Option<valise_core::workflow::InvitationCode>,
}

fn open(dir: &tempfile::TempDir, desktop: &str) -> Library {
    // The site's clock is the real one; scheduling needs this one to agree.
    let now = chrono::Utc::now().timestamp_millis();
    Library::open_with(
        dir.path().join("library.sqlite3"),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(now)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join(desktop)))
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, "ed-desk");
    let people = lib.people();
    people
        .add(None, "ed", "ed@example.org", Some("editor"))
        .unwrap();
    let alice_code = people
        .add(None, "alice", "alice@example.org", Some("validator1"))
        .unwrap()
        .code;
    lib.workflow()
        .set_chain(&people.signer("ed").unwrap(), CHAIN)
        .unwrap();
    Desk {
        dir,
        lib,
        alice_code,
    }
}

impl Desk {
    /// A French post with its complete English translation.
    fn post(&self, title: &str) -> String {
        let id = self
            .lib
            .posts()
            .create(NewPost {
                title: title.into(),
                body: "La délégation part : lundi !\n\nElle rentre vendredi.".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        self.lib
            .translations()
            .add(
                &id,
                "en",
                PostText {
                    title: format!("{title} (en)"),
                    body: "The delegation leaves on Monday.\n\nIt returns on Friday.".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        for lang in ["es", "ar"] {
            self.lib
                .translations()
                .not_planned(&id, lang, "ed", "pas pour ce public")
                .unwrap();
        }
        id
    }

    /// Submitted by ed, approved by alice: the preflight passes.
    fn sign(&mut self, id: &str) {
        let ed = self.lib.people().signer("ed").unwrap();
        // Submitted already (signed again after a change): still in force.
        let _ = self.lib.signoff().submit(&ed, id, None, "à relire");
        let alice = open(&self.dir, "alice-desk");
        if let Some(code) = self.alice_code.take() {
            alice.people().enrol("alice", code.as_str()).unwrap();
        }
        let signer = alice.people().signer("alice").unwrap();
        alice
            .signoff()
            .approve(&signer, id, "proofreading", "", None, None)
            .unwrap();
        assert_eq!(self.lib.signoff().preflight(id).unwrap(), []);
    }

    fn decide(&self, id: &str, mv: PublicationMove) {
        let ed = self.lib.people().signer("ed").unwrap();
        self.lib.publication().apply(&ed, id, mv).unwrap();
    }

    fn state(&self, id: &str) -> PublicationState {
        self.lib.publication().status(id).unwrap().publication.state
    }

    async fn add_site(&self, site: &Site, login: &str) {
        registry::add_wordpress(
            &self.lib,
            "site",
            &site.url,
            login,
            site.user(login).password.as_bytes(),
        )
        .await
        .unwrap();
    }

    async fn sync(&self) -> valise_core::Result<valise_core::sync::SyncReport> {
        registry::sync_with(&self.lib, Some("site"))
            .await
            .map(|mut r| r.remove(0))
    }

    fn waiting(&self) -> u32 {
        valise_core::sync::status(&self.lib).unwrap().backends[0].waiting
    }
}

fn client(site: &Site, login: &str) -> WordPress {
    WordPress::new(
        "test",
        &site.url,
        login,
        Secret::new(site.user(login).password.clone().into_bytes()),
        Timeouts::default(),
    )
    .unwrap()
}

/// Every language version of post `id` on the site, by language.
async fn there(site: &Site, id: &str) -> Vec<SitePost> {
    let mut group = client(site, "editor").find_group(id).await.unwrap();
    group.sort_by(|a, b| a.version.lang.cmp(&b.version.lang));
    group
}

fn statuses(group: &[SitePost]) -> Vec<(String, SiteStatus)> {
    group
        .iter()
        .map(|p| (p.version.lang.clone(), p.version.status))
        .collect()
}

/// Post `wp_id` as anyone on the web sees it: (HTTP status, body).
async fn public_view(site: &Site, wp_id: u64) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .get(format!("{}/wp-json/wp/v2/posts/{wp_id}", site.url))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn expect_code<T: std::fmt::Debug>(r: valise_core::Result<T>, code: &str) -> valise_core::Error {
    match r {
        Err(e) => {
            assert_eq!(e.code(), code, "expected {code}, got: {e}");
            e
        }
        Ok(v) => panic!("expected the error {code}, got {v:?}"),
    }
}

// --- the tests -----------------------------------------------------------------

async fn publishing_through_sync_makes_the_post_public_with_the_cores_html(site: &Site) {
    let mut d = desk();
    let id = d.post("Le sommet de Genève");
    d.sign(&id);
    d.add_site(site, "editor").await;
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert_eq!(
        statuses(&group),
        [
            ("en".to_string(), SiteStatus::Draft),
            ("fr".to_string(), SiteStatus::Draft)
        ]
    );
    let (seen, _) = public_view(site, group[1].id).await;
    assert_ne!(seen, 200, "a draft is not public");

    // Ready: the site's editors see it coming, the public does not.
    d.decide(&id, PublicationMove::MarkReady);
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert!(statuses(&group)
        .iter()
        .all(|(_, s)| *s == SiteStatus::Pending));

    d.decide(&id, PublicationMove::PublishNow);
    let report = d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert!(
        statuses(&group)
            .iter()
            .all(|(_, s)| matches!(s, SiteStatus::Published { .. })),
        "{:?} {report:?}",
        statuses(&group)
    );
    assert!(
        matches!(d.state(&id), PublicationState::Published { ref by, .. } if by == "editor"),
        "{:?}",
        d.state(&id)
    );
    for post in &group {
        let (seen, body) = public_view(site, post.id).await;
        assert_eq!(seen, 200, "{body}");
        assert_eq!(body["status"], "publish");
        let html = body["content"]["rendered"].as_str().unwrap();
        let lang = &post.version.lang;
        assert!(html.contains(&format!("lang=\"{lang}\"")), "{html}");
    }
    let fr = site.stored_html(group[1].id).await;
    assert!(fr.contains('\u{202f}'), "French no-break spaces: {fr}");
    assert!(d.lib.audit().verify().unwrap().intact);
    // The "published" entry is on the site too; the next sync is quiet.
    let next = d.sync().await.unwrap();
    assert_eq!(
        (next.created_there, next.updated_there, next.audit_sent),
        (0, 0, 0),
        "{next:?}"
    );
    assert_eq!(d.waiting(), 0);

    // A text changed after publishing (the English one: the French would
    // leave it to translate again): off the public site, with the new text.
    let en_now = d.lib.posts().get(&id, Some("en")).unwrap();
    let changed = "The delegation leaves on Tuesday.\n\nIt returns on Friday.";
    d.lib
        .posts()
        .save(valise_core::SaveRequest {
            id: id.clone(),
            lang: "en".into(),
            text: PostText {
                body: changed.into(),
                ..en_now.text
            },
            kind: valise_core::RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert!(
        statuses(&group)
            .iter()
            .all(|(_, s)| *s == SiteStatus::Draft),
        "{:?}",
        statuses(&group)
    );
    assert_eq!(group[0].version.text.body, changed);
    assert_ne!(public_view(site, group[1].id).await.0, 200);

    // Signed and published again, then taken back: a draft there.
    d.sign(&id);
    d.decide(&id, PublicationMove::PublishNow);
    d.sync().await.unwrap();
    assert_eq!(public_view(site, there(site, &id).await[1].id).await.0, 200);
    d.decide(&id, PublicationMove::Unpublish);
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert!(statuses(&group)
        .iter()
        .all(|(_, s)| *s == SiteStatus::Draft));
    assert_eq!(d.state(&id), PublicationState::Draft);
    assert_ne!(public_view(site, group[1].id).await.0, 200);
}

async fn a_schedule_the_sites_cron_carried_out_is_pulled_back_as_published(site: &Site) {
    let mut d = desk();
    let id = d.post("La conférence de Vienne");
    d.sign(&id);
    d.add_site(site, "editor").await;
    let tomorrow = chrono::Utc::now().timestamp_millis() + 86_400_000;
    d.decide(&id, PublicationMove::Schedule { at: tomorrow });
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    let whole_seconds = tomorrow / 1000 * 1000;
    assert!(
        statuses(&group).iter().all(|(_, s)| *s
            == SiteStatus::Scheduled {
                at_ms: whole_seconds
            }),
        "{:?}",
        statuses(&group)
    );
    assert_ne!(public_view(site, group[1].id).await.0, 200);
    assert!(matches!(
        d.state(&id),
        PublicationState::Scheduled { now: false, .. }
    ));

    // The date comes (moved to now), and the site's cron publishes it.
    let ids: Vec<u64> = group.iter().map(|p| p.id).collect();
    site.run_cron_now(&ids);
    let group = there(site, &id).await;
    assert!(statuses(&group)
        .iter()
        .all(|(_, s)| matches!(s, SiteStatus::Published { .. })));
    let report = d.sync().await.unwrap();
    assert!(
        matches!(d.state(&id), PublicationState::Published { .. }),
        "{:?} {report:?}",
        d.state(&id)
    );
    assert_eq!(report.updated_there, 0, "nothing sent back: {report:?}");
    assert_eq!(report.audit_sent, 1, "the published entry: {report:?}");
    assert_eq!(public_view(site, group[1].id).await.0, 200);
    assert!(d.lib.audit().verify().unwrap().intact);
    let next = d.sync().await.unwrap();
    assert!(next.is_quiet(), "{next:?}");
}

async fn a_post_without_its_signoff_is_refused_by_the_library_and_by_the_sites_gate(site: &Site) {
    let d = desk();
    let id = d.post("Le communiqué");
    // The library refuses first: nothing recorded, nothing to send.
    let ed = d.lib.people().signer("ed").unwrap();
    let refused = d.lib.publication().publish(&ed, &id, None).unwrap_err();
    assert_eq!(refused.code(), "publication_preflight_failed", "{refused}");
    d.add_site(site, "editor").await;
    d.sync().await.unwrap();
    let group = there(site, &id).await;
    assert!(statuses(&group)
        .iter()
        .all(|(_, s)| *s == SiteStatus::Draft));
    // Forced with the adapter itself: the site's gate refuses, naming why.
    let wp = client(site, "editor");
    let fr = &group[1];
    let err = expect_code(
        wp.set_status(fr.id, fr.rev, SiteStatus::Published { at_ms: None })
            .await,
        "publish_refused",
    );
    let valise_core::Error::PublishRefused { reasons, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        reasons.iter().any(|r| r.code == "not_submitted"),
        "{reasons:?}"
    );
    assert_eq!(there(site, &id).await[1].version.status, SiteStatus::Draft);
    assert_ne!(public_view(site, fr.id).await.0, 200);
}

async fn a_validators_forbidden_records_are_skipped_and_the_rest_syncs(site: &Site) {
    // The editor's desk puts its people and chain on the site, and invites
    // alice to a desktop of her own.
    let a = desk();
    a.post("La visite d'État");
    a.add_site(site, "editor").await;
    let code = a.lib.people().invite(None, "alice").unwrap().code;
    a.sync().await.unwrap();

    // Her desktop syncs as validator1: everything arrives; she enrols there.
    let b_dir = tempfile::tempdir().unwrap();
    let b = Desk {
        lib: open(&b_dir, "validator-desk"),
        dir: b_dir,
        alice_code: None,
    };
    b.add_site(site, "validator1").await;
    b.sync().await.unwrap();
    b.lib
        .people()
        .choose_me("alice", Some(code.as_str()))
        .unwrap();

    // She changes the chain (on the site, a validator may not) and writes a
    // post of her own (she may).
    let me = b.lib.people().signer("alice").unwrap();
    b.lib
        .workflow()
        .set_chain(
            &me,
            "steps:\n  - name: proofreading\n    signers: [alice, ed]\n",
        )
        .unwrap();
    let hers = b
        .lib
        .posts()
        .create(NewPost {
            title: "Note de la validatrice".into(),
            body: "Un paragraphe.".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let report = b.sync().await.unwrap();
    assert!(
        report.skipped.iter().any(|s| s.contains("sign-off chain")),
        "{report:?}"
    );
    assert!(report.created_there >= 1, "{report:?}");
    assert_eq!(there(site, &hers).await.len(), 1);
    // Her own person record (her new key) went through; the chain waits.
    let alice_there = client(site, "editor")
        .records("person")
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.id == me.person.id)
        .unwrap();
    assert_eq!(alice_there.body["keys"].as_array().map(Vec::len), Some(1));
    let status = valise_core::sync::status(&b.lib).unwrap();
    assert!(status.backends[0].waiting >= 1, "{status:?}");
    assert!(status.backends[0].last_error.is_none(), "{status:?}");
    let again = b.sync().await.unwrap();
    assert!(
        again.skipped.iter().any(|s| s.contains("sign-off chain")),
        "{again:?}"
    );
    let chain = client(site, "editor")
        .record("chain", "current")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chain.body["steps"][0]["signers"], json!(["alice"]));
}

async fn a_refusal_by_the_sites_gate_is_a_plain_error_and_the_decision_stands(site: &Site) {
    let mut d = desk();
    let id = d.post("Le traité");
    d.sign(&id);
    d.add_site(site, "editor").await;
    d.sync().await.unwrap();
    // The site wants a language this library does not have.
    let wp = client(site, "editor");
    let rev = wp
        .record("site", "languages")
        .await
        .unwrap()
        .map_or(0, |r| r.rev);
    wp.put_record(
        "site",
        "languages",
        rev,
        &json!({"languages": ["fr", "en", "de"]}),
    )
    .await
    .unwrap();
    d.decide(&id, PublicationMove::PublishNow);
    let err = expect_code(d.sync().await, "publish_refused");
    let text = err.to_string();
    assert!(text.contains(&id), "names the post: {text}");
    assert!(text.contains("de version"), "names the check: {text}");
    assert!(matches!(
        d.state(&id),
        PublicationState::Scheduled { now: true, .. }
    ));
    assert!(d.waiting() >= 1);
    let group = there(site, &id).await;
    assert!(statuses(&group)
        .iter()
        .all(|(_, s)| !matches!(s, SiteStatus::Published { .. })));
    // The site fixed, the same decision goes out at the next sync.
    let rev = wp.record("site", "languages").await.unwrap().unwrap().rev;
    wp.put_record(
        "site",
        "languages",
        rev,
        &json!({"languages": ["fr", "en", "es", "ar"]}),
    )
    .await
    .unwrap();
    d.sync().await.unwrap();
    assert!(statuses(&there(site, &id).await)
        .iter()
        .all(|(_, s)| matches!(s, SiteStatus::Published { .. })));
    assert!(matches!(d.state(&id), PublicationState::Published { .. }));
}
