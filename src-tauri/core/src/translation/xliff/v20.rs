//! XLIFF 2.0 as Valise writes and reads it, for tools that prefer it: the
//! same document as 1.2 (see `doc`) with 2.0's names: languages on the root,
//! one `<file>` per post, one `<unit>` per block with one `<segment>`, paired
//! codes as `<pc>`, standalone ones as `<ph/>`, the skeleton in `<skeleton>`.

use std::collections::BTreeMap;

use super::doc::{self, FileIn, FileOut, UnitIn, UnitOut, VALISE_NOTE};
use super::markup::{CodeKind, Item};
use super::xml::{self, Element};
use super::{Extras, Note, TargetState};

pub const NS: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// 2.0 has four segment states; a missing or outdated block is `initial`
/// (not translated yet, or to be reviewed: the note says which).
fn state(s: TargetState) -> &'static str {
    match s {
        TargetState::Translated => "translated",
        TargetState::NeedsTranslation | TargetState::NeedsReviewTranslation => "initial",
    }
}

/// 2.0's `type` and `subType` of a code, where one fits.
fn code_type(kind: CodeKind) -> (Option<&'static str>, Option<&'static str>) {
    match kind {
        CodeKind::Emphasis => (Some("fmt"), Some("xlf:i")),
        CodeKind::Strong => (Some("fmt"), Some("xlf:b")),
        CodeKind::Strikethrough => (Some("fmt"), None),
        CodeKind::Link | CodeKind::Autolink => (Some("link"), None),
        CodeKind::Image => (Some("image"), None),
        CodeKind::LineBreak => (Some("fmt"), Some("xlf:lb")),
        CodeKind::Code | CodeKind::Html | CodeKind::FootnoteRef | CodeKind::Block => {
            (Some("other"), None)
        }
    }
}

pub fn write(files: &[FileOut]) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff");
    xml::attr(&mut out, "xmlns", NS);
    xml::attr(&mut out, "version", "2.0");
    if let Some(f) = files.first() {
        xml::attr(&mut out, "srcLang", &f.source_lang);
        xml::attr(&mut out, "trgLang", &f.target_lang);
    }
    let declared = doc::prefixes(files);
    for (prefix, ns) in &declared {
        xml::attr(&mut out, &format!("xmlns:{prefix}"), ns);
    }
    out.push_str(">\n");
    let prefixes: BTreeMap<String, String> = declared.into_iter().map(|(p, n)| (n, p)).collect();
    for (n, f) in files.iter().enumerate() {
        out.push_str("  <file");
        xml::attr(&mut out, "id", &format!("f{}", n + 1));
        xml::attr(&mut out, "original", &f.post);
        out.push_str(">\n    <skeleton>");
        xml::text(
            &mut out,
            &serde_json::to_string(&f.skeleton).unwrap_or_default(),
        );
        out.push_str("</skeleton>\n");
        for u in &f.units {
            write_unit(&mut out, u, &prefixes);
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</xliff>\n");
    out
}

fn write_unit(out: &mut String, u: &UnitOut, prefixes: &BTreeMap<String, String>) {
    out.push_str("    <unit");
    xml::attr(out, "id", &u.id);
    for a in &u.extras.attributes {
        let prefix = prefixes.get(&a.ns).map(String::as_str).unwrap_or("ns");
        xml::attr(out, &format!("{prefix}:{}", a.name), &a.value);
    }
    out.push_str(">\n");
    let own = u.valise_notes();
    if !own.is_empty() || !u.extras.notes.is_empty() {
        out.push_str("      <notes>\n");
        for p in own {
            out.push_str("        <note");
            xml::attr(out, "category", VALISE_NOTE);
            xml::attr(out, "appliesTo", "source");
            out.push('>');
            xml::text(out, &p);
            out.push_str("</note>\n");
        }
        for n in &u.extras.notes {
            out.push_str("        <note");
            if let Some(c) = &n.from {
                xml::attr(out, "category", c);
            }
            if let Some(p) = &n.priority {
                xml::attr(out, "priority", p);
            }
            if let Some(a) = n
                .annotates
                .as_deref()
                .filter(|a| matches!(*a, "source" | "target"))
            {
                xml::attr(out, "appliesTo", a);
            }
            out.push('>');
            xml::text(out, &n.text);
            out.push_str("</note>\n");
        }
        out.push_str("      </notes>\n");
    }
    out.push_str("      <segment");
    xml::attr(out, "state", state(u.state));
    out.push_str(">\n        <source xml:space=\"preserve\">");
    items(out, &u.source, &u.kinds);
    out.push_str("</source>\n");
    if let Some(t) = &u.target {
        out.push_str("        <target xml:space=\"preserve\">");
        items(out, t, &u.kinds);
        out.push_str("</target>\n");
    }
    out.push_str("      </segment>\n    </unit>\n");
}

fn items(out: &mut String, items: &[Item], kinds: &BTreeMap<u32, CodeKind>) {
    let typed = |out: &mut String, id: &u32| {
        if let Some(k) = kinds.get(id) {
            let (t, sub) = code_type(*k);
            if let Some(t) = t {
                xml::attr(out, "type", t);
            }
            if let Some(s) = sub {
                xml::attr(out, "subType", s);
            }
        }
    };
    for item in items {
        match item {
            Item::Text(t) => xml::text(out, t),
            Item::Open(id) => {
                out.push_str(&format!("<pc id=\"{id}\""));
                typed(out, id);
                out.push('>');
            }
            Item::Close(_) => out.push_str("</pc>"),
            Item::Code(id) => {
                out.push_str(&format!("<ph id=\"{id}\""));
                typed(out, id);
                out.push_str("/>");
            }
        }
    }
}

/// Reads an XLIFF 2.x document (see `v12::read` for errors).
pub fn read(root: &Element) -> Result<Vec<FileIn>, String> {
    let version = root.attr("version").unwrap_or("");
    if !version.starts_with("2.") {
        return Err(format!("it is not XLIFF 2 (version {version:?})"));
    }
    let source_lang = root
        .attr("srcLang")
        .ok_or("its <xliff> has no srcLang attribute")?;
    let target_lang = root.attr("trgLang").unwrap_or("");
    let mut files = Vec::new();
    for f in root.children_named(NS, "file") {
        let skeleton = f
            .child(NS, "skeleton")
            .map(|s| doc::skeleton(&s.text()))
            .transpose()?
            .flatten();
        let mut units = Vec::new();
        doc::collect_units(f, NS, "unit", &unit, &mut units);
        files.push(FileIn {
            post: f
                .attr("original")
                .ok_or("a <file> has no original attribute")?
                .to_string(),
            source_lang: source_lang.to_string(),
            target_lang: target_lang.to_string(),
            skeleton,
            units,
        });
    }
    doc::at_least_one_file(files)
}

/// A unit: the sources and targets of its segments (a tool may have split
/// it) joined, with the text of what lies between them.
fn unit(e: &Element) -> UnitIn {
    let mut source: Option<Result<Vec<Item>, String>> = None;
    let mut target: Option<Result<Vec<Item>, String>> = None;
    let mut states = Vec::new();
    for part in e.elements().filter(|p| p.ns == NS) {
        let s = part.child(NS, "source");
        let t = match part.name.as_str() {
            "segment" => {
                states.push(part.attr("state"));
                part.child(NS, "target")
            }
            "ignorable" => part.child(NS, "target").or(s),
            _ => continue,
        };
        if let Some(s) = s {
            append(&mut source, doc::items_of(s, NS, ("pc", "ph")));
        }
        if let Some(t) = t {
            append(&mut target, doc::items_of(t, NS, ("pc", "ph")));
        }
    }
    let notes = e
        .children_named(NS, "notes")
        .flat_map(|n| n.children_named(NS, "note"))
        .filter(|n| n.attr("category") != Some(VALISE_NOTE))
        .map(|n| Note {
            from: n.attr("category").map(str::to_string),
            priority: n.attr("priority").map(str::to_string),
            annotates: n.attr("appliesTo").map(str::to_string),
            lang: None,
            text: n.text(),
        })
        .collect();
    UnitIn {
        id: e.attr("id").unwrap_or("").to_string(),
        source: source.map(|s| s.map(join_texts)),
        target: target.map(|t| t.map(join_texts)),
        // An explicit `initial` says "not translated yet"; a target with no
        // state at all is taken (some tools never write one).
        pending: !states.is_empty() && states.iter().all(|s| *s == Some("initial")),
        review: false,
        extras: Extras {
            attributes: doc::foreign_attributes(e, NS),
            notes,
        },
    }
}

fn append(all: &mut Option<Result<Vec<Item>, String>>, part: Result<Vec<Item>, String>) {
    *all = Some(match (all.take(), part) {
        (Some(Err(e)), _) | (_, Err(e)) => Err(e),
        (Some(Ok(mut before)), Ok(items)) => {
            before.extend(items);
            Ok(before)
        }
        (None, Ok(items)) => Ok(items),
    });
}

fn join_texts(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for i in items {
        match (i, out.last_mut()) {
            (Item::Text(t), Some(Item::Text(last))) => last.push_str(&t),
            (i, _) => out.push(i),
        }
    }
    out
}
