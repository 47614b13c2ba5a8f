//! Loading the DORA facts and settings from a real workspace file.

use super::{event, loaded_at, today};
use chrono::NaiveDate;
use std::sync::Arc;
use switchyard_core::demo;
use switchyard_core::dora::{Bucket, Calendar, Facts, Linked, Scope};
use switchyard_core::settings::Settings;
use switchyard_store::{LinkPath, Store, StoreError, SETTINGS_KEY};

#[test]
fn settings_default_when_absent_and_round_trip_as_json_in_meta() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    assert_eq!(store.settings().unwrap(), Settings::default());
    let mut s = Settings::default();
    s.set("timezone", "Europe/Berlin").unwrap();
    s.set("production_environments", "live").unwrap();
    store.save_settings(&s).unwrap();
    assert_eq!(store.settings().unwrap(), s);
    let raw = store.meta(SETTINGS_KEY).unwrap().unwrap();
    assert!(raw.contains("Europe/Berlin"), "{raw}");
    s.timezone = "Nowhere/Else".into();
    assert!(matches!(
        store.save_settings(&s),
        Err(StoreError::Invalid(_))
    ));
    // A partial document reads with defaults for the rest.
    store
        .conn()
        .execute(
            "UPDATE meta SET value = '{\"incident_label\":\"sev\"}' WHERE key = ?1",
            [SETTINGS_KEY],
        )
        .unwrap();
    let s = store.settings().unwrap();
    assert_eq!(s.incident_label, "sev");
    assert_eq!(s.timezone, "UTC");
}

#[test]
fn facts_from_the_database_give_the_numbers_the_records_give() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    let doc = demo::generate(loaded_at());
    store.load_demo(&doc, &event("demo.load")).unwrap();
    let settings = Settings::default();
    let from_db = store.dora_facts(&settings).unwrap();
    assert!(from_db.deployments.len() > 1000);
    assert!(from_db.changes.len() > 2000);
    let from_records = Facts::from_records(
        &doc.services,
        &doc.deployments,
        &doc.work_items,
        &doc.incidents,
        &settings,
    );
    assert_eq!(from_db.deployments.len(), from_records.deployments.len());
    assert_eq!(from_db.changes.len(), from_records.changes.len());
    assert_eq!(from_db.incidents.len(), from_records.incidents.len());
    let to = today();
    let from = to - chrono::Days::new(364);
    let cal = Calendar::new(from, to, chrono_tz::UTC, Bucket::Week).unwrap();
    let th = settings.thresholds;
    let (a, b) = (Linked::new(from_db), Linked::new(from_records));
    let ra = a.report(&cal, &Scope::Organisation, &th);
    let rb = b.report(&cal, &Scope::Organisation, &th);
    assert_eq!(ra.metrics, rb.metrics);
    assert_eq!(ra.series, rb.series);
    let m = &ra.metrics;
    assert!(m.deployment_frequency.count > 1000, "{m:?}");
    assert!(m.change_failure_rate.numerator > 10, "{m:?}");
    assert!(m.lead_time.changes > 2000, "{m:?}");
    assert!(m.recovery_time.failures > 10, "{m:?}");
    // Per service, by the database's service order and the records' alike.
    let api = a.service_index("api-gateway").unwrap();
    let api_b = b.service_index("api-gateway").unwrap();
    assert_eq!(
        a.report(&cal, &Scope::Services(vec![api]), &th).metrics,
        b.report(&cal, &Scope::Services(vec![api_b]), &th).metrics
    );

    let start = format!("{from}T00:00:00Z");
    let end = format!("{}T00:00:00Z", to + chrono::Days::new(1));
    let runs = store.pipeline_runs_between(&start, &end).unwrap();
    assert!(runs.len() > 1000, "{}", runs.len());
    assert!(runs.iter().all(|r| r.started_at.date_naive() >= from));

    let releases = store.find_releases_or_train("Web").unwrap();
    assert!(!releases.is_empty());
    let first = store
        .find_releases_or_train(&releases[0].0.to_string())
        .unwrap();
    assert_eq!(first.len(), 1);
    let t = store.readiness_timeline(&first, today()).unwrap();
    assert_eq!(t.releases.len(), 1);
    assert!(!t.milestones.is_empty());
    let _: NaiveDate = t.today;
}

/// The links `linked_facts` gives must be those of linking the facts as they are now.
fn fresh(store: &Store, settings: &Settings) -> Linked {
    Linked::new(store.dora_facts(settings).unwrap())
}

fn demo_store(dir: &tempfile::TempDir) -> Store {
    let mut store = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    store
        .load_demo(&demo::generate(loaded_at()), &event("demo.load"))
        .unwrap();
    store
}

#[test]
fn kept_links_are_read_back_until_a_fact_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let settings = Settings::default();
    assert!(!store.linked_facts_are_kept(&settings).unwrap());
    let first = store.linked_facts(&settings).unwrap();
    assert_eq!(*first, fresh(&store, &settings));
    assert!(store.linked_facts_are_kept(&settings).unwrap());
    // The same store gives the same links from memory; another reads them back.
    assert!(Arc::ptr_eq(&store.linked_facts(&settings).unwrap(), &first));
    let other = Store::open(store.path()).unwrap();
    assert_eq!(*other.linked_facts(&settings).unwrap(), *first);
    drop(other);

    // Writes that leave every fact as it was keep them: a release, a non-PR work item, a
    // deployment's release link, an upsert writing the same values.
    let c = store.conn();
    c.execute_batch(
        "UPDATE releases SET name = name || ' (renamed)';
         UPDATE work_items SET title = 'x' WHERE kind <> 'pull_request';
         UPDATE deployments SET release_id = NULL;
         UPDATE incidents SET resolved_at = resolved_at, title = 'y';",
    )
    .unwrap();
    assert!(store.linked_facts_are_kept(&settings).unwrap());
    assert!(Arc::ptr_eq(&store.linked_facts(&settings).unwrap(), &first));

    // Every write that changes a fact makes them stale; the next query links again.
    let writes = [
        "UPDATE deployments SET time = '2020-01-01T00:00:00Z' WHERE id = (SELECT max(id) FROM deployments)",
        "UPDATE deployments SET outcome = 'failure' WHERE id = (SELECT min(id) FROM deployments WHERE outcome = 'success')",
        "DELETE FROM deployments WHERE id = (SELECT min(id) FROM deployments)",
        "UPDATE work_items SET merged_at = NULL WHERE id = (SELECT min(id) FROM work_items WHERE kind = 'pull_request' AND merged_at IS NOT NULL)",
        "UPDATE work_items SET kind = 'pull_request', merged_at = created_at WHERE id = (SELECT min(id) FROM work_items WHERE kind <> 'pull_request')",
        "DELETE FROM work_items WHERE id = (SELECT max(id) FROM work_items WHERE kind = 'pull_request')",
        "UPDATE incidents SET resolved_at = NULL WHERE id = (SELECT min(id) FROM incidents WHERE resolved_at IS NOT NULL)",
        "INSERT INTO incidents (service_id, title, created_at) SELECT min(id), 'Outage', '2026-11-01T09:00:00Z' FROM services",
        "UPDATE services SET name = 'renamed-service' WHERE id = (SELECT min(id) FROM services)",
        "UPDATE teams SET name = 'renamed-team' WHERE id = (SELECT min(id) FROM teams)",
    ];
    for sql in writes {
        assert_eq!(store.conn().execute(sql, []).unwrap(), 1, "{sql}");
        assert!(!store.linked_facts_are_kept(&settings).unwrap(), "{sql}");
        let now = store.linked_facts(&settings).unwrap();
        assert_eq!(*now, fresh(&store, &settings), "{sql}");
        assert!(store.linked_facts_are_kept(&settings).unwrap(), "{sql}");
    }

    // Other production environments are other facts.
    let mut live = Settings::default();
    live.set("production_environments", "live").unwrap();
    assert!(!store.linked_facts_are_kept(&live).unwrap());
    assert_eq!(*store.linked_facts(&live).unwrap(), fresh(&store, &live));
}

#[test]
fn damaged_kept_links_are_linked_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let settings = Settings::default();
    let good = store.linked_facts(&settings).unwrap();
    for damage in [
        "UPDATE dora_linked SET data = substr(data, 1, length(data) / 2)",
        "UPDATE dora_linked SET data = X'00'",
    ] {
        store.conn().execute(damage, []).unwrap();
        assert!(
            store.linked_facts_are_kept(&settings).unwrap(),
            "stamped current"
        );
        // A store opened now has nothing in memory: it reads the damaged blob.
        let reopened = Store::open(store.path()).unwrap();
        assert_eq!(
            *reopened.linked_facts(&settings).unwrap(),
            *good,
            "{damage}"
        );
        drop(reopened);
        // ... and kept whole again.
        let len: i64 = store
            .conn()
            .query_row("SELECT length(data) FROM dora_linked", [], |r| r.get(0))
            .unwrap();
        assert_eq!(len as usize, good.to_bytes().len(), "{damage}");
    }
}

#[test]
fn links_made_while_a_write_came_in_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let settings = Settings::default();
    // A second connection writes while this one reads (a sync running meanwhile): the
    // version it bumps is the one the result would be stamped with.
    let other = rusqlite::Connection::open(store.path()).unwrap();
    let reader = store.conn();
    reader.execute_batch("BEGIN").unwrap();
    let before: i64 = reader
        .query_row("SELECT n FROM dora_facts_version", [], |r| r.get(0))
        .unwrap();
    let linked = Linked::new(store.dora_facts(&settings).unwrap());
    reader.execute_batch("COMMIT").unwrap();
    other
        .execute(
            "DELETE FROM deployments WHERE id = (SELECT min(id) FROM deployments)",
            [],
        )
        .unwrap();
    store
        .keep_linked_for_tests(before, &settings, &linked)
        .unwrap();
    let rows: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM dora_linked", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0, "stale links are not written");
    assert!(!store.linked_facts_are_kept(&settings).unwrap());
    assert_eq!(
        *store.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
}

/// The id of a random row of `table` matching `filter` (`None` when none does).
fn random_row(
    c: &rusqlite::Connection,
    rng: &mut switchyard_core::rng::SplitMix64,
    table: &str,
    filter: &str,
) -> Option<i64> {
    let n: i64 = c
        .query_row(
            &format!("SELECT count(*) FROM {table} WHERE {filter}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    (n > 0).then(|| {
        c.query_row(
            &format!("SELECT id FROM {table} WHERE {filter} ORDER BY id LIMIT 1 OFFSET ?1"),
            [rng.range(0, n - 1)],
            |r| r.get(0),
        )
        .unwrap()
    })
}

/// One random write to a deployment, pull request or incident of a random service: an
/// insert, an update of a fact (time, outcome, sha, merge, resolution) or a move to another
/// service (or to none), or a delete.
fn random_edit(c: &rusqlite::Connection, rng: &mut switchyard_core::rng::SplitMix64) -> String {
    let service = random_row(c, rng, "services", "1").unwrap();
    let shift = rng.range(-10 * 86_400, 10 * 86_400);
    let moved = |col: &str| format!("strftime('%Y-%m-%dT%H:%M:%SZ', {col}, '{shift:+} seconds')");
    let sha = rng.sha();
    let dep = random_row(c, rng, "deployments", "1").unwrap();
    let pr = random_row(c, rng, "work_items", "kind = 'pull_request'").unwrap();
    let inc = random_row(c, rng, "incidents", "1").unwrap();
    let maybe_service = if rng.chance(0.2) {
        "NULL".to_string()
    } else {
        service.to_string()
    };
    let sql = match rng.range(0, 12) {
        0 => format!(
            "INSERT INTO deployments (service_id, environment, production, sha, outcome, time, created_at)
             SELECT {service}, environment, production, {}, outcome, {}, created_at
             FROM deployments WHERE id = {dep}",
            if rng.chance(0.5) { "sha".to_string() } else { format!("'{sha}'") },
            moved("time")
        ),
        1 => format!("UPDATE deployments SET time = {} WHERE id = {dep}", moved("time")),
        2 => format!(
            "UPDATE deployments SET outcome = CASE outcome WHEN 'success' THEN 'failure' ELSE 'success' END WHERE id = {dep}"
        ),
        3 => format!("UPDATE deployments SET service_id = {service} WHERE id = {dep}"),
        4 => format!("DELETE FROM deployments WHERE id = {dep}"),
        5 => format!(
            "INSERT INTO work_items (title, kind, status, status_category, service_id, created_at,
                                     updated_at, merged_at, first_commit_at)
             SELECT 'New', 'pull_request', 'merged', 'done', {maybe_service}, created_at,
                    updated_at, {}, first_commit_at FROM work_items WHERE id = {pr}",
            moved("coalesce(merged_at, created_at)")
        ),
        6 => format!(
            "UPDATE work_items SET merged_at = {} WHERE id = {pr}",
            moved("coalesce(merged_at, created_at)")
        ),
        7 => format!("UPDATE work_items SET service_id = {maybe_service} WHERE id = {pr}"),
        8 => format!("DELETE FROM work_items WHERE id = {pr}"),
        9 => format!(
            "INSERT INTO incidents (service_id, title, created_at, resolved_at)
             SELECT {maybe_service}, 'New', {}, resolved_at FROM incidents WHERE id = {inc}",
            moved("created_at")
        ),
        10 => format!(
            "UPDATE incidents SET resolved_at = CASE WHEN resolved_at IS NULL THEN {} END,
                                  service_id = {maybe_service} WHERE id = {inc}",
            moved("created_at")
        ),
        11 => format!("DELETE FROM incidents WHERE id = {inc}"),
        _ => format!(
            "UPDATE deployments SET sha = (SELECT sha FROM deployments WHERE service_id =
                 (SELECT service_id FROM deployments WHERE id = {dep}) ORDER BY time LIMIT 1)
             WHERE id = {dep}"
        ),
    };
    c.execute(&sql, []).unwrap();
    sql
}

/// Random edits of some services: the next query links only those again and gives exactly
/// the links of linking every fact anew, from the links in memory and from those read back
/// by another store alike.
#[test]
fn relinking_the_edited_services_equals_linking_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let settings = Settings::default();
    store.linked_facts(&settings).unwrap();
    let mut rng = switchyard_core::rng::SplitMix64::new(0x5EED);
    let mut relinked = 0;
    for round in 0..60 {
        // One to three edits, until one changed a fact (a row can be moved to where it
        // was, a time by zero).
        let mut edits: Vec<String> = (0..rng.range(1, 3))
            .map(|_| random_edit(store.conn(), &mut rng))
            .collect();
        while store.linked_facts_are_kept(&settings).unwrap() {
            edits.push(random_edit(store.conn(), &mut rng));
        }
        let expected = fresh(&store, &settings);
        // Every third round another store, which has nothing in memory, reads them back.
        let now = if round % 3 == 0 {
            let other = Store::open(store.path()).unwrap();
            let now = other.linked_facts(&settings).unwrap();
            assert!(matches!(
                other.dora_link_path(),
                Some(LinkPath::Relinked { .. })
            ));
            now
        } else {
            let now = store.linked_facts(&settings).unwrap();
            match store.dora_link_path() {
                Some(LinkPath::Relinked { services, .. }) => {
                    assert!((0..=6).contains(&services), "{edits:?}");
                    relinked += 1;
                }
                other => panic!("{other:?} after {edits:?}"),
            }
            now
        };
        assert_eq!(*now, expected, "round {round}: {edits:#?}");
        assert!(store.linked_facts_are_kept(&settings).unwrap());
        let dirty: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM dora_dirty_services", [], |r| r.get(0))
            .unwrap();
        assert_eq!(dirty, 0, "forgotten once linked in");
    }
    assert_eq!(relinked, 40);
}

/// One edited deployment: the next query links its service alone; a change not attributed
/// to a service (a service renamed) links everything.
#[test]
fn one_edited_deployment_relinks_one_service() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir);
    let settings = Settings::default();
    store.linked_facts(&settings).unwrap();
    assert_eq!(store.dora_link_path(), Some(LinkPath::Linked));
    let c = store.conn();
    c.execute(
        "UPDATE deployments SET time = strftime('%Y-%m-%dT%H:%M:%SZ', time, '-1 hour')
         WHERE id = (SELECT max(id) FROM deployments WHERE outcome = 'success')",
        [],
    )
    .unwrap();
    assert_eq!(
        *store.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
    assert_eq!(
        store.dora_link_path(),
        Some(LinkPath::Relinked {
            services: 1,
            without_service: false
        })
    );
    // Kept (written on a thread of their own, which this waits for): another store reads
    // them back as they are.
    assert!(store.linked_facts_are_kept(&settings).unwrap());
    let other = Store::open(store.path()).unwrap();
    assert_eq!(
        *other.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
    assert_eq!(other.dora_link_path(), Some(LinkPath::Kept));
    drop(other);
    // Moved to another service: both are linked again.
    c.execute(
        "UPDATE deployments SET service_id = (SELECT max(id) FROM services)
         WHERE id = (SELECT min(id) FROM deployments WHERE service_id <> (SELECT max(id) FROM services))",
        [],
    )
    .unwrap();
    assert_eq!(
        *store.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
    assert_eq!(
        store.dora_link_path(),
        Some(LinkPath::Relinked {
            services: 2,
            without_service: false
        })
    );
    // An incident without a service.
    c.execute(
        "INSERT INTO incidents (title, created_at) VALUES ('Somewhere', '2026-11-01T09:00:00Z')",
        [],
    )
    .unwrap();
    assert_eq!(
        *store.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
    assert_eq!(
        store.dora_link_path(),
        Some(LinkPath::Relinked {
            services: 0,
            without_service: true
        })
    );
    // Not attributed to a service: everything again.
    c.execute_batch(
        "UPDATE deployments SET outcome = 'failure' WHERE id = (SELECT max(id) FROM deployments);
         UPDATE services SET name = 'renamed' WHERE id = (SELECT min(id) FROM services);",
    )
    .unwrap();
    assert_eq!(
        *store.linked_facts(&settings).unwrap(),
        fresh(&store, &settings)
    );
    assert_eq!(store.dora_link_path(), Some(LinkPath::Linked));
    // Other settings: everything again too.
    c.execute(
        "DELETE FROM deployments WHERE id = (SELECT max(id) FROM deployments)",
        [],
    )
    .unwrap();
    let mut live = Settings::default();
    live.set("production_environments", "live").unwrap();
    assert_eq!(*store.linked_facts(&live).unwrap(), fresh(&store, &live));
    assert_eq!(store.dora_link_path(), Some(LinkPath::Linked));
}
