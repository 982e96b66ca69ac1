use std::path::PathBuf;

use tauri::State;
use valise_core::{ImportReport, LibraryOverview, ListQuery, PostSummary, SearchHit};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn library_overview(lib: State<'_, OpenedLibrary>) -> Result<LibraryOverview, Failure> {
    lib.get()?.overview().map_err(fail)
}

#[tauri::command(async)]
pub fn list_posts(
    lib: State<'_, OpenedLibrary>,
    query: ListQuery,
) -> Result<Vec<PostSummary>, Failure> {
    lib.get()?.posts().list(&query).map_err(fail)
}

#[tauri::command(async)]
pub fn search_posts(
    lib: State<'_, OpenedLibrary>,
    query: String,
    limit: u32,
) -> Result<Vec<SearchHit>, Failure> {
    lib.get()?.search().run(&query, limit).map_err(fail)
}

#[tauri::command(async)]
pub fn import_files(
    lib: State<'_, OpenedLibrary>,
    paths: Vec<PathBuf>,
) -> Result<ImportReport, Failure> {
    lib.get()?.transfer().import(&paths).map_err(fail)
}
