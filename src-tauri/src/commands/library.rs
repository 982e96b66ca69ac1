use std::path::PathBuf;

use tauri::State;
use valise_core::{ImportReport, Library, LibraryOverview, ListQuery, PostSummary, SearchHit};

use super::{fail, Failure};

#[tauri::command(async)]
pub fn library_overview(lib: State<'_, Library>) -> Result<LibraryOverview, Failure> {
    lib.overview().map_err(fail)
}

#[tauri::command(async)]
pub fn list_posts(lib: State<'_, Library>, query: ListQuery) -> Result<Vec<PostSummary>, Failure> {
    lib.list(&query).map_err(fail)
}

#[tauri::command(async)]
pub fn search_posts(
    lib: State<'_, Library>,
    query: String,
    limit: u32,
) -> Result<Vec<SearchHit>, Failure> {
    lib.search(&query, limit).map_err(fail)
}

#[tauri::command(async)]
pub fn import_files(lib: State<'_, Library>, paths: Vec<PathBuf>) -> Result<ImportReport, Failure> {
    lib.import(&paths).map_err(fail)
}
