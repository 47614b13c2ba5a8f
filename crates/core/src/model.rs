//! The records of a workspace, shaped as the `export --format json` document of
//! docs/cli.md. The same types travel through the store, the CLI and the demo generator.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vocab::{
    ActionStatus, ChangeKind, ChangeStatus, DecisionOutcome, ItemKind, ItemState, Outcome,
    ReleaseStatus, ReleaseType, RiskClass, Source, StatusCategory,
};

pub type Id = i64;
pub type Timestamp = DateTime<Utc>;

/// The whole workspace as one document (`export --format json`). Every list is ordered
/// by `id`, so two exports of the same data are byte-identical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub schema_version: i64,
    pub teams: Vec<Team>,
    pub services: Vec<Service>,
    pub trains: Vec<Train>,
    pub releases: Vec<Release>,
    pub milestones: Vec<Milestone>,
    pub dependencies: Vec<Dependency>,
    pub work_items: Vec<WorkItem>,
    pub deployments: Vec<Deployment>,
    pub incidents: Vec<Incident>,
    pub pipeline_runs: Vec<PipelineRun>,
    pub freeze_windows: Vec<FreezeWindow>,
    pub risk_assessments: Vec<RiskAssessment>,
    pub checklists: Vec<Checklist>,
    pub decisions: Vec<Decision>,
    pub audit_events: Vec<AuditEvent>,
    pub sync_state: Vec<SyncState>,
    /// Days nothing ships (schema step 2; absent in older documents).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Versions of the risk policy; the newest is in force (schema step 3).
    #[serde(default)]
    pub risk_policies: Vec<RiskPolicyVersion>,
    /// Every state change of a checklist item: the readiness timeline.
    #[serde(default)]
    pub checklist_item_events: Vec<ChecklistItemEvent>,
    /// Go/no-go approvals given before a decision; a decision takes the open ones.
    #[serde(default)]
    pub release_approvals: Vec<ReleaseApproval>,
    #[serde(default)]
    pub change_records: Vec<ChangeRecord>,
    /// Post-release reviews and their action items.
    #[serde(default)]
    pub reviews: Vec<Review>,
    /// What only Jira issues have (their Jira id, project, description, sync run).
    #[serde(default)]
    pub jira_issues: Vec<JiraIssue>,
    /// Status transitions of work items, from Jira changelogs.
    #[serde(default)]
    pub work_item_transitions: Vec<WorkItemTransition>,
    /// The roster: people, their roles and identities (schema step 6).
    #[serde(default)]
    pub people: Vec<Person>,
}

impl Document {
    pub fn empty() -> Self {
        Self {
            schema_version: crate::SCHEMA_VERSION,
            teams: vec![],
            services: vec![],
            trains: vec![],
            releases: vec![],
            milestones: vec![],
            dependencies: vec![],
            work_items: vec![],
            deployments: vec![],
            incidents: vec![],
            pipeline_runs: vec![],
            freeze_windows: vec![],
            risk_assessments: vec![],
            checklists: vec![],
            decisions: vec![],
            audit_events: vec![],
            sync_state: vec![],
            holidays: vec![],
            risk_policies: vec![],
            checklist_item_events: vec![],
            release_approvals: vec![],
            jira_issues: vec![],
            work_item_transitions: vec![],
            change_records: vec![],
            reviews: vec![],
            people: vec![],
        }
    }

    /// Calls `f` on every time at which something in the document happened or was
    /// recorded (not on planned times such as a change record's window). The demo
    /// generator uses it to keep every record at or before the moment it is written.
    pub fn for_each_record_time(&mut self, mut f: impl FnMut(&mut Timestamp)) {
        let opt = |t: &mut Option<Timestamp>, f: &mut dyn FnMut(&mut Timestamp)| {
            if let Some(t) = t.as_mut() {
                f(t);
            }
        };
        for m in &mut self.milestones {
            opt(&mut m.completed_at, &mut f);
        }
        for w in &mut self.work_items {
            f(&mut w.created_at);
            f(&mut w.updated_at);
            opt(&mut w.resolved_at, &mut f);
            opt(&mut w.merged_at, &mut f);
            opt(&mut w.first_commit_at, &mut f);
        }
        for d in &mut self.deployments {
            opt(&mut d.time, &mut f);
            f(&mut d.created_at);
        }
        for i in &mut self.incidents {
            f(&mut i.created_at);
            opt(&mut i.resolved_at, &mut f);
        }
        for p in &mut self.pipeline_runs {
            f(&mut p.started_at);
            opt(&mut p.finished_at, &mut f);
        }
        for a in &mut self.risk_assessments {
            f(&mut a.assessed_at);
        }
        for c in &mut self.checklists {
            f(&mut c.created_at);
            for i in &mut c.items {
                f(&mut i.updated_at);
            }
        }
        for d in &mut self.decisions {
            f(&mut d.decided_at);
            for a in &mut d.approvals {
                f(&mut a.approved_at);
            }
        }
        for e in &mut self.audit_events {
            f(&mut e.at);
        }
        for p in &mut self.people {
            f(&mut p.created_at);
            f(&mut p.updated_at);
        }
        for s in &mut self.sync_state {
            f(&mut s.updated_at);
        }
        for p in &mut self.risk_policies {
            f(&mut p.created_at);
        }
        for e in &mut self.checklist_item_events {
            f(&mut e.at);
        }
        for a in &mut self.release_approvals {
            f(&mut a.approved_at);
        }
        for c in &mut self.change_records {
            f(&mut c.created_at);
            for a in &mut c.approvals {
                f(&mut a.approved_at);
            }
        }
        for r in &mut self.reviews {
            opt(&mut r.held_at, &mut f);
            f(&mut r.created_at);
            for a in &mut r.action_items {
                f(&mut a.updated_at);
            }
        }
        for j in &mut self.jira_issues {
            opt(&mut j.vanished_at, &mut f);
        }
        for t in &mut self.work_item_transitions {
            f(&mut t.at);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Id,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: Id,
    pub name: String,
    /// Owning team's name.
    pub team: Option<String>,
    pub source: Option<Source>,
    pub source_key: Option<String>,
}

/// How a train's release dates are generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// Every `weeks` weeks on the weekday of `anchor` (the first release date).
    EveryNWeeks { weeks: u32, anchor: NaiveDate },
    /// The `nth` (1-based) `weekday` (0 = Monday) of every `every_months`-th month,
    /// counted from `anchor_month` (`YYYY-MM-01`).
    Monthly {
        nth: u32,
        weekday: u32,
        every_months: u32,
        anchor_month: NaiveDate,
    },
    /// Hand-picked dates.
    Explicit { dates: Vec<NaiveDate> },
}

/// One milestone of a train's template: `offset_days` from the release date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneOffset {
    pub kind: String,
    pub name: String,
    pub offset_days: i32,
}

/// What happens to a generated release that lands in a freeze window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreezeRule {
    /// Move it to the next day outside every freeze window that covers it.
    Move,
    /// Keep the date and report a conflict.
    Flag,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Train {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub cadence: Cadence,
    pub milestone_template: Vec<MilestoneOffset>,
    pub freeze_rule: FreezeRule,
    /// Names of the services that ride this train.
    pub services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub id: Id,
    pub name: String,
    pub version: Option<String>,
    pub train_id: Option<Id>,
    pub release_type: ReleaseType,
    pub status: ReleaseStatus,
    pub start_date: Option<NaiveDate>,
    /// The date first planned (the baseline slips are measured against).
    pub planned_date: Option<NaiveDate>,
    /// The current target date, or the date it shipped.
    pub release_date: Option<NaiveDate>,
    pub released: bool,
    pub archived: bool,
    pub description: String,
    /// Names of the services it ships.
    pub services: Vec<String>,
    pub source: Option<Source>,
    pub source_key: Option<String>,
}

impl Release {
    /// Days past its target date that the release is still not shipped (see
    /// [`overdue_days`]).
    pub fn overdue_days(&self, today: NaiveDate) -> i64 {
        self.release_date
            .map_or(0, |d| overdue_days(self.status, self.released, d, today))
    }
}

/// Days a release of `status` dated `release_date` is past due on `today`: a planned or
/// in-progress release whose date has gone by without it shipping; 0 for every other.
pub fn overdue_days(
    status: ReleaseStatus,
    released: bool,
    release_date: NaiveDate,
    today: NaiveDate,
) -> i64 {
    let open = status.is_open() && !released;
    if open && release_date < today {
        (today - release_date).num_days()
    } else {
        0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: Id,
    pub release_id: Id,
    /// `branch_cut`, `code_freeze`, `rc`, `go_no_go`, `release`, `review`, or a custom word.
    pub kind: String,
    pub name: String,
    pub date: NaiveDate,
    pub completed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    pub id: Id,
    /// What the two ends are: `release`, `service` or `work_item`.
    pub kind: String,
    /// Record key of what must come first: its `source_key` if synced, else its `id`.
    pub blocker: String,
    /// Record key of what waits for it.
    pub blocked: String,
    pub note: String,
    pub source: Option<Source>,
    pub source_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    pub id: Id,
    pub source: Option<Source>,
    pub source_key: Option<String>,
    pub title: String,
    /// `issue`, `story`, `bug`, `task`, `incident`, `pull_request`, ...
    pub kind: String,
    pub status: String,
    /// Jira's status category (PRs: open/merged/closed map here).
    pub status_category: StatusCategory,
    pub priority: Option<String>,
    pub service: Option<String>,
    /// Names of the releases it ships in.
    pub releases: Vec<String>,
    /// Ids of the same releases (names need not be unique across projects).
    pub release_ids: Vec<Id>,
    pub labels: Vec<String>,
    pub author: Option<String>,
    pub assignee: Option<String>,
    pub url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub merged_at: Option<Timestamp>,
    pub first_commit_at: Option<Timestamp>,
    pub base_branch: Option<String>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub changed_files: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub id: Id,
    pub source: Option<Source>,
    pub source_key: Option<String>,
    pub service: String,
    pub environment: String,
    pub production: bool,
    pub sha: String,
    pub git_ref: Option<String>,
    pub creator: Option<String>,
    pub outcome: Outcome,
    /// When it took effect (first success status; for a failure, first failure status).
    pub time: Option<Timestamp>,
    pub created_at: Timestamp,
    pub release_id: Option<Id>,
    /// Where the tool that made it shows it (a CI build page); ingested deployments only.
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: Id,
    pub source: Option<Source>,
    pub source_key: Option<String>,
    pub service: Option<String>,
    pub title: String,
    pub severity: Option<String>,
    pub created_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineRun {
    pub id: Id,
    pub source: Option<Source>,
    pub source_key: Option<String>,
    pub service: String,
    pub workflow: String,
    pub head_sha: String,
    pub event: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub attempt: i64,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreezeWindow {
    pub id: Id,
    pub name: String,
    /// First frozen day.
    pub start_date: NaiveDate,
    /// Last frozen day (inclusive).
    pub end_date: NaiveDate,
    /// Names of the frozen services; empty means every service.
    pub services: Vec<String>,
    pub reason: String,
}

impl FreezeWindow {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start_date <= day && day <= self.end_date
    }

    pub fn applies_to_any(&self, services: &[String]) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| services.contains(s))
    }
}

/// Days nothing may ship: a freeze window (of some services or all), or a holiday (one day,
/// every service). The planner checks dates against both alike.
#[derive(Debug, Clone, PartialEq)]
pub enum Blackout {
    Freeze(FreezeWindow),
    Holiday(Holiday),
}

impl Blackout {
    pub fn covers(&self, day: NaiveDate) -> bool {
        match self {
            Blackout::Freeze(w) => w.covers(day),
            Blackout::Holiday(h) => h.date == day,
        }
    }

    pub fn applies_to_any(&self, services: &[String]) -> bool {
        match self {
            Blackout::Freeze(w) => w.applies_to_any(services),
            Blackout::Holiday(_) => true,
        }
    }

    /// The last day it covers.
    pub fn end(&self) -> NaiveDate {
        match self {
            Blackout::Freeze(w) => w.end_date,
            Blackout::Holiday(h) => h.date,
        }
    }

    /// `Year-end freeze`, `holiday New year`: how a flagged release names it.
    pub fn label(&self) -> String {
        match self {
            Blackout::Freeze(w) => w.name.clone(),
            Blackout::Holiday(h) => format!("holiday {}", h.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub id: Id,
    pub release_id: Id,
    pub score: f64,
    pub class: RiskClass,
    /// Each factor with its contribution and reason.
    pub factors: Value,
    pub override_class: Option<RiskClass>,
    pub override_reason: Option<String>,
    pub assessed_at: Timestamp,
    pub assessed_by: String,
}

impl RiskAssessment {
    /// The class in force: the override's when there is one, else the computed class.
    pub fn class_in_force(&self) -> RiskClass {
        self.override_class.unwrap_or(self.class)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub id: Id,
    pub release_id: Id,
    pub template: String,
    pub created_at: Timestamp,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: Id,
    pub position: i64,
    pub title: String,
    pub kind: ItemKind,
    pub rule: Option<String>,
    pub owner: Option<String>,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub id: Id,
    pub release_id: Id,
    pub outcome: DecisionOutcome,
    /// The criteria as they stood when the decision was taken.
    pub criteria: Value,
    pub approvals: Vec<Approval>,
    pub notes: String,
    pub decided_by: String,
    pub decided_at: Timestamp,
    pub supersedes: Option<Id>,
    /// Who recorded it: see [`RecordedBy`] (absent for decisions before schema step 6).
    #[serde(flatten)]
    pub recorded: RecordedBy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub role: String,
    pub approver: String,
    pub approved_at: Timestamp,
    #[serde(flatten)]
    pub recorded: RecordedBy,
}

/// Who recorded an approval or a decision: the roster person (when the workspace has one
/// by that name) and the operating-system user and host of the process that wrote it. Every
/// field is null for records written before schema step 6.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RecordedBy {
    #[serde(default)]
    #[ts(type = "number | null")]
    pub person_id: Option<Id>,
    #[serde(default)]
    pub os_user: Option<String>,
    #[serde(default)]
    pub os_host: Option<String>,
}

/// A person of the workspace's roster. `roles` are normalised words (`engineering`, `qa`,
/// `sre`, `security`, `product`, `change_board`, or any other); `github` are GitHub logins
/// and `jira` Jira account ids or emails, each belonging to one person at most. Segregation
/// of duties compares these identities with the authors and deployers of a release's
/// changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Person {
    #[ts(type = "number")]
    pub id: Id,
    pub name: String,
    pub roles: Vec<String>,
    pub github: Vec<String>,
    pub jira: Vec<String>,
    #[ts(type = "string")]
    pub created_at: Timestamp,
    #[ts(type = "string")]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: Id,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// SHA-256 (hex) of the previous event; empty for the first.
    pub prev_hash: String,
    pub hash: String,
}

/// The Jira side of a work item that came from Jira.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JiraIssue {
    pub work_item_id: Id,
    pub issue_id: String,
    pub project: String,
    /// Plain text, from ADF (Cloud) or wiki markup (Data Center).
    pub description: String,
    /// The sync run that last saw the issue.
    pub last_seen_run: String,
    /// When a full sync found it gone from Jira.
    pub vanished_at: Option<Timestamp>,
}

/// A status change of a work item (a Jira changelog `status` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItemTransition {
    pub id: Id,
    pub work_item_id: Id,
    pub at: Timestamp,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: Option<String>,
    /// The Jira changelog history id.
    pub source_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    pub source: Source,
    /// What the cursor is for: a Jira project, a GitHub repo and list.
    pub scope: String,
    pub cursor: Value,
    pub updated_at: Timestamp,
}

/// A day on which nothing ships (every service), like a one-day freeze window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    pub id: Id,
    pub date: NaiveDate,
    pub name: String,
}

/// One version of the risk policy (`risk policy import`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPolicyVersion {
    pub id: Id,
    pub policy: crate::risk::RiskPolicy,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// A checklist item's state as it was set at `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItemEvent {
    pub id: Id,
    pub item_id: Id,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: String,
    pub at: Timestamp,
    pub actor: String,
}

/// An approval of a release's go/no-go; `decision_id` is set once a decision took it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseApproval {
    pub id: Id,
    pub release_id: Id,
    pub role: String,
    pub approver: String,
    pub approved_at: Timestamp,
    pub decision_id: Option<Id>,
    #[serde(flatten)]
    pub recorded: RecordedBy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub id: Id,
    pub release_id: Id,
    pub title: String,
    pub kind: ChangeKind,
    pub status: ChangeStatus,
    /// Names of the services it changes.
    pub services: Vec<String>,
    pub window_start: Option<Timestamp>,
    pub window_end: Option<Timestamp>,
    /// Ids of the work items (changes) it covers.
    pub changes: Vec<Id>,
    pub risk_class: Option<RiskClass>,
    pub rollback_plan: String,
    /// Evidence links.
    pub evidence: Vec<String>,
    pub approvals: Vec<Approval>,
    pub created_at: Timestamp,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: Id,
    pub release_id: Id,
    pub due_date: NaiveDate,
    pub status: crate::vocab::ReviewStatus,
    pub summary: String,
    pub held_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub action_items: Vec<ActionItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: Id,
    pub title: String,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod overdue_tests {
    use super::overdue_days;
    use crate::vocab::ReleaseStatus::*;
    use chrono::NaiveDate;

    #[test]
    fn only_an_open_release_past_its_date_is_overdue() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-30");
        assert_eq!(overdue_days(Planned, false, d("2026-11-20"), today), 10);
        assert_eq!(overdue_days(InProgress, false, d("2026-11-29"), today), 1);
        assert_eq!(
            overdue_days(Planned, false, today, today),
            0,
            "due today is not late"
        );
        assert_eq!(overdue_days(Planned, false, d("2026-12-01"), today), 0);
        assert_eq!(overdue_days(Released, true, d("2026-11-20"), today), 0);
        assert_eq!(overdue_days(Planned, true, d("2026-11-20"), today), 0);
        assert_eq!(overdue_days(Cancelled, false, d("2026-11-20"), today), 0);
    }
}
