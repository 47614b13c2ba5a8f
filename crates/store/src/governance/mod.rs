//! Risk policy, readiness history, go/no-go approvals, change records and post-release
//! reviews: small repository functions over schema step 3 (section B), and their part of
//! export/import. Functions take a `&Connection`, so a caller can run several inside one
//! transaction (`Store::transact`) together with `append_audit`.

use crate::codec::*;
use crate::rows::{self, all, group};
use crate::Result;
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use switchyard_core::plan::DepKind;
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
            e.state.as_str(),
            e.evidence_url,
            e.note,
            ts(&e.at),
            e.actor
        ])
        .map_err(invalid(format!("checklist item event {}", e.id)))?;
    }
    for a in &doc.release_approvals {
        conn.prepare_cached(
            "INSERT INTO release_approvals (id, release_id, role, approver, approved_at, decision_id,
                                            person_id, os_user, os_host)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            a.id,
            a.release_id,
            a.role,
            a.approver,
            ts(&a.approved_at),
            a.decision_id,
            a.recorded.person_id,
            a.recorded.os_user,
            a.recorded.os_host
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
            r.status.as_str(),
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

mod change_records;
mod environments;
mod gonogo;
mod people;
mod readiness;
mod releases;
mod reviews;
mod risk;
mod sod;
mod transactions;

pub use change_records::*;
pub use environments::*;
pub use gonogo::*;
pub use people::*;
pub use readiness::*;
pub use releases::*;
pub use reviews::*;
pub use risk::*;
pub use sod::*;
pub use transactions::*;
