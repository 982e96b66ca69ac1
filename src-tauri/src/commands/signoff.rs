use tauri::State;
use valise_core::workflow::rules::FailedCheck;
use valise_core::workflow::{ActRequest, BoardItem, Inbox, SignoffStatus};

use super::{fail, Failure, OpenedLibrary};

/// The open post's sign-off, with the acts the person chosen here may do.
#[tauri::command(async)]
pub fn signoff_status(lib: State<'_, OpenedLibrary>, id: String) -> Result<SignoffStatus, Failure> {
    lib.get()?.signoff().status(&id, None).map_err(fail)
}

/// An act by the person chosen on this desktop; the post's sign-off after it.
#[tauri::command(async)]
pub fn signoff_act(
    lib: State<'_, OpenedLibrary>,
    id: String,
    request: ActRequest,
) -> Result<SignoffStatus, Failure> {
    let lib = lib.get()?;
    let me = lib.people().acting(None).map_err(fail)?;
    lib.signoff().perform(&me, &id, &request).map_err(fail)?;
    lib.signoff().status(&id, None).map_err(fail)
}

#[tauri::command(async)]
pub fn pipeline_board(lib: State<'_, OpenedLibrary>) -> Result<Vec<BoardItem>, Failure> {
    lib.get()?.signoff().board().map_err(fail)
}

/// My inbox, or nothing when nobody is chosen on this desktop.
#[tauri::command(async)]
pub fn my_inbox(lib: State<'_, OpenedLibrary>) -> Result<Option<Inbox>, Failure> {
    lib.get()?.signoff().my_inbox().map_err(fail)
}

#[tauri::command(async)]
pub fn preflight(lib: State<'_, OpenedLibrary>, id: String) -> Result<Vec<FailedCheck>, Failure> {
    lib.get()?.signoff().preflight(&id).map_err(fail)
}
