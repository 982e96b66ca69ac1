-- 0002: one write path. Global ids for every record that will sync, the change
-- feed with a change counter per record, kept conflicts, and each revision's
-- word count. The ids of existing rows and the feed's first change set are
-- filled in by the Rust step that follows this file (store::upgrade_to_2).
-- Never edit this file: add 0003_… instead.

ALTER TABLE posts ADD COLUMN uid TEXT;
ALTER TABLE language_versions ADD COLUMN uid TEXT;
ALTER TABLE revisions ADD COLUMN uid TEXT;
ALTER TABLE revisions ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;

-- NULLs do not collide in a unique index, so these can exist before the fill.
CREATE UNIQUE INDEX posts_by_uid ON posts(uid);
CREATE UNIQUE INDEX language_versions_by_uid ON language_versions(uid);
CREATE UNIQUE INDEX revisions_by_uid ON revisions(uid);

-- ALTER TABLE cannot add NOT NULL without a default: refuse id-less rows here.
CREATE TRIGGER posts_need_uid BEFORE INSERT ON posts WHEN new.uid IS NULL BEGIN
    SELECT RAISE(ABORT, 'a post needs a global id');
END;
CREATE TRIGGER language_versions_need_uid BEFORE INSERT ON language_versions
WHEN new.uid IS NULL BEGIN
    SELECT RAISE(ABORT, 'a language version needs a global id');
END;
CREATE TRIGGER revisions_need_uid BEFORE INSERT ON revisions WHEN new.uid IS NULL BEGIN
    SELECT RAISE(ABORT, 'a revision needs a global id');
END;

-- One row per committed write transaction; its id is the feed's cursor.
CREATE TABLE change_sets (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,              -- unix milliseconds, UTC
    origin  TEXT NOT NULL                  -- window | cli | import | sync | watcher | migration
);

-- The records each change set touched.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY,
    change_set  INTEGER NOT NULL REFERENCES change_sets(id),
    record_kind TEXT NOT NULL,             -- post | language_version | revision | conflict
    record_id   TEXT NOT NULL,             -- the record's global id
    action      TEXT NOT NULL,             -- created | updated | deleted
    post_id     TEXT NOT NULL,             -- global id of the post it belongs to
    lang        TEXT,
    counter     INTEGER NOT NULL           -- the record's change counter after this change
);
CREATE INDEX changes_by_set ON changes(change_set);

-- Per record: how many times it changed, and in which change set last. Sync
-- compares these with what it last pushed.
CREATE TABLE record_counters (
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    counter     INTEGER NOT NULL,
    change_set  INTEGER NOT NULL,
    PRIMARY KEY (record_kind, record_id)
) WITHOUT ROWID;

-- A save whose changes overlapped another's: the other text is kept here, whole,
-- until someone chooses. The language version stays editable meanwhile.
CREATE TABLE conflicts (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    version_id      INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    base_number     INTEGER NOT NULL,      -- the revision both texts were made from
    current_number  INTEGER NOT NULL,      -- the revision that was current when they met
    origin          TEXT NOT NULL,         -- where the kept text came from
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolution      TEXT,                  -- kept_current | took_other
    title       TEXT NOT NULL,
    slug        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL,             -- JSON array
    place_line  TEXT NOT NULL,
    share_text  TEXT NOT NULL,
    author      TEXT NOT NULL
);
CREATE INDEX conflicts_open ON conflicts(version_id) WHERE resolved_at IS NULL;
