//! The translation side: a translation is a unit of text per source block, each
//! remembering the source text it was translated from. This module turns a
//! translation's text into units (whether it was written unit by unit in the
//! side-by-side editor or as a whole), and compares units with the source.

use serde::{Deserialize, Serialize};
use similar::{capture_diff_slices, Algorithm, DiffOp};
use ts_rs::TS;

use super::blocks::{self, BlockKind};
use super::diff::TextPart;
use super::identity::{self, Seen};
use super::source::{cut, Block, SHARE_TEXT, SUMMARY, TITLE};
use crate::posts::PostText;

/// A translation of one source block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub block: String,
    pub text: String,
    /// The source block's hash when this was translated (or marked current).
    pub source_hash: Option<String>,
    /// The source block's text then, to show what changed since.
    pub source_text: Option<String>,
}

/// The text of one unit as the side-by-side editor sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitText {
    /// The source block it translates.
    pub block: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BlockState {
    /// Translated from the source block as it is now.
    Current,
    /// The source block changed since it was translated.
    Outdated,
    /// A source block with no translation.
    Missing,
    /// A translation whose source block was deleted.
    Orphaned,
}

impl BlockState {
    /// Whether the translator still has to do something here: an outdated or
    /// missing block does; a current one is done and an orphaned one is only
    /// shown for reference (its source is gone).
    pub fn needs_work(self) -> bool {
        matches!(self, BlockState::Outdated | BlockState::Missing)
    }
}

/// One block of a translation beside its source block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BlockStatus {
    /// The source block's id (stable; XLIFF unit ids are these).
    pub block: String,
    pub kind: BlockKind,
    pub state: BlockState,
    /// `state.needs_work()`, carried so the window does not restate the rule.
    pub needs_work: bool,
    /// The source block's text now (empty for an orphaned block).
    pub source: String,
    pub translation: String,
    /// For an outdated block, the source text it was translated from.
    pub translated_from: Option<String>,
    /// For an outdated block, what changed in the source since, word by word
    /// (filled by `Translations::status`, not on the autosave path).
    pub source_changes: Vec<TextPart>,
}

fn is_header(block: &str) -> bool {
    matches!(block, TITLE | SUMMARY | SHARE_TEXT)
}

/// The translation's state block by block, in the source's order; an orphaned
/// block comes after the block it followed in the translation.
pub fn status(source: &[Block], units: &[Unit]) -> Vec<BlockStatus> {
    let mut out = Vec::with_capacity(source.len());
    // Orphans, keyed by the source block they follow ("" for the start).
    let mut orphans: Vec<(String, &Unit)> = Vec::new();
    let mut after = String::new();
    for unit in units {
        if source.iter().any(|b| b.id == unit.block) {
            after = unit.block.clone();
        } else if !unit.text.trim().is_empty() {
            orphans.push((after.clone(), unit));
        }
    }
    let orphan = |u: &Unit| BlockStatus {
        block: u.block.clone(),
        kind: kind_of_text(&u.block, &u.text),
        state: BlockState::Orphaned,
        needs_work: BlockState::Orphaned.needs_work(),
        source: String::new(),
        translation: u.text.clone(),
        translated_from: u.source_text.clone(),
        source_changes: Vec::new(),
    };
    out.extend(
        orphans
            .iter()
            .filter(|(a, _)| a.is_empty())
            .map(|(_, u)| orphan(u)),
    );
    for block in source {
        let unit = units.iter().find(|u| u.block == block.id);
        let (state, translation, from) = match unit {
            Some(u) if !u.text.trim().is_empty() && u.source_hash.is_some() => {
                if u.source_hash.as_deref() == Some(block.hash.as_str()) {
                    (BlockState::Current, u.text.clone(), None)
                } else {
                    (BlockState::Outdated, u.text.clone(), u.source_text.clone())
                }
            }
            Some(u) => (BlockState::Missing, u.text.clone(), None),
            None => (BlockState::Missing, String::new(), None),
        };
        out.push(BlockStatus {
            block: block.id.clone(),
            kind: block.kind,
            state,
            needs_work: state.needs_work(),
            source: block.text.clone(),
            translation,
            translated_from: from,
            source_changes: Vec::new(),
        });
        out.extend(
            orphans
                .iter()
                .filter(|(a, _)| *a == block.id)
                .map(|(_, u)| orphan(u)),
        );
    }
    out
}

fn kind_of_text(block: &str, text: &str) -> BlockKind {
    match block {
        TITLE => BlockKind::Title,
        SUMMARY => BlockKind::Summary,
        SHARE_TEXT => BlockKind::ShareText,
        _ => blocks::split(text)
            .first()
            .map(|p| p.kind)
            .unwrap_or(BlockKind::Paragraph),
    }
}

/// How many blocks are outdated, missing, orphaned.
pub fn counts(status: &[BlockStatus]) -> (u32, u32, u32) {
    status.iter().fold((0, 0, 0), |(o, m, r), s| match s.state {
        BlockState::Outdated => (o + 1, m, r),
        BlockState::Missing => (o, m + 1, r),
        BlockState::Orphaned => (o, m, r + 1),
        BlockState::Current => (o, m, r),
    })
}

/// The translation text made of units sent block by block (side-by-side
/// editor): short fields from their units, the body their body units joined.
/// `current` gives the fields that are not translated block by block (tags,
/// place line…).
pub fn compose(units: &[UnitText], current: &PostText) -> PostText {
    let field = |id: &str| {
        units
            .iter()
            .find(|u| u.block == id)
            .map(|u| u.text.trim().to_string())
            .unwrap_or_default()
    };
    let body: Vec<&str> = units
        .iter()
        .filter(|u| !is_header(&u.block))
        .map(|u| u.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let mut body = body.join("\n\n");
    if !body.is_empty() {
        body.push('\n');
    }
    PostText {
        title: field(TITLE),
        summary: field(SUMMARY),
        share_text: field(SHARE_TEXT),
        body,
        ..current.clone()
    }
}

/// The units of a translation after it was written unit by unit: each keeps
/// what it was translated from; one that had no text before is taken as
/// translated from the source as it is now.
pub fn from_unit_texts(source: &[Block], previous: &[Unit], sent: &[UnitText]) -> Vec<Unit> {
    sent.iter()
        .filter(|u| !u.text.trim().is_empty())
        .map(|u| carry(source, previous, &u.block, u.text.trim().to_string()))
        .collect()
}

/// A unit for `block` with `text`: what it was translated from stays as it was,
/// unless it had no translation before (then: the source as it is now).
fn carry(source: &[Block], previous: &[Unit], block: &str, text: String) -> Unit {
    let before = previous
        .iter()
        .find(|p| p.block == block && !p.text.trim().is_empty() && p.source_hash.is_some());
    match before {
        Some(p) => Unit {
            block: block.to_string(),
            text,
            source_hash: p.source_hash.clone(),
            source_text: p.source_text.clone(),
        },
        None => {
            let now = source.iter().find(|b| b.id == block);
            Unit {
                block: block.to_string(),
                text,
                source_hash: now.map(|b| b.hash.clone()),
                source_text: now.map(|b| b.text.clone()),
            }
        }
    }
}

/// Units read back from an export, as they were. The source text a unit was
/// translated from is only written out when it differs from the source's
/// text now; where the hashes match, it is the source block's text.
pub fn restored(source: &[Block], units: &[Unit]) -> Vec<Unit> {
    units
        .iter()
        .map(|u| {
            let mut u = u.clone();
            if u.source_text.is_none() {
                u.source_text = source
                    .iter()
                    .find(|b| b.id == u.block && Some(&b.hash) == u.source_hash.as_ref())
                    .map(|b| b.text.clone());
            }
            u
        })
        .collect()
}

/// The units of a translation written as a whole (`post edit --lang`, a merge,
/// a restore, an import, a new translation): its blocks are matched with the
/// blocks of the previous units, so each keeps the source block it translates;
/// new blocks go to source blocks that had no translation, in order and by
/// kind, where they stand between two known ones; any other new block joins
/// the unit before it. No text is dropped: every block of `text` lands in a unit.
pub fn from_text(source: &[Block], previous: &[Unit], text: &PostText) -> Vec<Unit> {
    let mut units = Vec::new();
    for (id, field) in [
        (TITLE, &text.title),
        (SUMMARY, &text.summary),
        (SHARE_TEXT, &text.share_text),
    ] {
        if !field.trim().is_empty() {
            units.push(carry(source, previous, id, field.trim().to_string()));
        }
    }
    // The previous body, as blocks labelled with their unit's source block
    // (a translation's own blocks need no ids: `Block::id` stays empty).
    let mut old: Vec<(String, Block)> = Vec::new();
    for unit in previous.iter().filter(|u| !is_header(&u.block)) {
        old.extend(cut(&unit.text).into_iter().map(|p| (unit.block.clone(), p)));
    }
    let new = cut(&text.body);
    let old_seen: Vec<Seen> = old.iter().map(|(_, b)| b.seen()).collect();
    let new_seen: Vec<Seen> = new.iter().map(Block::seen).collect();
    let continues = identity::align(&old_seen, &new_seen);
    // The source block each new piece belongs to, where known.
    let mut owner: Vec<Option<String>> = continues
        .iter()
        .map(|c| c.map(|o| old[o].0.clone()))
        .collect();
    // A unit is one stretch of the text: a piece matched to a unit already
    // left behind stays with the unit it stands in.
    let mut closed = std::collections::HashSet::new();
    let mut last: Option<String> = None;
    for o in owner.iter_mut() {
        if let Some(b) = o.clone() {
            if closed.contains(&b) && last.as_ref() != Some(&b) {
                *o = None;
                continue;
            }
            if let Some(l) = last.replace(b.clone()) {
                if l != b {
                    closed.insert(l);
                }
            }
        }
    }
    fill_gaps(source, &new, &mut owner);
    // Pieces still without an owner join the unit before them (or, at the
    // start, the first unit after them).
    let first_known = owner.iter().flatten().next().cloned();
    let mut current = first_known;
    let mut body_units: Vec<(String, Vec<&str>)> = Vec::new();
    for (piece, o) in new.iter().zip(&owner) {
        if let Some(b) = o {
            current = Some(b.clone());
        }
        let Some(b) = current.clone() else {
            // No block is known at all (a translation of a text with no body
            // blocks): keep the text as a unit of its own.
            body_units.push((String::from("body"), vec![piece.text.as_str()]));
            continue;
        };
        match body_units.last_mut() {
            Some((last, texts)) if *last == b => texts.push(&piece.text),
            _ => body_units.push((b, vec![&piece.text])),
        }
    }
    for (block, texts) in body_units {
        units.push(carry(source, previous, &block, texts.join("\n\n")));
    }
    units
}

/// Gives the pieces without an owner that stand between two known ones the
/// source blocks between those that have no unit yet, matched by kind in order.
fn fill_gaps(source: &[Block], new: &[Block], owner: &mut [Option<String>]) {
    let body: Vec<&Block> = source.iter().filter(|b| !is_header(&b.id)).collect();
    let position = |id: &str| body.iter().position(|b| b.id == id);
    let owned: std::collections::HashSet<String> = owner.iter().flatten().cloned().collect();
    let mut i = 0;
    while i < new.len() {
        if owner[i].is_some() {
            i += 1;
            continue;
        }
        let start = i;
        while i < new.len() && owner[i].is_none() {
            i += 1;
        }
        // Source blocks strictly between the owners around this stretch.
        let from = owner[..start]
            .iter()
            .rev()
            .flatten()
            .next()
            .and_then(|b| position(b))
            .map_or(0, |p| p + 1);
        let to = owner[i..]
            .iter()
            .flatten()
            .next()
            .and_then(|b| position(b))
            .unwrap_or(body.len());
        if from >= to {
            continue;
        }
        let free: Vec<&Block> = body[from..to]
            .iter()
            .filter(|b| !owned.contains(&b.id))
            .copied()
            .collect();
        let free_kinds: Vec<BlockKind> = free.iter().map(|b| b.kind).collect();
        let new_kinds: Vec<BlockKind> = new[start..i].iter().map(|p| p.kind).collect();
        for op in capture_diff_slices(Algorithm::Myers, &free_kinds, &new_kinds) {
            let (o, n, len) = match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => (old_index, new_index, len),
                // Different kinds in the same place: still the same place.
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (old_index, new_index, old_len.min(new_len)),
                _ => continue,
            };
            for k in 0..len {
                owner[start + n + k] = Some(free[o + k].id.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
