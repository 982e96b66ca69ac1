//! One file's YAML front matter and body: reading it (with the names other
//! tools use) and writing it, with what an export says about the file's
//! translation group.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ParsedFile;
use crate::clock;
use crate::error::{Error, Result};
use crate::posts::{Post, PostText};
use crate::translation::Unit;

/// The front matter Valise writes and reads. Common names from other tools are
/// accepted too (`date`, `description`), so a folder of Hugo or Jekyll posts
/// imports without editing.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FrontMatter {
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    slug: String,
    #[serde(
        default,
        alias = "description",
        skip_serializing_if = "String::is_empty"
    )]
    summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, alias = "place", skip_serializing_if = "String::is_empty")]
    place_line: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    share_text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    author: String,
    #[serde(default, alias = "date", skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(default, alias = "lastmod", skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    /// The post's global id: the files of one post's languages share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    /// A source version's body block ids, in order, so that translations find
    /// the blocks they translate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blocks: Option<Vec<String>>,
    /// A source version's record of languages the post will not be translated into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    not_planned: Vec<NotPlannedEntry>,
    /// What a translation was translated from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    translation: Option<TranslationEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotPlannedEntry {
    lang: String,
    by: String,
    reason: String,
    at: String,
}

/// The translation data lives in the front matter, not in a sidecar file: a
/// file copied or mailed alone still says what it translates. It stays short
/// because the unit texts are the body itself (a unit's `parts` says how many
/// body blocks it spans, when not one), hashes are 16 characters, and the old
/// source text (`was`) is written only for blocks whose source changed since.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationEntry {
    /// The source's language.
    source: String,
    #[serde(default)]
    units: Vec<UnitEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitEntry {
    /// The source block it translates (`title`, `summary`, `share_text`, or a body block id).
    block: String,
    /// The hash of the source block's text it was translated from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    /// That source text, when the source block no longer has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    was: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    parts: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// What an exported file says about the post it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// The post's global id.
    pub group: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Source {
        /// Its body block ids, when the file lists them.
        blocks: Option<Vec<String>>,
        /// Languages left out: (language, who, why, when in unix ms).
        not_planned: Vec<(String, String, String, i64)>,
    },
    Translation {
        /// The source's language.
        source: String,
        units: Vec<UnitFrom>,
    },
}

/// One unit of a translation as its file describes it; its text is the title,
/// summary or share text, or the next `parts` blocks of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFrom {
    pub block: String,
    pub from: Option<String>,
    pub was: Option<String>,
    pub parts: usize,
}

/// What a language version's file says beyond its text, when it is written.
pub(crate) enum Written {
    Source {
        blocks: Vec<String>,
        not_planned: Vec<(String, String, String, i64)>,
    },
    Translation {
        source_lang: String,
        units: Vec<Unit>,
        /// The source blocks' current hashes by id.
        source_hashes: Vec<(String, String)>,
    },
}

pub(super) fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadFile {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

pub fn parse(path: &Path, content: &str) -> Result<ParsedFile> {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    let (front, body) = split_front_matter(path, content)?;
    let fm: FrontMatter = match front {
        Some(yaml) if !yaml.trim().is_empty() => serde_yaml::from_str(yaml).map_err(|e| {
            let at = e
                .location()
                .map(|l| {
                    format!(
                        " (front matter line {}, column {})",
                        l.line() + 1,
                        l.column()
                    )
                })
                .unwrap_or_default();
            bad(path, format!("malformed front matter{at}: {e}"))
        })?,
        _ => FrontMatter::default(),
    };
    let title = match fm.title {
        Some(t) if !t.trim().is_empty() => t,
        _ => first_heading(body)
            .or_else(|| {
                path.file_stem()
                    .and_then(|s| s.to_str())
                    .map(str::to_string)
            })
            .unwrap_or_default(),
    };
    let date = |field: &str, value: Option<String>| -> Result<Option<i64>> {
        value.map(|v| date_of(path, field, &v)).transpose()
    };
    let group = membership(path, fm.group, fm.blocks, fm.not_planned, fm.translation)?;
    Ok(ParsedFile {
        path: path.to_owned(),
        lang: fm.lang,
        created_at: date("created", fm.created)?,
        updated_at: date("updated", fm.updated)?,
        text: PostText {
            title,
            slug: fm.slug,
            summary: fm.summary,
            body: body.to_string(),
            tags: fm.tags,
            place_line: fm.place_line,
            share_text: fm.share_text,
            author: fm.author,
        },
        group,
    })
}

fn date_of(path: &Path, field: &str, v: &str) -> Result<i64> {
    clock::from_text(v).ok_or_else(|| {
        bad(
            path,
            format!("'{field}: {v}' is not a date (use 2026-03-12 or 2026-03-12T09:30:00Z)"),
        )
    })
}

/// The group a file belongs to, checked as far as one file allows.
fn membership(
    path: &Path,
    group: Option<String>,
    blocks: Option<Vec<String>>,
    not_planned: Vec<NotPlannedEntry>,
    translation: Option<TranslationEntry>,
) -> Result<Option<Membership>> {
    let Some(group) = group else {
        if blocks.is_some() || !not_planned.is_empty() || translation.is_some() {
            return Err(bad(
                path,
                "'blocks', 'not_planned' and 'translation' describe a post's languages, \
                 but the file has no 'group' (the post's id) to say which post",
            ));
        }
        return Ok(None);
    };
    let group = uuid::Uuid::parse_str(group.trim())
        .map_err(|_| bad(path, format!("'group: {group}' is not a Valise post id")))?
        .hyphenated()
        .to_string();
    let role = match translation {
        Some(t) => {
            if blocks.is_some() || !not_planned.is_empty() {
                return Err(bad(
                    path,
                    "a translation ('translation:') cannot list source 'blocks' or 'not_planned' \
                     languages: those belong in the source version's file",
                ));
            }
            let units = t
                .units
                .into_iter()
                .map(|u| {
                    if u.parts == 0 {
                        return Err(bad(
                            path,
                            format!(
                                "unit '{}' has 'parts: 0': a unit spans at least one block",
                                u.block
                            ),
                        ));
                    }
                    Ok(UnitFrom {
                        block: u.block,
                        from: u.from,
                        was: u.was,
                        parts: u.parts,
                    })
                })
                .collect::<Result<_>>()?;
            Role::Translation {
                source: t.source,
                units,
            }
        }
        None => {
            if let Some(ids) = &blocks {
                let mut seen = std::collections::HashSet::new();
                if let Some(twice) = ids.iter().find(|id| id.is_empty() || !seen.insert(*id)) {
                    return Err(bad(
                        path,
                        format!("'blocks' lists the block id '{twice}' twice (or empty): each block has its own"),
                    ));
                }
            }
            let not_planned = not_planned
                .into_iter()
                .map(|n| Ok((n.lang, n.by, n.reason, date_of(path, "at", &n.at)?)))
                .collect::<Result<_>>()?;
            Role::Source {
                blocks,
                not_planned,
            }
        }
    };
    Ok(Some(Membership { group, role }))
}

/// The `group:` line of a file that could not be read otherwise, so that the
/// rest of its group is held back with it.
pub(super) fn group_line(content: &str) -> Option<String> {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    let rest = content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))?;
    rest.lines()
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("group:"))
        .and_then(|v| uuid::Uuid::parse_str(v.trim().trim_matches(['"', '\''])).ok())
        .map(|u| u.hyphenated().to_string())
}

/// Splits `---` front matter from the body. The body is everything after the
/// closing line, byte for byte.
fn split_front_matter<'a>(path: &Path, content: &'a str) -> Result<(Option<&'a str>, &'a str)> {
    let rest = match content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))
    {
        Some(rest) => rest,
        None => return Ok((None, content)),
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(bad(
        path,
        "malformed front matter: it opens with '---' on line 1 but no closing '---' line follows",
    ))
}

fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The file content for one language version, with what its group needs.
pub(crate) fn to_markdown(post: &Post, written: &Written) -> String {
    let t = &post.text;
    let mut fm = FrontMatter {
        title: Some(t.title.clone()),
        lang: Some(post.lang.clone()),
        slug: t.slug.clone(),
        summary: t.summary.clone(),
        tags: t.tags.clone(),
        place_line: t.place_line.clone(),
        share_text: t.share_text.clone(),
        author: t.author.clone(),
        created: Some(post.created_at.clone()),
        updated: Some(post.updated_at.clone()),
        group: Some(post.id.clone()),
        ..FrontMatter::default()
    };
    match written {
        Written::Source {
            blocks,
            not_planned,
        } => {
            fm.blocks = Some(blocks.clone());
            fm.not_planned = not_planned
                .iter()
                .map(|(lang, by, reason, at)| NotPlannedEntry {
                    lang: lang.clone(),
                    by: by.clone(),
                    reason: reason.clone(),
                    at: clock::to_text(*at),
                })
                .collect();
        }
        Written::Translation {
            source_lang,
            units,
            source_hashes,
        } => {
            let parts = super::groups::parts_of(&t.body, units);
            let units = units
                .iter()
                .zip(parts)
                .filter_map(|(u, parts)| {
                    let now = source_hashes.iter().find(|(id, _)| *id == u.block);
                    let changed = now.map(|(_, h)| Some(h)) != Some(u.source_hash.as_ref());
                    Some(UnitEntry {
                        block: u.block.clone(),
                        from: u.source_hash.clone(),
                        was: u.source_text.clone().filter(|_| changed),
                        parts: parts?,
                    })
                })
                .collect();
            fm.translation = Some(TranslationEntry {
                source: source_lang.clone(),
                units,
            });
        }
    }
    let yaml = serde_yaml::to_string(&fm).expect("front matter of strings always serialises");
    format!("---\n{yaml}---\n{}", t.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(content: &str) -> Result<ParsedFile> {
        parse(Path::new("billet.md"), content)
    }

    #[test]
    fn front_matter_fields_are_read_and_the_body_kept_exactly() {
        let f = p("---\ntitle: Accord à Genève\nlang: fr\ntags: [climat, ONU]\nplace: Genève, 3 mars\n---\nCorps\n\n  indenté\n").unwrap();
        assert_eq!(f.text.title, "Accord à Genève");
        assert_eq!(f.lang.as_deref(), Some("fr"));
        assert_eq!(f.text.tags, ["climat", "ONU"]);
        assert_eq!(f.text.place_line, "Genève, 3 mars");
        assert_eq!(f.text.body, "Corps\n\n  indenté\n");
        assert_eq!(f.group, None);
    }

    #[test]
    fn a_file_without_front_matter_takes_its_title_from_the_heading() {
        let f = p("Intro\n# Le titre\n\nTexte").unwrap();
        assert_eq!(f.text.title, "Le titre");
        assert_eq!(f.text.body, "Intro\n# Le titre\n\nTexte");
        assert_eq!(p("juste du texte").unwrap().text.title, "billet");
    }

    #[test]
    fn malformed_front_matter_names_the_file_and_the_problem() {
        let e = p("---\ntitle: [oops\n---\nx").unwrap_err().to_string();
        assert!(e.starts_with("billet.md: malformed front matter"), "{e}");
        let e = p("---\ntitle: x\nbody never closed")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no closing '---'"), "{e}");
        let e = p("---\ntitle: x\ncreated: hier\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("'created: hier' is not a date"), "{e}");
        let e = p("---\ntitle: {a: 1}\n---\n").unwrap_err().to_string();
        assert!(e.contains("malformed front matter"), "{e}");
    }

    const GROUP: &str = "5f0c6a9e-2b7d-4c1e-9a3f-0d8e7b6c5a41";

    #[test]
    fn a_translation_says_its_group_source_and_units() {
        let f = p(&format!(
            "---\ntitle: Summit\nlang: en\ngroup: {}\ntranslation:\n  source: fr\n  units:\n  - block: title\n    from: 0011223344556677\n  - block: ab12cd34\n    from: 8899aabbccddeeff\n    was: Ancien texte.\n    parts: 2\n---\nOne.\n\nTwo.\n",
            GROUP.to_uppercase()
        ))
        .unwrap();
        let m = f.group.unwrap();
        assert_eq!(m.group, GROUP, "ids are kept in their one spelling");
        let Role::Translation { source, units } = m.role else {
            panic!("a file with 'translation:' is a translation");
        };
        assert_eq!(source, "fr");
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].was.as_deref(), Some("Ancien texte."));
        assert_eq!(units[1].parts, 2);
        assert_eq!(units[0].parts, 1);
    }

    #[test]
    fn group_fields_that_contradict_each_other_are_refused_with_the_reason() {
        let e = p("---\ntitle: x\ntranslation:\n  source: fr\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no 'group'"), "{e}");
        let e = p("---\ngroup: 12\n---\n").unwrap_err().to_string();
        assert!(e.contains("'group: 12' is not a Valise post id"), "{e}");
        let e = p(&format!(
            "---\ngroup: {GROUP}\nblocks: [a, b]\ntranslation:\n  source: fr\n---\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("belong in the source version's file"), "{e}");
        let e = p(&format!("---\ngroup: {GROUP}\nblocks: [a, a]\n---\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'a' twice"), "{e}");
        let e = p(&format!(
            "---\ngroup: {GROUP}\nnot_planned:\n- lang: es\n  by: Amina\n  reason: non\n  at: jamais\n---\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("'at: jamais' is not a date"), "{e}");
    }

    #[test]
    fn the_group_line_is_found_in_a_file_that_does_not_parse() {
        let content = format!("---\ntitle: [oops\ngroup: '{GROUP}'\n---\nx");
        assert!(p(&content).is_err());
        assert_eq!(group_line(&content).as_deref(), Some(GROUP));
        assert_eq!(group_line("group: x\n"), None);
    }
}
