//! The source side: a source text as blocks with stable ids. Ids are continued
//! from the previous text of the same version at each save (see `identity`).

use super::blocks::{self, BlockKind};
use super::identity::{self, Seen};
use crate::posts::PostText;

/// Fixed ids of the short fields, which are blocks too.
pub const TITLE: &str = "title";
pub const SUMMARY: &str = "summary";
pub const SHARE_TEXT: &str = "share_text";

/// One block of a source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: String,
    pub kind: BlockKind,
    pub hash: String,
    pub text: String,
}

impl Block {
    pub(super) fn seen(&self) -> Seen<'_> {
        Seen {
            kind: self.kind,
            hash: &self.hash,
            text: &self.text,
        }
    }
}

/// The short fields as blocks, those that are not empty, in reading order.
pub fn header_blocks(text: &PostText) -> Vec<Block> {
    [
        (TITLE, BlockKind::Title, &text.title),
        (SUMMARY, BlockKind::Summary, &text.summary),
        (SHARE_TEXT, BlockKind::ShareText, &text.share_text),
    ]
    .into_iter()
    .filter(|(_, _, t)| !t.trim().is_empty())
    .map(|(id, kind, t)| Block {
        id: id.to_string(),
        kind,
        hash: blocks::hash(t),
        text: t.to_string(),
    })
    .collect()
}

/// The blocks of `body`, without ids yet.
pub(super) fn cut(body: &str) -> Vec<Block> {
    blocks::split(body)
        .into_iter()
        .map(|p| {
            let text = &body[p.range];
            Block {
                id: String::new(),
                kind: p.kind,
                hash: blocks::hash(text),
                text: text.to_string(),
            }
        })
        .collect()
}

/// The body blocks of `body`, each continuing the id of the block of `previous`
/// it continues, new blocks with new ids (unique within the text).
pub fn continue_ids(previous: &[Block], body: &str) -> Vec<Block> {
    let mut new = cut(body);
    let old: Vec<Seen> = previous.iter().map(Block::seen).collect();
    let seen: Vec<Seen> = new.iter().map(Block::seen).collect();
    let continues = identity::align(&old, &seen);
    let mut used: std::collections::HashSet<String> =
        previous.iter().map(|b| b.id.clone()).collect();
    for (block, from) in new.iter_mut().zip(continues) {
        block.id = match from {
            Some(o) => previous[o].id.clone(),
            None => loop {
                let id = crate::ids::new_id()[..8].to_string();
                if used.insert(id.clone()) {
                    break id;
                }
            },
        };
    }
    new
}

/// The body blocks of `body` with the given ids, in order (an import gives the
/// ids an export wrote). Given the wrong number of ids, the blocks get new ones
/// rather than ids of other blocks.
pub fn with_ids(body: &str, ids: &[String]) -> Vec<Block> {
    let mut blocks = cut(body);
    if blocks.len() != ids.len() {
        return continue_ids(&[], body);
    }
    for (b, id) in blocks.iter_mut().zip(ids) {
        b.id = id.clone();
    }
    blocks
}

/// The body blocks of `body` with the ids stored for it (`stored`: id and hash,
/// in order). They match unless the way texts are cut changed since they were
/// stored; then blocks keep the id of a stored block with the same hash, and
/// the others get an id made from their hash and place, the same at each read
/// until the next save stores new ones.
pub fn with_stored_ids(body: &str, stored: &[(String, String)]) -> Vec<Block> {
    let mut blocks = cut(body);
    if blocks.len() == stored.len() && blocks.iter().zip(stored).all(|(b, s)| b.hash == s.1) {
        for (b, s) in blocks.iter_mut().zip(stored) {
            b.id = s.0.clone();
        }
        return blocks;
    }
    let mut taken = vec![false; stored.len()];
    for (i, b) in blocks.iter_mut().enumerate() {
        match (0..stored.len()).find(|&s| !taken[s] && stored[s].1 == b.hash) {
            Some(s) => {
                taken[s] = true;
                b.id = stored[s].0.clone();
            }
            None => b.id = format!("{}{i}", &b.hash[..6]),
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_survive_insertions_and_edits_elsewhere() {
        let first = continue_ids(&[], "Un.\n\nDeux.\n\nTrois.");
        let ids: Vec<&str> = first.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.iter().all(|id| id.len() == 8));
        let second = continue_ids(&first, "Un.\n\nInséré.\n\nDeux.\n\nTrois, modifié.");
        assert_eq!(second[0].id, ids[0]);
        assert!(!ids.contains(&second[1].id.as_str()));
        assert_eq!(second[2].id, ids[1]);
        assert_eq!(second[3].id, ids[2]);
        assert_ne!(second[3].hash, first[2].hash);
    }

    #[test]
    fn stored_ids_are_read_back_and_survive_a_changed_cut() {
        let blocks = continue_ids(&[], "Un.\n\nDeux.");
        let stored: Vec<(String, String)> = blocks
            .iter()
            .map(|b| (b.id.clone(), b.hash.clone()))
            .collect();
        assert_eq!(with_stored_ids("Un.\n\nDeux.", &stored), blocks);
        // Stored for a text cut differently: matching hashes keep their ids.
        let other = with_stored_ids("Zéro.\n\nUn.\n\nDeux.", &stored);
        assert_eq!(other[1].id, blocks[0].id);
        assert_eq!(other[2].id, blocks[1].id);
        assert_eq!(
            other[0].id,
            with_stored_ids("Zéro.\n\nUn.\n\nDeux.", &stored)[0].id
        );
    }

    #[test]
    fn empty_short_fields_are_no_blocks() {
        let text = PostText {
            title: "Titre".into(),
            share_text: "À partager".into(),
            ..PostText::default()
        };
        let ids: Vec<String> = header_blocks(&text).into_iter().map(|b| b.id).collect();
        assert_eq!(ids, vec![TITLE, SHARE_TEXT]);
    }
}
