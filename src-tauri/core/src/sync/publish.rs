//! Publication through sync: the status each language version should have on
//! the backend, decided here from the post's publication (`workflow`), and
//! the site's word on it taken back only as a confirmation.
//!
//! The rules:
//! - a draft (or a decision voided by a later change) is `draft` there; ready
//!   to publish is `pending` (the site's editors see what is coming, the
//!   public does not); scheduled at T is `future` at T; "publish at the next
//!   sync" and published are `publish`;
//! - a published post whose text changed since is `draft` there, with its
//!   new text: the site must not keep a public text nobody signed, and the
//!   text the signatures covered is no longer the library's. It goes public
//!   again through sign-off, preflight and a new decision;
//! - a text goes to the site first, never public by itself; a public status
//!   goes after the audit entries (the site's gate reads the sign-offs), once
//!   this library's preflight passes, and the site's gate judges it again;
//! - the library records "published" (a signed audit entry, origin sync) only
//!   when the site confirms a public status that a decision here asked for:
//!   after our own push, or when a pull shows the site's cron published a
//!   scheduled post. A status changed on the site by hand without a decision
//!   here (wp-admin, another client) is never recorded: it is reported, and
//!   the library's status is sent back over it in the same sync.

use std::collections::BTreeSet;

use super::engine::noted;
use super::plan::{Base, Local};
use super::record::{Record, RecordKey, RemoteChange, Status};
use super::{local, state, SyncReport};
use crate::backends::Backend;
use crate::error::{Error, Result};
use crate::store::write::{Origin, WriteTx};
use crate::workflow::rules::{Publication, PublicationState};
use crate::workflow::{self, Signer};
use crate::Library;

/// The status post `post_uid`'s versions should have on the backend.
pub(crate) fn wanted(c: &rusqlite::Connection, post_uid: &str) -> Result<Status> {
    Ok(status_of(&workflow::publication_of_post(c, post_uid)?))
}

/// The status a publication asks for (see the module comment).
pub(crate) fn status_of(p: &Publication) -> Status {
    match p.state {
        PublicationState::Draft => Status::Draft,
        PublicationState::Ready { .. } => Status::Pending,
        PublicationState::Scheduled { now: true, .. } => Status::Published,
        PublicationState::Scheduled { publish_at, .. } => Status::Scheduled {
            // A site keeps whole seconds.
            at: publish_at.div_euclid(1000) * 1000,
        },
        PublicationState::Published { .. } if p.changed_since_published => Status::Draft,
        PublicationState::Published { .. } => Status::Published,
    }
}

fn version_of(r: Option<&Record>) -> Option<&super::record::VersionRecord> {
    match r {
        Some(Record::Version(v)) => Some(v),
        _ => None,
    }
}

/// What the first push (with the texts, before the audit entries) sends for
/// a record: `here`, or, for a version whose status the site's gate must
/// judge, `here` with a status that is not public (`false`: the record is
/// not whole yet; `push_statuses` sends the rest). A move down (draft,
/// pending) goes with its text at once: an unsigned text is never public.
pub(super) fn text_first(here: Local, base: Option<&Base>) -> (Local, bool) {
    let Local::Live(Record::Version(mut v)) = here else {
        return (here, true);
    };
    if !v.status.is_public() {
        return (Local::Live(Record::Version(v)), true);
    }
    let agreed = version_of(base.and_then(|b| b.body.as_ref()));
    let agreed_status = agreed.map_or(Status::Draft, |a| a.status);
    if agreed_status == v.status {
        return (Local::Live(Record::Version(v)), true);
    }
    let same_text = agreed.is_some_and(|a| {
        let mut a = a.clone();
        a.status = v.status;
        a == *v
    });
    v.status = if same_text || !agreed_status.is_public() {
        agreed_status
    } else {
        // A new text over a public one: off the public side until the gate
        // has judged it.
        Status::Draft
    };
    (Local::Live(Record::Version(v)), false)
}

/// Whether `record` is what the backend holds already, by the base.
pub(super) fn agreed(record: &Local, base: Option<&Base>) -> bool {
    match (record, base.and_then(|b| b.body.as_ref())) {
        (Local::Live(r), Some(b)) => r == b,
        _ => false,
    }
}

/// Outbox records read per page by the status pass.
const STATUS_PAGE: usize = 500;

/// What the status pass leaves for the engine.
#[derive(Default)]
pub(super) struct Outcome {
    /// A record changed there meanwhile: another round.
    pub stale: bool,
    /// Refusals to publish (this library's preflight, or the site's gate),
    /// each naming the post and the failed checks; their records wait.
    pub refused: Vec<Error>,
}

/// Sends the statuses the first push held back: public ones, after this
/// library's preflight, through the site's gate. A status the site
/// confirms public is recorded as published when a decision asked for it.
pub(super) async fn push_statuses(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
) -> Result<Outcome> {
    let mut out = Outcome::default();
    let mut pages = super::order::Pages::new(lib, name);
    let login = lib.read(|c| state::backend(c, name))?.login;
    let by_on_site = login.unwrap_or_else(|| backend.name().to_string());
    let mut checked: Vec<(String, bool)> = Vec::new();
    loop {
        let page = pages.next(STATUS_PAGE)?;
        if page.is_empty() {
            return Ok(out);
        }
        for key in page {
            let RecordKey::Version(_) = key else { continue };
            let (here, base) =
                lib.read(|c| Ok((local::record(c, &key)?, state::base(c, name, &key)?)))?;
            let (Local::Live(Record::Version(v)), Some(b)) = (&here, &base) else {
                continue;
            };
            let (Some(at), Some(agreed)) = (&b.remote, version_of(b.body.as_ref())) else {
                continue;
            };
            let mut only_status = agreed.clone();
            only_status.status = v.status;
            if only_status != **v || agreed.status == v.status {
                continue;
            }
            if v.status.is_public() {
                let ready = match checked.iter().find(|(p, _)| p == &v.post) {
                    Some((_, ready)) => *ready,
                    None => {
                        let failed = lib.signoff().preflight(&v.post)?;
                        if !failed.is_empty() {
                            out.refused.push(Error::PublishHeldBack {
                                backend: backend.name().to_string(),
                                post: format!("{} ({})", v.post, v.text.title),
                                checks: failed
                                    .iter()
                                    .map(|f| f.message.trim_end_matches('.').to_string())
                                    .collect::<Vec<_>>()
                                    .join("; "),
                            });
                        }
                        checked.push((v.post.clone(), failed.is_empty()));
                        failed.is_empty()
                    }
                };
                if !ready {
                    continue;
                }
            }
            let record = Record::Version(v.clone());
            // The status goes with the page: its files first, as for any send.
            let outgoing = match super::media::prepare(lib, name, backend, &record).await {
                Ok(out) => out,
                Err(e) => return Err(noted(lib, name, &key, e)?),
            };
            match backend.update(at, &record, &outgoing.figures).await {
                Ok(new_at) => {
                    report.updated_there += 1;
                    lib.write(Origin::Sync, |tx| {
                        let latest = super::engine::latest_change(tx)?;
                        let new_base = Base {
                            body: Some(record.clone()),
                            remote: Some(new_at.clone()),
                        };
                        state::set_base(tx, name, &key, &new_base, latest)?;
                        super::media::sent(tx, name, &key, &outgoing)?;
                        state::unqueue(tx, name, &key)?;
                        if v.status == Status::Published {
                            confirm(lib, tx, &v.post, &by_on_site, report)?;
                        }
                        Ok(())
                    })?;
                }
                Err(e) => match noted(lib, name, &key, e)? {
                    Error::BackendStale { .. } => out.stale = true,
                    e @ Error::PublishRefused { .. } => out.refused.push(e),
                    e @ Error::BackendNotAllowed { .. } => {
                        report.skip(format!("the status of {} ({}): {e}", v.text.title, v.lang));
                    }
                    e => return Err(e),
                },
            }
        }
    }
}

/// Records that post `post_uid` is public on the site if a decision here
/// asked for it; says so in the report either way.
fn confirm(
    lib: &Library,
    tx: &WriteTx,
    post_uid: &str,
    by_on_site: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let signer: Result<Signer> = lib.people().acting(None);
    let title = title_of(tx, post_uid)?;
    match signer {
        Ok(me) => {
            if workflow::confirm_published(tx, &me, post_uid, by_on_site)?.is_some() {
                report
                    .notes
                    .push(format!("{title} (post {post_uid}) is public on the site"));
            }
        }
        Err(e) => {
            report.notes.push(format!(
                "{title} (post {post_uid}) is public on the site, but this desktop cannot record it: {e}"
            ));
        }
    }
    Ok(())
}

fn title_of(c: &rusqlite::Connection, post_uid: &str) -> Result<String> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(
        "SELECT v.title FROM posts p JOIN language_versions v \
             ON v.post_id = p.id AND v.lang = p.source_lang WHERE p.uid = ?1",
    )?
    .query_row([post_uid], |r| r.get(0))
    .optional()?
    .unwrap_or_else(|| post_uid.to_string()))
}

/// The posts a pull shows newly public: a version public there that the base
/// (read before the pull is applied) did not hold as public. Our own push
/// coming back is not news.
pub(super) fn newly_public<'a>(
    c: &rusqlite::Connection,
    backend: &str,
    pulled: impl Iterator<Item = &'a RemoteChange>,
) -> Result<BTreeSet<String>> {
    let mut posts = BTreeSet::new();
    for change in pulled {
        let RemoteChange::Live {
            record: Record::Version(v),
            ..
        } = change
        else {
            continue;
        };
        if v.status != Status::Published || posts.contains(&v.post) {
            continue;
        }
        let base = state::base(c, backend, &RecordKey::Version(v.id.clone()))?;
        let was = version_of(base.as_ref().and_then(|b| b.body.as_ref())).map(|b| b.status);
        if was != Some(Status::Published) {
            posts.insert(v.post.clone());
        }
    }
    Ok(posts)
}

/// After a pull is applied and its audit entries stored (in that same
/// transaction): each post the site now shows as public is recorded as
/// published when a decision here asked for it (a schedule the site's cron
/// carried out); otherwise it is reported, and the push that follows sends
/// the library's status back over the site's.
pub(super) fn confirm_pulled(
    lib: &Library,
    tx: &WriteTx,
    posts: BTreeSet<String>,
    site: &str,
    report: &mut SyncReport,
) -> Result<()> {
    for post in posts {
        let live: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM posts WHERE uid = ?1 AND deleted_at IS NULL)",
            )?
            .query_row([&post], |r| r.get(0))?;
        if !live {
            continue;
        }
        let now = workflow::publication_of_post(tx, &post)?;
        match now.state {
            PublicationState::Scheduled { .. } => confirm(lib, tx, &post, site, report)?,
            // Recorded already; a text changed since goes back to draft
            // there with the push that follows.
            PublicationState::Published { .. } => {}
            PublicationState::Draft | PublicationState::Ready { .. } => {
                let title = title_of(tx, &post)?;
                let back = match status_of(&now) {
                    Status::Pending => "pending (ready to publish)",
                    _ => "draft",
                };
                report.notes.push(format!(
                    "{title} (post {post}) is public on the site, but this library holds no decision to publish it (made public there by hand, or taken back here): the site is set back to {back}. To publish it, publish it from Valise (`valise publish {post}`)."
                ));
            }
        }
    }
    Ok(())
}
