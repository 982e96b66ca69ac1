//! The WordPress adapter against a real WordPress with the Valise plugin
//! (`tests/wordpress/start`), directly and through a fault proxy of our own.
//! One site for the whole binary, stopped at the end even when a test panics:
//! this file has its own `main` (harness = false), runs each test in turn and
//! prints libtest's closing line. Skipped, saying why, when php is missing.

mod wordpress_support;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use valise_core::backends::registry;
use valise_core::backends::wordpress::{Change, SiteStatus, SiteVersion, Timeouts, WordPress};
use valise_core::clock::ManualClock;
use valise_core::sync::record::AuditRecord;
use valise_core::workflow::Secret;
use valise_core::{BlockState, Desktop, Error, Library, NewPost, Origin, PostText};
use wordpress_support::proxy::{Fault, FaultProxy};
use wordpress_support::Site;

type Test = for<'a> fn(&'a Site) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), (|s| Box::pin($name(s))) as Test)),*]
    };
}

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress tests skipped: {why}");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return;
    }
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let site = Site::start(true);
    let all = tests![
        a_retried_create_finds_the_post_it_made,
        an_update_needs_the_rev_it_was_made_from,
        the_feed_pages_through_changes_and_tombstones,
        records_are_written_from_the_rev_read,
        a_validator_may_not_change_the_chain_and_is_told_why,
        audit_entries_are_appended_once,
        publishing_is_refused_by_the_sites_preflight,
        a_library_version_reaches_the_site_rendered_and_comes_back,
        a_wrong_password_is_said_plainly_and_changes_nothing,
        an_unreachable_server_is_said_plainly,
        a_site_without_the_plugin_is_said_plainly,
        faults_dropped_502_and_garbage_are_said_plainly_and_make_nothing,
        a_stalled_answer_times_out,
        a_create_whose_answer_is_cut_is_retried_into_one_post,
        an_update_whose_answer_is_cut_is_recognised_on_retry,
        two_desks_converge_through_the_site_with_people_chain_and_signoffs,
        a_sync_through_faults_makes_nothing_twice_and_resumes,
    ];
    let (mut passed, mut failed) = (0, Vec::new());
    for (name, test) in all {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(test(&site))));
        match outcome {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    drop(site);
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "test result: {verdict}. {passed} passed; {} failed; 0 ignored",
        failed.len()
    );
    if !failed.is_empty() {
        println!("failures: {}", failed.join(", "));
        std::process::exit(101);
    }
}

// --- helpers -----------------------------------------------------------------

fn client_as(url: &str, site: &Site, login: &str, timeouts: Timeouts) -> WordPress {
    WordPress::new(
        "test",
        url,
        login,
        Secret::new(site.user(login).password.clone().into_bytes()),
        timeouts,
    )
    .unwrap()
}

fn editor(site: &Site) -> WordPress {
    client_as(&site.url, site, "editor", Timeouts::default())
}

static UNIQUE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A source version with ids of its own.
fn version(title: &str) -> SiteVersion {
    let n = UNIQUE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let stamp = std::process::id();
    SiteVersion {
        version_uid: format!("v-{stamp}-{n}"),
        post_uid: format!("p-{stamp}-{n}"),
        lang: "fr".into(),
        source_lang: "fr".into(),
        text: PostText {
            title: title.into(),
            slug: String::new(),
            summary: "En bref".into(),
            body: "La délégation part lundi.\n\nElle rentre vendredi.".into(),
            tags: vec!["diplomatie".into()],
            place_line: "Paris".into(),
            share_text: "À lire".into(),
            author: String::new(),
        },
        units: Vec::new(),
        unit_texts: Vec::new(),
        block_ids: Vec::new(),
        status: SiteStatus::Draft,
    }
}

/// A library with a French post, its English translation, people and a chain.
struct Desk {
    _dir: tempfile::TempDir,
    lib: Library,
    post: String,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        dir.path().join("library.sqlite3"),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(1_795_000_000_000)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    for name in ["ed", "alice"] {
        lib.people()
            .add(name, &format!("{name}@example.org"), Some("editor"))
            .unwrap();
    }
    let ed = lib.people().signer("ed").unwrap();
    lib.workflow()
        .set_chain(
            &ed,
            "steps:\n  - name: proofreading\n    signers: [alice]\n",
        )
        .unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            body: "La délégation part : lundi !\n\nElle rentre vendredi.".into(),
            tags: vec!["climat".into()],
            ..Default::default()
        })
        .unwrap()
        .id;
    lib.translations()
        .add(
            &post,
            "en",
            PostText {
                title: "The summit".into(),
                body: "The delegation leaves on Monday.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    Desk {
        _dir: dir,
        lib,
        post,
    }
}

/// A library of its own (another desktop), empty.
fn empty_desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        dir.path().join("library.sqlite3"),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(1_795_000_100_000)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    Desk {
        _dir: dir,
        lib,
        post: String::new(),
    }
}

/// Adds the site (at `url`, as `login`) to the desk's library as "site".
async fn add_site(d: &Desk, site: &Site, url: &str, login: &str) {
    registry::add_wordpress(
        &d.lib,
        "site",
        url,
        login,
        site.user(login).password.as_bytes(),
    )
    .await
    .unwrap();
}

/// Syncs again until nothing happens: the next sync sends nothing, and the
/// one after is quiet. (It may first take the site's echo of what was sent:
/// a slug WordPress made unique, posts other tests left on the shared site.)
async fn settle(d: &Desk) {
    let next = registry::sync_with(&d.lib, None).await.unwrap();
    let r = &next[0];
    assert_eq!(
        (
            r.created_there,
            r.updated_there,
            r.deleted_there,
            r.audit_sent
        ),
        (0, 0, 0, 0),
        "a sync right after a sync sends nothing: {r:?}"
    );
    let last = registry::sync_with(&d.lib, None).await.unwrap();
    assert!(last[0].is_quiet(), "{last:?}");
}

fn expect_err<T: std::fmt::Debug>(r: valise_core::Result<T>, code: &str) -> Error {
    match r {
        Err(e) => {
            assert_eq!(e.code(), code, "expected {code}, got: {e}");
            e
        }
        Ok(v) => panic!("expected the error {code}, got {v:?}"),
    }
}

// --- posts -------------------------------------------------------------------

async fn a_retried_create_finds_the_post_it_made(site: &Site) {
    let wp = editor(site);
    let v = version("Une visite");
    let first = wp.create_post(&v).await.unwrap();
    assert!(!first.existing);
    assert_eq!(first.post.version, v);
    assert_eq!(first.post.rev, 1);
    let again = wp.create_post(&v).await.unwrap();
    assert!(again.existing, "the second create must find the first post");
    assert_eq!(again.post.id, first.post.id);
    assert_eq!(wp.find_version(&v.version_uid).await.unwrap().len(), 1);
}

async fn an_update_needs_the_rev_it_was_made_from(site: &Site) {
    let wp = editor(site);
    let mut v = version("Un accord");
    let made = wp.create_post(&v).await.unwrap().post;
    v.text.body = "Le texte de l'accord, revu.".into();
    let updated = wp.update_post(made.id, made.rev, &v).await.unwrap();
    assert!(!updated.already_there);
    assert_eq!(updated.post.rev, made.rev + 1);
    assert_eq!(updated.post.version.text.body, v.text.body);

    // Made from the old rev, with another text: refused, nothing changed.
    let mut other = v.clone();
    other.text.body = "Une autre version.".into();
    let err = expect_err(
        wp.update_post(made.id, made.rev, &other).await,
        "backend_stale",
    );
    match &err {
        Error::BackendStale {
            current, record, ..
        } => {
            assert_eq!(current, &updated.post.rev.to_string());
            assert!(record.contains(&v.post_uid), "{record}");
        }
        e => panic!("{e}"),
    }
    let there = wp.get_post(made.id).await.unwrap().unwrap();
    assert_eq!(there.version.text.body, v.text.body);
    assert_eq!(there.rev, updated.post.rev);
}

async fn the_feed_pages_through_changes_and_tombstones(site: &Site) {
    let wp = editor(site);
    let (_, start) = wp.all_changes(0).await.unwrap();
    let a = wp.create_post(&version("A")).await.unwrap().post;
    let b = wp.create_post(&version("B")).await.unwrap().post;
    let vc = version("C");
    let c = wp.create_post(&vc).await.unwrap().post;
    wp.trash_post(b.id, Some(b.rev)).await.unwrap();
    wp.trash_post(b.id, None).await.unwrap(); // already in the trash: done
    wp.delete_post(c.id, Some(c.rev)).await.unwrap();
    wp.delete_post(c.id, None).await.unwrap(); // already gone: done
    let err = expect_err(wp.update_post(c.id, c.rev, &vc).await, "backend_gone");
    assert!(err.to_string().contains(&vc.post_uid), "{err}");

    // Two by two, each page after the last.
    let mut after = start;
    let mut seen = Vec::new();
    loop {
        let page = wp.changes(after, 2).await.unwrap();
        assert!(page.changes.len() <= 2);
        seen.extend(page.changes);
        after = page.last;
        if !page.more {
            break;
        }
    }
    let posts: Vec<u64> = seen
        .iter()
        .filter_map(|c| match c {
            Change::Post { id, status, .. } if status != "trash" => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(posts, [a.id, b.id, c.id]);
    let tombstones: Vec<(u64, String)> = seen
        .iter()
        .filter_map(|c| match c {
            Change::Tombstone { id, how, .. } => Some((*id, how.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        tombstones,
        [(b.id, "trash".to_string()), (c.id, "delete".to_string())]
    );
    assert!(wp.get_post(c.id).await.unwrap().is_none());
    // Read together, in the order asked; the deleted one left out.
    let many = wp.get_posts(&[b.id, c.id, a.id]).await.unwrap();
    assert_eq!(many.iter().map(|p| p.id).collect::<Vec<_>>(), [b.id, a.id]);
    assert_eq!(many[0].version.status, SiteStatus::Trash);
    assert_eq!(
        wp.get_post(b.id).await.unwrap().unwrap().version.status,
        SiteStatus::Trash
    );
    // Nothing new after the last cursor.
    assert!(wp.changes(after, 10).await.unwrap().changes.is_empty());
}

// --- records and audit ------------------------------------------------------

async fn records_are_written_from_the_rev_read(site: &Site) {
    // A kind of its own: the desks' syncs in this file read people and chains.
    let wp = editor(site);
    let id = format!("note-{}", std::process::id());
    assert!(wp.record("desk_note", &id).await.unwrap().is_none());
    let body = json!({"text": "première"});
    let made = wp.put_record("desk_note", &id, 0, &body).await.unwrap();
    assert_eq!(made.rev, 1);
    let err = expect_err(
        wp.put_record("desk_note", &id, 0, &json!({"text": "autre"}))
            .await,
        "backend_stale",
    );
    assert!(err.to_string().contains("version 1"), "{err}");
    let newer = json!({"text": "seconde", "keys": ["k"]});
    assert_eq!(
        wp.put_record("desk_note", &id, 1, &newer)
            .await
            .unwrap()
            .rev,
        2
    );
    let read = wp.record("desk_note", &id).await.unwrap().unwrap();
    assert_eq!((read.rev, read.body), (2, newer));
    assert!(wp
        .records("desk_note")
        .await
        .unwrap()
        .iter()
        .any(|r| r.id == id));
}

async fn a_validator_may_not_change_the_chain_and_is_told_why(site: &Site) {
    let wp = client_as(&site.url, site, "validator1", Timeouts::default());
    let err = expect_err(
        wp.put_record("chain", "current", 0, &json!({"steps": []}))
            .await,
        "backend_not_allowed",
    );
    assert!(
        err.to_string().contains("Only people who may publish"),
        "{err}"
    );
    assert!(editor(site)
        .record("chain", "current")
        .await
        .unwrap()
        .is_none());
}

async fn audit_entries_are_appended_once(site: &Site) {
    let d = desk();
    let ed = d.lib.people().signer("ed").unwrap();
    d.lib
        .signoff()
        .submit(&ed, &d.post, None, "à relire")
        .unwrap();
    let entries: Vec<AuditRecord> = d
        .lib
        .audit()
        .log(None)
        .unwrap()
        .into_iter()
        .map(|entry| AuditRecord {
            entry,
            signed_text: Some("le texte signé".into()),
        })
        .collect();
    assert!(entries.len() >= 2, "the chain and the submit are signed");
    let wp = editor(site);
    let before = wp.audit(0, 1000).await.unwrap().last;
    let first = wp.add_audit(&entries).await.unwrap();
    assert_eq!(first.new.len(), entries.len());
    let again = wp.add_audit(&entries).await.unwrap();
    assert!(again.new.is_empty());
    assert_eq!(again.known.len(), entries.len());
    let page = wp.audit(before, 1000).await.unwrap();
    let back: Vec<_> = page
        .entries
        .into_iter()
        .map(|e| (e.entry, e.signed_text))
        .collect();
    let sent: Vec<_> = entries
        .iter()
        .map(|a| (a.entry.clone(), a.signed_text.clone()))
        .collect();
    assert_eq!(back, sent, "read back as sent, signed text included");

    // One entry whose hash does not match its fields: the batch is refused.
    let mut forged = entries[0].clone();
    forged.entry.id = "forged".into();
    let err = wp.add_audit(&[forged]).await.unwrap_err();
    assert_eq!(err.code(), "backend_refused", "{err}");
    assert!(err.to_string().contains("valise_bad_audit"), "{err}");
}

async fn publishing_is_refused_by_the_sites_preflight(site: &Site) {
    let wp = editor(site);
    let v = version("Pas encore signé");
    let made = wp.create_post(&v).await.unwrap().post;
    let preflight = wp.preflight(&v.post_uid).await.unwrap();
    assert!(!preflight.ready);
    assert!(!preflight.failed.is_empty());
    let err = expect_err(
        wp.set_status(made.id, made.rev, SiteStatus::Published { at_ms: None })
            .await,
        "publish_refused",
    );
    let Error::PublishRefused { reasons, post, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        preflight
            .failed
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>()
    );
    assert!(post.contains(&made.id.to_string()), "{post}");
    // Also when the update carries the text: judged, refused, nothing changed.
    let mut publish = v.clone();
    publish.status = SiteStatus::Scheduled {
        at_ms: 1_900_000_000_000,
    };
    publish.text.body = "Changé.".into();
    expect_err(
        wp.update_post_with_status(made.id, made.rev, &publish)
            .await,
        "publish_refused",
    );
    let there = wp.get_post(made.id).await.unwrap().unwrap();
    assert_eq!(there.version.status, SiteStatus::Draft);
    assert_eq!(there.rev, made.rev);
    assert_eq!(there.version.text.body, v.text.body);
}

async fn a_library_version_reaches_the_site_rendered_and_comes_back(site: &Site) {
    let d = desk();
    let source = SiteVersion::from_library(&d.lib, &d.post, None).unwrap();
    let english = SiteVersion::from_library(&d.lib, &d.post, Some("en")).unwrap();
    assert_eq!(source.units, []);
    // The title and the first paragraph are translated, the second is not.
    let states: Vec<BlockState> = english.units.iter().map(|u| u.state).collect();
    assert_eq!(
        states,
        [
            BlockState::Current,
            BlockState::Current,
            BlockState::Missing
        ],
        "{:?}",
        english.units
    );
    assert_eq!(english.unit_texts.len(), 2, "{:?}", english.unit_texts);
    assert_eq!(source.block_ids.len(), 2);
    assert_eq!(english.post_uid, source.post_uid);
    assert_ne!(english.version_uid, source.version_uid);

    let wp = editor(site);
    let fr = wp.create_post(&source).await.unwrap().post;
    let en = wp.create_post(&english).await.unwrap().post;
    assert_eq!(fr.version, source);
    assert_eq!(en.version, english);
    let group = wp.find_group(&source.post_uid).await.unwrap();
    assert_eq!(group.len(), 2);

    // The published HTML is the core's render, with French typography.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/wp-json/wp/v2/posts/{}?context=edit",
            site.url, fr.id
        ))
        .basic_auth("editor", Some(&site.user("editor").password))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(
        raw["content"]["raw"].as_str().unwrap(),
        valise_core::render::document(&source.text.body, "fr")
    );
    assert!(
        raw["content"]["raw"].as_str().unwrap().contains('\u{202f}'),
        "French no-break spaces"
    );
    assert_eq!(raw["tags"].as_array().map(Vec::len), Some(1));
}

// --- errors in plain words ---------------------------------------------------

async fn a_wrong_password_is_said_plainly_and_changes_nothing(site: &Site) {
    let d = desk();
    let before = d.lib.changes().latest().unwrap();
    let v = SiteVersion::from_library(&d.lib, &d.post, None).unwrap();
    let wp = WordPress::new(
        "desk",
        &site.url,
        "editor",
        Secret::new(b"wrong wrong wrong wrong".to_vec()),
        Timeouts::default(),
    )
    .unwrap();
    let err = expect_err(wp.create_post(&v).await, "backend_credentials");
    assert!(!err.to_string().contains("wrong wrong"), "{err}");
    expect_err(wp.changes(0, 10).await, "backend_credentials");
    assert!(editor(site)
        .find_version(&v.version_uid)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(d.lib.changes().latest().unwrap(), before);
}

async fn an_unreachable_server_is_said_plainly(_site: &Site) {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let wp = WordPress::new(
        "desk",
        &format!("http://127.0.0.1:{port}"),
        "editor",
        Secret::new(b"x".to_vec()),
        Timeouts::default(),
    )
    .unwrap();
    let err = expect_err(wp.changes(0, 10).await, "backend_unreachable");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    let err = expect_err(wp.create_post(&version("x")).await, "backend_unreachable");
    assert!(err.to_string().contains("outbox"), "{err}");
}

async fn a_site_without_the_plugin_is_said_plainly(_site: &Site) {
    let plain = Site::start(false);
    let wp = client_as(&plain.url, &plain, "editor", Timeouts::default());
    let err = expect_err(wp.changes(0, 10).await, "not_a_valise_site");
    assert!(err.to_string().contains(&plain.url), "{err}");
    expect_err(wp.record("chain", "current").await, "not_a_valise_site");
}

// --- faults through the proxy -------------------------------------------------

async fn faults_dropped_502_and_garbage_are_said_plainly_and_make_nothing(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    let v = version("Par le proxy");
    proxy.script(&[Fault::Drop, Fault::BadGateway, Fault::Garbage]);
    expect_err(wp.create_post(&v).await, "backend_unreachable");
    let err = expect_err(wp.create_post(&v).await, "backend_server_error");
    assert!(err.to_string().contains("502"), "{err}");
    let err = expect_err(wp.create_post(&v).await, "backend_garbage");
    assert!(err.to_string().contains("/wp-json/wp/v2/posts"), "{err}");
    assert!(err.to_string().contains("Maintenance"), "{err}");
    assert!(editor(site)
        .find_version(&v.version_uid)
        .await
        .unwrap()
        .is_empty());
    // The proxy passes the next request on: it works.
    assert!(!wp.create_post(&v).await.unwrap().existing);
    assert_eq!(proxy.seen().len(), 4);
}

async fn a_stalled_answer_times_out(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(1),
    };
    let wp = client_as(&proxy.url, site, "editor", timeouts);
    proxy.script(&[Fault::Stall(Duration::from_secs(5))]);
    let err = expect_err(wp.changes(0, 10).await, "backend_unreachable");
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

async fn a_create_whose_answer_is_cut_is_retried_into_one_post(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    for cut in [0, 300] {
        let v = version("Coupé");
        proxy.script(&[Fault::CutAfterActing(cut)]);
        let err = wp.create_post(&v).await.unwrap_err();
        assert!(
            matches!(err.code(), "backend_unreachable" | "backend_garbage"),
            "{err}"
        );
        // The site acted: the post is there.
        assert_eq!(
            editor(site)
                .find_version(&v.version_uid)
                .await
                .unwrap()
                .len(),
            1
        );
        let retried = wp.create_post(&v).await.unwrap();
        assert!(
            retried.existing,
            "the retry finds the post the cut request made"
        );
        assert_eq!(
            editor(site)
                .find_version(&v.version_uid)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

async fn an_update_whose_answer_is_cut_is_recognised_on_retry(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    let mut v = version("Mise à jour coupée");
    let made = wp.create_post(&v).await.unwrap().post;
    v.text.body = "Le nouveau texte.".into();
    proxy.script(&[Fault::CutAfterActing(0)]);
    expect_err(
        wp.update_post(made.id, made.rev, &v).await,
        "backend_unreachable",
    );
    // The retry, from the old rev, is stale on the site, but the site holds
    // this very text: the update is taken as done.
    let retried = wp.update_post(made.id, made.rev, &v).await.unwrap();
    assert!(retried.already_there);
    assert_eq!(retried.post.rev, made.rev + 1);
    assert_eq!(retried.post.version.text.body, v.text.body);
    // A different text from the same old rev is still refused.
    let mut other = v.clone();
    other.text.body = "Encore autre chose.".into();
    expect_err(
        wp.update_post(made.id, made.rev, &other).await,
        "backend_stale",
    );
}

// --- the sync engine through the site ------------------------------------------

async fn two_desks_converge_through_the_site_with_people_chain_and_signoffs(site: &Site) {
    let a = desk();
    let ed = a.lib.people().signer("ed").unwrap();
    a.lib
        .signoff()
        .submit(&ed, &a.post, None, "à relire")
        .unwrap();
    add_site(&a, site, &site.url, "editor").await;
    let first = registry::sync_with(&a.lib, Some("site")).await.unwrap();
    assert_eq!(first[0].created_there, 2 + 2 + 1, "{first:?}"); // versions, people, chain
    assert!(first[0].audit_sent >= 2, "{first:?}");
    settle(&a).await;

    // Another desktop, as a validator, receives everything.
    let b = empty_desk();
    add_site(&b, site, &site.url, "validator1").await;
    let got = registry::sync_with(&b.lib, None).await.unwrap();
    // Only entries of other tests' desks, whose signers never reached the
    // site, wait; nothing of this desk's.
    let a_chain = a.lib.audit().log(None).unwrap()[0].chain.clone();
    assert!(got[0].held.iter().all(|h| !h.contains(&a_chain)), "{got:?}");
    for lang in ["fr", "en"] {
        let here = a.lib.posts().get(&a.post, Some(lang)).unwrap();
        let there = b.lib.posts().get(&a.post, Some(lang)).unwrap();
        assert_eq!(here.text, there.text, "{lang}");
    }
    let names = |d: &Desk| {
        d.lib
            .people()
            .list()
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.name, p.keys.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(
        a.lib.workflow().chain().unwrap(),
        b.lib.workflow().chain().unwrap()
    );
    let ids = |d: &Desk| {
        d.lib
            .audit()
            .log(None)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert!(b.lib.audit().verify().unwrap().intact);
    let english = b.lib.translations().status(&a.post).unwrap();
    let en = english.languages.iter().find(|l| l.lang == "en").unwrap();
    assert!(!en.blocks.is_empty());
    settle(&b).await;
}

async fn a_sync_through_faults_makes_nothing_twice_and_resumes(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let d = empty_desk();
    let mut posts = Vec::new();
    for i in 0..3 {
        posts.push(
            d.lib
                .posts()
                .create(NewPost {
                    title: format!("Dépêche {i}"),
                    body: format!("Paragraphe {i}.\n\nSuite {i}."),
                    ..Default::default()
                })
                .unwrap()
                .id,
        );
    }
    add_site(&d, site, &proxy.url, "editor").await;
    // Every kind of fault, on creates and pulls alike, several times.
    proxy.script(&[
        Fault::Pass,
        Fault::CutAfterActing(0),
        Fault::Pass,
        Fault::BadGateway,
        Fault::Pass,
        Fault::Pass,
        Fault::Drop,
        Fault::Pass,
        Fault::Pass,
        Fault::CutAfterActing(200),
        Fault::Garbage,
    ]);
    let mut failures = 0;
    loop {
        match registry::sync_with(&d.lib, None).await {
            Ok(_) => break,
            Err(e) => {
                failures += 1;
                assert!(
                    matches!(
                        e.code(),
                        "backend_unreachable" | "backend_server_error" | "backend_garbage"
                    ),
                    "{e}"
                );
                assert!(failures < 20, "the sync never got through: {e}");
            }
        }
    }
    assert!(failures > 0, "the faults were met");
    let wp = editor(site);
    for id in &posts {
        let there = wp.find_group(id).await.unwrap();
        assert_eq!(there.len(), 1, "one post on the site for {id}");
        let here = d.lib.posts().get(id, None).unwrap();
        assert_eq!(there[0].version.text.body, here.text.body);
    }
    settle(&d).await;
    let status = valise_core::sync::status(&d.lib).unwrap();
    assert_eq!(status.backends[0].waiting, 0);
}
