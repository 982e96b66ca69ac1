-- 0005: people, their public signing keys, and the append-only audit trail of
-- sign-off acts. Secret keys never live here (see workflow::secrets).
-- Never edit this file: add 0006_… instead.

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,     -- global id
    name         TEXT NOT NULL UNIQUE,     -- the handle of `--as` and chain files
    email        TEXT NOT NULL,
    backend_user TEXT,                     -- the publishing backend's user, for sync
    created_at   INTEGER NOT NULL          -- unix ms
);

-- One Ed25519 public key per desktop a person signs from.
CREATE TABLE person_keys (
    person_id  INTEGER NOT NULL REFERENCES people(id),
    public_key TEXT NOT NULL UNIQUE,       -- 64 lower-case hex digits
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (person_id, public_key)
) WITHOUT ROWID;

-- Each entry holds the hash of the one before it and its author's signature
-- over its own hash (workflow::audit documents the canonical form).
CREATE TABLE audit_entries (
    seq        INTEGER PRIMARY KEY,        -- 1, 2, 3… with no gaps
    format     INTEGER NOT NULL,           -- version of the canonical form hashed
    uid        TEXT NOT NULL UNIQUE,
    at         INTEGER NOT NULL,           -- unix ms
    author     TEXT NOT NULL,              -- the author's global id (people.uid)
    author_key TEXT NOT NULL,              -- the public key that signed, hex
    post       TEXT,                       -- the post's global id, if any
    step       TEXT,
    kind       TEXT NOT NULL,              -- submit | approve | comment | …
    payload    TEXT NOT NULL,              -- canonical JSON, hashed as stored
    prev_hash  TEXT NOT NULL,              -- hex SHA-256
    entry_hash TEXT NOT NULL,              -- hex SHA-256
    signature  TEXT NOT NULL               -- hex Ed25519 signature of entry_hash
);

CREATE INDEX audit_entries_post ON audit_entries (post, seq);

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted');
END;
