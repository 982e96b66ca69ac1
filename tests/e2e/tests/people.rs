//! End to end: choosing who I am on this desktop in the window. A person
//! invited from the founder's desktop (CLI) is offered; choosing them with
//! their invitation code makes their key on this desktop, and the window and
//! the CLI agree (`valise whoami`).

#[allow(dead_code)] // helpers shared with the other scenarios
mod support;

use support::{cli, cli_on, cli_status, invitation_code, App, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_who_i_am_in_the_window_is_what_the_cli_sees() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library.sqlite3");
    // This desktop's secrets and choices, kept apart from the machine's; the
    // app started by tauri-driver inherits them.
    std::env::set_var("VALISE_SECRETS_DIR", dir.path().join("secrets"));
    std::env::set_var("VALISE_CONFIG_DIR", dir.path().join("config"));
    let founder = dir.path().join("founder-desk");
    cli_on(
        &library,
        &founder,
        &["person", "add", "hadi", "--email", "hadi@example.org"],
    );
    let added = cli_on(
        &library,
        &founder,
        &["person", "add", "amira", "--email", "amira@example.org"],
    );
    let invitation = invitation_code(&added);
    let (code, _, err) = cli_status(&library, &["whoami"], None);
    assert_eq!(code, Some(1), "nobody chosen yet: {err}");

    let driver = Driver::start(&library);
    let app = App::open(&driver).await;
    app.wait_for_text("[data-testid=identity-button]", "Who are you?")
        .await;
    app.click("[data-testid=identity-button]").await;
    app.type_into("[data-testid=invitation-code]", &invitation)
        .await;
    app.click("[data-testid=choose-person][data-name=amira]")
        .await;
    app.wait_for_text("[data-testid=identity-button]", "amira")
        .await;
    app.screenshot("30-identity").await;
    let out = cli(&library, &["whoami"], None);
    assert!(out.contains("amira"), "{out}");
    app.close().await;
}
