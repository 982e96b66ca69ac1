use super::*;

/// A segment as one line: text, `{1}…{/1}` for pairs, `{2/}` for codes.
fn shown(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| match i {
            Item::Text(t) => t.clone(),
            Item::Open(id) => format!("{{{id}}}"),
            Item::Close(id) => format!("{{/{id}}}"),
            Item::Code(id) => format!("{{{id}/}}"),
        })
        .collect()
}

fn kinds(seg: &Segment) -> Vec<CodeKind> {
    let mut ids: Vec<&u32> = seg.codes.keys().collect();
    ids.sort();
    ids.into_iter().map(|id| seg.codes[id].kind).collect()
}

/// The segment's texts replaced by `f` of each, codes kept.
fn translated(seg: &Segment, f: impl Fn(&str) -> String) -> Vec<Item> {
    seg.items
        .iter()
        .map(|i| match i {
            Item::Text(t) => Item::Text(f(t)),
            other => other.clone(),
        })
        .collect()
}

#[track_caller]
fn check(md: &str, expected: &str, expected_kinds: &[CodeKind]) {
    let seg = segment(md);
    assert_eq!(shown(&seg.items), expected, "{md:?}");
    assert_eq!(kinds(&seg), expected_kinds, "{md:?}");
    assert_eq!(rebuild(&seg, &seg.items).unwrap(), md, "{md:?}");
}

#[test]
fn emphasis_strong_and_strikethrough_are_pairs() {
    check(
        "Un *mot* et **deux** et ~~trois~~.",
        "Un {1}mot{/1} et {2}deux{/2} et {3}trois{/3}.",
        &[
            CodeKind::Emphasis,
            CodeKind::Strong,
            CodeKind::Strikethrough,
        ],
    );
    let seg = segment("Un *mot* et **deux**.");
    assert_eq!(seg.codes[&1].open, "*");
    assert_eq!(seg.codes[&2].close, "**");
}

#[test]
fn a_link_keeps_its_address_out_of_the_text() {
    check(
        "Voir [le site](https://example.org \"Titre\") ici.",
        "Voir {1}le site{/1} ici.",
        &[CodeKind::Link],
    );
    let seg = segment("Voir [le site](https://example.org).");
    assert_eq!(seg.codes[&1].open, "[");
    assert_eq!(seg.codes[&1].close, "](https://example.org)");
}

#[test]
fn a_reference_link_defined_in_another_block_is_a_link() {
    check(
        "Voir [le site][s].",
        "Voir {1}le site{/1}.",
        &[CodeKind::Link],
    );
}

#[test]
fn an_image_s_alt_text_is_translated() {
    check(
        "![Carte du réseau](asset:0b5e0f7a) légende",
        "{1}Carte du réseau{/1} légende",
        &[CodeKind::Image],
    );
}

#[test]
fn inline_code_html_footnote_references_and_breaks_are_standalone_codes() {
    check(
        "Lancer `valise` <kbd>Entrée</kbd> puis[^1] lire  \nla suite.",
        "Lancer {1/} {2/}Entrée{3/} puis{4/} lire{5/}la suite.",
        &[
            CodeKind::Code,
            CodeKind::Html,
            CodeKind::Html,
            CodeKind::FootnoteRef,
            CodeKind::LineBreak,
        ],
    );
}

#[test]
fn an_autolink_is_one_code_and_its_address_is_not_translated() {
    check(
        "Écrire à <https://example.org/a_b> vite.",
        "Écrire à {1/} vite.",
        &[CodeKind::Autolink],
    );
}

#[test]
fn nested_pairs_stay_nested() {
    check(
        "**gras et *italique*** puis [un *lien*](u).",
        "{1}gras et {2}italique{/2}{/1} puis {3}un {4}lien{/4}{/3}.",
        &[
            CodeKind::Strong,
            CodeKind::Emphasis,
            CodeKind::Link,
            CodeKind::Emphasis,
        ],
    );
}

#[test]
fn block_syntax_stays_out_of_the_segment_or_between_texts() {
    let heading = segment("## Ce qui a été décidé");
    assert_eq!(shown(&heading.items), "Ce qui a été décidé");
    assert_eq!(heading.prefix, "## ");
    check(
        "- un ;\n- deux ;\n- trois.",
        "un ;{1/}deux ;{2/}trois.",
        &[CodeKind::Block, CodeKind::Block],
    );
    check(
        "> Une citation\n> sur deux lignes.",
        "Une citation sur deux lignes.",
        &[],
    );
    check(
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "a{1/}b{2/}1{3/}2",
        &[CodeKind::Block; 3],
    );
    check("[^1]: La note.", "La note.", &[]);
}

#[test]
fn a_paragraph_over_several_lines_is_one_text() {
    check(
        "Un paragraphe\nsur deux lignes, avec un \\*.",
        "Un paragraphe sur deux lignes, avec un *.",
        &[],
    );
}

#[test]
fn code_blocks_and_rules_have_nothing_to_translate() {
    assert!(!segment("```\nlet a = 1;\n```").has_text());
    assert!(!segment("---").has_text());
    assert!(!segment("[s]: https://example.org").has_text());
}

#[test]
fn a_translation_is_rebuilt_with_the_source_syntax() {
    let seg = segment("- un *mot* ;\n- [le site](https://example.org).");
    let target = vec![
        Item::Text("a ".into()),
        Item::Open(1),
        Item::Text("word".into()),
        Item::Close(1),
        Item::Text(";".into()),
        Item::Code(2),
        Item::Open(3),
        Item::Text("the site".into()),
        Item::Close(3),
        Item::Text(".".into()),
    ];
    assert_eq!(
        rebuild(&seg, &target).unwrap(),
        "- a *word*;\n- [the site](https://example.org)."
    );
}

#[test]
fn the_translator_s_markdown_characters_are_text() {
    let seg = segment("# Titre");
    let out = rebuild(&seg, &[Item::Text("#1 *not* <b>bold</b> & [x]".into())]).unwrap();
    assert_eq!(out, "# \\#1 \\*not\\* \\<b\\>bold\\</b\\> & \\[x\\]");
    let seg = segment("Texte.");
    let out = rebuild(&seg, &[Item::Text("1. - + line\nbreak &amp;".into())]).unwrap();
    assert_eq!(out, "1\\. - + line break \\&amp;");
    // No-break spaces (French typography) are text, not white space to fold.
    let out = rebuild(&seg, &[Item::Text("Quoi\u{a0}? ".into())]).unwrap();
    assert_eq!(out, "Quoi\u{a0}? ");
}

#[test]
fn spaces_just_inside_emphasis_move_outside() {
    let seg = segment("Un *mot* ici.");
    let target = vec![
        Item::Text("A".into()),
        Item::Open(1),
        Item::Text(" word ".into()),
        Item::Close(1),
        Item::Text("here.".into()),
    ];
    assert_eq!(rebuild(&seg, &target).unwrap(), "A *word* here.");
}

#[test]
fn codes_that_do_not_match_the_source_are_refused() {
    let seg = segment("Un *mot* et `code`.");
    let missing = vec![Item::Text("A word".into())];
    assert!(rebuild(&seg, &missing).unwrap_err().contains("missing"));
    let unknown = vec![
        Item::Open(1),
        Item::Text("w".into()),
        Item::Close(1),
        Item::Code(2),
        Item::Code(7),
    ];
    assert!(rebuild(&seg, &unknown)
        .unwrap_err()
        .contains("7 is not in the source"));
    let twice = vec![Item::Open(1), Item::Close(1), Item::Code(2), Item::Code(2)];
    assert!(rebuild(&seg, &twice)
        .unwrap_err()
        .contains("more than once"));
    let swapped = vec![Item::Code(1), Item::Open(2), Item::Close(2)];
    assert!(rebuild(&seg, &swapped).unwrap_err().contains("pair"));
    let unended = vec![Item::Open(1), Item::Text("w".into()), Item::Code(2)];
    assert!(rebuild(&seg, &unended)
        .unwrap_err()
        .contains("does not end"));
    let ended_first = vec![Item::Close(1), Item::Open(1), Item::Code(2)];
    assert!(rebuild(&seg, &ended_first)
        .unwrap_err()
        .contains("has not begun"));
}

#[test]
fn a_translation_s_codes_take_the_source_s_ids_by_kind() {
    let source = segment("Un *mot* et `code`.");
    let translation = segment("`code` and a *word*.");
    let aligned = align(&source, &translation).unwrap();
    assert_eq!(shown(&aligned), "{2/} and a {1}word{/1}.");
    assert_eq!(align(&source, &segment("No codes.")), None);
}

proptest::proptest! {
    /// Cutting a block and putting the same segment back gives the block
    /// byte for byte, whatever its syntax.
    #[test]
    fn an_untouched_segment_rebuilds_the_exact_block(
        md in "([-#>*_`\\[\\]()!|~\\\\<>a-z0-9 .:^]{0,14}\n?){1,5}"
    ) {
        let md = md.trim_end().to_string();
        let seg = segment(&md);
        proptest::prop_assert_eq!(rebuild(&seg, &seg.items).unwrap(), md);
    }

    /// Whatever a translator types, Markdown reads the rebuilt block as that
    /// text (white space folded) with the same codes around it.
    #[test]
    fn a_translated_text_reads_back_as_typed(
        block in proptest::sample::select(vec![
            "Un *mot* et **deux** [lien](https://e.org) `c` fin.",
            "## Titre avec *accent*",
            "- un ;\n- deux **gras** ;\n- trois.",
            "> Une citation *forte*.",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "1. premier\n2. second",
            "Avant  \naprès <br> ![alt](x.png)",
        ]),
        typed in "[A-Za-z][-#>*_`\\[\\]()!|~\\\\<&;=+1. A-Za-z]{0,12}[A-Za-z]",
    ) {
        let seg = segment(block);
        let target = translated(&seg, |_| typed.clone());
        let md = rebuild(&seg, &target).unwrap();
        let again = segment(&md);
        proptest::prop_assert_eq!(kinds(&again), kinds(&seg), "{}", md);
        let folded = typed.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
        for item in &again.items {
            if let Item::Text(t) = item {
                proptest::prop_assert_eq!(t.trim(), folded.as_str(), "{}", md);
            }
        }
    }
}
