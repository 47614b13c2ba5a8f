//! Risk, readiness, go/no-go, hotfixes, change records and post-release reviews: the use
//! cases behind `switchyard risk|readiness|approve|decide|hotfix|change-record|review`.
//! Every change runs in one transaction together with its audit event; a refusal writes
//! nothing.

use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::{Days, Duration, NaiveDate};
use serde::Serialize;
use serde_json::{json, Value};
use switchyard_core::gonogo::{check_sod, missing_approvals, DecisionOutcome};
use switchyard_core::readiness::{checklist_now, evaluate, percent_ready, template, RuleFacts};
use switchyard_core::risk::{assess, ApprovalRule, FactorScore, RiskClass, RiskPolicy};
use switchyard_core::*;
use switchyard_store::governance::{self as gov, Conn, ReleaseBrief};
use switchyard_store::{append_audit, AuditEntry};

/// `explicit` (`--as NAME`), else `$USER`, else `local`.
pub fn actor_name(explicit: Option<&str>) -> String {
    explicit
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .unwrap_or_else(crate::workspace::actor)
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

fn tx<T>(ws: &Workspace, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
    gov::transact(ws.store(), f)
}

#[allow(clippy::too_many_arguments)]
fn audit(
    conn: &Conn,
    clock: &dyn Clock,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Id,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    let id = entity_id.to_string();
    append_audit(
        conn,
        &AuditEntry {
            at: clock.now(),
            actor,
            action,
            entity,
            entity_id: Some(&id),
            before,
            after,
        },
    )?;
    Ok(())
}

/// The release `key` names (see [`crate::lookup::resolve_release`]).
pub fn resolve_release(conn: &Conn, key: &str) -> Result<ReleaseBrief> {
    let (id, _) = crate::lookup::resolve_release(conn, key)?;
    Ok(gov::release_brief(conn, id)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRef {
    pub id: Id,
    pub name: String,
    pub release_type: String,
    pub status: String,
    pub release_date: Option<NaiveDate>,
    pub services: Vec<String>,
}

impl From<&ReleaseBrief> for ReleaseRef {
    fn from(r: &ReleaseBrief) -> Self {
        ReleaseRef {
            id: r.id,
            name: r.name.clone(),
            release_type: r.release_type.clone(),
            status: r.status.clone(),
            release_date: r.release_date,
            services: r.services.clone(),
        }
    }
}

// ---- risk policy ----

/// The policy in force: the newest imported one, else the built-in default.
pub fn policy(conn: &Conn) -> Result<RiskPolicy> {
    Ok(gov::current_policy(conn)?.unwrap_or_default())
}

impl Workspace {
    pub fn risk_policy_toml(&self) -> Result<String> {
        Ok(policy(self.store().conn())?.to_toml())
    }

    /// Parses, validates and stores a policy file; a bad file changes nothing.
    pub fn import_risk_policy(
        &self,
        text: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<RiskPolicy> {
        let new = RiskPolicy::from_toml(text).map_err(|e| invalid(e.0))?;
        tx(self, |c| {
            let before = gov::current_policy(c)?;
            let id = gov::insert_policy(c, &new, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "risk.policy_import",
                "risk_policy",
                id,
                before.map(|p| json!(p)),
                Some(json!(new)),
            )?;
            Ok(new.clone())
        })
    }
}

// ---- risk ----

#[derive(Debug, Clone, Serialize)]
pub struct RiskOverride {
    pub class: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub release: ReleaseRef,
    pub assessment_id: Id,
    pub score: f64,
    /// The class in force: the override's when there is one.
    pub class: String,
    pub computed_class: String,
    #[serde(rename = "override")]
    pub override_: Option<RiskOverride>,
    pub factors: Vec<FactorScore>,
    pub assessed_at: Timestamp,
    pub assessed_by: String,
    pub required_approvals: ApprovalRule,
}

// ---- where a release stands now ----

/// A release's risk and readiness as they stand now: the one evaluation behind the window,
/// `risk`/`readiness`, the release report and the evidence pack, so none of them can show
/// a stored state that the current data contradicts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseNow {
    /// For a release that has not shipped: the policy in force over the current data, with
    /// the latest override carried; the latest recorded assessment when it says the same
    /// (same class and score), else a fresh one, not recorded (id 0, assessed now). For a
    /// shipped or cancelled release: its latest recorded assessment.
    pub risk: RiskAssessment,
    /// The class in force: the override's when there is one.
    pub class: RiskClass,
    /// [`switchyard_core::readiness::checklist_now`]: rule items evaluated now.
    pub checklist: Option<Checklist>,
    /// Shipped or cancelled: its records stand as they were.
    pub closed: bool,
}

impl ReleaseNow {
    /// Share (0..100) of the applicable items done; `None` without a checklist.
    pub fn percent_ready(&self) -> Option<f64> {
        self.checklist.as_ref().map(|c| percent_ready(&c.items))
    }
}

/// Shipped or cancelled: its records stand as they were at go/no-go.
fn is_closed(r: &ReleaseBrief) -> bool {
    r.released || r.status == "released" || r.status == "cancelled"
}

fn class_of(a: &RiskAssessment) -> RiskClass {
    RiskClass::parse(a.class_in_force())
        .or_else(|| RiskClass::parse(&a.class))
        .unwrap_or(RiskClass::Medium)
}

/// The release's risk as it stands now (see [`ReleaseNow::risk`]).
fn risk_now(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
) -> Result<RiskAssessment> {
    let latest = gov::latest_assessment(conn, r.id)?;
    if let (Some(a), true) = (&latest, is_closed(r)) {
        return Ok(a.clone());
    }
    let inputs = gov::risk_inputs(
        conn,
        r,
        clock.now(),
        policy.factors.failure_rate.window_days,
    )?;
    let a = assess(policy, &inputs);
    if let Some(l) = latest.as_ref() {
        if l.class == a.class.as_str() && (l.score - a.score).abs() < 1e-9 {
            return Ok(l.clone());
        }
    }
    Ok(RiskAssessment {
        id: 0,
        release_id: r.id,
        score: a.score,
        class: a.class.as_str().into(),
        factors: json!(a.factors),
        override_class: latest.as_ref().and_then(|l| l.override_class.clone()),
        override_reason: latest.as_ref().and_then(|l| l.override_reason.clone()),
        assessed_at: clock.now(),
        assessed_by: "switchyard".into(),
    })
}

/// Where `r` stands now; reads only.
pub(crate) fn release_now(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
) -> Result<ReleaseNow> {
    let risk = risk_now(conn, policy, r, clock)?;
    let class = class_of(&risk);
    let closed = is_closed(r);
    let facts = if closed {
        RuleFacts::default()
    } else {
        gov::rule_facts(conn, r)?
    };
    let stored = gov::checklist_of(conn, r.id)?;
    let checklist = checklist_now(
        stored.as_ref(),
        r.id,
        class,
        &r.release_type,
        closed,
        &facts,
        clock.now(),
    );
    Ok(ReleaseNow {
        risk,
        class,
        checklist,
        closed,
    })
}

/// Records where every release in flight stands now: a new risk assessment where its
/// inputs give another than the last one, the items of a larger template where the class
/// rose, and each rule item's derived state with its facts as note. The demo organisation
/// runs this as it loads, so the file stores nothing its own records contradict. Returns
/// how many releases it changed.
pub(crate) fn settle(c: &Conn, clock: &dyn Clock, actor: &str) -> Result<usize> {
    let policy = policy(c)?;
    let mut changed = 0;
    for id in gov::open_release_ids(c)? {
        let r = gov::release_brief(c, id)?;
        let now = release_now(c, &policy, &r, clock)?;
        let mut touched = false;
        if now.risk.id == 0 {
            gov::insert_assessment(c, &now.risk)?;
            touched = true;
        }
        if let (Some(list), Some(stored)) = (now.checklist, gov::checklist_of(c, id)?) {
            let added: Vec<(String, Option<String>, Option<String>)> = list
                .items
                .iter()
                .filter(|i| i.id == 0)
                .map(|i| (i.title.clone(), i.rule.clone(), None))
                .collect();
            let stored = if added.is_empty() {
                stored
            } else {
                gov::grow_checklist(c, stored.id, &list.template, &added, clock.now(), actor)?;
                touched = true;
                gov::checklist_of(c, id)?.unwrap_or(stored)
            };
            for item in &list.items {
                let Some(s) = stored.items.iter().find(|s| s.title == item.title) else {
                    continue;
                };
                if s.state != item.state || s.note != item.note {
                    gov::set_item(
                        c,
                        s,
                        &item.state,
                        None,
                        Some(&item.note),
                        None,
                        clock.now(),
                        actor,
                    )?;
                    touched = true;
                }
            }
        }
        changed += usize::from(touched);
    }
    Ok(changed)
}

/// The class in force for a release now, and its score.
fn class_in_force(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
) -> Result<(RiskClass, f64)> {
    let a = risk_now(conn, policy, r, clock)?;
    Ok((class_of(&a), a.score))
}

impl Workspace {
    /// Where the release `key` stands now (risk and readiness); writes nothing.
    pub fn release_now(&self, key: &str, clock: &dyn Clock) -> Result<ReleaseNow> {
        let c = self.store().conn();
        let r = resolve_release(c, key)?;
        release_now(c, &policy(c)?, &r, clock)
    }

    /// Where each of `ids` stands now; writes nothing.
    pub(crate) fn releases_now(
        &self,
        ids: &[Id],
        clock: &dyn Clock,
    ) -> Result<std::collections::BTreeMap<Id, ReleaseNow>> {
        let c = self.store().conn();
        let policy = policy(c)?;
        let mut out = std::collections::BTreeMap::new();
        for id in ids {
            let r = gov::release_brief(c, *id)?;
            out.insert(*id, release_now(c, &policy, &r, clock)?);
        }
        Ok(out)
    }
}

impl Workspace {
    /// Assesses a release under the policy in force and stores the assessment. With
    /// `override_class`, a reason is required; an earlier override is carried forward.
    pub fn assess_risk(
        &self,
        release: &str,
        override_class: Option<&str>,
        reason: Option<&str>,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<RiskReport> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let override_class = match override_class {
            None => None,
            Some(c) => Some(RiskClass::parse(&c.trim().to_lowercase()).ok_or_else(|| {
                invalid(format!(
                    "{c:?} is not a risk class (low, medium, high, critical)"
                ))
            })?),
        };
        if override_class.is_some() && reason.is_none() {
            return Err(invalid("a risk override needs a reason").about("reason"));
        }
        if override_class.is_none() && reason.is_some() {
            return Err(invalid("a reason goes with an override class").about("override"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            assess_in(c, &r, override_class, reason, clock, actor)
        })
    }
}

fn assess_in(
    c: &Conn,
    r: &ReleaseBrief,
    override_class: Option<RiskClass>,
    reason: Option<&str>,
    clock: &dyn Clock,
    actor: &str,
) -> Result<RiskReport> {
    {
        {
            let policy = policy(c)?;
            let inputs =
                gov::risk_inputs(c, r, clock.now(), policy.factors.failure_rate.window_days)?;
            let a = assess(&policy, &inputs);
            let previous = gov::latest_assessment(c, r.id)?;
            let carried = previous
                .as_ref()
                .and_then(|p| Some((p.override_class.clone()?, p.override_reason.clone()?)));
            let ov = match (override_class, reason) {
                (Some(class), Some(why)) => Some((class.as_str().to_string(), why.to_string())),
                _ => carried,
            };
            let row = RiskAssessment {
                id: 0,
                release_id: r.id,
                score: a.score,
                class: a.class.as_str().into(),
                factors: json!(a.factors),
                override_class: ov.as_ref().map(|o| o.0.clone()),
                override_reason: ov.as_ref().map(|o| o.1.clone()),
                assessed_at: clock.now(),
                assessed_by: actor.into(),
            };
            let id = gov::insert_assessment(c, &row)?;
            let effective = ov
                .as_ref()
                .map_or(a.class.as_str().to_string(), |o| o.0.clone());
            let before = previous.map(
                |p| json!({"score": p.score, "class": p.class, "override_class": p.override_class}),
            );
            if override_class.is_some() {
                audit(
                    c,
                    clock,
                    actor,
                    "risk.override",
                    "release",
                    r.id,
                    before,
                    Some(json!({
                        "assessment_id": id, "computed_class": a.class.as_str(),
                        "override_class": effective, "reason": row.override_reason,
                    })),
                )?;
            } else {
                audit(
                    c,
                    clock,
                    actor,
                    "risk.assess",
                    "release",
                    r.id,
                    before,
                    Some(json!({"assessment_id": id, "score": a.score, "class": a.class.as_str()})),
                )?;
            }
            let class = RiskClass::parse(&effective).unwrap_or(a.class);
            Ok(RiskReport {
                release: ReleaseRef::from(r),
                assessment_id: id,
                score: a.score,
                class: effective,
                computed_class: a.class.as_str().into(),
                override_: ov.map(|(class, reason)| RiskOverride { class, reason }),
                factors: a.factors,
                assessed_at: row.assessed_at,
                assessed_by: row.assessed_by,
                required_approvals: policy.approvals.for_class(class).clone(),
            })
        }
    }
}

// ---- readiness ----

#[derive(Debug, Clone, Serialize)]
pub struct ItemStateChange {
    pub state: String,
    pub at: Timestamp,
    pub actor: String,
    pub evidence_url: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadinessItem {
    pub id: Id,
    pub position: i64,
    pub title: String,
    pub kind: String,
    pub rule: Option<String>,
    pub owner: Option<String>,
    pub state: String,
    pub evidence_url: Option<String>,
    pub note: String,
    pub updated_at: Timestamp,
    /// Every state change, oldest first (the readiness timeline).
    pub history: Vec<ItemStateChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoNoGoStatus {
    /// `pending` (no decision yet), `go`, `no_go` or `go_with_conditions`.
    pub status: String,
    pub risk_class: String,
    pub required_approvals: ApprovalRule,
    /// Approvals given since the last decision.
    pub approvals: Vec<ReleaseApproval>,
    /// What the required approvals still lack.
    pub missing_approvals: Vec<String>,
    /// Every item done or not applicable, nothing blocked, approvals complete.
    pub ready_for_go: bool,
    pub latest_decision: Option<Decision>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadinessReport {
    pub release: ReleaseRef,
    pub checklist_id: Id,
    pub template: String,
    pub percent_ready: f64,
    pub items: Vec<ReadinessItem>,
    pub go_no_go: GoNoGoStatus,
}

/// Creates the checklist from the template when the release has none, and re-evaluates
/// rule items of a release that has not shipped; every state change is recorded.
fn prepare_checklist(
    c: &Conn,
    r: &ReleaseBrief,
    class: RiskClass,
    clock: &dyn Clock,
    actor: &str,
) -> Result<Checklist> {
    let checklist = match gov::checklist_of(c, r.id)? {
        Some(cl) => cl,
        None => {
            let (name, items) = template(class, &r.release_type);
            let rows: Vec<(String, Option<String>, Option<String>)> = items
                .iter()
                .map(|i| (i.title.to_string(), i.rule.map(String::from), None))
                .collect();
            let id = gov::create_checklist(c, r.id, &name, &rows, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "checklist.create",
                "release",
                r.id,
                None,
                Some(json!({"checklist_id": id, "template": name, "items": rows.len()})),
            )?;
            gov::checklist_of(c, r.id)?
                .ok_or_else(|| AppError::new(ErrorCode::Internal, "the new checklist is missing"))?
        }
    };
    if r.released || r.status == "released" || r.status == "cancelled" {
        return Ok(checklist);
    }
    // A risk class that rose since the checklist was made brings its template's extra
    // items (an SRE sign-off, a change record...); a class that fell removes nothing.
    let (name, wanted) = template(class, &r.release_type);
    let missing: Vec<(String, Option<String>, Option<String>)> = wanted
        .iter()
        .filter(|w| !checklist.items.iter().any(|i| i.title == w.title))
        .map(|i| (i.title.to_string(), i.rule.map(String::from), None))
        .collect();
    let checklist = if missing.is_empty() {
        checklist
    } else {
        gov::grow_checklist(c, checklist.id, &name, &missing, clock.now(), actor)?;
        audit(
            c,
            clock,
            actor,
            "checklist.grow",
            "release",
            r.id,
            Some(json!({"checklist_id": checklist.id, "template": checklist.template})),
            Some(json!({
                "checklist_id": checklist.id,
                "template": name,
                "added": missing.iter().map(|m| &m.0).collect::<Vec<_>>(),
            })),
        )?;
        gov::checklist_of(c, r.id)?
            .ok_or_else(|| AppError::new(ErrorCode::Internal, "the checklist is missing"))?
    };
    let facts = gov::rule_facts(c, r)?;
    let mut changed = false;
    for item in &checklist.items {
        let (Some(rule), true) = (&item.rule, item.state != "not_applicable") else {
            continue;
        };
        if let Some((state, why)) = evaluate(rule, &facts) {
            if state != item.state {
                gov::set_item(c, item, state, None, Some(&why), None, clock.now(), actor)?;
                audit(
                    c,
                    clock,
                    actor,
                    "checklist.evaluate",
                    "checklist_item",
                    item.id,
                    Some(json!({"state": item.state})),
                    Some(json!({"state": state, "rule": rule, "note": why})),
                )?;
                changed = true;
            }
        }
    }
    if changed {
        return gov::checklist_of(c, r.id)?
            .ok_or_else(|| AppError::new(ErrorCode::Internal, "the checklist is missing"));
    }
    Ok(checklist)
}

fn go_no_go(
    c: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    class: RiskClass,
    items: &[ChecklistItem],
) -> Result<GoNoGoStatus> {
    let approvals = gov::release_approvals(c, Some(r.id), true)?;
    let rule = policy.approvals.for_class(class).clone();
    let pairs: Vec<(String, String)> = approvals
        .iter()
        .map(|a| (a.role.clone(), a.approver.clone()))
        .collect();
    let missing = missing_approvals(&rule, &pairs);
    let latest = gov::decisions_of(c, r.id)?.into_iter().last();
    let all_done = items
        .iter()
        .all(|i| i.state == "done" || i.state == "not_applicable");
    Ok(GoNoGoStatus {
        status: latest
            .as_ref()
            .map_or("pending".to_string(), |d| d.outcome.clone()),
        risk_class: class.as_str().into(),
        required_approvals: rule,
        ready_for_go: all_done && missing.is_empty(),
        approvals,
        missing_approvals: missing,
        latest_decision: latest,
    })
}

fn readiness_report(
    c: &Conn,
    r: &ReleaseBrief,
    checklist: Checklist,
    gng: GoNoGoStatus,
) -> Result<ReadinessReport> {
    let events = gov::item_events(c, Some(checklist.id))?;
    let items = checklist
        .items
        .iter()
        .map(|i| ReadinessItem {
            id: i.id,
            position: i.position,
            title: i.title.clone(),
            kind: i.kind.clone(),
            rule: i.rule.clone(),
            owner: i.owner.clone(),
            state: i.state.clone(),
            evidence_url: i.evidence_url.clone(),
            note: i.note.clone(),
            updated_at: i.updated_at,
            history: events
                .iter()
                .filter(|e| e.item_id == i.id)
                .map(|e| ItemStateChange {
                    state: e.state.clone(),
                    at: e.at,
                    actor: e.actor.clone(),
                    evidence_url: e.evidence_url.clone(),
                    note: e.note.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(ReadinessReport {
        release: ReleaseRef::from(r),
        checklist_id: checklist.id,
        template: checklist.template.clone(),
        percent_ready: percent_ready(&checklist.items),
        items,
        go_no_go: gng,
    })
}

/// A change to one checklist item.
#[derive(Debug, Clone, Default)]
pub struct ItemChange {
    /// The item: its id, or (part of) its title.
    pub item: String,
    /// `done`, `blocked`, `not_applicable` or `pending`.
    pub state: String,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    pub owner: Option<String>,
}

fn find_item<'a>(items: &'a [ChecklistItem], key: &str) -> Result<&'a ChecklistItem> {
    let key = key.trim();
    if let Ok(id) = key.parse::<Id>() {
        if let Some(i) = items.iter().find(|i| i.id == id) {
            return Ok(i);
        }
    }
    let lower = key.to_lowercase();
    let exact: Vec<&ChecklistItem> = items
        .iter()
        .filter(|i| i.title.to_lowercase() == lower)
        .collect();
    let hits: Vec<&ChecklistItem> = if exact.is_empty() {
        items
            .iter()
            .filter(|i| i.title.to_lowercase().contains(&lower))
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(AppError::new(
            ErrorCode::NotFound,
            format!("the release's checklist has no item {key:?}"),
        )),
        many => Err(AppError::new(
            ErrorCode::Ambiguous,
            format!(
                "{key:?} matches {} items: {}; use an id",
                many.len(),
                many.iter()
                    .map(|i| format!("{} ({})", i.id, i.title))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

impl Workspace {
    /// The release's readiness; creates its checklist from the template on first use and
    /// re-evaluates rule items, then applies `change` when given.
    pub fn readiness(
        &self,
        release: &str,
        change: Option<ItemChange>,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<ReadinessReport> {
        if let Some(ch) = &change {
            if !switchyard_core::readiness::ITEM_STATES.contains(&ch.state.as_str()) {
                return Err(invalid(format!("{:?} is not an item state", ch.state)));
            }
            if let Some(url) = &ch.evidence_url {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(invalid(format!(
                        "evidence must be an http(s) link, not {url:?}"
                    )));
                }
            }
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let policy = policy(c)?;
            let (class, _) = class_in_force(c, &policy, &r, clock)?;
            let mut checklist = prepare_checklist(c, &r, class, clock, actor)?;
            if let Some(ch) = change {
                let item = find_item(&checklist.items, &ch.item)?.clone();
                if item.kind == "rule" && ch.state != "not_applicable" {
                    return Err(invalid(format!(
                        "{:?} is evaluated from synced data (rule {}); it can only be marked not applicable",
                        item.title,
                        item.rule.as_deref().unwrap_or("?")
                    )));
                }
                gov::set_item(
                    c,
                    &item,
                    &ch.state,
                    ch.evidence_url.as_deref(),
                    ch.note.as_deref(),
                    ch.owner.as_deref(),
                    clock.now(),
                    actor,
                )?;
                audit(
                    c,
                    clock,
                    actor,
                    "checklist.set",
                    "checklist_item",
                    item.id,
                    Some(
                        json!({"state": item.state, "evidence_url": item.evidence_url, "note": item.note, "owner": item.owner}),
                    ),
                    Some(
                        json!({"state": ch.state, "evidence_url": ch.evidence_url, "note": ch.note, "owner": ch.owner}),
                    ),
                )?;
                checklist = gov::checklist_of(c, r.id)?.ok_or_else(|| {
                    AppError::new(ErrorCode::Internal, "the checklist is missing")
                })?;
            }
            // What was written, shown as every other reader shows it now.
            let now = release_now(c, &policy, &r, clock)?;
            let shown = now.checklist.unwrap_or(checklist);
            let gng = go_no_go(c, &policy, &r, now.class, &shown.items)?;
            readiness_report(c, &r, shown, gng)
        })
    }
}

// ---- go/no-go ----

fn normal_role(role: &str) -> Result<String> {
    let r = role.trim().to_lowercase().replace(['-', ' '], "_");
    if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid(format!("{role:?} is not a role name")));
    }
    Ok(r)
}

fn sod(c: &Conn, r: &ReleaseBrief, who: &str) -> Result<()> {
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
        outcome: &str,
        notes: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Decision> {
        let outcome = DecisionOutcome::parse(outcome.trim()).ok_or_else(|| {
            invalid(format!(
                "{outcome:?} is not a decision (go, no-go, go-with-conditions)"
            ))
        })?;
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
                .filter(|i| i.state != "done" && i.state != "not_applicable")
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
                "blocked_items": checklist.items.iter().filter(|i| i.state == "blocked").map(|i| i.title.as_str()).collect::<Vec<_>>(),
                "risk_class": class.as_str(),
                "risk_score": score,
                "required_approvals": gng.required_approvals,
                "missing_approvals": gng.missing_approvals,
            });
            let d = Decision {
                id: 0,
                release_id: r.id,
                outcome: outcome.as_str().into(),
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

// ---- change records ----

/// A new change record.
#[derive(Debug, Clone, Default)]
pub struct ChangeRecordSpec {
    pub title: Option<String>,
    /// `standard`, `normal` (default) or `emergency`.
    pub kind: Option<String>,
    pub window_start: Option<Timestamp>,
    pub window_end: Option<Timestamp>,
    pub rollback_plan: String,
    pub evidence: Vec<String>,
}

fn new_change_record(
    c: &Conn,
    r: &ReleaseBrief,
    class: RiskClass,
    spec: ChangeRecordSpec,
    clock: &dyn Clock,
    actor: &str,
) -> Result<ChangeRecord> {
    let kind = spec.kind.unwrap_or_else(|| "normal".into());
    if !["standard", "normal", "emergency"].contains(&kind.as_str()) {
        return Err(invalid(format!(
            "{kind:?} is not a change kind (standard, normal, emergency)"
        )));
    }
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
        status: "submitted".into(),
        services: r.services.clone(),
        window_start: spec.window_start,
        window_end: spec.window_end,
        changes: gov::work_item_ids(c, r.id)?,
        risk_class: Some(class.as_str().into()),
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

fn current_record(c: &Conn, r: &ReleaseBrief) -> Result<ChangeRecord> {
    gov::change_records(c, Some(r.id))?
        .into_iter()
        .rfind(|x| x.status != "rejected")
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
            if rec.status == "closed" {
                return Err(invalid(format!("change record {} is closed", rec.id)));
            }
            gov::insert_change_record_approval(c, rec.id, &role, actor, clock.now())?;
            let policy = policy(c)?;
            let class = rec
                .risk_class
                .as_deref()
                .and_then(RiskClass::parse)
                .unwrap_or(RiskClass::Medium);
            let mut rule = policy.approvals.for_class(class).clone();
            rule.count = rule.count.max(1);
            let mut pairs: Vec<(String, String)> = rec
                .approvals
                .iter()
                .map(|a| (a.role.clone(), a.approver.clone()))
                .collect();
            pairs.push((role.clone(), actor.to_string()));
            let status = if missing_approvals(&rule, &pairs).is_empty() {
                "approved"
            } else {
                rec.status.as_str()
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
            gov::set_change_record_status(c, rec.id, "rejected")?;
            audit(
                c,
                clock,
                actor,
                "change_record.reject",
                "change_record",
                rec.id,
                Some(json!({"status": rec.status})),
                Some(json!({"status": "rejected", "reason": reason.trim()})),
            )?;
            Ok(ChangeRecord {
                status: "rejected".into(),
                ..rec
            })
        })
    }
}

// ---- hotfix and emergency releases ----

#[derive(Debug, Clone, Default)]
pub struct HotfixSpec {
    pub name: String,
    pub emergency: bool,
    pub services: Vec<String>,
    pub reason: String,
    pub rollback_plan: String,
    /// Ship day; today by default.
    pub date: Option<NaiveDate>,
    /// Work items (ids) the hotfix ships.
    pub changes: Vec<Id>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HotfixReport {
    pub release: ReleaseRef,
    pub risk: RiskReport,
    pub readiness: ReadinessReport,
    pub change_record: ChangeRecord,
    pub review: Review,
}

impl Workspace {
    /// The expedited path: a hotfix or emergency release with a reduced checklist, an
    /// automatic change record and a post-release review due within the policy's days.
    pub fn hotfix(&self, spec: HotfixSpec, clock: &dyn Clock, actor: &str) -> Result<HotfixReport> {
        let name = spec.name.trim().to_string();
        if name.is_empty() {
            return Err(invalid("a hotfix needs a name"));
        }
        if spec.services.is_empty() {
            return Err(invalid("a hotfix needs at least one service").about("service"));
        }
        if spec.reason.trim().is_empty() {
            return Err(invalid("a hotfix needs a reason").about("reason"));
        }
        let kind = if spec.emergency {
            "emergency"
        } else {
            "hotfix"
        };
        let day = spec.date.unwrap_or_else(|| clock.today());
        tx(self, |c| {
            if !switchyard_store::lookup::find_releases(c, &name)?.is_empty() {
                return Err(invalid(format!("a release called {name:?} exists already")));
            }
            let mut sids = Vec::new();
            for s in &spec.services {
                sids.push(gov::service_id(c, s)?.ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("no service is called {s:?}"))
                })?);
            }
            let id = gov::insert_release(c, &name, kind, day, spec.reason.trim(), &sids)?;
            for w in &spec.changes {
                gov::link_work_item(c, *w, id)
                    .map_err(|_| AppError::new(ErrorCode::NotFound, format!("no work item {w}")))?;
            }
            let policy = policy(c)?;
            let due_days = if spec.emergency {
                policy.expedited.emergency_review_days
            } else {
                policy.expedited.hotfix_review_days
            };
            let due = day + Days::new(u64::from(due_days));
            let review_id = gov::insert_review(c, id, due, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "release.hotfix",
                "release",
                id,
                None,
                Some(json!({
                    "name": name, "release_type": kind, "date": day, "services": spec.services,
                    "reason": spec.reason.trim(), "review_id": review_id, "review_due": due,
                })),
            )?;
            let r = gov::release_brief(c, id)?;
            let risk = assess_in(c, &r, None, None, clock, actor)?;
            let class = RiskClass::parse(&risk.class).unwrap_or(RiskClass::High);
            let change_record = new_change_record(
                c,
                &r,
                class,
                ChangeRecordSpec {
                    title: Some(format!("{kind} {name}: {}", spec.reason.trim())),
                    kind: Some(
                        if spec.emergency {
                            "emergency"
                        } else {
                            "normal"
                        }
                        .into(),
                    ),
                    window_start: Some(clock.now()),
                    window_end: Some(clock.now() + Duration::hours(4)),
                    rollback_plan: spec.rollback_plan.trim().to_string(),
                    evidence: vec![],
                },
                clock,
                actor,
            )?;
            let checklist = prepare_checklist(c, &r, class, clock, actor)?;
            let gng = go_no_go(c, &policy, &r, class, &checklist.items)?;
            let readiness = readiness_report(c, &r, checklist, gng)?;
            let review = open_review(c, &r)?;
            Ok(HotfixReport {
                release: ReleaseRef::from(&r),
                risk,
                readiness,
                change_record,
                review,
            })
        })
    }
}

// ---- post-release reviews ----

#[derive(Debug, Clone, Default)]
pub struct ActionSpec {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
}

fn open_review(c: &Conn, r: &ReleaseBrief) -> Result<Review> {
    gov::reviews(c, Some(r.id))?
        .into_iter()
        .last()
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "release {} has no post-release review; schedule one first",
                    r.name
                ),
            )
        })
}

impl Workspace {
    pub fn reviews(&self, release: &str) -> Result<(ReleaseRef, Vec<Review>)> {
        let c = self.store().conn();
        let r = resolve_release(c, release)?;
        Ok((ReleaseRef::from(&r), gov::reviews(c, Some(r.id))?))
    }

    pub fn schedule_review(
        &self,
        release: &str,
        due: NaiveDate,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let id = gov::insert_review(c, r.id, due, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "review.schedule",
                "review",
                id,
                None,
                Some(json!({"release_id": r.id, "due_date": due})),
            )?;
            open_review(c, &r)
        })
    }

    pub fn add_review_action(
        &self,
        release: &str,
        spec: ActionSpec,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        if spec.title.trim().is_empty() {
            return Err(invalid("an action item needs a title"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            let item = ActionItem {
                id: 0,
                title: spec.title.trim().into(),
                owner: spec.owner.clone(),
                due_date: spec.due,
                status: "open".into(),
                updated_at: clock.now(),
            };
            let id = gov::insert_action_item(c, review.id, &item)?;
            audit(
                c,
                clock,
                actor,
                "review.action_add",
                "review_action_item",
                id,
                None,
                Some(json!(ActionItem { id, ..item })),
            )?;
            open_review(c, &r)
        })
    }

    pub fn set_review_action(
        &self,
        release: &str,
        action_id: Id,
        status: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        if !["open", "done", "dropped"].contains(&status) {
            return Err(invalid(format!(
                "{status:?} is not an action status (open, done, dropped)"
            )));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            let item = gov::reviews(c, Some(r.id))?
                .into_iter()
                .flat_map(|rv| rv.action_items)
                .find(|a| a.id == action_id)
                .ok_or_else(|| {
                    AppError::new(
                        ErrorCode::NotFound,
                        format!("release {} has no action item {action_id}", r.name),
                    )
                })?;
            gov::set_action_item_status(c, action_id, status, clock.now())?;
            audit(
                c,
                clock,
                actor,
                "review.action_set",
                "review_action_item",
                action_id,
                Some(json!({"status": item.status})),
                Some(json!({"status": status, "review_id": review.id})),
            )?;
            open_review(c, &r)
        })
    }

    pub fn complete_review(
        &self,
        release: &str,
        summary: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Review> {
        if summary.trim().is_empty() {
            return Err(invalid("completing a review needs a summary").about("summary"));
        }
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let review = open_review(c, &r)?;
            gov::complete_review(c, review.id, summary.trim(), clock.now())?;
            audit(
                c,
                clock,
                actor,
                "review.complete",
                "review",
                review.id,
                Some(json!({"status": review.status})),
                Some(json!({"status": "done", "summary": summary.trim()})),
            )?;
            open_review(c, &r)
        })
    }
}
