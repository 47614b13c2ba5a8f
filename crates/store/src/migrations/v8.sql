-- Switchyard workspace schema, version 8: deployments and incidents ingested from files of
-- other tools (`switchyard ingest`).
--
-- Their source is `import`, and their source_key is the file's origin and the record's own
-- key, `ORIGIN:KEY` (`jenkins:api#42`), so (source, source_key) stays their identity: the
-- same file ingested again updates the same rows. SQLite cannot change a CHECK constraint in
-- place, so both tables are built again with the wider list and their rows copied, ids and
-- all; no table refers to either, and the indexes and DORA triggers (v3, v4) are made again.
-- Deployments gain the optional `url` a CI tool gives a build.

CREATE TABLE deployments_v7 (
    id          INTEGER PRIMARY KEY,
    source      TEXT CHECK (source IN ('jira', 'github', 'import')),
    source_key  TEXT,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    environment TEXT NOT NULL,
    production  INTEGER NOT NULL CHECK (production IN (0, 1)),
    sha         TEXT NOT NULL,
    git_ref     TEXT,
    creator     TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'pending')),
    time        TEXT,
    created_at  TEXT NOT NULL,
    release_id  INTEGER REFERENCES releases(id) ON DELETE SET NULL,
    url         TEXT,
    UNIQUE (source, source_key)
) STRICT;
INSERT INTO deployments_v7 (id, source, source_key, service_id, environment, production, sha,
    git_ref, creator, outcome, time, created_at, release_id)
SELECT id, source, source_key, service_id, environment, production, sha,
    git_ref, creator, outcome, time, created_at, release_id FROM deployments;
DROP TABLE deployments;
ALTER TABLE deployments_v7 RENAME TO deployments;
CREATE INDEX deployments_by_service_time ON deployments(service_id, time);
CREATE INDEX deployments_by_time ON deployments(time);
CREATE INDEX deployments_pending ON deployments(service_id) WHERE outcome = 'pending';

CREATE TABLE incidents_v7 (
    id          INTEGER PRIMARY KEY,
    source      TEXT CHECK (source IN ('jira', 'github', 'import')),
    source_key  TEXT,
    service_id  INTEGER REFERENCES services(id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    severity    TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    url         TEXT,
    UNIQUE (source, source_key)
) STRICT;
INSERT INTO incidents_v7 (id, source, source_key, service_id, title, severity, created_at,
    resolved_at, url)
SELECT id, source, source_key, service_id, title, severity, created_at, resolved_at, url
FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_v7 RENAME TO incidents;
CREATE INDEX incidents_by_service_created ON incidents(service_id, created_at);

CREATE TRIGGER dora_facts_deployment_insert AFTER INSERT ON deployments
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_deployment_delete AFTER DELETE ON deployments
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_deployment_update AFTER UPDATE ON deployments
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.environment IS NOT NEW.environment
  OR OLD.production IS NOT NEW.production OR OLD.sha IS NOT NEW.sha
  OR OLD.outcome IS NOT NEW.outcome OR OLD.time IS NOT NEW.time OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_incident_insert AFTER INSERT ON incidents
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_incident_delete AFTER DELETE ON incidents
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_incident_update AFTER UPDATE ON incidents
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.created_at IS NOT NEW.created_at
  OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
-- The rows moved: whatever was linked from them is linked again.
UPDATE dora_facts_version SET n = n + 1 WHERE id = 1;
