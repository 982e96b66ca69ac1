//! End to end: a post's sign-off in the real window. Eve submits with
//! Ctrl+Enter; alice approves proofreading from the CLI and the panel shows
//! it; eve edits the text and the approval shows as voided with what changed;
//! alice, chosen in the window, approves again; carol signs the last step;
//! preflight passes, in the panel and on the command line; alice marks it
//! ready to publish in the panel; the pipeline board (its Ready column) and
//! alice's inbox show where posts stand.

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use fantoccini::Locator;
use support::{cli, cli_status, App, Driver};

const CHAIN: &str =
    "steps:\n  - name: proofreading\n    signers: [alice]\n  - name: head\n    signers: [carol]\n";

async fn step_states(app: &App) -> Vec<String> {
    let v = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=signoff-step]')].map(s => s.dataset.state);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

async fn wait_for_steps(app: &App, what: &str, want: &[&str]) {
    app.wait_until(what, |_| async move {
        let states = step_states(app).await;
        (states == want).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_is_signed_off_in_the_window_and_a_change_voids_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    std::env::set_var("VALISE_SECRETS_DIR", dir.path().join("secrets"));
    std::env::set_var("VALISE_CONFIG_DIR", dir.path().join("config"));
    // Eve founds the library on this desktop (and is chosen here); alice and
    // carol are invited by her and enrolled on this desktop too, so that the
    // window can be either of them.
    cli(
        &library,
        &["person", "add", "eve", "--email", "eve@example.org"],
        None,
    );
    for name in ["alice", "carol"] {
        let email = format!("{name}@example.org");
        let added = cli(&library, &["person", "add", name, "--email", &email], None);
        let code = support::invitation_code(&added);
        cli(&library, &["person", "enrol", name, "--code", &code], None);
    }
    cli(&library, &["whoami", "--set", "eve"], None);
    let chain = dir.path().join("chain.yaml");
    std::fs::write(&chain, CHAIN).unwrap();
    cli(
        &library,
        &["workflow", "set", "--file", chain.to_str().unwrap()],
        None,
    );
    let id = cli(
        &library,
        &[
            "post",
            "new",
            "--title",
            "Visite à Rabat",
            "--body-file",
            "-",
        ],
        Some("La ministre se rend à Rabat mardi.\n"),
    )
    .trim()
    .to_string();
    for lang in ["en", "es", "ar"] {
        cli(
            &library,
            &[
                "translation",
                "not-planned",
                &id,
                "--lang",
                lang,
                "--reason",
                "Annonce nationale",
                "--by",
                "eve",
            ],
            None,
        );
    }

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.wait_for_text("[data-testid=identity-button]", "eve")
        .await;
    app.click("[data-testid=post-item]").await;
    app.wait_for_text("[data-testid=editor]", "Rabat mardi")
        .await;

    // 1. Ctrl+Enter opens the sign-off panel and submits.
    let editor = app.find("[data-testid=editor] .cm-content").await;
    editor.click().await.unwrap();
    editor
        .send_keys(&format!(
            "{}{}",
            fantoccini::key::Key::Control,
            fantoccini::key::Key::Enter
        ))
        .await
        .unwrap();
    app.wait_for_text("[data-testid=signoff-state]", "In sign-off: proofreading")
        .await;
    wait_for_steps(&app, "proofreading is ready", &["ready", "waiting"]).await;
    app.wait_for_text("[data-testid=preflight]", "proofreading")
        .await;

    // 2. Alice approves from the command line: the open panel follows.
    cli(
        &library,
        &[
            "--as",
            "alice",
            "signoff",
            "approve",
            &id,
            "--step",
            "proofreading",
            "--comment",
            "Relu",
        ],
        None,
    );
    wait_for_steps(&app, "proofreading is approved", &["approved", "ready"]).await;

    // 3. Eve changes the text: alice's signature is voided, with what changed.
    app.find("[data-testid=editor] .cm-content")
        .await
        .click()
        .await
        .unwrap();
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&(fantoccini::key::Key::End.to_string() + " Puis à Tanger."))
        .await
        .unwrap();
    wait_for_steps(
        &app,
        "the change voids proofreading",
        &["voided_by_change", "waiting"],
    )
    .await;
    app.wait_for_text("[data-testid=signed-diff]", "Tanger")
        .await;
    app.screenshot("40-signoff-voided").await;

    // 4. Alice, chosen in this window, reads the change and approves again.
    app.click("[data-testid=identity-button]").await;
    app.click("[data-testid=choose-person][data-name=alice]")
        .await;
    app.wait_for_text("[data-testid=identity-button]", "alice")
        .await;
    app.wait_until("alice may approve", |c| async move {
        c.find(Locator::Css(
            "[data-step=proofreading] [data-testid=act-approve]",
        ))
        .await
        .ok()
        .map(|_| ())
    })
    .await;
    app.click("[data-step=proofreading] [data-testid=act-approve]")
        .await;
    wait_for_steps(
        &app,
        "proofreading is approved again",
        &["approved", "ready"],
    )
    .await;

    // 5. Carol signs the last step; preflight passes; the audit trail is intact.
    cli(
        &library,
        &["--as", "carol", "signoff", "approve", &id, "--step", "head"],
        None,
    );
    app.wait_for_text("[data-testid=signoff-state]", "Approved")
        .await;
    app.wait_for_text("[data-testid=preflight]", "Ready to publish")
        .await;
    app.screenshot("41-signoff-approved").await;
    let (code, out, err) = cli_status(&library, &["preflight", &id], None);
    assert_eq!(code, Some(0), "preflight: {out}{err}");

    // 6. The preflight passes, so the panel offers "Mark ready to publish":
    //    the person chosen in the window marks it; the trail stays intact.
    app.click("[data-testid=move-ready]").await;
    app.wait_for_text("[data-testid=publication-state]", "Ready to publish")
        .await;
    app.screenshot("41b-signoff-ready-to-publish").await;
    cli(&library, &["audit", "verify"], None);

    // 7. The board: the post in the Ready column; a new submission waits in
    //    alice's inbox.
    let other = cli(
        &library,
        &[
            "post",
            "new",
            "--title",
            "Forum jeunesse",
            "--body-file",
            "-",
        ],
        Some("Texte.\n"),
    )
    .trim()
    .to_string();
    cli(
        &library,
        &["--as", "eve", "signoff", "submit", &other],
        None,
    );
    app.click("[data-testid=open-board]").await;
    app.wait_for_text("[data-name=Ready]", "Visite à Rabat")
        .await;
    app.wait_for_text("[data-testid=inbox]", "Forum jeunesse")
        .await;
    app.screenshot("42-pipeline-board").await;
    app.close().await;
}
