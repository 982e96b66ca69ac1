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

use rusqlite::types::Type;
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::audit::{self, AuditEntry, NewEntry};
use super::keys::Signer;
use super::notes::{self, SealedNote};
use super::rules::Chain;
use super::rules::{
    Act, ActKind, ContentHash, PostSignoff, PublicationAct, PublicationKind, VersionContent,
};
use crate::error::{Error, Result};
use crate::posts::rows;
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// What an act's entry holds besides who, when, the post and the step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ActPayload {
    pub content_hash: ContentHash,
    #[serde(default)]
    pub comment: String,
    /// Notes of acts recorded before notes were sealed, in clear; never written now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The private note, sealed to its readers (`notes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_note: Option<SealedNote>,
    /// UTC unix milliseconds.
    #[serde(default)]
    pub due: Option<i64>,
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

/// What a history takes from an act's payload: `ActPayload` less the notes,
/// which a history never shows (a board reads 15,000 payloads).
#[derive(Deserialize)]
struct ActFields {
    content_hash: ContentHash,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    due: Option<i64>,
    #[serde(default)]
    on_behalf_of: Option<String>,
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

/// What a publication act's entry holds besides who, when and the post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PublicationPayload {
    /// The whole post's content hash when the act was made.
    pub content_hash: ContentHash,
    /// When it goes (or went) public, UTC unix milliseconds.
    #[serde(default)]
    pub publish_at: Option<i64>,
    /// Who published it, as the site says (a `published` confirmation).
    #[serde(default)]
    pub by_on_site: Option<String>,
}

/// A post's sign-off and publication history as its entries tell it.
#[derive(Debug, Default, Clone)]
pub(crate) struct History {
    pub acts: Vec<Act>,
    /// Ready, scheduled, published… in order.
    pub publication: Vec<PublicationAct>,
    /// Where each act sits in the trail, and the voidings recorded: what
    /// recording a voiding needs (`record_voids`). Read with one post's
    /// history (`history`); a board's 10,000 (`histories`) leave it out.
    trail: Option<Trail>,
}

#[derive(Debug, Default, Clone)]
struct Trail {
    /// The entry id of each act: `ids[seq - 1]` (acts are numbered from 1
    /// in the order they are added).
    ids: Vec<String>,
    /// The entry's own sequence number in its chain, likewise by the act's seq.
    entry_seqs: Vec<i64>,
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

fn unreadable(e: &HistoryEntry, why: impl std::fmt::Display) -> Error {
    Error::corrupt(format!(
        "audit entry {} ({}) cannot be read as a sign-off act: {why}",
        e.seq, e.kind
    ))
}

/// The columns of an audit entry a post's history reads, borrowed from the
/// row: a cold board reads every entry, and a whole `AuditEntry` (hashes,
/// signature, key, the time as text) each was most of its cost.
pub(crate) struct HistoryEntry<'r> {
    seq: i64,
    id: &'r str,
    at: i64,
    /// The author's name, or their global id when the library lacks it.
    by: &'r str,
    post: &'r str,
    step: Option<&'r str>,
    kind: &'r str,
    payload: &'r str,
}

const HISTORY_COLUMNS: &str =
    "e.seq, e.uid, e.at, e.author, e.post, e.step, e.kind, e.payload FROM audit_entries e";

/// Each person's name by their global id. A history names authors by name;
/// looked up here rather than joined in SQL, which searched the people for
/// each of a board's 15,000 entries.
fn names(c: &Connection) -> Result<FxHashMap<String, String>> {
    let mut stmt = c.prepare_cached("SELECT uid, name FROM people")?;
    let names = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

impl<'r> HistoryEntry<'r> {
    /// The entry in row `r`, its author named from `names` when known.
    fn from_row(
        r: &'r rusqlite::Row,
        names: &'r FxHashMap<String, String>,
    ) -> rusqlite::Result<HistoryEntry<'r>> {
        let bad =
            |i: usize, e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e));
        let text = |i: usize| r.get_ref(i)?.as_str().map_err(|e| bad(i, e));
        Ok(HistoryEntry {
            seq: r.get(0)?,
            id: text(1)?,
            at: r.get(2)?,
            by: {
                let author = text(3)?;
                names.get(author).map_or(author, String::as_str)
            },
            post: text(4)?,
            step: r.get_ref(5)?.as_str_or_null().map_err(|e| bad(5, e))?,
            kind: text(6)?,
            payload: text(7)?,
        })
    }
}

impl History {
    fn add(&mut self, e: &HistoryEntry) -> Result<()> {
        if e.kind == "void" {
            if let Some(trail) = &mut self.trail {
                let v: VoidPayload =
                    serde_json::from_str(e.payload).map_err(|why| unreadable(e, why))?;
                trail.voids.push((v.approval_id, v.new_hash));
            }
            return Ok(());
        }
        if let Some(kind) = PublicationKind::from_entry_kind(e.kind) {
            let p: PublicationPayload =
                serde_json::from_str(e.payload).map_err(|why| unreadable(e, why))?;
            self.publication.push(PublicationAct {
                seq: e.seq,
                kind,
                by: p.by_on_site.unwrap_or_else(|| e.by.to_string()),
                at: e.at,
                publish_at: p.publish_at,
                content_hash: p.content_hash,
            });
            return Ok(());
        }
        // Comments carry no hash and change no state; other kinds are not acts.
        let Some(kind) = kind_of(e.kind) else {
            return Ok(());
        };
        let p: ActFields = serde_json::from_str(e.payload).map_err(|why| unreadable(e, why))?;
        // An act's place in the post's history: entries come in the order
        // every library shows them (`audit::entries`), whichever chain holds them.
        let seq = self.acts.len() as i64 + 1;
        if let Some(trail) = &mut self.trail {
            trail.ids.push(e.id.to_string());
            trail.entry_seqs.push(e.seq);
        }
        if self.acts.is_empty() {
            // Most posts have a few acts: room for two rather than the four
            // a first push makes, on 10,000 histories.
            self.acts.reserve_exact(2);
        }
        self.acts.push(Act {
            seq,
            kind,
            step: e.step.map(str::to_string),
            by: e.by.to_string(),
            on_behalf_of: p.on_behalf_of,
            at: e.at,
            due: p.due,
            comment: p.comment,
            content_hash: p.content_hash,
        });
        Ok(())
    }

    /// The trail's side of the history, which `history` reads and
    /// `histories` does not.
    fn trail(&self) -> Result<&Trail> {
        self.trail.as_ref().ok_or_else(|| {
            Error::corrupt("a post's history was read without its trail; voidings need it")
        })
    }
}

impl Trail {
    fn void_recorded(&self, approval_seq: i64, new_hash: &ContentHash) -> bool {
        let Some(id) = self.id_of(approval_seq) else {
            return false;
        };
        self.voids.iter().any(|(v, h)| v == id && h == new_hash)
    }

    /// The entry id of act `seq`.
    fn id_of(&self, seq: i64) -> Option<&String> {
        self.ids.get(usize::try_from(seq).ok()?.checked_sub(1)?)
    }

    /// The entry's own sequence number in its chain, of act `seq`.
    fn entry_seq_of(&self, seq: i64) -> Option<i64> {
        let i = usize::try_from(seq).ok()?.checked_sub(1)?;
        self.entry_seqs.get(i).copied()
    }
}

/// The history of one post (its global id), in the order of `audit::entries`.
pub(crate) fn history(c: &Connection, post_uid: &str) -> Result<History> {
    let mut h = History {
        trail: Some(Trail::default()),
        ..History::default()
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HISTORY_COLUMNS} WHERE e.post = ?1 ORDER BY e.at, e.chain, e.seq"
    ))?;
    let names = names(c)?;
    let mut rows = stmt.query([post_uid])?;
    while let Some(r) = rows.next()? {
        h.add(&HistoryEntry::from_row(r, &names)?)?;
    }
    Ok(h)
}

/// The history of every post that has one, by global id: one pass over the
/// trail in `audit::entries` order, each row read in place.
pub(crate) fn histories(c: &Connection) -> Result<FxHashMap<String, History>> {
    let mut out: FxHashMap<String, History> =
        FxHashMap::with_capacity_and_hasher(rows::most(c)?, Default::default());
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {HISTORY_COLUMNS} WHERE e.post IS NOT NULL ORDER BY e.at, e.chain, e.seq"
    ))?;
    let names = names(c)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let e = HistoryEntry::from_row(r, &names)?;
        match out.get_mut(e.post) {
            Some(h) => h.add(&e)?,
            None => out.entry(e.post.to_string()).or_default().add(&e)?,
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
            v.assets = crate::assets::shown_in(c, &v.body, &v.lang)?;
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
    let trail = history.trail()?;
    for step in &signoff.steps {
        for v in &step.voided {
            let a = &v.approval;
            if trail.void_recorded(a.seq, &v.current_hash) {
                continue;
            }
            let payload = VoidPayload {
                approval_seq: trail.entry_seq_of(a.seq).unwrap_or(a.seq),
                approval_id: trail.id_of(a.seq).cloned().unwrap_or_default(),
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

/// Every enrolled key of the note's readers: `author` and each person who may
/// sign a step of `chain` or give a signature as a delegate.
pub(crate) fn note_readers(c: &Connection, chain: &Chain, author: &Signer) -> Result<Vec<String>> {
    let mut names: Vec<&str> = vec![author.person.name.as_str()];
    for step in &chain.steps {
        names.extend(step.signers.iter().map(String::as_str));
    }
    names.extend(chain.delegations.iter().map(|d| d.delegate.as_str()));
    names.sort_unstable();
    names.dedup();
    let mut stmt = c.prepare_cached(
        "SELECT k.public_key FROM person_keys k JOIN people p ON p.id = k.person_id \
         WHERE p.name = ?1 ORDER BY k.public_key",
    )?;
    let mut keys = Vec::new();
    for name in names {
        for key in stmt.query_map([name], |r| r.get::<_, String>(0))? {
            keys.push(key?);
        }
    }
    Ok(keys)
}

/// Seals `note` (trimmed; none when empty) to its readers.
pub(crate) fn seal_note(
    c: &Connection,
    chain: &Chain,
    author: &Signer,
    note: Option<&str>,
) -> Result<Option<SealedNote>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let readers = note_readers(c, chain, author)?;
    notes::seal(note, &readers).map(Some)
}

/// The private note of entry `e` as `reader` may read it: sealed notes only to
/// their readers; None when there is none or `reader` is not one of them.
pub fn note_of(e: &AuditEntry, reader: &Signer) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_str(&e.payload).ok()?;
    let sealed: SealedNote = serde_json::from_value(payload.get("sealed_note")?.clone()).ok()?;
    notes::open(&sealed, reader)
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
