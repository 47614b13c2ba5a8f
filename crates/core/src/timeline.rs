//! The readiness timeline: percent ready over time for one release, or overlaid for a
//! train's releases, with milestones and today. The chart in `switchyard-report` draws it;
//! whoever has the checklist history builds it.

use crate::{ChecklistItem, Timestamp};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadinessPoint {
    pub at: Timestamp,
    /// 0..=100.
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseReadiness {
    pub release: String,
    /// In time order.
    pub points: Vec<ReadinessPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineMilestone {
    pub date: NaiveDate,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadinessTimeline {
    pub releases: Vec<ReleaseReadiness>,
    pub milestones: Vec<TimelineMilestone>,
    pub today: NaiveDate,
}

/// Percent ready over time from a checklist as it stands: each done item counts from its
/// `updated_at`; not-applicable items leave the denominator. A stand-in until the checklist
/// history (audit events) is replayed.
pub fn readiness_from_items(
    release: &str,
    created: Timestamp,
    items: &[ChecklistItem],
) -> ReleaseReadiness {
    let total = items.iter().filter(|i| i.state != "not_applicable").count();
    let mut done: Vec<Timestamp> = items
        .iter()
        .filter(|i| i.state == "done")
        .map(|i| i.updated_at)
        .collect();
    done.sort_unstable();
    let mut points = vec![ReadinessPoint {
        at: created,
        percent: 0.0,
    }];
    if total > 0 {
        for (k, at) in done.iter().enumerate() {
            points.push(ReadinessPoint {
                at: (*at).max(created),
                percent: 100.0 * (k + 1) as f64 / total as f64,
            });
        }
    }
    ReleaseReadiness {
        release: release.into(),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn item(id: i64, state: &str, day: u32) -> ChecklistItem {
        ChecklistItem {
            id,
            position: id,
            title: format!("item {id}"),
            kind: "manual".into(),
            rule: None,
            owner: None,
            state: state.into(),
            evidence_url: None,
            note: String::new(),
            updated_at: Utc.with_ymd_and_hms(2026, 2, day, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn done_items_step_up_and_not_applicable_ones_do_not_count() {
        let created = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        let items = [
            item(1, "done", 5),
            item(2, "done", 3),
            item(3, "pending", 4),
            item(4, "not_applicable", 2),
            item(5, "blocked", 2),
        ];
        let r = readiness_from_items("R1", created, &items);
        let pct: Vec<f64> = r.points.iter().map(|p| p.percent).collect();
        assert_eq!(pct, [0.0, 25.0, 50.0]);
        assert_eq!(r.points[1].at.date_naive().to_string(), "2026-02-03");
    }
}
