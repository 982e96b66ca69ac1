//! The sign-off figures of `figures`: the canonical content hash of a
//! 5,000-word post in 4 languages, and the sign-off state of every post of a
//! 10,000-post board (3-step chain, a few acts each), all in memory.

use std::hint::black_box;

use valise_core::workflow::rules::{
    content_hash, evaluate, scope_hashes, Act, ActKind, Chain, ContentHash, OverallState,
    VersionContent,
};

use super::{ms, words, Rng, Sample};

fn version(rng: &mut Rng, lang: &str, body_words: usize) -> VersionContent {
    VersionContent {
        lang: lang.into(),
        title: words(rng, 8).trim().to_string(),
        summary: words(rng, 40),
        body: words(rng, body_words),
        share_text: words(rng, 30),
        tags: vec!["climat".into(), "sommet".into(), "diplomatie".into()],
        place_line: "Genève, 12 mars 2026".into(),
        assets: Vec::new(),
    }
}

fn chain() -> Chain {
    let people: Vec<String> = ["alice", "bob", "carol", "dave", "erin"]
        .map(String::from)
        .to_vec();
    Chain::from_yaml(
        "steps:
  - {name: proofreading, signers: [alice, bob]}
  - {name: head of unit, signers: [carol]}
  - {name: press office, signers: [dave, erin], required: all}
delegations:
  - {signer: carol, delegate: bob}
",
        &people,
        &["fr".into(), "en".into(), "es".into(), "ar".into()],
    )
    .expect("the bench's chain is valid")
}

/// One post of the board: its acts and the current hash of each step's scope.
/// Posts are spread over every state: drafts, waiting at each step, changes
/// requested, approved, and approvals voided by a later change.
fn board_post(rng: &mut Rng, i: usize) -> (Vec<Act>, Vec<ContentHash>) {
    let hash = |n: usize| ContentHash::parse(&format!("v1:{n:064x}")).expect("a well-formed hash");
    let now = hash(i);
    let old = hash(i + 1_000_000);
    let current = vec![now; 3];
    let t = 1_773_273_600_000 + i as i64 * 60_000;
    let mut acts = Vec::new();
    let mut push = |kind, step: Option<&str>, by: &str, hash: &ContentHash| {
        acts.push(Act {
            seq: acts.len() as i64 + 1,
            kind,
            step: step.map(String::from),
            by: by.into(),
            on_behalf_of: None,
            at: t + acts.len() as i64 * 1000,
            due: Some(t + 86_400_000),
            comment: String::new(),
            content_hash: *hash,
        })
    };
    let progress = rng.below(7);
    if progress == 0 {
        return (acts, current);
    }
    push(ActKind::Submit, None, "ed", &now);
    let signed = if rng.below(5) == 0 { &old } else { &now };
    if progress >= 2 {
        push(ActKind::Approve, Some("proofreading"), "alice", signed);
    }
    if progress >= 3 {
        push(ActKind::Approve, Some("head of unit"), "carol", signed);
    }
    if progress == 4 {
        push(ActKind::RequestChanges, Some("press office"), "dave", &now);
    }
    if progress >= 5 {
        push(ActKind::Approve, Some("press office"), "dave", signed);
        push(ActKind::Comment, None, "erin", signed);
    }
    if progress >= 6 {
        push(ActKind::Approve, Some("press office"), "erin", signed);
    }
    (acts, current)
}

pub fn signoff() {
    println!("## signoff: content hash, board of 10,000 posts");
    let mut rng = Rng(0x0516_00ff);
    let versions: Vec<VersionContent> = ["fr", "en", "es", "ar"]
        .iter()
        .map(|l| version(&mut rng, l, 5_000))
        .collect();
    let bytes: usize = versions
        .iter()
        .map(|v| v.title.len() + v.summary.len() + v.body.len() + v.share_text.len())
        .sum();
    let s = Sample::take(200, || {
        black_box(content_hash(black_box(&versions)));
    });
    println!(
        "content hash, 4 × 5,000 words ({} kB): median {}, p99 {} (200 runs)",
        bytes / 1000,
        ms(s.median()),
        ms(s.pct(0.99))
    );
    let chain = chain();
    let s = Sample::take(200, || {
        black_box(scope_hashes(&chain, black_box(&versions)));
    });
    println!(
        "scope hashes of the 3-step chain, same post: median {}, p99 {} (200 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );

    let board: Vec<(Vec<Act>, Vec<ContentHash>)> =
        (0..10_000).map(|i| board_post(&mut rng, i)).collect();
    let acts: usize = board.iter().map(|p| p.0.len()).sum();
    let now = 1_773_273_600_000 + 5_000 * 60_000;
    let mut approved = 0;
    let s = Sample::take(30, || {
        let states: Vec<_> = board
            .iter()
            .map(|(acts, current)| evaluate(&chain, acts, current, now).expect("one hash per step"))
            .collect();
        approved = states
            .iter()
            .filter(|s| s.state == OverallState::Approved)
            .count();
        black_box(states);
    });
    println!(
        "evaluate 10,000 posts, every result kept ({acts} acts, {approved} approved): median {}, p99 {} (30 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    // The board's columns only: each result is read and dropped at once, so the
    // 10,000 results never sit in memory together.
    let s = Sample::take(30, || {
        approved = board
            .iter()
            .filter(|(acts, current)| {
                evaluate(&chain, acts, current, now)
                    .expect("one hash per step")
                    .state
                    == OverallState::Approved
            })
            .count();
        black_box(approved);
    });
    println!(
        "evaluate 10,000 posts, counting states only: median {}, p99 {} (30 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
}

/// A stored library of 10,000 posts (200-word bodies, French only) with a
/// 2-step chain, three in four submitted, half approved at proofreading and a
/// quarter at both steps, every act made through `library.signoff()`; made
/// once into target/bench.
fn stored_board(dir: &std::path::Path) -> valise_core::Library {
    use valise_core::{Desktop, Library};
    let path = dir.join("signoff-board-10k.sqlite3");
    let desktop = Desktop::in_dir(&dir.join("signoff-desktop"));
    let done = dir.join("signoff-board-10k.done");
    if path.exists() && done.exists() {
        return Library::open(&path).unwrap().with_desktop(desktop);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_dir_all(dir.join("signoff-desktop"));
    std::fs::copy(super::generated_library(dir, 10_000, 200), &path).unwrap();
    let t = std::time::Instant::now();
    let lib = Library::open(&path).unwrap().with_desktop(desktop);
    super::add_enrolled(&lib, &["alice", "bob", "carol", "ed"]);
    let signer = |n: &str| lib.people().signer(n).unwrap();
    let (alice, carol, ed) = (signer("alice"), signer("carol"), signer("ed"));
    lib.workflow()
        .set_chain(
            &ed,
            "steps:\n  - {name: proofreading, signers: [alice, bob]}\n  - {name: head, signers: [carol]}\n",
        )
        .unwrap();
    let ids: Vec<String> = lib
        .signoff()
        .board()
        .unwrap()
        .into_iter()
        .map(|b| b.post_id.clone())
        .collect();
    for (i, id) in ids.iter().enumerate() {
        if i % 4 == 0 {
            continue;
        }
        lib.signoff().submit(&ed, id, None, "").unwrap();
        if i % 4 >= 2 {
            lib.signoff()
                .approve(&alice, id, "proofreading", "", None, None)
                .unwrap();
        }
        if i % 4 == 3 {
            lib.signoff()
                .approve(&carol, id, "head", "", None, None)
                .unwrap();
        }
    }
    std::fs::write(&done, b"").unwrap();
    println!(
        "(made the 10,000-post board's acts in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    lib
}

/// `library.signoff().board()` over the stored 10,000 posts. Cold: a library
/// just opened, so every post's versions and acts are read, hashed and
/// evaluated. Warm: the library has read its board before, so it asks the
/// change feed what changed and re-evaluates only that (nothing, or the one
/// post an edit just changed).
pub fn stored(dir: &std::path::Path) {
    println!("## signoff: board() of 10,000 stored posts");
    let lib = stored_board(dir);
    let desktop = lib.desktop().clone();
    let path = lib.path().to_path_buf();
    let mut approved = 0;
    // Each run's library and board are dropped after the timing: the figure
    // is the window's wait from opening to a board, not the teardown.
    let mut opened = Vec::new();
    let s = Sample::take(10, || {
        let fresh = valise_core::Library::open(&path)
            .unwrap()
            .with_desktop(desktop.clone());
        let board = fresh.signoff().board().unwrap();
        approved = board
            .iter()
            .filter(|b| b.state == OverallState::Approved)
            .count();
        opened.push((fresh, board));
    });
    drop(opened);
    println!(
        "cold board() of 10,000 stored posts, library just opened ({approved} approved): median {}, p99 {} (10 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    // The same library with its stored content hashes taken away: the cold
    // board then reads and hashes every post's text, as it did before they
    // were stored (migration 0012). Same run, same machine load.
    let bare = path.with_file_name("signoff-board-10k-unhashed.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", bare.display()));
    }
    let mut opened = Vec::new();
    // A copy with what the WAL holds too.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("VACUUM INTO ?1", [bare.display().to_string()])
        .unwrap();
    rusqlite::Connection::open(&bare)
        .unwrap()
        .execute_batch("DELETE FROM content_hashes")
        .unwrap();
    let s = Sample::take(10, || {
        let fresh = valise_core::Library::open(&bare)
            .unwrap()
            .with_desktop(desktop.clone());
        let board = fresh.signoff().board().unwrap();
        opened.push((fresh, board));
    });
    drop(opened);
    println!(
        "cold board() of the same posts without stored hashes (every text read and hashed): median {}, p99 {} (10 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    lib.signoff().board().unwrap();
    let s = Sample::take(30, || {
        black_box(lib.signoff().board().unwrap());
    });
    println!(
        "warm board(), nothing changed since: median {}, p99 {} (30 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    // One post's text changes between reads (the edit itself is not timed).
    let id = lib.signoff().board().unwrap()[1].post_id.clone();
    let mut times = Vec::new();
    for round in 0..30 {
        let post = lib.posts().get(&id, None).unwrap();
        lib.posts()
            .save(valise_core::SaveRequest {
                id: id.clone(),
                lang: post.lang.clone(),
                text: valise_core::PostText {
                    summary: format!("résumé {round}"),
                    ..post.text
                },
                kind: valise_core::RevisionKind::Autosave,
                revision_name: None,
                base: None,
                minor: false,
            })
            .unwrap();
        let t = std::time::Instant::now();
        black_box(lib.signoff().board().unwrap());
        times.push(t.elapsed());
    }
    times.sort();
    let s = Sample(times);
    println!(
        "warm board() after one post's text changed: median {}, p99 {} (30 runs)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
}
