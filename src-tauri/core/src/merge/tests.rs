use std::collections::HashMap;

use proptest::prelude::*;
use proptest::sample::Index;

use super::{merge_text, split_blocks, Chunk, TextMerge};

fn conflict(base: &str, ours: &str, theirs: &str) -> Chunk {
    Chunk::Conflict {
        base: base.into(),
        ours: ours.into(),
        theirs: theirs.into(),
    }
}

fn resolved(text: &str) -> Chunk {
    Chunk::Resolved(text.into())
}

#[test]
fn disjoint_edits_in_different_paragraphs_merge() {
    let base = "One fish.\n\nTwo fish.\n\nRed fish.\n";
    let ours = "One cat.\n\nTwo fish.\n\nRed fish.\n";
    let theirs = "One fish.\n\nTwo fish.\n\nBlue fish.\n";
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Clean("One cat.\n\nTwo fish.\n\nBlue fish.\n".into())
    );
}

#[test]
fn overlapping_edits_to_one_line_keep_both_sides() {
    let base = "Intro.\n\nThe sky is blue.\n\nOutro.\n";
    let ours = "Intro.\n\nThe sky is grey.\n\nOutro.\n";
    let theirs = "Intro.\n\nThe sky is green.\n\nOutro.\n";
    let merged = merge_text(base, ours, theirs);
    assert_eq!(
        merged,
        TextMerge::Conflict(vec![
            resolved("Intro.\n\n"),
            conflict(
                "The sky is blue.\n\n",
                "The sky is grey.\n\n",
                "The sky is green.\n\n"
            ),
            resolved("Outro.\n"),
        ])
    );
    assert!(!merged.is_clean());
    assert_eq!(merged.clean(), None);
    assert_eq!(merged.ours_view(), ours);
    assert_eq!(merged.theirs_view(), theirs);
}

#[test]
fn edits_to_the_same_paragraph_on_different_lines_merge() {
    let base = "Title\n\nline one\nline two\nline three\n\nEnd.\n";
    let ours = "Title\n\nline ONE\nline two\nline three\n\nEnd.\n";
    let theirs = "Title\n\nline one\nline two\nline THREE\n\nEnd.\n";
    let merged = merge_text(base, ours, theirs);
    assert!(merged.is_clean());
    assert_eq!(
        merged.clean(),
        Some("Title\n\nline ONE\nline two\nline THREE\n\nEnd.\n")
    );
}

#[test]
fn a_deleted_paragraph_against_an_edited_one_is_a_conflict() {
    let base = "A.\n\nB.\n\nC.\n";
    let ours = "A.\n\nC.\n";
    let theirs = "A.\n\nB, edited.\n\nC.\n";
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Conflict(vec![
            resolved("A.\n\n"),
            conflict("B.\n\n", "", "B, edited.\n\n"),
            resolved("C.\n"),
        ])
    );
}

#[test]
fn both_sides_making_the_same_change_is_not_a_conflict() {
    let base = "A.\n\nB.\n\nC.\n";
    // The same fix on both sides, plus one more edit on ours.
    let ours = "A, fixed.\n\nB.\n\nC, also.\n";
    let theirs = "A, fixed.\n\nB.\n\nC.\n";
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Clean("A, fixed.\n\nB.\n\nC, also.\n".into())
    );
}

#[test]
fn both_sides_appending_different_paragraphs_at_the_end_is_a_conflict() {
    let base = "A.\n\nB.\n";
    let ours = "A.\n\nB.\n\nFrom ours.\n";
    let theirs = "A.\n\nB.\n\nFrom theirs.\n";
    let merged = merge_text(base, ours, theirs);
    let TextMerge::Conflict(chunks) = &merged else {
        panic!("expected a conflict, got {merged:?}");
    };
    assert_eq!(chunks.first(), Some(&resolved("A.\n\n")));
    assert!(chunks.iter().any(|chunk| matches!(chunk,
        Chunk::Conflict { ours, theirs, .. }
            if ours.contains("From ours.") && theirs.contains("From theirs.")
                && !ours.contains("From theirs.") && !theirs.contains("From ours."))));
    assert_eq!(merged.ours_view(), ours);
    assert_eq!(merged.theirs_view(), theirs);
}

#[test]
fn both_sides_inserting_different_lines_at_the_same_place_is_a_conflict() {
    // One paragraph, so the line level decides; no order is guessed.
    let base = "one\ntwo\n";
    let ours = "one\nours\ntwo\n";
    let theirs = "one\ntheirs\ntwo\n";
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Conflict(vec![conflict(base, ours, theirs)])
    );
}

#[test]
fn a_paragraph_inserted_on_one_side_and_an_edit_elsewhere_on_the_other_merge() {
    let base = "A.\n\nB.\n\nC.\n";
    let ours = "A.\n\nNew paragraph.\n\nB.\n\nC.\n";
    let theirs = "A.\n\nB.\n\nC, edited.\n";
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Clean("A.\n\nNew paragraph.\n\nB.\n\nC, edited.\n".into())
    );
}

#[test]
fn crlf_and_missing_final_newline_survive_byte_for_byte() {
    let base = "Title\r\n\r\nFirst.\r\nSecond.\r\n\r\n\r\nLast";
    let ours = "Title\r\n\r\nFirst, edited.\r\nSecond.\r\n\r\n\r\nLast";
    let theirs = "Title\r\n\r\nFirst.\r\nSecond.\r\n\r\n\r\nLast, edited";
    assert_eq!(
        split_blocks(base),
        ["Title\r\n\r\n", "First.\r\nSecond.\r\n\r\n\r\n", "Last"]
    );
    assert_eq!(
        merge_text(base, ours, theirs),
        TextMerge::Clean("Title\r\n\r\nFirst, edited.\r\nSecond.\r\n\r\n\r\nLast, edited".into())
    );
}

#[test]
fn a_fenced_code_block_with_blank_lines_is_one_block() {
    let text =
        "\nIntro:\n\n```rust\nfn a() {}\n\n\nfn b() {}\n```\n\n~~~~\nx\n\n~~~\ny\n~~~~\nAfter.\n";
    assert_eq!(
        split_blocks(text),
        [
            "\n",
            "Intro:\n\n",
            "```rust\nfn a() {}\n\n\nfn b() {}\n```\n\n",
            // A shorter fence does not close a longer one.
            "~~~~\nx\n\n~~~\ny\n~~~~\nAfter.\n",
        ]
    );
    // An unclosed fence runs to the end.
    assert_eq!(
        split_blocks("A\n\n```\nx\n\ny\n"),
        ["A\n\n", "```\nx\n\ny\n"]
    );
    // Edits around the blank lines inside the fence meet in the same block
    // and are merged line by line.
    let base = "```\nfn a() {}\n\nfn b() {}\n```\n";
    let ours = "```\nfn a() { 1 }\n\nfn b() {}\n```\n";
    let theirs = "```\nfn a() {}\n\nfn b() { 2 }\n```\n";
    assert_eq!(
        merge_text(base, ours, theirs).clean(),
        Some("```\nfn a() { 1 }\n\nfn b() { 2 }\n```\n")
    );
}

// ---- Property tests -------------------------------------------------------

const WORDS: &[&str] = &["alpha", "beta", "gamma", "delta", "echo", "fox", "golf"];

type Doc = Vec<Vec<String>>;

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..4).prop_map(|words| words.join(" "))
}

fn paragraph() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(line(), 1..4)
}

#[derive(Debug, Clone)]
enum Edit {
    InsertParagraph(Index, Vec<String>),
    DeleteParagraph(Index),
    ReplaceParagraph(Index, Vec<String>),
    InsertLine(Index, Index, String),
    DeleteLine(Index, Index),
    ReplaceLine(Index, Index, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), paragraph()).prop_map(|(p, new)| Edit::InsertParagraph(p, new)),
        any::<Index>().prop_map(Edit::DeleteParagraph),
        (any::<Index>(), paragraph()).prop_map(|(p, new)| Edit::ReplaceParagraph(p, new)),
        (any::<Index>(), any::<Index>(), line())
            .prop_map(|(p, l, new)| Edit::InsertLine(p, l, new)),
        (any::<Index>(), any::<Index>()).prop_map(|(p, l)| Edit::DeleteLine(p, l)),
        (any::<Index>(), any::<Index>(), line())
            .prop_map(|(p, l, new)| Edit::ReplaceLine(p, l, new)),
    ]
}

fn apply(doc: &mut Doc, edit: &Edit) {
    let n = doc.len();
    match edit {
        Edit::InsertParagraph(p, new) => doc.insert(p.index(n + 1), new.clone()),
        Edit::DeleteParagraph(p) if n > 0 => {
            doc.remove(p.index(n));
        }
        Edit::ReplaceParagraph(p, new) if n > 0 => doc[p.index(n)] = new.clone(),
        Edit::InsertLine(p, l, new) if n > 0 => {
            let para = &mut doc[p.index(n)];
            para.insert(l.index(para.len() + 1), new.clone());
        }
        Edit::DeleteLine(p, l) if n > 0 => {
            let at = p.index(n);
            let para = &mut doc[at];
            para.remove(l.index(para.len()));
            if para.is_empty() {
                doc.remove(at);
            }
        }
        Edit::ReplaceLine(p, l, new) if n > 0 => {
            let para = &mut doc[p.index(n)];
            let at = l.index(para.len());
            para[at] = new.clone();
        }
        _ => {}
    }
}

fn render(doc: &Doc, eol: &str, final_newline: bool) -> String {
    let paragraphs: Vec<String> = doc
        .iter()
        .map(|para| para.iter().map(|l| format!("{l}{eol}")).collect())
        .collect();
    let mut text = paragraphs.join(eol);
    if !final_newline && text.ends_with(eol) {
        text.truncate(text.len() - eol.len());
    }
    text
}

/// A base and two sides made from it by realistic edits, with LF or CRLF
/// and with or without a final newline.
fn edited() -> impl Strategy<Value = (String, String, String)> {
    let edits = || prop::collection::vec(edit(), 1..3);
    (
        prop::collection::vec(paragraph(), 1..5),
        edits(),
        edits(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(base, ours_edits, theirs_edits, crlf, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let side = |edits: &[Edit]| {
                let mut doc = base.clone();
                edits.iter().for_each(|e| apply(&mut doc, e));
                render(&doc, eol, final_newline)
            };
            (
                render(&base, eol, final_newline),
                side(&ours_edits),
                side(&theirs_edits),
            )
        })
}

/// Mostly realistic edits; sometimes unrelated scraps of newlines, carriage
/// returns, spaces and fence characters, to shake out panics in splitting.
fn inputs() -> impl Strategy<Value = (String, String, String)> {
    let scrap = || "[ab `~\r\n]{0,24}";
    prop_oneof![
        4 => edited(),
        1 => (scrap(), scrap(), scrap()),
    ]
}

fn counts(items: Vec<&str>) -> HashMap<&str, usize> {
    let mut map = HashMap::new();
    for item in items {
        *map.entry(item).or_insert(0) += 1;
    }
    map
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Asserts `result` has each item (word or line) at least as often as `side`
/// has more of it than `base`: what a side added survives.
fn assert_keeps_additions(
    what: &str,
    split: fn(&str) -> Vec<&str>,
    base: &str,
    side: &str,
    result: &str,
) -> Result<(), TestCaseError> {
    let (base, result) = (counts(split(base)), counts(split(result)));
    for (item, n) in counts(split(side)) {
        let added = n.saturating_sub(base.get(item).copied().unwrap_or(0));
        let kept = result.get(item).copied().unwrap_or(0);
        prop_assert!(
            kept >= added,
            "{} {:?}: added {}, kept {}",
            what,
            item,
            added,
            kept
        );
    }
    Ok(())
}

fn swapped(merge: &TextMerge) -> TextMerge {
    match merge {
        TextMerge::Clean(text) => TextMerge::Clean(text.clone()),
        TextMerge::Conflict(chunks) => TextMerge::Conflict(
            chunks
                .iter()
                .map(|chunk| match chunk {
                    Chunk::Conflict { base, ours, theirs } => conflict(base, theirs, ours),
                    other => other.clone(),
                })
                .collect(),
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merging_a_text_with_itself_gives_it_back_cleanly((base, text, _) in inputs()) {
        prop_assert_eq!(merge_text(&base, &text, &text), TextMerge::Clean(text));
    }

    #[test]
    fn an_unchanged_side_gives_the_other_side((base, ours, theirs) in inputs()) {
        prop_assert_eq!(merge_text(&base, &base, &theirs), TextMerge::Clean(theirs));
        prop_assert_eq!(merge_text(&base, &ours, &base), TextMerge::Clean(ours));
    }

    #[test]
    fn merging_is_symmetric((base, ours, theirs) in inputs()) {
        let forward = merge_text(&base, &ours, &theirs);
        let backward = merge_text(&base, &theirs, &ours);
        prop_assert_eq!(forward.is_clean(), backward.is_clean());
        prop_assert_eq!(swapped(&forward), backward);
    }

    #[test]
    fn no_word_either_side_added_is_lost((base, ours, theirs) in inputs()) {
        // Stronger than "every word of ours is in ours_view": that would fail
        // whenever theirs cleanly deletes a paragraph ours left alone.
        let merged = merge_text(&base, &ours, &theirs);
        assert_keeps_additions("ours word", words, &base, &ours, &merged.ours_view())?;
        assert_keeps_additions("theirs word", words, &base, &theirs, &merged.theirs_view())?;
    }

    #[test]
    fn a_clean_merge_keeps_every_line_each_side_added((base, ours, theirs) in inputs()) {
        if let TextMerge::Clean(text) = merge_text(&base, &ours, &theirs) {
            assert_keeps_additions("ours line", lines, &base, &ours, &text)?;
            assert_keeps_additions("theirs line", lines, &base, &theirs, &text)?;
        }
    }

    #[test]
    fn results_are_well_formed_and_built_from_the_inputs((base, ours, theirs) in inputs()) {
        let merged = merge_text(&base, &ours, &theirs);
        // No invented line: every merged line is a line of some input.
        let known: Vec<&str> = [&base, &ours, &theirs]
            .iter()
            .flat_map(|s| lines(s))
            .collect();
        for view in [merged.ours_view(), merged.theirs_view()] {
            for line in lines(&view) {
                prop_assert!(known.contains(&line), "invented line {:?}", line);
            }
        }
        if let TextMerge::Conflict(chunks) = &merged {
            let has_conflict = chunks.iter().any(|c| matches!(c, Chunk::Conflict { .. }));
            prop_assert!(has_conflict);
            for pair in chunks.windows(2) {
                let both_resolved = matches!(pair, [Chunk::Resolved(_), Chunk::Resolved(_)]);
                prop_assert!(!both_resolved, "adjacent resolved chunks");
            }
            for chunk in chunks {
                match chunk {
                    Chunk::Resolved(text) => prop_assert!(!text.is_empty()),
                    Chunk::Conflict { base, ours, theirs } => {
                        prop_assert!(ours != theirs && ours != base && theirs != base);
                    }
                }
            }
        }
    }
}
