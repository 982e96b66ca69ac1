//! `valise whoami`, `person …` and `audit …`, run as scripts would run them,
//! with this desktop's secrets and choices kept in the test's folder.

mod common;

use common::{stderr, Lib};

fn post(lib: &Lib) -> String {
    lib.ok(&["post", "new", "--title", "Le sommet"])
        .trim()
        .to_string()
}

/// (entries, change sets) in the library: what a refusal must leave alone.
fn counts(lib: &Lib) -> (usize, usize) {
    let log = lib.json(&["audit", "log", "--json"]);
    let feed = lib.json(&["changes", "--json"]);
    (
        log.as_array().unwrap().len(),
        feed["change_sets"].as_array().unwrap().len(),
    )
}

#[test]
fn person_add_prints_an_id_and_person_list_shows_everyone() {
    let lib = Lib::new();
    let id = lib.ok(&[
        "person",
        "add",
        "bob",
        "--email",
        "bob@example.org",
        "--backend-user",
        "bob_wp",
    ]);
    assert_eq!(id.trim().len(), 36);
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let text = lib.ok(&["person", "list"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("\talice\talice@example.org\t-\t1 key(s)"),
        "{text}"
    );
    assert!(lines[1].starts_with(id.trim()), "{text}");
    assert!(lines[1].contains("bob_wp"));
    let json = lib.json(&["person", "list", "--json"]);
    assert_eq!(json[1]["name"], "bob");
    assert_eq!(json[1]["keys"][0]["public_key"].as_str().unwrap().len(), 64);
}

#[test]
fn a_duplicate_name_or_a_bad_address_is_refused_and_changes_nothing() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let before = counts(&lib);
    let dup = lib.run(&["person", "add", "alice", "--email", "a2@example.org"]);
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        stderr(&dup).contains("already a person named 'alice'"),
        "{}",
        stderr(&dup)
    );
    let bad = lib.run(&["person", "add", "carol", "--email", "carol.example.org"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("not an e-mail address"),
        "{}",
        stderr(&bad)
    );
    let spaced = lib.run(&["person", "add", "jean marc", "--email", "jm@example.org"]);
    assert_eq!(spaced.status.code(), Some(1));
    assert_eq!(counts(&lib), before);
    assert_eq!(
        lib.json(&["person", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn whoami_says_how_to_choose_then_remembers_the_choice() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let none = lib.run(&["whoami"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("valise whoami --set NAME"),
        "{}",
        stderr(&none)
    );
    let set = lib.ok(&["whoami", "--set", "alice"]);
    assert!(set.starts_with("alice\talice@example.org\t"), "{set}");
    assert!(lib.ok(&["whoami"]).starts_with("alice\t"));
    // Kept outside the library, in this desktop's config.
    let config = std::fs::read_to_string(lib.dir.path().join("config/whoami.json")).unwrap();
    assert!(config.contains(
        lib.json(&["person", "list", "--json"])[0]["id"]
            .as_str()
            .unwrap()
    ));
}

#[test]
fn as_overrides_whoami_for_one_run() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    lib.ok(&["person", "add", "bob", "--email", "bob@example.org"]);
    lib.ok(&["whoami", "--set", "alice"]);
    assert!(lib.ok(&["--as", "bob", "whoami"]).starts_with("bob\t"));
    assert!(lib.ok(&["whoami"]).starts_with("alice\t"));
}

#[test]
fn as_an_unknown_person_or_one_without_a_key_here_is_refused_and_records_nothing() {
    let lib = Lib::new();
    let id = post(&lib);
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let before = counts(&lib);
    let unknown = lib.run(&["--as", "zoe", "audit", "comment", &id, "--text", "lu"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("no person 'zoe'"),
        "{}",
        stderr(&unknown)
    );
    // Alice's key lives on this desktop only: another desktop cannot act as her.
    let other = lib
        .cmd(&["--as", "alice", "audit", "comment", &id, "--text", "lu"])
        .env("VALISE_SECRETS_DIR", lib.dir.path().join("other-secrets"))
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1));
    assert!(
        stderr(&other).contains("alice has no signing key on this desktop"),
        "{}",
        stderr(&other)
    );
    assert_eq!(counts(&lib), before);
}

#[test]
fn choosing_yourself_on_a_new_desktop_makes_a_key_there_and_says_so() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let out = lib
        .cmd(&["whoami", "--set", "alice"])
        .env("VALISE_SECRETS_DIR", lib.dir.path().join("laptop-secrets"))
        .env("VALISE_CONFIG_DIR", lib.dir.path().join("laptop-config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("one was made"), "{}", stderr(&out));
    let alice = &lib.json(&["person", "list", "--json"])[0];
    assert_eq!(alice["keys"].as_array().unwrap().len(), 2);
    lib.ok(&["audit", "verify"]);
}

#[test]
fn comments_are_signed_logged_and_verified() {
    let lib = Lib::new();
    let id = post(&lib);
    let other = post(&lib);
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    lib.ok(&["person", "add", "bob", "--email", "bob@example.org"]);
    lib.ok(&["whoami", "--set", "alice"]);
    let first = lib.ok(&["audit", "comment", &id, "--text", "Titre à revoir"]);
    assert!(first.starts_with("3\t"), "{first}");
    lib.ok(&[
        "--as",
        "bob",
        "audit",
        "comment",
        &id[..8],
        "--text",
        "D'accord",
    ]);
    lib.ok(&["audit", "comment", &other, "--text", "Autre"]);
    let log = lib.ok(&["audit", "log", &id]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("\talice\tcomment\t"), "{log}");
    assert!(lines[1].contains("\tbob\tcomment\t"), "{log}");
    assert!(lines[1].contains(r#"{"comment":"D'accord"}"#));
    let all = lib.json(&["audit", "log", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 5);
    assert_eq!(all[4]["prev_hash"], all[3]["entry_hash"]);
    let ok = lib.ok(&["audit", "verify"]);
    assert!(ok.starts_with("intact: 5 entries"), "{ok}");
    let empty = lib.run(&["audit", "comment", &id, "--text", " "]);
    assert_eq!(empty.status.code(), Some(1));
    let gone = lib.run(&["audit", "comment", "ffffffff", "--text", "x"]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(stderr(&gone).contains("no post"), "{}", stderr(&gone));
}

#[test]
fn audit_verify_exits_1_naming_the_first_bad_entry() {
    let lib = Lib::new();
    let id = post(&lib);
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    for text in ["un", "deux", "trois"] {
        lib.ok(&["--as", "alice", "audit", "comment", &id, "--text", text]);
    }
    let c = rusqlite::Connection::open(&lib.path).unwrap();
    c.execute_batch(
        "DROP TRIGGER audit_entries_no_update;
         UPDATE audit_entries SET payload = '{\"comment\":\"DEUX\"}' WHERE seq = 3;",
    )
    .unwrap();
    let uid: String = c
        .query_row("SELECT uid FROM audit_entries WHERE seq = 3", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(c);
    let out = lib.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("entry 3 ({uid}, comment)")), "{err}");
    assert!(err.contains("changed after it was signed"), "{err}");
    let json = lib.cmd(&["audit", "verify", "--json"]).output().unwrap();
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["problems"][0]["kind"], "edited");
}
