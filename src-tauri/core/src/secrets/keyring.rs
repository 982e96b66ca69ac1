//! The Secret Service (freedesktop.org): the desktop keyring of GNOME, KDE and
//! KeePassXC. Each secret is an item of the default collection with the
//! attributes `application=valise`, `service`, `account`; the session with the
//! service is encrypted (Diffie-Hellman), so secrets do not cross the bus in
//! clear. A connection is opened per call: secrets are read rarely (once per
//! act), and a connection kept open would tie the store to one bus.

use std::collections::HashMap;

use secret_service::blocking::SecretService;
use secret_service::EncryptionType;

use super::Secret;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub(super) struct Keyring {
    collection: String,
}

fn fail(service: &str, account: &str, e: secret_service::Error) -> Error {
    Error::SecretStore {
        service: service.to_string(),
        account: account.to_string(),
        reason: format!("the desktop keyring (Secret Service) answered: {e}; unlock it, or set VALISE_SECRETS_DIR to keep secrets in files"),
    }
}

fn attributes<'a>(service: &'a str, account: &'a str) -> HashMap<&'a str, &'a str> {
    HashMap::from([
        ("application", "valise"),
        ("service", service),
        ("account", account),
    ])
}

impl Keyring {
    /// Connects once to learn whether a Secret Service answers and its default
    /// collection can be unlocked.
    pub(super) fn connect() -> std::result::Result<Self, String> {
        let ss = SecretService::connect(EncryptionType::Dh)
            .map_err(|e| format!("no Secret Service answered: {e}"))?;
        let collection = ss
            .get_default_collection()
            .map_err(|e| format!("the Secret Service has no default keyring: {e}"))?;
        collection
            .ensure_unlocked()
            .map_err(|e| format!("the desktop keyring stayed locked: {e}"))?;
        let label = collection.get_label().unwrap_or_else(|_| "default".into());
        Ok(Keyring { collection: label })
    }

    pub(super) fn describe(&self) -> String {
        format!(
            "the desktop keyring (Secret Service, collection '{}')",
            self.collection
        )
    }

    fn with<T>(
        service: &str,
        account: &str,
        f: impl FnOnce(
            &secret_service::blocking::Collection,
        ) -> std::result::Result<T, secret_service::Error>,
    ) -> Result<T> {
        let ss =
            SecretService::connect(EncryptionType::Dh).map_err(|e| fail(service, account, e))?;
        let collection = ss
            .get_default_collection()
            .map_err(|e| fail(service, account, e))?;
        collection
            .ensure_unlocked()
            .map_err(|e| fail(service, account, e))?;
        f(&collection).map_err(|e| fail(service, account, e))
    }

    pub(super) fn put(&self, service: &str, account: &str, secret: &[u8]) -> Result<()> {
        Self::with(service, account, |c| {
            c.create_item(
                &format!("Valise: {service} of {account}"),
                attributes(service, account),
                secret,
                true,
                "application/octet-stream",
            )
            .map(|_| ())
        })
    }

    pub(super) fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        Self::with(service, account, |c| {
            let items = c.search_items(attributes(service, account))?;
            match items.first() {
                None => Ok(None),
                Some(item) => {
                    item.ensure_unlocked()?;
                    item.get_secret().map(|s| Some(Secret::new(s)))
                }
            }
        })
    }

    pub(super) fn delete(&self, service: &str, account: &str) -> Result<bool> {
        Self::with(service, account, |c| {
            let items = c.search_items(attributes(service, account))?;
            let found = !items.is_empty();
            for item in items {
                item.delete()?;
            }
            Ok(found)
        })
    }
}
