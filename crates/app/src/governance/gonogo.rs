//! Go/no-go: approvals by role with segregation of duties, and decisions.

use super::*;

pub(super) fn normal_role(role: &str) -> Result<String> {
    let r = role.trim().to_lowercase().replace(['-', ' '], "_");
    if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid(format!("{role:?} is not a role name")));
    }
    Ok(r)
}

pub(super) fn sod(c: &Conn, r: &ReleaseBrief, who: &str) -> Result<()> {
    let (authors, deployers) = gov::authors_and_deployers(c, r.id)?;
    check_sod(who, &authors, &deployers)
        .map_err(|v| AppError::new(ErrorCode::SodViolation, format!("{v} (release {})", r.name)))
}

impl Workspace {
    /// Records `actor`'s approval of the release's go/no-go in `role`. An author of a change
    /// in the release or its deployer is refused (`sod_violation`) and nothing is written.
    pub fn approve_release(
        &self,
        release: &str,
        role: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<GoNoGoStatus> {
        let role = normal_role(role)?;
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            sod(c, &r, actor)?;
            let open = gov::release_approvals(c, Some(r.id), true)?;
            if open
                .iter()
                .any(|a| a.role == role && a.approver.eq_ignore_ascii_case(actor))
            {
                return Err(invalid(format!(
                    "{actor} has already approved {} as {role}",
                    r.name
                )));
            }
            let id = gov::insert_release_approval(c, r.id, &role, actor, clock.now())?;
            audit(
                c,
                clock,
                actor,
                "gonogo.approve",
                "release",
                r.id,
                None,
                Some(json!({"approval_id": id, "role": role, "approver": actor})),
            )?;
            let policy = policy(c)?;
            let (class, _) = class_in_force(c, &policy, &r, clock)?;
            let items = gov::checklist_of(c, r.id)?
                .map(|cl| cl.items)
                .unwrap_or_default();
            go_no_go(c, &policy, &r, class, &items)
        })
    }

    /// Records a go/no-go decision with the criteria as they stand and the approvals given
    /// since the last decision. It supersedes the release's previous decision.
    pub fn decide(
        &self,
        release: &str,
        outcome: DecisionOutcome,
        notes: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Decision> {
        let notes = notes.trim();
        if outcome == DecisionOutcome::GoWithConditions && notes.is_empty() {
            return Err(invalid("go-with-conditions needs the conditions in a note").about("note"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let policy = policy(c)?;
            let (class, score) = class_in_force(c, &policy, &r, clock)?;
            let checklist = prepare_checklist(c, &r, class, clock, actor)?;
            let gng = go_no_go(c, &policy, &r, class, &checklist.items)?;
            let open_items: Vec<&str> = checklist
                .items
                .iter()
                .filter(|i| !settled(i.state))
                .map(|i| i.title.as_str())
                .collect();
            if outcome.ships() {
                sod(c, &r, actor)?;
                if !gng.missing_approvals.is_empty() {
                    return Err(AppError::new(
                        ErrorCode::ApprovalsMissing,
                        format!(
                            "a {} release needs {} before {}",
                            class.as_str(),
                            gng.missing_approvals.join(" and "),
                            outcome.as_str()
                        ),
                    ));
                }
                if outcome == DecisionOutcome::Go && !open_items.is_empty() {
                    return Err(invalid(format!(
                        "not ready for go: {} open ({}); decide go-with-conditions with a note, or no-go",
                        open_items.len(),
                        open_items.join(", ")
                    )));
                }
            }
            let previous = gov::decisions_of(c, r.id)?.into_iter().last();
            let criteria = json!({
                "readiness": percent_ready(&checklist.items) / 100.0,
                "percent_ready": percent_ready(&checklist.items),
                "open_items": open_items,
                "blocked_items": checklist.items.iter().filter(|i| i.state == ItemState::Blocked).map(|i| i.title.as_str()).collect::<Vec<_>>(),
                "risk_class": class.as_str(),
                "risk_score": score,
                "required_approvals": gng.required_approvals,
                "missing_approvals": gng.missing_approvals,
            });
            let d = Decision {
                id: 0,
                release_id: r.id,
                outcome,
                criteria,
                approvals: gng
                    .approvals
                    .iter()
                    .map(|a| Approval {
                        role: a.role.clone(),
                        approver: a.approver.clone(),
                        approved_at: a.approved_at,
                    })
                    .collect(),
                notes: notes.into(),
                decided_by: actor.into(),
                decided_at: clock.now(),
                supersedes: previous.as_ref().map(|p| p.id),
            };
            let taken: Vec<Id> = gng.approvals.iter().map(|a| a.id).collect();
            let id = gov::insert_decision(c, &d, &taken)?;
            let d = Decision { id, ..d };
            audit(
                c,
                clock,
                actor,
                "gonogo.decide",
                "release",
                r.id,
                previous.map(|p| json!({"decision_id": p.id, "outcome": p.outcome})),
                Some(json!(d)),
            )?;
            Ok(d)
        })
    }
}
