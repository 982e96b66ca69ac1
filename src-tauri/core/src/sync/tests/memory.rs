//! An in-memory backend for the engine's tests only (never shipped): it keeps
//! the trait's promises (idempotent create by global id, stale updates
//! refused, tombstones, a change feed by sequence, append-only audit) and can
//! fail on purpose, before acting (the request never arrived) or after
//! acting (the answer was lost).

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::backends::{Backend, Figures, MediaFile, MediaRef, Page, Reply, Upload};
use crate::error::{Error, Result};
use crate::sync::record::{AuditRecord, Record, RecordKey, RemoteChange, RemoteRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The call fails and the backend does nothing.
    Before,
    /// The backend acts, then the answer is lost.
    After,
    /// The backend acts, then the syncing process dies (a panic that the
    /// test catches, then it opens the library again, as after a kill -9).
    Crash,
}

struct Stored {
    id: String,
    rev: u64,
    body: Option<Record>,
}

#[derive(Default)]
struct State {
    seq: u64,
    next_id: u64,
    records: BTreeMap<RecordKey, Stored>,
    feed: Vec<(u64, RecordKey)>,
    audit: BTreeMap<String, AuditRecord>,
    /// Faults to play, one per call, in order (`None`: the call goes through).
    script: Vec<Option<Fault>>,
    /// A fault every so often, from a seed: (state of a xorshift, one in how many).
    random: Option<(u64, u64)>,
    calls: u64,
    creates: u64,
    /// The figures each record was last written with.
    figures: BTreeMap<RecordKey, Figures>,
    /// Files by checksum: (id, alt, caption).
    media: BTreeMap<String, (String, String, String)>,
    /// The bytes of each file, by checksum.
    bytes: BTreeMap<String, Vec<u8>>,
    /// Files fetched (answers of a file held).
    downloads: u64,
    /// Uploads that stored a file (answers of a known checksum excluded).
    uploads: u64,
}

pub struct Memory {
    state: Mutex<State>,
}

impl Memory {
    pub fn new() -> Self {
        Memory {
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Plays `faults` on the next calls, in order.
    pub fn script(&self, faults: Vec<Option<Fault>>) {
        self.lock().script = faults;
    }

    /// Fails about one call in `one_in`, before or after acting, from `seed`.
    pub fn fail_randomly(&self, seed: u64, one_in: u64) {
        self.lock().random = Some((seed | 1, one_in));
    }

    pub fn stop_failing(&self) {
        let mut s = self.lock();
        s.random = None;
        s.script.clear();
    }

    /// Calls answered so far (pulls included).
    pub fn calls(&self) -> u64 {
        self.lock().calls
    }

    /// Creates that made a record (idempotent answers excluded).
    pub fn creates(&self) -> u64 {
        self.lock().creates
    }

    /// Files fetched from here.
    pub fn downloads(&self) -> u64 {
        self.lock().downloads
    }

    /// Replaces the bytes held under `sha256` (a damaged or swapped file there).
    pub fn replace_file(&self, sha256: &str, bytes: &[u8]) {
        self.lock().bytes.insert(sha256.to_string(), bytes.to_vec());
    }

    /// Uploads that stored a file.
    /// Whether a file of checksum `sha256` is in the media library.
    pub fn holds_media(&self, sha256: &str) -> bool {
        self.lock().media.contains_key(sha256)
    }

    pub fn uploads(&self) -> u64 {
        self.lock().uploads
    }

    /// The figures record `key` was last written with.
    pub fn figures_of(&self, key: &RecordKey) -> Figures {
        self.lock().figures.get(key).cloned().unwrap_or_default()
    }

    /// The alt text and caption kept with the file of checksum `sha256`.
    pub fn media_text(&self, sha256: &str) -> Option<(String, String)> {
        self.lock()
            .media
            .get(sha256)
            .map(|(_, alt, caption)| (alt.clone(), caption.clone()))
    }

    /// The live records, by key.
    pub fn live(&self) -> BTreeMap<RecordKey, Record> {
        self.lock()
            .records
            .iter()
            .filter_map(|(k, s)| s.body.clone().map(|b| (k.clone(), b)))
            .collect()
    }

    pub fn audit_ids(&self) -> Vec<String> {
        self.lock().audit.keys().cloned().collect()
    }

    /// An edit made on the site by someone else (through its own editor).
    pub fn edit_there(&self, key: &RecordKey, edit: impl FnOnce(&mut Record)) {
        let mut s = self.lock();
        s.seq += 1;
        let seq = s.seq;
        let stored = s.records.get_mut(key).expect("the record is on the site");
        edit(
            stored
                .body
                .as_mut()
                .expect("the record is live on the site"),
        );
        stored.rev += 1;
        s.feed.push((seq, key.clone()));
    }

    /// A record put on the site by someone else (another client).
    pub fn put_there(&self, record: Record) {
        let mut s = self.lock();
        s.next_id += 1;
        let id = format!("m{}", s.next_id);
        let key = record.key();
        s.records.insert(
            key.clone(),
            Stored {
                id,
                rev: 1,
                body: Some(record),
            },
        );
        s.touch(&key);
    }

    /// An audit entry stored on the site as sent, whatever it holds.
    pub fn plant_audit(&self, entry: AuditRecord) {
        let mut s = self.lock();
        let key = RecordKey::Audit(entry.entry.id.clone());
        s.audit.insert(entry.entry.id.clone(), entry);
        s.touch(&key);
    }

    /// A delete made on the site by someone else.
    pub fn delete_there(&self, key: &RecordKey) {
        let mut s = self.lock();
        s.seq += 1;
        let seq = s.seq;
        let stored = s.records.get_mut(key).expect("the record is on the site");
        stored.body = None;
        stored.rev += 1;
        s.feed.push((seq, key.clone()));
    }

    /// The fault for this call, if any.
    fn fault(&self) -> Option<Fault> {
        let mut s = self.lock();
        s.calls += 1;
        if !s.script.is_empty() {
            return s.script.remove(0);
        }
        let (x, one_in) = s.random.as_mut().map(|(x, n)| (x, *n))?;
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        let roll = *x;
        roll.is_multiple_of(one_in).then(|| {
            if (roll / one_in).is_multiple_of(2) {
                Fault::Before
            } else {
                Fault::After
            }
        })
    }

    fn lost() -> Error {
        Error::BackendUnreachable {
            backend: "memory".into(),
            reason: "the connection dropped".into(),
        }
    }

    /// Runs `act` under the fault of this call.
    fn call<T>(&self, act: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        let fault = self.fault();
        if fault == Some(Fault::Before) {
            return Err(Self::lost());
        }
        let answer = act(&mut self.lock());
        match fault {
            Some(Fault::After) => Err(Self::lost()),
            Some(Fault::Crash) => panic!("the syncing process dies here"),
            _ => answer,
        }
    }
}

impl State {
    fn touch(&mut self, key: &RecordKey) {
        self.seq += 1;
        let seq = self.seq;
        self.feed.push((seq, key.clone()));
    }
}

fn at(s: &Stored) -> RemoteRef {
    RemoteRef {
        id: s.id.clone(),
        rev: s.rev.to_string(),
    }
}

impl Backend for Memory {
    fn name(&self) -> &str {
        "memory"
    }

    fn pull<'a>(&'a self, cursor: &'a str, limit: u32) -> Reply<'a, Page> {
        Box::pin(async move {
            let after: u64 = if cursor.is_empty() {
                0
            } else {
                cursor.parse().map_err(|_| Error::BackendGarbage {
                    backend: "memory".into(),
                    what: format!("cursor {cursor:?}"),
                })?
            };
            self.call(|s| {
                let rest: Vec<&(u64, RecordKey)> =
                    s.feed.iter().filter(|(seq, _)| *seq > after).collect();
                let page: Vec<&(u64, RecordKey)> =
                    rest.iter().take(limit as usize).copied().collect();
                let changes = page
                    .iter()
                    .map(|(_, key)| match key {
                        RecordKey::Audit(id) => RemoteChange::Audit(s.audit[id].clone()),
                        key => {
                            let stored = &s.records[key];
                            match &stored.body {
                                Some(record) => RemoteChange::Live {
                                    record: record.clone(),
                                    at: at(stored),
                                },
                                None => RemoteChange::Tombstone {
                                    key: key.clone(),
                                    remote_id: stored.id.clone(),
                                },
                            }
                        }
                    })
                    .collect();
                Ok(Page {
                    changes,
                    cursor: page.last().map_or(after, |(seq, _)| *seq).to_string(),
                    more: rest.len() > page.len(),
                })
            })
        })
    }

    fn create<'a>(&'a self, record: &'a Record, figures: &'a Figures) -> Reply<'a, RemoteRef> {
        Box::pin(async move {
            self.call(|s| {
                let key = record.key();
                s.figures.insert(key.clone(), figures.clone());
                if let Some(stored) = s.records.get_mut(&key) {
                    if stored.body.is_none() {
                        stored.body = Some(record.clone());
                        stored.rev += 1;
                        let answer = at(stored);
                        s.touch(&key);
                        return Ok(answer);
                    }
                    return Ok(at(stored));
                }
                s.next_id += 1;
                s.creates += 1;
                let stored = Stored {
                    id: format!("m{}", s.next_id),
                    rev: 1,
                    body: Some(record.clone()),
                };
                let answer = at(&stored);
                s.records.insert(key.clone(), stored);
                s.touch(&key);
                Ok(answer)
            })
        })
    }

    fn update<'a>(
        &'a self,
        base: &'a RemoteRef,
        record: &'a Record,
        figures: &'a Figures,
    ) -> Reply<'a, RemoteRef> {
        Box::pin(async move {
            self.call(|s| {
                let key = record.key();
                let stored = s
                    .records
                    .get_mut(&key)
                    .filter(|st| st.id == base.id)
                    .ok_or_else(|| Error::BackendGarbage {
                        backend: "memory".into(),
                        what: format!("no record {}", base.id),
                    })?;
                if stored.rev.to_string() != base.rev || stored.body.is_none() {
                    return Err(Error::BackendStale {
                        backend: "memory".into(),
                        record: key.to_text(),
                        current: stored.rev.to_string(),
                    });
                }
                stored.body = Some(record.clone());
                stored.rev += 1;
                let answer = at(stored);
                s.figures.insert(key.clone(), figures.clone());
                s.touch(&key);
                Ok(answer)
            })
        })
    }

    fn upload_media<'a>(&'a self, file: &'a MediaFile) -> Reply<'a, Upload> {
        Box::pin(async move {
            self.call(|s| {
                let url = |id: &str| format!("memory://media/{id}/{}", file.file_name);
                if let Some((id, _, _)) = s.media.get(&file.sha256) {
                    return Ok(Upload {
                        media: MediaRef {
                            id: id.clone(),
                            url: url(id),
                        },
                        created: false,
                    });
                }
                s.uploads += 1;
                s.bytes.insert(file.sha256.clone(), file.bytes.clone());
                let id = format!("media{}", s.uploads);
                s.media.insert(
                    file.sha256.clone(),
                    (id.clone(), file.alt.clone(), file.caption.clone()),
                );
                Ok(Upload {
                    media: MediaRef { url: url(&id), id },
                    created: true,
                })
            })
        })
    }

    fn delete_media<'a>(&'a self, media: &'a MediaRef, sha256: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call(|s| {
                if s.media
                    .get(sha256)
                    .is_some_and(|(id, _, _)| *id == media.id)
                {
                    s.media.remove(sha256);
                    s.bytes.remove(sha256);
                }
                Ok(())
            })
        })
    }

    fn fetch_media<'a>(&'a self, sha256: &'a str) -> Reply<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            self.call(|s| {
                let found = s.bytes.get(sha256).cloned();
                if found.is_some() {
                    s.downloads += 1;
                }
                Ok(found)
            })
        })
    }

    fn set_media_text<'a>(
        &'a self,
        media: &'a MediaRef,
        alt: &'a str,
        caption: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call(|s| {
                let file = s
                    .media
                    .values_mut()
                    .find(|(id, _, _)| *id == media.id)
                    .ok_or_else(|| Error::BackendGarbage {
                        backend: "memory".into(),
                        what: format!("no media {}", media.id),
                    })?;
                file.1 = alt.to_string();
                file.2 = caption.to_string();
                Ok(())
            })
        })
    }

    fn delete<'a>(&'a self, key: &'a RecordKey, remote_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call(|s| {
                let Some(stored) = s.records.get_mut(key).filter(|st| st.id == remote_id) else {
                    return Ok(());
                };
                if stored.body.take().is_some() {
                    stored.rev += 1;
                    s.touch(key);
                }
                Ok(())
            })
        })
    }

    fn append_audit<'a>(&'a self, entries: &'a [AuditRecord]) -> Reply<'a, Vec<String>> {
        Box::pin(async move {
            self.call(|s| {
                let mut new = Vec::new();
                for e in entries {
                    if !s.audit.contains_key(&e.entry.id) {
                        s.audit.insert(e.entry.id.clone(), e.clone());
                        s.touch(&RecordKey::Audit(e.entry.id.clone()));
                        new.push(e.entry.id.clone());
                    }
                }
                Ok(new)
            })
        })
    }
}
