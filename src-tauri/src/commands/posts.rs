use tauri::State;
use valise_core::{NewPost, Post, Preview, SaveRequest};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn create_post(lib: State<'_, OpenedLibrary>, post: NewPost) -> Result<Post, Failure> {
    lib.get()?.create_post(post).map_err(fail)
}

#[tauri::command(async)]
pub fn get_post(
    lib: State<'_, OpenedLibrary>,
    id: i64,
    lang: Option<String>,
) -> Result<Post, Failure> {
    lib.get()?.post(id, lang.as_deref()).map_err(fail)
}

#[tauri::command(async)]
pub fn save_post(lib: State<'_, OpenedLibrary>, request: SaveRequest) -> Result<Post, Failure> {
    lib.get()?.save(request).map_err(fail)
}

#[tauri::command(async)]
pub fn delete_post(lib: State<'_, OpenedLibrary>, id: i64) -> Result<(), Failure> {
    lib.get()?.delete_post(id).map_err(fail)
}

/// Renders text being typed; synchronous on purpose (microseconds, no I/O).
#[tauri::command]
pub fn preview(markdown: String, lang: String) -> Preview {
    valise_core::render::preview(&markdown, &lang)
}
