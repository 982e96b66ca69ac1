//! Behaviour of a library as the app and the CLI use it.

use valise_core::{
    Error, Library, LineChange, ListQuery, ListSort, NewPost, PostText, RevisionKind, SaveRequest,
};

fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("library.sqlite3")).unwrap();
    (dir, lib)
}

fn new_post(lib: &Library, title: &str, body: &str) -> String {
    lib.posts()
        .create(NewPost {
            title: title.into(),
            body: body.into(),
            ..NewPost::default()
        })
        .unwrap()
        .id
}

fn save(
    lib: &Library,
    id: &str,
    kind: RevisionKind,
    f: impl FnOnce(&mut PostText),
) -> valise_core::Post {
    let post = lib.posts().get(id, None).unwrap();
    let mut text = post.text;
    f(&mut text);
    lib.posts()
        .save(SaveRequest {
            id: id.to_string(),
            lang: post.lang,
            text,
            kind,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap()
        .post
}

#[test]
fn a_new_post_is_in_the_source_language_with_a_slug_and_a_first_revision() {
    let (_d, lib) = library();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Négociation à Genève".into(),
            body: "Le texte.".into(),
            tags: vec!["climat".into(), " climat ".into(), "".into()],
            ..NewPost::default()
        })
        .unwrap();
    assert_eq!(post.lang, "fr");
    assert_eq!(post.text.slug, "negociation-a-geneve");
    assert_eq!(post.text.tags, ["climat"]);
    assert_eq!(post.revision, 1);
    assert_eq!(post.stats.words, 2);
}

#[test]
fn an_unknown_language_is_refused_with_the_known_ones() {
    let (_d, lib) = library();
    let err = lib
        .posts()
        .create(NewPost {
            title: "x".into(),
            lang: Some("xx".into()),
            ..NewPost::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("fr, en, es, ar"), "{err}");
}

#[test]
fn every_save_that_changes_text_keeps_a_revision_and_unchanged_saves_keep_none() {
    let (_d, lib) = library();
    let id = new_post(&lib, "Titre", "un");
    save(&lib, &id, RevisionKind::Edit, |t| t.body = "deux".into());
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.title = "Autre titre".into()
    });
    let unchanged = save(&lib, &id, RevisionKind::Edit, |_| {});
    assert_eq!(unchanged.revision, 3);
    let history = lib.revisions().history(&id, None).unwrap();
    let numbers: Vec<i64> = history.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(history[0].kind, RevisionKind::Created);
    assert_eq!(history[2].title, "Autre titre");
}

#[test]
fn autosaves_close_together_refine_one_revision_until_it_is_named() {
    let (_d, lib) = library();
    let id = new_post(&lib, "Titre", "a");
    save(&lib, &id, RevisionKind::Autosave, |t| t.body = "ab".into());
    save(&lib, &id, RevisionKind::Autosave, |t| t.body = "abc".into());
    assert_eq!(lib.revisions().history(&id, None).unwrap().len(), 2);
    // Ctrl+S: name the current state; the next autosave must not overwrite it.
    let post = lib.posts().get(&id, None).unwrap();
    lib.posts()
        .save(SaveRequest {
            id: id.clone(),
            lang: "fr".into(),
            text: post.text,
            kind: RevisionKind::Edit,
            revision_name: Some("Envoyé en relecture".into()),
            base: None,
            minor: false,
        })
        .unwrap();
    save(&lib, &id, RevisionKind::Autosave, |t| {
        t.body = "abcd".into()
    });
    let history = lib.revisions().history(&id, None).unwrap();
    // The folded autosave took the next number: 2 ("ab") is gone, 3 is "abc".
    let numbers: Vec<i64> = history.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 3, 4]);
    assert_eq!(history[1].name.as_deref(), Some("Envoyé en relecture"));
    assert!(lib.revisions().get(&id, None, 2).is_err());
    assert_eq!(lib.revisions().get(&id, None, 3).unwrap().text.body, "abc");
    assert_eq!(lib.revisions().get(&id, None, 4).unwrap().text.body, "abcd");
}

#[test]
fn diff_shows_changed_fields_and_body_lines() {
    let (_d, lib) = library();
    let id = new_post(&lib, "Titre", "ligne une\nligne deux\n");
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.body = "ligne une\nligne 2\n".into();
        t.summary = "Résumé".into();
    });
    let diff = lib.revisions().diff(&id, None, 1, None).unwrap();
    assert_eq!(diff.to, 2);
    assert_eq!(diff.fields.len(), 1);
    assert_eq!(diff.fields[0].field, "summary");
    let changes: Vec<(LineChange, &str)> = diff
        .body
        .iter()
        .map(|l| (l.change, l.text.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            (LineChange::Same, "ligne une"),
            (LineChange::Removed, "ligne deux"),
            (LineChange::Added, "ligne 2")
        ]
    );
}

#[test]
fn restoring_a_revision_keeps_the_newer_ones() {
    let (_d, lib) = library();
    let id = new_post(&lib, "Titre", "premier");
    save(&lib, &id, RevisionKind::Edit, |t| t.body = "second".into());
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.body = "troisième".into()
    });
    let restored = lib.revisions().restore(&id, None, 1).unwrap();
    assert_eq!(restored.text.body, "premier");
    assert_eq!(restored.revision, 4);
    let history = lib.revisions().history(&id, None).unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[3].kind, RevisionKind::Restore);
    assert_eq!(
        lib.revisions().get(&id, None, 3).unwrap().text.body,
        "troisième"
    );
    assert!(matches!(
        lib.revisions().restore(&id, None, 9),
        Err(Error::RevisionNotFound { number: 9, .. })
    ));
}

#[test]
fn search_ignores_accents_and_case_and_ranks_titles_first() {
    let (_d, lib) = library();
    let in_body = new_post(
        &lib,
        "Compte rendu",
        "La négociation a duré toute la nuit à Genève.",
    );
    let in_title = new_post(
        &lib,
        "Négociation climatique",
        "Les délégations se sont retrouvées.",
    );
    new_post(&lib, "Autre sujet", "Rien à voir.");
    let hits = lib.search().run("NEGOCIATION", 10).unwrap();
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    assert_eq!(ids, [in_title.clone(), in_body.clone()]);
    let body_hit = &hits[1];
    assert!(
        body_hit.snippet.contains("négociation"),
        "{}",
        body_hit.snippet
    );
    assert!(body_hit
        .snippet_parts
        .iter()
        .any(|p| p.hit && p.text == "négociation"));
    assert!(lib
        .search()
        .run("geneve nuit", 10)
        .unwrap()
        .iter()
        .any(|h| h.id == in_body));
    assert!(lib.search().run("  ", 10).unwrap().is_empty());
    assert!(lib.search().run("\"unbalanced AND (", 10).is_ok());
}

#[test]
fn search_follows_edits_and_deletions() {
    let (_d, lib) = library();
    let id = new_post(&lib, "Titre", "ancien mot");
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.body = "nouveau terme".into()
    });
    assert!(lib.search().run("ancien", 10).unwrap().is_empty());
    assert_eq!(lib.search().run("terme", 10).unwrap().len(), 1);
    // A save that changes only the summary leaves the index as it is and still finds it.
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.summary = "résumé".into()
    });
    assert_eq!(lib.search().run("terme", 10).unwrap().len(), 1);
    lib.posts().delete(&id).unwrap();
    assert!(lib.search().run("terme", 10).unwrap().is_empty());
    assert!(lib.posts().list(&ListQuery::default()).unwrap().is_empty());
}

#[test]
fn the_list_filters_by_tag_and_language_and_sorts() {
    let (_d, lib) = library();
    let a = lib
        .posts()
        .create(NewPost {
            title: "Bravo".into(),
            tags: vec!["onu".into()],
            ..NewPost::default()
        })
        .unwrap()
        .id;
    let b = lib
        .posts()
        .create(NewPost {
            title: "alpha".into(),
            lang: Some("en".into()),
            ..NewPost::default()
        })
        .unwrap()
        .id;
    std::thread::sleep(std::time::Duration::from_millis(3)); // times are in milliseconds
    save(&lib, &a, RevisionKind::Edit, |t| {
        t.body = "plus récent".into()
    });
    let ids = |q: ListQuery| {
        lib.posts()
            .list(&q)
            .unwrap()
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>()
    };
    let (a, b) = (a.as_str(), b.as_str());
    assert_eq!(ids(ListQuery::default()), [a, b]);
    assert_eq!(
        ids(ListQuery {
            sort: ListSort::Title,
            ..ListQuery::default()
        }),
        [b, a]
    );
    assert_eq!(
        ids(ListQuery {
            tag: Some("onu".into()),
            ..ListQuery::default()
        }),
        [a]
    );
    assert_eq!(
        ids(ListQuery {
            lang: Some("en".into()),
            ..ListQuery::default()
        }),
        [b]
    );
    let overview = lib.overview().unwrap();
    assert_eq!(overview.posts, 2);
    assert_eq!(overview.tags[0].tag, "onu");
    assert_eq!(
        overview
            .languages
            .iter()
            .find(|l| l.code == "ar")
            .unwrap()
            .dir,
        valise_core::TextDirection::Rtl
    );
}

#[test]
fn export_then_import_gives_back_the_same_posts() {
    let (dir, lib) = library();
    let id = new_post(
        &lib,
        "Accord « historique » : la suite ?",
        "Corps\n\n---\n\nAprès une règle.\n",
    );
    save(&lib, &id, RevisionKind::Edit, |t| {
        t.summary = "Deux lignes\nde résumé".into();
        t.tags = vec!["climat".into(), "ONU".into()];
        t.place_line = "Genève, 3 mars 2026".into();
        t.share_text = "À lire : l'accord #climat".into();
        t.author = "Service presse".into();
        t.slug = "accord-historique".into();
    });
    let ar = lib
        .posts()
        .create(NewPost {
            title: "اتفاق تاريخي".into(),
            lang: Some("ar".into()),
            body: "نص".into(),
            ..NewPost::default()
        })
        .unwrap()
        .id;
    let out = dir.path().join("export");
    let files = lib.transfer().export(None, &out).unwrap();
    assert_eq!(files.len(), 2);

    let other = Library::open(dir.path().join("other.sqlite3")).unwrap();
    let report = other.transfer().import(std::slice::from_ref(&out)).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.imported.len(), 2);
    for original in [id, ar] {
        let a = lib.posts().get(&original, None).unwrap();
        let imported = report
            .imported
            .iter()
            .find(|f| f.title == a.text.title)
            .expect("every exported post comes back");
        let b = other.posts().get(&imported.id, None).unwrap();
        assert_eq!(a.text, b.text);
        assert_eq!(
            (a.lang, a.created_at, a.updated_at),
            (b.lang, b.created_at, b.updated_at)
        );
    }
    // And a second export of the imported library writes the same bytes.
    let again = dir.path().join("again");
    let files2 = other.transfer().export(None, &again).unwrap();
    // File names start with each library's own ids: compare the contents.
    let contents = |files: &[std::path::PathBuf]| {
        let mut all: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        all.sort();
        all
    };
    assert_eq!(contents(&files), contents(&files2));
}

#[test]
fn a_bad_file_is_named_and_does_not_stop_the_others() {
    let (dir, lib) = library();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("a-bon.md"), "---\ntitle: Bon\n---\nTexte").unwrap();
    std::fs::write(
        src.join("b-mauvais.md"),
        "---\ntitle: [pas fermé\n---\nTexte",
    )
    .unwrap();
    std::fs::write(src.join("sub/c-latin1.md"), b"caf\xe9").unwrap();
    std::fs::write(
        src.join("sub/d-langue.md"),
        "---\ntitle: X\nlang: klingon\n---\n",
    )
    .unwrap();
    std::fs::write(src.join("sub/e-bon.markdown"), "# Titre trouvé\n\nCorps").unwrap();
    std::fs::write(src.join("notes.txt"), "pas du Markdown").unwrap();
    let report = lib.transfer().import(&[src]).unwrap();
    let titles: Vec<&str> = report.imported.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["Bon", "Titre trouvé"]);
    let imported = lib.posts().get(&report.imported[1].id, None).unwrap();
    assert_eq!(
        imported.text.slug, "titre-trouve",
        "a file without a slug gets one from its title"
    );
    assert_eq!(report.failed.len(), 3);
    assert!(report.failed[0].path.ends_with("b-mauvais.md"));
    assert!(
        report.failed[0].message.contains("malformed front matter"),
        "{}",
        report.failed[0].message
    );
    assert!(
        report.failed[1].message.contains("not UTF-8"),
        "{}",
        report.failed[1].message
    );
    assert!(
        report.failed[2].message.contains("klingon"),
        "{}",
        report.failed[2].message
    );
}

#[test]
fn render_is_sanitised_and_french_posts_get_french_typography() {
    let (_d, lib) = library();
    let id = new_post(&lib, "t", "Bonjour ! <img src=x onerror=alert(1)>");
    let html = lib.posts().render(&id, None).unwrap();
    assert!(html.contains("Bonjour\u{202F}!"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
}

#[test]
fn missing_posts_and_languages_are_clear_errors() {
    let (_d, lib) = library();
    assert_eq!(
        lib.posts()
            .get("0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00", None)
            .unwrap_err()
            .to_string(),
        "There is no post 0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00."
    );
    let id = new_post(&lib, "t", "");
    assert_eq!(
        lib.posts().get(&id, Some("es")).unwrap_err().to_string(),
        format!("Post {id} has no es version.")
    );
}

#[test]
fn the_library_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.sqlite3");
    let id = {
        let lib = Library::open(&path).unwrap();
        new_post(&lib, "Persistant", "texte gardé")
    };
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.posts().get(&id, None).unwrap().text.body, "texte gardé");
    assert_eq!(lib.search().run("garde", 5).unwrap().len(), 1);
}

#[test]
fn a_broad_query_still_finds_the_best_recent_matches() {
    use valise_core::transfer::ParsedFile;
    let (_d, lib) = library();
    let n = valise_core::search::BROAD_QUERY_WINDOW as usize + 50;
    let files = (0..n)
        .map(|i| ParsedFile {
            path: format!("p{i}").into(),
            lang: None,
            created_at: None,
            updated_at: None,
            text: PostText {
                title: format!("Note {i}"),
                body: if i == n - 1 {
                    "commun commun commun unique".into()
                } else {
                    "commun".into()
                },
                ..PostText::default()
            },
            group: None,
        })
        .collect();
    lib.transfer().import_parsed(files).unwrap();
    let hits = lib.search().run("commun", 5).unwrap();
    assert_eq!(hits.len(), 5);
    assert_eq!(
        hits[0].title,
        format!("Note {}", n - 1),
        "the densest recent match ranks first"
    );
    assert_eq!(lib.search().run("unique commun", 5).unwrap().len(), 1);
}
