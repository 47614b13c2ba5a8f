//! Loading the DORA facts and settings from a real workspace file.

use super::{event, today};
use chrono::NaiveDate;
use switchyard_core::demo;
use switchyard_core::dora::{Bucket, Calendar, Facts, Linked, Scope};
use switchyard_core::settings::Settings;
use switchyard_store::{Store, StoreError, SETTINGS_KEY};

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
    let doc = demo::generate(today());
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
        |p, e| settings.is_production(p, e),
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

    let releases = store.find_releases("Web").unwrap();
    assert!(!releases.is_empty());
    let first = store.find_releases(&releases[0].0.to_string()).unwrap();
    assert_eq!(first.len(), 1);
    let t = store.readiness_timeline(&first, today()).unwrap();
    assert_eq!(t.releases.len(), 1);
    assert!(!t.milestones.is_empty());
    let _: NaiveDate = t.today;
}
