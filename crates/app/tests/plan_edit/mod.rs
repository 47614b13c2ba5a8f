//! Planning in the window (`app::plan_edit`) on a real workspace file with a fixed clock:
//! every write is audited with before and after, a refused form writes nothing and names
//! its field.

use chrono::{TimeZone, Utc};
use switchyard_app::core::{ReleaseStatus, ReleaseType};
use switchyard_app::plan_edit::*;
use switchyard_app::{ErrorCode, FixedClock, Workspace};

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

/// The newest audit event: (action, entity, entity_id, before, after).
fn last_event(ws: &Workspace) -> (String, String, String, Option<String>, Option<String>) {
    ws.store()
        .conn()
        .query_row(
            "SELECT action, entity, entity_id, before, after FROM audit_events ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
}

fn new_train_form(ws: &Workspace, name: &str) -> TrainForm {
    let mut f = ws.train_form(None).unwrap().form;
    f.name = name.into();
    f.every = "2w".into();
    f.weekday = "thu".into();
    f.anchor = "2027-01-07".into();
    f.services = vec!["web-storefront".into()];
    f
}

/// A refused write: the error's code and field, and the workspace exactly as before.
fn refused<T: std::fmt::Debug>(
    ws: &mut Workspace,
    code: ErrorCode,
    field: Option<&str>,
    f: impl FnOnce(&mut Workspace) -> switchyard_app::Result<T>,
) {
    let before = ws.export_json().unwrap();
    let events = count(ws, "audit_events");
    let err = f(ws).expect_err("refused");
    assert_eq!(err.code, code, "{err:?}");
    assert_eq!(err.field.as_deref(), field, "{err:?}");
    assert!(!err.message.contains('\n'));
    assert_eq!(count(ws, "audit_events"), events, "an event was written");
    assert_eq!(ws.export_json().unwrap(), before, "the workspace changed");
}

#[test]
fn a_train_made_in_the_form_is_the_cli_s_train_and_its_edit_is_audited() {
    let (_d, mut ws) = demo();
    let view = ws.train_form(None).unwrap();
    assert_eq!(view.templates.len(), 3);
    assert!(view.services.contains(&"web-storefront".to_string()));
    let saved = ws
        .save_train(&clock(), "pat", None, &new_train_form(&ws, "Mobile"))
        .unwrap();
    assert_eq!(saved.cadence_label, "Every 2 weeks on Thursday");
    let (action, entity, id, before, after) = last_event(&ws);
    assert_eq!((action.as_str(), entity.as_str()), ("train.add", "train"));
    assert_eq!(id, saved.id.to_string());
    assert!(before.is_none() && after.unwrap().contains("Mobile"));

    // Read back as the form shows it, edited: monthly, a milestone changed, flag rule.
    let mut form = ws.train_form(Some(saved.id)).unwrap().form;
    assert_eq!(form.every, "2w");
    assert_eq!(form.weekday, "thu");
    assert_eq!(form.anchor, "2027-01-07");
    form.cadence = CadenceKind::Monthly;
    form.monthly = Some(2);
    form.every_months = 3;
    form.weekday = "wed".into();
    form.milestones[0] = MilestoneRow {
        kind: "branch_cut".into(),
        name: "Cut".into(),
        offset_days: -9,
    };
    form.freeze_rule = FreezeRuleWord::Flag;
    let edited = ws
        .save_train(&clock(), "pat", Some(saved.id), &form)
        .unwrap();
    assert_eq!(edited.cadence_label, "2nd Wednesday, quarterly");
    let (action, _, _, before, after) = last_event(&ws);
    assert_eq!(action, "train.edit");
    assert!(before.unwrap().contains("\"weeks\":2"));
    let after = after.unwrap();
    assert!(
        after.contains("\"offset_days\":-9") && after.contains("\"flag\""),
        "{after}"
    );
    let again = ws.train_form(Some(saved.id)).unwrap().form;
    assert_eq!(again.milestones[0].name, "Cut");
    assert_eq!(again.freeze_rule, FreezeRuleWord::Flag);
    assert_eq!((again.monthly, again.every_months), (Some(2), 3));
}

#[test]
fn a_refused_train_names_its_field_and_writes_nothing() {
    let (_d, mut ws) = demo();
    let base = new_train_form(&ws, "Mobile");
    type Change = Box<dyn Fn(&mut TrainForm)>;
    let cases: Vec<(&str, Change)> = vec![
        ("name", Box::new(|f| f.name = "  ".into())),
        ("name", Box::new(|f| f.name = "web".into())), // the demo's Web, ignoring case
        ("every", Box::new(|f| f.every = "fortnightly".into())),
        ("weekday", Box::new(|f| f.weekday = "someday".into())),
        ("anchor", Box::new(|f| f.anchor = "07/01/2027".into())),
        (
            "monthly",
            Box::new(|f| {
                f.cadence = CadenceKind::Monthly;
                f.monthly = Some(6);
            }),
        ),
        (
            "dates",
            Box::new(|f| {
                f.cadence = CadenceKind::Dates;
                f.dates = vec![];
            }),
        ),
        ("milestones", Box::new(|f| f.milestones[1].kind = "".into())),
        ("services", Box::new(|f| f.services = vec!["nope".into()])),
    ];
    for (field, change) in cases {
        let mut form = base.clone();
        change(&mut form);
        refused(&mut ws, ErrorCode::InvalidInput, Some(field), |ws| {
            ws.save_train(&clock(), "pat", None, &form)
        });
    }
    refused(&mut ws, ErrorCode::NotFound, None, |ws| {
        ws.save_train(&clock(), "pat", Some(999), &base)
    });
}

#[test]
fn generate_shows_the_dry_run_list_and_then_creates_exactly_it() {
    let (_d, mut ws) = demo();
    let t = ws
        .save_train(&clock(), "pat", None, &new_train_form(&ws, "Mobile"))
        .unwrap();
    let releases = count(&ws, "releases");
    let events = count(&ws, "audit_events");
    let preview = ws
        .generate_releases(
            &clock(),
            "pat",
            t.id,
            Some("2027-01-01"),
            "2027-03-31",
            false,
        )
        .unwrap();
    assert!(!preview.applied);
    assert_eq!(count(&ws, "releases"), releases, "a dry run wrote releases");
    assert_eq!(count(&ws, "audit_events"), events);
    assert!(preview.created.len() >= 6, "{:?}", preview.created);
    assert!(preview.created.iter().all(|r| r.id.is_none()));
    let applied = ws
        .generate_releases(
            &clock(),
            "pat",
            t.id,
            Some("2027-01-01"),
            "2027-03-31",
            true,
        )
        .unwrap();
    let names = |v: &GenerateView| {
        v.created
            .iter()
            .map(|r| (r.name.clone(), r.release_date))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&applied), names(&preview));
    assert!(applied.created.iter().all(|r| r.id.is_some()));
    assert_eq!(
        count(&ws, "releases"),
        releases + preview.created.len() as i64
    );
    assert_eq!(last_event(&ws).0, "train.generate");
    // Again: nothing new, every date already stands.
    let again = ws
        .generate_releases(
            &clock(),
            "pat",
            t.id,
            Some("2027-01-01"),
            "2027-03-31",
            false,
        )
        .unwrap();
    assert!(again.created.is_empty());
    assert_eq!(again.existing.len(), preview.created.len());
    refused(&mut ws, ErrorCode::InvalidInput, Some("until"), |ws| {
        ws.generate_releases(
            &clock(),
            "pat",
            t.id,
            Some("2027-03-01"),
            "2027-01-01",
            true,
        )
    });
    refused(&mut ws, ErrorCode::InvalidInput, Some("until"), |ws| {
        ws.generate_releases(&clock(), "pat", t.id, None, "", true)
    });
}

#[test]
fn releases_are_added_edited_and_cancelled_with_their_history() {
    let (_d, mut ws) = demo();
    let form = ReleaseForm {
        name: "Hotfix 1".into(),
        version: "".into(),
        train: None,
        date: "2027-01-12".into(),
        release_type: ReleaseType::Hotfix,
        status: ReleaseStatus::Planned,
        services: vec!["payments-api".into()],
    };
    let added = ws.save_release(&clock(), "pat", None, &form).unwrap();
    assert_eq!(added.version, None);
    assert_eq!(last_event(&ws).0, "release.add");

    let mut edit = form.clone();
    edit.services = vec!["web-storefront".into(), "payments-api".into()];
    ws.save_release(&clock(), "rita", Some(added.id), &edit)
        .unwrap();
    // The list in another order is no change.
    edit.services.reverse();
    edit.name = "Hotfix 1a".into();
    edit.version = "1.0.1".into();
    edit.status = ReleaseStatus::InProgress;
    ws.save_release(&clock(), "rita", Some(added.id), &edit)
        .unwrap();
    let (action, _, id, before, after) = last_event(&ws);
    assert_eq!(
        (action.as_str(), id),
        ("release.edit", added.id.to_string())
    );
    assert!(before.unwrap().contains("\"Hotfix 1\""));
    assert!(after.unwrap().contains("\"1.0.1\""));

    let cancelled = ws.cancel_release(&clock(), "rita", added.id).unwrap();
    assert_eq!(cancelled.status, ReleaseStatus::Cancelled);
    // Kept, and on the calendar as cancelled.
    let cal = ws.calendar(&clock(), None, None).unwrap();
    let on_cal = cal
        .lanes
        .iter()
        .flat_map(|l| l.releases.iter())
        .find(|r| r.id == added.id)
        .expect("a cancelled release stays on the calendar");
    assert_eq!(on_cal.status, ReleaseStatus::Cancelled);
    // plan check still leaves it out.
    assert!(ws.plan_check().unwrap().conflicts.iter().all(|c| !c
        .records
        .iter()
        .any(|r| r.kind == "release" && r.id == added.id)));

    let details = ws.release_details(added.id).unwrap();
    let actions: Vec<&str> = details.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "release.cancel",
            "release.edit",
            "release.edit",
            "release.add"
        ]
    );
    assert_eq!(
        details.history[0].summary,
        "status: in_progress → cancelled"
    );
    assert_eq!(
        details.history[1].summary,
        "name: Hotfix 1 → Hotfix 1a; status: planned → in_progress; version: none → 1.0.1"
    );
    assert_eq!(
        details.history[2].summary,
        "services: payments-api → payments-api, web-storefront"
    );
    assert_eq!(details.history[1].actor, "rita");
    assert_eq!(details.history[0].at, "2026-11-28 08:00 UTC");

    refused(&mut ws, ErrorCode::InvalidInput, None, |ws| {
        ws.cancel_release(&clock(), "rita", added.id)
    });
    let mut bad = form.clone();
    bad.date = "soon".into();
    refused(&mut ws, ErrorCode::InvalidInput, Some("date"), |ws| {
        ws.save_release(&clock(), "pat", None, &bad)
    });
    let mut bad = edit.clone();
    bad.name = "".into();
    refused(&mut ws, ErrorCode::InvalidInput, Some("name"), |ws| {
        ws.save_release(&clock(), "pat", Some(added.id), &bad)
    });
    let mut bad = form.clone();
    bad.train = Some(999);
    refused(&mut ws, ErrorCode::NotFound, Some("train"), |ws| {
        ws.save_release(&clock(), "pat", None, &bad)
    });
    // A shipped release keeps its status.
    let shipped = ws
        .export()
        .unwrap()
        .releases
        .into_iter()
        .find(|r| r.released)
        .expect("the demo has shipped releases");
    let mut f = ReleaseForm {
        name: shipped.name.clone(),
        version: shipped.version.clone().unwrap_or_default(),
        train: shipped.train_id,
        date: String::new(),
        release_type: shipped.release_type,
        status: ReleaseStatus::Planned,
        services: shipped.services.clone(),
    };
    refused(&mut ws, ErrorCode::InvalidInput, Some("status"), |ws| {
        ws.save_release(&clock(), "pat", Some(shipped.id), &f)
    });
    f.status = shipped.status;
    refused(&mut ws, ErrorCode::InvalidInput, None, |ws| {
        ws.cancel_release(&clock(), "pat", shipped.id)
    });
}

#[test]
fn freeze_windows_and_holidays_are_added_edited_and_removed() {
    let (_d, mut ws) = demo();
    let form = FreezeForm {
        name: "Launch".into(),
        start_date: "2027-02-01".into(),
        end_date: "2027-02-05".into(),
        services: vec!["payments-api".into()],
        reason: "big launch".into(),
    };
    let windows = count(&ws, "freeze_windows");
    let id = ws
        .save_freeze_window(&clock(), "pat", None, &form)
        .unwrap()
        .id;
    assert_eq!(count(&ws, "freeze_windows"), windows + 1);
    let mut f2 = form.clone();
    f2.services = vec![];
    f2.end_date = "2027-02-09".into();
    ws.save_freeze_window(&clock(), "pat", Some(id), &f2)
        .unwrap();
    let (action, _, eid, before, after) = last_event(&ws);
    assert_eq!(
        (action.as_str(), eid),
        ("freeze_window.edit", id.to_string())
    );
    assert!(before.unwrap().contains("payments-api"));
    assert!(after.unwrap().contains("2027-02-09"));
    let cal = ws
        .calendar(&clock(), None, Some("2027-03-01".parse().unwrap()))
        .unwrap();
    let band = cal.freeze_windows.iter().find(|b| b.id == id).unwrap();
    assert!(band.services.is_empty() && band.end_date.to_string() == "2027-02-09");

    let mut bad = form.clone();
    bad.end_date = "2027-01-30".into();
    refused(&mut ws, ErrorCode::InvalidInput, Some("end_date"), |ws| {
        ws.save_freeze_window(&clock(), "pat", None, &bad)
    });
    let mut bad = form.clone();
    bad.start_date = "".into();
    refused(&mut ws, ErrorCode::InvalidInput, Some("start_date"), |ws| {
        ws.save_freeze_window(&clock(), "pat", Some(id), &bad)
    });
    ws.remove_freeze_window(&clock(), "pat", id).unwrap();
    assert_eq!(count(&ws, "freeze_windows"), windows);
    assert_eq!(last_event(&ws).0, "freeze_window.remove");
    refused(&mut ws, ErrorCode::NotFound, None, |ws| {
        ws.remove_freeze_window(&clock(), "pat", id)
    });

    let h = HolidayForm {
        date: "2027-01-19".into(),
        name: "Founders day".into(),
    };
    let hid = ws.save_holiday(&clock(), "pat", None, &h).unwrap().id;
    let cal = ws
        .calendar(&clock(), None, Some("2027-03-01".parse().unwrap()))
        .unwrap();
    assert!(cal
        .holidays
        .iter()
        .any(|m| m.id == hid && m.name == "Founders day"));
    refused(&mut ws, ErrorCode::InvalidInput, Some("date"), |ws| {
        ws.save_holiday(&clock(), "pat", None, &h)
    });
    let moved = HolidayForm {
        date: "2027-01-20".into(),
        name: "Founders' day".into(),
    };
    ws.save_holiday(&clock(), "pat", Some(hid), &moved).unwrap();
    assert_eq!(last_event(&ws).0, "holiday.edit");
    ws.remove_holiday(&clock(), "pat", hid).unwrap();
    assert_eq!(last_event(&ws).0, "holiday.remove");
    assert!(ws.verify_audit().is_ok());
}

#[test]
fn the_release_panel_lists_work_items_with_web_links_only() {
    let (_d, ws) = demo();
    // The demo release with the most work items.
    let (rid, n): (i64, i64) = ws
        .store()
        .conn()
        .query_row(
            "SELECT release_id, count(*) FROM work_item_releases GROUP BY release_id
              ORDER BY 2 DESC, 1 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let details = ws.release_details(rid).unwrap();
    assert_eq!(details.work_items.len() as i64, n);
    assert!(details.work_items.iter().all(|w| !w.key.is_empty()));
    // A link that is not http(s) is not offered.
    ws.store()
        .conn()
        .execute(
            "UPDATE work_items SET url = 'javascript:alert(1)'
              WHERE id = (SELECT work_item_id FROM work_item_releases WHERE release_id = ?1 LIMIT 1)",
            [rid],
        )
        .unwrap();
    let details = ws.release_details(rid).unwrap();
    assert!(details
        .work_items
        .iter()
        .all(|w| w.url.as_deref().is_none_or(|u| u.starts_with("http"))));
    assert!(details.work_items.iter().any(|w| w.url.is_none()));
    let e = ws.release_details(99_999).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}
