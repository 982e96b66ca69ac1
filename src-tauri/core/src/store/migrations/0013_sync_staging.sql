-- 0013: a sync's pull written down page by page (sync/staging.rs), so that
-- a sync of any size holds one page in memory: each remote record's latest
-- change, and the audit entries, until they are planned and applied in
-- bounded chunks. Rows leave as they are applied; the pull cursor moves only
-- when all have. A sync killed midway pulls again from that cursor (the rows
-- of its records are replaced by the newer pull).
-- Never edit this file: add a later one instead.

CREATE TABLE sync_staging (
    backend  TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record   TEXT NOT NULL,                -- version:<id> | person:<id> | chain
    rank     INTEGER,                      -- apply order (people, chain, sources, translations); NULL: by the record here
    remote   TEXT NOT NULL,                -- the remote change as JSON
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;

CREATE TABLE sync_staging_audit (
    backend  TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    chain    TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    uid      TEXT NOT NULL,
    remote   TEXT NOT NULL,                -- the audit record as JSON
    PRIMARY KEY (backend, chain, seq, uid)
) WITHOUT ROWID;
