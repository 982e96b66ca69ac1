use tauri::State;
use valise_core::workflow::{NewPerson, Person};

use super::{fail, Failure, OpenedLibrary};

#[tauri::command(async)]
pub fn list_people(lib: State<'_, OpenedLibrary>) -> Result<Vec<Person>, Failure> {
    lib.get()?.people().list().map_err(fail)
}

#[tauri::command(async)]
pub fn whoami(lib: State<'_, OpenedLibrary>) -> Result<Option<Person>, Failure> {
    lib.get()?.people().whoami().map_err(fail)
}

/// Chooses who I am on this desktop; the first time here it needs the
/// person's invitation code, and makes their key on this desktop.
#[tauri::command(async)]
pub fn choose_me(
    lib: State<'_, OpenedLibrary>,
    person: String,
    code: Option<String>,
) -> Result<Person, Failure> {
    let lib = lib.get()?;
    let chosen = lib
        .people()
        .choose_me(&person, code.as_deref().filter(|c| !c.trim().is_empty()))
        .map_err(fail)?;
    lib.people().get(&chosen.signer.person.id).map_err(fail)
}

#[tauri::command(async)]
pub fn add_person(
    lib: State<'_, OpenedLibrary>,
    name: String,
    email: String,
    backend_user: Option<String>,
) -> Result<NewPerson, Failure> {
    lib.get()?
        .people()
        .add(None, &name, &email, backend_user.as_deref())
        .map(NewPerson::from)
        .map_err(fail)
}
