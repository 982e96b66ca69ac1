//! `valise xliff export|import`, run as scripts would run them; the exported
//! XLIFF 1.2 checked by independent tools: the OASIS strict schema through
//! xmllint, and translate-toolkit as the translator's tool.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stderr, Lib};

/// A source with every inline kind the export maps, and block syntax around.
const SOURCE: &str = "## Le *sommet*\n\nUn objectif de **30 %**, voir [le rapport](https://example.org/r) et `valise`[^1], ~~barré~~, <kbd>Entrée</kbd> et ![la carte](asset:carte).\nSuite  \naprès un saut.\n\n- un ;\n- deux.\n\n> Une citation.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: La note.\n";

fn xliff_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/xliff")
}

fn new_post(lib: &Lib, title: &str, body: &str) -> String {
    lib.with_stdin(&["post", "new", "--title", title, "--body-file", "-"], body)
        .trim()
        .to_string()
}

/// A tool the test needs: under CI its absence fails the test; elsewhere the
/// test is skipped with a message that says what to install.
fn required(what: &str, present: bool, install: &str) -> bool {
    if present {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{what} is missing; install {install} (make test installs it)");
    }
    eprintln!("\n*** SKIPPED: {what} is missing; install {install} to run this test ***\n");
    false
}

fn runs(cmd: &mut Command) -> bool {
    cmd.output().map(|o| o.status.success()).unwrap_or(false)
}

/// A Python that has translate-toolkit: the system's (Debian's package) when
/// another python3 comes first on PATH.
fn python_with_translate() -> Option<&'static str> {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|p| runs(Command::new(p).args(["-c", "import translate.storage.xliff"])))
}

#[test]
fn export_to_a_folder_writes_one_file_per_post_and_to_a_file_all_posts() {
    let lib = Lib::new();
    let a = new_post(&lib, "Le sommet", "Un *mot*.\n");
    let b = new_post(&lib, "Les bourses", "Les candidatures.\n");
    let dir = lib.dir.path().join("pour-traduction");
    std::fs::create_dir(&dir).unwrap();
    let listed = lib.ok(&[
        "xliff",
        "export",
        &a,
        &b,
        "--lang",
        "en",
        "--to",
        dir.to_str().unwrap(),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected = vec![format!("{a}.en.xlf"), format!("{b}.en.xlf")];
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(listed.lines().count(), 2);
    let one = std::fs::read_to_string(dir.join(format!("{a}.en.xlf"))).unwrap();
    assert_eq!(one.matches("<file ").count(), 1);
    assert!(one.contains("Un <g id=\"1\" ctype=\"italic\">mot</g>."));

    let new_folder = format!("{}/nouveau/", lib.dir.path().display());
    lib.ok(&["xliff", "export", &a, "--lang", "en", "--to", &new_folder]);
    assert!(Path::new(&new_folder).join(format!("{a}.en.xlf")).is_file());

    let file = lib.dir.path().join("tout.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &a,
        &b,
        "--lang",
        "en",
        "--to",
        file.to_str().unwrap(),
    ]);
    let all = std::fs::read_to_string(&file).unwrap();
    assert_eq!(all.matches("<file ").count(), 2);
    assert!(
        all.contains(&format!("original=\"{a}\"")) && all.contains(&format!("original=\"{b}\""))
    );
}

#[test]
fn export_refuses_the_source_language_and_unknown_posts() {
    let lib = Lib::new();
    let a = new_post(&lib, "Le sommet", "Un mot.\n");
    let to = lib.dir.path().join("x.xlf");
    let out = lib.run(&[
        "xliff",
        "export",
        &a,
        "--lang",
        "fr",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("that is its source"),
        "{}",
        stderr(&out)
    );
    let out = lib.run(&[
        "xliff",
        "export",
        "nope",
        "--lang",
        "en",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!to.exists());
}

#[test]
fn only_outdated_exports_the_blocks_that_need_work() {
    let lib = Lib::new();
    let id = new_post(&lib, "Le sommet", "Un.\n\nDeux.\n");
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
        "One.\n\nTwo.\n",
    );
    let file = lib.dir.path().join("source.md");
    std::fs::write(&file, "Un.\n\nDeux, changé.\n").unwrap();
    lib.ok(&["post", "edit", &id, "--body-file", file.to_str().unwrap()]);
    let to = lib.dir.path().join("a-revoir.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "en",
        "--to",
        to.to_str().unwrap(),
        "--only-outdated",
    ]);
    let doc = std::fs::read_to_string(&to).unwrap();
    assert_eq!(doc.matches("<trans-unit ").count(), 1, "{doc}");
    assert!(doc.contains("state=\"needs-review-translation\">Two.</target>"));
    assert!(doc.contains("It was: Deux.</note>"));
}

#[test]
fn version_2_0_is_written_on_request_and_read_back() {
    let lib = Lib::new();
    let id = new_post(&lib, "Le sommet", "Un *mot*.\n");
    let to = lib.dir.path().join("v2.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "es",
        "--to",
        to.to_str().unwrap(),
        "--version",
        "2.0",
    ]);
    let doc = std::fs::read_to_string(&to).unwrap();
    assert!(doc.contains("urn:oasis:names:tc:xliff:document:2.0"));
    let filled = doc
        .replace("state=\"initial\"", "state=\"translated\"")
        .replace(
            "Un <pc id=\"1\" type=\"fmt\" subType=\"xlf:i\">mot</pc>.</source>",
            "Un <pc id=\"1\" type=\"fmt\" subType=\"xlf:i\">mot</pc>.</source><target>Una <pc id=\"1\">palabra</pc>.</target>",
        );
    std::fs::write(&to, filled).unwrap();
    lib.ok(&["xliff", "import", to.to_str().unwrap()]);
    let shown = lib.json(&["post", "show", &id, "--lang", "es", "--json"]);
    assert_eq!(shown["body"], "Una *palabra*.\n");
    let out = lib.run(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "es",
        "--to",
        "x.xlf",
        "--version",
        "1.1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("use 1.2 or 2.0"));
}

#[test]
fn import_takes_translated_files_and_refuses_a_bad_one_by_name() {
    let lib = Lib::new();
    let a = new_post(&lib, "Le sommet", "Un *mot*.\n");
    let b = new_post(&lib, "Les bourses", "Les candidatures.\n");
    let good = lib.dir.path().join("a.xlf");
    let bad = lib.dir.path().join("b.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &a,
        "--lang",
        "en",
        "--to",
        good.to_str().unwrap(),
    ]);
    lib.ok(&[
        "xliff",
        "export",
        &b,
        "--lang",
        "es",
        "--to",
        bad.to_str().unwrap(),
    ]);
    let doc = std::fs::read_to_string(&good)
        .unwrap()
        .replace(
            "state=\"needs-translation\"></target>\n      </trans-unit>\n      <trans-unit id=\"",
            "state=\"translated\">The summit</target>\n      </trans-unit>\n      <trans-unit id=\"",
        )
        .replace(
            "state=\"needs-translation\"></target>",
            "state=\"translated\">A <g id=\"1\" ctype=\"italic\">word</g>.</target>",
        );
    std::fs::write(&good, doc).unwrap();
    let cut = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, &cut[..cut.len() - 40]).unwrap();

    let out = lib.run(&[
        "xliff",
        "import",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(&format!(
            "{a}\ten\t2 translated, 0 outdated, new translation"
        )),
        "{printed}"
    );
    let err = stderr(&out);
    assert!(err.contains("b.xlf") && err.contains("cut short"), "{err}");
    assert!(err.contains("1 of 2 file(s) not imported"), "{err}");
    let shown = lib.json(&["post", "show", &a, "--lang", "en", "--json"]);
    assert_eq!(shown["body"], "A *word*.\n");
    assert_eq!(shown["title"], "The summit");
    let status = lib.json(&["translation", "status", &b, "--json"]);
    let es = status["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "es")
        .unwrap();
    assert_eq!(es["completeness"]["state"], "missing");
}

#[test]
fn the_export_validates_against_the_xliff_1_2_strict_schema() {
    let present = runs(Command::new("xmllint").arg("--version"));
    if !required("xmllint", present, "libxml2-utils") {
        return;
    }
    let lib = Lib::new();
    let id = new_post(&lib, "Le sommet", SOURCE);
    // With a translation, so targets, states and notes are in the file too.
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
        "## The *summit*\n\nA target.\n",
    );
    // The heading changed since: an outdated unit with its note.
    let changed = lib.dir.path().join("source.md");
    std::fs::write(
        &changed,
        SOURCE.replace("## Le *sommet*", "## Le *grand sommet*"),
    )
    .unwrap();
    lib.ok(&[
        "post",
        "edit",
        &id,
        "--body-file",
        changed.to_str().unwrap(),
    ]);
    let to = lib.dir.path().join("valide.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "en",
        "--to",
        to.to_str().unwrap(),
    ]);
    let doc = std::fs::read_to_string(&to).unwrap();
    for inline in [
        "ctype=\"italic\"",
        "ctype=\"bold\"",
        "ctype=\"link\"",
        "ctype=\"x-code\"",
        "ctype=\"x-footnote-ref\"",
        "ctype=\"x-strikethrough\"",
        "ctype=\"x-html\"",
        "ctype=\"x-image\"",
        "ctype=\"lb\"",
        "ctype=\"x-block\"",
        "state=\"needs-review-translation\"",
        "<note from=\"valise\"",
    ] {
        assert!(doc.contains(inline), "no {inline} in {doc}");
    }
    let dir = xliff_dir();
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", dir.join("catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(dir.join("xliff-core-1.2-strict.xsd"))
        .arg(&to)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint refused the export: {}\n{doc}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("validates"));
}

#[test]
fn translate_toolkit_fills_the_export_and_valise_imports_it_back() {
    let python = python_with_translate();
    if !required(
        "python3's translate module",
        python.is_some(),
        "python3-translate",
    ) {
        return;
    }
    let python = python.unwrap();
    let lib = Lib::new();
    let id = new_post(&lib, "Le sommet", SOURCE);
    let exported = lib.dir.path().join("export.xlf");
    let filled = lib.dir.path().join("traduit.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "en",
        "--to",
        exported.to_str().unwrap(),
    ]);
    let out = Command::new(python)
        .arg(xliff_dir().join("fill_targets.py"))
        .args([&exported, &filled])
        .output()
        .unwrap();
    assert!(out.status.success(), "translate-toolkit: {}", stderr(&out));

    let printed = lib.ok(&["xliff", "import", filled.to_str().unwrap()]);
    assert!(printed.contains("new translation"), "{printed}");
    let shown = lib.json(&["post", "show", &id, "--lang", "en", "--json"]);
    assert_eq!(shown["title"], "LE SOMMET");
    assert_eq!(
        shown["body"],
        "## LE *SOMMET*\n\nUN OBJECTIF DE **30 %**, VOIR [LE RAPPORT](https://example.org/r) ET `valise`[^1], ~~BARRÉ~~, <kbd>ENTRÉE</kbd> ET ![LA CARTE](asset:carte). SUITE  \nAPRÈS UN SAUT.\n\n- UN ;\n- DEUX.\n\n> UNE CITATION.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[^1]: LA NOTE.\n"
    );
    let status = lib.json(&["translation", "status", &id, "--json"]);
    let en = status["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "en")
        .unwrap();
    assert_eq!(en["completeness"]["state"], "complete", "{en}");

    // What the tool added (a note, an attribute in its namespace) comes out
    // again on the next export.
    let again = lib.dir.path().join("again.xlf");
    lib.ok(&[
        "xliff",
        "export",
        &id,
        "--lang",
        "en",
        "--to",
        again.to_str().unwrap(),
    ]);
    let doc = std::fs::read_to_string(&again).unwrap();
    assert!(doc.contains("Checked with the press office"), "{doc}");
    assert!(doc.contains("=\"urn:example:cat-tool\""), "{doc}");
    assert!(doc.contains(":status=\"confirmed\""), "{doc}");
}
