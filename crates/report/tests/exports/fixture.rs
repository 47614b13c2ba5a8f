use chrono::{NaiveDate, TimeZone, Utc};
use switchyard_core::risk::RiskClass;
use switchyard_core::settings::Settings;
use switchyard_core::GoNoGoState;
use switchyard_core::{demo, Document, Id, Timestamp};
use switchyard_report::leadership::{self, AheadRelease, LeadershipInput, LeadershipReport};

pub const IMG: &str = "<img src=x onerror=alert(1)>";
pub const MDLINK: &str = "](javascript:alert(1))";
pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const JS_URL: &str = "javascript:alert(1)";

/// A title with every trick at once, and ICS/CSV metacharacters.
pub fn hostile(what: &str) -> String {
    format!("{what} {IMG} [x{MDLINK} {SCRIPT} & \"q\"; a,b\\c\nnext line")
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

pub fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 15, 9, 30, 0).unwrap()
}

pub fn period() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 14).unwrap(),
    )
}

pub struct Fixture {
    pub doc: Document,
    /// A shipped release of the period whose strings are hostile.
    pub release: Id,
}

/// The demo organisation with hostile strings where Jira and GitHub put text.
pub fn fixture() -> Fixture {
    let mut doc = demo::generate(now());
    let (from, to) = period();
    let release = doc
        .releases
        .iter()
        .find(|r| r.released && r.release_date.is_some_and(|d| from <= d && d <= to))
        .expect("a shipped release in the period")
        .id;
    for r in doc.releases.iter_mut().filter(|r| r.id == release) {
        r.name = hostile("Release");
        r.description = hostile("Description");
    }
    let mut n = 0;
    for w in doc
        .work_items
        .iter_mut()
        .filter(|w| w.release_ids.contains(&release))
    {
        n += 1;
        w.title = hostile(&format!("Change {n}"));
        w.url = Some(JS_URL.into());
        w.author = Some(format!("mallory{IMG}"));
        if n == 1 {
            w.labels = vec!["bug".into()];
        }
    }
    assert!(n > 0, "the release has changes");
    for (k, i) in doc
        .incidents
        .iter_mut()
        .filter(|i| i.created_at.date_naive() >= from && i.created_at.date_naive() <= to)
        .enumerate()
    {
        i.title = hostile("Incident");
        i.url = Some(if k % 2 == 0 {
            JS_URL.into()
        } else {
            format!("https://acme.atlassian.net/browse/INC-{k}")
        });
    }
    for m in doc
        .milestones
        .iter_mut()
        .filter(|m| m.release_id == release)
    {
        m.name = hostile("Milestone");
    }
    if let Some(f) = doc.freeze_windows.first_mut() {
        f.name = hostile("Freeze");
        f.reason = hostile("Reason");
    }
    for rv in &mut doc.reviews {
        for a in &mut rv.action_items {
            a.title = hostile("Action");
        }
    }
    for c in &mut doc.checklists {
        for i in &mut c.items {
            i.evidence_url = Some(JS_URL.into());
        }
    }
    Fixture { doc, release }
}

/// The leadership report of the period, with an ahead list whose one release has hostile
/// strings wherever Jira and GitHub put text (name, train, conflicts, blockers).
pub fn leadership_report(doc: &Document) -> LeadershipReport {
    let (from, to) = period();
    let settings = Settings::default();
    let mut report = leadership::build(&LeadershipInput {
        doc,
        settings: &settings,
        scope: &Default::default(),
        from,
        to,
        today: today(),
        generated_at: now(),
    })
    .expect("leadership report");
    let id = doc.releases[0].id;
    report
        .set_ahead(
            doc,
            to,
            to >= today(),
            vec![AheadRelease {
                id,
                name: hostile("Ahead"),
                train: Some(hostile("Train")),
                date: to + chrono::Days::new(3),
                class: Some(RiskClass::High),
                ready_pct: Some(10.0),
                ready_pct_before: Some(0.0),
                go_no_go: GoNoGoState::Pending,
                shipped: false,
                conflicts: vec![hostile("Conflict")],
                blockers: vec![hostile("Blocker")],
                missing_approvals: vec!["an approval by role sre".into()],
                attention: vec![],
            }],
        )
        .expect("ahead");
    report
}
