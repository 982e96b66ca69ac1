//! XLIFF 1.2 as Valise writes and reads it: one `<file>` per post (`original`
//! its global id), one `<trans-unit>` per block (`id` the block's id), inline
//! codes as `<g>` and `<x/>`. Each `<file>` carries in its skeleton (`<skl>`,
//! XLIFF's place for what is not to be translated) the Markdown of every
//! exported source block, so the import can put each code's syntax back and
//! knows which source text the translator saw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::markup::Item;
use super::xml::{self, Element, Node, XML_NS};
use super::{Extras, Note, TargetState, UnitAttr};

pub const NS: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// What the skeleton holds, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skeleton {
    /// Always "valise-xliff": tells this skeleton from another tool's.
    pub format: String,
    pub post: String,
    /// Unit id → the source block's Markdown (or plain text) when exported.
    pub sources: BTreeMap<String, String>,
}

pub const SKELETON_FORMAT: &str = "valise-xliff";

/// One post of an XLIFF document.
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
    /// The codes' kinds, for their `ctype`.
    pub ctypes: BTreeMap<u32, &'static str>,
    pub target: Option<Vec<Item>>,
    pub state: TargetState,
    /// Valise's own note: the source text an outdated block was translated from.
    pub previous_source: Option<String>,
    pub extras: Extras,
}

/// The datatype of the file: the native format is Markdown, which XLIFF 1.2's
/// list does not name, so an `x-` value (the schema's extension form); short
/// fields say `plaintext` on their unit.
const DATATYPE: &str = "x-markdown";
/// The `from` of Valise's own notes, which the import does not keep as the
/// translation tool's.
pub const VALISE_NOTE: &str = "valise";

pub fn write(files: &[FileOut]) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\"");
    xml::attr(&mut out, "xmlns", NS);
    for (prefix, ns) in prefixes(files) {
        xml::attr(&mut out, &format!("xmlns:{prefix}"), &ns);
    }
    out.push_str(">\n");
    let prefixes: BTreeMap<String, String> =
        prefixes(files).into_iter().map(|(p, n)| (n, p)).collect();
    for f in files {
        out.push_str("  <file");
        xml::attr(&mut out, "original", &f.post);
        xml::attr(&mut out, "source-language", &f.source_lang);
        xml::attr(&mut out, "target-language", &f.target_lang);
        xml::attr(&mut out, "datatype", DATATYPE);
        out.push_str(
            ">\n    <header>\n      <skl>\n        <internal-file form=\"application/json\">",
        );
        let skeleton = serde_json::to_string(&f.skeleton).unwrap_or_default();
        xml::text(&mut out, &skeleton);
        out.push_str(
            "</internal-file>\n      </skl>\n      <tool tool-id=\"valise\" tool-name=\"Valise\"",
        );
        xml::attr(&mut out, "tool-version", env!("CARGO_PKG_VERSION"));
        out.push_str("/>\n    </header>\n    <body>\n");
        for u in &f.units {
            write_unit(&mut out, u, &prefixes);
        }
        out.push_str("    </body>\n  </file>\n");
    }
    out.push_str("</xliff>\n");
    out
}

fn write_unit(out: &mut String, u: &UnitOut, prefixes: &BTreeMap<String, String>) {
    out.push_str("      <trans-unit");
    xml::attr(out, "id", &u.id);
    if u.plain {
        xml::attr(out, "datatype", "plaintext");
    }
    for a in &u.extras.attributes {
        let prefix = prefixes.get(&a.ns).map(String::as_str).unwrap_or("ns");
        xml::attr(out, &format!("{prefix}:{}", a.name), &a.value);
    }
    out.push_str(">\n        <source xml:space=\"preserve\">");
    items(out, &u.source, &u.ctypes);
    out.push_str("</source>\n        <target xml:space=\"preserve\"");
    xml::attr(out, "state", u.state.as_str());
    out.push('>');
    if let Some(t) = &u.target {
        items(out, t, &u.ctypes);
    }
    out.push_str("</target>\n");
    if let Some(previous) = &u.previous_source {
        out.push_str("        <note");
        xml::attr(out, "from", VALISE_NOTE);
        xml::attr(out, "annotates", "source");
        out.push('>');
        xml::text(
            out,
            &format!("The source changed since this was translated. It was: {previous}"),
        );
        out.push_str("</note>\n");
    }
    for n in &u.extras.notes {
        out.push_str("        <note");
        for (name, value) in [
            ("from", &n.from),
            ("priority", &n.priority),
            ("annotates", &n.annotates),
            ("xml:lang", &n.lang),
        ] {
            if let Some(v) = value {
                xml::attr(out, name, v);
            }
        }
        out.push('>');
        xml::text(out, &n.text);
        out.push_str("</note>\n");
    }
    out.push_str("      </trans-unit>\n");
}

fn items(out: &mut String, items: &[Item], ctypes: &BTreeMap<u32, &'static str>) {
    for item in items {
        match item {
            Item::Text(t) => xml::text(out, t),
            Item::Open(id) => {
                out.push_str(&format!("<g id=\"{id}\""));
                if let Some(c) = ctypes.get(id) {
                    xml::attr(out, "ctype", c);
                }
                out.push('>');
            }
            Item::Close(_) => out.push_str("</g>"),
            Item::Code(id) => {
                out.push_str(&format!("<x id=\"{id}\""));
                if let Some(c) = ctypes.get(id) {
                    xml::attr(out, "ctype", c);
                }
                out.push_str("/>");
            }
        }
    }
}

/// Every namespace the kept attributes use, with a prefix each: the one the
/// translation tool wrote where it is free, else a new one.
fn prefixes(files: &[FileOut]) -> Vec<(String, String)> {
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
    /// None: no `<target>` at all.
    pub target: Option<Result<Vec<Item>, String>>,
    pub state: Option<String>,
    pub extras: Extras,
}

/// Reads an XLIFF 1.2 document. Errors name what is wrong; a unit's bad
/// inline markup is kept with the unit, for the import to name it.
pub fn read(text: &str) -> Result<Vec<FileIn>, String> {
    let root = xml::parse(text)?;
    if root.name != "xliff" {
        return Err(format!("its root element is <{}>, not <xliff>", root.name));
    }
    if root.ns != NS || root.attr("version") != Some("1.2") {
        return Err(format!(
            "it is not XLIFF 1.2 (version {:?}, namespace {:?})",
            root.attr("version").unwrap_or(""),
            root.ns
        ));
    }
    let mut files = Vec::new();
    for f in root.children_named(NS, "file") {
        let need = |name: &str| {
            f.attr(name)
                .map(str::to_string)
                .ok_or_else(|| format!("a <file> has no {name} attribute"))
        };
        let skeleton = f
            .child(NS, "header")
            .and_then(|h| h.child(NS, "skl"))
            .and_then(|s| s.child(NS, "internal-file"))
            .map(|i| {
                serde_json::from_str::<Skeleton>(&i.text())
                    .map_err(|e| format!("its skeleton (<skl>) cannot be read: {e}"))
            })
            .transpose()?
            .filter(|s| s.format == SKELETON_FORMAT);
        let mut units = Vec::new();
        if let Some(body) = f.child(NS, "body") {
            collect_units(body, &mut units);
        }
        files.push(FileIn {
            post: need("original")?,
            source_lang: need("source-language")?,
            target_lang: f.attr("target-language").unwrap_or("").to_string(),
            skeleton,
            units,
        });
    }
    if files.is_empty() {
        return Err("it has no <file> element".into());
    }
    Ok(files)
}

/// Trans-units of a body, inside groups too.
fn collect_units(parent: &Element, units: &mut Vec<UnitIn>) {
    for e in parent.elements().filter(|e| e.ns == NS) {
        match e.name.as_str() {
            "group" => collect_units(e, units),
            "trans-unit" => units.push(unit(e)),
            _ => {}
        }
    }
}

fn unit(e: &Element) -> UnitIn {
    let target = e.child(NS, "target");
    let attributes = e
        .attrs
        .iter()
        .filter(|a| !a.ns.is_empty() && a.ns != XML_NS)
        .map(|a| UnitAttr {
            ns: a.ns.clone(),
            prefix: a.prefix.clone(),
            name: a.name.clone(),
            value: a.value.clone(),
        })
        .collect();
    let notes = e
        .children_named(NS, "note")
        .filter(|n| n.attr("from") != Some(VALISE_NOTE))
        .map(|n| Note {
            from: n.attr("from").map(str::to_string),
            priority: n.attr("priority").map(str::to_string),
            annotates: n.attr("annotates").map(str::to_string),
            lang: n.attr_ns(XML_NS, "lang").map(str::to_string),
            text: n.text(),
        })
        .collect();
    UnitIn {
        id: e.attr("id").unwrap_or("").to_string(),
        target: target.map(|t| {
            let mut out = Vec::new();
            inline(t, &mut out).map(|()| out)
        }),
        state: target.and_then(|t| t.attr("state")).map(str::to_string),
        extras: Extras { attributes, notes },
    }
}

/// The inline content of a `<target>`: text, `<g>` pairs and `<x/>` codes;
/// `<mrk>` (which tools add to mark segments or terms) is read through.
fn inline(e: &Element, out: &mut Vec<Item>) -> Result<(), String> {
    for node in &e.children {
        match node {
            Node::Text(t) => match out.last_mut() {
                Some(Item::Text(last)) => last.push_str(t),
                _ => out.push(Item::Text(t.clone())),
            },
            Node::Element(c) if c.ns == NS && c.name == "mrk" => inline(c, out)?,
            Node::Element(c) if c.ns == NS && (c.name == "g" || c.name == "x") => {
                let raw = c.attr("id").unwrap_or("");
                let id: u32 = raw
                    .parse()
                    .map_err(|_| format!("inline code id {raw:?} is not in the source"))?;
                if c.name == "x" {
                    out.push(Item::Code(id));
                } else {
                    out.push(Item::Open(id));
                    inline(c, out)?;
                    out.push(Item::Close(id));
                }
            }
            Node::Element(c) => {
                return Err(format!(
                    "the inline element <{}> is not one Valise exported (only <g> and <x/>)",
                    c.name
                ))
            }
        }
    }
    Ok(())
}
