//! Asset references resolved for one language: for rendering (which file,
//! which alt text and caption, the URL the caller names it by) and for
//! preflight (dangling, no file for the language, no alt text).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::{store, usage, Assets, Format};
use crate::error::{Error, Result};
use crate::render::{self, AssetResolver, Figure, Preview, Resolved};
use crate::workflow::rules::AssetRef;

/// The file a rendered figure shows, for the caller to name by a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLink<'a> {
    pub asset_id: &'a str,
    pub sha256: &'a str,
    pub format: Format,
}

/// How a reference stands in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefState {
    Found {
        asset_id: String,
        /// Whether the asset has alt text in the language.
        has_alt: bool,
    },
    /// No asset has that id (or the prefix names more than one).
    Dangling(String),
    /// The asset has no file for the language, nor one for every language.
    NoVariant { asset_id: String },
}

struct Row {
    asset_row: i64,
    /// The whole id the reference names (an alias's, through one).
    named: String,
    asset_id: String,
    name: String,
    variant_lang: String,
    byte_size: u64,
    sha256: String,
    format: String,
    width: Option<u32>,
    height: Option<u32>,
    alt: String,
    caption: String,
}

/// Looks `reference` up for `lang`.
fn look_up(
    c: &Connection,
    reference: &str,
    lang: &str,
) -> Result<std::result::Result<Row, RefState>> {
    let (row, named) = match store::find_named(c, reference) {
        Ok(found) => found,
        Err(Error::AssetNotFound { .. }) => {
            return Ok(Err(RefState::Dangling(format!(
                "there is no asset {reference}"
            ))))
        }
        Err(Error::AmbiguousId { candidates, .. }) => {
            return Ok(Err(RefState::Dangling(format!(
                "{reference} is the start of more than one asset id ({candidates})"
            ))))
        }
        Err(e) => return Err(e),
    };
    let found = c
        .prepare_cached(
            "SELECT a.uid, f.sha256, f.format, f.width, f.height, \
               coalesce(t.alt, ''), coalesce(t.caption, ''), a.id, a.name, v.lang, f.byte_size \
             FROM assets a JOIN asset_variants v ON v.asset_id = a.id \
             JOIN asset_files f ON f.variant_id = v.id \
             LEFT JOIN asset_texts t ON t.asset_id = a.id AND t.lang = ?2 \
             WHERE a.id = ?1 AND v.lang IN (?2, '') \
             ORDER BY v.lang = '' , f.number DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![row, lang], |r| {
            Ok(Row {
                asset_id: r.get(0)?,
                sha256: r.get(1)?,
                format: r.get(2)?,
                width: r.get(3)?,
                height: r.get(4)?,
                alt: r.get(5)?,
                caption: r.get(6)?,
                asset_row: r.get(7)?,
                named: named.clone(),
                name: r.get(8)?,
                variant_lang: r.get(9)?,
                byte_size: r.get::<_, i64>(10)? as u64,
            })
        })
        .optional()?;
    match found {
        Some(found) => Ok(Ok(found)),
        None => {
            let asset_id: String = c
                .prepare_cached("SELECT uid FROM assets WHERE id = ?1")?
                .query_row([row], |r| r.get(0))?;
            Ok(Err(RefState::NoVariant { asset_id }))
        }
    }
}

/// How `reference` stands in `lang` (for preflight).
pub(crate) fn check(c: &Connection, reference: &str, lang: &str) -> Result<RefState> {
    if reference.is_empty() {
        return Ok(RefState::Dangling("the reference names no asset".into()));
    }
    Ok(match look_up(c, reference, lang)? {
        Ok(row) => RefState::Found {
            has_alt: !row.alt.trim().is_empty(),
            asset_id: row.asset_id,
        },
        Err(state) => state,
    })
}

/// The assets a body shows in `lang`, each with the checksum of the file it
/// shows: part of what a validator signs, so a new version of the file voids
/// the signature. References that resolve to nothing are left out (preflight
/// reports them), so a typo's correction is judged by the body's own change.
pub(crate) fn shown_in(c: &Connection, body: &str, lang: &str) -> Result<Vec<AssetRef>> {
    let mut out = Vec::new();
    for r in usage::asset_refs(body) {
        if r.is_empty() {
            continue;
        }
        if let Ok(row) = look_up(c, &r, lang)? {
            out.push(AssetRef {
                id: row.named,
                checksum: row.sha256,
            });
        }
    }
    Ok(out)
}

/// One figure a body shows in a language, with what publishing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    /// As written after `asset:`.
    pub reference: String,
    pub asset_id: String,
    /// The whole id the reference names, as a signature covers it (an
    /// alias's when it goes through one; else `asset_id`).
    pub signed_id: String,
    pub name: String,
    /// The variant's language; `None` for the file of every language.
    pub variant_lang: Option<String>,
    pub sha256: String,
    pub format: Format,
    pub byte_size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// In the body's language.
    pub alt: String,
    pub caption: String,
    /// What the file itself carries on a backend, where one file has one alt
    /// text: its own language's for a language's variant; for the file of
    /// every language, the source language's when it has one, else this one's.
    pub file_alt: String,
    pub file_caption: String,
}

/// The figures `body` shows in `lang`, in order, each once; references that
/// resolve to nothing are left out (they render as placeholders, and
/// preflight reports them). Answers whether any was left out.
pub(crate) fn published(
    c: &Connection,
    body: &str,
    lang: &str,
    source_lang: &str,
) -> Result<(Vec<Shown>, bool)> {
    let mut out = Vec::new();
    let mut unresolved = false;
    for r in usage::asset_refs(body) {
        let row = if r.is_empty() {
            None
        } else {
            look_up(c, &r, lang)?.ok()
        };
        let Some(row) = row else {
            unresolved = true;
            continue;
        };
        let format = Format::parse(&row.format)
            .ok_or_else(|| Error::corrupt(format!("asset file format '{}'", row.format)))?;
        let (file_alt, file_caption) = if row.variant_lang.is_empty() && lang != source_lang {
            let source: Option<(String, String)> = c
                .prepare_cached(
                    "SELECT alt, caption FROM asset_texts WHERE asset_id = ?1 AND lang = ?2",
                )?
                .query_row(rusqlite::params![row.asset_row, source_lang], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match source {
                Some((alt, caption)) if !alt.trim().is_empty() => (alt, caption),
                _ => (row.alt.clone(), row.caption.clone()),
            }
        } else {
            (row.alt.clone(), row.caption.clone())
        };
        out.push(Shown {
            reference: r,
            variant_lang: (!row.variant_lang.is_empty()).then_some(row.variant_lang),
            asset_id: row.asset_id,
            signed_id: row.named,
            name: row.name,
            sha256: row.sha256,
            format,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
            alt: row.alt,
            caption: row.caption,
            file_alt,
            file_caption,
        });
    }
    Ok((out, unresolved))
}

/// Every reference of one body, resolved for one language.
struct Figures(HashMap<String, Resolved>);

impl AssetResolver for Figures {
    fn resolve(&self, reference: &str) -> Resolved {
        self.0
            .get(reference)
            .cloned()
            .unwrap_or_else(|| Resolved::Missing("it was not looked up".into()))
    }
}

impl Assets<'_> {
    fn figures(
        &self,
        markdown: &str,
        lang: &str,
        url_of: &dyn Fn(FileLink) -> String,
    ) -> Result<Figures> {
        let refs = usage::asset_refs(markdown);
        if refs.is_empty() {
            return Ok(Figures(HashMap::new()));
        }
        self.lib
            .read(|c| {
                let mut out = HashMap::new();
                for r in refs {
                    let resolved = if r.is_empty() {
                        Resolved::Missing("the reference names no asset".into())
                    } else {
                        match look_up(c, &r, lang)? {
                            Ok(row) => {
                                let format = Format::parse(&row.format).ok_or_else(|| {
                                    Error::corrupt(format!("asset file format '{}'", row.format))
                                })?;
                                Resolved::Figure(Figure {
                                    url: url_of(FileLink {
                                        asset_id: &row.asset_id,
                                        sha256: &row.sha256,
                                        format,
                                    }),
                                    alt: row.alt,
                                    caption: row.caption,
                                    width: row.width,
                                    height: row.height,
                                })
                            }
                            Err(RefState::Dangling(why)) => Resolved::Missing(why),
                            Err(RefState::NoVariant { .. }) => {
                                Resolved::Missing(format!("it has no file for {lang}"))
                            }
                            Err(RefState::Found { .. }) => {
                                unreachable!("look_up answers a row when found")
                            }
                        }
                    };
                    out.insert(r, resolved);
                }
                Ok(out)
            })
            .map(Figures)
    }

    /// `render::to_html` with each asset drawn for `lang`; `url_of` names the
    /// file (the window's URL scheme, or the backend's media URL).
    pub fn html(
        &self,
        markdown: &str,
        lang: &str,
        url_of: &dyn Fn(FileLink) -> String,
    ) -> Result<String> {
        let figures = self.figures(markdown, lang, url_of)?;
        Ok(render::to_html_with_assets(markdown, lang, &figures))
    }

    /// `render::document` (the published form) with each asset drawn for `lang`.
    pub fn document(
        &self,
        markdown: &str,
        lang: &str,
        url_of: &dyn Fn(FileLink) -> String,
    ) -> Result<String> {
        let figures = self.figures(markdown, lang, url_of)?;
        Ok(render::document_with_assets(markdown, lang, &figures))
    }

    /// The window's preview: each asset drawn for `lang` from the window's
    /// asset URL scheme (see `serve`).
    pub fn window_preview(&self, markdown: &str, lang: &str) -> Result<Preview> {
        self.preview(markdown, lang, &|link| super::serve::file_url(link.sha256))
    }

    /// `render::preview` with each asset drawn for `lang`.
    pub fn preview(
        &self,
        markdown: &str,
        lang: &str,
        url_of: &dyn Fn(FileLink) -> String,
    ) -> Result<Preview> {
        let figures = self.figures(markdown, lang, url_of)?;
        Ok(render::preview_with_assets(markdown, lang, Some(&figures)))
    }
}

/// The size an SVG is drawn at, in whole pixels; the error says why it cannot be drawn.
pub(crate) fn svg_size(svg: &[u8]) -> std::result::Result<(u32, u32), String> {
    let tree = resvg::usvg::Tree::from_data(svg, &resvg::usvg::Options::default())
        .map_err(|e| format!("the SVG cannot be drawn ({e})"))?;
    let size = tree.size();
    Ok((
        size.width().round().max(1.0) as u32,
        size.height().round().max(1.0) as u32,
    ))
}
