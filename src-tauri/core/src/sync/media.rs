//! Media for the push: before a language version is sent, each file it shows
//! (its language's variant) is put on the backend once per checksum with the
//! alt text and caption it carries there, and the version goes with the
//! `Figures` that point at the backend's copies. Per (backend, checksum) the
//! library keeps the backend's id and URL (`sync_media`, migration 0011); per
//! version, the figures it was last sent with (`sync_figures`), so that a new
//! file version or a changed alt text or caption sends it again.
//!
//! Every file to upload is read and checked before anything goes out: a
//! stored file changed or lost behind the library's back stops the version
//! (it stays in the outbox) with an error naming the asset, and nothing of it
//! is sent.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::{Here, Local, Plan};
use super::record::{Record, RecordKey, VersionRecord};
use crate::assets::{self, Folder, Format, Shown};
use crate::backends::{Backend, Figures, MediaFile, MediaRef};
use crate::error::{Error, Result};
use crate::languages::SiteLanguages;
use crate::render::Figure;
use crate::store::write::{Origin, WriteTx};
use crate::workflow::rules::AssetRef;
use crate::Library;

/// What a version is sent with: its figures, and their fingerprint to keep
/// once the backend confirms it.
#[derive(Debug, Clone, Default)]
pub(super) struct Outgoing {
    pub figures: Figures,
    pub fingerprint: Option<String>,
}

/// A file the backend holds.
struct Held {
    media: MediaRef,
    alt: String,
    caption: String,
}

/// Puts on `backend` (recorded as `name`) every file `record` shows that it
/// lacks, updates the alt text and caption of those it holds with other
/// texts, and answers the figures to send the record with.
pub(super) async fn prepare(
    lib: &Library,
    name: &str,
    backend: &dyn Backend,
    record: &Record,
) -> Result<Outgoing> {
    let Record::Version(v) = record else {
        return Ok(Outgoing::default());
    };
    let source = lib.languages().source().to_string();
    let (shown, held) = lib.read(|c| {
        let (shown, _) = assets::published(c, &v.text.body, &v.lang, &source)?;
        let mut held = HashMap::new();
        for s in &shown {
            if let Some(h) = held_file(c, name, &s.sha256)? {
                held.insert(s.sha256.clone(), h);
            }
        }
        Ok((shown, held))
    })?;
    let folder = lib.asset_folder();
    let mut files: HashMap<&str, Vec<u8>> = HashMap::new();
    for s in &shown {
        if !held.contains_key(&s.sha256) && !files.contains_key(s.sha256.as_str()) {
            let bytes = match checked_file(&folder, s) {
                // Added here, not fetched: the folder lost it.
                Err(Error::AssetFileNotHere { .. })
                    if !lib.read(|c| assets::store::by_sync(c, &s.sha256))? =>
                {
                    return Err(Error::AssetFileLost {
                        id: s.asset_id.clone(),
                        name: s.name.clone(),
                        path: folder.path_of(&s.sha256),
                    });
                }
                other => other?,
            };
            files.insert(&s.sha256, bytes);
        }
    }
    let mut urls: HashMap<&str, String> = HashMap::new();
    for s in &shown {
        if urls.contains_key(s.sha256.as_str()) {
            continue;
        }
        let media = match held.get(&s.sha256) {
            Some(h) if h.alt == s.file_alt && h.caption == s.file_caption => h.media.clone(),
            Some(h) => {
                backend
                    .set_media_text(&h.media, &s.file_alt, &s.file_caption)
                    .await?;
                remember(lib, name, s, &h.media, None)?;
                h.media.clone()
            }
            None => {
                let file = MediaFile {
                    sha256: s.sha256.clone(),
                    file_name: file_name(s),
                    mime: s.format.mime().to_string(),
                    bytes: files.remove(s.sha256.as_str()).unwrap_or_default(),
                    alt: s.file_alt.clone(),
                    caption: s.file_caption.clone(),
                };
                let up = backend.upload_media(&file).await?;
                // At once: a sync stopped later finds it here, not by a second upload.
                remember(lib, name, s, &up.media, Some(up.created))?;
                up.media
            }
        };
        urls.insert(&s.sha256, media.url);
    }
    let figures = shown
        .iter()
        .map(|s| {
            let figure = Figure {
                url: urls[s.sha256.as_str()].clone(),
                alt: s.alt.clone(),
                caption: s.caption.clone(),
                width: s.width,
                height: s.height,
            };
            (s.reference.clone(), figure)
        })
        .collect();
    let signed = shown
        .iter()
        .map(|s| AssetRef {
            id: s.signed_id.clone(),
            checksum: s.sha256.clone(),
        })
        .collect();
    Ok(Outgoing {
        figures: Figures {
            by_ref: figures,
            signed,
        },
        fingerprint: Some(fingerprint(&shown)),
    })
}

/// The stored bytes of `s`, checked against what the library recorded.
fn checked_file(folder: &Folder, s: &Shown) -> Result<Vec<u8>> {
    let path = folder.path_of(&s.sha256);
    let damaged = |reason: &str| Error::AssetFileDamaged {
        id: s.asset_id.clone(),
        name: s.name.clone(),
        path: path.clone(),
        reason: reason.to_string(),
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        // Recorded by a sync, not yet fetched: nothing is sent in its stead.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::AssetFileNotHere {
                id: s.asset_id.clone(),
                name: s.name.clone(),
            })
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let intact = match s.format {
        // Kept sanitised under the checksum of the file as added: its size
        // is what was recorded, and sanitising it again takes nothing out.
        Format::Svg => {
            bytes.len() as u64 == s.byte_size
                && std::str::from_utf8(&bytes)
                    .ok()
                    .and_then(|t| assets::svg::sanitise(t).ok())
                    .is_some_and(|clean| clean.removed.is_empty())
        }
        _ => assets::sha256_hex(&bytes) == s.sha256,
    };
    if !intact {
        return Err(damaged(
            "no longer matches the file that was added (it was changed or damaged on disk)",
        ));
    }
    Ok(bytes)
}

/// `carte-reseau.ar.png`: the asset's name (in ASCII: it travels in an HTTP
/// header), the variant's language, the extension of its type (WordPress
/// judges a file's type by it).
fn file_name(s: &Shown) -> String {
    let safe: String = s
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = if safe.is_empty() { "asset" } else { &safe };
    match &s.variant_lang {
        Some(lang) => format!("{safe}.{lang}.{}", s.format.extension()),
        None => format!("{safe}.{}", s.format.extension()),
    }
}

/// What a version's figures depend on: per reference, the asset, the file
/// and the texts shown.
fn fingerprint(shown: &[Shown]) -> String {
    let parts: Vec<[&str; 5]> = shown
        .iter()
        .map(|s| {
            [
                s.reference.as_str(),
                s.asset_id.as_str(),
                s.sha256.as_str(),
                s.alt.as_str(),
                s.caption.as_str(),
            ]
        })
        .collect();
    serde_json::to_string(&parts).expect("strings serialise")
}

fn held_file(c: &Connection, backend: &str, sha256: &str) -> Result<Option<Held>> {
    Ok(c.prepare_cached(
        "SELECT remote_id, url, alt, caption FROM sync_media WHERE backend = ?1 AND sha256 = ?2",
    )?
    .query_row(params![backend, sha256], |r| {
        Ok(Held {
            media: MediaRef {
                id: r.get(0)?,
                url: r.get(1)?,
            },
            alt: r.get(2)?,
            caption: r.get(3)?,
        })
    })
    .optional()?)
}

/// Keeps what `backend` holds of `s`'s file; `created`: whether this
/// library's upload stored it (only those it may delete later,
/// `sync::cleanup`), `None` when only its texts changed.
fn remember(
    lib: &Library,
    backend: &str,
    s: &Shown,
    media: &MediaRef,
    created: Option<bool>,
) -> Result<()> {
    lib.write(Origin::Sync, |tx| {
        tx.prepare_cached(
            "INSERT INTO sync_media (backend, sha256, remote_id, url, alt, caption, uploaded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (backend, sha256) DO UPDATE SET \
             remote_id = excluded.remote_id, url = excluded.url, alt = excluded.alt, \
             caption = excluded.caption",
        )?
        .execute(params![
            backend,
            s.sha256,
            media.id,
            media.url,
            s.file_alt,
            s.file_caption,
            tx.now()
        ])?;
        if let Some(created) = created {
            tx.prepare_cached(
                "UPDATE sync_media SET created = ?3 WHERE backend = ?1 AND sha256 = ?2",
            )?
            .execute(params![backend, s.sha256, created])?;
        }
        Ok(())
    })
    .map(|_| ())
}

/// Records the figures `key` was sent with (in the commit that records the
/// send); a version that shows none keeps no row.
pub(super) fn sent(tx: &WriteTx, backend: &str, key: &RecordKey, out: &Outgoing) -> Result<()> {
    let Some(fingerprint) = &out.fingerprint else {
        return Ok(());
    };
    let shown = (!out.figures.by_ref.is_empty()).then(|| fingerprint.clone());
    keep_fingerprint(tx, backend, key, shown)
}

/// Records the figures version `key`, just written here from the backend,
/// shows here as those the backend holds: the desktop that sent it drew
/// them from the same asset records (pulled before the versions). Without
/// it, a version this desktop only received would be sent back as soon as
/// it could draw its figures. Not recorded while a reference does not
/// resolve here, nor while an asset it shows has changes here the backend
/// has not agreed to (the version then goes with the new figures).
pub(super) fn received(tx: &WriteTx, backend: &str, key: &RecordKey) -> Result<()> {
    let Local::Live(Record::Version(v)) = super::local::record(tx, key)? else {
        return Ok(());
    };
    let source = SiteLanguages::load(tx)?;
    let (shown, unresolved) = assets::published(tx, &v.text.body, &v.lang, source.source())?;
    if unresolved {
        return Ok(());
    }
    // An asset changed here and not yet agreed draws other figures than the
    // site's: then the version must still go with them.
    for s in &shown {
        let key = RecordKey::Asset(s.asset_id.clone());
        let agreed = super::state::base(tx, backend, &key)?.and_then(|b| b.body);
        let here = match super::local::record(tx, &key)? {
            Local::Live(r) => Some(r),
            _ => None,
        };
        if agreed.is_none() || agreed != here {
            return Ok(());
        }
    }
    keep_fingerprint(
        tx,
        backend,
        key,
        (!shown.is_empty()).then(|| fingerprint(&shown)),
    )
}

/// The figures `key` is known to be on `backend` with (`None`: none).
fn keep_fingerprint(
    tx: &WriteTx,
    backend: &str,
    key: &RecordKey,
    fingerprint: Option<String>,
) -> Result<()> {
    match fingerprint {
        None => {
            tx.prepare_cached("DELETE FROM sync_figures WHERE backend = ?1 AND record = ?2")?
                .execute(params![backend, key.to_text()])?;
        }
        Some(f) => {
            tx.prepare_cached(
                "INSERT INTO sync_figures (backend, record, figures) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (backend, record) DO UPDATE SET figures = excluded.figures",
            )?
            .execute(params![backend, key.to_text(), f])?;
        }
    }
    Ok(())
}

/// Whether version `key`, as the plan leaves it here, shows other figures
/// than this library last sent it with, and must go again (a version it
/// never sent goes once when it can draw its figures). A version with a
/// reference this library cannot resolve is never sent for its figures'
/// sake: that would replace the backend's pictures by placeholders.
pub(super) fn shows_new_figures(
    tx: &WriteTx,
    backend: &str,
    key: &RecordKey,
    plan: &Plan,
) -> Result<bool> {
    if !matches!(key, RecordKey::Version(_)) || matches!(plan.here, Here::Delete) {
        return Ok(false);
    }
    // The plan's base is already recorded: is the version live there?
    let on_backend = super::state::base(tx, backend, key)?
        .is_some_and(|b| b.body.is_some() && b.remote.is_some());
    if !on_backend {
        // Its first send carries its figures.
        return Ok(false);
    }
    let Local::Live(Record::Version(v)) = super::local::record(tx, key)? else {
        return Ok(false);
    };
    figures_differ(tx, backend, key, &v)
}

/// `figures_differ` for whatever is here (only a live version shows files).
pub(super) fn local_figures_differ(
    c: &Connection,
    backend: &str,
    key: &RecordKey,
    here: &Local,
) -> Result<bool> {
    match here {
        Local::Live(Record::Version(v)) => figures_differ(c, backend, key, v),
        _ => Ok(false),
    }
}

/// Whether `v`'s figures now differ from those it was sent to `backend` with.
pub(super) fn figures_differ(
    c: &Connection,
    backend: &str,
    key: &RecordKey,
    v: &VersionRecord,
) -> Result<bool> {
    let source = SiteLanguages::load(c)?;
    let (shown, unresolved) = assets::published(c, &v.text.body, &v.lang, source.source())?;
    if unresolved {
        return Ok(false);
    }
    let sent: Option<String> = c
        .prepare_cached("SELECT figures FROM sync_figures WHERE backend = ?1 AND record = ?2")?
        .query_row(params![backend, key.to_text()], |r| r.get(0))
        .optional()?;
    Ok(match sent {
        Some(sent) => sent != fingerprint(&shown),
        None => !shown.is_empty(),
    })
}

/// The language versions showing an asset changed after change set `after`
/// (a new file version, alt text or caption), for the planner to look at.
pub(super) fn versions_with_changed_assets(
    c: &Connection,
    after: i64,
) -> Result<BTreeSet<RecordKey>> {
    let assets: Vec<String> = c
        .prepare_cached(
            "SELECT DISTINCT record_id FROM record_counters \
             WHERE change_set > ?1 AND record_kind = 'asset'",
        )?
        .query_map([after], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = BTreeSet::new();
    for asset in assets {
        for u in assets::usage::used_by(c, &asset)? {
            let uid: Option<String> = c
                .prepare_cached(
                    "SELECT v.uid FROM language_versions v JOIN posts p ON p.id = v.post_id \
                     WHERE p.uid = ?1 AND v.lang = ?2",
                )?
                .query_row(params![u.post_id, u.lang], |r| r.get(0))
                .optional()?;
            keys.extend(uid.map(RecordKey::Version));
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(name: &str, lang: Option<&str>, format: Format) -> Shown {
        Shown {
            reference: "abcd1234".into(),
            asset_id: "abcd1234ef".into(),
            signed_id: "abcd1234ef".into(),
            name: name.into(),
            variant_lang: lang.map(str::to_string),
            sha256: "00".repeat(32),
            format,
            byte_size: 3,
            width: None,
            height: None,
            alt: String::new(),
            caption: String::new(),
            file_alt: String::new(),
            file_caption: String::new(),
        }
    }

    #[test]
    fn an_upload_is_named_by_asset_language_and_type() {
        assert_eq!(
            file_name(&shown("carte-reseau", Some("ar"), Format::Png)),
            "carte-reseau.ar.png"
        );
        assert_eq!(
            file_name(&shown("Carte du réseau", None, Format::Svg)),
            "Carte-du-r-seau.svg"
        );
        assert_eq!(file_name(&shown("../..", None, Format::Jpeg)), "-----.jpg");
    }
}
