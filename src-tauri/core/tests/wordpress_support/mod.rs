//! A real private WordPress for the tests (`tests/wordpress/start`), stopped
//! when dropped, and the fault proxy (`proxy`).

pub mod proxy;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Deserialize)]
struct Started {
    url: String,
    users: Vec<User>,
    stop: String,
    #[serde(default)]
    cron: String,
    #[serde(default)]
    dir: String,
}

/// A running site; stopped (everything it started) when dropped.
pub struct Site {
    pub url: String,
    pub users: Vec<User>,
    stop: String,
    /// A shell command that runs the site's wp-cron once.
    #[allow(dead_code)] // read by the publication tests only
    cron: String,
    /// Where `start` put everything (the site itself in `site/`).
    #[allow(dead_code)]
    dir: String,
    _dir: tempfile::TempDir,
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the WordPress tests cannot run here, if they cannot.
pub fn missing_tools() -> Option<String> {
    let has = |p: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p} || test -x /usr/sbin/{p}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("php") {
        return Some(
            "php is not installed (`make test` installs it, with WordPress and MariaDB)".into(),
        );
    }
    None
}

/// What a harness-less test file (one that starts its own sites) runs: the
/// names given on its command line (a test runs when its name contains one),
/// or everything. `None`, after libtest's line saying why they are skipped,
/// when a site cannot be started here.
pub fn chosen(what: &str) -> Option<Vec<String>> {
    if let Some(why) = missing_tools() {
        println!("{what} skipped: {why}");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return None;
    }
    Some(
        std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect(),
    )
}

/// Whether test `name` is one of those `chosen` asked for.
pub fn is_chosen(filter: &[String], name: &str) -> bool {
    filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()))
}

/// Prints libtest's summary line; exits 101, naming them, on failures.
pub fn summarise(passed: usize, failed: &[&str]) {
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "test result: {verdict}. {passed} passed; {} failed; 0 ignored",
        failed.len()
    );
    if !failed.is_empty() {
        println!("failures: {}", failed.join(", "));
        std::process::exit(101);
    }
}

impl Site {
    /// Starts a site (`--without-plugin` when `plugin` is false).
    pub fn start(plugin: bool) -> Site {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut cmd = Command::new(repo().join("tests/wordpress/start"));
        cmd.arg(dir.path().join("wp"));
        if !plugin {
            cmd.arg("--without-plugin");
        }
        let out = cmd.output().expect("tests/wordpress/start runs");
        assert!(
            out.status.success(),
            "tests/wordpress/start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = String::from_utf8_lossy(&out.stdout);
        let started: Started = serde_json::from_str(line.trim().lines().last().unwrap_or(""))
            .unwrap_or_else(|e| panic!("tests/wordpress/start printed {line:?}: {e}"));
        Site {
            url: started.url,
            users: started.users,
            stop: started.stop,
            cron: started.cron,
            dir: started.dir,
            _dir: dir,
        }
    }

    pub fn user(&self, login: &str) -> &User {
        self.users
            .iter()
            .find(|u| u.login == login)
            .unwrap_or_else(|| panic!("the test site has no user {login}"))
    }

    /// Makes the scheduled posts `ids` due now (`tests/wordpress/due.php`)
    /// and runs the site's cron, which publishes them as it would at their
    /// date.
    #[allow(dead_code)] // used by the publication tests only
    pub fn run_cron_now(&self, ids: &[u64]) {
        let mut due = Command::new("php");
        due.arg(repo().join("tests/wordpress/due.php"))
            .arg(Path::new(&self.dir).join("site"))
            .arg(&self.url)
            .args(ids.iter().map(u64::to_string));
        let out = due.output().expect("php runs due.php");
        assert!(
            out.status.success(),
            "due.php failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let cron = Command::new("sh")
            .args(["-c", &self.cron])
            .status()
            .expect("the cron command runs");
        assert!(cron.success(), "the site's cron failed: {}", self.cron);
    }

    /// The WordPress directory (`wp-load.php`), for PHP run beside the site.
    #[allow(dead_code)] // the benches' seeding; not every test file
    pub fn root(&self) -> PathBuf {
        self._dir.path().join("wp/site")
    }

    /// The stored content (raw HTML, as the editor reads it) of post `wp_id`.
    pub async fn stored_html(&self, wp_id: u64) -> String {
        let raw = reqwest::Client::new()
            .get(format!(
                "{}/wp-json/wp/v2/posts/{wp_id}?context=edit",
                self.url
            ))
            .basic_auth("editor", Some(&self.user("editor").password))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let raw: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        raw["content"]["raw"]
            .as_str()
            .unwrap_or_else(|| panic!("post {wp_id} has no content: {raw}"))
            .to_string()
    }

    /// host:port, for the proxy.
    pub fn address(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = Command::new(&self.stop).status();
    }
}
