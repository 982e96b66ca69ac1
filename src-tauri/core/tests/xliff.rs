//! XLIFF through the library: export, a translator filling the targets,
//! import; outdated units; what translation tools add; and bad files, each
//! refused with a clear error and no change at all.

use std::path::Path;

use valise_core::translation::xliff::{ExportOptions, XliffVersion};
use valise_core::{
    BlockState, Error, Library, NewPost, Origin, PostText, RevisionKind, SaveRequest,
    TranslationStatus,
};

const BODY: &str = "## Ce qui a été *décidé*\n\nUn objectif de **30 % des espaces** sous protection, voir [le rapport](https://example.org/rapport \"Rapport\") et `valise`[^1].\n\n- un mécanisme ~~annuel~~ de suivi ;\n- un fonds  \npour les côtes.\n\n> « Un océan en bonne santé. »\n\n| Indicateur | 2020 |\n|---|---|\n| Aires | 8 % |\n\n![Carte du réseau](asset:carte) <kbd>Entrée</kbd>\n\n```\ncode non traduit\n```\n\n[^1]: La note de bas de page.\n";

/// What the translator's tool returns for BODY, texts in capitals.
const UPPER: &str = "## CE QUI A ÉTÉ *DÉCIDÉ*\n\nUN OBJECTIF DE **30 % DES ESPACES** SOUS PROTECTION, VOIR [LE RAPPORT](https://example.org/rapport \"Rapport\") ET `valise`[^1].\n\n- UN MÉCANISME ~~ANNUEL~~ DE SUIVI ;\n- UN FONDS  \nPOUR LES CÔTES.\n\n> « UN OCÉAN EN BONNE SANTÉ. »\n\n| INDICATEUR | 2020 |\n|---|---|\n| AIRES | 8 % |\n\n![CARTE DU RÉSEAU](asset:carte) <kbd>ENTRÉE</kbd>\n\n```\ncode non traduit\n```\n\n[^1]: LA NOTE DE BAS DE PAGE.\n";

fn setup() -> (tempfile::TempDir, Library, String) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_as(dir.path().join("library.sqlite3"), Origin::Cli).unwrap();
    let id = new_post(&lib, "Sommet des océans", BODY);
    (dir, lib, id)
}

fn new_post(lib: &Library, title: &str, body: &str) -> String {
    let post = lib
        .posts()
        .create(NewPost {
            title: title.into(),
            body: body.into(),
            ..NewPost::default()
        })
        .unwrap();
    let mut text = post.text.clone();
    text.summary = "Trois jours de discussions.".into();
    text.share_text = "La délégation revient de Lisbonne.".into();
    save(lib, &post.id, "fr", text);
    post.id
}

fn save(lib: &Library, id: &str, lang: &str, text: PostText) {
    lib.posts()
        .save(SaveRequest {
            id: id.into(),
            lang: lang.into(),
            text,
            kind: RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
}

fn export(lib: &Library, ids: &[&str], only_outdated: bool) -> String {
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    lib.xliff()
        .export(
            &ids,
            "en",
            ExportOptions {
                only_outdated,
                ..ExportOptions::default()
            },
        )
        .unwrap()
}

fn export_2_0(lib: &Library, id: &str) -> String {
    lib.xliff()
        .export(
            &[id.to_string()],
            "en",
            ExportOptions {
                version: XliffVersion::V2_0,
                ..ExportOptions::default()
            },
        )
        .unwrap()
}

/// `fill` for XLIFF 2.0: a target after each source (replacing any), the
/// segment marked translated.
fn fill_2_0(doc: &str) -> String {
    let mut out = String::new();
    for segment in doc.split_inclusive("</segment>") {
        let Some(start) = segment.find("<source xml:space=\"preserve\">") else {
            out.push_str(segment);
            continue;
        };
        let open = start + "<source xml:space=\"preserve\">".len();
        let end = open + segment[open..].find("</source>").unwrap() + "</source>".len();
        let head = segment[..end].replace("state=\"initial\"", "state=\"translated\"");
        out.push_str(&head);
        out.push_str("\n<target xml:space=\"preserve\">");
        out.push_str(&upper_outside_markup(
            &segment[open..end - "</source>".len()],
        ));
        out.push_str("</target>\n      </segment>");
    }
    out
}

/// Plays the translator: every target becomes its source with the text in
/// capitals (entities and markup left alone), marked translated.
fn fill(doc: &str) -> String {
    let mut out = String::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<source xml:space=\"preserve\">") {
        let open = start + "<source xml:space=\"preserve\">".len();
        let end = open + rest[open..].find("</source>").unwrap();
        let source = &rest[open..end];
        let t_start = end + rest[end..].find("<target").unwrap();
        let t_end = t_start + rest[t_start..].find("</target>").unwrap() + "</target>".len();
        out.push_str(&rest[..t_start]);
        out.push_str("<target xml:space=\"preserve\" state=\"translated\">");
        out.push_str(&upper_outside_markup(source));
        out.push_str("</target>");
        rest = &rest[t_end..];
    }
    out.push_str(rest);
    out
}

fn upper_outside_markup(s: &str) -> String {
    let mut out = String::new();
    let mut in_markup = false;
    for c in s.chars() {
        match c {
            '<' | '&' => in_markup = true,
            '>' | ';' if in_markup => {
                in_markup = false;
                out.push(c);
                continue;
            }
            _ => {}
        }
        if in_markup {
            out.push(c);
        } else {
            out.extend(c.to_uppercase());
        }
    }
    out
}

fn import(
    lib: &Library,
    doc: &str,
) -> valise_core::Result<Vec<valise_core::translation::xliff::ImportedPost>> {
    lib.xliff().import_text(Path::new("traduction.xlf"), doc)
}

fn states(status: &TranslationStatus, lang: &str) -> Vec<(String, BlockState)> {
    status
        .languages
        .iter()
        .find(|l| l.lang == lang)
        .unwrap()
        .blocks
        .iter()
        .map(|b| (b.block.clone(), b.state))
        .collect()
}

/// Everything an import could change: every post's translations block by
/// block, and the change feed.
fn snapshot(lib: &Library, ids: &[&str]) -> String {
    let statuses: Vec<TranslationStatus> = ids
        .iter()
        .map(|id| lib.translations().status(id).unwrap())
        .collect();
    format!("{statuses:?} {}", lib.changes().latest().unwrap())
}

#[test]
fn export_fill_and_import_gives_the_translated_post() {
    let (_dir, lib, id) = setup();
    let doc = export(&lib, &[&id], false);
    assert!(doc.contains(&format!("original=\"{id}\"")));
    assert!(doc.contains("source-language=\"fr\" target-language=\"en\""));
    assert!(doc.contains("state=\"needs-translation\""));
    assert!(
        !doc.contains("code non traduit"),
        "code is not for translators"
    );
    let imported = import(&lib, &fill(&doc)).unwrap();
    assert_eq!(imported.len(), 1);
    assert!(imported[0].created);
    assert_eq!(imported[0].outdated, 0);

    let post = lib.posts().get(&id, Some("en")).unwrap();
    assert_eq!(post.text.title, "SOMMET DES OCÉANS");
    assert_eq!(post.text.summary, "TROIS JOURS DE DISCUSSIONS.");
    assert_eq!(post.text.share_text, "LA DÉLÉGATION REVIENT DE LISBONNE.");
    assert_eq!(post.text.body, UPPER);
    let status = lib.translations().status(&id).unwrap();
    assert!(states(&status, "en")
        .iter()
        .all(|(_, s)| *s == BlockState::Current));
    let history = lib.revisions().history(&id, Some("en")).unwrap();
    assert_eq!(history.last().unwrap().kind, RevisionKind::Import);
    let last = lib.changes().since(0, 1000).unwrap().pop().unwrap();
    assert_eq!(last.origin, Origin::Import);
}

#[test]
fn a_unit_translated_from_an_older_source_comes_back_outdated() {
    let (_dir, lib, id) = setup();
    let filled = fill(&export(&lib, &[&id], false));
    let mut text = lib.posts().get(&id, None).unwrap().text;
    text.body = text
        .body
        .replace("« Un océan en bonne santé. »", "« Un océan protégé. »");
    save(&lib, &id, "fr", text);

    let imported = import(&lib, &filled).unwrap();
    assert_eq!(imported[0].outdated, 1);
    let status = lib.translations().status(&id).unwrap();
    let en = status.languages.iter().find(|l| l.lang == "en").unwrap();
    let quote = en
        .blocks
        .iter()
        .find(|b| b.source.contains("protégé"))
        .unwrap();
    assert_eq!(quote.state, BlockState::Outdated);
    assert_eq!(quote.translation, "> « UN OCÉAN EN BONNE SANTÉ. »");
    assert_eq!(
        quote.translated_from.as_deref(),
        Some("> « Un océan en bonne santé. »")
    );
    assert_eq!(
        en.blocks
            .iter()
            .filter(|b| b.state != BlockState::Current)
            .count(),
        1
    );
}

#[test]
fn only_outdated_exports_the_outdated_and_missing_units_with_the_old_source() {
    let (_dir, lib, id) = setup();
    import(&lib, &fill(&export(&lib, &[&id], false))).unwrap();
    let mut text = lib.posts().get(&id, None).unwrap().text;
    text.body = text
        .body
        .replace("« Un océan en bonne santé. »", "« Un océan protégé. »");
    text.body.push_str("\nUn paragraphe nouveau.\n");
    save(&lib, &id, "fr", text);

    let doc = export(&lib, &[&id], true);
    assert_eq!(doc.matches("<trans-unit ").count(), 2, "{doc}");
    assert!(
        doc.contains("state=\"needs-review-translation\">« UN OCÉAN EN BONNE SANTÉ. »</target>")
    );
    assert!(doc.contains("state=\"needs-translation\"></target>"));
    assert!(doc.contains("It was: &gt; « Un océan en bonne santé. »</note>"));
    let all = export(&lib, &[&id], false);
    assert!(all.contains("state=\"translated\">SOMMET DES OCÉANS</target>"));
}

#[test]
fn an_empty_target_leaves_the_translation_as_it_was() {
    let (_dir, lib, id) = setup();
    import(&lib, &fill(&export(&lib, &[&id], false))).unwrap();
    let before = lib.posts().get(&id, Some("en")).unwrap();
    let doc = export(&lib, &[&id], false);
    let start = doc
        .find("state=\"translated\">SOMMET DES OCÉANS</target>")
        .unwrap();
    let emptied = format!(
        "{}state=\"translated\"></target>{}",
        &doc[..start],
        &doc[start + "state=\"translated\">SOMMET DES OCÉANS</target>".len()..]
    );
    import(&lib, &emptied).unwrap();
    let after = lib.posts().get(&id, Some("en")).unwrap();
    assert_eq!(after.text, before.text);
    // And a target left "needs-translation" is not taken either.
    let untouched = export(&lib, &[&id], false).replace(
        "state=\"translated\">SOMMET DES OCÉANS",
        "state=\"needs-translation\">AUTRE",
    );
    import(&lib, &untouched).unwrap();
    assert_eq!(
        lib.posts().get(&id, Some("en")).unwrap().text.title,
        "SOMMET DES OCÉANS"
    );
}

#[test]
fn notes_and_attributes_the_tool_added_are_exported_again() {
    let (_dir, lib, id) = setup();
    let filled = fill(&export(&lib, &[&id], false))
        .replace(
            "<xliff version=\"1.2\"",
            "<xliff xmlns:cat=\"urn:example:cat\" version=\"1.2\"",
        )
        .replacen(
            "<trans-unit id=\"title\"",
            "<trans-unit cat:status=\"confirmed\" id=\"title\"",
            1,
        )
        .replacen(
            "</target>",
            "</target>\n<note from=\"translator\" priority=\"2\">Titre validé par la presse</note>",
            1,
        );
    import(&lib, &filled).unwrap();
    let again = export(&lib, &[&id], false);
    assert!(again.contains("xmlns:cat=\"urn:example:cat\""), "{again}");
    assert!(again.contains("cat:status=\"confirmed\""));
    assert!(again
        .contains("<note from=\"translator\" priority=\"2\">Titre validé par la presse</note>"));
    // Valise's own note is not taken for the tool's.
    let mut text = lib.posts().get(&id, None).unwrap().text;
    text.title = "Sommet des mers".into();
    save(&lib, &id, "fr", text);
    let outdated = export(&lib, &[&id], false);
    import(&lib, &outdated).unwrap();
    let after = export(&lib, &[&id], false);
    assert_eq!(after.matches("<note from=\"valise\"").count(), 1, "{after}");
}

#[test]
fn several_posts_in_one_file_come_in_together_or_not_at_all() {
    let (_dir, lib, first) = setup();
    let second = new_post(&lib, "Bourses", "Les candidatures sont *ouvertes*.\n");
    let doc = fill(&export(&lib, &[&first, &second], false));
    assert_eq!(doc.matches("<file ").count(), 2);
    let before = snapshot(&lib, &[&first, &second]);
    let broken = doc.replace("<g id=\"1\" ctype=\"italic\">OUVERTES</g>", "OUVERTES");
    let err = import(&lib, &broken).unwrap_err();
    assert_eq!(err.code(), "xliff_unit_rejected");
    assert!(err.to_string().contains(&second), "{err}");
    assert_eq!(snapshot(&lib, &[&first, &second]), before);
    assert_eq!(import(&lib, &doc).unwrap().len(), 2);
    assert_eq!(
        lib.posts().get(&second, Some("en")).unwrap().text.body,
        "LES CANDIDATURES SONT *OUVERTES*.\n"
    );
}

#[test]
fn xliff_2_0_comes_back_like_1_2() {
    let (_dir, lib, id) = setup();
    let doc = export_2_0(&lib, &id);
    assert!(doc.contains("xmlns=\"urn:oasis:names:tc:xliff:document:2.0\""));
    assert!(doc.contains("srcLang=\"fr\" trgLang=\"en\""));
    assert!(doc.contains("<pc id=\"1\" type=\"fmt\" subType=\"xlf:i\">décidé</pc>"));
    assert!(doc.contains("type=\"other\"/>"));
    // Left `initial`, a unit is not taken.
    assert_eq!(import(&lib, &doc).unwrap()[0].translated, 0);
    let imported = import(&lib, &fill_2_0(&doc)).unwrap();
    assert!(imported[0].created);
    let post = lib.posts().get(&id, Some("en")).unwrap();
    assert_eq!(post.text.body, UPPER);
    assert_eq!(post.text.title, "SOMMET DES OCÉANS");

    // Outdated: the old source as Valise's note; the tool's note and
    // attribute kept from one export to the next.
    let mut text = lib.posts().get(&id, None).unwrap().text;
    text.title = "Sommet des mers".into();
    save(&lib, &id, "fr", text);
    let doc = export_2_0(&lib, &id);
    assert!(doc.contains("<note category=\"valise\" appliesTo=\"source\">The source changed since this was translated. It was: Sommet des océans</note>"), "{doc}");
    let with_extras = doc
        .replace("<xliff ", "<xliff xmlns:cat=\"urn:example:cat\" ")
        .replacen("<unit id=\"title\">", "<unit id=\"title\" cat:status=\"confirmed\">\n<notes><note category=\"translator\">Vu</note></notes>", 1);
    import(&lib, &with_extras).unwrap();
    let again = export_2_0(&lib, &id);
    assert!(again.contains("cat:status=\"confirmed\""), "{again}");
    assert!(
        again.contains("<note category=\"translator\">Vu</note>"),
        "{again}"
    );
}

#[test]
fn a_block_deleted_since_the_export_refuses_its_translation_but_not_an_empty_unit() {
    let (_dir, lib, id) = setup();
    let doc = export(&lib, &[&id], false);
    let filled = fill(&doc);
    let mut text = lib.posts().get(&id, None).unwrap().text;
    text.body = text.body.replace("> « Un océan en bonne santé. »\n\n", "");
    save(&lib, &id, "fr", text);
    let before = snapshot(&lib, &[&id]);
    let err = import(&lib, &filled).unwrap_err();
    assert!(err.to_string().contains("deleted from the source"), "{err}");
    assert_eq!(snapshot(&lib, &[&id]), before);
    // Untranslated, the same unit is no obstacle.
    let only_title = doc.replacen(
        "state=\"needs-translation\"></target>",
        "state=\"translated\">SUMMIT</target>",
        1,
    );
    assert_eq!(import(&lib, &only_title).unwrap()[0].translated, 1);
}

#[test]
fn a_translation_formatted_unlike_its_source_is_a_note_not_a_target() {
    let (_dir, lib, id) = setup();
    import(&lib, &fill(&export(&lib, &[&id], false))).unwrap();
    let mut text = lib.posts().get(&id, Some("en")).unwrap().text;
    text.body = text
        .body
        .replace("**30 % DES ESPACES**", "30 % DES ESPACES");
    save(&lib, &id, "en", text);
    let doc = export(&lib, &[&id], false);
    let unit = doc
        .split("<trans-unit ")
        .find(|u| u.contains("UN OBJECTIF DE 30 % DES ESPACES"))
        .unwrap();
    assert!(
        unit.contains("state=\"needs-review-translation\"></target>"),
        "{unit}"
    );
    assert!(
        unit.contains("formatted differently from the source"),
        "{unit}"
    );
}

/// Each bad file: its error code, words its message must hold.
fn refused(lib: &Library, id: &str, doc: &str, code: &str, words: &[&str]) {
    let before = snapshot(lib, &[id]);
    let err = import(lib, doc).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    let message = err.to_string();
    assert!(message.contains("traduction.xlf"), "{message}");
    for w in words {
        assert!(message.contains(w), "{message:?} lacks {w:?}");
    }
    assert_eq!(snapshot(lib, &[id]), before, "{message}");
}

#[test]
fn bad_files_are_refused_with_a_clear_error_and_change_nothing() {
    let (_dir, lib, id) = setup();
    // A translation exists already: nothing of it may change either.
    import(&lib, &fill(&export(&lib, &[&id], false))).unwrap();
    let good = fill(&export(&lib, &[&id], false));
    let list = good.find("UN MÉCANISME").unwrap();
    let unit_of_list = {
        let at = good[..list].rfind("<trans-unit id=\"").unwrap() + "<trans-unit id=\"".len();
        good[at..at + 8].to_string()
    };

    refused(
        &lib,
        &id,
        "Ceci n'est pas du XML",
        "xliff_unreadable",
        &["not an XLIFF file"],
    );
    refused(
        &lib,
        &id,
        &good[..good.len() / 2],
        "xliff_unreadable",
        &["cut short"],
    );
    refused(
        &lib,
        &id,
        &good.replacen(&format!("id=\"{unit_of_list}\""), "id=\"inconnu\"", 1),
        "xliff_unit_rejected",
        &["unit inconnu", "no block with this id"],
    );
    // Mismatched inline codes: one missing, one unknown.
    let target_at = good[list..].find("<x id=\"").unwrap() + list;
    let x_end = target_at + good[target_at..].find("/>").unwrap() + 2;
    let missing = format!("{}{}", &good[..target_at], &good[x_end..]);
    refused(
        &lib,
        &id,
        &missing,
        "xliff_unit_rejected",
        &[&unit_of_list, "missing"],
    );
    let unknown = format!("{}<x id=\"99\"/>{}", &good[..target_at], &good[x_end..]);
    refused(
        &lib,
        &id,
        &unknown,
        "xliff_unit_rejected",
        &[&unit_of_list, "99"],
    );
    refused(
        &lib,
        &id,
        &good.replace("target-language=\"en\"", "target-language=\"fr\""),
        "xliff_rejected",
        &["target language fr is the source language"],
    );
    refused(
        &lib,
        &id,
        &good.replace("target-language=\"en\"", "target-language=\"de\""),
        "xliff_rejected",
        &["'de' is not one of this library's languages"],
    );
    let stranger = "0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00";
    refused(
        &lib,
        &id,
        &good.replace(&id, stranger),
        "xliff_rejected",
        &[stranger, "which this library does not have"],
    );
    refused(
        &lib,
        &id,
        &good.replacen(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\"?><!DOCTYPE xliff [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
            1,
        ),
        "xliff_unreadable",
        &["DOCTYPE"],
    );
    let edited_source = good.replacen(
        "<source xml:space=\"preserve\">Sommet des océans</source>",
        "<source xml:space=\"preserve\">Sommet des mers</source>",
        1,
    );
    refused(
        &lib,
        &id,
        &edited_source,
        "xliff_unit_rejected",
        &["unit title", "not the source Valise exported"],
    );
    // The good file still imports: the refusals were about the files.
    assert!(import(&lib, &good).is_ok());
}

#[test]
fn without_its_skeleton_a_file_imports_only_while_the_source_is_unchanged() {
    let (_dir, lib, id) = setup();
    let filled = fill(&export(&lib, &[&id], false));
    let no_skeleton = {
        let a = filled.find("<skl>").unwrap();
        let b = filled.find("</skl>").unwrap() + "</skl>".len();
        format!("{}{}", &filled[..a], &filled[b..])
    };
    let mut text = lib.posts().get(&id, None).unwrap().text;
    let original = text.clone();
    text.body = text
        .body
        .replace("« Un océan en bonne santé. »", "« Un océan protégé. »");
    save(&lib, &id, "fr", text);
    refused(
        &lib,
        &id,
        &no_skeleton,
        "xliff_unit_rejected",
        &["no Valise skeleton"],
    );
    save(&lib, &id, "fr", original);
    import(&lib, &no_skeleton).unwrap();
    assert_eq!(lib.posts().get(&id, Some("en")).unwrap().text.body, UPPER);
}

#[test]
fn a_file_with_an_unknown_post_is_an_error_naming_the_file() {
    let (_dir, lib, id) = setup();
    let doc = export(&lib, &[&id], false);
    lib.posts().delete(&id).unwrap();
    match import(&lib, &fill(&doc)) {
        Err(Error::XliffRejected { path, reason }) => {
            assert_eq!(path, Path::new("traduction.xlf"));
            assert!(reason.contains(&id));
        }
        other => panic!("{other:?}"),
    }
}
