//! Writes the upgrade fixtures `tests/fixtures/library-v7..v10.sqlite3`
//! (see tests/fixtures/README.md for what each holds and why it is made this
//! way). Run by hand, never by the test suite:
//!
//! ```sh
//! VALISE_WRITE_FIXTURES=1 cargo test -p valise-core --lib fixture_gen -- --ignored
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;

use super::{open_with, MIGRATIONS};
use crate::assets::AddFile;
use crate::clock::ManualClock;
use crate::sync::tests::memory::Memory;
use crate::sync::tests::{block_on, T0};
use crate::workflow::Desktop;
use crate::{Library, NewPost, Origin, PostText, RevisionKind, SaveRequest};

/// A library with every kind of row the schemas up to 10 hold, written by this
/// code: the demo posts and a deleted one, people (a founder, two invited and
/// enrolled), a chain, sign-off acts and a comment (audit entries), a sync with a
/// backend (its cursor and base; one edit made after it), a
/// WordPress backend with its login, and an asset a post shows.
fn write_source(dir: &Path) -> PathBuf {
    let path = dir.join("source.sqlite3");
    let clock = ManualClock::starting_at(T0);
    let lib = Library::open_with(&path, Origin::Cli, Arc::new(clock.clone()))
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.join("desk")));
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../demo");
    lib.transfer().import(&[demo]).unwrap();
    let gone = lib
        .posts()
        .create(NewPost {
            title: "Brouillon abandonné".into(),
            ..Default::default()
        })
        .unwrap();
    lib.posts().delete(&gone.id).unwrap();

    let people = lib.people();
    people
        .add(None, "admin", "admin@example.org", None)
        .unwrap();
    for (name, user) in [("alice", Some("alice.wp")), ("bob", None)] {
        let added = people
            .add(Some("admin"), name, &format!("{name}@example.org"), user)
            .unwrap();
        people.enrol(name, added.code.unwrap().as_str()).unwrap();
    }
    let signer = |n: &str| lib.people().signer(n).unwrap();
    lib.workflow()
        .set_chain(
            &signer("admin"),
            "steps:\n  - {name: proofreading, signers: [alice, bob]}\n  - {name: head, signers: [admin]}\n",
        )
        .unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Réunion des ambassadeurs".into(),
            body: "La réunion s'ouvre lundi.\n\nElle se clôt jeudi.".into(),
            tags: vec!["diplomatie".into(), "réunion".into()],
            ..Default::default()
        })
        .unwrap()
        .id;
    lib.signoff()
        .submit(&signer("admin"), &post, None, "à relire")
        .unwrap();
    lib.signoff()
        .approve(&signer("alice"), &post, "proofreading", "relu", None, None)
        .unwrap();
    lib.audit()
        .comment(&signer("bob"), &post, "Je regarde demain.")
        .unwrap();

    let svg = dir.join("carte.svg");
    std::fs::write(
        &svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="teal"/></svg>"#,
    )
    .unwrap();
    let asset = lib
        .assets()
        .add(&AddFile {
            path: svg.display().to_string(),
            alt: Some("Carte des ambassades".into()),
            ..AddFile::default()
        })
        .unwrap()
        .asset_id;
    let current = lib.posts().get(&post, None).unwrap();
    lib.posts()
        .save(SaveRequest {
            id: post.clone(),
            lang: current.lang.clone(),
            text: PostText {
                body: format!("{}\n\n![](asset:{})\n", current.text.body, &asset[..8]),
                ..current.text
            },
            kind: RevisionKind::Edit,
            revision_name: Some("relu".into()),
            base: None,
            minor: false,
        })
        .unwrap();

    crate::sync::add_backend(&lib, "site", "memory", "memory://fixture").unwrap();
    let site = Memory::new();
    clock.advance(1000);
    block_on(crate::sync::sync(&lib, "site", &site)).unwrap();
    // One change made after the sync, not yet sent.
    let current = lib.posts().get(&gone.id, None).ok();
    assert!(current.is_none());
    let later = lib.posts().get(&post, None).unwrap();
    lib.posts()
        .save(SaveRequest {
            id: post.clone(),
            lang: later.lang.clone(),
            text: PostText {
                summary: "Les ambassadeurs se réunissent.".into(),
                ..later.text
            },
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    lib.write(Origin::Cli, |tx| {
        crate::sync::state::add_backend(tx, "presse", "wordpress", "https://presse.example.org")?;
        crate::sync::state::set_login(tx, "presse", "redaction")
    })
    .unwrap();
    drop(lib);
    path
}

/// The names of the columns `table` has in `c`'s schema `db`.
fn columns(c: &Connection, db: &str, table: &str) -> Vec<String> {
    c.prepare(&format!("PRAGMA {db}.table_info({table})"))
        .unwrap()
        .query_map([], |r| r.get::<_, String>(1))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A library at schema `version` made by this tree's migrations 1..version
/// (never edited once released, so the same SQL the Valise of that schema
/// ran), holding every row of `source` its tables can hold.
fn write_fixture(source: &Path, version: usize, out: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", out.display()));
    }
    drop(open_with(out, &MIGRATIONS[..version]).unwrap());
    let c = Connection::open(out).unwrap();
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    c.execute(
        "ATTACH DATABASE ?1 AS source",
        [source.display().to_string()],
    )
    .unwrap();
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    c.execute_batch("BEGIN").unwrap();
    for table in tables {
        let here = columns(&c, "main", &table);
        let there = columns(&c, "source", &table);
        let shared: Vec<&String> = here.iter().filter(|col| there.contains(col)).collect();
        let list = shared
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ");
        // What the migrations themselves wrote (the trust epoch) gives way
        // to the source's rows.
        c.execute(&format!("DELETE FROM main.\"{table}\""), []).ok();
        c.execute(
            &format!("INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM source.\"{table}\""),
            [],
        )
        .unwrap_or_else(|e| panic!("copying {table}: {e}"));
    }
    c.execute_batch("COMMIT; DETACH DATABASE source; VACUUM;")
        .unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, version as i64);
    c.execute_batch("PRAGMA journal_mode = DELETE").unwrap();
}

#[test]
#[ignore = "writes the upgrade fixtures; run by hand (see the module comment)"]
fn fixture_gen() {
    if std::env::var_os("VALISE_WRITE_FIXTURES").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = write_source(dir.path());
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for version in 7..=10 {
        write_fixture(
            &source,
            version,
            &fixtures.join(format!("library-v{version}.sqlite3")),
        );
    }
}
