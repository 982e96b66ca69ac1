//! `valise translation …`, `post edit --minor` and `post render --lang`, run as
//! scripts would run them.

mod common;

use common::{stderr, Lib};

const SOURCE: &str =
    "# Le sommet\n\nLa réunion a lieu à Genève lundi.\n\nLes délégations arrivent dimanche.\n";
const ENGLISH: &str = "# The summit\n\nThe meeting takes place in Geneva on Monday.\n\nDelegations arrive on Sunday.\n";

fn post_with_english(lib: &Lib) -> String {
    let id = lib
        .with_stdin(
            &["post", "new", "--title", "Le sommet", "--body-file", "-"],
            SOURCE,
        )
        .trim()
        .to_string();
    let added = lib.with_stdin(
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
        ENGLISH,
    );
    assert_eq!(added.trim(), format!("{id}\ten\trevision 1"));
    id
}

fn edit_source(lib: &Lib, id: &str, body: &str, minor: bool) {
    let file = lib.dir.path().join("source.md");
    std::fs::write(&file, body).unwrap();
    let mut args = vec!["post", "edit", id, "--body-file", file.to_str().unwrap()];
    if minor {
        args.push("--minor");
    }
    lib.ok(&args);
}

/// The state of each block of `lang`, from `translation status --json`.
fn block_states(lib: &Lib, id: &str, lang: &str) -> Vec<String> {
    let status = lib.json(&["translation", "status", id, "--json"]);
    status["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == lang)
        .unwrap()["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["state"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn status_shows_each_language_and_the_one_outdated_paragraph() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    let text = lib.ok(&["translation", "status", &id]);
    let firsts: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        firsts,
        ["fr source", "en complete", "es missing", "ar missing"]
    );

    edit_source(&lib, &id, &SOURCE.replace("lundi", "mardi"), false);
    assert_eq!(
        block_states(&lib, &id, "en"),
        ["current", "current", "outdated", "current"]
    );
    let text = lib.ok(&["translation", "status", &id]);
    assert!(
        text.contains("en\toutdated\t1 outdated, 0 missing, 0 orphaned"),
        "{text}"
    );
    let outdated = text
        .lines()
        .find(|l| l.contains("\toutdated\tparagraph\t"))
        .unwrap();
    assert!(outdated.contains("Genève mardi"), "{outdated}");
    let block = outdated.trim().split('\t').next().unwrap().to_string();

    // Mark that block current by its id: the language is complete again.
    let marked = lib.ok(&[
        "translation",
        "mark-current",
        &id,
        "--lang",
        "en",
        "--block",
        &block,
    ]);
    assert_eq!(marked.trim(), format!("{id}\ten\tcomplete"));
    assert!(block_states(&lib, &id, "en").iter().all(|s| s == "current"));
}

#[test]
fn a_minor_edit_outdates_nothing_and_history_says_so() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    edit_source(&lib, &id, &SOURCE.replace("dimanche.", "dimanche !"), true);
    assert!(block_states(&lib, &id, "en").iter().all(|s| s == "current"));
    let history = lib.ok(&["post", "history", &id]);
    assert!(
        history.lines().last().unwrap().contains("edit (minor)"),
        "{history}"
    );
    let json = lib.json(&["post", "history", &id, "--json"]);
    assert_eq!(json.as_array().unwrap().last().unwrap()["minor"], true);
}

#[test]
fn not_planned_records_who_and_why() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    lib.ok(&[
        "translation",
        "not-planned",
        &id,
        "--lang",
        "ar",
        "--reason",
        "Note interne",
        "--by",
        "Amina",
    ]);
    let status = lib.json(&["translation", "status", &id, "--json"]);
    let ar = status["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "ar")
        .unwrap();
    assert_eq!(ar["completeness"]["state"], "not_planned");
    assert_eq!(ar["completeness"]["by"], "Amina");
    assert_eq!(ar["completeness"]["reason"], "Note interne");
    let text = lib.ok(&["translation", "status", &id]);
    assert!(text.contains("ar\tnot planned\tby Amina on "), "{text}");
}

#[test]
fn show_edit_and_render_take_a_language_and_render_says_lang_and_dir() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    lib.with_stdin(
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "ar",
            "--title",
            "القمة",
            "--body-file",
            "-",
        ],
        "# القمة\n\nيبدأ الاجتماع في [Genève](https://example.org) يوم الاثنين.\n",
    );
    let shown = lib.json(&["post", "show", &id, "--lang", "en", "--json"]);
    assert_eq!(shown["lang"], "en");
    assert_eq!(shown["title"], "The summit");
    let html = lib.ok(&["post", "render", &id, "--lang", "ar"]);
    assert!(
        html.starts_with("<article lang=\"ar\" dir=\"rtl\">"),
        "{html}"
    );
    assert!(html.contains("<h1>القمة</h1>"), "{html}");
    let html = lib.ok(&["post", "render", &id]);
    assert!(
        html.starts_with("<article lang=\"fr\" dir=\"ltr\">"),
        "{html}"
    );

    let file = lib.dir.path().join("en.md");
    std::fs::write(&file, ENGLISH.replace("Monday", "Monday morning")).unwrap();
    let edited = lib.ok(&[
        "post",
        "edit",
        &id,
        "--lang",
        "en",
        "--body-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(edited.trim(), format!("{id}\trevision 2"));
    assert!(block_states(&lib, &id, "en").iter().all(|s| s == "current"));
}

#[test]
fn wrong_translation_requests_exit_1_with_a_clear_message() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    for (args, says) in [
        (
            vec!["translation", "add", id.as_str(), "--lang", "en"],
            "already has a en version",
        ),
        (
            vec!["translation", "add", id.as_str(), "--lang", "fr"],
            "that is its source",
        ),
        (
            vec!["translation", "add", id.as_str(), "--lang", "xx"],
            "not one of this library's languages",
        ),
        (
            vec![
                "translation",
                "mark-current",
                id.as_str(),
                "--lang",
                "en",
                "--block",
                "deadbeef",
            ],
            "Block deadbeef",
        ),
        (
            vec![
                "translation",
                "not-planned",
                id.as_str(),
                "--lang",
                "es",
                "--reason",
                " ",
                "--by",
                "A",
            ],
            "needs who decided it and why",
        ),
        (vec!["translation", "status", "nosuchpost"], "no post"),
    ] {
        let out = lib.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        block_states(&lib, &id, "en"),
        ["current", "current", "current", "current"]
    );
}

#[test]
fn the_list_shows_each_posts_languages_and_filters_what_needs_translating() {
    let lib = Lib::new();
    let id = post_with_english(&lib);
    let other = lib
        .ok(&["post", "new", "--title", "Sans traduction"])
        .trim()
        .to_string();
    lib.ok(&[
        "translation",
        "not-planned",
        &other,
        "--lang",
        "en",
        "--reason",
        "Interne",
        "--by",
        "A",
    ]);
    let list = lib.json(&["post", "list", "--json"]);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str() && r["lang"] == "fr")
        .unwrap();
    let langs: Vec<(String, String)> = row["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lang"].as_str().unwrap().to_string(),
                l["completeness"]["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        langs,
        [
            ("fr".to_string(), "source".to_string()),
            ("en".to_string(), "complete".to_string()),
            ("es".to_string(), "missing".to_string()),
            ("ar".to_string(), "missing".to_string()),
        ]
    );
    let needs = |lang: &str| -> Vec<String> {
        lib.json(&["post", "list", "--json", "--needs-translation", lang])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    // en: the first is complete, the other decided against.
    assert!(needs("en").is_empty());
    assert_eq!(needs("es").len(), 2);
    edit_source(&lib, &id, &SOURCE.replace("lundi", "mardi"), false);
    assert_eq!(needs("en"), std::slice::from_ref(&id));
    let text = lib.ok(&["post", "list", "--needs-translation", "en"]);
    assert!(
        text.contains("fr:source en:outdated(1) es:missing ar:missing"),
        "{text}"
    );
}
