//! The SVG sanitiser: an SVG goes through it before it is stored for display
//! or publishing. Streamed with quick-xml, written back piece by piece; what it
//! takes out is listed so the person who added the file can be told.
//!
//! Removed: script, foreignObject and other embedding elements (with all they
//! hold); `on…` event handlers; `href`/`xlink:href` other than `#fragment`;
//! `url(…)` to anything but `#fragment` in attributes and styles; `@import`;
//! animations that would set a link or a handler; the document type
//! declaration (its entities are never expanded: no XXE, no billion laughs),
//! references to entities it declared, processing instructions, comments.

use std::borrow::Cow;

use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// The SVG once sanitised, and a sentence for each thing taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanSvg {
    pub svg: String,
    pub removed: Vec<String>,
}

/// Elements removed with everything inside them.
const DROPPED_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "applet",
    "frame",
    "frameset",
    "handler",
    "listener",
    "meta",
    "link",
    "base",
    "audio",
    "video",
];

const ANIMATIONS: &[&str] = &["set", "animate", "animatetransform", "animatemotion"];

/// Why a file is not an SVG that can be cleaned (the caller names the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSvg(pub String);

/// Sanitises `input`. A file that is not well-formed XML, or whose root is not
/// `<svg>`, is refused rather than half-cleaned.
pub fn sanitise(input: &str) -> Result<CleanSvg, NotSvg> {
    let mut reader = Reader::from_str(input);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut out = String::with_capacity(input.len());
    let mut removed: Vec<String> = Vec::new();
    // Depth inside a removed element: everything there is skipped.
    let mut skipping = 0usize;
    let mut depth = 0usize;
    let mut seen_root = false;
    // A <style> element's text, held until its end decides whether it stays.
    let mut style: Option<(String, String)> = None;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| NotSvg(format!("it is not well-formed XML ({e})")))?;
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if skipping > 0 {
                    if !empty {
                        skipping += 1;
                    }
                    continue;
                }
                let local = local_lower(e);
                if depth == 0 {
                    if seen_root || local != "svg" {
                        return Err(NotSvg(format!(
                            "its root element is <{}>, not <svg>",
                            e.name().as_ref()
                        )));
                    }
                    seen_root = true;
                }
                if let Some(why) = dropped_element(e, &local) {
                    removed.push(why);
                    if !empty {
                        skipping = 1;
                    }
                    continue;
                }
                let tag = clean_start(e, &local, &mut removed);
                if local == "style" && !empty {
                    style = Some((tag, String::new()));
                } else {
                    out.push_str(&tag);
                    if empty {
                        out.truncate(out.len() - 1);
                        out.push_str("/>");
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(ref e) => {
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
                let name = e.name().as_ref().to_string();
                if let Some((tag, css)) = style.take() {
                    match unsafe_css(&css) {
                        Some(why) => removed.push(format!("a <style> element ({why})")),
                        None => {
                            out.push_str(&tag);
                            out.push_str(&css);
                            out.push_str(&format!("</{name}>"));
                        }
                    }
                    continue;
                }
                out.push_str(&format!("</{name}>"));
            }
            Event::Text(t) if skipping == 0 => {
                let raw: &str = &t;
                match style.as_mut() {
                    Some((_, css)) => css.push_str(raw),
                    None if depth > 0 => out.push_str(raw),
                    None => {}
                }
            }
            Event::CData(c) if skipping == 0 => {
                let raw: &str = &c;
                match style.as_mut() {
                    // Kept as CDATA so `<` and `&` in the CSS stay as they were.
                    Some((_, css)) => css.push_str(&format!("<![CDATA[{raw}]]>")),
                    None if depth > 0 => out.push_str(&format!("<![CDATA[{raw}]]>")),
                    None => {}
                }
            }
            Event::GeneralRef(r) if skipping == 0 => {
                let name = r.to_string();
                let known = r.is_char_ref() || resolve_predefined_entity(&name).is_some();
                if !known {
                    removed.push(format!(
                        "a reference to the entity &{name}; (entities are never expanded)"
                    ));
                    continue;
                }
                match style.as_mut() {
                    Some((_, css)) => css.push_str(&format!("&{name};")),
                    None if depth > 0 => out.push_str(&format!("&{name};")),
                    None => {}
                }
            }
            Event::DocType(_) => removed.push(
                "the document type declaration (its entities and external parts are never read)"
                    .into(),
            ),
            Event::PI(p) => removed.push(format!("a processing instruction <?{}?>", short(&p))),
            Event::Decl(_) | Event::Comment(_) => {}
            _ => {}
        }
    }
    if !seen_root {
        return Err(NotSvg("it holds no <svg> element".into()));
    }
    if depth > 0 || skipping > 0 {
        return Err(NotSvg(
            "it ends inside an element (the file may be cut short)".into(),
        ));
    }
    Ok(CleanSvg { svg: out, removed })
}

fn local_lower(e: &BytesStart) -> String {
    e.local_name().as_ref().to_ascii_lowercase()
}

/// Why the element `e` goes with all it holds, if it does.
fn dropped_element(e: &BytesStart, local: &str) -> Option<String> {
    if DROPPED_ELEMENTS.contains(&local) {
        return Some(format!("a <{}> element", e.name().as_ref()));
    }
    if ANIMATIONS.contains(&local) {
        for a in e.attributes().with_checks(false).flatten() {
            let key = a.key.local_name().as_ref().to_ascii_lowercase();
            if key != "attributename" {
                continue;
            }
            let target = a.value.to_ascii_lowercase();
            let target = target.rsplit(':').next().unwrap_or("");
            if target == "href" || target.starts_with("on") || target == "style" {
                return Some(format!("an <{local}> that would change {target}"));
            }
        }
    }
    None
}

/// The start tag `<name attr="…">` with its unsafe attributes left out
/// (the caller turns `>` into `/>` for an empty element).
fn clean_start(e: &BytesStart, local: &str, removed: &mut Vec<String>) -> String {
    let name = e.name().as_ref().to_string();
    let mut tag = format!("<{name}");
    for attr in e.attributes().with_checks(false) {
        let Ok(a) = attr else {
            removed.push(format!("a malformed attribute of <{name}>"));
            continue;
        };
        let key = a.key.as_ref().to_string();
        let key_local = a.key.local_name().as_ref().to_ascii_lowercase();
        let value = match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v,
            Err(_) => {
                removed.push(format!(
                    "the {key} attribute of <{name}> (it refers to an entity)"
                ));
                continue;
            }
        };
        if let Some(why) = unsafe_attribute(&key, &key_local, &value, local) {
            removed.push(format!("the {key} attribute of <{name}> ({why})"));
            continue;
        }
        tag.push(' ');
        tag.push_str(&key);
        tag.push_str("=\"");
        tag.push_str(&escape(value.as_ref()));
        tag.push('"');
    }
    tag.push('>');
    tag
}

fn unsafe_attribute(key: &str, local: &str, value: &str, element: &str) -> Option<String> {
    if local.starts_with("on") {
        return Some("an event handler".into());
    }
    if key.eq_ignore_ascii_case("xml:base") {
        return Some("it changes where links point".into());
    }
    if local == "href" || (local == "src" && element != "svg") {
        return (!squeeze(value).starts_with('#'))
            .then(|| format!("a reference outside the file: {}", short(value)));
    }
    if local == "style" {
        return unsafe_css(value);
    }
    // Neither a scheme nor url() can be written without one of these (a CSS
    // escape included): path data and coordinates, most of a large file,
    // skip the closer look.
    if !value.contains([':', '(', '\\']) {
        return None;
    }
    // Presentation attributes are CSS values: their escapes count.
    let squeezed = squeeze(&css_unescape(value));
    if squeezed.contains("javascript:") || squeezed.contains("vbscript:") {
        return Some(format!("a script URL: {}", short(value)));
    }
    if squeezed.contains("url(") && outside_url(&squeezed) {
        return Some(format!("a reference outside the file: {}", short(value)));
    }
    None
}

/// Why a piece of CSS is unsafe, if it is: `@import`, `url(…)` to anything but
/// a fragment, script URLs, old IE `expression(…)` and `behavior`.
fn unsafe_css(css: &str) -> Option<String> {
    let s = squeeze(&css_unescape(css));
    if s.contains("@import") {
        return Some("an @import".into());
    }
    if s.contains("javascript:") || s.contains("vbscript:") {
        return Some("a script URL".into());
    }
    if s.contains("expression(") || s.contains("behavior:") || s.contains("-moz-binding") {
        return Some("a script expression".into());
    }
    if outside_url(&s) {
        return Some("a url() outside the file".into());
    }
    None
}

/// True if any `url(…)` in `s` (already squeezed) points outside the file.
fn outside_url(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("url(") {
        let after = rest[i + 4..].trim_start_matches(['"', '\'']);
        if !after.starts_with('#') {
            return true;
        }
        rest = &rest[i + 4..];
    }
    false
}

/// Lower case without whitespace, control characters or CSS comments, so
/// `JaVa script:` and `u/**/rl(` are seen for what they are.
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = match rest[i + 2..].find("*/") {
            Some(j) => &rest[i + 2 + j + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// CSS escapes (`\75 rl(`, `\@import`) written out, so they cannot hide a word.
fn css_unescape(css: &str) -> Cow<'_, str> {
    if !css.contains('\\') {
        return Cow::Borrowed(css);
    }
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
            hex.push(chars.next().unwrap_or('0'));
        }
        if hex.is_empty() {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            if chars.peek() == Some(&' ') {
                chars.next();
            }
            let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        }
    }
    Cow::Owned(out)
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

#[cfg(test)]
#[path = "svg_tests.rs"]
mod tests;
