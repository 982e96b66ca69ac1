//! A Markdown text cut into its top-level blocks (paragraph, heading, list,
//! table, quote, code block…), the unit of translation, and the hash of a
//! block's normalised text, which tells whether a block really changed.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Title,
    Summary,
    ShareText,
    Paragraph,
    Heading,
    List,
    Table,
    Quote,
    Code,
    Rule,
    Html,
    Footnote,
    /// Text Markdown gives no block of its own, such as link reference
    /// definitions: a block anyway, so that no text falls between blocks.
    Other,
}

/// One top-level block of a text: its kind and where it lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub kind: BlockKind,
    pub range: Range<usize>,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

fn kind_of(tag: &Tag) -> BlockKind {
    match tag {
        Tag::Paragraph => BlockKind::Paragraph,
        Tag::Heading { .. } => BlockKind::Heading,
        Tag::List(_) => BlockKind::List,
        Tag::Table(_) => BlockKind::Table,
        Tag::BlockQuote(_) => BlockKind::Quote,
        Tag::CodeBlock(_) => BlockKind::Code,
        Tag::HtmlBlock => BlockKind::Html,
        Tag::FootnoteDefinition(_) => BlockKind::Footnote,
        _ => BlockKind::Other,
    }
}

/// The top-level blocks of `markdown`, in order. Every character that is not
/// white space lies in exactly one block: what Markdown does not make a block
/// of (link definitions) becomes an `Other` block, so a text rebuilt from its
/// blocks loses nothing.
pub fn split(markdown: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut kind = BlockKind::Other;
    let mut covered = 0usize;
    let mut push = |pieces: &mut Vec<Piece>, kind: BlockKind, range: Range<usize>| {
        let range = range.start.max(covered)..range.end.max(covered);
        // Text between the previous block and this one that is not blank.
        let gap = &markdown[covered..range.start];
        if !gap.trim().is_empty() {
            let lead = gap.len() - gap.trim_start().len();
            let trail = gap.len() - gap.trim_end().len();
            pieces.push(Piece {
                kind: BlockKind::Other,
                range: covered + lead..range.start - trail,
            });
        }
        let text = &markdown[range.clone()];
        let end = range.start + text.trim_end().len();
        covered = range.end.max(covered);
        pieces.push(Piece {
            kind,
            range: range.start..end,
        });
    };
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = range.start;
                    kind = kind_of(&tag);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push(&mut pieces, kind, start..range.end.max(start));
                }
            }
            Event::Rule if depth == 0 => push(&mut pieces, BlockKind::Rule, range),
            // Anything else at the top level (HTML outside a block).
            _ if depth == 0 => push(&mut pieces, BlockKind::Other, range),
            _ => {}
        }
    }
    let rest = &markdown[covered.min(markdown.len())..];
    if !rest.trim().is_empty() {
        let lead = rest.len() - rest.trim_start().len();
        let end = covered + rest.trim_end().len();
        pieces.push(Piece {
            kind: BlockKind::Other,
            range: covered + lead..end,
        });
    }
    pieces
}

/// The form a block's text is compared in: Unicode NFC, every run of white
/// space one space, none at either end. A change of wrapping or indentation
/// alone does not change it.
pub fn normalise(text: &str) -> String {
    // Composing is the slow part and almost every text is composed already:
    // the quick check answers for those without building anything.
    let composed = is_nfc_quick(text.chars()) == IsNormalized::Yes;
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if composed {
            out.push_str(word);
        } else {
            out.extend(word.nfc());
        }
    }
    out
}

/// The hash of a block's normalised text: 16 hex digits of its SHA-256.
pub fn hash(text: &str) -> String {
    let digest = Sha256::digest(normalise(text).as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(BlockKind, &str)> {
        split(md)
            .into_iter()
            .map(|p| (p.kind, &md[p.range]))
            .collect()
    }

    #[test]
    fn top_level_blocks_with_their_kinds() {
        let md = "# Titre\n\nUn paragraphe\nsur deux lignes.\n\n- un\n- deux\n\n> cité\n\n```\ncode\n```\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            texts(md),
            vec![
                (BlockKind::Heading, "# Titre"),
                (BlockKind::Paragraph, "Un paragraphe\nsur deux lignes."),
                (BlockKind::List, "- un\n- deux"),
                (BlockKind::Quote, "> cité"),
                (BlockKind::Code, "```\ncode\n```"),
                (BlockKind::Rule, "---"),
                (BlockKind::Table, "| a | b |\n|---|---|\n| 1 | 2 |"),
            ]
        );
    }

    #[test]
    fn link_definitions_are_blocks_too() {
        let md = "Voir [le site][s].\n\n[s]: https://example.org\n\nFin.";
        assert_eq!(
            texts(md),
            vec![
                (BlockKind::Paragraph, "Voir [le site][s]."),
                (BlockKind::Other, "[s]: https://example.org"),
                (BlockKind::Paragraph, "Fin."),
            ]
        );
    }

    #[test]
    fn white_space_changes_keep_the_hash_and_words_change_it() {
        assert_eq!(
            hash("Un  texte\nsur deux lignes. "),
            hash("Un texte sur deux lignes.")
        );
        assert_eq!(hash("e\u{301}te\u{301}"), hash("été"));
        assert_ne!(hash("Un texte."), hash("Un autre texte."));
        assert_eq!(hash("x").len(), 16);
    }

    proptest::proptest! {
        /// No text that is not white space falls outside the blocks, and blocks
        /// do not overlap.
        #[test]
        fn blocks_cover_every_character(md in "([a-z#>*`\\[\\]:|\\- ]{0,12}\n{0,3}){0,12}") {
            let pieces = split(&md);
            let mut end = 0;
            let mut inside = String::new();
            for p in &pieces {
                proptest::prop_assert!(p.range.start >= end, "{pieces:?}");
                proptest::prop_assert!(md[end..p.range.start].trim().is_empty(), "{pieces:?}");
                inside.push_str(&md[p.range.clone()]);
                end = p.range.end;
            }
            proptest::prop_assert!(md[end..].trim().is_empty());
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            proptest::prop_assert_eq!(squeeze(&inside), squeeze(&md));
        }
    }
}
