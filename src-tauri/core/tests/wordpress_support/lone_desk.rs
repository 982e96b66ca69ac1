//! One library on a desktop of its own, syncing with the test site as one of
//! its people: what the asset tests against WordPress share.

use std::sync::Arc;

use valise_core::backends::registry;
use valise_core::backends::wordpress::{Timeouts, WordPress};
use valise_core::clock::ManualClock;
use valise_core::secrets::Secret;
use valise_core::sync::SyncReport;
use valise_core::{Desktop, Library, Origin};

use crate::wordpress_support::Site;

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub lib: Library,
}

/// A new library in a folder of its own, with a clock that moves only when told.
pub fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        dir.path().join("library.sqlite3"),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(1_795_000_000_000)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    Desk { dir, lib }
}

/// The site added to `d`'s library as backend "site", signed in as `login`.
pub async fn add_site(d: &Desk, site: &Site, login: &str) {
    registry::add_wordpress(
        &d.lib,
        "site",
        &site.url,
        login,
        site.user(login).password.as_bytes(),
    )
    .await
    .unwrap();
}

/// One sync of `d` with its site.
pub async fn sync(d: &Desk) -> SyncReport {
    registry::sync_with(&d.lib, None).await.unwrap().remove(0)
}

/// A client of the site signed in as `login`, to look at what it holds.
pub fn client(site: &Site, login: &str) -> WordPress {
    WordPress::new(
        "site",
        &site.url,
        login,
        Secret::new(site.user(login).password.clone().into_bytes()),
        Timeouts::default(),
    )
    .unwrap()
}
