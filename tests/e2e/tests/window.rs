//! End to end: the real Valise window under Xvfb, driven through WebDriver
//! (tauri-driver + WebKitWebDriver). Run with `make e2e`, which builds the app
//! and sets VALISE_E2E_APP. Screenshots land in target/e2e/.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use std::time::Duration;

use fantoccini::Locator;
use support::{App, Driver};

const NNBSP: char = '\u{202F}';

fn css(s: &str) -> Locator<'_> {
    Locator::Css(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_drafts_finds_and_keeps_a_post_and_the_preview_runs_no_script() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let driver = Driver::start(&library);

    // 1. An empty library shows its empty state.
    let app = App::open(&driver).await;
    app.wait_for(css("[data-testid=empty-library]")).await;
    app.screenshot("01-empty-library").await;

    // 2. Create a post, type a title and a body; the preview follows.
    app.click("[data-testid=new-post]").await;
    let title = app.wait_for(css("[data-testid=title-input]")).await;
    title.send_keys("Négociation nocturne").await.unwrap();
    app.type_in_editor("La négociation reprend à l'aube ! **Accord** trouvé.")
        .await;
    let preview_html = app.wait_for_preview_html("<strong>Accord</strong>").await;
    assert!(
        preview_html.contains(&format!("aube{NNBSP}!")),
        "French typography missing in the preview: {preview_html}"
    );
    app.wait_for_text("[data-testid=save-state]", "Saved").await;
    app.screenshot("02-editor-with-preview").await;

    // 3. Search without accents finds it: a search hit marks the accented word.
    app.click("[data-testid=search-input]").await;
    app.find("[data-testid=search-input]")
        .await
        .send_keys("negociation")
        .await
        .unwrap();
    app.wait_for_text("[data-testid=post-list] mark", "négociation")
        .await;
    app.wait_for_text("[data-testid=post-list]", "Négociation nocturne")
        .await;
    app.screenshot("03-search-without-accents").await;
    // Escape empties the search box and brings the list back.
    app.find("[data-testid=search-input]")
        .await
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .unwrap();
    app.wait_until("the list is back", |c| async move {
        let marks = c.find_all(css("[data-testid=post-list] mark")).await.ok()?;
        marks.is_empty().then_some(())
    })
    .await;

    // 4. A draft holding an event-handler attack runs nothing in the preview.
    app.click("[data-testid=new-post]").await;
    app.wait_for(css("[data-testid=title-input]"))
        .await
        .send_keys("Essai de sécurité")
        .await
        .unwrap();
    app.type_in_editor(
        "Avant <img src=x onerror=\"window.__pwned=1\"> après <script>window.__pwned=2</script>",
    )
    .await;
    app.wait_for_preview_html("après").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let html = app
        .find("[data-testid=preview]")
        .await
        .html(true)
        .await
        .unwrap();
    assert!(
        !html.contains("onerror") && !html.contains("<script"),
        "unsafe HTML reached the preview: {html}"
    );
    let pwned = app
        .client
        .execute("return window.__pwned === undefined;", vec![])
        .await
        .unwrap();
    assert_eq!(
        pwned,
        serde_json::Value::Bool(true),
        "script from the draft ran in the preview"
    );
    app.wait_for_text("[data-testid=save-state]", "Saved").await;
    app.screenshot("04-attack-draft-is-inert").await;
    app.close().await;

    // 5. Restart the app: the text is still there.
    let app = App::open(&driver).await;
    app.wait_for_text("[data-testid=post-list]", "Négociation nocturne")
        .await;
    let opened = app
        .client
        .execute(
            "const row = [...document.querySelectorAll('[data-testid=post-item]')] \
               .find(r => r.textContent.normalize('NFC').includes('Négociation nocturne')); \
             if (row) { row.click(); return true; } return false;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        opened,
        serde_json::Value::Bool(true),
        "the post is in the list after a restart"
    );
    app.wait_for_text("[data-testid=editor]", "reprend à l'aube")
        .await;
    app.wait_for_text("[data-testid=preview]", "Accord").await;
    app.screenshot("05-after-restart").await;
    app.close().await;
}
