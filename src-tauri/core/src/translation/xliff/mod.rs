//! XLIFF for outside translators: a post's blocks out as XLIFF 1.2 (or 2.0)
//! units, inline Markdown as codes, translated files back in through the one
//! write door, with what the translation tool added kept for the next
//! export. `library.xliff()` is the face; `markup` owns the mapping of
//! Markdown to segments, `doc` the document whatever its version, `v12` and
//! `v20` the two file formats, `xml` the XML itself.

pub mod doc;
mod export;
mod import;
pub mod markup;
mod sql;
pub mod v12;
pub mod v20;
pub mod xml;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::library::Library;
use crate::store::write::Origin;
use crate::transfer::FileError;

/// The `state` of a unit's `<target>`, from its block's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    /// A missing block.
    NeedsTranslation,
    /// An outdated block: its source changed since it was translated.
    NeedsReviewTranslation,
    /// A current block.
    Translated,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::NeedsTranslation => "needs-translation",
            TargetState::NeedsReviewTranslation => "needs-review-translation",
            TargetState::Translated => "translated",
        }
    }
}

/// An attribute a translation tool put on a unit, in its own namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAttr {
    pub ns: String,
    pub prefix: String,
    pub name: String,
    pub value: String,
}

/// A note a translator or their tool left on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub from: Option<String>,
    pub priority: Option<String>,
    pub annotates: Option<String>,
    pub lang: Option<String>,
    pub text: String,
}

/// What a translation tool added to a unit, kept per translation and block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extras {
    pub attributes: Vec<UnitAttr>,
    pub notes: Vec<Note>,
}

/// The XLIFF version of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum XliffVersion {
    /// What OmegaT, memoQ and Trados read best.
    #[default]
    V1_2,
    V2_0,
}

impl std::str::FromStr for XliffVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "1.2" => Ok(XliffVersion::V1_2),
            "2.0" | "2" => Ok(XliffVersion::V2_0),
            other => Err(format!(
                "XLIFF {other} is not one Valise writes: use 1.2 or 2.0"
            )),
        }
    }
}

/// What to export and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Only the outdated and missing blocks.
    pub only_outdated: bool,
    pub version: XliffVersion,
}

/// A document's text in the version asked for.
fn write(files: &[doc::FileOut], version: XliffVersion) -> String {
    match version {
        XliffVersion::V1_2 => v12::write(files),
        XliffVersion::V2_0 => v20::write(files),
    }
}

/// Reads a document of either version, told apart by its namespace.
fn read(text: &str) -> std::result::Result<Vec<doc::FileIn>, String> {
    let root = xml::parse(text)?;
    if root.name != "xliff" {
        return Err(format!("its root element is <{}>, not <xliff>", root.name));
    }
    match root.ns.as_str() {
        v12::NS => v12::read(&root),
        v20::NS => v20::read(&root),
        other => Err(format!(
            "its namespace {other:?} is neither XLIFF 1.2's nor XLIFF 2.0's"
        )),
    }
}

/// One post's translation as an import found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedPost {
    pub id: String,
    pub lang: String,
    /// Units whose translation was taken.
    pub translated: u32,
    /// Of those, units translated from an older source: they stay outdated.
    pub outdated: u32,
    /// The language version did not exist before this import.
    pub created: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedXliff {
    pub path: String,
    pub posts: Vec<ImportedPost>,
}

/// Files imported, and files refused with the reason (each changed nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct XliffImportReport {
    pub imported: Vec<ImportedXliff>,
    pub failed: Vec<FileError>,
}

/// XLIFF files in and out: `library.xliff()`.
pub struct Xliff<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn xliff(&self) -> Xliff<'_> {
        Xliff { lib: self }
    }
}

impl Xliff<'_> {
    /// One XLIFF 1.2 document with a `<file>` per post, for translators into `lang`.
    pub fn export(&self, ids: &[String], lang: &str, options: ExportOptions) -> Result<String> {
        let files = self.files(ids, lang, options)?;
        Ok(write(&files, options.version))
    }

    fn files(
        &self,
        ids: &[String],
        lang: &str,
        options: ExportOptions,
    ) -> Result<Vec<doc::FileOut>> {
        let site = self.lib.languages();
        self.lib.read(|c| {
            ids.iter()
                .map(|id| export::file_out(c, site, id, lang, options.only_outdated))
                .collect()
        })
    }

    /// Writes the export to `to`: one file per post when `to` is a folder, or
    /// names one by ending with a `/` (`<post id>.<lang>.xlf`, the folder made
    /// if need be), else all posts in the one file `to`. Returns the files
    /// written.
    pub fn export_to(
        &self,
        ids: &[String],
        lang: &str,
        to: &Path,
        options: ExportOptions,
    ) -> Result<Vec<PathBuf>> {
        let files = self.files(ids, lang, options)?;
        let folder = to.is_dir()
            || to
                .as_os_str()
                .to_string_lossy()
                .ends_with(['/', std::path::MAIN_SEPARATOR]);
        if folder {
            std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
            let mut written = Vec::with_capacity(files.len());
            for f in files {
                let path = to.join(format!("{}.{lang}.xlf", f.post));
                crate::transfer::write_atomically(
                    &path,
                    &write(std::slice::from_ref(&f), options.version),
                )?;
                written.push(path);
            }
            Ok(written)
        } else {
            crate::transfer::write_atomically(to, &write(&files, options.version))?;
            Ok(vec![to.to_path_buf()])
        }
    }

    /// Imports one XLIFF document (its text, read from `path`) in one
    /// transaction recorded as an import: all its posts, or nothing.
    pub fn import_text(&self, path: &Path, text: &str) -> Result<Vec<ImportedPost>> {
        let files = read(text).map_err(|reason| Error::XliffUnreadable {
            path: path.to_path_buf(),
            reason,
        })?;
        let site = self.lib.languages();
        self.lib
            .write(Origin::Import, |tx| import::document(tx, site, path, files))
            .map(|(posts, _)| posts)
    }

    /// Imports XLIFF files, each in its own transaction: a refused file is
    /// listed with the reason and changes nothing; the others are imported.
    pub fn import(&self, paths: &[PathBuf]) -> XliffImportReport {
        let mut report = XliffImportReport::default();
        for path in paths {
            let result = std::fs::read(path)
                .map_err(|e| Error::io(path, e))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| Error::XliffUnreadable {
                        path: path.clone(),
                        reason: "it is not UTF-8 text".into(),
                    })
                })
                .and_then(|text| self.import_text(path, &text));
            match result {
                Ok(posts) => report.imported.push(ImportedXliff {
                    path: path.display().to_string(),
                    posts,
                }),
                Err(e) => report.failed.push(FileError {
                    path: path.display().to_string(),
                    message: e.to_string(),
                }),
            }
        }
        report
    }
}
