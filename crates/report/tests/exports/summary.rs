//! The summary that opens the leadership report, built from workspaces whose numbers are
//! known: each sentence is checked against them (a rise, a fall, no change, no data) and
//! against the section it cites.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use switchyard_core::risk::RiskClass;
use switchyard_core::settings::Settings;
use switchyard_core::{demo, Deployment, Document, GoNoGoState, Incident, Outcome, Service};
use switchyard_report::blocks::{Block, ReportDoc};
use switchyard_report::leadership::{self, AheadRelease, LeadershipInput, LeadershipReport};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// The period: two weeks; the previous period is the two weeks before.
const FROM: (u32, u32) = (3, 1);
const TO: (u32, u32) = (3, 14);

/// A document with nothing in it but the `api` service of team Core.
fn empty() -> Document {
    let mut v = serde_json::to_value(demo::generate(
        Utc.with_ymd_and_hms(2026, 3, 15, 9, 0, 0).unwrap(),
    ))
    .unwrap();
    for (_, field) in v.as_object_mut().unwrap() {
        if field.is_array() {
            *field = serde_json::json!([]);
        }
    }
    let mut doc: Document = serde_json::from_value(v).unwrap();
    doc.services.push(Service {
        id: 1,
        name: "api".into(),
        team: Some("Core".into()),
        source: None,
        source_key: None,
    });
    doc
}

/// `deploys` successful production deployments on consecutive days from `first` (noon),
/// the first `failures` of them followed an hour later by an incident resolved
/// `recover_hours` after the deployment (the recovery time counts from the deployment).
fn period_of(
    doc: &mut Document,
    first: NaiveDate,
    deploys: u32,
    failures: u32,
    recover_hours: i64,
) {
    for k in 0..deploys {
        let id = doc.deployments.len() as i64 + 1;
        let t = (first + Days::new(k as u64))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        doc.deployments.push(Deployment {
            id,
            source: None,
            source_key: None,
            service: "api".into(),
            environment: "production".into(),
            production: true,
            sha: format!("{id:040x}"),
            git_ref: None,
            creator: None,
            outcome: Outcome::Success,
            time: Some(t),
            created_at: t,
            release_id: None,
            url: None,
        });
        if k < failures {
            let created = t + chrono::Duration::hours(1);
            doc.incidents.push(Incident {
                id: doc.incidents.len() as i64 + 1,
                source: None,
                source_key: None,
                service: Some("api".into()),
                title: format!("incident after deployment {id}"),
                severity: None,
                created_at: created,
                resolved_at: Some(t + chrono::Duration::hours(recover_hours)),
                url: None,
            });
        }
    }
}

/// (deployments, failed changes, hours to recover) of the previous and of this period.
fn report(previous: (u32, u32, i64), current: (u32, u32, i64)) -> LeadershipReport {
    let mut doc = empty();
    period_of(&mut doc, day(2, 16), previous.0, previous.1, previous.2);
    period_of(&mut doc, day(3, 2), current.0, current.1, current.2);
    let settings = Settings::default();
    leadership::build(&LeadershipInput {
        doc: &doc,
        settings: &settings,
        scope: &Default::default(),
        from: day(FROM.0, FROM.1),
        to: day(TO.0, TO.1),
        today: day(3, 15),
        generated_at: Utc.with_ymd_and_hms(2026, 3, 15, 9, 0, 0).unwrap(),
    })
    .unwrap()
}

fn sentences(r: &LeadershipReport) -> Vec<String> {
    r.summary().into_iter().map(|s| s.text).collect()
}

/// The plain text of the section headed `heading` (up to the next heading of its level).
fn section(doc: &ReportDoc, heading: &str) -> String {
    let start = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(2, h) if h == heading))
        .unwrap_or_else(|| panic!("no section {heading:?}"));
    let end = doc.blocks[start + 1..]
        .iter()
        .position(|b| matches!(b, Block::Heading(2, _)))
        .map_or(doc.blocks.len(), |e| start + 1 + e);
    ReportDoc {
        title: String::new(),
        subtitle: String::new(),
        blocks: doc.blocks[start..end].to_vec(),
    }
    .plain_text()
}

/// Every figure of every sentence (a number with its unit, a date) appears in the section
/// the sentence cites.
fn assert_traceable(r: &LeadershipReport) {
    let doc = r.to_doc();
    let figure = regex_lite(r);
    for s in r.summary() {
        let text = section(&doc, s.see);
        for f in figure(&s.text) {
            assert!(
                text.contains(&f),
                "{f:?} of {:?} is not in {}:\n{text}",
                s.text,
                s.see
            );
        }
    }
}

/// The figures of a sentence: "25.0%", "2.0 h", "0.50 / week", dates.
fn regex_lite(_: &LeadershipReport) -> impl Fn(&str) -> Vec<String> {
    |s: &str| {
        let words: Vec<&str> = s.split([' ', ',', ';', '(', ')', ':']).collect();
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let w = w.trim_end_matches('.');
            let numeric = w.chars().next().is_some_and(|c| c.is_ascii_digit());
            if !numeric {
                continue;
            }
            if w.ends_with('%') || w.len() == 10 && w.contains('-') {
                out.push(w.to_owned());
            } else if w.contains('.') {
                let unit = words.get(i + 1).copied().unwrap_or("");
                match unit.trim_end_matches('.') {
                    "h" | "min" | "days" => {
                        out.push(format!("{w} {unit}").trim_end_matches('.').to_owned())
                    }
                    "/" => out.push(format!("{w} / week")),
                    _ => out.push(w.to_owned()),
                }
            }
        }
        out
    }
}

#[test]
fn stability_rose() {
    let r = report((4, 1, 2), (4, 2, 4));
    let s = sentences(&r);
    assert_eq!(
        s[2],
        "The change failure rate rose from 25.0% to 50.0%, and the median recovery time rose from 2.0 h to 4.0 h."
    );
    assert_eq!(
        s[1],
        "Deployment frequency stayed at 2.00 / week, 4 production deployments."
    );
    assert_traceable(&r);
}

#[test]
fn stability_fell() {
    let r = report((4, 2, 4), (4, 1, 2));
    let s = sentences(&r);
    assert_eq!(
        s[2],
        "The change failure rate fell from 50.0% to 25.0%, and the median recovery time fell from 4.0 h to 2.0 h."
    );
    assert_traceable(&r);
}

#[test]
fn stability_did_not_change() {
    let r = report((4, 1, 3), (6, 1, 3));
    let s = sentences(&r);
    // 1 of 6 against 1 of 4: the rate fell; the recovery time is the same.
    assert_eq!(
        s[2],
        "The change failure rate fell from 25.0% to 16.7%, and the median recovery time stayed at 3.0 h."
    );
    assert_eq!(
        s[1],
        "Deployment frequency rose from 2.00 / week to 3.00 / week, 6 production deployments."
    );
    let r = report((4, 1, 3), (4, 1, 3));
    assert_eq!(
        sentences(&r)[2],
        "The change failure rate stayed at 25.0%, and the median recovery time stayed at 3.0 h."
    );
    assert_traceable(&r);
}

#[test]
fn stability_without_data() {
    // Nothing deployed in the period: no rate, no recovery time, frequency down to zero.
    let r = report((4, 1, 2), (0, 0, 0));
    let s = sentences(&r);
    assert_eq!(
        s[2],
        "The change failure rate has no figure for the period (no samples), and the median recovery time has no figure for the period (no samples)."
    );
    assert_eq!(
        s[1],
        "Deployment frequency fell from 2.00 / week to 0.00 / week, 0 production deployments."
    );
    // Deployments but no failure before: the rate is compared, recovery only now.
    let r = report((4, 0, 0), (4, 1, 5));
    assert_eq!(
        sentences(&r)[2],
        "The change failure rate rose from 0.0% to 25.0%, and the median recovery time was 5.0 h (no figure for the previous period)."
    );
    // No releases at all.
    assert_eq!(
        sentences(&r)[0],
        "No release shipped in the period and none was due."
    );
    assert_traceable(&r);
}

fn ahead(id: i64, name: &str, date: NaiveDate, class: RiskClass, ready: f64) -> AheadRelease {
    AheadRelease {
        id,
        name: name.into(),
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
fn delivery_risk_and_decisions() {
    let mut doc = empty();
    period_of(&mut doc, day(3, 2), 2, 0, 0);
    let template = demo::generate(Utc.with_ymd_and_hms(2026, 3, 15, 9, 0, 0).unwrap())
        .releases
        .remove(0);
    let release = |id: i64, name: &str, planned: NaiveDate, date: NaiveDate, shipped: bool| {
        let mut r = template.clone();
        r.id = id;
        r.name = name.into();
        r.planned_date = Some(planned);
        r.release_date = Some(date);
        r.released = shipped;
        r.status = if shipped {
            switchyard_core::ReleaseStatus::Released
        } else {
            switchyard_core::ReleaseStatus::Planned
        };
        r.archived = false;
        r.services = vec!["api".into()];
        r.train_id = None;
        r
    };
    doc.releases = vec![
        release(1, "On time", day(3, 5), day(3, 5), true),
        release(2, "Early", day(3, 6), day(3, 4), true),
        release(3, "Late", day(3, 7), day(3, 9), true),
        release(4, "Stuck", day(3, 10), day(3, 20), false),
        release(5, "Risky", day(3, 18), day(3, 18), false),
        release(6, "Fine", day(3, 30), day(3, 30), false),
    ];
    let settings = Settings::default();
    let mut r = leadership::build(&LeadershipInput {
        doc: &doc,
        settings: &settings,
        scope: &Default::default(),
        from: day(3, 1),
        to: day(3, 14),
        today: day(3, 15),
        generated_at: Utc.with_ymd_and_hms(2026, 3, 15, 9, 0, 0).unwrap(),
    })
    .unwrap();
    let mut decided = ahead(6, "Fine", day(3, 30), RiskClass::Low, 100.0);
    decided.go_no_go = GoNoGoState::Go;
    let mut stuck = ahead(4, "Stuck", day(3, 20), RiskClass::Medium, 40.0);
    stuck.blockers = vec!["Risky".into()];
    stuck.missing_approvals = vec!["an approval by role qa".into()];
    r.set_ahead(
        &doc,
        day(3, 14),
        false,
        vec![
            // 4 days out, high risk, 50% < 75%.
            ahead(5, "Risky", day(3, 18), RiskClass::High, 50.0),
            stuck,
            decided,
        ],
    )
    .unwrap();
    let s = sentences(&r);
    assert_eq!(s.len(), 5, "{s:#?}");
    assert_eq!(
        s[0],
        "3 releases shipped in the period, 2 on or before the date first planned and 1 later; 1 release due in the period did not ship."
    );
    assert_eq!(
        s[3],
        "2 of the 3 releases due by 2026-04-13 need attention first: Risky (2026-03-18), Stuck (2026-03-20)."
    );
    assert_eq!(
        s[4],
        "2 of them have no go/no-go decision yet (1 still missing required approvals), the first Risky (2026-03-18)."
    );
    assert_traceable(&r);
    // The delivery table says the same.
    let doc = r.to_doc();
    let delivery = section(&doc, "Release delivery");
    assert!(delivery.contains("Releases shipped | 3"), "{delivery}");
    assert!(
        delivery.contains("Shipped late (slipped) | 1"),
        "{delivery}"
    );
    assert!(
        delivery.contains("Due in the period and not shipped | 1"),
        "{delivery}"
    );
    // The summary opens the report; how the numbers are computed closes it.
    assert!(matches!(&doc.blocks[0], Block::Heading(2, h) if h == "Summary"));
    let last_heading = doc
        .blocks
        .iter()
        .rev()
        .find_map(|b| match b {
            Block::Heading(2, h) => Some(h.as_str()),
            _ => None,
        })
        .unwrap();
    assert_eq!(last_heading, "How these numbers are computed");
    let how = section(&doc, "How these numbers are computed");
    assert!(
        how.contains("production environments: production, prod"),
        "{how}"
    );
    assert!(
        how.contains("at least 7 | at least 1 | at least 0.23"),
        "{how}"
    );
    assert!(
        how.contains("at most 5.0% | at most 10.0% | at most 15.0%"),
        "{how}"
    );

    // Nothing due: the risk sentence says so, and there is no decision sentence.
    r.set_ahead(&doc_without_releases(), day(3, 14), false, vec![])
        .unwrap();
    let s = sentences(&r);
    assert_eq!(s.len(), 4, "{s:#?}");
    assert_eq!(s[3], "No release is due between 2026-03-15 and 2026-04-13.");
}

fn doc_without_releases() -> Document {
    empty()
}
