//! The order the outbox is sent in: people, then the chain (the site's
//! preflight reads both), then each post's source before its translations
//! (assets with the chain: a version shows them)
//! (a translation's block states are worked out against the source the site
//! holds: sent first, the source spares each translation a second write);
//! within a rank, the order records were queued in.

use rusqlite::{params, Connection};

use super::record::RecordKey;
use crate::error::{Error, Result};
use crate::Library;

/// Where a page of the outbox ends: (rank, queued_at, record).
type Place = (i64, i64, String);

/// The rank of each outbox row, then the outbox's own order within a rank.
/// A version gone here (a delete to send) goes with the sources.
const PAGE_SQL: &str = "SELECT record, rank, queued_at FROM ( \
       SELECT o.record, o.queued_at, CASE \
         WHEN o.record LIKE 'person:%' THEN 0 \
         WHEN o.record = 'chain' OR o.record LIKE 'asset:%' THEN 1 \
         WHEN o.record LIKE 'version:%' THEN coalesce( \
           (SELECT CASE WHEN v.lang = p.source_lang THEN 2 ELSE 3 END \
            FROM language_versions v JOIN posts p ON p.id = v.post_id \
            WHERE v.uid = substr(o.record, 9)), 2) \
         ELSE 4 END AS rank \
       FROM sync_outbox o WHERE o.backend = ?1) \
     WHERE NOT ?2 OR (rank, queued_at, record) > (?3, ?4, ?5) \
     ORDER BY rank, queued_at, record LIMIT ?6";

/// Up to `limit` outbox records of `backend` after `after`, in push order.
fn page(
    c: &Connection,
    backend: &str,
    after: Option<&Place>,
    limit: usize,
) -> Result<Vec<(Place, RecordKey)>> {
    let (rank, at, record) = after.cloned().unwrap_or_default();
    let rows: Vec<(String, i64, i64)> = c
        .prepare_cached(PAGE_SQL)?
        .query_map(
            params![backend, after.is_some(), rank, at, record, limit as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(k, rank, at)| {
            let key = RecordKey::parse(&k)
                .ok_or_else(|| Error::corrupt(format!("an outbox entry {k:?}")))?;
            Ok(((rank, at, k), key))
        })
        .collect()
}

/// The outbox in push order, read a page at a time as it is sent: a push of
/// the whole library holds one page of keys, not all of them. Records sent
/// leave the outbox meanwhile; those left (stale, skipped) are passed over.
pub(crate) struct Pages<'l> {
    lib: &'l Library,
    backend: &'l str,
    after: Option<Place>,
}

impl<'l> Pages<'l> {
    pub(crate) fn new(lib: &'l Library, backend: &'l str) -> Self {
        Pages {
            lib,
            backend,
            after: None,
        }
    }

    /// The next `limit` records (none once the outbox is read through).
    pub(crate) fn next(&mut self, limit: usize) -> Result<Vec<RecordKey>> {
        let rows = self
            .lib
            .read(|c| page(c, self.backend, self.after.as_ref(), limit))?;
        if let Some((place, _)) = rows.last() {
            self.after = Some(place.clone());
        }
        Ok(rows.into_iter().map(|(_, key)| key).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_then_the_chain_and_assets_then_sources_then_translations() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, source_lang TEXT);
             CREATE TABLE language_versions (uid TEXT, post_id INTEGER, lang TEXT);
             CREATE TABLE sync_outbox (backend TEXT, record TEXT, queued_at INTEGER);
             INSERT INTO posts VALUES (1, 'fr');
             INSERT INTO language_versions VALUES ('a-en', 1, 'en'), ('z-fr', 1, 'fr');
             INSERT INTO sync_outbox VALUES ('site', 'version:a-en', 1), ('site', 'chain', 2),
               ('site', 'version:gone', 3), ('site', 'version:z-fr', 4), ('site', 'person:p', 5),
               ('site', 'asset:i', 6), ('other', 'person:q', 0);",
        )
        .unwrap();
        let order = |limit| {
            let mut keys = Vec::new();
            let mut after = None;
            loop {
                let rows = page(&c, "site", after.as_ref(), limit).unwrap();
                let Some((place, _)) = rows.last() else {
                    return keys;
                };
                after = Some(place.clone());
                keys.extend(rows.into_iter().map(|(_, key)| key));
            }
        };
        let expected = vec![
            RecordKey::Person("p".into()),
            RecordKey::Chain,
            RecordKey::Asset("i".into()),
            RecordKey::Version("gone".into()),
            RecordKey::Version("z-fr".into()),
            RecordKey::Version("a-en".into()),
        ];
        // Read whole, or a page of two at a time: the same order.
        assert_eq!(order(100), expected);
        assert_eq!(order(2), expected);
    }
}
