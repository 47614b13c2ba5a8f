//! The leadership report's ahead list of the demo (generated relative to the test clock):
//! it names the releases the attention rule selects and no others, each with its reason,
//! worked out here from what the other readers show (`release_now`, `plan check`).

use crate::clock;
use chrono::Days;
use switchyard_app::core::{ItemState, ReleaseStatus, RiskClass};
use switchyard_app::{Clock, Workspace};

#[test]
fn the_demos_ahead_list_names_the_releases_the_rule_selects_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let today = clock().today();
    let ahead = ws.ahead(&clock(), today).unwrap();
    assert_eq!(ahead.until, today + Days::new(30));

    // What the rule should select, from the readers every screen uses.
    let doc = ws.export().unwrap();
    let conflicts = ws.plan_check().unwrap().conflicts;
    let mut due = Vec::new();
    let mut expected: Vec<(String, Vec<String>)> = Vec::new();
    for r in doc
        .releases
        .iter()
        .filter(|r| !r.archived && r.status != ReleaseStatus::Cancelled)
    {
        let Some(date) = r.release_date.or(r.planned_date) else {
            continue;
        };
        if date <= today || date > today + Days::new(30) {
            continue;
        }
        due.push(r.name.clone());
        let now = ws.release_now(&r.id.to_string(), &clock()).unwrap();
        let mut reasons = Vec::new();
        let days = (date - today).num_days();
        let wanted = if days <= 3 {
            90.0
        } else if days <= 7 {
            75.0
        } else if days <= 14 {
            50.0
        } else {
            f64::INFINITY
        };
        let ready = now.percent_ready().unwrap_or(0.0);
        if now.class >= RiskClass::High && !r.released && ready < wanted {
            reasons.push(format!(
                "{} risk and {ready:.0}% ready, below the {wanted:.0}% expected {days} days before its date",
                now.class.as_str()
            ));
        }
        for c in conflicts.iter().filter(|c| {
            c.records
                .iter()
                .any(|x| x.kind == "release" && x.id == r.id)
        }) {
            reasons.push(format!("conflict: {}", c.message));
        }
        let blocked =
            now.checklist.iter().flat_map(|c| &c.items).any(|i| {
                i.rule.as_deref() == Some("no_open_blocker") && i.state == ItemState::Blocked
            });
        if blocked {
            reasons.push("open blocker".into());
        }
        if !reasons.is_empty() {
            expected.push((r.name.clone(), reasons));
        }
    }

    // Every release due is listed once; no other.
    let mut listed: Vec<String> = ahead.releases.iter().map(|r| r.name.clone()).collect();
    listed.sort();
    due.sort();
    assert_eq!(listed, due);

    let picked: Vec<(String, Vec<String>)> = ahead
        .needing_attention()
        .map(|r| {
            let reasons = r
                .attention
                .iter()
                .map(|a| {
                    // The blocker's names are the rule's facts; the test checks the kind.
                    if a.starts_with("open blocker: ") {
                        "open blocker".to_owned()
                    } else {
                        a.clone()
                    }
                })
                .collect();
            (r.name.clone(), reasons)
        })
        .collect();
    let mut sorted_picked = picked.clone();
    sorted_picked.sort();
    expected.sort();
    assert_eq!(sorted_picked, expected);

    // The demo as of the test clock: three releases due (Web 26.48, Web 26.50, Platform
    // 2026.12); these two picked and not the medium-risk Web 26.50, for these reasons.
    assert_eq!(
        picked,
        vec![
            (
                "Web 26.48".to_owned(),
                vec![
                    "high risk and 43% ready, below the 90% expected 3 days before its date"
                        .to_owned()
                ]
            ),
            (
                "Platform 2026.12".to_owned(),
                vec![
                    "critical risk and 25% ready, below the 50% expected 11 days before its date"
                        .to_owned()
                ]
            ),
        ],
        "{:#?}",
        ahead.releases
    );
    // Releases that are due but not picked carry no reason and come after.
    let first_calm = ahead
        .releases
        .iter()
        .position(|r| r.attention.is_empty())
        .expect("a release due that needs no attention");
    assert_eq!(first_calm, picked.len());
    assert_eq!(ahead.releases[first_calm].name, "Web 26.50");
    assert!(ahead.releases[first_calm..]
        .iter()
        .all(|r| r.attention.is_empty()));
}

/// Seen during the day (the calendar's "Needs attention" panel), a release due today is still
/// ahead: it is listed, first, and judged against the readiness its own date calls for.
#[test]
fn a_release_due_today_is_the_first_to_need_attention() {
    use switchyard_app::plan::MoveTo;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let today = clock().today();
    ws.move_release(&clock(), "test", "Web 26.48", MoveTo::Date(today), true)
        .unwrap();
    let ahead = ws.ahead(&clock(), today).unwrap();
    assert_eq!(ahead.first, today);
    let first = &ahead.releases[0];
    assert_eq!((first.name.as_str(), first.date), ("Web 26.48", today));
    assert!(
        first.attention[0].ends_with("below the 90% expected on its date, today"),
        "{:?}",
        first.attention
    );
    // The window's panel reads the same list.
    let view = ws.ahead_view(&clock()).unwrap();
    assert_eq!(view.releases[0].name, "Web 26.48");
    assert_eq!(view.releases[0].reasons, first.attention);
}

/// For a period that ended before today, "today" is the period's end: the CSV of the ahead
/// list holds the releases dated in the 30 days after it, whatever their state now.
#[test]
fn a_past_periods_ahead_list_starts_after_the_periods_end() {
    use switchyard_app::report::leadership::ReportScope;
    use switchyard_app::reports::CsvKind;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let to = clock().today() - Days::new(20);
    let from = to - Days::new(89);
    let csv = ws
        .export_csv(
            &clock(),
            CsvKind::Ahead,
            from,
            to,
            &ReportScope::Organisation,
        )
        .unwrap();
    let doc = ws.export().unwrap();
    let mut expected: Vec<String> = doc
        .releases
        .iter()
        .filter(|r| !r.archived && r.status != ReleaseStatus::Cancelled)
        .filter(|r| {
            r.release_date
                .or(r.planned_date)
                .is_some_and(|d| d > to && d <= to + Days::new(30))
        })
        .map(|r| r.id.to_string())
        .collect();
    let mut listed: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    expected.sort();
    listed.sort();
    assert!(!expected.is_empty(), "the demo has releases in that window");
    assert_eq!(listed, expected, "{csv}");
    // Some of them have shipped since: they are listed as shipped and need no attention.
    assert!(csv.contains(",shipped,"), "{csv}");
    for line in csv.lines().filter(|l| l.contains(",shipped,")) {
        assert!(line.contains(",false,"), "{line}");
    }
}
