//! Translations. A post's source version is cut into blocks with stable ids
//! (`blocks`, `identity`, `source`); each translation is a language version
//! whose units remember which source block they translate and the source text
//! they were translated from (`units`), so Valise can say per paragraph what is
//! current, outdated, missing or orphaned. Every change goes through the one
//! write path: `text_written` runs inside the transaction of each text write.

pub mod blocks;
pub mod diff;
mod face;
pub mod identity;
pub mod source;
pub(crate) mod sql;
pub mod units;
mod upgrade;
pub mod xliff;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::Result;
use crate::languages;
use crate::posts::revisions::RevisionKind;
use crate::posts::rows::{self, VersionRow};
use crate::posts::PostText;
use crate::store::write::{ChangeAction, RecordKind, WriteTx};
pub use blocks::BlockKind;
pub use diff::TextPart;
pub use face::Translations;
pub(crate) use face::{add_version, add_version_as, record_plan};
use source::Block;
pub use units::{BlockState, BlockStatus, Unit, UnitText};
pub(crate) use upgrade::upgrade_to_3;

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

impl Completeness {
    /// A translation's state from its counts of outdated, missing and orphaned blocks.
    fn of_translation((outdated, missing, orphaned): (u32, u32, u32)) -> Self {
        if outdated + missing + orphaned == 0 {
            Completeness::Complete
        } else {
            Completeness::Outdated {
                outdated,
                missing,
                orphaned,
            }
        }
    }

    fn not_planned((by, reason, at): (String, String, i64)) -> Self {
        Completeness::NotPlanned {
            by,
            reason,
            at: clock::to_text(at),
        }
    }
}

/// The languages a post is shown in: its source first, then the site's
/// languages in order, then any other language it has.
fn language_order<'a>(
    source_lang: &'a str,
    site: &'a [String],
    others: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut order = vec![source_lang];
    for l in site.iter().map(String::as_str).chain(others) {
        if !order.contains(&l) {
            order.push(l);
        }
    }
    order
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
    language_order(source_lang, site, versions.iter().map(|v| v.0.as_str()))
        .into_iter()
        .map(|lang| {
            let completeness = if lang == source_lang {
                Completeness::Source
            } else if let Some((_, o, m, r)) = versions.iter().find(|v| v.0 == lang) {
                Completeness::of_translation((*o, *m, *r))
            } else if let Some((_, by, reason, at)) = plans.iter().find(|p| p.0 == lang) {
                Completeness::not_planned((by.clone(), reason.clone(), *at))
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

/// The preview of a translation being written block by block: the body its
/// units make (as `Translations::save` would store it), rendered for `lang`.
pub fn preview(units: &[UnitText], lang: &str) -> crate::render::Preview {
    crate::render::preview(&body_of(units), lang)
}

/// The body a translation's units make, as `Translations::save` would store it.
pub fn body_of(units: &[UnitText]) -> String {
    units::compose(units, &PostText::default()).body
}

/// Who is deciding, when nobody is named: the desktop's user name.
pub fn desktop_user() -> Option<String> {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// How a language version's text was just written.
pub(crate) enum TextChange<'a> {
    /// As a whole; `minor` marks a source change that translations need not follow.
    Whole { minor: bool },
    /// Unit by unit (the side-by-side editor): the units say which block is which.
    Units(&'a [UnitText]),
    /// A source text whose body blocks keep the ids they had when exported, in
    /// order (an import; the caller checked there is one id per block).
    SourceIds(&'a [String]),
    /// Units made elsewhere, each saying which source text it was translated
    /// from (a Markdown export read back, a translation tool's XLIFF), so an
    /// outdated block comes in outdated.
    Given(&'a [Unit]),
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
    let body = match change {
        TextChange::SourceIds(ids) => source::with_ids(&new.body, ids),
        _ => source::continue_ids(&before_body, &new.body),
    };
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
        recount(tx, version_id, &now, &units)?;
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
        TextChange::Given(units) => units::restored(&source, units),
        TextChange::Whole { .. } | TextChange::SourceIds(_) => {
            units::from_text(&source, &previous, new)
        }
    };
    sql::write_units(tx, row.version_id, &units)?;
    recount(tx, row.version_id, &source, &units)
}

/// Keeps a translation's counts (what lists filter on) in step with its units.
fn recount(tx: &WriteTx, version_id: i64, source: &[Block], units: &[Unit]) -> Result<()> {
    sql::write_counts(tx, version_id, units::counts(&units::status(source, units)))
}
