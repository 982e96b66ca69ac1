-- 0015: every version's title beside its post and language in one index, so
-- the board's first read lists 10,000 posts and their titles from the index
-- alone instead of reading every version's row (bodies included: most of the
-- file).
-- Never edit this file: add the next one instead.

CREATE INDEX language_versions_titles ON language_versions (post_id, lang, title);
