//! Change records, hotfixes and post-release reviews in the window (`app::records`) on the
//! demo workspace with a fixed clock: forms filled from the release, refusals that name
//! their field and write nothing, and the refreshed views each write answers.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use switchyard_app::core::{ChangeStatus, ReleaseStatus, ReviewStatus};
use switchyard_app::report::leadership::ReportScope;
use switchyard_app::reports::ReportFormat;
use switchyard_app::{Clock, ErrorCode, FixedClock, Workspace};

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap())
}

fn demo() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    (dir, ws)
}

fn count(ws: &Workspace, table: &str) -> i64 {
    ws.store()
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// A planned release ahead of the clock with work items whose authors are known: (id,
/// name, one author's login).
fn planned_release_with_authors(ws: &Workspace) -> (i64, String, String) {
    let doc = ws.export().unwrap();
    let today = clock().today();
    doc.releases
        .iter()
        .filter(|r| r.status == ReleaseStatus::Planned && r.release_date > Some(today))
        .find_map(|r| {
            let (authors, _) =
                switchyard_store::governance::authors_and_deployers(ws.store().conn(), r.id)
                    .unwrap();
            authors.first().map(|a| (r.id, r.name.clone(), a.clone()))
        })
        .expect("a planned demo release with authors")
}

#[test]
fn a_change_record_is_raised_from_the_release_and_approved_until_its_rule_is_met() {
    let (_d, ws) = demo();
    let (id, name, author) = planned_release_with_authors(&ws);
    let release = ws
        .export()
        .unwrap()
        .releases
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    let view = ws.change_records_view(id, &clock()).unwrap();
    assert!(view.records.is_empty() && view.open_record.is_none());
    // The form is filled from the release.
    assert_eq!(view.draft.title, format!("Change for release {name}"));
    assert_eq!(view.services, release.services);
    assert!(!view.changes.is_empty(), "the release's work items");
    let day = release.release_date.unwrap();
    assert_eq!(view.draft.window_start, format!("{day} 09:00"));
    assert_eq!(view.draft.window_end, format!("{day} 17:00"));

    // A window ending before it starts names its field and writes nothing.
    let before = count(&ws, "change_records");
    let mut bad = view.draft.clone();
    bad.window_end = format!("{day} 08:00");
    let e = ws
        .raise_change_record(id, &bad, &clock(), "hal")
        .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidInput, Some("window_end"))
    );
    bad.window_end = view.draft.window_end.clone();
    bad.evidence = vec!["ftp://x".into()];
    let e = ws
        .raise_change_record(id, &bad, &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("evidence"));
    assert_eq!(count(&ws, "change_records"), before);

    let mut form = view.draft.clone();
    form.evidence = vec!["https://ci.example.com/run/1".into()];
    form.rollback_plan = "redeploy the previous image".into();
    let view = ws.raise_change_record(id, &form, &clock(), "hal").unwrap();
    assert_eq!(view.records.len(), 1);
    let rec = view.records[0].clone();
    assert_eq!(view.open_record, Some(rec.id));
    assert_eq!(rec.status, ChangeStatus::Submitted);
    assert_eq!(rec.changes, view.changes.len());
    assert_eq!(rec.services, release.services);
    assert_eq!(
        rec.evidence,
        vec!["https://ci.example.com/run/1".to_string()]
    );
    assert_eq!(
        rec.window_start.unwrap().to_rfc3339(),
        format!("{day}T09:00:00+00:00")
    );
    assert!(!rec.missing_approvals.is_empty());

    // An author of one of the release's changes is refused; nothing is written.
    let approvals = count(&ws, "change_record_approvals");
    let e = ws
        .approve_change_record_as(id, rec.id, "sre", &author, &clock())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SodViolation, "{}", e.message);
    let e = ws
        .approve_change_record_as(id, rec.id, "sre", "  ", &clock())
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("approver"));
    let e = ws
        .approve_change_record_as(id, rec.id + 1000, "sre", "sam.sre", &clock())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(count(&ws, "change_record_approvals"), approvals);

    // Distinct people in the rule's roles until it is met.
    let mut last = view;
    for (role, who) in [
        ("sre", "sam.sre"),
        ("change_board", "cab.chair"),
        ("release_manager", "rm.one"),
    ] {
        if last.records[0].status == ChangeStatus::Approved {
            break;
        }
        last = ws
            .approve_change_record_as(id, rec.id, role, who, &clock())
            .unwrap();
    }
    let rec = &last.records[0];
    assert_eq!(rec.status, ChangeStatus::Approved);
    assert!(rec.missing_approvals.is_empty());
    assert!(rec
        .approvals
        .iter()
        .any(|a| a.approver == "sam.sre" && a.role == "sre"));
}

#[test]
fn a_rejection_needs_a_reason_and_leaves_room_for_a_new_record() {
    let (_d, ws) = demo();
    let (id, _, _) = planned_release_with_authors(&ws);
    let draft = ws.change_records_view(id, &clock()).unwrap().draft;
    let view = ws.raise_change_record(id, &draft, &clock(), "hal").unwrap();
    let rec = view.records[0].id;
    let e = ws
        .reject_change_record_with(id, rec, "   ", &clock(), "cab.chair")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    assert_eq!(
        ws.change_records_view(id, &clock()).unwrap().records[0].status,
        ChangeStatus::Submitted,
        "a refused rejection writes nothing"
    );
    let view = ws
        .reject_change_record_with(id, rec, "no rollback plan", &clock(), "cab.chair")
        .unwrap();
    assert_eq!(view.records[0].status, ChangeStatus::Rejected);
    assert_eq!(view.open_record, None);
    let view = ws.raise_change_record(id, &draft, &clock(), "hal").unwrap();
    assert_eq!(view.records.len(), 2);
    assert_eq!(view.open_record, Some(view.records[1].id));
}

#[test]
fn a_hotfix_from_a_release_takes_its_services_and_owes_a_review() {
    let (_d, ws) = demo();
    let (id, name, _) = planned_release_with_authors(&ws);
    let f = ws.hotfix_form(Some(id), None, &clock()).unwrap();
    assert_eq!(f.from_release.as_deref(), Some(name.as_str()));
    assert_eq!(f.form.name, format!("{name} hotfix"));
    assert!(!f.form.services.is_empty());
    assert_eq!(f.form.date, "2026-11-28");
    assert_eq!(f.hotfix_checklist.len(), 4);
    assert_eq!(f.emergency_checklist.len(), 3);
    assert_eq!((f.hotfix_review_days, f.emergency_review_days), (5, 2));
    let e = ws
        .hotfix_form(None, Some("no-such-service"), &clock())
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("services"));

    // Refusals name their field and create nothing.
    let releases = count(&ws, "releases");
    let mut form = f.form.clone();
    let e = ws.start_hotfix(&form, &clock(), "hal").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
    form.reason = "card payments failing".into();
    form.date = "soon".into();
    assert_eq!(
        ws.start_hotfix(&form, &clock(), "hal")
            .unwrap_err()
            .field
            .as_deref(),
        Some("date")
    );
    form.date = "2026-11-30".into();
    let services = std::mem::take(&mut form.services);
    assert_eq!(
        ws.start_hotfix(&form, &clock(), "hal")
            .unwrap_err()
            .field
            .as_deref(),
        Some("services")
    );
    assert_eq!(count(&ws, "releases"), releases);

    form.services = services.clone();
    form.rollback_plan = "redeploy the previous image".into();
    let h = ws.start_hotfix(&form, &clock(), "hal").unwrap();
    assert_eq!(h.template, "hotfix");
    assert_eq!(h.checklist.len(), 4);
    assert_eq!(h.services, services);
    assert_eq!(h.change_record.status, ChangeStatus::Submitted);
    assert_eq!(h.review.status, ReviewStatus::Scheduled);
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    assert_eq!(h.review.due_date, day + Days::new(5));
    // The same name again is refused next to the name.
    assert_eq!(
        ws.start_hotfix(&form, &clock(), "hal")
            .unwrap_err()
            .field
            .as_deref(),
        Some("name")
    );
    // A second hotfix of the release is offered another name.
    assert_eq!(
        ws.hotfix_form(Some(id), None, &clock()).unwrap().form.name,
        format!("{name} hotfix 2")
    );
    // An emergency: the shorter checklist and deadline.
    form.name = "emergency one".into();
    form.emergency = true;
    form.date = String::new();
    let e = ws.start_hotfix(&form, &clock(), "hal").unwrap();
    assert_eq!((e.template.as_str(), e.checklist.len()), ("emergency", 3));
    assert_eq!(e.review.due_date, clock().today() + Days::new(2));
}

#[test]
fn a_post_release_review_is_held_with_its_actions_and_open_ones_reach_the_leadership_report() {
    let (_d, ws) = demo();
    let doc = ws.export().unwrap();
    let shipped = doc
        .releases
        .iter()
        .filter(|r| r.status == ReleaseStatus::Released)
        .find(|r| !doc.reviews.iter().any(|v| v.release_id == r.id))
        .expect("a shipped release without a review");
    let id = shipped.id;
    let view = ws.post_reviews_view(id, &clock()).unwrap();
    assert!(view.reviews.is_empty());
    assert_eq!(view.open_actions, 0);
    assert_eq!(view.suggested_due, clock().today() + Days::new(5));
    let e = ws
        .add_post_review_action(id, "x", "", "", &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "no review to add to yet");

    let e = ws
        .schedule_post_review(id, "next week", &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("due"));
    assert_eq!(count(&ws, "reviews"), doc.reviews.len() as i64);
    let view = ws
        .schedule_post_review(id, "2026-12-03", &clock(), "hal")
        .unwrap();
    assert_eq!(view.reviews.len(), 1);
    assert_eq!(view.reviews[0].status, ReviewStatus::Scheduled);

    let e = ws
        .add_post_review_action(id, " ", "hal", "", &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("title"));
    let e = ws
        .add_post_review_action(id, "Canary", "hal", "31/12", &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("due"));
    ws.add_post_review_action(
        id,
        "Add a payment canary",
        "hal",
        "2026-12-10",
        &clock(),
        "hal",
    )
    .unwrap();
    let view = ws
        .add_post_review_action(
            id,
            "Rotate the expired key",
            "sam",
            "2026-11-20",
            &clock(),
            "hal",
        )
        .unwrap();
    assert_eq!((view.open_actions, view.overdue_actions), (2, 1));
    let rotate = view.reviews[0].actions[1].clone();
    assert!(rotate.overdue);
    assert_eq!(rotate.owner.as_deref(), Some("sam"));

    let view = ws
        .mark_post_review_action(id, rotate.id, true, &clock(), "hal")
        .unwrap();
    assert_eq!((view.open_actions, view.overdue_actions), (1, 0));
    let e = ws
        .complete_post_review(id, "", &clock(), "hal")
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("findings"));
    let view = ws
        .complete_post_review(id, "Root cause: an expired key", &clock(), "hal")
        .unwrap();
    assert_eq!(view.reviews[0].status, ReviewStatus::Done);
    assert_eq!(view.reviews[0].summary, "Root cause: an expired key");
    assert_eq!(view.open_actions, 1);

    // The leadership report lists the open action, and not the one done.
    let md = String::from_utf8(
        ws.leadership_report(
            &clock(),
            NaiveDate::from_ymd_opt(2026, 8, 30).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            &ReportScope::Organisation,
            ReportFormat::Markdown,
        )
        .unwrap(),
    )
    .unwrap();
    let section = md
        .split("Open post-release action items")
        .nth(1)
        .expect("the section");
    let section = section.split("\n## ").next().unwrap();
    assert!(section.contains("Add a payment canary"), "{section}");
    assert!(section.contains(&shipped.name), "{section}");
    assert!(!section.contains("Rotate the expired key"), "{section}");
}
