-- 0010: the user a library logs in as on each backend (a WordPress login),
-- beside its address. The password is never here: it stays in the desktop's
-- secret store. NULL for backends that need no login.
-- Never edit this file: add the next one instead.

ALTER TABLE sync_backends ADD COLUMN login TEXT;
