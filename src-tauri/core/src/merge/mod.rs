//! Three-way merge of Markdown text, for two writers saving the same post
//! and for sync. This module owns: splitting text into Markdown-ish blocks,
//! diff3 over blocks, a second diff3 over the lines of each block region
//! both sides changed, and the merge result (`TextMerge`, `Chunk`).
//!
//! Every split is byte-exact (concatenating the pieces gives the text back,
//! CRLF and a missing final newline included), so merged text is built only
//! from slices of the inputs.

mod diff3;
#[cfg(test)]
mod tests;

use diff3::{diff3, Region, Side};

/// The outcome of merging two texts made from the same base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMerge {
    /// Both sides' changes combined without overlap.
    Clean(String),
    /// Some changes overlap; `chunks` in order cover the whole text.
    Conflict(Vec<Chunk>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Text both sides agree on after merging (unchanged, or changed on one side only, or changed identically).
    Resolved(String),
    /// A region changed differently on both sides: the base text and each side's text of that region.
    Conflict {
        base: String,
        ours: String,
        theirs: String,
    },
}

impl TextMerge {
    pub fn is_clean(&self) -> bool {
        matches!(self, TextMerge::Clean(_))
    }

    /// The merged text when clean.
    pub fn clean(&self) -> Option<&str> {
        match self {
            TextMerge::Clean(text) => Some(text),
            TextMerge::Conflict(_) => None,
        }
    }

    /// The text as "ours" sees it: resolved chunks plus each conflict's `ours` side. Likewise `theirs_view`.
    pub fn ours_view(&self) -> String {
        self.view(true)
    }

    pub fn theirs_view(&self) -> String {
        self.view(false)
    }

    fn view(&self, as_ours: bool) -> String {
        match self {
            TextMerge::Clean(text) => text.clone(),
            TextMerge::Conflict(chunks) => {
                let mut out = String::new();
                for chunk in chunks {
                    match chunk {
                        Chunk::Resolved(text) => out.push_str(text),
                        Chunk::Conflict { ours, theirs, .. } => {
                            out.push_str(if as_ours { ours } else { theirs })
                        }
                    }
                }
                out
            }
        }
    }
}

/// Merges `ours` and `theirs`, both edited from `base`.
pub fn merge_text(base: &str, ours: &str, theirs: &str) -> TextMerge {
    let blocks = [split_blocks(base), split_blocks(ours), split_blocks(theirs)];
    let mut out = Builder::default();
    for region in diff3(&blocks[0], &blocks[1], &blocks[2]) {
        match region {
            Region::Take(side, range) => out.resolved(&concat(&blocks[side_index(side)][range])),
            Region::Conflict { base, ours, theirs } => {
                let base = concat(&blocks[0][base]);
                let ours = concat(&blocks[1][ours]);
                let theirs = concat(&blocks[2][theirs]);
                // Both sides changed these blocks: they may still have
                // touched different lines of them.
                match merge_lines(&base, &ours, &theirs) {
                    Some(merged) => out.resolved(&merged),
                    // Keep the whole block region so the person deciding
                    // sees whole paragraphs, not line fragments.
                    None => out.conflict(base, ours, theirs),
                }
            }
        }
    }
    out.finish()
}

/// The line-level diff3 of one block region: the merged text if no lines
/// conflict.
fn merge_lines(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let lines = [split_lines(base), split_lines(ours), split_lines(theirs)];
    let mut merged = String::new();
    for region in diff3(&lines[0], &lines[1], &lines[2]) {
        match region {
            Region::Take(side, range) => merged.push_str(&concat(&lines[side_index(side)][range])),
            Region::Conflict { .. } => return None,
        }
    }
    Some(merged)
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Base => 0,
        Side::Ours => 1,
        Side::Theirs => 2,
    }
}

fn concat(pieces: &[&str]) -> String {
    pieces.concat()
}

/// Collects chunks, joining adjacent resolved text.
#[derive(Default)]
struct Builder {
    chunks: Vec<Chunk>,
}

impl Builder {
    fn resolved(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some(Chunk::Resolved(last)) => last.push_str(text),
            _ => self.chunks.push(Chunk::Resolved(text.to_owned())),
        }
    }

    fn conflict(&mut self, base: String, ours: String, theirs: String) {
        self.chunks.push(Chunk::Conflict { base, ours, theirs });
    }

    fn finish(self) -> TextMerge {
        if self
            .chunks
            .iter()
            .any(|chunk| matches!(chunk, Chunk::Conflict { .. }))
        {
            return TextMerge::Conflict(self.chunks);
        }
        let mut text = String::new();
        for chunk in &self.chunks {
            if let Chunk::Resolved(part) = chunk {
                text.push_str(part);
            }
        }
        TextMerge::Clean(text)
    }
}

/// Lines with their line ends (`\n` or `\r\n`); the last may have none.
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// An opening code fence: its character and length. CommonMark: at most
/// three spaces of indent, then three or more backticks or tildes; a
/// backtick fence's info string may not contain a backtick.
fn fence_open(line: &str) -> Option<(char, usize)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let mark = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == mark).count();
    if len < 3 || (mark == '`' && rest[len..].contains('`')) {
        return None;
    }
    Some((mark, len))
}

/// Whether `line` closes a fence opened with `mark` repeated `len` times:
/// the same character at least as many times, then only whitespace.
fn fence_closes(line: &str, (mark, len): (char, usize)) -> bool {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return false;
    }
    let run = rest.chars().take_while(|c| *c == mark).count();
    // `mark` is ASCII, so `run` counts bytes too.
    run >= len && rest[run..].trim().is_empty()
}

/// Splits text into blocks: a run of non-blank lines plus the blank lines
/// after it (blank lines at the very start form a block of their own). A
/// fenced code block stays within one block even across blank lines; an
/// unclosed fence runs to the end of the text. Concatenating the blocks
/// gives `text` back byte for byte.
fn split_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut after_blank = false;
    let mut fence: Option<(char, usize)> = None;
    for line in split_lines(text) {
        let line_start = offset;
        offset += line.len();
        if let Some(open) = fence {
            if fence_closes(line, open) {
                fence = None;
            }
            continue;
        }
        if is_blank(line) {
            after_blank = true;
            continue;
        }
        if after_blank && line_start > start {
            blocks.push(&text[start..line_start]);
            start = line_start;
        }
        after_blank = false;
        fence = fence_open(line);
    }
    if start < text.len() {
        blocks.push(&text[start..]);
    }
    blocks
}
