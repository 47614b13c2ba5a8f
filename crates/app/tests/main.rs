//! Use cases over a real workspace file, with the clock fixed.

use chrono::{NaiveDate, TimeZone, Utc};
use switchyard_app::{check_bindings, default_bindings_dir, ErrorCode, FixedClock, Workspace};

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap())
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let stale = check_bindings(&default_bindings_dir());
    assert!(
        stale.is_empty(),
        "stale bindings in ui/src/lib/bindings: {stale:?}; run `./dev bindings`"
    );
}

#[test]
fn a_stale_binding_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    switchyard_app::write_bindings(dir.path()).unwrap();
    assert!(check_bindings(dir.path()).is_empty());
    let file = dir.path().join("CalendarRelease.ts");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("slipped_days: number", "slipped_days: string"),
    )
    .unwrap();
    assert_eq!(
        check_bindings(dir.path()),
        vec!["CalendarRelease.ts".to_string()]
    );
}

#[test]
fn first_start_creates_the_folder_and_loads_the_demo_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("data/dev.switchyard.desktop/switchyard.sqlite3");
    let ws = Workspace::open_first_start(&path, &clock()).unwrap();
    let info = ws.info().unwrap();
    assert!(info.demo_loaded);
    assert_eq!(info.counts.trains, 3);
    let exported = ws.export_json().unwrap();
    drop(ws);
    // The second start opens what is there.
    let ws = Workspace::open_first_start(&path, &clock()).unwrap();
    assert_eq!(ws.export_json().unwrap(), exported);
}

#[test]
fn the_default_calendar_spans_a_year_back_and_six_months_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let view = ws.calendar(&clock(), None, None).unwrap();
    assert_eq!(view.today, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    assert!((view.today - view.from).num_days() >= 365);
    assert!((view.to - view.today).num_days() >= 180);
    let all: Vec<_> = view.lanes.iter().flat_map(|l| &l.releases).collect();
    assert!(all.iter().any(|r| r.status == "released"));
    assert!(all.iter().any(|r| r.status == "planned"));
    // The hotfixes ride no train.
    assert!(view
        .lanes
        .iter()
        .any(|l| l.name == "Off-train" && !l.releases.is_empty()));
    let err = ws
        .calendar(&clock(), Some(view.to), Some(view.from))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn errors_cross_as_code_and_one_line_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.sqlite3");
    std::fs::write(&bad, "not\na\ndatabase\n".repeat(50)).unwrap();
    let err = Workspace::open(&bad).err().unwrap();
    assert_eq!(err.code, ErrorCode::NotADatabase);
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "not_a_database");
    assert!(!json["message"].as_str().unwrap().contains('\n'));
    let mut ws = Workspace::open(&dir.path().join("ok.sqlite3")).unwrap();
    let err = ws
        .import_json("{\"schema_version\": 1,\n \"teams\": [}")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(!err.message.contains('\n'));
}
