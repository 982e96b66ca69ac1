-- 0007: sync with publishing backends. Per backend: where its pull cursor
-- stands, the base (the last state of each record both sides agreed on) and
-- the outbox (records whose local change still waits to be sent). The audit
-- trail becomes one hash chain per library that signs (`chain`), so entries
-- signed on other desktops keep the links and signatures they were made with;
-- the Rust step that follows gives this library's chain its id.
-- Never edit this file: add 0008_… instead.

CREATE TABLE sync_backends (
    name         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,            -- wordpress | git | …
    location     TEXT NOT NULL,            -- the site's address; never a password
    cursor       TEXT NOT NULL DEFAULT '', -- the backend's pull cursor (opaque to the engine)
    local_cursor INTEGER NOT NULL DEFAULT 0, -- change sets up to here were planned
    last_sync    INTEGER,                  -- unix ms of the last sync that finished
    last_error   TEXT                      -- what stopped the last sync, in words
) WITHOUT ROWID;

-- The last state of a record both sides agreed on. `body` is the record as
-- JSON (NULL: a tombstone both sides know); `local_change` is the library's
-- change set this agreement covers.
CREATE TABLE sync_base (
    backend      TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record       TEXT NOT NULL,            -- version:<id> | person:<id> | chain | audit:<id>
    body         TEXT,
    remote_id    TEXT,
    remote_rev   TEXT,
    local_change INTEGER NOT NULL,
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;

-- Records to send. What is sent (create, update with the base's version,
-- delete) is decided when it is sent, from the record as it is then; a row
-- leaves only once the backend confirmed, in the same commit as the new base.
CREATE TABLE sync_outbox (
    backend      TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record       TEXT NOT NULL,
    queued_at    INTEGER NOT NULL,         -- unix ms
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;

-- Remote records that could not be applied yet (a translation whose post has
-- not arrived, a person whose name is taken here), kept for the next sync.
CREATE TABLE sync_held (
    backend      TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record       TEXT NOT NULL,
    remote       TEXT NOT NULL,            -- the remote state as JSON
    reason       TEXT NOT NULL,
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;

-- The audit trail, rebuilt with a chain column: `seq` now counts within its
-- chain (it is what the entry's hash covers), and (chain, seq) is unique.
DROP TRIGGER audit_entries_no_update;
DROP TRIGGER audit_entries_no_delete;
ALTER TABLE audit_entries RENAME TO audit_entries_0005;

CREATE TABLE audit_entries (
    id         INTEGER PRIMARY KEY,        -- local order of arrival, never shown
    chain      TEXT NOT NULL,              -- the id of the library that signed it
    seq        INTEGER NOT NULL,           -- 1, 2, 3… with no gaps within the chain
    format     INTEGER NOT NULL,
    uid        TEXT NOT NULL UNIQUE,
    at         INTEGER NOT NULL,
    author     TEXT NOT NULL,
    author_key TEXT NOT NULL,
    post       TEXT,
    step       TEXT,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    signature  TEXT NOT NULL,
    UNIQUE (chain, seq)
);

-- The chain id is filled in by the Rust step (store::upgrade_to_7).
INSERT INTO audit_entries (id, chain, seq, format, uid, at, author, author_key, post, step,
                           kind, payload, prev_hash, entry_hash, signature)
    SELECT seq, '', seq, format, uid, at, author, author_key, post, step, kind, payload,
           prev_hash, entry_hash, signature
    FROM audit_entries_0005 ORDER BY seq;
DROP TABLE audit_entries_0005;

CREATE INDEX audit_entries_post ON audit_entries (post, at, chain, seq);
CREATE INDEX audit_entries_order ON audit_entries (at, chain, seq);

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
WHEN old.chain <> ''
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted');
END;
