//! Snippets cut in Rust around the first match. SQLite's own snippet() weighs
//! every match of the document, which takes seconds on a long text that repeats
//! the word; this looks at one window only.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use super::SnippetPart;

/// Words shown before the first match, and in all.
const LEAD: usize = 6;
const WIDTH: usize = 24;

/// A searched word, folded like the index folds (case and accents ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub folded: String,
    pub prefix: bool,
}

impl Term {
    fn matches(&self, folded_word: &str) -> bool {
        if self.prefix {
            folded_word.starts_with(&self.folded)
        } else {
            folded_word == self.folded
        }
    }
}

/// Lower case without diacritics: "Négociation" → "negociation".
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Byte ranges of the words of `text` (runs of letters and digits).
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start: Option<usize> = None;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| {
            if c.is_alphanumeric() || (start.is_some() && is_combining_mark(c)) {
                start.get_or_insert(i);
                None
            } else {
                start.take().map(|s| (s, i))
            }
        })
}

/// The passage of `text` around the first word that matches one of `terms`,
/// with every matching word in it marked; the start of the text if none does.
pub fn snippet(text: &str, terms: &[Term]) -> Vec<SnippetPart> {
    let spans: Vec<(usize, usize)> = words(text).take(200_000).collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let is_hit = |&(s, e): &(usize, usize)| {
        let folded = fold(&text[s..e]);
        terms.iter().any(|t| t.matches(&folded))
    };
    let first = spans.iter().position(is_hit).unwrap_or(0);
    let from = first.saturating_sub(LEAD);
    let to = (from + WIDTH).min(spans.len());
    let mut parts = Vec::new();
    let mut push = |text: String, hit: bool| {
        if let Some(last) = parts.last_mut().filter(|p: &&mut SnippetPart| p.hit == hit) {
            last.text.push_str(&text);
        } else if !text.is_empty() {
            parts.push(SnippetPart { text, hit });
        }
    };
    if from > 0 {
        push("…".into(), false);
    }
    let mut cursor = spans[from].0;
    for span in &spans[from..to] {
        push(text[cursor..span.0].replace(['\n', '\r'], " "), false);
        push(text[span.0..span.1].to_string(), is_hit(span));
        cursor = span.1;
    }
    if to < spans.len() {
        push("…".into(), false);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str, prefix: bool) -> Term {
        Term {
            folded: fold(w),
            prefix,
        }
    }

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Négociation"), "negociation");
        assert_eq!(fold("GENÈVE"), "geneve");
        assert_eq!(fold("Ñandú"), "nandu");
    }

    #[test]
    fn the_window_starts_a_little_before_the_first_match() {
        let text = (0..100)
            .map(|i| format!("mot{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " la Négociation\ncontinue";
        let parts = snippet(&text, &[term("negociation", false)]);
        let plain: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(plain.starts_with("…mot95 "), "{plain}");
        assert!(plain.ends_with("la Négociation continue"), "{plain}");
        assert!(parts.iter().any(|p| p.hit && p.text == "Négociation"));
    }

    #[test]
    fn a_prefix_term_matches_longer_words_and_no_match_shows_the_start() {
        let parts = snippet("Les délégations arrivent", &[term("delega", true)]);
        assert!(parts.iter().any(|p| p.hit && p.text == "délégations"));
        let parts = snippet("Rien ici", &[term("absent", false)]);
        assert_eq!(
            parts,
            [SnippetPart {
                text: "Rien ici".into(),
                hit: false
            }]
        );
    }
}
