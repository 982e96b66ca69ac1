//! One library language version ↔ one WordPress post. The Markdown travels in
//! `valise_markdown` and is the truth; `content` is the core's render of it
//! (the preview's HTML, French typography, `dir` for Arabic) and `excerpt` the
//! summary, for the public site only, and never read back. The reverse mapping
//! reads only the raw title, slug, status, date and the Valise meta.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::backends::Figures;
use crate::error::{Error, Result};
use crate::posts::rows;
use crate::posts::PostText;
use crate::render;
use crate::translation::source::Block;
use crate::translation::units::Unit;
use crate::translation::{sql, units, BlockState};
use crate::Library;

/// A language version as the site holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteVersion {
    /// The language version's global id (the client id of an idempotent create).
    pub version_uid: String,
    /// The post's (translation group's) global id.
    pub post_uid: String,
    pub lang: String,
    pub source_lang: String,
    pub text: PostText,
    /// For a translation, the state of each source block, in the source's
    /// order (what the site's preflight reads; empty for the source).
    pub units: Vec<SiteUnit>,
    /// For a translation, its units exactly as the library keeps them, in
    /// their order (what another desktop rebuilds the translation from).
    pub unit_texts: Vec<UnitText>,
    /// For the source, the ids of its body blocks in order (what the units of
    /// every translation point at).
    pub block_ids: Vec<String>,
    pub status: SiteStatus,
    /// The figures its body shows, at the site's media URLs. `None`: not
    /// known here (a version read back from the site): a create renders its
    /// asset references as placeholders, an update leaves the site's HTML as
    /// the last sender rendered it.
    pub figures: Option<Figures>,
}

/// One source block's state in a translation, as the site's preflight reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteUnit {
    pub block: String,
    pub state: BlockState,
}

/// One translation unit as the library keeps it (see `translation::units::Unit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitText {
    pub block: String,
    pub text: String,
    #[serde(default)]
    pub source_hash: Option<String>,
    #[serde(default)]
    pub source_text: Option<String>,
}

/// Where a version stands on the site. Dates are Unix milliseconds, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteStatus {
    Draft,
    /// Waiting for review (WordPress's `pending`).
    Pending,
    /// To be published at this date by the site's cron (`future`).
    Scheduled {
        at_ms: i64,
    },
    /// Public; the date it carries, when the site gave one.
    Published {
        at_ms: Option<i64>,
    },
    /// Only for logged-in editors (set on the site, never by Valise).
    Private,
    /// In the site's trash.
    Trash,
}

impl SiteStatus {
    fn wire(self) -> &'static str {
        match self {
            SiteStatus::Draft => "draft",
            SiteStatus::Pending => "pending",
            SiteStatus::Scheduled { .. } => "future",
            SiteStatus::Published { .. } => "publish",
            SiteStatus::Private => "private",
            SiteStatus::Trash => "trash",
        }
    }

    /// Whether the site's publishing gate judges a move to this status.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            SiteStatus::Scheduled { .. } | SiteStatus::Published { .. }
        )
    }

    fn date_ms(self) -> Option<i64> {
        match self {
            SiteStatus::Scheduled { at_ms } => Some(at_ms),
            SiteStatus::Published { at_ms } => at_ms,
            _ => None,
        }
    }
}

/// A version read from the site: its WordPress id and `valise_rev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePost {
    pub id: u64,
    pub rev: u64,
    pub version: SiteVersion,
}

impl SiteVersion {
    /// The library's `lang` version of post `id` (the source when `lang` is
    /// None), with its translation block states; status draft.
    pub fn from_library(lib: &Library, id: &str, lang: Option<&str>) -> Result<Self> {
        lib.read(|c| {
            let row = rows::load_by_id(c, id, lang)?;
            let (mut units_out, mut unit_texts, mut block_ids) =
                (Vec::new(), Vec::new(), Vec::new());
            if row.post.lang != row.post.source_lang {
                let source = rows::load(c, row.post_row, None)?;
                let blocks = sql::source_blocks(c, source.version_id, &source.post.text)?;
                let translated = sql::units(c, row.version_id)?;
                units_out = states(&blocks, &translated);
                unit_texts = translated
                    .into_iter()
                    .map(|u| UnitText {
                        block: u.block,
                        text: u.text,
                        source_hash: u.source_hash,
                        source_text: u.source_text,
                    })
                    .collect();
            } else {
                block_ids = sql::stored_ids(c, row.version_id)?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
            }
            Ok(SiteVersion {
                version_uid: row.version_uid,
                post_uid: row.post.id,
                lang: row.post.lang,
                source_lang: row.post.source_lang,
                text: row.post.text,
                units: units_out,
                unit_texts,
                block_ids,
                status: SiteStatus::Draft,
                figures: None,
            })
        })
    }

    /// The JSON body of a create or an update of this version.
    pub fn to_wp(&self) -> Value {
        let t = &self.text;
        let mut body = json!({
            "title": t.title,
            "slug": t.slug,
            "content": match &self.figures {
                Some(figures) => render::document_with_assets(&t.body, &self.lang, figures),
                None => render::document(&t.body, &self.lang),
            },
            "excerpt": t.summary,
            "meta": {
                "valise_version_uid": self.version_uid,
                "valise_post_uid": self.post_uid,
                "valise_lang": self.lang,
                "valise_source_lang": self.source_lang,
                "valise_markdown": t.body,
                "valise_summary": t.summary,
                "valise_share_text": t.share_text,
                "valise_place_line": t.place_line,
                "valise_author": t.author,
                "valise_tags": serde_json::to_string(&t.tags).expect("strings serialise"),
                "valise_units": self.units_meta(),
            },
        });
        if let Some(figures) = &self.figures {
            // What the site's preflight hashes with the text (see the plugin's README).
            body["meta"]["valise_assets"] =
                Value::String(serde_json::to_string(&figures.signed).expect("strings serialise"));
        }
        let fields = body.as_object_mut().expect("a JSON object");
        fields.extend(status_fields(self.status));
        body
    }

    /// As `to_wp`, without the status: a text update leaves a published
    /// post published (status changes go through `set_status`).
    pub fn to_wp_text(&self) -> Value {
        let mut body = self.to_wp();
        let fields = body.as_object_mut().expect("a JSON object");
        fields.remove("status");
        fields.remove("date_gmt");
        if self.figures.is_none() {
            fields.remove("content");
        }
        body
    }

    /// Whether the site holds this very text: what a write whose answer was
    /// lost left there. The slug is left out (WordPress may have made it
    /// unique).
    pub fn same_text(&self, other: &SiteVersion) -> bool {
        let (a, b) = (&self.text, &other.text);
        self.version_uid == other.version_uid
            && self.post_uid == other.post_uid
            && self.lang == other.lang
            && self.source_lang == other.source_lang
            && a.title == b.title
            && a.body == b.body
            && a.summary == b.summary
            && a.share_text == b.share_text
            && a.place_line == b.place_line
            && a.author == b.author
            && a.tags == b.tags
            && self.units == other.units
            && self.unit_texts == other.unit_texts
            && self.block_ids == other.block_ids
    }

    /// Whether the site's status is the one sent, leaving out the date
    /// WordPress gives a post published without one.
    pub fn same_status(&self, other: &SiteVersion) -> bool {
        match (self.status, other.status) {
            (SiteStatus::Published { at_ms: None }, SiteStatus::Published { .. }) => true,
            (x, y) => x == y,
        }
    }
}

/// The `status` (and `date_gmt`) fields that put a post in `status`.
pub(crate) fn status_fields(status: SiteStatus) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    fields.insert("status".into(), Value::String(status.wire().into()));
    if let Some(ms) = status.date_ms() {
        fields.insert("date_gmt".into(), Value::String(wp_date(ms)));
    } else if status == (SiteStatus::Published { at_ms: None }) {
        // Published now: dated now. A post scheduled before keeps its future
        // date otherwise, and WordPress would schedule it again.
        fields.insert(
            "date_gmt".into(),
            Value::String(wp_date(Utc::now().timestamp_millis())),
        );
    }
    fields
}

/// The state of each source block in a translation made of `translated`,
/// against the source's `blocks` (header blocks, then body blocks with ids).
pub fn states(blocks: &[Block], translated: &[Unit]) -> Vec<SiteUnit> {
    units::status(blocks, translated)
        .into_iter()
        .map(|b| SiteUnit {
            block: b.block,
            state: b.state,
        })
        .collect()
}

impl SiteVersion {
    /// `valise_units`: `blocks` (the states) for the plugin, and beside them
    /// what only desktops read.
    fn units_meta(&self) -> String {
        if self.units.is_empty() && self.unit_texts.is_empty() && self.block_ids.is_empty() {
            return String::new();
        }
        let mut meta = json!({ "blocks": self.units });
        if !self.unit_texts.is_empty() {
            meta["units"] = json!(self.unit_texts);
        }
        if !self.block_ids.is_empty() {
            meta["block_ids"] = json!(self.block_ids);
        }
        meta.to_string()
    }
}

/// WordPress's `date_gmt`: ISO 8601 without a zone.
fn wp_date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// A post as `/wp/v2/posts` answers it with `context=edit`.
#[derive(Debug, Deserialize)]
pub(crate) struct WpPost {
    id: u64,
    status: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    date_gmt: Option<String>,
    title: WpRaw,
    meta: WpMeta,
}

#[derive(Debug, Deserialize)]
struct WpRaw {
    /// Present with `context=edit` only.
    raw: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WpMeta {
    valise_version_uid: String,
    valise_post_uid: String,
    valise_lang: String,
    valise_source_lang: String,
    valise_markdown: String,
    valise_summary: String,
    valise_share_text: String,
    valise_place_line: String,
    valise_author: String,
    valise_tags: String,
    valise_units: String,
    valise_rev: u64,
}

#[derive(Deserialize)]
struct UnitsMeta {
    #[serde(default)]
    blocks: Vec<SiteUnit>,
    #[serde(default)]
    units: Vec<UnitText>,
    #[serde(default)]
    block_ids: Vec<String>,
}

impl WpPost {
    /// The version this post holds; `url` and `label` name the source in errors.
    pub(crate) fn into_site_post(self, label: &str, url: &str) -> Result<SitePost> {
        let garbage = |what: String| Error::BackendGarbage {
            backend: label.to_string(),
            what: format!("{url}: post {}: {what}", self.id),
        };
        let m = &self.meta;
        if m.valise_version_uid.is_empty()
            || m.valise_post_uid.is_empty()
            || m.valise_lang.is_empty()
        {
            return Err(garbage(
                "expected a Valise post (meta valise_version_uid, valise_post_uid and valise_lang)"
                    .into(),
            ));
        }
        let title = self.title.raw.clone().ok_or_else(|| {
            garbage("expected the raw title (is the user allowed to edit this post?)".into())
        })?;
        let tags: Vec<String> = if m.valise_tags.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&m.valise_tags).map_err(|_| {
                garbage(format!(
                    "valise_tags should be a JSON array of strings, not {:?}",
                    m.valise_tags
                ))
            })?
        };
        let units = if m.valise_units.is_empty() {
            UnitsMeta {
                blocks: Vec::new(),
                units: Vec::new(),
                block_ids: Vec::new(),
            }
        } else {
            serde_json::from_str::<UnitsMeta>(&m.valise_units).map_err(|e| {
                garbage(format!(
                    "valise_units is not the block states Valise writes ({e})"
                ))
            })?
        };
        let date = self.date_gmt.as_deref().and_then(parse_wp_date);
        let status = match self.status.as_str() {
            "draft" | "auto-draft" => SiteStatus::Draft,
            "pending" => SiteStatus::Pending,
            "future" => SiteStatus::Scheduled {
                at_ms: date.ok_or_else(|| garbage("a scheduled post without date_gmt".into()))?,
            },
            "publish" => SiteStatus::Published { at_ms: date },
            "private" => SiteStatus::Private,
            "trash" => SiteStatus::Trash,
            other => return Err(garbage(format!("unknown status '{other}'"))),
        };
        let m = self.meta;
        Ok(SitePost {
            id: self.id,
            rev: m.valise_rev,
            version: SiteVersion {
                version_uid: m.valise_version_uid,
                post_uid: m.valise_post_uid,
                source_lang: if m.valise_source_lang.is_empty() {
                    m.valise_lang.clone()
                } else {
                    m.valise_source_lang
                },
                lang: m.valise_lang,
                text: PostText {
                    title,
                    slug: self.slug,
                    summary: m.valise_summary,
                    body: m.valise_markdown,
                    tags,
                    place_line: m.valise_place_line,
                    share_text: m.valise_share_text,
                    author: m.valise_author,
                },
                units: units.blocks,
                unit_texts: units.units,
                block_ids: units.block_ids,
                status,
                figures: None,
            },
        })
    }
}

fn parse_wp_date(text: &str) -> Option<i64> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|d| d.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version() -> SiteVersion {
        SiteVersion {
            version_uid: "v-1".into(),
            post_uid: "p-1".into(),
            lang: "fr".into(),
            source_lang: "fr".into(),
            text: PostText {
                title: "Le sommet".into(),
                slug: "le-sommet".into(),
                summary: "En bref".into(),
                body: "La délégation part : lundi !".into(),
                tags: vec!["climat".into(), "ONU".into()],
                place_line: "Paris, 3 mars".into(),
                share_text: "À lire".into(),
                author: "Service de presse".into(),
            },
            units: Vec::new(),
            unit_texts: Vec::new(),
            block_ids: vec!["b1".into(), "b2".into()],
            status: SiteStatus::Scheduled {
                at_ms: 1_795_000_000_000,
            },
            figures: None,
        }
    }

    /// What WordPress answers for what `to_wp` sent (context=edit).
    fn as_site_answers(sent: &Value, id: u64, rev: u64) -> Value {
        json!({
            "id": id, "status": sent["status"], "slug": sent["slug"],
            "date_gmt": sent.get("date_gmt").cloned().unwrap_or(Value::Null),
            "title": {"raw": sent["title"], "rendered": "x"},
            "content": {"raw": sent["content"], "rendered": "x"},
            "meta": {
                "valise_rev": rev,
                "valise_version_uid": sent["meta"]["valise_version_uid"],
                "valise_post_uid": sent["meta"]["valise_post_uid"],
                "valise_lang": sent["meta"]["valise_lang"],
                "valise_source_lang": sent["meta"]["valise_source_lang"],
                "valise_markdown": sent["meta"]["valise_markdown"],
                "valise_summary": sent["meta"]["valise_summary"],
                "valise_share_text": sent["meta"]["valise_share_text"],
                "valise_place_line": sent["meta"]["valise_place_line"],
                "valise_author": sent["meta"]["valise_author"],
                "valise_tags": sent["meta"]["valise_tags"],
                "valise_units": sent["meta"]["valise_units"],
            }
        })
    }

    #[test]
    fn a_version_goes_to_the_site_and_comes_back_the_same() {
        let v = version();
        let sent = v.to_wp();
        assert_eq!(sent["status"], "future");
        assert_eq!(sent["date_gmt"], "2026-11-18T11:06:40");
        assert_eq!(sent["meta"]["valise_tags"], r#"["climat","ONU"]"#);
        // The HTML is the preview's render, with French no-break spaces.
        let html = sent["content"].as_str().unwrap();
        assert!(
            html.starts_with("<article lang=\"fr\" dir=\"ltr\">"),
            "{html}"
        );
        assert!(
            html.contains("part\u{202f}: lundi\u{202f}!")
                || html.contains("part\u{a0}: lundi\u{202f}!"),
            "{html}"
        );
        let post: WpPost = serde_json::from_value(as_site_answers(&sent, 7, 3)).unwrap();
        let back = post.into_site_post("site", "u").unwrap();
        assert_eq!((back.id, back.rev), (7, 3));
        assert_eq!(back.version, v);
    }

    #[test]
    fn translation_block_states_travel_in_valise_units() {
        let mut v = version();
        v.lang = "en".into();
        v.status = SiteStatus::Draft;
        v.block_ids = Vec::new();
        v.units = vec![
            SiteUnit {
                block: "b1".into(),
                state: BlockState::Current,
            },
            SiteUnit {
                block: "b2".into(),
                state: BlockState::Missing,
            },
        ];
        v.unit_texts = vec![UnitText {
            block: "b1".into(),
            text: "The delegation".into(),
            source_hash: Some("h1".into()),
            source_text: Some("La délégation".into()),
        }];
        let sent = v.to_wp();
        let units: Value =
            serde_json::from_str(sent["meta"]["valise_units"].as_str().unwrap()).unwrap();
        assert_eq!(
            units,
            json!({
                "blocks": [
                    {"block": "b1", "state": "current"},
                    {"block": "b2", "state": "missing"}
                ],
                "units": [{"block": "b1", "text": "The delegation",
                           "source_hash": "h1", "source_text": "La délégation"}]
            })
        );
        assert!(v.to_wp_text().get("status").is_none());
        assert!(sent.get("date_gmt").is_none());
        let post: WpPost = serde_json::from_value(as_site_answers(&sent, 8, 1)).unwrap();
        assert_eq!(post.into_site_post("s", "u").unwrap().version, v);
    }

    #[test]
    fn a_post_that_is_not_a_valise_post_or_has_bad_meta_is_garbage_naming_the_url() {
        let mut answer = as_site_answers(&version().to_wp(), 9, 1);
        answer["meta"]["valise_tags"] = json!("not json");
        let post: WpPost = serde_json::from_value(answer.clone()).unwrap();
        let err = post.into_site_post("the site", "http://x/p/9").unwrap_err();
        assert_eq!(err.code(), "backend_garbage");
        assert!(err.to_string().contains("http://x/p/9"), "{err}");
        assert!(err.to_string().contains("valise_tags"), "{err}");
        answer["meta"]["valise_version_uid"] = json!("");
        let post: WpPost = serde_json::from_value(answer).unwrap();
        let err = post.into_site_post("the site", "u").unwrap_err();
        assert!(err.to_string().contains("expected a Valise post"), "{err}");
    }

    #[test]
    fn the_same_content_ignores_the_slug_and_the_date_wordpress_gives() {
        let mut sent = version();
        sent.status = SiteStatus::Published { at_ms: None };
        let mut there = sent.clone();
        there.text.slug = "le-sommet-2".into();
        there.status = SiteStatus::Published {
            at_ms: Some(1_795_000_000_000),
        };
        assert!(sent.same_text(&there) && sent.same_status(&there));
        there.status = SiteStatus::Draft;
        assert!(sent.same_text(&there) && !sent.same_status(&there));
        there.text.body.push_str(" Ajout.");
        assert!(!sent.same_text(&there));
    }
}
