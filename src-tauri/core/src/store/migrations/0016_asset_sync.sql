-- 0016: assets travel between desktops as sync records. A field (name,
-- credit, licence, a language's alt text or caption) changed differently on
-- two desktops keeps the site's value and this desktop's here, beside the
-- asset, until someone sets that field again. Assets recorded before this
-- version are marked changed once, so that the next sync sends them.
-- Never edit this file: add the next number instead.

CREATE TABLE asset_conflicts (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,             -- name | credit | licence | alt | caption
    lang        TEXT NOT NULL DEFAULT '',  -- of an alt text or caption
    kept        TEXT NOT NULL,             -- this desktop's value
    current     TEXT NOT NULL,             -- the site's, current since
    origin      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,          -- unix ms
    resolved_at INTEGER
);
CREATE INDEX asset_conflicts_open ON asset_conflicts(asset_id) WHERE resolved_at IS NULL;

INSERT INTO change_sets (at, origin)
    SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migration'
    WHERE EXISTS (SELECT 1 FROM assets);
INSERT INTO record_counters (record_kind, record_id, counter, change_set)
    SELECT 'asset', uid, 1, (SELECT max(id) FROM change_sets) FROM assets WHERE true
    ON CONFLICT (record_kind, record_id) DO UPDATE
    SET counter = counter + 1, change_set = excluded.change_set;
