//! Risk: policies, the inputs of an assessment, assessments.

use super::*;

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
pub(super) fn ci_after_merge(
    conn: &Connection,
    service: Id,
    merged: Timestamp,
) -> Result<Option<bool>> {
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
pub(super) fn ci_on_sha(conn: &Connection, sha: &str) -> Result<Option<bool>> {
    let conclusion: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT conclusion FROM pipeline_runs WHERE head_sha = ?1
              ORDER BY started_at DESC, attempt DESC LIMIT 1",
        )?
        .query_row([sha], |r| r.get(0))
        .optional()?;
    Ok(conclusion.map(|c| c.as_deref() == Some("success")))
}

/// A change linked to a release, as the risk and readiness rules read it.
pub(super) struct Change {
    pub(super) id: Id,
    pub(super) key: Option<String>,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) status_category: StatusCategory,
    pub(super) priority: Option<String>,
    pub(super) labels: Vec<String>,
    pub(super) lines: i64,
    pub(super) service: Option<Id>,
    pub(super) merged_at: Option<Timestamp>,
}

/// The changes linked to one release, read once and handed to both the risk and the
/// readiness rules ([`risk_inputs_of`], [`rule_facts_of`]): with thousands of changes the
/// read is most of what evaluating a release costs.
pub struct ReleaseChanges {
    release: Id,
    changes: Vec<Change>,
}

impl ReleaseChanges {
    /// The release these are the changes of.
    pub fn release(&self) -> Id {
        self.release
    }

    pub(super) fn of(&self, release: Id) -> &[Change] {
        assert_eq!(
            self.release, release,
            "the changes of release {} handed for release {release}",
            self.release
        );
        &self.changes
    }
}

/// The changes linked to `release` (see [`ReleaseChanges`]).
pub fn release_changes(conn: &Connection, release: Id) -> Result<ReleaseChanges> {
    Ok(ReleaseChanges {
        release,
        changes: changes_of(conn, release)?,
    })
}

pub(super) fn changes_of(conn: &Connection, release: Id) -> Result<Vec<Change>> {
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
                status_category: get_word(r, 4)?,
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
pub(super) fn holidays(conn: &Connection) -> Result<Vec<NaiveDate>> {
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
    let changes = release_changes(conn, release.id)?;
    risk_inputs_of(conn, release, &changes, now, failure_window_days)
}

/// [`risk_inputs`] over the release's changes read already.
pub fn risk_inputs_of(
    conn: &Connection,
    release: &ReleaseBrief,
    linked: &ReleaseChanges,
    now: Timestamp,
    failure_window_days: u32,
) -> Result<RiskInputs> {
    let mut changes = Vec::new();
    for c in linked.of(release.id) {
        let is_pr = c.kind == "pull_request";
        let ci_green = match (is_pr, c.service, c.merged_at) {
            (true, Some(s), Some(m)) => ci_after_merge(conn, s, m)?,
            _ => None,
        };
        let label = match &c.key {
            Some(key) => format!("{key} {}", c.title),
            None => format!("#{} {}", c.id, c.title),
        };
        changes.push(ChangeFacts {
            label,
            title: c.title.clone(),
            labels: c.labels.clone(),
            is_pull_request: is_pr,
            lines: c.lines,
            ci_green,
        });
    }
    let service_edges = all(
        conn,
        "SELECT b.name, c.name FROM dependencies d
           JOIN services b ON b.id = d.blocker_id JOIN services c ON c.id = d.blocked_id
          WHERE d.kind = ?1 ORDER BY d.id",
        [DepKind::Service.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let done_items: Vec<(String, Option<String>)> = all(
        conn,
        "SELECT i.title, i.rule FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id
          WHERE c.release_id = ?1 AND i.state = ?2",
        params![release.id, ItemState::Done.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let rollback_item_done = done_items
        .iter()
        .any(|(title, rule)| switchyard_core::risk::is_rollback_item(title, rule.as_deref()));
    let rollback_plan_recorded: i64 = conn.query_row(
        "SELECT count(*) FROM change_records
          WHERE release_id = ?1 AND trim(rollback_plan) <> '' AND status <> ?2",
        params![release.id, ChangeStatus::Rejected.as_str()],
        |r| r.get(0),
    )?;
    let from = now - Duration::days(i64::from(failure_window_days));
    let mut failures = Vec::new();
    for (sid, name) in release.service_ids.iter().zip(&release.services) {
        let (total, failed): (i64, i64) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(outcome = ?4), 0) FROM deployments
                  WHERE service_id = ?1 AND production = 1 AND outcome <> ?5
                    AND time >= ?2 AND time <= ?3",
            )?
            .query_row(
                params![
                    sid,
                    ts(&from),
                    ts(&now),
                    Outcome::Failure.as_str(),
                    Outcome::Pending.as_str()
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
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
        rollback_item_done,
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
        a.class.as_str(),
        json(&a.factors),
        a.override_class.map(RiskClass::as_str),
        a.override_reason,
        ts(&a.assessed_at),
        a.assessed_by
    ])?;
    Ok(conn.last_insert_rowid())
}
