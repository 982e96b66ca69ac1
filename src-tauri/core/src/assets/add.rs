//! Adding a file: read whole and checked (a damaged, cut-short, unsupported or
//! empty file, or a decompression bomb, is refused with nothing added), an
//! SVG sanitised, the bytes stored under their checksum, then recorded as a
//! new asset, a new language variant or a new version in one transaction.

use std::path::{Path, PathBuf};

use super::{files, naming, probe, resolve, store, svg, thumbs};
use super::{sha256_hex, AddFile, AddOutcome, AddReport, Added, Assets, Format};
use crate::error::{Error, Result};
use crate::Origin;

impl Assets<'_> {
    /// Adds the file at `file.path`: checks it whole (a damaged, cut-short,
    /// unsupported or empty file, or a decompression bomb, is refused and
    /// nothing is added), sanitises an SVG, stores it, and records it as a new
    /// asset, a new language variant or a new version. A file whose checksum
    /// is known already adds nothing and answers the asset that has it.
    pub fn add(&self, file: &AddFile) -> Result<Added> {
        self.add_from(file, None)
    }

    /// Adds each of `paths` as `add` does (names and languages from the file
    /// names); a refused file is reported and the others still added.
    pub fn add_files(&self, paths: &[PathBuf]) -> AddReport {
        let mut report = AddReport::default();
        for path in paths {
            let file = AddFile {
                path: path.display().to_string(),
                ..AddFile::default()
            };
            match self.add(&file) {
                Ok(added) => report.added.push(added),
                Err(e) => report.failed.push(crate::transfer::FileError {
                    path: file.path,
                    message: e.to_string(),
                }),
            }
        }
        report
    }

    /// `add`, recorded as coming from `origin` (the watched folder says so).
    pub fn add_as(&self, file: &AddFile, origin: Origin) -> Result<Added> {
        self.add_from(file, Some(origin))
    }

    fn add_from(&self, file: &AddFile, origin: Option<Origin>) -> Result<Added> {
        let path = Path::new(&file.path);
        let bad = |reason: String| Error::BadAsset {
            path: path.to_owned(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let sha256 = sha256_hex(&bytes);
        if let Some((asset_id, lang, version)) = self.lib.read(|c| store::known_file(c, &sha256))? {
            return Ok(Added {
                asset_id,
                lang,
                version,
                outcome: AddOutcome::AlreadyKnown,
                removed: Vec::new(),
            });
        }
        // A designer's folder keeps what was exported: an asset deleted here
        // must not come back with the next look at it.
        if origin == Some(Origin::Watcher) {
            if let Some(asset_id) = self.lib.read(|c| store::deleted_file(c, &sha256))? {
                return Ok(Added {
                    asset_id,
                    lang: None,
                    version: 0,
                    outcome: AddOutcome::OfDeletedAsset,
                    removed: Vec::new(),
                });
            }
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let codes = self.lib.languages().codes();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let named = naming::parse(&file_name, &codes);
        let lang = match file.lang.as_deref() {
            Some(l) => Some(self.known_lang(l)?),
            None => named.lang.clone(),
        };
        let name = file
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&named.name)
            .to_string();

        let found = probe::probe(&bytes).map_err(bad)?;
        let (stored, removed, width, height) = match found.format {
            Format::Svg => {
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| bad("the SVG is not UTF-8 text".into()))?;
                let clean = svg::sanitise(text)
                    .map_err(|e| bad(format!("it is not an SVG Valise can read: {}", e.0)))?;
                let (w, h) = resolve::svg_size(clean.svg.as_bytes()).map_err(bad)?;
                (clean.svg.into_bytes(), clean.removed, Some(w), Some(h))
            }
            _ => (bytes, Vec::new(), found.width, found.height),
        };
        // Decoding the thumbnail is the check that the whole image is readable.
        let thumbnail = match found.format {
            Format::Pdf => None,
            f => Some(thumbs::thumbnail(&stored, f, thumbs::DEFAULT_SIZE).map_err(bad)?),
        };

        let folder = self.lib.asset_folder();
        let wrote = folder.put(&sha256, &stored)?;
        let record = |tx: &crate::WriteTx| {
            let (uid, version, outcome) = store::record_file(
                tx,
                &store::NewFile {
                    name: &name,
                    lang: lang.as_deref(),
                    sha256: &sha256,
                    byte_size: stored.len() as u64,
                    format: found.format,
                    width,
                    height,
                    original_name: &file_name,
                    removed: &removed,
                    credit: file.credit.as_deref(),
                    licence: file.licence.as_deref(),
                },
            )?;
            if outcome != AddOutcome::AlreadyKnown && (file.alt.is_some() || file.caption.is_some())
            {
                let text_lang = lang
                    .clone()
                    .unwrap_or_else(|| self.lib.languages().source().to_string());
                let row = store::find(tx, &uid)?;
                store::set_text(
                    tx,
                    row,
                    &text_lang,
                    file.alt.as_deref(),
                    file.caption.as_deref(),
                )?;
            }
            // Added on purpose: no longer a deleted asset's file.
            tx.prepare_cached("DELETE FROM deleted_asset_files WHERE sha256 = ?1")?
                .execute([&sha256])?;
            Ok((uid, version, outcome))
        };
        let recorded = match origin {
            Some(origin) => self.lib.write(origin, record).map(|(value, _)| value),
            None => self.lib.change(record),
        };
        let (asset_id, version, outcome) = match recorded {
            Ok(r) => r,
            Err(e) => {
                if wrote {
                    folder.take_back(&sha256);
                }
                return Err(e);
            }
        };
        if let Some(png) = thumbnail {
            // A cache: failing to keep it only costs making it again later.
            let _ =
                files::write_atomic(&folder.thumbnail_path(&sha256, thumbs::DEFAULT_SIZE), &png);
        }
        Ok(Added {
            asset_id,
            lang,
            version,
            outcome,
            removed,
        })
    }
}
