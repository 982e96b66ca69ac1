use tauri::State;
use valise_core::{NewPost, Post, Preview, Resolution, SaveOutcome, SaveRequest, TextStats};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn create_post(lib: State<'_, OpenedLibrary>, post: NewPost) -> Result<Post, Failure> {
    lib.get()?.posts().create(post).map_err(fail)
}

#[tauri::command(async)]
pub fn get_post(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: Option<String>,
) -> Result<Post, Failure> {
    lib.get()?.posts().get(&id, lang.as_deref()).map_err(fail)
}

#[tauri::command(async)]
pub fn save_post(
    lib: State<'_, OpenedLibrary>,
    request: SaveRequest,
) -> Result<SaveOutcome, Failure> {
    lib.get()?.posts().save(request).map_err(fail)
}

#[tauri::command(async)]
pub fn delete_post(lib: State<'_, OpenedLibrary>, id: String) -> Result<(), Failure> {
    lib.get()?.posts().delete(&id).map_err(fail)
}

#[tauri::command(async)]
pub fn resolve_conflict(
    lib: State<'_, OpenedLibrary>,
    id: String,
    resolution: Resolution,
) -> Result<Post, Failure> {
    lib.get()?
        .conflicts()
        .resolve(&id, resolution)
        .map_err(fail)
}

/// Renders text being typed, its assets drawn for `lang` from the library.
#[tauri::command(async)]
pub fn preview(
    lib: State<'_, OpenedLibrary>,
    markdown: String,
    lang: String,
) -> Result<Preview, Failure> {
    lib.get()?
        .assets()
        .window_preview(&markdown, &lang)
        .map_err(fail)
}

/// Counts a short text (the share text) as the core counts characters.
#[tauri::command]
pub fn text_stats(text: String) -> TextStats {
    valise_core::posts::stats::stats(&text)
}
