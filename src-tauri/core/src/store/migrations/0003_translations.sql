-- 0003: translations. A source language version is cut into blocks with stable
-- ids; a translation remembers, per source block, its translated text and the
-- source text it was translated from. Source block ids of existing posts are
-- filled in by the Rust step that follows this file (store::upgrade_to_3).
-- Never edit this file: add 0004_… instead.

-- The body blocks of a source language version, in order. Title, summary and
-- share text are blocks too, with the fixed ids 'title', 'summary', 'share_text'.
CREATE TABLE source_blocks (
    version_id INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    block_id   TEXT NOT NULL,              -- stable across edits elsewhere in the text
    hash       TEXT NOT NULL,              -- of the normalised block text
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;

-- One unit per source block a translation covers. The translation's body is its
-- body units' texts, in position order.
CREATE TABLE translation_units (
    version_id   INTEGER NOT NULL REFERENCES language_versions(id) ON DELETE CASCADE,
    source_block TEXT NOT NULL,            -- a source block id, or title | summary | share_text
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    source_hash  TEXT,                     -- the source block's hash when translated; NULL: never
    source_text  TEXT,                     -- the source block's text then, to show what changed
    PRIMARY KEY (version_id, source_block)
) WITHOUT ROWID;

-- Per translation, how many source blocks it lags behind: kept with every save
-- of the source or the translation, so lists can filter on it.
ALTER TABLE language_versions ADD COLUMN blocks_outdated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE language_versions ADD COLUMN blocks_missing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE language_versions ADD COLUMN blocks_orphaned INTEGER NOT NULL DEFAULT 0;

-- A language a post will not be translated into, who decided it and why.
CREATE TABLE translation_plans (
    post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    lang       TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, lang)
) WITHOUT ROWID;

-- A typo fix in the source that the editor marked as not worth re-translating.
ALTER TABLE revisions ADD COLUMN minor INTEGER NOT NULL DEFAULT 0;
