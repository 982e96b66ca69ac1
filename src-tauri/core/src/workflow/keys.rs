//! Signing keys: Ed25519 key pairs made on this desktop, the secret half kept
//! in the secret store (service `valise-signing`, account = the person's global
//! id), the public half in the library. A `Signer` is a person with their
//! secret key loaded: only it can append to the audit trail.

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use super::people::Person;
use crate::error::{Error, Result};
use crate::secrets::{Secret, SecretStore};

/// The secret store's service name for people's signing keys.
pub const SIGNING_SERVICE: &str = "valise-signing";

/// A person able to sign on this desktop.
pub struct Signer {
    pub person: Person,
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("person", &self.person.name)
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

impl Signer {
    pub(crate) fn new(person: Person, key: SigningKey) -> Self {
        Signer { person, key }
    }

    pub fn public_key_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        self.key.sign(message)
    }

    /// The secret scalar bytes for X25519 (private notes; see `notes`).
    pub(crate) fn x25519_secret(&self) -> [u8; 32] {
        self.key.to_scalar_bytes()
    }
}

/// A new key pair from the operating system's random source.
pub(crate) fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::SecretStore {
        service: SIGNING_SERVICE.into(),
        account: "-".into(),
        reason: format!("the system gave no random bytes for a new key: {e}"),
    })?;
    let key = SigningKey::from_bytes(&seed);
    zeroize::Zeroize::zeroize(&mut seed);
    Ok(key)
}

/// Keeps `key` as `person_id`'s key on this desktop.
pub(crate) fn store(secrets: &SecretStore, person_id: &str, key: &SigningKey) -> Result<()> {
    let seed = Secret::new(key.to_bytes().to_vec());
    secrets.put(SIGNING_SERVICE, person_id, seed.expose())
}

/// `person_id`'s key on this desktop, if it has one.
pub(crate) fn load(secrets: &SecretStore, person_id: &str) -> Result<Option<SigningKey>> {
    let Some(seed) = secrets.get(SIGNING_SERVICE, person_id)? else {
        return Ok(None);
    };
    let bytes: [u8; 32] = seed.expose().try_into().map_err(|_| Error::SecretStore {
        service: SIGNING_SERVICE.into(),
        account: person_id.into(),
        reason: "the stored signing key is not 32 bytes long; remove it and choose this person again with `valise whoami --set`".into(),
    })?;
    Ok(Some(SigningKey::from_bytes(&bytes)))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Lower-case or upper-case hex to exactly `N` bytes.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != N * 2 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; N];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

pub(crate) fn verifying_key(hex_key: &str) -> Option<VerifyingKey> {
    VerifyingKey::from_bytes(&unhex::<32>(hex_key)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_wrong_lengths_and_digits() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex::<4>("0001abff"), Some(bytes));
        assert_eq!(unhex::<4>("0001ABFF"), Some(bytes));
        assert_eq!(unhex::<4>("0001abf"), None);
        assert_eq!(unhex::<4>("0001abfg"), None);
    }

    #[test]
    fn a_stored_key_loads_back_and_signs_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::in_dir(dir.path());
        let key = generate().unwrap();
        store(&secrets, "p1", &key).unwrap();
        let back = load(&secrets, "p1").unwrap().unwrap();
        assert_eq!(back.verifying_key(), key.verifying_key());
        assert!(load(&secrets, "p2").unwrap().is_none());
        assert_ne!(generate().unwrap().to_bytes(), key.to_bytes());
    }
}
