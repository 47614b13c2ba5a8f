//! Hotfix and emergency releases: a reduced checklist, an automatic change record, a review due.

use super::*;

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
            ReleaseType::Emergency
        } else {
            ReleaseType::Hotfix
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
            let class = risk.class;
            let change_record = new_change_record(
                c,
                &r,
                class,
                ChangeRecordSpec {
                    title: Some(format!("{kind} {name}: {}", spec.reason.trim())),
                    kind: Some(if spec.emergency {
                        ChangeKind::Emergency
                    } else {
                        ChangeKind::Normal
                    }),
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
