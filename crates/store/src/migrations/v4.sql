-- Switchyard workspace schema, version 4: the linked DORA facts, kept between queries.
--
-- Linking millions of deployments, changes and incidents (which deployment shipped a
-- change, caused an incident, was rolled back) takes seconds; reading the result back takes
-- a fraction of that. `dora_linked` keeps the result in the byte form of
-- core::dora::Linked, stamped with the version of the facts it was linked from and the
-- production environments it was linked under. Every write that can change a fact bumps
-- `dora_facts_version` (the triggers below), which makes a stored result stale; the next
-- query links again and stores the new result.

CREATE TABLE dora_facts_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO dora_facts_version (id, n) VALUES (1, 0);

CREATE TABLE dora_linked (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL,       -- dora_facts_version.n it was linked from
    settings TEXT NOT NULL,          -- the production environments, as JSON
    data     BLOB NOT NULL
) STRICT;

-- Deployments: every column a fact reads.
CREATE TRIGGER dora_facts_deployment_insert AFTER INSERT ON deployments
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_deployment_delete AFTER DELETE ON deployments
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_deployment_update AFTER UPDATE ON deployments
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.environment IS NOT NEW.environment
  OR OLD.production IS NOT NEW.production OR OLD.sha IS NOT NEW.sha
  OR OLD.outcome IS NOT NEW.outcome OR OLD.time IS NOT NEW.time OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;

-- Changes: pull requests (other work items are no facts).
CREATE TRIGGER dora_facts_change_insert AFTER INSERT ON work_items
WHEN NEW.kind = 'pull_request'
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_change_delete AFTER DELETE ON work_items
WHEN OLD.kind = 'pull_request'
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_change_update AFTER UPDATE ON work_items
WHEN (OLD.kind = 'pull_request' OR NEW.kind = 'pull_request')
 AND (OLD.kind IS NOT NEW.kind OR OLD.service_id IS NOT NEW.service_id
  OR OLD.merged_at IS NOT NEW.merged_at OR OLD.first_commit_at IS NOT NEW.first_commit_at
  OR OLD.created_at IS NOT NEW.created_at OR OLD.id IS NOT NEW.id)
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;

-- Incidents.
CREATE TRIGGER dora_facts_incident_insert AFTER INSERT ON incidents
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_incident_delete AFTER DELETE ON incidents
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_incident_update AFTER UPDATE ON incidents
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.created_at IS NOT NEW.created_at
  OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;

-- Services and teams: the names and owners a scope is chosen by.
CREATE TRIGGER dora_facts_service_insert AFTER INSERT ON services
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_service_delete AFTER DELETE ON services
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_service_update AFTER UPDATE ON services
WHEN OLD.name IS NOT NEW.name OR OLD.team_id IS NOT NEW.team_id OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_team_delete AFTER DELETE ON teams
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dora_facts_team_update AFTER UPDATE ON teams
WHEN OLD.name IS NOT NEW.name OR OLD.id IS NOT NEW.id
BEGIN UPDATE dora_facts_version SET n = n + 1 WHERE id = 1; END;
