//! The real `valise` binary, run as scripts would run it: a library in a
//! temporary folder and helpers to run verbs on it.
#![allow(dead_code)] // each test file uses its own share of the helpers

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub struct Lib {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Lib {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        Lib { dir, path }
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_valise"));
        c.arg("--library").arg(&self.path).args(args);
        c.env_remove("VALISE_LIBRARY");
        // This desktop's secrets and "who am I" stay in the test's folder.
        c.env("VALISE_SECRETS_DIR", self.dir.path().join("secrets"));
        c.env("VALISE_CONFIG_DIR", self.dir.path().join("config"));
        c
    }

    /// `args` run on another desktop of the same library: its own secrets
    /// and "who am I", in `desk` under the test's folder.
    pub fn on(&self, desk: &str, args: &[&str]) -> Output {
        let mut c = self.cmd(args);
        c.env(
            "VALISE_SECRETS_DIR",
            self.dir.path().join(desk).join("secrets"),
        );
        c.env(
            "VALISE_CONFIG_DIR",
            self.dir.path().join(desk).join("config"),
        );
        c.output().unwrap()
    }

    /// Like `ok`, on desktop `desk`.
    pub fn ok_on(&self, desk: &str, args: &[&str]) -> String {
        let out = self.on(desk, args);
        assert!(
            out.status.success(),
            "valise {args:?} on {desk} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Founds the library as admin on desktop "admin-desk" (if nobody is
    /// there yet), then has admin invite each of `names` and enrols them on
    /// the test's desktop with `person enrol` (which chooses nobody as me).
    pub fn add_people(&self, names: &[&str]) {
        if !self.path.exists()
            || self
                .json(&["person", "list", "--json"])
                .as_array()
                .unwrap()
                .is_empty()
        {
            self.ok_on(
                "admin-desk",
                &["person", "add", "admin", "--email", "admin@example.org"],
            );
        }
        for name in names {
            let email = format!("{name}@example.org");
            let out = self.ok_on("admin-desk", &["person", "add", name, "--email", &email]);
            let code = out
                .lines()
                .nth(1)
                .expect("an invitation code on line 2")
                .to_string();
            self.ok(&["person", "enrol", name, "--code", &code]);
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "valise {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// `valise backend add site --wordpress URL --user USER --password-stdin`,
    /// the password given on standard input; the whole output, to check.
    #[allow(dead_code)] // the WordPress test files only
    pub fn add_site(&self, url: &str, user: &str, password: &str) -> Output {
        let mut child = self
            .cmd(&[
                "backend",
                "add",
                "site",
                "--wordpress",
                url,
                "--user",
                user,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn with_stdin(&self, args: &[&str], input: &str) -> String {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
