//! The Valise desktop app: opens the library, registers the commands, shows the
//! window. Everything it does is valise-core's; this only connects it to the UI.

mod asset_scheme;
mod commands;
mod syncing;
mod watched;

use tauri::Emitter;
use valise_core::error::ErrorReport;
use valise_core::{Library, Origin};

/// The one event every view listens to: a change set, from any writer.
pub const LIBRARY_CHANGED: &str = "library-changed";

/// How often the app looks for commits by other processes (the CLI, another
/// window): `PRAGMA data_version` on a connection of its own, a few µs a look.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Starts the app on the default library (`--library PATH`, `VALISE_LIBRARY`, or
/// the platform data dir). A library that cannot be opened is left untouched and
/// the window shows why.
pub fn run() {
    let started = commands::app::Started(std::time::Instant::now());
    // Before any thread starts: environment changes are not thread-safe.
    prefer_software_painting_without_gpu();
    let path = library_path_from_args().unwrap_or_else(valise_core::store::default_library_path);
    let library = Library::open_as(&path, Origin::Window).map_err(|e| {
        eprintln!("valise: {e}");
        ErrorReport::from(&e)
    });
    // The dialog plugin is opened from the app's own `pick_assets` command: no
    // capability grants the window its `dialog:` commands.
    let result = asset_scheme::register(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            use tauri::Manager;
            let handle = app.handle().clone();
            if let Ok(lib) = app.state::<commands::OpenedLibrary>().get() {
                lib.subscribe(move |changes| {
                    if let Err(e) = handle.emit(LIBRARY_CHANGED, changes) {
                        eprintln!("valise: could not tell the window about a change: {e}");
                    }
                });
                if let Err(e) = lib.watch_other_writers(WATCH_EVERY) {
                    eprintln!(
                        "valise: changes made by other programs will not show until reopened: {e}"
                    );
                }
                tauri::async_runtime::spawn(syncing::keep_in_sync(app.handle().clone()));
                watched::start(app.handle(), lib);
            }
            Ok(())
        })
        .manage(commands::OpenedLibrary(library))
        .manage(started)
        .manage(syncing::Syncer::starting_now())
        .invoke_handler(tauri::generate_handler![
            commands::app::window_ready,
            commands::library::library_overview,
            commands::library::list_posts,
            commands::library::search_posts,
            commands::library::import_files,
            commands::posts::create_post,
            commands::posts::get_post,
            commands::posts::save_post,
            commands::posts::delete_post,
            commands::posts::resolve_conflict,
            commands::posts::preview,
            commands::posts::text_stats,
            commands::revisions::list_revisions,
            commands::revisions::diff_revisions,
            commands::revisions::restore_revision,
            commands::translations::translation_status,
            commands::translations::add_translation,
            commands::translations::save_translation,
            commands::translations::mark_current,
            commands::translations::not_planned,
            commands::translations::preview_translation,
            commands::people::list_people,
            commands::people::whoami,
            commands::people::choose_me,
            commands::people::add_person,
            commands::signoff::signoff_status,
            commands::signoff::signoff_act,
            commands::signoff::pipeline_board,
            commands::signoff::my_inbox,
            commands::signoff::preflight,
            commands::signoff::publication_status,
            commands::signoff::publication_move,
            commands::signoff::sign_off_chain,
            commands::signoff::set_sign_off_chain,
            commands::sync::sync_status,
            commands::sync::list_sites,
            commands::sync::add_site,
            commands::sync::sync_now,
            commands::sync::open_conflicts,
            commands::assets::find_assets,
            commands::assets::get_asset,
            commands::assets::delete_asset,
            commands::assets::add_assets,
            commands::assets::pick_assets,
            commands::assets::set_asset_text,
            commands::assets::set_asset_details,
            commands::assets::watched_folders,
            commands::assets::add_watched_folder,
            commands::assets::remove_watched_folder,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("valise: the window could not start: {e}");
        std::process::exit(1);
    }
}

fn library_path_from_args() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--library" {
            return args.next().map(Into::into);
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--library=")) {
            return Some(path.into());
        }
    }
    None
}

/// Without a GPU, WebKitGTK's accelerated compositing renders through a software
/// GL stack: on the project's 2-core machine it cost 0.2 s of start-up, 80 MB of
/// memory and doubled the worst keystroke-to-preview times (BENCHMARKS.md). Turn
/// it off when there is no GPU render node, unless the person chose otherwise.
fn prefer_software_painting_without_gpu() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_some() {
        return;
    }
    let has_gpu = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    if !has_gpu {
        std::env::set_var(VAR, "1");
    }
}
