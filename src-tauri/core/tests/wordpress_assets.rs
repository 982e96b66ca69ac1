//! Assets travel between desktops through a real WordPress with the Valise
//! plugin (`tests/wordpress/start`): the asset record (`asset/{id}`) and its
//! files (the site's media, by checksum) reach another desk, which renders
//! and preflights the post as the first does; edits of different fields on
//! two desks converge; a damaged file on the site is refused and nothing of
//! it stored. One site for this file (its own: one test damages a file on
//! it), stopped at the end even when a test panics; skipped, saying why,
//! when php is missing.

#[path = "wordpress_support/lone_desk.rs"]
mod lone_desk;
#[allow(dead_code)]
mod wordpress_support;
#[macro_use]
#[path = "wordpress_support/runner.rs"]
mod runner;

use std::path::Path;

use lone_desk::{add_site, client, desk, sync, Desk};
use valise_core::assets::{AddFile, Asset};
use valise_core::backends::registry;
use valise_core::workflow::rules::CheckCode;
use valise_core::{NewPost, PostText};
use wordpress_support::Site;

fn main() {
    let all = tests![
        an_infographic_reaches_another_desk_with_its_files_and_both_edits_converge,
        a_damaged_file_on_the_site_is_refused_and_nothing_of_it_is_stored,
    ];
    runner::run_on_one_site("wordpress asset tests", &all);
}

fn png(dir: &Path, name: &str, seed: u8) -> String {
    let path = dir.join(name);
    image::RgbImage::from_fn(64, 40, |x, y| {
        image::Rgb([seed, (x * 3 % 251) as u8, (y * 11 % 241) as u8])
    })
    .save(&path)
    .unwrap();
    path.to_string_lossy().into_owned()
}

/// Desk a (the editor's) with an infographic in French and Spanish, with
/// alt texts, shown by a French post and its Spanish translation.
fn infographic_desk(name: &str, seed: u8) -> (Desk, String, String) {
    let a = desk();
    let files = a.dir.path().join("export");
    std::fs::create_dir_all(&files).unwrap();
    let add = |file: &str, lang: &str, alt: &str, seed: u8| {
        a.lib
            .assets()
            .add(&AddFile {
                path: png(&files, file, seed),
                lang: Some(lang.into()),
                name: Some(name.into()),
                alt: Some(alt.into()),
                credit: Some("Atelier graphique".into()),
                licence: Some("CC BY 4.0".into()),
                ..Default::default()
            })
            .unwrap()
            .asset_id
    };
    let asset = add("carte.fr.png", "fr", "Carte des consulats", seed);
    add("carte.es.png", "es", "Mapa de los consulados", seed + 1);
    let post = a
        .lib
        .posts()
        .create(NewPost {
            title: "Le réseau consulaire".into(),
            body: format!("Nos consulats.\n\n![](asset:{asset})\n"),
            ..Default::default()
        })
        .unwrap()
        .id;
    a.lib
        .translations()
        .add(
            &post,
            "es",
            PostText {
                title: "La red consular".into(),
                body: format!("Nuestros consulados.\n\n![](asset:{})\n", &asset[..8]),
                ..Default::default()
            },
        )
        .unwrap();
    (a, asset, post)
}

fn current_sha(asset: &Asset, lang: &str) -> String {
    asset
        .variants
        .iter()
        .find(|v| v.lang.as_deref() == Some(lang))
        .unwrap()
        .current
        .sha256
        .clone()
}

fn text(d: &Desk, asset: &str, lang: &str) -> (String, String) {
    let a = d.lib.assets().get(asset).unwrap();
    a.texts
        .iter()
        .find(|t| t.lang == lang)
        .map(|t| (t.alt.clone(), t.caption.clone()))
        .unwrap_or_default()
}

/// The failed preflight checks about assets.
fn asset_checks(d: &Desk, post: &str) -> Vec<String> {
    d.lib
        .signoff()
        .preflight(post)
        .unwrap()
        .into_iter()
        .filter(|f| {
            matches!(
                f.code,
                CheckCode::DanglingAsset | CheckCode::AssetNoVariant | CheckCode::AltTextMissing
            ) && matches!(f.go_to.lang.as_deref(), Some("fr" | "es"))
        })
        .map(|f| f.message)
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn an_infographic_reaches_another_desk_with_its_files_and_both_edits_converge(site: &Site) {
    let (a, asset, post) = infographic_desk("carte-consulats", 10);
    add_site(&a, site, "editor").await;
    let first = sync(&a).await;
    assert!(first.created_there >= 3, "asset, fr, es: {first:?}");
    assert!(asset_checks(&a, &post).is_empty());

    // The validator's desktop gets the asset, its files and the post.
    let b = desk();
    add_site(&b, site, "validator1").await;
    let got = sync(&b).await;
    assert_eq!(got.files_received, 2, "{got:?}");
    let (on_a, on_b) = (
        a.lib.assets().get(&asset).unwrap(),
        b.lib.assets().get(&asset).unwrap(),
    );
    assert_eq!(
        (&on_b.name, &on_b.credit, &on_b.licence, &on_b.texts),
        (&on_a.name, &on_a.credit, &on_a.licence, &on_a.texts)
    );
    for lang in ["fr", "es"] {
        let sha = current_sha(&on_a, lang);
        assert_eq!(current_sha(&on_b, lang), sha);
        let (version, bytes) = b.lib.assets().file(&asset, Some(lang)).unwrap();
        assert!(version.here);
        assert_eq!(sha256(&bytes), sha, "the bytes are the designer's file");
        // Each language's version renders its own file.
        let body = b.lib.posts().get(&post, Some(lang)).unwrap().text.body;
        let html = b
            .lib
            .assets()
            .html(&body, lang, &|l| format!("/f/{}", l.sha256))
            .unwrap();
        assert!(html.contains(&format!("/f/{sha}")), "{lang}: {html}");
        assert!(!html.contains("asset-missing"), "{lang}: {html}");
    }
    assert!(
        asset_checks(&b, &post).is_empty(),
        "{:?}",
        asset_checks(&b, &post)
    );

    // b writes the Arabic alt text while a writes the French caption.
    b.lib
        .assets()
        .set_text(&asset, "ar", Some("خريطة القنصليات"), None)
        .unwrap();
    a.lib
        .assets()
        .set_text(&asset, "fr", None, Some("Source : ministère"))
        .unwrap();
    sync(&b).await;
    let merged = sync(&a).await;
    assert_eq!(merged.merged, 1, "{merged:?}");
    assert_eq!(merged.conflicts, 0, "{merged:?}");
    sync(&b).await;
    for d in [&a, &b] {
        assert_eq!(text(d, &asset, "ar").0, "خريطة القنصليات");
        assert_eq!(
            text(d, &asset, "fr"),
            ("Carte des consulats".into(), "Source : ministère".into())
        );
    }
    assert_eq!(
        a.lib.assets().get(&asset).unwrap().texts,
        b.lib.assets().get(&asset).unwrap().texts
    );

    // Quiet from now on: nothing sent, nothing fetched, one file each there.
    for d in [&a, &b] {
        sync(d).await;
        let again = sync(d).await;
        assert!(again.is_quiet(), "{again:?}");
        assert_eq!((again.files_received, again.files_waiting), (0, 0));
    }
    let wp = client(site, "editor");
    for lang in ["fr", "es"] {
        let found = wp.find_media(&current_sha(&on_a, lang)).await.unwrap();
        assert_eq!(found.len(), 1, "uploaded once: {found:?}");
    }
}

async fn a_damaged_file_on_the_site_is_refused_and_nothing_of_it_is_stored(site: &Site) {
    let (a, asset, _post) = infographic_desk("carte-ambassades", 40);
    add_site(&a, site, "editor").await;
    sync(&a).await;
    let sha = current_sha(&a.lib.assets().get(&asset).unwrap(), "fr");
    let media = client(site, "editor")
        .find_media(&sha)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    // The file the site serves, replaced behind its back by an error page.
    let path = reqwest::Url::parse(&media.url).unwrap().path().to_string();
    let on_disk = site.root().join(path.trim_start_matches('/'));
    let good = std::fs::read(&on_disk).unwrap();
    std::fs::write(&on_disk, b"<html><body>502 Bad Gateway</body></html>").unwrap();

    let b = desk();
    add_site(&b, site, "validator1").await;
    let err = registry::sync_with(&b.lib, None).await.unwrap_err();
    std::fs::write(&on_disk, &good).unwrap();
    assert_eq!(err.code(), "asset_file_refused", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("carte-ambassades") && message.contains(&asset),
        "{message}"
    );
    assert!(
        !b.lib.asset_folder().path_of(&sha).exists(),
        "nothing stored"
    );
    // The record came; its French file is not on this desktop.
    let here = b.lib.assets().get(&asset).unwrap();
    let fr = here
        .variants
        .iter()
        .find(|v| v.lang.as_deref() == Some("fr"))
        .unwrap();
    assert!(!fr.current.here);

    // Repaired on the site: the next sync fetches it, checked.
    let report = sync(&b).await;
    assert!(report.files_received >= 1, "{report:?}");
    let bytes = b.lib.assets().file(&asset, Some("fr")).unwrap().1;
    assert_eq!(bytes, good);
}
