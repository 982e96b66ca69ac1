//! The canonical content a signature is pinned to: the language versions a step
//! covers, normalised so that a save that changes nothing (or only trailing
//! whitespace) keeps the hash, and hashed field by field so that any real change,
//! even text moved from one field to another, gives another hash.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use similar::{DiffOp, TextDiff};
use ts_rs::TS;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::posts::revisions::LineChange;
use crate::posts::PostText;
use crate::translation::diff::{words, TextPart};

/// The version of the canonical form. A new scheme gets a new number, so an old
/// signature never silently compares equal to a hash made another way.
pub const SCHEME: u8 = 1;

/// An asset a version shows, with the checksum of the file it shows (kept empty
/// until posts carry infographics; already part of the canonical form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRef {
    pub id: String,
    pub checksum: String,
}

/// One language version as a step covers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionContent {
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub share_text: String,
    pub tags: Vec<String>,
    pub place_line: String,
    pub assets: Vec<AssetRef>,
}

impl VersionContent {
    /// The covered fields of a version's text (slug and author are not what a
    /// validator signs: the slug follows the title, the author is not content).
    pub fn of_text(lang: &str, text: &PostText) -> Self {
        VersionContent {
            lang: lang.to_string(),
            title: text.title.clone(),
            summary: text.summary.clone(),
            body: text.body.clone(),
            share_text: text.share_text.clone(),
            tags: text.tags.clone(),
            place_line: text.place_line.clone(),
            assets: Vec::new(),
        }
    }
}

/// A scheme and the SHA-256 of the canonical form; written `v1:` and 64 hex
/// digits. Fixed-size and `Copy`, so the board compares thousands without
/// allocating.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(type = "string")]
pub struct ContentHash {
    scheme: u8,
    digest: [u8; 32],
}

impl ContentHash {
    /// Reads the written form back (as the store keeps it); `None` if it is not one.
    pub fn parse(text: &str) -> Option<ContentHash> {
        let (scheme, hex) = text.trim().split_once(':')?;
        let scheme = scheme.strip_prefix('v')?.parse::<u8>().ok()?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut digest = [0u8; 32];
        for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Some(ContentHash { scheme, digest })
    }

    /// The first hex digits, for people comparing two hashes by eye.
    pub fn short(&self) -> String {
        self.digest[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// One hex digit's value (a board parses some 50,000 hashes as it opens).
fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}:", self.scheme)?;
        self.digest.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Parsed from the text where it lies, with no copy: a cold board
        // reads one from each of 15,000 acts.
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = ContentHash;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a content hash (v1:<64 hex digits>)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ContentHash, E> {
                ContentHash::parse(text).ok_or_else(|| {
                    E::custom(format!(
                        "'{text}' is not a content hash (v1:<64 hex digits>)"
                    ))
                })
            }
        }
        d.deserialize_str(Text)
    }
}

/// A field as it is signed: NFC, `\n` line ends, no trailing whitespace on any
/// line nor at the end. Leading whitespace stays: in Markdown it means something.
pub fn canonical_field(text: &str) -> String {
    let composed;
    let text = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        composed = text.nfc().collect::<String>();
        &composed
    };
    let mut out = String::with_capacity(text.len());
    // `lines` splits on `\n` and drops one `\r` before it; a lone `\r` is an old
    // Mac line end, so it is turned into `\n` first.
    let unified;
    let text = if text.contains('\r') {
        unified = text.replace("\r\n", "\n").replace('\r', "\n");
        &unified
    } else {
        text
    };
    for line in text.split('\n') {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Tags as a set: canonical, empty ones dropped, sorted, each once.
fn canonical_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| canonical_field(t.trim()))
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The versions in language order, each field canonical.
fn canonical(versions: &[VersionContent]) -> Vec<VersionContent> {
    let mut out: Vec<VersionContent> = versions
        .iter()
        .map(|v| {
            let mut assets = v.assets.clone();
            assets.sort_by(|a, b| (&a.id, &a.checksum).cmp(&(&b.id, &b.checksum)));
            assets.dedup();
            VersionContent {
                lang: v.lang.trim().to_string(),
                title: canonical_field(&v.title),
                summary: canonical_field(&v.summary),
                body: canonical_field(&v.body),
                share_text: canonical_field(&v.share_text),
                tags: canonical_tags(&v.tags),
                place_line: canonical_field(&v.place_line),
                assets,
            }
        })
        .collect();
    out.sort_by(|a, b| a.lang.cmp(&b.lang));
    out
}

/// Writes one field as tag, byte length, bytes: no two different sequences of
/// fields give the same stream, so text moved between fields changes the hash.
fn field(h: &mut Sha256, tag: u8, value: &str) {
    h.update([tag]);
    h.update((value.len() as u64).to_le_bytes());
    h.update(value.as_bytes());
}

/// The hash of what a step covers: every version in scope, in language order.
pub fn content_hash(versions: &[VersionContent]) -> ContentHash {
    let mut h = Sha256::new();
    h.update([b'S', SCHEME]);
    h.update((versions.len() as u64).to_le_bytes());
    for v in canonical(versions) {
        field(&mut h, b'L', &v.lang);
        field(&mut h, b'T', &v.title);
        field(&mut h, b'U', &v.summary);
        field(&mut h, b'B', &v.body);
        field(&mut h, b'X', &v.share_text);
        field(&mut h, b'P', &v.place_line);
        h.update((v.tags.len() as u64).to_le_bytes());
        for t in &v.tags {
            field(&mut h, b'G', t);
        }
        h.update((v.assets.len() as u64).to_le_bytes());
        for a in &v.assets {
            field(&mut h, b'A', &a.id);
            field(&mut h, b'C', &a.checksum);
        }
    }
    ContentHash {
        scheme: SCHEME,
        digest: h.finalize().into(),
    }
}

/// The same content as text a person can read, one heading per field; the
/// wiring stores it with a signature so a validator can later see what changed.
pub fn canonical_text(versions: &[VersionContent]) -> String {
    let mut out = String::new();
    let mut put = |lang: &str, name: &str, value: &str| {
        out.push_str(&format!("## {lang} · {name}\n"));
        if !value.is_empty() {
            out.push_str(value);
            out.push('\n');
        }
        out.push('\n');
    };
    for v in canonical(versions) {
        put(&v.lang, "title", &v.title);
        put(&v.lang, "place line", &v.place_line);
        put(&v.lang, "summary", &v.summary);
        put(&v.lang, "body", &v.body);
        put(&v.lang, "share text", &v.share_text);
        put(&v.lang, "tags", &v.tags.join(", "));
        let assets: Vec<String> = v
            .assets
            .iter()
            .map(|a| format!("{} {}", a.id, a.checksum))
            .collect();
        if !assets.is_empty() {
            put(&v.lang, "assets", &assets.join("\n"));
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// One line of the diff between signed and current text: the same, added,
/// removed, or changed (then word by word, so a validator sees the exact edit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DiffRow {
    Same { text: String },
    Added { text: String },
    Removed { text: String },
    Changed { parts: Vec<TextPart> },
}

/// What changed from the canonical text that was signed to the one there now.
pub fn diff(signed: &str, now: &str) -> Vec<DiffRow> {
    let lines = TextDiff::from_lines(signed, now);
    let (old, new) = (lines.old_slices(), lines.new_slices());
    let line = |s: &str| s.trim_end_matches('\n').to_string();
    let mut rows = Vec::new();
    for op in lines.ops() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => rows.extend(
                old[old_index..old_index + len]
                    .iter()
                    .map(|s| DiffRow::Same { text: line(s) }),
            ),
            DiffOp::Delete {
                old_index, old_len, ..
            } => rows.extend(
                old[old_index..old_index + old_len]
                    .iter()
                    .map(|s| DiffRow::Removed { text: line(s) }),
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => rows.extend(
                new[new_index..new_index + new_len]
                    .iter()
                    .map(|s| DiffRow::Added { text: line(s) }),
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Lines replaced one for one are edits of a line: show their words.
                // Unequal runs are shown whole, which reads better than forced pairs.
                if old_len == new_len {
                    for k in 0..old_len {
                        let parts = words(&line(old[old_index + k]), &line(new[new_index + k]));
                        rows.push(DiffRow::Changed { parts });
                    }
                } else {
                    rows.extend(
                        old[old_index..old_index + old_len]
                            .iter()
                            .map(|s| DiffRow::Removed { text: line(s) }),
                    );
                    rows.extend(
                        new[new_index..new_index + new_len]
                            .iter()
                            .map(|s| DiffRow::Added { text: line(s) }),
                    );
                }
            }
        }
    }
    rows
}

/// Whether a diff row is a change (not an unchanged line).
pub fn is_change(row: &DiffRow) -> bool {
    match row {
        DiffRow::Same { .. } => false,
        DiffRow::Changed { parts } => parts.iter().any(|p| p.change != LineChange::Same),
        _ => true,
    }
}

#[cfg(test)]
#[path = "content_tests.rs"]
mod tests;
