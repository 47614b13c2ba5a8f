//! The whole workspace as one `Document`, every list ordered by id.

use crate::codec::*;
use crate::{rows, Result, Store};
use rusqlite::{Connection, Row};
use std::collections::HashMap;
use switchyard_core::*;

fn all<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    rows::all(conn, sql, [], f)
}

/// `parent id -> [names]` from a link table joined to services or releases.
fn grouped(conn: &Connection, sql: &str) -> Result<HashMap<i64, Vec<(i64, String)>>> {
    let mut map: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (parent, id, name) in all(conn, sql, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        map.entry(parent).or_default().push((id, name));
    }
    Ok(map)
}

impl Store {
    pub fn export(&self) -> Result<Document> {
        let conn = &self.conn;
        let teams = all(conn, "SELECT id, name FROM teams ORDER BY id", |r| {
            Ok(Team {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        let services = all(
            conn,
            "SELECT s.id, s.name, t.name, s.source, s.source_key
               FROM services s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.id",
            |r| {
                Ok(Service {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    team: r.get(2)?,
                    source: get_source_opt(r, 3)?,
                    source_key: r.get(4)?,
                })
            },
        )?;
        // Trains, releases and freeze windows load as the planner loads them.
        let trains = crate::plan::trains(conn)?;
        let releases = crate::plan::releases(conn)?;
        let milestones = all(
            conn,
            &format!("{} ORDER BY m.id", rows::MILESTONE),
            rows::milestone,
        )?;
        // A dependency end is named by its source_key when synced, else by its id.
        let dependencies = all(
            conn,
            "SELECT d.id, d.kind,
                    CASE d.kind
                      WHEN 'release' THEN (SELECT coalesce(source_key, id) FROM releases WHERE id = d.blocker_id)
                      WHEN 'service' THEN (SELECT coalesce(source_key, id) FROM services WHERE id = d.blocker_id)
                      ELSE (SELECT coalesce(source_key, id) FROM work_items WHERE id = d.blocker_id) END,
                    CASE d.kind
                      WHEN 'release' THEN (SELECT coalesce(source_key, id) FROM releases WHERE id = d.blocked_id)
                      WHEN 'service' THEN (SELECT coalesce(source_key, id) FROM services WHERE id = d.blocked_id)
                      ELSE (SELECT coalesce(source_key, id) FROM work_items WHERE id = d.blocked_id) END,
                    d.note, d.source, d.source_key
               FROM dependencies d ORDER BY d.id",
            |r| {
                let key = |v: rusqlite::types::Value| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(s) => s,
                    _ => String::new(),
                };
                Ok(Dependency {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    blocker: key(r.get(2)?),
                    blocked: key(r.get(3)?),
                    note: r.get(4)?,
                    source: get_source_opt(r, 5)?,
                    source_key: r.get(6)?,
                })
            },
        )?;
        let item_releases = grouped(
            conn,
            "SELECT wr.work_item_id, r.id, r.name FROM work_item_releases wr
               JOIN releases r ON r.id = wr.release_id ORDER BY wr.work_item_id, r.id",
        )?;
        let work_items = all(
            conn,
            "SELECT w.id, w.source, w.source_key, w.title, w.kind, w.status, w.status_category,
                    w.priority, s.name, w.labels, w.author, w.assignee, w.url, w.created_at,
                    w.updated_at, w.resolved_at, w.merged_at, w.first_commit_at, w.base_branch,
                    w.additions, w.deletions, w.changed_files
               FROM work_items w LEFT JOIN services s ON s.id = w.service_id ORDER BY w.id",
            |r| {
                let id: i64 = r.get(0)?;
                let rels = item_releases.get(&id);
                Ok(WorkItem {
                    id,
                    source: get_source_opt(r, 1)?,
                    source_key: r.get(2)?,
                    title: r.get(3)?,
                    kind: r.get(4)?,
                    status: r.get(5)?,
                    status_category: get_word(r, 6)?,
                    priority: r.get(7)?,
                    service: r.get(8)?,
                    releases: rels
                        .map(|v| v.iter().map(|(_, n)| n.clone()).collect())
                        .unwrap_or_default(),
                    release_ids: rels
                        .map(|v| v.iter().map(|(i, _)| *i).collect())
                        .unwrap_or_default(),
                    labels: get_json(r, 9)?,
                    author: r.get(10)?,
                    assignee: r.get(11)?,
                    url: r.get(12)?,
                    created_at: get_ts(r, 13)?,
                    updated_at: get_ts(r, 14)?,
                    resolved_at: get_ts_opt(r, 15)?,
                    merged_at: get_ts_opt(r, 16)?,
                    first_commit_at: get_ts_opt(r, 17)?,
                    base_branch: r.get(18)?,
                    additions: r.get(19)?,
                    deletions: r.get(20)?,
                    changed_files: r.get(21)?,
                })
            },
        )?;
        let deployments = all(
            conn,
            "SELECT d.id, d.source, d.source_key, s.name, d.environment, d.production, d.sha,
                    d.git_ref, d.creator, d.outcome, d.time, d.created_at, d.release_id, d.url
               FROM deployments d JOIN services s ON s.id = d.service_id ORDER BY d.id",
            |r| {
                let outcome: String = r.get(9)?;
                Ok(Deployment {
                    id: r.get(0)?,
                    source: get_source_opt(r, 1)?,
                    source_key: r.get(2)?,
                    service: r.get(3)?,
                    environment: r.get(4)?,
                    production: r.get(5)?,
                    sha: r.get(6)?,
                    git_ref: r.get(7)?,
                    creator: r.get(8)?,
                    outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Pending),
                    time: get_ts_opt(r, 10)?,
                    created_at: get_ts(r, 11)?,
                    release_id: r.get(12)?,
                    url: r.get(13)?,
                })
            },
        )?;
        let incidents = all(
            conn,
            "SELECT i.id, i.source, i.source_key, s.name, i.title, i.severity, i.created_at,
                    i.resolved_at, i.url
               FROM incidents i LEFT JOIN services s ON s.id = i.service_id ORDER BY i.id",
            |r| {
                Ok(Incident {
                    id: r.get(0)?,
                    source: get_source_opt(r, 1)?,
                    source_key: r.get(2)?,
                    service: r.get(3)?,
                    title: r.get(4)?,
                    severity: r.get(5)?,
                    created_at: get_ts(r, 6)?,
                    resolved_at: get_ts_opt(r, 7)?,
                    url: r.get(8)?,
                })
            },
        )?;
        let pipeline_runs = all(
            conn,
            &format!("{} ORDER BY p.id", rows::PIPELINE_RUN),
            rows::pipeline_run,
        )?;
        let freeze_windows = crate::plan::freeze_windows(conn)?;
        let audit_events = all(
            conn,
            "SELECT id, at, actor, action, entity, entity_id, before, after, prev_hash, hash
               FROM audit_events ORDER BY id",
            |r| {
                Ok(AuditEvent {
                    id: r.get(0)?,
                    at: get_ts(r, 1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    entity: r.get(4)?,
                    entity_id: r.get(5)?,
                    before: get_json_opt(r, 6)?,
                    after: get_json_opt(r, 7)?,
                    prev_hash: r.get(8)?,
                    hash: r.get(9)?,
                })
            },
        )?;
        let sync_state = all(
            conn,
            "SELECT source, scope, cursor, updated_at FROM sync_state ORDER BY source, scope",
            |r| {
                Ok(SyncState {
                    source: get_source_opt(r, 0)?.unwrap_or(Source::Jira),
                    scope: r.get(1)?,
                    cursor: get_json(r, 2)?,
                    updated_at: get_ts(r, 3)?,
                })
            },
        )?;
        let jira_issues = all(
            conn,
            "SELECT work_item_id, issue_id, project, description, last_seen_run, vanished_at
               FROM jira_issues ORDER BY work_item_id",
            |r| {
                Ok(JiraIssue {
                    work_item_id: r.get(0)?,
                    issue_id: r.get(1)?,
                    project: r.get(2)?,
                    description: r.get(3)?,
                    last_seen_run: r.get(4)?,
                    vanished_at: get_ts_opt(r, 5)?,
                })
            },
        )?;
        let work_item_transitions = all(
            conn,
            "SELECT id, work_item_id, at, from_status, to_status, actor, source_key
               FROM work_item_transitions ORDER BY id",
            |r| {
                Ok(WorkItemTransition {
                    id: r.get(0)?,
                    work_item_id: r.get(1)?,
                    at: get_ts(r, 2)?,
                    from_status: r.get(3)?,
                    to_status: r.get(4)?,
                    actor: r.get(5)?,
                    source_key: r.get(6)?,
                })
            },
        )?;
        let gov = crate::governance::export_governance(conn)?;
        Ok(Document {
            schema_version: self.schema_version()?,
            teams,
            services,
            trains,
            releases,
            milestones,
            dependencies,
            work_items,
            deployments,
            incidents,
            pipeline_runs,
            freeze_windows,
            risk_assessments: gov.risk_assessments,
            checklists: gov.checklists,
            decisions: gov.decisions,
            audit_events,
            sync_state,
            holidays: crate::plan::holidays(conn)?,
            risk_policies: gov.risk_policies,
            checklist_item_events: gov.checklist_item_events,
            release_approvals: gov.release_approvals,
            change_records: gov.change_records,
            reviews: gov.reviews,
            jira_issues,
            work_item_transitions,
            people: crate::governance::people(conn)?,
        })
    }
}
