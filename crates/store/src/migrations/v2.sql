-- Switchyard workspace schema, version 2: the planning core and the sync connectors.
-- Sections, each owned by one piece of work; all run in this one step.

-- == Section A: calendar and dependencies (holidays, train rules) ==

-- == Section B: risk policy, readiness history, change records, reviews ==

-- == Section C: Jira sync (status transitions, link types) ==

-- == Section D: GitHub sync (deployment statuses, PR commits) ==
