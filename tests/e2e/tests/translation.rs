//! End to end: translating side by side in the real window. A French post with
//! an English translation opens block by block; typing in a block saves it;
//! a source paragraph changed by the CLI shows exactly that block outdated,
//! with what changed, and "mark current" clears it; an Arabic translation shows
//! right to left, its missing block reached with F8.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use std::path::Path;

use fantoccini::Locator;
use support::{cli, App, Driver};

const SOURCE: &str = "Le sommet s'ouvre lundi à Nice.\n\nLes délégations arrivent dimanche soir.\n\nLa conférence de presse suit la séance.\n";
const ENGLISH: &str = "The summit opens on Monday in Nice.\n\nThe delegations arrive on Sunday evening.\n\nThe press conference follows the session.\n";
// Two of three paragraphs, with Latin names and a link inside the Arabic.
const ARABIC: &str = "تفتتح القمة يوم الاثنين في Nice.\n\nتصل الوفود مساء الأحد، ويستقبلها Jean-Marc Dupont في [Palais des Congrès](https://exemple.fr).\n";

/// Each block's state in the side-by-side editor, in order.
async fn block_states(app: &App) -> Vec<String> {
    let value = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=translation-block]')].map(b => b.dataset.state);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

fn status(library: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&cli(
        library,
        &["translation", "status", id, "--json"],
        None,
    ))
    .unwrap()
}

fn blocks_of<'a>(status: &'a serde_json::Value, lang: &str) -> &'a Vec<serde_json::Value> {
    status["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == lang)
        .unwrap_or_else(|| panic!("no {lang} in {status}"))["blocks"]
        .as_array()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_is_translated_side_by_side_and_a_changed_paragraph_shows_outdated() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    let id = cli(
        &library,
        &[
            "post",
            "new",
            "--title",
            "Sommet de Nice",
            "--body-file",
            "-",
        ],
        Some(SOURCE),
    )
    .trim()
    .to_string();
    cli(
        &library,
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "en",
            "--title",
            "Nice summit",
            "--body-file",
            "-",
        ],
        Some(ENGLISH),
    );
    cli(
        &library,
        &[
            "translation",
            "add",
            &id,
            "--lang",
            "ar",
            "--title",
            "قمة Nice",
            "--body-file",
            "-",
        ],
        Some(ARABIC),
    );

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.click("[data-testid=post-item][data-lang=fr]").await;
    app.wait_for_text("[data-testid=language-strip]", "complete")
        .await;
    app.screenshot("19-language-strip").await;

    // 1. English side by side: the title and three paragraphs, all current.
    app.click("[data-lang=en] [data-testid=translate-side-by-side]")
        .await;
    app.find("[data-testid=translation-editor]").await;
    app.wait_for_text("[data-testid=translation-blocks]", "The press conference")
        .await;
    assert_eq!(block_states(&app).await, ["current"; 4]);

    // 2. Typing in the second paragraph's block saves it (autosave).
    app.find("[data-testid=translation-block] .cm-content")
        .await;
    let editors = app
        .client
        .find_all(Locator::Css("[data-testid=translation-block] .cm-content"))
        .await
        .unwrap();
    assert_eq!(editors.len(), 4, "one editor per block");
    editors[2].click().await.unwrap();
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&(fantoccini::key::Key::End.to_string() + " At night."))
        .await
        .unwrap();
    app.wait_until("the typed sentence is saved", |_| {
        let library = library.clone();
        let id = id.clone();
        async move {
            let s = status(&library, &id);
            blocks_of(&s, "en")
                .iter()
                .any(|b| {
                    b["translation"]
                        .as_str()
                        .unwrap()
                        .ends_with("evening. At night.")
                })
                .then_some(())
        }
    })
    .await;

    // 3. The CLI changes the second source paragraph: exactly that block goes
    //    outdated, showing what changed.
    let changed = SOURCE.replace("dimanche soir", "samedi soir");
    cli(
        &library,
        &["post", "edit", &id, "--body-file", "-"],
        Some(&changed),
    );
    app.wait_until("one block is outdated", |_| {
        let app = &app;
        async move {
            let states = block_states(app).await;
            (states == ["current", "current", "outdated", "current"]).then_some(())
        }
    })
    .await;
    let changes = app.find("[data-testid=source-changes]").await;
    assert_eq!(
        changes
            .find(Locator::Css("del"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "dimanche"
    );
    assert_eq!(
        changes
            .find(Locator::Css("ins"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "samedi"
    );
    assert_eq!(
        app.find("[data-testid=translation-todo]")
            .await
            .text()
            .await
            .unwrap(),
        "1 block needs work"
    );
    app.screenshot("20-translation-outdated").await;

    // 4. After review, "mark current": the block and the library agree.
    app.click("[data-testid=mark-current]").await;
    app.wait_until("every block is current again", |_| {
        let app = &app;
        async move { (block_states(app).await == ["current"; 4]).then_some(()) }
    })
    .await;
    let s = status(&library, &id);
    assert!(
        blocks_of(&s, "en").iter().all(|b| b["state"] == "current"),
        "{s}"
    );

    // 5. Arabic: right to left, one paragraph missing, reached with F8.
    app.click("[data-testid=translation-close]").await;
    app.click("[data-lang=ar] [data-testid=translate-side-by-side]")
        .await;
    app.wait_for_text("[data-testid=translation-lang]", "العربية")
        .await;
    // The Arabic was made from the old second paragraph: it is outdated too.
    app.wait_until("the Arabic blocks are shown", |_| {
        let app = &app;
        async move {
            (block_states(app).await == ["current", "current", "outdated", "missing"]).then_some(())
        }
    })
    .await;
    let dirs = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=translation-block] .target .cm-content')].map(c => c.getAttribute('dir') + ':' + c.getAttribute('lang'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        dirs,
        serde_json::json!(["rtl:ar", "rtl:ar", "rtl:ar", "rtl:ar"])
    );
    // F8 goes to the next block that needs work: the outdated one, then the missing one.
    for expected in ["outdated", "missing"] {
        app.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&fantoccini::key::Key::F8.to_string())
            .await
            .unwrap();
        app.wait_until(&format!("F8 puts the caret in the {expected} block"), |c| async move {
            let v = c
                .execute(
                    "return document.activeElement?.closest('[data-testid=translation-block]')?.dataset.state ?? null;",
                    vec![],
                )
                .await
                .ok()?;
            (v == expected).then_some(())
        })
        .await;
    }
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys("تليها ندوة صحفية.")
        .await
        .unwrap();
    app.click("[data-testid=translation-preview-toggle]").await;
    app.wait_until(
        "the Arabic preview isolates the Latin name",
        |c| async move {
            let html = c
                .find(Locator::Css("[data-testid=translation-preview]"))
                .await
                .ok()?
                .html(true)
                .await
                .ok()?;
            (html.contains("<bdi>Jean-Marc Dupont</bdi>") && html.contains("تليها ندوة صحفية"))
                .then_some(())
        },
    )
    .await;
    let preview_dir = app
        .find("[data-testid=translation-preview]")
        .await
        .attr("dir")
        .await
        .unwrap();
    assert_eq!(preview_dir.as_deref(), Some("rtl"));
    app.wait_until("the typed Arabic block is saved and current", |_| {
        let app = &app;
        async move {
            (block_states(app).await == ["current", "current", "outdated", "current"]).then_some(())
        }
    })
    .await;
    app.screenshot("21-translation-arabic").await;
    let s = status(&library, &id);
    let states: Vec<&str> = blocks_of(&s, "ar")
        .iter()
        .map(|b| b["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["current", "current", "outdated", "current"], "{s}");
    app.close().await;
}
