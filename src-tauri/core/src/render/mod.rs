//! Markdown → safe HTML for the preview and for publishing: pulldown-cmark, URL
//! and raw-HTML sanitising on an allow-list, and French typography.

mod bidi;
pub mod figures;
pub mod typography;

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::languages::TextDirection;
use crate::languages::{self, Typography};
use crate::posts::stats::{self, TextStats};
pub use figures::{AssetResolver, Figure, Resolved};

/// What the preview pane shows: the HTML, cut into its top-level blocks so the
/// pane can replace only the blocks that changed; the text direction; figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Preview {
    /// Sanitised HTML of each top-level block (paragraph, heading, list, table…),
    /// in order; joined, they are `to_html`'s output.
    pub blocks: Vec<String>,
    pub dir: TextDirection,
    pub stats: TextStats,
}

pub fn preview(markdown: &str, lang: &str) -> Preview {
    preview_with_assets(markdown, lang, None)
}

/// `preview`, with each `![](asset:ID)` drawn as the figure `assets` resolves.
pub fn preview_with_assets(
    markdown: &str,
    lang: &str,
    assets: Option<&dyn AssetResolver>,
) -> Preview {
    Preview {
        blocks: blocks(markdown, lang, assets),
        dir: languages::direction(lang),
        stats: stats::stats(markdown),
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Renders Markdown to HTML that is safe to insert into the app's own page.
///
/// HTML that pulldown-cmark writes for Markdown is safe once link and image URLs
/// are checked, so that is all the common case pays for. Raw HTML typed into a
/// draft is the untrusted part: when there is any, the whole output goes through
/// the allow-list sanitiser.
pub fn to_html(markdown: &str, lang: &str) -> String {
    render(markdown, lang, false, None).0
}

/// `to_html`, with each `![](asset:ID)` drawn as the figure `assets` resolves.
pub fn to_html_with_assets(markdown: &str, lang: &str, assets: &dyn AssetResolver) -> String {
    render(markdown, lang, false, Some(assets)).0
}

/// A language version's whole HTML as it is shown and published: `to_html`
/// inside an element that says its language and writing direction, so that
/// Arabic reads right to left wherever it is put.
pub fn document(markdown: &str, lang: &str) -> String {
    document_with(markdown, lang, None)
}

/// `document`, with each `![](asset:ID)` drawn as the figure `assets` resolves.
pub fn document_with_assets(markdown: &str, lang: &str, assets: &dyn AssetResolver) -> String {
    document_with(markdown, lang, Some(assets))
}

fn document_with(markdown: &str, lang: &str, assets: Option<&dyn AssetResolver>) -> String {
    let dir = match languages::direction(lang) {
        TextDirection::Rtl => "rtl",
        TextDirection::Ltr => "ltr",
    };
    // Language codes are checked against the site's; escaped all the same.
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!(
        "<article lang=\"{lang}\" dir=\"{dir}\">\n{}</article>\n",
        render(markdown, &lang, false, assets).0
    )
}

/// Between top-level blocks when rendering for the preview, removed again by the
/// split. An HTML comment: text from a draft reaches the HTML escaped (`&lt;!--`),
/// so only this renderer can write one; raw HTML in a draft, which could, goes
/// through the sanitiser, which drops every comment.
const BLOCK_END: &str = "<!--valise:block-->";

/// The same HTML as `to_html`, cut at top-level block boundaries. A draft with
/// raw HTML comes back as one block: its tags may span blocks.
pub fn to_blocks(markdown: &str, lang: &str) -> Vec<String> {
    blocks(markdown, lang, None)
}

fn blocks(markdown: &str, lang: &str, assets: Option<&dyn AssetResolver>) -> Vec<String> {
    let (html, has_raw_html) = render(markdown, lang, true, assets);
    if has_raw_html {
        return vec![html];
    }
    // The writer starts each block after a marker on a new line; that newline
    // belongs to the gap, not to the block.
    html.split(BLOCK_END)
        .map(|b| b.trim_start_matches('\n'))
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .collect()
}

fn render(
    markdown: &str,
    lang: &str,
    mark_blocks: bool,
    assets: Option<&dyn AssetResolver>,
) -> (String, bool) {
    let french = languages::typography(lang) == Typography::French;
    let mut has_raw_html = false;
    let mut in_code_block = false;
    let mut in_verbatim_link = 0u32;
    let mut in_image = 0u32;
    let mut last_char: Option<char> = None;

    // Text events are not merged first: pulldown-cmark splits text only at
    // escapes, entities and line ends, and `last_char` carries the character
    // before each run across those splits.
    let events = Parser::new_ext(markdown, options()).map(|event| {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell) => {
                last_char = None
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                    in_verbatim_link += 1;
                }
                return Event::Start(Tag::Link {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                });
            }
            Event::End(TagEnd::Link) => in_verbatim_link = in_verbatim_link.saturating_sub(1),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_image += 1;
                return Event::Start(Tag::Image {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                });
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => has_raw_html = true,
            Event::Code(ref code) => last_char = code.chars().next_back(),
            Event::Text(text) => {
                if french && !in_code_block && in_verbatim_link == 0 && in_image == 0 {
                    let before = last_char;
                    last_char = text.chars().next_back().or(last_char);
                    return match typography::french(&text, before) {
                        std::borrow::Cow::Borrowed(_) => Event::Text(text),
                        std::borrow::Cow::Owned(s) => Event::Text(CowStr::from(s)),
                    };
                }
                last_char = text.chars().next_back().or(last_char);
                return Event::Text(text);
            }
            _ => {}
        }
        event
    });
    // Figures need to see a whole paragraph: only a body that names an asset
    // pays for collecting its events.
    let events: Box<dyn Iterator<Item = Event>> = match assets {
        Some(assets) if memchr::memmem::find(markdown.as_bytes(), b"asset:").is_some() => {
            Box::new(figures::substitute(events.collect(), assets, french).into_iter())
        }
        _ => Box::new(events),
    };
    let rtl = languages::direction(lang) == TextDirection::Rtl;
    let events = events.flat_map(move |event| bidi::isolate(event, rtl));
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 4);
    if mark_blocks {
        let mut level = 0usize;
        let events = events.flat_map(|event| {
            match &event {
                Event::Start(_) => level += 1,
                Event::End(_) => level = level.saturating_sub(1),
                _ => {}
            }
            let block_ends = level == 0 && !matches!(event, Event::Start(_));
            let marker = block_ends.then_some(Event::Html(CowStr::Borrowed(BLOCK_END)));
            std::iter::once(event).chain(marker)
        });
        pulldown_cmark::html::push_html(&mut html, events);
    } else {
        pulldown_cmark::html::push_html(&mut html, events);
    }
    if has_raw_html {
        (sanitizer().clean(&html).to_string(), true)
    } else {
        (html, false)
    }
}

/// `asset:ID` and `post:ID` name an infographic and another post of the library.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "asset", "post"];

/// Keeps relative URLs and the allowed schemes; anything else (`javascript:`,
/// `data:`, `vbscript:`, obfuscated with spaces or control characters) becomes
/// an empty link.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(64)
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            if SAFE_SCHEMES.contains(&scheme.as_str()) {
                url
            } else {
                CowStr::Borrowed("")
            }
        }
        _ => url,
    }
}

/// The allow-list for raw HTML in drafts: formatting and structure, no script,
/// no event handlers, no styles, no frames, no forms, only safe URL schemes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        let mut schemes: HashSet<&str> = SAFE_SCHEMES.iter().copied().collect();
        // The window's asset files, for the figures the renderer draws; only
        // as a picture's source, never a link to follow or anything else.
        schemes.insert(crate::assets::serve::SCHEME);
        b.url_schemes(schemes)
            .attribute_filter(|element, attribute, value| {
                let scheme = crate::assets::serve::SCHEME;
                let names_asset_scheme =
                    value
                        .trim_start()
                        .get(..scheme.len() + 1)
                        .is_some_and(|head| {
                            head[..scheme.len()].eq_ignore_ascii_case(scheme) && head.ends_with(':')
                        });
                if names_asset_scheme && (element, attribute) != ("img", "src") {
                    None
                } else {
                    Some(value.into())
                }
            })
            .link_rel(Some("noopener noreferrer"))
            .add_generic_attributes(["class", "lang", "dir", "title"])
            .add_tags(["input", "figure", "figcaption", "section", "mark", "bdi"])
            // Task-list boxes only: whatever a draft says, an input is a disabled checkbox.
            .add_tag_attributes("input", ["checked"])
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("sup", ["id"]);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_extensions_render() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~non~~\n\n- [x] fait\n\nNote[^1].\n\n[^1]: La note.\n",
            "en",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>non</del>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    struct WindowFiles;

    impl AssetResolver for WindowFiles {
        fn resolve(&self, reference: &str) -> Resolved {
            Resolved::Figure(Figure {
                url: format!("valise-asset://localhost/file/{reference}"),
                alt: "carte".into(),
                caption: String::new(),
                width: None,
                height: None,
            })
        }
    }

    #[test]
    fn the_window_asset_scheme_passes_only_as_a_picture_source() {
        // Raw HTML sends the whole body through the sanitiser, figures included.
        let html = to_html_with_assets(
            "<b>gras</b>\n\n![](asset:ab12cd34)\n\n\
             <img src=\"valise-asset://localhost/file/ff\" alt=\"a\">\
             <a href=\"valise-asset://localhost/file/ee\">lien</a>\
             <img src=\"javascript:alert(1)\"><img src=\"data:image/png;base64,AAAA\">\
             <img src=\"other-scheme://localhost/x\"><a href=\"VALISE-ASSET:x\">b</a>",
            "en",
            &WindowFiles,
        );
        assert!(
            html.contains("src=\"valise-asset://localhost/file/ab12cd34\""),
            "{html}"
        );
        assert!(
            html.contains("src=\"valise-asset://localhost/file/ff\""),
            "{html}"
        );
        assert!(!html.contains("file/ee"), "{html}");
        assert!(
            !html.to_lowercase().contains("href=\"valise-asset"),
            "{html}"
        );
        for gone in ["javascript:", "data:", "other-scheme:"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
    }

    #[test]
    fn raw_html_cannot_run_script() {
        for attack in [
            "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>",
            "<iframe src=\"https://exemple.fr\"></iframe>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg><script>alert(1)</script></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<object data=\"x\"></object>",
            "<form action=\"https://x\"><input type=\"submit\"></form>",
        ] {
            let html = to_html(
                &format!("Texte\n\n{attack}\n\nsuite <b onclick=\"x()\">gras</b>"),
                "fr",
            );
            let lower = html.to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "<iframe",
                "style=",
                "<object",
                "<form",
                "submit",
            ] {
                assert!(!lower.contains(bad), "{attack} left {bad} in {html}");
            }
        }
    }

    #[test]
    fn markdown_links_with_dangerous_schemes_are_emptied() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) ![c](data:image/png;base64,AAAA) [d](vbscript:x) [e](<java\tscript:x>)",
            "en",
        );
        assert!(!html.to_lowercase().contains("script:"), "{html}");
        assert_eq!(html.matches("href=\"\"").count(), 4, "{html}");
        assert!(!html.contains("data:"), "{html}");
        let ok = to_html(
            "[a](https://exemple.fr) [b](/relative?x=1) [c](#note) [d](mailto:a@b.fr)",
            "en",
        );
        for url in [
            "https://exemple.fr",
            "/relative?x=1",
            "#note",
            "mailto:a@b.fr",
        ] {
            assert!(ok.contains(url), "{url} missing in {ok}");
        }
    }

    #[test]
    fn links_to_other_posts_and_assets_keep_their_url() {
        let html = to_html(
            "[le sommet](post:0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00) ![carte](asset:42)",
            "en",
        );
        assert!(
            html.contains("href=\"post:0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00\""),
            "{html}"
        );
        assert!(html.contains("src=\"asset:42\""), "{html}");
        // In raw HTML too, where the sanitiser decides.
        let raw = to_html(
            "<a href=\"post:abc\">x</a> <a href=\"postx:abc\">y</a>",
            "en",
        );
        assert!(raw.contains("href=\"post:abc\""), "{raw}");
        assert!(!raw.contains("postx:"), "{raw}");
    }

    #[test]
    fn french_typography_spares_code_urls_and_attributes() {
        let html = to_html(
            "Vraiment ? Voir <https://exemple.fr/a?b=1> et `x ? y : z` !\n\n```\nif a ? b : c;\n```\n\n[lien](https://exemple.fr/?q=1 \"titre : sous-titre\")",
            "fr",
        );
        assert!(html.contains("Vraiment\u{202F}?"), "{html}");
        assert!(html.contains("href=\"https://exemple.fr/a?b=1\""), "{html}");
        assert!(html.contains(">https://exemple.fr/a?b=1</a>"), "{html}");
        assert!(html.contains("<code>x ? y : z</code>\u{202F}!"), "{html}");
        assert!(html.contains("if a ? b : c;"), "{html}");
        assert!(html.contains("title=\"titre : sous-titre\""), "{html}");
    }

    #[test]
    fn typography_crosses_emphasis_and_raw_inline_html() {
        let html = to_html("*Bonjour*! <span title=\"a:b\">Quoi?</span>", "fr");
        assert!(html.contains("</em>\u{202F}!"), "{html}");
        assert!(html.contains("title=\"a:b\""), "{html}");
        assert!(html.contains("Quoi\u{202F}?"), "{html}");
    }

    #[test]
    fn other_languages_keep_their_own_punctuation() {
        assert_eq!(to_html("Really? Yes!", "en"), "<p>Really? Yes!</p>\n");
        assert_eq!(
            to_html("¿De verdad? ¡Sí!", "es"),
            "<p>¿De verdad? ¡Sí!</p>\n"
        );
    }

    #[test]
    fn preview_blocks_join_into_the_whole_html() {
        let md = "# Titre\n\nUn paragraphe !\n\n- a\n- b\n\n---\n\n| x |\n|---|\n| 1 |\n\nNote[^n].\n\n[^n]: La note.\n";
        let blocks = to_blocks(md, "fr");
        assert_eq!(blocks.len(), 7, "{blocks:?}");
        assert!(blocks[0].starts_with("<h1>"));
        assert_eq!(blocks.concat(), to_html(md, "fr"));
        let raw = to_blocks("a\n\n<div>\n\nb\n\n</div>\n\nc", "en");
        assert_eq!(raw.len(), 1, "raw HTML stays whole: {raw:?}");
        assert!(!raw[0].contains(BLOCK_END));
    }

    #[test]
    fn a_draft_holding_the_private_use_character_renders_it() {
        let md = "Un \u{E000} caractère privé.\n\nSuite \u{E000}.\n";
        let blocks = to_blocks(md, "fr");
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert_eq!(blocks[0], "<p>Un \u{E000} caractère privé.</p>\n");
        assert_eq!(blocks.concat(), to_html(md, "fr"));
        let marker = to_blocks("Texte <!--valise:block--> et `<!--valise:block-->`\n", "en");
        assert_eq!(marker.len(), 1, "{marker:?}");
    }

    #[test]
    fn arabic_previews_right_to_left() {
        assert_eq!(preview("مرحبا", "ar").dir, TextDirection::Rtl);
        assert_eq!(preview("Bonjour", "fr").dir, TextDirection::Ltr);
    }
}
