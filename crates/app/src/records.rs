//! Change records, hotfixes and post-release reviews in the window: what the release
//! panel's sections and the hotfix dialog show, over the governance use cases
//! (`crate::governance`, the same ones `switchyard change-record|hotfix|review` call). Each
//! write answers the refreshed view; a refusal names its form field where there is one and
//! writes nothing.

use crate::governance::{policy, resolve_release, ActionSpec, ChangeRecordSpec, HotfixSpec};
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use switchyard_core::gonogo::missing_approvals;
use switchyard_core::readiness::template;
use switchyard_core::*;
use switchyard_store::plan_edit as edit;
use ts_rs::TS;

fn about(field: &str, msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg).about(field)
}

/// One approval of a change record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecordApproval {
    pub role: String,
    pub approver: String,
    pub approved_at: Timestamp,
}

/// A change record as its section lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChangeRecordRow {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub kind: ChangeKind,
    pub status: ChangeStatus,
    pub services: Vec<String>,
    pub window_start: Option<Timestamp>,
    pub window_end: Option<Timestamp>,
    /// How many work items (changes) it covers.
    #[ts(type = "number")]
    pub changes: usize,
    pub risk_class: Option<RiskClass>,
    pub rollback_plan: String,
    pub evidence: Vec<String>,
    pub approvals: Vec<RecordApproval>,
    /// What its approval rule still lacks (empty once approved).
    pub missing_approvals: Vec<String>,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// The change record form: what a person may set; services, changes and the risk class
/// come from the release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChangeRecordForm {
    pub title: String,
    pub kind: ChangeKind,
    /// `YYYY-MM-DD HH:MM` (UTC) or RFC 3339; empty: none.
    pub window_start: String,
    pub window_end: String,
    pub rollback_plan: String,
    /// http(s) links, one each.
    pub evidence: Vec<String>,
}

/// A work item of the release, as the form lists the changes a record will cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LinkedChange {
    pub key: String,
    pub title: String,
}

/// A release's change records and the form for a new one, filled from the release.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChangeRecordsView {
    #[ts(type = "number")]
    pub release: i64,
    pub release_name: String,
    /// The class in force now (what a new record is raised under).
    pub risk_class: RiskClass,
    /// The approval rule of that class: roles that must approve, distinct approvers.
    pub required_roles: Vec<String>,
    #[ts(type = "number")]
    pub required_count: u32,
    /// Oldest first.
    pub records: Vec<ChangeRecordRow>,
    /// The record approvals and rejections act on (the newest not rejected), if any.
    #[ts(type = "number | null")]
    pub open_record: Option<i64>,
    /// A new record's values: title, the release day as its window, the checklist's
    /// evidence links and rollback note.
    pub draft: ChangeRecordForm,
    /// From the release, not editable: its services and its work items.
    pub services: Vec<String>,
    pub changes: Vec<LinkedChange>,
}

/// The hotfix form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HotfixForm {
    pub name: String,
    pub services: Vec<String>,
    pub emergency: bool,
    pub reason: String,
    pub rollback_plan: String,
    /// Ship day `YYYY-MM-DD`; empty: today.
    pub date: String,
}

/// The hotfix dialog before anything is created: the form (filled from a release or a
/// service), the services, and what the expedited path brings (its reduced checklists and
/// the post-release review's deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HotfixFormView {
    pub form: HotfixForm,
    /// The release it was started from, if any.
    pub from_release: Option<String>,
    pub services: Vec<String>,
    pub today: NaiveDate,
    pub hotfix_checklist: Vec<String>,
    pub emergency_checklist: Vec<String>,
    #[ts(type = "number")]
    pub hotfix_review_days: u32,
    #[ts(type = "number")]
    pub emergency_review_days: u32,
}

/// One item of a checklist, as the hotfix dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChecklistRow {
    pub title: String,
    pub kind: ItemKind,
    pub state: ItemState,
    pub note: String,
}

/// A hotfix just started: the new release, its reduced checklist, its change record and
/// the review it owes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HotfixStarted {
    #[ts(type = "number")]
    pub release: i64,
    pub name: String,
    pub release_type: ReleaseType,
    pub date: Option<NaiveDate>,
    pub services: Vec<String>,
    pub risk_class: RiskClass,
    pub template: String,
    pub percent_ready: f64,
    pub checklist: Vec<ChecklistRow>,
    pub change_record: ChangeRecordRow,
    pub review: ReviewRow,
}

/// An action item of a post-release review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ActionRow {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    /// Open with its due day gone by.
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewRow {
    #[ts(type = "number")]
    pub id: i64,
    pub due_date: NaiveDate,
    pub status: ReviewStatus,
    /// The findings, once held.
    pub summary: String,
    pub held_at: Option<Timestamp>,
    pub created_by: String,
    /// Scheduled with its due day gone by.
    pub overdue: bool,
    pub actions: Vec<ActionRow>,
}

/// A release's post-release reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PostReviewsView {
    #[ts(type = "number")]
    pub release: i64,
    pub release_name: String,
    pub today: NaiveDate,
    /// Oldest first; actions are added to the newest.
    pub reviews: Vec<ReviewRow>,
    /// Open action items across its reviews, and how many of them are overdue.
    #[ts(type = "number")]
    pub open_actions: usize,
    #[ts(type = "number")]
    pub overdue_actions: usize,
    /// A new review's due day: the release day (or today, if later) plus the policy's
    /// hotfix review days.
    pub suggested_due: NaiveDate,
}

/// `YYYY-MM-DD HH:MM` (UTC), `YYYY-MM-DDTHH:MM` or RFC 3339; empty is none.
pub fn parse_instant(field: &str, text: &str) -> Result<Option<Timestamp>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Ok(Some(d.and_utc()));
        }
    }
    Err(about(
        field,
        format!("{t:?} is not a time: write YYYY-MM-DD HH:MM (UTC)"),
    ))
}

fn day_field(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| about(field, format!("{t:?} is not a day: write YYYY-MM-DD")))
}

fn instant_text(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn record_row(r: ChangeRecord, policy: &switchyard_core::risk::RiskPolicy) -> ChangeRecordRow {
    let mut rule = policy
        .approvals
        .for_class(r.risk_class.unwrap_or(RiskClass::Medium))
        .clone();
    rule.count = rule.count.max(1);
    let pairs: Vec<(String, String)> = r
        .approvals
        .iter()
        .map(|a| (a.role.clone(), a.approver.clone()))
        .collect();
    let missing = if matches!(r.status, ChangeStatus::Submitted | ChangeStatus::Draft) {
        missing_approvals(&rule, &pairs)
    } else {
        vec![]
    };
    ChangeRecordRow {
        id: r.id,
        title: r.title,
        kind: r.kind,
        status: r.status,
        services: r.services,
        window_start: r.window_start,
        window_end: r.window_end,
        changes: r.changes.len(),
        risk_class: r.risk_class,
        rollback_plan: r.rollback_plan,
        evidence: r.evidence,
        approvals: r
            .approvals
            .into_iter()
            .map(|a| RecordApproval {
                role: a.role,
                approver: a.approver,
                approved_at: a.approved_at,
            })
            .collect(),
        missing_approvals: missing,
        created_at: r.created_at,
        created_by: r.created_by,
    }
}

fn review_row(r: Review, today: NaiveDate) -> ReviewRow {
    ReviewRow {
        id: r.id,
        due_date: r.due_date,
        status: r.status,
        summary: r.summary,
        held_at: r.held_at,
        created_by: r.created_by,
        overdue: r.status == ReviewStatus::Scheduled && r.due_date < today,
        actions: r
            .action_items
            .into_iter()
            .map(|a| ActionRow {
                overdue: a.status == ActionStatus::Open && a.due_date.is_some_and(|d| d < today),
                id: a.id,
                title: a.title,
                owner: a.owner,
                due_date: a.due_date,
                status: a.status,
            })
            .collect(),
    }
}

impl Workspace {
    /// The change records section of a release: its records and a new one's form.
    pub fn change_records_view(
        &self,
        release: i64,
        clock: &dyn Clock,
    ) -> Result<ChangeRecordsView> {
        let key = release.to_string();
        let now = self.release_now(&key, clock)?;
        let (r, records) = self.change_records(&key)?;
        let c = self.store().conn();
        let policy = policy(c)?;
        let rule = policy.approvals.for_class(now.class).clone();
        let open_record = records
            .iter()
            .rfind(|x| x.status != ChangeStatus::Rejected)
            .map(|x| x.id);
        let items = now.checklist.map(|cl| cl.items).unwrap_or_default();
        let mut evidence: Vec<String> = Vec::new();
        for e in items.iter().filter_map(|i| i.evidence_url.clone()) {
            if (e.starts_with("https://") || e.starts_with("http://")) && !evidence.contains(&e) {
                evidence.push(e);
            }
        }
        let rollback_plan = items
            .iter()
            .find(|i| i.title.to_lowercase().contains("rollback") && !i.note.trim().is_empty())
            .map(|i| i.note.trim().to_string())
            .unwrap_or_default();
        // The release day, office hours (UTC).
        let at = |h: u32| {
            r.release_date
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .map(|t| instant_text(t.and_utc()))
                .unwrap_or_default()
        };
        let (start, end) = (at(9), at(17));
        let changes = edit::work_items_of_release(c, r.id)?
            .into_iter()
            .map(|w| LinkedChange {
                key: w.key,
                title: w.title,
            })
            .collect();
        Ok(ChangeRecordsView {
            release: r.id,
            draft: ChangeRecordForm {
                title: format!("Change for release {}", r.name),
                kind: if r.release_type == ReleaseType::Emergency {
                    ChangeKind::Emergency
                } else {
                    ChangeKind::Normal
                },
                window_start: start,
                window_end: end,
                rollback_plan,
                evidence,
            },
            release_name: r.name,
            risk_class: now.class,
            required_roles: rule.roles,
            required_count: rule.count.max(1),
            records: records
                .into_iter()
                .map(|x| record_row(x, &policy))
                .collect(),
            open_record,
            services: r.services,
            changes,
        })
    }

    /// Raises a change record from the form (services, changes and risk from the release).
    pub fn raise_change_record(
        &self,
        release: i64,
        form: &ChangeRecordForm,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ChangeRecordsView> {
        let window_start = parse_instant("window_start", &form.window_start)?;
        let window_end = parse_instant("window_end", &form.window_end)?;
        if let (Some(a), Some(b)) = (window_start, window_end) {
            if b < a {
                return Err(about(
                    "window_end",
                    "the change window ends before it starts",
                ));
            }
        }
        let evidence: Vec<String> = form
            .evidence
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        for e in &evidence {
            if !(e.starts_with("https://") || e.starts_with("http://")) {
                return Err(about(
                    "evidence",
                    format!("evidence must be an http(s) link, not {e:?}"),
                ));
            }
        }
        let title = form.title.trim();
        self.create_change_record(
            &release.to_string(),
            ChangeRecordSpec {
                title: (!title.is_empty()).then(|| title.to_string()),
                kind: Some(form.kind),
                window_start,
                window_end,
                rollback_plan: form.rollback_plan.trim().to_string(),
                evidence,
            },
            clock,
            actor,
        )?;
        self.change_records_view(release, clock)
    }

    /// `record` must be the release's open change record (what the section showed).
    fn check_open_record(&self, release: i64, record: i64) -> Result<()> {
        let (r, records) = self.change_records(&release.to_string())?;
        let open = records
            .iter()
            .rfind(|x| x.status != ChangeStatus::Rejected)
            .map(|x| x.id);
        if open != Some(record) {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                match open {
                    Some(o) => format!(
                        "change record {record} is not the open change record of {} (that is {o})",
                        r.name
                    ),
                    None => format!("release {} has no open change record", r.name),
                },
            ));
        }
        Ok(())
    }

    /// Approves the open change record as `approver` in `role` (segregation of duties
    /// applies: an author or deployer of the release's changes is refused).
    pub fn approve_change_record_as(
        &self,
        release: i64,
        record: i64,
        role: &str,
        approver: &str,
        clock: &dyn Clock,
    ) -> Result<ChangeRecordsView> {
        let approver = approver.trim();
        if approver.is_empty() {
            return Err(about("approver", "who approves? Name the approver"));
        }
        if role.trim().is_empty() {
            return Err(about("role", "an approval needs a role"));
        }
        self.check_open_record(release, record)?;
        self.approve_change_record(&release.to_string(), role, clock, approver)?;
        self.change_records_view(release, clock)
    }

    /// Rejects the open change record; the reason is required.
    pub fn reject_change_record_with(
        &self,
        release: i64,
        record: i64,
        reason: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ChangeRecordsView> {
        if reason.trim().is_empty() {
            return Err(about("reason", "rejecting a change record needs a reason"));
        }
        self.check_open_record(release, record)?;
        self.reject_change_record(&release.to_string(), reason, clock, actor)?;
        self.change_records_view(release, clock)
    }

    /// The hotfix form, filled from a release (its services, a name after it) or a service.
    pub fn hotfix_form(
        &self,
        release: Option<i64>,
        service: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<HotfixFormView> {
        let c = self.store().conn();
        let services = edit::service_names(c)?;
        let today = clock.today();
        let (base, picked, from) = match (release, service) {
            (Some(id), _) => {
                let r = resolve_release(c, &id.to_string())?;
                (
                    format!("{} hotfix", r.name),
                    r.services.clone(),
                    Some(r.name),
                )
            }
            (None, Some(s)) => {
                if !services.iter().any(|x| x == s) {
                    return Err(about(
                        "services",
                        format!("there is no service named {s:?}"),
                    ));
                }
                (format!("{s} hotfix {today}"), vec![s.to_string()], None)
            }
            (None, None) => (format!("Hotfix {today}"), vec![], None),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !switchyard_store::lookup::find_releases(c, &name)?.is_empty() {
            name = format!("{base} {n}");
            n += 1;
        }
        let policy = policy(c)?;
        let titles = |t: ReleaseType| -> Vec<String> {
            template(RiskClass::Medium, t)
                .1
                .iter()
                .map(|i| i.title.to_string())
                .collect()
        };
        Ok(HotfixFormView {
            form: HotfixForm {
                name,
                services: picked,
                emergency: false,
                reason: String::new(),
                rollback_plan: String::new(),
                date: today.to_string(),
            },
            from_release: from,
            services,
            today,
            hotfix_checklist: titles(ReleaseType::Hotfix),
            emergency_checklist: titles(ReleaseType::Emergency),
            hotfix_review_days: policy.expedited.hotfix_review_days,
            emergency_review_days: policy.expedited.emergency_review_days,
        })
    }

    /// Starts the hotfix (or emergency release) the form describes.
    pub fn start_hotfix(
        &self,
        form: &HotfixForm,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<HotfixStarted> {
        if form.name.trim().is_empty() {
            return Err(about("name", "a hotfix needs a name"));
        }
        let date = day_field("date", &form.date)?;
        let known = edit::service_names(self.store().conn())?;
        if let Some(s) = form.services.iter().find(|s| !known.contains(s)) {
            return Err(about(
                "services",
                format!("there is no service named {s:?}"),
            ));
        }
        let report = self
            .hotfix(
                HotfixSpec {
                    name: form.name.trim().to_string(),
                    emergency: form.emergency,
                    services: form.services.clone(),
                    reason: form.reason.clone(),
                    rollback_plan: form.rollback_plan.clone(),
                    date,
                    changes: vec![],
                },
                clock,
                actor,
            )
            .map_err(|mut e| {
                let field = e.field.clone();
                match field.as_deref() {
                    Some("service") => e.field = Some("services".into()),
                    None if e.message.contains("exists already") => e.field = Some("name".into()),
                    _ => {}
                }
                e
            })?;
        let policy = policy(self.store().conn())?;
        Ok(HotfixStarted {
            release: report.release.id,
            name: report.release.name,
            release_type: report.release.release_type,
            date: report.release.release_date,
            services: report.release.services,
            risk_class: report.risk.class,
            template: report.readiness.template,
            percent_ready: report.readiness.percent_ready,
            checklist: report
                .readiness
                .items
                .into_iter()
                .map(|i| ChecklistRow {
                    title: i.title,
                    kind: i.kind,
                    state: i.state,
                    note: i.note,
                })
                .collect(),
            change_record: record_row(report.change_record, &policy),
            review: review_row(report.review, clock.today()),
        })
    }

    /// The post-release reviews section of a release.
    pub fn post_reviews_view(&self, release: i64, clock: &dyn Clock) -> Result<PostReviewsView> {
        let (r, reviews) = self.reviews(&release.to_string())?;
        let today = clock.today();
        let rows: Vec<ReviewRow> = reviews.into_iter().map(|x| review_row(x, today)).collect();
        let open: Vec<&ActionRow> = rows
            .iter()
            .flat_map(|x| &x.actions)
            .filter(|a| a.status == ActionStatus::Open)
            .collect();
        let days = policy(self.store().conn())?.expedited.hotfix_review_days;
        let from = r.release_date.map_or(today, |d| d.max(today));
        Ok(PostReviewsView {
            release: r.id,
            release_name: r.name,
            today,
            open_actions: open.len(),
            overdue_actions: open.iter().filter(|a| a.overdue).count(),
            reviews: rows,
            suggested_due: from + chrono::Days::new(u64::from(days)),
        })
    }

    pub fn schedule_post_review(
        &self,
        release: i64,
        due: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<PostReviewsView> {
        let due = day_field("due", due)?.ok_or_else(|| about("due", "a review needs a due day"))?;
        self.schedule_review(&release.to_string(), due, clock, actor)?;
        self.post_reviews_view(release, clock)
    }

    /// Adds an action item (title, owner, due day) to the release's newest review.
    pub fn add_post_review_action(
        &self,
        release: i64,
        title: &str,
        owner: &str,
        due: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<PostReviewsView> {
        if title.trim().is_empty() {
            return Err(about("title", "an action item needs a title"));
        }
        let due = day_field("due", due)?;
        let owner = owner.trim();
        self.add_review_action(
            &release.to_string(),
            ActionSpec {
                title: title.trim().to_string(),
                owner: (!owner.is_empty()).then(|| owner.to_string()),
                due,
            },
            clock,
            actor,
        )?;
        self.post_reviews_view(release, clock)
    }

    /// Marks an action item done (or open again).
    pub fn mark_post_review_action(
        &self,
        release: i64,
        action: i64,
        done: bool,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<PostReviewsView> {
        let status = if done {
            ActionStatus::Done
        } else {
            ActionStatus::Open
        };
        self.set_review_action(&release.to_string(), action, status, clock, actor)?;
        self.post_reviews_view(release, clock)
    }

    /// Records that the newest review was held, with its findings.
    pub fn complete_post_review(
        &self,
        release: i64,
        findings: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<PostReviewsView> {
        if findings.trim().is_empty() {
            return Err(about("findings", "completing a review needs its findings"));
        }
        self.complete_review(&release.to_string(), findings, clock, actor)?;
        self.post_reviews_view(release, clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_window_is_read_in_utc_or_refused_naming_its_field() {
        let t = parse_instant("window_start", "2026-12-01 09:30")
            .unwrap()
            .unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-01T09:30:00+00:00");
        let t = parse_instant("window_start", "2026-12-01T10:00:00+01:00")
            .unwrap()
            .unwrap();
        assert_eq!(instant_text(t), "2026-12-01 09:00");
        assert_eq!(parse_instant("window_start", "  ").unwrap(), None);
        let e = parse_instant("window_end", "tomorrow").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("window_end"));
    }
}
