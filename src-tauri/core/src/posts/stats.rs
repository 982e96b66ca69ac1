//! Figures about a text that editors watch while writing: words, reading time,
//! and the slug a title suggests.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Average silent reading speed used for the reading-time estimate.
const WORDS_PER_MINUTE: u32 = 220;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextStats {
    pub words: u32,
    pub reading_minutes: u32,
    /// Characters as a person counts them (Unicode scalar values).
    pub characters: u32,
}

/// Counts words as a reader would: runs of letters or digits, so Markdown marks
/// (`#`, `*`, `-`, `|`) are not words. An apostrophe or hyphen inside a word
/// ("aujourd'hui", "porte-parole") keeps it one word.
pub fn word_count(text: &str) -> u32 {
    let mut words = 0;
    let mut in_word = false;
    let mut prev_joiner = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
            prev_joiner = false;
        } else if in_word && !prev_joiner && matches!(c, '\'' | '’' | '-' | '\u{2011}') {
            prev_joiner = true;
        } else {
            in_word = false;
            prev_joiner = false;
        }
    }
    words
}

/// Minutes to read `words` words, rounded up.
pub fn reading_minutes(words: u32) -> u32 {
    words.div_ceil(WORDS_PER_MINUTE)
}

pub fn stats(text: &str) -> TextStats {
    let words = word_count(text);
    TextStats {
        words,
        reading_minutes: reading_minutes(words),
        characters: text.chars().count() as u32,
    }
}

/// A URL slug from a title: lower case ASCII letters and digits joined by
/// hyphens, accents folded ("Négociation à Genève" → "negociation-a-geneve").
/// Scripts without a Latin form (Arabic) are kept as they are, lower-cased.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut pending_hyphen = false;
    for c in title.chars().flat_map(fold_accent) {
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.extend(c.to_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    slug
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'œ' | 'Œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_marks_are_not_words() {
        assert_eq!(word_count("# Titre\n\n- un *deux* trois | 4"), 5);
        assert_eq!(word_count("aujourd'hui le porte-parole"), 3);
        assert_eq!(word_count("مرحبا بالعالم"), 2);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(stats("").reading_minutes, 0);
        assert_eq!(stats("mot").reading_minutes, 1);
        assert_eq!(stats(&"mot ".repeat(441)).reading_minutes, 3);
    }

    #[test]
    fn slugs_fold_accents_and_keep_other_scripts() {
        assert_eq!(
            slugify("Négociation à Genève : l'accord !"),
            "negociation-a-geneve-l-accord"
        );
        assert_eq!(slugify("  Œuvres   d’art  "), "oeuvres-d-art");
        assert_eq!(slugify("مرحبا بالعالم"), "مرحبا-بالعالم");
    }
}
