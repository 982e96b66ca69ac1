//! French typography on rendered text: a narrow no-break space (U+202F) before
//! `; ! ?`, a no-break space (U+00A0) before `:` and inside « ». It only ever sees
//! the text of paragraphs, headings, lists and tables: the renderer keeps code,
//! URLs and attributes away from it.

use std::borrow::Cow;

pub const NARROW_NBSP: char = '\u{202F}';
pub const NBSP: char = '\u{00A0}';

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_no_break(c: char) -> bool {
    c == NBSP || c == NARROW_NBSP || c == '\u{2007}'
}

/// After `;:!?`, only these may follow for the mark to be punctuation (and not
/// part of `https://`, `12:30`, `?id=3`).
fn ends_punctuation(next: Option<char>) -> bool {
    match next {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '»' | ')'
                        | ']'
                        | '”'
                        | '"'
                        | '\''
                        | '’'
                        | '.'
                        | ','
                        | '…'
                        | '!'
                        | '?'
                        | ';'
                        | ':'
                )
        }
    }
}

/// Byte offsets of the marks in `text`, found on bytes rather than decoded
/// characters: `;:!?` are ASCII, « and » are C2 AB and C2 BB in UTF-8.
fn marks(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &b)| match b {
        b';' | b':' | b'!' | b'?' => Some((i, b as char)),
        0xAB if i > 0 && bytes[i - 1] == 0xC2 => Some((i - 1, '«')),
        0xBB if i > 0 && bytes[i - 1] == 0xC2 => Some((i - 1, '»')),
        _ => None,
    })
}

/// Applies the rules to one run of text. `before` is the last character of the
/// text that precedes this run in the same block (across emphasis, links…).
/// Text between marks is copied in slices: most of a French text has none.
pub fn french<'a>(text: &'a str, before: Option<char>) -> Cow<'a, str> {
    // 0xAB and 0xBB end the UTF-8 of « and »; a false hit only costs a look.
    let bytes = text.as_bytes();
    if memchr::memchr3(b';', b':', b'!', bytes).is_none()
        && memchr::memchr3(b'?', 0xAB, 0xBB, bytes).is_none()
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0; // text[..copied] is in `out` (or deliberately dropped)
    for (i, c) in marks(text) {
        let end = i + c.len_utf8();
        let next = text[end..].chars().next();
        let prev = if i == 0 {
            before
        } else {
            text[..i].chars().next_back()
        };
        if c == '«' {
            match next {
                Some(n) if is_space(n) => {
                    out.push_str(&text[copied..end]);
                    out.push(NBSP);
                    copied = end + n.len_utf8();
                }
                Some(n) if !is_no_break(n) => {
                    out.push_str(&text[copied..end]);
                    out.push(NBSP);
                    copied = end;
                }
                _ => {}
            }
            continue;
        }
        let space = match c {
            ';' | '!' | '?' if ends_punctuation(next) => NARROW_NBSP,
            ':' if ends_punctuation(next) => NBSP,
            '»' => NBSP,
            _ => continue,
        };
        match prev {
            Some(p) if is_space(p) && i > 0 => {
                // "Bonjour !" typed with an ordinary space: make it hold.
                let space_at = i - p.len_utf8();
                if space_at >= copied {
                    out.push_str(&text[copied..space_at]);
                    out.push(space);
                    copied = i;
                }
            }
            // "?!" and "!!" take one space before the first mark only.
            Some('!' | '?' | ';' | ':' | '«') if c != '»' => {}
            Some(p) if !is_no_break(p) && !p.is_whitespace() => {
                out.push_str(&text[copied..i]);
                out.push(space);
                copied = i;
            }
            _ => {}
        }
    }
    if copied == 0 && out.is_empty() {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(s: &str) -> String {
        french(s, None).into_owned()
    }

    #[test]
    fn marks_get_the_right_no_break_space() {
        assert_eq!(fr("Vraiment ? Oui !"), "Vraiment\u{202F}? Oui\u{202F}!");
        assert_eq!(fr("Vraiment? Oui!"), "Vraiment\u{202F}? Oui\u{202F}!");
        assert_eq!(fr("trois points : un"), "trois points\u{A0}: un");
        assert_eq!(fr("un; deux"), "un\u{202F}; deux");
    }

    #[test]
    fn guillemets_hold_their_contents() {
        assert_eq!(fr("« Bonjour »"), "«\u{A0}Bonjour\u{A0}»");
        assert_eq!(fr("«Bonjour»"), "«\u{A0}Bonjour\u{A0}»");
    }

    #[test]
    fn urls_times_and_doubled_marks_are_left_alone() {
        assert_eq!(
            fr("voir https://exemple.fr/a?b=1"),
            "voir https://exemple.fr/a?b=1"
        );
        assert_eq!(fr("à 12:30 précises"), "à 12:30 précises");
        assert_eq!(fr("Quoi ?!"), "Quoi\u{202F}?!");
        assert_eq!(fr("déjà\u{202F}!"), "déjà\u{202F}!");
    }

    #[test]
    fn a_mark_at_the_start_of_a_run_looks_at_the_text_before_it() {
        assert_eq!(french("!", Some('r')), "\u{202F}!");
        assert_eq!(french("!", None), "!");
        assert_eq!(french(" !", Some('r')), "\u{202F}!");
    }

    #[test]
    fn text_without_marks_is_not_copied() {
        assert!(matches!(french("rien à faire", None), Cow::Borrowed(_)));
    }
}
