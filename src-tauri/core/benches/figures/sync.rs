//! The sync figure of `figures`: a sync of a 10,000-post library already in
//! sync (target ≤ 2 s for the whole thing; here the engine's own cost, the
//! backend answering from memory), what the first sync of those posts costs
//! the engine, and a sync that plans every record again (its cursor lost).
//!
//! The backend here is the smallest one that keeps the trait's promises, in
//! memory, for this figure only (the engine's tests have their own, with
//! faults); it is not a backend Valise ships.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use valise_core::backends::{Backend, Figures, Page, Reply};
use valise_core::sync::record::{AuditRecord, Record, RecordKey, RemoteChange, RemoteRef};
use valise_core::Library;

use super::{ms, Sample};

#[derive(Default)]
struct Held {
    records: BTreeMap<RecordKey, (String, u64, Option<Record>)>,
    feed: Vec<RecordKey>,
    audit: BTreeMap<String, AuditRecord>,
}

struct InMemory(Mutex<Held>);

fn at(id: &str, rev: u64) -> RemoteRef {
    RemoteRef {
        id: id.to_string(),
        rev: rev.to_string(),
    }
}

impl Backend for InMemory {
    fn name(&self) -> &str {
        "memory"
    }

    fn pull<'a>(&'a self, cursor: &'a str, limit: u32) -> Reply<'a, Page> {
        Box::pin(async move {
            let h = self.0.lock().unwrap();
            let from: usize = cursor.parse().unwrap_or(0);
            let to = (from + limit as usize).min(h.feed.len());
            let changes = h.feed[from..to]
                .iter()
                .map(|key| match key {
                    RecordKey::Audit(id) => RemoteChange::Audit(h.audit[id].clone()),
                    key => {
                        let (id, rev, body) = &h.records[key];
                        match body {
                            Some(record) => RemoteChange::Live {
                                record: record.clone(),
                                at: at(id, *rev),
                            },
                            None => RemoteChange::Tombstone {
                                key: key.clone(),
                                remote_id: id.clone(),
                            },
                        }
                    }
                })
                .collect();
            Ok(Page {
                changes,
                cursor: to.to_string(),
                more: to < h.feed.len(),
            })
        })
    }

    fn create<'a>(&'a self, record: &'a Record, _: &'a Figures) -> Reply<'a, RemoteRef> {
        Box::pin(async move {
            let mut h = self.0.lock().unwrap();
            let key = record.key();
            if let Some((id, rev, _)) = h.records.get(&key) {
                return Ok(at(id, *rev));
            }
            let id = format!("m{}", h.records.len() + 1);
            h.records
                .insert(key.clone(), (id.clone(), 1, Some(record.clone())));
            h.feed.push(key);
            Ok(at(&id, 1))
        })
    }

    fn update<'a>(
        &'a self,
        base: &'a RemoteRef,
        record: &'a Record,
        _: &'a Figures,
    ) -> Reply<'a, RemoteRef> {
        Box::pin(async move {
            let mut h = self.0.lock().unwrap();
            let key = record.key();
            let entry = h.records.get_mut(&key).expect("updates follow creates");
            if entry.1.to_string() != base.rev {
                return Err(valise_core::Error::BackendStale {
                    backend: "memory".into(),
                    record: key.to_text(),
                    current: entry.1.to_string(),
                });
            }
            entry.1 += 1;
            entry.2 = Some(record.clone());
            let answer = at(&entry.0, entry.1);
            h.feed.push(key);
            Ok(answer)
        })
    }

    fn delete<'a>(&'a self, key: &'a RecordKey, _remote_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            let mut h = self.0.lock().unwrap();
            if let Some(entry) = h.records.get_mut(key) {
                entry.1 += 1;
                entry.2 = None;
                h.feed.push(key.clone());
            }
            Ok(())
        })
    }

    fn append_audit<'a>(&'a self, entries: &'a [AuditRecord]) -> Reply<'a, Vec<String>> {
        Box::pin(async move {
            let mut h = self.0.lock().unwrap();
            let mut new = Vec::new();
            for e in entries {
                if h.audit.insert(e.entry.id.clone(), e.clone()).is_none() {
                    h.feed.push(RecordKey::Audit(e.entry.id.clone()));
                    new.push(e.entry.id.clone());
                }
            }
            Ok(new)
        })
    }
}

fn sync(
    rt: &tokio::runtime::Runtime,
    lib: &Library,
    site: &InMemory,
) -> valise_core::sync::SyncReport {
    rt.block_on(valise_core::sync::sync(lib, "site", site))
        .unwrap()
}

pub fn sync_figures(dir: &Path) {
    println!("## sync (10,000 posts, the backend in memory)");
    // A copy: the first sync below changes the library (its sync tables).
    let path = dir.join("sync-10k.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::copy(super::generated_library(dir, 10_000, 200), &path).unwrap();
    let lib = Library::open(&path).unwrap();
    valise_core::sync::add_backend(&lib, "site", "memory", "memory://bench").unwrap();
    let site = InMemory(Mutex::new(Held::default()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let t = Instant::now();
    let first = sync(&rt, &lib, &site);
    let took = t.elapsed();
    assert_eq!(first.created_there, 10_000);
    println!(
        "first sync, 10,000 posts sent: {} ({:.0} posts/s of engine cost)",
        ms(took),
        10_000.0 / took.as_secs_f64()
    );
    // The echo of the first push comes back once; after it, nothing moves.
    sync(&rt, &lib, &site);

    let noop = Sample::take(20, || {
        let report = sync(&rt, &lib, &site);
        assert!(report.is_quiet());
    });
    println!(
        "no-op sync of 10,000 posts in sync: median {}, p99 {} (target ≤ 2 s)",
        ms(noop.median()),
        ms(noop.pct(0.99))
    );

    let raw = rusqlite::Connection::open(&path).unwrap();
    let rescan = Sample::take(5, || {
        raw.execute("UPDATE sync_backends SET local_cursor = 0", [])
            .unwrap();
        let report = sync(&rt, &lib, &site);
        assert!(report.is_quiet());
    });
    println!(
        "sync that plans all 10,000 posts again (cursor lost): median {}, p99 {}",
        ms(rescan.median()),
        ms(rescan.pct(0.99))
    );
}
