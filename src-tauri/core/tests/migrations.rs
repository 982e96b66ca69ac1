//! Libraries written by every released schema open in this Valise with the same
//! schema as a fresh library and their data intact. The fixtures live in
//! `tests/fixtures/library-vN.sqlite3`, each written by the Valise that had
//! schema N (see tests/fixtures/README.md).

use std::path::PathBuf;

use rusqlite::Connection;
use valise_core::{ChangeAction, Library, RecordKind};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .collect();
    found.sort();
    assert!(
        !found.is_empty(),
        "no fixture libraries in {}",
        dir.display()
    );
    found
}

/// Tables, indexes and triggers with their SQL, sorted.
fn schema(path: &std::path::Path) -> Vec<(String, String, Option<String>)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
             ORDER BY type, name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows
}

/// (title, body) of every language version, and the number of revisions.
fn content(path: &std::path::Path) -> (Vec<(String, String, String)>, i64, i64) {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT lang, title, body FROM language_versions ORDER BY id")
        .unwrap();
    let versions = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let revisions = conn
        .query_row("SELECT count(*) FROM revisions", [], |r| r.get(0))
        .unwrap();
    let deleted = conn
        .query_row(
            "SELECT count(*) FROM posts WHERE deleted_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (versions, revisions, deleted)
}

fn status_source(lib: &Library, id: &str) -> String {
    lib.translations().status(id).unwrap().source_lang
}

#[test]
fn every_released_library_upgrades_to_the_fresh_schema_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.sqlite3");
    drop(Library::open(&fresh).unwrap());
    let expected = schema(&fresh);
    for fixture in fixtures() {
        let path = dir.path().join(fixture.file_name().unwrap());
        std::fs::copy(&fixture, &path).unwrap();
        let before = content(&path);
        assert!(!before.0.is_empty(), "{} holds posts", fixture.display());
        let lib = Library::open(&path).unwrap();
        assert_eq!(
            schema(&path),
            expected,
            "{} upgraded differs from a fresh library",
            fixture.display()
        );
        assert_eq!(content(&path), before, "{} lost data", fixture.display());

        // Every record got a global id the faces accept, and the feed names
        // every post from the start (the deleted ones as deleted).
        let posts = lib.posts().list(&Default::default()).unwrap();
        assert_eq!(posts.len() as i64, before.0.len() as i64 - before.2);
        for p in &posts {
            assert_eq!(p.id.len(), 36);
            let post = lib.posts().get(&p.id, Some(&p.lang)).unwrap();
            let history = lib.revisions().history(&p.id, Some(&p.lang)).unwrap();
            assert_eq!(history.last().unwrap().number, post.revision);
            assert!(history
                .iter()
                .all(|r| r.words > 0 || post.text.body.is_empty()));
        }
        // The feed names every post (the deleted ones as deleted), from the
        // migration's first change set or from the writes that made them.
        let feed = lib.changes().since(0, 1000).unwrap();
        let named: std::collections::HashSet<&str> = feed
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c.kind == RecordKind::Post)
            .map(|c| c.post.as_str())
            .collect();
        let conn = Connection::open(&path).unwrap();
        let all: std::collections::HashSet<String> = conn
            .prepare("SELECT uid FROM posts")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            named,
            all.iter().map(String::as_str).collect(),
            "{}",
            fixture.display()
        );
        let deleted: std::collections::HashSet<&str> = feed
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c.kind == RecordKind::Post && c.action == ChangeAction::Deleted)
            .map(|c| c.post.as_str())
            .collect();
        assert_eq!(deleted.len() as i64, before.2);
        // Every source version has its blocks: the translation view of each
        // post lists its body blocks as the source's.
        for p in &posts {
            let status = lib.translations().status(&p.id).unwrap();
            let source = lib.posts().get(&p.id, None).unwrap();
            assert_eq!(status.source_lang, source.lang);
            let blocks: i64 = conn
                .query_row(
                    "SELECT count(*) FROM source_blocks b JOIN language_versions v ON v.id = b.version_id \
                     JOIN posts q ON q.id = v.post_id WHERE q.uid = ?1",
                    [&p.id],
                    |r| r.get(0),
                )
                .unwrap();
            let body = lib.posts().get(&p.id, None).unwrap().text.body;
            assert_eq!(
                blocks as usize,
                valise_core::translation::blocks::split(&body).len(),
                "{}: {}",
                fixture.display(),
                p.id
            );
        }
        // Translations made before keep their state block by block (the
        // schema-3 library has an English translation with one block outdated).
        let outdated: u32 = posts
            .iter()
            .filter(|p| p.lang == status_source(&lib, &p.id))
            .flat_map(|p| lib.translations().status(&p.id).unwrap().languages)
            .map(|l| match l.completeness {
                valise_core::Completeness::Outdated { outdated, .. } => outdated,
                _ => 0,
            })
            .sum();
        let has_translations = conn
            .query_row("SELECT count(*) FROM translation_units", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_or(0)
            > 0;
        if has_translations {
            assert_eq!(outdated, 1, "{}", fixture.display());
        }
        // The audit trail made before still verifies, and the sign-off chain
        // is the default until someone sets one.
        let report = lib.audit().verify().unwrap();
        assert!(report.first_problem().is_none(), "{}", fixture.display());
        let chain_set: i64 = conn
            .query_row("SELECT count(*) FROM workflow_chain", [], |r| r.get(0))
            .unwrap();
        if chain_set == 0 {
            assert_eq!(
                lib.workflow().chain().unwrap(),
                valise_core::workflow::rules::Chain::default()
            );
        }
        // The upgraded library takes new writes like a fresh one.
        let saved = lib
            .posts()
            .create(valise_core::NewPost {
                title: "Après la mise à niveau".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(saved.revision, 1);
        drop(lib);
        // And the fixture file itself was not touched.
        assert_ne!(
            std::fs::read(&fixture).unwrap(),
            std::fs::read(&path).unwrap()
        );
    }
}

/// The row count of each table, by name (every table the file has).
fn counts(path: &std::path::Path) -> std::collections::BTreeMap<String, i64> {
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'search_index%'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// The fixtures of schemas 7 to 10 hold people, audit entries, sync state,
/// and (from 9) assets and (from 10) a backend's login: every row is kept,
/// the trail verifies, and the board read from the stored hashes agrees
/// with the text.
#[test]
fn libraries_from_schema_7_on_keep_people_audit_sync_assets_and_logins() {
    let dir = tempfile::tempdir().unwrap();
    for version in 7..=10 {
        let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../tests/fixtures/library-v{version}.sqlite3"));
        let path = dir.path().join(format!("v{version}.sqlite3"));
        std::fs::copy(&fixture, &path).unwrap();
        let before = counts(&path);
        for table in [
            "people",
            "person_keys",
            "audit_entries",
            "sync_backends",
            "sync_base",
        ] {
            assert!(before[table] > 0, "v{version} holds {table}");
        }
        if version >= 9 {
            for table in ["assets", "asset_files", "asset_texts", "asset_uses"] {
                assert!(before[table] > 0, "v{version} holds {table}");
            }
        }
        let lib = Library::open(&path).unwrap();
        let after = counts(&path);
        for (table, n) in &before {
            let kept = after.get(table).copied().unwrap_or(-1);
            // Only the migration's own change set may add to the feed.
            assert!(
                kept == *n
                    || (["change_sets", "changes", "record_counters"].contains(&table.as_str())
                        && kept >= *n),
                "v{version}: {table} had {n} rows, now {kept}"
            );
        }
        let report = lib.audit().verify().unwrap();
        assert!(report.intact, "v{version}: {:?}", report.problems);
        assert_eq!(report.entries as i64, before["audit_entries"], "v{version}");

        let names: Vec<String> = lib
            .people()
            .list()
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["admin", "alice", "bob"], "v{version}");
        let conn = Connection::open(&path).unwrap();
        let login: Option<String> = conn
            .query_row(
                "SELECT login FROM sync_backends WHERE name = 'presse'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            login.as_deref(),
            (version >= 10).then_some("redaction"),
            "v{version}"
        );
        let status = valise_core::sync::status(&lib).unwrap();
        assert!(!status.backends.is_empty(), "v{version}: {status:?}");

        // Every post got its stored content hashes (schema 11), and the board
        // read from them agrees with the text.
        let hashed: i64 = conn
            .query_row(
                "SELECT count(DISTINCT post_id) FROM content_hashes",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hashed, before["posts"], "v{version}");
        let board = lib.signoff().board().unwrap();
        let meeting = board
            .iter()
            .find(|b| b.title == "Réunion des ambassadeurs")
            .expect("the post in sign-off is on the board");
        // Its approval was voided by the edits after it: the board read from
        // the stored hashes says what the text itself says.
        let status = lib.signoff().status(&meeting.post_id, None).unwrap();
        assert_eq!(meeting.state, status.signoff.state, "v{version}");
        assert_eq!(
            meeting.current_step.as_deref(),
            Some("proofreading"),
            "v{version}"
        );
        if version >= 9 {
            assert_eq!(lib.assets().list().unwrap().len(), 1, "v{version}");
        }
    }
}
