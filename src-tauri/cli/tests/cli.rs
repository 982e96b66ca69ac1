//! The real `valise` binary, run as scripts would run it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Lib {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Lib {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        Lib { dir, path }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_valise"));
        c.arg("--library").arg(&self.path).args(args);
        c.env_remove("VALISE_LIBRARY");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "valise {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn with_stdin(&self, args: &[&str], input: &str) -> String {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

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
    assert_eq!(id, "1");

    let shown = lib.json(&["post", "show", &id, "--json"]);
    assert_eq!(shown["id"], 1);
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
    lib.with_stdin(
        &["post", "new", "--title", "Compte rendu", "--body-file", "-"],
        "La négociation continue à Genève.",
    );
    lib.ok(&["post", "new", "--title", "Sans rapport"]);
    let hits = lib.json(&["search", "negociation geneve", "--json"]);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], 1);
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
    let a = lib.json(&["post", "show", "1", "--json"]);
    let b = other.json(&["post", "show", "1", "--json"]);
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
    assert_eq!(other.json(&["post", "show", "2", "--json"])["lang"], "es");
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
    lib.ok(&["post", "new", "--title", "Endurance"]);
    let body_of = |n: usize| format!("save {n}\n{}", format!("paragraphe {n} ").repeat(40_000));
    let mut completed = String::new();
    for n in 0..12 {
        let file = lib.dir.path().join(format!("body{n}.md"));
        std::fs::write(&file, body_of(n)).unwrap();
        let mut child = lib
            .cmd(&["post", "edit", "1", "--body-file", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From "before it opened the library" to "after it finished".
        std::thread::sleep(std::time::Duration::from_micros(2_000 + 3_000 * n as u64));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let shown = lib.json(&["post", "show", "1", "--json"]);
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

fn assert_integrity(path: &Path) {
    // Opening through the CLI ran recovery; now ask SQLite itself.
    let out = Command::new(env!("CARGO_BIN_EXE_valise"))
        .args([
            "--library",
            path.to_str().unwrap(),
            "post",
            "list",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}
