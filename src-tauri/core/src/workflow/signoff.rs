//! The sign-off of a post, wired: `library.signoff()` records acts (each one
//! write transaction: evaluate the post's acts against its current text, check
//! the act, record missing voidings, then the act with the text it covers) and
//! reads where a post stands, with the diff of every voided signature.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::acts::{self, ActPayload, History};
use super::audit::{self, AuditEntry};
use super::chain_store;
use super::keys::Signer;
use super::rules::{
    self, canonical_text, content_hash, scope_hashes, ActKind, Chain, ContentHash, DiffRow, MayAct,
    PostSignoff, Proposal, VersionContent,
};
use crate::error::{Error, Result};
use crate::store::write::{RecordKind, WriteTx};
use crate::Library;

/// A post evaluated now: its versions, each step's current hash, its history
/// and where it stands.
pub(crate) struct Evaluated {
    pub uid: String,
    pub versions: Vec<VersionContent>,
    pub hashes: Vec<ContentHash>,
    pub history: History,
    pub signoff: PostSignoff,
}

pub(crate) fn evaluate_post(
    c: &Connection,
    chain: &Chain,
    id: &str,
    now: i64,
) -> Result<Evaluated> {
    let (row, uid) = acts::post_ref(c, id)?;
    let versions = acts::versions(c, row)?;
    let history = acts::history(c, &uid)?;
    let (hashes, signoff) = evaluate(chain, &history, &versions, now)?;
    Ok(Evaluated {
        uid,
        versions,
        hashes,
        history,
        signoff,
    })
}

/// The rules' evaluation, with the hashes made from the same chain.
pub(crate) fn evaluate(
    chain: &Chain,
    history: &History,
    versions: &[VersionContent],
    now: i64,
) -> Result<(Vec<ContentHash>, PostSignoff)> {
    let hashes = scope_hashes(chain, versions);
    let signoff = rules::evaluate(chain, &history.acts, &hashes, now)?;
    Ok((hashes, signoff))
}

/// The canonical text of what step `step` of `chain` covers.
fn scope_text(chain: &Chain, step: usize, versions: &[VersionContent]) -> String {
    let s = &chain.steps[step];
    let scoped: Vec<VersionContent> = versions
        .iter()
        .filter(|v| s.covers(&v.lang))
        .cloned()
        .collect();
    canonical_text(&scoped)
}

/// Records, in a write's own transaction, the voidings its text changes cause,
/// signed by the person chosen on this desktop (see `acts` for when nobody is:
/// the next act records them). Only posts that have approvals are evaluated,
/// and a desktop without a usable identity leaves the write as it is: a save
/// is never refused for want of a signer.
pub(crate) fn record_voids_of_write(lib: &Library, tx: &WriteTx) -> Result<()> {
    let mut posts = tx.touched_posts(RecordKind::LanguageVersion);
    // A new file of an asset a post shows changes what was signed, too.
    for post in crate::assets::usage::posts_using(tx, &tx.touched_posts(RecordKind::Asset))? {
        if !posts.contains(&post) {
            posts.push(post);
        }
    }
    let mut me: Option<Option<Signer>> = None;
    for uid in posts {
        let approved: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM audit_entries WHERE post = ?1 AND kind = 'approve')",
            )?
            .query_row([&uid], |r| r.get(0))?;
        if !approved {
            continue;
        }
        let signer = me.get_or_insert_with(|| {
            let people = lib.people();
            people
                .whoami()
                .ok()
                .flatten()
                .and_then(|p| people.signer(&p.id).ok())
        });
        let Some(signer) = signer.as_ref() else {
            return Ok(());
        };
        let chain = chain_store::load(tx)?;
        let ev = match evaluate_post(tx, &chain, &uid, tx.now()) {
            Ok(ev) => ev,
            // Deleted in this write: there is nothing left to sign off.
            Err(Error::PostNotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        acts::record_voids(tx, signer, &ev.uid, &ev.signoff, &ev.history)?;
    }
    Ok(())
}

/// An approval voided by a change, with what changed since it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VoidedDiff {
    pub step: String,
    pub signer: String,
    /// Who gave it (the signer or their delegate).
    pub by: String,
    #[ts(type = "number")]
    pub seq: i64,
    pub signed_hash: ContentHash,
    pub current_hash: ContentHash,
    /// From the signed canonical text to the current one (none if the signed
    /// text is not kept, which only an edited library file can cause).
    pub diff: Option<Vec<DiffRow>>,
}

/// A post's sign-off as the panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SignoffStatus {
    pub post_id: String,
    pub signoff: PostSignoff,
    /// The person the offered acts are for (`--as`, else who I am here).
    pub viewer: Option<String>,
    pub may_act: Vec<MayAct>,
    pub voided: Vec<VoidedDiff>,
    /// The private notes on this post the viewer may read (their key is on
    /// this desktop and the note was sealed to it), oldest first.
    pub notes: Vec<PrivateNote>,
}

/// A private note, opened for its reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PrivateNote {
    #[ts(type = "number")]
    pub seq: i64,
    pub by: String,
    pub kind: String,
    pub step: Option<String>,
    pub note: String,
}

/// The sign-off of posts: `library.signoff()`.
pub struct Signoff<'l> {
    pub(super) lib: &'l Library,
}

impl Library {
    pub fn signoff(&self) -> Signoff<'_> {
        Signoff { lib: self }
    }
}

impl Signoff<'_> {
    /// Submits post `id` for sign-off, with an optional due date (UTC unix ms).
    pub fn submit(
        &self,
        author: &Signer,
        id: &str,
        due: Option<i64>,
        comment: &str,
    ) -> Result<AuditEntry> {
        let mut p = Proposal::new(ActKind::Submit, &author.person.name).saying(comment.trim());
        p.due = due;
        self.act(author, id, p, None)
    }

    /// Approves step `step` of post `id`; `on_behalf_of` signs as a delegate of
    /// that signer (the chain must name `author` as their delegate).
    pub fn approve(
        &self,
        author: &Signer,
        id: &str,
        step: &str,
        comment: &str,
        private_note: Option<&str>,
        on_behalf_of: Option<&str>,
    ) -> Result<AuditEntry> {
        let mut p = Proposal::new(ActKind::Approve, &author.person.name)
            .on(step)
            .saying(comment.trim());
        p.on_behalf_of = on_behalf_of.map(str::to_string);
        self.act(author, id, p, private_note)
    }

    /// Sends post `id` back from step `step`; the comment says what to change.
    pub fn request_changes(
        &self,
        author: &Signer,
        id: &str,
        step: &str,
        comment: &str,
        private_note: Option<&str>,
    ) -> Result<AuditEntry> {
        let p = Proposal::new(ActKind::RequestChanges, &author.person.name)
            .on(step)
            .saying(comment.trim());
        self.act(author, id, p, private_note)
    }

    /// Takes post `id` back out of sign-off (its submitter only).
    pub fn withdraw(&self, author: &Signer, id: &str) -> Result<AuditEntry> {
        self.act(
            author,
            id,
            Proposal::new(ActKind::Withdraw, &author.person.name),
            None,
        )
    }

    fn act(
        &self,
        author: &Signer,
        id: &str,
        p: Proposal,
        private_note: Option<&str>,
    ) -> Result<AuditEntry> {
        self.lib.change(|tx| {
            let chain = chain_store::load(tx)?;
            let ev = evaluate_post(tx, &chain, id, tx.now())?;
            rules::check(&chain, &ev.signoff, &p)?;
            acts::record_voids(tx, author, &ev.uid, &ev.signoff, &ev.history)?;
            // A step's act covers what the step covers; a submission or a
            // withdrawal covers the whole post.
            let step = p.step.as_deref().and_then(|s| chain.step(s));
            let (hash, text) = match step {
                Some((i, _)) => (ev.hashes[i], scope_text(&chain, i, &ev.versions)),
                None => (content_hash(&ev.versions), canonical_text(&ev.versions)),
            };
            let payload = ActPayload {
                content_hash: hash,
                comment: p.comment.clone(),
                private_note: None,
                sealed_note: acts::seal_note(tx, &chain, author, private_note)?,
                due: p.due,
                on_behalf_of: p.on_behalf_of.clone(),
            };
            let kind = p.kind.ok_or(rules::Refusal::NoAct)?;
            acts::record(
                tx,
                author,
                &ev.uid,
                kind,
                p.step.as_deref(),
                &payload,
                &text,
            )
        })
    }

    /// Where post `id` stands now, the acts `as_person` (else who I am on
    /// this desktop, if chosen) may do, and what changed under each voided
    /// approval.
    pub fn status(&self, id: &str, as_person: Option<&str>) -> Result<SignoffStatus> {
        let viewer = match as_person {
            Some(name) => Some(self.lib.people().get(name)?.name),
            None => self.lib.people().whoami()?.map(|p| p.name),
        };
        let reader = viewer
            .as_deref()
            .and_then(|v| self.lib.people().signer(v).ok());
        let now = self.lib.now_ms();
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            let ev = evaluate_post(c, &chain, id, now)?;
            let mut voided = Vec::new();
            for (i, step) in ev.signoff.steps.iter().enumerate() {
                if step.voided.is_empty() {
                    continue;
                }
                let now_text = scope_text(&chain, i, &ev.versions);
                for v in &step.voided {
                    let a = &v.approval;
                    voided.push(VoidedDiff {
                        step: step.name.clone(),
                        signer: a.signer.clone(),
                        by: a.by.clone(),
                        seq: a.seq,
                        signed_hash: a.signed_hash,
                        current_hash: v.current_hash,
                        diff: acts::signed_text(c, &a.signed_hash)?
                            .map(|signed| rules::diff(&signed, &now_text)),
                    });
                }
            }
            let may_act = viewer
                .as_deref()
                .map(|v| rules::may_act(&chain, &ev.signoff, v))
                .unwrap_or_default();
            let notes = match &reader {
                Some(reader) => audit::entries(c, Some(&ev.uid))?
                    .iter()
                    .filter_map(|e| {
                        acts::note_of(e, reader).map(|note| PrivateNote {
                            seq: e.seq,
                            by: e.author_name.clone().unwrap_or_else(|| e.author.clone()),
                            kind: e.kind.clone(),
                            step: e.step.clone(),
                            note,
                        })
                    })
                    .collect(),
                None => Vec::new(),
            };
            Ok(SignoffStatus {
                notes,
                post_id: ev.uid,
                signoff: ev.signoff,
                viewer: viewer.clone(),
                may_act,
                voided,
            })
        })
    }

    /// What changed in step `step` of post `id` since its latest approval:
    /// from the canonical text that was signed to the one there now.
    pub fn signed_diff(&self, id: &str, step: &str) -> Result<Vec<DiffRow>> {
        self.lib.read(|c| {
            let chain = chain_store::load(c)?;
            let (i, _) = chain.step(step).ok_or_else(|| Error::StepNotInChain {
                step: step.to_string(),
                steps: chain
                    .steps
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            let (row, uid) = acts::post_ref(c, id)?;
            let history = acts::history(c, &uid)?;
            let last = history
                .acts
                .iter()
                .rev()
                .find(|a| a.kind == ActKind::Approve && a.step.as_deref() == Some(step))
                .ok_or_else(|| Error::NothingSigned {
                    step: step.to_string(),
                })?;
            let signed = acts::signed_text(c, &last.content_hash)?.ok_or_else(|| {
                Error::corrupt(format!(
                    "the text signed in entry {} ({}) is not kept",
                    last.seq, last.content_hash
                ))
            })?;
            let versions = acts::versions(c, row)?;
            Ok(rules::diff(&signed, &scope_text(&chain, i, &versions)))
        })
    }
}
