use tauri::{AppHandle, State};
use valise_core::backends::registry::{self, BackendInfo};
use valise_core::posts::conflicts::OpenConflict;
use valise_core::sync::{SyncReport, SyncStatus};
use zeroize::Zeroize;

use super::{fail, Failure, OpenedLibrary};
use crate::syncing::{self, Syncer};

#[tauri::command(async)]
pub fn sync_status(lib: State<'_, OpenedLibrary>) -> Result<SyncStatus, Failure> {
    valise_core::sync::status(lib.get()?).map_err(fail)
}

/// The sites of the library (never a password).
#[tauri::command(async)]
pub fn list_sites(lib: State<'_, OpenedLibrary>) -> Result<Vec<BackendInfo>, Failure> {
    registry::list(lib.get()?).map_err(fail)
}

/// Sets a WordPress site up: the login is tried first; the password goes to
/// this desktop's secret store, never to the library.
#[tauri::command]
pub async fn add_site(
    lib: State<'_, OpenedLibrary>,
    syncer: State<'_, Syncer>,
    url: String,
    user: String,
    password: String,
) -> Result<BackendInfo, Failure> {
    let mut password = password;
    let added = registry::add_wordpress_site(lib.get()?, &url, &user, password.as_bytes()).await;
    password.zeroize();
    let added = added.map_err(fail)?;
    syncer.sites_changed();
    Ok(added)
}

#[tauri::command]
pub async fn sync_now(app: AppHandle) -> Result<Vec<SyncReport>, Failure> {
    syncing::sync_now(&app).await
}

/// Posts with a kept conflict, oldest first.
#[tauri::command(async)]
pub fn open_conflicts(lib: State<'_, OpenedLibrary>) -> Result<Vec<OpenConflict>, Failure> {
    lib.get()?.conflicts().open().map_err(fail)
}
