-- 0014: the folders a running window watches for designers' exports, per
-- library (paths of this desktop, as the person chose them).
-- Never edit this file: add the next one instead.

CREATE TABLE watched_folders (
    id        INTEGER PRIMARY KEY,
    path      TEXT NOT NULL UNIQUE,
    added_at  INTEGER NOT NULL          -- unix ms
);
