-- Switchyard workspace schema, version 9: which services' DORA facts changed since the
-- links were kept, so that the next query links only those services again.
--
-- Every write to a deployment, pull request or incident that changes a fact (the triggers
-- of step 4, made again here) bumps both `dora_facts_version.n` and `.attributed`, and
-- records the service ids of the row before and after the write in
-- `dora_dirty_services` (NULL: an incident without a service). Every other bump of `n`
-- (services and teams renamed or moved, steps that rewrite tables) does not count in
-- `attributed`. The kept links at version v are then current but for the recorded
-- services exactly when n - v = attributed: else everything is linked again. Keeping
-- links empties the table and sets `attributed` to 0 in the same transaction.

ALTER TABLE dora_facts_version ADD COLUMN attributed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE dora_dirty_services (
    service_id INTEGER             -- services.id (no reference: it may be gone); NULL: none
) STRICT;
CREATE INDEX dora_dirty_services_by_id ON dora_dirty_services(service_id);

DROP TRIGGER dora_facts_deployment_insert;
DROP TRIGGER dora_facts_deployment_delete;
DROP TRIGGER dora_facts_deployment_update;
DROP TRIGGER dora_facts_change_insert;
DROP TRIGGER dora_facts_change_delete;
DROP TRIGGER dora_facts_change_update;
DROP TRIGGER dora_facts_incident_insert;
DROP TRIGGER dora_facts_incident_delete;
DROP TRIGGER dora_facts_incident_update;

-- Deployments: every column a fact reads (service_id is never NULL).
CREATE TRIGGER dora_facts_deployment_insert AFTER INSERT ON deployments
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;
CREATE TRIGGER dora_facts_deployment_delete AFTER DELETE ON deployments
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
END;
CREATE TRIGGER dora_facts_deployment_update AFTER UPDATE ON deployments
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.environment IS NOT NEW.environment
  OR OLD.production IS NOT NEW.production OR OLD.sha IS NOT NEW.sha
  OR OLD.outcome IS NOT NEW.outcome OR OLD.time IS NOT NEW.time OR OLD.id IS NOT NEW.id
  OR OLD.source IS NOT NEW.source OR OLD.source_key IS NOT NEW.source_key
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;

-- Changes: pull requests with a service (other work items are no facts).
CREATE TRIGGER dora_facts_change_insert AFTER INSERT ON work_items
WHEN NEW.kind = 'pull_request'
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NEW.service_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;
CREATE TRIGGER dora_facts_change_delete AFTER DELETE ON work_items
WHEN OLD.kind = 'pull_request'
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE OLD.service_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
END;
CREATE TRIGGER dora_facts_change_update AFTER UPDATE ON work_items
WHEN (OLD.kind = 'pull_request' OR NEW.kind = 'pull_request')
 AND (OLD.kind IS NOT NEW.kind OR OLD.service_id IS NOT NEW.service_id
  OR OLD.merged_at IS NOT NEW.merged_at OR OLD.first_commit_at IS NOT NEW.first_commit_at
  OR OLD.created_at IS NOT NEW.created_at OR OLD.id IS NOT NEW.id)
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE OLD.service_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NEW.service_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;

-- Incidents (one without a service is recorded as NULL).
CREATE TRIGGER dora_facts_incident_insert AFTER INSERT ON incidents
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;
CREATE TRIGGER dora_facts_incident_delete AFTER DELETE ON incidents
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
END;
CREATE TRIGGER dora_facts_incident_update AFTER UPDATE ON incidents
WHEN OLD.service_id IS NOT NEW.service_id OR OLD.created_at IS NOT NEW.created_at
  OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.id IS NOT NEW.id
BEGIN
  UPDATE dora_facts_version SET n = n + 1, attributed = attributed + 1 WHERE id = 1;
  INSERT INTO dora_dirty_services (service_id) SELECT OLD.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS OLD.service_id);
  INSERT INTO dora_dirty_services (service_id) SELECT NEW.service_id
  WHERE NOT EXISTS (SELECT 1 FROM dora_dirty_services WHERE service_id IS NEW.service_id);
END;
