//! Change records: created, approved, rejected.

use super::*;

/// A new change record.
#[derive(Debug, Clone, Default)]
pub struct ChangeRecordSpec {
    pub title: Option<String>,
    /// Normal by default.
    pub kind: Option<ChangeKind>,
    pub window_start: Option<Timestamp>,
    pub window_end: Option<Timestamp>,
    pub rollback_plan: String,
    pub evidence: Vec<String>,
}

pub(super) fn new_change_record(
    c: &Conn,
    r: &ReleaseBrief,
    class: RiskClass,
    spec: ChangeRecordSpec,
    clock: &dyn Clock,
    actor: &str,
) -> Result<ChangeRecord> {
    let kind = spec.kind.unwrap_or(ChangeKind::Normal);
    if let (Some(a), Some(b)) = (spec.window_start, spec.window_end) {
        if b < a {
            return Err(invalid("the change window ends before it starts"));
        }
    }
    for e in &spec.evidence {
        if !(e.starts_with("https://") || e.starts_with("http://")) {
            return Err(invalid(format!(
                "evidence must be an http(s) link, not {e:?}"
            )));
        }
    }
    let record = ChangeRecord {
        id: 0,
        release_id: r.id,
        title: spec
            .title
            .unwrap_or_else(|| format!("Change for release {}", r.name)),
        kind,
        status: ChangeStatus::Submitted,
        services: r.services.clone(),
        window_start: spec.window_start,
        window_end: spec.window_end,
        changes: gov::work_item_ids(c, r.id)?,
        risk_class: Some(class),
        rollback_plan: spec.rollback_plan,
        evidence: spec.evidence,
        approvals: vec![],
        created_at: clock.now(),
        created_by: actor.into(),
    };
    let id = gov::insert_change_record(c, &record)?;
    let record = ChangeRecord { id, ..record };
    audit(
        c,
        clock,
        actor,
        "change_record.create",
        "change_record",
        id,
        None,
        Some(json!(record)),
    )?;
    Ok(record)
}

pub(super) fn current_record(c: &Conn, r: &ReleaseBrief) -> Result<ChangeRecord> {
    gov::change_records(c, Some(r.id))?
        .into_iter()
        .rfind(|x| x.status != ChangeStatus::Rejected)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("release {} has no open change record", r.name),
            )
        })
}

impl Workspace {
    pub fn change_records(&self, release: &str) -> Result<(ReleaseRef, Vec<ChangeRecord>)> {
        let c = self.store().conn();
        let r = resolve_release(c, release)?;
        Ok((ReleaseRef::from(&r), gov::change_records(c, Some(r.id))?))
    }

    pub fn create_change_record(
        &self,
        release: &str,
        spec: ChangeRecordSpec,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ChangeRecord> {
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let policy = policy(c)?;
            let (class, _) = class_in_force(c, &policy, &r, clock)?;
            new_change_record(c, &r, class, spec, clock, actor)
        })
    }

    /// Approves the release's open change record (segregation of duties applies); it is
    /// `approved` once its approvals meet the policy for its risk class (at least one).
    pub fn approve_change_record(
        &self,
        release: &str,
        role: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ChangeRecord> {
        let role = normal_role(role)?;
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            sod(c, &r, actor)?;
            let rec = current_record(c, &r)?;
            if rec.status == ChangeStatus::Closed {
                return Err(invalid(format!("change record {} is closed", rec.id)));
            }
            gov::insert_change_record_approval(c, rec.id, &role, actor, clock.now())?;
            let policy = policy(c)?;
            let class = rec.risk_class.unwrap_or(RiskClass::Medium);
            let mut rule = policy.approvals.for_class(class).clone();
            rule.count = rule.count.max(1);
            let mut pairs: Vec<(String, String)> = rec
                .approvals
                .iter()
                .map(|a| (a.role.clone(), a.approver.clone()))
                .collect();
            pairs.push((role.clone(), actor.to_string()));
            let status = if missing_approvals(&rule, &pairs).is_empty() {
                ChangeStatus::Approved
            } else {
                rec.status
            };
            if status != rec.status {
                gov::set_change_record_status(c, rec.id, status)?;
            }
            audit(
                c,
                clock,
                actor,
                "change_record.approve",
                "change_record",
                rec.id,
                Some(json!({"status": rec.status})),
                Some(json!({"status": status, "role": role, "approver": actor})),
            )?;
            current_record(c, &r)
        })
    }

    pub fn reject_change_record(
        &self,
        release: &str,
        reason: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ChangeRecord> {
        if reason.trim().is_empty() {
            return Err(invalid("rejecting a change record needs a reason"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let rec = current_record(c, &r)?;
            gov::set_change_record_status(c, rec.id, ChangeStatus::Rejected)?;
            audit(
                c,
                clock,
                actor,
                "change_record.reject",
                "change_record",
                rec.id,
                Some(json!({"status": rec.status})),
                Some(json!({"status": ChangeStatus::Rejected, "reason": reason.trim()})),
            )?;
            Ok(ChangeRecord {
                status: ChangeStatus::Rejected,
                ..rec
            })
        })
    }
}
