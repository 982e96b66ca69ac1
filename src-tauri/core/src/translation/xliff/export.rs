//! A post's blocks as XLIFF units for one target language: source segments,
//! the translation so far as target, the state of each block, and what the
//! translation tool left on the units last time.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::doc::{FileOut, Skeleton, UnitOut, SKELETON_FORMAT};
use super::markup::{self, Item, Segment};
use super::{sql as extras, TargetState};
use crate::error::{Error, Result};
use crate::languages::SiteLanguages;
use crate::posts::rows;
use crate::translation::blocks::BlockKind;
use crate::translation::sql;
use crate::translation::units::{self, BlockState};

/// Whether a block is a short field, translated as plain text.
pub(super) fn is_plain(kind: BlockKind) -> bool {
    matches!(
        kind,
        BlockKind::Title | BlockKind::Summary | BlockKind::ShareText
    )
}

/// The segment of a source block: one text for a short field, else its
/// Markdown cut into text and codes.
pub(super) fn segment_of(plain: bool, text: &str) -> Segment {
    if plain {
        markup::plain(text)
    } else {
        markup::segment(text)
    }
}

/// The post `id` for translators into `lang`; with `only_outdated`, only its
/// outdated and missing blocks. Blocks with nothing to translate (code,
/// rules, link definitions) are left out: the import copies them.
pub(super) fn file_out(
    c: &Connection,
    site: &SiteLanguages,
    id: &str,
    lang: &str,
    only_outdated: bool,
) -> Result<FileOut> {
    site.check(lang)?;
    let source_row = rows::load_by_id(c, id, None)?;
    let post = source_row.post.id.clone();
    if source_row.post.lang == lang {
        return Err(Error::IsTheSource {
            id: post,
            lang: lang.to_string(),
        });
    }
    let source = sql::source_blocks(c, source_row.version_id, &source_row.post.text)?;
    let (units, kept) = match rows::load(c, source_row.post_row, Some(lang)) {
        Ok(row) => (
            sql::units(c, row.version_id)?,
            extras::read(c, row.version_id)?,
        ),
        Err(Error::LanguageNotFound { .. }) => (Vec::new(), BTreeMap::new()),
        Err(e) => return Err(e),
    };
    let mut skeleton = Skeleton {
        format: SKELETON_FORMAT.to_string(),
        post: post.clone(),
        sources: BTreeMap::new(),
    };
    let mut out = Vec::new();
    for status in units::status(&source, &units) {
        if status.state == BlockState::Orphaned
            || (only_outdated && status.state == BlockState::Current)
        {
            continue;
        }
        let plain = is_plain(status.kind);
        let seg = segment_of(plain, &status.source);
        if !seg.has_text() {
            continue;
        }
        let target = match status.state {
            BlockState::Missing => None,
            _ => translated(plain, &seg, &status.translation),
        };
        // A translation whose formatting differs cannot be the target: the
        // translator sees it in a note and the block asks for review.
        let unaligned = (status.state != BlockState::Missing && target.is_none())
            .then(|| status.translation.clone());
        let state = match status.state {
            BlockState::Missing => TargetState::NeedsTranslation,
            BlockState::Current if unaligned.is_none() => TargetState::Translated,
            _ => TargetState::NeedsReviewTranslation,
        };
        skeleton
            .sources
            .insert(status.block.clone(), status.source.clone());
        out.push(UnitOut {
            id: status.block.clone(),
            plain,
            source: seg.items.clone(),
            kinds: seg.codes.iter().map(|(id, c)| (*id, c.kind)).collect(),
            target,
            state,
            previous_source: status.translated_from.clone(),
            unaligned,
            extras: kept.get(&status.block).cloned().unwrap_or_default(),
        });
    }
    Ok(FileOut {
        post,
        source_lang: source_row.post.lang.clone(),
        target_lang: lang.to_string(),
        skeleton,
        units: out,
    })
}

/// The translation of a block as a target with the source's codes, when its
/// formatting matches the source's; else no target (the translator starts
/// from the source, and the previous translation would not import back).
fn translated(plain: bool, source: &Segment, text: &str) -> Option<Vec<Item>> {
    if plain {
        return Some(vec![Item::Text(text.to_string())]);
    }
    markup::align(source, &markup::segment(text))
}
