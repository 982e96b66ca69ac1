//! The watched folders of a library: which of this desktop's folders the
//! running window watches for exports (`Assets::watch` does the watching).
//! Kept in the library through the write door, so a window learns of a
//! folder added elsewhere (another window, a script) from the change feed.

use std::path::{Path, PathBuf};

use rusqlite::params;

use super::Assets;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind};

impl Assets<'_> {
    /// The watched folders, in the order they were added.
    pub fn watched_folders(&self) -> Result<Vec<PathBuf>> {
        self.lib.read(|c| {
            let paths = c
                .prepare_cached("SELECT path FROM watched_folders ORDER BY id")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(paths.into_iter().map(PathBuf::from).collect())
        })
    }

    /// Watches `dir` from now on. It must be an existing folder, outside the
    /// library's own asset folder; adding it twice changes nothing.
    pub fn add_watched_folder(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let bad = |reason: &str| Error::BadWatchedFolder {
            path: dir.to_owned(),
            reason: reason.to_string(),
        };
        if !dir.is_absolute() {
            return Err(bad("give the whole path, from the root"));
        }
        let dir = dir
            .canonicalize()
            .map_err(|_| bad("there is no such folder"))?;
        if !dir.is_dir() {
            return Err(bad("it is a file, not a folder"));
        }
        let assets = self.lib.asset_folder().root().to_owned();
        let assets = assets.canonicalize().unwrap_or(assets);
        if dir.starts_with(&assets) || assets.starts_with(&dir) {
            return Err(bad(
                "it holds, or is inside, the library's own asset folder",
            ));
        }
        let text = dir
            .to_str()
            .ok_or_else(|| bad("its name is not valid text"))?
            .to_string();
        self.lib.change(|tx| {
            let added = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO watched_folders (path, added_at) VALUES (?1, ?2)",
                )?
                .execute(params![text, tx.now()])?;
            if added > 0 {
                tx.touched(
                    RecordKind::WatchedFolder,
                    &text,
                    ChangeAction::Created,
                    &text,
                    None,
                );
            }
            Ok(())
        })?;
        self.watched_folders()
    }

    /// Stops watching `dir` (its files already imported stay).
    pub fn remove_watched_folder(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        // As it was added (resolved), unless it is named exactly as listed.
        let listed = self.watched_folders()?;
        let dir = match dir.canonicalize() {
            Ok(resolved) if !listed.iter().any(|l| l == dir) => resolved,
            _ => dir.to_owned(),
        };
        let dir = dir.as_path();
        let text = dir.to_string_lossy().into_owned();
        self.lib.change(|tx| {
            let removed = tx
                .prepare_cached("DELETE FROM watched_folders WHERE path = ?1")?
                .execute([&text])?;
            if removed == 0 {
                return Err(Error::BadWatchedFolder {
                    path: dir.to_owned(),
                    reason: "it is not one of the library's watched folders".into(),
                });
            }
            tx.touched(
                RecordKind::WatchedFolder,
                &text,
                ChangeAction::Deleted,
                &text,
                None,
            );
            Ok(())
        })?;
        self.watched_folders()
    }
}
