//! Tauri commands: one-line adapters from the UI to `valise_core::Library`,
//! grouped by domain. No rule lives here.

pub mod app;
pub mod assets;
pub mod library;
pub mod people;
pub mod posts;
pub mod revisions;
pub mod signoff;
pub mod sync;
pub mod translations;

use valise_core::error::ErrorReport;
use valise_core::Library;

/// Every command answers `Result<T, Failure>`: the UI receives the core's error as
/// `{ code, message }` and shows the message.
pub type Failure = ErrorReport;

pub(crate) fn fail(e: valise_core::Error) -> Failure {
    ErrorReport::from(&e)
}

/// The library the app was started on, or why it could not be opened: the
/// window still opens and shows that reason instead of vanishing.
pub struct OpenedLibrary(pub Result<Library, ErrorReport>);

impl OpenedLibrary {
    pub fn get(&self) -> Result<&Library, Failure> {
        self.0.as_ref().map_err(Clone::clone)
    }
}
