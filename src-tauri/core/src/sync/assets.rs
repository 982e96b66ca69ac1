//! Assets as sync records: read here (`record`), merged field by field
//! (`merge`, pure), written and deleted here through the write door. The
//! files themselves follow by checksum (`sync::files`).
//!
//! Merge rules: a field (name, credit, licence, each language's alt text and
//! caption) changed on one side only takes that side's value; changed on both
//! sides to different values, the site's becomes current (every desktop
//! converges on it) and this desktop's is kept beside the asset as an open
//! field conflict (`asset_conflicts`, migration 0016) that the asset shows
//! until someone sets that field again. File versions are a union by
//! checksum (none is ever dropped), ordered by when they were added.

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::Local;
use super::record::{AssetFileRecord, AssetRecord, AssetTextRecord, AssetVariantRecord, Record};
use crate::assets::{AssetKind, Format};
use crate::error::Result;
use crate::store::write::{ChangeAction, Origin, RecordKind, WriteTx};

/// One field changed differently on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldClash {
    /// name | credit | licence | alt | caption
    pub field: String,
    /// The language of an alt text or caption; "" for the others.
    pub lang: String,
    /// This desktop's value, kept beside the asset.
    pub kept: String,
    /// The site's value, now current.
    pub current: String,
}

impl FieldClash {
    /// How a report names it.
    pub fn describe(&self, asset: &str) -> String {
        let what = if self.lang.is_empty() {
            format!("the {}", self.field)
        } else {
            format!("the {} {} text", self.lang, self.field)
        };
        format!(
            "asset {asset}: {what} was changed on both sides; the site's is current, this desktop's is kept beside it"
        )
    }
}

/// The asset of global id `uid` as a record.
pub(crate) fn record(c: &Connection, uid: &str) -> Result<Local> {
    let found = c
        .prepare_cached(
            "SELECT id, name, kind, credit, licence, created_at FROM assets WHERE uid = ?1",
        )?
        .query_row([uid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                AssetRecord {
                    id: uid.to_string(),
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    credit: r.get(3)?,
                    licence: r.get(4)?,
                    created_at: r.get(5)?,
                    variants: Vec::new(),
                    texts: Vec::new(),
                    alias_of: None,
                },
            ))
        })
        .optional()?;
    let Some((row, mut a)) = found else {
        // An asset folded into another here is its kept alias record.
        return super::fold::alias_record(c, uid);
    };
    let mut stmt = c.prepare_cached(
        "SELECT v.lang, f.sha256, f.byte_size, f.format, f.width, f.height, f.original_name, \
         f.removed, f.added_at FROM asset_variants v JOIN asset_files f ON f.variant_id = v.id \
         WHERE v.asset_id = ?1 ORDER BY v.lang, f.number",
    )?;
    let files = stmt.query_map([row], |r| {
        let removed: String = r.get(7)?;
        Ok((
            r.get::<_, String>(0)?,
            AssetFileRecord {
                sha256: r.get(1)?,
                byte_size: r.get::<_, i64>(2)? as u64,
                format: r.get(3)?,
                width: r.get(4)?,
                height: r.get(5)?,
                original_name: r.get(6)?,
                removed: serde_json::from_str(&removed).unwrap_or_default(),
                added_at: r.get(8)?,
            },
        ))
    })?;
    for found in files {
        let (lang, file) = found?;
        match a.variants.last_mut() {
            Some(v) if v.lang == lang => v.files.push(file),
            _ => a.variants.push(AssetVariantRecord {
                lang,
                files: vec![file],
            }),
        }
    }
    a.texts = c
        .prepare_cached(
            "SELECT lang, alt, caption FROM asset_texts WHERE asset_id = ?1 ORDER BY lang",
        )?
        .query_map([row], |r| {
            Ok(AssetTextRecord {
                lang: r.get(0)?,
                alt: r.get(1)?,
                caption: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Local::Live(Record::Asset(Box::new(a))))
}

/// Both sides' changes to one asset since `base`, and the fields that
/// changed differently on both (the site's value is in the result).
pub fn merge(
    base: Option<&AssetRecord>,
    mine: &AssetRecord,
    theirs: &AssetRecord,
) -> (AssetRecord, Vec<FieldClash>) {
    let mut clashes = Vec::new();
    let mut field = |name: &str, lang: &str, b: Option<&String>, m: &String, t: &String| {
        if Some(m) == b || m == t {
            t.clone()
        } else if Some(t) == b {
            m.clone()
        } else {
            clashes.push(FieldClash {
                field: name.to_string(),
                lang: lang.to_string(),
                kept: m.clone(),
                current: t.clone(),
            });
            t.clone()
        }
    };
    let name = field("name", "", base.map(|b| &b.name), &mine.name, &theirs.name);
    let credit = field(
        "credit",
        "",
        base.map(|b| &b.credit),
        &mine.credit,
        &theirs.credit,
    );
    let licence = field(
        "licence",
        "",
        base.map(|b| &b.licence),
        &mine.licence,
        &theirs.licence,
    );
    let mut langs: Vec<&str> = mine
        .texts
        .iter()
        .chain(&theirs.texts)
        .map(|t| t.lang.as_str())
        .collect();
    langs.sort();
    langs.dedup();
    let empty = AssetTextRecord {
        lang: String::new(),
        alt: String::new(),
        caption: String::new(),
    };
    let text_of = |list: &[AssetTextRecord], lang: &str| -> Option<AssetTextRecord> {
        list.iter().find(|t| t.lang == lang).cloned()
    };
    let mut texts = Vec::new();
    for lang in langs {
        let b = base.and_then(|b| text_of(&b.texts, lang));
        let m = text_of(&mine.texts, lang).unwrap_or_else(|| empty.clone());
        let t = text_of(&theirs.texts, lang).unwrap_or_else(|| empty.clone());
        // A language missing from the base reads as empty texts there.
        let b = b.unwrap_or_else(|| empty.clone());
        let alt = field("alt", lang, Some(&b.alt), &m.alt, &t.alt);
        let caption = field("caption", lang, Some(&b.caption), &m.caption, &t.caption);
        texts.push(AssetTextRecord {
            lang: lang.to_string(),
            alt,
            caption,
        });
    }
    let mut variants: Vec<AssetVariantRecord> = theirs.variants.clone();
    for v in &mine.variants {
        match variants.iter_mut().find(|t| t.lang == v.lang) {
            Some(t) => {
                for f in &v.files {
                    if !t.files.iter().any(|g| g.sha256 == f.sha256) {
                        t.files.push(f.clone());
                    }
                }
            }
            None => variants.push(v.clone()),
        }
    }
    for v in &mut variants {
        v.files
            .sort_by(|a, b| (a.added_at, &a.sha256).cmp(&(b.added_at, &b.sha256)));
    }
    variants.sort_by(|a, b| a.lang.cmp(&b.lang));
    let merged = AssetRecord {
        id: theirs.id.clone(),
        name,
        kind: theirs.kind.clone(),
        credit,
        licence,
        created_at: theirs.created_at,
        variants,
        texts,
        // Once an alias, always one; two different names: the smaller.
        alias_of: match (&mine.alias_of, &theirs.alias_of) {
            (Some(m), Some(t)) => Some(m.min(t).clone()),
            (m, t) => t.clone().or_else(|| m.clone()),
        },
    };
    (merged, clashes)
}

/// Why a record cannot be written here (yet), if it cannot; the assets
/// `among` (a fold's) may hold its files and name.
pub(crate) fn refusal_among(
    tx: &WriteTx,
    a: &AssetRecord,
    among: &[String],
) -> Result<Option<String>> {
    if AssetKind::parse(&a.kind).is_none() {
        return Ok(Some(format!("its kind {:?} is unknown here", a.kind)));
    }
    let other = |uid: &str| uid != a.id && !among.iter().any(|m| m == uid);
    for v in &a.variants {
        for f in &v.files {
            let hex = f.sha256.len() == 64
                && f.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                return Ok(Some(format!("{:?} is not a SHA-256 checksum", f.sha256)));
            }
            if Format::parse(&f.format).is_none() {
                return Ok(Some(format!(
                    "its file format {:?} is unknown here",
                    f.format
                )));
            }
        }
    }
    let taken: Vec<String> = tx
        .prepare_cached("SELECT uid FROM assets WHERE name = ?1")?
        .query_map([&a.name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(taken.into_iter().find(|t| other(t)).map(|other| {
        format!(
            "the name {} belongs to another asset here ({other}): rename one of them",
            a.name
        )
    }))
}

/// What writing an asset record here did.
pub(crate) enum Written {
    Done(super::fold::Folded),
    /// Nothing written, and why.
    Held(String),
}

/// Makes the asset here the record `a` (adding what it lacks; no file
/// version or text here is dropped), with the field conflicts `kept`. An
/// alias record, or a record whose files an asset here holds under another
/// id, goes through `sync::fold`.
pub(crate) fn write(tx: &WriteTx, a: &AssetRecord, kept: &[FieldClash]) -> Result<Written> {
    if a.alias_of.is_some() {
        return Ok(match super::fold::write_alias(tx, a, kept)? {
            Ok(folded) => Written::Done(folded),
            Err(why) => Written::Held(why),
        });
    }
    if let Some(folded) = super::fold::write_shared(tx, a, kept)? {
        return Ok(match folded {
            Ok(folded) => Written::Done(folded),
            Err(why) => Written::Held(why),
        });
    }
    if let Some(why) = refusal_among(tx, a, &[])? {
        return Ok(Written::Held(why));
    }
    if let Some(why) = write_live(tx, a, kept)? {
        return Ok(Written::Held(why));
    }
    Ok(Written::Done(Default::default()))
}

/// Writes live record `a` here, checked by the caller.
pub(crate) fn write_live(
    tx: &WriteTx,
    a: &AssetRecord,
    kept: &[FieldClash],
) -> Result<Option<String>> {
    // A live record of an id that was an alias here: it is an asset again.
    super::fold::drop_alias(tx, &a.id)?;
    let now = tx.now();
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM assets WHERE uid = ?1")?
        .query_row([&a.id], |r| r.get(0))
        .optional()?;
    let (row, action) = match existing {
        Some(row) => {
            tx.prepare_cached(
                "UPDATE assets SET name = ?2, kind = ?3, credit = ?4, licence = ?5, \
                 updated_at = ?6 WHERE id = ?1",
            )?
            .execute(params![row, a.name, a.kind, a.credit, a.licence, now])?;
            (row, ChangeAction::Updated)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO assets (uid, name, kind, credit, licence, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                a.id,
                a.name,
                a.kind,
                a.credit,
                a.licence,
                a.created_at,
                now
            ])?;
            (tx.last_insert_rowid(), ChangeAction::Created)
        }
    };
    for v in &a.variants {
        write_variant(tx, row, v)?;
    }
    for t in &a.texts {
        tx.prepare_cached(
            "INSERT INTO asset_texts (asset_id, lang, alt, caption) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (asset_id, lang) DO UPDATE SET alt = excluded.alt, caption = excluded.caption",
        )?
        .execute(params![row, t.lang, t.alt, t.caption])?;
    }
    for k in kept {
        keep_clash(tx, row, k, "")?;
    }
    tx.touched(RecordKind::Asset, &a.id, action, &a.id, None);
    Ok(None)
}

/// One variant's file versions: those the record lacks are added, and every
/// version is numbered by the record's order (then those only here).
fn write_variant(tx: &WriteTx, asset_row: i64, v: &AssetVariantRecord) -> Result<()> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT id FROM asset_variants WHERE asset_id = ?1 AND lang = ?2")?
        .query_row(params![asset_row, v.lang], |r| r.get(0))
        .optional()?;
    let variant = match found {
        Some(id) => id,
        None => {
            tx.prepare_cached(
                "INSERT INTO asset_variants (uid, asset_id, lang) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![crate::ids::new_id(), asset_row, v.lang])?;
            tx.last_insert_rowid()
        }
    };
    let here: Vec<(i64, String)> = tx
        .prepare_cached("SELECT id, sha256 FROM asset_files WHERE variant_id = ?1 ORDER BY number")?
        .query_map([variant], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Out of the way of the unique (variant, number) first, then in order.
    tx.prepare_cached("UPDATE asset_files SET number = -number WHERE variant_id = ?1")?
        .execute([variant])?;
    let mut number = 0;
    for f in &v.files {
        number += 1;
        match here.iter().find(|(_, sha)| *sha == f.sha256) {
            Some((id, _)) => {
                tx.prepare_cached("UPDATE asset_files SET number = ?2 WHERE id = ?1")?
                    .execute(params![id, number])?;
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO asset_files (uid, variant_id, number, sha256, byte_size, format, \
                     width, height, original_name, removed, added_at, by_sync) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)",
                )?
                .execute(params![
                    crate::ids::new_id(),
                    variant,
                    number,
                    f.sha256,
                    f.byte_size as i64,
                    f.format,
                    f.width,
                    f.height,
                    f.original_name,
                    serde_json::to_string(&f.removed).unwrap_or_else(|_| "[]".into()),
                    f.added_at
                ])?;
            }
        }
    }
    for (id, sha) in &here {
        if !v.files.iter().any(|f| &f.sha256 == sha) {
            number += 1;
            tx.prepare_cached("UPDATE asset_files SET number = ?2 WHERE id = ?1")?
                .execute(params![id, number])?;
        }
    }
    Ok(())
}

/// Keeps a value that lost beside the asset (once per value): this
/// desktop's (`from` empty), or that of asset `from`, folded into it.
pub(crate) fn keep_clash(tx: &WriteTx, asset_row: i64, k: &FieldClash, from: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO asset_conflicts (asset_id, field, lang, kept, current, origin, created_at, from_asset) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS (SELECT 1 FROM asset_conflicts \
         WHERE asset_id = ?1 AND field = ?2 AND lang = ?3 AND kept = ?4 AND resolved_at IS NULL)",
    )?
    .execute(params![
        asset_row,
        k.field,
        k.lang,
        k.kept,
        k.current,
        Origin::Sync.as_str(),
        tx.now(),
        from
    ])?;
    Ok(())
}

/// Deletes the asset here (a delete made on the backend); its files stay
/// in the folder, as for a delete made here (`assets::remove`).
pub(crate) fn delete(tx: &WriteTx, uid: &str) -> Result<()> {
    super::fold::drop_alias(tx, uid)?;
    crate::assets::remove(tx, uid).map(|_| ())
}

#[cfg(test)]
#[path = "tests/asset_merge_tests.rs"]
mod tests;
