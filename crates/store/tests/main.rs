//! The workspace file: opening, refusing, upgrading, export/import and the audit chain,
//! all on real SQLite files in a temporary folder.

use chrono::{NaiveDate, TimeZone, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use switchyard_core::demo;
use switchyard_store::{append_audit, verify_audit, AuditEntry, Store, StoreError, SCHEMA_VERSION};

mod audit_sign;
mod dora;
mod import_props;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// When the tests load the demo: early in the morning of `today`.
fn loaded_at() -> switchyard_core::Timestamp {
    switchyard_core::demo::noon(today()) - chrono::Duration::hours(5)
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn siblings(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn event(action: &'static str) -> AuditEntry<'static> {
    AuditEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap(),
        actor: "tester",
        action,
        entity: "release",
        entity_id: Some("7"),
        before: Some(serde_json::json!({"status": "planned"})),
        after: Some(serde_json::json!({"status": "in_progress"})),
    }
}

#[test]
fn a_new_file_and_an_empty_file_are_created_at_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.sqlite3");
    let store = Store::open(&new).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);

    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    let store = Store::open(&empty).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let tables: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(tables >= 20, "{tables} tables");
    // Reopening an up-to-date workspace changes nothing and writes no backup.
    drop(store);
    Store::open(&empty).unwrap();
    assert!(!siblings(dir.path())
        .iter()
        .any(|p| p.to_string_lossy().contains("backup")));
}

#[test]
fn a_newer_workspace_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite3");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1); PRAGMA user_version = 42;")
            .unwrap();
    }
    let before = bytes(&path);
    let listing = siblings(dir.path());
    match Store::open(&path) {
        Err(StoreError::NewerVersion { found, known, .. }) => {
            assert_eq!((found, known), (42, SCHEMA_VERSION))
        }
        other => panic!("expected NewerVersion, got {:?}", other.err()),
    }
    assert_eq!(bytes(&path), before);
    assert_eq!(
        siblings(dir.path()),
        listing,
        "no -wal, -shm or backup left behind"
    );
}

#[test]
fn files_that_are_not_workspaces_are_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "release notes, not a database\n".repeat(200)).unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, b"SQLite").unwrap();
    let foreign = dir.path().join("other-app.sqlite3");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE bookmarks (url TEXT);")
        .unwrap();
    for path in [&text, &short, &foreign] {
        let before = bytes(path);
        let err = Store::open(path).err().expect("must be refused");
        assert!(
            matches!(err, StoreError::NotADatabase { .. }),
            "{path:?}: {err}"
        );
        assert_eq!(bytes(path), before, "{path:?} changed");
    }
    let err = Store::open(dir.path()).err().unwrap();
    assert!(matches!(err, StoreError::NotADatabase { .. }));
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/ws.sqlite3");
    match Store::open(&path) {
        Err(StoreError::MissingDirectory(d)) => assert!(d.ends_with("no/such/dir")),
        other => panic!("expected MissingDirectory, got {:?}", other.err()),
    }
    assert!(!dir.path().join("no").exists());
}

#[test]
fn export_import_export_is_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(&dir.path().join("a.sqlite3")).unwrap();
    a.load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    let first = a.export().unwrap();
    assert!(first.releases.len() > 50 && first.deployments.len() > 1000);
    assert_eq!(first.audit_events.len(), 1);
    assert_eq!(first.people.len(), 8, "the demo's roster");
    let mut b = Store::open(&dir.path().join("b.sqlite3")).unwrap();
    b.import(&first).unwrap();
    let second = b.export().unwrap();
    assert_eq!(first, second);
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&second).unwrap()
    );
    assert_eq!(verify_audit(b.conn()).unwrap(), None);

    // A document from before the roster (no `people` key, no recorded-by fields) imports.
    let mut old = serde_json::to_value(&first).unwrap();
    old.as_object_mut().unwrap().remove("people");
    for d in old["decisions"].as_array_mut().unwrap() {
        let d = d.as_object_mut().unwrap();
        for k in ["person_id", "os_user", "os_host"] {
            d.remove(k);
        }
    }
    let old: switchyard_core::Document = serde_json::from_value(old).unwrap();
    let mut c = Store::open(&dir.path().join("c.sqlite3")).unwrap();
    c.import(&old).unwrap();
    let third = c.export().unwrap();
    assert!(third.people.is_empty());
    assert_eq!(third.decisions, first.decisions);
}

#[test]
fn demo_load_twice_changes_nothing_and_import_needs_an_empty_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let doc = demo::generate(loaded_at());
    assert!(s.load_demo(&doc, &event("demo.load")).unwrap());
    let once = s.export().unwrap();
    assert!(!s.load_demo(&doc, &event("demo.load")).unwrap());
    assert_eq!(s.export().unwrap(), once);
    let err = s.import(&once).err().unwrap();
    assert!(matches!(err, StoreError::NotEmpty(_)), "{err}");
    assert_eq!(s.export().unwrap(), once);
}

#[test]
fn a_bad_document_rolls_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    let mut doc = demo::generate(loaded_at());
    // The last deployment names a service nobody has: everything before it must go too.
    doc.deployments.last_mut().unwrap().service = "no-such-service".into();
    let err = s.import(&doc).err().unwrap();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("no-such-service")),
        "{err}"
    );
    assert!(s.counts().unwrap().is_empty());

    let mut doc = demo::generate(loaded_at());
    doc.milestones[3].release_id = 99_999;
    let err = s.import(&doc).err().unwrap();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(s.counts().unwrap().is_empty());

    let mut doc = demo::generate(loaded_at());
    doc.schema_version = SCHEMA_VERSION + 1;
    assert!(matches!(s.import(&doc), Err(StoreError::Invalid(_))));
    assert!(s.counts().unwrap().is_empty());
}

#[test]
fn synced_identities_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    let insert =
        "INSERT INTO releases (name, source, source_key) VALUES ('1.0', 'jira', 'ABC:10001')";
    s.conn().execute(insert, []).unwrap();
    assert!(s.conn().execute(insert, []).is_err());
    // Local records (no source) do not collide.
    s.conn()
        .execute("INSERT INTO releases (name) VALUES ('1.0')", [])
        .unwrap();
    s.conn()
        .execute("INSERT INTO releases (name) VALUES ('1.0')", [])
        .unwrap();
}

#[test]
fn audit_events_are_append_only_and_verify_finds_a_changed_byte() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    for action in ["release.create", "release.update", "checklist.tick"] {
        append_audit(s.conn(), &event(action)).unwrap();
    }
    assert_eq!(verify_audit(s.conn()).unwrap(), None);
    assert!(s
        .conn()
        .execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 2", [])
        .is_err());
    assert!(s
        .conn()
        .execute("DELETE FROM audit_events WHERE id = 2", [])
        .is_err());
    // Someone with the sqlite3 shell drops the guard and edits one character.
    s.conn()
        .execute_batch(
            "DROP TRIGGER audit_events_no_update;
             UPDATE audit_events SET after = replace(after, 'in_progress', 'in_progresz') WHERE id = 2;",
        )
        .unwrap();
    assert_eq!(verify_audit(s.conn()).unwrap(), Some(2));
}

#[test]
fn a_removed_audit_event_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    for action in ["a", "b", "c"] {
        append_audit(s.conn(), &event(action)).unwrap();
    }
    s.conn()
        .execute_batch(
            "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE id = 2;",
        )
        .unwrap();
    assert_eq!(verify_audit(s.conn()).unwrap(), Some(3));
}

#[test]
fn decisions_are_never_edited() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    s.load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    let err = s
        .conn()
        .execute("UPDATE decisions SET outcome = 'no_go' WHERE id = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("never edited"), "{err}");
}

#[test]
fn a_status_the_vocabulary_does_not_hold_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    s.load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    // Another program wrote a word this build does not know, past the schema's CHECK.
    s.conn()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE releases SET status = 'shipped' WHERE id = 1;
             PRAGMA ignore_check_constraints = OFF;",
        )
        .unwrap();
    let err = s.export().unwrap_err();
    let StoreError::UnknownValue(u) = &err else {
        panic!("expected UnknownValue, got {err:?}");
    };
    assert_eq!(u.value, "shipped");
    assert_eq!(u.what, "release status");
    assert_eq!(
        err.to_string(),
        "the workspace holds a value this build does not know: \"shipped\" is not a release \
         status (expected one of: planned, in_progress, released, cancelled)"
    );
    // The calendar reads the same column through the same codec.
    let from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    assert!(matches!(
        s.calendar(today(), from, to),
        Err(StoreError::UnknownValue(_))
    ));
}

#[test]
fn the_calendar_has_a_lane_per_train_with_releases_milestones_and_freezes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    s.load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
    let view = s.calendar(today(), from, to).unwrap();
    let names: Vec<_> = view.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Web", "Platform", "Enterprise"]);
    let web = &view.lanes[0];
    assert_eq!(web.cadence_label, "Every 2 weeks on Tuesday");
    assert!(
        web.releases.len() >= 7,
        "{} web releases",
        web.releases.len()
    );
    for r in view.lanes.iter().flat_map(|l| &l.releases) {
        assert!(r.release_date >= from && r.release_date <= to);
        assert!(r.risk_class.is_some());
        let ready = r.readiness.unwrap();
        assert!((0.0..=1.0).contains(&ready));
        if r.status == switchyard_core::ReleaseStatus::Released {
            assert_eq!(ready, 1.0, "{} shipped unready", r.name);
            assert_eq!(r.decision, Some(switchyard_core::DecisionOutcome::Go));
        }
        assert!(!r.milestones.is_empty());
        assert!(r.milestones.windows(2).all(|w| w[0].date <= w[1].date));
    }
    let freezes: Vec<_> = view
        .freeze_windows
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(freezes.contains(&"Year-end freeze 2026"), "{freezes:?}");
    let peak = view
        .freeze_windows
        .iter()
        .find(|f| f.name.starts_with("Peak"))
        .unwrap();
    assert!(peak.services.contains(&"web-checkout".to_string()));
    // Every service with its team, by name: the window's filters and lanes by team.
    assert!(view
        .service_teams
        .windows(2)
        .all(|w| w[0].service < w[1].service));
    let checkout = view
        .service_teams
        .iter()
        .find(|s| s.service == "web-checkout")
        .unwrap();
    assert!(checkout.team.is_some(), "{checkout:?}");
}

/// A future step runs against a workspace of today's schema: backup first, then one
/// transaction; a failing step leaves the file at its old version with its data.
#[test]
fn an_upgrade_backs_up_first_and_a_failed_step_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let mut s = Store::open(&path).unwrap();
    s.load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    let doc = s.export().unwrap();
    drop(s);

    let mut steps: Vec<&str> = switchyard_store::MIGRATIONS.to_vec();
    steps.push("ALTER TABLE releases ADD COLUMN code_name TEXT; CREATE TABLE broken (x) STRICT;");
    let mut conn = Connection::open(&path).unwrap();
    let err = switchyard_store::upgrade_with(&mut conn, &path, SCHEMA_VERSION, &steps).unwrap_err();
    assert!(
        err.to_string().contains("missing datatype") || err.to_string().contains("broken"),
        "{err}"
    );
    // One line that names the step, without the step's SQL.
    let line = err.to_string();
    assert!(
        !line.contains('\n') && !line.contains("ALTER TABLE"),
        "{line}"
    );
    assert!(
        line.contains(&format!("schema version {}", SCHEMA_VERSION + 1)),
        "{line}"
    );
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    assert!(
        conn.prepare("SELECT code_name FROM releases").is_err(),
        "half a step was applied"
    );
    drop(conn);
    assert_eq!(Store::open(&path).unwrap().export().unwrap(), doc);

    steps.pop();
    steps.push("ALTER TABLE releases ADD COLUMN code_name TEXT;");
    let mut conn = Connection::open(&path).unwrap();
    switchyard_store::upgrade_with(&mut conn, &path, SCHEMA_VERSION, &steps).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION + 1);
    let backups: Vec<_> = siblings(dir.path())
        .into_iter()
        .filter(|p| {
            p.to_string_lossy()
                .contains(&format!(".v{SCHEMA_VERSION}.backup"))
        })
        .collect();
    assert_eq!(
        backups.len(),
        2,
        "one backup per attempted upgrade: {backups:?}"
    );
    let backup = Connection::open(&backups[0]).unwrap();
    let v: i64 = backup
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let n: i64 = backup
        .query_row("SELECT count(*) FROM deployments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, doc.deployments.len());
}

/// A workspace written by schema version 1 opens in this build: backed up, upgraded, and
/// every record still there.
#[test]
fn a_version_1_workspace_is_backed_up_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    Connection::open(&path)
        .unwrap()
        .execute_batch(include_str!("fixtures/v1-workspace.sql"))
        .unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let doc = store.export().unwrap();
    assert_eq!(doc.releases.len(), 2);
    assert_eq!(doc.releases[0].services, ["payments-api", "ledger"]);
    assert_eq!(doc.deployments[0].service, "payments-api");
    assert_eq!(doc.dependencies[0].blocker, "2");
    let backup = dir.path().join("old.sqlite3.v1.backup");
    let old = Connection::open(&backup).unwrap();
    let v: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
    let n: i64 = old
        .query_row("SELECT count(*) FROM releases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

/// A workspace made by the build that shipped schema step 2 (the planning tables alone)
/// is taken to the current version: the governance and sync tables exist afterwards and a
/// backup of the version 2 file is kept.
#[test]
fn a_version_2_workspace_gets_the_governance_and_sync_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    switchyard_store::upgrade_with(&mut conn, &path, 0, &switchyard_store::MIGRATIONS[..2])
        .unwrap();
    conn.execute(
        "INSERT INTO holidays (date, name) VALUES ('2027-01-01', 'New year')",
        [],
    )
    .unwrap();
    let has = |c: &Connection, table: &str| -> bool {
        c.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    };
    assert!(
        !has(&conn, "risk_policies"),
        "step 2 alone has no governance tables"
    );
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    for table in [
        "risk_policies",
        "checklist_item_events",
        "release_approvals",
        "change_records",
        "reviews",
        "jira_issues",
        "work_item_transitions",
        "dora_facts_version",
        "dora_linked",
    ] {
        assert!(has(store.conn(), table), "{table} after the upgrade");
    }
    assert_eq!(store.export().unwrap().holidays.len(), 1, "the data stays");
    assert!(dir.path().join("v2.sqlite3.v2.backup").exists());
}

/// One lookup for every command: an id, then an exact name, version or source key, then the
/// same ignoring case; several matches are all returned (the caller says `ambiguous`).
#[test]
fn a_release_is_found_by_id_name_version_or_source_key_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = demo::generate(loaded_at());
    let web = doc
        .releases
        .iter()
        .position(|r| r.name == "Web 26.50")
        .expect("the demo has Web 26.50");
    doc.releases[web].source_key = Some("WEB-10042".into());
    let (id, version) = (
        doc.releases[web].id,
        doc.releases[web].version.clone().unwrap(),
    );
    let mut store = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    store.import(&doc).unwrap();
    let find = |key: &str| switchyard_store::lookup::find_releases(store.conn(), key).unwrap();
    let want = vec![(id, "Web 26.50".to_string())];
    for key in [
        id.to_string(),
        "Web 26.50".into(),
        "  web 26.50 ".into(),
        "WEB 26.50".into(),
        version.clone(),
        "WEB-10042".into(),
        "web-10042".into(),
    ] {
        assert_eq!(find(&key), want, "{key:?}");
    }
    assert!(find("Web 99.99").is_empty());
    assert!(find("").is_empty());
    // A name two releases share answers both, for the caller to call ambiguous.
    let other = doc.releases.iter().find(|r| r.id != id).unwrap().id;
    store
        .conn()
        .execute(
            "UPDATE releases SET name = 'Web 26.50' WHERE id = ?1",
            [other],
        )
        .unwrap();
    assert_eq!(find("web 26.50").len(), 2);
}

/// A workspace of schema step 5 (before the roster) is taken to step 6: its approvals and
/// decisions stay, with no person, OS user or host; the roster starts empty, its names are
/// unique ignoring case and an identity belongs to one person.
#[test]
fn a_version_5_workspace_gets_the_roster_and_keeps_its_approvals() {
    use switchyard_core::people::IdentityKind;
    use switchyard_store::governance as gov;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    switchyard_store::upgrade_with(&mut conn, &path, 0, &switchyard_store::MIGRATIONS[..5])
        .unwrap();
    conn.execute_batch(
        "INSERT INTO releases (id, name, release_type, status, released, archived)
              VALUES (1, 'Web 26.48', 'regular', 'planned', 0, 0);
         INSERT INTO decisions (id, release_id, outcome, criteria, notes, decided_by, decided_at)
              VALUES (1, 1, 'go', '{}', '', 'rita', '2026-11-20T15:00:00Z');
         INSERT INTO approvals (decision_id, role, approver, approved_at)
              VALUES (1, 'sre', 'omar', '2026-11-20T14:00:00Z');
         INSERT INTO release_approvals (release_id, role, approver, approved_at)
              VALUES (1, 'qa', 'nina', '2026-11-21T10:00:00Z');",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(dir.path().join("v5.sqlite3.v5.backup").exists());
    let doc = store.export().unwrap();
    assert!(doc.people.is_empty());
    assert_eq!(doc.decisions[0].decided_by, "rita");
    assert_eq!(doc.decisions[0].recorded, Default::default());
    assert_eq!(doc.decisions[0].approvals[0].approver, "omar");
    assert_eq!(doc.decisions[0].approvals[0].recorded.os_user, None);
    assert_eq!(doc.release_approvals[0].approver, "nina");
    assert_eq!(doc.release_approvals[0].recorded.person_id, None);

    let c = store.conn();
    // As the app writes: each person in a transaction of its own, rolled back on refusal.
    let insert = |p: &switchyard_core::Person| {
        gov::transact(&store, |c| {
            gov::insert_person(c, None, p).map_err(StoreError::from)
        })
    };
    let t = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    let person = |name: &str, github: &[&str]| switchyard_core::Person {
        id: 0,
        name: name.into(),
        roles: vec!["sre".into(), "qa".into()],
        github: github.iter().map(|s| s.to_string()).collect(),
        jira: vec!["omar@example.com".into()],
        created_at: t,
        updated_at: t,
    };
    let id = insert(&person("Omar Haddad", &["omar-h"])).unwrap();
    assert!(
        insert(&person("omar haddad", &[])).is_err(),
        "names are unique ignoring case"
    );
    let mut other = person("Sam", &["OMAR-H"]);
    other.jira.clear();
    assert!(
        insert(&other).is_err(),
        "a GitHub login belongs to one person"
    );
    assert_eq!(gov::people_count(c).unwrap(), 1);
    let back = gov::person(c, id).unwrap().unwrap();
    assert_eq!(back.roles, ["sre", "qa"], "roles keep their order");
    assert_eq!(back.github, ["omar-h"]);
    assert_eq!(
        gov::identity_owner(c, IdentityKind::Github, "Omar-H").unwrap(),
        Some((id, "Omar Haddad".to_string()))
    );
    assert_eq!(
        gov::person_named(c, " OMAR HADDAD ").unwrap().map(|p| p.0),
        Some(id)
    );
    // The roster travels with the export document.
    let doc = store.export().unwrap();
    assert_eq!(doc.people.len(), 1);
    let other_dir = tempfile::tempdir().unwrap();
    let mut copy = Store::open(&other_dir.path().join("copy.sqlite3")).unwrap();
    copy.import(&doc).unwrap();
    assert_eq!(copy.export().unwrap(), doc);
}

/// Governance writes are flushed at their commit (`synchronous=FULL` inside), every other
/// write keeps `NORMAL`, and a refused governance write leaves `NORMAL` too.
#[test]
fn governance_writes_are_flushed_at_commit_and_others_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("w.sqlite3")).unwrap();
    let level =
        |c: &Connection| -> i64 { c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap() };
    assert_eq!(level(store.conn()), 1, "NORMAL when opened");
    let inside =
        switchyard_store::governance::transact(&store, |c| Ok::<_, StoreError>(level(c))).unwrap();
    assert_eq!(inside, 2, "FULL inside a governance write");
    assert_eq!(level(store.conn()), 1, "NORMAL again after it");
    let plain = store.transact(|tx| Ok::<_, StoreError>(level(tx))).unwrap();
    assert_eq!(plain, 1, "NORMAL inside any other write");
    let refused: Result<(), StoreError> = switchyard_store::governance::transact(&store, |_| {
        Err(StoreError::Invalid("refused".into()))
    });
    assert!(refused.is_err());
    assert_eq!(level(store.conn()), 1, "NORMAL after a refused one");
}

/// A workspace of schema step 6 is taken to step 8 (signed audit heads, then ingested records): its deployments and
/// incidents keep their ids, columns and sources; the tables take the source `import`, a
/// deployment a `url`; the indexes are there again and a write still moves the DORA facts'
/// version (the triggers were made again).
#[test]
fn a_version_6_workspace_keeps_its_deployments_and_incidents_and_takes_imported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    switchyard_store::upgrade_with(&mut conn, &path, 0, &switchyard_store::MIGRATIONS[..6])
        .unwrap();
    conn.execute_batch(
        "INSERT INTO services (id, name, source, source_key) VALUES (3, 'acme/web', 'github', 'acme/web');
         INSERT INTO deployments (id, source, source_key, service_id, environment, production, sha,
                                  git_ref, creator, outcome, time, created_at)
              VALUES (17, 'github', 'acme/web/deployments/9', 3, 'production', 1, 'abc', 'main',
                      'octocat', 'success', '2026-11-02T10:00:00Z', '2026-11-02T09:55:00Z');
         INSERT INTO incidents (id, source, source_key, service_id, title, severity, created_at,
                                resolved_at, url)
              VALUES (5, 'github', 'acme/web#12', 3, 'Down', 'SEV1', '2026-11-02T11:00:00Z', NULL,
                      'https://github.com/acme/web/issues/12');",
    )
    .unwrap();
    let refused = conn.execute(
        "INSERT INTO deployments (source, source_key, service_id, environment, production, sha,
                                  outcome, created_at)
              VALUES ('import', 'jenkins:1', 3, 'production', 1, 'x', 'success', '2026-11-02T10:00:00Z')",
        [],
    );
    assert!(refused.is_err(), "step 6 knows no import source");
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let doc = store.export().unwrap();
    let d = &doc.deployments[0];
    assert_eq!(
        (d.id, d.source_key.as_deref()),
        (17, Some("acme/web/deployments/9"))
    );
    assert_eq!(d.source, Some(switchyard_core::Source::Github));
    assert_eq!(
        (d.sha.as_str(), d.creator.as_deref(), d.url.as_deref()),
        ("abc", Some("octocat"), None)
    );
    let i = &doc.incidents[0];
    assert_eq!((i.id, i.title.as_str(), i.resolved_at), (5, "Down", None));
    assert_eq!(
        i.url.as_deref(),
        Some("https://github.com/acme/web/issues/12")
    );

    let c = store.conn();
    let version = || -> i64 {
        c.query_row("SELECT n FROM dora_facts_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = version();
    c.execute(
        "INSERT INTO deployments (source, source_key, service_id, environment, production, sha,
                                  outcome, created_at, url)
              VALUES ('import', 'jenkins:1', 3, 'production', 1, 'x', 'success',
                      '2026-11-02T10:00:00Z', 'https://ci.example/1')",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE incidents SET resolved_at = '2026-11-02T12:00:00Z' WHERE id = 5",
        [],
    )
    .unwrap();
    assert_eq!(version(), before + 2, "the DORA triggers are there");
    for index in [
        "deployments_by_service_time",
        "deployments_by_time",
        "deployments_pending",
        "incidents_by_service_created",
    ] {
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
                [index],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{index}");
    }
    let dup = c.execute(
        "INSERT INTO deployments (source, source_key, service_id, environment, production, sha,
                                  outcome, created_at)
              VALUES ('import', 'jenkins:1', 3, 'production', 1, 'y', 'success', '2026-11-03T10:00:00Z')",
        [],
    );
    assert!(dup.is_err(), "(source, source_key) is still unique");
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}
