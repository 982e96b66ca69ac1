//! Applying a plan to the library, inside the sync's one write transaction
//! (origin sync): remote records written through the same functions as every
//! other write (revisions, translation units, kept conflicts, change feed),
//! with the global ids they were made with.

use rusqlite::{params, OptionalExtension};

use super::assets::FieldClash;
use super::plan::{Here, Local};
use super::record::{AssetRecord, PersonRecord, Record, RecordKey, VersionRecord};
use crate::error::{Error, Result};
use crate::posts::revisions::{self, RevisionKind};
use crate::posts::{self, conflicts, rows};
use crate::store::write::{ChangeAction, Origin, RecordKind, WriteTx};
use crate::translation::{self, source, sql, TextChange, Unit};

/// What became of a plan's step here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Applied {
    Done,
    /// Done, and other assets changed with it (a fold, `sync::fold`).
    Folded(super::fold::Folded),
    /// Could not be applied yet; the reason, in words.
    Held(String),
}

/// Does `here` to the library.
pub(crate) fn apply(tx: &WriteTx, key: &RecordKey, here: &Here) -> Result<Applied> {
    match here {
        Here::Keep => Ok(Applied::Done),
        Here::Write(record) => write(tx, record, RevisionKind::Sync),
        Here::Merge(record) => write(tx, record, RevisionKind::Merge),
        Here::Delete => delete(tx, key).map(|()| Applied::Done),
        Here::Clash { record, kept } => match record {
            Record::Asset(a) => asset(tx, a, kept),
            other => write(tx, other, RevisionKind::Sync),
        },
        Here::Conflict { record, kept } => {
            let Record::Version(v) = record else {
                return write(tx, record, RevisionKind::Sync);
            };
            let before = live_version(tx, &v.id)?;
            let applied = write(tx, record, RevisionKind::Sync)?;
            if matches!(applied, Applied::Done) {
                let row = live_version(tx, &v.id)?
                    .ok_or_else(|| Error::corrupt(format!("version {} after sync", v.id)))?;
                let base = before.map_or(row.post.revision, |b| b.post.revision);
                let from = last_origin(tx, &v.id)?;
                conflicts::keep(tx, &row, base, row.post.revision, kept, from)?;
            }
            Ok(applied)
        }
    }
}

/// Where the text kept aside came from: the origin of the change before
/// this sync's (the window, the command line…).
fn last_origin(tx: &WriteTx, version_uid: &str) -> Result<Origin> {
    let origin: Option<String> = tx
        .prepare_cached(
            "SELECT s.origin FROM changes c JOIN change_sets s ON s.id = c.change_set \
             WHERE c.record_kind = 'language_version' AND c.record_id = ?1 AND s.origin <> 'sync' \
             ORDER BY c.id DESC LIMIT 1",
        )?
        .query_row([version_uid], |r| r.get(0))
        .optional()?;
    Ok(origin
        .as_deref()
        .and_then(Origin::parse)
        .unwrap_or(Origin::Window))
}

fn asset(tx: &WriteTx, a: &AssetRecord, kept: &[FieldClash]) -> Result<Applied> {
    Ok(match super::assets::write(tx, a, kept)? {
        super::assets::Written::Done(f) if f == Default::default() => Applied::Done,
        super::assets::Written::Done(f) => Applied::Folded(f),
        super::assets::Written::Held(why) => Applied::Held(why),
    })
}

fn write(tx: &WriteTx, record: &Record, kind: RevisionKind) -> Result<Applied> {
    match record {
        Record::Asset(a) => asset(tx, a, &[]),
        Record::Version(v) => write_version(tx, v, kind),
        Record::Person(p) => write_person(tx, p),
        Record::Chain(c) => {
            if let Err(e) = serde_yaml::from_str::<crate::workflow::rules::Chain>(&c.yaml) {
                return Ok(Applied::Held(format!(
                    "the sign-off chain cannot be read: {e}"
                )));
            }
            tx.prepare_cached(
                "INSERT INTO workflow_chain (id, yaml, changed_at) VALUES (1, ?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET yaml = excluded.yaml, changed_at = excluded.changed_at",
            )?
            .execute(params![c.yaml, tx.now()])?;
            tx.touched(
                RecordKind::Chain,
                "chain",
                ChangeAction::Updated,
                "chain",
                None,
            );
            Ok(Applied::Done)
        }
    }
}

/// The live language version of global id `uid`, loaded.
fn live_version(tx: &WriteTx, uid: &str) -> Result<Option<rows::VersionRow>> {
    let found: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT v.post_id, v.lang FROM language_versions v JOIN posts p ON p.id = v.post_id \
             WHERE v.uid = ?1 AND p.deleted_at IS NULL",
        )?
        .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found
        .map(|(post_row, lang)| rows::load(tx, post_row, Some(&lang)))
        .transpose()
}

fn units_of(v: &VersionRecord) -> Vec<Unit> {
    v.units
        .iter()
        .map(|u| Unit {
            block: u.block.clone(),
            text: u.text.clone(),
            source_hash: u.source_hash.clone(),
            source_text: u.source_text.clone(),
        })
        .collect()
}

fn write_version(tx: &WriteTx, v: &VersionRecord, kind: RevisionKind) -> Result<Applied> {
    let units = units_of(v);
    // The block ids travel with the text; a text merged here gets its own.
    let ids_fit = source::with_ids(&v.text.body, &v.block_ids)
        .iter()
        .map(|b| &b.id)
        .eq(v.block_ids.iter());
    let change = if kind == RevisionKind::Merge {
        TextChange::Whole { minor: false }
    } else if v.is_source() && ids_fit {
        TextChange::SourceIds(&v.block_ids)
    } else if v.is_source() {
        TextChange::Whole { minor: false }
    } else {
        TextChange::Given(&units)
    };
    let post: Option<(i64, bool)> = tx
        .prepare_cached("SELECT id, deleted_at IS NOT NULL FROM posts WHERE uid = ?1")?
        .query_row([&v.post], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let post_row = match post {
        None if v.is_source() => {
            let now = tx.now();
            let row = posts::insert_new_as(
                tx,
                (&v.post, &v.id),
                &v.lang,
                &v.text,
                (now, now),
                kind,
                change,
            )?;
            write_plans(tx, &row, v)?;
            return Ok(Applied::Done);
        }
        None => return Ok(Applied::Held("its post has not arrived yet".into())),
        Some((row, deleted)) => {
            if deleted {
                // An edit made elsewhere brings a post deleted here back.
                tx.prepare_cached("UPDATE posts SET deleted_at = NULL WHERE id = ?1")?
                    .execute([row])?;
                tx.touched(
                    RecordKind::Post,
                    &v.post,
                    ChangeAction::Updated,
                    &v.post,
                    None,
                );
            }
            row
        }
    };
    if let Some(row) = live_version(tx, &v.id)? {
        revisions::write_text(tx, &row, &v.text, kind, false, change)?;
        let row = rows::load(tx, post_row, Some(&row.post.lang))?;
        write_plans(tx, &row, v)?;
        return Ok(Applied::Done);
    }
    // Another version in this language, made on this desktop while the same
    // translation was made elsewhere: the one the site has stays, this one's
    // text is kept beside it as a conflict.
    let clash = match rows::load(tx, post_row, Some(&v.lang)) {
        Ok(row) => Some(row),
        Err(Error::LanguageNotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    if let Some(other) = &clash {
        if other.post.lang == other.post.source_lang {
            return Ok(Applied::Held(format!(
                "post {} has another {} source here",
                v.post, v.lang
            )));
        }
        remove_version(tx, other)?;
    }
    let source_row = rows::load(tx, post_row, None)?;
    let now = tx.now();
    let row = translation::add_version_as(
        tx,
        &source_row,
        (&v.id, &v.lang),
        &v.text,
        (now, now, kind),
        change,
    )?;
    if let Some(other) = clash {
        if other.post.text != v.text {
            let from = last_origin(tx, &other.version_uid)?;
            conflicts::keep(
                tx,
                &row,
                row.post.revision,
                row.post.revision,
                &other.post.text,
                from,
            )?;
        }
    }
    Ok(Applied::Done)
}

/// Makes the post's decisions not to translate those of the source record.
fn write_plans(tx: &WriteTx, row: &rows::VersionRow, v: &VersionRecord) -> Result<()> {
    if !v.is_source() {
        return Ok(());
    }
    let here = sql::plans(tx, row.post_row)?;
    for (lang, ..) in &here {
        if !v.not_planned.iter().any(|p| &p.lang == lang) {
            sql::delete_plan(tx, row.post_row, lang)?;
            plan_touched(tx, &v.post, lang, ChangeAction::Deleted);
        }
    }
    for p in &v.not_planned {
        let same = here
            .iter()
            .any(|(l, by, why, at)| *l == p.lang && *by == p.by && *why == p.reason && *at == p.at);
        if !same {
            translation::record_plan(tx, row, &p.lang, (&p.by, &p.reason), p.at)?;
        }
    }
    Ok(())
}

fn plan_touched(tx: &WriteTx, post: &str, lang: &str, action: ChangeAction) {
    tx.touched(
        RecordKind::TranslationPlan,
        &format!("{post}/{lang}"),
        action,
        post,
        Some(lang),
    );
}

/// Removes a translation (its revisions, units and conflicts go with it).
fn remove_version(tx: &WriteTx, row: &rows::VersionRow) -> Result<()> {
    tx.prepare_cached("DELETE FROM language_versions WHERE id = ?1")?
        .execute([row.version_id])?;
    tx.touched(
        RecordKind::LanguageVersion,
        &row.version_uid,
        ChangeAction::Deleted,
        &row.post.id,
        Some(&row.post.lang),
    );
    Ok(())
}

/// A remote delete: of a source version, the post (its tombstone stays); of a
/// translation, that translation; of an asset, the asset.
fn delete(tx: &WriteTx, key: &RecordKey) -> Result<()> {
    let uid = match key {
        RecordKey::Version(uid) => uid,
        RecordKey::Asset(uid) => return super::assets::delete(tx, uid),
        _ => return Ok(()),
    };
    let Some(row) = live_version(tx, uid)? else {
        return Ok(());
    };
    if row.post.lang == row.post.source_lang {
        posts::delete(tx, &row.post.id)
    } else {
        remove_version(tx, &row)
    }
}

fn write_person(tx: &WriteTx, p: &PersonRecord) -> Result<Applied> {
    let taken: Option<String> = tx
        .prepare_cached("SELECT uid FROM people WHERE name = ?1 AND uid <> ?2")?
        .query_row(params![p.name, p.id], |r| r.get(0))
        .optional()?;
    if let Some(other) = taken {
        return Ok(Applied::Held(format!(
            "the name {} belongs to another person here ({other})",
            p.name
        )));
    }
    let existed = matches!(super::local::person(tx, &p.id)?, Local::Live(_));
    tx.prepare_cached(
        "INSERT INTO people (uid, name, email, backend_user, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (uid) DO UPDATE SET name = excluded.name, email = excluded.email, \
         backend_user = excluded.backend_user",
    )?
    .execute(params![p.id, p.name, p.email, p.backend_user, p.created_at])?;
    let mut add = tx.prepare_cached(
        "INSERT OR IGNORE INTO person_keys (person_id, public_key, added_at) \
         SELECT id, ?2, ?3 FROM people WHERE uid = ?1",
    )?;
    for (key, at) in &p.keys {
        add.execute(params![p.id, key, at])?;
    }
    let action = if existed {
        ChangeAction::Updated
    } else {
        ChangeAction::Created
    };
    tx.touched(RecordKind::Person, &p.id, action, &p.id, None);
    Ok(Applied::Done)
}
