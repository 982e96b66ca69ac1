//! Markdown files with YAML front matter in and out of the library. Export then
//! import gives back the same posts; a bad file is reported by name and does not
//! stop the others.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::posts::revisions::RevisionKind;
use crate::posts::{self, rows, slugify, Post, PostText};
use crate::store::write::Origin;

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
}

/// A file read and understood, ready to become a post.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub path: PathBuf,
    pub lang: Option<String>,
    pub text: PostText,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportedFile {
    pub path: String,
    /// The new post's global id.
    pub id: String,
    pub title: String,
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

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadFile {
        path: path.to_owned(),
        reason: reason.into(),
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
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let content = String::from_utf8(bytes).map_err(|e| {
        bad(
            path,
            format!(
                "is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse(path, &content)
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
        value
            .map(|v| {
                clock::from_text(&v).ok_or_else(|| {
                    bad(
                        path,
                        format!(
                            "'{field}: {v}' is not a date (use 2026-03-12 or 2026-03-12T09:30:00Z)"
                        ),
                    )
                })
            })
            .transpose()
    };
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
    })
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

/// The file content for one language version.
pub fn to_markdown(post: &Post) -> String {
    let t = &post.text;
    let fm = FrontMatter {
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
    };
    let yaml = serde_yaml::to_string(&fm).expect("front matter of strings always serialises");
    format!("---\n{yaml}---\n{}", t.body)
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
    /// in the report with the reason; the others are imported in one transaction.
    pub fn import(&self, paths: &[PathBuf]) -> Result<ImportReport> {
        let languages = self.lib.languages();
        let (files, mut failed) = markdown_files(paths);
        let mut parsed = Vec::with_capacity(files.len());
        for path in files {
            let result = parse_file(&path).and_then(|f| {
                if let Some(lang) = &f.lang {
                    languages
                        .check(lang)
                        .map_err(|e| bad(&path, e.to_string()))?;
                }
                Ok(f)
            });
            match result {
                Ok(f) => parsed.push(f),
                Err(e) => failed.push(FileError {
                    path: path.display().to_string(),
                    message: e.to_string(),
                }),
            }
        }
        let imported = self.import_parsed(parsed)?;
        Ok(ImportReport { imported, failed })
    }

    /// Adds posts already read from files (or made by a program), all in one
    /// transaction recorded as an import. Their dates are kept; the first
    /// revision is an "import".
    pub fn import_parsed(&self, files: Vec<ParsedFile>) -> Result<Vec<ImportedFile>> {
        let languages = self.lib.languages();
        let written = self.lib.write(Origin::Import, |tx| {
            let now = tx.now();
            files
                .into_iter()
                .map(|f| {
                    let lang = f.lang.unwrap_or_else(|| languages.source().to_string());
                    languages.check(&lang)?;
                    let mut text = f.text.normalized();
                    if text.slug.is_empty() {
                        text.slug = slugify(&text.title);
                    }
                    let created = f.created_at.unwrap_or(now);
                    let updated = f.updated_at.unwrap_or(created.max(now));
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
                        title: text.title,
                    })
                })
                .collect()
        })?;
        Ok(written.0)
    }

    /// Writes each language version of the given posts (all when `ids` is `None`)
    /// as a Markdown file with front matter into `dir`. Returns the files written.
    pub fn export(&self, ids: Option<&[String]>, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let posts: Vec<Post> = self.lib.read(|c| {
            let ids = match ids {
                Some(ids) => ids.to_vec(),
                None => rows::all_ids(c)?,
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let post_row = rows::resolve(c, &id)?;
                for lang in rows::languages_of(c, post_row)? {
                    out.push(rows::load(c, post_row, Some(&lang))?.post);
                }
            }
            Ok(out)
        })?;
        posts
            .iter()
            .map(|post| {
                let path = dir.join(file_name(post));
                write_atomically(&path, &to_markdown(post))?;
                Ok(path)
            })
            .collect()
    }
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
}
