//! Which block of a new text continues which block of the previous one, so that
//! a block keeps its id when the text around it changes: an inserted paragraph
//! does not renumber the others, a moved one keeps its id, an edited one keeps
//! its id (and its translations learn that it changed).

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::blocks::BlockKind;

/// A block as the alignment sees it.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    pub kind: BlockKind,
    pub hash: &'a str,
    pub text: &'a str,
}

/// Below this word similarity, a block in a changed stretch is taken for a
/// different block rather than an edit of the old one.
const SAME_BLOCK: f32 = 0.5;

/// The same, for a block rewritten in place (as many blocks of the same kinds
/// on both sides of the stretch): a quarter of the words in common is enough.
const SAME_PLACE: f32 = 0.25;

/// For each block of `new`, the index of the block of `old` it continues, if any.
///
/// 1. Blocks whose text is unchanged, in order (a diff of the hash sequences);
/// 2. unchanged blocks that moved (same hash, out of order);
/// 3. in each stretch where the texts differ, edited blocks: in place when the
///    stretch has as many blocks on both sides, of the same kinds, and a
///    quarter of the words agree (a rewritten paragraph is that paragraph,
///    changed); otherwise the most similar old block of the same kind, in
///    order, when at least half the words agree. A paragraph replaced by one
///    with nothing in common is a deletion and an insertion.
pub fn align(old: &[Seen], new: &[Seen]) -> Vec<Option<usize>> {
    let mut continues: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let old_hashes: Vec<&str> = old.iter().map(|b| b.hash).collect();
    let new_hashes: Vec<&str> = new.iter().map(|b| b.hash).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &old_hashes, &new_hashes);
    // Stretches where the texts differ: (old blocks, new blocks). A deletion
    // right before an insertion is one stretch.
    let mut stretches: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut after_delete = false;
    for op in &ops {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    continues[new_index + k] = Some(old_index + k);
                    taken[old_index + k] = true;
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => stretches.push((old_index..old_index + old_len, 0..0)),
            DiffOp::Insert {
                new_index, new_len, ..
            } => match stretches.last_mut() {
                Some(last) if after_delete => last.1 = new_index..new_index + new_len,
                _ => stretches.push((0..0, new_index..new_index + new_len)),
            },
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => stretches.push((
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            )),
        }
        after_delete = matches!(op, DiffOp::Delete { .. });
    }
    // 2. Moves: an unchanged block found elsewhere.
    for (n, block) in new.iter().enumerate() {
        if continues[n].is_some() {
            continue;
        }
        if let Some(o) = (0..old.len()).find(|&o| !taken[o] && old[o].hash == block.hash) {
            continues[n] = Some(o);
            taken[o] = true;
        }
    }
    // 3. Edits, stretch by stretch.
    for (olds, news) in stretches {
        let olds: Vec<usize> = olds.filter(|&o| !taken[o]).collect();
        let news: Vec<usize> = news.filter(|&n| continues[n].is_none()).collect();
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        let same_shape = olds.len() == news.len()
            && olds
                .iter()
                .zip(&news)
                .all(|(&o, &n)| old[o].kind == new[n].kind);
        if same_shape {
            for (&o, &n) in olds.iter().zip(&news) {
                if similarity(old[o].text, new[n].text) >= SAME_PLACE {
                    continues[n] = Some(o);
                    taken[o] = true;
                }
            }
            continue;
        }
        let mut after = 0; // old blocks are paired in order
        for &n in &news {
            let best = olds[after..]
                .iter()
                .enumerate()
                .filter(|(_, &o)| !taken[o] && old[o].kind == new[n].kind)
                .map(|(i, &o)| (i, o, similarity(old[o].text, new[n].text)))
                .filter(|(_, _, s)| *s >= SAME_BLOCK)
                .max_by(|a, b| a.2.total_cmp(&b.2));
            if let Some((i, o, _)) = best {
                continues[n] = Some(o);
                taken[o] = true;
                after += i + 1;
            }
        }
    }
    continues
}

/// How much two texts share: the Dice coefficient of their words (letters and
/// digits only, case folded), 0 (nothing) to 1 (the same words). Punctuation
/// is left out so that "Deux." and "Deux, revu." share their word.
fn similarity(a: &str, b: &str) -> f32 {
    fn words(t: &str) -> Vec<String> {
        let mut w: Vec<String> = t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        w.sort_unstable();
        w
    }
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    // Both sorted: count the common words as a merge does.
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::super::source::{cut, Block};
    use super::*;

    fn run(old: &str, new: &str) -> Vec<Option<usize>> {
        let (o, n) = (cut(old), cut(new));
        let o: Vec<Seen> = o.iter().map(Block::seen).collect();
        let n: Vec<Seen> = n.iter().map(Block::seen).collect();
        align(&o, &n)
    }

    #[test]
    fn an_inserted_paragraph_leaves_the_others_as_they_were() {
        let old = "Un.\n\nDeux.\n\nTrois.";
        let new = "Un.\n\nNouveau.\n\nDeux.\n\nTrois.";
        assert_eq!(run(old, new), vec![Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn a_deleted_paragraph_leaves_the_others_as_they_were() {
        let old = "Un.\n\nDeux.\n\nTrois.";
        assert_eq!(run(old, "Un.\n\nTrois."), vec![Some(0), Some(2)]);
    }

    #[test]
    fn a_moved_paragraph_keeps_its_identity() {
        let old = "Un.\n\nDeux.\n\nTrois.\n\nQuatre.";
        let new = "Un.\n\nQuatre.\n\nDeux.\n\nTrois.";
        assert_eq!(run(old, new), vec![Some(0), Some(3), Some(1), Some(2)]);
    }

    #[test]
    fn an_edited_paragraph_keeps_its_identity() {
        let old = "Un.\n\nLa réunion a lieu à Genève lundi.\n\nTrois.";
        let new = "Un.\n\nLa réunion a lieu à Paris mardi.\n\nTrois.";
        assert_eq!(run(old, new), vec![Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn white_space_alone_is_no_change() {
        let old = "Un texte\nsur deux lignes.\n\n-  a\n-  b";
        let new = "Un texte sur deux lignes.\n\n- a\n- b";
        assert_eq!(run(old, new), vec![Some(0), Some(1)]);
    }

    #[test]
    fn an_edit_beside_an_insertion_is_found_by_similarity() {
        let old = "Un.\n\nLa réunion a lieu à Genève lundi matin.\n\nFin.";
        let new =
            "Un.\n\nUn tout autre sujet ici.\n\nLa réunion a lieu à Genève mardi matin.\n\nFin.";
        assert_eq!(run(old, new), vec![Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn a_paragraph_replaced_by_a_heading_is_a_new_block() {
        let old = "Un.\n\nDeux.\n\nTrois.";
        assert_eq!(
            run(old, "Un.\n\n# Deux\n\nTrois."),
            vec![Some(0), None, Some(2)]
        );
    }

    proptest::proptest! {
        /// Whatever is inserted, deleted, moved or edited around it, a block
        /// whose text did not change continues the old block with that text,
        /// and no old block is continued twice.
        #[test]
        fn unchanged_blocks_keep_their_identity(
            old in proptest::collection::btree_set("[a-e]{1,4}", 0..12),
            edits in proptest::collection::vec((0usize..4, 0usize..12, "[f-h]{1,3}"), 0..6),
        ) {
            let old: Vec<String> = old.into_iter().collect();
            let mut new = old.clone();
            for (op, at, word) in edits {
                let at = if new.is_empty() { 0 } else { at % new.len() };
                match op {
                    0 => new.insert(at, word),
                    1 if !new.is_empty() => { new.remove(at); }
                    2 if !new.is_empty() => { let b = new.remove(at); new.push(b); }
                    3 if !new.is_empty() => new[at] = format!("{} {word}", new[at]),
                    _ => {}
                }
            }
            let join = |v: &[String]| v.iter().map(|w| format!("P {w}.")).collect::<Vec<_>>().join("\n\n");
            let continues = run(&join(&old), &join(&new));
            proptest::prop_assert_eq!(continues.len(), new.len());
            let mut used = std::collections::HashSet::new();
            for (n, c) in continues.iter().enumerate() {
                if let Some(o) = c {
                    proptest::prop_assert!(used.insert(*o), "old block {} continued twice", o);
                }
                if let Some(o) = old.iter().position(|w| *w == new[n]) {
                    proptest::prop_assert_eq!(*c, Some(o), "{:?} -> {:?}", &old, &new);
                }
            }
        }
    }
}
