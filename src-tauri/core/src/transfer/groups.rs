//! A post's files put back together: files that share a group (the post's id)
//! are checked as a whole, then written as one post with its translations, in
//! one transaction, so a group comes in whole or not at all.

use std::path::{Path, PathBuf};

use super::{dates, prepared, FileError, ImportedFile, ParsedFile, Role, UnitFrom};
use crate::error::{Error, Result};
use crate::ids;
use crate::languages::SiteLanguages;
use crate::posts::revisions::RevisionKind;
use crate::posts::{self, rows, PostText};
use crate::store::write::WriteTx;
use crate::translation::source::{SHARE_TEXT, SUMMARY, TITLE};
use crate::translation::{self, blocks, TextChange, Unit};

/// The files that carry one group id, in the order they were found.
pub(super) struct Group {
    pub id: String,
    pub files: Vec<ParsedFile>,
}

/// Files without a group, and the groups of the others.
pub(super) fn gather(files: Vec<ParsedFile>) -> (Vec<ParsedFile>, Vec<Group>) {
    let mut single = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for f in files {
        let Some(id) = f.group.as_ref().map(|m| m.group.clone()) else {
            single.push(f);
            continue;
        };
        match groups.iter_mut().find(|g| g.id == id) {
            Some(g) => g.files.push(f),
            None => groups.push(Group { id, files: vec![f] }),
        }
    }
    (single, groups)
}

/// Keeps back the files of groups that have a file that could not be read
/// (`held`: group, file, why), each reported with the reason.
pub(super) fn hold_back(
    files: Vec<ParsedFile>,
    held: &[(String, PathBuf, String)],
) -> (Vec<ParsedFile>, Vec<FileError>) {
    let mut kept = Vec::with_capacity(files.len());
    let mut failed = Vec::new();
    for f in files {
        let group = f.group.as_ref().map(|m| m.group.as_str());
        let bad: Vec<&(String, PathBuf, String)> = held
            .iter()
            .filter(|h| Some(h.0.as_str()) == group)
            .collect();
        let Some(first) = bad.first() else {
            kept.push(f);
            continue;
        };
        let reason = bad
            .iter()
            .map(|(_, path, why)| format!("{} could not be read ({why})", name(path)))
            .collect::<Vec<_>>()
            .join("; ");
        let files = std::iter::once(f.path.as_path()).chain(bad.iter().map(|h| h.1.as_path()));
        let e = Error::BadGroup {
            group: first.0.clone(),
            files: names(files),
            reason,
        };
        failed.push(FileError::new(&f.path, &e));
    }
    (kept, failed)
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn names<'p>(paths: impl IntoIterator<Item = &'p Path>) -> String {
    paths.into_iter().map(name).collect::<Vec<_>>().join(", ")
}

/// A group whose files agree with each other, ready to be written.
pub(super) struct Checked {
    id: String,
    files: String,
    source: ParsedFile,
    source_lang: String,
    source_ids: Option<Vec<String>>,
    not_planned: Vec<(String, String, String, i64)>,
    translations: Vec<(ParsedFile, String, Vec<Unit>)>,
}

/// Checks that a group's files make one post: exactly one source version, at
/// most one file per language, translations from the source's language into
/// another, and translation data that fits each file's text.
pub(super) fn check(group: Group, languages: &SiteLanguages) -> Result<Checked> {
    let files = names(group.files.iter().map(|f| f.path.as_path()));
    let fail = |reason: String| Error::BadGroup {
        group: group.id.clone(),
        files: files.clone(),
        reason,
    };
    let lang_of = |f: &ParsedFile| {
        f.lang
            .clone()
            .unwrap_or_else(|| languages.source().to_string())
    };
    // (file name, language), to name two files in one language once the more
    // telling mistakes (a translation into the source's language) are ruled out.
    let langs: Vec<(String, String)> = group
        .files
        .iter()
        .map(|f| (name(&f.path), lang_of(f)))
        .collect();
    // (file, its block ids, its decisions) and (file, language it translates from, units).
    let mut source = None;
    let mut translations = Vec::new();
    for mut f in group.files {
        match f.group.take().map(|m| m.role) {
            Some(Role::Translation { source, units }) => translations.push((f, source, units)),
            Some(Role::Source {
                blocks,
                not_planned,
            }) => {
                if let Some((first, _, _)) = &source {
                    let first: &ParsedFile = first;
                    return Err(fail(format!(
                        "{} and {} are both its source version (neither has 'translation:')",
                        name(&first.path),
                        name(&f.path)
                    )));
                }
                source = Some((f, blocks, not_planned));
            }
            None => return Err(fail(format!("{} is in no group", name(&f.path)))),
        }
    }
    let Some((source, source_ids, not_planned)) = source else {
        return Err(fail(
            "none of them is its source version (the file without 'translation:'): \
             import the source's file with its translations"
                .into(),
        ));
    };
    let source_lang = lang_of(&source);
    let source_name = name(&source.path);
    if let Some(ids) = &source_ids {
        let cut = blocks::split(&source.text.body).len();
        if cut != ids.len() {
            return Err(fail(format!(
                "{source_name} has {cut} body blocks but its 'blocks' list has {} ids (was its body \
                 edited after the export?); remove its 'blocks' list to number the blocks anew, \
                 its translations' blocks will then need review",
                ids.len()
            )));
        }
    }
    for (f, _, _) in &translations {
        if lang_of(f) == source_lang {
            return Err(fail(format!(
                "{} is a translation into {source_lang}, the language of its source {source_name}",
                name(&f.path)
            )));
        }
    }
    for (i, (file, lang)) in langs.iter().enumerate() {
        if let Some((other, _)) = langs[..i].iter().find(|(_, l)| l == lang) {
            return Err(fail(format!(
                "{other} and {file} are both its {lang} version; keep one of them"
            )));
        }
    }
    let mut checked = Vec::with_capacity(translations.len());
    for (f, from, units) in translations {
        let lang = lang_of(&f);
        if from != source_lang {
            return Err(fail(format!(
                "{} translates from {from}, but its source {source_name} is in {source_lang}",
                name(&f.path)
            )));
        }
        let units =
            units_of(&f.text, &units).map_err(|r| fail(format!("{}: {r}", name(&f.path))))?;
        checked.push((f, lang, units));
    }
    let mut plans = Vec::with_capacity(not_planned.len());
    for (lang, by, reason, at) in not_planned {
        languages
            .check(&lang)
            .map_err(|e| fail(format!("{source_name}: 'not_planned': {e}")))?;
        if lang == source_lang || by.trim().is_empty() || reason.trim().is_empty() {
            return Err(fail(format!(
                "{source_name}: 'not_planned' for {lang} needs who decided and why, \
                 and cannot be the source's own language"
            )));
        }
        // A translation present supersedes a decision not to make it.
        if !checked.iter().any(|(_, l, _)| *l == lang) {
            plans.push((lang, by.trim().to_string(), reason.trim().to_string(), at));
        }
    }
    Ok(Checked {
        id: group.id,
        files,
        source,
        source_lang,
        source_ids,
        not_planned: plans,
        translations: checked,
    })
}

/// A translation's units from its file: the short fields' units take those
/// fields, each body unit the next `parts` blocks of the body, which they
/// must cover exactly.
fn units_of(text: &PostText, units: &[UnitFrom]) -> std::result::Result<Vec<Unit>, String> {
    let pieces: Vec<&str> = blocks::split(&text.body)
        .into_iter()
        .map(|p| &text.body[p.range])
        .collect();
    let mut at = 0;
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let text = match u.block.as_str() {
            TITLE => text.title.trim().to_string(),
            SUMMARY => text.summary.trim().to_string(),
            SHARE_TEXT => text.share_text.trim().to_string(),
            _ => {
                let end = at + u.parts;
                if end > pieces.len() {
                    return Err(format!(
                        "its 'translation' units need more blocks than its body has ({}) (was \
                         its body edited after the export?): import the file as exported and \
                         make the change in Valise",
                        pieces.len()
                    ));
                }
                let joined = pieces[at..end].join("\n\n");
                at = end;
                joined
            }
        };
        out.push(Unit {
            block: u.block.clone(),
            text,
            source_hash: u.from.clone(),
            source_text: u.was.clone(),
        });
    }
    if at != pieces.len() {
        return Err(format!(
            "its body has {} blocks but its 'translation' units cover {at} (was its body edited \
             after the export?): import the file as exported and make the change in Valise, or \
             count each new block in the 'parts' of the unit it belongs to",
            pieces.len()
        ));
    }
    Ok(out)
}

/// How many of the body's blocks each unit spans (1 for the short fields):
/// the body is its units' texts in order, so each body unit takes the blocks
/// that rebuild its text. Should a unit's text not be rebuilt exactly (two
/// units whose texts Markdown reads as one block, such as two lists), it takes
/// one block and the last unit the rest, and a unit left with no block is not
/// written (`None`: it comes back missing, to be reviewed), so that the file
/// always imports.
pub(super) fn parts_of(body: &str, units: &[Unit]) -> Vec<Option<usize>> {
    let pieces: Vec<&str> = blocks::split(body)
        .into_iter()
        .map(|p| &body[p.range])
        .collect();
    let last_body = units.iter().rposition(|u| !is_header(&u.block));
    let mut at = 0;
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if is_header(&u.block) {
                return Some(1);
            }
            let left = pieces.len() - at;
            if left == 0 {
                return None;
            }
            let n = if Some(i) == last_body {
                left
            } else {
                (1..=left)
                    .find(|&n| pieces[at..at + n].join("\n\n").trim() == u.text.trim())
                    .unwrap_or(1)
            };
            at += n;
            Some(n)
        })
        .collect()
}

pub(super) fn is_header(block: &str) -> bool {
    matches!(block, TITLE | SUMMARY | SHARE_TEXT)
}

/// Writes a checked group: the source version becomes the post (keeping its
/// id, unless a post deleted here holds it), with its decisions not to
/// translate, and the other files become its translations with their units.
/// A post already in the library is not imported again.
pub(super) fn write(tx: &WriteTx, group: &Checked) -> Result<Vec<ImportedFile>> {
    let (uid, exported_id) = match rows::uid_state(tx, &group.id)? {
        None => (group.id.clone(), None),
        Some(true) => (ids::new_id(), Some(group.id.clone())),
        Some(false) => {
            let here = rows::load_by_id(tx, &group.id, None)?;
            return Err(Error::AlreadyInLibrary {
                id: group.id.clone(),
                title: here.post.text.title,
                files: group.files.clone(),
            });
        }
    };
    let imported = |f: &ParsedFile, lang: &str, title: &str| ImportedFile {
        path: f.path.display().to_string(),
        id: uid.clone(),
        lang: lang.to_string(),
        title: title.to_string(),
        exported_id: exported_id.clone(),
    };
    let text = prepared(group.source.text.clone());
    let change = match &group.source_ids {
        Some(ids) => TextChange::SourceIds(ids),
        None => TextChange::Whole { minor: false },
    };
    let row = posts::insert_new_as(
        tx,
        (&uid, &ids::new_id()),
        &group.source_lang,
        &text,
        dates(tx, group.source.created_at, group.source.updated_at),
        RevisionKind::Import,
        change,
    )?;
    let mut out = vec![imported(&group.source, &group.source_lang, &text.title)];
    for (lang, by, reason, at) in &group.not_planned {
        translation::record_plan(tx, &row, lang, (by, reason), *at)?;
    }
    for (f, lang, units) in &group.translations {
        let text = prepared(f.text.clone());
        let (created, updated) = dates(tx, f.created_at, f.updated_at);
        translation::add_version(
            tx,
            &row,
            lang,
            &text,
            (created, updated, RevisionKind::Import),
            TextChange::Given(units),
        )?;
        out.push(imported(f, lang, &text.title));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(block: &str, text: &str) -> Unit {
        Unit {
            block: block.into(),
            text: text.into(),
            source_hash: Some("0011223344556677".into()),
            source_text: None,
        }
    }

    fn text(body: &str) -> PostText {
        PostText {
            title: "Titre".into(),
            body: body.into(),
            ..PostText::default()
        }
    }

    fn from(units: &[Unit], parts: &[Option<usize>]) -> Vec<UnitFrom> {
        units
            .iter()
            .zip(parts)
            .filter_map(|(u, p)| {
                p.map(|parts| UnitFrom {
                    block: u.block.clone(),
                    from: u.source_hash.clone(),
                    was: None,
                    parts,
                })
            })
            .collect()
    }

    #[test]
    fn units_are_cut_from_the_body_as_they_were_written() {
        let units = [
            unit(TITLE, "Titre"),
            unit("aaaaaaaa", "Un.\n\nEt un ajout."),
            unit("bbbbbbbb", "Deux."),
        ];
        let body = "Un.\n\nEt un ajout.\n\nDeux.\n";
        let parts = parts_of(body, &units);
        assert_eq!(parts, [Some(1), Some(2), Some(1)]);
        assert_eq!(units_of(&text(body), &from(&units, &parts)).unwrap(), units);
    }

    #[test]
    fn units_that_markdown_joins_into_one_block_still_give_a_file_that_imports() {
        // Two list units side by side are one list in the body.
        let units = [unit("aaaaaaaa", "- un"), unit("bbbbbbbb", "- deux")];
        let body = "- un\n\n- deux\n";
        let parts = parts_of(body, &units);
        assert_eq!(parts, [Some(1), None]);
        let back = units_of(&text(body), &from(&units, &parts)).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].text, "- un\n\n- deux");
    }

    #[test]
    fn units_that_do_not_cover_the_body_are_refused_with_the_counts() {
        let units = [UnitFrom {
            block: "aaaaaaaa".into(),
            from: None,
            was: None,
            parts: 1,
        }];
        let e = units_of(&text("Un.\n\nDeux.\n"), &units).unwrap_err();
        assert!(
            e.contains("its body has 2 blocks but its 'translation' units cover 1"),
            "{e}"
        );
        let e = units_of(&text(""), &units).unwrap_err();
        assert!(e.contains("more blocks than its body has (0)"), "{e}");
    }
}
