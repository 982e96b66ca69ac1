use tauri::State;
use valise_core::{Library, NewPost, Post, Preview, SaveRequest};

use super::{fail, Failure};

#[tauri::command(async)]
pub fn create_post(lib: State<'_, Library>, post: NewPost) -> Result<Post, Failure> {
    lib.create_post(post).map_err(fail)
}

#[tauri::command(async)]
pub fn get_post(lib: State<'_, Library>, id: i64, lang: Option<String>) -> Result<Post, Failure> {
    lib.post(id, lang.as_deref()).map_err(fail)
}

#[tauri::command(async)]
pub fn save_post(lib: State<'_, Library>, request: SaveRequest) -> Result<Post, Failure> {
    lib.save(request).map_err(fail)
}

#[tauri::command(async)]
pub fn delete_post(lib: State<'_, Library>, id: i64) -> Result<(), Failure> {
    lib.delete_post(id).map_err(fail)
}

/// Renders text being typed; synchronous on purpose (microseconds, no I/O).
#[tauri::command]
pub fn preview(lib: State<'_, Library>, markdown: String, lang: String) -> Preview {
    lib.preview(&markdown, &lang)
}
