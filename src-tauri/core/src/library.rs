//! `Library`: one open library file and every operation on it. Tauri commands
//! and CLI verbs call these methods and nothing else.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Result};
use crate::posts::revisions::{
    self, Revision, RevisionDiff, RevisionKind, RevisionSummary, SaveRequest,
};
use crate::posts::{self, slugify, ListQuery, NewPost, Post, PostSummary, PostText, TagCount};
use crate::render::{self, TextDirection};
use crate::search::{self, SearchHit};
use crate::store;
use crate::transfer::{self, FileError, ImportReport, ImportedFile, ParsedFile};

/// A site language as the library is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Language {
    pub code: String,
    pub name: String,
    pub dir: TextDirection,
}

/// What the app needs to draw its frame: where the library is, its languages and
/// its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LibraryOverview {
    pub path: String,
    pub source_lang: String,
    pub languages: Vec<Language>,
    pub posts: u32,
    pub tags: Vec<TagCount>,
}

const DEFAULT_LANGUAGES: &str = "fr,en,es,ar";

pub struct Library {
    path: PathBuf,
    conn: Mutex<Connection>,
    // Declared after `conn`: dropped last, it ends with a full checkpoint.
    _checkpointer: store::checkpoint::Checkpointer,
    source_lang: String,
    languages: Vec<String>,
}

impl Library {
    /// Opens the library file at `path`, creating an empty one if there is none.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_owned();
        let conn = store::open(&path)?;
        let setting = |key: &str, default: &str| -> Result<String> {
            use rusqlite::OptionalExtension;
            Ok(conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or_else(|| default.to_string()))
        };
        let languages: Vec<String> = setting("languages", DEFAULT_LANGUAGES)?
            .split(',')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let source_lang = setting("source_lang", "fr")?;
        let checkpointer = store::checkpoint::Checkpointer::start(&path, &conn);
        Ok(Library {
            path,
            conn: Mutex::new(conn),
            _checkpointer: checkpointer,
            source_lang,
            languages,
        })
    }

    /// Opens the default library (`VALISE_LIBRARY`, else the platform data dir).
    pub fn open_default() -> Result<Self> {
        Self::open(store::default_library_path())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn source_lang(&self) -> &str {
        &self.source_lang
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite consistent
        // (its transaction rolled back), so the connection stays usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it lands or none of it.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let run = |conn: &mut Connection| -> Result<T> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        };
        run(&mut conn).map_err(|e| self.explain(e))
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.conn()).map_err(|e| self.explain(e))
    }

    fn explain(&self, e: Error) -> Error {
        match e {
            Error::Database(db) => match db.sqlite_error_code() {
                Some(ErrorCode::ReadOnly)
                | Some(ErrorCode::NotADatabase)
                | Some(ErrorCode::CannotOpen) => store::classify(&self.path, db),
                _ => Error::Database(db),
            },
            other => other,
        }
    }

    pub fn check_language(&self, lang: &str) -> Result<()> {
        if self.languages.iter().any(|l| l == lang) {
            Ok(())
        } else {
            Err(Error::UnknownLanguage {
                lang: lang.to_string(),
                known: self.languages.join(", "),
            })
        }
    }

    pub fn overview(&self) -> Result<LibraryOverview> {
        self.read(|c| {
            Ok(LibraryOverview {
                path: self.path.display().to_string(),
                source_lang: self.source_lang.clone(),
                languages: self.languages.iter().map(|c| language(c)).collect(),
                posts: posts::count(c)?,
                tags: posts::tag_counts(c)?,
            })
        })
    }

    pub fn create_post(&self, new: NewPost) -> Result<Post> {
        let lang = new.lang.unwrap_or_else(|| self.source_lang.clone());
        self.check_language(&lang)?;
        let text = PostText {
            slug: slugify(&new.title),
            title: new.title,
            body: new.body,
            tags: new.tags,
            ..PostText::default()
        }
        .normalized();
        self.write(|c| {
            let now = clock::now_ms();
            let (id, version_id) = posts::insert(c, &lang, &text, now, now)?;
            revisions::record(c, version_id, &text, RevisionKind::Created, now)?;
            Ok(posts::load(c, id, Some(&lang))?.post)
        })
    }

    /// A language version of a post; its source language when `lang` is `None`.
    pub fn post(&self, id: i64, lang: Option<&str>) -> Result<Post> {
        self.read(|c| Ok(posts::load(c, id, lang)?.post))
    }

    pub fn save(&self, req: SaveRequest) -> Result<Post> {
        self.write(|c| Ok(revisions::save(c, req)?.post))
    }

    pub fn delete_post(&self, id: i64) -> Result<()> {
        self.write(|c| posts::delete(c, id))
    }

    pub fn list(&self, query: &ListQuery) -> Result<Vec<PostSummary>> {
        self.read(|c| posts::list(c, query))
    }

    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        self.read(|c| search::search(c, query, limit))
    }

    /// The sanitised HTML of a stored language version.
    pub fn render(&self, id: i64, lang: Option<&str>) -> Result<String> {
        let post = self.post(id, lang)?;
        Ok(render::to_html(&post.text.body, &post.lang))
    }

    pub fn history(&self, id: i64, lang: Option<&str>) -> Result<Vec<RevisionSummary>> {
        self.read(|c| revisions::history(c, id, lang))
    }

    pub fn revision(&self, id: i64, lang: Option<&str>, number: i64) -> Result<Revision> {
        self.read(|c| revisions::revision(c, id, lang, number))
    }

    pub fn diff(
        &self,
        id: i64,
        lang: Option<&str>,
        from: i64,
        to: Option<i64>,
    ) -> Result<RevisionDiff> {
        self.read(|c| revisions::diff(c, id, lang, from, to))
    }

    /// Brings back the text of an old revision as a new revision; the revisions
    /// in between stay in the history.
    pub fn restore(&self, id: i64, lang: Option<&str>, number: i64) -> Result<Post> {
        self.write(|c| {
            let old = revisions::revision(c, id, lang, number)?;
            let current = posts::load(c, id, lang)?.post;
            let req = SaveRequest {
                id,
                lang: current.lang,
                text: old.text,
                kind: RevisionKind::Restore,
                revision_name: None,
            };
            Ok(revisions::save(c, req)?.post)
        })
    }

    /// Imports Markdown files and folders. Files that cannot be read are listed
    /// in the report with the reason; the others are imported in one transaction.
    pub fn import(&self, paths: &[PathBuf]) -> Result<ImportReport> {
        let (files, mut failed) = transfer::markdown_files(paths);
        let mut parsed = Vec::with_capacity(files.len());
        for path in files {
            let result = transfer::parse_file(&path).and_then(|f| {
                if let Some(lang) = &f.lang {
                    self.check_language(lang).map_err(|e| Error::BadFile {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
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
    /// transaction. Their dates are kept; the first revision is an "import".
    pub fn import_parsed(&self, files: Vec<ParsedFile>) -> Result<Vec<ImportedFile>> {
        self.write(|c| {
            let now = clock::now_ms();
            files
                .into_iter()
                .map(|f| {
                    let lang = f.lang.unwrap_or_else(|| self.source_lang.clone());
                    self.check_language(&lang)?;
                    let mut text = f.text.normalized();
                    if text.slug.is_empty() {
                        text.slug = slugify(&text.title);
                    }
                    let created = f.created_at.unwrap_or(now);
                    let updated = f.updated_at.unwrap_or(created.max(now));
                    let (id, version_id) = posts::insert(c, &lang, &text, created, updated)?;
                    revisions::record(c, version_id, &text, RevisionKind::Import, updated)?;
                    Ok(ImportedFile {
                        path: f.path.display().to_string(),
                        id,
                        title: text.title,
                    })
                })
                .collect()
        })
    }

    /// Writes each language version of the given posts (all when `ids` is `None`)
    /// as a Markdown file with front matter into `dir`. Returns the files written.
    pub fn export(&self, ids: Option<&[i64]>, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let posts: Vec<Post> = self.read(|c| {
            let ids = match ids {
                Some(ids) => ids.to_vec(),
                None => posts::all_ids(c)?,
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let source = posts::load(c, id, None)?.post;
                let mut stmt = c.prepare_cached(
                    "SELECT lang FROM language_versions WHERE post_id = ?1 AND lang <> ?2 ORDER BY lang",
                )?;
                let others: Vec<String> = stmt
                    .query_map(rusqlite::params![id, source.lang], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                out.push(source);
                for lang in others {
                    out.push(posts::load(c, id, Some(&lang))?.post);
                }
            }
            Ok(out)
        })?;
        posts
            .iter()
            .map(|post| {
                let path = dir.join(transfer::file_name(post));
                transfer::write_atomically(&path, &transfer::to_markdown(post))?;
                Ok(path)
            })
            .collect()
    }
}

fn language(code: &str) -> Language {
    let name = match code {
        "fr" => "Français",
        "en" => "English",
        "es" => "Español",
        "ar" => "العربية",
        "de" => "Deutsch",
        "it" => "Italiano",
        "pt" => "Português",
        "ru" => "Русский",
        "zh" => "中文",
        other => other,
    };
    Language {
        code: code.to_string(),
        name: name.to_string(),
        dir: render::direction(code),
    }
}
