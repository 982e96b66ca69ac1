//! `valise workflow …`, `signoff …`, `inbox`, `preflight` and `board`, run as
//! scripts would run them, with each person's key kept in the test's folder.

mod common;

use common::{stderr, Lib};

const CHAIN: &str = "steps:
  - name: proofreading
    signers: [alice, bob]
  - name: head
    signers: [carol]
delegations:
  - signer: carol
    delegate: dave
";

/// A library founded by admin on a desktop of their own, with alice, bob,
/// carol, dave and ed invited and enrolled on the test's desktop, the chain
/// above set by ed, and a post; returns the post's id.
fn setup(lib: &Lib) -> String {
    lib.add_people(&["alice", "bob", "carol", "dave", "ed"]);
    let file = lib.dir.path().join("chain.yaml");
    std::fs::write(&file, CHAIN).unwrap();
    lib.ok(&[
        "--as",
        "ed",
        "workflow",
        "set",
        "--file",
        file.to_str().unwrap(),
    ]);
    lib.with_stdin(
        &["post", "new", "--title", "Le sommet", "--body-file", "-"],
        "La délégation part lundi.",
    )
    .trim()
    .to_string()
}

/// (entries, change sets): what a refusal must leave alone.
fn counts(lib: &Lib) -> (usize, usize) {
    let log = lib.json(&["audit", "log", "--json"]);
    let feed = lib.json(&["changes", "--json"]);
    (
        log.as_array().unwrap().len(),
        feed["change_sets"].as_array().unwrap().len(),
    )
}

fn kinds(lib: &Lib, id: &str) -> Vec<String> {
    lib.json(&["audit", "log", id, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn workflow_show_prints_the_default_chain_then_the_one_set_and_a_bad_one_is_refused() {
    let lib = Lib::new();
    let shown = lib.ok(&["workflow", "show"]);
    assert!(shown.contains("name: proofreading") && shown.contains("name: press office"));
    setup(&lib);
    let json = lib.json(&["workflow", "show", "--json"]);
    assert_eq!(json["steps"][1]["signers"][0], "carol");
    assert_eq!(json["delegations"][0]["delegate"], "dave");
    assert!(kinds_all(&lib).contains(&"chain_changed".to_string()));

    let bad = lib.dir.path().join("bad.yaml");
    std::fs::write(&bad, "steps:\n  - name: head\n    signers: [zoe]\n").unwrap();
    let before = counts(&lib);
    let out = lib.run(&[
        "--as",
        "ed",
        "workflow",
        "set",
        "--file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("step head: zoe is not a person"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&lib), before);
    assert_eq!(lib.json(&["workflow", "show", "--json"]), json);
}

fn kinds_all(lib: &Lib) -> Vec<String> {
    lib.json(&["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn submit_approve_and_status_show_each_step_with_who_and_whether_it_is_valid() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&[
        "--as",
        "ed",
        "signoff",
        "submit",
        &id,
        "--due",
        "2030-01-15",
        "--comment",
        "à relire",
    ]);
    lib.ok(&[
        "--as",
        "alice",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
        "--comment",
        "ok",
    ]);
    let text = lib.ok(&["signoff", "status", &id]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("in sign-off at step 2 (head)"), "{text}");
    assert!(
        lines[1].contains("submitted\ted\t") && lines[1].contains("due 2030-01-15T23:59:59.999Z"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("proofreading\tapproved\t1/1\talice at "),
        "{text}"
    );
    assert!(
        lines[2].contains("\tv1:") && lines[2].ends_with("\tvalid"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("head\tready\t0/1\t-\t") && lines[3].ends_with("not valid"),
        "{text}"
    );

    lib.ok(&["--as", "carol", "signoff", "approve", &id, "--step", "head"]);
    let json = lib.json(&["signoff", "status", &id, "--json"]);
    assert_eq!(json["signoff"]["state"]["state"], "approved");
    assert_eq!(json["signoff"]["steps"][1]["approvals"][0]["by"], "carol");
    // A bare date is due by the end of that day (UTC).
    assert_eq!(json["signoff"]["submission"]["due"], 1_894_751_999_999_i64);
}

#[test]
fn a_due_date_in_rfc_3339_is_read_and_a_wrong_one_is_refused() {
    let lib = Lib::new();
    let id = setup(&lib);
    let before = counts(&lib);
    let out = lib.run(&["--as", "ed", "signoff", "submit", &id, "--due", "next week"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("'next week' is not a date"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&lib), before);
    lib.ok(&[
        "--as",
        "ed",
        "signoff",
        "submit",
        &id,
        "--due",
        "2030-01-15T12:00:00+01:00",
    ]);
    let json = lib.json(&["signoff", "status", &id, "--json"]);
    assert_eq!(json["signoff"]["submission"]["due"], 1_894_705_200_000_i64);
}

#[test]
fn a_person_not_allowed_on_a_step_is_refused_and_nothing_is_recorded() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    let before = counts(&lib);
    let out = lib.run(&[
        "--as",
        "carol",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("carol may not sign step 'proofreading'"),
        "{err}"
    );
    assert!(err.contains("Nothing was recorded"), "{err}");
    assert_eq!(counts(&lib), before);

    // A step that is not ready yet, and someone signing for a person who gave
    // them no delegation, are refused the same way.
    let early = lib.run(&["--as", "carol", "signoff", "approve", &id, "--step", "head"]);
    assert_eq!(early.status.code(), Some(1));
    let stranger = lib.run(&[
        "--as", "bob", "signoff", "approve", &id, "--step", "head", "--for", "carol",
    ]);
    assert_eq!(stranger.status.code(), Some(1));
    assert_eq!(counts(&lib), before);
}

#[test]
fn a_delegate_approves_for_the_signer_and_the_note_is_kept() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    lib.ok(&[
        "--as",
        "bob",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
    ]);
    lib.ok(&[
        "--as",
        "dave",
        "signoff",
        "approve",
        &id,
        "--step",
        "head",
        "--for",
        "carol",
        "--note",
        "Carol en mission",
    ]);
    let log = lib.json(&["audit", "log", &id, "--json"]);
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["author_name"], "dave");
    let payload: serde_json::Value =
        serde_json::from_str(last["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["on_behalf_of"], "carol");
    // The note is sealed to its readers: dave (its author) and the chain's
    // validators read it; ed (the editor, not a validator) does not, and
    // neither does a raw read of the library file.
    assert!(payload.get("private_note").is_none());
    assert!(!last["payload"].as_str().unwrap().contains("mission"));
    let status = lib.ok(&["signoff", "status", &id]);
    assert!(status.contains("dave for carol at "), "{status}");
    assert!(
        !status.contains("Carol en mission"),
        "nobody chosen: {status}"
    );
    for reader in ["dave", "carol", "alice"] {
        let status = lib.ok(&["--as", reader, "signoff", "status", &id]);
        assert!(
            status.contains("private note\tdave\tapprove\thead\tCarol en mission"),
            "{reader}: {status}"
        );
        let log = lib.ok(&["--as", reader, "audit", "log", &id]);
        assert!(
            log.contains("\tprivate note: Carol en mission"),
            "{reader}: {log}"
        );
    }
    assert!(!lib
        .ok(&["--as", "ed", "signoff", "status", &id])
        .contains("mission"));
    assert!(!lib
        .ok(&["--as", "ed", "audit", "log", &id])
        .contains("mission"));
    let dump = std::process::Command::new("sqlite3")
        .arg(&lib.path)
        .arg(".dump")
        .output();
    let raw = match dump {
        Ok(out) if out.status.success() => out.stdout,
        // No sqlite3 here: the file's own bytes (after a checkpoint by the CLI's close).
        _ => std::fs::read(&lib.path).unwrap(),
    };
    assert!(!raw.windows(7).any(|w| w == b"mission"));
}

#[test]
fn request_changes_needs_a_comment_and_withdraw_is_the_submitters() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    let missing = lib.run(&[
        "--as",
        "bob",
        "signoff",
        "request-changes",
        &id,
        "--step",
        "proofreading",
    ]);
    assert_eq!(missing.status.code(), Some(2), "clap asks for --comment");
    let blank = lib.run(&[
        "--as",
        "bob",
        "signoff",
        "request-changes",
        &id,
        "--step",
        "proofreading",
        "--comment",
        " ",
    ]);
    assert_eq!(blank.status.code(), Some(1));
    lib.ok(&[
        "--as",
        "bob",
        "signoff",
        "request-changes",
        &id,
        "--step",
        "proofreading",
        "--comment",
        "Le titre est trop long.",
    ]);
    let status = lib.ok(&["signoff", "status", &id]);
    assert!(
        status
            .lines()
            .next()
            .unwrap()
            .ends_with("changes requested at proofreading"),
        "{status}"
    );

    let before = counts(&lib);
    let out = lib.run(&["--as", "alice", "signoff", "withdraw", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(counts(&lib), before);
    lib.ok(&["--as", "ed", "signoff", "withdraw", &id]);
    assert!(lib
        .ok(&["signoff", "status", &id])
        .contains("withdrawn by ed"));
    assert_eq!(kinds(&lib, &id), ["submit", "request_changes", "withdraw"]);
}

#[test]
fn an_edit_after_approval_shows_the_step_voided_with_the_diff_and_the_void_entry_comes_at_the_next_act(
) {
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
    lib.with_stdin(
        &["post", "edit", &id, "--body-file", "-"],
        "La délégation part mardi.",
    );
    let status = lib.ok(&["signoff", "status", &id]);
    assert!(
        status.contains("proofreading\tvoided by change\t0/1"),
        "{status}"
    );
    assert!(
        status.contains("voided\tproofreading\talice signed v1:"),
        "{status}"
    );
    assert!(status.contains("[-lundi.-]{+mardi.+}"), "{status}");
    lib.ok(&[
        "--as",
        "alice",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
    ]);
    assert_eq!(kinds(&lib, &id), ["submit", "approve", "void", "approve"]);
    assert!(lib
        .ok(&["signoff", "status", &id])
        .contains("proofreading\tapproved\t1/1"));
    assert!(lib.ok(&["audit", "verify"]).starts_with("intact"));
}

#[test]
fn the_inbox_shows_what_waits_for_me_and_what_i_submitted() {
    let lib = Lib::new();
    let id = setup(&lib);
    lib.ok(&[
        "--as",
        "ed",
        "signoff",
        "submit",
        &id,
        "--due",
        "2001-01-01",
    ]);
    let alice = lib.ok(&["--as", "alice", "inbox"]);
    assert!(
        alice.starts_with(&format!("waiting\t{id}\tLe sommet\tproofreading\tfrom ed")),
        "{alice}"
    );
    assert!(alice.trim_end().ends_with("overdue"), "{alice}");
    assert_eq!(lib.ok(&["--as", "carol", "inbox"]), "");
    let ed = lib.json(&["--as", "ed", "inbox", "--json"]);
    assert_eq!(ed["waiting"].as_array().unwrap().len(), 0);
    assert_eq!(ed["submitted"][0]["post_id"], id.as_str());
    assert_eq!(ed["submitted"][0]["current_step"], "proofreading");
    // Nobody chosen and no --as: the inbox says how to choose.
    let out = lib.run(&["inbox"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("whoami --set"), "{}", stderr(&out));
}

#[test]
fn preflight_exits_1_listing_every_failed_check_then_0_when_ready() {
    let lib = Lib::new();
    let id = setup(&lib);
    let out = lib.run(&["preflight", &id]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let codes: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "not_submitted",
            "step_not_approved",
            "step_not_approved",
            "language_missing",
            "language_missing",
            "language_missing"
        ],
        "{text}"
    );
    assert!(stderr(&out).contains("6 check(s) failed"));
    let json = lib.run(&["preflight", &id, "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 6);

    for lang in ["en", "es", "ar"] {
        lib.ok(&[
            "translation",
            "not-planned",
            &id,
            "--lang",
            lang,
            "--reason",
            "pas pour ce public",
            "--by",
            "ed",
        ]);
    }
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    lib.ok(&[
        "--as",
        "bob",
        "signoff",
        "approve",
        &id,
        "--step",
        "proofreading",
    ]);
    lib.ok(&["--as", "carol", "signoff", "approve", &id, "--step", "head"]);
    assert_eq!(
        lib.ok(&["preflight", &id]).trim(),
        "ready: every check passes"
    );
    assert_eq!(
        lib.json(&["preflight", &id, "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn the_board_lists_every_post_with_its_state() {
    let lib = Lib::new();
    let id = setup(&lib);
    let draft = lib
        .ok(&["post", "new", "--title", "Brouillon"])
        .trim()
        .to_string();
    lib.ok(&["--as", "ed", "signoff", "submit", &id]);
    let text = lib.ok(&["board"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0],
        format!("{id}\tLe sommet\tfr\tin sign-off at step 1 (proofreading)\t-")
    );
    assert_eq!(lines[1], format!("{draft}\tBrouillon\tfr\tdraft\t-"));
    let json = lib.json(&["board", "--json"]);
    assert_eq!(json[0]["state"]["state"], "in_signoff");
    assert_eq!(json[1]["state"]["state"], "draft");
}

#[test]
fn with_whoami_chosen_an_edit_records_the_void_entry_at_once() {
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
    lib.ok(&["whoami", "--set", "ed"]);
    lib.with_stdin(
        &["post", "edit", &id, "--body-file", "-"],
        "La délégation part mardi.",
    );
    assert_eq!(kinds(&lib, &id), ["submit", "approve", "void"]);
    let log = lib.json(&["audit", "log", &id, "--json"]);
    assert_eq!(log[2]["author_name"], "ed");
    assert_eq!(log[2]["step"], "proofreading");
}
