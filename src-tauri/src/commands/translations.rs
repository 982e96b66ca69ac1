use tauri::State;
use valise_core::{
    Post, PostText, Preview, SaveOutcome, TranslationSave, TranslationStatus, UnitText,
};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn translation_status(
    lib: State<'_, OpenedLibrary>,
    id: String,
) -> Result<TranslationStatus, Failure> {
    lib.get()?.translations().status(&id).map_err(fail)
}

#[tauri::command(async)]
pub fn add_translation(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    text: PostText,
) -> Result<Post, Failure> {
    lib.get()?
        .translations()
        .add(&id, &lang, text)
        .map_err(fail)
}

#[tauri::command(async)]
pub fn save_translation(
    lib: State<'_, OpenedLibrary>,
    save: TranslationSave,
) -> Result<SaveOutcome, Failure> {
    lib.get()?.translations().save(save).map_err(fail)
}

#[tauri::command(async)]
pub fn mark_current(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    blocks: Vec<String>,
) -> Result<TranslationStatus, Failure> {
    lib.get()?
        .translations()
        .mark_current(&id, &lang, &blocks)
        .map_err(fail)
}

#[tauri::command(async)]
pub fn not_planned(
    lib: State<'_, OpenedLibrary>,
    id: String,
    lang: String,
    reason: String,
) -> Result<(), Failure> {
    let by = valise_core::translation::desktop_user().unwrap_or_default();
    lib.get()?
        .translations()
        .not_planned(&id, &lang, &by, &reason)
        .map_err(fail)
}

/// Renders a translation being typed block by block, its assets drawn for `lang`.
#[tauri::command(async)]
pub fn preview_translation(
    lib: State<'_, OpenedLibrary>,
    units: Vec<UnitText>,
    lang: String,
) -> Result<Preview, Failure> {
    let body = valise_core::translation::body_of(&units);
    lib.get()?
        .assets()
        .window_preview(&body, &lang)
        .map_err(fail)
}
