//! Review mode (`app::governance::review`) on the demo with a fixed clock: the meeting's
//! read and writes, each write answered with the refreshed review, a refusal writing
//! nothing.

use chrono::{TimeZone, Utc};
use switchyard_app::core::{DecisionOutcome, ItemKind, ItemState, RiskClass};
use switchyard_app::governance::{ItemEdit, ReleaseReview, ReviewUpdate};
use switchyard_app::{Clock, ErrorCode, FixedClock, Workspace};

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap())
}

/// The workspace's export and audit length, to show a refusal wrote nothing.
fn snapshot(ws: &Workspace) -> (String, i64) {
    let events = ws
        .store()
        .conn()
        .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    (ws.export_json().unwrap(), events)
}

/// The demo's next release in flight whose risk class in force is high or above and that has
/// a pull request by a known author (its later high releases have no changes linked yet).
fn next_high(ws: &Workspace) -> i64 {
    let today = clock().today();
    let doc = ws.export().unwrap();
    let mut open: Vec<_> = doc
        .releases
        .iter()
        .filter(|r| !r.released && r.status.is_open())
        .filter(|r| r.release_date.is_some_and(|d| d >= today))
        .collect();
    open.sort_by_key(|r| (r.release_date, r.id));
    open.into_iter()
        .find(|r| {
            ws.release_now(&r.id.to_string(), &clock()).unwrap().class >= RiskClass::High
                && doc.work_items.iter().any(|w| {
                    w.release_ids.contains(&r.id) && w.kind == "pull_request" && w.author.is_some()
                })
        })
        .expect("a high-risk release in flight with changes")
        .id
}

fn author_of(ws: &Workspace, release: i64) -> String {
    ws.export()
        .unwrap()
        .work_items
        .iter()
        .filter(|w| w.release_ids.contains(&release) && w.kind == "pull_request")
        .find_map(|w| w.author.clone())
        .expect("a pull request with an author")
}

fn item(r: &ReleaseReview, kind: ItemKind) -> &switchyard_app::governance::ReviewItem {
    r.checklist
        .items
        .iter()
        .find(|i| i.kind == kind && i.state != ItemState::Done)
        .expect("an open item of that kind")
}

#[test]
fn a_go_no_go_meeting_runs_from_the_review() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    // Without a roster approvers are names typed, compared with the authors' GitHub logins
    // (tests/people covers approvals by roster person; the e2e test the window's pick).
    for p in ws.people().unwrap() {
        ws.remove_person(&p.name, &clock(), "t").unwrap();
    }
    assert!(ws
        .release_review(next_high(&ws), &clock())
        .unwrap()
        .roster
        .is_empty());
    let id = next_high(&ws);
    let review = ws.release_review(id, &clock()).unwrap();
    assert_eq!(review.release.id, id);
    assert!(!review.work_items.is_empty());
    assert!(!review.release.services.is_empty());
    assert!(review.risk.class >= RiskClass::High);
    assert!(!review.risk.factors.is_empty());
    assert!(review.risk.factors.iter().all(|f| !f.reason.is_empty()));
    assert_eq!(review.approvals.risk_class, review.risk.class);
    assert!(!review.approvals.roles.is_empty());
    assert_eq!(review.approvals.missing_roles, review.approvals.roles);
    assert!(review
        .checklist
        .items
        .iter()
        .any(|i| i.plan.as_deref() == Some("rollback")));
    // Each service's environments once, with the latest deployment there.
    assert!(!review.environments.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    for e in &review.environments {
        assert!(
            review.release.services.contains(&e.service),
            "{}",
            e.service
        );
        assert!(
            seen.insert((e.service.clone(), e.environment.clone())),
            "{e:?} twice"
        );
    }
    assert!(review.environments.iter().any(|e| e.production));
    // The same checklist the CLI's `readiness` shows, before anyone wrote.
    let ready = ws.readiness(&id.to_string(), None, &clock(), "t").unwrap();
    assert_eq!(
        review.checklist.percent_ready.unwrap().round(),
        ready.percent_ready.round()
    );
    let review = ws.release_review(id, &clock()).unwrap();

    // Refusals write nothing.
    let before = snapshot(&ws);
    let manual = item(&review, ItemKind::Manual).key.clone();
    let na = ItemEdit {
        item: manual.clone(),
        state: ItemState::NotApplicable,
        evidence_url: None,
        note: Some("  ".into()),
    };
    let e = ws.review_set_item(id, na, &clock(), "t").unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidInput, Some("note"))
    );
    let rule = item(&review, ItemKind::Rule).key.clone();
    let tick_rule = ItemEdit {
        item: rule,
        state: ItemState::Done,
        evidence_url: None,
        note: None,
    };
    let e = ws
        .review_set_item(id, tick_rule, &clock(), "t")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let bad_link = ItemEdit {
        item: manual.clone(),
        state: ItemState::Done,
        evidence_url: Some("file:///etc/passwd".into()),
        note: None,
    };
    let e = ws.review_set_item(id, bad_link, &clock(), "t").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("evidence"));
    let e = ws
        .review_override_risk(id, RiskClass::Critical, " ", &clock(), "t")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    let author = author_of(&ws, id);
    let role = review.approvals.roles[0].clone();
    let e = ws.review_approve(id, &role, &author, &clock()).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::SodViolation, Some("approver"))
    );
    assert!(e.message.contains(&author), "{}", e.message);
    let e = ws.review_approve(id, &role, "", &clock()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("approver"));
    let e = ws
        .review_decide(id, DecisionOutcome::GoWithConditions, "", &clock(), "t")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("note"));
    assert_eq!(snapshot(&ws), before, "a refusal wrote something");

    // A tick answers with the review that shows it.
    let tick = ItemEdit {
        item: manual.clone(),
        state: ItemState::Done,
        evidence_url: Some("https://wiki.example.com/rollback".into()),
        note: Some("walked through".into()),
    };
    let after = ws.review_set_item(id, tick, &clock(), "pm.alice").unwrap();
    let ticked = after
        .checklist
        .items
        .iter()
        .find(|i| i.key == manual)
        .unwrap();
    assert_eq!(ticked.state, ItemState::Done);
    assert_eq!(
        ticked.evidence_url.as_deref(),
        Some("https://wiki.example.com/rollback")
    );
    assert_eq!(ticked.note, "walked through");
    assert_eq!(ticked.updated_by.as_deref(), Some("pm.alice"));
    assert!(after.checklist.percent_ready > review.checklist.percent_ready);
    same_as_a_fresh_review(&ws, id, &after);

    // The override, with its reason.
    let after = ws
        .review_override_risk(id, RiskClass::High, "payments path touched", &clock(), "t")
        .unwrap();
    assert_eq!(after.risk.override_class, Some(RiskClass::High));
    assert_eq!(
        after.risk.override_reason.as_deref(),
        Some("payments path touched")
    );

    // Approvals until the rule is met.
    let mut after = after;
    for (n, role) in review.approvals.roles.iter().enumerate() {
        after = ws
            .review_approve(id, role, &format!("approver-{n}"), &clock())
            .unwrap();
    }
    let mut n = review.approvals.roles.len();
    while !after.approvals.missing.is_empty() {
        after = ws
            .review_approve(
                id,
                &review.approvals.roles[0],
                &format!("approver-{n}"),
                &clock(),
            )
            .unwrap();
        n += 1;
    }
    assert!(after.approvals.missing_roles.is_empty());
    assert!(after.known_people.contains(&"approver-0".to_string()));
    same_as_a_fresh_review(&ws, id, &after);

    let after = ws
        .review_decide(
            id,
            DecisionOutcome::GoWithConditions,
            "ship behind the flag",
            &clock(),
            "rm.bob",
        )
        .unwrap();
    let d = &after.decisions[0];
    assert_eq!(d.outcome, DecisionOutcome::GoWithConditions);
    assert_eq!(d.notes, "ship behind the flag");
    assert_eq!(d.approvals.len(), n);
    // The decision took the approvals: the next one starts over.
    assert!(after.approvals.given.is_empty());
    same_as_a_fresh_review(&ws, id, &after);
    let ready = ws.readiness(&id.to_string(), None, &clock(), "t").unwrap();
    assert_eq!(
        ready.go_no_go.latest_decision.unwrap().outcome,
        DecisionOutcome::GoWithConditions
    );
}

/// A write's answer is exactly what a review read now shows of the same parts: the window
/// lays it over the review it holds, so a difference would show a state nobody stored.
fn same_as_a_fresh_review(ws: &Workspace, id: i64, update: &ReviewUpdate) {
    let fresh = ws.release_review(id, &clock()).unwrap();
    assert_eq!(update.release, fresh.release);
    assert_eq!(update.risk, fresh.risk);
    assert_eq!(update.checklist, fresh.checklist);
    assert_eq!(update.approvals, fresh.approvals);
    assert_eq!(update.decisions, fresh.decisions);
    assert_eq!(update.known_people, fresh.known_people);
}

#[test]
fn an_unknown_release_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    assert_eq!(
        ws.release_review(999_999, &clock()).unwrap_err().code,
        ErrorCode::NotFound
    );
}

/// The answer to a tick is the release evaluated after the write: ticking the rollback plan
/// lowers the risk it answers with (the rollback factor reads the checklist), although the
/// write and its answer share one read of the release's changes.
#[test]
fn a_tick_answers_with_the_risk_after_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.sqlite3")).unwrap();
    ws.load_demo(&clock()).unwrap();
    let id = next_high(&ws);
    let review = ws.release_review(id, &clock()).unwrap();
    let rollback = review
        .checklist
        .items
        .iter()
        .find(|i| i.plan.as_deref() == Some("rollback") && i.kind == ItemKind::Manual)
        .expect("a manual rollback item");
    assert_ne!(rollback.state, ItemState::Done, "the demo left it open");
    let factor = |u: &ReviewUpdate| {
        u.risk
            .factors
            .iter()
            .find(|f| f.factor == "rollback_readiness")
            .map(|f| f.contribution)
    };
    let before = ws.review_update(id, &clock()).unwrap();
    assert!(factor(&before).unwrap_or(0.0) > 0.0, "{:?}", before.risk);

    let after = ws
        .review_set_item(
            id,
            ItemEdit {
                item: rollback.key.clone(),
                state: ItemState::Done,
                evidence_url: None,
                note: None,
            },
            &clock(),
            "rm.bob",
        )
        .unwrap();
    assert_eq!(factor(&after), Some(0.0), "{:?}", after.risk);
    assert!(after.risk.score < before.risk.score);
    same_as_a_fresh_review(&ws, id, &after);
}
