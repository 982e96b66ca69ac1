//! The plugin's own routes: the change feed (paged by sequence number),
//! records (small JSON documents with a rev, 412 when stale), the append-only
//! audit trail, and the preflight run without publishing.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::http::{naming, Http};
use super::{PreflightReason, WordPress};
use crate::clock;
use crate::error::{Error, Result};
use crate::sync::record::AuditRecord;
use crate::workflow::AuditEntry;

/// One row of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A Valise post changed (created, edited, status changed, trashed, untrashed).
    Post {
        seq: u64,
        at_ms: i64,
        id: u64,
        version_uid: String,
        post_uid: String,
        status: String,
        rev: u64,
    },
    /// A Valise post was trashed (`how` = "trash") or deleted ("delete").
    Tombstone {
        seq: u64,
        at_ms: i64,
        id: u64,
        version_uid: String,
        post_uid: String,
        how: String,
        deleted_at: String,
    },
    Record {
        seq: u64,
        at_ms: i64,
        record_kind: String,
        record_id: String,
        rev: u64,
    },
    Audit {
        seq: u64,
        at_ms: i64,
        entry_hash: String,
        post_uid: Option<String>,
    },
}

impl Change {
    pub fn seq(&self) -> u64 {
        match self {
            Change::Post { seq, .. }
            | Change::Tombstone { seq, .. }
            | Change::Record { seq, .. }
            | Change::Audit { seq, .. } => *seq,
        }
    }
}

/// One page of the feed: pass `last` as the next `after`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub last: u64,
    pub more: bool,
}

/// A record as the site holds it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SiteRecord {
    pub kind: String,
    pub id: String,
    pub rev: u64,
    pub body: Value,
}

#[derive(Deserialize)]
struct RecordList {
    records: Vec<SiteRecord>,
}

/// What an audit append did, by entry hash.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuditAppended {
    pub new: Vec<String>,
    pub known: Vec<String>,
}

/// An audit entry with the site's order of arrival, and the canonical text
/// its content hash covers when the desktop that sent it gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteAuditEntry {
    pub server_seq: u64,
    pub entry: AuditEntry,
    pub signed_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<SiteAuditEntry>,
    pub last: u64,
    pub more: bool,
}

#[derive(Deserialize)]
struct WireAuditPage {
    entries: Vec<WireAuditEntry>,
    last: u64,
    more: bool,
}

#[derive(Deserialize)]
struct WireAuditEntry {
    server_seq: u64,
    entry: Value,
}

/// The site's preflight of a post.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Preflight {
    pub ready: bool,
    pub failed: Vec<PreflightReason>,
}

/// Entries sent per audit call (the plugin takes at most 500).
const AUDIT_BATCH: usize = 500;

impl WordPress {
    /// The feed after `after`, at most `limit` (1–1000) changes. The first
    /// call a sync makes: a site without the plugin says so here.
    pub async fn changes(&self, after: u64, limit: u32) -> Result<ChangesPage> {
        let url = self.http.url(
            "/valise/v1/changes",
            &[
                ("after", after.to_string()),
                ("limit", limit.clamp(1, 1000).to_string()),
            ],
        );
        let answer = self
            .http
            .send(Method::GET, &url, None, "sync (read the change feed)")
            .await?;
        let page: ChangesPage = self
            .http
            .decode(&answer, "the change feed (changes, last, more)")?;
        self.check_page(
            &url,
            after,
            page.last,
            page.more,
            page.changes.iter().map(Change::seq),
        )?;
        Ok(page)
    }

    /// Every change after `after`, page by page; the cursor after them.
    pub async fn all_changes(&self, mut after: u64) -> Result<(Vec<Change>, u64)> {
        let mut all = Vec::new();
        loop {
            let page = self.changes(after, 500).await?;
            all.extend(page.changes);
            after = page.last;
            if !page.more {
                return Ok((all, after));
            }
        }
    }

    /// A page must move forward in order: a server that repeats or goes back
    /// would make a sync loop or miss changes.
    fn check_page(
        &self,
        url: &str,
        after: u64,
        last: u64,
        more: bool,
        seqs: impl Iterator<Item = u64>,
    ) -> Result<()> {
        let mut previous = after;
        let mut any = false;
        for seq in seqs {
            if seq <= previous {
                return Err(self.garbage(format!(
                    "{url} sent change {seq} after {previous}: the feed must be in increasing order"
                )));
            }
            previous = seq;
            any = true;
        }
        if last != previous || (more && !any) {
            return Err(self.garbage(format!(
                "{url} gave the cursor {last} after changes up to {previous}{}",
                if more { " and said more follow" } else { "" }
            )));
        }
        Ok(())
    }

    /// Every record of `kind`.
    pub async fn records(&self, kind: &str) -> Result<Vec<SiteRecord>> {
        let url = self.http.url(&format!("/valise/v1/records/{kind}"), &[]);
        let answer = self
            .http
            .send(Method::GET, &url, None, "read the site's records")
            .await?;
        Ok(self
            .http
            .decode::<RecordList>(&answer, "a list of records (records)")?
            .records)
    }

    /// Record `kind/id`, if the site has it.
    pub async fn record(&self, kind: &str, id: &str) -> Result<Option<SiteRecord>> {
        let url = self
            .http
            .url(&format!("/valise/v1/records/{kind}/{id}"), &[]);
        let answer = self
            .http
            .send_allowing(Method::GET, &url, None, "read the site's records", &[404])
            .await?;
        if answer.status.as_u16() == 404 {
            return match Http::error_code(&answer).as_str() {
                "valise_record_not_found" => Ok(None),
                "rest_no_route" => Err(Error::NotAValiseSite {
                    location: self.url().to_string(),
                }),
                code => Err(self.garbage(format!("{url} answered HTTP 404 {code}"))),
            };
        }
        self.http
            .decode(&answer, "a record (kind, id, rev, body)")
            .map(Some)
    }

    /// Writes record `kind/id` read at `base_rev` (0: a new one); the stored
    /// record at `base_rev + 1`, or stale when someone wrote it since.
    pub async fn put_record(
        &self,
        kind: &str,
        id: &str,
        base_rev: u64,
        body: &Value,
    ) -> Result<SiteRecord> {
        let url = self
            .http
            .url(&format!("/valise/v1/records/{kind}/{id}"), &[]);
        let sent = json!({ "base_rev": base_rev, "body": body });
        let answer = self
            .http
            .send(
                Method::PUT,
                &url,
                Some(&sent),
                &format!("change the site's {kind} record"),
            )
            .await
            .map_err(naming(format!("The {kind} record {id}")))?;
        self.http
            .decode(&answer, "the stored record (kind, id, rev, body)")
    }

    /// Appends audit entries, as signed, each with the text its content hash
    /// covers beside it (kept by the site as sent); known ones are left as
    /// they are.
    pub async fn add_audit(&self, entries: &[AuditRecord]) -> Result<AuditAppended> {
        let url = self.http.url("/valise/v1/audit", &[]);
        let mut done = AuditAppended {
            new: Vec::new(),
            known: Vec::new(),
        };
        for batch in entries.chunks(AUDIT_BATCH) {
            let batch: Vec<Value> = batch.iter().map(wire_entry).collect();
            let answer = self
                .http
                .send(
                    Method::POST,
                    &url,
                    Some(&json!({ "entries": batch })),
                    "add to the audit trail",
                )
                .await?;
            let got: AuditAppended = self
                .http
                .decode(&answer, "the hashes stored (new, known)")?;
            done.new.extend(got.new);
            done.known.extend(got.known);
        }
        Ok(done)
    }

    /// Audit entries after the site's sequence number `after`.
    pub async fn audit(&self, after: u64, limit: u32) -> Result<AuditPage> {
        let url = self.http.url(
            "/valise/v1/audit",
            &[
                ("after", after.to_string()),
                ("limit", limit.clamp(1, 1000).to_string()),
            ],
        );
        let answer = self
            .http
            .send(Method::GET, &url, None, "read the audit trail")
            .await?;
        let page: WireAuditPage = self
            .http
            .decode(&answer, "audit entries (entries, last, more)")?;
        let mut entries = Vec::with_capacity(page.entries.len());
        for e in page.entries {
            let signed_text = e
                .entry
                .get("signed_text")
                .and_then(Value::as_str)
                .map(str::to_string);
            entries.push(SiteAuditEntry {
                server_seq: e.server_seq,
                entry: audit_entry(e.entry)
                    .map_err(|what| self.garbage(format!("{url}: {what}")))?,
                signed_text,
            });
        }
        self.check_page(
            &url,
            after,
            page.last,
            page.more,
            entries.iter().map(|e| e.server_seq),
        )?;
        Ok(AuditPage {
            entries,
            last: page.last,
            more: page.more,
        })
    }

    /// The site's preflight of post `post_uid`, without publishing.
    pub async fn preflight(&self, post_uid: &str) -> Result<Preflight> {
        let url = self
            .http
            .url(&format!("/valise/v1/preflight/{post_uid}"), &[]);
        let answer = self
            .http
            .send(Method::GET, &url, None, "run the preflight")
            .await?;
        self.http.decode(&answer, "the preflight (ready, failed)")
    }

    fn garbage(&self, what: String) -> Error {
        Error::BackendGarbage {
            backend: self.http.label().to_string(),
            what,
        }
    }
}

/// An entry as sent: its fields, and `signed_text` beside them.
fn wire_entry(a: &AuditRecord) -> Value {
    let mut entry = serde_json::to_value(&a.entry).expect("an audit entry serialises");
    if let Some(text) = &a.signed_text {
        entry["signed_text"] = Value::String(text.clone());
    }
    entry
}

/// An entry as another desktop (or another client) sent it: `at`, the
/// author's name and the chain are not signed, so they may be missing. An
/// entry without its chain is then refused by the engine, by name, rather
/// than stopping every pull here.
fn audit_entry(mut entry: Value) -> std::result::Result<AuditEntry, String> {
    let at_ms = entry.get("at_ms").and_then(Value::as_i64);
    if let Some(fields) = entry.as_object_mut() {
        if let Some(ms) = at_ms {
            fields
                .entry("at")
                .or_insert_with(|| Value::String(clock::to_text(ms)));
        }
        fields
            .entry("chain")
            .or_insert_with(|| Value::String(String::new()));
    }
    serde_json::from_value(entry).map_err(|e| format!("an audit entry Valise cannot read ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_rows_of_every_kind_are_read() {
        let page: ChangesPage = serde_json::from_value(json!({
            "changes": [
                {"seq": 1, "kind": "post", "at_ms": 5, "id": 12, "version_uid": "v", "post_uid": "p", "status": "draft", "rev": 1},
                {"seq": 2, "kind": "tombstone", "at_ms": 6, "id": 12, "version_uid": "v", "post_uid": "p", "how": "trash", "deleted_at": "2026-11-25T00:00:00Z"},
                {"seq": 3, "kind": "record", "at_ms": 7, "record_kind": "chain", "record_id": "current", "rev": 2},
                {"seq": 4, "kind": "audit", "at_ms": 8, "entry_hash": "ab", "post_uid": null}
            ],
            "last": 4, "more": false
        }))
        .unwrap();
        assert_eq!(
            page.changes.iter().map(Change::seq).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert!(matches!(&page.changes[1], Change::Tombstone { how, .. } if how == "trash"));
    }

    #[test]
    fn an_audit_entry_without_its_display_fields_is_still_read() {
        let entry = audit_entry(json!({
            "seq": 1, "id": "e1", "format": 1, "at_ms": 1_795_000_000_000i64, "author": "a",
            "author_key": "00", "post": null, "step": null, "kind": "comment",
            "payload": "{}", "prev_hash": "00", "entry_hash": "11", "signature": "22"
        }))
        .unwrap();
        assert_eq!(entry.at, clock::to_text(1_795_000_000_000));
        assert!(audit_entry(json!({"seq": "x"})).is_err());
    }
}
