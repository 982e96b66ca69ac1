//! The library's watched folders, watched while the window is open: the
//! core's watcher (`Assets::watch`) runs on a thread of its own over the
//! folders the library names, and starts again whenever that list changes
//! (from this window or any other writer, as the change feed says). Imports
//! reach the window through the change feed like every other write; a file
//! the watcher refuses is told to the window by name.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use valise_core::assets::watch::Seen;
use valise_core::{Library, RecordKind};

use crate::commands::OpenedLibrary;

/// The event telling the window that a watched file was not imported, and why.
pub const ASSET_REFUSED: &str = "asset-refused";

/// How long a file must stay the same before it is taken: short enough for a
/// file to show within 2 s, long enough for an export written in bursts.
const SETTLE: Duration = Duration::from_millis(400);

/// Starts watching the library's folders, for as long as the app runs.
pub fn start<R: Runtime>(app: &AppHandle<R>, lib: &Library) {
    let (restart, restarts) = mpsc::channel::<()>();
    let running: Arc<Mutex<Arc<AtomicBool>>> = Arc::default();
    {
        let running = running.clone();
        lib.subscribe(move |changes| {
            if changes
                .changes
                .iter()
                .any(|c| c.kind == RecordKind::WatchedFolder)
            {
                running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .store(true, Ordering::Relaxed);
                let _ = restart.send(());
            }
        });
    }
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("watched-folders".into())
        .spawn(move || watch(&app, &running, &restarts));
    if let Err(e) = spawned {
        eprintln!("valise: the watched folders will not be watched: {e}");
    }
}

fn watch<R: Runtime>(
    app: &AppHandle<R>,
    running: &Mutex<Arc<AtomicBool>>,
    restarts: &mpsc::Receiver<()>,
) {
    let state = app.state::<OpenedLibrary>();
    let Ok(lib) = state.get() else { return };
    loop {
        let stop = Arc::new(AtomicBool::new(false));
        *running.lock().unwrap_or_else(|e| e.into_inner()) = stop.clone();
        // Drain the restarts asked before this fresh read of the list.
        while restarts.try_recv().is_ok() {}
        let dirs: Vec<_> = match lib.assets().watched_folders() {
            Ok(dirs) => dirs,
            Err(e) => {
                refused(app, &e.to_string());
                Vec::new()
            }
        };
        let (present, missing): (Vec<_>, Vec<_>) = dirs.into_iter().partition(|d| d.is_dir());
        for dir in missing {
            refused(
                app,
                &format!(
                    "The watched folder {} is not there (unplugged or moved?): it is not watched until it is back and Valise is restarted, or it is removed and added again.",
                    dir.display()
                ),
            );
        }
        if present.is_empty() {
            if restarts.recv().is_err() {
                return;
            }
            continue;
        }
        let result = lib.assets().watch(&present, SETTLE, &stop, |seen| {
            if let Seen::Refused { error, .. } = seen {
                refused(app, &error.to_string());
            }
        });
        if let Err(e) = result {
            refused(app, &e.to_string());
            // Wait for the list to change before trying again.
            if restarts.recv().is_err() {
                return;
            }
        }
    }
}

fn refused<R: Runtime>(app: &AppHandle<R>, message: &str) {
    eprintln!("valise: {message}");
    let _ = app.emit(ASSET_REFUSED, message);
}
