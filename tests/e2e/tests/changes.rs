//! End to end: the open window and the `valise` command on the same library.
//! A change made by the CLI reaches the open window within a second without
//! moving the caret, and typing in the window while the CLI changes another
//! paragraph keeps both changes.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use support::{cli, cli_status, App, Driver};

const BODY: &str = "Premier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe.\n";

fn stored_body(library: &Path, id: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&cli(library, &["post", "show", id, "--json"], None)).unwrap();
    shown["body"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_from_the_cli_reach_the_open_window_and_typing_survives_them() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let id = cli(
        &library,
        &["post", "new", "--title", "Fil partagé", "--body-file", "-"],
        Some(BODY),
    )
    .trim()
    .to_string();
    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item]").await;
    app.wait_for_text("[data-testid=editor]", "Troisième paragraphe")
        .await;

    // The caret at the end of the first paragraph.
    let first_line = app
        .wait_for(Locator::Css("[data-testid=editor] .cm-line"))
        .await;
    first_line.click().await.unwrap();
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&fantoccini::key::Key::End.to_string())
        .await
        .unwrap();

    // 1. The CLI changes the third paragraph: the window shows it within a second.
    let changed = BODY.replace(
        "Troisième paragraphe.",
        "Troisième paragraphe, changé par un script.",
    );
    let file = dir.path().join("changed.md");
    std::fs::write(&file, &changed).unwrap();
    cli(
        &library,
        &["post", "edit", &id, "--body-file", file.to_str().unwrap()],
        None,
    );
    let written = Instant::now();
    app.wait_for_text("[data-testid=editor]", "changé par un script")
        .await;
    let seen_after = written.elapsed();
    assert!(
        seen_after <= Duration::from_secs(1),
        "the CLI's change took {seen_after:?} to show in the window"
    );
    app.screenshot("10-cli-change-shown").await;

    // The caret did not move: what is typed now lands after the first paragraph.
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(" Ajouté")
        .await
        .unwrap();
    app.wait_for_text("[data-testid=editor]", "Premier paragraphe. Ajouté")
        .await;
    app.wait_for_text("[data-testid=save-state]", "Saved").await;
    let body = stored_body(&library, &id);
    assert!(
        body.contains("Premier paragraphe. Ajouté") && body.contains("changé par un script"),
        "{body}"
    );

    // 2. Typing in the window while the CLI changes another paragraph: both stay.
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(" Encore")
        .await
        .unwrap();
    let from_cli =
        stored_body(&library, &id).replace("Deuxième paragraphe.", "Deuxième paragraphe, revu.");
    std::fs::write(&file, &from_cli).unwrap();
    cli(
        &library,
        &["post", "edit", &id, "--body-file", file.to_str().unwrap()],
        None,
    );
    app.wait_for_text("[data-testid=editor]", "Deuxième paragraphe, revu.")
        .await;
    app.wait_for_text("[data-testid=editor]", "Premier paragraphe. Ajouté Encore")
        .await;
    app.wait_for_text("[data-testid=save-state]", "Saved").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let body = stored_body(&library, &id);
        if body.contains("Ajouté Encore") && body.contains("Deuxième paragraphe, revu.") {
            assert!(body.contains("changé par un script"), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "both changes are not in the library: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("11-both-changes-kept").await;

    // 3. The CLI edits the first paragraph from revision 1, which the window has
    // changed since: it exits 3, the window shows both versions, and the person
    // takes the other one.
    let from_old = BODY.replace(
        "Premier paragraphe.",
        "Premier paragraphe, selon le script.",
    );
    std::fs::write(&file, &from_old).unwrap();
    let (code, _, err) = cli_status(
        &library,
        &[
            "post",
            "edit",
            &id,
            "--base",
            "1",
            "--body-file",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, Some(3), "an overlapping edit exits 3: {err}");
    app.wait_for_text("[data-testid=conflict-bar]", "the command line")
        .await;
    app.click("[data-testid=conflict-bar] button[aria-expanded]")
        .await;
    app.wait_for_text("[data-testid=conflict-other]", "selon le script")
        .await;
    app.screenshot("12-conflict-shown").await;
    app.click("[data-testid=conflict-take-other]").await;
    app.wait_for_text(
        "[data-testid=editor]",
        "Premier paragraphe, selon le script.",
    )
    .await;
    app.wait_until("the conflict bar is gone", |c| async move {
        let bars = c
            .find_all(Locator::Css("[data-testid=conflict-bar]"))
            .await
            .ok()?;
        bars.is_empty().then_some(())
    })
    .await;
    assert_eq!(stored_body(&library, &id), from_old);
    app.close().await;
}
