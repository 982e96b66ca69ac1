//! A change made by the `valise` command visible in the open window: a post is
//! open in the real app; the CLI (another process) edits its third paragraph 20
//! times; the time runs from just before the CLI is spawned to the moment the
//! editor's DOM holds the new text (a MutationObserver in the page stamps it).
//! Both ends read the wall clock of the same machine, in milliseconds.
//! Needs a display (xvfb-run), tauri-driver, and VALISE_E2E_APP; `make bench`.

// Shared with the end-to-end tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use support::{App, Driver};

const RUNS: usize = 20;

/// Stamps, for each marker `changement-N`, when the editor first shows it.
const INSTALL: &str = r#"
window.__seen = {};
const content = document.querySelector('.cm-content');
const look = () => {
  const m = content.textContent.match(/changement-(\d+)/);
  if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
};
new MutationObserver(look).observe(content, { childList: true, subtree: true, characterData: true });
return true;
"#;

fn body(run: usize) -> String {
    format!(
        "Premier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe, changement-{run}.\n"
    )
}

fn cli(cli: &Path, library: &Path, args: &[&str]) -> String {
    let out = Command::new(cli)
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .expect("the valise CLI beside the app");
    assert!(
        out.status.success(),
        "valise {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_path = std::env::var("VALISE_E2E_APP").expect("VALISE_E2E_APP names the app binary");
    let cli_path = Path::new(&app_path).with_file_name("valise");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let file = dir.path().join("body.md");
    std::fs::write(&file, body(0)).unwrap();
    let id = cli(
        &cli_path,
        &library,
        &[
            "post",
            "new",
            "--title",
            "Fil partagé",
            "--body-file",
            file.to_str().unwrap(),
        ],
    )
    .trim()
    .to_string();

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item]").await;
    app.wait_for_text("[data-testid=editor]", "changement-0")
        .await;
    app.client.execute(INSTALL, vec![]).await.unwrap();

    let mut times = Vec::new();
    for run in 1..=RUNS {
        std::fs::write(&file, body(run)).unwrap();
        let started = now_ms();
        cli(
            &cli_path,
            &library,
            &["post", "edit", &id, "--body-file", file.to_str().unwrap()],
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let seen = loop {
            let v = app
                .client
                .execute(&format!("return window.__seen['{run}'] ?? null;"), vec![])
                .await
                .unwrap();
            if let Some(t) = v.as_f64() {
                break t;
            }
            assert!(
                Instant::now() < deadline,
                "change {run} never reached the window"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        times.push(seen - started);
        // Let the window's own autosave of nothing settle between runs.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!("## a change made by the CLI, visible in the open window");
    println!(
        "median {:.0} ms, worst {:.0} ms, best {:.0} ms ({RUNS} edits; from spawning `valise post edit` to the editor's DOM)",
        (sorted[RUNS / 2 - 1] + sorted[RUNS / 2]) / 2.0,
        sorted[RUNS - 1],
        sorted[0]
    );
    println!(
        "each run: {}",
        times
            .iter()
            .map(|t| format!("{t:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    app.close().await;
}
