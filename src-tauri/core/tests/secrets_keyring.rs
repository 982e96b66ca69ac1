//! The desktop keyring behind the secret store, for real: a private D-Bus
//! session with gnome-keyring's Secret Service, unlocked from standard input,
//! in a home of the test's own (nothing touches the machine's keyrings). The
//! parent test starts that session and runs this same binary inside it for the
//! `inside_a_keyring_session` test; it is skipped, saying why, only where the
//! daemon cannot start (the lead's Makefile installs `gnome-keyring`).

use std::process::Command;

use valise_core::SecretStore;

const CHILD: &str = "VALISE_TEST_INSIDE_KEYRING";

#[test]
fn secrets_go_to_the_secret_service_when_one_answers() {
    if std::env::var_os(CHILD).is_some() {
        return; // the child runs only the test below
    }
    for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("skipped: {tool} is not installed (Debian package dbus / gnome-keyring), so no Secret Service can start here");
            return;
        }
    }
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let script = r#"printf 'valise-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 90
exec "$0" --exact inside_a_keyring_session --ignored --nocapture --test-threads=1"#;
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg("sh")
        .arg("-c")
        .arg(script)
        .arg(&exe)
        .env(CHILD, "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("VALISE_SECRETS_DIR")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.code() == Some(90) {
        eprintln!("skipped: gnome-keyring-daemon could not start its Secret Service here:\n{text}");
        return;
    }
    assert!(out.status.success(), "the keyring test failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "the keyring test did not run:\n{text}"
    );
}

#[test]
#[ignore = "run inside a private keyring session by the test above"]
fn inside_a_keyring_session() {
    assert!(
        std::env::var_os(CHILD).is_some(),
        "run by secrets_go_to_the_secret_service_when_one_answers"
    );
    let store = SecretStore::for_this_desktop();
    assert!(store.is_keyring(), "{}", store.describe());
    assert!(
        store.describe().contains("Secret Service"),
        "{}",
        store.describe()
    );
    assert!(store.get("valise-signing", "p1").unwrap().is_none());
    store.put("valise-signing", "p1", b"first").unwrap();
    store.put("valise-signing", "p1", b"second").unwrap();
    store.put("valise-signing", "p2", b"other").unwrap();
    assert_eq!(
        store.get("valise-signing", "p1").unwrap().unwrap().expose(),
        b"second"
    );
    assert!(store.delete("valise-signing", "p1").unwrap());
    assert!(!store.delete("valise-signing", "p1").unwrap());
    assert!(store.get("valise-signing", "p1").unwrap().is_none());
    assert_eq!(
        store.get("valise-signing", "p2").unwrap().unwrap().expose(),
        b"other"
    );
    // Nothing was written as files: the data dir has no valise secrets folder.
    let data = std::env::var_os("XDG_DATA_HOME").unwrap();
    assert!(!std::path::Path::new(&data).join("valise/secrets").exists());
    // Names are checked the same way as for files.
    assert!(store.put("../x", "a", b"hunter2").is_err());
}
