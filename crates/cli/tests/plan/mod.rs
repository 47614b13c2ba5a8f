//! The planning commands against real workspace files: trains and calendars, dependencies
//! and cycles, slips, `plan check`, and the audit log.

use super::{fails, ok, switchyard};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = ok(dir, args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document: {e}\n{out}"))
}

fn export(dir: &Path, db: &str) -> Value {
    json(dir, &["--db", db, "export", "--format", "json"])
}

fn sy<'a>(db: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--db", db];
    v.extend_from_slice(args);
    v
}

fn release_date(doc: &Value, name: &str) -> String {
    doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no release {name}"))["release_date"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Three releases A (Mon 2027-03-01) -> B (Wed 2027-03-03), and C unrelated.
fn three_releases(d: &Path, db: &str) {
    for (name, date) in [
        ("A", "2027-03-01"),
        ("B", "2027-03-03"),
        ("C", "2027-03-02"),
    ] {
        ok(d, &sy(db, &["release", "add", name, "--date", date]));
    }
    ok(
        d,
        &sy(
            db,
            &[
                "dep",
                "add",
                "--blocker",
                "A",
                "--blocked",
                "B",
                "--kind",
                "release",
            ],
        ),
    );
}

#[test]
fn plan_check_on_the_demo_finds_its_deliberate_dependency_order_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    let report = json(d, &["--db", "ws.sqlite3", "plan", "check", "--json"]);
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(report["count"], conflicts.len());
    let order: Vec<&Value> = conflicts
        .iter()
        .filter(|c| c["kind"] == "dependency_order")
        .collect();
    assert_eq!(order.len(), 1, "{report:#}");
    let records = order[0]["records"].as_array().unwrap();
    let blocker = records[0]["name"].as_str().unwrap();
    let blocked = records[1]["name"].as_str().unwrap();
    assert!(
        blocker.starts_with("Platform ") && blocked.starts_with("Enterprise "),
        "{records:?}"
    );
    assert!(records.iter().any(|r| r["type"] == "dependency"));
    let message = order[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("needs {blocker} first")),
        "{message}"
    );
    // The blocked release is the first unshipped Enterprise release, and the dates agree.
    let doc = export(d, "ws.sqlite3");
    let first_open_enterprise = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().unwrap().starts_with("Enterprise ") && r["released"] == false)
        .unwrap();
    assert_eq!(first_open_enterprise["name"], blocked);
    assert!(release_date(&doc, blocker) > release_date(&doc, blocked));
    // Anything else it reports is a high-risk overlap, never noise: no cycles, no release
    // in a freeze window, milestones in order.
    for c in conflicts {
        assert!(
            c["kind"] == "dependency_order" || c["kind"] == "risk_overlap",
            "{c:#}"
        );
        assert!(!c["message"].as_str().unwrap().is_empty());
    }
    // The human form says the same.
    let text = ok(d, &["--db", "ws.sqlite3", "plan", "check"]);
    assert!(text.contains("1 dependency_order"), "{text}");
}

#[test]
fn an_imported_cycle_and_a_release_in_a_freeze_are_reported_never_silently_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "demo.sqlite3", "demo", "load"]);
    let mut doc = export(d, "demo.sqlite3");
    // Close a cycle: the reverse of a release dependency.
    let deps = doc["dependencies"].as_array_mut().unwrap();
    let edge = deps
        .iter()
        .find(|e| e["kind"] == "release")
        .expect("the demo has release dependencies")
        .clone();
    let mut back = edge.clone();
    back["id"] = json!(
        deps.iter()
            .map(|e| e["id"].as_i64().unwrap())
            .max()
            .unwrap()
            + 1
    );
    back["blocker"] = edge["blocked"].clone();
    back["blocked"] = edge["blocker"].clone();
    back["note"] = json!("a hand edit gone wrong");
    deps.push(back);
    // Freeze the day of an unshipped release, for its services.
    let release = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["released"] == false && r["release_date"].is_string())
        .unwrap()
        .clone();
    let day = release["release_date"].as_str().unwrap().to_string();
    let windows = doc["freeze_windows"].as_array_mut().unwrap();
    let id = windows
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .max()
        .unwrap_or(0)
        + 1;
    windows.push(json!({
        "id": id, "name": "Board offsite", "start_date": day, "end_date": day,
        "services": release["services"], "reason": "Everyone is away.",
    }));
    std::fs::write(d.join("edited.json"), serde_json::to_vec(&doc).unwrap()).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args([
            "--db",
            "ws.sqlite3",
            "import",
            "--format",
            "json",
            "edited.json",
        ])
        .current_dir(d)
        .env_remove("SWITCHYARD_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning[cycle]"),
        "the import says so: {stderr}"
    );
    assert!(stderr.contains("warning[freeze_window]"), "{stderr}");

    let report = json(d, &["--db", "ws.sqlite3", "plan", "check", "--json"]);
    let of_kind = |k: &str| -> Vec<Value> {
        report["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == k)
            .cloned()
            .collect()
    };
    let cycles = of_kind("cycle");
    assert_eq!(cycles.len(), 1, "{report:#}");
    let ids: Vec<String> = cycles[0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "release")
        .map(|r| r["id"].to_string())
        .collect();
    for end in ["blocker", "blocked"] {
        let id = edge[end]
            .as_str()
            .map(String::from)
            .unwrap_or(edge[end].to_string());
        assert!(
            ids.contains(&id),
            "the cycle names release {id}: {cycles:?}"
        );
    }
    let frozen = of_kind("freeze_window");
    assert!(
        frozen.iter().any(|c| c["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["type"] == "release" && r["id"] == release["id"])
            && c["message"].as_str().unwrap().contains("Board offsite")),
        "{frozen:#?}"
    );
}

#[test]
fn a_dependency_that_closes_a_cycle_is_refused_with_its_path_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = "ws.sqlite3";
    three_releases(d, db);
    ok(
        d,
        &sy(db, &["dep", "add", "--blocker", "B", "--blocked", "C"]),
    );
    let before = std::fs::read(d.join(db)).unwrap();
    let line = fails(
        d,
        &sy(db, &["dep", "add", "--blocker", "C", "--blocked", "A"]),
        "dependency_cycle",
    );
    assert_eq!(
        line,
        "error[dependency_cycle]: adding C -> A closes the cycle C -> A -> B -> C"
    );
    assert_eq!(
        std::fs::read(d.join(db)).unwrap(),
        before,
        "nothing written"
    );
    // Unknown and ambiguous names.
    fails(
        d,
        &sy(db, &["dep", "add", "--blocker", "Nope", "--blocked", "A"]),
        "not_found",
    );
    ok(d, &sy(db, &["release", "add", "A", "--date", "2027-04-01"]));
    let line = fails(
        d,
        &sy(db, &["release", "move", "A", "--by", "1"]),
        "ambiguous",
    );
    assert!(line.contains("1 (A)") && line.contains("4 (A)"), "{line}");
    // The order still exists and starts with A.
    let order = json(d, &sy(db, &["plan", "order", "--json"]));
    let names: Vec<&str> = order["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "B", "C", "A"]);
    // Removing an edge is audited and lets the reverse edge in.
    ok(
        d,
        &sy(db, &["dep", "rm", "--blocker", "B", "--blocked", "C"]),
    );
    ok(
        d,
        &sy(db, &["dep", "add", "--blocker", "C", "--blocked", "1"]),
    );
    let doc = export(d, db);
    let actions: Vec<&str> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "release.add",
            "release.add",
            "release.add",
            "dependency.add",
            "dependency.add",
            "release.add",
            "dependency.remove",
            "dependency.add"
        ]
    );
}

#[test]
fn a_move_previews_without_changing_anything_and_apply_moves_dependents_with_audit_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = "ws.sqlite3";
    three_releases(d, db);
    let before_doc = export(d, db);
    let before = std::fs::read(d.join(db)).unwrap();
    let preview = json(d, &sy(db, &["release", "move", "A", "--by", "7", "--json"]));
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["to"], "2027-03-08");
    let moves = preview["moves"].as_array().unwrap();
    assert_eq!(moves.len(), 1, "{preview:#}");
    assert_eq!(moves[0]["name"], "B");
    assert_eq!(moves[0]["to"], "2027-03-08");
    assert_eq!(moves[0]["days"], 5);
    assert_eq!(
        std::fs::read(d.join(db)).unwrap(),
        before,
        "a preview writes nothing"
    );

    let applied = json(
        d,
        &sy(
            db,
            &[
                "release",
                "move",
                "A",
                "--to",
                "2027-03-08",
                "--apply",
                "--json",
            ],
        ),
    );
    assert_eq!(applied["applied"], true);
    let doc = export(d, db);
    assert_eq!(release_date(&doc, "A"), "2027-03-08");
    assert_eq!(release_date(&doc, "B"), "2027-03-08");
    assert_eq!(release_date(&doc, "C"), release_date(&before_doc, "C"));
    let events = doc["audit_events"].as_array().unwrap();
    let moved: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "release.move")
        .collect();
    assert_eq!(moved.len(), 2);
    assert_eq!(moved[0]["before"]["release_date"], "2027-03-01");
    assert_eq!(moved[1]["after"]["release_date"], "2027-03-08");
    // The moved release's milestone moved along.
    let ms: Vec<&Value> = doc["milestones"].as_array().unwrap().iter().collect();
    assert!(ms
        .iter()
        .any(|m| m["date"] == "2027-03-08" && m["release_id"] == 1));
    let out = ok(d, &sy(db, &["audit", "verify"]));
    assert_eq!(
        out.lines().next().unwrap(),
        format!("audit log intact: {} events", events.len())
    );
    // The critical path of B now runs through A.
    let cp = json(d, &sy(db, &["plan", "critical-path", "B", "--json"]));
    let path: Vec<&str> = cp["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["A", "B"]);
}

#[test]
fn trains_generate_outside_freezes_and_holidays_and_generating_again_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = "ws.sqlite3";
    ok(
        d,
        &sy(
            db,
            &[
                "train",
                "add",
                "Web",
                "--every",
                "2w",
                "--weekday",
                "tue",
                "--anchor",
                "2027-01-04",
                "--template",
                "standard",
            ],
        ),
    );
    ok(
        d,
        &sy(db, &["holiday", "add", "2027-01-19", "Founders day"]),
    );
    ok(
        d,
        &sy(
            db,
            &[
                "freeze",
                "add",
                "Quarter close",
                "--from",
                "2027-02-01",
                "--to",
                "2027-02-03",
            ],
        ),
    );
    let args = sy(
        db,
        &[
            "train",
            "generate",
            "Web",
            "--from",
            "2027-01-01",
            "--until",
            "2027-03-01",
            "--json",
        ],
    );
    let mut dry = args.clone();
    dry.push("--dry-run");
    let before = std::fs::read(d.join(db)).unwrap();
    let preview = json(d, &dry);
    assert_eq!(
        std::fs::read(d.join(db)).unwrap(),
        before,
        "a dry run writes nothing"
    );
    let first = json(d, &args);
    let names = |v: &Value| -> Vec<String> {
        v["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&first), names(&preview));
    assert!(preview["created"][0]["id"].is_null() && first["created"][0]["id"].is_i64());
    let dates: Vec<&str> = first["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["release_date"].as_str().unwrap())
        .collect();
    // Tuesdays from 2027-01-05; the 19th is a holiday (to the 20th), 2 Feb is frozen (to the 4th).
    assert_eq!(
        dates,
        ["2027-01-05", "2027-01-20", "2027-02-04", "2027-02-16"]
    );
    let again = json(d, &args);
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["existing"].as_array().unwrap().len(), 4);
    let doc = export(d, db);
    assert_eq!(doc["releases"].as_array().unwrap().len(), 4);
    assert_eq!(doc["milestones"].as_array().unwrap().len(), 24);
    assert_eq!(doc["holidays"].as_array().unwrap().len(), 1);
    // Export -> import -> export keeps the holidays and everything else.
    std::fs::write(
        d.join("ws.json"),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    )
    .unwrap();
    ok(
        d,
        &[
            "--db",
            "copy.sqlite3",
            "import",
            "--format",
            "json",
            "ws.json",
        ],
    );
    assert_eq!(export(d, "copy.sqlite3"), doc);
    ok(d, &["--db", "copy.sqlite3", "audit", "verify"]);
    // Usage errors exit 2.
    let out = switchyard(d, &sy(db, &["train", "generate", "Web"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn audit_verify_finds_an_edited_or_removed_event() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = "ws.sqlite3";
    three_releases(d, db);
    let out = ok(d, &sy(db, &["audit", "verify"]));
    assert_eq!(out.lines().next().unwrap(), "audit log intact: 4 events");
    assert!(out.contains("signed head at event 4 verified"), "{out}");
    std::fs::copy(d.join(db), d.join("cut.sqlite3")).unwrap();

    // Someone with the file and sqlite edits one byte of event 2.
    {
        let c = rusqlite::Connection::open(d.join(db)).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_events_no_update;
             UPDATE audit_events SET actor = 'mallory' WHERE id = 2;",
        )
        .unwrap();
    }
    let line = fails(d, &sy(db, &["audit", "verify"]), "audit_broken");
    assert!(line.starts_with("error[audit_broken]: event 2 "), "{line}");
    assert!(line.contains("edited"), "{line}");
    // An evidence pack is refused from it, and no file is written.
    let zip = d.join("pack.zip");
    let line = fails(
        d,
        &sy(db, &["evidence", "A", "--out", zip.to_str().unwrap()]),
        "audit_broken",
    );
    assert!(
        line.contains("event 2") && line.contains("no evidence pack"),
        "{line}"
    );
    assert!(!zip.exists());
    ok(
        d,
        &[
            "--db",
            "cut.sqlite3",
            "evidence",
            "A",
            "--out",
            zip.to_str().unwrap(),
        ],
    );
    assert!(zip.exists(), "an intact log gives a pack");
    std::fs::remove_file(&zip).unwrap();

    // Removing the newest event, or one in the middle, shows too.
    {
        let c = rusqlite::Connection::open(d.join("cut.sqlite3")).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_events_no_delete;
             DELETE FROM audit_events WHERE id = 4;",
        )
        .unwrap();
    }
    let line = fails(
        d,
        &["--db", "cut.sqlite3", "audit", "verify"],
        "audit_broken",
    );
    assert!(
        line.starts_with("error[audit_broken]: event 4 is missing"),
        "{line}"
    );
    {
        let c = rusqlite::Connection::open(d.join("cut.sqlite3")).unwrap();
        c.execute("DELETE FROM audit_events WHERE id = 2", [])
            .unwrap();
    }
    let line = fails(
        d,
        &["--db", "cut.sqlite3", "audit", "verify"],
        "audit_broken",
    );
    assert!(line.starts_with("error[audit_broken]: event 3 "), "{line}");
}
