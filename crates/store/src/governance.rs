//! Risk policy, readiness history, go/no-go approvals, change records and post-release
//! reviews: small repository functions over schema step 3 (section B), and their part of
//! export/import. Functions take a `&Connection`, so a caller can run several inside one
//! transaction (`Connection::unchecked_transaction`) together with `append_audit`.

use crate::codec::*;
use crate::rows::{self, all, group};
use crate::Result;
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use switchyard_core::readiness::RuleFacts;
use switchyard_core::risk::{ChangeFacts, RiskInputs, RiskPolicy, ServiceFailures};
use switchyard_core::*;

/// The parts of the export document this module owns.
pub(crate) struct Governance {
    pub risk_assessments: Vec<RiskAssessment>,
    pub checklists: Vec<Checklist>,
    pub decisions: Vec<Decision>,
    pub risk_policies: Vec<RiskPolicyVersion>,
    pub checklist_item_events: Vec<ChecklistItemEvent>,
    pub release_approvals: Vec<ReleaseApproval>,
    pub change_records: Vec<ChangeRecord>,
    pub reviews: Vec<Review>,
}

pub(crate) fn export_governance(conn: &Connection) -> Result<Governance> {
    let mut items = group(rows::checklist_items(conn, None)?);
    let checklists = all(
        conn,
        "SELECT id, release_id, template, created_at FROM checklists ORDER BY id",
        [],
        |r| {
            let id: Id = r.get(0)?;
            Ok(Checklist {
                id,
                release_id: r.get(1)?,
                template: r.get(2)?,
                created_at: get_ts(r, 3)?,
                items: items.remove(&id).unwrap_or_default(),
            })
        },
    )?;
    Ok(Governance {
        risk_assessments: all(
            conn,
            &format!("{} ORDER BY id", rows::ASSESSMENT),
            [],
            rows::assessment,
        )?,
        checklists,
        decisions: rows::decisions(conn, None)?,
        risk_policies: all(
            conn,
            "SELECT id, policy, created_at, created_by FROM risk_policies ORDER BY id",
            [],
            |r| {
                Ok(RiskPolicyVersion {
                    id: r.get(0)?,
                    policy: get_json(r, 1)?,
                    created_at: get_ts(r, 2)?,
                    created_by: r.get(3)?,
                })
            },
        )?,
        checklist_item_events: item_events(conn, None)?,
        release_approvals: release_approvals(conn, None, false)?,
        change_records: change_records(conn, None)?,
        reviews: reviews(conn, None)?,
    })
}

/// Inserts this module's records of `doc` (ids kept); runs after every other table.
pub(crate) fn insert_governance(conn: &Connection, doc: &Document) -> Result<()> {
    let invalid =
        |what: String| move |e: rusqlite::Error| crate::StoreError::Invalid(format!("{what}: {e}"));
    for p in &doc.risk_policies {
        conn.prepare_cached(
            "INSERT INTO risk_policies (id, policy, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![p.id, json(&p.policy), ts(&p.created_at), p.created_by])
        .map_err(invalid(format!("risk policy {}", p.id)))?;
    }
    for e in &doc.checklist_item_events {
        conn.prepare_cached(
            "INSERT INTO checklist_item_events (id, item_id, state, evidence_url, note, at, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            e.id,
            e.item_id,
            e.state,
            e.evidence_url,
            e.note,
            ts(&e.at),
            e.actor
        ])
        .map_err(invalid(format!("checklist item event {}", e.id)))?;
    }
    for a in &doc.release_approvals {
        conn.prepare_cached(
            "INSERT INTO release_approvals (id, release_id, role, approver, approved_at, decision_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            a.id,
            a.release_id,
            a.role,
            a.approver,
            ts(&a.approved_at),
            a.decision_id
        ])
        .map_err(invalid(format!("release approval {}", a.id)))?;
    }
    for c in &doc.change_records {
        insert_change_record_with_id(conn, c)
            .map_err(|e| crate::StoreError::Invalid(format!("change record {}: {e}", c.id)))?;
    }
    for r in &doc.reviews {
        conn.prepare_cached(
            "INSERT INTO reviews (id, release_id, due_date, status, summary, held_at, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            r.id,
            r.release_id,
            date(&r.due_date),
            r.status,
            r.summary,
            ts_opt(&r.held_at),
            ts(&r.created_at),
            r.created_by
        ])
        .map_err(invalid(format!("review {}", r.id)))?;
        for a in &r.action_items {
            insert_action_item_with_id(conn, r.id, a)
                .map_err(invalid(format!("review action item {}", a.id)))?;
        }
    }
    Ok(())
}

// ---- releases ----

/// What the governance use cases need to know about a release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseBrief {
    pub id: Id,
    pub name: String,
    pub version: Option<String>,
    pub release_type: String,
    pub status: String,
    pub release_date: Option<NaiveDate>,
    pub released: bool,
    pub services: Vec<String>,
    pub service_ids: Vec<Id>,
}

/// Releases in flight: not shipped, not cancelled, not archived; by id.
pub fn open_release_ids(conn: &Connection) -> Result<Vec<Id>> {
    all(
        conn,
        "SELECT id FROM releases
          WHERE NOT released AND status NOT IN ('released', 'cancelled') AND NOT archived
          ORDER BY id",
        [],
        |r| r.get(0),
    )
}

pub fn release_brief(conn: &Connection, id: Id) -> Result<ReleaseBrief> {
    let services = all(
        conn,
        "SELECT s.id, s.name FROM release_services rs JOIN services s ON s.id = rs.service_id
          WHERE rs.release_id = ?1 ORDER BY s.id",
        [id],
        |r| Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?)),
    )?;
    conn.prepare_cached(
        "SELECT id, name, version, release_type, status, release_date, released FROM releases WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(ReleaseBrief {
            id: r.get(0)?,
            name: r.get(1)?,
            version: r.get(2)?,
            release_type: r.get(3)?,
            status: r.get(4)?,
            release_date: get_date_opt(r, 5)?,
            released: r.get(6)?,
            service_ids: services.iter().map(|(i, _)| *i).collect(),
            services: services.iter().map(|(_, n)| n.clone()).collect(),
        })
    })
    .optional()?
    .ok_or_else(|| crate::StoreError::NotFound(format!("release {id}")))
}

/// Creates a local release (the hotfix path); returns its id.
pub fn insert_release(
    conn: &Connection,
    name: &str,
    release_type: &str,
    day: NaiveDate,
    description: &str,
    service_ids: &[Id],
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO releases (name, release_type, status, start_date, planned_date, release_date, description)
         VALUES (?1, ?2, 'in_progress', ?3, ?3, ?3, ?4)",
    )?
    .execute(params![name, release_type, date(&day), description])?;
    let id = conn.last_insert_rowid();
    for s in service_ids {
        conn.prepare_cached(
            "INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, s])?;
    }
    Ok(id)
}

pub fn service_id(conn: &Connection, name: &str) -> Result<Option<Id>> {
    Ok(conn
        .prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

// ---- risk ----

pub fn current_policy(conn: &Connection) -> Result<Option<RiskPolicy>> {
    Ok(conn
        .prepare_cached("SELECT policy FROM risk_policies ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| get_json(r, 0))
        .optional()?)
}

pub fn insert_policy(
    conn: &Connection,
    policy: &RiskPolicy,
    at: Timestamp,
    by: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO risk_policies (policy, created_at, created_by) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![json(policy), ts(&at), by])?;
    Ok(conn.last_insert_rowid())
}

/// The latest CI run of `service` that started within two hours after `merged`.
fn ci_after_merge(conn: &Connection, service: Id, merged: Timestamp) -> Result<Option<bool>> {
    let conclusion: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT conclusion FROM pipeline_runs
              WHERE service_id = ?1 AND started_at >= ?2 AND started_at <= ?3
              ORDER BY started_at DESC, attempt DESC LIMIT 1",
        )?
        .query_row(
            params![service, ts(&merged), ts(&(merged + Duration::hours(2)))],
            |r| r.get(0),
        )
        .optional()?;
    Ok(conclusion.map(|c| c.as_deref() == Some("success")))
}

/// The latest CI run on `sha` (any service).
fn ci_on_sha(conn: &Connection, sha: &str) -> Result<Option<bool>> {
    let conclusion: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT conclusion FROM pipeline_runs WHERE head_sha = ?1
              ORDER BY started_at DESC, attempt DESC LIMIT 1",
        )?
        .query_row([sha], |r| r.get(0))
        .optional()?;
    Ok(conclusion.map(|c| c.as_deref() == Some("success")))
}

struct Change {
    id: Id,
    key: Option<String>,
    title: String,
    kind: String,
    status_category: String,
    priority: Option<String>,
    labels: Vec<String>,
    lines: i64,
    service: Option<Id>,
    merged_at: Option<Timestamp>,
}

fn changes_of(conn: &Connection, release: Id) -> Result<Vec<Change>> {
    all(
        conn,
        "SELECT w.id, w.source_key, w.title, w.kind, w.status_category, w.priority, w.labels,
                coalesce(w.additions, 0) + coalesce(w.deletions, 0), w.service_id, w.merged_at
           FROM work_items w JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 ORDER BY w.id",
        [release],
        |r| {
            Ok(Change {
                id: r.get(0)?,
                key: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                status_category: r.get(4)?,
                priority: r.get(5)?,
                labels: get_json(r, 6)?,
                lines: r.get(7)?,
                service: r.get(8)?,
                merged_at: get_ts_opt(r, 9)?,
            })
        },
    )
}

/// Holidays from the workspace's `holidays` table, when this schema has one.
fn holidays(conn: &Connection) -> Result<Vec<NaiveDate>> {
    let has: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'holidays'",
        [],
        |r| r.get(0),
    )?;
    if has == 0 {
        return Ok(vec![]);
    }
    all(conn, "SELECT date FROM holidays ORDER BY date", [], |r| {
        get_date(r, 0)
    })
}

/// Everything a risk assessment of `release` reads, as of `now`.
pub fn risk_inputs(
    conn: &Connection,
    release: &ReleaseBrief,
    now: Timestamp,
    failure_window_days: u32,
) -> Result<RiskInputs> {
    let mut changes = Vec::new();
    for c in changes_of(conn, release.id)? {
        let is_pr = c.kind == "pull_request";
        let ci_green = match (is_pr, c.service, c.merged_at) {
            (true, Some(s), Some(m)) => ci_after_merge(conn, s, m)?,
            _ => None,
        };
        let key = c.key.clone().unwrap_or_else(|| format!("#{}", c.id));
        changes.push(ChangeFacts {
            label: format!("{key} {}", c.title),
            title: c.title,
            labels: c.labels,
            is_pull_request: is_pr,
            lines: c.lines,
            ci_green,
        });
    }
    let service_edges = all(
        conn,
        "SELECT b.name, c.name FROM dependencies d
           JOIN services b ON b.id = d.blocker_id JOIN services c ON c.id = d.blocked_id
          WHERE d.kind = 'service' ORDER BY d.id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let rollback_item_done: i64 = conn.query_row(
        "SELECT count(*) FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id
          WHERE c.release_id = ?1 AND i.state = 'done'
            AND (lower(i.title) LIKE '%rollback%' OR i.rule = 'rollback_plan')",
        [release.id],
        |r| r.get(0),
    )?;
    let rollback_plan_recorded: i64 = conn.query_row(
        "SELECT count(*) FROM change_records
          WHERE release_id = ?1 AND trim(rollback_plan) <> '' AND status <> 'rejected'",
        [release.id],
        |r| r.get(0),
    )?;
    let from = now - Duration::days(i64::from(failure_window_days));
    let mut failures = Vec::new();
    for (sid, name) in release.service_ids.iter().zip(&release.services) {
        let (total, failed): (i64, i64) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(outcome = 'failure'), 0) FROM deployments
                  WHERE service_id = ?1 AND production = 1 AND outcome <> 'pending'
                    AND time >= ?2 AND time <= ?3",
            )?
            .query_row(params![sid, ts(&from), ts(&now)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        failures.push(ServiceFailures {
            service: name.clone(),
            failed,
            total,
        });
    }
    Ok(RiskInputs {
        release_date: release.release_date,
        services: release.services.clone(),
        changes,
        service_edges,
        rollback_item_done: rollback_item_done > 0,
        rollback_plan_recorded: rollback_plan_recorded > 0,
        failures,
        freeze_windows: crate::plan::freeze_windows(conn)?,
        holidays: holidays(conn)?,
    })
}

pub fn latest_assessment(conn: &Connection, release: Id) -> Result<Option<RiskAssessment>> {
    Ok(conn
        .prepare_cached(&format!(
            "{} WHERE release_id = ?1 ORDER BY id DESC LIMIT 1",
            rows::ASSESSMENT
        ))?
        .query_row([release], rows::assessment)
        .optional()?)
}

/// Inserts `a` (its id is ignored); returns the new id.
pub fn insert_assessment(conn: &Connection, a: &RiskAssessment) -> Result<Id> {
    Ok(insert_assessment_with_id(conn, None, a)?)
}

/// Inserts `a` under `id`, or a fresh id when `None`; returns the id.
pub(crate) fn insert_assessment_with_id(
    conn: &Connection,
    id: Option<Id>,
    a: &RiskAssessment,
) -> rusqlite::Result<Id> {
    conn.prepare_cached(
        "INSERT INTO risk_assessments (id, release_id, score, class, factors, override_class,
                                       override_reason, assessed_at, assessed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        a.release_id,
        a.score,
        a.class,
        json(&a.factors),
        a.override_class,
        a.override_reason,
        ts(&a.assessed_at),
        a.assessed_by
    ])?;
    Ok(conn.last_insert_rowid())
}

// ---- segregation of duties ----

/// Authors of the pull requests linked to the release, and the creators of its deployments.
pub fn authors_and_deployers(conn: &Connection, release: Id) -> Result<(Vec<String>, Vec<String>)> {
    let authors = all(
        conn,
        "SELECT DISTINCT w.author FROM work_items w
           JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 AND w.kind = 'pull_request' AND w.author IS NOT NULL
          ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    let deployers = all(
        conn,
        "SELECT DISTINCT creator FROM deployments WHERE release_id = ?1 AND creator IS NOT NULL ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    Ok((authors, deployers))
}

// ---- readiness ----

/// The release's newest checklist.
pub fn checklist_of(conn: &Connection, release: Id) -> Result<Option<Checklist>> {
    let head: Option<(Id, String, Timestamp)> = conn
        .prepare_cached(
            "SELECT id, template, created_at FROM checklists WHERE release_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([release], |r| Ok((r.get(0)?, r.get(1)?, get_ts(r, 2)?)))
        .optional()?;
    let Some((id, template, created_at)) = head else {
        return Ok(None);
    };
    let items = rows::checklist_items(conn, Some(id))?
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    Ok(Some(Checklist {
        id,
        release_id: release,
        template,
        created_at,
        items,
    }))
}

/// Creates a checklist with `items` (title, rule, owner) all pending; returns its id.
pub fn create_checklist(
    conn: &Connection,
    release: Id,
    template: &str,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO checklists (release_id, template, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![release, template, ts(&at)])?;
    let cid = conn.last_insert_rowid();
    insert_items(conn, cid, 1, items, at, actor)?;
    Ok(cid)
}

/// Appends `items` to a checklist (after its last item) and names its new template: a
/// release whose risk class rose gets the larger template's items; nothing is removed.
pub fn grow_checklist(
    conn: &Connection,
    checklist: Id,
    template: &str,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let last: i64 = conn
        .prepare_cached(
            "SELECT coalesce(max(position), 0) FROM checklist_items WHERE checklist_id = ?1",
        )?
        .query_row([checklist], |r| r.get(0))?;
    conn.prepare_cached("UPDATE checklists SET template = ?2 WHERE id = ?1")?
        .execute(params![checklist, template])?;
    insert_items(conn, checklist, last + 1, items, at, actor)
}

fn insert_items(
    conn: &Connection,
    checklist: Id,
    first_position: i64,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    for (pos, (title, rule, owner)) in (first_position..).zip(items) {
        conn.prepare_cached(
            "INSERT INTO checklist_items (checklist_id, position, title, kind, rule, owner, state, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)",
        )?
        .execute(params![
            checklist,
            pos,
            title,
            if rule.is_some() { "rule" } else { "manual" },
            rule,
            owner,
            ts(&at)
        ])?;
        insert_item_event(
            conn,
            conn.last_insert_rowid(),
            "pending",
            None,
            "",
            at,
            actor,
        )?;
    }
    Ok(())
}

fn insert_item_event(
    conn: &Connection,
    item: Id,
    state: &str,
    evidence_url: Option<&str>,
    note: &str,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO checklist_item_events (item_id, state, evidence_url, note, at, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![item, state, evidence_url, note, ts(&at), actor])?;
    Ok(())
}

/// Sets an item's state (and evidence, note, owner when given) and records the change in
/// the item's history.
#[allow(clippy::too_many_arguments)]
pub fn set_item(
    conn: &Connection,
    item: &ChecklistItem,
    state: &str,
    evidence_url: Option<&str>,
    note: Option<&str>,
    owner: Option<&str>,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let evidence = evidence_url.or(item.evidence_url.as_deref());
    let note = note.unwrap_or(&item.note);
    let owner = owner.or(item.owner.as_deref());
    conn.prepare_cached(
        "UPDATE checklist_items SET state = ?2, evidence_url = ?3, note = ?4, owner = ?5, updated_at = ?6
          WHERE id = ?1",
    )?
    .execute(params![item.id, state, evidence, note, owner, ts(&at)])?;
    insert_item_event(conn, item.id, state, evidence, note, at, actor)
}

/// Item history, oldest first; all of it, or that of the items of one checklist.
pub fn item_events(conn: &Connection, checklist: Option<Id>) -> Result<Vec<ChecklistItemEvent>> {
    all(
        conn,
        "SELECT e.id, e.item_id, e.state, e.evidence_url, e.note, e.at, e.actor
           FROM checklist_item_events e JOIN checklist_items i ON i.id = e.item_id
          WHERE ?1 IS NULL OR i.checklist_id = ?1 ORDER BY e.id",
        [checklist],
        |r| {
            Ok(ChecklistItemEvent {
                id: r.get(0)?,
                item_id: r.get(1)?,
                state: r.get(2)?,
                evidence_url: r.get(3)?,
                note: r.get(4)?,
                at: get_ts(r, 5)?,
                actor: r.get(6)?,
            })
        },
    )
}

/// The data readiness rules read.
pub fn rule_facts(conn: &Connection, release: &ReleaseBrief) -> Result<RuleFacts> {
    let changes = changes_of(conn, release.id)?;
    let issues: Vec<&Change> = changes
        .iter()
        .filter(|c| c.kind != "pull_request")
        .collect();
    let mut facts = RuleFacts {
        issues_total: issues.len(),
        issues_open: issues
            .iter()
            .filter(|c| c.status_category != "done")
            .map(|c| c.title.clone())
            .collect(),
        ..Default::default()
    };
    // CI on the release commit: the newest deployment of the release per service; without
    // deployments, the newest merged pull request per service.
    let mut results: Vec<(String, bool)> = Vec::new();
    for (sid, name) in release.service_ids.iter().zip(&release.services) {
        let sha: Option<String> = conn
            .prepare_cached(
                "SELECT sha FROM deployments WHERE release_id = ?1 AND service_id = ?2
                  ORDER BY coalesce(time, created_at) DESC, id DESC LIMIT 1",
            )?
            .query_row(params![release.id, sid], |r| r.get(0))
            .optional()?;
        let verdict = match &sha {
            Some(sha) => ci_on_sha(conn, sha)?.map(|g| (format!("{name}@{}", short(sha)), g)),
            None => {
                let newest = changes
                    .iter()
                    .filter(|c| c.kind == "pull_request" && c.service == Some(*sid))
                    .filter_map(|c| c.merged_at.map(|m| (m, c)))
                    .max_by_key(|(m, _)| *m);
                match newest {
                    Some((m, c)) => ci_after_merge(conn, *sid, m)?.map(|g| {
                        (
                            format!("{name} {}", c.key.clone().unwrap_or(format!("#{}", c.id))),
                            g,
                        )
                    }),
                    None => None,
                }
            }
        };
        if let Some(v) = verdict {
            results.push(v);
        }
    }
    if !results.is_empty() {
        let red: Vec<&str> = results
            .iter()
            .filter(|(_, g)| !g)
            .map(|(n, _)| n.as_str())
            .collect();
        facts.ci_green = Some(red.is_empty());
        facts.ci_detail = if red.is_empty() {
            format!(
                "CI green on {}",
                results
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("CI failed on {}", red.join(", "))
        };
    }
    let mut blockers: Vec<String> = all(
        conn,
        "SELECT b.name FROM dependencies d JOIN releases b ON b.id = d.blocker_id
          WHERE d.kind = 'release' AND d.blocked_id = ?1 AND b.released = 0
            AND b.status NOT IN ('released', 'cancelled') ORDER BY b.id",
        [release.id],
        |r| Ok(format!("release {}", r.get::<_, String>(0)?)),
    )?;
    for c in &changes {
        let blocker_priority = matches!(c.priority.as_deref(), Some("Blocker" | "Highest"));
        let blocker_label = c.labels.iter().any(|l| l.eq_ignore_ascii_case("blocker"));
        if c.status_category != "done" && (blocker_priority || blocker_label) {
            blockers.push(format!("blocker {}", c.title));
        }
    }
    facts.open_blockers = blockers;
    facts.change_record_approved = conn
        .prepare_cached(
            "SELECT status FROM change_records WHERE release_id = ?1 AND status <> 'rejected'
              ORDER BY id DESC LIMIT 1",
        )?
        .query_row([release.id], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| s == "approved" || s == "closed");
    Ok(facts)
}

/// The first seven characters (an imported sha may be anything, not only hex digits).
fn short(sha: &str) -> &str {
    sha.char_indices().nth(7).map_or(sha, |(i, _)| &sha[..i])
}

// ---- go/no-go ----

/// Approvals of releases, oldest first: of one release or all; only those no decision took
/// yet when `open_only`.
pub fn release_approvals(
    conn: &Connection,
    release: Option<Id>,
    open_only: bool,
) -> Result<Vec<ReleaseApproval>> {
    all(
        conn,
        "SELECT id, release_id, role, approver, approved_at, decision_id FROM release_approvals
          WHERE (?1 IS NULL OR release_id = ?1) AND (?2 = 0 OR decision_id IS NULL) ORDER BY id",
        params![release, open_only],
        |r| {
            Ok(ReleaseApproval {
                id: r.get(0)?,
                release_id: r.get(1)?,
                role: r.get(2)?,
                approver: r.get(3)?,
                approved_at: get_ts(r, 4)?,
                decision_id: r.get(5)?,
            })
        },
    )
}

pub fn insert_release_approval(
    conn: &Connection,
    release: Id,
    role: &str,
    approver: &str,
    at: Timestamp,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO release_approvals (release_id, role, approver, approved_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![release, role, approver, ts(&at)])?;
    Ok(conn.last_insert_rowid())
}

/// The release's decisions, oldest first.
pub fn decisions_of(conn: &Connection, release: Id) -> Result<Vec<Decision>> {
    rows::decisions(conn, Some(release))
}

/// Records a decision with the open approvals `taken` (their ids), marking them as taken.
pub fn insert_decision(conn: &Connection, d: &Decision, taken: &[Id]) -> Result<Id> {
    let id = insert_decision_with_id(conn, None, d)?;
    for t in taken {
        conn.prepare_cached("UPDATE release_approvals SET decision_id = ?2 WHERE id = ?1")?
            .execute(params![t, id])?;
    }
    Ok(id)
}

/// Inserts decision `d` with its approvals under `id`, or a fresh id when `None`; returns
/// the id.
pub(crate) fn insert_decision_with_id(
    conn: &Connection,
    id: Option<Id>,
    d: &Decision,
) -> rusqlite::Result<Id> {
    conn.prepare_cached(
        "INSERT INTO decisions (id, release_id, outcome, criteria, notes, decided_by, decided_at,
                                supersedes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        d.release_id,
        d.outcome,
        json(&d.criteria),
        d.notes,
        d.decided_by,
        ts(&d.decided_at),
        d.supersedes
    ])?;
    let id = conn.last_insert_rowid();
    for a in &d.approvals {
        conn.prepare_cached(
            "INSERT INTO approvals (decision_id, role, approver, approved_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, a.role, a.approver, ts(&a.approved_at)])?;
    }
    Ok(id)
}

// ---- change records ----

/// Change records, by id: of one release or all.
pub fn change_records(conn: &Connection, release: Option<Id>) -> Result<Vec<ChangeRecord>> {
    let mut services = group(all(
        conn,
        "SELECT cs.change_record_id, s.name FROM change_record_services cs
           JOIN services s ON s.id = cs.service_id ORDER BY cs.change_record_id, s.id",
        [],
        |r| Ok((r.get(0)?, r.get::<_, String>(1)?)),
    )?);
    let mut items = group(all(
        conn,
        "SELECT change_record_id, work_item_id FROM change_record_items ORDER BY change_record_id, work_item_id",
        [],
        |r| Ok((r.get(0)?, r.get::<_, Id>(1)?)),
    )?);
    let mut approvals = group(all(
        conn,
        "SELECT change_record_id, role, approver, approved_at FROM change_record_approvals
          ORDER BY change_record_id, id",
        [],
        rows::keyed_approval,
    )?);
    all(
        conn,
        "SELECT id, release_id, title, kind, status, window_start, window_end, risk_class,
                rollback_plan, evidence, created_at, created_by
           FROM change_records WHERE ?1 IS NULL OR release_id = ?1 ORDER BY id",
        [release],
        |r| {
            let id: Id = r.get(0)?;
            Ok(ChangeRecord {
                id,
                release_id: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                status: r.get(4)?,
                services: services.remove(&id).unwrap_or_default(),
                window_start: get_ts_opt(r, 5)?,
                window_end: get_ts_opt(r, 6)?,
                changes: items.remove(&id).unwrap_or_default(),
                risk_class: r.get(7)?,
                rollback_plan: r.get(8)?,
                evidence: get_json(r, 9)?,
                approvals: approvals.remove(&id).unwrap_or_default(),
                created_at: get_ts(r, 10)?,
                created_by: r.get(11)?,
            })
        },
    )
}

fn insert_change_record_with_id(conn: &Connection, c: &ChangeRecord) -> Result<Id> {
    let id: Option<Id> = (c.id > 0).then_some(c.id);
    conn.prepare_cached(
        "INSERT INTO change_records (id, release_id, title, kind, status, window_start, window_end,
                                     risk_class, rollback_plan, evidence, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        c.release_id,
        c.title,
        c.kind,
        c.status,
        ts_opt(&c.window_start),
        ts_opt(&c.window_end),
        c.risk_class,
        c.rollback_plan,
        json(&c.evidence),
        ts(&c.created_at),
        c.created_by
    ])?;
    let id = conn.last_insert_rowid();
    for s in &c.services {
        let sid = service_id(conn, s)?
            .ok_or_else(|| crate::StoreError::Invalid(format!("unknown service {s:?}")))?;
        conn.prepare_cached(
            "INSERT INTO change_record_services (change_record_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, sid])?;
    }
    for w in &c.changes {
        conn.prepare_cached(
            "INSERT INTO change_record_items (change_record_id, work_item_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, w])?;
    }
    for a in &c.approvals {
        insert_change_record_approval(conn, id, &a.role, &a.approver, a.approved_at)?;
    }
    Ok(id)
}

/// Inserts a new change record (`id` 0 picks a fresh id); returns its id.
pub fn insert_change_record(conn: &Connection, c: &ChangeRecord) -> Result<Id> {
    insert_change_record_with_id(conn, c)
}

pub fn insert_change_record_approval(
    conn: &Connection,
    record: Id,
    role: &str,
    approver: &str,
    at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO change_record_approvals (change_record_id, role, approver, approved_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![record, role, approver, ts(&at)])?;
    Ok(())
}

pub fn set_change_record_status(conn: &Connection, record: Id, status: &str) -> Result<()> {
    conn.prepare_cached("UPDATE change_records SET status = ?2 WHERE id = ?1")?
        .execute(params![record, status])?;
    Ok(())
}

/// Ids of the release's work items (its changes).
pub fn work_item_ids(conn: &Connection, release: Id) -> Result<Vec<Id>> {
    all(
        conn,
        "SELECT work_item_id FROM work_item_releases WHERE release_id = ?1 ORDER BY work_item_id",
        [release],
        |r| r.get(0),
    )
}

// ---- reviews ----

pub fn reviews(conn: &Connection, release: Option<Id>) -> Result<Vec<Review>> {
    let mut items = group(all(
        conn,
        "SELECT review_id, id, title, owner, due_date, status, updated_at FROM review_action_items
          ORDER BY review_id, id",
        [],
        |r| {
            Ok((
                r.get(0)?,
                ActionItem {
                    id: r.get(1)?,
                    title: r.get(2)?,
                    owner: r.get(3)?,
                    due_date: get_date_opt(r, 4)?,
                    status: r.get(5)?,
                    updated_at: get_ts(r, 6)?,
                },
            ))
        },
    )?);
    all(
        conn,
        "SELECT id, release_id, due_date, status, summary, held_at, created_at, created_by
           FROM reviews WHERE ?1 IS NULL OR release_id = ?1 ORDER BY id",
        [release],
        |r| {
            let id: Id = r.get(0)?;
            Ok(Review {
                id,
                release_id: r.get(1)?,
                due_date: get_date(r, 2)?,
                status: r.get(3)?,
                summary: r.get(4)?,
                held_at: get_ts_opt(r, 5)?,
                created_at: get_ts(r, 6)?,
                created_by: r.get(7)?,
                action_items: items.remove(&id).unwrap_or_default(),
            })
        },
    )
}

pub fn insert_review(
    conn: &Connection,
    release: Id,
    due: NaiveDate,
    at: Timestamp,
    by: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO reviews (release_id, due_date, status, created_at, created_by)
         VALUES (?1, ?2, 'scheduled', ?3, ?4)",
    )?
    .execute(params![release, date(&due), ts(&at), by])?;
    Ok(conn.last_insert_rowid())
}

pub fn complete_review(conn: &Connection, review: Id, summary: &str, at: Timestamp) -> Result<()> {
    conn.prepare_cached(
        "UPDATE reviews SET status = 'done', summary = ?2, held_at = ?3 WHERE id = ?1",
    )?
    .execute(params![review, summary, ts(&at)])?;
    Ok(())
}

fn insert_action_item_with_id(
    conn: &Connection,
    review: Id,
    a: &ActionItem,
) -> rusqlite::Result<Id> {
    let id: Option<Id> = (a.id > 0).then_some(a.id);
    conn.prepare_cached(
        "INSERT INTO review_action_items (id, review_id, title, owner, due_date, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        review,
        a.title,
        a.owner,
        date_opt(&a.due_date),
        a.status,
        ts(&a.updated_at)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Adds an action item (`id` 0 picks a fresh id); returns its id.
pub fn insert_action_item(conn: &Connection, review: Id, a: &ActionItem) -> Result<Id> {
    Ok(insert_action_item_with_id(conn, review, a)?)
}

pub fn set_action_item_status(
    conn: &Connection,
    item: Id,
    status: &str,
    at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE review_action_items SET status = ?2, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![item, status, ts(&at)])?;
    Ok(())
}

// ---- transactions ----

pub use rusqlite::Connection as Conn;

/// Runs `f` in one transaction on the store's connection: committed when `f` returns Ok,
/// rolled back otherwise (nothing written).
pub fn transact<T, E: From<crate::StoreError>>(
    store: &crate::Store,
    f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    store.transact(|tx| f(tx))
}

/// Links a work item to a release (a change it ships).
pub fn link_work_item(conn: &Connection, work_item: Id, release: Id) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO work_item_releases (work_item_id, release_id) VALUES (?1, ?2)",
    )?
    .execute(params![work_item, release])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn a_short_sha_is_seven_characters_of_whatever_the_sha_is() {
        assert_eq!(short("0123456789abcdef"), "0123456");
        assert_eq!(short("abc"), "abc");
        // An imported document may carry anything; this once sliced inside a character.
        assert_eq!(short("ünïcödé-sha"), "ünïcödé");
        assert_eq!(short("😀😀😀😀😀😀😀😀"), "😀😀😀😀😀😀😀");
    }
}
