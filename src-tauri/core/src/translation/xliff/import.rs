//! A translated XLIFF file back into the library, inside the caller's one
//! write transaction: a post's units are all checked before it is written,
//! and any failure rolls back the whole file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::doc::{same_segment, FileIn, Skeleton, UnitIn};
use super::export::{is_plain, segment_of};
use super::markup::{self, Item};
use super::{sql as extras, ImportedPost};
use crate::error::{Error, Result};
use crate::languages::SiteLanguages;
use crate::posts::revisions::{self, RevisionKind, SaveRequest, SaveResult};
use crate::posts::{rows, slugify, PostText};
use crate::store::write::WriteTx;
use crate::translation::add_version;
use crate::translation::source::{Block, SHARE_TEXT, SUMMARY, TITLE};
use crate::translation::units::{self, BlockState};
use crate::translation::{blocks, recount, sql, TextChange, Unit, UnitText};

/// Imports the posts of one XLIFF document read from `path`.
pub(super) fn document(
    tx: &WriteTx,
    site: &SiteLanguages,
    path: &Path,
    files: Vec<FileIn>,
) -> Result<Vec<ImportedPost>> {
    let mut seen = HashSet::new();
    let mut done = Vec::new();
    for f in files {
        if !seen.insert((f.post.clone(), f.target_lang.clone())) {
            return Err(rejected(
                path,
                format!("it holds post {} ({}) twice", f.post, f.target_lang),
            ));
        }
        done.push(post(tx, site, path, f)?);
    }
    Ok(done)
}

fn rejected(path: &Path, reason: String) -> Error {
    Error::XliffRejected {
        path: path.to_path_buf(),
        reason,
    }
}

/// Imports one `<file>`: one post's translation into one language.
fn post(tx: &WriteTx, site: &SiteLanguages, path: &Path, f: FileIn) -> Result<ImportedPost> {
    let reject = |reason: String| rejected(path, reason);
    let unit_error = |unit: &str, reason: String| Error::XliffUnitRejected {
        path: path.to_path_buf(),
        post: f.post.clone(),
        unit: unit.to_string(),
        reason,
    };
    let source_row = match rows::load_by_id(tx, &f.post, None) {
        Ok(row) if row.post.id == f.post => row,
        Ok(_) | Err(Error::PostNotFound { .. } | Error::AmbiguousId { .. }) => {
            return Err(reject(format!(
                "it is for post {}, which this library does not have",
                f.post
            )))
        }
        Err(e) => return Err(e),
    };
    let lang = f.target_lang.clone();
    let source_lang = &source_row.post.lang;
    if lang.is_empty() {
        return Err(reject(format!(
            "its <file> for post {} has no target-language",
            f.post
        )));
    }
    if f.source_lang != *source_lang {
        return Err(reject(format!(
            "its source language is {} but post {} is written in {source_lang}",
            f.source_lang, f.post
        )));
    }
    if lang == *source_lang {
        return Err(reject(format!(
            "its target language {lang} is the source language of post {}",
            f.post
        )));
    }
    site.check(&lang).map_err(|e| reject(e.to_string()))?;
    let skeleton = f.skeleton.as_ref();
    if let Some(s) = skeleton.filter(|s| s.post != f.post) {
        return Err(reject(format!(
            "the skeleton of the <file> of post {} is for another post ({})",
            f.post, s.post
        )));
    }

    let source = sql::source_blocks(tx, source_row.version_id, &source_row.post.text)?;
    let existing = match rows::load(tx, source_row.post_row, Some(&lang)) {
        Ok(row) => Some(row),
        Err(Error::LanguageNotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let previous = match &existing {
        Some(row) => sql::units(tx, row.version_id)?,
        None => Vec::new(),
    };

    // Every unit checked and turned into Markdown before anything is written.
    let mut imported: HashMap<String, Unit> = HashMap::new();
    let mut outdated = 0u32;
    let mut ids = HashSet::new();
    for u in &f.units {
        if !ids.insert(u.id.as_str()) {
            return Err(unit_error(&u.id, "the file has this unit twice".into()));
        }
        let exported = exported_source(skeleton, &source, u).map_err(|r| unit_error(&u.id, r))?;
        let target = match &u.target {
            None => continue,
            Some(Err(reason)) => return Err(unit_error(&u.id, reason.clone())),
            Some(Ok(items)) => items,
        };
        let blank = target
            .iter()
            .all(|i| matches!(i, Item::Text(t) if t.trim().is_empty()));
        if blank || u.pending {
            continue;
        }
        let Some(block) = source.iter().find(|b| b.id == u.id) else {
            return Err(unit_error(
                &u.id,
                "this block was deleted from the source since the export, so its translation has no place; export the post again"
                    .into(),
            ));
        };
        let unit = translated_unit(u, target, &exported, block, &previous)
            .map_err(|reason| unit_error(&u.id, reason))?;
        if unit.source_hash.as_deref() != Some(block.hash.as_str()) {
            outdated += 1;
        }
        imported.insert(u.id.clone(), unit);
    }
    let translated = imported.len() as u32;
    let mut report = ImportedPost {
        id: source_row.post.id.clone(),
        lang: lang.clone(),
        translated,
        outdated,
        created: false,
    };

    // The translation's units in the source's order, orphans where they stood.
    let mut new_units = Vec::new();
    for s in units::status(&source, &previous) {
        if let Some(u) = imported.remove(&s.block) {
            new_units.push(u);
        } else if let Some(p) = previous
            .iter()
            .find(|p| p.block == s.block && !p.text.trim().is_empty())
        {
            new_units.push(p.clone());
        } else if s.state != BlockState::Orphaned
            && !segment_of(is_plain(s.kind), &s.source).has_text()
        {
            // Nothing to translate (code, a rule): the translation has it as
            // the source has it.
            let hash = source
                .iter()
                .find(|b| b.id == s.block)
                .map(|b| b.hash.clone());
            new_units.push(Unit {
                block: s.block.clone(),
                text: s.source.trim().to_string(),
                source_hash: hash,
                source_text: Some(s.source.clone()),
            });
        }
    }

    let version_id = match &existing {
        None if translated == 0 => return Ok(report),
        None => {
            let text = compose(&new_units, &PostText::default());
            let text = PostText {
                slug: slugify(&text.title),
                ..text
            }
            .normalized();
            let now = tx.now();
            let row = add_version(
                tx,
                &source_row,
                &lang,
                &text,
                (now, now, RevisionKind::Import),
                TextChange::Given(&new_units),
            )?;
            report.created = true;
            row.version_id
        }
        Some(row) => {
            if translated > 0 {
                let outcome = revisions::save_with(
                    tx,
                    SaveRequest {
                        id: row.post.id.clone(),
                        lang: lang.clone(),
                        text: compose(&new_units, &row.post.text),
                        kind: RevisionKind::Import,
                        revision_name: None,
                        base: None,
                        minor: false,
                    },
                    TextChange::Given(&new_units),
                )?;
                // Same words, but reviewed: only what they translate changed.
                if outcome.result == SaveResult::Unchanged && new_units != previous {
                    sql::write_units(tx, row.version_id, &new_units)?;
                    recount(tx, row.version_id, &source, &new_units)?;
                    row.touched(tx);
                }
            }
            row.version_id
        }
    };

    // What the translation tool left on the units, for the next export.
    let kept = extras::read(tx, version_id)?;
    let mut changed = false;
    for u in &f.units {
        if kept.get(&u.id).cloned().unwrap_or_default() != u.extras {
            extras::write(tx, version_id, &u.id, &u.extras)?;
            changed = true;
        }
    }
    if changed {
        rows::load(tx, source_row.post_row, Some(&lang))?.touched(tx);
    }
    Ok(report)
}

/// The unit a translated target makes: its Markdown rebuilt with the
/// source's syntax (a short field is plain text), and the source it was
/// translated from: the one the file carries, unless the file leaves the unit
/// for review (then what it was translated from before).
fn translated_unit(
    u: &UnitIn,
    target: &[Item],
    exported: &str,
    block: &Block,
    previous: &[Unit],
) -> std::result::Result<Unit, String> {
    let text = if is_plain(block.kind) {
        let mut words = String::new();
        for item in target {
            match item {
                Item::Text(t) => words.push_str(t),
                _ => {
                    return Err(
                        "inline codes in a short field, which has none in the source".into(),
                    )
                }
            }
        }
        // A short field is one line.
        words.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        markup::rebuild(&segment_of(false, exported), target)?
            .trim()
            .to_string()
    };
    let before = previous
        .iter()
        .find(|p| p.block == u.id && !p.text.trim().is_empty() && p.source_hash.is_some());
    let (source_hash, source_text) = match (u.review, before) {
        (true, Some(p)) => (p.source_hash.clone(), p.source_text.clone()),
        _ => {
            let hash = blocks::hash(exported);
            if hash == block.hash {
                (Some(block.hash.clone()), Some(block.text.clone()))
            } else {
                (Some(hash), Some(exported.to_string()))
            }
        }
    };
    Ok(Unit {
        block: u.id.clone(),
        text,
        source_hash,
        source_text,
    })
}

/// The source text the translator saw for unit `u`: the block's Markdown in
/// the file's skeleton, which the unit's `<source>` must agree with. Without
/// a skeleton (a tool dropped it), only a unit whose source is still the
/// block's current text can be placed: that text is the skeleton.
fn exported_source(
    skeleton: Option<&Skeleton>,
    current: &[Block],
    u: &UnitIn,
) -> std::result::Result<String, String> {
    let in_file = match &u.source {
        None => return Err("the unit has no <source>".into()),
        Some(Err(reason)) => return Err(format!("its <source> cannot be read: {reason}")),
        Some(Ok(items)) => items,
    };
    let plain = matches!(u.id.as_str(), TITLE | SUMMARY | SHARE_TEXT);
    let (text, missing) = match skeleton {
        Some(s) => (
            s.sources.get(&u.id).cloned(),
            "no block with this id was exported in this file (the ids are the source's block ids: the translation tool must keep them)",
        ),
        None => (
            current.iter().find(|b| b.id == u.id).map(|b| b.text.clone()),
            "the post's source has no block with this id",
        ),
    };
    let text = text.ok_or(missing)?;
    if !same_segment(in_file, &segment_of(plain, &text).items) {
        return Err(match skeleton {
            Some(_) => "its <source> is not the source Valise exported (was it edited in the translation tool?)".into(),
            None => "the file has no Valise skeleton (<skl> in 1.2, <skeleton> in 2.0: the translation tool dropped it), so only units whose source is still the post's current source can be imported, and this one's changed; export the post again".into(),
        });
    }
    Ok(text)
}

fn compose(units: &[Unit], current: &PostText) -> PostText {
    let texts: Vec<UnitText> = units
        .iter()
        .map(|u| UnitText {
            block: u.block.clone(),
            text: u.text.clone(),
        })
        .collect();
    units::compose(&texts, current)
}
