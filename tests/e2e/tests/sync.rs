//! End to end against a real WordPress (`tests/wordpress/start`): a site set
//! up in the window's dialog (a wrong password first: refused in plain words,
//! nothing kept), a sync shown as "In sync", then the same paragraph edited
//! on the site by another user and here: the conflict is listed, opened in
//! the editor, combined by hand, synced, and the site holds the combined text.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use std::path::Path;
use std::process::Command;

use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::{json, Value};
use support::{cli, App, Driver};

const SOURCE: &str =
    "La délégation part lundi.\n\nElle rencontre ses homologues mardi.\n\nElle rentre vendredi.\n";

/// A private WordPress, stopped when dropped (also when the test panics).
struct Site {
    url: String,
    users: Vec<Value>,
    stop: String,
}

impl Site {
    fn start(dir: &Path) -> Site {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wordpress/start");
        let out = Command::new(script)
            .arg(dir.join("wp"))
            .output()
            .expect("tests/wordpress/start runs (make wordpress installs what it needs)");
        assert!(
            out.status.success(),
            "tests/wordpress/start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let started: Value = serde_json::from_str(text.trim().lines().last().unwrap_or(""))
            .unwrap_or_else(|e| panic!("tests/wordpress/start printed {text:?}: {e}"));
        Site {
            url: started["url"].as_str().unwrap().to_string(),
            users: started["users"].as_array().unwrap().clone(),
            stop: started["stop"].as_str().unwrap().to_string(),
        }
    }

    fn password(&self, login: &str) -> String {
        self.users
            .iter()
            .find(|u| u["login"] == login)
            .and_then(|u| u["password"].as_str())
            .unwrap_or_else(|| panic!("the test site has no user {login}"))
            .to_string()
    }

    /// A REST call as `login`, through curl; the JSON answer.
    fn rest(&self, login: &str, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut curl = Command::new("curl");
        curl.args(["-sS", "--fail-with-body", "-X", method])
            .arg("-u")
            .arg(format!("{login}:{}", self.password(login)))
            .arg(format!("{}/wp-json{path}", self.url));
        if let Some(body) = body {
            curl.args(["-H", "Content-Type: application/json", "--data-binary"])
                .arg(body.to_string());
        }
        let out = curl.output().expect("curl");
        assert!(
            out.status.success(),
            "{method} {path}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = Command::new(&self.stop).status();
    }
}

async fn fill_site_form(app: &App, url: &str, user: &str, password: &str) {
    for (field, value) in [
        ("site-url", url),
        ("site-user", user),
        ("site-password", password),
    ] {
        let input = app.find(&format!("[data-testid={field}]")).await;
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
}

/// Waits until the sync state reads `label`, or ends with it ("… waiting").
async fn sync_state_is(app: &App, label: &str) {
    app.wait_until(&format!("the sync state reads {label:?}"), |c| async move {
        // textContent, not WebDriver's text(): WebKitWebDriver answers "" for
        // this label (its visibility rules), whatever it shows.
        let text = c
            .execute(
                "const e = document.querySelector('[data-testid=sync-state]'); \
                 return e ? e.textContent.trim() : null;",
                vec![],
            )
            .await
            .ok()?;
        let text = text.as_str()?.to_string();
        (text == label || (label.starts_with('…') && text.ends_with(&label[3..]))).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_set_up_in_the_window_syncs_and_a_conflict_is_combined_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(dir.path());
    let library = dir.path().join("library.sqlite3");
    // This desktop's secrets, kept apart from the machine's; the app started
    // by tauri-driver and the CLI inherit them.
    std::env::set_var("VALISE_SECRETS_DIR", dir.path().join("secrets"));
    std::env::set_var("VALISE_CONFIG_DIR", dir.path().join("config"));
    let id = cli(
        &library,
        &["post", "new", "--title", "Le sommet", "--body-file", "-"],
        Some(SOURCE),
    )
    .trim()
    .to_string();

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    sync_state_is(&app, "No site set up").await;

    // A wrong password: refused in plain words, and nothing is kept.
    app.click("[data-testid=open-sites]").await;
    fill_site_form(&app, &site.url, "editor", "abcd efgh ijkl mnop qrst uvwx").await;
    app.click("[data-testid=site-add]").await;
    app.wait_for_text(
        "[data-testid=site-error]",
        "refused the user name or application password",
    )
    .await;
    let said = app
        .find("[data-testid=site-error]")
        .await
        .text()
        .await
        .unwrap();
    assert!(!said.contains("abcd efgh"), "{said}");
    app.screenshot("30-site-refused").await;
    assert_eq!(
        serde_json::from_str::<Value>(&cli(&library, &["backend", "list", "--json"], None))
            .unwrap(),
        json!([])
    );
    assert!(app
        .client
        .find_all(Locator::Css("[data-testid=site-row]"))
        .await
        .unwrap()
        .is_empty());

    // The right one: the site is listed, its password nowhere in the library.
    let password = site.password("editor");
    fill_site_form(&app, &site.url, "editor", &password).await;
    app.click("[data-testid=site-add]").await;
    app.find("[data-testid=site-row]").await;
    app.wait_for_text("[data-testid=site-row]", "as editor")
        .await;
    app.screenshot("31-site-dialog").await;
    app.click("[data-testid=site-close]").await;
    let file = std::fs::read(&library).unwrap();
    assert!(
        !file
            .windows(password.len())
            .any(|w| w == password.as_bytes()),
        "the password must not be in the library file"
    );

    // Sync: the post reaches the site, the window says so.
    sync_state_is(&app, "… waiting").await;
    app.click("[data-testid=sync-now]").await;
    sync_state_is(&app, "In sync").await;
    app.wait_for_text("[data-testid=sync-last]", "Synced").await;
    app.screenshot("32-status-synced").await;
    let there = site.rest(
        "editor",
        "GET",
        &format!("/wp/v2/posts?status=any&context=edit&valise_post_uid={id}"),
        None,
    );
    let there = there.as_array().unwrap();
    assert_eq!(there.len(), 1, "{there:?}");
    let wp_id = there[0]["id"].as_u64().unwrap();
    assert_eq!(there[0]["meta"]["valise_markdown"], SOURCE);

    // The same paragraph, changed on the site by someone else and here.
    let theirs = SOURCE.replace("homologues mardi.", "homologues jeudi.");
    site.rest(
        "validator1",
        "POST",
        &format!("/wp/v2/posts/{wp_id}"),
        Some(json!({ "meta": { "valise_markdown": theirs } })),
    );
    let mine = SOURCE.replace("homologues mardi.", "homologues mardi, à Genève.");
    let file = dir.path().join("mine.md");
    std::fs::write(&file, &mine).unwrap();
    cli(
        &library,
        &["post", "edit", &id, "--body-file", file.to_str().unwrap()],
        None,
    );
    sync_state_is(&app, "… waiting").await;
    app.click("[data-testid=sync-now]").await;

    // The conflict is listed; opening it shows both versions in the editor.
    app.wait_for_text("[data-testid=sync-conflicts]", "1 conflict")
        .await;
    app.click("[data-testid=sync-conflicts]").await;
    app.wait_for_text("[data-testid=conflict-item]", "Le sommet")
        .await;
    app.screenshot("33-conflict-listed").await;
    app.click("[data-testid=conflict-item]").await;
    app.wait_for_text("[data-testid=conflict-bar]", "Two versions")
        .await;
    app.wait_for_text("[data-testid=editor]", "homologues jeudi.")
        .await;
    app.click("[data-testid=conflict-bar] button[aria-expanded]")
        .await;
    app.wait_for_text("[data-testid=conflict-other]", "mardi, à Genève")
        .await;
    app.screenshot("34-conflict-in-editor").await;

    // Combined by hand: the site's day, this desk's place; then kept.
    let lines = app
        .client
        .find_all(Locator::Css("[data-testid=editor] .cm-line"))
        .await
        .unwrap();
    let mut second = None;
    for line in lines {
        if line.text().await.unwrap().contains("homologues jeudi") {
            second = Some(line);
        }
    }
    second
        .expect("the second paragraph in the editor")
        .click()
        .await
        .unwrap();
    let caret = app.client.active_element().await.unwrap();
    caret.send_keys(&Key::End.to_string()).await.unwrap();
    caret.send_keys(&Key::Backspace.to_string()).await.unwrap();
    caret.send_keys(", à Genève.").await.unwrap();
    app.wait_for_text("[data-testid=editor]", "homologues jeudi, à Genève.")
        .await;
    app.wait_for_text("[data-testid=save-state]", "Saved").await;
    app.click("[data-testid=conflict-keep-current]").await;
    app.wait_until("the conflict bar is gone", |c| async move {
        let bars = c
            .find_all(Locator::Css("[data-testid=conflict-bar]"))
            .await
            .ok()?;
        bars.is_empty().then_some(())
    })
    .await;

    // Synced with the shortcut: the site holds the combined text.
    sync_state_is(&app, "… waiting").await;
    app.find("[data-testid=editor] .cm-line")
        .await
        .click()
        .await
        .unwrap();
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&format!("{}{}y{}", Key::Control, Key::Shift, Key::Null))
        .await
        .unwrap();
    sync_state_is(&app, "In sync").await;
    app.wait_until("no conflict is listed", |c| async move {
        let listed = c
            .find_all(Locator::Css("[data-testid=sync-conflicts]"))
            .await
            .ok()?;
        listed.is_empty().then_some(())
    })
    .await;
    app.screenshot("35-combined-synced").await;
    let combined = SOURCE.replace("homologues mardi.", "homologues jeudi, à Genève.");
    let here: Value =
        serde_json::from_str(&cli(&library, &["post", "show", &id, "--json"], None)).unwrap();
    let here = here["body"].as_str().unwrap().to_string();
    assert_eq!(here, combined, "the library holds the combined text");
    let now = site.rest(
        "editor",
        "GET",
        &format!("/wp/v2/posts/{wp_id}?context=edit"),
        None,
    );
    assert_eq!(
        now["meta"]["valise_markdown"].as_str(),
        Some(here.as_str()),
        "the site holds what the library holds"
    );
    app.close().await;
}
