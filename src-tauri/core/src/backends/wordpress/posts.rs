//! Language versions on the site: idempotent create, update from a known
//! `valise_rev` (never without), read, find by global id, trash and delete.
//!
//! A write whose answer was lost (a cut connection after the site acted) is
//! safe to send again: a create finds the post it made (`X-Valise-Existing`),
//! and an update sent again from the old rev is refused as stale, after which
//! the client reads the post and, when the site holds exactly the text it
//! sent (`SiteVersion::same_text`), takes the write as done.

use reqwest::Method;

use super::http::{naming, Answer, Http};
use super::mapping::{status_fields, SitePost, SiteStatus, SiteVersion, WpPost};
use super::WordPress;
use crate::error::{Error, Result};

/// What a create did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub post: SitePost,
    /// The site already had this version (a retried create): nothing was made.
    pub existing: bool,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub post: SitePost,
    /// The site refused the base rev as stale but already held exactly this
    /// text: an earlier try of this same update went through.
    pub already_there: bool,
}

const POSTS: &str = "/wp/v2/posts";
/// `status=any` leaves the trash out; a sync must see it.
const ALL_STATUSES: &str = "draft,pending,future,publish,private,trash";

impl WordPress {
    /// Creates the version, or answers the post an earlier try made.
    pub async fn create_post(&self, version: &SiteVersion) -> Result<Created> {
        let url = self.http.url(POSTS, &[("context", "edit".to_string())]);
        let answer = self
            .http
            .send(Method::POST, &url, Some(&version.to_wp()), "create posts")
            .await
            .map_err(|e| about_post(e, version))?;
        let post: WpPost = self.http.decode(&answer, "the post it made (JSON)")?;
        Ok(Created {
            post: post.into_site_post(self.http.label(), &url)?,
            existing: answer.existing || answer.status.as_u16() == 200,
        })
    }

    /// Replaces the text of post `id`, read at `base_rev`, with `version`'s,
    /// leaving its status as it is on the site. Stale when the post changed
    /// since, unless the site already holds this very text.
    pub async fn update_post(
        &self,
        id: u64,
        base_rev: u64,
        version: &SiteVersion,
    ) -> Result<Updated> {
        self.write(id, base_rev, version, false).await
    }

    /// As `update`, and moves the post to `version.status` (publishing goes
    /// through the site's preflight, judged on the text sent).
    pub async fn update_post_with_status(
        &self,
        id: u64,
        base_rev: u64,
        version: &SiteVersion,
    ) -> Result<Updated> {
        self.write(id, base_rev, version, true).await
    }

    async fn write(
        &self,
        id: u64,
        base_rev: u64,
        version: &SiteVersion,
        with_status: bool,
    ) -> Result<Updated> {
        let body = if with_status {
            version.to_wp()
        } else {
            version.to_wp_text()
        };
        let url = self.http.url(
            &format!("{POSTS}/{id}"),
            &[
                ("context", "edit".to_string()),
                ("valise_base_rev", base_rev.to_string()),
            ],
        );
        let sent = self
            .http
            .send_allowing(Method::POST, &url, Some(&body), "edit this post", &[404])
            .await;
        match sent {
            Ok(answer) if answer.status.as_u16() == 404 => {
                Err(self.gone(&answer, &url, || describe(version, id)))
            }
            Ok(answer) => {
                let post: WpPost = self.http.decode(&answer, "the updated post (JSON)")?;
                Ok(Updated {
                    post: post.into_site_post(self.http.label(), &url)?,
                    already_there: false,
                })
            }
            Err(Error::BackendStale { current, .. }) => {
                let there = self.get_post(id).await?;
                match there {
                    Some(post)
                        if post.version.same_text(version)
                            && (!with_status || post.version.same_status(version)) =>
                    {
                        Ok(Updated {
                            post,
                            already_there: true,
                        })
                    }
                    _ => Err(Error::BackendStale {
                        backend: self.http.label().to_string(),
                        record: describe(version, id),
                        current,
                    }),
                }
            }
            Err(e) => Err(about_post(e, version)),
        }
    }

    /// Changes only the status (and date) of post `id`, read at `base_rev`:
    /// publishing and scheduling go through the site's preflight.
    pub async fn set_status(&self, id: u64, base_rev: u64, status: SiteStatus) -> Result<SitePost> {
        let url = self.http.url(
            &format!("{POSTS}/{id}"),
            &[
                ("context", "edit".to_string()),
                ("valise_base_rev", base_rev.to_string()),
            ],
        );
        let body = serde_json::Value::Object(status_fields(status));
        let answer = self
            .http
            .send_allowing(Method::POST, &url, Some(&body), "publish posts", &[404])
            .await
            .map_err(naming(format!("WordPress post {id}")))?;
        if answer.status.as_u16() == 404 {
            return Err(self.gone(&answer, &url, || format!("WordPress post {id}")));
        }
        let post: WpPost = self.http.decode(&answer, "the post (JSON)")?;
        post.into_site_post(self.http.label(), &url)
    }

    /// A 404 on a post's own URL: deleted there (or an answer that makes no sense).
    fn gone(&self, answer: &Answer, url: &str, record: impl FnOnce() -> String) -> Error {
        match Http::error_code(answer).as_str() {
            "rest_post_invalid_id" => Error::BackendGone {
                backend: self.http.label().to_string(),
                record: record(),
            },
            code => Error::BackendGarbage {
                backend: self.http.label().to_string(),
                what: format!("{url} answered HTTP 404 {code}"),
            },
        }
    }

    /// Post `id` as the site holds it (trash included); None if there is none.
    pub async fn get_post(&self, id: u64) -> Result<Option<SitePost>> {
        let url = self
            .http
            .url(&format!("{POSTS}/{id}"), &[("context", "edit".to_string())]);
        let answer = self
            .http
            .send_allowing(Method::GET, &url, None, "read this post", &[404])
            .await?;
        if answer.status.as_u16() == 404 {
            return Ok(None);
        }
        let post: WpPost = self.http.decode(&answer, "a post (JSON)")?;
        post.into_site_post(self.http.label(), &url).map(Some)
    }

    /// The posts `ids` as the site holds them now, trash included, in the
    /// order asked; a post deleted for good is left out.
    pub async fn get_posts(&self, ids: &[u64]) -> Result<Vec<SitePost>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let list = chunk
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let url = self.http.url(
                POSTS,
                &[
                    ("context", "edit".to_string()),
                    ("status", ALL_STATUSES.to_string()),
                    ("per_page", "100".to_string()),
                    ("include", list),
                ],
            );
            let answer = self
                .http
                .send(Method::GET, &url, None, "list posts")
                .await?;
            let posts: Vec<WpPost> = self.http.decode(&answer, "a list of posts (JSON)")?;
            let mut got = Vec::with_capacity(posts.len());
            for p in posts {
                got.push(p.into_site_post(self.http.label(), &url)?);
            }
            for id in chunk {
                if let Some(i) = got.iter().position(|p| p.id == *id) {
                    out.push(got.swap_remove(i));
                }
            }
        }
        Ok(out)
    }

    /// Every post on the site holding language version `version_uid` (one,
    /// unless something other than Valise copied it), trash left out.
    pub async fn find_version(&self, version_uid: &str) -> Result<Vec<SitePost>> {
        self.find("valise_version_uid", version_uid).await
    }

    /// Every language version of post `post_uid` on the site, trash left out.
    pub async fn find_group(&self, post_uid: &str) -> Result<Vec<SitePost>> {
        self.find("valise_post_uid", post_uid).await
    }

    async fn find(&self, key: &str, value: &str) -> Result<Vec<SitePost>> {
        let mut out = Vec::new();
        for page in 1.. {
            let url = self.http.url(
                POSTS,
                &[
                    ("context", "edit".to_string()),
                    ("status", "any".to_string()),
                    ("per_page", "100".to_string()),
                    ("page", page.to_string()),
                    (key, value.to_string()),
                ],
            );
            let answer = self
                .http
                .send_allowing(Method::GET, &url, None, "list posts", &[400])
                .await?;
            // Past the last page WordPress answers 400 rest_post_invalid_page_number.
            if answer.status.as_u16() == 400 {
                if Http::error_code(&answer) == "rest_post_invalid_page_number" {
                    break;
                }
                return Err(Error::BackendGarbage {
                    backend: self.http.label().to_string(),
                    what: format!("{url} refused the query (HTTP 400)"),
                });
            }
            let posts: Vec<WpPost> = self.http.decode(&answer, "a list of posts (JSON)")?;
            let n = posts.len();
            for p in posts {
                out.push(p.into_site_post(self.http.label(), &url)?);
            }
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }

    /// Moves post `id` to the trash (a tombstone in the feed); with
    /// `base_rev`, only if it is still at that rev. Already trashed or gone: done.
    pub async fn trash_post(&self, id: u64, base_rev: Option<u64>) -> Result<()> {
        self.remove(id, base_rev, false).await
    }

    /// Deletes post `id` for good (a tombstone in the feed); with `base_rev`,
    /// only if it is still at that rev. Already gone: done.
    pub async fn delete_post(&self, id: u64, base_rev: Option<u64>) -> Result<()> {
        self.remove(id, base_rev, true).await
    }

    async fn remove(&self, id: u64, base_rev: Option<u64>, force: bool) -> Result<()> {
        let mut query = Vec::new();
        if let Some(rev) = base_rev {
            query.push(("valise_base_rev", rev.to_string()));
        }
        if force {
            query.push(("force", "true".to_string()));
        }
        let url = self.http.url(&format!("{POSTS}/{id}"), &query);
        let answer = self
            .http
            .send_allowing(Method::DELETE, &url, None, "delete this post", &[404, 410])
            .await
            .map_err(naming(format!("WordPress post {id}")))?;
        match (answer.status.as_u16(), Http::error_code(&answer).as_str()) {
            (404, "rest_post_invalid_id") | (410, "rest_already_trashed") => Ok(()),
            (404 | 410, code) => Err(Error::BackendGarbage {
                backend: self.http.label().to_string(),
                what: format!("{url} answered HTTP {} {code}", answer.status.as_u16()),
            }),
            _ => Ok(()),
        }
    }
}

/// How messages name a version on the site.
fn describe(version: &SiteVersion, id: u64) -> String {
    format!(
        "The {} version of post {} (WordPress post {id})",
        version.lang, version.post_uid
    )
}

/// Names the post in a refusal that concerns it.
fn about_post(e: Error, version: &SiteVersion) -> Error {
    match e {
        Error::PublishRefused {
            backend, reasons, ..
        } => Error::PublishRefused {
            backend,
            post: format!("{} ({})", version.post_uid, version.lang),
            reasons,
        },
        e => e,
    }
}
