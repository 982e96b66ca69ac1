//! `valise ready`, `publish [--at]`, `unschedule`, `unpublish` and `board
//! --person/--lang`, run as scripts would run them.

mod common;

use common::{stderr, Lib};

/// A library with alice, carol and ed enrolled here (`Lib::add_people`), a two-step chain set by ed, and a
/// French post whose other languages are not planned; returns its id.
fn setup(lib: &Lib) -> String {
    lib.add_people(&["alice", "carol", "ed"]);
    let file = lib.dir.path().join("chain.yaml");
    std::fs::write(
        &file,
        "steps:\n  - {name: proofreading, signers: [alice]}\n  - {name: head, signers: [carol]}\n",
    )
    .unwrap();
    lib.ok(&[
        "--as",
        "ed",
        "workflow",
        "set",
        "--file",
        file.to_str().unwrap(),
    ]);
    let id = lib
        .ok(&["post", "new", "--title", "Le sommet"])
        .trim()
        .to_string();
    for lang in ["en", "es", "ar"] {
        lib.ok(&[
            "translation",
            "not-planned",
            &id,
            "--lang",
            lang,
            "--reason",
            "non",
            "--by",
            "ed",
        ]);
    }
    id
}

fn entries(lib: &Lib) -> usize {
    lib.json(&["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .len()
}

fn column(lib: &Lib, id: &str) -> String {
    let board = lib.json(&["board", "--json"]);
    let item = board
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["post_id"] == id)
        .unwrap()
        .clone();
    item["column"]["column"].as_str().unwrap().to_string()
}

#[test]
fn ready_and_publish_exit_1_listing_every_failed_check_and_record_nothing() {
    let lib = Lib::new();
    let id = setup(&lib);
    let before = entries(&lib);
    for args in [
        vec!["--as", "ed", "ready", id.as_str()],
        vec!["--as", "ed", "publish", id.as_str()],
        vec![
            "--as",
            "ed",
            "publish",
            id.as_str(),
            "--at",
            "2099-01-01T09:00:00Z",
        ],
    ] {
        let out = lib.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        let codes: Vec<&str> = text
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["not_submitted", "step_not_approved", "step_not_approved"],
            "{text}"
        );
        assert!(stderr(&out).contains("3 check(s) failed; nothing was recorded"));
    }
    assert_eq!(entries(&lib), before);
    assert_eq!(column(&lib, &id), "draft");
}

#[test]
fn ready_schedule_unschedule_and_publish_move_the_post_across_the_board() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    lib.ok(&[
        "--as",
        "alice",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
    ]);
    lib.ok(&["--as", "carol", "signoff", "approve", &id, "--step", "head"]);
    assert_eq!(column(&lib, &id), "approved");

    let out = lib.ok(&["--as", "ed", "ready", &id]);
    assert!(
        out.contains("\tready\t") && out.contains("ready to publish"),
        "{out}"
    );
    assert_eq!(column(&lib, &id), "ready");
    let again = lib.run(&["--as", "ed", "ready", &id]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already marked ready"));

    let out = lib.ok(&["--as", "ed", "publish", &id, "--at", "2099-01-01T09:00:00Z"]);
    assert!(
        out.contains("scheduled for 2099-01-01T09:00:00.000Z"),
        "{out}"
    );
    assert_eq!(column(&lib, &id), "scheduled");
    let past = lib.run(&["--as", "ed", "publish", &id, "--at", "2001-01-01"]);
    assert_eq!(past.status.code(), Some(1));
    assert!(stderr(&past).contains("not in the future"));
    let bad = lib.run(&["--as", "ed", "publish", &id, "--at", "demain"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("'demain' is not a date"));

    lib.ok(&["--as", "ed", "unschedule", &id]);
    assert_eq!(column(&lib, &id), "ready");
    let out = lib.ok(&["--as", "ed", "publish", &id]);
    // No site yet: it says how to get one.
    assert!(
        out.contains("published at the next sync, once a site is set up"),
        "{out}"
    );
    assert_eq!(column(&lib, &id), "scheduled");
    lib.ok(&["--as", "ed", "unpublish", &id]);
    assert_eq!(column(&lib, &id), "approved");
    let log = lib.ok(&["audit", "log", &id]);
    for kind in ["ready", "schedule", "unschedule", "publish", "unpublish"] {
        assert!(log.contains(kind), "{kind} missing from {log}");
    }
    lib.ok(&["audit", "verify"]);
}

#[test]
fn the_board_filters_by_person_and_language() {
    let lib = Lib::new();
    let id = setup(&lib);
    let other = lib
        .ok(&["post", "new", "--title", "Autre"])
        .trim()
        .to_string();
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    let alice = lib.ok(&["board", "--person", "alice"]);
    assert_eq!(
        alice.trim(),
        format!("{id}\tLe sommet\tfr\tin sign-off at step 1 (proofreading)\t-\twaits on them")
    );
    assert!(lib.ok(&["board", "--person", "carol"]).trim().is_empty());
    let ed = lib.json(&["board", "--person", "ed", "--json"]);
    assert_eq!(ed.as_array().unwrap().len(), 1);
    assert_eq!(ed[0]["involvement"]["submitted"], true);
    let fr = lib.ok(&["board", "--lang", "fr"]);
    assert!(fr.contains(&id) && fr.contains(&other));
    assert!(lib.ok(&["board", "--lang", "en"]).trim().is_empty());
    let nobody = lib.run(&["board", "--person", "zoe"]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(stderr(&nobody).contains("no person 'zoe'"));
}
