-- 0021: the files of assets deleted (here or on the site), by checksum. A
-- designer's watched folder may still hold them: seen again there, they are
-- not brought back as new assets. Adding such a file by hand (CLI, a drop,
-- the file picker) adds it and forgets it here.
-- Never edit this file: add the next one instead.

CREATE TABLE deleted_asset_files (
    sha256      TEXT PRIMARY KEY,
    asset_uid   TEXT NOT NULL,      -- the asset it was a file of
    deleted_at  INTEGER NOT NULL    -- unix ms
);
