//! The same file added as two assets on two desktops (two global ids, one
//! checksum), found when one desktop's asset arrives at the other. Every
//! desktop resolves it alike, on its own: the asset with the smaller global
//! id survives and the other becomes its **alias** (`asset_aliases`,
//! migration 0019), so `asset:OTHER` in any post shows the survivor without
//! rewriting a word of it. The alias syncs as its own record, `alias_of` set
//! and its last state kept whole, so a desktop that never saw it learns it,
//! and nothing typed into it is lost.
//!
//! Folding (`fold`, pure): the survivor's name, credit, licence, alt texts
//! and captions stay where it has them; the alias's fill those it lacks; a
//! value both have and differ on keeps the survivor's as current and the
//! alias's beside it as an open field clash naming the alias (`from_asset`),
//! shown like any other. File versions are a union by checksum (the newest
//! added is current, as in `sync::assets::merge`). A language the alias had a
//! file for and the survivor has none (nor one for every language) is kept as
//! a clash too: its posts show a placeholder and preflight says so.

use rusqlite::{params, OptionalExtension};

use super::assets::{self, FieldClash};
use super::plan::Local;
use super::record::{AssetRecord, AssetTextRecord, Record, RecordKey};
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// What writing an asset record did, beyond the record itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Folded {
    /// Other assets changed by the fold (to send).
    pub also: Vec<RecordKey>,
    /// What the report tells people.
    pub notes: Vec<String>,
}

/// Folds `alias` into `survivor` (see the module comment): the asset both
/// become, and the alias's values that lost.
pub fn fold(survivor: &AssetRecord, alias: &AssetRecord) -> (AssetRecord, Vec<FieldClash>) {
    let mut clashes = Vec::new();
    let mut field = |name: &str, lang: &str, s: &str, a: &str| -> String {
        if s.is_empty() {
            a.to_string()
        } else {
            if !a.is_empty() && a != s {
                clashes.push(FieldClash {
                    field: name.to_string(),
                    lang: lang.to_string(),
                    kept: a.to_string(),
                    current: s.to_string(),
                });
            }
            s.to_string()
        }
    };
    let name = field("name", "", &survivor.name, &alias.name);
    let credit = field("credit", "", &survivor.credit, &alias.credit);
    let licence = field("licence", "", &survivor.licence, &alias.licence);
    let mut langs: Vec<&str> = survivor
        .texts
        .iter()
        .chain(&alias.texts)
        .map(|t| t.lang.as_str())
        .collect();
    langs.sort();
    langs.dedup();
    let text_of = |list: &[AssetTextRecord], lang: &str| {
        list.iter()
            .find(|t| t.lang == lang)
            .map(|t| (t.alt.clone(), t.caption.clone()))
            .unwrap_or_default()
    };
    let texts = langs
        .into_iter()
        .map(|lang| {
            let (s_alt, s_caption) = text_of(&survivor.texts, lang);
            let (a_alt, a_caption) = text_of(&alias.texts, lang);
            AssetTextRecord {
                lang: lang.to_string(),
                alt: field("alt", lang, &s_alt, &a_alt),
                caption: field("caption", lang, &s_caption, &a_caption),
            }
        })
        .collect();

    let mut variants = survivor.variants.clone();
    let held = |variants: &[super::record::AssetVariantRecord], sha: &str| {
        variants
            .iter()
            .any(|v| v.files.iter().any(|f| f.sha256 == sha))
    };
    let mut uncovered = Vec::new();
    for v in &alias.variants {
        let new: Vec<_> = v
            .files
            .iter()
            .filter(|f| !held(&variants, &f.sha256))
            .cloned()
            .collect();
        match variants.iter_mut().find(|s| s.lang == v.lang) {
            Some(s) => s.files.extend(new),
            None if !new.is_empty() => variants.push(super::record::AssetVariantRecord {
                lang: v.lang.clone(),
                files: new,
            }),
            None => uncovered.push(v),
        }
    }
    for v in &mut variants {
        v.files
            .sort_by(|a, b| (a.added_at, &a.sha256).cmp(&(b.added_at, &b.sha256)));
    }
    variants.sort_by(|a, b| a.lang.cmp(&b.lang));
    for v in uncovered {
        let covered = variants
            .iter()
            .any(|s| s.lang == v.lang || s.lang.is_empty());
        if !covered {
            let file = v.files.last().map_or("", |f| f.original_name.as_str());
            let slot = |sha: &str| {
                variants
                    .iter()
                    .find(|s| s.files.iter().any(|f| f.sha256 == sha))
                    .map(|s| s.lang.clone())
            };
            let there = v.files.last().and_then(|f| slot(&f.sha256));
            clashes.push(FieldClash {
                field: "variant".into(),
                lang: v.lang.clone(),
                kept: file.to_string(),
                current: match there.as_deref() {
                    Some("") | None => "the file for every language".into(),
                    Some(l) => format!("the {l} file"),
                },
            });
        }
    }
    let merged = AssetRecord {
        id: survivor.id.clone(),
        name,
        kind: survivor.kind.clone(),
        credit,
        licence,
        created_at: survivor.created_at,
        variants,
        texts,
        alias_of: None,
    };
    (merged, clashes)
}

/// How a report names what a fold did.
fn describe(survivor: &AssetRecord, alias: &str, clashes: &[FieldClash]) -> String {
    let mut line = format!(
        "asset {alias} is the same file as asset {} ({}), added on another desktop: it is now that asset, and posts showing it show that one",
        survivor.id, survivor.name
    );
    if !clashes.is_empty() {
        let what: Vec<String> = clashes
            .iter()
            .map(|c| match c.lang.as_str() {
                "" => c.field.clone(),
                l => format!("{l} {}", c.field),
            })
            .collect();
        line.push_str(&format!(
            "; its differing {} are kept beside it as conflicts",
            what.join(", ")
        ));
    }
    line
}

/// The live asset `uid` names here, following aliases.
pub(crate) fn live_target(tx: &rusqlite::Connection, uid: &str) -> Result<Option<String>> {
    let mut at = uid.to_string();
    for _ in 0..16 {
        let live: Option<String> = tx
            .prepare_cached("SELECT uid FROM assets WHERE uid = ?1")?
            .query_row([&at], |r| r.get(0))
            .optional()?;
        if live.is_some() {
            return Ok(live);
        }
        let next: Option<String> = tx
            .prepare_cached("SELECT target FROM asset_aliases WHERE uid = ?1")?
            .query_row([&at], |r| r.get(0))
            .optional()?;
        match next {
            Some(n) => at = n,
            None => return Ok(None),
        }
    }
    Err(Error::corrupt(format!("asset aliases from {uid} loop")))
}

/// The alias record of `uid` kept here, if it is one.
pub(crate) fn alias_record(c: &rusqlite::Connection, uid: &str) -> Result<Local> {
    let json: Option<String> = c
        .prepare_cached("SELECT record FROM asset_aliases WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?;
    match json {
        None => Ok(Local::Absent),
        Some(j) => serde_json::from_str::<AssetRecord>(&j)
            .map(|a| Local::Live(Record::Asset(Box::new(a))))
            .map_err(|e| Error::corrupt(format!("the alias record of asset {uid}: {e}"))),
    }
}

fn live_record(tx: &WriteTx, uid: &str) -> Result<Option<AssetRecord>> {
    Ok(match assets::record(tx, uid)? {
        Local::Live(Record::Asset(a)) => Some(*a),
        _ => None,
    })
}

/// The live assets here, other than `a`'s own id, holding one of its files.
fn sharing(tx: &WriteTx, a: &AssetRecord) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for f in a.variants.iter().flat_map(|v| &v.files) {
        let owner: Option<String> = tx
            .prepare_cached(
                "SELECT a.uid FROM asset_files f JOIN asset_variants v ON v.id = f.variant_id \
                 JOIN assets a ON a.id = v.asset_id WHERE f.sha256 = ?1 AND a.uid <> ?2",
            )?
            .query_row(params![f.sha256, a.id], |r| r.get(0))
            .optional()?;
        if let Some(o) = owner {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    Ok(out)
}

/// Writes live record `a` when assets here hold its files under other ids:
/// all of them and `a` become the one with the smallest id, the others its
/// aliases. `None` when no asset here shares a file with it (write it as is).
pub(crate) fn write_shared(
    tx: &WriteTx,
    a: &AssetRecord,
    kept: &[FieldClash],
) -> Result<Option<std::result::Result<Folded, String>>> {
    let others = sharing(tx, a)?;
    if others.is_empty() {
        return Ok(None);
    }
    let mut group = vec![a.clone()];
    for uid in &others {
        group.extend(live_record(tx, uid)?);
    }
    group.sort_by(|x, y| x.id.cmp(&y.id));
    let survivor = group.remove(0);
    let mut merged = survivor.clone();
    let mut clashes = Vec::new();
    let mut notes = Vec::new();
    for alias in &group {
        let (m, c) = fold(&merged, alias);
        notes.push(describe(&merged, &alias.id, &c));
        clashes.push((alias.id.clone(), c));
        merged = m;
    }
    let ids: Vec<String> = std::iter::once(&survivor)
        .chain(&group)
        .map(|r| r.id.clone())
        .collect();
    if let Some(why) = assets::refusal_among(tx, &merged, &ids)? {
        return Ok(Some(Err(why)));
    }
    // The aliases' open conflicts move to the survivor.
    let moved = take_conflicts(tx, &group)?;
    for alias in &group {
        let gone = tx
            .prepare_cached("DELETE FROM assets WHERE uid = ?1")?
            .execute([&alias.id])?;
        if gone > 0 {
            tx.touched(
                RecordKind::Asset,
                &alias.id,
                ChangeAction::Updated,
                &alias.id,
                None,
            );
        }
    }
    let own = if merged.id == a.id { kept } else { &[] };
    if let Some(why) = assets::write_live(tx, &merged, own)? {
        return Err(Error::corrupt(format!(
            "asset {} could not be written after its fold: {why}",
            merged.id
        )));
    }
    let row: i64 = tx
        .prepare_cached("SELECT id FROM assets WHERE uid = ?1")?
        .query_row([&merged.id], |r| r.get(0))?;
    for (from, list) in &clashes {
        for k in list {
            assets::keep_clash(tx, row, k, from)?;
        }
    }
    if merged.id != a.id {
        // This record's own clashes were this desktop's values of it.
        for k in kept {
            assets::keep_clash(tx, row, k, &a.id)?;
        }
    }
    for (from, k) in moved {
        assets::keep_clash(tx, row, &k, &from)?;
    }
    for alias in &group {
        let mut record = alias.clone();
        record.alias_of = Some(merged.id.clone());
        put_alias(tx, &record, &merged.id)?;
    }
    let also = ids
        .into_iter()
        .filter(|id| *id != a.id)
        .map(RecordKey::Asset)
        .collect();
    Ok(Some(Ok(Folded { also, notes })))
}

/// Writes alias record `a` (`alias_of` set): its state is folded into the
/// asset it names, a live asset of its id here becomes the alias. Held while
/// that asset has not arrived and one of this id is live here.
pub(crate) fn write_alias(
    tx: &WriteTx,
    a: &AssetRecord,
    kept: &[FieldClash],
) -> Result<std::result::Result<Folded, String>> {
    let named = a.alias_of.as_deref().unwrap_or_default();
    let target = live_target(tx, named)?;
    let live_here = live_record(tx, &a.id)?;
    if target.as_deref() == Some(a.id.as_str()) {
        return Ok(Err(format!(
            "it says it is asset {named}, which is itself here"
        )));
    }
    let Some(target) = target else {
        if live_here.is_some() {
            return Ok(Err(format!(
                "it is now asset {named}, which has not arrived yet"
            )));
        }
        put_alias(tx, a, named)?;
        return Ok(Ok(Folded::default()));
    };
    let survivor = live_record(tx, &target)?
        .ok_or_else(|| Error::corrupt(format!("asset {target} vanished")))?;
    let (merged, clashes) = fold(&survivor, a);
    let ids = [survivor.id.clone(), a.id.clone()];
    if let Some(why) = assets::refusal_among(tx, &merged, &ids)? {
        return Ok(Err(why));
    }
    let moved = match &live_here {
        Some(here) => {
            let moved = take_conflicts(tx, std::slice::from_ref(here))?;
            tx.prepare_cached("DELETE FROM assets WHERE uid = ?1")?
                .execute([&a.id])?;
            moved
        }
        None => Vec::new(),
    };
    let mut also = Vec::new();
    let mut notes = Vec::new();
    if merged != survivor || live_here.is_some() {
        // The alias may bring a file a third asset here holds: one more fold.
        match write_shared(tx, &merged, &[])? {
            Some(Ok(more)) => {
                also.extend(more.also);
                notes.extend(more.notes);
            }
            Some(Err(why)) => {
                return Err(Error::corrupt(format!(
                    "asset {} could not be written after its fold: {why}",
                    merged.id
                )))
            }
            None => {
                if let Some(why) = assets::write_live(tx, &merged, &[])? {
                    return Err(Error::corrupt(format!(
                        "asset {} could not be written after its fold: {why}",
                        merged.id
                    )));
                }
            }
        }
        also.push(RecordKey::Asset(merged.id.clone()));
    }
    let now_is = live_target(tx, &merged.id)?.unwrap_or_else(|| merged.id.clone());
    let row: i64 = tx
        .prepare_cached("SELECT id FROM assets WHERE uid = ?1")?
        .query_row([&now_is], |r| r.get(0))?;
    for k in clashes.iter().chain(kept) {
        assets::keep_clash(tx, row, k, &a.id)?;
    }
    for (from, k) in moved {
        assets::keep_clash(tx, row, &k, &from)?;
    }
    let first = tx
        .prepare_cached("SELECT 1 FROM asset_aliases WHERE uid = ?1")?
        .query_row([&a.id], |_| Ok(()))
        .optional()?
        .is_none();
    if first {
        notes.push(describe(&merged, &a.id, &clashes));
    }
    put_alias(tx, a, &now_is)?;
    Ok(Ok(Folded { also, notes }))
}

/// The open conflicts of `assets` (row-less once they are deleted), each
/// with the asset it was on.
fn take_conflicts(tx: &WriteTx, list: &[AssetRecord]) -> Result<Vec<(String, FieldClash)>> {
    let mut out = Vec::new();
    for a in list {
        let rows: Vec<(String, String, String, String, String)> = tx
            .prepare_cached(
                "SELECT k.field, k.lang, k.kept, k.current, k.from_asset FROM asset_conflicts k \
                 JOIN assets a ON a.id = k.asset_id WHERE a.uid = ?1 AND k.resolved_at IS NULL \
                 ORDER BY k.id",
            )?
            .query_map([&a.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (field, lang, kept, current, from) in rows {
            let from = if from.is_empty() { a.id.clone() } else { from };
            out.push((
                from,
                FieldClash {
                    field,
                    lang,
                    kept,
                    current,
                },
            ));
        }
    }
    Ok(out)
}

/// Records `a` as an alias of `target` (the live asset it now is), and
/// points the aliases of `a` there too.
fn put_alias(tx: &WriteTx, a: &AssetRecord, target: &str) -> Result<()> {
    let json = serde_json::to_string(a).expect("an asset record always serialises");
    tx.prepare_cached(
        "INSERT INTO asset_aliases (uid, target, record, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (uid) DO UPDATE SET target = excluded.target, record = excluded.record",
    )?
    .execute(params![a.id, target, json, tx.now()])?;
    tx.prepare_cached("UPDATE asset_aliases SET target = ?2 WHERE target = ?1")?
        .execute(params![a.id, target])?;
    tx.touched(RecordKind::Asset, &a.id, ChangeAction::Updated, &a.id, None);
    Ok(())
}

/// Forgets that `uid` is an alias (a live record of that id arrived).
pub(crate) fn drop_alias(tx: &WriteTx, uid: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM asset_aliases WHERE uid = ?1")?
        .execute([uid])?;
    Ok(())
}

#[cfg(test)]
#[path = "tests/fold_tests.rs"]
mod tests;
