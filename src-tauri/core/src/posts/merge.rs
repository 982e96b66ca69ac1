//! Merging two saves of one language version made from the same revision: the
//! body and summary through the three-way text merge, the one-line fields as
//! wholes, tags as a set of additions and removals. The rule every field keeps:
//! a change made on one side only is taken; the same change on both sides is
//! taken once; different changes to the same thing are a conflict, never a guess.

use super::PostText;
use crate::merge::merge_text;

#[derive(Debug, Clone, PartialEq)]
pub enum PostMerge {
    Clean(PostText),
    /// The fields whose changes overlap.
    Conflict(Vec<&'static str>),
}

/// Merges `current` (what is stored now) and `incoming` (the save being made),
/// both made from `base`.
pub fn merge_post_text(base: &PostText, current: &PostText, incoming: &PostText) -> PostMerge {
    let mut conflicts = Vec::new();
    let mut merged = current.clone();
    let mut field = |name: &'static str, b: &str, c: &str, i: &str, out: &mut String| {
        if let Some(text) = merge_field(name, b, c, i) {
            *out = text;
        } else {
            conflicts.push(name);
        }
    };
    field(
        "title",
        &base.title,
        &current.title,
        &incoming.title,
        &mut merged.title,
    );
    field(
        "slug",
        &base.slug,
        &current.slug,
        &incoming.slug,
        &mut merged.slug,
    );
    field(
        "summary",
        &base.summary,
        &current.summary,
        &incoming.summary,
        &mut merged.summary,
    );
    field(
        "body",
        &base.body,
        &current.body,
        &incoming.body,
        &mut merged.body,
    );
    field(
        "place_line",
        &base.place_line,
        &current.place_line,
        &incoming.place_line,
        &mut merged.place_line,
    );
    field(
        "share_text",
        &base.share_text,
        &current.share_text,
        &incoming.share_text,
        &mut merged.share_text,
    );
    field(
        "author",
        &base.author,
        &current.author,
        &incoming.author,
        &mut merged.author,
    );
    merged.tags = merge_tags(&base.tags, &current.tags, &incoming.tags);
    if conflicts.is_empty() {
        PostMerge::Clean(merged)
    } else {
        PostMerge::Conflict(conflicts)
    }
}

/// One field: multi-paragraph fields merge line by line, one-line fields whole.
fn merge_field(name: &str, base: &str, current: &str, incoming: &str) -> Option<String> {
    if current == incoming || incoming == base {
        return Some(current.to_string());
    }
    if current == base {
        return Some(incoming.to_string());
    }
    match name {
        "body" | "summary" => merge_text(base, current, incoming)
            .clean()
            .map(str::to_string),
        _ => None,
    }
}

/// Tags: start from the current list, add what the incoming save added, drop what
/// it removed. Two sides cannot contradict each other about one tag.
fn merge_tags(base: &[String], current: &[String], incoming: &[String]) -> Vec<String> {
    let mut out: Vec<String> = current
        .iter()
        .filter(|t| !base.contains(t) || incoming.contains(t))
        .cloned()
        .collect();
    for tag in incoming {
        if !base.contains(tag) && !out.contains(tag) {
            out.push(tag.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str, body: &str, tags: &[&str]) -> PostText {
        PostText {
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..PostText::default()
        }
    }

    #[test]
    fn a_title_change_and_a_body_change_merge() {
        let base = text("Titre", "Un.\n\nDeux.\n", &["a"]);
        let current = text("Titre revu", "Un.\n\nDeux.\n", &["a"]);
        let incoming = text("Titre", "Un.\n\nDeux, complété.\n", &["a"]);
        assert_eq!(
            merge_post_text(&base, &current, &incoming),
            PostMerge::Clean(text("Titre revu", "Un.\n\nDeux, complété.\n", &["a"]))
        );
    }

    #[test]
    fn two_different_titles_are_a_conflict() {
        let base = text("Titre", "x\n", &[]);
        let current = text("Titre A", "x\n", &[]);
        let incoming = text("Titre B", "x\n", &[]);
        assert_eq!(
            merge_post_text(&base, &current, &incoming),
            PostMerge::Conflict(vec!["title"])
        );
    }

    #[test]
    fn tags_added_and_removed_on_each_side_combine() {
        let base = text("t", "", &["climat", "océans"]);
        let current = text("t", "", &["climat", "océans", "onu"]);
        let incoming = text("t", "", &["climat", "lisbonne"]);
        let PostMerge::Clean(merged) = merge_post_text(&base, &current, &incoming) else {
            panic!("tags never conflict");
        };
        assert_eq!(merged.tags, ["climat", "onu", "lisbonne"]);
    }

    #[test]
    fn overlapping_body_edits_are_a_conflict_naming_the_body() {
        let base = text("t", "Une phrase.\n", &[]);
        let current = text("t", "Une phrase modifiée ici.\n", &[]);
        let incoming = text("t", "Une phrase modifiée là.\n", &[]);
        assert_eq!(
            merge_post_text(&base, &current, &incoming),
            PostMerge::Conflict(vec!["body"])
        );
    }
}
