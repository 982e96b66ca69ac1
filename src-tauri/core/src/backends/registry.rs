//! The backends a library syncs with: added with their address and the user
//! it logs in as (the password goes to this desktop's secret store, never to
//! the library), listed, opened, and synced by name.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::wordpress::{account, check_url, Timeouts, WordPress};
use super::Backend;
use crate::error::{Error, Result};
use crate::secrets::Secret;
use crate::store::write::Origin;
use crate::sync::{self, state, OnProgress, SyncReport};
use crate::Library;

/// A backend as `backend list` shows it: never a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackendInfo {
    pub name: String,
    /// wordpress (later: git).
    pub kind: String,
    /// The site's address.
    pub location: String,
    /// The user the library logs in as there.
    pub user: Option<String>,
    /// Whether this desktop holds the password (a library copied to another
    /// desktop needs it given again).
    pub password_here: bool,
}

const WORDPRESS: &str = "wordpress";

/// Every backend of the library, by name.
pub fn list(lib: &Library) -> Result<Vec<BackendInfo>> {
    let rows = lib.read(state::backends)?;
    let secrets = &lib.desktop().secrets;
    rows.into_iter()
        .map(|b| {
            let password_here = match (&b.login, b.kind.as_str()) {
                (Some(user), WORDPRESS) => secrets
                    .get(
                        super::wordpress::PASSWORD_SERVICE,
                        &account::password_account(&b.location, user)?,
                    )?
                    .is_some(),
                _ => false,
            };
            Ok(BackendInfo {
                name: b.name,
                kind: b.kind,
                location: b.location,
                user: b.login,
                password_here,
            })
        })
        .collect()
}

/// Adds the WordPress site at `url` as backend `name`, logging in as `user`
/// with the Application Password `password`. The login is tried first: a
/// wrong password or a site without the Valise plugin is refused and nothing
/// is kept; an unreachable site is accepted (the desk may be offline) and
/// the first sync will say. Adding a name again with the same site and user
/// only replaces the password.
pub async fn add_wordpress(
    lib: &Library,
    name: &str,
    url: &str,
    user: &str,
    password: &[u8],
) -> Result<BackendInfo> {
    check_name(name)?;
    let location = check_url(url)?;
    let user = user.trim();
    let secrets = &lib.desktop().secrets;
    let existing = lib
        .read(state::backends)?
        .into_iter()
        .find(|b| b.name == name);
    if let Some(b) = &existing {
        if b.kind != WORDPRESS || b.location != location || b.login.as_deref() != Some(user) {
            return Err(Error::BackendExists {
                name: name.to_string(),
            });
        }
    }
    let password = account::trim_line_end(password);
    if user.is_empty() || password.is_empty() {
        return Err(Error::NoPassword {
            user: user.to_string(),
            site: location,
        });
    }
    let site = WordPress::new(
        name,
        &location,
        user,
        Secret::new(password.to_vec()),
        Timeouts::default(),
    )?;
    match site.changes(0, 1).await {
        Ok(_) | Err(Error::BackendUnreachable { .. }) => {}
        Err(e) => return Err(e),
    }
    account::save_password(secrets, &location, user, password)?;
    if existing.is_none() {
        lib.write(Origin::Cli, |tx| {
            state::add_backend(tx, name, WORDPRESS, &location)?;
            state::set_login(tx, name, user)
        })?;
    }
    Ok(BackendInfo {
        name: name.to_string(),
        kind: WORDPRESS.to_string(),
        location,
        user: Some(user.to_string()),
        password_here: true,
    })
}

/// Adds a site set up in the window, named after its address (see
/// `name_for`); otherwise as `add_wordpress`.
pub async fn add_wordpress_site(
    lib: &Library,
    url: &str,
    user: &str,
    password: &[u8],
) -> Result<BackendInfo> {
    let location = check_url(url)?;
    add_wordpress(lib, &name_for(&location), &location, user, password).await
}

/// A backend's name made from a site's address: its host, port and path
/// ("example.org", "127.0.0.1-8080", "example.org-news"), with whatever a
/// name may not hold turned into '-'.
pub fn name_for(location: &str) -> String {
    let bare = location
        .split_once("://")
        .map_or(location, |(_, rest)| rest)
        .trim_end_matches('/');
    let mut name: String = bare
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(64);
    if name.is_empty() {
        name.push_str("site");
    }
    name
}

/// A client of backend `name`, logged in with this desktop's password.
pub fn open(lib: &Library, name: &str) -> Result<Box<dyn Backend>> {
    let row = lib.read(|c| state::backend(c, name))?;
    match (row.kind.as_str(), row.login.as_deref()) {
        (WORDPRESS, Some(user)) => Ok(Box::new(account::connect(
            &lib.desktop().secrets,
            name,
            &row.location,
            user,
            Timeouts::default(),
        )?)),
        (WORDPRESS, None) => Err(Error::NoPassword {
            user: "(no user recorded)".into(),
            site: row.location,
        }),
        (kind, _) => Err(Error::BackendNotFound {
            name: name.to_string(),
            known: format!("it is a {kind} backend, which this Valise cannot open"),
        }),
    }
}

/// Syncs with backend `name`, or with every backend in turn; stops at the
/// first that fails (what was synced before it stays synced).
pub async fn sync_with(lib: &Library, name: Option<&str>) -> Result<Vec<SyncReport>> {
    sync_reporting(lib, name, &|_: &sync::SyncProgress| {}).await
}

/// As `sync_with`, telling `progress` how far each sync is. Refused with
/// `SyncRunning` while another sync of this library runs in this process.
pub async fn sync_reporting(
    lib: &Library,
    name: Option<&str>,
    progress: OnProgress<'_>,
) -> Result<Vec<SyncReport>> {
    let _running = lib.sync_gate().enter()?;
    let names: Vec<String> = match name {
        Some(n) => vec![n.to_string()],
        None => lib
            .read(state::backends)?
            .into_iter()
            .map(|b| b.name)
            .collect(),
    };
    let mut reports = Vec::with_capacity(names.len());
    for name in names {
        let backend = open(lib, &name)?;
        reports.push(sync::sync_reporting(lib, &name, backend.as_ref(), progress).await?);
    }
    Ok(reports)
}

fn check_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::BadBackendName {
            name: name.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_named_after_its_address() {
        assert_eq!(name_for("https://example.org"), "example.org");
        assert_eq!(name_for("http://127.0.0.1:8080"), "127.0.0.1-8080");
        assert_eq!(name_for("https://example.org/news/"), "example.org-news");
        assert_eq!(name_for("https://exämple.org"), "ex-mple.org");
        assert!(check_name(&name_for(&format!("https://{}.org", "a".repeat(90)))).is_ok());
    }
}
