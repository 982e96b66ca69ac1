-- 0018: what a sync is about to send, written down before the request goes.
-- A sync killed after the site took a record, before its answer was
-- recorded, finds at the next pull that the site holds exactly what it sent
-- and takes that as agreed, rather than as a change made there (which, with
-- a later edit here to the same paragraph, was a needless conflict).
-- Never edit this file: add the next one instead.

CREATE TABLE sync_sending (
    backend TEXT NOT NULL,
    record  TEXT NOT NULL,              -- as sync_base.record
    body    TEXT NOT NULL,              -- the record sent, as sync_base.body
    PRIMARY KEY (backend, record)
) WITHOUT ROWID;
