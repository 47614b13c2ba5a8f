-- Switchyard workspace schema, version 7: signed heads of the audit log.
--
-- Each append of an audit event, when the app has the workspace's audit key (an ed25519 key
-- pair: the secret in the OS keyring, the public key in `meta` as `audit_public_key`, the
-- workspace's random id as `workspace_id`), also stores the head it makes: the event's id,
-- its hash and a signature over "switchyard-audit-head-v1\n<workspace id>\n<id>\n<hash>".
-- An event written without the key (no keyring) has no row here. Append-only, like the log.
-- No foreign key to audit_events: a head whose event is gone is what `audit verify` reports,
-- not something SQLite should refuse to let happen unseen.

CREATE TABLE audit_heads (
    event_id  INTEGER PRIMARY KEY,
    hash      TEXT NOT NULL,
    signature TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads
BEGIN
    SELECT RAISE(ABORT, 'audit heads are append-only');
END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN
    SELECT RAISE(ABORT, 'audit heads are append-only');
END;
