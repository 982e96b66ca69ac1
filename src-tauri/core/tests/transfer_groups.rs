//! Markdown export and import of a post with its translations: the files of a
//! post's languages come back as one post with its translations, block states
//! and "not planned" decisions; a group that does not fit together changes nothing.

use std::path::{Path, PathBuf};

use valise_core::{
    BlockState, Completeness, Library, NewPost, Origin, PostText, RevisionKind, SaveRequest,
    TranslationStatus,
};

const SOURCE: &str = "# Le sommet\n\nLa réunion a lieu à Genève lundi.\n\nLes délégations arrivent dimanche soir.\n\n- accord\n- calendrier\n";
const ENGLISH: &str = "# The summit\n\nThe meeting takes place in Geneva on Tuesday.\n\nDelegations arrive on Sunday evening.\n\n- agreement\n- timetable\n\nThe press is invited.\n";
const ARABIC: &str = "# القمة\n\nيعقد الاجتماع في جنيف يوم الاثنين.\n\nتصل الوفود مساء الأحد.\n\n- اتفاق\n- جدول زمني\n";

fn library(dir: &Path, name: &str) -> Library {
    Library::open_as(dir.join(name), Origin::Cli).unwrap()
}

fn edit_source(lib: &Library, id: &str, body: &str) {
    let mut text = lib.posts().get(id, None).unwrap().text;
    text.body = body.into();
    lib.posts()
        .save(SaveRequest {
            id: id.into(),
            lang: "fr".into(),
            text,
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
}

/// A French post translated into English (complete) and Arabic (one block
/// outdated, one missing), with Spanish decided against.
fn four_languages(lib: &Library) -> String {
    let id = lib
        .posts()
        .create(NewPost {
            title: "Le sommet de Genève".into(),
            body: SOURCE.into(),
            ..NewPost::default()
        })
        .unwrap()
        .id;
    let arabic = PostText {
        title: "قمة جنيف".into(),
        body: ARABIC.into(),
        ..PostText::default()
    };
    lib.translations().add(&id, "ar", arabic).unwrap();
    // The meeting moves to Tuesday, and a paragraph is added.
    let changed = SOURCE.replace("lundi", "mardi") + "\nLa presse est invitée.\n";
    edit_source(lib, &id, &changed);
    let english = PostText {
        title: "The Geneva summit".into(),
        body: ENGLISH.into(),
        tags: vec!["diplomacy".into()],
        ..PostText::default()
    };
    lib.translations().add(&id, "en", english).unwrap();
    lib.translations()
        .not_planned(&id, "es", "Amina", "Only for the French press")
        .unwrap();
    id
}

/// A status without revision numbers: an import starts each history anew.
fn without_revisions(mut status: TranslationStatus) -> TranslationStatus {
    for l in &mut status.languages {
        l.revision = l.revision.map(|_| 0);
    }
    status
}

fn states(status: &TranslationStatus, lang: &str) -> Vec<BlockState> {
    status
        .languages
        .iter()
        .find(|l| l.lang == lang)
        .unwrap()
        .blocks
        .iter()
        .map(|b| b.state)
        .collect()
}

fn file(files: &[PathBuf], lang: &str) -> PathBuf {
    files
        .iter()
        .find(|p| p.to_str().unwrap().ends_with(&format!(".{lang}.md")))
        .unwrap_or_else(|| panic!("a {lang} file was exported"))
        .clone()
}

#[test]
fn a_post_with_its_translations_comes_back_as_one_post_with_the_same_states() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    let id = four_languages(&lib);
    let before = lib.translations().status(&id).unwrap();
    use BlockState::*;
    assert_eq!(
        states(&before, "ar"),
        [Current, Current, Outdated, Current, Current, Missing],
        "the set-up gives Arabic one outdated and one missing block"
    );
    assert!(states(&before, "en").iter().all(|s| *s == Current));

    let out = dir.path().join("out");
    let files = lib.transfer().export(None, &out).unwrap();
    assert_eq!(files.len(), 3, "fr, en and ar; es has no text: {files:?}");

    let other = library(dir.path(), "b.sqlite3");
    let report = other.transfer().import(&[out]).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.imported.len(), 3);
    assert!(report
        .imported
        .iter()
        .all(|f| f.id == id && f.exported_id.is_none()));
    assert_eq!(other.overview().unwrap().posts, 1);

    let after = other.translations().status(&id).unwrap();
    assert_eq!(without_revisions(after.clone()), without_revisions(before));
    let ar = after.languages.iter().find(|l| l.lang == "ar").unwrap();
    let outdated = ar.blocks.iter().find(|b| b.state == Outdated).unwrap();
    assert_eq!(
        outdated.translated_from.as_deref(),
        Some("La réunion a lieu à Genève lundi."),
        "the source text it was translated from comes back, for the diff"
    );
    let es = after.languages.iter().find(|l| l.lang == "es").unwrap();
    let Completeness::NotPlanned { by, reason, .. } = &es.completeness else {
        panic!("es stays not planned: {:?}", es.completeness);
    };
    assert_eq!(
        (by.as_str(), reason.as_str()),
        ("Amina", "Only for the French press")
    );
    for lang in ["fr", "en", "ar"] {
        let (a, b) = (
            lib.posts().get(&id, Some(lang)).unwrap(),
            other.posts().get(&id, Some(lang)).unwrap(),
        );
        assert_eq!(a.text, b.text, "{lang}");
        assert_eq!(
            (a.created_at, a.updated_at),
            (b.created_at, b.updated_at),
            "{lang}"
        );
    }

    // The restored states are live: a new edit of the source behaves as before.
    edit_source(
        &other,
        &id,
        &other
            .posts()
            .get(&id, None)
            .unwrap()
            .text
            .body
            .replace("dimanche", "samedi"),
    );
    assert_eq!(
        states(&other.translations().status(&id).unwrap(), "en"),
        [Current, Current, Current, Outdated, Current, Current]
    );
}

#[test]
fn an_outdated_block_stays_outdated_when_its_source_file_was_edited_in_between() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    let id = four_languages(&lib);
    let out = dir.path().join("out");
    let files = lib.transfer().export(None, &out).unwrap();
    let fr = file(&files, "fr");
    let text = std::fs::read_to_string(&fr).unwrap();
    std::fs::write(&fr, text.replace("dimanche soir", "samedi soir")).unwrap();

    let other = library(dir.path(), "b.sqlite3");
    let report = other.transfer().import(&[out]).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    use BlockState::*;
    let status = other.translations().status(&id).unwrap();
    assert_eq!(
        states(&status, "en"),
        [Current, Current, Current, Outdated, Current, Current],
        "the English block made from the old text is outdated"
    );
}

#[test]
fn a_group_that_does_not_fit_together_changes_nothing_and_names_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    four_languages(&lib);
    let out = dir.path().join("out");
    let files = lib.transfer().export(None, &out).unwrap();
    let (fr, en, ar) = (file(&files, "fr"), file(&files, "en"), file(&files, "ar"));
    let name = |p: &Path| p.file_name().unwrap().to_str().unwrap().to_string();

    let try_import = |case: &str, paths: &[PathBuf], expect: &[&str]| {
        let other = library(dir.path(), &format!("{case}.sqlite3"));
        let report = other.transfer().import(paths).unwrap();
        assert!(report.imported.is_empty(), "{case}: {:?}", report.imported);
        assert_eq!(
            report.failed.len(),
            paths.len(),
            "{case}: every file is named"
        );
        for failure in &report.failed {
            for part in expect {
                assert!(
                    failure.message.contains(part),
                    "{case}: {}",
                    failure.message
                );
            }
        }
        assert_eq!(
            other.overview().unwrap().posts,
            0,
            "{case}: nothing half-added"
        );
        assert!(other.changes().since(0, 10).unwrap().is_empty(), "{case}");
    };

    try_import(
        "no source",
        &[en.clone(), ar.clone()],
        &["none of them is its source version", &name(&en), &name(&ar)],
    );

    let en_again = out.join("copy.en.md");
    std::fs::copy(&en, &en_again).unwrap();
    try_import(
        "two english",
        &[fr.clone(), en.clone(), en_again.clone()],
        &["both its en version", &name(&en), "copy.en.md"],
    );
    std::fs::remove_file(&en_again).unwrap();

    let ar_text = std::fs::read_to_string(&ar).unwrap();
    let in_french = out.join("wrong.md");
    std::fs::write(&in_french, ar_text.replace("lang: ar", "lang: fr")).unwrap();
    try_import(
        "translation in the source language",
        &[fr.clone(), in_french.clone()],
        &["wrong.md is a translation into fr, the language of its source"],
    );
    std::fs::remove_file(&in_french).unwrap();

    // A paragraph added to the source after the export: its block ids no longer fit.
    let fr_text = std::fs::read_to_string(&fr).unwrap();
    std::fs::write(&fr, format!("{fr_text}\nUn paragraphe de plus.\n")).unwrap();
    try_import(
        "edited source",
        &[fr.clone(), en.clone(), ar.clone()],
        &[&format!(
            "{} has 6 body blocks but its 'blocks' list has 5 ids",
            name(&fr)
        )],
    );
    std::fs::write(&fr, fr_text).unwrap();

    // A paragraph added to a translation after the export: its units no longer fit.
    let en_text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, format!("{en_text}\nOne more paragraph.\n")).unwrap();
    try_import(
        "edited translation",
        &[fr.clone(), en.clone(), ar.clone()],
        &[&format!(
            "{}: its body has 6 blocks but its 'translation' units cover 5",
            name(&en)
        )],
    );
    std::fs::write(&en, en_text).unwrap();

    std::fs::write(&ar, ar_text.replace("title:", "title: [")).unwrap();
    try_import(
        "unreadable translation",
        &[fr.clone(), en.clone(), ar.clone()],
        &[&name(&ar)],
    );

    let mut latin1 = ar_text.into_bytes();
    latin1.extend_from_slice(b"\nd\xe9j\xe0\n");
    std::fs::write(&ar, latin1).unwrap();
    try_import(
        "translation not in UTF-8",
        &[fr.clone(), en.clone(), ar.clone()],
        &[&name(&ar), "UTF-8"],
    );
}

#[test]
fn a_bad_group_does_not_stop_other_groups_or_files_without_a_group() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    let broken = four_languages(&lib);
    let fine = lib
        .posts()
        .create(NewPost {
            title: "Autre billet".into(),
            body: "Un paragraphe.\n".into(),
            ..NewPost::default()
        })
        .unwrap()
        .id;
    lib.translations()
        .add(
            &fine,
            "en",
            PostText {
                title: "Another post".into(),
                body: "A paragraph.\n".into(),
                ..PostText::default()
            },
        )
        .unwrap();
    let out = dir.path().join("out");
    let files = lib.transfer().export(None, &out).unwrap();
    let fr = files
        .iter()
        .find(|p| {
            p.to_str().unwrap().contains(&broken[..8]) && p.to_str().unwrap().ends_with(".fr.md")
        })
        .unwrap();
    std::fs::remove_file(fr).unwrap();
    // A Hugo page: no group, a post of its own, as before.
    std::fs::write(
        out.join("hugo.md"),
        "---\ntitle: Page Hugo\ndate: 2026-03-12\n---\nTexte.\n",
    )
    .unwrap();

    let other = library(dir.path(), "b.sqlite3");
    let report = other.transfer().import(&[out]).unwrap();
    assert_eq!(
        report.failed.len(),
        2,
        "the broken post's en and ar: {:?}",
        report.failed
    );
    let ids: std::collections::BTreeSet<&str> =
        report.imported.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "the other post and the Hugo page");
    assert!(ids.contains(fine.as_str()));
    assert_eq!(other.overview().unwrap().posts, 2);
    assert!(other.posts().get(&broken, None).is_err());
    assert_eq!(
        other.posts().get(&fine, Some("en")).unwrap().text.title,
        "Another post"
    );
}

#[test]
fn a_post_already_here_is_refused_and_a_deleted_one_comes_back_under_a_new_id() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    let id = four_languages(&lib);
    let out = dir.path().join("out");
    lib.transfer().export(None, &out).unwrap();
    let before = lib.translations().status(&id).unwrap();

    let again = lib.transfer().import(std::slice::from_ref(&out)).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.failed.len(), 3);
    let message = &again.failed[0].message;
    assert!(
        message.contains(&format!(
            "Post {id} (\"Le sommet de Genève\") is already in this library"
        )),
        "{message}"
    );
    assert_eq!(lib.overview().unwrap().posts, 1, "no duplicate");

    lib.posts().delete(&id).unwrap();
    let back = lib.transfer().import(&[out]).unwrap();
    assert!(back.failed.is_empty(), "{:?}", back.failed);
    let new_id = back.imported[0].id.clone();
    assert_ne!(new_id, id, "the deleted post keeps its id for sync");
    assert!(back
        .imported
        .iter()
        .all(|f| f.id == new_id && f.exported_id.as_deref() == Some(id.as_str())));
    let mut restored = without_revisions(lib.translations().status(&new_id).unwrap());
    restored.id = id.clone();
    assert_eq!(restored, without_revisions(before));
}

#[test]
fn a_unit_that_spans_several_paragraphs_comes_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "a.sqlite3");
    let id = lib
        .posts()
        .create(NewPost {
            title: "Deux".into(),
            body: "Premier.\n\nSecond.\n".into(),
            ..NewPost::default()
        })
        .unwrap()
        .id;
    let english = PostText {
        title: "Two".into(),
        body: "First.\n\nAn added sentence.\n\nSecond.\n".into(),
        ..PostText::default()
    };
    lib.translations().add(&id, "en", english).unwrap();
    let before = lib.translations().status(&id).unwrap();
    let en = before.languages.iter().find(|l| l.lang == "en").unwrap();
    assert!(
        en.blocks.iter().any(|b| b.translation.contains("\n\n")),
        "the set-up gives one unit two paragraphs: {:?}",
        en.blocks
    );
    let out = dir.path().join("out");
    let files = lib.transfer().export(None, &out).unwrap();
    let written = std::fs::read_to_string(file(&files, "en")).unwrap();
    assert!(written.contains("parts: 2"), "{written}");

    let other = library(dir.path(), "b.sqlite3");
    let report = other.transfer().import(&[out]).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(
        without_revisions(other.translations().status(&id).unwrap()),
        without_revisions(before)
    );
}
