-- Switchyard workspace schema, version 2: the planning core and the sync connectors.
-- Sections, each owned by one piece of work; all run in this one step.

-- == Section A: calendar and dependencies (holidays, train rules) ==

-- Days nothing ships, for every service (a one-day freeze window). A train's freeze rule
-- (trains.freeze_rule: move to the next allowed day, or keep and flag) applies to them.
CREATE TABLE holidays (
    id   INTEGER PRIMARY KEY,
    date TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
) STRICT;

-- Generated releases are found by train and planned date (`train generate` is idempotent).
CREATE INDEX releases_by_train_planned ON releases(train_id, planned_date);
CREATE INDEX dependencies_by_blocker ON dependencies(kind, blocker_id);

-- == Section B: risk policy, readiness history, change records, reviews ==

-- == Section C: Jira sync (status transitions, link types) ==

-- == Section D: GitHub sync (deployment statuses, PR commits) ==
