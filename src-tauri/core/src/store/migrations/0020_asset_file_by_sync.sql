-- 0020: whether each asset file version came from another desktop through
-- sync (its bytes are fetched from the site, and may not be here yet) or was
-- added on this desktop (its bytes were stored before its row). A missing
-- file then says which it is: "run sync" or "copy the library with its
-- folder". Versions recorded before this one are marked by the change that
-- created their asset: made by a sync, they came from another desktop.
-- Never edit this file: add the next one instead.

ALTER TABLE asset_files ADD COLUMN by_sync INTEGER NOT NULL DEFAULT 0;

UPDATE asset_files SET by_sync = 1 WHERE variant_id IN (
    SELECT v.id FROM asset_variants v JOIN assets a ON a.id = v.asset_id
    WHERE a.uid IN (
        SELECT c.record_id FROM changes c JOIN change_sets s ON s.id = c.change_set
        WHERE c.record_kind = 'asset' AND c.action = 'created' AND s.origin = 'sync'));
