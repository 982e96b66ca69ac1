//! One library file seen from several desktops (each with its own secrets and
//! whoami), shared by the people and trust tests.

use std::path::PathBuf;

use valise_core::{Desktop, Library};

pub struct Setup {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Setup {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        Setup { dir, path }
    }

    /// The library as seen from desktop `desktop` (its own secrets and whoami).
    pub fn open(&self, desktop: &str) -> Library {
        Library::open(&self.path)
            .unwrap()
            .with_desktop(Desktop::in_dir(&self.dir.path().join(desktop)))
    }
}
