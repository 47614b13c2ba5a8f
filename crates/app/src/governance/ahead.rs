//! Ahead: the releases due in the 30 days after a day, each with where it stands by the one
//! evaluation every reader uses ([`release_now`]), its go/no-go and missing approvals, its
//! `plan check` conflicts and open blockers. The leadership report, its CSV and the
//! window's calendar panel list them; `switchyard_report::leadership::Ahead` picks those
//! needing attention first.

use super::*;
use std::collections::HashMap;
use switchyard_report::leadership::{Ahead, AheadRelease, TREND_DAYS};

/// The clock "today" stands for: the real one when `today` is the clock's day or later,
/// else the last second of `today` (a past period's end).
/// Whether the ahead list seen from `today` is seen during that day (or later: a report
/// whose period ends in the future), so that `today`'s own releases are still ahead.
pub fn is_live(clock: &dyn Clock, today: NaiveDate) -> bool {
    today >= clock.today()
}

fn as_of(clock: &dyn Clock, today: NaiveDate) -> crate::FixedClock {
    if is_live(clock, today) {
        crate::FixedClock(clock.now())
    } else {
        let next = today.succ_opt().unwrap_or(today);
        crate::FixedClock(
            next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::seconds(1),
        )
    }
}

/// Percent of the applicable items done, counting only those done before `limit`.
fn percent_done_before(items: &[ChecklistItem], limit: Timestamp) -> f64 {
    let applicable = items
        .iter()
        .filter(|i| i.state != ItemState::NotApplicable)
        .count();
    if applicable == 0 {
        return 100.0;
    }
    let done = items
        .iter()
        .filter(|i| i.state == ItemState::Done && i.updated_at < limit)
        .count();
    (done as f64 * 1000.0 / applicable as f64).round() / 10.0
}

impl Workspace {
    /// The releases of `doc` (not cancelled, not archived) dated in the 30 days after
    /// `today`, with their facts as they stand (as of the end of `today` when it is past);
    /// writes nothing.
    pub fn releases_ahead(
        &self,
        doc: &Document,
        today: NaiveDate,
        clock: &dyn Clock,
    ) -> Result<Vec<AheadRelease>> {
        let (first, until) = Ahead::window(today, is_live(clock, today));
        let clock = as_of(clock, today);
        let c = self.store().conn();
        let policy = policy(c)?;
        let trains: HashMap<Id, &str> =
            doc.trains.iter().map(|t| (t.id, t.name.as_str())).collect();
        let conflicts = self.plan_check()?.conflicts;
        let limit = (today - Days::new(TREND_DAYS))
            .succ_opt()
            .unwrap_or(today)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let mut out = Vec::new();
        for r in doc
            .releases
            .iter()
            .filter(|r| !r.archived && r.status != ReleaseStatus::Cancelled)
        {
            let Some(date) = r.release_date.or(r.planned_date) else {
                continue;
            };
            if date < first || date > until {
                continue;
            }
            let brief = gov::release_brief(c, r.id)?;
            let now = release_now(c, &policy, &brief, &clock)?;
            let items = now
                .checklist
                .as_ref()
                .map(|l| l.items.clone())
                .unwrap_or_default();
            let gng = go_no_go(c, &policy, &brief, now.class, &items)?;
            let blockers = if now.closed {
                Vec::new()
            } else {
                gov::rule_facts(c, &brief)?.open_blockers
            };
            out.push(AheadRelease {
                id: r.id,
                name: r.name.clone(),
                train: r
                    .train_id
                    .and_then(|t| trains.get(&t))
                    .map(|s| s.to_string()),
                date,
                class: Some(now.class),
                ready_pct: now.percent_ready(),
                // No trend for a checklist made since (nothing to compare with).
                ready_pct_before: now
                    .checklist
                    .as_ref()
                    .filter(|l| l.id != 0 && l.created_at < limit)
                    .map(|l| percent_done_before(&l.items, limit)),
                go_no_go: gng.status,
                shipped: r.released,
                conflicts: conflicts
                    .iter()
                    .filter(|k| {
                        k.records
                            .iter()
                            .any(|x| x.kind == "release" && x.id == r.id)
                    })
                    .map(|k| k.message.clone())
                    .collect(),
                blockers,
                missing_approvals: if now.closed {
                    Vec::new()
                } else {
                    gng.missing_approvals
                },
                attention: Vec::new(),
            });
        }
        Ok(out)
    }

    /// The ahead list of the whole workspace after `today` (the calendar's "Needs attention"
    /// panel and the CSV).
    pub fn ahead(&self, clock: &dyn Clock, today: NaiveDate) -> Result<Ahead> {
        let doc = self.export()?;
        let list = self.releases_ahead(&doc, today, clock)?;
        Ok(Ahead::new(today, is_live(clock, today), list))
    }
}

/// One release of the calendar's "Needs attention" panel and the ahead list.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AheadItem {
    #[ts(type = "number")]
    pub release_id: Id,
    pub name: String,
    pub train: Option<String>,
    pub date: NaiveDate,
    pub risk_class: Option<RiskClass>,
    pub percent_ready: Option<f64>,
    /// "▲ +20 pts in 7 days", "= in 7 days" or "–".
    pub trend: String,
    pub go_no_go: GoNoGoState,
    pub conflicts: Vec<String>,
    pub blockers: Vec<String>,
    pub missing_approvals: Vec<String>,
    /// Why it needs attention first; empty when it does not.
    pub reasons: Vec<String>,
}

/// The releases due in the 30 days after today, those needing attention first.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AheadView {
    pub today: NaiveDate,
    pub until: NaiveDate,
    pub releases: Vec<AheadItem>,
}

impl From<&Ahead> for AheadView {
    fn from(a: &Ahead) -> Self {
        AheadView {
            today: a.today,
            until: a.until,
            releases: a
                .releases
                .iter()
                .map(|r| AheadItem {
                    release_id: r.id,
                    name: r.name.clone(),
                    train: r.train.clone(),
                    date: r.date,
                    risk_class: r.class,
                    percent_ready: r.ready_pct,
                    trend: r.trend_text(),
                    go_no_go: r.go_no_go,
                    conflicts: r.conflicts.clone(),
                    blockers: r.blockers.clone(),
                    missing_approvals: r.missing_approvals.clone(),
                    reasons: r.attention.clone(),
                })
                .collect(),
        }
    }
}

impl Workspace {
    /// The window's "Needs attention" panel: [`Workspace::ahead`] from today.
    pub fn ahead_view(&self, clock: &dyn Clock) -> Result<AheadView> {
        Ok(AheadView::from(&self.ahead(clock, clock.today())?))
    }
}
