//! A translated segment back to Markdown: its codes checked against the
//! source's, each replaced by the source's syntax, the translator's text
//! escaped where Markdown would read it as syntax.

use std::collections::HashMap;

use super::{CodeKind, Item, Segment};

/// Why a translated segment cannot be put back.
pub type Mismatch = String;

/// Checks that `target` uses exactly the codes of `seg`, each once and of the
/// same sort (paired or standalone), every pair closed after it opens.
pub fn check_codes(seg: &Segment, target: &[Item]) -> Result<(), Mismatch> {
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let mut open: Vec<u32> = Vec::new();
    for item in target {
        let (id, paired) = match item {
            Item::Text(_) => continue,
            Item::Close(id) => {
                // Pairs written as <bx/>…<ex/> may end in any order, but
                // never before they begin.
                match open.iter().rposition(|o| o == id) {
                    Some(at) => open.remove(at),
                    None => return Err(format!("inline code {id} ends where it has not begun")),
                };
                continue;
            }
            Item::Open(id) => {
                open.push(*id);
                (*id, true)
            }
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
    if let Some(id) = open.first() {
        return Err(format!("inline code {id} begins but does not end"));
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
