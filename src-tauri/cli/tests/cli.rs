//! The real `valise` binary, run as scripts would run it.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{stderr, Lib};

#[test]
fn a_post_goes_through_new_edit_history_restore_and_render() {
    let lib = Lib::new();
    let id = lib
        .with_stdin(
            &[
                "post",
                "new",
                "--title",
                "Négociation",
                "--tag",
                "climat",
                "--tag",
                "onu",
                "--body-file",
                "-",
            ],
            "Premier jet ?\n",
        )
        .trim()
        .to_string();
    assert_eq!(id.len(), 36, "a global id: {id}");

    let shown = lib.json(&["post", "show", &id[..8], "--json"]);
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["conflict"], Value::Null);
    assert_eq!(shown["title"], "Négociation");
    assert_eq!(shown["lang"], "fr");
    assert_eq!(shown["body"], "Premier jet ?\n");
    assert_eq!(shown["tags"], serde_json::json!(["climat", "onu"]));

    let body = lib.dir.path().join("body.md");
    std::fs::write(&body, "Second jet !\n").unwrap();
    lib.ok(&[
        "post",
        "edit",
        &id,
        "--title",
        "Négociation finale",
        "--body-file",
        body.to_str().unwrap(),
    ]);

    let history = lib.json(&["post", "history", &id, "--json"]);
    let numbers: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);

    assert!(lib
        .ok(&["post", "render", &id])
        .contains("Second jet\u{202F}!"));
    lib.ok(&["post", "restore", &id, "1"]);
    let shown = lib.json(&["post", "show", &id, "--json"]);
    assert_eq!(shown["body"], "Premier jet ?\n");
    assert_eq!(shown["title"], "Négociation");
    assert_eq!(
        lib.json(&["post", "history", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let list = lib.json(&["post", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(lib.ok(&["post", "list"]).contains("Négociation"));
}

#[test]
fn search_finds_without_accents_and_reports_id_title_snippet_rank() {
    let lib = Lib::new();
    let id = lib.with_stdin(
        &["post", "new", "--title", "Compte rendu", "--body-file", "-"],
        "La négociation continue à Genève.",
    );
    lib.ok(&["post", "new", "--title", "Sans rapport"]);
    let hits = lib.json(&["search", "negociation geneve", "--json"]);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], id.trim());
    assert_eq!(hits[0]["title"], "Compte rendu");
    assert!(hits[0]["snippet"].as_str().unwrap().contains("négociation"));
    assert!(hits[0]["rank"].is_number());
    assert!(lib
        .ok(&["search", "négociation", "--limit", "1"])
        .contains("[négociation]"));
}

#[test]
fn bad_usage_exits_2_and_other_errors_exit_1_with_a_message() {
    let lib = Lib::new();
    assert_eq!(lib.run(&["post", "frobnicate"]).status.code(), Some(2));
    assert_eq!(lib.run(&["post", "new"]).status.code(), Some(2));
    assert_eq!(lib.run(&["export", "--to", "x"]).status.code(), Some(2));
    let out = lib.run(&["post", "show", "99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("There is no post 99."),
        "{}",
        stderr(&out)
    );
    let a = lib.ok(&["post", "new", "--title", "a"]);
    let out = lib.run(&["post", "show", &a[..6]]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a prefix under 8 characters is not enough"
    );
    let out = lib.run(&["post", "new", "--title", "x", "--lang", "tlh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("'tlh' is not one of this library's languages"));
    let out = lib.run(&[
        "post",
        "new",
        "--title",
        "x",
        "--body-file",
        "/nonexistent/body.md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/body.md"));
}

#[test]
fn export_then_import_round_trips_and_bad_files_are_named() {
    let lib = Lib::new();
    lib.with_stdin(
        &[
            "post",
            "new",
            "--title",
            "Un « titre » : oui",
            "--tag",
            "a",
            "--body-file",
            "-",
        ],
        "Corps\n\n- liste\n",
    );
    lib.with_stdin(
        &[
            "post",
            "new",
            "--title",
            "Hola",
            "--lang",
            "es",
            "--body-file",
            "-",
        ],
        "¿Qué tal?",
    );
    let out = lib.dir.path().join("out");
    let written = lib.ok(&["export", "--all", "--to", out.to_str().unwrap()]);
    assert_eq!(written.lines().count(), 2);
    std::fs::write(out.join("zz-broken.md"), "---\ntitle: ok\ntags: {\n---\n").unwrap();

    let other = Lib::new();
    let result = other.run(&["import", out.to_str().unwrap()]);
    assert_eq!(
        result.status.code(),
        Some(1),
        "a failed file makes the import exit 1"
    );
    let err = stderr(&result);
    assert!(
        err.contains("zz-broken.md") && err.contains("malformed front matter"),
        "{err}"
    );
    assert!(err.contains("2 imported, 1 failed"), "{err}");
    let by_title = |lib: &Lib, title: &str| -> Value {
        let list = lib.json(&["post", "list", "--json"]);
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("{title} is listed"))["id"]
            .as_str()
            .unwrap()
            .to_string();
        lib.json(&["post", "show", &id, "--json"])
    };
    let a = by_title(&lib, "Un « titre » : oui");
    let b = by_title(&other, "Un « titre » : oui");
    for field in [
        "title",
        "body",
        "tags",
        "lang",
        "slug",
        "created_at",
        "updated_at",
    ] {
        assert_eq!(a[field], b[field], "{field}");
    }
    assert_eq!(by_title(&other, "Hola")["lang"], "es");
}

#[test]
fn a_file_that_is_not_a_library_is_reported_and_left_untouched() {
    let lib = Lib::new();
    let content = b"PK\x03\x04 this is a zip, not a library".repeat(100);
    std::fs::write(&lib.path, &content).unwrap();
    let out = lib.run(&["post", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a Valise library"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&lib.path).unwrap(), content);
}

/// Runs `valise` as an unprivileged user when the tests run as root, since root
/// may write to any file whatever its mode.
fn run_unprivileged(lib: &Lib, args: &[&str]) -> Output {
    let euid = unsafe_euid();
    let mut c = if euid == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_valise"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_valise"))
    };
    c.arg("--library")
        .arg(&lib.path)
        .args(args)
        .env_remove("VALISE_LIBRARY");
    c.output().unwrap()
}

fn unsafe_euid() -> u32 {
    // The owner of a file we just created is our effective user.
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid()
}

#[test]
fn a_read_only_library_refuses_changes_clearly_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let lib = Lib::new();
    lib.ok(&["post", "new", "--title", "Gardé"]);
    for p in [lib.dir.path(), lib.path.as_path()] {
        let mode = if p.is_dir() { 0o755 } else { 0o444 };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let before = std::fs::read(&lib.path).unwrap();
    let out = run_unprivileged(&lib, &["post", "new", "--title", "Nouveau"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&lib.path).unwrap(), before);
    std::fs::set_permissions(lib.dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&lib.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(lib.ok(&["post", "list"]).contains("Gardé"));
}

/// Kills `valise post edit` with SIGKILL at varying moments of large saves; the
/// library must open afterwards, pass SQLite's integrity check, and hold a
/// complete save: the last one that finished, or the one being killed if its
/// commit had landed.
#[test]
fn a_kill_9_in_the_middle_of_saving_leaves_the_last_completed_save() {
    let lib = Lib::new();
    let id = lib
        .ok(&["post", "new", "--title", "Endurance"])
        .trim()
        .to_string();
    let body_of = |n: usize| format!("save {n}\n{}", format!("paragraphe {n} ").repeat(40_000));
    let mut completed = String::new();
    for n in 0..12 {
        let file = lib.dir.path().join(format!("body{n}.md"));
        std::fs::write(&file, body_of(n)).unwrap();
        let mut child = lib
            .cmd(&["post", "edit", &id, "--body-file", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From "before it opened the library" to "after it finished".
        std::thread::sleep(std::time::Duration::from_micros(2_000 + 3_000 * n as u64));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let shown = lib.json(&["post", "show", &id, "--json"]);
        let body = shown["body"].as_str().unwrap().to_string();
        if status.success() {
            assert_eq!(
                body,
                body_of(n),
                "a save that reported success must be there"
            );
        } else {
            assert!(
                body == completed || body == body_of(n),
                "save {n}: the body is a torn write"
            );
        }
        completed = body;
        let check = Command::new(env!("CARGO_BIN_EXE_valise"))
            .args([
                "--library",
                lib.path.to_str().unwrap(),
                "search",
                "paragraphe",
            ])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "library unusable after kill: {}",
            stderr(&check)
        );
    }
    assert_integrity(&lib.path);
}

/// Asks SQLite itself: the file passes `integrity_check` and `foreign_key_check`.
fn assert_integrity(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let verdict: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(verdict, ["ok"], "integrity_check of {}", path.display());
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0, "foreign_key_check of {}", path.display());
}

/// Three sentences in three paragraphs; tests change one or another.
const THREE: &str = "Le sommet s'ouvre lundi.\n\nLes délégations arrivent dimanche.\n\nLa presse est invitée mardi.\n";

fn edit_body(lib: &Lib, id: &str, base: Option<&str>, body: &str) -> Output {
    let file = lib.dir.path().join(format!("edit-{}.md", body.len()));
    std::fs::write(&file, body).unwrap();
    let mut args = vec!["post", "edit", id, "--body-file", file.to_str().unwrap()];
    if let Some(base) = base {
        args.extend(["--base", base]);
    }
    lib.run(&args)
}

#[test]
fn an_edit_from_an_old_revision_merges_disjoint_changes() {
    let lib = Lib::new();
    let id = lib.with_stdin(
        &["post", "new", "--title", "Sommet", "--body-file", "-"],
        THREE,
    );
    let id = id.trim();
    let theirs = THREE.replace("lundi", "mardi matin");
    assert!(edit_body(&lib, id, None, &theirs).status.success());
    let mine = THREE.replace("dimanche", "samedi soir");
    let out = edit_body(&lib, id, Some("1"), &mine);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("merged"), "{said}");
    let shown = lib.json(&["post", "show", id, "--json"]);
    let body = shown["body"].as_str().unwrap();
    assert!(
        body.contains("mardi matin") && body.contains("samedi soir"),
        "{body}"
    );
    assert_eq!(shown["conflict"], Value::Null);
}

#[test]
fn an_overlapping_edit_exits_3_and_keeps_both_texts() {
    let lib = Lib::new();
    let id = lib.with_stdin(
        &["post", "new", "--title", "Sommet", "--body-file", "-"],
        THREE,
    );
    let id = id.trim();
    let theirs = THREE.replace("lundi", "mardi");
    edit_body(&lib, id, None, &theirs);
    let mine = THREE.replace("lundi", "jeudi");
    let out = edit_body(&lib, id, Some("1"), &mine);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Both texts are kept"),
        "{}",
        stderr(&out)
    );
    let shown = lib.json(&["post", "show", id, "--json"]);
    assert_eq!(
        shown["body"],
        theirs.as_str(),
        "the current text is untouched"
    );
    assert_eq!(shown["conflict"]["other"]["body"], mine.as_str());
    assert_eq!(shown["conflict"]["current"]["body"], theirs.as_str());
    assert_eq!(shown["conflict"]["origin"], "cli");
    assert!(lib.ok(&["post", "list"]).contains("CONFLICT"));
    let conflict = shown["conflict"]["id"].as_str().unwrap();
    let open = lib.json(&["conflicts", "--json"]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["id"], conflict);
    assert_eq!(open[0]["post"], id);
    assert_eq!(open[0]["lang"], "fr");
    assert_eq!(open[0]["other"]["body"], mine.as_str());
    assert!(lib.ok(&["conflicts"]).contains(conflict));
    lib.ok(&["post", "resolve", conflict, "--keep", "other"]);
    let shown = lib.json(&["post", "show", id, "--json"]);
    assert_eq!(shown["body"], mine.as_str());
    assert_eq!(shown["conflict"], Value::Null);
    assert_eq!(lib.json(&["conflicts", "--json"]), serde_json::json!([]));
}

#[test]
fn changes_since_a_cursor_lists_exactly_what_changed_then_the_new_cursor() {
    let lib = Lib::new();
    let a = lib.ok(&["post", "new", "--title", "A"]).trim().to_string();
    let feed = lib.json(&["changes", "--json"]);
    let cursor = feed["cursor"].as_i64().unwrap();
    assert!(cursor > 0);
    let b = lib.ok(&["post", "new", "--title", "B"]).trim().to_string();
    lib.ok(&["post", "edit", &a, "--title", "A2"]);
    lib.ok(&["post", "delete", &b]);
    let feed = lib.json(&["changes", "--since", &cursor.to_string(), "--json"]);
    let seen: Vec<(String, String, String, String)> = feed["change_sets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let origin = s["origin"].as_str().unwrap().to_string();
            s["changes"].as_array().unwrap().iter().map(move |c| {
                (
                    origin.clone(),
                    c["kind"].as_str().unwrap().to_string(),
                    c["action"].as_str().unwrap().to_string(),
                    c["post"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let row = |kind: &str, action: &str, post: &str| {
        (
            "cli".to_string(),
            kind.to_string(),
            action.to_string(),
            post.to_string(),
        )
    };
    assert_eq!(
        seen,
        [
            row("post", "created", &b),
            row("language_version", "created", &b),
            row("revision", "created", &b),
            row("language_version", "updated", &a),
            row("revision", "created", &a),
            row("post", "deleted", &b),
        ]
    );
    let text = lib.ok(&["changes", "--since", &cursor.to_string()]);
    let last = text.lines().last().unwrap();
    assert_eq!(last, format!("cursor\t{}", feed["cursor"]));
    assert_eq!(text.lines().count(), 7);
    let nothing = lib.ok(&["changes", "--since", &feed["cursor"].to_string()]);
    assert_eq!(nothing.trim(), format!("cursor\t{}", feed["cursor"]));
}
