//! The order the outbox is sent in: people, then the chain (the site's
//! preflight reads both), then each post's source before its translations
//! (assets with the chain: a version shows them)
//! (a translation's block states are worked out against the source the site
//! holds: sent first, the source spares each translation a second write).

use rusqlite::{Connection, OptionalExtension};

use super::record::RecordKey;
use crate::error::Result;

/// `keys` in push order; within a rank, as given (the outbox's own order).
pub(crate) fn for_push(c: &Connection, keys: Vec<RecordKey>) -> Result<Vec<RecordKey>> {
    let mut ranked = Vec::with_capacity(keys.len());
    let mut is_source = c.prepare_cached(
        "SELECT v.lang = p.source_lang FROM language_versions v JOIN posts p ON p.id = v.post_id \
         WHERE v.uid = ?1",
    )?;
    for key in keys {
        let rank = match &key {
            RecordKey::Person(_) => 0,
            RecordKey::Chain | RecordKey::Asset(_) => 1,
            // A version gone here (a delete to send) goes with the sources.
            RecordKey::Version(uid) => match is_source
                .query_row([uid], |r| r.get::<_, bool>(0))
                .optional()?
            {
                Some(false) => 3,
                _ => 2,
            },
            RecordKey::Audit(_) => 4,
        };
        ranked.push((rank, key));
    }
    // A stable sort keeps the outbox's order within each rank.
    ranked.sort_by_key(|(rank, _)| *rank);
    Ok(ranked.into_iter().map(|(_, key)| key).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_the_chain_go_first_then_sources_then_translations() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, source_lang TEXT);
             CREATE TABLE language_versions (uid TEXT, post_id INTEGER, lang TEXT);
             INSERT INTO posts VALUES (1, 'fr');
             INSERT INTO language_versions VALUES ('a-en', 1, 'en'), ('z-fr', 1, 'fr');",
        )
        .unwrap();
        let keys = vec![
            RecordKey::Version("a-en".into()),
            RecordKey::Chain,
            RecordKey::Version("gone".into()),
            RecordKey::Version("z-fr".into()),
            RecordKey::Person("p".into()),
        ];
        assert_eq!(
            for_push(&c, keys).unwrap(),
            vec![
                RecordKey::Person("p".into()),
                RecordKey::Chain,
                RecordKey::Version("gone".into()),
                RecordKey::Version("z-fr".into()),
                RecordKey::Version("a-en".into()),
            ]
        );
    }
}
