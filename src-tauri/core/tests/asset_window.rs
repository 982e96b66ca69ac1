//! What the window asks of the asset library: search and filters, files and
//! thumbnails served by checksum only, files dropped several at a time, the
//! watched folders kept in the library, and the preview's asset URLs.

use std::io::Cursor;
use std::path::PathBuf;

use valise_core::assets::serve::{self, SVG_POLICY};
use valise_core::assets::AssetQuery;
use valise_core::{ChangeAction, Error, Library, NewPost, RecordKind};

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

    fn add(&self, name: &str, bytes: &[u8]) -> String {
        let report = self.lib.assets().add_files(&[self.write(name, bytes)]);
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        report.added[0].asset_id.clone()
    }

    fn find(&self, text: &str, missing_alt: Option<&str>, unused: bool) -> Vec<String> {
        self.lib
            .assets()
            .find(&AssetQuery {
                text: text.into(),
                missing_alt: missing_alt.map(Into::into),
                unused,
            })
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect()
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

#[test]
fn search_finds_words_in_name_alt_caption_and_credit_ignoring_accents() {
    let s = setup();
    let carte = s.add("carte-reseau.png", &png(10, 10, 1));
    s.add("budget.png", &png(10, 10, 2));
    s.add("photo-sommet.png", &png(10, 10, 3));
    let assets = s.lib.assets();
    assets
        .set_text(&carte, "fr", Some("Carte du réseau diplomatique"), None)
        .unwrap();
    let budget = &s.lib.assets().list().unwrap()[0].id;
    assets
        .set_text(budget, "en", None, Some("Spending by région"))
        .unwrap();
    assets
        .set_details(budget, Some("Atelier Graphique"), None)
        .unwrap();

    assert_eq!(s.find("reseau", None, false), vec!["carte-reseau"]);
    assert_eq!(
        s.find("DIPLOMATIQUE carte", None, false),
        vec!["carte-reseau"]
    );
    assert_eq!(s.find("region", None, false), vec!["budget"]);
    assert_eq!(s.find("atelier", None, false), vec!["budget"]);
    assert_eq!(s.find("sommet", None, false), vec!["photo-sommet"]);
    assert!(s.find("carte budget", None, false).is_empty());
    assert_eq!(s.find("  ", None, false).len(), 3);
}

#[test]
fn filters_missing_alt_in_a_language_and_unused() {
    let s = setup();
    let carte = s.add("carte.png", &png(10, 10, 1));
    s.add("budget.png", &png(10, 10, 2));
    s.lib
        .assets()
        .set_text(&carte, "ar", Some("خريطة"), None)
        .unwrap();
    assert_eq!(s.find("", Some("ar"), false), vec!["budget"]);
    assert_eq!(s.find("", Some("fr"), false), vec!["budget", "carte"]);
    s.lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            body: format!("![](asset:{carte})\n"),
            ..NewPost::default()
        })
        .unwrap();
    assert_eq!(s.find("", None, true), vec!["budget"]);
    assert_eq!(s.find("", Some("fr"), true), vec!["budget"]);
    assert!(matches!(
        s.lib.assets().find(&AssetQuery {
            missing_alt: Some("xx".into()),
            ..AssetQuery::default()
        }),
        Err(Error::UnknownLanguage { .. })
    ));
}

#[test]
fn the_scheme_serves_known_files_and_thumbnails_by_checksum_only() {
    let s = setup();
    let id = s.add("carte.png", &png(600, 300, 1));
    let svg = s.add(
        "schema.svg",
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><script>alert(1)</script><rect width="40" height="20" fill="red"/></svg>"#,
    );
    let assets = s.lib.assets();
    let sha = assets.get(&id).unwrap().variants[0].current.sha256.clone();

    let file = assets.serve(&format!("/file/{sha}")).unwrap();
    assert_eq!(file.content_type, "image/png");
    assert_eq!(file.bytes, png(600, 300, 1));
    assert_eq!(file.policy, None);

    let thumb = assets.serve(&format!("/thumb/{sha}/64")).unwrap();
    assert_eq!(thumb.content_type, "image/png");
    let decoded = image::load_from_memory(&thumb.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 32));

    let svg_sha = assets.get(&svg).unwrap().variants[0].current.sha256.clone();
    let svg_file = assets.serve(&format!("/file/{svg_sha}")).unwrap();
    assert_eq!(svg_file.content_type, "image/svg+xml");
    assert_eq!(svg_file.policy, Some(SVG_POLICY));
    let text = String::from_utf8(svg_file.bytes).unwrap();
    assert!(!text.contains("script"), "{text}");

    let unknown = "0".repeat(64);
    for path in [
        format!("/file/{unknown}"),
        "/file/../../library.sqlite3".to_string(),
        format!("/thumb/{sha}"),
        "/".to_string(),
    ] {
        assert!(
            matches!(assets.serve(&path), Err(Error::AssetNotServed { .. })),
            "{path}"
        );
    }
}

#[test]
fn dropped_files_are_each_added_or_refused_and_a_bad_one_adds_nothing() {
    let s = setup();
    let good = s.write("carte.fr.png", &png(10, 10, 1));
    let empty = s.write("vide.png", b"");
    let cut = {
        let mut bytes = png(200, 200, 2);
        bytes.truncate(bytes.len() / 2);
        s.write("coupee.png", &bytes)
    };
    let report = s
        .lib
        .assets()
        .add_files(&[empty.clone(), good, cut.clone()]);
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.added[0].lang.as_deref(), Some("fr"));
    let failed: Vec<&str> = report.failed.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(failed, vec![empty.to_str().unwrap(), cut.to_str().unwrap()]);
    for f in &report.failed {
        assert!(f.message.contains(&f.path), "{}", f.message);
        assert!(f.message.contains("Nothing was changed"), "{}", f.message);
    }
    assert_eq!(s.find("", None, false), vec!["carte"]);
}

#[test]
fn the_grid_tile_shows_the_source_languages_file_not_the_first_by_code() {
    let s = setup();
    let ar = s.add("carte.ar.png", &png(12, 10, 3));
    let fr = s.add("carte.fr.png", &png(14, 10, 4));
    assert_eq!(ar, fr, "one asset, two variants");
    let sha_of = |lang: &str| {
        let asset = s.lib.assets().get(&ar).unwrap();
        asset
            .variants
            .into_iter()
            .find(|v| v.lang.as_deref() == Some(lang))
            .unwrap()
            .current
            .sha256
            .clone()
    };
    let tile = |s: &Setup| s.lib.assets().list().unwrap().remove(0);
    let shown = tile(&s);
    assert_eq!(shown.sha256, sha_of("fr"), "the source language, fr");
    assert_eq!(shown.width, Some(14));
    assert_eq!(shown.variants, vec![Some("ar".into()), Some("fr".into())]);

    // A new version of the French file: the tile follows it.
    s.add("carte.fr.png", &png(16, 10, 5));
    assert_eq!(tile(&s).sha256, sha_of("fr"));
    assert_eq!(tile(&s).width, Some(16));

    // A file for every language stands for the asset once there is one.
    let all = s.add("carte.png", &png(18, 10, 6));
    assert_eq!(all, ar);
    let shown = tile(&s);
    assert_eq!(shown.width, Some(18));
    assert_eq!(shown.variants[0], None);
}

#[test]
fn watched_folders_are_kept_in_the_library_through_the_change_feed() {
    let s = setup();
    let exports = s.dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let exports = exports.canonicalize().unwrap();
    let assets = s.lib.assets();
    let start = s.lib.changes().latest().unwrap();

    assert_eq!(
        assets.add_watched_folder(&exports).unwrap(),
        vec![exports.clone()]
    );
    assert_eq!(
        assets.add_watched_folder(&exports).unwrap(),
        vec![exports.clone()]
    );
    let sets = s.lib.changes().since(start, 10).unwrap();
    assert_eq!(sets.len(), 1, "adding it again changes nothing");
    assert_eq!(sets[0].changes[0].kind, RecordKind::WatchedFolder);
    assert_eq!(sets[0].changes[0].action, ChangeAction::Created);

    let missing = s.dir.path().join("nowhere");
    let inside = s.lib.asset_folder().root().join("ab");
    std::fs::create_dir_all(&inside).unwrap();
    let file = s.write("carte.png", &png(4, 4, 1));
    for bad in [
        missing,
        PathBuf::from("relative/exports"),
        inside,
        s.dir.path().to_path_buf(), // holds the asset folder
        file,
    ] {
        assert!(
            matches!(
                assets.add_watched_folder(&bad),
                Err(Error::BadWatchedFolder { .. })
            ),
            "{}",
            bad.display()
        );
    }
    assert_eq!(assets.watched_folders().unwrap(), vec![exports.clone()]);

    assert!(assets.remove_watched_folder(&exports).unwrap().is_empty());
    assert!(matches!(
        assets.remove_watched_folder(&exports),
        Err(Error::BadWatchedFolder { .. })
    ));
    let sets = s.lib.changes().since(start, 10).unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[1].changes[0].action, ChangeAction::Deleted);
}

#[test]
fn the_window_preview_shows_each_languages_variant_from_the_asset_scheme() {
    let s = setup();
    let fr = s.add("carte.fr.png", &png(40, 20, 1));
    s.add("carte.ar.png", &png(40, 20, 2));
    let assets = s.lib.assets();
    assets.set_text(&fr, "fr", Some("Carte"), None).unwrap();
    assets.set_text(&fr, "ar", Some("خريطة"), None).unwrap();
    let asset = assets.get(&fr).unwrap();
    let sha = |lang: &str| {
        asset
            .variants
            .iter()
            .find(|v| v.lang.as_deref() == Some(lang))
            .unwrap()
            .current
            .sha256
            .clone()
    };
    let body = format!("Texte.\n\n![](asset:{})\n", &fr[..10]);
    for (lang, alt) in [("fr", "Carte"), ("ar", "خريطة")] {
        let html = assets.window_preview(&body, lang).unwrap().blocks.join("");
        assert!(
            html.contains(&format!("src=\"{}\"", serve::file_url(&sha(lang)))),
            "{html}"
        );
        assert!(html.contains(&format!("alt=\"{alt}\"")), "{html}");
    }
}
