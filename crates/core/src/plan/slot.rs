//! The next free slot of a release: where "move to the next free slot" puts it.

use super::*;

/// How far ahead the search looks, in days.
pub const SLOT_HORIZON_DAYS: i64 = 2 * 366;

/// The next date after `release`'s current date that is a weekday, ships no earlier than
/// any of its blockers (the live releases it waits for, directly or through work items),
/// ships no later than any of its dependents, and lands in no freeze window or holiday
/// that applies to its services.
///
/// Dependents are an upper bound, not something to push: a free slot moves only the
/// release itself and breaks nothing, so when every allowed date is after a dependent
/// (or more than [`SLOT_HORIZON_DAYS`] ahead) there is no free slot and this is `None`;
/// a move that pushes dependents is still a normal move, previewed with its ripple.
/// `None` too for a release without a date, shipped or cancelled.
pub fn next_free_slot(input: &PlanInput, release: Id) -> Option<NaiveDate> {
    let r = input.release(release)?;
    if r.released || r.status == ReleaseStatus::Cancelled {
        return None;
    }
    let current = r.release_date?;
    let g = input.release_graph();
    let date = |id: Id| input.release(id).and_then(|r| r.release_date);
    let earliest = g.predecessors(release).filter_map(date).max();
    let latest = g.successors(release).filter_map(date).min();
    let mut day = current.succ_opt()?;
    if let Some(e) = earliest {
        day = day.max(e);
    }
    let windows = input.blackout_windows();
    let horizon = current + chrono::Duration::days(SLOT_HORIZON_DAYS);
    while day <= horizon {
        if latest.is_some_and(|l| day > l) {
            return None;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && blackout_at(&windows, &r.services, day).is_none() {
            return Some(day);
        }
        day = day.succ_opt()?;
    }
    None
}
