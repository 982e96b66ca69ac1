use super::*;
use crate::translation::source::{continue_ids, header_blocks};

fn source(title: &str, body: &str) -> Vec<Block> {
    let text = PostText {
        title: title.into(),
        ..PostText::default()
    };
    let mut blocks = header_blocks(&text);
    blocks.extend(continue_ids(&[], body));
    blocks
}

fn text(title: &str, body: &str) -> PostText {
    PostText {
        title: title.into(),
        body: body.into(),
        ..PostText::default()
    }
}

fn states(status: &[BlockStatus]) -> Vec<BlockState> {
    status.iter().map(|s| s.state).collect()
}

#[test]
fn a_new_translation_pairs_blocks_in_order_and_by_kind() {
    let src = source("Titre", "# Section\n\nUn.\n\nDeux.\n\n- a\n- b");
    let units = from_text(&src, &[], &text("Title", "# Section\n\nOne.\n\n- a\n- b"));
    let st = status(&src, &units);
    use BlockState::*;
    assert_eq!(
        states(&st),
        vec![Current, Current, Current, Missing, Current]
    );
    assert_eq!(st[2].translation, "One.");
    assert_eq!(st[4].translation, "- a\n- b");
}

#[test]
fn a_changed_source_block_outdates_exactly_its_translation() {
    let src = source("Titre", "Un.\n\nDeux.\n\nTrois.");
    let units = from_text(&src, &[], &text("Title", "One.\n\nTwo.\n\nThree."));
    let mut changed = vec![src[0].clone()];
    changed.extend(continue_ids(&src[1..], "Un.\n\nDeux, changé.\n\nTrois."));
    let st = status(&changed, &units);
    use BlockState::*;
    assert_eq!(states(&st), vec![Current, Current, Outdated, Current]);
    assert_eq!(st[2].translated_from.as_deref(), Some("Deux."));
    assert_eq!(st[2].source, "Deux, changé.");
}

#[test]
fn white_space_in_the_source_outdates_nothing() {
    let src = source("Titre", "Un texte\nsur deux lignes.\n\nDeux.");
    let units = from_text(&src, &[], &text("Title", "A text on two lines.\n\nTwo."));
    let mut rewrapped = vec![src[0].clone()];
    rewrapped.extend(continue_ids(
        &src[1..],
        "Un  texte sur\ndeux lignes.\n\nDeux.",
    ));
    assert!(status(&rewrapped, &units)
        .iter()
        .all(|s| s.state == BlockState::Current));
}

#[test]
fn inserted_and_deleted_source_blocks_are_missing_and_orphaned() {
    let src = source("Titre", "Un.\n\nDeux.\n\nTrois.");
    let units = from_text(&src, &[], &text("Title", "One.\n\nTwo.\n\nThree."));
    let mut edited = vec![src[0].clone()];
    edited.extend(continue_ids(&src[1..], "Un.\n\nDeux, mais revu.\n\nTrois."));
    // "Deux" rewritten in place: the same block, changed.
    use BlockState::*;
    assert_eq!(
        states(&status(&edited, &units)),
        vec![Current, Current, Outdated, Current]
    );
    // Replaced by a paragraph with nothing in common: a new block.
    let mut edited = vec![src[0].clone()];
    edited.extend(continue_ids(&src[1..], "Un.\n\nNouveau.\n\nTrois."));
    let st = status(&edited, &units);
    assert_eq!(
        states(&st),
        vec![Current, Current, Orphaned, Missing, Current]
    );
    // Only the missing block asks for the translator; the orphan is shown for reference.
    let todo: Vec<bool> = st.iter().map(|b| b.needs_work).collect();
    assert_eq!(todo, vec![false, false, false, true, false]);
    let mut edited = vec![src[0].clone()];
    edited.extend(continue_ids(&src[1..], "Un.\n\nTrois.\n\n# Nouveau titre"));
    let st = status(&edited, &units);
    assert_eq!(
        states(&st),
        vec![Current, Current, Orphaned, Current, Missing]
    );
    assert_eq!(st[2].translation, "Two.");
}

#[test]
fn a_whole_text_edit_keeps_each_unit_with_its_block() {
    let src = source("Titre", "# Une section\n\nUn.\n\n- un\n- deux");
    let units = from_text(&src, &[], &text("Title", "# A section\n\n- one\n- two"));
    use BlockState::*;
    assert_eq!(
        states(&status(&src, &units)),
        vec![Current, Current, Missing, Current]
    );
    // The translator writes the missing paragraph where it belongs, then a
    // second paragraph after it.
    let again = from_text(
        &src,
        &units,
        &text(
            "Title",
            "# A section\n\nOne.\n\nOne, continued.\n\n- one\n- two",
        ),
    );
    let st = status(&src, &again);
    assert_eq!(states(&st), vec![Current, Current, Current, Current]);
    // A new paragraph with no missing block left for it joins the unit before it.
    assert_eq!(st[2].translation, "One.\n\nOne, continued.");
    assert_eq!(st[3].translation, "- one\n- two");
}

#[test]
fn editing_a_translation_does_not_make_an_outdated_block_current() {
    let src = source("Titre", "Un.\n\nDeux.");
    let units = from_text(&src, &[], &text("Title", "One.\n\nTwo."));
    let mut changed = vec![src[0].clone()];
    changed.extend(continue_ids(&src[1..], "Un.\n\nDeux, changé."));
    let edited = from_text(&changed, &units, &text("Title", "One.\n\nTwo, edited."));
    let st = status(&changed, &edited);
    assert_eq!(st[2].state, BlockState::Outdated);
    assert_eq!(st[2].translation, "Two, edited.");
}

#[test]
fn units_sent_block_by_block_compose_the_text() {
    let src = source("Titre", "Un.\n\nDeux.");
    let sent = vec![
        UnitText {
            block: TITLE.into(),
            text: "Title".into(),
        },
        UnitText {
            block: src[1].id.clone(),
            text: "One.".into(),
        },
        UnitText {
            block: src[2].id.clone(),
            text: " ".into(),
        },
    ];
    let composed = compose(&sent, &PostText::default());
    assert_eq!(composed.title, "Title");
    assert_eq!(composed.body, "One.\n");
    let units = from_unit_texts(&src, &[], &sent);
    use BlockState::*;
    assert_eq!(
        states(&status(&src, &units)),
        vec![Current, Current, Missing]
    );
}

proptest::proptest! {
    /// However a translation is edited as a whole, every one of its blocks is
    /// in exactly one unit: composing the units gives back all its words.
    #[test]
    fn no_translated_word_is_lost(
        src_words in proptest::collection::vec("[a-d]{1,3}", 1..8),
        first in proptest::collection::vec("[e-h]{1,3}", 0..8),
        second in proptest::collection::vec("[e-z]{1,3}", 0..8),
    ) {
        let join = |v: &[String]| v.iter().map(|w| format!("P {w}.")).collect::<Vec<_>>().join("\n\n");
        let src = source("T", &join(&src_words));
        let one = from_text(&src, &[], &text("X", &join(&first)));
        let two = from_text(&src, &one, &text("X", &join(&second)));
        for (units, words) in [(&one, &first), (&two, &second)] {
            let sent: Vec<UnitText> = units.iter().map(|u| UnitText { block: u.block.clone(), text: u.text.clone() }).collect();
            let body = compose(&sent, &PostText::default()).body;
            let got: Vec<&str> = body.split_whitespace().filter(|w| *w != "P").collect();
            let want: Vec<String> = words.iter().map(|w| format!("{w}.")).collect();
            proptest::prop_assert_eq!(got, want);
            let mut seen = std::collections::HashSet::new();
            for u in units.iter() {
                proptest::prop_assert!(seen.insert(u.block.clone()), "block {} twice", u.block);
            }
        }
    }
}
