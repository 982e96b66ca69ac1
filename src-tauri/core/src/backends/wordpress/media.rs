//! Media on the site: an upload made once per checksum (the plugin answers the
//! attachment that already carries it, `X-Valise-Existing`), and the alt text
//! and caption WordPress keeps with each attachment.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::http::naming;
use super::WordPress;
use crate::backends::{MediaFile, MediaRef};
use crate::error::{Error, Result};

const MEDIA: &str = "/wp/v2/media";

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub media: MediaRef,
    /// The site already had a file of this checksum: nothing was stored.
    pub existing: bool,
}

/// An attachment as the site holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteMedia {
    pub id: u64,
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub mime: String,
    /// The checksum Valise uploaded it under ("" for other uploads).
    pub sha256: String,
}

#[derive(Deserialize)]
struct WpMedia {
    id: u64,
    #[serde(default)]
    source_url: String,
    #[serde(default)]
    alt_text: String,
    #[serde(default)]
    caption: Option<WpRaw>,
    #[serde(default)]
    mime_type: String,
    #[serde(default)]
    meta: Option<WpMediaMeta>,
}

#[derive(Deserialize)]
struct Deleted {
    #[serde(default)]
    deleted: bool,
}

#[derive(Deserialize)]
struct WpRaw {
    #[serde(default)]
    raw: Option<String>,
}

#[derive(Default, Deserialize)]
struct WpMediaMeta {
    #[serde(default)]
    valise_sha256: String,
}

impl WpMedia {
    fn into_site(self) -> SiteMedia {
        SiteMedia {
            id: self.id,
            url: self.source_url,
            alt: self.alt_text,
            caption: self.caption.and_then(|c| c.raw).unwrap_or_default(),
            mime: self.mime_type,
            sha256: self.meta.unwrap_or_default().valise_sha256,
        }
    }
}

impl WordPress {
    /// Puts `file` in the site's media library with its alt text and
    /// caption, or answers the attachment an earlier upload of the same
    /// checksum made.
    pub async fn upload(&self, file: &MediaFile) -> Result<Uploaded> {
        let url = self.http.url(
            MEDIA,
            &[
                ("context", "edit".to_string()),
                ("valise_sha256", file.sha256.clone()),
                ("alt_text", file.alt.clone()),
                ("caption", file.caption.clone()),
            ],
        );
        let answer = self
            .http
            .send_file(
                &url,
                &file.bytes,
                &file.mime,
                &file.file_name,
                "upload files",
            )
            .await
            .map_err(naming(format!("the file {}", file.file_name)))?;
        let media: WpMedia = self.http.decode(&answer, "the media it stored (JSON)")?;
        let media = media.into_site();
        if media.url.is_empty() {
            return Err(Error::BackendGarbage {
                backend: self.http.label().to_string(),
                what: format!("{url}: media {} has no source_url", media.id),
            });
        }
        Ok(Uploaded {
            existing: answer.existing || answer.status.as_u16() == 200,
            media: MediaRef {
                id: media.id.to_string(),
                url: media.url,
            },
        })
    }

    /// Sets the alt text and caption of attachment `media`.
    pub async fn set_media_texts(&self, media: &MediaRef, alt: &str, caption: &str) -> Result<()> {
        let url = self.http.url(
            &format!("{MEDIA}/{}", media.id),
            &[("context", "edit".to_string())],
        );
        let body = json!({ "alt_text": alt, "caption": caption });
        self.http
            .send(Method::POST, &url, Some(&body), "edit media")
            .await
            .map_err(naming(format!("WordPress media {}", media.id)))?;
        Ok(())
    }

    /// Attachment `id` as the site holds it; None if there is none.
    pub async fn get_media(&self, id: u64) -> Result<Option<SiteMedia>> {
        let url = self
            .http
            .url(&format!("{MEDIA}/{id}"), &[("context", "edit".to_string())]);
        let answer = self
            .http
            .send_allowing(Method::GET, &url, None, "read media", &[404])
            .await?;
        if answer.status.as_u16() == 404 {
            return Ok(None);
        }
        let media: WpMedia = self.http.decode(&answer, "an attachment (JSON)")?;
        Ok(Some(media.into_site()))
    }

    /// Deletes for good (`force=true`: WordPress keeps no trash of media)
    /// attachment `media`, which Valise uploaded under checksum `sha256`.
    /// Looked at first: one already gone is done; one carrying another
    /// checksum (the site was restored or edited meanwhile) is left alone,
    /// refused.
    pub async fn delete_uploaded(&self, media: &MediaRef, sha256: &str) -> Result<()> {
        let garbage = |what: String| Error::BackendGarbage {
            backend: self.http.label().to_string(),
            what,
        };
        let id: u64 = media
            .id
            .parse()
            .map_err(|_| garbage(format!("{:?} is not a media id", media.id)))?;
        let Some(there) = self.get_media(id).await? else {
            return Ok(());
        };
        if there.sha256 != sha256 {
            return Err(Error::BackendRefused {
                backend: self.http.label().to_string(),
                url: there.url,
                code: "valise_not_this_file".into(),
                message: format!(
                    "media {id} is not the file of checksum {sha256} Valise uploaded (it carries {:?}), so it was not deleted",
                    there.sha256
                ),
            });
        }
        let url = self
            .http
            .url(&format!("{MEDIA}/{id}"), &[("force", "true".to_string())]);
        let answer = self
            .http
            .send_allowing(Method::DELETE, &url, None, "delete media", &[404])
            .await
            .map_err(naming(format!("WordPress media {id}")))?;
        if answer.status.as_u16() == 404 {
            return Ok(());
        }
        let said: Deleted = self
            .http
            .decode(&answer, "what it deleted (JSON with \"deleted\": true)")?;
        if !said.deleted {
            return Err(garbage(format!(
                "{url}: media {id} answered deleted: false"
            )));
        }
        Ok(())
    }

    /// Every attachment Valise uploaded under checksum `sha256` (one, unless
    /// something other than Valise copied it).
    pub async fn find_media(&self, sha256: &str) -> Result<Vec<SiteMedia>> {
        let url = self.http.url(
            MEDIA,
            &[
                ("context", "edit".to_string()),
                ("per_page", "100".to_string()),
                ("valise_sha256", sha256.to_string()),
            ],
        );
        let answer = self
            .http
            .send(Method::GET, &url, None, "list media")
            .await?;
        let found: Vec<WpMedia> = self.http.decode(&answer, "a list of media (JSON)")?;
        Ok(found.into_iter().map(WpMedia::into_site).collect())
    }
}
