//! Media that publish with their posts, on the real site: each language's
//! file uploaded once with its alt text, the HTML of each language pointing
//! at its own file, a retried upload stored once, a new version replacing the
//! old, a damaged stored file stopping its post, and the site's gate agreeing
//! that an image without alt text keeps a post off the public site.

use std::path::Path;

use valise_core::assets::AddFile;
use valise_core::backends::wordpress::SiteMedia;
use valise_core::backends::MediaFile;

use crate::*;

/// A small PNG whose pixels no other test of this run made (the site is shared).
fn png(dir: &Path, name: &str) -> String {
    let seed = UNIQUE.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as u8;
    let path = dir.join(name);
    image::RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([seed, (x * 5 % 251) as u8, (y * 7 % 241) as u8])
    })
    .save(&path)
    .unwrap();
    path.to_string_lossy().into_owned()
}

fn add(d: &Desk, path: &str, name: &str, lang: Option<&str>, alt: &str) -> String {
    d.lib
        .assets()
        .add(&AddFile {
            path: path.into(),
            lang: lang.map(str::to_string),
            name: Some(name.into()),
            alt: Some(alt.into()),
            caption: Some(format!("Source : ministère ({})", lang.unwrap_or("fr"))),
            ..Default::default()
        })
        .unwrap()
        .asset_id
}

/// A library with a map in French and Arabic, a logo (SVG, for every
/// language) and a post showing both, translated into Arabic.
struct MapDesk {
    d: Desk,
    files: tempfile::TempDir,
    map: String,
    post: String,
}

fn map_desk() -> MapDesk {
    let d = empty_desk();
    let files = tempfile::tempdir().unwrap();
    let seed = UNIQUE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let stamp = format!("{}-{seed}", std::process::id());
    let name = format!("carte-{stamp}");
    let map = add(
        &d,
        &png(files.path(), "carte.fr.png"),
        &name,
        Some("fr"),
        "Carte du réseau",
    );
    add(
        &d,
        &png(files.path(), "carte.ar.png"),
        &name,
        Some("ar"),
        "خريطة الشبكة",
    );
    d.lib
        .assets()
        .set_text(&map, "ar", None, Some("المصدر: الوزارة"))
        .unwrap();
    let logo_path = files.path().join("logo.svg");
    std::fs::write(
        &logo_path,
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#{:02x}3355"/><script>alert(1)</script></svg>"##,
            seed % 256
        ),
    )
    .unwrap();
    let logo = add(
        &d,
        &logo_path.to_string_lossy(),
        &format!("logo-{stamp}"),
        None,
        "Logo",
    );
    d.lib
        .assets()
        .set_text(&logo, "ar", Some("الشعار"), None)
        .unwrap();
    let post = d
        .lib
        .posts()
        .create(NewPost {
            title: "La carte du réseau".into(),
            body: format!("Le réseau.\n\n![](asset:{map})\n\n![](asset:{logo})\n"),
            ..Default::default()
        })
        .unwrap()
        .id;
    d.lib
        .translations()
        .add(
            &post,
            "ar",
            PostText {
                title: "خريطة الشبكة".into(),
                body: format!("الشبكة.\n\n![](asset:{map})\n\n![](asset:{logo})\n"),
                ..Default::default()
            },
        )
        .unwrap();
    MapDesk {
        d,
        files,
        map,
        post,
    }
}

fn sha_of(d: &Desk, asset: &str, lang: &str) -> String {
    d.lib.assets().file(asset, Some(lang)).unwrap().0.sha256
}

async fn the_one(wp: &WordPress, sha: &str) -> SiteMedia {
    let found = wp.find_media(sha).await.unwrap();
    assert_eq!(found.len(), 1, "one attachment for {sha}: {found:?}");
    found.into_iter().next().unwrap()
}

/// The HTML the site holds for the `lang` version of `post`.
async fn content(site: &Site, wp: &WordPress, post: &str, lang: &str) -> String {
    let group = wp.find_group(post).await.unwrap();
    let id = group
        .iter()
        .find(|p| p.version.lang == lang)
        .unwrap_or_else(|| panic!("no {lang} version of {post} on the site"))
        .id;
    site.stored_html(id).await
}

pub(crate) async fn media_go_up_once_per_language_and_the_html_points_at_them(site: &Site) {
    let m = map_desk();
    add_site(&m.d, site, &site.url, "editor").await;
    let first = registry::sync_with(&m.d.lib, None).await.unwrap();
    // Two versions, and the two assets they show.
    assert_eq!(first[0].created_there, 2 + 2, "{first:?}");
    let wp = editor(site);
    let fr = the_one(&wp, &sha_of(&m.d, &m.map, "fr")).await;
    let ar = the_one(&wp, &sha_of(&m.d, &m.map, "ar")).await;
    assert_eq!(fr.alt, "Carte du réseau");
    assert_eq!(ar.alt, "خريطة الشبكة");
    assert_eq!(ar.caption, "المصدر: الوزارة");
    assert_ne!(fr.url, ar.url);
    let fr_html = content(site, &wp, &m.post, "fr").await;
    let ar_html = content(site, &wp, &m.post, "ar").await;
    assert!(
        fr_html.contains(&format!("src=\"{}\"", fr.url)),
        "{fr_html}"
    );
    assert!(fr_html.contains("alt=\"Carte du réseau\""), "{fr_html}");
    assert!(!fr_html.contains(&ar.url), "{fr_html}");
    assert!(
        ar_html.contains(&format!("src=\"{}\"", ar.url)),
        "{ar_html}"
    );
    assert!(ar_html.contains("alt=\"خريطة الشبكة\""), "{ar_html}");
    assert!(!ar_html.contains(&fr.url), "{ar_html}");
    // The SVG for every language: one attachment, sanitised, each language's alt.
    let logo_sha = {
        let asset = m.d.lib.assets().list().unwrap();
        let logo = asset.iter().find(|a| a.name.starts_with("logo-")).unwrap();
        logo.sha256.clone()
    };
    let logo = the_one(&wp, &logo_sha).await;
    assert_eq!(logo.mime, "image/svg+xml");
    assert_eq!(
        logo.alt, "Logo",
        "the source language's alt text on the shared file"
    );
    assert!(fr_html.contains(&logo.url) && ar_html.contains(&logo.url));
    assert!(ar_html.contains("alt=\"الشعار\""), "{ar_html}");
    let served = reqwest::get(&logo.url).await.unwrap().text().await.unwrap();
    assert!(
        served.contains("<rect") && !served.contains("script"),
        "{served}"
    );
    // The site's gate finds every image with its alt text.
    let preflight = wp.preflight(&m.post).await.unwrap();
    assert!(
        preflight.failed.iter().all(|r| r.code != "missing_alt"),
        "{:?}",
        preflight.failed
    );

    // Syncing again sends and uploads nothing.
    settle(&m.d).await;
    the_one(&wp, &sha_of(&m.d, &m.map, "fr")).await;
    the_one(&wp, &sha_of(&m.d, &m.map, "ar")).await;

    // A new version of the French map replaces the old one in the French post.
    add(
        &m.d,
        &png(m.files.path(), "carte-v2.fr.png"),
        &m.d.lib.assets().get(&m.map).unwrap().name,
        Some("fr"),
        "Carte du réseau",
    );
    let report = registry::sync_with(&m.d.lib, None).await.unwrap();
    assert_eq!(
        report[0].updated_there, 2,
        "the map, the French post: {report:?}"
    );
    let newer = the_one(&wp, &sha_of(&m.d, &m.map, "fr")).await;
    let fr_html = content(site, &wp, &m.post, "fr").await;
    assert!(
        fr_html.contains(&newer.url) && !fr_html.contains(&fr.url),
        "{fr_html}"
    );
    assert!(content(site, &wp, &m.post, "ar").await.contains(&ar.url));
    settle(&m.d).await;

    // The Arabic alt text emptied: the attachment and the post follow, and
    // the site's gate refuses to publish it.
    m.d.lib
        .assets()
        .set_text(&m.map, "ar", Some(""), None)
        .unwrap();
    registry::sync_with(&m.d.lib, None).await.unwrap();
    assert_eq!(wp.get_media(ar.id).await.unwrap().unwrap().alt, "");
    let preflight = wp.preflight(&m.post).await.unwrap();
    let missing: Vec<_> = preflight
        .failed
        .iter()
        .filter(|r| r.code == "missing_alt")
        .collect();
    assert_eq!(missing.len(), 1, "{:?}", preflight.failed);
    assert_eq!(missing[0].lang.as_deref(), Some("ar"));
}

pub(crate) async fn an_upload_whose_answer_is_cut_is_stored_once(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(png(dir.path(), "coupe.png")).unwrap();
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let file = MediaFile {
        sha256: sha.clone(),
        file_name: "coupe.fr.png".into(),
        mime: "image/png".into(),
        bytes,
        alt: "Une coupe".into(),
        caption: String::new(),
    };
    proxy.script(&[Fault::CutAfterActing(0)]);
    assert!(wp.upload(&file).await.is_err());
    let retried = wp.upload(&file).await.unwrap();
    assert!(retried.existing, "the retry finds the first upload");
    let direct = editor(site);
    let one = the_one(&direct, &sha).await;
    assert_eq!(one.id.to_string(), retried.media.id);
    assert_eq!(one.alt, "Une coupe");
}

pub(crate) async fn a_damaged_stored_file_stops_its_post_and_publishes_nothing(site: &Site) {
    let m = map_desk();
    add_site(&m.d, site, &site.url, "editor").await;
    registry::sync_with(&m.d.lib, None).await.unwrap();
    let wp = editor(site);
    let before = content(site, &wp, &m.post, "fr").await;
    let name = m.d.lib.assets().get(&m.map).unwrap().name;
    add(
        &m.d,
        &png(m.files.path(), "carte-v3.fr.png"),
        &name,
        Some("fr"),
        "Carte du réseau",
    );
    let sha = sha_of(&m.d, &m.map, "fr");
    let stored = m.d.lib.asset_folder().path_of(&sha);
    let mut bytes = std::fs::read(&stored).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&stored, &bytes).unwrap();

    let err = expect_err(
        registry::sync_with(&m.d.lib, None).await,
        "asset_file_damaged",
    );
    assert!(
        err.to_string().contains(&name) && err.to_string().contains(&m.map),
        "{err}"
    );
    assert!(
        wp.find_media(&sha).await.unwrap().is_empty(),
        "nothing uploaded"
    );
    assert_eq!(
        content(site, &wp, &m.post, "fr").await,
        before,
        "nothing half-published"
    );
    let status = valise_core::sync::status(&m.d.lib).unwrap();
    assert_eq!(
        status.backends[0].waiting, 1,
        "the post stays in the outbox"
    );
}

pub(crate) async fn a_sync_whose_upload_answer_is_cut_uploads_once(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let m = map_desk();
    add_site(&m.d, site, &proxy.url, "editor").await;
    // WordPress stores the first file; its answer never arrives.
    proxy.on_request("POST /wp-json/wp/v2/media", Fault::CutAfterActing(0));
    let err = registry::sync_with(&m.d.lib, None).await.unwrap_err();
    assert!(
        matches!(err.code(), "backend_unreachable" | "backend_garbage"),
        "{err}"
    );
    registry::sync_with(&m.d.lib, None).await.unwrap();
    let wp = editor(site);
    for lang in ["fr", "ar"] {
        the_one(&wp, &sha_of(&m.d, &m.map, lang)).await;
    }
    assert!(content(site, &wp, &m.post, "fr")
        .await
        .contains("<img src=\"http"));
    settle(&m.d).await;
}
