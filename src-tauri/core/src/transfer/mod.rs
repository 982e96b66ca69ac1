//! Markdown files with YAML front matter in and out of the library. Export then
//! import gives back the same posts, each with its translations (their files
//! share the post's id, `group`); a bad file is reported by name and does not
//! stop the others. `front_matter` reads and writes one file, `groups` puts a
//! post's files back together.

mod front_matter;
mod groups;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::library::Library;
use crate::posts::revisions::RevisionKind;
use crate::posts::{self, rows, slugify, Post, PostText};
use crate::store::write::{Origin, WriteTx};
use crate::translation::sql;
use front_matter::{bad, Written};
pub use front_matter::{parse, Membership, Role, UnitFrom};

/// A file read and understood, ready to become a post or one of its languages.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub path: PathBuf,
    pub lang: Option<String>,
    pub text: PostText,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    /// The post this file is a language of, when an export said so.
    pub group: Option<Membership>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportedFile {
    pub path: String,
    /// The post's global id (the same for all the languages of one post).
    pub id: String,
    pub lang: String,
    pub title: String,
    /// The id the file carried, when the post was given a new one because a
    /// post deleted from this library still holds it.
    pub exported_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub imported: Vec<ImportedFile>,
    pub failed: Vec<FileError>,
}

impl FileError {
    fn new(path: &Path, e: &Error) -> Self {
        FileError {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

/// Every Markdown file under `paths` (folders are walked recursively; hidden
/// entries skipped), in a stable order.
pub fn markdown_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for path in paths {
        collect(path, &mut files, &mut failed, true);
    }
    (files, failed)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>, failed: &mut Vec<FileError>, named: bool) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            failed.push(FileError {
                path: path.display().to_string(),
                message: e.to_string(),
            });
            return;
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                failed.push(FileError {
                    path: path.display().to_string(),
                    message: e.to_string(),
                });
                return;
            }
        };
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                collect(&entry, files, failed, false);
            }
        }
    } else if named || is_markdown(path) {
        files.push(path.to_owned());
    }
}

fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown" | "mdown" | "mkd")
    )
}

/// Reads one file. Without front matter the title comes from the first `# `
/// heading, else from the file name.
pub fn parse_file(path: &Path) -> Result<ParsedFile> {
    parse(path, &read_text(path)?)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        bad(
            path,
            format!(
                "is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A file name that says which post it is: the first 8 characters of its id
/// (enough to find it again with the CLI), its slug and its language.
pub fn file_name(post: &Post) -> String {
    let mut slug = slugify(if post.text.slug.is_empty() {
        &post.text.title
    } else {
        &post.text.slug
    });
    if slug.is_empty() {
        slug = "post".into();
    }
    let slug: String = slug.chars().take(80).collect();
    let short: String = post.id.chars().take(crate::ids::MIN_PREFIX).collect();
    format!("{short}-{slug}.{}.md", post.lang)
}

/// Writes a file whole or not at all: a crash mid-export leaves no half file.
pub fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let tmp = path.with_extension("md.partial");
    std::fs::write(&tmp, content).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Markdown files in and out: `library.transfer()`.
pub struct Transfer<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn transfer(&self) -> Transfer<'_> {
        Transfer { lib: self }
    }
}

impl Transfer<'_> {
    /// Imports Markdown files and folders. Files that cannot be read are listed
    /// in the report with the reason, and so are the other files of their post
    /// (a post comes in whole or not at all); the rest are imported.
    pub fn import(&self, paths: &[PathBuf]) -> Result<ImportReport> {
        let languages = self.lib.languages();
        let (files, mut failed) = markdown_files(paths);
        let mut parsed = Vec::with_capacity(files.len());
        // Groups a file that could not be read belongs to: (group, file, why).
        let mut held: Vec<(String, PathBuf, String)> = Vec::new();
        for path in files {
            let content = match read_text(&path) {
                Ok(c) => c,
                Err(e) => {
                    // Text that is not UTF-8 may still say which post it belongs to.
                    let group = std::fs::read(&path)
                        .ok()
                        .and_then(|b| front_matter::group_line(&String::from_utf8_lossy(&b)));
                    if let Some(group) = group {
                        held.push((group, path.clone(), e.to_string()));
                    }
                    failed.push(FileError::new(&path, &e));
                    continue;
                }
            };
            let result = parse(&path, &content).and_then(|f| {
                if let Some(lang) = &f.lang {
                    languages
                        .check(lang)
                        .map_err(|e| bad(&path, e.to_string()))?;
                }
                Ok(f)
            });
            match result {
                Ok(f) => parsed.push(f),
                Err(e) => {
                    if let Some(group) = front_matter::group_line(&content) {
                        held.push((group, path.clone(), e.to_string()));
                    }
                    failed.push(FileError::new(&path, &e));
                }
            }
        }
        let (parsed, held_back) = groups::hold_back(parsed, &held);
        failed.extend(held_back);
        let mut report = self.import_parsed(parsed)?;
        failed.append(&mut report.failed);
        report.failed = failed;
        Ok(report)
    }

    /// Adds posts already read from files (or made by a program), recorded as
    /// an import. Their dates are kept; the first revision is an "import".
    /// Files without a group come in together in one transaction; each group
    /// (a post and its translations) in a transaction of its own, so a group
    /// that cannot be imported is reported file by file and changes nothing.
    pub fn import_parsed(&self, files: Vec<ParsedFile>) -> Result<ImportReport> {
        let (single, groups) = groups::gather(files);
        let mut report = ImportReport::default();
        if !single.is_empty() {
            report.imported = self.import_single(single)?;
        }
        let languages = self.lib.languages();
        for group in groups {
            let paths: Vec<PathBuf> = group.files.iter().map(|f| f.path.clone()).collect();
            let written = groups::check(group, languages).and_then(|checked| {
                self.lib
                    .write(Origin::Import, |tx| groups::write(tx, &checked))
                    .map(|(imported, _)| imported)
            });
            match written {
                Ok(mut imported) => report.imported.append(&mut imported),
                Err(e) if about_the_files(&e) => report
                    .failed
                    .extend(paths.iter().map(|p| FileError::new(p, &e))),
                // The library cannot take it (read-only, full disk…): the next
                // group would fail alike; the groups before it are in.
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// Files that are not part of a group: each becomes a post of its own.
    fn import_single(&self, files: Vec<ParsedFile>) -> Result<Vec<ImportedFile>> {
        let languages = self.lib.languages();
        let written = self.lib.write(Origin::Import, |tx| {
            files
                .into_iter()
                .map(|f| {
                    let lang = f.lang.unwrap_or_else(|| languages.source().to_string());
                    languages.check(&lang)?;
                    let text = prepared(f.text);
                    let (created, updated) = dates(tx, f.created_at, f.updated_at);
                    let made = posts::insert_new(
                        tx,
                        &lang,
                        &text,
                        created,
                        updated,
                        RevisionKind::Import,
                    )?;
                    Ok(ImportedFile {
                        path: f.path.display().to_string(),
                        id: made.post.id,
                        lang,
                        title: text.title,
                        exported_id: None,
                    })
                })
                .collect()
        })?;
        Ok(written.0)
    }

    /// Writes each language version of the given posts (all when `ids` is `None`)
    /// as a Markdown file with front matter into `dir`: the post's id as its
    /// group, and what its translations need to come back with their block
    /// states. Returns the files written.
    pub fn export(&self, ids: Option<&[String]>, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let versions: Vec<(Post, Written)> = self.lib.read(|c| {
            let ids = match ids {
                Some(ids) => ids.to_vec(),
                None => rows::all_ids(c)?,
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let post_row = rows::resolve(c, &id)?;
                let source = rows::load(c, post_row, None)?;
                let blocks = sql::source_blocks(c, source.version_id, &source.post.text)?;
                let hashes: Vec<(String, String)> = blocks
                    .iter()
                    .map(|b| (b.id.clone(), b.hash.clone()))
                    .collect();
                let body_ids = blocks
                    .into_iter()
                    .filter(|b| !groups::is_header(&b.id))
                    .map(|b| b.id)
                    .collect();
                let not_planned = sql::plans(c, post_row)?;
                let source_lang = source.post.lang.clone();
                out.push((
                    source.post,
                    Written::Source {
                        blocks: body_ids,
                        not_planned,
                    },
                ));
                for lang in rows::languages_of(c, post_row)? {
                    if lang == source_lang {
                        continue;
                    }
                    let row = rows::load(c, post_row, Some(&lang))?;
                    let units = sql::units(c, row.version_id)?;
                    out.push((
                        row.post,
                        Written::Translation {
                            source_lang: source_lang.clone(),
                            units,
                            source_hashes: hashes.clone(),
                        },
                    ));
                }
            }
            Ok(out)
        })?;
        versions
            .iter()
            .map(|(post, written)| {
                let path = dir.join(file_name(post));
                write_atomically(&path, &front_matter::to_markdown(post, written))?;
                Ok(path)
            })
            .collect()
    }
}

/// Whether an import error is the files' (reported with them) rather than
/// the library's (which stops the import, as it does for files without a group).
fn about_the_files(e: &Error) -> bool {
    matches!(
        e,
        Error::BadGroup { .. }
            | Error::AlreadyInLibrary { .. }
            | Error::BadFile { .. }
            | Error::UnknownLanguage { .. }
            | Error::PlanNeedsReason
    )
}

/// A text as it is stored: trimmed, with a slug.
fn prepared(text: PostText) -> PostText {
    let mut text = text.normalized();
    if text.slug.is_empty() {
        text.slug = slugify(&text.title);
    }
    text
}

/// A file's creation and update times, now where it gives none.
fn dates(tx: &WriteTx, created: Option<i64>, updated: Option<i64>) -> (i64, i64) {
    let now = tx.now();
    let created = created.unwrap_or(now);
    (created, updated.unwrap_or(created.max(now)))
}
