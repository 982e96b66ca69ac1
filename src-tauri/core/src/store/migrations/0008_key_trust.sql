-- 0008: trust in signing keys. From here on a key enters the library only with
-- a signed `founder` entry (the first person) or an `enrolment` entry that
-- reveals the code of a signed `invitation` (workflow::trust). Keys recorded
-- the old way (`person_added` / `key_added` entries) up to the last entry that
-- exists now in this library's own chain stay trusted, and `audit verify` lists
-- them as enrolled before invitations existed; those kinds after this point,
-- or in another library's chain, are not trusted.
-- Never edit this file: add 0009_… instead.

CREATE TABLE trust_epoch (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    legacy_chain     TEXT NOT NULL,        -- settings.audit_chain when this ran
    legacy_until_seq INTEGER NOT NULL      -- audit_entries.seq in that chain; 0: none
);

INSERT INTO trust_epoch (id, legacy_chain, legacy_until_seq)
SELECT 1, chain.value, COALESCE(MAX(e.seq), 0)
FROM (SELECT value FROM settings WHERE key = 'audit_chain') AS chain
LEFT JOIN audit_entries e ON e.chain = chain.value;
