//! A Markdown block as a translator sees it: runs of text between numbered
//! inline codes. Paired inline syntax (emphasis, strong, strikethrough, links,
//! images) becomes a paired code around its text; everything else that is not
//! text (inline code, raw HTML, footnote references, hard breaks, list markers
//! and table pipes between the texts) a standalone code. Syntax before the
//! first text and after the last (`# `, `- `, `> `) stays out of the segment.
//! `rebuild` turns a translated segment back into Markdown with the source's
//! own syntax for every code and the translator's text escaped where Markdown
//! would otherwise read it as syntax.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::translation::blocks;

/// What an inline code stands for; also its XLIFF `ctype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    Emphasis,
    Strong,
    Strikethrough,
    Link,
    Image,
    Code,
    Html,
    FootnoteRef,
    LineBreak,
    /// `<https://…>`: an address, not translated.
    Autolink,
    /// Block syntax between two texts: a list marker, a table pipe, a quote's `>`.
    Block,
}

impl CodeKind {
    pub fn is_paired(self) -> bool {
        matches!(
            self,
            CodeKind::Emphasis
                | CodeKind::Strong
                | CodeKind::Strikethrough
                | CodeKind::Link
                | CodeKind::Image
        )
    }

    /// The XLIFF 1.2 `ctype`: the standard value where there is one, else an
    /// `x-` value (the schema's way to extend the list).
    pub fn ctype(self) -> &'static str {
        match self {
            CodeKind::Emphasis => "italic",
            CodeKind::Strong => "bold",
            CodeKind::Strikethrough => "x-strikethrough",
            CodeKind::Link => "link",
            CodeKind::Image => "x-image",
            CodeKind::Code => "x-code",
            CodeKind::Html => "x-html",
            CodeKind::FootnoteRef => "x-footnote-ref",
            CodeKind::LineBreak => "lb",
            CodeKind::Autolink => "x-autolink",
            CodeKind::Block => "x-block",
        }
    }
}

/// One piece of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Text(String),
    /// The start of a paired code (`<g id>`).
    Open(u32),
    /// The end of the paired code opened last.
    Close(u32),
    /// A standalone code (`<x id/>`).
    Code(u32),
}

/// The Markdown a code stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub kind: CodeKind,
    /// For a paired code, the syntax before its text (`**`, `[`).
    pub open: String,
    /// For a paired code, the syntax after its text (`**`, `](url)`).
    pub close: String,
}

/// A block's text as segment and skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub items: Vec<Item>,
    pub codes: HashMap<u32, Code>,
    /// Syntax before the first piece and after the last, kept out of the segment.
    pub prefix: String,
    pub suffix: String,
    /// Each text run as the translator sees it, with the exact Markdown it came
    /// from: a run the translator left as it was is written back byte for byte.
    raw: Vec<(String, String)>,
}

impl Segment {
    /// Whether there is anything to translate.
    pub fn has_text(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i, Item::Text(t) if !t.trim().is_empty()))
    }
}

/// The segment of a short field: plain text, no Markdown, no codes.
pub fn plain(text: &str) -> Segment {
    Segment {
        items: vec![Item::Text(text.to_string())],
        codes: HashMap::new(),
        prefix: String::new(),
        suffix: String::new(),
        raw: vec![(text.to_string(), text.to_string())],
    }
}

/// Builds a segment from the parser's events, one piece at a time. `cursor`
/// is where the Markdown not yet given to a piece starts.
struct Builder<'m> {
    md: &'m str,
    seg: Segment,
    cursor: usize,
    next_id: u32,
    /// The run of text being built: its text and where it starts.
    run: Option<(String, usize)>,
    /// A paired code whose opening syntax ends where its first inner piece starts.
    opening: Option<u32>,
    /// Open paired codes: id and where their syntax ends.
    open: Vec<(u32, usize)>,
}

impl Builder<'_> {
    /// Ends the run being built.
    fn flush(&mut self) {
        if let Some((text, start)) = self.run.take() {
            let raw = self.md[start..self.cursor].to_string();
            self.seg.raw.push((text.clone(), raw));
            self.seg.items.push(Item::Text(text));
        }
    }

    /// Gives the Markdown from the cursor to `to` to a piece: the opening
    /// syntax of a paired code just opened, else the prefix (nothing before
    /// it yet), else a block code between two pieces.
    fn gap(&mut self, to: usize) {
        let from = self.cursor;
        self.cursor = to.max(from);
        if let Some(id) = self.opening.take() {
            if let Some(code) = self.seg.codes.get_mut(&id) {
                code.open.push_str(&self.md[from..self.cursor]);
            }
            return;
        }
        if self.cursor == from {
            return;
        }
        if self.seg.items.is_empty() {
            self.seg.prefix.push_str(&self.md[from..self.cursor]);
        } else {
            let markup = self.md[from..self.cursor].to_string();
            self.code(CodeKind::Block, markup);
        }
    }

    fn code(&mut self, kind: CodeKind, open: String) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.seg.codes.insert(
            id,
            Code {
                kind,
                open,
                close: String::new(),
            },
        );
        if kind.is_paired() {
            self.seg.items.push(Item::Open(id));
        } else {
            self.seg.items.push(Item::Code(id));
        }
        id
    }

    /// Text (or a soft break, as a space) at `range`: continues the run when
    /// only an escape, or a continued line's container syntax, lies between.
    fn text(&mut self, text: &str, range: Range<usize>, soft_break: bool) {
        let between = &self.md[self.cursor..range.start.max(self.cursor)];
        let continues = self.run.is_some()
            && (between.is_empty()
                || between == "\\"
                || (!soft_break
                    && self.md[..self.cursor].ends_with('\n')
                    && between.chars().all(|c| matches!(c, ' ' | '\t' | '>')))
                || (soft_break && between.chars().all(|c| matches!(c, ' ' | '\t'))));
        if let (true, Some((run, _))) = (continues, self.run.as_mut()) {
            run.push_str(text);
        } else {
            self.flush();
            // An escape just before the text belongs to it.
            let start = if between.ends_with('\\') && range.start > self.cursor {
                range.start - 1
            } else {
                range.start
            };
            self.gap(start);
            self.run = Some((text.to_string(), start));
        }
        self.cursor = range.end;
    }

    /// A standalone code over `range`.
    fn standalone(&mut self, kind: CodeKind, range: Range<usize>) {
        self.flush();
        self.gap(range.start);
        let markup = self.md[range.clone()].to_string();
        self.code(kind, markup);
        self.cursor = range.end;
    }

    fn start(&mut self, kind: CodeKind, range: Range<usize>) {
        self.flush();
        self.gap(range.start);
        let id = self.code(kind, String::new());
        self.open.push((id, range.end));
        self.opening = Some(id);
    }

    fn end(&mut self) {
        self.flush();
        let Some((id, end)) = self.open.pop() else {
            return;
        };
        let from = self.cursor;
        self.cursor = end.max(from);
        let markup = &self.md[from..self.cursor];
        if let Some(code) = self.seg.codes.get_mut(&id) {
            // With no text inside (`[](url)`), all of it is the opening.
            if self.opening.take() == Some(id) {
                code.open.push_str(markup);
            } else {
                code.close.push_str(markup);
            }
        }
        self.seg.items.push(Item::Close(id));
    }

    fn finish(mut self) -> Segment {
        self.flush();
        let rest = &self.md[self.cursor..];
        if self.seg.items.is_empty() {
            self.seg.prefix.push_str(rest);
        } else {
            self.seg.suffix.push_str(rest);
        }
        self.seg
    }
}

/// Cuts a body block's Markdown into a segment. Links to references defined
/// in another block are read as links all the same.
pub fn segment(md: &str) -> Segment {
    let mut b = Builder {
        md,
        seg: Segment {
            items: Vec::new(),
            codes: HashMap::new(),
            prefix: String::new(),
            suffix: String::new(),
            raw: Vec::new(),
        },
        cursor: 0,
        next_id: 1,
        run: None,
        opening: None,
        open: Vec::new(),
    };
    // Inside code blocks, HTML blocks and autolinks nothing is translated.
    let mut opaque = 0usize;
    let mut in_autolink = false;
    let mut resolve = |_: pulldown_cmark::BrokenLink<'_>| Some(("".into(), "".into()));
    // Footnotes are defined in blocks of their own: definitions added after
    // the block let its references read as references.
    let input = with_footnote_definitions(md);
    let parser =
        Parser::new_with_broken_link_callback(&input, blocks::options(), Some(&mut resolve));
    for (event, range) in parser.into_offset_iter() {
        if range.start >= md.len() {
            break;
        }
        let range = range.start..range.end.min(md.len());
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => opaque += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                opaque = opaque.saturating_sub(1)
            }
            Event::End(TagEnd::Link) if in_autolink => {
                in_autolink = false;
                opaque = opaque.saturating_sub(1);
            }
            _ if opaque > 0 => {}
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                // A URL is not translated, and escapes do not work inside `<…>`.
                b.standalone(CodeKind::Autolink, range);
                in_autolink = true;
                opaque += 1;
            }
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Emphasis => CodeKind::Emphasis,
                    Tag::Strong => CodeKind::Strong,
                    Tag::Strikethrough => CodeKind::Strikethrough,
                    Tag::Link { .. } => CodeKind::Link,
                    Tag::Image { .. } => CodeKind::Image,
                    // Block containers: their syntax falls into the gaps.
                    _ => continue,
                };
                b.start(kind, range);
            }
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => b.end(),
            Event::Text(text) => b.text(&text, range, false),
            Event::SoftBreak => b.text(" ", range, true),
            Event::Code(_) => b.standalone(CodeKind::Code, range),
            Event::InlineHtml(_) => b.standalone(CodeKind::Html, range),
            Event::FootnoteReference(_) => b.standalone(CodeKind::FootnoteRef, range),
            Event::HardBreak => b.standalone(CodeKind::LineBreak, range),
            // Block ends, task markers, rules inside lists: syntax, in the gaps.
            _ => {}
        }
    }
    b.finish()
}

/// `md` followed by a definition for each footnote it references.
fn with_footnote_definitions(md: &str) -> String {
    let mut out = md.to_string();
    let mut rest = md;
    while let Some(at) = rest.find("[^") {
        let after = &rest[at + 2..];
        match after.find(']') {
            Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                out.push_str(&format!("\n\n[^{}]: x", &after[..end]));
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    out
}

mod rebuild;
pub use rebuild::{align, check_codes, rebuild, Mismatch};

#[cfg(test)]
mod tests;
