//! `valise export` then `valise import` of a post with its translations, as
//! scripts would run them: one post comes back, its languages where they stood.

mod common;

use common::{stderr, Lib};
use serde_json::Value;

const SOURCE: &str = "La réunion a lieu à Genève lundi.\n\nLes délégations arrivent dimanche.\n";

fn translate(lib: &Lib, id: &str, lang: &str, title: &str, body: &str) {
    lib.with_stdin(
        &[
            "translation",
            "add",
            id,
            "--lang",
            lang,
            "--title",
            title,
            "--body-file",
            "-",
        ],
        body,
    );
}

/// `translation status --json` without revision numbers (an import starts
/// each history anew).
fn status(lib: &Lib, id: &str) -> Value {
    let mut status = lib.json(&["translation", "status", id, "--json"]);
    for l in status["languages"].as_array_mut().unwrap() {
        if !l["revision"].is_null() {
            l["revision"] = Value::from(0);
        }
    }
    status
}

#[test]
fn export_then_import_keeps_a_post_with_its_translations_and_their_states() {
    let lib = Lib::new();
    let id = lib
        .with_stdin(
            &["post", "new", "--title", "Le sommet", "--body-file", "-"],
            SOURCE,
        )
        .trim()
        .to_string();
    translate(
        &lib,
        &id,
        "ar",
        "القمة",
        "يعقد الاجتماع في جنيف يوم الاثنين.\n\nتصل الوفود يوم الأحد.\n",
    );
    let moved = format!(
        "{}\nLa presse est invitée.\n",
        SOURCE.replace("lundi", "mardi")
    );
    lib.with_stdin(&["post", "edit", &id, "--body-file", "-"], &moved);
    translate(
        &lib,
        &id,
        "en",
        "The summit",
        "The meeting is in Geneva on Tuesday.\n\nDelegations arrive on Sunday.\n\nThe press is invited.\n",
    );
    lib.ok(&[
        "translation",
        "not-planned",
        &id,
        "--lang",
        "es",
        "--reason",
        "French press only",
        "--by",
        "Amina",
    ]);
    let before = status(&lib, &id);

    let out = lib.dir.path().join("out");
    let written = lib.ok(&["export", &id, "--to", out.to_str().unwrap()]);
    assert_eq!(written.lines().count(), 3, "{written}");

    let other = Lib::new();
    let result = other.run(&["import", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(stderr(&result).contains("3 imported, 0 failed"));
    let list = other.json(&["post", "list", "--json"]);
    let ids: std::collections::BTreeSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        [id.as_str()],
        "one post"
    );
    assert_eq!(status(&other, &id), before);
    let text = other.ok(&["translation", "status", &id]);
    let firsts: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        firsts,
        ["fr source", "en complete", "es not planned", "ar outdated"]
    );

    // Importing the same files again would duplicate the post: refused, named.
    let again = other.run(&["import", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("is already in this library"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        other
            .json(&["post", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}
