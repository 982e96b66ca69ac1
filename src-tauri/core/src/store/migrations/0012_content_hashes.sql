-- 0012: each post's canonical content hash kept beside its text, so the board
-- reads 10,000 hashes instead of every post's text. Per post: the hash of the
-- whole post (lang '') and of each language version alone (a step covering
-- one language). Written by every write that changes what they cover, in its
-- transaction (workflow::stored_hashes); the Rust step fills them for the
-- posts already here. A cache for reading, never evidence: signing, `audit
-- verify` and preflight hash the text itself.
-- Never edit this file: add the next number instead.

CREATE TABLE content_hashes (
    post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,                -- '': every language version of the post
    hash     TEXT NOT NULL,                -- v1:<64 hex digits>, as acts write it
    PRIMARY KEY (post_id, lang)
) WITHOUT ROWID;

-- Text or tags changed by anything that does not keep the hashes (another
-- program on the file) drop the post's hashes: the board then hashes its text.
-- Valise's own writes drop them too and write them again before they commit.
CREATE TRIGGER content_hashes_dropped_by_text AFTER UPDATE OF
    post_id, lang, title, summary, body, share_text, place_line ON language_versions
WHEN old.post_id IS NOT new.post_id OR old.lang IS NOT new.lang
  OR old.title IS NOT new.title OR old.summary IS NOT new.summary
  OR old.body IS NOT new.body OR old.share_text IS NOT new.share_text
  OR old.place_line IS NOT new.place_line
BEGIN
    DELETE FROM content_hashes WHERE post_id IN (old.post_id, new.post_id);
END;

CREATE TRIGGER content_hashes_dropped_by_new_version AFTER INSERT ON language_versions
BEGIN
    DELETE FROM content_hashes WHERE post_id = new.post_id;
END;

CREATE TRIGGER content_hashes_dropped_by_removed_version AFTER DELETE ON language_versions
BEGIN
    DELETE FROM content_hashes WHERE post_id = old.post_id;
END;

CREATE TRIGGER content_hashes_dropped_by_new_tag AFTER INSERT ON version_tags
BEGIN
    DELETE FROM content_hashes
    WHERE post_id = (SELECT post_id FROM language_versions WHERE id = new.version_id);
END;

CREATE TRIGGER content_hashes_dropped_by_removed_tag AFTER DELETE ON version_tags
BEGIN
    DELETE FROM content_hashes
    WHERE post_id = (SELECT post_id FROM language_versions WHERE id = old.version_id);
END;

CREATE TRIGGER content_hashes_dropped_by_changed_tag AFTER UPDATE ON version_tags
BEGIN
    DELETE FROM content_hashes WHERE post_id IN (
        SELECT post_id FROM language_versions WHERE id IN (old.version_id, new.version_id));
END;
