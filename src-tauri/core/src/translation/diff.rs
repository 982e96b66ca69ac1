//! What changed in a source block since a translation was made from it, word by
//! word: the side-by-side editor shows it on an outdated block so the translator
//! sees exactly what to follow, not the whole paragraph again.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

use crate::posts::revisions::LineChange;

/// A run of text that stayed, was added or was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextPart {
    pub change: LineChange,
    pub text: String,
}

/// The words of `before` and `after`, with runs of the same change joined.
pub fn words(before: &str, after: &str) -> Vec<TextPart> {
    let diff = TextDiff::from_words(before, after);
    let mut parts: Vec<TextPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => LineChange::Same,
            ChangeTag::Insert => LineChange::Added,
            ChangeTag::Delete => LineChange::Removed,
        };
        match parts.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => parts.push(TextPart {
                change: kind,
                text: change.value().to_string(),
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(parts: &[TextPart]) -> String {
        parts
            .iter()
            .map(|p| match p.change {
                LineChange::Same => p.text.clone(),
                LineChange::Added => format!("[+{}]", p.text),
                LineChange::Removed => format!("[-{}]", p.text),
            })
            .collect()
    }

    #[test]
    fn a_changed_word_shows_as_removed_then_added() {
        let parts = words(
            "Le sommet s'ouvre lundi à Nice.",
            "Le sommet s'ouvre mardi à Nice.",
        );
        assert_eq!(show(&parts), "Le sommet s'ouvre [-lundi][+mardi] à Nice.");
    }

    #[test]
    fn joined_parts_give_back_both_texts() {
        let (a, b) = ("Un deux trois.\nQuatre", "Un trois, quatre.\nCinq six");
        let parts = words(a, b);
        let keep = |skip: LineChange| -> String {
            parts
                .iter()
                .filter(|p| p.change != skip)
                .map(|p| p.text.as_str())
                .collect()
        };
        assert_eq!(keep(LineChange::Added), a);
        assert_eq!(keep(LineChange::Removed), b);
    }
}
