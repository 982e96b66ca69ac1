-- 0001: the first library schema. Posts are translation groups from day one:
-- a post owns one language version per language (the source and, later, its
-- translations). Never edit this file: add 0002_… instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    source_lang TEXT NOT NULL,
    created_at  INTEGER NOT NULL,          -- unix milliseconds, UTC
    deleted_at  INTEGER                    -- tombstone, kept until synced
);

CREATE TABLE language_versions (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    slug        TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    place_line  TEXT NOT NULL DEFAULT '',  -- "Paris, 12 mars 2026"
    share_text  TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    word_count  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (post_id, lang)
);
CREATE INDEX language_versions_by_update ON language_versions(updated_at DESC, id DESC);
CREATE INDEX language_versions_by_creation ON language_versions(created_at DESC, id DESC);

CREATE TABLE version_tags (
    version_id INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    tag        TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;
CREATE INDEX version_tags_by_tag ON version_tags(tag, version_id);

-- A revision is a full snapshot of a language version's text after a save.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,          -- 1, 2, 3… per language version
    kind        TEXT NOT NULL,             -- created | edit | autosave | restore | import
    name        TEXT,                      -- set by "save a named revision"
    created_at  INTEGER NOT NULL,
    title       TEXT NOT NULL,
    slug        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL,             -- JSON array
    place_line  TEXT NOT NULL,
    share_text  TEXT NOT NULL,
    author      TEXT NOT NULL,
    UNIQUE (version_id, number)
);

-- Full-text index over title and body, kept by triggers. External content: the
-- text lives once, in language_versions; snippets read it from there.
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body,
    content = 'language_versions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index(search_index, rank) VALUES ('rank', 'bm25(8.0, 1.0)');

CREATE TRIGGER language_versions_indexed AFTER INSERT ON language_versions BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER language_versions_unindexed AFTER DELETE ON language_versions BEGIN
    INSERT INTO search_index(search_index, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
END;
-- Re-index only when the indexed text really changed: a save of tags or summary
-- must not pay for re-tokenising an 800-word body.
CREATE TRIGGER language_versions_reindexed AFTER UPDATE OF title, body ON language_versions
WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
    INSERT INTO search_index(search_index, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_index(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
