//! Deleting an asset on this desktop. An asset that posts still show is
//! refused, naming them, unless the person insists (`force`): then those
//! posts keep their `![](asset:ID)` text, render the dangling-reference
//! placeholder and fail preflight until someone edits them. The delete goes
//! through the write door as `RecordKind::Asset` `Deleted`, so the window,
//! the change feed and the sync outbox (a delete sent to the site) all see it.
//!
//! The files stay in the asset folder. Valise has no undo for a deleted post
//! either (its row is a tombstone, never restored), so nothing is mirrored
//! here; but a file costs nothing to keep under its checksum, and keeping it
//! means a delete made by mistake loses no bytes: a sync that brings the asset
//! back (edited on the site meanwhile) finds its files here, and adding the
//! designer's file again stores nothing new.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{store, usage, AssetUse, Assets};
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};

/// What deleting an asset did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeletedAsset {
    pub id: String,
    pub name: String,
    /// The language versions that still reference it (a forced delete):
    /// they now show the placeholder naming the missing asset.
    pub used_by: Vec<AssetUse>,
}

impl Assets<'_> {
    /// Deletes asset `id` (whole or a prefix). Refused with `AssetInUse`,
    /// nothing changed, while a live post references it, unless `force`.
    pub fn delete(&self, id: &str, force: bool) -> Result<DeletedAsset> {
        self.lib.change(|tx| delete(tx, id, force))
    }
}

/// Deletes asset `id` inside `tx` (see `Assets::delete`). The check and the
/// delete share the transaction: no post can start using the asset between.
pub(crate) fn delete(tx: &WriteTx, id: &str, force: bool) -> Result<DeletedAsset> {
    let row = store::find(tx, id)?;
    let (uid, name): (String, String) = tx
        .prepare_cached("SELECT uid, name FROM assets WHERE id = ?1")?
        .query_row([row], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let used_by = usage::used_by(tx, &uid)?;
    if !used_by.is_empty() && !force {
        return Err(Error::AssetInUse {
            uses: describe_uses(&used_by),
            id: uid,
            name,
        });
    }
    remove(tx, &uid)?;
    Ok(DeletedAsset {
        id: uid,
        name,
        used_by,
    })
}

/// Removes the rows of asset `uid` (its variants, file versions, texts and
/// kept field conflicts go with it) and says so on the change feed; true if
/// it was here. Its files stay in the folder (see the module's comment).
/// Used by a delete made here and by one pulled from the site.
pub(crate) fn remove(tx: &WriteTx, uid: &str) -> Result<bool> {
    let row: Option<i64> = tx
        .prepare_cached("SELECT id FROM assets WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?;
    let Some(row) = row else {
        return Ok(false);
    };
    // Remembered so that a watched folder still holding them does not bring
    // the asset back (`store::deleted_file`).
    tx.prepare_cached(
        "INSERT OR REPLACE INTO deleted_asset_files (sha256, asset_uid, deleted_at) \
         SELECT f.sha256, ?1, ?2 FROM asset_files f \
         JOIN asset_variants v ON v.id = f.variant_id WHERE v.asset_id = ?3",
    )?
    .execute(rusqlite::params![uid, tx.now(), row])?;
    tx.prepare_cached("DELETE FROM assets WHERE id = ?1")?
        .execute([row])?;
    tx.touched(RecordKind::Asset, uid, ChangeAction::Deleted, uid, None);
    Ok(true)
}

/// "1 post: «La carte» (0b5e0f7a)", each post once, by the title of its
/// first language version.
fn describe_uses(uses: &[AssetUse]) -> String {
    let mut posts: Vec<&AssetUse> = Vec::new();
    for u in uses {
        if !posts.iter().any(|p| p.post_id == u.post_id) {
            posts.push(u);
        }
    }
    let named: Vec<String> = posts
        .iter()
        .map(|u| {
            let prefix = &u.post_id[..crate::ids::MIN_PREFIX.min(u.post_id.len())];
            format!("«{}» ({prefix})", u.title)
        })
        .collect();
    let count = if posts.len() == 1 {
        "1 post".to_string()
    } else {
        format!("{} posts", posts.len())
    };
    format!("{count}: {}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn use_of(post: &str, lang: &str, title: &str) -> AssetUse {
        AssetUse {
            post_id: post.into(),
            lang: lang.into(),
            title: title.into(),
        }
    }

    #[test]
    fn the_refusal_names_each_post_once_by_title_and_id_prefix() {
        let uses = [
            use_of("0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00", "ar", "الخريطة"),
            use_of("0b5e0f7a-2d7c-4e53-9a1e-5d8c2f1e9a00", "fr", "La carte"),
            use_of("1c6f1a8b-3e8d-4f64-8b2f-6e9d3a2f0b11", "fr", "Le réseau"),
        ];
        assert_eq!(
            describe_uses(&uses),
            "2 posts: «الخريطة» (0b5e0f7a), «Le réseau» (1c6f1a8b)"
        );
        assert_eq!(describe_uses(&uses[2..]), "1 post: «Le réseau» (1c6f1a8b)");
    }
}
