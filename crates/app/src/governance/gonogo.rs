//! Go/no-go: approvals by role with segregation of duties, and decisions.

use super::*;

pub(super) fn normal_role(role: &str) -> Result<String> {
    switchyard_core::people::normal_role(role).map_err(invalid)
}

/// Segregation of duties for `who`: a roster person by their linked identities (GitHub
/// logins, Jira ids or emails) against the authors and deployers of the release's changes,
/// naming the change and the identity; a name not in the roster as typed, against the
/// authors' and deployers' logins.
pub(super) fn sod(c: &Conn, r: &ReleaseBrief, who: &str) -> Result<()> {
    let person = match gov::person_named(c, who)? {
        Some((id, _)) => gov::person(c, id)?,
        None => None,
    };
    sod_of(c, r, who, person.as_ref())
}

fn sod_of(c: &Conn, r: &ReleaseBrief, who: &str, person: Option<&Person>) -> Result<()> {
    let duties = match person {
        Some(_) => Duties::Identities(gov::release_duties(c, r.id)?),
        None => {
            let (authors, deployers) = gov::authors_and_deployers(c, r.id)?;
            Duties::Logins(authors, deployers)
        }
    };
    match violation(r, who, person, &duties) {
        Some(why) => Err(AppError::new(ErrorCode::SodViolation, why)),
        None => Ok(()),
    }
}

/// What segregation of duties compares an approver with: a roster person's linked
/// identities with the release's duties, or a typed name with its authors' and deployers'
/// logins.
enum Duties {
    Identities(Vec<switchyard_core::people::Duty>),
    Logins(Vec<String>, Vec<String>),
}

/// Why `who` may not approve release `r`, naming the change and the identity; `None` when
/// they may.
fn violation(
    r: &ReleaseBrief,
    who: &str,
    person: Option<&Person>,
    duties: &Duties,
) -> Option<String> {
    match (person, duties) {
        (Some(p), Duties::Identities(d)) => check_person_sod(p, d)
            .err()
            .map(|v| format!("{v}, a change in {}", r.name)),
        (_, Duties::Logins(authors, deployers)) => check_sod(who, authors, deployers)
            .err()
            .map(|v| format!("{v} (release {})", r.name)),
        (None, Duties::Identities(_)) => None,
    }
}

/// An approval given since the last decision that no longer counts: segregation of duties,
/// checked again with the release's changes and the approver's identities as they are now,
/// refuses it (a change by them joined the release, or an identity of theirs that authored
/// one was linked to them, after they approved).
#[derive(Debug, Clone, Serialize)]
pub struct ReopenedApproval {
    #[serde(flatten)]
    pub approval: ReleaseApproval,
    /// The refusal as an approval now would get it.
    pub reason: String,
}

/// Splits the open approvals of release `r` into those that still count and those that
/// segregation of duties, checked again now, re-opens.
pub(super) fn recheck_approvals(
    c: &Conn,
    r: &ReleaseBrief,
    approvals: Vec<ReleaseApproval>,
) -> Result<(Vec<ReleaseApproval>, Vec<ReopenedApproval>)> {
    if approvals.is_empty() {
        return Ok((approvals, Vec::new()));
    }
    let identities = Duties::Identities(gov::release_duties(c, r.id)?);
    let (authors, deployers) = gov::authors_and_deployers(c, r.id)?;
    let logins = Duties::Logins(authors, deployers);
    let (mut counted, mut reopened) = (Vec::new(), Vec::new());
    for a in approvals {
        // The person who approved, by the id recorded then (a rename keeps them); an
        // approval from before the roster, or by someone since removed, by the name typed.
        let person = match a.recorded.person_id {
            Some(id) => gov::person(c, id)?,
            None => None,
        };
        let duties = if person.is_some() {
            &identities
        } else {
            &logins
        };
        match violation(r, &a.approver, person.as_ref(), duties) {
            Some(reason) => reopened.push(ReopenedApproval {
                approval: a,
                reason,
            }),
            None => counted.push(a),
        }
    }
    Ok((counted, reopened))
}

impl Workspace {
    /// Records `actor`'s approval of the release's go/no-go in `role`. An author of a change
    /// in the release or its deployer is refused (`sod_violation`) and nothing is written.
    ///
    /// With people in the roster, `actor` must name one of them (`unknown_person`), who must
    /// hold `role` (else `invalid_input` naming their roles), and segregation of duties
    /// compares their linked identities with the release's authors and deployers. Without
    /// people, `actor` is taken as typed and compared with the GitHub logins. The approval
    /// records the person's id and the OS user and host of this process.
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
            let (person, recorded) = crate::people::recorder(c, actor)?;
            let actor = person.as_ref().map(|p| p.name.as_str()).unwrap_or(actor);
            if let Some(p) = &person {
                if !p.roles.contains(&role) {
                    return Err(invalid(format!(
                        "{} does not hold the role {role} ({}); a person approves only in a role they hold",
                        p.name,
                        if p.roles.is_empty() {
                            "they hold no role yet".to_string()
                        } else {
                            format!("their roles: {}", p.roles.join(", "))
                        }
                    ))
                    .about("role"));
                }
            }
            sod_of(c, &r, actor, person.as_ref())?;
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
            let id = gov::insert_release_approval(c, r.id, &role, actor, clock.now(), &recorded)?;
            audit(
                c,
                clock,
                actor,
                "gonogo.approve",
                "release",
                r.id,
                None,
                Some(json!({
                    "approval_id": id,
                    "role": role,
                    "approver": actor,
                    "person_id": recorded.person_id,
                    "os_user": recorded.os_user,
                    "os_host": recorded.os_host,
                })),
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
    ///
    /// With people in the roster, `actor` must name one of them (`unknown_person`); the
    /// decision records the person's id and the OS user and host of this process.
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
            let (person, recorded) = crate::people::recorder(c, actor)?;
            let actor = person.as_ref().map(|p| p.name.as_str()).unwrap_or(actor);
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
                sod_of(c, &r, actor, person.as_ref())?;
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
                        recorded: a.recorded.clone(),
                    })
                    .collect(),
                notes: notes.into(),
                decided_by: actor.into(),
                decided_at: clock.now(),
                supersedes: previous.as_ref().map(|p| p.id),
                recorded,
            };
            // The decision closes every open approval, the re-opened ones too; it records
            // only those that counted.
            let taken: Vec<Id> = gng
                .approvals
                .iter()
                .chain(gng.reopened_approvals.iter().map(|x| &x.approval))
                .map(|a| a.id)
                .collect();
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
