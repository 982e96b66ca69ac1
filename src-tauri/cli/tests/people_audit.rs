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
fn the_founder_gets_an_id_and_a_later_person_an_invitation_code() {
    let lib = Lib::new();
    let out = lib.run(&[
        "person",
        "add",
        "bob",
        "--email",
        "bob@example.org",
        "--backend-user",
        "bob_wp",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(id.lines().count(), 1, "the founder needs no code: {id}");
    assert_eq!(id.trim().len(), 36);
    assert!(stderr(&out).contains("founded"), "{}", stderr(&out));
    let out = lib.run(&["person", "add", "alice", "--email", "alice@example.org"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[1].len(), 23, "four groups of five: {text}");
    let code = lines[1].to_string();
    assert!(
        stderr(&out).contains("whoami --set alice --code"),
        "{}",
        stderr(&out)
    );
    let text = lib.ok(&["person", "list"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("\talice\talice@example.org\t-\tinvited, no key yet"),
        "{text}"
    );
    assert!(lines[1].starts_with(id.trim()), "{text}");
    assert!(lines[1].contains("bob_wp\t1 key(s)"), "{text}");
    let json = lib.json(&["person", "list", "--json"]);
    assert_eq!(json[1]["name"], "bob");
    assert_eq!(json[1]["keys"][0]["public_key"].as_str().unwrap().len(), 64);
    // The code is not in the library file, only its salted hash.
    let file = std::fs::read(&lib.path).unwrap();
    let bare = code.replace('-', "");
    assert!(!file.windows(bare.len()).any(|w| w == bare.as_bytes()));
    assert!(!file.windows(code.len()).any(|w| w == code.as_bytes()));
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
fn whoami_on_a_new_desktop_needs_an_invitation_code_then_remembers_the_choice() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "carol", "--email", "carol@example.org"]);
    let code = lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let code = code.lines().nth(1).unwrap().to_string();
    // The founder is chosen on the desktop that founded the library.
    assert!(lib.ok(&["whoami"]).starts_with("carol\t"));
    let none = lib.on("laptop", &["whoami"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("valise whoami --set NAME"),
        "{}",
        stderr(&none)
    );
    let before = counts(&lib);
    let refused = lib.on("laptop", &["whoami", "--set", "alice"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("whoami --set alice --code CODE"),
        "{}",
        stderr(&refused)
    );
    let wrong = lib.on(
        "laptop",
        &[
            "whoami",
            "--set",
            "alice",
            "--code",
            "00000-00000-00000-00000",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("does not enrol alice"),
        "{}",
        stderr(&wrong)
    );
    assert_eq!(counts(&lib), before);
    let out = lib.on("laptop", &["whoami", "--set", "alice", "--code", &code]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("enrolled on this desktop"),
        "{}",
        stderr(&out)
    );
    let set = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(set.starts_with("alice\talice@example.org\t"), "{set}");
    let me = lib.ok_on("laptop", &["whoami"]);
    assert!(me.starts_with("alice\t"), "{me}");
    assert!(
        me.lines()
            .nth(1)
            .unwrap()
            .starts_with("secrets\tfiles (mode 0600) in "),
        "{me}"
    );
    // Kept outside the library, in that desktop's config.
    let config = std::fs::read_to_string(lib.dir.path().join("laptop/config/whoami.json")).unwrap();
    assert!(config.contains(
        lib.json(&["person", "list", "--json"])[0]["id"]
            .as_str()
            .unwrap()
    ));
    // A code works once.
    let again = lib.on("phone", &["whoami", "--set", "alice", "--code", &code]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already used"),
        "{}",
        stderr(&again)
    );
    assert!(lib.ok(&["audit", "verify"]).starts_with("intact"));
}

#[test]
fn person_invite_gives_a_fresh_code_that_replaces_the_old_one() {
    let lib = Lib::new();
    lib.ok(&["person", "add", "carol", "--email", "carol@example.org"]);
    let first = lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let first = first.lines().nth(1).unwrap().to_string();
    let fresh = lib.ok(&["person", "invite", "alice"]);
    let fresh = fresh.trim().to_string();
    assert_eq!(fresh.len(), 23);
    assert_ne!(fresh, first);
    let old = lib.on("laptop", &["whoami", "--set", "alice", "--code", &first]);
    assert_eq!(old.status.code(), Some(1));
    assert!(stderr(&old).contains("replaced"), "{}", stderr(&old));
    lib.ok_on("laptop", &["whoami", "--set", "alice", "--code", &fresh]);
    // Only an enrolled person may invite: nobody is chosen on "phone".
    let stranger = lib.on("phone", &["person", "invite", "alice"]);
    assert_eq!(stranger.status.code(), Some(1));
    let log = lib.json(&["audit", "log", "--json"]);
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["founder", "invitation", "invitation", "enrolment"]);
}

#[test]
fn as_overrides_whoami_for_one_run() {
    let lib = Lib::new();
    lib.add_people(&["alice", "bob"]);
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
    let other = lib.on(
        "other",
        &["--as", "alice", "audit", "comment", &id, "--text", "lu"],
    );
    assert_eq!(other.status.code(), Some(1));
    let err = stderr(&other);
    assert!(
        err.contains("alice has no enrolled signing key on this desktop"),
        "{err}"
    );
    assert!(err.contains("valise person invite alice"), "{err}");
    assert_eq!(counts(&lib), before);
}

#[test]
fn comments_are_signed_logged_and_verified() {
    let lib = Lib::new();
    let id = post(&lib);
    let other = post(&lib);
    lib.ok(&["person", "add", "alice", "--email", "alice@example.org"]);
    let code = lib.ok(&["person", "add", "bob", "--email", "bob@example.org"]);
    let code = code.lines().nth(1).unwrap().to_string();
    lib.ok(&["person", "enrol", "bob", "--code", &code]);
    let first = lib.ok(&["audit", "comment", &id, "--text", "Titre à revoir"]);
    assert!(first.starts_with("4\t"), "{first}");
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
    assert_eq!(all.as_array().unwrap().len(), 6);
    assert_eq!(all[5]["prev_hash"], all[4]["entry_hash"]);
    let ok = lib.ok(&["audit", "verify"]);
    assert!(ok.starts_with("intact: 6 entries"), "{ok}");
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
