//! diff3 over token sequences (Markdown blocks, or lines): align each side
//! with the base, walk the base positions that both sides kept, and classify
//! the gaps between them.

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Which side's tokens a taken range indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Base,
    Ours,
    Theirs,
}

/// One piece of a diff3 walk, as index ranges into the three sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Region {
    /// Tokens every side agrees on after merging, taken from one side.
    Take(Side, Range<usize>),
    /// A gap that both sides changed, differently.
    Conflict {
        base: Range<usize>,
        ours: Range<usize>,
        theirs: Range<usize>,
    },
}

/// For each base index, the index of the equal token on `side` it is
/// aligned with, if any.
///
/// Patience diff, because it anchors on tokens that occur once on both
/// sides: repeated tokens (blank lines, fence lines, short list items) then
/// cannot pull the alignment to a spurious match, so an edit's hunk stays
/// where the writer made it and the result does not hinge on tie-breaking
/// among equally short Myers scripts. Between anchors it falls back to Myers.
/// No deadline: a time-limited diff could give different alignments under
/// load, and merges must be reproducible.
fn align(base: &[&str], side: &[&str]) -> Vec<Option<usize>> {
    let mut matched = vec![None; base.len()];
    // Only accept strictly increasing pairs, so the walk below can rely on
    // monotonic positions even if a diff ever reported otherwise.
    let mut next_free = 0;
    for op in capture_diff_slices(Algorithm::Patience, base, side) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                let (b, s) = (old_index + k, new_index + k);
                let equal = base.get(b).is_some() && base.get(b) == side.get(s);
                if equal && s >= next_free {
                    if let Some(slot) = matched.get_mut(b) {
                        *slot = Some(s);
                        next_free = s + 1;
                    }
                }
            }
        }
    }
    matched
}

/// Runs diff3 over three token sequences. The regions, in order, cover all
/// three sequences. A gap changed on one side only takes that side; one
/// changed identically takes it once; anything else, including two different
/// insertions at the same base position, is a conflict (no order is guessed).
pub(super) fn diff3(base: &[&str], ours: &[&str], theirs: &[&str]) -> Vec<Region> {
    let in_ours = align(base, ours);
    let in_theirs = align(base, theirs);
    let mut out: Vec<Region> = Vec::new();
    let (mut b, mut o, mut t) = (0, 0, 0);
    loop {
        // The next base token both sides kept (a "stable" position), or the
        // three ends.
        let next = (b..base.len())
            .find_map(|i| match (in_ours.get(i), in_theirs.get(i)) {
                (Some(Some(j)), Some(Some(k))) => Some((i, *j, *k)),
                _ => None,
            })
            .unwrap_or((base.len(), ours.len(), theirs.len()));
        if next == (b, o, t) {
            if b >= base.len() {
                break;
            }
            push_take(&mut out, Side::Base, b..b + 1);
            (b, o, t) = (b + 1, o + 1, t + 1);
            continue;
        }
        let (nb, no, nt) = next;
        // Monotonic alignments make this unreachable; if it ever happened,
        // hand the rest over as one conflict rather than panic or drop text.
        if nb < b || no < o || nt < t {
            out.push(Region::Conflict {
                base: b..base.len(),
                ours: o..ours.len(),
                theirs: t..theirs.len(),
            });
            break;
        }
        let (bs, os, ts) = (&base[b..nb], &ours[o..no], &theirs[t..nt]);
        if os == bs {
            push_take(&mut out, Side::Theirs, t..nt);
        } else if ts == bs || os == ts {
            push_take(&mut out, Side::Ours, o..no);
        } else {
            out.push(Region::Conflict {
                base: b..nb,
                ours: o..no,
                theirs: t..nt,
            });
        }
        (b, o, t) = next;
    }
    out
}

/// Appends a taken range, extending the previous one when contiguous, and
/// dropping empty ones.
fn push_take(out: &mut Vec<Region>, side: Side, range: Range<usize>) {
    if range.is_empty() {
        return;
    }
    if let Some(Region::Take(last_side, last)) = out.last_mut() {
        if *last_side == side && last.end == range.start {
            last.end = range.end;
            return;
        }
    }
    out.push(Region::Take(side, range));
}
