-- 0017: the records one sync still has to plan, written down rather than
-- held as a list (sync/staging.rs): every record pulled, changed here,
-- waiting in the outbox or held back, with the rank it is applied in. The
-- engine reads it one chunk at a time in rank order; each row leaves in the
-- commit that applies its record, so a sync's memory does not grow with the
-- library. A sync killed midway gathers the list again from scratch.
-- Never edit this file: add a later one instead.

CREATE TABLE sync_to_plan (
    backend  TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record   TEXT NOT NULL,                -- as in sync_staging
    rank     INTEGER NOT NULL,             -- people, chain, sources, translations
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;

CREATE INDEX sync_to_plan_order ON sync_to_plan (backend, rank, record);

-- The staged records' keys and ranks without their remote JSON, which fills
-- the table's own pages: listing what to plan reads this, not the pull.
CREATE INDEX sync_staging_keys ON sync_staging (backend, record, rank);
