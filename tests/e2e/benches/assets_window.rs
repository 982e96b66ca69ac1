//! The asset library in the real window. (1) A file complete in a watched
//! folder, visible in the grid: from the rename into the folder to the tile
//! in the DOM (a MutationObserver in the page stamps it; both ends read the
//! same machine's wall clock), 10 files. (2) 5,000 assets: from the click on
//! "Assets" to the first frame painted with tiles, and the frame times while
//! the grid scrolls 600 frames at 40 px a frame (requestAnimationFrame
//! deltas measured in the page).
//! Needs a display (xvfb-run), tauri-driver, VALISE_E2E_APP; `make bench`.

// Shared with the end-to-end tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use support::{App, Driver};

const ASSETS: usize = 5_000;
const WATCHED: usize = 10;

/// A tiny PNG, different for each `n` (a grey level and a width), by hand:
/// this crate has no image library.
fn png(n: usize) -> Vec<u8> {
    let (w, h) = (32 + (n % 64) as u32, 24u32);
    let shade = [(n % 251) as u8, (n / 251 % 251) as u8, 90];
    // Each row: filter byte 0, then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(shade.iter().copied().cycle().take(3 * w as usize))
        .collect();
    let raw = row.repeat(h as usize);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = vec![0x78, 0x01, 1];
    let len = raw.len() as u16;
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = 0xffff_ffffu32;
    for &byte in &out[start..] {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Clicks "Assets" and resolves with the ms to the first frame painted with tiles.
const OPEN_GRID: &str = r#"
const done = arguments[0];
const start = performance.now();
document.querySelector('[data-testid=open-assets]').click();
const look = () => {
  if (document.querySelectorAll('[data-testid=asset-tile]').length > 0) {
    requestAnimationFrame(() => done(performance.now() - start));
  } else {
    requestAnimationFrame(look);
  }
};
requestAnimationFrame(look);
"#;

/// Scrolls the grid 40 px a frame for 600 frames; resolves with the deltas.
const SCROLL: &str = r#"
const done = arguments[0];
const grid = document.querySelector('[data-testid=asset-grid]');
const deltas = [];
let last = null;
let n = 0;
const step = (t) => {
  if (last !== null) deltas.push(t - last);
  last = t;
  grid.scrollTop += 40;
  if (++n < 600) requestAnimationFrame(step); else done(deltas);
};
requestAnimationFrame(step);
"#;

/// Stamps when a tile named `watched-N` first shows.
const OBSERVE: &str = r#"
window.__seen = {};
const grid = document.querySelector('[data-testid=asset-grid]');
const look = () => {
  for (const t of grid.querySelectorAll('[data-testid=asset-tile] .name')) {
    const m = t.textContent.match(/^watched-(\d+)$/);
    if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
  }
};
new MutationObserver(look).observe(grid, { childList: true, subtree: true, characterData: true });
return true;
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_path = std::env::var("VALISE_E2E_APP").expect("VALISE_E2E_APP names the app binary");
    let cli = Path::new(&app_path).with_file_name("valise");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let incoming = dir.path().join("incoming");
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&incoming).unwrap();
    std::fs::create_dir_all(&exports).unwrap();
    let mut paths = Vec::new();
    for n in 0..ASSETS {
        let p = incoming.join(format!("infographie-{n:05}.png"));
        std::fs::write(&p, png(n)).unwrap();
        paths.push(p);
    }
    let added = Instant::now();
    let out = Command::new(&cli)
        .arg("--library")
        .arg(&library)
        .args(["asset", "add"])
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{ASSETS} assets added by the CLI in {:?}", added.elapsed());

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.find("[data-testid=open-assets]").await;

    let first_paint = app.client.execute_async(OPEN_GRID, vec![]).await.unwrap();
    println!("## the asset library with {ASSETS} assets");
    println!(
        "click on Assets to the first frame with tiles: {:.0} ms",
        first_paint.as_f64().unwrap()
    );
    // Let the first screen of thumbnails arrive before scrolling.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let deltas = app.client.execute_async(SCROLL, vec![]).await.unwrap();
    let mut deltas: Vec<f64> = serde_json::from_value(deltas).unwrap();
    let over = |limit: f64| deltas.iter().filter(|d| **d > limit).count();
    let (late, very_late) = (over(1000.0 / 60.0 * 1.5), over(50.0));
    deltas.sort_by(f64::total_cmp);
    println!(
        "scrolling {} frames: median {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, worst {:.1} ms; {late} frames over 25 ms, {very_late} over 50 ms",
        deltas.len(),
        percentile(&deltas, 0.5),
        percentile(&deltas, 0.95),
        percentile(&deltas, 0.99),
        deltas[deltas.len() - 1]
    );

    // The watched folder, added through the window's command; the search
    // keeps the new tiles in view among the 5,000.
    let folder = app
        .client
        .execute_async(
            "const [path, done] = arguments; \
             window.__TAURI_INTERNALS__.invoke('add_watched_folder', { path }).then(done, (e) => done({ error: e }));",
            vec![serde_json::json!(exports)],
        )
        .await
        .unwrap();
    assert!(folder.is_array(), "{folder}");
    app.type_into("[data-testid=asset-search]", "watched").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.client.execute(OBSERVE, vec![]).await.unwrap();
    let mut times = Vec::new();
    for n in 0..WATCHED {
        let part = exports.join(format!(".watched-{n}.png.part"));
        std::fs::write(&part, png(ASSETS + n)).unwrap();
        let started = now_ms();
        std::fs::rename(&part, exports.join(format!("watched-{n}.png"))).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let seen = loop {
            let v = app
                .client
                .execute(&format!("return window.__seen['{n}'] ?? null;"), vec![])
                .await
                .unwrap();
            if let Some(t) = v.as_f64() {
                break t;
            }
            assert!(
                Instant::now() < deadline,
                "watched-{n} never reached the grid"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        times.push(seen - started);
    }
    times.sort_by(f64::total_cmp);
    println!("## a file complete in a watched folder, visible in the grid");
    println!(
        "median {:.0} ms, worst {:.0} ms, best {:.0} ms ({WATCHED} files; from the rename into the folder to the tile in the DOM)",
        percentile(&times, 0.5),
        times[WATCHED - 1],
        times[0]
    );
    app.close().await;
}
