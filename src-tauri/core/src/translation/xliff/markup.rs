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

/// A translation's segment with the source's code ids: the n-th code of each
/// kind in the translation is the n-th of that kind in the source. None when
/// they do not have the same codes.
pub fn align(source: &Segment, translation: &Segment) -> Option<Vec<Item>> {
    let by_kind = |seg: &Segment| {
        let mut ids: Vec<u32> = seg.codes.keys().copied().collect();
        ids.sort_unstable();
        let mut kinds: HashMap<CodeKind, Vec<u32>> = HashMap::new();
        for id in ids {
            kinds.entry(seg.codes[&id].kind).or_default().push(id);
        }
        kinds
    };
    let (from, to) = (by_kind(translation), by_kind(source));
    if from.len() != to.len()
        || from
            .iter()
            .any(|(k, ids)| to.get(k).map(Vec::len) != Some(ids.len()))
    {
        return None;
    }
    let mut map: HashMap<u32, u32> = HashMap::new();
    for (kind, ids) in &from {
        for (a, b) in ids.iter().zip(&to[kind]) {
            map.insert(*a, *b);
        }
    }
    Some(
        translation
            .items
            .iter()
            .map(|i| match i {
                Item::Text(t) => Item::Text(t.clone()),
                Item::Open(id) => Item::Open(map[id]),
                Item::Close(id) => Item::Close(map[id]),
                Item::Code(id) => Item::Code(map[id]),
            })
            .collect(),
    )
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

/// Why a translated segment cannot be put back.
pub type Mismatch = String;

/// Checks that `target` uses exactly the codes of `seg`, each once and of the
/// same sort (paired or standalone).
pub fn check_codes(seg: &Segment, target: &[Item]) -> Result<(), Mismatch> {
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for item in target {
        let (id, paired) = match item {
            Item::Text(_) | Item::Close(_) => continue,
            Item::Open(id) => (*id, true),
            Item::Code(id) => (*id, false),
        };
        let Some(code) = seg.codes.get(&id) else {
            return Err(format!("inline code {id} is not in the source"));
        };
        if code.kind.is_paired() != paired {
            let (was, is) = if paired {
                ("a standalone code <x/>", "a pair <g>")
            } else {
                ("a pair <g>", "a standalone code <x/>")
            };
            return Err(format!(
                "inline code {id} is {was} in the source but {is} here"
            ));
        }
        *seen.entry(id).or_default() += 1;
        if seen[&id] > 1 {
            return Err(format!("inline code {id} appears more than once"));
        }
    }
    let mut missing: Vec<u32> = seg
        .codes
        .keys()
        .filter(|id| !seen.contains_key(id))
        .copied()
        .collect();
    missing.sort_unstable();
    if let Some(id) = missing.first() {
        return Err(format!(
            "inline code {id} ({}) of the source is missing",
            seg.codes[id].kind.ctype()
        ));
    }
    Ok(())
}

/// The Markdown of a translated segment: the source's syntax for every code,
/// the translator's text as it was where it is unchanged, else escaped.
pub fn rebuild(seg: &Segment, target: &[Item]) -> Result<String, Mismatch> {
    check_codes(seg, target)?;
    let items = spaces_outside_pairs(seg, target);
    let mut out = String::with_capacity(seg.prefix.len() + seg.suffix.len() + 64);
    out.push_str(&seg.prefix);
    let mut line_start = true;
    let mut nth_text = 0;
    for item in &items {
        match item {
            Item::Text(t) => {
                // The run in the same place first: the same words can be
                // written differently in two places (`\<` and `<`).
                let same = seg
                    .raw
                    .get(nth_text)
                    .filter(|(text, _)| text == t)
                    .or_else(|| seg.raw.iter().find(|(text, _)| text == t));
                match same {
                    Some((_, raw)) => out.push_str(raw),
                    None => escape_into(&mut out, t, line_start),
                }
                nth_text += 1;
                line_start = false;
            }
            Item::Open(id) | Item::Code(id) => {
                let code = &seg.codes[id];
                out.push_str(&code.open);
                line_start = matches!(code.kind, CodeKind::Block | CodeKind::LineBreak);
            }
            Item::Close(id) => {
                out.push_str(&seg.codes[id].close);
                line_start = false;
            }
        }
    }
    out.push_str(&seg.suffix);
    Ok(out)
}

/// A translator's space just inside emphasis (`<g>mot </g>`) would stop
/// Markdown reading it as emphasis: such spaces move just outside the pair.
fn spaces_outside_pairs(seg: &Segment, target: &[Item]) -> Vec<Item> {
    let flanked = |id: &u32| {
        matches!(
            seg.codes[id].kind,
            CodeKind::Emphasis | CodeKind::Strong | CodeKind::Strikethrough
        )
    };
    let mut items = target.to_vec();
    let mut i = 0;
    while i + 1 < items.len() {
        match (&items[i], &items[i + 1]) {
            (Item::Open(id), Item::Text(t)) if flanked(id) && t.starts_with(' ') => {
                let trimmed = t.trim_start_matches(' ');
                let lead = t[..t.len() - trimmed.len()].to_string();
                items[i + 1] = Item::Text(trimmed.to_string());
                items.insert(i, Item::Text(lead));
                i += 2;
            }
            (Item::Text(t), Item::Close(id)) if flanked(id) && t.ends_with(' ') => {
                let trimmed = t.trim_end_matches(' ');
                let trail = t[trimmed.len()..].to_string();
                items[i] = Item::Text(trimmed.to_string());
                items.insert(i + 2, Item::Text(trail));
                i += 2;
            }
            _ => i += 1,
        }
    }
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for item in items {
        match (item, out.last_mut()) {
            (Item::Text(t), _) if t.is_empty() => {}
            (Item::Text(t), Some(Item::Text(last))) => last.push_str(&t),
            (item, _) => out.push(item),
        }
    }
    out
}

/// Writes a translator's text so that Markdown reads it as that text: runs of
/// white space (line ends included: a line end could start a new block) as
/// one space, syntax characters escaped, and at the start of a line what
/// would begin a heading, a list or a quote. No-break spaces are kept.
fn escape_into(out: &mut String, text: &str, line_start: bool) {
    let mut at_start = line_start;
    let mut chars = text.char_indices().peekable();
    let mut last_space = false;
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_whitespace() {
            // At a line start, leading white space could make a code block.
            if !last_space && !at_start {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => out.push('\\'),
            '&' if looks_like_entity(&text[i + 1..]) => out.push('\\'),
            '#' | '+' | '-' | '=' if at_start => out.push('\\'),
            '0'..='9' if at_start => {
                // `1.` or `1)` at a line start would begin a numbered list.
                let digits: String = text[i..].chars().take_while(char::is_ascii_digit).collect();
                out.push_str(&digits);
                for _ in 1..digits.len() {
                    chars.next();
                }
                if let Some((_, p @ ('.' | ')'))) = chars.peek().copied() {
                    out.push('\\');
                    out.push(p);
                    chars.next();
                }
                at_start = false;
                continue;
            }
            _ => {}
        }
        out.push(c);
        at_start = false;
    }
}

fn looks_like_entity(rest: &str) -> bool {
    let name: &str = rest
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .next()
        .unwrap_or("");
    !name.is_empty() && rest[name.len()..].starts_with(';')
}

#[cfg(test)]
mod tests;
