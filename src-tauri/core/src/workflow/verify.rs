//! Checking the audit trail, and its face `library.audit()`.
//!
//! `verify` walks each chain (one per library that signs, see `audit`) in
//! sequence order and checks that sequence
//! numbers have no gaps, every `entry_hash` recomputes from the entry's fields,
//! every `prev_hash` is the stored hash of the entry before, and every signature
//! verifies with a public key the library holds for the entry's author. It does
//! not stop at the first bad entry: it lists every problem from the first one
//! on, in sequence order (each check compares an entry with its stored
//! neighbour only, so one tampering shows as one or two problems, not as every
//! entry after it). The CLI names the first and counts the rest.
//!
//! What a chain cannot show alone: entries cut off its end leave a shorter
//! chain that verifies. A copy that knows a later head (the backend, once sync
//! exists) catches that.
//!
//! Signatures are checked on every core at once, in batches of 1,024
//! (ed25519-dalek's `verify_batch`, about three times as fast per signature as
//! one by one); a batch that fails is checked one signature at a time to name
//! the bad ones.

use std::collections::{HashMap, HashSet};

use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{self, AuditEntry, NewEntry, GENESIS};
use super::keys::{self, hex, unhex, Signer};
use crate::error::{Error, Result};
use crate::Library;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VerifyReport {
    #[ts(type = "number")]
    pub entries: u64,
    pub intact: bool,
    /// Every problem, in sequence order; the first is where the trail stops
    /// being trustworthy.
    pub problems: Vec<AuditProblem>,
}

/// One bad entry, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditProblem {
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    pub kind: ProblemKind,
    /// A sentence naming the entry and what is wrong.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Entries are missing before this one.
    Gap,
    /// The entry's fields do not give its stored hash: it was edited.
    Edited,
    /// Its `prev_hash` is not the hash of the entry before it.
    BrokenLink,
    /// The signature does not verify with the author's key.
    BadSignature,
    /// The key that signed is not one the library holds for the author.
    UnknownKey,
    /// A format this Valise does not know.
    UnknownFormat,
}

impl VerifyReport {
    pub fn first_problem(&self) -> Option<&AuditProblem> {
        self.problems.first()
    }
}

fn problem(e: &AuditEntry, kind: ProblemKind, what: String) -> AuditProblem {
    AuditProblem {
        seq: e.seq,
        id: e.id.clone(),
        kind,
        message: format!("entry {} ({}, {}): {what}", e.seq, e.id, e.kind),
    }
}

/// Checks `entries` (in sequence order) against the public keys the library
/// holds per author.
pub fn verify_entries(
    entries: &[AuditEntry],
    keys_of: &HashMap<String, HashSet<String>>,
) -> VerifyReport {
    let mut problems = Vec::new();
    let mut previous: Option<&AuditEntry> = None;
    let mut to_check: Vec<(usize, VerifyingKey)> = Vec::with_capacity(entries.len());
    let mut parsed: HashMap<&str, Option<VerifyingKey>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let expected = previous.map_or(1, |p| p.seq + 1);
        if e.seq != expected {
            let what = match previous {
                Some(p) if e.seq > expected => format!(
                    "follows entry {}: entries {expected} to {} are missing",
                    p.seq,
                    e.seq - 1
                ),
                None => format!("is the first entry: entries 1 to {} are missing", e.seq - 1),
                Some(p) => format!(
                    "follows entry {}: its sequence number is out of order",
                    p.seq
                ),
            };
            problems.push(problem(e, ProblemKind::Gap, what));
        }
        match e.computed_hash() {
            None => problems.push(problem(
                e,
                ProblemKind::UnknownFormat,
                format!(
                    "format {} is unknown to this Valise; update Valise",
                    e.format
                ),
            )),
            Some(h) if hex(&h) != e.entry_hash => problems.push(problem(
                e,
                ProblemKind::Edited,
                "its content does not match its hash: it was changed after it was signed".into(),
            )),
            Some(_) => {}
        }
        let link = previous.map_or(GENESIS, |p| p.entry_hash.as_str());
        if e.prev_hash != link {
            let what = match previous {
                Some(p) => format!(
                    "does not follow entry {} ({}): an entry was removed, inserted or moved here",
                    p.seq, p.id
                ),
                None => {
                    "is first but does not start the chain: entries before it were removed".into()
                }
            };
            problems.push(problem(e, ProblemKind::BrokenLink, what));
        }
        let held = keys_of
            .get(&e.author)
            .is_some_and(|k| k.contains(&e.author_key));
        let key = *parsed
            .entry(e.author_key.as_str())
            .or_insert_with(|| keys::verifying_key(&e.author_key));
        match key {
            Some(key) if held => to_check.push((i, key)),
            _ => problems.push(problem(
                e,
                ProblemKind::UnknownKey,
                format!(
                    "signed with key {} which the library does not hold for author {}",
                    short(&e.author_key),
                    e.author_name.as_deref().unwrap_or(&e.author)
                ),
            )),
        }
        previous = Some(e);
    }
    for i in bad_signatures(entries, &to_check) {
        problems.push(problem(
            &entries[i],
            ProblemKind::BadSignature,
            "its signature does not verify: it was not signed by its author's key".into(),
        ));
    }
    // Stable: problems of one entry keep the order they were found in.
    problems.sort_by_key(|p| p.seq);
    VerifyReport {
        entries: entries.len() as u64,
        intact: problems.is_empty(),
        problems,
    }
}

/// Checks each chain of `entries` alone (see `audit`: one chain per library
/// that signs), in sequence order within it, and gathers the problems, chain
/// by chain.
pub fn verify_chains(
    mut entries: Vec<AuditEntry>,
    keys_of: &HashMap<String, HashSet<String>>,
) -> VerifyReport {
    entries.sort_by(|a, b| a.chain.cmp(&b.chain).then(a.seq.cmp(&b.seq)));
    let mut report = VerifyReport {
        entries: entries.len() as u64,
        intact: true,
        problems: Vec::new(),
    };
    for chain in entries.chunk_by(|a, b| a.chain == b.chain) {
        let one = verify_entries(chain, keys_of);
        report.intact &= one.intact;
        report.problems.extend(one.problems);
    }
    report
}

fn short(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

/// Indices of entries whose signature does not verify, in any order.
fn bad_signatures(entries: &[AuditEntry], to_check: &[(usize, VerifyingKey)]) -> Vec<usize> {
    // Measured (BENCHMARKS.md): 1,024 per batch costs a quarter less per
    // signature than 256; a failing batch re-checks 1,024 one by one (~45 ms).
    const BATCH: usize = 1024;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = to_check.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let workers: Vec<_> = to_check
            .chunks(per_thread)
            .map(|share| {
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for batch in share.chunks(BATCH) {
                        check_batch(entries, batch, &mut bad);
                    }
                    bad
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    })
}

fn check_batch(entries: &[AuditEntry], batch: &[(usize, VerifyingKey)], bad: &mut Vec<usize>) {
    let mut messages = Vec::with_capacity(batch.len());
    let mut signatures = Vec::with_capacity(batch.len());
    let mut keys = Vec::with_capacity(batch.len());
    let mut unreadable = Vec::new();
    for &(i, key) in batch {
        let e = &entries[i];
        match (unhex::<32>(&e.entry_hash), unhex::<64>(&e.signature)) {
            (Some(h), Some(s)) => {
                messages.push((i, h));
                signatures.push(Signature::from_bytes(&s));
                keys.push(key);
            }
            _ => unreadable.push(i),
        }
    }
    bad.extend(unreadable);
    let refs: Vec<&[u8]> = messages.iter().map(|(_, h)| h.as_slice()).collect();
    if ed25519_dalek::verify_batch(&refs, &signatures, &keys).is_ok() {
        return;
    }
    for (((i, h), sig), key) in messages.iter().zip(&signatures).zip(&keys) {
        if key.verify_strict(h, sig).is_err() {
            bad.push(*i);
        }
    }
}

/// The audit trail of a library: `library.audit()`.
pub struct Audit<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn audit(&self) -> Audit<'_> {
        Audit { lib: self }
    }
}

impl Audit<'_> {
    /// Every entry in sequence order, or those about one post (id or prefix).
    pub fn log(&self, post: Option<&str>) -> Result<Vec<AuditEntry>> {
        self.lib.read(|c| {
            let post = post.map(|p| post_uid(c, p)).transpose()?;
            audit::entries(c, post.as_deref())
        })
    }

    /// Walks the whole trail; see the module comment for what is checked.
    pub fn verify(&self) -> Result<VerifyReport> {
        let (entries, keys_of) = self.lib.read(|c| {
            let entries = audit::entries(c, None)?;
            let mut keys_of: HashMap<String, HashSet<String>> = HashMap::new();
            let mut stmt = c.prepare(
                "SELECT p.uid, k.public_key FROM person_keys k JOIN people p ON p.id = k.person_id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            for row in rows {
                let (person, key) = row?;
                keys_of.entry(person).or_default().insert(key);
            }
            Ok((entries, keys_of))
        })?;
        Ok(verify_chains(entries, &keys_of))
    }

    /// Records `author`'s comment on a post (a sign-off act of its own).
    pub fn comment(&self, author: &Signer, post: &str, text: &str) -> Result<AuditEntry> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::EmptyComment);
        }
        self.lib.change(|tx| {
            let post = post_uid(tx, post)?;
            audit::append(
                tx,
                author,
                NewEntry {
                    post: Some(post),
                    step: None,
                    kind: "comment".into(),
                    payload: serde_json::json!({ "comment": text }),
                },
            )
        })
    }
}

/// The global id of a live post named by id or prefix.
fn post_uid(c: &rusqlite::Connection, id: &str) -> Result<String> {
    let row = crate::ids::resolve(c, "posts", id, "AND deleted_at IS NULL", |id| {
        Error::PostNotFound { id }
    })?;
    Ok(c.query_row("SELECT uid FROM posts WHERE id = ?1", [row], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer as _, SigningKey};

    fn signed(seq: i64, prev: &str, key: &SigningKey, author: &str) -> AuditEntry {
        let author_key = hex(key.verifying_key().as_bytes());
        let mut e = AuditEntry {
            chain: "c".into(),
            seq,
            id: format!("00000000-0000-4000-8000-{seq:012}"),
            format: audit::FORMAT,
            at: String::new(),
            at_ms: 1_795_000_000_000 + seq,
            author: author.into(),
            author_name: None,
            author_key,
            post: None,
            step: None,
            kind: "comment".into(),
            payload: format!(r#"{{"comment":"n{seq}"}}"#),
            prev_hash: prev.into(),
            entry_hash: String::new(),
            signature: String::new(),
        };
        let h = e.computed_hash().unwrap();
        e.entry_hash = hex(&h);
        e.signature = hex(&key.sign(&h).to_bytes());
        e
    }

    fn chain(n: i64, key: &SigningKey) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let prev = out
                .last()
                .map_or(GENESIS.to_string(), |e| e.entry_hash.clone());
            out.push(signed(seq, &prev, key, "alice-id"));
        }
        out
    }

    fn keys_for(key: &SigningKey) -> HashMap<String, HashSet<String>> {
        HashMap::from([(
            "alice-id".to_string(),
            HashSet::from([hex(key.verifying_key().as_bytes())]),
        )])
    }

    #[test]
    fn a_signature_verifies_only_the_hash_it_was_made_over() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let e = signed(1, GENESIS, &key, "alice-id");
        let sig = Signature::from_bytes(&unhex::<64>(&e.signature).unwrap());
        let hash = unhex::<32>(&e.entry_hash).unwrap();
        assert!(key.verifying_key().verify_strict(&hash, &sig).is_ok());
        let mut other = hash;
        other[0] ^= 1;
        assert!(key.verifying_key().verify_strict(&other, &sig).is_err());
        let stranger = SigningKey::from_bytes(&[8u8; 32]);
        assert!(stranger.verifying_key().verify_strict(&hash, &sig).is_err());
    }

    #[test]
    fn an_intact_chain_of_many_batches_verifies() {
        let key = SigningKey::from_bytes(&[1u8; 32]);
        let report = verify_entries(&chain(700, &key), &keys_for(&key));
        assert!(report.intact, "{:?}", report.problems.first());
        assert_eq!(report.entries, 700);
    }

    #[test]
    fn a_forged_signature_deep_in_a_batch_is_named() {
        let key = SigningKey::from_bytes(&[1u8; 32]);
        let forger = SigningKey::from_bytes(&[2u8; 32]);
        let mut entries = chain(600, &key);
        let h = unhex::<32>(&entries[400].entry_hash).unwrap();
        entries[400].signature = hex(&forger.sign(&h).to_bytes());
        let report = verify_entries(&entries, &keys_for(&key));
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert_eq!(report.problems[0].seq, 401);
        assert_eq!(report.problems[0].kind, ProblemKind::BadSignature);
    }

    #[test]
    fn a_key_the_library_does_not_hold_is_named() {
        let key = SigningKey::from_bytes(&[1u8; 32]);
        let report = verify_entries(&chain(3, &key), &HashMap::new());
        assert_eq!(report.problems.len(), 3);
        assert!(report
            .problems
            .iter()
            .all(|p| p.kind == ProblemKind::UnknownKey));
    }
}
