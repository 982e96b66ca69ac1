-- 0011: media on the publishing backends. Each file (one checksum) is put on
-- a backend once: its id and URL there, and the alt text and caption it was
-- given, so that a change of either is sent to it. And per language version,
-- the figures it was last sent with: a new file version, or a changed alt
-- text or caption, sends the version again although its own text is unchanged.
-- Never edit this file: add the next number instead.

CREATE TABLE sync_media (
    backend      TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,
    remote_id    TEXT NOT NULL,
    url          TEXT NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    caption      TEXT NOT NULL DEFAULT '',
    uploaded_at  INTEGER NOT NULL,          -- unix ms
    PRIMARY KEY (backend, sha256)
) WITHOUT ROWID;

CREATE TABLE sync_figures (
    backend  TEXT NOT NULL REFERENCES sync_backends(name) ON DELETE CASCADE,
    record   TEXT NOT NULL,                 -- version:UID
    figures  TEXT NOT NULL,                 -- JSON: [[ref, asset, sha256, alt, caption], ...]
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;
