//! Starting tauri-driver and the app, and the few waits and clicks the scenario needs.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Driver {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    /// Starts tauri-driver on free ports; the app it launches opens `library`.
    pub fn start(library: &Path) -> Self {
        let (port, native) = (free_port(), free_port());
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("VALISE_LIBRARY", library)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver must be installed (cargo install tauri-driver --locked)");
        // tauri-driver listens at once and starts WebKitWebDriver beside it;
        // a session asked for before WebKitWebDriver listens too is dropped
        // (hyper's IncompleteMessage), so wait for both.
        let deadline = Instant::now() + TIMEOUT;
        for (who, p) in [("tauri-driver", port), ("WebKitWebDriver", native)] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(Instant::now() < deadline, "{who} did not listen on {p}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver and the app it started.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub struct App {
    pub client: Client,
}

fn app_binary() -> String {
    std::env::var("VALISE_E2E_APP")
        .expect("VALISE_E2E_APP must name the built app: run the end-to-end tests with `make e2e`")
}

pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl App {
    pub async fn open(driver: &Driver) -> Self {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary() }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a WebDriver session with the app");
        App { client }
    }

    pub async fn find(&self, selector: &str) -> Element {
        self.wait_for(Locator::Css(selector)).await
    }

    pub async fn wait_for(&self, locator: Locator<'_>) -> Element {
        self.client
            .wait()
            .at_most(TIMEOUT)
            .for_element(locator)
            .await
            .unwrap_or_else(|e| panic!("waiting for {locator:?}: {e}"))
    }

    pub async fn click(&self, selector: &str) {
        self.find(selector).await.click().await.unwrap();
    }

    /// Types `text` into the input found by `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        self.find(selector).await.send_keys(text).await.unwrap();
    }

    /// Polls `probe` until it returns Some, or fails the test after the timeout.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, probe: F) -> T
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(v) = probe(self.client.clone()).await {
                return v;
            }
            if Instant::now() > deadline {
                self.screenshot("failure").await;
                panic!("timed out waiting until {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element's text contains `text`. Both sides are compared in
    /// Unicode NFC: WebKitWebDriver types "é" as "e" + a combining accent.
    pub async fn wait_for_text(&self, selector: &str, text: &str) {
        let what = format!("{selector} shows {text:?}");
        self.wait_until(&what, |c| async move {
            let found = c
                .execute(
                    "const e = document.querySelector(arguments[0]); \
                     return !!e && e.textContent.normalize('NFC').includes(arguments[1].normalize('NFC'));",
                    vec![selector.into(), text.into()],
                )
                .await
                .ok()?;
            (found == serde_json::Value::Bool(true)).then_some(())
        })
        .await
    }

    /// Waits until the preview's HTML contains `needle`; returns that HTML.
    pub async fn wait_for_preview_html(&self, needle: &str) -> String {
        let what = format!("the preview shows {needle:?}");
        self.wait_until(&what, |c| async move {
            let preview = c.find(Locator::Css("[data-testid=preview]")).await.ok()?;
            let html = preview.html(true).await.ok()?;
            html.contains(needle).then_some(html)
        })
        .await
    }

    pub async fn type_in_editor(&self, text: &str) {
        let editor = self.find("[data-testid=editor] .cm-content").await;
        editor.click().await.unwrap();
        editor.send_keys(text).await.unwrap();
    }

    /// Saves a PNG of the display after two animation frames, so it shows the
    /// current state. Taken with ImageMagick from the X display: WebKitWebDriver's
    /// own screenshot never answers when accelerated compositing is off, as the
    /// app sets it on machines without a GPU.
    pub async fn screenshot(&self, name: &str) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
        let path = screenshot_dir().join(format!("{name}.png"));
        let taken = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            taken,
            "could not save {} (is ImageMagick installed?)",
            path.display()
        );
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
        // Give the app its close handler (autosave) and exit before a new session.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The `valise` command built beside the app.
pub fn cli_binary() -> PathBuf {
    let app = PathBuf::from(std::env::var("VALISE_E2E_APP").expect("run with `make e2e`"));
    app.with_file_name("valise")
}

/// Runs the CLI on `library`; fails the test unless it exits 0. Its standard output.
pub fn cli(library: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let (code, out, err) = cli_status(library, args, stdin);
    assert_eq!(code, Some(0), "valise {args:?}: {err}");
    out
}

/// Runs the CLI on `library` as another desktop whose secrets and "who am I"
/// live in `desk`; fails the test unless it exits 0. Its standard output.
pub fn cli_on(library: &Path, desk: &Path, args: &[&str]) -> String {
    let out = Command::new(cli_binary())
        .arg("--library")
        .arg(library)
        .args(args)
        .env("VALISE_SECRETS_DIR", desk.join("secrets"))
        .env("VALISE_CONFIG_DIR", desk.join("config"))
        .output()
        .expect("the valise CLI beside the app");
    assert_eq!(
        out.status.code(),
        Some(0),
        "valise {args:?} on {}: {}",
        desk.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The invitation code `person add` prints on its second line.
pub fn invitation_code(person_add_output: &str) -> String {
    person_add_output
        .lines()
        .nth(1)
        .expect("an invitation code on the second line of `person add`")
        .trim()
        .to_string()
}

/// Runs the CLI; its exit code, standard output and standard error.
pub fn cli_status(
    library: &Path,
    args: &[&str],
    stdin: Option<&str>,
) -> (Option<i32>, String, String) {
    let mut child = Command::new(cli_binary())
        .arg("--library")
        .arg(library)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the valise CLI beside the app");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
