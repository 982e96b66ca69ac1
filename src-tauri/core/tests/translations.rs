//! Translations through the library: adding one, the per-block states as the
//! source changes, minor edits, marking current, "not planned", and saves made
//! block by block.

use valise_core::{
    BlockState, Completeness, Error, Library, NewPost, Origin, PostText, RecordKind, RevisionKind,
    SaveRequest, TranslationSave, TranslationStatus, UnitText,
};

const SOURCE: &str = "# Le sommet\n\nLa réunion a lieu à Genève lundi.\n\nLes délégations arrivent dimanche soir.\n\n- accord\n- calendrier\n";
const ENGLISH: &str = "# The summit\n\nThe meeting takes place in Geneva on Monday.\n\nDelegations arrive on Sunday evening.\n\n- agreement\n- timetable\n";

fn setup() -> (tempfile::TempDir, Library, String) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_as(dir.path().join("library.sqlite3"), Origin::Cli).unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet de Genève".into(),
            body: SOURCE.into(),
            ..NewPost::default()
        })
        .unwrap();
    (dir, lib, post.id)
}

fn english() -> PostText {
    PostText {
        title: "The Geneva summit".into(),
        body: ENGLISH.into(),
        ..PostText::default()
    }
}

fn edit_source(lib: &Library, id: &str, body: &str, minor: bool) {
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
            minor,
        })
        .unwrap();
}

fn language<'s>(status: &'s TranslationStatus, lang: &str) -> &'s valise_core::LanguageStatus {
    status.languages.iter().find(|l| l.lang == lang).unwrap()
}

fn states(status: &TranslationStatus, lang: &str) -> Vec<BlockState> {
    language(status, lang)
        .blocks
        .iter()
        .map(|b| b.state)
        .collect()
}

#[test]
fn a_new_translation_is_complete_and_the_other_languages_missing() {
    let (_dir, lib, id) = setup();
    let en = lib.translations().add(&id, "en", english()).unwrap();
    assert_eq!(en.lang, "en");
    assert_eq!(en.source_lang, "fr");
    assert_eq!(en.revision, 1);
    let status = lib.translations().status(&id).unwrap();
    let langs: Vec<(&str, &Completeness)> = status
        .languages
        .iter()
        .map(|l| (l.lang.as_str(), &l.completeness))
        .collect();
    assert_eq!(
        langs,
        vec![
            ("fr", &Completeness::Source),
            ("en", &Completeness::Complete),
            ("es", &Completeness::Missing),
            ("ar", &Completeness::Missing),
        ]
    );
    // Title and four body blocks, each beside its source.
    let en = language(&status, "en");
    assert_eq!(en.blocks.len(), 5);
    assert_eq!(en.blocks[2].source, "La réunion a lieu à Genève lundi.");
    assert_eq!(
        en.blocks[2].translation,
        "The meeting takes place in Geneva on Monday."
    );
    assert_eq!(language(&status, "ar").dir, valise_core::TextDirection::Rtl);
}

#[test]
fn a_changed_source_paragraph_outdates_exactly_that_block_with_its_old_text() {
    let (_dir, lib, id) = setup();
    lib.translations().add(&id, "en", english()).unwrap();
    let changed = SOURCE.replace("lundi", "mardi");
    edit_source(&lib, &id, &changed, false);
    let status = lib.translations().status(&id).unwrap();
    use BlockState::*;
    assert_eq!(
        states(&status, "en"),
        vec![Current, Current, Outdated, Current, Current]
    );
    let block = &language(&status, "en").blocks[2];
    assert_eq!(
        block.translated_from.as_deref(),
        Some("La réunion a lieu à Genève lundi.")
    );
    assert_eq!(block.source, "La réunion a lieu à Genève mardi.");
    assert_eq!(
        language(&status, "en").completeness,
        Completeness::Outdated {
            outdated: 1,
            missing: 0,
            orphaned: 0
        }
    );
    // Marking it current after review makes the language complete again.
    let status = lib
        .translations()
        .mark_current(&id, "en", std::slice::from_ref(&block.block))
        .unwrap();
    assert_eq!(language(&status, "en").completeness, Completeness::Complete);
}

#[test]
fn rewrapping_the_source_outdates_nothing_and_a_minor_edit_neither() {
    let (_dir, lib, id) = setup();
    lib.translations().add(&id, "en", english()).unwrap();
    let rewrapped = SOURCE.replace("a lieu à Genève", "a lieu\nà  Genève");
    edit_source(&lib, &id, &rewrapped, false);
    let status = lib.translations().status(&id).unwrap();
    assert_eq!(language(&status, "en").completeness, Completeness::Complete);

    edit_source(&lib, &id, &rewrapped.replace("soir", "soir."), true);
    let status = lib.translations().status(&id).unwrap();
    assert_eq!(language(&status, "en").completeness, Completeness::Complete);
    let history = lib.revisions().history(&id, None).unwrap();
    assert!(history.last().unwrap().minor, "{history:?}");
    assert!(!history[history.len() - 2].minor);
    // A later real change still outdates the block, against the minor edit's text.
    edit_source(&lib, &id, &rewrapped.replace("soir", "matin"), false);
    let status = lib.translations().status(&id).unwrap();
    let block = &language(&status, "en").blocks[3];
    assert_eq!(block.state, BlockState::Outdated);
    assert_eq!(
        block.translated_from.as_deref(),
        Some("Les délégations arrivent dimanche soir..")
    );
}

#[test]
fn inserted_and_deleted_source_paragraphs_are_missing_and_orphaned() {
    let (_dir, lib, id) = setup();
    lib.translations().add(&id, "en", english()).unwrap();
    let edited = SOURCE
        .replace("Les délégations arrivent dimanche soir.\n\n", "")
        .replace("- accord", "Un paragraphe ajouté.\n\n- accord");
    edit_source(&lib, &id, &edited, false);
    let status = lib.translations().status(&id).unwrap();
    use BlockState::*;
    assert_eq!(
        states(&status, "en"),
        vec![Current, Current, Current, Orphaned, Missing, Current]
    );
    let orphan = &language(&status, "en").blocks[3];
    assert_eq!(orphan.translation, "Delegations arrive on Sunday evening.");
}

#[test]
fn editing_the_translation_as_a_whole_keeps_its_blocks_paired() {
    let (_dir, lib, id) = setup();
    lib.translations().add(&id, "en", english()).unwrap();
    let mut text = lib.posts().get(&id, Some("en")).unwrap().text;
    text.body = text.body.replace("Monday", "Monday morning");
    let saved = lib
        .posts()
        .save(SaveRequest {
            id: id.clone(),
            lang: "en".into(),
            text,
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    assert_eq!(saved.post.revision, 2);
    let status = lib.translations().status(&id).unwrap();
    let en = language(&status, "en");
    assert_eq!(en.completeness, Completeness::Complete);
    assert_eq!(
        en.blocks[2].translation,
        "The meeting takes place in Geneva on Monday morning."
    );
}

#[test]
fn a_translation_saved_block_by_block() {
    let (_dir, lib, id) = setup();
    lib.translations()
        .add(&id, "es", PostText::default())
        .unwrap();
    let status = lib.translations().status(&id).unwrap();
    let es = language(&status, "es");
    assert!(es.blocks.iter().all(|b| b.state == BlockState::Missing));
    let units: Vec<UnitText> = es
        .blocks
        .iter()
        .take(3)
        .map(|b| UnitText {
            block: b.block.clone(),
            text: format!("ES {}", b.source),
        })
        .collect();
    let saved = lib
        .translations()
        .save(TranslationSave {
            id: id.clone(),
            lang: "es".into(),
            units,
            kind: RevisionKind::Autosave,
            base: Some(1),
        })
        .unwrap();
    assert_eq!(saved.post.text.title, "ES Le sommet de Genève");
    assert_eq!(
        saved.post.text.body,
        "ES # Le sommet\n\nES La réunion a lieu à Genève lundi.\n"
    );
    let status = lib.translations().status(&id).unwrap();
    use BlockState::*;
    assert_eq!(
        states(&status, "es"),
        vec![Current, Current, Current, Missing, Missing]
    );
}

#[test]
fn not_planned_is_recorded_with_who_and_why_until_a_translation_comes() {
    let (_dir, lib, id) = setup();
    lib.translations()
        .not_planned(
            &id,
            "ar",
            "Amina",
            "Sujet interne, pas pour le public arabophone",
        )
        .unwrap();
    let status = lib.translations().status(&id).unwrap();
    match &language(&status, "ar").completeness {
        Completeness::NotPlanned { by, reason, .. } => {
            assert_eq!(by, "Amina");
            assert!(reason.starts_with("Sujet interne"));
        }
        other => panic!("{other:?}"),
    }
    let feed = lib.changes().since(0, 100).unwrap();
    assert!(feed
        .iter()
        .flat_map(|s| &s.changes)
        .any(|c| c.kind == RecordKind::TranslationPlan && c.lang.as_deref() == Some("ar")));
    assert!(matches!(
        lib.translations().not_planned(&id, "ar", "Amina", " "),
        Err(Error::PlanNeedsReason)
    ));
    lib.translations()
        .add(&id, "ar", PostText::default())
        .unwrap();
    let status = lib.translations().status(&id).unwrap();
    assert!(matches!(
        language(&status, "ar").completeness,
        Completeness::Outdated { missing: 5, .. }
    ));
}

#[test]
fn wrong_requests_are_clear_errors_and_change_nothing() {
    let (_dir, lib, id) = setup();
    assert!(matches!(
        lib.translations().add(&id, "fr", english()),
        Err(Error::IsTheSource { .. })
    ));
    assert!(matches!(
        lib.translations().add(&id, "de", english()),
        Err(Error::UnknownLanguage { .. })
    ));
    lib.translations().add(&id, "en", english()).unwrap();
    assert!(matches!(
        lib.translations().add(&id, "en", english()),
        Err(Error::TranslationExists { .. })
    ));
    let err = lib
        .translations()
        .mark_current(&id, "en", &["nosuchbl".to_string()])
        .unwrap_err();
    assert!(matches!(err, Error::BlockNotTranslated { .. }), "{err}");
    assert!(err.to_string().contains("nosuchbl"));
    assert_eq!(lib.posts().get(&id, Some("en")).unwrap().revision, 1);
}
