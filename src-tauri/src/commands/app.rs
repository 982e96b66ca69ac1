use std::time::Instant;

use tauri::State;

/// When the app process started, to report how long the window took to be usable.
pub struct Started(pub Instant);

/// The UI calls this once its first library view is painted. With
/// `VALISE_REPORT_READY` set, the app prints the time on stderr: the start-up
/// benchmark waits for that line.
#[tauri::command]
pub fn window_ready(started: State<'_, Started>) {
    if std::env::var_os("VALISE_REPORT_READY").is_some() {
        eprintln!(
            "valise: window ready after {} ms",
            started.0.elapsed().as_millis()
        );
    }
}
