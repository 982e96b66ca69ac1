use std::path::PathBuf;

use tauri::State;
use valise_core::assets::{AddReport, Asset, AssetQuery, AssetSummary};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn find_assets(
    lib: State<'_, OpenedLibrary>,
    query: AssetQuery,
) -> Result<Vec<AssetSummary>, Failure> {
    lib.get()?.assets().find(&query).map_err(fail)
}

#[tauri::command(async)]
pub fn get_asset(lib: State<'_, OpenedLibrary>, id: String) -> Result<Asset, Failure> {
    lib.get()?.assets().get(&id).map_err(fail)
}

/// Files dropped on the window or chosen in the picker.
#[tauri::command(async)]
pub fn add_assets(
    lib: State<'_, OpenedLibrary>,
    paths: Vec<PathBuf>,
) -> Result<AddReport, Failure> {
    Ok(lib.get()?.assets().add_files(&paths))
}

#[tauri::command(async)]
pub fn set_asset_text(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    alt: Option<String>,
    caption: Option<String>,
) -> Result<Asset, Failure> {
    lib.get()?
        .assets()
        .set_text(&id, &lang, alt.as_deref(), caption.as_deref())
        .map_err(fail)
}

#[tauri::command(async)]
pub fn set_asset_details(
    lib: State<'_, OpenedLibrary>,
    id: String,
    credit: Option<String>,
    licence: Option<String>,
) -> Result<Asset, Failure> {
    lib.get()?
        .assets()
        .set_details(&id, credit.as_deref(), licence.as_deref())
        .map_err(fail)
}

#[tauri::command(async)]
pub fn watched_folders(lib: State<'_, OpenedLibrary>) -> Result<Vec<PathBuf>, Failure> {
    lib.get()?.assets().watched_folders().map_err(fail)
}

#[tauri::command(async)]
pub fn add_watched_folder(
    lib: State<'_, OpenedLibrary>,
    path: PathBuf,
) -> Result<Vec<PathBuf>, Failure> {
    lib.get()?.assets().add_watched_folder(&path).map_err(fail)
}

#[tauri::command(async)]
pub fn remove_watched_folder(
    lib: State<'_, OpenedLibrary>,
    path: PathBuf,
) -> Result<Vec<PathBuf>, Failure> {
    lib.get()?
        .assets()
        .remove_watched_folder(&path)
        .map_err(fail)
}
