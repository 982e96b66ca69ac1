use super::*;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/svg")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Sanitises a hostile fixture and checks that none of `gone` is left (case
/// ignored), that something was reported, and that the result still parses.
fn cleans(name: &str, gone: &[&str]) -> CleanSvg {
    let clean = sanitise(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let lower = clean.svg.to_lowercase();
    for bad in gone {
        assert!(
            !lower.contains(&bad.to_lowercase()),
            "{name}: {bad} left in {}",
            clean.svg
        );
    }
    assert!(!clean.removed.is_empty(), "{name}: nothing reported");
    resvg::usvg::Tree::from_str(&clean.svg, &resvg::usvg::Options::default())
        .unwrap_or_else(|e| panic!("{name}: the clean SVG does not parse ({e}): {}", clean.svg));
    clean
}

#[test]
fn scripts_go_with_their_content_whatever_their_case_or_namespace() {
    let c = cleans("script.svg", &["<script", "alert"]);
    assert!(c.svg.contains("<rect"), "the drawing stays: {}", c.svg);
    cleans("script-cdata-namespaced.svg", &["script", "fetch", "alert"]);
}

#[test]
fn event_handlers_are_removed_and_reported_by_name() {
    let c = cleans(
        "handlers.svg",
        &[
            "onload",
            "onclick",
            "onmouseover",
            "onfocusin",
            "onbegin",
            "alert",
        ],
    );
    assert_eq!(c.removed.len(), 5, "{:?}", c.removed);
    assert!(c
        .removed
        .iter()
        .any(|r| r.contains("onload") && r.contains("<svg>")));
}

#[test]
fn use_of_external_files_is_cut_and_fragments_stay() {
    let c = cleans(
        "use-external.svg",
        &["evil.example", "file://", "other.svg"],
    );
    assert!(c.svg.contains("href=\"#c\""), "{}", c.svg);
    assert_eq!(c.removed.len(), 3, "{:?}", c.removed);
}

#[test]
fn foreign_object_goes_whole() {
    cleans(
        "foreign-object.svg",
        &["foreignobject", "iframe", "onerror", "javascript", "<div"],
    );
}

#[test]
fn javascript_and_data_urls_are_cut_even_obfuscated() {
    let c = cleans("javascript-links.svg", &["javascript", "alert"]);
    assert_eq!(c.removed.len(), 3, "{:?}", c.removed);
    cleans("data-urls.svg", &["data:", "base64", "<script"]);
}

#[test]
fn entities_are_never_expanded() {
    let c = cleans("xxe.svg", &["<!doctype", "/etc/passwd", "&xxe;", "root:"]);
    assert!(
        c.removed.iter().any(|r| r.contains("document type")),
        "{:?}",
        c.removed
    );
    let b = cleans("billion-laughs.svg", &["<!doctype", "&lol", "lollol"]);
    assert!(b.svg.len() < 200, "nothing expanded: {}", b.svg);
}

#[test]
fn css_that_reaches_outside_is_refused_and_local_css_stays() {
    let c = cleans("css-import.svg", &["@import", "evil.example", "u\\72"]);
    assert!(
        c.svg.contains("url(#g)"),
        "a fragment url() stays: {}",
        c.svg
    );
    assert_eq!(c.removed.len(), 3, "{:?}", c.removed);
}

#[test]
fn animations_that_would_set_links_or_handlers_go() {
    let c = cleans("animate-href.svg", &["javascript", "alert", "onbegin"]);
    assert!(c.svg.contains("attributeName=\"opacity\""), "{}", c.svg);
    assert_eq!(c.removed.len(), 3, "{:?}", c.removed);
}

#[test]
fn stylesheet_instructions_and_xml_base_go() {
    cleans(
        "stylesheet-pi.svg",
        &["xml-stylesheet", "evil.example", "xml:base"],
    );
}

#[test]
fn what_is_not_an_svg_is_refused_not_half_cleaned() {
    let e = sanitise(&fixture("html-root.svg")).unwrap_err();
    assert!(e.0.contains("<html>"), "{e:?}");
    let e = sanitise(&fixture("truncated.svg")).unwrap_err();
    assert!(
        e.0.contains("cut short") || e.0.contains("well-formed"),
        "{e:?}"
    );
    assert!(sanitise("").is_err());
    assert!(sanitise("just text").is_err());
    assert!(sanitise("<svg></svg><svg></svg>").is_err());
}

#[test]
fn a_clean_infographic_comes_back_as_it_was_drawn() {
    let input = fixture("clean-infographic.svg");
    let c = sanitise(&input).unwrap();
    assert!(c.removed.is_empty(), "{:?}", c.removed);
    for kept in [
        "linearGradient",
        "url(#g)",
        "xlink:href=\"#dot\"",
        "&amp;",
        "&#x2014;",
        "Réseau",
        "viewBox=\"0 0 200 100\"",
    ] {
        assert!(c.svg.contains(kept), "{kept} lost: {}", c.svg);
    }
    // Idempotent: cleaning the clean file changes nothing.
    assert_eq!(sanitise(&c.svg).unwrap().svg, c.svg);
}

#[test]
fn css_escapes_in_presentation_attributes_hide_nothing() {
    let c = cleans("css-escape-attribute.svg", &["evil.example", "\\72"]);
    assert_eq!(c.removed.len(), 1, "{:?}", c.removed);
    assert!(c.svg.contains("fill=\"url(#ok)\""), "{}", c.svg);
}
