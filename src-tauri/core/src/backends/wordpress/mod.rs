//! The WordPress adapter: a client for every route of the companion plugin's
//! contract (`plugin/README.md`), the mapping of a language version to a
//! WordPress post (`mapping`), and the site's answers as the core's errors in
//! plain words (`http`). Posts are in `posts`; media uploads in `media`; the
//! change feed, records, the audit trail and the preflight in `feed`.
//!
//! Credentials: the Application Password is held as a `Secret` (wiped when
//! dropped), sent only in the Basic `Authorization` header, and never shown by
//! `Debug` or in an error.

pub mod account;
mod assets;
mod backend;
mod convert;
mod feed;
mod http;
pub mod mapping;
mod media;
mod posts;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secrets::Secret;
pub use feed::{
    AuditAppended, AuditPage, Change, ChangesPage, Preflight, SiteAuditEntry, SiteRecord,
};
pub use http::Timeouts;
pub use mapping::{SitePost, SiteStatus, SiteUnit, SiteVersion, UnitText};
pub use media::{SiteMedia, Uploaded};
pub use posts::{Created, Updated};

/// The secret store's service name for Application Passwords (account: the
/// backend's name in the library).
pub const PASSWORD_SERVICE: &str = "valise-wordpress";

/// One reason the site's preflight gives for refusing to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightReason {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The reasons, one sentence each, for an error message.
pub fn join_reasons(reasons: &[PreflightReason]) -> String {
    if reasons.is_empty() {
        return "it gave no reason".into();
    }
    reasons
        .iter()
        .map(|r| r.message.trim_end_matches('.').to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A WordPress site with the Valise plugin, as one user.
pub struct WordPress {
    http: http::Http,
}

impl std::fmt::Debug for WordPress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordPress")
            .field("site", &self.http.base())
            .field("password", &"…")
            .finish()
    }
}

impl WordPress {
    /// A client of the site at `url` (http or https, no user or password in
    /// it) logging in as `user` with the Application Password `password`.
    /// `name` is how messages call the site (the backend's name).
    pub fn new(
        name: &str,
        url: &str,
        user: &str,
        password: Secret,
        timeouts: Timeouts,
    ) -> Result<Self> {
        let base = check_url(url)?;
        let label = if name.is_empty() || name == base {
            format!("the site {base}")
        } else {
            format!("the site {name} ({base})")
        };
        Ok(WordPress {
            http: http::Http::new(base, label, user.to_string(), password, timeouts)?,
        })
    }

    /// The site's address, without a trailing slash.
    pub fn url(&self) -> &str {
        self.http.base()
    }
}

/// The site's base address, checked: `http(s)://host[:port][/path]`, no
/// credentials, query or fragment (the password goes in the secret store).
pub fn check_url(url: &str) -> Result<String> {
    let bad = |reason: &str| Error::BadBackendUrl {
        url: redact(url),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("it must start with http:// or https://"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "it must not hold a user or password (give the user with --user and the password on standard input)",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("give the site's address only, without ? or #"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// An address as it may be shown: any password in it replaced.
fn redact(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("…"));
            u.to_string()
        }
        Ok(_) => url.trim().to_string(),
        Err(_) => url
            .split_once('@')
            .map_or(url.trim().to_string(), |(_, host)| format!("…@{host}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_address_is_checked_and_never_echoes_a_password() {
        assert_eq!(
            check_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_url("https://example.org/blog/").unwrap(),
            "https://example.org/blog"
        );
        for bad in [
            "ftp://example.org",
            "example.org",
            "https://example.org/?x=1",
        ] {
            assert_eq!(
                check_url(bad).unwrap_err().code(),
                "bad_backend_url",
                "{bad}"
            );
        }
        let err = check_url("https://editor:hunter2-secret@example.org").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("--user"), "{err}");
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let site = WordPress::new(
            "desk",
            "http://127.0.0.1:9",
            "editor",
            Secret::new(b"abcd efgh ijkl".to_vec()),
            Timeouts::default(),
        )
        .unwrap();
        let shown = format!("{site:?}");
        assert!(!shown.contains("abcd"), "{shown}");
        assert!(shown.contains("127.0.0.1:9"), "{shown}");
    }
}
