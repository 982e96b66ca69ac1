//! XLIFF 1.2 as Valise writes and reads it: one `<file>` per post (`original`
//! its global id), one `<trans-unit>` per block (`id` the block's id), inline
//! codes as `<g>` and `<x/>`. Each `<file>` carries in its skeleton (`<skl>`,
//! XLIFF's place for what is not to be translated) the Markdown of every
//! exported source block, so the import can put each code's syntax back and
//! knows which source text the translator saw.

use std::collections::BTreeMap;

use super::doc::{self, FileIn, FileOut, UnitIn, UnitOut, VALISE_NOTE};
use super::markup::{CodeKind, Item};
use super::xml::{self, Element, XML_NS};
use super::{Extras, Note};

pub const NS: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// The datatype of the file: the native format is Markdown, which XLIFF 1.2's
/// list does not name, so an `x-` value (the schema's extension form); short
/// fields say `plaintext` on their unit.
const DATATYPE: &str = "x-markdown";

pub fn write(files: &[FileOut]) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\"");
    xml::attr(&mut out, "xmlns", NS);
    for (prefix, ns) in doc::prefixes(files) {
        xml::attr(&mut out, &format!("xmlns:{prefix}"), &ns);
    }
    out.push_str(">\n");
    let prefixes: BTreeMap<String, String> = doc::prefixes(files)
        .into_iter()
        .map(|(p, n)| (n, p))
        .collect();
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
    items(out, &u.source, &u.kinds);
    out.push_str("</source>\n        <target xml:space=\"preserve\"");
    xml::attr(out, "state", u.state.as_str());
    out.push('>');
    if let Some(t) = &u.target {
        items(out, t, &u.kinds);
    }
    out.push_str("</target>\n");
    for note in u.valise_notes() {
        out.push_str("        <note");
        xml::attr(out, "from", VALISE_NOTE);
        xml::attr(out, "annotates", "source");
        out.push('>');
        xml::text(out, &note);
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

fn items(out: &mut String, items: &[Item], kinds: &BTreeMap<u32, CodeKind>) {
    for item in items {
        match item {
            Item::Text(t) => xml::text(out, t),
            Item::Open(id) => {
                out.push_str(&format!("<g id=\"{id}\""));
                if let Some(k) = kinds.get(id) {
                    xml::attr(out, "ctype", k.ctype());
                }
                out.push('>');
            }
            Item::Close(_) => out.push_str("</g>"),
            Item::Code(id) => {
                out.push_str(&format!("<x id=\"{id}\""));
                if let Some(k) = kinds.get(id) {
                    xml::attr(out, "ctype", k.ctype());
                }
                out.push_str("/>");
            }
        }
    }
}

/// Reads an XLIFF 1.2 document. Errors name what is wrong; a unit's bad
/// inline markup is kept with the unit, for the import to name it.
pub fn read(root: &Element) -> Result<Vec<FileIn>, String> {
    if root.attr("version") != Some("1.2") {
        return Err(format!(
            "it is not XLIFF 1.2 (version {:?})",
            root.attr("version").unwrap_or("")
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
            .map(|i| doc::skeleton(&i.text()))
            .transpose()?
            .flatten();
        let mut units = Vec::new();
        if let Some(body) = f.child(NS, "body") {
            doc::collect_units(body, NS, "trans-unit", &unit, &mut units);
        }
        files.push(FileIn {
            post: need("original")?,
            source_lang: need("source-language")?,
            target_lang: f.attr("target-language").unwrap_or("").to_string(),
            skeleton,
            units,
        });
    }
    doc::at_least_one_file(files)
}

fn unit(e: &Element) -> UnitIn {
    let target = e.child(NS, "target");
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
    let state = target.and_then(|t| t.attr("state")).unwrap_or("");
    UnitIn {
        id: e.attr("id").unwrap_or("").to_string(),
        source: e
            .child(NS, "source")
            .map(|s| doc::items_of(s, NS, ("g", "x"))),
        target: target.map(|t| doc::items_of(t, NS, ("g", "x"))),
        pending: state == "needs-translation",
        review: state.starts_with("needs-review"),
        extras: Extras {
            attributes: doc::foreign_attributes(e, NS),
            notes,
        },
    }
}
