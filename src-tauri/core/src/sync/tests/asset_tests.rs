//! Assets between two desks through the in-memory backend: the record and
//! its files arrive, both sides' edits of different fields are kept, the
//! same field edited on both sides is kept visibly, a damaged file from the
//! backend is refused, and a file not published yet is simply absent.

use std::path::Path;

use super::memory::Memory;
use super::{png, Desk};
use crate::sync::record::RecordKey;
use crate::workflow::rules::CheckCode;

/// Desk a with its infographic synced, and desk b synced after it.
fn both_desks_with_infographic() -> (tempfile::TempDir, Desk, Desk, Memory, String) {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, _post) = desk_with_infographic(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    let b = Desk::open(dir.path(), "b");
    b.sync(&site).unwrap();
    (dir, a, b, site, asset)
}

/// Desk a with an infographic in French and Spanish, shown by a post.
fn desk_with_infographic(dir: &Path) -> (Desk, String, String) {
    let a = Desk::open(dir, "a");
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let asset = a.add_asset(
        &png(&files, "carte.fr.png", 30, 20, 1),
        "fr",
        "carte",
        "Carte du réseau",
    );
    a.add_asset(
        &png(&files, "carte.es.png", 30, 20, 2),
        "es",
        "carte",
        "Mapa de la red",
    );
    let post = a.new_post("La carte", &format!("Le réseau.\n\n![](asset:{asset})\n"));
    (a, asset, post)
}

fn sha(desk: &Desk, asset: &str, lang: &str) -> String {
    desk.lib.assets().file(asset, Some(lang)).unwrap().0.sha256
}

fn text(desk: &Desk, asset: &str, lang: &str) -> (String, String) {
    let a = desk.lib.assets().get(asset).unwrap();
    a.texts
        .iter()
        .find(|t| t.lang == lang)
        .map(|t| (t.alt.clone(), t.caption.clone()))
        .unwrap_or_default()
}

#[test]
fn an_asset_and_its_files_reach_another_desk_and_a_second_sync_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, post) = desk_with_infographic(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    assert!(site.live().contains_key(&RecordKey::Asset(asset.clone())));

    let b = Desk::open(dir.path(), "b");
    let got = b.sync(&site).unwrap();
    assert_eq!(got.files_received, 1, "the French file, shown: {got:?}");
    // The Spanish file was never published: not on this desk yet.
    assert_eq!(got.files_waiting, 1, "{got:?}");
    let here = b.lib.assets().get(&asset).unwrap();
    assert_eq!(here.name, "carte");
    assert_eq!(here.credit, "Atelier graphique");
    assert_eq!(text(&b, &asset, "es").0, "Mapa de la red");
    let fr = &here
        .variants
        .iter()
        .find(|v| v.lang.as_deref() == Some("fr"))
        .unwrap()
        .current;
    let es = &here
        .variants
        .iter()
        .find(|v| v.lang.as_deref() == Some("es"))
        .unwrap()
        .current;
    assert!(fr.here && !es.here, "{here:?}");
    assert_eq!(fr.sha256, sha(&a, &asset, "fr"));
    let bytes = b.lib.assets().file(&asset, Some("fr")).unwrap().1;
    assert_eq!(crate::assets::sha256_hex(&bytes), fr.sha256);
    assert!(b
        .lib
        .asset_folder()
        .thumbnail_path(&fr.sha256, 256)
        .exists());
    // The post renders its file; its asset checks pass.
    let html = b
        .lib
        .assets()
        .html(&b.body(&post, Some("fr")), "fr", &|l| l.sha256.to_string())
        .unwrap();
    assert!(html.contains(&fr.sha256), "{html}");
    let failed = b.lib.signoff().preflight(&post).unwrap();
    assert!(
        !failed.iter().any(|f| matches!(
            f.code,
            CheckCode::DanglingAsset | CheckCode::AssetNoVariant | CheckCode::AltTextMissing
        ) && f.go_to.lang.as_deref() == Some("fr")),
        "{failed:?}"
    );

    let (ups, downs) = (site.uploads(), site.downloads());
    let again = b.sync(&site).unwrap();
    assert!(again.is_quiet(), "{again:?}");
    assert!(a.sync(&site).unwrap().is_quiet());
    assert_eq!((site.uploads(), site.downloads()), (ups, downs));

    // The Spanish version is published on a: b gets its file at the next sync.
    a.lib
        .translations()
        .add(
            &post,
            "es",
            crate::PostText {
                title: "El mapa".into(),
                body: format!("La red.\n\n![](asset:{asset})\n"),
                ..Default::default()
            },
        )
        .unwrap();
    a.sync(&site).unwrap();
    let later = b.sync(&site).unwrap();
    assert_eq!(
        (later.files_received, later.files_waiting),
        (1, 0),
        "{later:?}"
    );
    let es_bytes = b.lib.assets().file(&asset, Some("es")).unwrap().1;
    assert_eq!(crate::assets::sha256_hex(&es_bytes), sha(&a, &asset, "es"));
}

#[test]
fn an_alt_text_edited_here_and_a_caption_there_both_survive() {
    let (_dir, a, b, site, asset) = both_desks_with_infographic();

    b.lib
        .assets()
        .set_text(&asset, "ar", Some("خريطة الشبكة"), None)
        .unwrap();
    a.lib
        .assets()
        .set_text(&asset, "fr", None, Some("Source : ministère"))
        .unwrap();
    b.sync(&site).unwrap();
    let merged = a.sync(&site).unwrap();
    assert_eq!(merged.merged, 1, "{merged:?}");
    b.sync(&site).unwrap();
    for desk in [&a, &b] {
        assert_eq!(text(desk, &asset, "ar").0, "خريطة الشبكة");
        assert_eq!(
            text(desk, &asset, "fr"),
            ("Carte du réseau".into(), "Source : ministère".into())
        );
    }
    let (ra, rb) = (
        a.lib.assets().get(&asset).unwrap(),
        b.lib.assets().get(&asset).unwrap(),
    );
    assert_eq!((ra.texts, ra.variants.len()), (rb.texts, rb.variants.len()));
    assert!(a.sync(&site).unwrap().is_quiet());
    assert!(b.sync(&site).unwrap().is_quiet());
}

#[test]
fn the_same_alt_text_edited_on_both_sides_keeps_both_values_visibly() {
    let (_dir, a, b, site, asset) = both_desks_with_infographic();

    b.lib
        .assets()
        .set_text(&asset, "es", Some("Mapa de las embajadas"), None)
        .unwrap();
    a.lib
        .assets()
        .set_text(&asset, "es", Some("Mapa de la red consular"), None)
        .unwrap();
    b.sync(&site).unwrap();
    let report = a.sync(&site).unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    assert!(
        report.notes.iter().any(|n| n.contains("es alt")),
        "{report:?}"
    );
    // The site's value is current on both; a keeps its own beside it.
    b.sync(&site).unwrap();
    assert_eq!(text(&a, &asset, "es").0, "Mapa de las embajadas");
    assert_eq!(text(&b, &asset, "es").0, "Mapa de las embajadas");
    let kept = a.lib.assets().get(&asset).unwrap().conflicts;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        (kept[0].field.as_str(), kept[0].lang.as_deref()),
        ("alt", Some("es"))
    );
    assert_eq!(kept[0].kept, "Mapa de la red consular");
    assert_eq!(crate::sync::status(&a.lib).unwrap().conflicts, 1);
    // Choosing (setting the field again) settles it, and it travels.
    a.lib
        .assets()
        .set_text(&asset, "es", Some("Mapa de la red consular"), None)
        .unwrap();
    assert!(a.lib.assets().get(&asset).unwrap().conflicts.is_empty());
    assert_eq!(crate::sync::status(&a.lib).unwrap().conflicts, 0);
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    assert_eq!(text(&b, &asset, "es").0, "Mapa de la red consular");
}

#[test]
fn a_damaged_file_from_the_backend_is_refused_naming_the_asset_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, _post) = desk_with_infographic(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    let fr = sha(&a, &asset, "fr");
    site.replace_file(&fr, b"<html>502 Bad Gateway</html>");

    let b = Desk::open(dir.path(), "b");
    let err = b.sync(&site).unwrap_err();
    assert_eq!(err.code(), "asset_file_refused", "{err}");
    assert!(
        err.to_string().contains("carte") && err.to_string().contains(&asset),
        "{err}"
    );
    assert!(
        !b.lib.asset_folder().path_of(&fr).exists(),
        "nothing stored"
    );
    // The record itself arrived; the file is still wanted.
    assert!(!b
        .lib
        .assets()
        .get(&asset)
        .unwrap()
        .variants
        .iter()
        .any(|v| v.current.here));

    // Repaired there: the next sync fetches it.
    let bytes = a.lib.assets().file(&asset, Some("fr")).unwrap().1;
    site.replace_file(&fr, &bytes);
    assert_eq!(b.sync(&site).unwrap().files_received, 1);
    assert!(b.lib.asset_folder().path_of(&fr).exists());
}

#[test]
fn a_post_showing_a_file_not_here_yet_waits_and_sends_no_placeholder() {
    let (_dir, _a, b, site, asset) = both_desks_with_infographic();
    // b writes a post with a Spanish translation: b has no Spanish file
    // (a never published it), so that version waits; the French one goes.
    let post = b.new_post("Le réseau", &format!("![](asset:{asset})\n"));
    b.lib
        .translations()
        .add(
            &post,
            "es",
            crate::PostText {
                title: "La red".into(),
                body: format!("![](asset:{asset})\n"),
                ..Default::default()
            },
        )
        .unwrap();
    let ups = site.uploads();
    let report = b.sync(&site).unwrap();
    assert_eq!(site.uploads(), ups, "nothing uploaded in its stead");
    assert_eq!(
        report.created_there, 1,
        "the French version only: {report:?}"
    );
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.contains("not on this desktop yet")),
        "{report:?}"
    );
    assert_eq!(report.waiting, 1, "{report:?}");
    let es_there = site.live().values().any(|r| {
        matches!(r, crate::sync::record::Record::Version(v) if v.post == post && v.lang == "es")
    });
    assert!(!es_there, "no version drawn with a placeholder");
}

#[test]
fn a_file_that_came_by_sync_and_is_not_fetched_yet_says_to_sync() {
    let (_dir, _a, b, _site, asset) = both_desks_with_infographic();
    // a never published the Spanish file: b has its record, not its bytes.
    for err in [
        b.lib.assets().file(&asset, Some("es")).unwrap_err(),
        b.lib
            .assets()
            .thumbnail(&asset, Some("es"), 100)
            .unwrap_err(),
    ] {
        assert_eq!(err.code(), "asset_file_not_fetched", "{err}");
        let said = err.to_string();
        for part in ["carte", "for es", "another desktop", "valise sync", "Sync"] {
            assert!(said.contains(part), "{part} missing from: {said}");
        }
        assert!(!said.contains("copy the library"), "{said}");
    }
    assert!(b.lib.assets().file(&asset, Some("fr")).is_ok());
}

#[test]
fn an_asset_deleted_on_the_backend_is_deleted_here() {
    let (_dir, _a, b, site, asset) = both_desks_with_infographic();
    site.delete_there(&RecordKey::Asset(asset.clone()));
    let report = b.sync(&site).unwrap();
    assert_eq!(report.deleted, 1, "{report:?}");
    assert_eq!(
        b.lib.assets().get(&asset).unwrap_err().code(),
        "asset_not_found"
    );
}

#[test]
fn an_asset_deleted_here_is_deleted_on_the_site_and_on_the_other_desk() {
    let (_dir, a, b, site, asset) = both_desks_with_infographic();
    let refused = a.lib.assets().delete(&asset, false).unwrap_err();
    assert_eq!(refused.code(), "asset_in_use", "a post shows it");
    a.lib.assets().delete(&asset, true).unwrap();

    let sent = a.sync(&site).unwrap();
    assert_eq!(sent.deleted_there, 1, "{sent:?}");
    assert!(!site.live().contains_key(&RecordKey::Asset(asset.clone())));
    let got = b.sync(&site).unwrap();
    assert_eq!(got.deleted, 1, "{got:?}");
    assert_eq!(
        b.lib.assets().get(&asset).unwrap_err().code(),
        "asset_not_found"
    );
    assert!(a.sync(&site).unwrap().is_quiet());
    assert!(b.sync(&site).unwrap().is_quiet());
}

#[test]
fn an_asset_deleted_here_but_edited_on_the_site_comes_back_with_the_edit() {
    let (_dir, a, b, site, asset) = both_desks_with_infographic();
    let fr = sha(&a, &asset, "fr");
    b.lib
        .assets()
        .set_text(&asset, "ar", Some("خريطة الشبكة"), None)
        .unwrap();
    b.sync(&site).unwrap();
    a.lib.assets().delete(&asset, true).unwrap();

    let report = a.sync(&site).unwrap();
    assert!(
        report.notes.iter().any(|n| n.contains("brought back")),
        "{report:?}"
    );
    assert_eq!(report.deleted_there, 0, "{report:?}");
    assert!(site.live().contains_key(&RecordKey::Asset(asset.clone())));
    // Back whole: the edit, the other texts, and the files kept in the folder.
    assert_eq!(text(&a, &asset, "ar").0, "خريطة الشبكة");
    assert_eq!(text(&a, &asset, "fr").0, "Carte du réseau");
    assert_eq!(sha(&a, &asset, "fr"), fr);
    assert!(a.lib.assets().file(&asset, Some("fr")).is_ok());
    b.sync(&site).unwrap();
    assert_eq!(
        a.lib.assets().get(&asset).unwrap().texts,
        b.lib.assets().get(&asset).unwrap().texts
    );
    assert!(a.sync(&site).unwrap().is_quiet());
    assert!(b.sync(&site).unwrap().is_quiet());
}

#[test]
fn a_file_added_here_and_lost_from_the_folder_says_so_and_the_rest_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let a = Desk::open(dir.path(), "a");
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let asset = a.add_asset(
        &png(&files, "carte.fr.png", 40, 30, 7),
        "fr",
        "carte",
        "Carte",
    );
    let shows = a.new_post("Le réseau", &format!("![](asset:{asset})\n"));
    let other = a.new_post("Sans image", "Un texte.\n");
    let sha = a.lib.assets().file(&asset, Some("fr")).unwrap().0.sha256;
    std::fs::remove_file(a.lib.asset_folder().path_of(&sha)).unwrap();

    let site = Memory::new();
    let report = a.sync(&site).unwrap();
    assert_eq!(site.uploads(), 0);
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.contains("added on this desktop")
                && s.contains("missing from the library's asset folder")),
        "{report:?}"
    );
    assert!(
        !report
            .skipped
            .iter()
            .any(|s| s.contains("not on this desktop yet")),
        "{report:?}"
    );
    assert_eq!(report.waiting, 1, "the post that shows it: {report:?}");
    let there = |id: &str| {
        site.live()
            .values()
            .any(|r| matches!(r, crate::sync::record::Record::Version(v) if v.post == id))
    };
    assert!(!there(&shows));
    assert!(there(&other), "the rest went");
}
