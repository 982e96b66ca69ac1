//! Global ids: every record that will sync (posts, language versions, revisions,
//! conflicts, later sign-offs and assets) has one that no other desktop can
//! produce. Inside the file, records keep small integer row ids for joins and
//! the search index; those never leave the core.
//!
//! Random (version 4) UUIDs rather than time-ordered ones (v7, ULID): people and
//! scripts type a short prefix of an id, as with git, and time-ordered ids share
//! their first 8–12 characters among everything made in the same minute (a whole
//! import would be ambiguous at 8). Index locality, v7's advantage, does not
//! matter here: the global id is a secondary index, not the table's key.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};

/// The shortest prefix accepted in place of a whole id.
pub const MIN_PREFIX: usize = 8;

/// A new global id: 36 characters, lower-case hexadecimal with hyphens.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// The row id of the record of `table` whose global id is `id` or starts with
/// it (at least `MIN_PREFIX` characters). `what` names the record for errors.
pub(crate) fn resolve(
    conn: &Connection,
    table: &'static str,
    id: &str,
    live_only: &str,
    not_found: impl Fn(String) -> Error,
) -> Result<i64> {
    let wanted = id.trim().to_ascii_lowercase();
    let exact = format!("SELECT id FROM {table} WHERE uid = ?1 {live_only}");
    if let Some(row) = conn
        .prepare_cached(&exact)?
        .query_row([&wanted], |r| r.get(0))
        .optional()?
    {
        return Ok(row);
    }
    if wanted.len() < MIN_PREFIX || !wanted.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(not_found(id.to_string()));
    }
    // Ids are [0-9a-f-], all below 'g': this range is "starts with", on the index.
    let prefix = format!(
        "SELECT id, uid FROM {table} WHERE uid >= ?1 AND uid < ?1 || 'g' {live_only} LIMIT 6"
    );
    let mut stmt = conn.prepare_cached(&prefix)?;
    let found: Vec<(i64, String)> = stmt
        .query_map([&wanted], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    match found.as_slice() {
        [] => Err(not_found(id.to_string())),
        [(row, _)] => Ok(*row),
        many => Err(Error::AmbiguousId {
            prefix: id.to_string(),
            candidates: many
                .iter()
                .take(5)
                .map(|(_, uid)| uid.clone())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_distinct_uuids_that_differ_early() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(&a).is_ok());
        // Random from the first character: 1,000 ids have distinct 8-char prefixes
        // (a clash has odds of about 1 in 10,000).
        let prefixes: std::collections::HashSet<String> =
            (0..1000).map(|_| new_id()[..8].to_string()).collect();
        assert!(prefixes.len() >= 998, "{}", prefixes.len());
    }
}
