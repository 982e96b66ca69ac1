-- 0004: XLIFF round trips. What a translation tool added to a unit of an
-- XLIFF file (attributes in its own namespace, notes) is kept per translation
-- and block, and written again on the next export of that block.
-- Never edit this file: add 0005_… instead.

CREATE TABLE xliff_extras (
    version_id   INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    source_block TEXT NOT NULL,            -- the unit's id: a source block id
    attributes   TEXT NOT NULL,            -- JSON: [{ns, prefix, name, value}]
    notes        TEXT NOT NULL,            -- JSON: [{from, priority, annotates, lang, text}]
    PRIMARY KEY (version_id, source_block)
) WITHOUT ROWID;
