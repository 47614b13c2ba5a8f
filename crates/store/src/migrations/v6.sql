-- Switchyard workspace schema, version 6: the people of the workspace (the roster), and who
-- recorded each go/no-go approval and decision.
--
-- A person has a name (unique ignoring case), roles (normalised words: engineering, qa, sre,
-- security, product, change_board, or any other) and the identities they go by in the synced
-- data: GitHub logins and Jira account ids or emails, each belonging to one person at most.
-- Segregation of duties compares a person's identities with the authors and deployers of a
-- release's changes.
--
-- people.id is AUTOINCREMENT so the id of a removed person is never given to another: an
-- approval keeps the id of the person who gave it (person_id, no foreign key; decisions are
-- never edited, so nothing may be set to null when a person leaves the roster).

CREATE TABLE people (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (trim(name) <> ''),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE person_roles (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    role      TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
) STRICT;

CREATE TABLE person_identities (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('github', 'jira')),
    position  INTEGER NOT NULL,
    value     TEXT NOT NULL COLLATE NOCASE CHECK (trim(value) <> ''),
    UNIQUE (kind, value)
) STRICT;
CREATE INDEX person_identities_by_person ON person_identities(person_id);

-- Who recorded an approval or a decision: the operating-system user and host of the
-- process, and the roster person (null for rows recorded before this version, and for
-- approvals typed by name in a workspace without people).
ALTER TABLE release_approvals ADD COLUMN person_id INTEGER;
ALTER TABLE release_approvals ADD COLUMN os_user TEXT;
ALTER TABLE release_approvals ADD COLUMN os_host TEXT;
ALTER TABLE approvals ADD COLUMN person_id INTEGER;
ALTER TABLE approvals ADD COLUMN os_user TEXT;
ALTER TABLE approvals ADD COLUMN os_host TEXT;
ALTER TABLE decisions ADD COLUMN person_id INTEGER;
ALTER TABLE decisions ADD COLUMN os_user TEXT;
ALTER TABLE decisions ADD COLUMN os_host TEXT;
