//! Assets on the site: each asset's metadata is the plugin record
//! `asset/{id}` (its JSON is the sync record as is); a deleted asset is the
//! same record with `{"id", "deleted": true}` (the plugin keeps records for
//! good). Its files are the media uploaded by checksum (`media`), fetched
//! back by that checksum.

use reqwest::Method;
use serde_json::{json, Value};

use super::WordPress;
use crate::error::{Error, Result};
use crate::sync::record::{AssetRecord, Record, RecordKey, RemoteChange, RemoteRef};

const KIND: &str = "asset";

/// Past this many changed assets in a page, one list beats one read each.
const ONE_BY_ONE: usize = 20;

fn body_of(a: &AssetRecord) -> Value {
    serde_json::to_value(a).expect("an asset record always serialises")
}

fn is_tombstone(body: &Value) -> bool {
    body.get("deleted").and_then(Value::as_bool) == Some(true)
}

impl WordPress {
    /// The assets `ids` (changed in the feed) as the site holds them now.
    pub(super) async fn pull_assets(&self, ids: &[String]) -> Result<Vec<RemoteChange>> {
        let found = if ids.len() > ONE_BY_ONE {
            self.records(KIND)
                .await?
                .into_iter()
                .filter(|r| ids.contains(&r.id))
                .collect()
        } else {
            let mut found = Vec::new();
            for id in ids {
                found.extend(self.record(KIND, id).await?);
            }
            found
        };
        let mut changes = Vec::new();
        for r in found {
            let at = RemoteRef {
                id: format!("{KIND}/{}", r.id),
                rev: r.rev.to_string(),
            };
            if is_tombstone(&r.body) {
                changes.push(RemoteChange::Tombstone {
                    key: RecordKey::Asset(r.id),
                    remote_id: at.id,
                });
                continue;
            }
            let asset: AssetRecord = serde_json::from_value(r.body)
                .ok()
                .filter(|a: &AssetRecord| a.id == r.id)
                .ok_or_else(|| Error::BackendGarbage {
                    backend: self.http.label().to_string(),
                    what: format!(
                        "the asset record {} should be an asset (id, name, kind, variants, texts)",
                        r.id
                    ),
                })?;
            changes.push(RemoteChange::Live {
                record: Record::Asset(Box::new(asset)),
                at,
            });
        }
        Ok(changes)
    }

    /// Writes asset `a` from `base_rev` (0: new). A new one where the site
    /// keeps its tombstone (edited here after a delete there) replaces it.
    pub(super) async fn write_asset(&self, base_rev: u64, a: &AssetRecord) -> Result<RemoteRef> {
        match self.write_record(KIND, &a.id, base_rev, body_of(a)).await {
            Err(e @ Error::BackendStale { .. }) if base_rev == 0 => {
                match self.record(KIND, &a.id).await? {
                    Some(r) if is_tombstone(&r.body) => {
                        self.write_record(KIND, &a.id, r.rev, body_of(a)).await
                    }
                    _ => Err(e),
                }
            }
            other => other,
        }
    }

    /// Leaves asset `id`'s tombstone. Deleting a deleted one does nothing.
    pub(super) async fn delete_asset(&self, id: &str) -> Result<()> {
        let Some(r) = self.record(KIND, id).await? else {
            return Ok(());
        };
        if is_tombstone(&r.body) {
            return Ok(());
        }
        self.write_record(KIND, id, r.rev, json!({ "id": id, "deleted": true }))
            .await
            .map(|_| ())
    }

    /// The bytes of the media Valise uploaded under checksum `sha256`, or
    /// None when the site has none. Read from the site's own address (the
    /// path of the attachment's URL): the password never goes elsewhere.
    pub(super) async fn fetch_file(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let Some(media) = self.find_media(sha256).await?.into_iter().next() else {
            return Ok(None);
        };
        let garbage = |what: String| Error::BackendGarbage {
            backend: self.http.label().to_string(),
            what,
        };
        let path = reqwest::Url::parse(&media.url)
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            })
            .map_err(|_| {
                garbage(format!(
                    "media {} has the address {:?}, which is not a URL",
                    media.id, media.url
                ))
            })?;
        let origin = reqwest::Url::parse(self.http.base())
            .map(|u| u.origin().ascii_serialization())
            .map_err(|_| Error::corrupt(format!("the site address {}", self.http.base())))?;
        let url = format!("{origin}{path}");
        let answer = self
            .http
            .send_allowing(Method::GET, &url, None, "download media", &[404])
            .await?;
        if answer.status.as_u16() == 404 {
            return Ok(None);
        }
        Ok(Some(answer.body))
    }
}
