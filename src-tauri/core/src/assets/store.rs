//! The asset rows: writing a file version (with its asset and variant made as
//! needed) inside a write transaction, and reading assets back whole.

use rusqlite::{params, Connection, OptionalExtension};

use super::probe::{AssetKind, Format};
use super::{Asset, AssetConflict, AssetSummary, AssetText, FileVersion, Variant};
use crate::clock;
use crate::error::{Error, Result};
use crate::languages::SiteLanguages;
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// A file ready to be recorded: checked, stored in the folder, measured.
pub(crate) struct NewFile<'a> {
    pub name: &'a str,
    /// `None`: the variant for every language.
    pub lang: Option<&'a str>,
    pub sha256: &'a str,
    pub byte_size: u64,
    pub format: Format,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub original_name: &'a str,
    pub removed: &'a [String],
    pub credit: Option<&'a str>,
    pub licence: Option<&'a str>,
}

/// What recording a file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AddOutcome {
    /// A new asset, with this file as its first variant.
    NewAsset,
    /// A new language variant of an asset of the same name.
    NewVariant,
    /// A new version of an existing variant; the older ones are kept.
    NewVersion,
    /// The same file (same checksum) was already in the library: nothing added.
    AlreadyKnown,
    /// Seen in a watched folder, the file of an asset since deleted: nothing
    /// added (adding it by hand brings it back).
    OfDeletedAsset,
}

/// The asset (uid) whose deletion left the file of `sha256` behind, if any.
pub(crate) fn deleted_file(c: &Connection, sha256: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT asset_uid FROM deleted_asset_files WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?,
    )
}

/// The asset (uid) and variant number already holding the file of `sha256`.
pub(crate) fn known_file(
    c: &Connection,
    sha256: &str,
) -> Result<Option<(String, Option<String>, i64)>> {
    Ok(c.prepare_cached(
        "SELECT a.uid, v.lang, f.number FROM asset_files f \
         JOIN asset_variants v ON v.id = f.variant_id JOIN assets a ON a.id = v.asset_id \
         WHERE f.sha256 = ?1",
    )?
    .query_row([sha256], |r| {
        let lang: String = r.get(1)?;
        Ok((r.get(0)?, (!lang.is_empty()).then_some(lang), r.get(2)?))
    })
    .optional()?)
}

/// Whether the file version of `sha256` came from another desktop through
/// sync (migration 0020), rather than being added here.
pub(crate) fn by_sync(c: &Connection, sha256: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT by_sync FROM asset_files WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?
            .unwrap_or(false),
    )
}

/// Records `file` as the next version of its variant, making the asset and
/// the variant when they are new. Returns the asset's uid, the version number
/// and what happened.
pub(crate) fn record_file(tx: &WriteTx, file: &NewFile) -> Result<(String, i64, AddOutcome)> {
    if let Some((uid, _, number)) = known_file(tx, file.sha256)? {
        return Ok((uid, number, AddOutcome::AlreadyKnown));
    }
    let now = tx.now();
    let existing: Option<(i64, String)> = tx
        .prepare_cached("SELECT id, uid FROM assets WHERE name = ?1")?
        .query_row([file.name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (asset_row, uid, mut outcome) = match existing {
        Some((row, uid)) => (row, uid, AddOutcome::NewVariant),
        None => {
            let uid = crate::ids::new_id();
            tx.prepare_cached(
                "INSERT INTO assets (uid, name, kind, credit, licence, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, '', '', ?4, ?4)",
            )?
            .execute(params![uid, file.name, file.format.kind().as_str(), now])?;
            (tx.last_insert_rowid(), uid, AddOutcome::NewAsset)
        }
    };
    let lang = file.lang.unwrap_or("");
    let variant: Option<i64> = tx
        .prepare_cached("SELECT id FROM asset_variants WHERE asset_id = ?1 AND lang = ?2")?
        .query_row(params![asset_row, lang], |r| r.get(0))
        .optional()?;
    let variant = match variant {
        Some(v) => {
            outcome = AddOutcome::NewVersion;
            v
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO asset_variants (uid, asset_id, lang) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![crate::ids::new_id(), asset_row, lang])?;
            tx.last_insert_rowid()
        }
    };
    let number: i64 = tx
        .prepare_cached(
            "SELECT coalesce(max(number), 0) + 1 FROM asset_files WHERE variant_id = ?1",
        )?
        .query_row([variant], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO asset_files (uid, variant_id, number, sha256, byte_size, format, width, height, \
         original_name, removed, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        crate::ids::new_id(),
        variant,
        number,
        file.sha256,
        file.byte_size as i64,
        file.format.as_str(),
        file.width,
        file.height,
        file.original_name,
        serde_json::to_string(file.removed).unwrap_or_else(|_| "[]".into()),
        now
    ])?;
    if let Some(credit) = file.credit {
        tx.prepare_cached("UPDATE assets SET credit = ?2 WHERE id = ?1")?
            .execute(params![asset_row, credit.trim()])?;
    }
    if let Some(licence) = file.licence {
        tx.prepare_cached("UPDATE assets SET licence = ?2 WHERE id = ?1")?
            .execute(params![asset_row, licence.trim()])?;
    }
    touch(
        tx,
        asset_row,
        &uid,
        outcome == AddOutcome::NewAsset,
        file.lang,
    )?;
    Ok((uid, number, outcome))
}

/// Sets the alt text and/or caption of asset `row` in `lang` (`None` keeps a text).
pub(crate) fn set_text(
    tx: &WriteTx,
    row: i64,
    lang: &str,
    alt: Option<&str>,
    caption: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO asset_texts (asset_id, lang, alt, caption) \
         VALUES (?1, ?2, coalesce(?3, ''), coalesce(?4, '')) \
         ON CONFLICT (asset_id, lang) DO UPDATE \
         SET alt = coalesce(?3, alt), caption = coalesce(?4, caption)",
    )?
    .execute(params![
        row,
        lang,
        alt.map(str::trim),
        caption.map(str::trim)
    ])?;
    if alt.is_some() {
        settle(tx, row, "alt", lang)?;
    }
    if caption.is_some() {
        settle(tx, row, "caption", lang)?;
    }
    let uid = uid_of(tx, row)?;
    touch(tx, row, &uid, false, Some(lang))
}

/// Every variant's current file: (asset uid, variant language, checksum).
pub(crate) fn current_files(c: &Connection) -> Result<Vec<(String, Option<String>, String)>> {
    Ok(c.prepare_cached(
        "SELECT a.uid, v.lang, f.sha256 FROM assets a \
             JOIN asset_variants v ON v.asset_id = a.id JOIN asset_files f ON f.variant_id = v.id \
             WHERE f.number = (SELECT max(number) FROM asset_files WHERE variant_id = v.id) \
             ORDER BY a.uid, v.lang",
    )?
    .query_map([], |r| {
        let lang: String = r.get(1)?;
        Ok((r.get(0)?, (!lang.is_empty()).then_some(lang), r.get(2)?))
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// The open field conflicts of asset `row`, oldest first.
fn conflicts(c: &Connection, row: i64) -> Result<Vec<AssetConflict>> {
    Ok(c.prepare_cached(
        "SELECT field, lang, kept, current, created_at, from_asset FROM asset_conflicts \
             WHERE asset_id = ?1 AND resolved_at IS NULL ORDER BY id",
    )?
    .query_map([row], |r| {
        let lang: String = r.get(1)?;
        let from: String = r.get(5)?;
        Ok(AssetConflict {
            field: r.get(0)?,
            lang: (!lang.is_empty()).then_some(lang),
            kept: r.get(2)?,
            current: r.get(3)?,
            at: clock::to_text(r.get(4)?),
            from_asset: (!from.is_empty()).then_some(from),
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// Setting a field settles the conflicts kept on it: someone chose.
fn settle(tx: &WriteTx, row: i64, field: &str, lang: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE asset_conflicts SET resolved_at = ?4 \
         WHERE asset_id = ?1 AND field = ?2 AND lang = ?3 AND resolved_at IS NULL",
    )?
    .execute(params![row, field, lang, tx.now()])?;
    Ok(())
}

/// Sets an asset's credit and/or licence.
pub(crate) fn set_details(
    tx: &WriteTx,
    row: i64,
    credit: Option<&str>,
    licence: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE assets SET credit = coalesce(?2, credit), licence = coalesce(?3, licence) WHERE id = ?1",
    )?
    .execute(params![row, credit.map(str::trim), licence.map(str::trim)])?;
    if credit.is_some() {
        settle(tx, row, "credit", "")?;
    }
    if licence.is_some() {
        settle(tx, row, "licence", "")?;
    }
    let uid = uid_of(tx, row)?;
    touch(tx, row, &uid, false, None)
}

fn touch(tx: &WriteTx, row: i64, uid: &str, created: bool, lang: Option<&str>) -> Result<()> {
    tx.prepare_cached("UPDATE assets SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![row, tx.now()])?;
    let action = if created {
        ChangeAction::Created
    } else {
        ChangeAction::Updated
    };
    tx.touched(RecordKind::Asset, uid, action, uid, lang);
    Ok(())
}

fn uid_of(c: &Connection, row: i64) -> Result<String> {
    Ok(c.prepare_cached("SELECT uid FROM assets WHERE id = ?1")?
        .query_row([row], |r| r.get(0))?)
}

/// The row of the asset `id` names (a whole id or a prefix of 8 or more),
/// through an alias (`sync::fold`) when it names one.
pub(crate) fn find(c: &Connection, id: &str) -> Result<i64> {
    find_named(c, id).map(|(row, _)| row)
}

/// Whether the library has aliases yet: a migration before 0019 (the
/// content hashes of 0012) resolves references too.
pub(crate) fn has_aliases(c: &Connection) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'asset_aliases'",
    )?
    .query_row([], |_| Ok(()))
    .optional()?
    .is_some())
}

/// `find`, with the whole id the reference names: the asset's own, or the
/// alias's (what a post's signature covers, so that finding its asset to be
/// another desktop's same file voids no sign-off).
pub(crate) fn find_named(c: &Connection, id: &str) -> Result<(i64, String)> {
    let not_found = |id| Error::AssetNotFound { id };
    match crate::ids::resolve(c, "assets", id, "", not_found) {
        Ok(row) => return Ok((row, uid_of(c, row)?)),
        Err(Error::AssetNotFound { .. }) if has_aliases(c)? => {}
        Err(e) => return Err(e),
    }
    let alias = crate::ids::resolve(c, "asset_aliases", id, "", not_found)?;
    let named: String = c
        .prepare_cached("SELECT uid FROM asset_aliases WHERE id = ?1")?
        .query_row([alias], |r| r.get(0))?;
    let target = crate::sync::fold_target(c, &named)?
        .ok_or_else(|| Error::AssetNotFound { id: id.to_string() })?;
    let row = c
        .prepare_cached("SELECT id FROM assets WHERE uid = ?1")?
        .query_row([&target], |r| r.get(0))?;
    Ok((row, named))
}

/// The whole asset of row `row`, its usage left empty (see `usage::used_by`).
pub(crate) fn load(c: &Connection, row: i64) -> Result<Asset> {
    let (uid, name, kind, credit, licence, created, updated): (String, String, String, String, String, i64, i64) =
        c.prepare_cached(
            "SELECT uid, name, kind, credit, licence, created_at, updated_at FROM assets WHERE id = ?1",
        )?
        .query_row([row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    let kind =
        AssetKind::parse(&kind).ok_or_else(|| Error::corrupt(format!("asset kind '{kind}'")))?;
    let mut variants: Vec<Variant> = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT v.lang, f.uid, f.number, f.sha256, f.byte_size, f.format, f.width, f.height, \
         f.original_name, f.removed, f.added_at \
         FROM asset_variants v JOIN asset_files f ON f.variant_id = v.id \
         WHERE v.asset_id = ?1 ORDER BY v.lang, f.number DESC",
    )?;
    let rows = stmt.query_map([row], |r| {
        let lang: String = r.get(0)?;
        let format: String = r.get(5)?;
        let removed: String = r.get(9)?;
        Ok((
            lang,
            format,
            removed,
            FileVersion {
                id: r.get(1)?,
                number: r.get(2)?,
                sha256: r.get(3)?,
                byte_size: r.get::<_, i64>(4)? as u64,
                format: Format::Png,
                width: r.get(6)?,
                height: r.get(7)?,
                original_name: r.get(8)?,
                removed: Vec::new(),
                added_at: clock::to_text(r.get(10)?),
                here: true,
            },
        ))
    })?;
    for found in rows {
        let (lang, format, removed, mut file) = found?;
        file.format = Format::parse(&format)
            .ok_or_else(|| Error::corrupt(format!("asset file format '{format}'")))?;
        file.removed = serde_json::from_str(&removed).unwrap_or_default();
        let lang = (!lang.is_empty()).then_some(lang);
        match variants.last_mut() {
            Some(v) if v.lang == lang => v.older.push(file),
            _ => variants.push(Variant {
                lang,
                current: file,
                older: Vec::new(),
            }),
        }
    }
    let texts = c
        .prepare_cached(
            "SELECT lang, alt, caption FROM asset_texts WHERE asset_id = ?1 ORDER BY lang",
        )?
        .query_map([row], |r| {
            Ok(AssetText {
                lang: r.get(0)?,
                alt: r.get(1)?,
                caption: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Asset {
        id: uid,
        name,
        kind,
        credit,
        licence,
        created_at: clock::to_text(created),
        updated_at: clock::to_text(updated),
        variants,
        texts,
        used_by: Vec::new(),
        conflicts: conflicts(c, row)?,
    })
}

/// Every asset, by name, with what the library view shows of it: the tile is
/// the current file of its standing variant (`super::standing`).
pub(crate) fn list(c: &Connection, languages: &SiteLanguages) -> Result<Vec<AssetSummary>> {
    // Each variant's current file as `lang=sha256:width:height` (lang empty: all).
    let mut stmt = c.prepare_cached(
        "SELECT a.uid, a.name, a.kind, \
           (SELECT group_concat(v.lang || '=' || f.sha256 || ':' || coalesce(f.width, '') || ':' \
                                || coalesce(f.height, ''), ',') \
              FROM asset_variants v JOIN asset_files f ON f.variant_id = v.id \
              WHERE v.asset_id = a.id \
                AND f.number = (SELECT max(number) FROM asset_files WHERE variant_id = v.id)), \
           (SELECT group_concat(lang, ',') FROM asset_texts WHERE asset_id = a.id AND alt <> '') \
         FROM assets a ORDER BY a.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for found in rows {
        let (id, name, kind, files, with_alt) = found?;
        let kind = AssetKind::parse(&kind)
            .ok_or_else(|| Error::corrupt(format!("asset kind '{kind}'")))?;
        let mut files: Vec<(Option<&str>, &str)> = files
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|f| f.split_once('='))
            .map(|(lang, file)| ((!lang.is_empty()).then_some(lang), file))
            .collect();
        // The all-languages file first, then by language code.
        files.sort();
        let with_alt: Vec<&str> = with_alt.as_deref().unwrap_or("").split(',').collect();
        let shown = super::standing(&files, |(lang, _)| *lang, languages);
        let mut parts = shown.map_or("", |(_, file)| file).split(':');
        let sha256 = parts.next().unwrap_or("").to_string();
        let width = parts.next().and_then(|w| w.parse().ok());
        let height = parts.next().and_then(|h| h.parse().ok());
        out.push(AssetSummary {
            missing_alt: languages
                .codes()
                .iter()
                .filter(|l| !with_alt.contains(&l.as_str()))
                .cloned()
                .collect(),
            variants: files
                .iter()
                .map(|(lang, _)| lang.map(str::to_string))
                .collect(),
            id,
            name,
            kind,
            sha256,
            width,
            height,
            not_here: Vec::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::store::{open, open_with, MIGRATIONS};

    /// Migration 0020 on a library of schema 18: the files of an asset that
    /// a sync created came from another desktop; those of one added here did not.
    #[test]
    fn the_upgrade_marks_the_files_of_assets_a_sync_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.sqlite3");
        let c = open_with(&path, &MIGRATIONS[..18]).unwrap();
        c.execute_batch(
            "INSERT INTO change_sets (id, at, origin) VALUES (1, 1, 'sync'), (2, 2, 'cli');
             INSERT INTO changes (change_set, record_kind, record_id, action, post_id, counter) VALUES
               (1, 'asset', 'came', 'created', 'came', 1),
               (2, 'asset', 'came', 'updated', 'came', 2),
               (2, 'asset', 'here', 'created', 'here', 1),
               (1, 'asset', 'here', 'updated', 'here', 2);
             INSERT INTO assets (id, uid, name, kind, created_at, updated_at) VALUES
               (1, 'came', 'carte', 'raster', 1, 1), (2, 'here', 'plan', 'raster', 2, 2);
             INSERT INTO asset_variants (id, uid, asset_id, lang) VALUES (1, 'v1', 1, 'fr'), (2, 'v2', 2, '');
             INSERT INTO asset_files (uid, variant_id, number, sha256, byte_size, format, original_name, added_at)
               VALUES ('f1', 1, 1, 'aa', 1, 'png', 'carte.fr.png', 1),
                      ('f2', 1, 2, 'bb', 1, 'png', 'carte.fr.png', 1),
                      ('f3', 2, 1, 'cc', 1, 'png', 'plan.png', 2);",
        )
        .unwrap();
        drop(c);
        let c = open(&path).unwrap();
        let marked: Vec<(String, bool)> = c
            .prepare("SELECT sha256, by_sync FROM asset_files ORDER BY sha256")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [("aa", true), ("bb", true), ("cc", false)];
        assert_eq!(marked, expected.map(|(s, b)| (s.to_string(), b)).to_vec());
    }
}
