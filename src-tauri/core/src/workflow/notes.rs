//! Private notes: an act's note is sealed to each of its readers (the author
//! and every person who may sign a step of the chain, or give a signature as a
//! delegate), one box per enrolled key, and the boxes go inside the signed
//! entry, so the hash chain covers them and sync carries them. Nobody else,
//! nor a raw read of the library file, sees the text.
//!
//! # The box, format 1
//!
//! The reader's X25519 key is the Montgomery form of their Ed25519 public key
//! (the birational map libsodium's `crypto_sign_ed25519_pk_to_curve25519`
//! uses); their secret scalar comes from the same SHA-512 expansion Ed25519
//! signs with. For each key: a fresh ephemeral X25519 key `e`, shared secret
//! `s = X25519(e, reader)`, refused when all zero (a low-order key); AEAD key =
//! SHA-256(`valise-note/1` ‖ s ‖ E ‖ reader), E the ephemeral public key; the
//! note is sealed with ChaCha20-Poly1305 under that key and a zero nonce (each
//! key seals exactly one message). Stored as hex: the reader's Ed25519 key,
//! E, and the ciphertext with its tag. Using one key pair for signing and for
//! this exchange is analysed as safe in "On using the same key pair for
//! Ed25519 and an X25519 based KEM" (ePrint 2021/509).

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, Key, KeyInit, Nonce};
use curve25519_dalek::MontgomeryPoint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::{self, hex, unhex, Signer};
use crate::error::{Error, Result};

/// A note sealed to each of its readers' keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SealedNote {
    pub format: u32,
    pub boxes: Vec<NoteBox>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NoteBox {
    /// The reader's Ed25519 public key, hex.
    pub to: String,
    /// The ephemeral X25519 public key, hex.
    pub ephemeral: String,
    /// ChaCha20-Poly1305 ciphertext and tag, hex.
    pub sealed: String,
}

fn aead_key(shared: &MontgomeryPoint, ephemeral: &MontgomeryPoint, reader: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"valise-note/1");
    h.update(shared.as_bytes());
    h.update(ephemeral.as_bytes());
    h.update(reader);
    h.finalize().into()
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(&Key::from(*key))
}

/// Seals `note` to every key in `readers` (Ed25519 public keys, hex; a key
/// that does not parse is refused rather than skipped, so no reader is
/// silently left out).
pub(crate) fn seal(note: &str, readers: &[String]) -> Result<SealedNote> {
    let mut boxes = Vec::with_capacity(readers.len());
    for reader in readers {
        let bad = || {
            Error::corrupt(format!(
                "the library holds a public key that is not one: {reader}"
            ))
        };
        let ed = keys::verifying_key(reader).ok_or_else(bad)?;
        let reader_x = ed.to_montgomery();
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| Error::SecretStore {
            service: "valise-note".into(),
            account: "-".into(),
            reason: format!("the system gave no random bytes to seal a note: {e}"),
        })?;
        let ephemeral = MontgomeryPoint::mul_base_clamped(secret);
        let shared = reader_x.mul_clamped(secret);
        zeroize::Zeroize::zeroize(&mut secret);
        if shared.as_bytes() == &[0u8; 32] {
            return Err(bad());
        }
        let mut key = aead_key(&shared, &ephemeral, ed.as_bytes());
        let sealed = cipher(&key)
            .encrypt(&Nonce::default(), note.as_bytes())
            .map_err(|_| Error::corrupt("a private note could not be sealed"))?;
        zeroize::Zeroize::zeroize(&mut key);
        boxes.push(NoteBox {
            to: reader.clone(),
            ephemeral: hex(ephemeral.as_bytes()),
            sealed: hex(&sealed),
        });
    }
    Ok(SealedNote { format: 1, boxes })
}

/// The note, if `reader`'s key on this desktop is one it was sealed to.
pub(crate) fn open(note: &SealedNote, reader: &Signer) -> Option<String> {
    if note.format != 1 {
        return None;
    }
    let mine = reader.public_key_hex();
    let b = note.boxes.iter().find(|b| b.to == mine)?;
    let ephemeral = MontgomeryPoint(unhex::<32>(&b.ephemeral)?);
    let sealed = unhex_vec(&b.sealed)?;
    let mut scalar = reader.x25519_secret();
    let shared = ephemeral.mul_clamped(scalar);
    zeroize::Zeroize::zeroize(&mut scalar);
    let public = unhex::<32>(&mine)?;
    let mut key = aead_key(&shared, &ephemeral, &public);
    let plain = cipher(&key)
        .decrypt(&Nonce::default(), sealed.as_slice())
        .ok();
    zeroize::Zeroize::zeroize(&mut key);
    String::from_utf8(plain?).ok()
}

fn unhex_vec(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::people::Person;
    use ed25519_dalek::SigningKey;

    fn signer(seed: u8) -> Signer {
        let person = Person {
            id: format!("p{seed}"),
            name: format!("p{seed}"),
            email: "p@example.org".into(),
            backend_user: None,
            created_at: String::new(),
            keys: Vec::new(),
        };
        Signer::new(person, SigningKey::from_bytes(&[seed; 32]))
    }

    #[test]
    fn each_reader_opens_the_note_and_nobody_else_does() {
        let (a, b, c) = (signer(1), signer(2), signer(3));
        let note = seal(
            "en mission à Genève",
            &[a.public_key_hex(), b.public_key_hex()],
        )
        .unwrap();
        assert_eq!(open(&note, &a).as_deref(), Some("en mission à Genève"));
        assert_eq!(open(&note, &b).as_deref(), Some("en mission à Genève"));
        assert_eq!(open(&note, &c), None);
        let text = serde_json::to_string(&note).unwrap();
        assert!(!text.contains("Genève") && !text.contains("mission"));
    }

    #[test]
    fn a_changed_box_or_a_box_moved_to_another_reader_does_not_open() {
        let (a, b) = (signer(1), signer(2));
        let mut note = seal("note", &[a.public_key_hex()]).unwrap();
        let mut flipped = note.clone();
        let last = flipped.boxes[0].sealed.pop().unwrap();
        flipped.boxes[0]
            .sealed
            .push(if last == '0' { '1' } else { '0' });
        assert_eq!(open(&flipped, &a), None);
        note.boxes[0].to = b.public_key_hex();
        assert_eq!(open(&note, &b), None);
    }
}
