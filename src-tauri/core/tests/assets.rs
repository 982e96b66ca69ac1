//! The asset library through `Library`: adding, dedupe, variants and versions,
//! texts per language, rendering per language, preflight, bad files.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use valise_core::assets::{AddFile, AddOutcome, FileLink};
use valise_core::workflow::rules::CheckCode;
use valise_core::{Error, Library, NewPost, RecordKind};

struct Setup {
    dir: tempfile::TempDir,
    lib: Library,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("library.sqlite3")).unwrap();
    Setup { dir, lib }
}

impl Setup {
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join("in").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn add(&self, path: &Path) -> valise_core::Result<valise_core::assets::Added> {
        self.lib.assets().add(&AddFile {
            path: path.display().to_string(),
            ..AddFile::default()
        })
    }

    /// A new post in the source language with `body`.
    fn post(&self, title: &str, body: &str) -> valise_core::Post {
        self.lib
            .posts()
            .create(NewPost {
                title: title.into(),
                body: body.into(),
                ..NewPost::default()
            })
            .unwrap()
    }

    /// Every row of the asset tables and every file of the asset folder.
    fn state(&self) -> (String, Vec<PathBuf>) {
        let c = rusqlite::Connection::open(self.lib.path()).unwrap();
        let mut rows = String::new();
        for t in [
            "assets",
            "asset_variants",
            "asset_files",
            "asset_texts",
            "change_sets",
        ] {
            let n: i64 = c
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            rows.push_str(&format!("{t}={n} "));
        }
        let mut files = Vec::new();
        let root = self.lib.asset_folder().root().to_owned();
        fn walk(p: &Path, out: &mut Vec<PathBuf>) {
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    if e.path().is_dir() {
                        walk(&e.path(), out)
                    } else {
                        out.push(e.path())
                    }
                }
            }
        }
        walk(&root, &mut files);
        files.sort();
        (rows, files)
    }
}

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    })
    .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
    .unwrap();
    out
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 7])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

#[test]
fn language_files_of_one_name_become_variants_of_one_asset() {
    let s = setup();
    let fr = s
        .add(&s.write("carte-reseau.fr.png", &png(40, 20, 1)))
        .unwrap();
    assert_eq!(fr.outcome, AddOutcome::NewAsset);
    assert_eq!(fr.lang.as_deref(), Some("fr"));
    let ar = s
        .add(&s.write("carte-reseau.ar.png", &png(40, 20, 2)))
        .unwrap();
    assert_eq!(
        (ar.asset_id.as_str(), ar.outcome),
        (fr.asset_id.as_str(), AddOutcome::NewVariant)
    );
    let all = s
        .add(&s.write("carte-reseau.png", &png(40, 20, 3)))
        .unwrap();
    assert_eq!(all.outcome, AddOutcome::NewVariant);
    assert_eq!(all.lang, None);

    let asset = s.lib.assets().get(&fr.asset_id[..8]).unwrap();
    assert_eq!(asset.name, "carte-reseau");
    let langs: Vec<Option<&str>> = asset.variants.iter().map(|v| v.lang.as_deref()).collect();
    assert_eq!(langs, vec![None, Some("ar"), Some("fr")]);
    assert_eq!(asset.variants[2].current.width, Some(40));
    assert_eq!(asset.variants[2].current.sha256.len(), 64);
    // The Spanish post gets the file for every language, the Arabic its own.
    assert_eq!(
        s.lib
            .assets()
            .file(&fr.asset_id, Some("es"))
            .unwrap()
            .0
            .sha256,
        asset.variants[0].current.sha256
    );
    assert_eq!(
        s.lib
            .assets()
            .file(&fr.asset_id, Some("ar"))
            .unwrap()
            .0
            .sha256,
        asset.variants[1].current.sha256
    );
}

#[test]
fn a_known_file_adds_nothing_and_answers_the_asset_that_has_it() {
    let s = setup();
    let first = s.add(&s.write("carte.png", &png(10, 10, 9))).unwrap();
    let before = s.state();
    let again = s
        .add(&s.write("autre-nom.es.png", &png(10, 10, 9)))
        .unwrap();
    assert_eq!(again.outcome, AddOutcome::AlreadyKnown);
    assert_eq!(again.asset_id, first.asset_id);
    assert_eq!(s.state(), before, "nothing added, not even a change set");
    assert_eq!(s.lib.assets().list().unwrap().len(), 1);
}

#[test]
fn a_changed_file_under_the_same_name_is_a_new_version_and_the_old_is_kept() {
    let s = setup();
    let v1 = s.add(&s.write("carte.fr.png", &png(10, 10, 1))).unwrap();
    let v2 = s.add(&s.write("carte.fr.png", &png(12, 10, 2))).unwrap();
    assert_eq!((v2.outcome, v2.version), (AddOutcome::NewVersion, 2));
    let asset = s.lib.assets().get(&v1.asset_id).unwrap();
    let fr = &asset.variants[0];
    assert_eq!(fr.current.number, 2);
    assert_eq!(fr.current.width, Some(12));
    assert_eq!(fr.older.len(), 1);
    assert_eq!(fr.older[0].number, 1);
    // Both files are still in the folder.
    for f in [&fr.current, &fr.older[0]] {
        assert!(s.lib.asset_folder().path_of(&f.sha256).is_file());
    }
}

#[test]
fn asset_changes_go_through_the_change_feed() {
    let s = setup();
    let start = s.lib.changes().latest().unwrap();
    let a = s.add(&s.write("carte.png", &png(10, 10, 1))).unwrap();
    s.lib
        .assets()
        .set_text(&a.asset_id, "fr", Some("Carte du réseau"), None)
        .unwrap();
    let sets = s.lib.changes().since(start, 10).unwrap();
    assert_eq!(sets.len(), 2);
    for set in &sets {
        assert_eq!(set.changes.len(), 1);
        assert_eq!(set.changes[0].kind, RecordKind::Asset);
        assert_eq!(set.changes[0].id, a.asset_id);
    }
}

#[test]
fn rendering_picks_each_languages_variant_alt_and_caption() {
    let s = setup();
    let fr = s.add(&s.write("carte.fr.png", &png(40, 20, 1))).unwrap();
    let ar = s.add(&s.write("carte.ar.png", &png(40, 20, 2))).unwrap();
    let assets = s.lib.assets();
    assets
        .set_text(
            &fr.asset_id,
            "fr",
            Some("Carte du réseau"),
            Some("Le réseau : 2026"),
        )
        .unwrap();
    assets
        .set_text(&fr.asset_id, "ar", Some("خريطة الشبكة"), None)
        .unwrap();
    let url = |f: FileLink| format!("valise-asset://localhost/{}", f.sha256);
    let body = format!("Avant.\n\n![](asset:{})\n\nAprès.\n", &fr.asset_id[..8]);

    let html_fr = assets.html(&body, "fr", &url).unwrap();
    let sha_fr = &assets.get(&fr.asset_id).unwrap().variants[1].current.sha256;
    assert!(html_fr.contains(&format!("<figure class=\"asset\" data-asset=\"{}\"><img src=\"valise-asset://localhost/{sha_fr}\" alt=\"Carte du réseau\" width=\"40\" height=\"20\"><figcaption>Le réseau\u{A0}: 2026</figcaption></figure>", &fr.asset_id[..8])), "{html_fr}");
    assert!(
        !html_fr.contains("<p><figure"),
        "a figure alone is not put in a paragraph: {html_fr}"
    );

    let html_ar = assets.html(&body, "ar", &url).unwrap();
    let sha_ar = &assets.get(&ar.asset_id).unwrap().variants[0].current.sha256;
    assert!(
        html_ar.contains(sha_ar.as_str()) && html_ar.contains("alt=\"خريطة الشبكة\""),
        "{html_ar}"
    );
    assert!(
        !html_ar.contains("<figcaption>"),
        "no caption in Arabic: {html_ar}"
    );

    // Spanish has no file of its own and none for every language.
    let html_es = assets.html(&body, "es", &url).unwrap();
    assert!(
        html_es.contains("asset-missing") && html_es.contains("no file for es"),
        "{html_es}"
    );
    assert!(!html_es.contains("<img"), "{html_es}");
    // The preview's blocks join to the same HTML.
    assert_eq!(
        assets.preview(&body, "fr", &url).unwrap().blocks.concat(),
        html_fr
    );
}

#[test]
fn a_dangling_reference_renders_a_placeholder_naming_the_id() {
    let s = setup();
    let html = s
        .lib
        .assets()
        .html("![carte](asset:deadbeef00)", "fr", &|_| "x".into())
        .unwrap();
    assert!(html.contains("Missing asset deadbeef00"), "{html}");
    assert!(!html.contains("<img"), "never a broken image: {html}");
}

#[test]
fn posts_using_an_asset_are_known_both_ways_and_preflight_checks_them() {
    let s = setup();
    let a = s.add(&s.write("carte.png", &png(10, 10, 1))).unwrap();
    let post = s.post(
        "Le sommet",
        &format!(
            "![](asset:{})\n\n![](asset:0badc0de99)\n",
            &a.asset_id[..10]
        ),
    );
    let used = s.lib.assets().get(&a.asset_id).unwrap().used_by;
    assert_eq!(used.len(), 1);
    assert_eq!(
        (used[0].post_id.as_str(), used[0].lang.as_str()),
        (post.id.as_str(), "fr")
    );
    assert!(s.lib.assets().unused().unwrap().is_empty());

    let failed = s.lib.signoff().preflight(&post.id).unwrap();
    let codes: Vec<CheckCode> = failed.iter().map(|f| f.code).collect();
    assert!(codes.contains(&CheckCode::AltTextMissing), "{failed:?}");
    assert!(codes.contains(&CheckCode::DanglingAsset), "{failed:?}");
    let dangling = failed
        .iter()
        .find(|f| f.code == CheckCode::DanglingAsset)
        .unwrap();
    assert!(
        dangling.message.contains("0badc0de99"),
        "{}",
        dangling.message
    );

    s.lib
        .assets()
        .set_text(&a.asset_id, "fr", Some("Carte"), None)
        .unwrap();
    let failed = s.lib.signoff().preflight(&post.id).unwrap();
    assert!(
        !failed.iter().any(|f| f.code == CheckCode::AltTextMissing),
        "{failed:?}"
    );

    // Removing the reference from the text removes the use.
    let mut text = post.text.clone();
    text.body = "Plus d'image.\n".into();
    s.lib
        .posts()
        .save(valise_core::SaveRequest {
            id: post.id.clone(),
            lang: "fr".into(),
            text,
            kind: valise_core::RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    assert!(s.lib.assets().get(&a.asset_id).unwrap().used_by.is_empty());
    assert_eq!(s.lib.assets().unused().unwrap(), vec![a.asset_id.clone()]);
}

#[test]
fn deleting_an_asset_a_post_uses_is_refused_naming_the_post_and_changes_nothing() {
    let s = setup();
    let a = s.add(&s.write("carte.png", &png(10, 10, 1))).unwrap();
    let post = s.post("Le sommet", &format!("![](asset:{})\n", &a.asset_id[..10]));
    let before = s.state();
    let err = s.lib.assets().delete(&a.asset_id[..8], false).unwrap_err();
    assert_eq!(err.code(), "asset_in_use", "{err}");
    let message = err.to_string();
    for part in ["«Le sommet»", &post.id[..8], "--force", "carte", "1 post"] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }
    assert_eq!(s.state(), before, "nothing recorded");
    assert!(s.lib.assets().get(&a.asset_id).is_ok());
}

#[test]
fn a_forced_delete_leaves_a_placeholder_that_preflight_stops_and_keeps_the_files() {
    let s = setup();
    let a = s.add(&s.write("carte.png", &png(10, 10, 1))).unwrap();
    s.lib
        .assets()
        .set_text(&a.asset_id, "fr", Some("Carte"), None)
        .unwrap();
    let body = format!("![](asset:{})\n", a.asset_id);
    let post = s.post("Le sommet", &body);
    let ok = s.lib.signoff().preflight(&post.id).unwrap();
    assert!(!ok.iter().any(|f| f.code == CheckCode::DanglingAsset));
    let (_, files) = s.state();
    let start = s.lib.changes().latest().unwrap();

    let deleted = s.lib.assets().delete(&a.asset_id, true).unwrap();
    assert_eq!(
        (deleted.id.as_str(), deleted.name.as_str()),
        (a.asset_id.as_str(), "carte")
    );
    assert_eq!(deleted.used_by.len(), 1);
    assert_eq!(deleted.used_by[0].post_id, post.id);

    assert_eq!(
        s.lib.assets().get(&a.asset_id).unwrap_err().code(),
        "asset_not_found"
    );
    let (rows, after) = s.state();
    assert!(
        rows.starts_with("assets=0 asset_variants=0 asset_files=0 asset_texts=0"),
        "{rows}"
    );
    assert_eq!(after, files, "the files stay in the folder");
    let sets = s.lib.changes().since(start, 10).unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].changes.len(), 1);
    let change = &sets[0].changes[0];
    assert_eq!(
        (change.kind, change.action),
        (RecordKind::Asset, valise_core::ChangeAction::Deleted)
    );
    assert_eq!(change.id, a.asset_id);

    // The post keeps its text and shows the placeholder; preflight stops it.
    assert_eq!(s.lib.posts().get(&post.id, None).unwrap().text.body, body);
    let html = s.lib.assets().html(&body, "fr", &|_| "x".into()).unwrap();
    assert!(
        html.contains(&format!("Missing asset {}", a.asset_id)),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
    let failed = s.lib.signoff().preflight(&post.id).unwrap();
    assert!(
        failed.iter().any(|f| f.code == CheckCode::DanglingAsset),
        "{failed:?}"
    );

    // Deleting it again says it is not there.
    let again = s.lib.assets().delete(&a.asset_id, true).unwrap_err();
    assert_eq!(again.code(), "asset_not_found");
}

#[test]
fn an_unused_asset_is_deleted_without_force_and_its_file_can_be_added_again() {
    let s = setup();
    let path = s.write("carte.png", &png(10, 10, 1));
    let a = s.add(&path).unwrap();
    let deleted = s.lib.assets().delete(&a.asset_id, false).unwrap();
    assert!(deleted.used_by.is_empty());
    assert!(s.lib.assets().list().unwrap().is_empty());
    let again = s.add(&path).unwrap();
    assert_eq!(again.outcome, AddOutcome::NewAsset);
    assert_ne!(again.asset_id, a.asset_id);
    assert_eq!(
        s.lib.assets().file(&again.asset_id, None).unwrap().1,
        png(10, 10, 1)
    );
}

#[test]
fn an_svg_is_stored_sanitised_and_what_was_removed_is_said() {
    let s = setup();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="alert(1)"><script>alert(2)</script><rect width="120" height="60"/></svg>"#;
    let added = s.add(&s.write("schema.svg", svg)).unwrap();
    assert_eq!(added.removed.len(), 2, "{:?}", added.removed);
    let (version, bytes) = s.lib.assets().file(&added.asset_id, None).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        !text.contains("script") && !text.contains("onload"),
        "{text}"
    );
    assert_eq!((version.width, version.height), (Some(120), Some(60)));
    let thumb = s.lib.assets().thumbnail(&added.asset_id, None, 60).unwrap();
    assert_eq!(image::load_from_memory(&thumb).unwrap().width(), 60);
}

#[test]
fn bad_files_each_give_their_error_naming_the_file_and_change_nothing() {
    let s = setup();
    s.add(&s.write("bon.png", &png(10, 10, 1))).unwrap();
    let before = s.state();
    let whole_jpeg = jpeg(400, 300);
    let whole_png = png(300, 300, 5);
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend(100_000u32.to_be_bytes());
    bomb.extend(100_000u32.to_be_bytes());
    bomb.extend([8, 2, 0, 0, 0]);
    let crc = {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in &bomb[12..] {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    };
    bomb.extend(crc.to_be_bytes());
    let mut corrupt_jpeg = whole_jpeg.clone();
    for b in corrupt_jpeg.iter_mut().skip(600).step_by(7) {
        *b = 0xFF;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("vide.png", Vec::new(), "empty"),
        (
            "coupe.jpg",
            whole_jpeg[..whole_jpeg.len() / 2].to_vec(),
            "cut short",
        ),
        ("abime.jpg", corrupt_jpeg, "damaged"),
        (
            "coupe.png",
            whole_png[..whole_png.len() / 2].to_vec(),
            "cut short",
        ),
        (
            "archive.zip",
            b"PK\x03\x04not an image".to_vec(),
            "not one Valise takes",
        ),
        ("bombe.png", bomb, "decompression bomb"),
        ("page.svg", b"<svg><g></svg>".to_vec(), "SVG"),
    ];
    for (name, bytes, why) in cases {
        let path = s.write(name, &bytes);
        let err = s.add(&path).unwrap_err();
        assert!(matches!(err, Error::BadAsset { .. }), "{name}: {err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(name) && msg.contains(why) && msg.contains("Nothing was changed"),
            "{name}: {msg}"
        );
        assert_eq!(s.state(), before, "{name} left something behind");
    }
}
