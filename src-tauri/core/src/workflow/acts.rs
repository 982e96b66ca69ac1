//! Sign-off acts kept as audit entries: an act is an entry (kind, step, and a
//! payload with the content hash, comments, due date, on whose behalf), read
//! back in sequence order as the `Act`s the pure rules evaluate. The canonical
//! text each signature covered is kept once per hash in `signed_texts`.
//!
//! Voiding is an entry too: one `void` entry per approval whose text is gone,
//! unless one was already recorded for that approval and that new text. The
//! text write that voids it records it in its own transaction, signed by the
//! person chosen on this desktop (`signoff::record_voids_of_write`). A write
//! with nobody to sign (an anonymous CLI edit, a desktop without a chosen
//! person's key) leaves it to the next act on the post, which records it
//! before itself, signed by that act's author. Status never waits for either:
//! `evaluate` derives voiding from the hashes.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::audit::{self, AuditEntry, NewEntry};
use super::keys::Signer;
use super::rules::{Act, ActKind, ContentHash, PostSignoff, VersionContent};
use crate::error::{Error, Result};
use crate::posts::rows;
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// What an act's entry holds besides who, when, the post and the step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ActPayload {
    pub content_hash: ContentHash,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub private_note: Option<String>,
    /// UTC unix milliseconds.
    #[serde(default)]
    pub due: Option<i64>,
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

/// A recorded voiding: which approval, and the text that voided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VoidPayload {
    approval_seq: i64,
    approval_id: String,
    signer: String,
    signed_hash: ContentHash,
    new_hash: ContentHash,
}

/// A post's sign-off history as its entries tell it.
#[derive(Debug, Default)]
pub(crate) struct History {
    pub acts: Vec<Act>,
    /// The entry id of each act, by its seq.
    pub ids: HashMap<i64, String>,
    /// The entry's own sequence number in its chain, by the act's seq.
    entry_seqs: HashMap<i64, i64>,
    /// (approval entry id, new hash) of each voiding recorded.
    voids: Vec<(String, ContentHash)>,
}

fn kind_of(kind: &str) -> Option<ActKind> {
    Some(match kind {
        "submit" => ActKind::Submit,
        "approve" => ActKind::Approve,
        "request_changes" => ActKind::RequestChanges,
        "withdraw" => ActKind::Withdraw,
        _ => return None,
    })
}

pub(crate) fn entry_kind(kind: ActKind) -> &'static str {
    match kind {
        ActKind::Submit => "submit",
        ActKind::Approve => "approve",
        ActKind::RequestChanges => "request_changes",
        ActKind::Withdraw => "withdraw",
        ActKind::Comment => "comment",
    }
}

fn unreadable(e: &AuditEntry, why: impl std::fmt::Display) -> Error {
    Error::corrupt(format!(
        "audit entry {} ({}) cannot be read as a sign-off act: {why}",
        e.seq, e.kind
    ))
}

impl History {
    fn add(&mut self, e: &AuditEntry) -> Result<()> {
        if e.kind == "void" {
            let v: VoidPayload =
                serde_json::from_str(&e.payload).map_err(|why| unreadable(e, why))?;
            self.voids.push((v.approval_id, v.new_hash));
            return Ok(());
        }
        // Comments carry no hash and change no state; other kinds are not acts.
        let Some(kind) = kind_of(&e.kind) else {
            return Ok(());
        };
        let p: ActPayload = serde_json::from_str(&e.payload).map_err(|why| unreadable(e, why))?;
        // An act's place in the post's history: entries come in the order
        // every library shows them (`audit::entries`), whichever chain holds them.
        let seq = self.acts.len() as i64 + 1;
        self.ids.insert(seq, e.id.clone());
        self.entry_seqs.insert(seq, e.seq);
        self.acts.push(Act {
            seq,
            kind,
            step: e.step.clone(),
            by: e.author_name.clone().unwrap_or_else(|| e.author.clone()),
            on_behalf_of: p.on_behalf_of,
            at: e.at_ms,
            due: p.due,
            comment: p.comment,
            content_hash: p.content_hash,
        });
        Ok(())
    }

    pub(crate) fn void_recorded(&self, approval_seq: i64, new_hash: &ContentHash) -> bool {
        let Some(id) = self.ids.get(&approval_seq) else {
            return false;
        };
        self.voids.iter().any(|(v, h)| v == id && h == new_hash)
    }
}

/// The history of one post (its global id), in the order of `audit::entries`.
pub(crate) fn history(c: &Connection, post_uid: &str) -> Result<History> {
    let mut h = History::default();
    for e in audit::entries(c, Some(post_uid))? {
        h.add(&e)?;
    }
    Ok(h)
}

/// The history of every post that has one, by global id.
pub(crate) fn histories(c: &Connection) -> Result<HashMap<String, History>> {
    let mut out: HashMap<String, History> = HashMap::new();
    for e in audit::entries(c, None)? {
        if let Some(post) = &e.post {
            out.entry(post.clone()).or_default().add(&e)?;
        }
    }
    Ok(out)
}

/// A live post named by id or prefix: its row and its global id.
pub(crate) fn post_ref(c: &Connection, id: &str) -> Result<(i64, String)> {
    let row = rows::resolve(c, id)?;
    let uid = c
        .prepare_cached("SELECT uid FROM posts WHERE id = ?1")?
        .query_row([row], |r| r.get(0))?;
    Ok((row, uid))
}

/// Every language version of a post as the chain's steps cover it.
pub(crate) fn versions(c: &Connection, post_row: i64) -> Result<Vec<VersionContent>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, lang, title, summary, body, share_text, place_line FROM language_versions \
         WHERE post_id = ?1 ORDER BY lang",
    )?;
    let found: Vec<(i64, VersionContent)> = stmt
        .query_map([post_row], |r| {
            Ok((
                r.get(0)?,
                VersionContent {
                    lang: r.get(1)?,
                    title: r.get(2)?,
                    summary: r.get(3)?,
                    body: r.get(4)?,
                    share_text: r.get(5)?,
                    place_line: r.get(6)?,
                    ..VersionContent::default()
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    found
        .into_iter()
        .map(|(id, mut v)| {
            v.tags = rows::tags_of(c, id)?;
            Ok(v)
        })
        .collect()
}

/// Records an act by `author` on a post, with the canonical text it covered.
pub(crate) fn record(
    tx: &WriteTx,
    author: &Signer,
    post_uid: &str,
    kind: ActKind,
    step: Option<&str>,
    payload: &ActPayload,
    signed_text: &str,
) -> Result<AuditEntry> {
    tx.prepare_cached("INSERT OR IGNORE INTO signed_texts (hash, text) VALUES (?1, ?2)")?
        .execute(params![payload.content_hash.to_string(), signed_text])?;
    let payload = serde_json::to_value(payload)
        .map_err(|e| Error::corrupt(format!("an act could not be written: {e}")))?;
    let entry = audit::append(
        tx,
        author,
        NewEntry {
            post: Some(post_uid.to_string()),
            step: step.map(str::to_string),
            kind: entry_kind(kind).into(),
            payload,
        },
    )?;
    touch(tx, post_uid);
    Ok(entry)
}

/// The catch-up of the module comment: a `void` entry for each voided approval
/// of `signoff` not yet recorded for the text there now.
pub(crate) fn record_voids(
    tx: &WriteTx,
    author: &Signer,
    post_uid: &str,
    signoff: &PostSignoff,
    history: &History,
) -> Result<Vec<AuditEntry>> {
    let mut out = Vec::new();
    for step in &signoff.steps {
        for v in &step.voided {
            let a = &v.approval;
            if history.void_recorded(a.seq, &v.current_hash) {
                continue;
            }
            let payload = VoidPayload {
                approval_seq: history.entry_seqs.get(&a.seq).copied().unwrap_or(a.seq),
                approval_id: history.ids.get(&a.seq).cloned().unwrap_or_default(),
                signer: a.signer.clone(),
                signed_hash: a.signed_hash,
                new_hash: v.current_hash,
            };
            let payload = serde_json::to_value(&payload)
                .map_err(|e| Error::corrupt(format!("a voiding could not be written: {e}")))?;
            out.push(audit::append(
                tx,
                author,
                NewEntry {
                    post: Some(post_uid.to_string()),
                    step: Some(step.name.clone()),
                    kind: "void".into(),
                    payload,
                },
            )?);
        }
    }
    if !out.is_empty() {
        touch(tx, post_uid);
    }
    Ok(out)
}

/// The canonical text stored for a signed hash, if any.
pub(crate) fn signed_text(c: &Connection, hash: &ContentHash) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(
        c.prepare_cached("SELECT text FROM signed_texts WHERE hash = ?1")?
            .query_row([hash.to_string()], |r| r.get(0))
            .optional()?,
    )
}

fn touch(tx: &WriteTx, post_uid: &str) {
    tx.touched(
        RecordKind::Signoff,
        post_uid,
        ChangeAction::Updated,
        post_uid,
        None,
    );
}
