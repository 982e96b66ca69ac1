use std::sync::Arc;

use tauri::State;
use valise_core::workflow::rules::{Chain, FailedCheck};
use valise_core::workflow::{
    ActRequest, BoardFilter, BoardItem, Inbox, PublicationRequest, PublicationStatus, SignoffStatus,
};

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
pub fn pipeline_board(
    lib: State<'_, OpenedLibrary>,
    filter: BoardFilter,
) -> Result<Vec<Arc<BoardItem>>, Failure> {
    lib.get()?.signoff().board_of(&filter).map_err(fail)
}

/// The open post's publication, with its preflight.
#[tauri::command(async)]
pub fn publication_status(
    lib: State<'_, OpenedLibrary>,
    id: String,
) -> Result<PublicationStatus, Failure> {
    lib.get()?.publication().status(&id).map_err(fail)
}

/// A publication move by the person chosen here; the publication after it.
#[tauri::command(async)]
pub fn publication_move(
    lib: State<'_, OpenedLibrary>,
    id: String,
    request: PublicationRequest,
) -> Result<PublicationStatus, Failure> {
    let lib = lib.get()?;
    let me = lib.people().acting(None).map_err(fail)?;
    let mv = request.to_move().map_err(fail)?;
    lib.publication().apply(&me, &id, mv).map_err(fail)?;
    lib.publication().status(&id).map_err(fail)
}

#[tauri::command(async)]
pub fn sign_off_chain(lib: State<'_, OpenedLibrary>) -> Result<Chain, Failure> {
    lib.get()?.workflow().chain().map_err(fail)
}

/// The chain as edited in the window, checked and recorded as the chosen person's.
#[tauri::command(async)]
pub fn set_sign_off_chain(lib: State<'_, OpenedLibrary>, chain: Chain) -> Result<Chain, Failure> {
    let lib = lib.get()?;
    let me = lib.people().acting(None).map_err(fail)?;
    lib.workflow().set(&me, &chain).map_err(fail)
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
