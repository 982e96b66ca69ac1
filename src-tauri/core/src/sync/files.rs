//! Files follow their asset records: after a sync has written the assets it
//! pulled, each variant's current file that this desktop lacks (by checksum)
//! is fetched from the backend's media, checked, stored in the
//! content-addressed folder with its thumbnail, and announced on the change
//! feed. A file the backend does not hold yet (the desktop that added it has
//! not published it) is simply absent here ("not on this desktop yet",
//! `FileVersion::here`) and is asked for again at the next sync.
//!
//! The check: a raster, PDF or other file must have the recorded SHA-256; an
//! SVG is kept sanitised under the checksum of the file as added, so its
//! recorded size must match and sanitising it again must take nothing out.
//! A file that fails is refused with an error naming the asset, and nothing
//! of it is stored; the other files still arrive.

use rusqlite::Connection;

use super::SyncReport;
use crate::assets::{self, files, svg, thumbs, Folder, Format};
use crate::backends::Backend;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, Origin, RecordKind};
use crate::Library;

/// A current file this desktop lacks.
struct Wanted {
    asset: String,
    name: String,
    sha256: String,
    format: Format,
    byte_size: u64,
}

/// Every variant's current file, by asset, whose bytes the folder lacks.
fn wanted(c: &Connection, folder: &Folder) -> Result<Vec<Wanted>> {
    let mut stmt = c.prepare_cached(
        "SELECT a.uid, a.name, f.sha256, f.format, f.byte_size FROM assets a \
         JOIN asset_variants v ON v.asset_id = a.id JOIN asset_files f ON f.variant_id = v.id \
         WHERE f.number = (SELECT max(number) FROM asset_files WHERE variant_id = v.id) \
         ORDER BY a.name, v.lang",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (asset, name, sha256, format, byte_size) = row?;
        if folder.path_of(&sha256).exists() {
            continue;
        }
        let format = Format::parse(&format)
            .ok_or_else(|| Error::corrupt(format!("asset file format '{format}'")))?;
        out.push(Wanted {
            asset,
            name,
            sha256,
            format,
            byte_size: byte_size as u64,
        });
    }
    Ok(out)
}

/// Why `bytes` are not the file recorded with `sha256` and `byte_size`, if
/// they are not.
fn mismatch(format: Format, sha256: &str, byte_size: u64, bytes: &[u8]) -> Option<String> {
    match format {
        Format::Svg => {
            if bytes.len() as u64 != byte_size {
                return Some(format!(
                    "{} bytes where the sanitised SVG has {byte_size}",
                    bytes.len()
                ));
            }
            let clean = std::str::from_utf8(bytes)
                .ok()
                .and_then(|t| svg::sanitise(t).ok())
                .is_some_and(|c| c.removed.is_empty());
            (!clean).then(|| "it is not the sanitised SVG Valise stored".to_string())
        }
        _ => {
            let got = assets::sha256_hex(bytes);
            (got != sha256).then(|| format!("its SHA-256 is {got}, not {sha256}"))
        }
    }
}

/// Fetches from `backend` every current file this desktop lacks (see the
/// module comment). Answers the first refusal once every file was tried.
pub(super) async fn fetch_missing(
    lib: &Library,
    backend: &dyn Backend,
    report: &mut SyncReport,
) -> Result<()> {
    let folder = lib.asset_folder();
    let wanted = lib.read(|c| wanted(c, &folder))?;
    let mut refused = None;
    for w in wanted {
        let Some(bytes) = backend.fetch_media(&w.sha256).await? else {
            report.files_waiting += 1;
            continue;
        };
        if let Some(reason) = mismatch(w.format, &w.sha256, w.byte_size, &bytes) {
            report.files_waiting += 1;
            refused.get_or_insert(Error::AssetFileRefused {
                backend: backend.name().to_string(),
                id: w.asset.clone(),
                name: w.name.clone(),
                reason,
            });
            continue;
        }
        folder.put(&w.sha256, &bytes)?;
        if w.format != Format::Pdf {
            if let Ok(png) = thumbs::thumbnail(&bytes, w.format, thumbs::DEFAULT_SIZE) {
                // A cache: failing to keep it only costs making it again later.
                let _ = files::write_atomic(
                    &folder.thumbnail_path(&w.sha256, thumbs::DEFAULT_SIZE),
                    &png,
                );
            }
        }
        report.files_received += 1;
        // An open window shows the file as soon as it is here.
        lib.write(Origin::Sync, |tx| {
            tx.touched(
                RecordKind::Asset,
                &w.asset,
                ChangeAction::Updated,
                &w.asset,
                None,
            );
            Ok(())
        })?;
    }
    match refused {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raster_must_have_its_checksum_and_an_svg_its_size_and_nothing_to_take_out() {
        let png = b"\x89PNG not really";
        let sha = assets::sha256_hex(png);
        assert_eq!(mismatch(Format::Png, &sha, 15, png), None);
        let why = mismatch(Format::Png, &sha, 15, b"<html>502</html>").unwrap();
        assert!(why.contains(&sha), "{why}");

        let clean = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2"/></svg>"#;
        let clean = svg::sanitise(clean).unwrap().svg;
        let size = clean.len() as u64;
        // An SVG is checked against what was stored: the sanitised file.
        assert_eq!(
            mismatch(Format::Svg, "ignored", size, clean.as_bytes()),
            None
        );
        let hostile = clean.replace("<rect", "<script>alert(1)</script><rect");
        assert!(mismatch(
            Format::Svg,
            "ignored",
            hostile.len() as u64,
            hostile.as_bytes()
        )
        .is_some());
        assert!(mismatch(Format::Svg, "ignored", size + 1, clean.as_bytes()).is_some());
    }
}
