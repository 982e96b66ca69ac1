//! Which posts use which asset, both ways. A body uses an asset with
//! `![](asset:ID)` (or a link `[…](asset:ID)`), ID whole or a prefix. The
//! references of each language version are kept in `asset_uses` on every
//! write that touches it, so "used by" is an indexed look-up, never a scan.

use pulldown_cmark::{Event, Parser, Tag};
use rusqlite::{params, Connection};

use super::AssetUse;
use crate::error::Result;
use crate::store::write::{RecordKind, WriteTx};

/// The asset references of a Markdown body, as written (lower case), each once.
pub fn asset_refs(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if memchr::memmem::find(body.as_bytes(), b"asset:").is_none() {
        return out;
    }
    for event in Parser::new(body) {
        let url = match event {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if let Some(id) = reference(&url) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// The id an `asset:ID` URL names (before any `#` or `?`), lower case.
pub fn reference(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("asset:")?;
    Some(
        rest.split(['#', '?'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Re-reads the bodies of the posts whose language versions this write
/// touched and keeps their references (called by `Library::write`).
pub(crate) fn record_uses_of_write(tx: &WriteTx) -> Result<()> {
    for post in tx.touched_posts(RecordKind::LanguageVersion) {
        let versions: Vec<(i64, String)> = tx
            .prepare_cached(
                "SELECT v.id, v.body FROM language_versions v JOIN posts p ON p.id = v.post_id \
                 WHERE p.uid = ?1",
            )?
            .query_map([&post], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (version, body) in versions {
            index_version(tx, version, &body)?;
        }
    }
    Ok(())
}

fn index_version(c: &Connection, version: i64, body: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM asset_uses WHERE version_id = ?1")?
        .execute([version])?;
    let mut add =
        c.prepare_cached("INSERT OR IGNORE INTO asset_uses (version_id, ref) VALUES (?1, ?2)")?;
    for r in asset_refs(body) {
        add.execute(params![version, r])?;
    }
    Ok(())
}

/// The schema step's data part: the references of every existing body.
pub(crate) fn upgrade_to_assets(conn: &Connection) -> Result<()> {
    let versions: Vec<(i64, String)> = conn
        .prepare("SELECT id, body FROM language_versions WHERE instr(body, 'asset:') > 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (version, body) in versions {
        index_version(conn, version, &body)?;
    }
    Ok(())
}

/// The live posts' language versions that reference asset `uid` (or one of
/// its aliases, `sync::fold`) by its whole id or by any prefix of it that the
/// references may use.
pub(crate) fn used_by(c: &Connection, uid: &str) -> Result<Vec<AssetUse>> {
    let mut ids = vec![uid.to_string()];
    if super::store::has_aliases(c)? {
        ids.extend(
            c.prepare_cached("SELECT uid FROM asset_aliases WHERE target = ?1")?
                .query_map([uid], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        );
    }
    let prefixes: Vec<&str> = ids
        .iter()
        .flat_map(|id| (crate::ids::MIN_PREFIX..=id.len()).map(move |n| &id[..n]))
        .collect();
    let prefixes = serde_json::to_string(&prefixes).unwrap_or_else(|_| "[]".into());
    let mut stmt = c.prepare_cached(
        "SELECT DISTINCT p.uid, v.lang, v.title FROM asset_uses u \
         JOIN language_versions v ON v.id = u.version_id JOIN posts p ON p.id = v.post_id \
         WHERE u.ref IN (SELECT value FROM json_each(?1)) AND p.deleted_at IS NULL \
         ORDER BY p.id, v.lang",
    )?;
    let uses = stmt
        .query_map([prefixes], |r| {
            Ok(AssetUse {
                post_id: r.get(0)?,
                lang: r.get(1)?,
                title: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(uses)
}

/// The posts (uids) that use any of the assets `asset_uids`, each once.
pub(crate) fn posts_using(c: &Connection, asset_uids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for uid in asset_uids {
        for u in used_by(c, uid)? {
            if !out.contains(&u.post_id) {
                out.push(u.post_id);
            }
        }
    }
    Ok(out)
}

/// The uids of assets that no live post references.
pub(crate) fn unused(c: &Connection) -> Result<Vec<String>> {
    let all: Vec<String> = c
        .prepare("SELECT uid FROM assets ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for uid in all {
        if used_by(c, &uid)?.is_empty() {
            out.push(uid);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_in_images_and_links_once_each() {
        let body = "![](asset:AB12cd34) et ![carte](asset:ab12cd34#zoom) [le fichier](asset:ffee0011)\n\n\
                    `![](asset:00000000)` ![x](https://exemple.fr/a.png) ![r][r]\n\n[r]: asset:99887766\n";
        assert_eq!(asset_refs(body), vec!["ab12cd34", "ffee0011", "99887766"]);
        assert!(asset_refs("asset:12345678 in prose is not a reference").is_empty());
    }
}
