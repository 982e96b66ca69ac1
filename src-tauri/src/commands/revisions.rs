use tauri::State;
use valise_core::{Post, RevisionDiff, RevisionSummary};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn list_revisions(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
) -> Result<Vec<RevisionSummary>, Failure> {
    lib.get()?
        .revisions()
        .history(&id, Some(&lang))
        .map_err(fail)
}

#[tauri::command(async)]
pub fn diff_revisions(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    from: i64,
    to: Option<i64>,
) -> Result<RevisionDiff, Failure> {
    lib.get()?
        .revisions()
        .diff(&id, Some(&lang), from, to)
        .map_err(fail)
}

#[tauri::command(async)]
pub fn restore_revision(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    number: i64,
) -> Result<Post, Failure> {
    lib.get()?
        .revisions()
        .restore(&id, Some(&lang), number)
        .map_err(fail)
}
