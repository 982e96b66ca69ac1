//! One sync, start to end: pull every page, plan and apply in bounded
//! chunks, then push the outbox record by record, recording each
//! confirmation at once. A stale answer (the record changed there meanwhile)
//! starts another round, at most `MAX_ROUNDS`.

use rusqlite::{params, Connection};

use super::apply::{self, Applied};
use super::local;
use super::plan::{self, Base, Here, Local, Remote};
use super::record::{AuditRecord, RecordKey, RemoteChange, RemoteRef};
use super::staging;
use super::state;
use super::{OnProgress, SyncProgress, SyncReport, SyncStep};
use crate::backends::Backend;
use crate::error::{Error, Result};
use crate::store::write::{Origin, WriteTx};
use crate::workflow::audit::{self, Received};
use crate::Library;

/// Rounds of pull–plan–push one sync may take when the backend keeps moving.
pub const MAX_ROUNDS: u32 = 4;
/// Changes asked for per pull.
const PAGE: u32 = 500;
/// Audit entries sent per call.
const AUDIT_BATCH: usize = 200;
/// Records planned and applied per commit, and audit entries received per
/// commit: what a sync holds in memory at once, whatever the library's size.
const CHUNK: usize = 500;
const AUDIT_CHUNK: usize = 1000;

pub(super) async fn run(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    progress: OnProgress<'_>,
) -> Result<SyncReport> {
    let mut report = SyncReport {
        backend: name.to_string(),
        ..SyncReport::default()
    };
    lib.read(|c| state::backend(c, name))?;
    let result = rounds(lib, name, backend, &mut report, progress).await;
    let error = result.as_ref().err().map(|e| e.to_string());
    let finished = result.is_ok().then(|| lib.now_ms());
    lib.write(Origin::Sync, |tx| {
        state::finish(tx, name, finished, error.as_deref())
    })?;
    result?;
    report.waiting = lib.read(|c| state::waiting(c, &state::backend(c, name)?))?;
    Ok(report)
}

async fn rounds(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
    progress: OnProgress<'_>,
) -> Result<()> {
    let mut refused = Vec::new();
    for round in 1..=MAX_ROUNDS {
        report.rounds = round;
        let from = lib.read(|c| state::backend(c, name))?.cursor;
        let cursor = pull_all(lib, name, backend, &from, report, progress).await?;
        plan_and_apply(lib, name, &cursor, report)?;
        let (mut stale, mut sending) = push(lib, name, backend, report, progress).await?;
        push_audit(lib, name, backend, report, &mut sending, progress).await?;
        // Public statuses go once the texts and the sign-offs are there.
        let statuses = super::publish::push_statuses(lib, name, backend, report).await?;
        stale |= statuses.stale;
        refused = statuses.refused;
        // The "published" entries the site's confirmations made.
        push_audit(lib, name, backend, report, &mut sending, progress).await?;
        if !stale {
            break;
        }
    }
    // Files replaced everywhere this library sends them; a failure only waits.
    super::cleanup::delete_old_media(lib, name, backend, report).await?;
    // The files of the assets pulled, once their records are here.
    super::files::fetch_missing(lib, backend, report).await?;
    // Everything else went through; a refusal to publish is said plainly.
    match refused.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Every change after `cursor`, written down page by page (`staging`): the
/// last state of each record and the audit entries. Answers the cursor after
/// them.
async fn pull_all(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    cursor: &str,
    report: &mut SyncReport,
    progress: OnProgress<'_>,
) -> Result<String> {
    let mut cursor = cursor.to_string();
    loop {
        let page = backend.pull(&cursor, PAGE).await?;
        if page.more && page.changes.is_empty() && page.cursor == cursor {
            return Err(Error::BackendGarbage {
                backend: backend.name().to_string(),
                what: format!("it says more changes follow cursor {cursor:?} but sends none"),
            });
        }
        report.pulled += page.changes.len() as u32;
        progress(&SyncProgress {
            backend: report.backend.clone(),
            step: SyncStep::Pulling,
            done: report.pulled,
            total: None,
        });
        lib.write(Origin::Sync, |tx| staging::stage(tx, name, page.changes))?;
        lib.release_cache()?;
        cursor = page.cursor;
        if !page.more {
            return Ok(cursor);
        }
    }
}

pub(super) fn latest_change(c: &Connection) -> Result<i64> {
    Ok(
        c.query_row("SELECT coalesce(max(id), 0) FROM change_sets", [], |r| {
            r.get(0)
        })?,
    )
}

/// Plans and applies every record pulled, changed here, waiting in the
/// outbox or held back (`staging::gather`), `CHUNK` records a commit in rank
/// order, so that memory stays flat however many were pulled; then the audit
/// entries, then the new cursor. Killed midway, the cursor has not moved: the
/// next sync pulls again and finds what was applied already agreed.
fn plan_and_apply(lib: &Library, name: &str, cursor: &str, report: &mut SyncReport) -> Result<()> {
    // Read before the list is made: a change made here meanwhile is planned
    // by the next sync.
    let (local_cursor, latest) =
        lib.read(|c| Ok((state::backend(c, name)?.local_cursor, latest_change(c)?)))?;
    staging::gather(lib, name, local_cursor, CHUNK)?;
    // Posts the site made public (its cron ran a schedule), judged against
    // the base before the plan moves it.
    let mut newly_public = std::collections::BTreeSet::new();
    loop {
        let (done, _) = lib.write(Origin::Sync, |tx| {
            let chunk = staging::next_to_plan(tx, name, CHUNK)?;
            for key in &chunk {
                let remote = staging::get(tx, name, key)?;
                newly_public.extend(super::publish::newly_public(tx, name, remote.iter())?);
                apply_one(tx, name, key, remote.as_ref(), latest, report)?;
                staging::planned(tx, name, key)?;
            }
            Ok(chunk.len() < CHUNK)
        })?;
        // The pages this chunk touched are not kept for the next one.
        lib.release_cache()?;
        if done {
            break;
        }
    }
    receive_staged_audit(lib, name, latest, report)?;
    lib.write(Origin::Sync, |tx| {
        // After the audit entries: a "published" another desk recorded is
        // there, and is not recorded twice.
        super::publish::confirm_pulled(lib, tx, newly_public, name, report)?;
        staging::clear(tx, name)?;
        state::set_cursor(tx, name, cursor)
    })?;
    // Change sets up to `latest` were planned. This sync's own is planned
    // again by the next: what it wrote agrees with the base and sends
    // nothing, but a post it brought back brings back its other languages
    // too (kept here while it was deleted), and those must be sent.
    lib.write(Origin::Sync, |tx| state::set_local_cursor(tx, name, latest))?;
    Ok(())
}

/// Plans one record from here, its base and what the backend said, and
/// applies the plan.
fn apply_one(
    tx: &WriteTx,
    name: &str,
    key: &RecordKey,
    remote: Option<&RemoteChange>,
    latest: i64,
    report: &mut SyncReport,
) -> Result<()> {
    let here = local::record(tx, key)?;
    let mut base = state::base(tx, name, key)?;
    let there = match remote {
        Some(RemoteChange::Live { record, at }) => Remote::Live(record.clone(), at.clone()),
        Some(RemoteChange::Tombstone { remote_id, .. }) => Remote::Tombstone(remote_id.clone()),
        Some(RemoteChange::Audit(_)) | None => Remote::Unchanged,
    };
    // A send whose answer was never recorded: if the backend holds exactly
    // what was sent, that is the agreed state, not a change made there.
    if !matches!(there, Remote::Unchanged) {
        if let Some(sent) = state::sent_ahead(tx, name, key)? {
            if let Remote::Live(record, at) = &there {
                if plan::same_text(&sent, record) {
                    let agreed = Base {
                        body: Some(sent),
                        remote: Some(at.clone()),
                    };
                    // Kept even when the plan then changes nothing.
                    state::set_base(tx, name, key, &agreed, latest)?;
                    base = Some(agreed);
                }
            }
            state::sent_done(tx, name, key)?;
        }
    }
    let plan = plan::plan(&here, base.as_ref(), &there);
    let mut also = Vec::new();
    match apply::apply(tx, key, &plan.here)? {
        Applied::Held(why) => {
            if let Some(change) = remote {
                state::hold(tx, name, change, &why)?;
            }
            report.held.push(format!("{}: {why}", key.to_text()));
            return Ok(());
        }
        Applied::Folded(folded) => {
            report.notes.extend(folded.notes);
            also = folded.also;
        }
        Applied::Done => {}
    }
    if remote.is_some() {
        state::release(tx, name, key)?;
    }
    match &plan.here {
        Here::Keep => {}
        Here::Write(_) => report.applied += 1,
        Here::Merge(_) => report.merged += 1,
        Here::Delete => report.deleted += 1,
        Here::Conflict { .. } | Here::Clash { .. } => report.conflicts += 1,
    }
    report.notes.extend(plan.note.clone());
    if let Some(base) = &plan.base {
        state::set_base(tx, name, key, base, latest)?;
    }
    if matches!(plan.here, Here::Write(_) | Here::Conflict { .. }) {
        super::media::received(tx, name, key)?;
    }
    // The plan decides afresh for records already in the outbox: one
    // whose change the backend now holds (a lost answer) leaves it.
    if plan.send
        || reads_back_otherwise(tx, key, &plan)?
        || super::media::shows_new_figures(tx, name, key, &plan)?
    {
        state::queue(tx, name, key)?;
    } else {
        state::unqueue(tx, name, key)?;
    }
    // Assets a fold changed go too (planned again if listed after this one).
    for other in also {
        state::queue(tx, name, &other)?;
    }
    Ok(())
}

/// Receives the audit entries pulled (and those held back before), each
/// chain in order, `AUDIT_CHUNK` a commit.
fn receive_staged_audit(
    lib: &Library,
    name: &str,
    latest: i64,
    report: &mut SyncReport,
) -> Result<()> {
    lib.write(Origin::Sync, |tx| {
        let held: Vec<RemoteChange> = state::held(tx, name)?
            .into_iter()
            .map(|(change, _)| change)
            .filter(|change| matches!(change, RemoteChange::Audit(_)))
            .collect();
        staging::stage(tx, name, held)
    })?;
    let mut after: Option<staging::AuditPlace> = None;
    loop {
        let (done, _) = lib.write(Origin::Sync, |tx| {
            let mut page = staging::audit_page(tx, name, after.as_ref(), AUDIT_CHUNK)?;
            if let Some(last) = page.last() {
                after = Some((
                    last.entry.chain.clone(),
                    last.entry.seq,
                    last.entry.id.clone(),
                ));
            }
            let done = page.len() < AUDIT_CHUNK;
            receive_audit(tx, name, &mut page, latest, report)?;
            Ok(done)
        })?;
        lib.release_cache()?;
        if done {
            return Ok(());
        }
    }
}

/// Whether a record written here reads back other than the base just set (a
/// text the write path normalised, units found again): then it is sent, so
/// that the backend holds what every library holds.
fn reads_back_otherwise(tx: &WriteTx, key: &RecordKey, plan: &plan::Plan) -> Result<bool> {
    if matches!(plan.here, Here::Keep | Here::Delete) {
        return Ok(false);
    }
    let base = plan.base.as_ref().and_then(|b| b.body.as_ref());
    Ok(match local::record(tx, key)? {
        Local::Live(r) => Some(&r) != base,
        _ => false,
    })
}

/// Stores the audit entries pulled, each chain in order, with the texts their
/// signatures cover.
fn receive_audit(
    tx: &WriteTx,
    name: &str,
    audit: &mut [AuditRecord],
    latest: i64,
    report: &mut SyncReport,
) -> Result<()> {
    audit.sort_by(|a, b| (&a.entry.chain, a.entry.seq).cmp(&(&b.entry.chain, b.entry.seq)));
    let mut held_there = Vec::new();
    for a in audit.iter() {
        let key = RecordKey::Audit(a.entry.id.clone());
        match audit::receive(tx, &a.entry)? {
            Received::Added => {
                report.audit_received += 1;
                held_there.push(a.entry.id.clone());
            }
            Received::Known => held_there.push(a.entry.id.clone()),
            Received::Early(why) => {
                state::hold(tx, name, &RemoteChange::Audit(a.clone()), &why)?;
                report.held.push(why);
                continue;
            }
            Received::Refused(why) => {
                state::release(tx, name, &key)?;
                report.notes.push(why);
                continue;
            }
        }
        state::release(tx, name, &key)?;
        if let Some(text) = &a.signed_text {
            let hash = serde_json::from_str::<serde_json::Value>(&a.entry.payload)
                .ok()
                .and_then(|v| v.get("content_hash")?.as_str().map(str::to_string));
            if let Some(hash) = hash {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO signed_texts (hash, text) VALUES (?1, ?2)",
                )?
                .execute(params![hash, text])?;
            }
        }
    }
    state::audit_sent(tx, name, &held_there, latest)
}

/// Sends the outbox (a public status held back for `publish::push_statuses`).
/// Answers whether some record was refused as stale (another round is
/// needed). A record this user may not write there is skipped and reported.
async fn push(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
    progress: OnProgress<'_>,
) -> Result<(bool, SyncProgress)> {
    let mut stale = false;
    let mut sending = SyncProgress {
        backend: report.backend.clone(),
        step: SyncStep::Sending,
        done: 0,
        total: Some(lib.read(|c| state::outbox_count(c, name))?),
    };
    let mut pages = super::order::Pages::new(lib, name);
    loop {
        let page = pages.next(CHUNK)?;
        if page.is_empty() {
            break;
        }
        for key in page {
            progress(&sending);
            let (here, base) =
                lib.read(|c| Ok((local::record(c, &key)?, state::base(c, name, &key)?)))?;
            let (here, whole) = super::publish::text_first(here, base.as_ref());
            // Agreed text can still go again: a file it shows has a new version.
            if super::publish::agreed(&here, base.as_ref())
                && !lib.read(|c| super::media::local_figures_differ(c, name, &key, &here))?
            {
                if whole {
                    lib.write(Origin::Sync, |tx| state::unqueue(tx, name, &key))?;
                }
                continue;
            }
            let there = base
                .as_ref()
                .filter(|b| b.body.is_some())
                .and_then(|b| b.remote.clone());
            // The files a version shows go first; a damaged one stops it here.
            let outgoing = match &here {
                Local::Live(r) => match super::media::prepare(lib, name, backend, r).await {
                    Ok(out) => out,
                    // Waits in the outbox for its file, and the rest goes on.
                    Err(e @ (Error::AssetFileNotHere { .. } | Error::AssetFileLost { .. })) => {
                        report.skip(format!("{}: {e}", local::describe(&key, &here)));
                        noted(lib, name, &key, e)?;
                        continue;
                    }
                    Err(e) => return Err(noted(lib, name, &key, e)?),
                },
                _ => super::media::Outgoing::default(),
            };
            let figures = &outgoing.figures;
            if let Local::Live(r) = &here {
                lib.write(Origin::Sync, |tx| state::sending(tx, name, &key, r))?;
            }
            let sent: Result<Base> = match (&here, &there) {
                (Local::Live(r), Some(at)) => backend.update(at, r, figures).await.map(|at| {
                    report.updated_there += 1;
                    Base {
                        body: Some(r.clone()),
                        remote: Some(at),
                    }
                }),
                (Local::Live(r), None) => backend.create(r, figures).await.map(|at| {
                    report.created_there += 1;
                    Base {
                        body: Some(r.clone()),
                        remote: Some(at),
                    }
                }),
                (_, Some(at)) => backend.delete(&key, &at.id).await.map(|()| {
                    report.deleted_there += 1;
                    Base {
                        body: None,
                        remote: Some(RemoteRef {
                            id: at.id.clone(),
                            rev: String::new(),
                        }),
                    }
                }),
                // Gone here and never there: nothing to say.
                (_, None) => Ok(Base {
                    body: None,
                    remote: base.and_then(|b| b.remote),
                }),
            };
            match sent {
                Ok(new_base) => {
                    lib.write(Origin::Sync, |tx| {
                        let latest = latest_change(tx)?;
                        state::set_base(tx, name, &key, &new_base, latest)?;
                        state::sent_done(tx, name, &key)?;
                        super::media::sent(tx, name, &key, &outgoing)?;
                        if whole {
                            state::unqueue(tx, name, &key)?;
                        }
                        Ok(())
                    })?;
                    sending.done += 1;
                }
                Err(e) => match noted(lib, name, &key, e)? {
                    Error::BackendStale { .. } => stale = true,
                    e @ Error::BackendNotAllowed { .. } => {
                        report.skip(format!("{}: {e}", local::describe(&key, &here)));
                    }
                    e => return Err(e),
                },
            }
        }
        // The pages this page of sends read are not kept for the next.
        lib.release_cache()?;
    }
    Ok((stale, sending))
}

/// Records beside `key` in the outbox why its send failed (shown by `sync
/// status`; the record stays waiting), and hands the error back.
pub(super) fn noted(lib: &Library, name: &str, key: &RecordKey, e: Error) -> Result<Error> {
    let why = e.to_string();
    lib.write(Origin::Sync, |tx| state::note_failure(tx, name, key, &why))?;
    Ok(e)
}

/// Sends the audit entries the backend lacks, counted on after the records
/// in `sending`.
async fn push_audit(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
    sending: &mut SyncProgress,
    progress: OnProgress<'_>,
) -> Result<()> {
    let waiting = lib.read(|c| state::unsent_audit_count(c, name))?;
    sending.total = Some(sending.done + waiting);
    let mut after: Option<local::AuditAfter> = None;
    loop {
        let batch = lib.read(|c| local::unsent_audit(c, name, after.as_ref(), AUDIT_BATCH))?;
        let Some(last) = batch.last() else { break };
        after = Some((last.entry.chain.clone(), last.entry.seq));
        progress(sending);
        let new = backend.append_audit(&batch).await?;
        report.audit_sent += new.len() as u32;
        let ids: Vec<String> = batch.iter().map(|a| a.entry.id.clone()).collect();
        lib.write(Origin::Sync, |tx| {
            let latest = latest_change(tx)?;
            state::audit_sent(tx, name, &ids, latest)
        })?;
        sending.done += batch.len() as u32;
    }
    if sending.done > 0 {
        progress(sending);
    }
    Ok(())
}
