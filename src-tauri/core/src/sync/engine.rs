//! One sync, start to end: pull every page, plan and apply in one write
//! transaction, then push the outbox record by record, recording each
//! confirmation at once. A stale answer (the record changed there meanwhile)
//! starts another round, at most `MAX_ROUNDS`.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};

use super::apply::{self, Applied};
use super::local;
use super::plan::{self, Base, Here, Local, Remote};
use super::record::{AuditRecord, RecordKey, RemoteChange, RemoteRef};
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
    for round in 1..=MAX_ROUNDS {
        report.rounds = round;
        let from = lib.read(|c| state::backend(c, name))?.cursor;
        let (changes, audit, cursor) = pull_all(backend, &from, report, progress).await?;
        plan_and_apply(lib, name, changes, audit, &cursor, report)?;
        if !push(lib, name, backend, report, progress).await? {
            break;
        }
    }
    Ok(())
}

/// Every change after `cursor`: the last state of each record, the audit
/// entries, and the cursor after them.
async fn pull_all(
    backend: &dyn Backend,
    cursor: &str,
    report: &mut SyncReport,
    progress: OnProgress<'_>,
) -> Result<(BTreeMap<RecordKey, RemoteChange>, Vec<AuditRecord>, String)> {
    let mut records = BTreeMap::new();
    let mut audit = Vec::new();
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
        for change in page.changes {
            match change {
                RemoteChange::Audit(a) => audit.push(a),
                other => {
                    records.insert(other.key(), other);
                }
            }
        }
        cursor = page.cursor;
        if !page.more {
            return Ok((records, audit, cursor));
        }
    }
}

fn latest_change(c: &Connection) -> Result<i64> {
    Ok(
        c.query_row("SELECT coalesce(max(id), 0) FROM change_sets", [], |r| {
            r.get(0)
        })?,
    )
}

/// The order plans are applied in: people and the chain before what names
/// them, a post's source before its translations.
fn rank(local: &Local, remote: Option<&RemoteChange>, key: &RecordKey) -> u8 {
    let version = |l: &Local| match l {
        Local::Live(super::record::Record::Version(v)) => Some(v.is_source()),
        _ => None,
    };
    let remote_source = match remote {
        Some(RemoteChange::Live {
            record: super::record::Record::Version(v),
            ..
        }) => Some(v.is_source()),
        _ => None,
    };
    match key {
        RecordKey::Person(_) => 0,
        RecordKey::Chain => 1,
        RecordKey::Version(_) => match remote_source.or(version(local)) {
            Some(true) => 2,
            _ => 3,
        },
        RecordKey::Audit(_) => 4,
    }
}

fn plan_and_apply(
    lib: &Library,
    name: &str,
    mut remote: BTreeMap<RecordKey, RemoteChange>,
    mut audit: Vec<AuditRecord>,
    cursor: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let (latest, _) = lib.write(Origin::Sync, |tx| {
        let row = state::backend(tx, name)?;
        let latest = latest_change(tx)?;
        for (change, _) in state::held(tx, name)? {
            match change {
                RemoteChange::Audit(a) => audit.push(a),
                change => {
                    remote.entry(change.key()).or_insert(change);
                }
            }
        }
        let mut keys: BTreeSet<RecordKey> = local::changed_since(tx, row.local_cursor)?;
        keys.extend(remote.keys().cloned());
        keys.extend(state::outbox(tx, name)?);
        let mut plans = Vec::with_capacity(keys.len());
        for key in keys {
            let here = local::record(tx, &key)?;
            let base = state::base(tx, name, &key)?;
            let there = match remote.get(&key) {
                Some(RemoteChange::Live { record, at }) => Remote::Live(record.clone(), at.clone()),
                Some(RemoteChange::Tombstone { remote_id, .. }) => {
                    Remote::Tombstone(remote_id.clone())
                }
                Some(RemoteChange::Audit(_)) | None => Remote::Unchanged,
            };
            let plan = plan::plan(&here, base.as_ref(), &there);
            plans.push((rank(&here, remote.get(&key), &key), key, plan));
        }
        plans.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (_, key, plan) in plans {
            if let Applied::Held(why) = apply::apply(tx, &key, &plan.here)? {
                if let Some(change) = remote.get(&key) {
                    state::hold(tx, name, change, &why)?;
                }
                report.held.push(format!("{}: {why}", key.to_text()));
                continue;
            }
            if remote.contains_key(&key) {
                state::release(tx, name, &key)?;
            }
            match &plan.here {
                Here::Keep => {}
                Here::Write(_) => report.applied += 1,
                Here::Merge(_) => report.merged += 1,
                Here::Delete => report.deleted += 1,
                Here::Conflict { .. } => report.conflicts += 1,
            }
            report.notes.extend(plan.note.clone());
            if let Some(base) = &plan.base {
                state::set_base(tx, name, &key, base, latest)?;
            }
            // The plan decides afresh for records already in the outbox: one
            // whose change the backend now holds (a lost answer) leaves it.
            if plan.send || reads_back_otherwise(tx, &key, &plan)? {
                state::queue(tx, name, &key)?;
            } else {
                state::unqueue(tx, name, &key)?;
            }
        }
        receive_audit(tx, name, &mut audit, latest, report)?;
        state::set_cursor(tx, name, cursor)?;
        Ok(latest)
    })?;
    // Change sets up to `latest` were planned. This sync's own is planned
    // again by the next: what it wrote agrees with the base and sends
    // nothing, but a post it brought back brings back its other languages
    // too (kept here while it was deleted), and those must be sent.
    lib.write(Origin::Sync, |tx| state::set_local_cursor(tx, name, latest))?;
    Ok(())
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

/// Sends the outbox, then the audit entries the backend lacks. Answers
/// whether some record was refused as stale (another round is needed).
async fn push(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
    progress: OnProgress<'_>,
) -> Result<bool> {
    let mut stale = false;
    let outbox = lib.read(|c| state::outbox(c, name))?;
    let mut sending = SyncProgress {
        backend: report.backend.clone(),
        step: SyncStep::Sending,
        done: 0,
        total: Some(outbox.len() as u32),
    };
    for key in outbox {
        progress(&sending);
        let (here, base) =
            lib.read(|c| Ok((local::record(c, &key)?, state::base(c, name, &key)?)))?;
        let there = base
            .as_ref()
            .filter(|b| b.body.is_some())
            .and_then(|b| b.remote.clone());
        let sent: Result<Base> = match (&here, &there) {
            (Local::Live(r), Some(at)) => backend.update(at, r).await.map(|at| {
                report.updated_there += 1;
                Base {
                    body: Some(r.clone()),
                    remote: Some(at),
                }
            }),
            (Local::Live(r), None) => backend.create(r).await.map(|at| {
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
                    state::unqueue(tx, name, &key)
                })?;
                sending.done += 1;
            }
            Err(e @ Error::BackendStale { .. }) => {
                stale = true;
                let why = e.to_string();
                lib.write(Origin::Sync, |tx| state::note_failure(tx, name, &key, &why))?;
            }
            Err(e) => {
                let why = e.to_string();
                lib.write(Origin::Sync, |tx| state::note_failure(tx, name, &key, &why))?;
                return Err(e);
            }
        }
    }
    let unsent = lib.read(|c| local::unsent_audit(c, name))?;
    sending.total = Some(sending.done + unsent.len() as u32);
    for batch in unsent.chunks(AUDIT_BATCH) {
        progress(&sending);
        let new = backend.append_audit(batch).await?;
        report.audit_sent += new.len() as u32;
        let ids: Vec<String> = batch.iter().map(|a| a.entry.id.clone()).collect();
        lib.write(Origin::Sync, |tx| {
            let latest = latest_change(tx)?;
            state::audit_sent(tx, name, &ids, latest)
        })?;
        sending.done += batch.len() as u32;
    }
    if sending.done > 0 {
        progress(&sending);
    }
    Ok(stale)
}
