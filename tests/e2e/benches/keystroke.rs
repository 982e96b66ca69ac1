//! Keystroke to updated preview, in the real app window: a 5,000-word post is
//! open; a character is typed into CodeMirror (as the browser's own text
//! insertion); the time runs until the frame after the preview's DOM changed.
//! Needs a display (xvfb-run), tauri-driver, and VALISE_E2E_APP; `make bench`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;

use support::{App, Driver};

const SCRIPT: &str = r#"
const done = arguments[0];
const content = document.querySelector('[data-testid=editor] .cm-content');
const preview = document.querySelector('[data-testid=preview]');
content.focus();
const sel = window.getSelection();
sel.selectAllChildren(content);
sel.collapseToEnd();
const times = [];
function once() {
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    obs.disconnect();
    requestAnimationFrame(() => {
      times.push(performance.now() - t0);
      if (times.length < 120) setTimeout(once, 40); else done(times);
    });
  });
  obs.observe(preview, { childList: true, subtree: true, characterData: true });
  document.execCommand('insertText', false, times.length % 10 === 9 ? ' ' : 'x');
}
once();
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_path = std::env::var("VALISE_E2E_APP").expect("VALISE_E2E_APP names the app binary");
    let cli = std::path::Path::new(&app_path).with_file_name("valise");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let body = dir.path().join("body.md");
    let words = ["la", "négociation", "reprend", "à", "Genève", "avec", "les", "délégations", "du", "sommet"];
    let mut text = String::from("# Compte rendu\n\n");
    for i in 0..5_000 {
        text.push_str(words[i % words.len()]);
        text.push(if i % 60 == 59 { '\n' } else { ' ' });
        if i % 60 == 59 {
            text.push('\n');
        }
    }
    std::fs::write(&body, text).unwrap();
    let status = Command::new(&cli)
        .args(["--library", library.to_str().unwrap(), "post", "new", "--title", "Cinq mille mots"])
        .args(["--body-file", body.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item]").await;
    app.wait_for_text("[data-testid=preview]", "Compte rendu").await;
    let result = app
        .client
        .execute_async(SCRIPT, vec![])
        .await
        .expect("the keystroke script runs");
    let mut times: Vec<f64> = result
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    // The first keystrokes warm the code paths; keep the last 100.
    times.drain(..times.len() - 100);
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!("## keystroke to updated preview, 5,000-word post, real window");
    println!(
        "median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, worst {:.1} ms ({} keystrokes)",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
        times.len()
    );
    app.close().await;
}
