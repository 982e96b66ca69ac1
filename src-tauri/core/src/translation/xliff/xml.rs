//! XML in and out, with quick-xml: a file read into a small tree of elements
//! with their namespaces resolved, and the escaping used to write. A document
//! type declaration is refused (no entity of the file's own is ever expanded,
//! so no XXE and no entity bombs), and so is a file that ends inside an element.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::XmlVersion;

/// The XML namespace (`xml:lang`, `xml:space`), bound without a declaration.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The namespace URI; empty for an attribute without a prefix.
    pub ns: String,
    /// The prefix as written (empty without one), to write it back alike.
    pub prefix: String,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

impl Element {
    /// The value of an attribute without a namespace.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.name == name)
            .map(|a| a.value.as_str())
    }

    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Child elements in namespace `ns` named `name`.
    pub fn children_named<'e>(
        &'e self,
        ns: &'e str,
        name: &'e str,
    ) -> impl Iterator<Item = &'e Element> + 'e {
        self.elements()
            .filter(move |e| e.ns == ns && e.name == name)
    }

    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.ns == ns && e.name == name)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// All the text inside, markup left out.
    pub fn text(&self) -> String {
        let mut out = String::new();
        fn walk(e: &Element, out: &mut String) {
            for n in &e.children {
                match n {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(c) => walk(c, out),
                }
            }
        }
        walk(self, &mut out);
        out
    }
}

/// Reads a whole document into its root element. The error says what is wrong
/// and near which byte.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let at = |r: &NsReader<&[u8]>| r.buffer_position();
    loop {
        let step = reader
            .read_resolved_event()
            .map(|(resolved, event)| (namespace(resolved), event));
        let (ns, event) = match step {
            Ok((ns, event)) => (ns?, event),
            Err(e) => {
                let e = e.to_string();
                let hint = if e.contains("end of input") {
                    "the file ends in the middle of a tag: it is cut short; "
                } else {
                    ""
                };
                return Err(format!("{hint}{e} (near byte {})", reader.error_position()));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|err| format!("{err} (near byte {})", at(&reader)))?;
                    let key = a.key.as_ref().to_string();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let (res, local) = reader.resolver().resolve_attribute(a.key);
                    let ans = namespace(res)?;
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|err| format!("{err} (near byte {})", at(&reader)))?
                        .into_owned();
                    attrs.push(Attr {
                        ns: ans,
                        prefix: key.split_once(':').map(|p| p.0).unwrap_or("").to_string(),
                        name: local.as_ref().to_string(),
                        value,
                    });
                }
                let element = Element {
                    ns,
                    name: e.local_name().as_ref().to_string(),
                    attrs,
                    children: Vec::new(),
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(element);
                } else {
                    close(&mut stack, &mut root, element)?;
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("an end tag without a start")?;
                close(&mut stack, &mut root, element)?;
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(c) => push_text(&mut stack, &c.into_inner())?,
            Event::GeneralRef(r) => {
                let name = r.as_ref().to_string();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&name)
                        .ok_or_else(|| {
                            format!("the entity &{name}; is not one of XML's own (external and declared entities are refused)")
                        })?
                        .to_string(),
                    Err(e) => return Err(format!("&{name};: {e}")),
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::DocType(_) => {
                return Err(
                    "the file has a document type declaration (<!DOCTYPE …>), which XLIFF does not use and Valise refuses: it could make the reader fetch or expand content from elsewhere"
                        .into(),
                )
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "the file ends inside <{}>: it is cut short",
            open.name
        ));
    }
    root.ok_or_else(|| "the file holds no XML element".into())
}

fn namespace(resolved: ResolveResult<'_>) -> Result<String, String> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(ns.as_ref().to_string()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(format!("the prefix {p}: is not declared")),
    }
}

fn close(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None if root.is_none() => *root = Some(element),
        None => return Err("more than one root element".into()),
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(t)) = parent.children.last_mut() {
                t.push_str(text);
            } else {
                parent.children.push(Node::Text(text.to_string()));
            }
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

/// Whether XML 1.0 can carry a character at all, even as a reference:
/// control characters other than tab and line ends cannot.
fn representable(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Text content escaped for XML. A carriage return is written as a
/// reference (a reader would turn it into a line feed); characters XML cannot
/// carry (stray control characters pasted into a post) are left out rather
/// than making the whole file unreadable.
pub fn text(out: &mut String, s: &str) {
    for c in quick_xml::escape::partial_escape(s).chars() {
        match c {
            '\r' => out.push_str("&#13;"),
            c if representable(c) => out.push(c),
            _ => {}
        }
    }
}

/// ` name="value"`, the value escaped so that it reads back exactly (line
/// ends and tabs too, which a reader would otherwise turn into spaces).
pub fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    for c in quick_xml::escape::escape(value).chars() {
        match c {
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if representable(c) => out.push(c),
            _ => {}
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_entities_and_character_references_are_resolved() {
        let root = parse(
            "<?xml version=\"1.0\"?><a xmlns=\"urn:x\" xmlns:m=\"urn:m\" m:k=\"v&#10;w\"><b>1 &lt; 2 &amp; &#233;</b></a>",
        )
        .unwrap();
        assert_eq!(root.ns, "urn:x");
        assert_eq!(root.attr_ns("urn:m", "k"), Some("v\nw"));
        assert_eq!(root.attrs[0].prefix, "m");
        assert_eq!(root.child("urn:x", "b").unwrap().text(), "1 < 2 & é");
    }

    #[test]
    fn a_document_type_declaration_is_refused() {
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>";
        assert!(parse(xxe).unwrap_err().contains("DOCTYPE"));
    }

    #[test]
    fn an_undeclared_entity_is_refused() {
        assert!(parse("<a>&e;</a>").unwrap_err().contains("&e;"));
    }

    #[test]
    fn a_cut_file_says_where_it_ends() {
        let err = parse("<a><b>text").unwrap_err();
        assert!(err.contains("<b>"), "{err}");
    }

    #[test]
    fn mismatched_tags_are_an_error() {
        assert!(parse("<a><b></a></b>").is_err());
        assert!(parse("not xml at all").is_err());
    }

    proptest::proptest! {
        /// Any text Valise writes reads back the same, less what XML cannot carry.
        #[test]
        fn written_text_and_attributes_read_back(s in "(\\PC|[\r\n\t\u{1}<>&\"'])*") {
            let mut doc = String::from("<a");
            attr(&mut doc, "k", &s);
            doc.push('>');
            text(&mut doc, &s);
            doc.push_str("</a>");
            let root = parse(&doc).unwrap();
            let kept: String = s.chars().filter(|c| representable(*c)).collect();
            proptest::prop_assert_eq!(root.attr("k"), Some(kept.as_str()));
            proptest::prop_assert_eq!(root.text(), kept);
        }
    }

    #[test]
    fn written_attributes_read_back_exactly() {
        let mut out = String::from("<a");
        attr(&mut out, "k", "x\"<&>\n\ty'");
        out.push_str("/>");
        assert_eq!(parse(&out).unwrap().attr("k"), Some("x\"<&>\n\ty'"));
    }
}
