//! Moving releases from the window: scenarios, undo, dependencies and conflicts, on a real
//! workspace file with the clock fixed.

use super::clock;
use serde_json::Value;
use switchyard_app::core::plan::DepKind;
use switchyard_app::scenario::ScenarioMove;
use switchyard_app::{ErrorCode, Workspace};

fn demo() -> (tempfile::TempDir, std::path::PathBuf, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let mut ws = Workspace::open(&path).unwrap();
    ws.load_demo(&clock()).unwrap();
    (dir, path, ws)
}

/// An open release with at least one dependent, and a move of it 30 days later.
fn move_with_dependents(ws: &Workspace) -> ScenarioMove {
    let input = ws.plan_input().unwrap();
    let g = input.release_graph();
    let r = input
        .releases
        .iter()
        .find(|r| !r.released && g.successors(r.id).next().is_some())
        .expect("the demo has a release with dependents");
    ScenarioMove {
        release: r.id,
        to: r.release_date.unwrap() + chrono::Duration::days(30),
    }
}

fn audit_events(ws: &Workspace) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&ws.export_json().unwrap()).unwrap();
    doc["audit_events"].as_array().unwrap().clone()
}

fn after_of(e: &Value) -> Value {
    match &e["after"] {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        v => v.clone(),
    }
}

fn date_of(ws: &Workspace, id: i64) -> Option<chrono::NaiveDate> {
    ws.plan_input().unwrap().release(id).unwrap().release_date
}

#[test]
fn a_scenario_applies_in_one_change_with_one_event_per_release_moved() {
    let (_d, _p, mut ws) = demo();
    let m = move_with_dependents(&ws);
    let preview = ws.preview_scenario(&[m]).unwrap();
    assert!(preview.moved.len() >= 2, "{preview:?}");
    assert!(preview.moved[0].direct && preview.moved[0].release_id == m.release);
    let ripple = &preview.moved[1];
    assert!(!ripple.direct && ripple.because_of.is_some());
    let events_before = audit_events(&ws).len();
    let applied = ws.apply_scenario(&clock(), "pm", &[m]).unwrap();
    assert_eq!(applied.moved, preview.moved);
    for mv in &preview.moved {
        assert_eq!(date_of(&ws, mv.release_id), Some(mv.to), "{}", mv.name);
    }
    let events = audit_events(&ws);
    let new = &events[events_before..];
    assert_eq!(new.len(), preview.moved.len());
    for e in new {
        assert_eq!(e["action"], "release.move");
        assert_eq!(after_of(e)["change"], applied.change.as_str());
    }
    ws.verify_audit().unwrap();
}

#[test]
fn undo_puts_every_date_back_with_new_events_and_deletes_none() {
    let (_d, _p, mut ws) = demo();
    let m = move_with_dependents(&ws);
    let before: Vec<_> = ws.plan_input().unwrap().releases;
    let applied = ws.apply_scenario(&clock(), "pm", &[m]).unwrap();
    let last = ws.last_change().unwrap().expect("an undoable change");
    assert_eq!(last.change, applied.change);
    assert!(last.summary.starts_with("Move "), "{}", last.summary);
    let n = audit_events(&ws).len();
    let undo = ws.undo_last_change(&clock(), "pm").unwrap();
    assert_eq!(undo.undone, applied.change);
    let after: Vec<_> = ws.plan_input().unwrap().releases;
    assert_eq!(
        before
            .iter()
            .map(|r| (r.id, r.release_date))
            .collect::<Vec<_>>(),
        after
            .iter()
            .map(|r| (r.id, r.release_date))
            .collect::<Vec<_>>()
    );
    let events = audit_events(&ws);
    assert_eq!(events.len(), n + applied.moved.len());
    for e in &events[n..] {
        assert_eq!(after_of(e)["undoes"], applied.change.as_str());
    }
    ws.verify_audit().unwrap();
    // The undone change is not offered again.
    assert!(ws
        .last_change()
        .unwrap()
        .is_none_or(|c| c.change != applied.change));
}

#[test]
fn undo_is_refused_when_a_release_moved_since() {
    let (_d, _p, mut ws) = demo();
    let m = move_with_dependents(&ws);
    ws.apply_scenario(&clock(), "pm", &[m]).unwrap();
    // Moved since by something that is not an undoable change (a sync, say).
    let before = ws.export_json().unwrap();
    ws.store()
        .conn()
        .execute(
            "UPDATE releases SET release_date = '2030-01-07' WHERE id = ?1",
            [m.release],
        )
        .unwrap();
    let moved = ws.export_json().unwrap();
    assert_ne!(before, moved);
    let e = ws.undo_last_change(&clock(), "pm").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("has moved since"), "{}", e.message);
    assert_eq!(
        ws.export_json().unwrap(),
        moved,
        "a refused undo writes nothing"
    );
}

#[test]
fn a_preview_discarded_leaves_the_workspace_as_it_was() {
    let (_d, _path, ws) = demo();
    let input = ws.plan_input().unwrap();
    let open: Vec<_> = input
        .releases
        .iter()
        .filter(|r| !r.released)
        .take(2)
        .collect();
    let moves: Vec<ScenarioMove> = open
        .iter()
        .map(|r| ScenarioMove {
            release: r.id,
            to: r.release_date.unwrap() + chrono::Duration::days(14),
        })
        .collect();
    let export = ws.export_json().unwrap();
    let preview = ws.preview_scenario(&moves).unwrap();
    assert!(preview.moved.len() >= 2);
    // (The file's bytes are not compared: SQLite checkpoints its WAL on close.)
    assert!(
        ws.export_json().unwrap() == export,
        "a preview wrote to the workspace"
    );
}

#[test]
fn a_dependency_that_closes_a_cycle_is_refused_naming_it_and_writes_nothing() {
    let (_d, _p, mut ws) = demo();
    let input = ws.plan_input().unwrap();
    let e = input
        .dependencies
        .iter()
        .find(|d| d.kind == DepKind::Release)
        .unwrap()
        .clone();
    let (a, b) = (
        input.name_of(DepKind::Release, e.blocker),
        input.name_of(DepKind::Release, e.blocked),
    );
    let export = ws.export_json().unwrap();
    let err = ws
        .add_dependency(
            &clock(),
            "pm",
            DepKind::Release,
            &e.blocked.to_string(),
            &e.blocker.to_string(),
            "",
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::DependencyCycle);
    assert!(
        err.message.contains(&format!("{b} -> {a} -> {b}"))
            || err.message.contains(&format!("{a} -> {b} -> {a}")),
        "{}",
        err.message
    );
    assert_eq!(ws.export_json().unwrap(), export);
}

#[test]
fn undo_of_a_dependency_added_removes_it() {
    let (_d, _p, mut ws) = demo();
    let input = ws.plan_input().unwrap();
    let open: Vec<_> = input.releases.iter().filter(|r| !r.released).collect();
    let (a, b) = (open[0].id, open[open.len() - 1].id);
    let dep = ws
        .add_dependency(
            &clock(),
            "pm",
            DepKind::Release,
            &a.to_string(),
            &b.to_string(),
            "",
        )
        .unwrap();
    let last = ws.last_change().unwrap().unwrap();
    assert!(
        last.summary.starts_with("Add the dependency"),
        "{}",
        last.summary
    );
    ws.undo_last_change(&clock(), "pm").unwrap();
    assert!(ws
        .plan_input()
        .unwrap()
        .dependencies
        .iter()
        .all(|d| d.id != dep.id));
    ws.verify_audit().unwrap();
}

#[test]
fn the_demo_conflict_has_a_free_slot_that_resolves_it() {
    let (_d, _p, mut ws) = demo();
    let list = ws.plan_conflicts().unwrap();
    let c = list
        .conflicts
        .iter()
        .find(|c| c.kind == "dependency_order")
        .expect("the demo's deliberate conflict");
    let fix = c.fix.expect("a free slot");
    assert_eq!(fix.release_id, c.release_ids[1]);
    let m = ScenarioMove {
        release: fix.release_id,
        to: fix.to,
    };
    let preview = ws.preview_scenario(&[m]).unwrap();
    assert!(preview
        .resolved_conflicts
        .iter()
        .any(|r| r.kind == "dependency_order"));
    assert!(
        preview.new_conflicts.is_empty(),
        "{:?}",
        preview.new_conflicts
    );
    ws.apply_scenario(&clock(), "pm", &[m]).unwrap();
    assert!(ws
        .plan_conflicts()
        .unwrap()
        .conflicts
        .iter()
        .all(|c| c.kind != "dependency_order"));
}

#[test]
fn the_chain_lists_upstream_and_downstream_and_flags_a_broken_edge() {
    let (_d, _p, ws) = demo();
    let list = ws.plan_conflicts().unwrap();
    let c = list
        .conflicts
        .iter()
        .find(|c| c.kind == "dependency_order")
        .unwrap();
    let (blocker, blocked) = (c.release_ids[0], c.release_ids[1]);
    let chain = ws.release_chain(blocked).unwrap();
    let edge = chain
        .upstream
        .iter()
        .find(|e| e.blocker_id == blocker && e.blocked_id == blocked)
        .expect("the blocker upstream");
    assert!(edge.broken && edge.direct && edge.dependency_id.is_some());
    assert_eq!(chain.critical_path.last(), Some(&blocked));
    let up = ws.release_chain(blocker).unwrap();
    assert!(up
        .downstream
        .iter()
        .any(|e| e.blocked_id == blocked && e.broken));
    assert_eq!(
        ws.release_chain(999_999).unwrap_err().code,
        ErrorCode::NotFound
    );
}

/// The plan and its check are kept between slip previews only while nothing writes: this
/// window's own write, or another process's, makes the next preview read them again.
#[test]
fn the_checked_plan_is_kept_between_previews_until_the_workspace_is_written() {
    use std::sync::Arc;
    let (_d, path, mut ws) = demo();
    let m = move_with_dependents(&ws);
    let (a, ca) = ws.checked_plan().unwrap();
    ws.preview_scenario(&[m]).unwrap();
    let (b, cb) = ws.checked_plan().unwrap();
    assert!(
        Arc::ptr_eq(&a, &b) && Arc::ptr_eq(&ca, &cb),
        "read again with nothing written"
    );

    // This connection moves the release: the kept plan is stale.
    ws.apply_scenario(&clock(), "pm", &[m]).unwrap();
    let (c, _) = ws.checked_plan().unwrap();
    assert!(!Arc::ptr_eq(&b, &c));
    assert_eq!(c.release(m.release).unwrap().release_date, Some(m.to));

    // Another process (the CLI) moves it back: stale again.
    let mut other = Workspace::open(&path).unwrap();
    let back = ScenarioMove {
        release: m.release,
        to: m.to - chrono::Duration::days(30),
    };
    other.apply_scenario(&clock(), "cli", &[back]).unwrap();
    let (d, _) = ws.checked_plan().unwrap();
    assert!(!Arc::ptr_eq(&c, &d));
    assert_eq!(d.release(m.release).unwrap().release_date, Some(back.to));
    // And a preview from the kept plan equals one from a fresh read.
    let fresh = Workspace::open(&path).unwrap();
    assert_eq!(
        format!("{:?}", ws.preview_scenario(&[m]).unwrap()),
        format!("{:?}", fresh.preview_scenario(&[m]).unwrap())
    );
}
