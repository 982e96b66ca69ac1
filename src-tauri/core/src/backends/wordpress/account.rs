//! Logging in to a site: the Application Password of a (site, user) pair
//! lives in this desktop's secret store, never in the library; the library
//! keeps only the backend's name, address and user.
//!
//! The secret's account names the site and the user, not the library: two
//! libraries that sync with the same site as the same person share it.

use sha2::{Digest, Sha256};

use super::{check_url, Timeouts, WordPress, PASSWORD_SERVICE};
use crate::error::{Error, Result};
use crate::secrets::SecretStore;

/// The secret store's account for `user` on the site at `url` (checked):
/// readable, within the store's alphabet, and unique through a hash of both.
pub fn password_account(url: &str, user: &str) -> Result<String> {
    let base = check_url(url)?;
    let site = base
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let readable: String = format!("{user}@{site}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let digest = Sha256::digest(format!("{base}\n{user}").as_bytes());
    let tag: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    // Never starting with a dot: the store refuses hidden names.
    Ok(format!("{}-{tag}", readable.trim_start_matches('.')))
}

/// Keeps `password` for `user` on the site at `url`, after checking it is
/// not empty (a password pasted with its line end is trimmed).
pub fn save_password(secrets: &SecretStore, url: &str, user: &str, password: &[u8]) -> Result<()> {
    let trimmed = trim_line_end(password);
    if user.trim().is_empty() {
        return Err(Error::BackendCredentials {
            backend: format!("the site {}", check_url(url)?),
        });
    }
    if trimmed.is_empty() {
        return Err(Error::NoPassword {
            user: user.to_string(),
            site: check_url(url)?,
        });
    }
    secrets.put(PASSWORD_SERVICE, &password_account(url, user)?, trimmed)
}

/// Forgets the password of `user` on the site at `url`; true if there was one.
pub fn forget_password(secrets: &SecretStore, url: &str, user: &str) -> Result<bool> {
    secrets.delete(PASSWORD_SERVICE, &password_account(url, user)?)
}

/// A client of backend `name` (the site at `url`, as `user`) with the
/// password kept on this desktop.
pub fn connect(
    secrets: &SecretStore,
    name: &str,
    url: &str,
    user: &str,
    timeouts: Timeouts,
) -> Result<WordPress> {
    let password = secrets
        .get(PASSWORD_SERVICE, &password_account(url, user)?)?
        .ok_or_else(|| Error::NoPassword {
            user: user.to_string(),
            site: url.to_string(),
        })?;
    WordPress::new(name, url, user, password, timeouts)
}

/// Application Passwords are shown with spaces inside, which WordPress
/// accepts; only the line end a terminal or a pipe adds is dropped.
pub(crate) fn trim_line_end(password: &[u8]) -> &[u8] {
    let mut end = password.len();
    while end > 0 && matches!(password[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &password[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_per_site_and_user_outside_the_library() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::in_dir(dir.path());
        save_password(&secrets, "http://127.0.0.1:8080/", "editor", b"abcd efgh\n").unwrap();
        let account = password_account("http://127.0.0.1:8080", "editor").unwrap();
        assert!(account.starts_with("editor@127.0.0.1_8080-"), "{account}");
        assert_eq!(
            secrets
                .get(PASSWORD_SERVICE, &account)
                .unwrap()
                .unwrap()
                .expose(),
            b"abcd efgh"
        );
        // Another user, another site: other accounts.
        assert_ne!(
            account,
            password_account("http://127.0.0.1:8080", "validator1").unwrap()
        );
        assert_ne!(
            account,
            password_account("http://127.0.0.1:8081", "editor").unwrap()
        );
        let site = connect(
            &secrets,
            "desk",
            "http://127.0.0.1:8080",
            "editor",
            Timeouts::default(),
        )
        .unwrap();
        assert_eq!(site.url(), "http://127.0.0.1:8080");
        assert!(forget_password(&secrets, "http://127.0.0.1:8080", "editor").unwrap());
        let err = connect(
            &secrets,
            "desk",
            "http://127.0.0.1:8080",
            "editor",
            Timeouts::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "no_password");
    }

    #[test]
    fn an_empty_password_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::in_dir(dir.path());
        let err = save_password(&secrets, "http://127.0.0.1:8080", "editor", b"\n").unwrap_err();
        assert_eq!(err.code(), "no_password");
    }
}
