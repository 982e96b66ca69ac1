//! The translations of a library as the app and the CLI use them:
//! `library.translations()`.

use super::sql;
use super::units;
use super::{
    language_order, recount, text_written, Completeness, LanguageStatus, TextChange,
    TranslationSave, TranslationStatus,
};
use crate::error::{Error, Result};
use crate::languages;
use crate::library::Library;
use crate::posts::revisions::{self, RevisionKind, SaveOutcome, SaveRequest};
use crate::posts::rows::{self, VersionRow};
use crate::posts::{Post, PostText};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

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
            let source = source_without(tx, id, lang)?;
            let text = PostText {
                slug: if text.slug.is_empty() {
                    crate::posts::slugify(&text.title)
                } else {
                    text.slug.clone()
                },
                ..text
            }
            .normalized();
            let now = tx.now();
            add_version(
                tx,
                &source,
                lang,
                &text,
                (now, now, RevisionKind::Created),
                TextChange::Whole { minor: false },
            )?;
            Ok(rows::load(tx, source.post_row, Some(lang))?.post)
        })
    }

    /// Every site language of a post with its state, block by block for translations.
    pub fn status(&self, id: &str) -> Result<TranslationStatus> {
        let site = self.lib.languages().clone();
        self.lib.read(|c| {
            let source_row = rows::load_by_id(c, id, None)?;
            let source = sql::source_blocks(c, source_row.version_id, &source_row.post.text)?;
            let present = rows::languages_of(c, source_row.post_row)?;
            let order = language_order(
                &source_row.post.lang,
                site.codes(),
                present.iter().map(String::as_str),
            );
            let mut languages = Vec::new();
            for lang in order {
                let described = languages::describe(lang);
                let (completeness, revision, blocks) = if lang == source_row.post.lang {
                    (
                        Completeness::Source,
                        Some(source_row.post.revision),
                        Vec::new(),
                    )
                } else {
                    match rows::load(c, source_row.post_row, Some(lang)) {
                        Ok(row) => {
                            let units = sql::units(c, row.version_id)?;
                            let mut blocks = units::status(&source, &units);
                            for b in blocks.iter_mut() {
                                if let Some(from) = &b.translated_from {
                                    if b.state == units::BlockState::Outdated {
                                        b.source_changes = super::diff::words(from, &b.source);
                                    }
                                }
                            }
                            let completeness = Completeness::of_translation(units::counts(&blocks));
                            (completeness, Some(row.post.revision), blocks)
                        }
                        Err(Error::LanguageNotFound { .. }) => {
                            let completeness = sql::plan(c, source_row.post_row, lang)?
                                .map_or(Completeness::Missing, Completeness::not_planned);
                            (completeness, None, Vec::new())
                        }
                        Err(e) => return Err(e),
                    }
                };
                languages.push(LanguageStatus {
                    lang: lang.to_string(),
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
                recount(tx, row.version_id, &source, &units)?;
                row.touched(tx);
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
            let source = source_without(tx, id, lang)?;
            record_plan(tx, &source, lang, (by, reason), tx.now())
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

/// Adds the `lang` version of the post whose source is `source`, with its first
/// revision (`created`, `updated`, and how it came: `kind`), and keeps the
/// translation model in step (`change` says how its units are found). The
/// caller checked that `lang` is a site language the post does not have yet.
pub(crate) fn add_version(
    tx: &WriteTx,
    source: &VersionRow,
    lang: &str,
    text: &PostText,
    when_how: (i64, i64, RevisionKind),
    change: TextChange,
) -> Result<VersionRow> {
    let uid = crate::ids::new_id();
    add_version_as(tx, source, (&uid, lang), text, when_how, change)
}

/// `add_version` with a given global id (sync keeps the one it was made with).
pub(crate) fn add_version_as(
    tx: &WriteTx,
    source: &VersionRow,
    (uid, lang): (&str, &str),
    text: &PostText,
    (created, updated, kind): (i64, i64, RevisionKind),
    change: TextChange,
) -> Result<VersionRow> {
    let mut row = rows::insert_version(tx, source.post_row, uid, lang, text, created, updated)?;
    row.post.revision = revisions::insert(tx, &row, 1, text, kind)?;
    text_written(tx, &row, &PostText::default(), text, change)?;
    forget_plan(tx, source, lang)?;
    Ok(row)
}

/// Records a decision not to translate the post whose source is `source` into
/// `lang`: who and why, made at `at` (unix ms).
pub(crate) fn record_plan(
    tx: &WriteTx,
    source: &VersionRow,
    lang: &str,
    by_why: (&str, &str),
    at: i64,
) -> Result<()> {
    sql::write_plan(tx, source.post_row, lang, by_why, at)?;
    tx.touched(
        RecordKind::TranslationPlan,
        &plan_id(&source.post.id, lang),
        ChangeAction::Updated,
        &source.post.id,
        Some(lang),
    );
    Ok(())
}

/// The global id of a decision about a post's language (one per post and language).
fn plan_id(post_id: &str, lang: &str) -> String {
    format!("{post_id}/{lang}")
}

/// The source version of post `id`, which must not have a `lang` version yet
/// (starting one, or deciding not to).
fn source_without(tx: &WriteTx, id: &str, lang: &str) -> Result<VersionRow> {
    let source = rows::load_by_id(tx, id, None)?;
    let (id, lang_) = (source.post.id.clone(), lang.to_string());
    if source.post.lang == lang {
        return Err(Error::IsTheSource { id, lang: lang_ });
    }
    if rows::languages_of(tx, source.post_row)?
        .iter()
        .any(|l| l == lang)
    {
        return Err(Error::TranslationExists { id, lang: lang_ });
    }
    Ok(source)
}

/// A translation now exists: a decision not to make it no longer holds.
fn forget_plan(tx: &WriteTx, source: &VersionRow, lang: &str) -> Result<()> {
    if sql::delete_plan(tx, source.post_row, lang)? {
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
