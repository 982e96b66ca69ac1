//! Media through the in-memory backend: each file a version shows goes up
//! once per checksum with its language's alt text, the version is sent with
//! the figures that point at it, and a new file version, a changed alt text
//! or a damaged stored file each do what they should.

use std::path::Path;

use super::memory::{Fault, Memory};
use super::{png, Desk};
use crate::sync::record::RecordKey;
use crate::PostText;

fn key(desk: &Desk, id: &str, lang: &str) -> RecordKey {
    desk.lib
        .read(|c| {
            Ok(RecordKey::Version(c.query_row(
                "SELECT v.uid FROM language_versions v JOIN posts p ON p.id = v.post_id \
                 WHERE p.uid = ?1 AND v.lang = ?2",
                [id, lang],
                |r| r.get::<_, String>(0),
            )?))
        })
        .unwrap()
}

/// A desk with a map in French and Arabic, and a post showing it in both.
fn desk_with_map(dir: &Path) -> (Desk, String, String) {
    let a = Desk::open(dir, "a");
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let asset = a.add_asset(
        &png(&files, "carte.fr.png", 40, 30, 1),
        "fr",
        "carte-reseau",
        "Carte du réseau",
    );
    a.add_asset(
        &png(&files, "carte.ar.png", 40, 30, 2),
        "ar",
        "carte-reseau",
        "خريطة الشبكة",
    );
    let body = format!("Le réseau.\n\n![](asset:{asset})\n");
    let post = a.new_post("La carte", &body);
    a.lib
        .translations()
        .add(
            &post,
            "ar",
            PostText {
                title: "الخريطة".into(),
                body: format!("الشبكة.\n\n![](asset:{})\n", &asset[..8]),
                ..Default::default()
            },
        )
        .unwrap();
    (a, asset, post)
}

fn figure(site: &Memory, key: &RecordKey) -> crate::render::Figure {
    let figures = site.figures_of(key);
    assert_eq!(figures.by_ref.len(), 1, "{figures:?}");
    assert_eq!(figures.signed.len(), 1, "{figures:?}");
    figures.by_ref.into_values().next().unwrap()
}

#[test]
fn each_language_shows_its_own_file_uploaded_once_with_its_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _asset, post) = desk_with_map(dir.path());
    let site = Memory::new();
    let first = a.sync(&site).unwrap();
    assert_eq!(first.created_there, 3, "two versions, one asset: {first:?}");
    assert_eq!(site.uploads(), 2);
    let fr = figure(&site, &key(&a, &post, "fr"));
    let ar = figure(&site, &key(&a, &post, "ar"));
    assert!(fr.url.ends_with("carte-reseau.fr.png"), "{}", fr.url);
    assert!(ar.url.ends_with("carte-reseau.ar.png"), "{}", ar.url);
    assert_eq!(fr.alt, "Carte du réseau");
    assert_eq!(ar.alt, "خريطة الشبكة");
    assert_eq!((fr.width, fr.height), (Some(40), Some(30)));

    let again = a.sync(&site).unwrap();
    assert!(again.is_quiet(), "{again:?}");
    assert_eq!(site.uploads(), 2, "nothing uploaded twice");
    assert_eq!(crate::sync::status(&a.lib).unwrap().backends[0].waiting, 0);
}

#[test]
fn a_new_file_version_or_alt_text_sends_the_posts_that_show_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, post) = desk_with_map(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    let before = figure(&site, &key(&a, &post, "fr"));

    // The designer saves a corrected French map under the same name.
    let old = a.lib.assets().file(&asset, Some("fr")).unwrap().0.sha256;
    let newer = png(&dir.path().join("files"), "carte2.fr.png", 40, 30, 9);
    a.add_asset(&newer, "fr", "carte-reseau", "Carte du réseau");
    assert_eq!(crate::sync::status(&a.lib).unwrap().backends[0].waiting, 2);
    let report = a.sync(&site).unwrap();
    assert_eq!(
        report.updated_there, 2,
        "the asset and only the French version: {report:?}"
    );
    assert_eq!(site.uploads(), 3);
    let after = figure(&site, &key(&a, &post, "fr"));
    assert_ne!(after.url, before.url);
    // No version shows the old file any more: this library's upload goes.
    assert_eq!(report.media_deleted, 1, "{report:?}");
    assert!(!site.holds_media(&old));
    assert!(a.sync(&site).unwrap().is_quiet());

    // A better Arabic alt text: the attachment's text and the Arabic version.
    a.lib
        .assets()
        .set_text(&asset, "ar", Some("خريطة شبكة السفارات"), None)
        .unwrap();
    let report = a.sync(&site).unwrap();
    assert_eq!(
        report.updated_there, 2,
        "the asset, the Arabic version: {report:?}"
    );
    assert_eq!(site.uploads(), 3, "a text change uploads nothing");
    assert_eq!(
        figure(&site, &key(&a, &post, "ar")).alt,
        "خريطة شبكة السفارات"
    );
    let ar_file = a.lib.assets().file(&asset, Some("ar")).unwrap().0.sha256;
    assert_eq!(site.media_text(&ar_file).unwrap().0, "خريطة شبكة السفارات");
    assert!(a.sync(&site).unwrap().is_quiet());
}

#[test]
fn an_upload_whose_answer_was_lost_is_not_stored_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _asset, _post) = desk_with_map(dir.path());
    let site = Memory::new();
    // The pull and the asset's record go through; the first upload acts,
    // then its answer is lost.
    site.script(vec![None, None, Some(Fault::After)]);
    assert!(a.sync(&site).is_err());
    assert_eq!(site.uploads(), 1);
    a.sync(&site).unwrap();
    assert_eq!(site.uploads(), 2, "one per file, the lost one not again");
    assert_eq!(site.live().len(), 3, "two versions and the asset");
}

#[test]
fn a_damaged_stored_file_stops_its_post_naming_the_asset_and_sends_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, post) = desk_with_map(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    let newer = png(&dir.path().join("files"), "carte3.fr.png", 40, 30, 7);
    a.add_asset(&newer, "fr", "carte-reseau", "Carte du réseau");
    let sha = a.lib.assets().file(&asset, Some("fr")).unwrap().0.sha256;
    // Changed behind the library's back.
    let stored = a.lib.asset_folder().path_of(&sha);
    let mut bytes = std::fs::read(&stored).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&stored, &bytes).unwrap();

    let before = figure(&site, &key(&a, &post, "fr"));
    let err = a.sync(&site).unwrap_err();
    assert_eq!(err.code(), "asset_file_damaged", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("carte-reseau") && message.contains(&asset),
        "{message}"
    );
    assert_eq!(site.uploads(), 2, "nothing uploaded");
    assert_eq!(
        figure(&site, &key(&a, &post, "fr")),
        before,
        "nothing half-published"
    );
    let status = crate::sync::status(&a.lib).unwrap();
    assert_eq!(
        status.backends[0].waiting, 1,
        "the post stays in the outbox"
    );

    // Put right (the file restored), the next sync sends it.
    bytes[last] ^= 0xff;
    std::fs::write(&stored, &bytes).unwrap();
    let report = a.sync(&site).unwrap();
    assert_eq!(report.updated_there, 1, "{report:?}");
    assert_eq!(site.uploads(), 3);
}

#[test]
fn a_replaced_file_is_deleted_by_the_library_that_uploaded_it_once_no_version_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, asset, post) = desk_with_map(dir.path());
    let site = Memory::new();
    a.sync(&site).unwrap();
    let old = a.lib.assets().file(&asset, Some("fr")).unwrap().0.sha256;
    let b = super::Desk::open(dir.path(), "b");
    b.sync(&site).unwrap();
    let before = figure(&site, &key(&b, &post, "fr"));
    // b saves the corrected French map; a uploaded the old one.
    let newer = png(&dir.path().join("files"), "carte2.fr.png", 40, 30, 9);
    b.add_asset(&newer, "fr", "carte-reseau", "Carte du réseau");
    let report = b.sync(&site).unwrap();
    assert_eq!(report.media_deleted, 0, "not b's upload: {report:?}");
    assert!(site.holds_media(&old));
    assert_ne!(figure(&site, &key(&b, &post, "fr")).url, before.url);
    // a first fetches the new file (its versions wait for it meanwhile, and
    // its own record of them still shows the old one: kept)...
    let report = a.sync(&site).unwrap();
    assert_eq!((report.files_received, report.media_deleted), (1, 0));
    assert!(site.holds_media(&old));
    // ...then sends them with it, and deletes what it had uploaded.
    let report = a.sync(&site).unwrap();
    assert_eq!(report.media_deleted, 1, "{report:?}");
    assert!(!site.holds_media(&old));
    let report = a.sync(&site).unwrap();
    assert_eq!((report.media_deleted, report.media_pending.len()), (0, 0));
}
