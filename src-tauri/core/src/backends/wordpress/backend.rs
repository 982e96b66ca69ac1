//! The sync engine's `Backend` for a WordPress site with the Valise plugin:
//! sync records ↔ the plugin's posts and records.
//!
//! - A language version is a post (`mapping`); a source's decisions not to
//!   translate are the `plan/{post}` record; people are `person/{id}`
//!   records; the chain is `chain/current` (its JSON for the site's
//!   preflight, and the YAML exactly as written, so every desktop reads back
//!   the same text).
//! - Pulls page through the change feed and, beside it, the audit trail: the
//!   cursor is both sequence numbers, `FEED:AUDIT`. Each changed record comes
//!   as the site holds it now; a post in the trash or gone is a tombstone.
//! - The block states the site's preflight reads are worked out here, from
//!   the source as the site holds it; pushing a source works them out again
//!   for its translations already there.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::task::Poll;

use serde_json::Value;

use super::convert::{
    as_units, blocks_of, chain_body, chain_from, person_body, person_from, plan_body,
    status_to_site, version_record,
};
use super::mapping::{states, SitePost, SiteStatus, SiteVersion, UnitText};
use super::WordPress;
use crate::backends::{Backend, Figures, MediaFile, MediaRef, Page, Reply, Upload};
use crate::error::{Error, Result};
use crate::sync::record::{AuditRecord, Record, RecordKey, RemoteChange, RemoteRef, VersionRecord};

impl Backend for WordPress {
    fn name(&self) -> &str {
        self.http.label()
    }

    fn pull<'a>(&'a self, cursor: &'a str, limit: u32) -> Reply<'a, Page> {
        Box::pin(self.pull_page(cursor, limit))
    }

    fn create<'a>(&'a self, record: &'a Record, figures: &'a Figures) -> Reply<'a, RemoteRef> {
        Box::pin(self.create_record(record, figures))
    }

    fn update<'a>(
        &'a self,
        base: &'a RemoteRef,
        record: &'a Record,
        figures: &'a Figures,
    ) -> Reply<'a, RemoteRef> {
        Box::pin(self.update_record(base, record, figures))
    }

    fn upload_media<'a>(&'a self, file: &'a MediaFile) -> Reply<'a, Upload> {
        Box::pin(async move {
            self.upload(file).await.map(|m| Upload {
                media: m.media,
                created: !m.existing,
            })
        })
    }

    fn delete_media<'a>(&'a self, media: &'a MediaRef, sha256: &'a str) -> Reply<'a, ()> {
        Box::pin(self.delete_uploaded(media, sha256))
    }

    fn set_media_text<'a>(
        &'a self,
        media: &'a MediaRef,
        alt: &'a str,
        caption: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(self.set_media_texts(media, alt, caption))
    }

    fn fetch_media<'a>(&'a self, sha256: &'a str) -> Reply<'a, Option<Vec<u8>>> {
        Box::pin(self.fetch_file(sha256))
    }

    fn delete<'a>(&'a self, key: &'a RecordKey, remote_id: &'a str) -> Reply<'a, ()> {
        Box::pin(self.delete_record(key, remote_id))
    }

    fn append_audit<'a>(&'a self, entries: &'a [AuditRecord]) -> Reply<'a, Vec<String>> {
        Box::pin(async move {
            let done = self.add_audit(entries).await?;
            let new: BTreeSet<&str> = done.new.iter().map(String::as_str).collect();
            Ok(entries
                .iter()
                .filter(|a| new.contains(a.entry.entry_hash.as_str()))
                .map(|a| a.entry.id.clone())
                .collect())
        })
    }
}

/// Where a pull stands: the feed's and the audit trail's sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    feed: u64,
    audit: u64,
}

impl Cursor {
    fn parse(text: &str) -> Result<Cursor> {
        if text.is_empty() {
            return Ok(Cursor { feed: 0, audit: 0 });
        }
        let parsed = text
            .split_once(':')
            .and_then(|(f, a)| Some((f.parse().ok()?, a.parse().ok()?)));
        parsed
            .map(|(feed, audit)| Cursor { feed, audit })
            .ok_or_else(|| Error::corrupt(format!("the WordPress pull cursor {text:?}")))
    }

    fn text(self) -> String {
        format!("{}:{}", self.feed, self.audit)
    }
}

impl WordPress {
    async fn pull_page(&self, cursor: &str, limit: u32) -> Result<Page> {
        let at = Cursor::parse(cursor)?;
        let feed = self.changes(at.feed, limit).await?;
        // What changed, once each, in the feed's order.
        let mut posts: Vec<(u64, String)> = Vec::new();
        let mut people: BTreeSet<String> = BTreeSet::new();
        let mut chain = false;
        let mut plans: BTreeSet<String> = BTreeSet::new();
        let mut assets: BTreeSet<String> = BTreeSet::new();
        for change in &feed.changes {
            match change {
                super::Change::Post {
                    id, version_uid, ..
                }
                | super::Change::Tombstone {
                    id, version_uid, ..
                } => {
                    if !posts.iter().any(|(p, _)| p == id) {
                        posts.push((*id, version_uid.clone()));
                    }
                }
                super::Change::Record {
                    record_kind,
                    record_id,
                    ..
                } => match record_kind.as_str() {
                    "person" => {
                        people.insert(record_id.clone());
                    }
                    "chain" if record_id == "current" => chain = true,
                    "plan" => {
                        plans.insert(record_id.clone());
                    }
                    "asset" => {
                        assets.insert(record_id.clone());
                    }
                    _ => {}
                },
                super::Change::Audit { .. } => {}
            }
        }

        let ids: Vec<u64> = posts.iter().map(|(id, _)| *id).collect();
        let mut now: HashMap<u64, SitePost> = self
            .get_posts(&ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        // A changed plan is a change of its source version.
        for post_uid in &plans {
            let has_source = now.values().any(|p| {
                &p.version.post_uid == post_uid && p.version.lang == p.version.source_lang
            });
            if !has_source {
                for p in self.find_group(post_uid).await? {
                    if p.version.lang == p.version.source_lang {
                        posts.push((p.id, p.version.version_uid.clone()));
                        now.insert(p.id, p);
                    }
                }
            }
        }
        let any_source = now
            .values()
            .any(|p| p.version.lang == p.version.source_lang);
        let plan_of: HashMap<String, Value> = if any_source {
            self.records("plan")
                .await?
                .into_iter()
                .map(|r| (r.id, r.body))
                .collect()
        } else {
            HashMap::new()
        };

        let mut changes = Vec::new();
        if !people.is_empty() {
            for r in self.records("person").await? {
                if people.contains(&r.id) {
                    let person = person_from(&r.body).ok_or_else(|| {
                        self.garbage_record(
                            "person",
                            &r.id,
                            "a person (id, name, email, created_at, keys)",
                        )
                    })?;
                    changes.push(RemoteChange::Live {
                        record: Record::Person(person),
                        at: RemoteRef {
                            id: format!("person/{}", r.id),
                            rev: r.rev.to_string(),
                        },
                    });
                }
            }
        }
        if chain {
            if let Some(r) = self.record("chain", "current").await? {
                let record = chain_from(&r.body).ok_or_else(|| {
                    self.garbage_record("chain", "current", "a sign-off chain (steps)")
                })?;
                changes.push(RemoteChange::Live {
                    record: Record::Chain(record),
                    at: RemoteRef {
                        id: "chain/current".into(),
                        rev: r.rev.to_string(),
                    },
                });
            }
        }
        if !assets.is_empty() {
            let ids: Vec<String> = assets.into_iter().collect();
            changes.extend(self.pull_assets(&ids).await?);
        }
        for (id, version_uid) in posts {
            match now.remove(&id) {
                Some(p) if p.version.status != SiteStatus::Trash => {
                    let plan = plan_of.get(&p.version.post_uid);
                    changes.push(RemoteChange::Live {
                        at: RemoteRef {
                            id: p.id.to_string(),
                            rev: p.rev.to_string(),
                        },
                        record: Record::Version(Box::new(version_record(p.version, plan))),
                    });
                }
                _ => changes.push(RemoteChange::Tombstone {
                    key: RecordKey::Version(version_uid),
                    remote_id: id.to_string(),
                }),
            }
        }

        let audit = self.audit(at.audit, limit).await?;
        for e in audit.entries {
            changes.push(RemoteChange::Audit(AuditRecord {
                entry: e.entry,
                signed_text: e.signed_text,
            }));
        }
        Ok(Page {
            changes,
            cursor: Cursor {
                feed: feed.last,
                audit: audit.last,
            }
            .text(),
            more: feed.more || audit.more,
        })
    }

    async fn create_record(&self, record: &Record, figures: &Figures) -> Result<RemoteRef> {
        match record {
            Record::Version(v) => {
                let site = self.site_version(v, figures).await?;
                let made = self.create_post(&site).await?;
                let mut post = made.post;
                if made.existing {
                    if post.version.status == SiteStatus::Trash {
                        // A local edit outlives a delete on the site: back from the trash.
                        let mut back = site.clone();
                        if back.status.is_public() {
                            back.status = SiteStatus::Draft;
                        }
                        post = self
                            .update_post_with_status(post.id, post.rev, &back)
                            .await?
                            .post;
                    } else if !post.version.same_text(&site) {
                        // Made by an earlier try and changed there since: pull first.
                        return Err(Error::BackendStale {
                            backend: self.http.label().to_string(),
                            record: format!("The {} version of post {}", v.lang, v.post),
                            current: post.rev.to_string(),
                        });
                    }
                }
                self.after_version_written(v).await?;
                Ok(RemoteRef {
                    id: post.id.to_string(),
                    rev: post.rev.to_string(),
                })
            }
            Record::Person(p) => self.write_record("person", &p.id, 0, person_body(p)).await,
            Record::Asset(a) => self.write_asset(0, a).await,
            Record::Chain(c) => {
                self.write_record("chain", "current", 0, chain_body(c)?)
                    .await
            }
        }
    }

    async fn update_record(
        &self,
        base: &RemoteRef,
        record: &Record,
        figures: &Figures,
    ) -> Result<RemoteRef> {
        let rev: u64 = base.rev.parse().map_err(|_| {
            Error::corrupt(format!(
                "the WordPress version {:?} of {}",
                base.rev, base.id
            ))
        })?;
        match record {
            Record::Version(v) => {
                let id: u64 = base
                    .id
                    .parse()
                    .map_err(|_| Error::corrupt(format!("the WordPress post id {:?}", base.id)))?;
                let site = self.site_version(v, figures).await?;
                // The status goes with the text: a move to a public one is
                // judged by the site's gate on this very text.
                let post = match self.update_post_with_status(id, rev, &site).await {
                    Ok(updated) => updated.post,
                    // Deleted there for good: pulled as a tombstone next round.
                    Err(Error::BackendGone { backend, record }) => {
                        return Err(Error::BackendStale {
                            backend,
                            record,
                            current: "deleted".into(),
                        })
                    }
                    Err(e) => return Err(e),
                };
                self.after_version_written(v).await?;
                Ok(RemoteRef {
                    id: post.id.to_string(),
                    rev: post.rev.to_string(),
                })
            }
            Record::Person(p) => {
                self.write_record("person", &p.id, rev, person_body(p))
                    .await
            }
            Record::Asset(a) => self.write_asset(rev, a).await,
            Record::Chain(c) => {
                self.write_record("chain", "current", rev, chain_body(c)?)
                    .await
            }
        }
    }

    async fn delete_record(&self, key: &RecordKey, remote_id: &str) -> Result<()> {
        match key {
            RecordKey::Version(_) => {
                let id: u64 = remote_id
                    .parse()
                    .map_err(|_| Error::corrupt(format!("the WordPress post id {remote_id:?}")))?;
                self.trash_post(id, None).await
            }
            RecordKey::Asset(id) => self.delete_asset(id).await,
            other => Err(Error::BackendRefused {
                backend: self.http.label().to_string(),
                url: self.url().to_string(),
                code: "valise_no_delete".into(),
                message: format!(
                    "a WordPress site keeps {} for good: it has no way to delete it",
                    other.to_text()
                ),
            }),
        }
    }

    /// Writes record `kind/id` from `base_rev`; a stale answer whose stored
    /// body is already this one (an earlier try went through) is done.
    pub(super) async fn write_record(
        &self,
        kind: &str,
        id: &str,
        base_rev: u64,
        body: Value,
    ) -> Result<RemoteRef> {
        let stored = match self.put_record(kind, id, base_rev, &body).await {
            Ok(r) => r,
            Err(e @ Error::BackendStale { .. }) => match self.record(kind, id).await? {
                Some(r) if r.body == body => r,
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        };
        Ok(RemoteRef {
            id: format!("{kind}/{id}"),
            rev: stored.rev.to_string(),
        })
    }

    /// A version as the site stores it, with block states worked out from the
    /// source the site holds (all orphaned while it holds none: refreshed when
    /// the source arrives).
    async fn site_version(&self, v: &VersionRecord, figures: &Figures) -> Result<SiteVersion> {
        let unit_texts: Vec<UnitText> = v
            .units
            .iter()
            .map(|u| UnitText {
                block: u.block.clone(),
                text: u.text.clone(),
                source_hash: u.source_hash.clone(),
                source_text: u.source_text.clone(),
            })
            .collect();
        let units = if v.is_source() {
            Vec::new()
        } else {
            let source =
                self.find_group(&v.post).await?.into_iter().find(|p| {
                    p.version.lang == v.source_lang && p.version.status != SiteStatus::Trash
                });
            let blocks = source.map_or_else(Vec::new, |s| blocks_of(&s.version));
            states(&blocks, &as_units(&unit_texts))
        };
        Ok(SiteVersion {
            version_uid: v.id.clone(),
            post_uid: v.post.clone(),
            lang: v.lang.clone(),
            source_lang: v.source_lang.clone(),
            text: v.text.clone(),
            units,
            unit_texts,
            block_ids: v.block_ids.clone(),
            status: status_to_site(v.status),
            figures: Some(figures.clone()),
        })
    }

    /// After a source is written: its decisions not to translate go to its
    /// plan record, and its translations' block states are worked out again.
    async fn after_version_written(&self, v: &VersionRecord) -> Result<()> {
        if !v.is_source() {
            return Ok(());
        }
        let wanted = plan_body(&v.not_planned);
        // Two reads that do not depend on each other, in flight together:
        // a round trip less for every source pushed.
        let (stored, group) = both(self.record("plan", &v.post), self.find_group(&v.post)).await;
        let stored = stored?;
        let same = match &stored {
            Some(r) => r.body == wanted,
            None => v.not_planned.is_empty(),
        };
        if !same {
            let rev = stored.map_or(0, |r| r.rev);
            self.write_record("plan", &v.post, rev, wanted).await?;
        }
        let group = group?;
        let Some(source) = group.iter().find(|p| p.version.version_uid == v.id) else {
            return Ok(());
        };
        let blocks = blocks_of(&source.version);
        for p in &group {
            if p.version.lang == v.lang || p.version.status == SiteStatus::Trash {
                continue;
            }
            let now = states(&blocks, &as_units(&p.version.unit_texts));
            if now != p.version.units {
                let mut refreshed = p.version.clone();
                refreshed.units = now;
                match self.update_post(p.id, p.rev, &refreshed).await {
                    // Changed meanwhile: whoever changed it sent its states.
                    Ok(_) | Err(Error::BackendStale { .. }) | Err(Error::BackendGone { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    fn garbage_record(&self, kind: &str, id: &str, expected: &str) -> Error {
        Error::BackendGarbage {
            backend: self.http.label().to_string(),
            what: format!("the {kind} record {id} should be {expected}"),
        }
    }
}

/// Runs two futures at once on the current task and answers both outputs.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut got_a, mut got_b) = (None, None);
    std::future::poll_fn(|cx| {
        if got_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                got_a = Some(v);
            }
        }
        if got_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                got_b = Some(v);
            }
        }
        if got_a.is_some() && got_b.is_some() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (
        got_a.expect("polled to the end"),
        got_b.expect("polled to the end"),
    )
}
