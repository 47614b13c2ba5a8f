//! Readiness: checklists from templates, items people set, rules evaluated now.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct ItemStateChange {
    pub state: ItemState,
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
    pub kind: ItemKind,
    pub rule: Option<String>,
    pub owner: Option<String>,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: String,
    pub updated_at: Timestamp,
    /// Every state change, oldest first (the readiness timeline).
    pub history: Vec<ItemStateChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoNoGoStatus {
    /// Pending (no decision yet), else the latest decision's outcome.
    pub status: GoNoGoState,
    pub risk_class: RiskClass,
    pub required_approvals: ApprovalRule,
    /// Approvals given since the last decision that count.
    pub approvals: Vec<ReleaseApproval>,
    /// Approvals given since the last decision that segregation of duties, checked again
    /// with the release's changes and people as they are now, re-opens: they do not count,
    /// and each says why.
    pub reopened_approvals: Vec<ReopenedApproval>,
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
pub(super) fn prepare_checklist(
    c: &Conn,
    r: &ReleaseBrief,
    class: RiskClass,
    clock: &dyn Clock,
    actor: &str,
) -> Result<Checklist> {
    let checklist = match gov::checklist_of(c, r.id)? {
        Some(cl) => cl,
        None => {
            let (name, items) = template(class, r.release_type);
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
    if is_closed(r) {
        return Ok(checklist);
    }
    // A risk class that rose since the checklist was made brings its template's extra
    // items (an SRE sign-off, a change record...); a class that fell removes nothing.
    let (name, wanted) = template(class, r.release_type);
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
        let (Some(rule), true) = (&item.rule, item.state != ItemState::NotApplicable) else {
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

/// Done or not applicable: nothing left to do on the item.
pub(super) fn settled(state: ItemState) -> bool {
    match state {
        ItemState::Done | ItemState::NotApplicable => true,
        ItemState::Pending | ItemState::Blocked => false,
    }
}

pub(super) fn go_no_go(
    c: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    class: RiskClass,
    items: &[ChecklistItem],
) -> Result<GoNoGoStatus> {
    let open = gov::release_approvals(c, Some(r.id), true)?;
    let (approvals, reopened) = recheck_approvals(c, r, open)?;
    let rule = policy.approvals.for_class(class).clone();
    let pairs: Vec<(String, String)> = approvals
        .iter()
        .map(|a| (a.role.clone(), a.approver.clone()))
        .collect();
    let missing = missing_approvals(&rule, &pairs);
    let latest = gov::decisions_of(c, r.id)?.into_iter().last();
    let all_done = items.iter().all(|i| settled(i.state));
    Ok(GoNoGoStatus {
        status: GoNoGoState::from(latest.as_ref().map(|d| d.outcome)),
        risk_class: class,
        required_approvals: rule,
        ready_for_go: all_done && missing.is_empty(),
        approvals,
        reopened_approvals: reopened,
        missing_approvals: missing,
        latest_decision: latest,
    })
}

pub(super) fn readiness_report(
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
            kind: i.kind,
            rule: i.rule.clone(),
            owner: i.owner.clone(),
            state: i.state,
            evidence_url: i.evidence_url.clone(),
            note: i.note.clone(),
            updated_at: i.updated_at,
            history: events
                .iter()
                .filter(|e| e.item_id == i.id)
                .map(|e| ItemStateChange {
                    state: e.state,
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
#[derive(Debug, Clone)]
pub struct ItemChange {
    /// The item: its id, or (part of) its title.
    pub item: String,
    pub state: ItemState,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    pub owner: Option<String>,
}

pub(super) fn find_item<'a>(items: &'a [ChecklistItem], key: &str) -> Result<&'a ChecklistItem> {
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

/// Readies release `r`'s checklist (made from its class's template, or grown to it) and
/// writes `change` to it with its audit event, when there is one; answers the checklist as
/// stored. Rule items can only be marked not applicable.
pub(super) fn write_item(
    c: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    change: Option<ItemChange>,
    clock: &dyn Clock,
    actor: &str,
    slot: &mut Option<gov::ReleaseChanges>,
) -> Result<Checklist> {
    if let Some(url) = change.as_ref().and_then(|ch| ch.evidence_url.as_ref()) {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(
                invalid(format!("evidence must be an http(s) link, not {url:?}")).about("evidence"),
            );
        }
    }
    let (class, _) = class_in_force_with(c, policy, r, clock, slot)?;
    let checklist = prepare_checklist(c, r, class, clock, actor)?;
    let Some(ch) = change else {
        return Ok(checklist);
    };
    let item = find_item(&checklist.items, &ch.item)?.clone();
    if item.kind == ItemKind::Rule && ch.state != ItemState::NotApplicable {
        return Err(invalid(format!(
            "{:?} is evaluated from synced data (rule {}); it can only be marked not applicable",
            item.title,
            item.rule.as_deref().unwrap_or("?")
        )));
    }
    gov::set_item(
        c,
        &item,
        ch.state,
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
    gov::checklist_of(c, r.id)?
        .ok_or_else(|| AppError::new(ErrorCode::Internal, "the checklist is missing"))
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
        tx(self, |c| {
            let r = resolve_release(c, release)?;
            let policy = policy(c)?;
            // A checklist write changes none of the release's changes: one read of them
            // serves the write and its answer.
            let mut linked = None;
            let checklist = write_item(c, &policy, &r, change, clock, actor, &mut linked)?;
            // What was written, shown as every other reader shows it now.
            let now = release_now_with(c, &policy, &r, clock, &mut linked)?;
            let shown = now.checklist.unwrap_or(checklist);
            let gng = go_no_go(c, &policy, &r, now.class, &shown.items)?;
            readiness_report(c, &r, shown, gng)
        })
    }
}
