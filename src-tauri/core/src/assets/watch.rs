//! The designers' watched folders: every file that appears or changes there
//! becomes an asset, a language variant or a new version (by its name,
//! `NAME.LANG.EXT`), with the watcher as the change's origin. A file is taken
//! only once it is stable — same size and modification time for `settle` —
//! so a half-written export is never imported; editors' temporary and hidden
//! files are ignored. At start every file is looked at once: what changed
//! while nobody watched is picked up, and what is known (same checksum) adds
//! nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::{naming, AddFile, Added, Assets};
use crate::error::{Error, Result};
use crate::store::write::Origin;

/// What the watcher did with one file.
#[derive(Debug)]
pub enum Seen {
    Imported {
        path: PathBuf,
        added: Added,
    },
    /// Looked at, and already in the library (same checksum): nothing added.
    Known {
        path: PathBuf,
        asset_id: String,
    },
    /// The file of an asset deleted since: not brought back.
    OfDeletedAsset {
        path: PathBuf,
        asset_id: String,
    },
    Refused {
        path: PathBuf,
        error: Error,
    },
}

/// A file seen changing, waiting to be stable.
struct Pending {
    size: u64,
    modified: Option<SystemTime>,
    since: Instant,
}

impl Assets<'_> {
    /// Watches `dirs` (and their sub-folders) until `stop` is set, calling
    /// `report` for each file imported or refused. Files already there are
    /// looked at first.
    pub fn watch(
        &self,
        dirs: &[PathBuf],
        settle: Duration,
        stop: &AtomicBool,
        mut report: impl FnMut(Seen),
    ) -> Result<()> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(&dirs[0], e))?;
        let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
        for dir in dirs {
            if !dir.is_dir() {
                return Err(Error::io(
                    dir,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
                ));
            }
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| watch_error(dir, e))?;
            for path in files_under(dir) {
                note(&mut pending, dirs, path);
            }
        }
        while !stop.load(Ordering::Relaxed) {
            match rx.recv_timeout(Duration::from_millis(100)) {
                // Reading a file (as importing it does) is not a change.
                Ok(Ok(event)) if is_write(&event.kind) => {
                    for path in event.paths {
                        note(&mut pending, dirs, path);
                    }
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => eprintln!("valise: the folder watcher reported: {e}"),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            for path in stable(&mut pending, settle) {
                report(self.import(&path));
            }
        }
        Ok(())
    }

    fn import(&self, path: &Path) -> Seen {
        let file = AddFile {
            path: path.display().to_string(),
            ..AddFile::default()
        };
        match self.add_as(&file, Origin::Watcher) {
            Ok(added) if added.outcome == super::AddOutcome::AlreadyKnown => Seen::Known {
                path: path.to_owned(),
                asset_id: added.asset_id,
            },
            Ok(added) if added.outcome == super::AddOutcome::OfDeletedAsset => {
                Seen::OfDeletedAsset {
                    path: path.to_owned(),
                    asset_id: added.asset_id,
                }
            }
            Ok(added) => Seen::Imported {
                path: path.to_owned(),
                added,
            },
            Err(error) => Seen::Refused {
                path: path.to_owned(),
                error,
            },
        }
    }
}

fn is_write(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// Starts (or restarts) the wait of a file that changed, if it is one to take.
fn note(pending: &mut HashMap<PathBuf, Pending>, roots: &[PathBuf], path: PathBuf) {
    let temporary = path
        .file_name()
        .is_none_or(|n| naming::is_temporary(&n.to_string_lossy()));
    // A file inside a hidden folder (`.git`, `.cache`) of a watched one is not
    // an export either.
    let inside = roots.iter().find_map(|r| path.strip_prefix(r).ok());
    let hidden_dir = inside
        .and_then(Path::parent)
        .into_iter()
        .flat_map(Path::components)
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if temporary || hidden_dir {
        return;
    }
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => {
            pending.insert(
                path,
                Pending {
                    size: m.len(),
                    modified: m.modified().ok(),
                    since: Instant::now(),
                },
            );
        }
        // Gone (renamed away, deleted) or a folder: nothing to import.
        _ => {
            pending.remove(&path);
        }
    }
}

/// The files unchanged for `settle`, removed from `pending`; a file that
/// changed meanwhile waits again.
fn stable(pending: &mut HashMap<PathBuf, Pending>, settle: Duration) -> Vec<PathBuf> {
    let mut ready = Vec::new();
    pending.retain(|path, p| {
        if p.since.elapsed() < settle {
            return true;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.len() == p.size && m.modified().ok() == p.modified => {
                ready.push(path.clone());
                false
            }
            Ok(m) => {
                *p = Pending {
                    size: m.len(),
                    modified: m.modified().ok(),
                    since: Instant::now(),
                };
                true
            }
            Err(_) => false,
        }
    });
    ready.sort();
    ready
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                if !e.file_name().to_string_lossy().starts_with('.') {
                    stack.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn watch_error(dir: &Path, e: notify::Error) -> Error {
    Error::io(
        dir,
        std::io::Error::other(format!("cannot watch this folder: {e}")),
    )
}
