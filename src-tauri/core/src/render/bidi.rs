//! Right-to-left text with left-to-right runs inside (a URL, code, a name in
//! Latin letters): each such run is put in its own `<bdi>`, so the punctuation
//! and numbers around it stay on the right side and a paragraph that starts
//! with a Latin word still reads right to left. Done in the HTML itself rather
//! than in the app's CSS, so the published page behaves the same.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

const OPEN: &str = "<bdi>";
const CLOSE: &str = "</bdi>";

/// The events to write for `event` in a document of the given direction.
pub(super) fn isolate(event: Event<'_>, rtl: bool) -> Vec<Event<'_>> {
    if !rtl {
        return vec![event];
    }
    let html = |s: &'static str| Event::InlineHtml(CowStr::Borrowed(s));
    match event {
        Event::Start(Tag::Link { .. }) => vec![html(OPEN), event],
        Event::End(TagEnd::Link) => vec![event, html(CLOSE)],
        Event::Code(_) => vec![html(OPEN), event, html(CLOSE)],
        Event::Text(text) => latin_runs(text),
        other => vec![other],
    }
}

/// Letters written left to right: Latin, Greek, Cyrillic (not Arabic or Hebrew).
fn is_ltr_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && ('\u{00C0}'..'\u{0590}').contains(&c))
}

/// What may stand inside a run between two of its letters ("Jean-Marc Dupont",
/// "COP 30", "U.N.").
fn joins_a_run(c: char) -> bool {
    is_ltr_letter(c) || c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '\'' | '’' | '&')
}

/// Splits a text at its left-to-right runs (from a letter to the last letter or
/// digit before something else), each wrapped in `<bdi>`.
fn latin_runs(text: CowStr<'_>) -> Vec<Event<'_>> {
    if !text.chars().any(is_ltr_letter) {
        return vec![Event::Text(text)];
    }
    let mut out = Vec::new();
    let mut rest: &str = &text;
    let mut pieces: Vec<(bool, String)> = Vec::new();
    while let Some(start) = rest.find(is_ltr_letter) {
        // The run goes on while characters may join it, and ends at its last
        // letter or digit (a trailing space or full stop stays outside).
        let mut end = start;
        for (i, c) in rest[start..].char_indices() {
            if !joins_a_run(c) {
                break;
            }
            if is_ltr_letter(c) || c.is_ascii_digit() {
                end = start + i + c.len_utf8();
            }
        }
        if start > 0 {
            pieces.push((false, rest[..start].to_string()));
        }
        pieces.push((true, rest[start..end].to_string()));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        pieces.push((false, rest.to_string()));
    }
    for (run, piece) in pieces {
        if run {
            out.push(Event::InlineHtml(CowStr::Borrowed(OPEN)));
            out.push(Event::Text(CowStr::from(piece)));
            out.push(Event::InlineHtml(CowStr::Borrowed(CLOSE)));
        } else {
            out.push(Event::Text(CowStr::from(piece)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::render::{document, to_blocks, to_html};

    #[test]
    fn latin_names_links_and_code_are_isolated_in_arabic() {
        let html = to_html(
            "صرّح Jean-Marc Dupont (COP 30) اليوم. راجع [الموقع](https://exemple.fr) و `npm ci`.",
            "ar",
        );
        assert!(
            html.contains("<bdi>Jean-Marc Dupont</bdi> (<bdi>COP 30</bdi>)"),
            "{html}"
        );
        assert!(
            html.contains("<bdi><a href=\"https://exemple.fr\">"),
            "{html}"
        );
        assert!(html.contains("</a></bdi>"), "{html}");
        assert!(html.contains("<bdi><code>npm ci</code></bdi>"), "{html}");
    }

    #[test]
    fn a_paragraph_starting_with_a_latin_word_stays_right_to_left() {
        let html = document("Europe تعلن اليوم.", "ar");
        assert!(
            html.starts_with("<article lang=\"ar\" dir=\"rtl\">"),
            "{html}"
        );
        assert!(
            html.contains("<p><bdi>Europe</bdi> تعلن اليوم.</p>"),
            "{html}"
        );
    }

    #[test]
    fn left_to_right_languages_are_left_as_they_are() {
        assert_eq!(
            to_html("Voir `x` et [a](/b).", "en"),
            "<p>Voir <code>x</code> et <a href=\"/b\">a</a>.</p>\n"
        );
    }

    #[test]
    fn isolation_survives_the_sanitiser_and_escapes_text() {
        let html = to_html("نص <b>B&amp;Q</b> و x<y", "ar");
        assert!(html.contains("<bdi>"), "{html}");
        assert!(!html.contains("x<y"), "{html}");
        let blocks = to_blocks("فقرة Valise.\n\nفقرة ثانية.", "ar");
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(blocks[0].contains("<bdi>Valise</bdi>."), "{blocks:?}");
    }
}
