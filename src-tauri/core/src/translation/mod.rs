//! Translations. A post's source version is cut into blocks with stable ids
//! (`blocks`, `identity`, `source`); each translation is a language version
//! whose units remember which source block they translate and the source text
//! they were translated from (`units`), so Valise can say per paragraph what is
//! current, outdated, missing or orphaned. Every change goes through the one
//! write path: `text_written` runs inside the transaction of each text write.

pub mod blocks;
pub mod identity;
pub mod source;
pub(crate) mod sql;
pub mod units;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Result};
use crate::languages;
use crate::library::Library;
use crate::posts::revisions::{self, RevisionKind, SaveOutcome, SaveRequest};
use crate::posts::rows::{self, VersionRow};
use crate::posts::{Post, PostText};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};
pub use blocks::BlockKind;
pub use units::{BlockState, BlockStatus, UnitText};

/// Where a language stands for one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Completeness {
    /// The language the post is written in.
    Source,
    /// Every source block translated from its current text.
    Complete,
    /// Some blocks need work.
    Outdated {
        outdated: u32,
        missing: u32,
        orphaned: u32,
    },
    /// No version in this language yet.
    Missing,
    /// Someone decided this post will not be translated into this language.
    NotPlanned {
        by: String,
        reason: String,
        at: String,
    },
}

/// A language of a post and where it stands, as the library list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LanguageState {
    pub lang: String,
    pub completeness: Completeness,
}

/// Where each language of a post stands, from its versions' kept counts
/// (lang, outdated, missing, orphaned) and its "not planned" decisions (lang,
/// who, why, when): the site's languages in order, the source first, then any
/// other language the post has.
pub(crate) fn completeness(
    source_lang: &str,
    site: &[String],
    versions: &[(String, u32, u32, u32)],
    plans: &[(String, String, String, i64)],
) -> Vec<LanguageState> {
    let mut order: Vec<&str> = vec![source_lang];
    for l in site
        .iter()
        .map(String::as_str)
        .chain(versions.iter().map(|v| v.0.as_str()))
    {
        if !order.contains(&l) {
            order.push(l);
        }
    }
    order
        .into_iter()
        .map(|lang| {
            let completeness = if lang == source_lang {
                Completeness::Source
            } else if let Some((_, outdated, missing, orphaned)) =
                versions.iter().find(|v| v.0 == lang)
            {
                if outdated + missing + orphaned == 0 {
                    Completeness::Complete
                } else {
                    Completeness::Outdated {
                        outdated: *outdated,
                        missing: *missing,
                        orphaned: *orphaned,
                    }
                }
            } else if let Some((_, by, reason, at)) = plans.iter().find(|p| p.0 == lang) {
                Completeness::NotPlanned {
                    by: by.clone(),
                    reason: reason.clone(),
                    at: clock::to_text(*at),
                }
            } else {
                Completeness::Missing
            };
            LanguageState {
                lang: lang.to_string(),
                completeness,
            }
        })
        .collect()
}

/// One site language of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LanguageStatus {
    pub lang: String,
    pub name: String,
    pub dir: languages::TextDirection,
    pub completeness: Completeness,
    /// The latest revision of this language version, if it exists.
    #[ts(type = "number | null")]
    pub revision: Option<i64>,
    /// Block by block, in the source's order (translations only).
    pub blocks: Vec<BlockStatus>,
}

/// Every site language of a post, the source first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TranslationStatus {
    pub id: String,
    pub source_lang: String,
    pub languages: Vec<LanguageStatus>,
}

/// A translation saved block by block from the side-by-side editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TranslationSave {
    pub id: String,
    pub lang: String,
    pub units: Vec<UnitText>,
    pub kind: RevisionKind,
    /// The revision this text was made from (see `SaveRequest::base`).
    #[ts(type = "number | null")]
    pub base: Option<i64>,
}

/// How a language version's text was just written.
pub(crate) enum TextChange<'a> {
    /// As a whole; `minor` marks a source change that translations need not follow.
    Whole { minor: bool },
    /// Unit by unit (the side-by-side editor): the units say which block is which.
    Units(&'a [UnitText]),
}

/// Keeps the translation model in step with a text write, in its transaction:
/// for a source version, its block ids and its translations' counts (and with
/// `minor`, their units follow the change); for a translation, its units.
pub(crate) fn text_written(
    tx: &WriteTx,
    row: &VersionRow,
    old: &PostText,
    new: &PostText,
    change: TextChange,
) -> Result<()> {
    if row.post.lang == row.post.source_lang {
        source_written(tx, row, old, new, change)
    } else {
        translation_written(tx, row, new, change)
    }
}

fn source_written(
    tx: &WriteTx,
    row: &VersionRow,
    old: &PostText,
    new: &PostText,
    change: TextChange,
) -> Result<()> {
    let stored = sql::stored_ids(tx, row.version_id)?;
    let before_body = source::with_stored_ids(&old.body, &stored);
    let body = source::continue_ids(&before_body, &new.body);
    let ids_moved = body.len() != stored.len()
        || body
            .iter()
            .zip(&stored)
            .any(|(b, (id, hash))| b.id != *id || b.hash != *hash);
    if ids_moved {
        sql::write_source_blocks(tx, row.version_id, &stored, &body)?;
    }
    let mut before = source::header_blocks(old);
    before.extend(before_body);
    let mut now = source::header_blocks(new);
    now.extend(body);
    let same = before.len() == now.len()
        && before
            .iter()
            .zip(&now)
            .all(|(a, b)| a.id == b.id && a.hash == b.hash);
    if same {
        return Ok(());
    }
    let minor = matches!(change, TextChange::Whole { minor: true });
    for (version_id, version_uid, lang) in sql::translations_of(tx, row.post_row)? {
        let mut units = sql::units(tx, version_id)?;
        if minor {
            let mut followed = false;
            for unit in units.iter_mut() {
                let was = before.iter().find(|b| b.id == unit.block);
                let is = now.iter().find(|b| b.id == unit.block);
                if let (Some(was), Some(is)) = (was, is) {
                    if was.hash != is.hash && unit.source_hash.as_deref() == Some(&was.hash) {
                        unit.source_hash = Some(is.hash.clone());
                        unit.source_text = Some(is.text.clone());
                        followed = true;
                    }
                }
            }
            if followed {
                sql::write_units(tx, version_id, &units)?;
                tx.touched(
                    RecordKind::LanguageVersion,
                    &version_uid,
                    ChangeAction::Updated,
                    &row.post.id,
                    Some(&lang),
                );
            }
        }
        sql::write_counts(tx, version_id, units::counts(&units::status(&now, &units)))?;
    }
    Ok(())
}

fn translation_written(
    tx: &WriteTx,
    row: &VersionRow,
    new: &PostText,
    change: TextChange,
) -> Result<()> {
    let source_row = rows::load(tx, row.post_row, None)?;
    let source = sql::source_blocks(tx, source_row.version_id, &source_row.post.text)?;
    let previous = sql::units(tx, row.version_id)?;
    let units = match change {
        TextChange::Units(sent) => units::from_unit_texts(&source, &previous, sent),
        TextChange::Whole { .. } => units::from_text(&source, &previous, new),
    };
    sql::write_units(tx, row.version_id, &units)?;
    sql::write_counts(
        tx,
        row.version_id,
        units::counts(&units::status(&source, &units)),
    )
}

/// The translations of a library: `library.translations()`.
pub struct Translations<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn translations(&self) -> Translations<'_> {
        Translations { lib: self }
    }
}

impl Translations<'_> {
    /// Starts the `lang` version of a post, from a translated text if one is
    /// given: its blocks are paired with the source's in order and by kind, and
    /// taken as translated from the source as it is now.
    pub fn add(&self, id: &str, lang: &str, text: PostText) -> Result<Post> {
        self.lib.languages().check(lang)?;
        self.lib.change(|tx| {
            let source = rows::load_by_id(tx, id, None)?;
            if source.post.lang == lang {
                return Err(Error::IsTheSource {
                    id: source.post.id.clone(),
                    lang: lang.to_string(),
                });
            }
            if rows::languages_of(tx, source.post_row)?
                .iter()
                .any(|l| l == lang)
            {
                return Err(Error::TranslationExists {
                    id: source.post.id.clone(),
                    lang: lang.to_string(),
                });
            }
            let text = PostText {
                slug: if text.slug.is_empty() {
                    crate::posts::slugify(&text.title)
                } else {
                    text.slug.clone()
                },
                ..text
            }
            .normalized();
            let mut row = rows::insert_version(tx, source.post_row, lang, &text, tx.now())?;
            row.post.revision = revisions::insert(tx, &row, 1, &text, RevisionKind::Created)?;
            text_written(
                tx,
                &row,
                &PostText::default(),
                &text,
                TextChange::Whole { minor: false },
            )?;
            forget_plan(tx, &source, lang)?;
            Ok(rows::load(tx, source.post_row, Some(lang))?.post)
        })
    }

    /// Every site language of a post with its state, block by block for translations.
    pub fn status(&self, id: &str) -> Result<TranslationStatus> {
        let site = self.lib.languages().clone();
        self.lib.read(|c| {
            let source_row = rows::load_by_id(c, id, None)?;
            let source = sql::source_blocks(c, source_row.version_id, &source_row.post.text)?;
            let mut order: Vec<String> = vec![source_row.post.lang.clone()];
            for l in site.codes() {
                if !order.contains(l) {
                    order.push(l.clone());
                }
            }
            for l in rows::languages_of(c, source_row.post_row)? {
                if !order.contains(&l) {
                    order.push(l);
                }
            }
            let mut languages = Vec::new();
            for lang in order {
                let described = languages::describe(&lang);
                let (completeness, revision, blocks) = if lang == source_row.post.lang {
                    (
                        Completeness::Source,
                        Some(source_row.post.revision),
                        Vec::new(),
                    )
                } else {
                    match rows::load(c, source_row.post_row, Some(&lang)) {
                        Ok(row) => {
                            let units = sql::units(c, row.version_id)?;
                            let blocks = units::status(&source, &units);
                            let (outdated, missing, orphaned) = units::counts(&blocks);
                            let completeness = if outdated + missing + orphaned == 0 {
                                Completeness::Complete
                            } else {
                                Completeness::Outdated {
                                    outdated,
                                    missing,
                                    orphaned,
                                }
                            };
                            (completeness, Some(row.post.revision), blocks)
                        }
                        Err(Error::LanguageNotFound { .. }) => {
                            let completeness = match sql::plan(c, source_row.post_row, &lang)? {
                                Some((by, reason, at)) => Completeness::NotPlanned {
                                    by,
                                    reason,
                                    at: clock::to_text(at),
                                },
                                None => Completeness::Missing,
                            };
                            (completeness, None, Vec::new())
                        }
                        Err(e) => return Err(e),
                    }
                };
                languages.push(LanguageStatus {
                    lang,
                    name: described.name,
                    dir: described.dir,
                    completeness,
                    revision,
                    blocks,
                });
            }
            Ok(TranslationStatus {
                id: source_row.post.id.clone(),
                source_lang: source_row.post.lang.clone(),
                languages,
            })
        })
    }

    /// Marks outdated blocks of a translation as reviewed: translated from the
    /// source as it is now. No `blocks` means every outdated block. A block
    /// with no translation cannot be marked: it is an error naming it.
    pub fn mark_current(
        &self,
        id: &str,
        lang: &str,
        blocks: &[String],
    ) -> Result<TranslationStatus> {
        self.lib.change(|tx| {
            let row = rows::load_by_id(tx, id, Some(lang))?;
            if row.post.lang == row.post.source_lang {
                return Err(Error::IsTheSource {
                    id: row.post.id.clone(),
                    lang: lang.to_string(),
                });
            }
            let source_row = rows::load(tx, row.post_row, None)?;
            let source = sql::source_blocks(tx, source_row.version_id, &source_row.post.text)?;
            let mut units = sql::units(tx, row.version_id)?;
            for wanted in blocks {
                let known = source.iter().any(|b| b.id == *wanted);
                let translated = units
                    .iter()
                    .any(|u| u.block == *wanted && !u.text.trim().is_empty());
                if !known || !translated {
                    return Err(Error::BlockNotTranslated {
                        id: row.post.id.clone(),
                        lang: lang.to_string(),
                        block: wanted.clone(),
                    });
                }
            }
            let mut changed = false;
            for unit in units.iter_mut() {
                if !blocks.is_empty() && !blocks.contains(&unit.block) {
                    continue;
                }
                if unit.text.trim().is_empty() {
                    continue;
                }
                if let Some(b) = source.iter().find(|b| b.id == unit.block) {
                    if unit.source_hash.as_deref() != Some(&b.hash) {
                        unit.source_hash = Some(b.hash.clone());
                        unit.source_text = Some(b.text.clone());
                        changed = true;
                    }
                }
            }
            if changed {
                sql::write_units(tx, row.version_id, &units)?;
                sql::write_counts(
                    tx,
                    row.version_id,
                    units::counts(&units::status(&source, &units)),
                )?;
                tx.touched(
                    RecordKind::LanguageVersion,
                    &row.version_uid,
                    ChangeAction::Updated,
                    &row.post.id,
                    Some(lang),
                );
            }
            Ok(())
        })?;
        self.status(id)
    }

    /// Records that a post will not be translated into `lang`, by whom and why.
    pub fn not_planned(&self, id: &str, lang: &str, by: &str, reason: &str) -> Result<()> {
        self.lib.languages().check(lang)?;
        let (by, reason) = (by.trim(), reason.trim());
        if by.is_empty() || reason.is_empty() {
            return Err(Error::PlanNeedsReason);
        }
        self.lib.change(|tx| {
            let source = rows::load_by_id(tx, id, None)?;
            if source.post.lang == lang {
                return Err(Error::IsTheSource {
                    id: source.post.id.clone(),
                    lang: lang.to_string(),
                });
            }
            if rows::languages_of(tx, source.post_row)?
                .iter()
                .any(|l| l == lang)
            {
                return Err(Error::TranslationExists {
                    id: source.post.id.clone(),
                    lang: lang.to_string(),
                });
            }
            tx.prepare_cached(
                "INSERT INTO translation_plans (post_id, lang, decided_by, reason, decided_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (post_id, lang) DO UPDATE SET \
                 decided_by = excluded.decided_by, reason = excluded.reason, \
                 decided_at = excluded.decided_at",
            )?
            .execute(rusqlite::params![
                source.post_row,
                lang,
                by,
                reason,
                tx.now()
            ])?;
            tx.touched(
                RecordKind::TranslationPlan,
                &plan_id(&source.post.id, lang),
                ChangeAction::Updated,
                &source.post.id,
                Some(lang),
            );
            Ok(())
        })
    }

    /// Saves a translation written block by block (the side-by-side editor).
    pub fn save(&self, save: TranslationSave) -> Result<SaveOutcome> {
        self.lib.change(|tx| {
            let row = rows::load_by_id(tx, &save.id, Some(&save.lang))?;
            let text = units::compose(&save.units, &row.post.text);
            revisions::save_with(
                tx,
                SaveRequest {
                    id: save.id.clone(),
                    lang: save.lang.clone(),
                    text,
                    kind: save.kind,
                    revision_name: None,
                    base: save.base,
                    minor: false,
                },
                TextChange::Units(&save.units),
            )
        })
    }
}

/// The global id of a decision about a post's language (one per post and language).
fn plan_id(post_id: &str, lang: &str) -> String {
    format!("{post_id}/{lang}")
}

/// A translation now exists: a decision not to make it no longer holds.
fn forget_plan(tx: &WriteTx, source: &VersionRow, lang: &str) -> Result<()> {
    let gone = tx
        .prepare_cached("DELETE FROM translation_plans WHERE post_id = ?1 AND lang = ?2")?
        .execute(rusqlite::params![source.post_row, lang])?;
    if gone > 0 {
        tx.touched(
            RecordKind::TranslationPlan,
            &plan_id(&source.post.id, lang),
            ChangeAction::Deleted,
            &source.post.id,
            Some(lang),
        );
    }
    Ok(())
}

/// Schema 3: block ids for every source version, and units for translations
/// that already exist (paired with the source in order and by kind, taken as
/// current: nothing recorded says otherwise).
pub(crate) fn upgrade_to_3(conn: &rusqlite::Connection) -> Result<()> {
    let versions: Vec<(i64, i64, bool, String)> = conn
        .prepare(
            "SELECT v.id, v.post_id, v.lang = p.source_lang, v.body FROM language_versions v \
             JOIN posts p ON p.id = v.post_id ORDER BY v.lang = p.source_lang DESC, v.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert_block = conn.prepare(
        "INSERT INTO source_blocks (version_id, position, block_id, hash) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (version_id, _, is_source, body) in versions.iter().filter(|v| v.2) {
        debug_assert!(is_source);
        for (i, b) in source::continue_ids(&[], body).iter().enumerate() {
            insert_block.execute(rusqlite::params![version_id, i as i64, b.id, b.hash])?;
        }
    }
    for (version_id, post_id, _, _) in versions.iter().filter(|v| !v.2) {
        let source_id: i64 = conn.query_row(
            "SELECT v.id FROM language_versions v JOIN posts p ON p.id = v.post_id \
             WHERE p.id = ?1 AND v.lang = p.source_lang",
            [post_id],
            |r| r.get(0),
        )?;
        let text_of = |id: i64| -> Result<PostText> {
            Ok(conn.query_row(
                "SELECT title, summary, share_text, body FROM language_versions WHERE id = ?1",
                [id],
                |r| {
                    Ok(PostText {
                        title: r.get(0)?,
                        summary: r.get(1)?,
                        share_text: r.get(2)?,
                        body: r.get(3)?,
                        ..PostText::default()
                    })
                },
            )?)
        };
        let source = sql::source_blocks(conn, source_id, &text_of(source_id)?)?;
        let units = units::from_text(&source, &[], &text_of(*version_id)?);
        let mut insert = conn.prepare_cached(
            "INSERT INTO translation_units (version_id, source_block, position, text, source_hash, \
             source_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, u) in units.iter().enumerate() {
            insert.execute(rusqlite::params![
                version_id,
                u.block,
                i as i64,
                u.text,
                u.source_hash,
                u.source_text
            ])?;
        }
        let (o, m, r) = units::counts(&units::status(&source, &units));
        conn.execute(
            "UPDATE language_versions SET blocks_outdated = ?2, blocks_missing = ?3, \
             blocks_orphaned = ?4 WHERE id = ?1",
            rusqlite::params![version_id, o, m, r],
        )?;
    }
    Ok(())
}
