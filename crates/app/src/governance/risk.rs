//! Risk: assessments, overrides, and where a release stands now (live risk and readiness).

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct RiskOverride {
    pub class: RiskClass,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub release: ReleaseRef,
    pub assessment_id: Id,
    pub score: f64,
    /// The class in force: the override's when there is one.
    pub class: RiskClass,
    pub computed_class: RiskClass,
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
pub(super) fn is_closed(r: &ReleaseBrief) -> bool {
    r.released || !r.status.is_open()
}

pub(super) fn class_of(a: &RiskAssessment) -> RiskClass {
    a.class_in_force()
}

/// The release's changes, read the first time a rule asks for them and kept in `slot` for
/// the next one (a write and its answer evaluate the release over one read of them).
pub(super) fn linked<'s>(
    conn: &Conn,
    r: &ReleaseBrief,
    slot: &'s mut Option<gov::ReleaseChanges>,
) -> Result<&'s gov::ReleaseChanges> {
    if slot.as_ref().is_none_or(|l| l.release() != r.id) {
        *slot = Some(gov::release_changes(conn, r.id)?);
    }
    Ok(slot.as_ref().expect("read just above"))
}

/// The release's risk as it stands now (see [`ReleaseNow::risk`]), over the changes in
/// `slot` (read into it when it is empty).
pub(super) fn risk_now_with(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
    slot: &mut Option<gov::ReleaseChanges>,
) -> Result<RiskAssessment> {
    let latest = gov::latest_assessment(conn, r.id)?;
    if let (Some(a), true) = (&latest, is_closed(r)) {
        return Ok(a.clone());
    }
    let inputs = gov::risk_inputs_of(
        conn,
        r,
        linked(conn, r, slot)?,
        clock.now(),
        policy.factors.failure_rate.window_days,
    )?;
    let a = assess(policy, &inputs);
    if let Some(l) = latest.as_ref() {
        if l.class == a.class && (l.score - a.score).abs() < 1e-9 {
            return Ok(l.clone());
        }
    }
    Ok(RiskAssessment {
        id: 0,
        release_id: r.id,
        score: a.score,
        class: a.class,
        factors: json!(a.factors),
        override_class: latest.as_ref().and_then(|l| l.override_class),
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
    release_now_with(conn, policy, r, clock, &mut None)
}

/// [`release_now`] over the changes in `slot` (read into it when it is empty): risk and
/// readiness read the release's changes once.
pub(super) fn release_now_with(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
    slot: &mut Option<gov::ReleaseChanges>,
) -> Result<ReleaseNow> {
    let risk = risk_now_with(conn, policy, r, clock, slot)?;
    let class = class_of(&risk);
    let closed = is_closed(r);
    let facts = if closed {
        RuleFacts::default()
    } else {
        gov::rule_facts_of(conn, r, linked(conn, r, slot)?)?
    };
    let stored = gov::checklist_of(conn, r.id)?;
    let checklist = checklist_now(
        stored.as_ref(),
        r.id,
        class,
        r.release_type,
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
        // Each change with its audit event, as the use cases write them, so `audit verify`
        // finds every row explained by the log.
        if now.risk.id == 0 {
            let aid = gov::insert_assessment(c, &now.risk)?;
            audit(
                c,
                clock,
                actor,
                "risk.assess",
                "release",
                r.id,
                None,
                Some(
                    json!({"assessment_id": aid, "score": now.risk.score, "class": now.risk.class.as_str()}),
                ),
            )?;
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
                audit(
                    c,
                    clock,
                    actor,
                    "checklist.grow",
                    "release",
                    r.id,
                    Some(json!({"checklist_id": stored.id, "template": stored.template})),
                    Some(json!({
                        "checklist_id": stored.id,
                        "template": list.template,
                        "added": added.iter().map(|a| &a.0).collect::<Vec<_>>(),
                    })),
                )?;
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
                        item.state,
                        None,
                        Some(&item.note),
                        None,
                        clock.now(),
                        actor,
                    )?;
                    audit(
                        c,
                        clock,
                        actor,
                        "checklist.evaluate",
                        "checklist_item",
                        s.id,
                        Some(json!({"state": s.state})),
                        Some(json!({"state": item.state, "rule": item.rule, "note": item.note})),
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
pub(super) fn class_in_force(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
) -> Result<(RiskClass, f64)> {
    class_in_force_with(conn, policy, r, clock, &mut None)
}

/// [`class_in_force`] over the changes in `slot` (read into it when it is empty).
pub(super) fn class_in_force_with(
    conn: &Conn,
    policy: &RiskPolicy,
    r: &ReleaseBrief,
    clock: &dyn Clock,
    slot: &mut Option<gov::ReleaseChanges>,
) -> Result<(RiskClass, f64)> {
    let a = risk_now_with(conn, policy, r, clock, slot)?;
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
        override_class: Option<RiskClass>,
        reason: Option<&str>,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<RiskReport> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
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

pub(super) fn assess_in(
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
                .and_then(|p| Some((p.override_class?, p.override_reason.clone()?)));
            let ov = match (override_class, reason) {
                (Some(class), Some(why)) => Some((class, why.to_string())),
                _ => carried,
            };
            let row = RiskAssessment {
                id: 0,
                release_id: r.id,
                score: a.score,
                class: a.class,
                factors: json!(a.factors),
                override_class: ov.as_ref().map(|o| o.0),
                override_reason: ov.as_ref().map(|o| o.1.clone()),
                assessed_at: clock.now(),
                assessed_by: actor.into(),
            };
            let id = gov::insert_assessment(c, &row)?;
            let effective = ov.as_ref().map_or(a.class, |o| o.0);
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
            Ok(RiskReport {
                release: ReleaseRef::from(r),
                assessment_id: id,
                score: a.score,
                class: effective,
                computed_class: a.class,
                override_: ov.map(|(class, reason)| RiskOverride { class, reason }),
                factors: a.factors,
                assessed_at: row.assessed_at,
                assessed_by: row.assessed_by,
                required_approvals: policy.approvals.for_class(effective).clone(),
            })
        }
    }
}
