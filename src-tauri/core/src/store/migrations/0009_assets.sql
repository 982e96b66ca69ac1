-- 0009: the asset library. An asset (an infographic, a map, a photo) has one
-- variant per language or one for all, each variant a list of file versions;
-- the files themselves live beside the library in `<library>.assets/`, named
-- by their SHA-256, never in this file. Alt text and caption are per language.
-- Never edit this file: add the next number instead.

CREATE TABLE assets (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,      -- global id
    name        TEXT NOT NULL UNIQUE,      -- NAME of NAME.LANG.EXT: a new file of that name joins it
    kind        TEXT NOT NULL,             -- raster | svg | pdf | other
    credit      TEXT NOT NULL DEFAULT '',
    licence     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,          -- unix ms
    updated_at  INTEGER NOT NULL
);

-- lang '' is the variant for every language without one of its own.
CREATE TABLE asset_variants (
    id        INTEGER PRIMARY KEY,
    uid       TEXT NOT NULL UNIQUE,
    asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    lang      TEXT NOT NULL,
    UNIQUE (asset_id, lang)
);

-- Each version of a variant's file; the highest number is the current one.
-- One checksum is one file, known once: adding it again adds nothing.
CREATE TABLE asset_files (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    variant_id     INTEGER NOT NULL REFERENCES asset_variants(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,       -- 1, 2, 3… per variant
    sha256         TEXT NOT NULL UNIQUE,   -- 64 lower-case hex digits
    byte_size      INTEGER NOT NULL,
    format         TEXT NOT NULL,          -- png | jpeg | gif | webp | svg | pdf | other
    width          INTEGER,
    height         INTEGER,
    original_name  TEXT NOT NULL,
    removed        TEXT NOT NULL DEFAULT '[]', -- JSON: what the SVG sanitiser took out
    added_at       INTEGER NOT NULL,
    UNIQUE (variant_id, number)
);

CREATE TABLE asset_texts (
    asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    lang      TEXT NOT NULL,
    alt       TEXT NOT NULL DEFAULT '',
    caption   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (asset_id, lang)
) WITHOUT ROWID;

-- Which language version's body references which asset (`asset:REF`, REF as
-- written: a whole id or a prefix), kept on every write of a language version.
CREATE TABLE asset_uses (
    version_id  INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    PRIMARY KEY (version_id, ref)
) WITHOUT ROWID;
CREATE INDEX asset_uses_by_ref ON asset_uses(ref);
