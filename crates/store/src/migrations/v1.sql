-- Switchyard workspace schema, version 1: the whole release-planning domain.
-- Times are TEXT in RFC 3339 UTC ("2026-01-05T09:30:00Z"), dates TEXT "YYYY-MM-DD";
-- both sort correctly as text. Lists that belong to one record (labels) are JSON text.
-- A synced record keeps its source identity: (source, source_key) is unique.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE teams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE services (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    team_id    INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    source     TEXT CHECK (source IN ('jira', 'github')),
    source_key TEXT,
    UNIQUE (source, source_key)
) STRICT;

CREATE TABLE trains (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    description        TEXT NOT NULL DEFAULT '',
    cadence            TEXT NOT NULL,          -- JSON: core::Cadence
    milestone_template TEXT NOT NULL,          -- JSON: [core::MilestoneOffset]
    freeze_rule        TEXT NOT NULL CHECK (freeze_rule IN ('move', 'flag'))
) STRICT;

CREATE TABLE train_services (
    train_id   INTEGER NOT NULL REFERENCES trains(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (train_id, service_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE releases (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    version      TEXT,
    train_id     INTEGER REFERENCES trains(id) ON DELETE SET NULL,
    release_type TEXT NOT NULL DEFAULT 'regular'
                 CHECK (release_type IN ('regular', 'major', 'hotfix', 'emergency')),
    status       TEXT NOT NULL DEFAULT 'planned'
                 CHECK (status IN ('planned', 'in_progress', 'released', 'cancelled')),
    start_date   TEXT,
    planned_date TEXT,
    release_date TEXT,
    released     INTEGER NOT NULL DEFAULT 0 CHECK (released IN (0, 1)),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    description  TEXT NOT NULL DEFAULT '',
    source       TEXT CHECK (source IN ('jira', 'github')),
    source_key   TEXT,
    UNIQUE (source, source_key)
) STRICT;
CREATE INDEX releases_by_date ON releases(release_date);
CREATE INDEX releases_by_train ON releases(train_id, release_date);

CREATE TABLE release_services (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (release_id, service_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX release_services_by_service ON release_services(service_id);

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    date         TEXT NOT NULL,
    completed_at TEXT
) STRICT;
CREATE INDEX milestones_by_release ON milestones(release_id, date);

-- A needs B first. Ends are ids in the table `kind` names (releases, services, work_items).
CREATE TABLE dependencies (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('release', 'service', 'work_item')),
    blocker_id INTEGER NOT NULL,
    blocked_id INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    source     TEXT CHECK (source IN ('jira', 'github')),
    source_key TEXT,
    UNIQUE (source, source_key),
    UNIQUE (kind, blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
) STRICT;
CREATE INDEX dependencies_by_blocked ON dependencies(kind, blocked_id);

CREATE TABLE work_items (
    id              INTEGER PRIMARY KEY,
    source          TEXT CHECK (source IN ('jira', 'github')),
    source_key      TEXT,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_category TEXT NOT NULL CHECK (status_category IN ('todo', 'in_progress', 'done')),
    priority        TEXT,
    service_id      INTEGER REFERENCES services(id) ON DELETE SET NULL,
    labels          TEXT NOT NULL DEFAULT '[]',
    author          TEXT,
    assignee        TEXT,
    url             TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    resolved_at     TEXT,
    merged_at       TEXT,
    first_commit_at TEXT,
    base_branch     TEXT,
    additions       INTEGER,
    deletions       INTEGER,
    changed_files   INTEGER,
    UNIQUE (source, source_key)
) STRICT;
CREATE INDEX work_items_by_service_merged ON work_items(service_id, merged_at);

CREATE TABLE work_item_releases (
    work_item_id INTEGER NOT NULL REFERENCES work_items(id) ON DELETE CASCADE,
    release_id   INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    PRIMARY KEY (work_item_id, release_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX work_item_releases_by_release ON work_item_releases(release_id);

CREATE TABLE deployments (
    id          INTEGER PRIMARY KEY,
    source      TEXT CHECK (source IN ('jira', 'github')),
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
    UNIQUE (source, source_key)
) STRICT;
CREATE INDEX deployments_by_service_time ON deployments(service_id, time);
CREATE INDEX deployments_by_time ON deployments(time);

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    source      TEXT CHECK (source IN ('jira', 'github')),
    source_key  TEXT,
    service_id  INTEGER REFERENCES services(id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    severity    TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    url         TEXT,
    UNIQUE (source, source_key)
) STRICT;
CREATE INDEX incidents_by_service_created ON incidents(service_id, created_at);

CREATE TABLE pipeline_runs (
    id          INTEGER PRIMARY KEY,
    source      TEXT CHECK (source IN ('jira', 'github')),
    source_key  TEXT,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    workflow    TEXT NOT NULL,
    head_sha    TEXT NOT NULL,
    event       TEXT NOT NULL,
    status      TEXT NOT NULL,
    conclusion  TEXT,
    attempt     INTEGER NOT NULL DEFAULT 1,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (source, source_key)
) STRICT;
CREATE INDEX pipeline_runs_by_service_started ON pipeline_runs(service_id, started_at);

CREATE TABLE freeze_windows (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    CHECK (start_date <= end_date)
) STRICT;

-- No rows: the window freezes every service.
CREATE TABLE freeze_window_services (
    freeze_window_id INTEGER NOT NULL REFERENCES freeze_windows(id) ON DELETE CASCADE,
    service_id       INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (freeze_window_id, service_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE risk_assessments (
    id              INTEGER PRIMARY KEY,
    release_id      INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    score           REAL NOT NULL,
    class           TEXT NOT NULL CHECK (class IN ('low', 'medium', 'high', 'critical')),
    factors         TEXT NOT NULL,             -- JSON
    override_class  TEXT CHECK (override_class IN ('low', 'medium', 'high', 'critical')),
    override_reason TEXT,
    assessed_at     TEXT NOT NULL,
    assessed_by     TEXT NOT NULL,
    CHECK ((override_class IS NULL) = (override_reason IS NULL))
) STRICT;
CREATE INDEX risk_assessments_by_release ON risk_assessments(release_id, assessed_at);

CREATE TABLE checklists (
    id         INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    template   TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX checklists_by_release ON checklists(release_id);

CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('manual', 'rule')),
    rule         TEXT,
    owner        TEXT,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'blocked', 'not_applicable')),
    evidence_url TEXT,
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX checklist_items_by_checklist ON checklist_items(checklist_id, position);

-- Decisions are never edited: a new one supersedes the old.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    outcome    TEXT NOT NULL CHECK (outcome IN ('go', 'no_go', 'go_with_conditions')),
    criteria   TEXT NOT NULL,                  -- JSON snapshot
    notes      TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES decisions(id)
) STRICT;
CREATE INDEX decisions_by_release ON decisions(release_id, decided_at);
CREATE TRIGGER decisions_are_final BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are never edited; record a new one that supersedes it');
END;

CREATE TABLE approvals (
    id          INTEGER PRIMARY KEY,
    decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    approver    TEXT NOT NULL,
    approved_at TEXT NOT NULL
) STRICT;
CREATE INDEX approvals_by_decision ON approvals(decision_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash + canonical event JSON).
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TABLE sync_state (
    source     TEXT NOT NULL CHECK (source IN ('jira', 'github')),
    scope      TEXT NOT NULL,
    cursor     TEXT NOT NULL,                  -- JSON
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, scope)
) STRICT, WITHOUT ROWID;
