//! The one write path: change sets, the feed, saves made from an older
//! revision (merged or kept as a conflict), and readers beside the writer.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use valise_core::clock::ManualClock;
use valise_core::{
    ChangeAction, ChangeSet, Error, Library, NewPost, Origin, PostText, RecordKind, Resolution,
    RevisionKind, SaveRequest, SaveResult,
};

fn open(dir: &tempfile::TempDir, origin: Origin) -> Library {
    Library::open_as(dir.path().join("library.sqlite3"), origin).unwrap()
}

fn create(lib: &Library, title: &str, body: &str) -> valise_core::Post {
    lib.posts()
        .create(NewPost {
            title: title.into(),
            body: body.into(),
            ..NewPost::default()
        })
        .unwrap()
}

fn save_from(
    lib: &Library,
    id: &str,
    base: Option<i64>,
    text: PostText,
) -> valise_core::SaveOutcome {
    lib.posts()
        .save(SaveRequest {
            id: id.into(),
            lang: "fr".into(),
            text,
            kind: RevisionKind::Edit,
            revision_name: None,
            base,
            minor: false,
        })
        .unwrap()
}

fn with_body(post: &valise_core::Post, body: &str) -> PostText {
    PostText {
        body: body.into(),
        ..post.text.clone()
    }
}

fn kinds(set: &ChangeSet) -> Vec<(RecordKind, ChangeAction)> {
    set.changes.iter().map(|c| (c.kind, c.action)).collect()
}

const BASE: &str = "Premier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe.\n";

#[test]
fn each_write_names_the_records_it_changed_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, Origin::Window);
    let start = lib.changes().latest().unwrap();
    let post = create(&lib, "Titre", "texte");
    save_from(&lib, &post.id, None, with_body(&post, "texte revu"));
    lib.posts().delete(&post.id).unwrap();

    let sets = lib.changes().since(start, 100).unwrap();
    assert_eq!(sets.len(), 3);
    assert!(sets.iter().all(|s| s.origin == Origin::Window));
    assert_eq!(
        kinds(&sets[0]),
        [
            (RecordKind::Post, ChangeAction::Created),
            (RecordKind::LanguageVersion, ChangeAction::Created),
            (RecordKind::Revision, ChangeAction::Created),
        ]
    );
    assert_eq!(
        kinds(&sets[1]),
        [
            (RecordKind::LanguageVersion, ChangeAction::Updated),
            (RecordKind::Revision, ChangeAction::Created),
        ]
    );
    assert_eq!(kinds(&sets[2]), [(RecordKind::Post, ChangeAction::Deleted)]);
    assert!(sets
        .iter()
        .flat_map(|s| &s.changes)
        .all(|c| c.post == post.id));
    // The language version changed twice: its counter says so.
    let version = &sets[1].changes[0];
    assert_eq!(version.counter, 2);
    assert_eq!(version.lang.as_deref(), Some("fr"));
    // An unchanged save writes nothing and adds no change set.
    let again = lib.changes().latest().unwrap();
    assert_eq!(again, sets[2].cursor);
}

#[test]
fn the_feed_after_a_cursor_lists_exactly_what_came_later() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, Origin::Cli);
    let a = create(&lib, "A", "a");
    let cursor = lib.changes().latest().unwrap();
    let b = create(&lib, "B", "b");
    save_from(&lib, &a.id, None, with_body(&a, "a2"));
    let sets = lib.changes().since(cursor, 100).unwrap();
    let posts: Vec<&str> = sets.iter().map(|s| s.changes[0].post.as_str()).collect();
    assert_eq!(posts, [b.id.as_str(), a.id.as_str()]);
    assert!(sets.windows(2).all(|w| w[0].cursor < w[1].cursor));
    assert!(lib.changes().since(sets[1].cursor, 100).unwrap().is_empty());
}

#[test]
fn a_stale_save_with_disjoint_changes_merges_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, Origin::Cli);
    let post = create(&lib, "Titre", BASE);
    let theirs = BASE.replace("Premier paragraphe.", "Premier paragraphe, corrigé.");
    save_from(&lib, &post.id, None, with_body(&post, &theirs));
    let mine = BASE.replace("Troisième paragraphe.", "Troisième paragraphe, complété.");
    let outcome = save_from(&lib, &post.id, Some(post.revision), with_body(&post, &mine));
    assert_eq!(outcome.result, SaveResult::Merged);
    assert!(outcome
        .post
        .text
        .body
        .contains("Premier paragraphe, corrigé."));
    assert!(outcome
        .post
        .text
        .body
        .contains("Troisième paragraphe, complété."));
    assert!(outcome.post.conflict.is_none());
    let history = lib.revisions().history(&post.id, None).unwrap();
    assert_eq!(history.last().unwrap().kind, RevisionKind::Merge);
}

#[test]
fn overlapping_changes_from_the_command_line_are_kept_aside_never_applied() {
    let dir = tempfile::tempdir().unwrap();
    let window = open(&dir, Origin::Window);
    let cli = open(&dir, Origin::Cli);
    let post = create(&window, "Titre", BASE);
    let in_window = BASE.replace(
        "Deuxième paragraphe.",
        "Deuxième paragraphe, version fenêtre.",
    );
    save_from(&window, &post.id, None, with_body(&post, &in_window));
    let from_cli = BASE.replace(
        "Deuxième paragraphe.",
        "Deuxième paragraphe, version script.",
    );
    let outcome = save_from(
        &cli,
        &post.id,
        Some(post.revision),
        with_body(&post, &from_cli),
    );
    assert_eq!(outcome.result, SaveResult::Conflict);
    assert_eq!(outcome.post.text.body, in_window, "the current text stays");
    let conflict = outcome.post.conflict.expect("the post shows its conflict");
    assert_eq!(
        conflict.other.body, from_cli,
        "the other text is kept whole"
    );
    assert_eq!(conflict.current.body, in_window);
    assert_eq!(conflict.origin, Origin::Cli);
    assert_eq!(conflict.base_revision, post.revision);
    let listed = window.posts().list(&Default::default()).unwrap();
    assert!(listed[0].in_conflict);

    // Taking the other text makes it current, as a new revision; the conflict ends.
    let resolved = window
        .conflicts()
        .resolve(&conflict.id, Resolution::TakeOther)
        .unwrap();
    assert_eq!(resolved.text.body, from_cli);
    assert!(resolved.conflict.is_none());
    assert!(!window.posts().list(&Default::default()).unwrap()[0].in_conflict);
    assert!(matches!(
        window
            .conflicts()
            .resolve(&conflict.id, Resolution::KeepCurrent),
        Err(Error::ConflictNotFound { .. })
    ));
}

#[test]
fn overlapping_changes_typed_in_the_window_stay_current_and_keep_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let window = open(&dir, Origin::Window);
    let cli = open(&dir, Origin::Cli);
    let post = create(&window, "Titre", BASE);
    let from_cli = BASE.replace(
        "Deuxième paragraphe.",
        "Deuxième paragraphe, version script.",
    );
    save_from(&cli, &post.id, None, with_body(&post, &from_cli));
    let typed = BASE.replace(
        "Deuxième paragraphe.",
        "Deuxième paragraphe, version fenêtre.",
    );
    let outcome = save_from(
        &window,
        &post.id,
        Some(post.revision),
        with_body(&post, &typed),
    );
    assert_eq!(outcome.result, SaveResult::Conflict);
    assert_eq!(outcome.post.text.body, typed);
    let conflict = outcome.post.conflict.unwrap();
    assert_eq!(conflict.other.body, from_cli);
    assert_eq!(
        conflict.origin,
        Origin::Cli,
        "the kept text came from the CLI"
    );
    let kept = window
        .conflicts()
        .resolve(&conflict.id, Resolution::KeepCurrent)
        .unwrap();
    assert_eq!(kept.text.body, typed);
    assert!(kept.conflict.is_none());
}

#[test]
fn a_base_folded_into_a_later_autosave_is_never_merged_against_blindly() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::starting_at(1_800_000_000_000);
    let path = dir.path().join("library.sqlite3");
    let a = Library::open_with(&path, Origin::Window, Arc::new(clock.clone())).unwrap();
    let post = create(&a, "Titre", BASE);
    let auto = |body: &str, base: i64| {
        a.posts()
            .save(SaveRequest {
                id: post.id.clone(),
                lang: "fr".into(),
                text: with_body(&post, body),
                kind: RevisionKind::Autosave,
                revision_name: None,
                base: Some(base),
                minor: false,
            })
            .unwrap()
    };
    let first = auto("v1\n", post.revision);
    clock.advance(1_000);
    let second = auto("v2\n", first.post.revision);
    assert_eq!(
        second.post.revision,
        first.post.revision + 1,
        "folded under a new number"
    );
    // Someone who loaded `first` now saves from it: its text is gone.
    let stale = auto("from v1, elsewhere\n", first.post.revision);
    assert_eq!(stale.result, SaveResult::Conflict);
}

#[test]
fn autosaves_fold_within_ten_minutes_and_not_after() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::starting_at(1_800_000_000_000);
    let lib = Library::open_with(
        dir.path().join("l.sqlite3"),
        Origin::Window,
        Arc::new(clock.clone()),
    )
    .unwrap();
    let post = create(&lib, "Titre", "a");
    let autosave = |body: &str| {
        let current = lib.posts().get(&post.id, None).unwrap();
        lib.posts()
            .save(SaveRequest {
                id: post.id.clone(),
                lang: "fr".into(),
                text: with_body(&current, body),
                kind: RevisionKind::Autosave,
                revision_name: None,
                base: Some(current.revision),
                minor: false,
            })
            .unwrap()
    };
    autosave("ab");
    clock.advance(9 * 60 * 1000);
    autosave("abc");
    assert_eq!(lib.revisions().history(&post.id, None).unwrap().len(), 2);
    clock.advance(10 * 60 * 1000 + 1);
    autosave("abcd");
    let history = lib.revisions().history(&post.id, None).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(
        history[2].created_at,
        valise_core::clock::to_text(1_800_000_000_000 + 19 * 60 * 1000 + 1)
    );
}

#[test]
fn ids_are_accepted_whole_or_by_an_unambiguous_prefix_of_eight() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, Origin::Cli);
    let a = create(&lib, "A", "");
    let b = create(&lib, "B", "");
    assert_eq!(lib.posts().get(&a.id[..8], None).unwrap().id, a.id);
    assert_eq!(
        lib.posts().get(&a.id.to_uppercase(), None).unwrap().id,
        a.id
    );
    assert!(matches!(
        lib.posts().get(&a.id[..7], None),
        Err(Error::PostNotFound { .. })
    ));
    // Make the two share their first 12 characters: a 10-character prefix is ambiguous.
    let conn = rusqlite::Connection::open(lib.path()).unwrap();
    let shared = format!("{}{}", &a.id[..13], &b.id[13..]);
    conn.execute("UPDATE posts SET uid = ?1 WHERE uid = ?2", [&shared, &b.id])
        .unwrap();
    let err = lib.posts().get(&a.id[..10], None).unwrap_err();
    assert!(matches!(err, Error::AmbiguousId { .. }), "{err}");
    assert!(
        err.to_string().contains(&a.id) && err.to_string().contains(&shared),
        "{err}"
    );
}

#[test]
fn corrupt_revision_kinds_and_tags_are_errors_not_guesses() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&dir, Origin::Cli);
    let post = create(&lib, "Titre", "a");
    let conn = rusqlite::Connection::open(lib.path()).unwrap();
    conn.execute("UPDATE revisions SET kind = 'teleported'", [])
        .unwrap();
    let err = lib.revisions().history(&post.id, None).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("teleported"), "{err}");
    conn.execute("UPDATE revisions SET kind = 'edit', tags = 'not json'", [])
        .unwrap();
    let err = lib.revisions().get(&post.id, None, 1).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(lib.revisions().restore(&post.id, None, 1).is_err());
}

#[test]
fn a_search_does_not_wait_for_a_write_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Arc::new(open(&dir, Origin::Cli));
    create(&lib, "Négociation", "texte");
    let (entered, writing) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let writer = {
        let lib = lib.clone();
        std::thread::spawn(move || {
            lib.write(Origin::Cli, |_tx| {
                entered.send(()).unwrap();
                released.recv().unwrap();
                Ok(())
            })
            .unwrap();
        })
    };
    writing.recv().unwrap();
    // The writer holds its transaction (and the writer lock) until released.
    let hits = lib.search().run("negociation", 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(lib.posts().list(&Default::default()).unwrap().len(), 1);
    release.send(()).unwrap();
    writer.join().unwrap();
}

#[test]
fn changes_from_another_process_reach_listeners_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, Origin::Window);
    let heard: Arc<Mutex<Vec<ChangeSet>>> = Arc::default();
    {
        let heard = heard.clone();
        app.subscribe(move |set| heard.lock().unwrap().push(set.clone()));
    }
    app.watch_other_writers(Duration::from_millis(20)).unwrap();
    let mine = create(&app, "Fenêtre", "x");
    let cli = open(&dir, Origin::Cli);
    let theirs = create(&cli, "Script", "y");
    let deadline = Instant::now() + Duration::from_secs(5);
    while heard.lock().unwrap().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    let heard = heard.lock().unwrap();
    let origins: Vec<(Origin, &str)> = heard
        .iter()
        .map(|s| (s.origin, s.changes[0].post.as_str()))
        .collect();
    assert_eq!(
        origins,
        [
            (Origin::Window, mine.id.as_str()),
            (Origin::Cli, theirs.id.as_str())
        ]
    );
}
