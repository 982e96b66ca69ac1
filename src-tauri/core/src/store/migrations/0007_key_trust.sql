-- 0007: trust in signing keys. From here on a key enters the library only with
-- a signed `founder` entry (the first person) or an `enrolment` entry that
-- reveals the code of a signed `invitation` (workflow::trust). Keys recorded
-- the old way (`person_added` / `key_added` entries) up to the last entry that
-- exists now stay trusted, and `audit verify` lists them as enrolled before
-- invitations existed; those kinds after this point are not trusted.
-- Never edit this file: add 0008_… instead.

CREATE TABLE trust_epoch (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    legacy_until_seq INTEGER NOT NULL      -- audit_entries.seq; 0: none
);

INSERT INTO trust_epoch (id, legacy_until_seq)
SELECT 1, COALESCE(MAX(seq), 0) FROM audit_entries;
