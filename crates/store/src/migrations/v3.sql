-- Switchyard workspace schema, version 3: governance (risk policy, readiness history,
-- approvals, change records, reviews) and the Jira and GitHub sync connectors.
--
-- These sections were first written into step 2, but step 2 had already shipped with
-- Section A alone: a workspace at version 2 would never have run them. They are step 3.

-- == Section B: risk policy, readiness history, change records, reviews ==

-- Versions of the risk policy (policy as code); the newest row is in force.
CREATE TABLE risk_policies (
    id         INTEGER PRIMARY KEY,
    policy     TEXT NOT NULL,                  -- JSON: core::risk::RiskPolicy
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- Every state change of a checklist item (the readiness timeline).
CREATE TABLE checklist_item_events (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES checklist_items(id) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'blocked', 'not_applicable')),
    evidence_url TEXT,
    note         TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL
) STRICT;
CREATE INDEX checklist_item_events_by_item ON checklist_item_events(item_id, at);

-- Go/no-go approvals given before the decision; the decision takes the open ones.
CREATE TABLE release_approvals (
    id          INTEGER PRIMARY KEY,
    release_id  INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    approver    TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    decision_id INTEGER REFERENCES decisions(id)
) STRICT;
CREATE INDEX release_approvals_by_release ON release_approvals(release_id, decision_id);

CREATE TABLE change_records (
    id            INTEGER PRIMARY KEY,
    release_id    INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('standard', 'normal', 'emergency')),
    status        TEXT NOT NULL
                  CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'closed')),
    window_start  TEXT,
    window_end    TEXT,
    risk_class    TEXT CHECK (risk_class IN ('low', 'medium', 'high', 'critical')),
    rollback_plan TEXT NOT NULL DEFAULT '',
    evidence      TEXT NOT NULL DEFAULT '[]',  -- JSON: [url]
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;
CREATE INDEX change_records_by_release ON change_records(release_id);

CREATE TABLE change_record_services (
    change_record_id INTEGER NOT NULL REFERENCES change_records(id) ON DELETE CASCADE,
    service_id       INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (change_record_id, service_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE change_record_items (
    change_record_id INTEGER NOT NULL REFERENCES change_records(id) ON DELETE CASCADE,
    work_item_id     INTEGER NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
    PRIMARY KEY (change_record_id, work_item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE change_record_approvals (
    id               INTEGER PRIMARY KEY,
    change_record_id INTEGER NOT NULL REFERENCES change_records(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    approver         TEXT NOT NULL,
    approved_at      TEXT NOT NULL
) STRICT;
CREATE INDEX change_record_approvals_by_record ON change_record_approvals(change_record_id);

-- Post-release reviews and their action items.
CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    due_date   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('scheduled', 'done')),
    summary    TEXT NOT NULL DEFAULT '',
    held_at    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX reviews_by_release ON reviews(release_id);

CREATE TABLE review_action_items (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    owner      TEXT,
    due_date   TEXT,
    status     TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX review_action_items_by_review ON review_action_items(review_id);

-- == Section C: Jira sync (status transitions, link types) ==

-- What only Jira issues have: the Jira id and project, the description as plain text (from
-- ADF or wiki markup), the sync run that last saw the issue, and when a full sync found it
-- gone from Jira (deleted, moved, or no longer visible).
CREATE TABLE jira_issues (
    work_item_id  INTEGER PRIMARY KEY REFERENCES work_items(id) ON DELETE CASCADE,
    issue_id      TEXT NOT NULL,
    project       TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    last_seen_run TEXT NOT NULL,
    vanished_at   TEXT
) STRICT;
CREATE INDEX jira_issues_by_project ON jira_issues(project, last_seen_run);

-- Status transitions of a work item with their times (Jira changelog `status` items).
CREATE TABLE work_item_transitions (
    id           INTEGER PRIMARY KEY,
    work_item_id INTEGER NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    actor        TEXT,
    source_key   TEXT                          -- the Jira changelog history id
) STRICT;
CREATE INDEX work_item_transitions_by_item ON work_item_transitions(work_item_id, at);

-- == Section D: GitHub sync (deployment statuses, PR commits) ==
-- Deployment statuses are not kept: the outcome rule of docs/metrics.md is applied as they are
-- read, and a deployment still `pending` has its statuses fetched again on the next sync.
-- This partial index finds those few without scanning all deployments.
CREATE INDEX deployments_pending ON deployments(service_id) WHERE outcome = 'pending';
