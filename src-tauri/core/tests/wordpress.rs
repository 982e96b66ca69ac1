//! The WordPress adapter against a real WordPress with the Valise plugin
//! (`tests/wordpress/start`), directly and through a fault proxy of our own.
//! One site for the whole binary, stopped at the end even when a test panics:
//! this file has its own `main` (harness = false), runs each test in turn and
//! prints libtest's closing line. Skipped, saying why, when php is missing.

mod wordpress_cases;
mod wordpress_support;
#[macro_use]
#[path = "wordpress_support/runner.rs"]
mod runner;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use valise_core::backends::registry;
use valise_core::backends::wordpress::{Change, SiteStatus, SiteVersion, Timeouts, WordPress};
use valise_core::clock::ManualClock;
use valise_core::secrets::Secret;
use valise_core::sync::record::AuditRecord;
use valise_core::{BlockState, Desktop, Error, Library, NewPost, Origin, PostText};
use wordpress_cases::{client::*, errors::*, media::*, sync::*};
use wordpress_support::proxy::{Fault, FaultProxy};
use wordpress_support::Site;

fn main() {
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
        media_go_up_once_per_language_and_the_html_points_at_them,
        an_upload_whose_answer_is_cut_is_stored_once,
        a_sync_whose_upload_answer_is_cut_uploads_once,
        a_damaged_stored_file_stops_its_post_and_publishes_nothing,
    ];
    runner::run_on_one_site("wordpress tests", &all);
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
        figures: None,
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
    // ed founds the library on this desktop and invites alice (her key would
    // be made on her own desktop; these tests only need her as a signer).
    for name in ["ed", "alice"] {
        lib.people()
            .add(None, name, &format!("{name}@example.org"), Some("editor"))
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
