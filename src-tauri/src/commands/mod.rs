//! Tauri commands: one-line adapters from the UI to `valise_core::Library`,
//! grouped by domain. No rule lives here.

pub mod app;
pub mod library;
pub mod posts;
pub mod revisions;

use valise_core::error::ErrorReport;

/// Every command answers `Result<T, Failure>`: the UI receives the core's error as
/// `{ code, message }` and shows the message.
pub type Failure = ErrorReport;

pub(crate) fn fail(e: valise_core::Error) -> Failure {
    ErrorReport::from(&e)
}
