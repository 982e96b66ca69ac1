//! `valise backend` and `valise sync` against a real WordPress with the Valise
//! plugin (`tests/wordpress/start`): one site for the whole file, stopped at
//! the end even when a test panics, so the file runs its own tests
//! (harness = false) and prints libtest's closing line. Skipped, saying why,
//! when php is missing.

mod common;
// The fault proxy beside it is not used here.
#[allow(dead_code)]
#[path = "../../core/tests/wordpress_support/mod.rs"]
mod wordpress_support;

use std::panic::AssertUnwindSafe;

use serde_json::{json, Value};

use common::{stderr, Lib};
use wordpress_support::Site;

/// A test of this file: it gets the one site.
type Test = fn(&Site);

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress sync tests skipped: {why}");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return;
    }
    let site = Site::start(true);
    let tests: [(&str, Test); 3] = [
        (
            "a_post_and_its_translation_reach_the_site_and_an_edit_there_merges_with_one_here",
            a_post_and_its_translation_reach_the_site_and_an_edit_there_merges_with_one_here,
        ),
        (
            "a_wrong_password_is_refused_at_backend_add_and_nothing_is_kept",
            a_wrong_password_is_refused_at_backend_add_and_nothing_is_kept,
        ),
        (
            "publish_says_the_next_sync_publishes_it_and_the_sync_does",
            publish_says_the_next_sync_publishes_it_and_the_sync_does,
        ),
    ];
    let mut failed = Vec::new();
    for (name, test) in tests {
        match std::panic::catch_unwind(AssertUnwindSafe(|| test(&site))) {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    drop(site);
    println!(
        "test result: {}. {} passed; {} failed; 0 ignored",
        if failed.is_empty() { "ok" } else { "FAILED" },
        tests.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}

/// `sync` with its exit code and JSON report.
fn sync(lib: &Lib) -> (i32, Value) {
    sync_with(lib, &[])
}

/// `sync` after the global options `before` (such as `--as NAME`).
fn sync_with(lib: &Lib, before: &[&str]) -> (i32, Value) {
    let args: Vec<&str> = before
        .iter()
        .chain(&["sync", "site", "--json"])
        .copied()
        .collect();
    let out = lib.run(&args);
    let code = out.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(code == 0 || code == 3, "sync failed: {}", stderr(&out));
    (code, report)
}

/// A REST call to the site as `login`.
fn rest(site: &Site, login: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = format!("{}/wp-json{path}", site.url);
        let mut request = client
            .request(method.parse().unwrap(), &url)
            .basic_auth(login, Some(&site.user(login).password));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        assert!(
            status.is_success(),
            "{method} {url}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap()
    })
}

const SOURCE: &str =
    "La délégation part lundi.\n\nElle rencontre ses homologues mardi.\n\nElle rentre vendredi.\n";

fn a_post_and_its_translation_reach_the_site_and_an_edit_there_merges_with_one_here(site: &Site) {
    let lib = Lib::new();
    let id = lib
        .with_stdin(
            &["post", "new", "--title", "Le sommet", "--body-file", "-"],
            SOURCE,
        )
        .trim()
        .to_string();
    lib.with_stdin(
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "en",
            "--title",
            "The summit",
            "--body-file",
            "-",
        ],
        "The delegation leaves on Monday.\n\nIt meets its counterparts on Tuesday.\n\nIt returns on Friday.\n",
    );
    let password = &site.user("editor").password;
    let added = lib.add_site(&site.url, "editor", password);
    assert!(added.status.success(), "{}", stderr(&added));

    // The password is nowhere in what the library shows or holds.
    let listed = lib.ok(&["backend", "list", "--json"]);
    assert!(!listed.contains(password.as_str()), "{listed}");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["user"], "editor");
    assert_eq!(listed[0]["password_here"], true);
    let file = std::fs::read(&lib.path).unwrap();
    assert!(
        !file
            .windows(password.len())
            .any(|w| w == password.as_bytes()),
        "the password must not be in the library file"
    );

    // First sync: both versions are made on the site.
    let (code, report) = sync(&lib);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["reports"][0]["created_there"], 2, "{report}");
    let there = rest(
        site,
        "editor",
        "GET",
        &format!("/wp/v2/posts?status=any&context=edit&valise_post_uid={id}"),
        None,
    );
    let there = there.as_array().unwrap();
    assert_eq!(there.len(), 2, "{there:?}");
    let fr = there
        .iter()
        .find(|p| p["meta"]["valise_lang"] == "fr")
        .unwrap();
    let en = there
        .iter()
        .find(|p| p["meta"]["valise_lang"] == "en")
        .unwrap();
    assert_eq!(fr["meta"]["valise_markdown"], SOURCE);
    assert_eq!(fr["title"]["raw"], "Le sommet");
    assert_eq!(en["title"]["raw"], "The summit");
    let states: Value = serde_json::from_str(en["meta"]["valise_units"].as_str().unwrap()).unwrap();
    assert!(
        states["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["state"] == "current"),
        "{states}"
    );
    // The same sync again sends nothing.
    let (code, report) = sync(&lib);
    assert_eq!(code, 0);
    let r = &report["reports"][0];
    assert_eq!(
        (r["created_there"].clone(), r["updated_there"].clone()),
        (json!(0), json!(0)),
        "{report}"
    );

    // Someone else edits the last paragraph on the site, through REST.
    let fr_id = fr["id"].as_u64().unwrap();
    let theirs = SOURCE.replace("vendredi", "samedi");
    rest(
        site,
        "validator1",
        "POST",
        &format!("/wp/v2/posts/{fr_id}"),
        Some(json!({ "meta": { "valise_markdown": theirs } })),
    );
    // Here, offline, the first paragraph changes.
    let mine = SOURCE.replace("lundi", "dimanche");
    lib.with_stdin(&["post", "edit", &id, "--body-file", "-"], &mine);

    let (code, report) = sync(&lib);
    assert_eq!(code, 0, "no conflict: {report}");
    let merged = SOURCE
        .replace("lundi", "dimanche")
        .replace("vendredi", "samedi");
    let shown = lib.json(&["post", "show", &id, "--json"]);
    assert_eq!(shown["body"], merged.as_str(), "{report}");
    let fr_now = rest(
        site,
        "editor",
        "GET",
        &format!("/wp/v2/posts/{fr_id}?context=edit"),
        None,
    );
    assert_eq!(fr_now["meta"]["valise_markdown"], merged.as_str());
    // The translation is now outdated on the site too: its source changed.
    let en_now = rest(
        site,
        "editor",
        "GET",
        &format!("/wp/v2/posts/{}?context=edit", en["id"]),
        None,
    );
    let states: Value =
        serde_json::from_str(en_now["meta"]["valise_units"].as_str().unwrap()).unwrap();
    assert!(
        states["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["state"] == "outdated"),
        "{states}"
    );

    let status = lib.json(&["sync", "status", "--json"]);
    assert_eq!(status["conflicts"], 0, "{status}");
    assert_eq!(status["backends"][0]["waiting"], 0, "{status}");
    assert_eq!(status["backends"][0]["last_error"], Value::Null, "{status}");
}

fn a_wrong_password_is_refused_at_backend_add_and_nothing_is_kept(site: &Site) {
    let lib = Lib::new();
    let out = lib.add_site(&site.url, "editor", "abcd efgh ijkl mnop qrst uvwx");
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(
        said.contains("refused the user name or application password"),
        "{said}"
    );
    assert!(!said.contains("abcd efgh"), "{said}");
    assert_eq!(lib.json(&["backend", "list", "--json"]), json!([]));
    let out = lib.run(&["sync"]);
    assert_eq!(out.status.code(), Some(0), "no backend: nothing to do");
}

fn publish_says_the_next_sync_publishes_it_and_the_sync_does(site: &Site) {
    let lib = Lib::new();
    lib.add_people(&["alice", "ed"]);
    // Nobody is chosen as "me" on this desktop: the sync records what the
    // site confirms signed by the person `--as` names.
    let chain = lib.dir.path().join("chain.yaml");
    std::fs::write(
        &chain,
        "steps:\n  - {name: proofreading, signers: [alice]}\n",
    )
    .unwrap();
    lib.ok(&[
        "--as",
        "ed",
        "workflow",
        "set",
        "--file",
        chain.to_str().unwrap(),
    ]);
    let id = lib
        .with_stdin(
            &[
                "post",
                "new",
                "--title",
                "Le communiqué final",
                "--body-file",
                "-",
            ],
            SOURCE,
        )
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
    let password = &site.user("editor").password;
    let added = lib.add_site(&site.url, "editor", password);
    assert!(added.status.success(), "{}", stderr(&added));

    let said = lib.ok(&["--as", "ed", "publish", &id]);
    assert!(
        said.contains("published at the next sync with site (`valise sync`)"),
        "{said}"
    );
    let (code, report) = sync_with(&lib, &["--as", "ed"]);
    assert_eq!(code, 0, "{report}");
    let there = rest(
        site,
        "editor",
        "GET",
        &format!("/wp/v2/posts?status=any&context=edit&valise_post_uid={id}"),
        None,
    );
    assert_eq!(there[0]["status"], "publish", "{there}");
    let board = lib.json(&["board", "--json"]);
    let item = board
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["post_id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(item["column"]["column"], "published", "{item}");
    let log = lib.ok(&["audit", "log", &id]);
    // seq, at, author, kind, …: the confirmation is ed's.
    let published = log
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.get(3) == Some(&"published"));
    assert_eq!(published.map(|f| f[2]), Some("ed"), "{log}");
    lib.ok(&["audit", "verify"]);

    // Scheduled: the site holds it as future at that date.
    lib.ok(&["--as", "ed", "unpublish", &id]);
    let said = lib.ok(&["--as", "ed", "publish", &id, "--at", "2099-01-01T09:00:00Z"]);
    assert!(said.contains("scheduled for 2099-01-01"), "{said}");
    let (code, report) = sync(&lib);
    assert_eq!(code, 0, "{report}");
    let there = rest(
        site,
        "editor",
        "GET",
        &format!("/wp/v2/posts?status=any&context=edit&valise_post_uid={id}"),
        None,
    );
    assert_eq!(there[0]["status"], "future", "{there}");
    assert_eq!(there[0]["date_gmt"], "2099-01-01T09:00:00", "{there}");
}
