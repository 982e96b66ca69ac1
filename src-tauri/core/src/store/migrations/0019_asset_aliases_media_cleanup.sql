-- 0019: the same file added as two assets on two desktops, and media left
-- behind on a site after a new version replaced them.
-- An alias is an asset found to be the same file as another (a smaller
-- global id): `asset:ALIAS` in a post shows the other, and the alias's last
-- record is kept whole (it syncs as `asset/ALIAS` with `alias_of`).
-- A clash a fold keeps names the asset whose value it was (`from_asset`).
-- Per medium on a backend: whether this library's upload made it (only
-- those it deletes once no version it sends shows them) and why its last
-- delete failed.
-- Never edit this file: add the next number instead.

CREATE TABLE asset_aliases (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,      -- the alias's global id
    target      TEXT NOT NULL,             -- the uid of the asset it is
    record      TEXT NOT NULL,             -- JSON: its record as it syncs
    created_at  INTEGER NOT NULL           -- unix ms
);
CREATE INDEX asset_aliases_target ON asset_aliases(target);

ALTER TABLE asset_conflicts ADD COLUMN from_asset TEXT NOT NULL DEFAULT '';

-- Rows made before this version: unknown, so never deleted.
ALTER TABLE sync_media ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_media ADD COLUMN delete_failed TEXT;
