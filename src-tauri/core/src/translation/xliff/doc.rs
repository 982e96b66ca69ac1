//! An XLIFF document as Valise sees it, whatever the version: a file per post
//! with the skeleton Valise needs back, units with source, target, state and
//! what the translation tool added. `v12` and `v20` write and read it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::markup::{CodeKind, Item};
use super::xml::{Element, Node, XML_NS};
use super::{Extras, TargetState, UnitAttr};

/// What the skeleton of each file holds, as JSON: the Markdown of every
/// exported source block, so the import can put each code's syntax back and
/// knows which source text the translator saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skeleton {
    /// Always "valise-xliff": tells this skeleton from another tool's.
    pub format: String,
    pub post: String,
    /// Unit id → the source block's Markdown (or plain text) when exported.
    pub sources: BTreeMap<String, String>,
}

pub const SKELETON_FORMAT: &str = "valise-xliff";

/// The `from` (1.2) or `category` (2.0) of Valise's own notes, which the
/// import does not keep as the translation tool's.
pub const VALISE_NOTE: &str = "valise";

/// Reads a skeleton's JSON; another tool's skeleton is no skeleton.
pub fn skeleton(text: &str) -> Result<Option<Skeleton>, String> {
    let s: Skeleton =
        serde_json::from_str(text).map_err(|e| format!("its skeleton cannot be read: {e}"))?;
    Ok((s.format == SKELETON_FORMAT).then_some(s))
}

/// One post of a document to write.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOut {
    pub post: String,
    pub source_lang: String,
    pub target_lang: String,
    pub skeleton: Skeleton,
    pub units: Vec<UnitOut>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitOut {
    pub id: String,
    /// A short field (title, summary, share text): plain text, no Markdown.
    pub plain: bool,
    pub source: Vec<Item>,
    /// What each code stands for.
    pub kinds: BTreeMap<u32, CodeKind>,
    pub target: Option<Vec<Item>>,
    pub state: TargetState,
    /// Valise's own note: the source text an outdated block was translated from.
    pub previous_source: Option<String>,
    /// The translation as it is, when its formatting differs from the
    /// source's so it cannot be the target: shown in a note instead.
    pub unaligned: Option<String>,
    pub extras: Extras,
}

impl UnitOut {
    /// Valise's own notes on the unit, for the translator.
    pub fn valise_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(p) = &self.previous_source {
            notes.push(format!(
                "The source changed since this was translated. It was: {p}"
            ));
        }
        if let Some(t) = &self.unaligned {
            notes.push(format!(
                "The current translation is formatted differently from the source, so it is not the target here. It reads: {t}"
            ));
        }
        notes
    }
}

/// One post of a document read back.
#[derive(Debug, Clone, PartialEq)]
pub struct FileIn {
    pub post: String,
    pub source_lang: String,
    pub target_lang: String,
    pub skeleton: Option<Skeleton>,
    pub units: Vec<UnitIn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitIn {
    pub id: String,
    /// The source as the file has it (None: no source element).
    pub source: Option<Result<Vec<Item>, String>>,
    /// None: no target at all; an error: its inline markup cannot be read.
    pub target: Option<Result<Vec<Item>, String>>,
    /// The state says the target is not a translation yet (1.2
    /// `needs-translation`, 2.0 `initial`): the block is left as it was.
    pub pending: bool,
    /// The state asks for a review (1.2 `needs-review-*`): the unit keeps
    /// what it was translated from.
    pub review: bool,
    pub extras: Extras,
}

/// The units of a file or body in document order, groups flattened: both
/// versions nest units in `<group>`s, under their own element name.
pub fn collect_units(
    parent: &Element,
    ns: &str,
    unit_name: &str,
    read: &dyn Fn(&Element) -> UnitIn,
    units: &mut Vec<UnitIn>,
) {
    for e in parent.elements().filter(|e| e.ns == ns) {
        if e.name == "group" {
            collect_units(e, ns, unit_name, read, units);
        } else if e.name == unit_name {
            units.push(read(e));
        }
    }
}

/// A document must hold at least one `<file>` to be worth importing.
pub fn at_least_one_file(files: Vec<FileIn>) -> Result<Vec<FileIn>, String> {
    if files.is_empty() {
        return Err("it has no <file> element".into());
    }
    Ok(files)
}

/// Whether two segments say the same: the same codes in the same places and
/// the same words, however the white space between them was laid out.
pub fn same_segment(a: &[Item], b: &[Item]) -> bool {
    fn flat(items: &[Item]) -> String {
        let mut s = String::new();
        for i in items {
            match i {
                Item::Text(t) => s.push_str(t),
                Item::Open(id) => s.push_str(&format!(" \u{1}{id} ")),
                Item::Close(id) => s.push_str(&format!(" \u{2}{id} ")),
                Item::Code(id) => s.push_str(&format!(" \u{3}{id} ")),
            }
        }
        s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
    }
    flat(a) == flat(b)
}

/// Reads inline content, or says why it cannot.
pub fn items_of(e: &Element, ns: &str, names: (&str, &str)) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    inline(e, ns, names, &mut out).map(|()| out)
}

/// Every namespace the kept attributes use, with a prefix each: the one the
/// translation tool wrote where it is free, else a new one.
pub fn prefixes(files: &[FileOut]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for a in files
        .iter()
        .flat_map(|f| &f.units)
        .flat_map(|u| &u.extras.attributes)
    {
        if out.iter().any(|(_, ns)| *ns == a.ns) {
            continue;
        }
        let mut prefix = if a.prefix.is_empty() || a.prefix == "xml" || a.prefix == "xmlns" {
            "ns".to_string()
        } else {
            a.prefix.clone()
        };
        let mut n = 1;
        while out.iter().any(|(p, _)| *p == prefix) {
            prefix = format!("ns{n}");
            n += 1;
        }
        out.push((prefix, a.ns.clone()));
    }
    out
}

/// The attributes of a unit in namespaces other than XLIFF's and XML's.
pub fn foreign_attributes(e: &Element, xliff_ns: &str) -> Vec<UnitAttr> {
    e.attrs
        .iter()
        .filter(|a| !a.ns.is_empty() && a.ns != XML_NS && a.ns != xliff_ns)
        .map(|a| UnitAttr {
            ns: a.ns.clone(),
            prefix: a.prefix.clone(),
            name: a.name.clone(),
            value: a.value.clone(),
        })
        .collect()
}

/// Inline content read into items: `paired` and `standalone` name the
/// version's code elements (in 1.2 a pair may also come as `<bx/>`…`<ex/>`);
/// `<mrk>` (which tools add to mark segments or terms) is read through.
pub fn inline(
    e: &Element,
    ns: &str,
    (paired, standalone): (&str, &str),
    out: &mut Vec<Item>,
) -> Result<(), String> {
    for node in &e.children {
        match node {
            Node::Text(t) => match out.last_mut() {
                Some(Item::Text(last)) => last.push_str(t),
                _ => out.push(Item::Text(t.clone())),
            },
            Node::Element(c) if c.ns == ns && c.name == "mrk" => {
                inline(c, ns, (paired, standalone), out)?
            }
            // A pair split by the tool into a begin and an end (1.2's <bx/>
            // and <ex/>), matched to the source's pair by `rid` or `id`.
            Node::Element(c) if c.ns == ns && (c.name == "bx" || c.name == "ex") && paired == "g" => {
                let raw = c.attr("rid").or(c.attr("id")).unwrap_or("");
                let id: u32 = raw
                    .parse()
                    .map_err(|_| format!("inline code id {raw:?} is not in the source"))?;
                out.push(if c.name == "bx" { Item::Open(id) } else { Item::Close(id) });
            }
            Node::Element(c) if c.ns == ns && (c.name == paired || c.name == standalone) => {
                let raw = c.attr("id").unwrap_or("");
                let id: u32 = raw
                    .parse()
                    .map_err(|_| format!("inline code id {raw:?} is not in the source"))?;
                if c.name == standalone {
                    out.push(Item::Code(id));
                } else {
                    out.push(Item::Open(id));
                    inline(c, ns, (paired, standalone), out)?;
                    out.push(Item::Close(id));
                }
            }
            Node::Element(c) => {
                return Err(format!(
                    "the inline element <{}> is not one Valise exported (only <{paired}> and <{standalone}/>)",
                    c.name
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{v12, v20, xml, Extras, Note, TargetState, UnitAttr};
    use super::*;

    fn file() -> FileOut {
        let items = vec![
            Item::Text("Un ".into()),
            Item::Open(1),
            Item::Text("mot & <autre>".into()),
            Item::Open(2),
            Item::Text("imbriqué".into()),
            Item::Close(2),
            Item::Close(1),
            Item::Code(3),
            Item::Text(" fin".into()),
        ];
        FileOut {
            post: "0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00".into(),
            source_lang: "fr".into(),
            target_lang: "en".into(),
            skeleton: Skeleton {
                format: SKELETON_FORMAT.into(),
                post: "0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00".into(),
                sources: BTreeMap::from([("b1".into(), "Un *mot …*".into())]),
            },
            units: vec![UnitOut {
                id: "b1".into(),
                plain: false,
                source: items.clone(),
                kinds: BTreeMap::from([
                    (1, CodeKind::Strong),
                    (2, CodeKind::Emphasis),
                    (3, CodeKind::Code),
                ]),
                target: Some(items),
                state: TargetState::Translated,
                previous_source: Some("Un *mot*".into()),
                unaligned: None,
                extras: Extras {
                    attributes: vec![UnitAttr {
                        ns: "urn:example:cat".into(),
                        prefix: "cat".into(),
                        name: "status".into(),
                        value: "confirmed".into(),
                    }],
                    notes: vec![Note {
                        from: Some("translator".into()),
                        priority: Some("2".into()),
                        annotates: Some("source".into()),
                        lang: None,
                        text: "Vu avec la presse".into(),
                    }],
                },
            }],
        }
    }

    /// Reads a document the way the import does, by its namespace.
    fn read(doc: &str) -> Vec<FileIn> {
        let root = xml::parse(doc).unwrap();
        match root.ns.as_str() {
            v12::NS => v12::read(&root).unwrap(),
            _ => v20::read(&root).unwrap(),
        }
    }

    #[test]
    fn both_versions_read_back_what_they_wrote() {
        let out = file();
        for doc in [
            v12::write(std::slice::from_ref(&out)),
            v20::write(std::slice::from_ref(&out)),
        ] {
            let files = read(&doc);
            assert_eq!(files.len(), 1, "{doc}");
            let f = &files[0];
            assert_eq!(f.post, out.post);
            assert_eq!(
                (f.source_lang.as_str(), f.target_lang.as_str()),
                ("fr", "en")
            );
            assert_eq!(f.skeleton.as_ref(), Some(&out.skeleton));
            let u = &f.units[0];
            assert_eq!(u.id, "b1");
            assert_eq!(u.source, Some(Ok(out.units[0].source.clone())), "{doc}");
            assert_eq!(u.target, Some(Ok(out.units[0].source.clone())), "{doc}");
            assert!(!u.pending && !u.review);
            // Valise's own note is not read back as the tool's.
            assert_eq!(u.extras.attributes, out.units[0].extras.attributes);
            assert_eq!(u.extras.notes, out.units[0].extras.notes, "{doc}");
        }
    }

    #[test]
    fn states_that_are_not_translations_yet_are_pending() {
        let mut out = file();
        out.units[0].state = TargetState::NeedsTranslation;
        assert!(read(&v12::write(&[out.clone()]))[0].units[0].pending);
        assert!(read(&v20::write(&[out.clone()]))[0].units[0].pending);
        out.units[0].state = TargetState::NeedsReviewTranslation;
        assert!(read(&v12::write(&[out]))[0].units[0].review);
    }

    #[test]
    fn an_unknown_inline_element_is_named() {
        let doc = v12::write(&[file()]);
        let at = doc.find("<target").unwrap();
        let doc = format!(
            "{}{}",
            &doc[..at],
            doc[at..].replacen("<x id=", "<ph id=", 1)
        );
        match &read(&doc)[0].units[0].target {
            Some(Err(e)) => assert!(e.contains("<ph>"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_pair_split_into_bx_and_ex_reads_as_the_pair() {
        let doc = v12::write(&[file()]);
        let at = doc.find("<target").unwrap();
        let target = doc[at..]
            .replacen("<g id=\"1\" ctype=\"bold\">", "<bx id=\"7\" rid=\"1\"/>", 1)
            .replacen("</g></g>", "</g><ex id=\"8\" rid=\"1\"/>", 1);
        let files = read(&format!("{}{target}", &doc[..at]));
        assert_eq!(
            files[0].units[0].target,
            Some(Ok(file().units[0].source.clone()))
        );
    }

    #[test]
    fn same_segment_ignores_only_the_layout_of_white_space() {
        let a = vec![Item::Text("Un  mot\n".into()), Item::Code(1)];
        let b = vec![Item::Text("Un mot ".into()), Item::Code(1)];
        let c = vec![Item::Text("Un mot".into()), Item::Code(2)];
        assert!(same_segment(&a, &b));
        assert!(!same_segment(&a, &c));
    }
}
