-- 0006: the library's sign-off chain and the canonical texts people signed.
-- Acts themselves are audit entries (0005); these tables only hold what the
-- entries point to. Never edit this file: add 0007_… instead.

-- One row: the chain as its YAML (the shape `workflow set` reads). No row
-- means the default chain. Each change is also a `chain_changed` audit entry.
CREATE TABLE workflow_chain (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    yaml       TEXT NOT NULL,
    changed_at INTEGER NOT NULL            -- unix ms
);

-- The canonical text of what a step covered when it was signed, once per
-- distinct text, keyed by its content hash (v1:<hex>): a validator's view of
-- "what I signed" survives autosaves folding revisions together.
CREATE TABLE signed_texts (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
) WITHOUT ROWID;
