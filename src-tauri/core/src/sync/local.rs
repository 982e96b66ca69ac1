//! This library's side of sync: its records as the planner sees them, and
//! which of them may have changed since a change set (the counters of the
//! write path).

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::Local;
use super::record::{
    AuditRecord, ChainRecord, PersonRecord, PlanRecord, Record, RecordKey, UnitRecord,
    VersionRecord,
};
use crate::error::Result;
use crate::posts::{rows, PostText};
use crate::translation::sql;
use crate::workflow::audit;

/// A language version's record (or its tombstone) by global id.
pub(crate) fn version(c: &Connection, uid: &str) -> Result<Local> {
    let found = c
        .prepare_cached(
            "SELECT v.id, p.id, p.uid, p.source_lang, v.lang, v.title, v.slug, v.summary, v.body, \
             v.place_line, v.share_text, v.author, p.deleted_at IS NOT NULL \
             FROM language_versions v JOIN posts p ON p.id = v.post_id WHERE v.uid = ?1",
        )?
        .query_row([uid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                VersionRecord {
                    id: uid.to_string(),
                    post: r.get(2)?,
                    source_lang: r.get(3)?,
                    lang: r.get(4)?,
                    text: PostText {
                        title: r.get(5)?,
                        slug: r.get(6)?,
                        summary: r.get(7)?,
                        body: r.get(8)?,
                        tags: Vec::new(),
                        place_line: r.get(9)?,
                        share_text: r.get(10)?,
                        author: r.get(11)?,
                    },
                    block_ids: Vec::new(),
                    units: Vec::new(),
                    not_planned: Vec::new(),
                    status: Default::default(),
                },
                r.get::<_, bool>(12)?,
            ))
        })
        .optional()?;
    let Some((version_id, post_row, mut v, deleted)) = found else {
        return Ok(Local::Absent);
    };
    if deleted {
        return Ok(Local::Deleted);
    }
    v.text.tags = rows::tags_of(c, version_id)?;
    v.status = super::publish::wanted(c, &v.post)?;
    if v.is_source() {
        v.block_ids = sql::stored_ids(c, version_id)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        v.not_planned = sql::plans(c, post_row)?
            .into_iter()
            .map(|(lang, by, reason, at)| PlanRecord {
                lang,
                by,
                reason,
                at,
            })
            .collect();
    } else {
        v.units = sql::units(c, version_id)?
            .into_iter()
            .map(|u| UnitRecord {
                block: u.block,
                text: u.text,
                source_hash: u.source_hash,
                source_text: u.source_text,
            })
            .collect();
    }
    Ok(Local::Live(Record::Version(Box::new(v))))
}

pub(crate) fn person(c: &Connection, uid: &str) -> Result<Local> {
    let found = c
        .prepare_cached(
            "SELECT id, name, email, backend_user, created_at FROM people WHERE uid = ?1",
        )?
        .query_row([uid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                PersonRecord {
                    id: uid.to_string(),
                    name: r.get(1)?,
                    email: r.get(2)?,
                    backend_user: r.get(3)?,
                    created_at: r.get(4)?,
                    keys: Vec::new(),
                },
            ))
        })
        .optional()?;
    let Some((row, mut p)) = found else {
        return Ok(Local::Absent);
    };
    p.keys = c
        .prepare_cached(
            "SELECT public_key, added_at FROM person_keys WHERE person_id = ?1 ORDER BY public_key",
        )?
        .query_map([row], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Local::Live(Record::Person(p)))
}

/// The chain set in this library; absent while the default is in force.
pub(crate) fn chain(c: &Connection) -> Result<Local> {
    let yaml: Option<String> = c
        .prepare_cached("SELECT yaml FROM workflow_chain WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(yaml.map_or(Local::Absent, |yaml| {
        Local::Live(Record::Chain(ChainRecord { yaml }))
    }))
}

pub(crate) fn record(c: &Connection, key: &RecordKey) -> Result<Local> {
    match key {
        RecordKey::Version(id) => version(c, id),
        RecordKey::Person(id) => person(c, id),
        RecordKey::Chain => chain(c),
        RecordKey::Asset(id) => super::assets::record(c, id),
        // Entries never change: they are sent apart (`unsent_audit`).
        RecordKey::Audit(_) => Ok(Local::Absent),
    }
}

/// The records that may have changed here after change set `after`: language
/// versions touched since (a post's delete and a decision not to translate
/// name their versions), every version of a post whose text, sign-off or
/// publication changed (its status on the backend is the whole post's), those
/// showing an asset changed since (their figures), those assets, and always
/// the people and the chain (a handful). Each key is handed to `f` as it is
/// read, none collected (a key may come more than once): a sync of a library
/// changed everywhere holds none of them.
pub(crate) fn each_changed_since(
    c: &Connection,
    after: i64,
    mut f: impl FnMut(RecordKey) -> Result<()>,
) -> Result<()> {
    let mut stmt = c.prepare_cached(
        "SELECT record_id FROM record_counters WHERE change_set > ?1 \
           AND record_kind = 'language_version' \
         UNION SELECT o.uid FROM record_counters r JOIN language_versions v ON v.uid = r.record_id \
           JOIN language_versions o ON o.post_id = v.post_id \
           WHERE r.change_set > ?1 AND r.record_kind = 'language_version' \
         UNION SELECT v.uid FROM record_counters r JOIN posts p ON p.uid = r.record_id \
           JOIN language_versions v ON v.post_id = p.id \
           WHERE r.change_set > ?1 AND r.record_kind IN ('post', 'publication', 'signoff') \
         UNION SELECT v.uid FROM record_counters r \
           JOIN posts p ON p.uid = substr(r.record_id, 1, instr(r.record_id, '/') - 1) \
           JOIN language_versions v ON v.post_id = p.id AND v.lang = p.source_lang \
           WHERE r.change_set > ?1 AND r.record_kind = 'translation_plan'",
    )?;
    for uid in stmt.query_map([after], |r| r.get::<_, String>(0))? {
        f(RecordKey::Version(uid?))?;
    }
    for key in super::media::versions_with_changed_assets(c, after)? {
        f(key)?;
    }
    for uid in c
        .prepare_cached(
            "SELECT record_id FROM record_counters WHERE change_set > ?1 AND record_kind = 'asset'",
        )?
        .query_map([after], |r| r.get::<_, String>(0))?
    {
        f(RecordKey::Asset(uid?))?;
    }
    for uid in c
        .prepare_cached("SELECT uid FROM people")?
        .query_map([], |r| r.get::<_, String>(0))?
    {
        f(RecordKey::Person(uid?))?;
    }
    f(RecordKey::Chain)
}

/// Where a page of unsent audit entries ends: (chain, seq).
pub(crate) type AuditAfter = (String, i64);

/// Up to `limit` audit entries the backend has not confirmed yet, after
/// `after`, in chain order (an entry never reaches it before the one it
/// follows): a page at a time, so a library with a long trail to send never
/// holds all of it.
pub(crate) fn unsent_audit(
    c: &Connection,
    backend: &str,
    after: Option<&AuditAfter>,
    limit: usize,
) -> Result<Vec<AuditRecord>> {
    let (chain, seq) = after.cloned().unwrap_or_default();
    let entries: Vec<audit::AuditEntry> = c
        .prepare_cached(&format!(
            "SELECT {} FROM audit_entries e LEFT JOIN people p ON p.uid = e.author \
             WHERE NOT EXISTS (SELECT 1 FROM sync_base b \
               WHERE b.backend = ?1 AND b.record = 'audit:' || e.uid) \
             AND (NOT ?2 OR (e.chain, e.seq) > (?3, ?4)) \
             ORDER BY e.chain, e.seq LIMIT ?5",
            audit::COLUMNS
        ))?
        .query_map(
            params![backend, after.is_some(), chain, seq, limit as i64],
            audit::row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    entries
        .into_iter()
        .map(|entry| {
            let signed_text = signed_text_of(c, &entry.payload)?;
            Ok(AuditRecord { entry, signed_text })
        })
        .collect()
}

/// The canonical text an act's content hash covers, when the library keeps it.
fn signed_text_of(c: &Connection, payload: &str) -> Result<Option<String>> {
    let hash = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("content_hash")?.as_str().map(str::to_string));
    let Some(hash) = hash else {
        return Ok(None);
    };
    Ok(
        c.prepare_cached("SELECT text FROM signed_texts WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?,
    )
}

/// How a report names a record, in the users' words.
pub(crate) fn describe(key: &RecordKey, here: &Local) -> String {
    match (key, here) {
        (_, Local::Live(Record::Version(v))) => {
            format!("{} ({}, post {})", v.text.title, v.lang, v.post)
        }
        (_, Local::Live(Record::Person(p))) => format!("the person {}", p.name),
        (_, Local::Live(Record::Asset(a))) => format!("the asset {} ({})", a.name, a.id),
        (RecordKey::Chain, _) => "the sign-off chain".to_string(),
        (key, _) => key.to_text(),
    }
}
