//! `![](asset:ID)` rendered as a figure: the caller resolves each reference
//! (which variant for the language, its alt text and caption, and the file's
//! URL — a URL scheme of the window, or the backend's media URL once
//! published), and this writes the `<figure>`. A reference that does not
//! resolve becomes a visible placeholder naming the id, never a broken image.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::typography;

/// What an asset reference resolves to in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Figure(Figure),
    /// Not shown; the sentence says why (no such asset, no variant for the
    /// language) and is shown in its place.
    Missing(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Answers asset references for one language version.
pub trait AssetResolver {
    /// `reference` is the id as written after `asset:` (lower case, whole or a prefix).
    fn resolve(&self, reference: &str) -> Resolved;
}

/// Replaces each `asset:` image by its figure; a paragraph holding nothing
/// but the image gives way to the figure (a figure cannot sit in a `<p>`).
pub(super) fn substitute<'a>(
    events: Vec<Event<'a>>,
    assets: &dyn AssetResolver,
    french: bool,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let reference = match &events[i] {
            Event::Start(Tag::Image { dest_url, .. }) => crate::assets::usage::reference(dest_url),
            _ => None,
        };
        let Some(reference) = reference else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        // The image's own events (its Markdown alt text) up to its end.
        let mut end = i + 1;
        let mut depth = 1;
        while end < events.len() {
            match &events[end] {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        let html = figure_html(&reference, &assets.resolve(&reference), french);
        let alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
            && matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
        if alone {
            out.pop();
            out.push(Event::Html(CowStr::from(html)));
            i = end + 2;
        } else {
            out.push(Event::InlineHtml(CowStr::from(html)));
            i = end + 1;
        }
    }
    out
}

fn figure_html(reference: &str, resolved: &Resolved, french: bool) -> String {
    let id = escape(reference);
    match resolved {
        Resolved::Figure(f) => {
            let mut html = format!(
                "<figure class=\"asset\" data-asset=\"{id}\"><img src=\"{}\" alt=\"{}\"",
                escape(&f.url),
                escape(&f.alt)
            );
            if let (Some(w), Some(h)) = (f.width, f.height) {
                html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
            }
            html.push('>');
            let caption = f.caption.trim();
            if !caption.is_empty() {
                let caption = if french {
                    typography::french(caption, None).into_owned()
                } else {
                    caption.to_string()
                };
                html.push_str(&format!("<figcaption>{}</figcaption>", escape(&caption)));
            }
            html.push_str("</figure>\n");
            html
        }
        Resolved::Missing(why) => format!(
            "<figure class=\"asset-missing\" data-asset=\"{id}\"><figcaption>Missing asset {id}: {}</figcaption></figure>\n",
            escape(why)
        ),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
