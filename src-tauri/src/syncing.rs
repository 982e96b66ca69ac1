//! Syncing from the window: when asked, and on the core's schedule
//! (`sync::schedule`) on tauri's async runtime, never on the UI thread. The
//! window hears `sync-started`, `sync-progress` and `sync-finished`; what a
//! sync writes reaches it through the library's one change event as usual.

use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};
use valise_core::backends::registry;
use valise_core::clock::{Clock, SystemClock};
use valise_core::error::ErrorReport;
use valise_core::sync::schedule::Schedule;
use valise_core::sync::{SyncOutcome, SyncProgress, SyncReport};
use valise_core::Error;

use crate::commands::{fail, Failure, OpenedLibrary};

pub const SYNC_STARTED: &str = "sync-started";
pub const SYNC_PROGRESS: &str = "sync-progress";
pub const SYNC_FINISHED: &str = "sync-finished";

/// How often the timer looks whether a sync is due: a lock and a comparison.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// The window's sync timer.
pub struct Syncer {
    schedule: Mutex<Schedule>,
}

impl Syncer {
    pub fn starting_now() -> Self {
        Syncer {
            schedule: Mutex::new(Schedule::started(SystemClock.now_ms())),
        }
    }

    fn schedule(&self) -> std::sync::MutexGuard<'_, Schedule> {
        // A panic while holding it left a schedule that is still whole.
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A site was added or given its password again: back to the ordinary rhythm.
    pub fn sites_changed(&self) {
        self.schedule().sites_changed(SystemClock.now_ms());
    }
}

/// Syncs with every site of the library now, telling the window how it goes.
/// Refused (`sync_running`) while another sync runs.
pub async fn sync_now(app: &AppHandle) -> Result<Vec<SyncReport>, Failure> {
    let opened = app.state::<OpenedLibrary>();
    let lib = opened.get()?;
    let _ = app.emit(SYNC_STARTED, ());
    let result = registry::sync_reporting(lib, None, &|p: &SyncProgress| {
        let _ = app.emit(SYNC_PROGRESS, p);
    })
    .await;
    if !matches!(result, Err(Error::SyncRunning)) {
        let syncer = app.state::<Syncer>();
        syncer
            .schedule()
            .finished(SystemClock.now_ms(), result.as_ref().map(|_| ()));
    }
    let outcome = SyncOutcome {
        reports: result.as_ref().cloned().unwrap_or_default(),
        error: result.as_ref().err().map(ErrorReport::from),
    };
    if let Err(e) = app.emit(SYNC_FINISHED, &outcome) {
        eprintln!("valise: could not tell the window a sync ended: {e}");
    }
    result.map_err(fail)
}

/// Runs for as long as the app: syncs whenever the schedule says one is due
/// and the library has a site to sync with.
pub async fn keep_in_sync(app: AppHandle) {
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        let now = SystemClock.now_ms();
        if !app.state::<Syncer>().schedule().due(now) {
            continue;
        }
        let has_sites = match app.state::<OpenedLibrary>().get() {
            Ok(lib) => registry::list(lib).is_ok_and(|sites| !sites.is_empty()),
            Err(_) => false,
        };
        if has_sites {
            // The outcome reaches the window by event and reschedules.
            let _ = sync_now(&app).await;
        } else {
            app.state::<Syncer>().schedule().finished(now, Ok(()));
        }
    }
}
