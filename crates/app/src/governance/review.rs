//! Review mode: everything a go/no-go meeting reads about one release, in the meeting's
//! order (the release and its scope, environments and dependencies, rollout and rollback
//! plans, risk, the checklist, approvals, decisions), and the meeting's writes, each
//! answering with the refreshed review. The rules stay in the use cases this module calls
//! (`release_now`, `readiness`, `assess_risk`, `approve_release`, `decide`).

use super::*;
use crate::plan_edit::WorkItemLink;
use switchyard_core::risk::is_rollback_item;
use switchyard_store::plan as db;
use ts_rs::TS;

fn stamp(t: &Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The release under review.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewRelease {
    pub id: Id,
    pub name: String,
    pub version: Option<String>,
    pub train: Option<String>,
    pub release_date: Option<String>,
    pub status: ReleaseStatus,
    pub release_type: ReleaseType,
    pub services: Vec<String>,
    /// Shipped or cancelled: its records stand as they were.
    pub closed: bool,
}

/// The latest deployment of one of the release's services to one environment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EnvironmentState {
    pub service: String,
    pub environment: String,
    pub production: bool,
    /// `success`, `failure` or `pending`.
    pub outcome: String,
    pub at: String,
    pub sha: String,
    /// The latest deployment there is this release's.
    pub this_release: bool,
    /// How many deployments of this release went there.
    pub release_deployments: i64,
}

/// A release this one waits for (a blocker) or that waits for it (a dependent).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewDependency {
    pub release_id: Id,
    pub name: String,
    pub date: Option<String>,
    pub status: ReleaseStatus,
    /// The blocker is dated after what it blocks.
    pub broken: bool,
    pub note: String,
}

/// One factor of the risk score.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RiskFactorView {
    pub factor: String,
    pub input: f64,
    pub weight: f64,
    pub contribution: f64,
    pub reason: String,
}

/// The risk in force.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewRisk {
    pub score: f64,
    /// The class in force: the override's when there is one.
    pub class: RiskClass,
    pub computed_class: RiskClass,
    pub override_class: Option<RiskClass>,
    pub override_reason: Option<String>,
    pub factors: Vec<RiskFactorView>,
    pub assessed_at: String,
    pub assessed_by: String,
}

/// One checklist item as it stands now (rule items evaluated from the synced data).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewItem {
    /// 0 for an item of the template not stored yet (its title names it).
    pub id: Id,
    /// What `set_checklist_item` takes to name it: its id, or its title.
    pub key: String,
    pub position: i64,
    pub title: String,
    pub kind: ItemKind,
    pub rule: Option<String>,
    pub owner: Option<String>,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: String,
    pub updated_at: String,
    /// Who set its state last (null: never set by anyone).
    pub updated_by: Option<String>,
    /// `rollout` or `rollback` for the items that carry those plans.
    pub plan: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewChecklist {
    pub template: String,
    /// 0..100 of the applicable items done; null without a checklist.
    pub percent_ready: Option<f64>,
    pub items: Vec<ReviewItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewApproval {
    pub role: String,
    pub approver: String,
    pub at: String,
}

/// An approval that no longer counts: segregation of duties, checked again now, refuses it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewReopened {
    pub role: String,
    pub approver: String,
    pub at: String,
    /// Which change and which identity, as a new approval would be refused.
    pub reason: String,
}

/// The approval rule of the class in force and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewApprovals {
    pub risk_class: RiskClass,
    /// Distinct approvers the rule asks for.
    pub count: u32,
    /// Roles the rule asks one approval of each.
    pub roles: Vec<String>,
    /// Approvals given since the last decision that count.
    pub given: Vec<ReviewApproval>,
    /// Approvals given since the last decision that segregation of duties re-opened.
    pub reopened: Vec<ReviewReopened>,
    /// The rule's roles nobody approved in yet.
    pub missing_roles: Vec<String>,
    /// What the rule still lacks, as the use case says it (roles, then approvers).
    pub missing: Vec<String>,
    /// Every item settled and the rule met.
    pub ready_for_go: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewDecision {
    pub id: Id,
    pub outcome: DecisionOutcome,
    pub notes: String,
    pub decided_by: String,
    pub decided_at: String,
    pub approvals: Vec<ReviewApproval>,
    pub percent_ready: Option<f64>,
    pub risk_class: Option<String>,
    pub open_items: Vec<String>,
}

/// Everything the go/no-go meeting reads, in its order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReleaseReview {
    pub release: ReviewRelease,
    pub work_items: Vec<WorkItemLink>,
    pub environments: Vec<EnvironmentState>,
    pub blockers: Vec<ReviewDependency>,
    pub dependents: Vec<ReviewDependency>,
    pub risk: ReviewRisk,
    pub checklist: ReviewChecklist,
    pub approvals: ReviewApprovals,
    /// Newest first.
    pub decisions: Vec<ReviewDecision>,
    /// Names that approved or decided before, in this workspace (the approver input's list
    /// when the roster is empty).
    pub known_people: Vec<String>,
    /// The workspace's roster by name: approvals pick a person holding the role from it.
    /// Empty: the workspace has no people, and the approver is a name typed.
    pub roster: Vec<Person>,
}

/// What a write in review mode can change, and the answer of every such write (a tick, an
/// override, an approval, a decision): the window lays it over the review it shows. Scope,
/// environments, dependencies and the roster stay as they were read, so a tick on a release
/// with thousands of work items carries none of them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewUpdate {
    pub release: ReviewRelease,
    pub risk: ReviewRisk,
    pub checklist: ReviewChecklist,
    pub approvals: ReviewApprovals,
    /// Newest first.
    pub decisions: Vec<ReviewDecision>,
    /// As in [`ReleaseReview::known_people`].
    pub known_people: Vec<String>,
}

/// A change the meeting makes to one checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemEdit {
    /// The item's id, or its title.
    pub item: String,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
}

/// `rollout` or `rollback` when the item carries that plan.
pub fn plan_of(title: &str, rule: Option<&str>) -> Option<&'static str> {
    if is_rollback_item(title, rule) {
        return Some("rollback");
    }
    let t = title.to_lowercase();
    (t.contains("rollout") || t.contains("roll-out") || t.contains("roll out")).then_some("rollout")
}

fn approval_view(role: &str, approver: &str, at: &Timestamp) -> ReviewApproval {
    ReviewApproval {
        role: role.to_owned(),
        approver: approver.to_owned(),
        at: stamp(at),
    }
}

fn some_text(s: Option<String>) -> Option<String> {
    s.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The parts of `brief`'s review that its writes change, from where it stands `now`.
fn update_of(
    c: &Conn,
    policy: &RiskPolicy,
    brief: &ReleaseBrief,
    now: ReleaseNow,
) -> Result<ReviewUpdate> {
    let release = brief.id;
    let a = &now.risk;
    let factors: Vec<switchyard_core::risk::FactorScore> =
        serde_json::from_value(a.factors.clone()).unwrap_or_default();
    let risk = ReviewRisk {
        score: a.score,
        class: now.class,
        computed_class: a.class,
        override_class: a.override_class,
        override_reason: a.override_reason.clone(),
        factors: factors
            .into_iter()
            .map(|f| RiskFactorView {
                factor: f.factor,
                input: f.input,
                weight: f.weight,
                contribution: f.contribution,
                reason: f.reason,
            })
            .collect(),
        assessed_at: stamp(&a.assessed_at),
        assessed_by: a.assessed_by.clone(),
    };

    let stored_items = now.checklist.as_ref().map_or(&[][..], |l| &l.items[..]);
    let events = match &now.checklist {
        Some(l) if l.id != 0 => gov::item_events(c, Some(l.id))?,
        _ => Vec::new(),
    };
    let checklist = ReviewChecklist {
        template: now
            .checklist
            .as_ref()
            .map(|l| l.template.clone())
            .unwrap_or_default(),
        percent_ready: now.percent_ready(),
        items: stored_items
            .iter()
            .map(|i| ReviewItem {
                id: i.id,
                key: if i.id == 0 {
                    i.title.clone()
                } else {
                    i.id.to_string()
                },
                position: i.position,
                title: i.title.clone(),
                kind: i.kind,
                rule: i.rule.clone(),
                owner: i.owner.clone(),
                state: i.state,
                evidence_url: i.evidence_url.clone(),
                note: i.note.clone(),
                updated_at: stamp(&i.updated_at),
                updated_by: events
                    .iter()
                    .rev()
                    .find(|e| e.item_id == i.id && i.id != 0)
                    .map(|e| e.actor.clone()),
                plan: plan_of(&i.title, i.rule.as_deref()).map(String::from),
            })
            .collect(),
    };

    let gng = go_no_go(c, policy, brief, now.class, stored_items)?;
    let rule = &gng.required_approvals;
    let approvals = ReviewApprovals {
        risk_class: now.class,
        count: rule.count,
        roles: rule.roles.clone(),
        // The role words as the rule spells them; the use case compares them as is.
        missing_roles: rule
            .roles
            .iter()
            .filter(|role| !gng.approvals.iter().any(|a| &a.role == *role))
            .cloned()
            .collect(),
        given: gng
            .approvals
            .iter()
            .map(|a| approval_view(&a.role, &a.approver, &a.approved_at))
            .collect(),
        reopened: gng
            .reopened_approvals
            .iter()
            .map(|x| ReviewReopened {
                role: x.approval.role.clone(),
                approver: x.approval.approver.clone(),
                at: stamp(&x.approval.approved_at),
                reason: x.reason.clone(),
            })
            .collect(),
        missing: gng.missing_approvals.clone(),
        ready_for_go: gng.ready_for_go,
    };

    let history = gov::decisions_of(c, release)?;
    let decisions = history
        .iter()
        .rev()
        .map(|d| ReviewDecision {
            id: d.id,
            outcome: d.outcome,
            notes: d.notes.clone(),
            decided_by: d.decided_by.clone(),
            decided_at: stamp(&d.decided_at),
            approvals: d
                .approvals
                .iter()
                .map(|a| approval_view(&a.role, &a.approver, &a.approved_at))
                .collect(),
            percent_ready: d.criteria.get("percent_ready").and_then(|v| v.as_f64()),
            risk_class: d
                .criteria
                .get("risk_class")
                .and_then(|v| v.as_str())
                .map(String::from),
            open_items: d
                .criteria
                .get("open_items")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();

    let mut known: Vec<String> = gov::release_approvals(c, None, false)?
        .into_iter()
        .map(|a| a.approver)
        .collect();
    known.sort_by_key(|n| n.to_lowercase());
    known.dedup_by(|a, b| a.eq_ignore_ascii_case(b));

    Ok(ReviewUpdate {
        release: ReviewRelease {
            id: brief.id,
            name: brief.name.clone(),
            version: brief.version.clone(),
            train: gov::train_name_of(c, release)?,
            release_date: brief.release_date.map(|d| d.to_string()),
            status: brief.status,
            release_type: brief.release_type,
            services: brief.services.clone(),
            closed: now.closed,
        },
        risk,
        checklist,
        approvals,
        decisions,
        known_people: known,
    })
}

impl Workspace {
    /// The review of release `release` as it stands now; writes nothing.
    pub fn release_review(&self, release: Id, clock: &dyn Clock) -> Result<ReleaseReview> {
        // One snapshot: a sync committing meanwhile shows entirely or not at all.
        self.store().read(|| self.release_review_in(release, clock))
    }

    fn release_review_in(&self, release: Id, clock: &dyn Clock) -> Result<ReleaseReview> {
        let c = self.store().conn();
        let releases = db::releases(c)?;
        if !releases.iter().any(|r| r.id == release) {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("no release {release}"),
            ));
        }
        let update = self.review_update(release, clock)?;

        let work_items = self.release_details(release)?.work_items;
        let environments = gov::environment_deployments(c, release)?
            .into_iter()
            .map(|d| EnvironmentState {
                service: d.service,
                environment: d.environment,
                production: d.production,
                outcome: d.outcome.as_str().to_owned(),
                at: stamp(&d.at),
                sha: d.sha,
                this_release: d.this_release,
                release_deployments: d.release_deployments,
            })
            .collect();

        let chain = self.release_chain(release)?;
        let dep = |other: Id, broken: bool, note: &str| -> Option<ReviewDependency> {
            let o = releases.iter().find(|x| x.id == other)?;
            Some(ReviewDependency {
                release_id: o.id,
                name: o.name.clone(),
                date: o.release_date.map(|d| d.to_string()),
                status: o.status,
                broken,
                note: note.to_owned(),
            })
        };
        let blockers = chain
            .upstream
            .iter()
            .filter(|e| e.blocked_id == release)
            .filter_map(|e| dep(e.blocker_id, e.broken, &e.note))
            .collect();
        let dependents = chain
            .downstream
            .iter()
            .filter(|e| e.blocker_id == release)
            .filter_map(|e| dep(e.blocked_id, e.broken, &e.note))
            .collect();

        let ReviewUpdate {
            release,
            risk,
            checklist,
            approvals,
            decisions,
            known_people,
        } = update;
        Ok(ReleaseReview {
            release,
            work_items,
            environments,
            blockers,
            dependents,
            risk,
            checklist,
            approvals,
            decisions,
            known_people,
            roster: self.people()?,
        })
    }

    /// The parts of release `release`'s review that its writes change (risk, checklist,
    /// approvals, decisions, status) as they stand now; writes nothing.
    pub fn review_update(&self, release: Id, clock: &dyn Clock) -> Result<ReviewUpdate> {
        let c = self.store().conn();
        let brief = gov::release_brief(c, release).map_err(|e| match e {
            switchyard_store::StoreError::NotFound(_) => {
                AppError::new(ErrorCode::NotFound, format!("no release {release}"))
            }
            e => e.into(),
        })?;
        let policy = policy(c)?;
        let now = release_now(c, &policy, &brief, clock)?;
        update_of(c, &policy, &brief, now)
    }
    /// Ticks, blocks, resets or marks not applicable one item of the release's checklist
    /// (the write of [`Workspace::readiness`]); not applicable needs a reason in the note.
    pub fn review_set_item(
        &self,
        release: Id,
        edit: ItemEdit,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ReviewUpdate> {
        let note = some_text(edit.note);
        if edit.state == ItemState::NotApplicable && note.is_none() {
            return Err(
                invalid("marking an item not applicable needs the reason in a note").about("note"),
            );
        }
        let change = ItemChange {
            item: edit.item,
            state: edit.state,
            evidence_url: some_text(edit.evidence_url),
            note,
            owner: None,
        };
        // The write and its answer in one transaction, over one read of the release's
        // changes (a tick changes none of them): the release is evaluated once for the
        // class the write needs and once for the answer, never from a second snapshot.
        tx(self, |c| {
            let r = gov::release_brief(c, release)?;
            let policy = policy(c)?;
            let mut linked = None;
            write_item(c, &policy, &r, Some(change), clock, actor, &mut linked)?;
            let now = release_now_with(c, &policy, &r, clock, &mut linked)?;
            update_of(c, &policy, &r, now)
        })
    }

    /// Overrides the risk class with a reason (through [`Workspace::assess_risk`]).
    pub fn review_override_risk(
        &self,
        release: Id,
        class: RiskClass,
        reason: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ReviewUpdate> {
        self.assess_risk(
            &release.to_string(),
            Some(class),
            Some(reason),
            clock,
            actor,
        )?;
        self.review_update(release, clock)
    }

    /// Records `approver`'s approval in `role` (through [`Workspace::approve_release`]).
    pub fn review_approve(
        &self,
        release: Id,
        role: &str,
        approver: &str,
        clock: &dyn Clock,
    ) -> Result<ReviewUpdate> {
        let approver = approver.trim();
        if approver.is_empty() {
            return Err(invalid("an approval needs the approver's name").about("approver"));
        }
        if role.trim().is_empty() {
            return Err(invalid("an approval needs a role").about("role"));
        }
        self.approve_release(&release.to_string(), role, clock, approver)
            .map_err(|e| match (e.code, &e.field) {
                (ErrorCode::SodViolation, None) => e.about("approver"),
                _ => e,
            })?;
        self.review_update(release, clock)
    }

    /// Records a go/no-go decision (through [`Workspace::decide`]).
    pub fn review_decide(
        &self,
        release: Id,
        outcome: DecisionOutcome,
        notes: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ReviewUpdate> {
        self.decide(&release.to_string(), outcome, notes, clock, actor)?;
        self.review_update(release, clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollout_and_rollback_items_are_the_plans() {
        assert_eq!(plan_of("Rollback plan reviewed", None), Some("rollback"));
        assert_eq!(plan_of("x", Some("rollback_plan")), Some("rollback"));
        assert_eq!(plan_of("Staged rollout plan agreed", None), Some("rollout"));
        assert_eq!(plan_of("Release notes drafted", None), None);
    }
}
