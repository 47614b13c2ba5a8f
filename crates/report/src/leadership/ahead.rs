//! Ahead: the releases due in the next 30 days and the rule that picks those needing
//! attention first. The facts of each release (risk and readiness as they stand, the
//! go/no-go, conflicts, blockers, approvals) are gathered by the caller through the one
//! evaluation of where a release stands (`app::governance::release_now`); the rule here is
//! pure, so the report, the CSV and the window's calendar panel select the same releases.

use super::*;
use switchyard_core::GoNoGoState;

/// How many days ahead of "today" the list looks.
pub const AHEAD_DAYS: u64 = 30;

/// How many days back the readiness trend looks.
pub const TREND_DAYS: u64 = 7;

/// The readiness (percent of the applicable checklist items done) a release should have
/// `days_left` days before its date: 90% within 3 days, 75% within 7, 50% within 14; no
/// expectation further out.
pub fn expected_readiness(days_left: i64) -> Option<f64> {
    match days_left {
        d if d <= 3 => Some(90.0),
        d if d <= 7 => Some(75.0),
        d if d <= 14 => Some(50.0),
        _ => None,
    }
}

/// One release due in the window, with the facts the list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct AheadRelease {
    pub id: Id,
    pub name: String,
    pub train: Option<String>,
    pub date: NaiveDate,
    /// The risk class in force (`None` when it could not be assessed).
    pub class: Option<RiskClass>,
    /// Percent of the applicable checklist items done now; `None` without a checklist.
    pub ready_pct: Option<f64>,
    /// The same, counting only the items done [`TREND_DAYS`] days earlier.
    pub ready_pct_before: Option<f64>,
    pub go_no_go: GoNoGoState,
    /// Shipped already (a past period's list can hold releases shipped since).
    pub shipped: bool,
    /// `plan check` conflicts involving the release, as their messages.
    pub conflicts: Vec<String>,
    /// Open blockers: releases it depends on that have not shipped, blocker work items.
    pub blockers: Vec<String>,
    /// What the approvals required for its class still lack.
    pub missing_approvals: Vec<String>,
    /// Why it needs attention first (empty: it does not); set by [`Ahead::new`].
    pub attention: Vec<String>,
}

impl AheadRelease {
    /// Readiness now minus readiness [`TREND_DAYS`] days earlier, in points.
    pub fn trend_points(&self) -> Option<f64> {
        Some(self.ready_pct? - self.ready_pct_before?)
    }

    /// "▲ +20 pts in 7 days", "= in 7 days", or "–".
    pub fn trend_text(&self) -> String {
        match self.trend_points() {
            None => "–".into(),
            Some(d) if d.abs() < 0.5 => format!("= in {TREND_DAYS} days"),
            Some(d) if d > 0.0 => format!("▲ {d:+.0} pts in {TREND_DAYS} days"),
            Some(d) => format!("▼ {d:+.0} pts in {TREND_DAYS} days"),
        }
    }

    pub fn go_no_go_text(&self) -> String {
        if self.shipped {
            "shipped".into()
        } else {
            self.go_no_go.as_str().replace('_', " ")
        }
    }
}

/// Why `r` needs attention first as of `today` (empty when it does not): high or critical
/// and below the readiness its date calls for ([`expected_readiness`]), a `plan check`
/// conflict, or an open blocker. A release that has shipped needs none.
pub fn attention_reasons(r: &AheadRelease, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if r.shipped {
        return out;
    }
    let days_left = (r.date - today).num_days();
    if let (Some(class @ (RiskClass::High | RiskClass::Critical)), Some(expected)) =
        (r.class, expected_readiness(days_left))
    {
        let ready = r.ready_pct.unwrap_or(0.0);
        if ready < expected {
            let when = if days_left <= 0 {
                "on its date, today".to_string()
            } else {
                format!("{} before its date", days(days_left))
            };
            out.push(format!(
                "{} risk and {ready:.0}% ready, below the {expected:.0}% expected {when}",
                class.as_str(),
            ));
        }
    }
    for c in &r.conflicts {
        out.push(format!("conflict: {c}"));
    }
    if !r.blockers.is_empty() {
        out.push(format!("open blocker: {}", r.blockers.join(", ")));
    }
    out
}

pub(super) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// The releases due from `first` to [`AHEAD_DAYS`] days after `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ahead {
    /// "Today": the period's end for a period that ended before today.
    pub today: NaiveDate,
    /// The first day of the list: `today` itself while that day is not over (a release due
    /// today is the first one needing attention), the day after it for a past period's end.
    pub first: NaiveDate,
    pub until: NaiveDate,
    /// Those needing attention first (by date), then the others (by date).
    pub releases: Vec<AheadRelease>,
}

impl Ahead {
    /// The window of the list seen from `today`: from `today` while it is not over
    /// (`live`), from the day after it otherwise, to [`AHEAD_DAYS`] days after it.
    pub fn window(today: NaiveDate, live: bool) -> (NaiveDate, NaiveDate) {
        let first = if live {
            today
        } else {
            today.succ_opt().unwrap_or(today)
        };
        (
            first,
            today
                .checked_add_days(Days::new(AHEAD_DAYS))
                .unwrap_or(today),
        )
    }

    /// Keeps the releases dated in the window, applies the attention rule and orders them.
    pub fn new(today: NaiveDate, live: bool, releases: Vec<AheadRelease>) -> Self {
        let (first, until) = Self::window(today, live);
        let mut releases: Vec<AheadRelease> = releases
            .into_iter()
            .filter(|r| first <= r.date && r.date <= until)
            .map(|mut r| {
                r.attention = attention_reasons(&r, today);
                r
            })
            .collect();
        releases.sort_by(|a, b| {
            (a.attention.is_empty(), a.date, &a.name, a.id).cmp(&(
                b.attention.is_empty(),
                b.date,
                &b.name,
                b.id,
            ))
        });
        Self {
            today,
            first,
            until,
            releases,
        }
    }

    pub fn needing_attention(&self) -> impl Iterator<Item = &AheadRelease> {
        self.releases.iter().filter(|r| !r.attention.is_empty())
    }

    /// Not shipped and without a go/no-go decision.
    pub fn undecided(&self) -> impl Iterator<Item = &AheadRelease> {
        self.releases
            .iter()
            .filter(|r| !r.shipped && r.go_no_go == GoNoGoState::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    fn release(id: Id, date: NaiveDate, class: RiskClass, ready: f64) -> AheadRelease {
        AheadRelease {
            id,
            name: format!("r{id}"),
            train: None,
            date,
            class: Some(class),
            ready_pct: Some(ready),
            ready_pct_before: Some(ready),
            go_no_go: GoNoGoState::Pending,
            shipped: false,
            conflicts: vec![],
            blockers: vec![],
            missing_approvals: vec![],
            attention: vec![],
        }
    }

    #[test]
    fn the_rule_picks_high_risk_releases_behind_their_date_conflicts_and_blockers() {
        let today = day(1);
        let mut conflicted = release(5, day(25), RiskClass::Low, 0.0);
        conflicted.conflicts = vec!["r5 is in the freeze window".into()];
        let mut blocked = release(6, day(20), RiskClass::Medium, 100.0);
        blocked.blockers = vec!["r1".into()];
        let mut shipped = release(7, day(3), RiskClass::Critical, 0.0);
        shipped.shipped = true;
        let list = || {
            vec![
                // 4 days out, high, 70% < 75%: attention.
                release(1, day(5), RiskClass::High, 70.0),
                // 4 days out, high, 75%: enough.
                release(2, day(5), RiskClass::High, 75.0),
                // 20 days out: no expectation yet.
                release(3, day(21), RiskClass::Critical, 0.0),
                // Medium risk far behind: not by the readiness rule.
                release(4, day(2), RiskClass::Medium, 0.0),
                conflicted.clone(),
                blocked.clone(),
                shipped.clone(),
                // Today (in the list only while today is not over) and after the window.
                release(8, day(1), RiskClass::Critical, 0.0),
                release(
                    9,
                    NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
                    RiskClass::Critical,
                    0.0,
                ),
            ]
        };
        // Seen from a past day (a report's period end): the list starts the day after it.
        let ahead = Ahead::new(today, false, list());
        let ids: Vec<Id> = ahead.releases.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![1, 6, 5, 4, 7, 2, 3]);
        let picked: Vec<(Id, &[String])> = ahead
            .needing_attention()
            .map(|r| (r.id, r.attention.as_slice()))
            .collect();
        assert_eq!(
            picked,
            vec![
                (
                    1,
                    &[
                        "high risk and 70% ready, below the 75% expected 4 days before its date"
                            .to_string()
                    ][..]
                ),
                (6, &["open blocker: r1".to_string()][..]),
                (5, &["conflict: r5 is in the freeze window".to_string()][..]),
            ]
        );
        assert_eq!(ahead.until, day(1) + Days::new(30));

        // Seen during the day (the window's panel): a release due today is ahead, and first.
        let live = Ahead::new(today, true, list());
        assert_eq!(live.first, today);
        let ids: Vec<Id> = live.needing_attention().map(|r| r.id).collect();
        assert_eq!(ids, vec![8, 1, 6, 5]);
        assert_eq!(
            live.releases[0].attention,
            vec!["critical risk and 0% ready, below the 90% expected on its date, today"]
        );
    }

    #[test]
    fn expected_readiness_rises_as_the_date_nears() {
        assert_eq!(expected_readiness(0), Some(90.0));
        assert_eq!(expected_readiness(3), Some(90.0));
        assert_eq!(expected_readiness(4), Some(75.0));
        assert_eq!(expected_readiness(14), Some(50.0));
        assert_eq!(expected_readiness(15), None);
    }

    #[test]
    fn the_trend_is_in_points_over_a_week() {
        let mut r = release(1, day(5), RiskClass::Low, 60.0);
        r.ready_pct_before = Some(40.0);
        assert_eq!(r.trend_text(), "▲ +20 pts in 7 days");
        r.ready_pct_before = Some(60.0);
        assert_eq!(r.trend_text(), "= in 7 days");
        r.ready_pct_before = Some(80.0);
        assert_eq!(r.trend_text(), "▼ -20 pts in 7 days");
        r.ready_pct = None;
        assert_eq!(r.trend_text(), "–");
    }
}
