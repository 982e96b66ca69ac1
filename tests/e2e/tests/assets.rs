//! End to end: infographics in the real window. An infographic with a French
//! and an Arabic file is added through the window's drop command (WebDriver
//! cannot make the OS drop a file on a window, nor drive the native file dialog
//! of "Add files…", so the scenario calls the `add_assets` command the drop
//! handler calls with the same paths; `pick_assets` hands the dialog's paths to
//! the same core `add_files`), a truncated file beside them is refused by name
//! and adds nothing, its alt
//! text is written in both languages in the detail, Insert puts it in the open
//! post, and each language's preview shows its own file with its own alt text.
//! A watched folder added in the window then brings a designer's new file
//! into the grid, as the Spanish variant of the same asset.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use std::path::Path;

use support::{cli, App, Driver};

const SOURCE: &str = "La carte du réseau diplomatique.\n";

/// A PNG of `w` × `h` in one colour (each language's file differs).
fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Made by hand: this crate has no image library, and a real PNG is what
    // the app checks and decodes.
    // Each row: filter byte 0, then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(rgb.iter().copied().cycle().take(3 * w as usize))
        .collect();
    let raw = row.repeat(h as usize);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &stored_zlib(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// zlib without compression (stored blocks), which every decoder reads.
fn stored_zlib(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn shown(library: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&cli(library, &["asset", "show", id, "--json"], None)).unwrap()
}

fn sha_of(asset: &serde_json::Value, lang: &str) -> String {
    asset["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["lang"] == lang)
        .unwrap_or_else(|| panic!("no {lang} variant in {asset}"))["current"]["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

fn alt_of(asset: &serde_json::Value, lang: &str) -> String {
    asset["texts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["lang"] == lang)
        .map(|t| t["alt"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The preview's first figure: its `img` src and alt, once there is one
/// whose src names `sha`.
async fn preview_img(app: &App, sha: &str) -> (String, String) {
    app.wait_until(
        &format!("the preview shows the file {sha}"),
        |c| async move {
            let found = c
                .execute(
                    "const i = document.querySelector('[data-testid=preview] figure.asset img'); \
                 return i ? [i.getAttribute('src'), i.getAttribute('alt'), i.naturalWidth] : null;",
                    vec![],
                )
                .await
                .ok()?;
            let src = found.get(0)?.as_str()?.to_string();
            let loaded = found.get(2)?.as_u64()? > 0;
            (src.contains(sha) && loaded)
                .then(|| (src, found[1].as_str().unwrap_or("").to_string()))
        },
    )
    .await
}

/// Types `text` into the alt field of `lang` in the detail, then leaves it (saves).
async fn write_alt(app: &App, lang: &str, text: &str) {
    let field = format!("[data-testid=asset-lang][data-lang={lang}] [data-testid=asset-alt]");
    app.type_into(&field, text).await;
    app.click("[data-testid=asset-detail] h2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infographic_shows_each_languages_file_and_alt_text_and_a_watched_file_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let exports = dir.path().join("exports");
    let designs = dir.path().join("designs");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::create_dir_all(&designs).unwrap();
    let id = cli(
        &library,
        &["post", "new", "--title", "Le réseau", "--body-file", "-"],
        Some(SOURCE),
    )
    .trim()
    .to_string();
    let fr_file = designs.join("carte-reseau.fr.png");
    let ar_file = designs.join("carte-reseau.ar.png");
    std::fs::write(&fr_file, png(320, 200, [30, 90, 160])).unwrap();
    std::fs::write(&ar_file, png(320, 200, [160, 60, 30])).unwrap();
    let broken = designs.join("legende.png");
    let mut cut = png(320, 200, [10, 10, 10]);
    cut.truncate(40);
    std::fs::write(&broken, cut).unwrap();

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item][data-lang=fr]").await;
    app.wait_for_text("[data-testid=editor]", "La carte du réseau")
        .await;

    // 1. The two files and a truncated one, through the drop's command (the
    // path the picker's files take too).
    let report = app
        .client
        .execute_async(
            "const [paths, done] = arguments; \
             window.__TAURI_INTERNALS__.invoke('add_assets', { paths }).then(done, (e) => done({ error: e }));",
            vec![serde_json::json!([fr_file, broken, ar_file])],
        )
        .await
        .unwrap();
    let added = report["added"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(added.len(), 2, "{report}");
    let asset_id = added[0]["asset_id"].as_str().unwrap().to_string();
    assert_eq!(
        added[1]["asset_id"],
        asset_id.as_str(),
        "one asset, two variants"
    );
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{report}");
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap()
            .contains("legende.png"),
        "the refusal names the file: {report}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&cli(&library, &["asset", "list", "--json"], None)).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the truncated file added nothing: {listed}"
    );
    // The Arabic translation shows the same asset.
    cli(
        &library,
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "ar",
            "--title",
            "الشبكة",
            "--body-file",
            "-",
        ],
        Some(&format!(
            "خريطة الشبكة الدبلوماسية.\n\n![](asset:{asset_id})\n"
        )),
    );

    // 2. The grid, then the detail: alt text in French and Arabic.
    app.click("[data-testid=open-assets]").await;
    app.wait_for_text("[data-testid=asset-grid]", "carte-reseau")
        .await;
    app.wait_for_text("[data-testid=asset-pick]", "Add files")
        .await;
    app.wait_until("the tile's thumbnail is drawn", |c| async move {
        let w = c
            .execute(
                "const i = document.querySelector('[data-testid=asset-tile] img'); return i ? i.naturalWidth : 0;",
                vec![],
            )
            .await
            .ok()?;
        (w.as_u64()? > 0).then_some(())
    })
    .await;
    app.screenshot("60-asset-grid").await;
    app.click("[data-testid=asset-tile]").await;
    app.find("[data-testid=asset-detail]").await;
    write_alt(&app, "fr", "Carte des ambassades de France").await;
    write_alt(&app, "ar", "خريطة شبكة السفارات").await;
    app.wait_until("both alt texts are in the library", |_| {
        let library = library.clone();
        let asset_id = asset_id.clone();
        async move {
            let asset = shown(&library, &asset_id);
            (alt_of(&asset, "fr") == "Carte des ambassades de France"
                && alt_of(&asset, "ar") == "خريطة شبكة السفارات")
                .then_some(())
        }
    })
    .await;
    app.wait_for_text(
        "[data-testid=asset-lang][data-lang=ar] [data-testid=alt-count]",
        "19",
    )
    .await;
    app.screenshot("61-asset-detail").await;
    let asset = shown(&library, &asset_id);
    let (fr_sha, ar_sha) = (sha_of(&asset, "fr"), sha_of(&asset, "ar"));

    // 3. Insert: the reference goes into the French post; its preview shows
    // the French file and alt text.
    app.click("[data-testid=asset-insert]").await;
    app.wait_for_text("[data-testid=editor]", &format!("asset:{asset_id}"))
        .await;
    let (src, alt) = preview_img(&app, &fr_sha).await;
    assert!(src.starts_with("valise-asset://"), "{src}");
    assert_eq!(alt, "Carte des ambassades de France");
    app.screenshot("62-preview-fr").await;
    app.wait_until("the French body with the reference is saved", |_| {
        let library = library.clone();
        let id = id.clone();
        let asset_id = asset_id.clone();
        async move {
            let shown: serde_json::Value =
                serde_json::from_str(&cli(&library, &["post", "show", &id, "--json"], None))
                    .ok()?;
            shown["body"]
                .as_str()?
                .contains(&format!("![](asset:{asset_id})"))
                .then_some(())
        }
    })
    .await;

    // 4. The Arabic version: its own file and alt text.
    app.click("[data-testid=post-item][data-lang=ar]").await;
    let (src, alt) = preview_img(&app, &ar_sha).await;
    assert!(!src.contains(&fr_sha), "{src}");
    assert_eq!(alt, "خريطة شبكة السفارات");
    // In the Arabic editor the reference reads left to right, as one isolate.
    let isolated = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=editor] .cm-content span[dir=ltr]')] \
               .map((s) => [s.textContent, getComputedStyle(s).direction, getComputedStyle(s).unicodeBidi]);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        isolated,
        serde_json::json!([[format!("![](asset:{asset_id})"), "ltr", "isolate"]]),
    );
    app.screenshot("63-preview-ar").await;

    // 5. A watched folder, added in the window: a Spanish file saved there
    // becomes the Spanish variant of the same asset, in the grid.
    app.click("[data-testid=open-assets]").await;
    app.type_into(
        "[data-testid=watched-folder-path]",
        exports.to_str().unwrap(),
    )
    .await;
    app.click("[data-testid=watch-folder]").await;
    app.wait_for_text("[data-testid=watched-folders]", exports.to_str().unwrap())
        .await;
    let partial = exports.join(".carte-reseau.es.png.part");
    std::fs::write(&partial, png(320, 200, [40, 140, 60])).unwrap();
    std::fs::rename(&partial, exports.join("carte-reseau.es.png")).unwrap();
    app.wait_until("the Spanish file shows in the grid", |c| async move {
        let meta = c
            .execute(
                "const t = document.querySelector('[data-testid=asset-tile]'); return t ? t.textContent : '';",
                vec![],
            )
            .await
            .ok()?;
        meta.as_str()?.contains("ar · es · fr").then_some(())
    })
    .await;
    let asset = shown(&library, &asset_id);
    assert!(sha_of(&asset, "es").len() == 64);
    assert_eq!(asset["variants"].as_array().unwrap().len(), 3);
    app.screenshot("64-watched-file-in-grid").await;
    app.close().await;
}
