//! Keystroke to updated preview, in the real app window: a 5,000-word post is
//! open; keys are typed into CodeMirror through WebDriver; the time runs from the
//! page's keydown event to the frame after the preview's DOM changed. Measured
//! twice: in the single editor, then in the side-by-side translation editor
//! (a block of a 5,000-word English translation, its preview beside it).
//! Needs a display (xvfb-run), tauri-driver, and VALISE_E2E_APP; `make bench`.

// Shared with the end-to-end tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;

use support::{App, Driver};

/// Installed once in the page: each keydown starts a clock, the next change of
/// the preview's DOM stops it at the following animation frame (the frame that
/// shows it).
const INSTALL: &str = r#"
window.__latencies = [];
window.__dom = [];
window.__editor = [];
const preview = document.querySelector(arguments[1]);
let t0 = null;
let editorSeen = false;
document.addEventListener('keydown', () => { t0 = performance.now(); editorSeen = false; }, true);
new MutationObserver(() => {
  if (t0 === null || editorSeen) return;
  editorSeen = true;
  window.__editor.push(performance.now() - t0);
}).observe(document.querySelector(arguments[0]), { childList: true, subtree: true, characterData: true });
new MutationObserver(() => {
  if (t0 === null) return;
  const start = t0;
  t0 = null;
  window.__dom.push(performance.now() - start);
  requestAnimationFrame(() => window.__latencies.push(performance.now() - start));
}).observe(preview, { childList: true, subtree: true, characterData: true });
return true;
"#;

/// French-like text of `n` words in paragraphs of 60, under a heading.
fn text_of(n: usize, words: &[&str], heading: &str) -> String {
    let mut text = format!("# {heading}\n\n");
    for i in 0..n {
        text.push_str(words[i % words.len()]);
        text.push(if i % 60 == 59 { '\n' } else { ' ' });
        if i % 60 == 59 {
            text.push('\n');
        }
    }
    text
}

fn run_cli(
    cli: &std::path::Path,
    library: &std::path::Path,
    args: &[&str],
    body: &std::path::Path,
) {
    let status = Command::new(cli)
        .arg("--library")
        .arg(library)
        .args(args)
        .arg("--body-file")
        .arg(body)
        .status()
        .unwrap();
    assert!(status.success(), "valise {args:?}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_path = std::env::var("VALISE_E2E_APP").expect("VALISE_E2E_APP names the app binary");
    let cli = std::path::Path::new(&app_path).with_file_name("valise");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let body = dir.path().join("body.md");
    let french = [
        "la",
        "négociation",
        "reprend",
        "à",
        "Genève",
        "avec",
        "les",
        "délégations",
        "du",
        "sommet",
    ];
    let english = [
        "the",
        "negotiation",
        "resumes",
        "in",
        "Geneva",
        "with",
        "the",
        "delegations",
        "of",
        "summit",
    ];
    std::fs::write(&body, text_of(5_000, &french, "Compte rendu")).unwrap();
    run_cli(
        &cli,
        &library,
        &["post", "new", "--title", "Cinq mille mots"],
        &body,
    );
    let id = String::from_utf8(
        Command::new(&cli)
            .arg("--library")
            .arg(&library)
            .args(["post", "list", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let id = serde_json::from_str::<serde_json::Value>(&id).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(&body, text_of(5_000, &english, "Report")).unwrap();
    run_cli(
        &cli,
        &library,
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "en",
            "--title",
            "Five thousand words",
        ],
        &body,
    );

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item][data-lang=fr]").await;
    app.wait_for_text("[data-testid=preview]", "Compte rendu")
        .await;
    measure(
        &app,
        "single editor",
        "[data-testid=editor] .cm-content",
        "[data-testid=preview]",
    )
    .await;

    app.click("[data-lang=en] [data-testid=translate-side-by-side]")
        .await;
    app.click("[data-testid=translation-preview-toggle]").await;
    app.wait_for_text("[data-testid=translation-preview]", "Report")
        .await;
    measure(
        &app,
        "side-by-side translation editor",
        "[data-testid=translation-block]:nth-child(4) .cm-content",
        "[data-testid=translation-preview]",
    )
    .await;
    app.close().await;
}

/// Types 120 keys into `editor` and prints the time from each keydown to the
/// frame after `preview` changed (the last 100 keys).
async fn measure(app: &App, name: &str, editor: &str, preview: &str) {
    app.client
        .execute(INSTALL, vec![editor.into(), preview.into()])
        .await
        .unwrap();
    let editor = app.find(editor).await;
    editor.click().await.unwrap();
    // Real key events from WebDriver, one at a time: each must reach the preview
    // before the next is sent.
    for i in 0..120usize {
        editor
            .send_keys(if i % 2 == 0 { "x" } else { "y" })
            .await
            .unwrap();
        // Leave the page alone while it works: a WebDriver script would compete
        // with it for the web process's main thread.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let n = app
                .client
                .execute("return window.__latencies.length;", vec![])
                .await
                .unwrap();
            if n.as_u64() == Some(i as u64 + 1) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "keystroke {i} never reached the preview"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let result = app
        .client
        .execute("return window.__latencies;", vec![])
        .await
        .unwrap();
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
    println!("## keystroke to updated preview, 5,000-word post, real window: {name}");
    println!(
        "median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, worst {:.1} ms ({} keystrokes)",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
        times.len()
    );
    for (stage, var) in [
        ("the editor's text changed (CodeMirror)", "__editor"),
        ("the preview's DOM updated", "__dom"),
    ] {
        let v = app
            .client
            .execute(&format!("return window.{var};"), vec![])
            .await
            .unwrap();
        let mut v: Vec<f64> = v
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_f64())
            .collect();
        v.drain(..v.len().saturating_sub(100));
        v.sort_by(f64::total_cmp);
        println!(
            "  keydown to {stage}: median {:.1} ms, p99 {:.1} ms",
            v[v.len() / 2],
            v[(v.len() - 1) * 99 / 100]
        );
    }
}
