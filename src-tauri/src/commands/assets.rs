use std::path::PathBuf;

use tauri::State;
use tauri_plugin_dialog::DialogExt;
use valise_core::assets::{AddReport, Asset, AssetQuery, AssetSummary, DeletedAsset};

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

/// "Delete asset…", once the person confirmed (with `force` when posts use it).
#[tauri::command(async)]
pub fn delete_asset(
    lib: State<'_, OpenedLibrary>,
    id: String,
    force: bool,
) -> Result<DeletedAsset, Failure> {
    lib.get()?.assets().delete(&id, force).map_err(fail)
}

/// Files dropped on the window (and those chosen in the picker, below).
#[tauri::command(async)]
pub fn add_assets(
    lib: State<'_, OpenedLibrary>,
    paths: Vec<PathBuf>,
) -> Result<AddReport, Failure> {
    Ok(lib.get()?.assets().add_files(&paths))
}

/// "Add files…": the app opens the OS file dialog itself, so the webview needs
/// no dialog permission at all; the chosen files then take the drop's path
/// (`add_files`: each added whole or refused by name). `None`: cancelled.
#[tauri::command(async)]
pub fn pick_assets(
    window: tauri::WebviewWindow,
    lib: State<'_, OpenedLibrary>,
) -> Result<Option<AddReport>, Failure> {
    let lib = lib.get()?;
    let chosen = window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Add files to the asset library")
        .add_filter(
            "Images, SVG and PDF",
            &["png", "jpg", "jpeg", "gif", "webp", "svg", "pdf"],
        )
        .add_filter("All files", &["*"])
        .blocking_pick_files();
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    // A dialog answers paths on a desktop; anything else is handed on as
    // written, so the core refuses it by name rather than it vanishing.
    let paths: Vec<PathBuf> = chosen
        .into_iter()
        .map(|p| {
            let shown = p.to_string();
            p.into_path().unwrap_or_else(|_| PathBuf::from(shown))
        })
        .collect();
    Ok(Some(lib.assets().add_files(&paths)))
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
