//! The audit trail: every sign-off act is an entry appended in the act's own
//! write transaction, chained to the one before by hash and signed by its
//! author. Nothing in the core updates or deletes an entry, and SQLite triggers
//! refuse it too (migration 0005). `verify` (verify.rs) finds what was edited,
//! removed or reordered behind the core's back.
//!
//! # The canonical form, format 1
//!
//! `entry_hash` = SHA-256 of these bytes, in this order:
//!
//! 1. the ASCII text `valise-audit-entry/1` (the format number is the
//!    `format` column; a later format changes this prefix and what follows);
//! 2. then each field below as a tagged value: an absent value is the single
//!    byte `0x00`; a present one is the byte `0x01`, its UTF-8 length as a
//!    4-byte big-endian integer, then its UTF-8 bytes. Fields, in order:
//!    `seq` (decimal), `id`, `at` (unix milliseconds, decimal), `author` (global
//!    id), `author_key` (64 lower-case hex digits), `post` (global id or
//!    absent), `step` (or absent), `kind`, `payload` (the JSON text exactly as
//!    stored, which `append` writes with object keys sorted and no spaces),
//!    `prev_hash` (64 lower-case hex digits).
//!
//! The length prefix makes the encoding unambiguous (no field can borrow bytes
//! of the next). `prev_hash` of the first entry is [`GENESIS`]. `signature` is
//! the Ed25519 signature by `author_key`'s secret half over the 32 raw bytes
//! of `entry_hash`, stored as 128 hex digits.
//!
//! # Entries from several desktops (sync)
//!
//! Each library keeps its own chain: `chain` is the library's chain id (made
//! once, in its settings), and `seq` and `prev_hash` count and link within
//! that chain only. Sync brings other libraries' entries whole, with the chain,
//! sequence number, links and signatures they were made with; they are stored
//! beside this library's own (`receive` checks that each recomputes to its
//! hash, that it extends what this library holds of its chain, and that it
//! does not fork it), and never re-linked, since re-linking would need every
//! author to sign again. `verify` checks each chain alone.
//!
//! Every library shows and evaluates the union in one order that depends on
//! the entries alone, (`at`, `chain`, `seq`), so two libraries holding the same
//! entries derive the same sign-off state whatever order they received them
//! in. Within a chain that order is the chain's own unless the signing
//! desktop's clock went back.
//!
//! A library file copied and used on two desktops would sign two different
//! entries with one (chain, seq): the second to reach the backend is refused
//! as a fork by every other library and reported by sync, never merged.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::keys::{hex, Signer};
use crate::clock;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical form `append` writes today.
pub const FORMAT: i64 = 1;

/// Kinds of entry the core accepts.
pub const KINDS: &[&str] = &[
    "submit",
    "approve",
    "request_changes",
    "withdraw",
    "delegate",
    "comment",
    "void",
    "chain_changed",
    "founder",
    "invitation",
    "enrolment",
    // Written before invitations existed (see `trust`); read, never written now.
    "person_added",
    "key_added",
    "ready",
    "schedule",
    "publish",
    "unschedule",
    "unpublish",
    "published",
];

/// What an act records; `append` adds who, when and the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub post: Option<String>,
    pub step: Option<String>,
    /// One of [`KINDS`].
    pub kind: String,
    /// A JSON object: comment, private note, content hash, due date, on behalf of…
    pub payload: serde_json::Value,
}

/// One entry of the audit trail, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    /// The chain the entry belongs to: the id of the library that signed it.
    pub chain: String,
    /// Its place in that chain (1, 2, 3…), as hashed.
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    #[ts(type = "number")]
    pub format: i64,
    pub at: String,
    /// Unix milliseconds, as hashed.
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The author's global id.
    pub author: String,
    /// The author's name now (not part of the signed entry).
    pub author_name: Option<String>,
    pub author_key: String,
    pub post: Option<String>,
    pub step: Option<String>,
    pub kind: String,
    /// The payload's JSON text, exactly as hashed.
    pub payload: String,
    pub prev_hash: String,
    pub entry_hash: String,
    pub signature: String,
}

impl AuditEntry {
    /// The hash this entry's fields give under its format (None: unknown format).
    pub fn computed_hash(&self) -> Option<[u8; 32]> {
        (self.format == FORMAT).then(|| {
            canonical_hash(&Fields {
                seq: self.seq,
                id: &self.id,
                at: self.at_ms,
                author: &self.author,
                author_key: &self.author_key,
                post: self.post.as_deref(),
                step: self.step.as_deref(),
                kind: &self.kind,
                payload: &self.payload,
                prev_hash: &self.prev_hash,
            })
        })
    }
}

pub(crate) struct Fields<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub at: i64,
    pub author: &'a str,
    pub author_key: &'a str,
    pub post: Option<&'a str>,
    pub step: Option<&'a str>,
    pub kind: &'a str,
    pub payload: &'a str,
    pub prev_hash: &'a str,
}

/// SHA-256 of the canonical form (format 1, see the module comment).
pub(crate) fn canonical_hash(f: &Fields) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"valise-audit-entry/1");
    let mut field = |value: Option<&str>| match value {
        None => h.update([0u8]),
        Some(v) => {
            h.update([1u8]);
            h.update((v.len() as u32).to_be_bytes());
            h.update(v.as_bytes());
        }
    };
    field(Some(&f.seq.to_string()));
    field(Some(f.id));
    field(Some(&f.at.to_string()));
    field(Some(f.author));
    field(Some(f.author_key));
    field(f.post);
    field(f.step);
    field(Some(f.kind));
    field(Some(f.payload));
    field(Some(f.prev_hash));
    h.finalize().into()
}

/// JSON text with every object's keys sorted and no spaces, whatever order the
/// map type keeps them in.
pub(crate) fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical_json(&map[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

/// Appends `entry`, signed by `author`, in the act's transaction. Refused when
/// the kind is unknown, the payload is not a JSON object, or the library does
/// not hold `author`'s public key.
pub fn append(tx: &WriteTx, author: &Signer, entry: NewEntry) -> Result<AuditEntry> {
    if !KINDS.contains(&entry.kind.as_str()) {
        return Err(Error::UnknownAuditKind { kind: entry.kind });
    }
    if !entry.payload.is_object() {
        return Err(Error::corrupt(
            "an audit entry's payload must be a JSON object",
        ));
    }
    let author_key = author.public_key_hex();
    let held: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM person_keys k JOIN people p ON p.id = k.person_id \
             WHERE p.uid = ?1 AND k.public_key = ?2)",
        )?
        .query_row(params![author.person.id, author_key], |r| r.get(0))?;
    if !held {
        return Err(Error::KeyNotInLibrary {
            name: author.person.name.clone(),
        });
    }
    let chain = own_chain(tx)?;
    let last: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT seq, entry_hash FROM audit_entries WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([&chain], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let id = crate::ids::new_id();
    let payload = canonical_json(&entry.payload);
    let at = tx.now();
    let hash = canonical_hash(&Fields {
        seq,
        id: &id,
        at,
        author: &author.person.id,
        author_key: &author_key,
        post: entry.post.as_deref(),
        step: entry.step.as_deref(),
        kind: &entry.kind,
        payload: &payload,
        prev_hash: &prev_hash,
    });
    let signature = hex(&author.sign(&hash).to_bytes());
    let stored = AuditEntry {
        chain,
        seq,
        id,
        format: FORMAT,
        at: clock::to_text(at),
        at_ms: at,
        author: author.person.id.clone(),
        author_name: Some(author.person.name.clone()),
        author_key,
        post: entry.post,
        step: entry.step,
        kind: entry.kind,
        payload,
        prev_hash,
        entry_hash: hex(&hash),
        signature,
    };
    insert(tx, &stored)?;
    let belongs_to = stored.post.as_deref().unwrap_or(&stored.id);
    tx.touched(
        RecordKind::AuditEntry,
        &stored.id,
        ChangeAction::Created,
        belongs_to,
        None,
    );
    Ok(stored)
}

/// Writes `e` as it is (its chain, sequence, links and signature).
fn insert(tx: &WriteTx, e: &AuditEntry) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_entries (chain, seq, format, uid, at, author, author_key, post, step, \
         kind, payload, prev_hash, entry_hash, signature) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        e.chain,
        e.seq,
        e.format,
        e.id,
        e.at_ms,
        e.author,
        e.author_key,
        e.post,
        e.step,
        e.kind,
        e.payload,
        e.prev_hash,
        e.entry_hash,
        e.signature
    ])?;
    Ok(())
}

/// This library's chain id (made the first time it is asked for: schema 7's
/// upgrade does, and every new library runs it).
pub(crate) fn own_chain(conn: &Connection) -> Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'audit_chain'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    if let Some(chain) = found {
        return Ok(chain);
    }
    let chain = crate::ids::new_id();
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('audit_chain', ?1)",
        [&chain],
    )?;
    Ok(chain)
}

/// What became of an entry received from another library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Stored.
    Added,
    /// Already here, identical.
    Known,
    /// Not stored yet: what it needs has not arrived (the entry before it in
    /// its chain, or its author's key). Kept for a later sync.
    Early(String),
    /// Not stored, ever: the sentence says why (it does not recompute to its
    /// hash, or it forks its chain).
    Refused(String),
}

/// Stores an entry signed in another library, as it was signed, after the
/// checks of the module comment and of its signature, by a key the library
/// holds for its author: an entry that would make `verify` fail never enters.
pub(crate) fn receive(tx: &WriteTx, e: &AuditEntry) -> Result<Received> {
    let refuse = |why: &str| {
        Ok(Received::Refused(format!(
            "audit entry {} ({} {} of chain {}) {why}",
            e.id, e.kind, e.seq, e.chain
        )))
    };
    let known: Option<String> = tx
        .prepare_cached("SELECT entry_hash FROM audit_entries WHERE uid = ?1")?
        .query_row([&e.id], |r| r.get(0))
        .optional()?;
    if let Some(hash) = known {
        return if hash == e.entry_hash {
            Ok(Received::Known)
        } else {
            refuse("differs from the entry of the same id held here")
        };
    }
    if e.computed_hash().map(|h| hex(&h)) != Some(e.entry_hash.clone()) {
        return refuse("does not recompute to its hash");
    }
    let at: Option<String> = tx
        .prepare_cached("SELECT uid FROM audit_entries WHERE chain = ?1 AND seq = ?2")?
        .query_row(params![e.chain, e.seq], |r| r.get(0))
        .optional()?;
    if let Some(other) = at {
        return refuse(&format!(
            "forks its chain: entry {other} holds that place here (was a library file copied to another desktop?)"
        ));
    }
    let link = if e.seq == 1 {
        Some(GENESIS.to_string())
    } else {
        tx.prepare_cached("SELECT entry_hash FROM audit_entries WHERE chain = ?1 AND seq = ?2")?
            .query_row(params![e.chain, e.seq - 1], |r| r.get(0))
            .optional()?
    };
    let early = |why: &str| {
        Ok(Received::Early(format!(
            "audit entry {} ({} {} of chain {}) {why}",
            e.id, e.kind, e.seq, e.chain
        )))
    };
    match link {
        None => return early("arrived before the entry it follows"),
        Some(link) if link != e.prev_hash => {
            return refuse("does not follow the entry before it in its chain")
        }
        Some(_) => {}
    }
    let author_known: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM person_keys k JOIN people p ON p.id = k.person_id \
             WHERE p.uid = ?1 AND k.public_key = ?2)",
        )?
        .query_row(params![e.author, e.author_key], |r| r.get(0))?;
    if !author_known {
        return early("was signed by someone this library does not know yet");
    }
    let signed = super::keys::verifying_key(&e.author_key)
        .zip(super::keys::unhex::<32>(&e.entry_hash).zip(super::keys::unhex::<64>(&e.signature)));
    let verifies = signed.is_some_and(|(key, (hash, signature))| {
        key.verify_strict(&hash, &ed25519_dalek::Signature::from_bytes(&signature))
            .is_ok()
    });
    if !verifies {
        return refuse("does not carry its author's signature");
    }
    insert(tx, e)?;
    let belongs_to = e.post.as_deref().unwrap_or(&e.id);
    tx.touched(
        RecordKind::AuditEntry,
        &e.id,
        ChangeAction::Created,
        belongs_to,
        None,
    );
    if let Some(post) = &e.post {
        tx.touched(RecordKind::Signoff, post, ChangeAction::Updated, post, None);
    }
    Ok(Received::Added)
}

pub(crate) const COLUMNS: &str =
    "e.chain, e.seq, e.uid, e.format, e.at, e.author, p.name, e.author_key, \
                       e.post, e.step, e.kind, e.payload, e.prev_hash, e.entry_hash, e.signature";

pub(crate) fn row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    let at_ms: i64 = r.get(4)?;
    Ok(AuditEntry {
        chain: r.get(0)?,
        seq: r.get(1)?,
        id: r.get(2)?,
        format: r.get(3)?,
        at: clock::to_text(at_ms),
        at_ms,
        author: r.get(5)?,
        author_name: r.get(6)?,
        author_key: r.get(7)?,
        post: r.get(8)?,
        step: r.get(9)?,
        kind: r.get(10)?,
        payload: r.get(11)?,
        prev_hash: r.get(12)?,
        entry_hash: r.get(13)?,
        signature: r.get(14)?,
    })
}

/// Every entry, or those of one post (its global id), in the order every
/// library shows them: (`at`, `chain`, `seq`), see the module comment.
pub(crate) fn entries(c: &Connection, post: Option<&str>) -> Result<Vec<AuditEntry>> {
    // Two statements, so one post's entries are found through the
    // (post, at, chain, seq) index instead of a scan of the whole trail.
    let from = "FROM audit_entries e LEFT JOIN people p ON p.uid = e.author";
    let rows = match post {
        Some(post) => c
            .prepare_cached(&format!(
                "SELECT {COLUMNS} {from} WHERE e.post = ?1 ORDER BY e.at, e.chain, e.seq"
            ))?
            .query_map([post], row)?
            .collect::<rusqlite::Result<_>>()?,
        None => c
            .prepare_cached(&format!(
                "SELECT {COLUMNS} {from} ORDER BY e.at, e.chain, e.seq"
            ))?
            .query_map([], row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(payload: &'a str, post: Option<&'a str>) -> Fields<'a> {
        Fields {
            seq: 7,
            id: "5a0c1f44-0000-4000-8000-000000000001",
            at: 1_795_000_000_000,
            author: "9b1d0e2a-0000-4000-8000-000000000002",
            author_key: "ab",
            post,
            step: Some("proofreading"),
            kind: "approve",
            payload,
            prev_hash: GENESIS,
        }
    }

    #[test]
    fn the_canonical_hash_is_fixed_for_format_1() {
        // Pinned (computed independently from the documented form with
        // Python's hashlib): a change to the canonical form needs a new format.
        let h = hex(&canonical_hash(&fields(r#"{"comment":"ok"}"#, Some("p"))));
        assert_eq!(
            h,
            "ad6fcf904b80250be1a5919a67cd8aef2d671dbcb5ddb6bc5f411f8df5aa3d25"
        );
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = canonical_hash(&fields(r#"{"comment":"ok"}"#, Some("p")));
        let mut variants = vec![
            canonical_hash(&fields(r#"{"comment":"ok!"}"#, Some("p"))),
            canonical_hash(&fields(r#"{"comment":"ok"}"#, None)),
            canonical_hash(&fields(r#"{"comment":"ok"}"#, Some(""))),
        ];
        let f = fields(r#"{"comment":"ok"}"#, Some("p"));
        for change in 0..8 {
            let mut g = Fields { ..f };
            match change {
                0 => g.seq = 8,
                1 => g.id = "x",
                2 => g.at += 1,
                3 => g.author = "y",
                4 => g.author_key = "cd",
                5 => g.step = None,
                6 => g.kind = "comment",
                _ => g.prev_hash = "1",
            }
            variants.push(canonical_hash(&g));
        }
        for v in &variants {
            assert_ne!(*v, base);
        }
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        // Without length prefixes "ab"+"c" and "a"+"bc" would hash the same.
        let mut a = fields("{}", Some("ab"));
        a.step = Some("c");
        let mut b = fields("{}", Some("a"));
        b.step = Some("bc");
        assert_ne!(canonical_hash(&a), canonical_hash(&b));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"b": 1, "a": {"z": [true, null], "y": "é\"x"}}"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":"é\"x","z":[true,null]},"b":1}"#
        );
        let back: serde_json::Value = serde_json::from_str(&canonical_json(&v)).unwrap();
        assert_eq!(back, v);
    }
}
