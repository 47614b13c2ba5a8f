-- Switchyard workspace schema, version 2: the planning core (issue 3).
-- Two sections, each owned by one piece of work; both run in this one step.

-- == Section A: calendar and dependencies (holidays, train rules) ==

-- == Section B: risk policy, readiness history, change records, reviews ==
