//! The asset library: infographics, maps and photos with a stable id, a
//! variant per language (or one for all), alt text and caption per language,
//! credit and licence, and every version of every file. Files live in the
//! content-addressed folder beside the library (`files`); rows change only
//! through the write door, as `RecordKind::Asset` in the change feed.

mod add;
mod delete;
pub mod files;
mod folders;
pub mod naming;
pub mod probe;
mod query;
mod resolve;
pub mod serve;
pub(crate) mod store;
pub mod svg;
pub mod thumbs;
pub mod usage;
pub mod watch;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::languages::SiteLanguages;
use crate::Library;
pub(crate) use delete::remove;
pub use delete::DeletedAsset;
pub use files::Folder;
pub use probe::{AssetKind, Format};
pub use query::AssetQuery;
pub(crate) use resolve::{check as check_ref, published, shown_in, Shown};
pub use resolve::{FileLink, RefState};
pub use store::AddOutcome;

pub(crate) use usage::posts_using;

/// One asset, whole: what `asset show` and the detail view show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Asset {
    pub id: String,
    pub name: String,
    pub kind: AssetKind,
    pub credit: String,
    pub licence: String,
    pub created_at: String,
    pub updated_at: String,
    pub variants: Vec<Variant>,
    /// Alt text and caption, per language that has any.
    pub texts: Vec<AssetText>,
    pub used_by: Vec<AssetUse>,
    /// Fields changed differently on this desktop and another: the site's
    /// value is current, this desktop's is kept here until the field is set
    /// again.
    pub conflicts: Vec<AssetConflict>,
}

/// A field of an asset changed differently on two desktops (see `sync::assets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetConflict {
    /// name | credit | licence | alt | caption | variant (a language's file
    /// the other asset had, and this one has not)
    pub field: String,
    /// The language of an alt text or caption.
    pub lang: Option<String>,
    /// This desktop's value, no longer current.
    pub kept: String,
    /// The value that became current.
    pub current: String,
    pub at: String,
    /// When the kept value was another asset's: the same file added as two
    /// assets on two desktops, that one now an alias of this one.
    pub from_asset: Option<String>,
}

/// The file of one language (`lang` `None`: for every language without its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Variant {
    pub lang: Option<String>,
    pub current: FileVersion,
    /// Earlier versions, newest first; kept, never replaced.
    pub older: Vec<FileVersion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileVersion {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    /// SHA-256 of the file as it was added (hex).
    pub sha256: String,
    /// Size of the stored file (an SVG's once sanitised).
    #[ts(type = "number")]
    pub byte_size: u64,
    pub format: Format,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub original_name: String,
    /// What the SVG sanitiser took out of this file.
    pub removed: Vec<String>,
    pub added_at: String,
    /// Whether the file is on this desktop. An asset that came by sync has
    /// its file fetched from the site once the desktop that added it has
    /// published it; until then this is false ("not on this desktop yet").
    pub here: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetText {
    pub lang: String,
    pub alt: String,
    pub caption: String,
}

/// A language version of a post whose body references the asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetUse {
    pub post_id: String,
    pub lang: String,
    pub title: String,
}

/// One line of the library view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssetSummary {
    pub id: String,
    pub name: String,
    pub kind: AssetKind,
    /// The languages with a file of their own; `None` for the all-languages file.
    pub variants: Vec<Option<String>>,
    /// The site languages with no alt text yet.
    pub missing_alt: Vec<String>,
    /// The checksum and size of the file the grid shows.
    pub sha256: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The variants (`None`: the all-languages file) whose current file is
    /// not on this desktop yet (see `FileVersion::here`).
    pub not_here: Vec<Option<String>>,
}

/// A file to add, with what the person said about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AddFile {
    pub path: String,
    /// The variant's language; without it, the file name's (`NAME.LANG.EXT`), else all.
    pub lang: Option<String>,
    /// The asset's name; without it, the file name's NAME.
    pub name: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub licence: Option<String>,
}

/// What adding one file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Added {
    pub asset_id: String,
    pub lang: Option<String>,
    #[ts(type = "number")]
    pub version: i64,
    pub outcome: AddOutcome,
    /// What the SVG sanitiser took out (empty for other files).
    pub removed: Vec<String>,
}

/// What adding several files (a drop, the file picker) did: each file is
/// added whole or refused with its reason, independently of the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AddReport {
    pub added: Vec<Added>,
    pub failed: Vec<crate::transfer::FileError>,
}

/// The library's assets: `library.assets()`.
pub struct Assets<'l> {
    pub(crate) lib: &'l Library,
}

impl Library {
    pub fn assets(&self) -> Assets<'_> {
        Assets { lib: self }
    }

    /// The folder beside the library file that holds its asset files.
    pub fn asset_folder(&self) -> Folder {
        Folder::of_library(self.path())
    }
}

/// The variant that stands for the whole asset where no language is asked
/// (the grid's tile, `asset file` without `--lang`): the file for every
/// language, else the source language's, else the first in the site's order of
/// languages, else any. Never whichever sorts first: the French desk's grid
/// shows the French map, not the Arabic one because "ar" < "fr".
pub(crate) fn standing<'a, T>(
    variants: &'a [T],
    lang_of: impl Fn(&T) -> Option<&str>,
    languages: &SiteLanguages,
) -> Option<&'a T> {
    let by = |l: Option<&str>| variants.iter().find(|v| lang_of(v) == l);
    by(None)
        .or_else(|| by(Some(languages.source())))
        .or_else(|| {
            languages
                .codes()
                .iter()
                .find_map(|code| by(Some(code.as_str())))
        })
        .or_else(|| variants.first())
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl Assets<'_> {
    /// Sets the alt text and/or caption of asset `id` in `lang`.
    pub fn set_text(
        &self,
        id: &str,
        lang: &str,
        alt: Option<&str>,
        caption: Option<&str>,
    ) -> Result<Asset> {
        let lang = self.known_lang(lang)?;
        self.lib.change(|tx| {
            let row = store::find(tx, id)?;
            store::set_text(tx, row, &lang, alt, caption)
        })?;
        self.get(id)
    }

    /// Sets the credit and/or licence of asset `id`.
    pub fn set_details(
        &self,
        id: &str,
        credit: Option<&str>,
        licence: Option<&str>,
    ) -> Result<Asset> {
        self.lib.change(|tx| {
            let row = store::find(tx, id)?;
            store::set_details(tx, row, credit, licence)
        })?;
        self.get(id)
    }

    /// Asset `id` (whole or a prefix), with its variants, versions, texts and users.
    pub fn get(&self, id: &str) -> Result<Asset> {
        self.lib.read(|c| {
            let row = store::find(c, id)?;
            let mut asset = store::load(c, row)?;
            asset.used_by = usage::used_by(c, &asset.id)?;
            let folder = self.lib.asset_folder();
            for v in &mut asset.variants {
                for f in std::iter::once(&mut v.current).chain(&mut v.older) {
                    f.here = folder.path_of(&f.sha256).exists();
                }
            }
            Ok(asset)
        })
    }

    /// Every asset, by name.
    pub fn list(&self) -> Result<Vec<AssetSummary>> {
        let (mut list, current) = self.lib.read(|c| {
            Ok((
                store::list(c, self.lib.languages())?,
                store::current_files(c)?,
            ))
        })?;
        let folder = self.lib.asset_folder();
        let mut not_here: std::collections::HashMap<String, Vec<Option<String>>> =
            std::collections::HashMap::new();
        for (asset, lang, sha256) in current {
            if !folder.path_of(&sha256).exists() {
                not_here.entry(asset).or_default().push(lang);
            }
        }
        for a in &mut list {
            a.not_here = not_here.remove(&a.id).unwrap_or_default();
        }
        Ok(list)
    }

    /// The ids of assets no live post uses.
    pub fn unused(&self) -> Result<Vec<String>> {
        self.lib.read(usage::unused)
    }

    /// The file of asset `id` for `lang` (its own, else the one for every
    /// language; without `lang`, the all-languages file, else the source
    /// language's, else the first): the version and the stored bytes.
    pub fn file(&self, id: &str, lang: Option<&str>) -> Result<(FileVersion, Vec<u8>)> {
        let asset = self.get(id)?;
        let variant = self.pick(&asset, lang)?;
        let bytes = self.stored(&asset, variant)?;
        Ok((variant.current.clone(), bytes))
    }

    /// A PNG thumbnail of asset `id`'s file for `lang`, fitting in `size`
    /// pixels, from the cache when it was made before.
    pub fn thumbnail(&self, id: &str, lang: Option<&str>, size: u32) -> Result<Vec<u8>> {
        let asset = self.get(id)?;
        let variant = self.pick(&asset, lang)?;
        let version = &variant.current;
        let size = size.clamp(16, thumbs::MAX_SIZE);
        let folder = self.lib.asset_folder();
        let cached = folder.thumbnail_path(&version.sha256, size);
        if let Ok(png) = std::fs::read(&cached) {
            return Ok(png);
        }
        let bytes = self.stored(&asset, variant)?;
        let stored_path = folder.path_of(&version.sha256);
        let png =
            thumbs::thumbnail(&bytes, version.format, size).map_err(|reason| Error::BadAsset {
                path: stored_path,
                reason,
            })?;
        let _ = files::write_atomic(&cached, &png);
        Ok(png)
    }

    /// The stored bytes of `variant`'s current file. One not in the folder
    /// says why: it came by sync and has not been fetched from the site yet,
    /// or it was added here and the folder was not copied with the library.
    fn stored(&self, asset: &Asset, variant: &Variant) -> Result<Vec<u8>> {
        let sha256 = &variant.current.sha256;
        match self.lib.asset_folder().read(sha256) {
            Err(Error::AssetFileMissing { path }) => {
                Err(if self.lib.read(|c| store::by_sync(c, sha256))? {
                    Error::AssetFileNotFetched {
                        id: asset.id.clone(),
                        name: asset.name.clone(),
                        lang: variant
                            .lang
                            .clone()
                            .unwrap_or_else(|| "every language".into()),
                    }
                } else {
                    Error::AssetFileMissing { path }
                })
            }
            other => other,
        }
    }

    fn pick<'a>(&self, asset: &'a Asset, lang: Option<&str>) -> Result<&'a Variant> {
        let by = |l: Option<&str>| asset.variants.iter().find(|v| v.lang.as_deref() == l);
        let found = match lang {
            Some(l) => by(Some(l)).or_else(|| by(None)),
            None => standing(&asset.variants, |v| v.lang.as_deref(), self.lib.languages()),
        };
        found.ok_or_else(|| Error::AssetNoVariant {
            id: asset.id.clone(),
            lang: lang.unwrap_or("any language").to_string(),
        })
    }

    fn known_lang(&self, lang: &str) -> Result<String> {
        let lang = lang.trim().to_ascii_lowercase();
        let codes = self.lib.languages().codes();
        if codes.contains(&lang) {
            Ok(lang)
        } else {
            Err(Error::UnknownLanguage {
                lang,
                known: codes.join(", "),
            })
        }
    }

    /// Where the asset files are (for the README's "one file and one folder").
    pub fn folder_path(&self) -> PathBuf {
        self.lib.asset_folder().root().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::languages::SiteLanguages;

    fn site(source: &str, all: &[&str]) -> SiteLanguages {
        SiteLanguages::new(source, all.iter().map(|l| l.to_string()).collect())
    }

    fn standing<'a>(variants: &'a [Option<&'a str>], languages: &SiteLanguages) -> Option<&'a str> {
        super::standing(variants, |v| *v, languages).map(|v| v.unwrap_or("all"))
    }

    #[test]
    fn the_file_for_every_language_then_the_source_languages_stands_for_the_asset() {
        let fr = site("fr", &["fr", "en", "es", "ar"]);
        assert_eq!(standing(&[Some("ar"), Some("fr"), None], &fr), Some("all"));
        assert_eq!(
            standing(&[Some("ar"), Some("es"), Some("fr")], &fr),
            Some("fr")
        );
        // No source file: the site's order, not the alphabet's.
        assert_eq!(standing(&[Some("ar"), Some("es")], &fr), Some("es"));
        let ar = site("ar", &["ar", "fr"]);
        assert_eq!(standing(&[Some("fr"), Some("ar")], &ar), Some("ar"));
        // A language the site no longer has still shows rather than nothing.
        assert_eq!(standing(&[Some("de")], &fr), Some("de"));
        assert_eq!(standing(&[], &fr), None);
    }

    #[test]
    fn a_file_added_here_and_missing_from_the_folder_says_to_copy_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let lib = crate::Library::open(dir.path().join("lib.sqlite3")).unwrap();
        let path = dir.path().join("carte.png");
        image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8, y as u8, 3]))
            .save(&path)
            .unwrap();
        let added = lib
            .assets()
            .add(&super::AddFile {
                path: path.display().to_string(),
                ..Default::default()
            })
            .unwrap();
        let (version, _) = lib.assets().file(&added.asset_id, None).unwrap();
        std::fs::remove_file(lib.asset_folder().path_of(&version.sha256)).unwrap();
        for err in [
            lib.assets().file(&added.asset_id, None).unwrap_err(),
            lib.assets()
                .thumbnail(&added.asset_id, None, 100)
                .unwrap_err(),
        ] {
            assert_eq!(err.code(), "asset_file_missing", "{err}");
            assert!(err.to_string().contains("copy the library"), "{err}");
        }
    }

    #[test]
    fn checksums_are_lower_case_hex_sha256() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
