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

/// Applies the rules to one run of text. `before` is the last character of the
/// text that precedes this run in the same block (across emphasis, links…).
pub fn french<'a>(text: &'a str, before: Option<char>) -> Cow<'a, str> {
    if !text
        .bytes()
        .any(|b| matches!(b, b';' | b':' | b'!' | b'?' | 0xAB | 0xBB))
    {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let space = match c {
            ';' | '!' | '?' if ends_punctuation(next) => Some(NARROW_NBSP),
            ':' if ends_punctuation(next) => Some(NBSP),
            '»' => Some(NBSP),
            _ => None,
        };
        if let Some(space) = space {
            let prev = out.chars().next_back().or(before);
            match prev {
                Some(p) if is_space(p) => {
                    // "Bonjour !" typed with an ordinary space: make it hold.
                    out.pop();
                    out.push(space);
                }
                // "?!" and "!!" take one space before the first mark only.
                Some('!' | '?' | ';' | ':' | '«') if c != '»' => {}
                Some(p) if !is_no_break(p) && !p.is_whitespace() => out.push(space),
                _ => {}
            }
            out.push(c);
            continue;
        }
        out.push(c);
        if c == '«' {
            match next {
                Some(n) if is_space(n) => {}
                Some(n) if is_no_break(n) => {}
                Some(_) => out.push(NBSP),
                None => {}
            }
        } else if is_space(c) && out.len() > 1 {
            // "« Bonjour": the ordinary space after « becomes no-break.
            let mut it = out.chars().rev();
            it.next();
            if it.next() == Some('«') {
                out.pop();
                out.push(NBSP);
            }
        }
    }
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
