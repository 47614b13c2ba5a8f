//! The readiness timeline: percent ready over time for one release, or overlaid for a
//! train's releases, with milestones and today. The chart in `switchyard-report` draws it;
//! whoever has the checklist history builds it.

use crate::{ChecklistItem, ChecklistItemEvent, ItemState, Timestamp};
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

/// Percent ready over time, replaying each item's history (`events`, any order): an item
/// counts as done from an event that makes it done until one that makes it anything else,
/// and leaves the denominator while it is not applicable; so un-ticking an item shows as a
/// drop. Items without history (checklists from before it was kept, or imported without it)
/// count as they stand: a done one from its `updated_at`, a not-applicable one never.
pub fn readiness_from_history(
    release: &str,
    created: Timestamp,
    items: &[ChecklistItem],
    events: &[ChecklistItemEvent],
) -> ReleaseReadiness {
    let index: std::collections::HashMap<i64, usize> =
        items.iter().enumerate().map(|(k, i)| (i.id, k)).collect();
    let mut has_history = vec![false; items.len()];
    // (when, order, item, state)
    let mut changes: Vec<(Timestamp, i64, usize, ItemState)> = Vec::new();
    for e in events {
        if let Some(&k) = index.get(&e.item_id) {
            has_history[k] = true;
            changes.push((e.at, e.id, k, e.state));
        }
    }
    // Without history: not applicable from the start, else pending until `updated_at`.
    let mut state: Vec<ItemState> = items
        .iter()
        .zip(&has_history)
        .map(|(i, &h)| {
            if !h && i.state == ItemState::NotApplicable {
                ItemState::NotApplicable
            } else {
                ItemState::Pending
            }
        })
        .collect();
    for (k, i) in items.iter().enumerate() {
        if !has_history[k] && !matches!(i.state, ItemState::NotApplicable | ItemState::Pending) {
            changes.push((i.updated_at, i64::MIN, k, i.state));
        }
    }
    changes.sort_by_key(|c| (c.0, c.1));

    let percent = |state: &[ItemState]| {
        let applicable = state
            .iter()
            .filter(|s| **s != ItemState::NotApplicable)
            .count();
        let done = state.iter().filter(|s| **s == ItemState::Done).count();
        if applicable == 0 {
            0.0
        } else {
            100.0 * done as f64 / applicable as f64
        }
    };
    let mut points = vec![ReadinessPoint {
        at: created,
        percent: percent(&state),
    }];
    let mut i = 0;
    while i < changes.len() {
        // Every change at one instant, then one point.
        let at = changes[i].0;
        while i < changes.len() && changes[i].0 == at {
            state[changes[i].2] = changes[i].3;
            i += 1;
        }
        let p = percent(&state);
        let at = at.max(created);
        match points.last_mut() {
            Some(last) if last.at == at => last.percent = p,
            Some(last) if last.percent == p => {}
            _ => points.push(ReadinessPoint { at, percent: p }),
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
    use ItemState::{Blocked, Done, NotApplicable, Pending};

    fn item(id: i64, state: ItemState, day: u32) -> ChecklistItem {
        ChecklistItem {
            id,
            position: id,
            title: format!("item {id}"),
            kind: crate::ItemKind::Manual,
            rule: None,
            owner: None,
            state,
            evidence_url: None,
            note: String::new(),
            updated_at: Utc.with_ymd_and_hms(2026, 2, day, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn done_items_step_up_and_not_applicable_ones_do_not_count() {
        let created = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        let items = [
            item(1, Done, 5),
            item(2, Done, 3),
            item(3, Pending, 4),
            item(4, NotApplicable, 2),
            item(5, Blocked, 2),
        ];
        // Without any history: as the items stand.
        let r = readiness_from_history("R1", created, &items, &[]);
        let pct: Vec<f64> = r.points.iter().map(|p| p.percent).collect();
        assert_eq!(pct, [0.0, 25.0, 50.0]);
        assert_eq!(r.points[1].at.date_naive().to_string(), "2026-02-03");
    }

    fn event(id: i64, item: i64, state: ItemState, day: u32) -> ChecklistItemEvent {
        ChecklistItemEvent {
            id,
            item_id: item,
            state,
            evidence_url: None,
            note: String::new(),
            at: Utc.with_ymd_and_hms(2026, 2, day, 12, 0, 0).unwrap(),
            actor: "sam".into(),
        }
    }

    #[test]
    fn the_history_replayed_shows_an_unticked_item_as_a_drop() {
        let created = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        // Item 1 done on the 3rd, un-ticked on the 5th, done again on the 8th; item 2 done
        // on the 4th; item 3 found not applicable on the 6th; item 4 has no history.
        let items = [
            item(1, Done, 8),
            item(2, Done, 4),
            item(3, NotApplicable, 6),
            item(4, Pending, 2),
        ];
        let events = [
            event(10, 1, Done, 3),
            event(11, 2, Done, 4),
            event(12, 1, Pending, 5),
            event(13, 3, NotApplicable, 6),
            event(14, 1, Done, 8),
        ];
        let r = readiness_from_history("R1", created, &items, &events);
        let got: Vec<(u32, f64)> = r
            .points
            .iter()
            .map(|p| (chrono::Datelike::day(&p.at.date_naive()), p.percent))
            .collect();
        let third = 100.0 / 3.0;
        assert_eq!(
            got,
            [
                (1, 0.0),
                (3, 25.0),
                (4, 50.0),
                (5, 25.0),
                (6, third),
                (8, 2.0 * third)
            ]
        );
        // The order the events come in does not matter.
        let mut reversed = events.to_vec();
        reversed.reverse();
        assert_eq!(readiness_from_history("R1", created, &items, &reversed), r);
    }
}
