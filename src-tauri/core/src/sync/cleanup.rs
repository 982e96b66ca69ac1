//! Old media on a backend: once a new version of a variant's file has
//! replaced it in every version this library sends, the file this library
//! uploaded for the old one is deleted there, so that a site's media library
//! does not keep every draft of every infographic forever.
//!
//! Deleted only when all of these hold:
//! - this library's upload made it (`sync_media.created`, migration 0019; a
//!   file another library uploaded, or found there already, is left alone);
//! - it is no variant's current file here (files are fetched by other
//!   desktops from the current ones, and a post may show it again);
//! - no language version this library sent, or received, is known to show
//!   it there (`sync_figures`, the figures each was last written with);
//! - every language version here that uses its asset and is on the backend
//!   has known figures there (one this desktop received without being able
//!   to draw them might still show it).
//!
//! A delete that fails (network, refusal, an answer that is not one) fails
//! nothing else: the file stays listed, its reason kept, and the next sync
//! tries again; the report names it.

use rusqlite::{params, Connection, OptionalExtension};

use super::record::RecordKey;
use super::{state, SyncReport};
use crate::assets::usage;
use crate::backends::{Backend, MediaRef};
use crate::error::Result;
use crate::store::write::Origin;
use crate::Library;

/// A file to delete on the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Due {
    pub sha256: String,
    pub media: MediaRef,
    /// How people know it: "carte-reseau, version 1 of fr (carte.fr.png)".
    pub what: String,
}

/// The files this library uploaded to `backend` that no version it sends
/// shows any more (see the module comment).
pub(super) fn due(c: &Connection, backend: &str) -> Result<Vec<Due>> {
    let rows: Vec<(String, String, String)> = c
        .prepare_cached(
            "SELECT m.sha256, m.remote_id, m.url FROM sync_media m \
             WHERE m.backend = ?1 AND m.created = 1 \
             AND NOT EXISTS (SELECT 1 FROM asset_files f WHERE f.sha256 = m.sha256 \
                 AND f.number = (SELECT max(number) FROM asset_files WHERE variant_id = f.variant_id)) \
             AND NOT EXISTS (SELECT 1 FROM sync_figures g \
                 WHERE g.backend = m.backend AND instr(g.figures, m.sha256) > 0) \
             ORDER BY m.uploaded_at, m.sha256",
        )?
        .query_map([backend], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (sha256, id, url) in rows {
        let owner: Option<(String, String, String, i64, String)> = c
            .prepare_cached(
                "SELECT a.uid, a.name, v.lang, f.number, f.original_name FROM asset_files f \
                 JOIN asset_variants v ON v.id = f.variant_id JOIN assets a ON a.id = v.asset_id \
                 WHERE f.sha256 = ?1",
            )?
            .query_row([&sha256], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let what = match &owner {
            Some((_, name, lang, number, file)) => {
                let lang = if lang.is_empty() {
                    "every language"
                } else {
                    lang
                };
                format!("{name}, version {number} of its file for {lang} ({file})")
            }
            None => format!("the file of checksum {sha256}"),
        };
        if let Some((asset, ..)) = &owner {
            if !figures_known(c, backend, asset)? {
                continue;
            }
        }
        out.push(Due {
            sha256,
            media: MediaRef { id, url },
            what,
        });
    }
    Ok(out)
}

/// Whether every language version here that uses asset `uid` and is on
/// `backend` has the figures it shows there recorded.
fn figures_known(c: &Connection, backend: &str, uid: &str) -> Result<bool> {
    for u in usage::used_by(c, uid)? {
        let version: Option<String> = c
            .prepare_cached(
                "SELECT v.uid FROM language_versions v JOIN posts p ON p.id = v.post_id \
                 WHERE p.uid = ?1 AND v.lang = ?2",
            )?
            .query_row(params![u.post_id, u.lang], |r| r.get(0))
            .optional()?;
        let Some(version) = version else { continue };
        let key = RecordKey::Version(version);
        let there =
            state::base(c, backend, &key)?.is_some_and(|b| b.body.is_some() && b.remote.is_some());
        if !there {
            continue;
        }
        let known = c
            .prepare_cached("SELECT 1 FROM sync_figures WHERE backend = ?1 AND record = ?2")?
            .query_row(params![backend, key.to_text()], |_| Ok(()))
            .optional()?
            .is_some();
        if !known {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How many old files' deletes on `backend` failed and wait for the next sync.
pub(super) fn failed(c: &Connection, backend: &str) -> Result<u32> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM sync_media WHERE backend = ?1 AND delete_failed IS NOT NULL",
    )?
    .query_row([backend], |r| r.get(0))?)
}

/// Deletes on `backend` (recorded as `name`) every file `due` lists; see the
/// module comment. Only the library's own errors stop it.
pub(super) async fn delete_old_media(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    report: &mut SyncReport,
) -> Result<()> {
    let due = lib.read(|c| due(c, name))?;
    for d in due {
        match backend.delete_media(&d.media, &d.sha256).await {
            Ok(()) => {
                lib.write(Origin::Sync, |tx| {
                    tx.prepare_cached("DELETE FROM sync_media WHERE backend = ?1 AND sha256 = ?2")?
                        .execute(params![name, d.sha256])?;
                    Ok(())
                })?;
                report.media_deleted += 1;
            }
            Err(e) => {
                let why = e.to_string();
                lib.write(Origin::Sync, |tx| {
                    tx.prepare_cached(
                        "UPDATE sync_media SET delete_failed = ?3 WHERE backend = ?1 AND sha256 = ?2",
                    )?
                    .execute(params![name, d.sha256, why])?;
                    Ok(())
                })?;
                report.media_pending.push(format!(
                    "{}: media {} was not deleted and is tried again at the next sync: {why}",
                    d.what, d.media.id
                ));
            }
        }
    }
    Ok(())
}
